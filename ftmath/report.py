"""Export builders: tables and documents in, bytes out, safe to open.

Pages hand the bytes to a download button; tests open them. CSV cells whose text begins with
``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) are neutralised with a leading
apostrophe so a spreadsheet shows them instead of running them (OWASP, "CSV Injection");
numbers are left alone. XLSX has a cell type for text, so the workbook stores every text cell
as a string (never a formula) and needs no apostrophe, which Excel would show as part of the
value. Names in Markdown and HTML are escaped.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ftmath.errors import InputError

__all__ = [
    "REPORT_BLOCK_KINDS",
    "csv_bytes",
    "escape_markdown",
    "escape_markdown_lines",
    "html_report",
    "json_bytes",
    "markdown_table",
    "neutralise_cell",
    "plural",
    "xlsx_bytes",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plural(count: int, word: str, many: str | None = None) -> str:
    """A count and its noun, singular or plural, with thousands separators.

    Parameters
    ----------
    count : int
        How many.
    word : str
        The noun for one.
    many : str, optional
        The noun for several, when it is not ``word + "s"``.

    Returns
    -------
    str
        The count and the noun.

    Examples
    --------
    >>> plural(1, "event"), plural(1234, "event"), plural(0, "pair"), plural(2, "body", "bodies")
    ('1 event', '1,234 events', '0 pairs', '2 bodies')
    """
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def neutralise_cell(value: Any) -> Any:
    r"""Make a text cell safe for a spreadsheet; leave numbers and other values alone.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    object
        ``"'" + value`` for text starting with ``= + - @``, a tab or a carriage return;
        otherwise ``value`` unchanged.

    Examples
    --------
    >>> neutralise_cell("=HYPERLINK(\"http://x\")")
    '\'=HYPERLINK("http://x")'
    >>> neutralise_cell(-3.5), neutralise_cell("db-primary")
    (-3.5, 'db-primary')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_cell)
    if safe.index.dtype == object or pd.api.types.is_string_dtype(safe.index):
        safe.index = safe.index.map(neutralise_cell)
    safe.columns = [neutralise_cell(str(c)) for c in safe.columns]
    return safe


def csv_bytes(frame: pd.DataFrame, *, index: bool = False) -> bytes:
    r"""A table as UTF-8 CSV (with a BOM, so spreadsheets pick the encoding), cells neutralised.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    index : bool, optional
        Write the index as the first column.

    Returns
    -------
    bytes
        The CSV file.

    Examples
    --------
    >>> csv_bytes(pd.DataFrame({"name": ["=cmd", "db"], "x": [-1, 2]}))
    b"\xef\xbb\xbfname,x\n'=cmd,-1\ndb,2\n"
    """
    text = _safe_frame(frame).to_csv(index=index, lineterminator="\n")
    return text.encode("utf-8-sig")


def escape_markdown(text: Any) -> str:
    r"""Escape text so Markdown shows it literally (no links, emphasis, HTML, LaTeX, table breaks).

    Parameters
    ----------
    text : object
        The text (converted with ``str``).

    Returns
    -------
    str
        The escaped text, on one line.

    Examples
    --------
    >>> escape_markdown("a|b *c* <script> $x$")
    'a\\|b \\*c\\* &lt;script&gt; \\$x\\$'
    """
    escaped = html.escape(str(text), quote=False)
    escaped = re.sub(r"([\\`*_{}\[\]()#+!|~>$])", r"\\\1", escaped)  # $: no LaTeX
    return escaped.replace("\r", " ").replace("\n", " ")


def markdown_table(frame: pd.DataFrame, *, index: bool = False, floatfmt: str = ".6g") -> str:
    r"""A table as GitHub-flavoured Markdown, every cell escaped.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    index : bool, optional
        Include the index as the first column.
    floatfmt : str, optional
        Format for float cells; NaN is written ``n/a``.

    Returns
    -------
    str
        The Markdown table.

    Examples
    --------
    >>> print(markdown_table(pd.DataFrame({"name": ["a|b"], "x": [0.5]})))
    | name | x |
    | --- | --- |
    | a\|b | 0.5 |
    """
    table = frame.reset_index() if index else frame

    def cell(value: Any) -> str:
        if isinstance(value, (float, np.floating)):
            if math.isnan(value):
                return "n/a"
            return format(float(value), floatfmt)
        return escape_markdown(value)

    header = "| " + " | ".join(escape_markdown(c) for c in table.columns) + " |"
    rule = "| " + " | ".join("---" for _ in table.columns) + " |"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, pd.DataFrame):
        return value.to_dict(orient="records")
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _finite(value: Any) -> Any:
    """Replace NaN and infinities (not valid JSON) by None, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def json_bytes(document: Any) -> bytes:
    r"""A document as pretty UTF-8 JSON; NaN and infinities become ``null``.

    Parameters
    ----------
    document : object
        Dicts, lists, numbers, text, numpy scalars and arrays, timestamps.

    Returns
    -------
    bytes
        Valid JSON (RFC 8259: no NaN).

    Examples
    --------
    >>> json_bytes({"a": float("nan"), "b": np.float64(0.5)})
    b'{\n  "a": null,\n  "b": 0.5\n}'
    """
    plain = json.loads(json.dumps(document, default=_json_default))
    return json.dumps(_finite(plain), indent=2, ensure_ascii=False, allow_nan=False).encode()


# --- spreadsheets and HTML reports ------------------------------------------------------------

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _sheet_title(name: str, taken: set[str]) -> str:
    title = _SHEET_FORBIDDEN.sub("_", str(name)).strip("'") or "Sheet"
    title = title[:31]
    candidate, n = title, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = title[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        return value.tz_convert(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return None
    # Text as it is: the cell is typed as a string below, so "=..." is never a formula, and an
    # apostrophe (the CSV guard) would show in Excel as part of the value.
    return _XML_ILLEGAL.sub("", str(value))


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame], *, index: bool = False) -> bytes:
    r"""Tables as an Excel workbook, one sheet each, text cells stored as text.

    Parameters
    ----------
    sheets : mapping of str to pandas.DataFrame
        Sheet name -> table, in order. Names are made valid for Excel (at most 31 characters,
        none of ``[ ] : * ? / \``, unique).
    index : bool, optional
        Write each table's index as its first column.

    Returns
    -------
    bytes
        The ``.xlsx`` file (Office Open XML). Numbers stay numbers (NaN and infinities become
        empty cells); text is written as a string cell, exactly as given (no apostrophe), so
        text starting with ``= + - @`` is shown, never run as a formula; characters XML cannot
        hold are dropped. Header rows are bold and frozen.

    Examples
    --------
    >>> import io, openpyxl
    >>> data = xlsx_bytes({"Inputs": pd.DataFrame({"name": ["=1+1"], "x": [-2.5]})})
    >>> sheet = openpyxl.load_workbook(io.BytesIO(data))["Inputs"]
    >>> sheet["A2"].value, sheet["A2"].data_type, sheet["B2"].value
    ('=1+1', 's', -2.5)
    """
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for name, frame in sheets.items():
        sheet = workbook.create_sheet(_sheet_title(name, taken))
        table = frame.reset_index() if index else frame
        header = [_xlsx_value(str(c)) for c in table.columns]
        sheet.append(header)
        for row in table.itertuples(index=False):
            sheet.append([_xlsx_value(v) for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
        for i, column in enumerate(table.columns, start=1):
            values = [str(column), *(str(v) for v in table.iloc[:200, i - 1])]
            width = min(60, max(8, max(len(v) for v in values) + 2))
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "A2"
    if not workbook.sheetnames:
        workbook.create_sheet("Empty")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_REPORT_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;
margin:2rem auto;padding:0 1rem;color:#1f2328;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;
border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f6f8fa}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0}.muted{color:#656d76;font-size:.85rem}
@media print{.plotly-graph-div{break-inside:avoid}}
"""

REPORT_BLOCK_KINDS = ("heading", "paragraph", "facts", "table", "figure")
"""The kinds of block :func:`html_report` accepts."""


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)

    def cell(value: Any) -> str:
        if isinstance(value, (float, np.floating)) and not math.isfinite(value):
            return "n/a"
        return html.escape(str(value))

    body = "".join(
        "<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_report(title: str, blocks: list[tuple[str, Any]], *, footer: str = "") -> bytes:
    r"""A self-contained HTML report: headings, text, tables and interactive charts.

    Parameters
    ----------
    title : str
        The report's title (escaped).
    blocks : list of (kind, content)
        In order: ``("heading", text)``, ``("paragraph", text)``, ``("facts", {label:
        value})``, ``("table", DataFrame)`` (cells formatted by the caller) or ``("figure",
        plotly_figure)``. All text is escaped; line breaks in a paragraph are kept
        (``<br>``).
    footer : str, optional
        A closing line (escaped).

    Returns
    -------
    bytes
        UTF-8 HTML that opens offline: plotly.js is inlined once, before the first chart
        (about 4.6 MB), and nothing is fetched from the network.

    Examples
    --------
    >>> page = html_report("A <b>test</b>", [("paragraph", "x < y & z")]).decode()
    >>> "<title>A &lt;b&gt;test&lt;/b&gt;</title>" in page, "x &lt; y &amp; z" in page
    (True, True)
    >>> page = html_report("t", [("paragraph", "one\ntwo <b>")]).decode()
    >>> "<p>one<br>\ntwo &lt;b&gt;</p>" in page
    True
    """
    parts: list[str] = []
    plotly_included = False
    for i, block in enumerate(blocks):
        if not isinstance(block, tuple) or len(block) != 2 or block[0] not in REPORT_BLOCK_KINDS:
            raise InputError(
                f"`blocks[{i}]` must be a (kind, content) pair with kind one of "
                f"{', '.join(REPORT_BLOCK_KINDS)}"
            )
        kind, content = block
        if kind == "heading":
            parts.append(f"<h2>{html.escape(str(content))}</h2>")
        elif kind == "paragraph":
            lines = str(content).replace("\r\n", "\n").replace("\r", "\n").split("\n")
            parts.append("<p>" + "<br>\n".join(html.escape(line) for line in lines) + "</p>")
        elif kind == "facts":
            items = "".join(
                f"<dt>{html.escape(str(k))}</dt><dd>{html.escape(str(v))}</dd>"
                for k, v in dict(content).items()
            )
            parts.append(f'<dl class="facts">{items}</dl>')
        elif kind == "table":
            parts.append(_html_table(content))
        else:
            parts.append(
                content.to_html(
                    full_html=False,
                    include_plotlyjs=not plotly_included,
                    config={"displaylogo": False, "responsive": True},
                )
            )
            plotly_included = True
    closing = f'<p class="muted">{html.escape(footer)}</p>' if footer else ""
    document = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_REPORT_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{''.join(parts)}{closing}</body></html>\n"
    )
    return document.encode("utf-8")


def escape_markdown_lines(text: Any) -> str:
    r"""Text of several lines as Markdown that keeps its line breaks, every line escaped.

    Parameters
    ----------
    text : Any
        Free text (notes); ``\r\n`` and ``\r`` count as line breaks.

    Returns
    -------
    str
        Each line escaped as :func:`escape_markdown` does, its leading spaces dropped (four
        would start a code block) and a leading ``-``, ``=`` or ``1.`` escaped (they would
        start a list, a heading underline or a rule). A blank line still separates
        paragraphs; any other line break becomes a hard break (two trailing spaces).

    Examples
    --------
    >>> escape_markdown_lines("Budget: *approved*\nOwner: ops\n\n- not a list")
    'Budget: \\*approved\\*  \nOwner: ops\n\n\\- not a list'
    """
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escaped = []
    for line in lines:
        one = escape_markdown(line.lstrip())
        one = re.sub(r"^([-=])", r"\\\1", one)
        one = re.sub(r"^(\d+)([.)])", r"\1\\\2", one)
        escaped.append(one)
    out = []
    for i, line in enumerate(escaped):
        following = escaped[i + 1] if i + 1 < len(escaped) else ""
        out.append(line + "  " if line.strip() and following.strip() else line)
    return "\n".join(out)
