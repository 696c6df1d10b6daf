"""Export builders: tables and documents in, bytes out, safe to open.

Pages hand the bytes to a download button; tests open them. CSV and XLSX cells whose text
begins with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) are neutralised with a
leading apostrophe so a spreadsheet shows them instead of running them (OWASP, "CSV
Injection"); numbers are left alone. Names in Markdown and HTML are escaped.
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

__all__ = [
    "csv_bytes",
    "escape_markdown",
    "json_bytes",
    "markdown_table",
    "neutralise_cell",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
    r"""Escape text so Markdown shows it literally (no links, emphasis, HTML or table breaks).

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
    >>> escape_markdown("a|b *c* <script>")
    'a\\|b \\*c\\* &lt;script&gt;'
    """
    escaped = html.escape(str(text), quote=False)
    escaped = re.sub(r"([\\`*_{}\[\]()#+!|~>])", r"\\\1", escaped)
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
