"""Reading the files that load testers and proxies write: bytes in, raw columns out.

Private to :mod:`ftmath.latency`, which detects the format, calls one reader here and shapes
the tidy table. Each reader raises :class:`ftmath.InputError` saying what was expected.

Layouts follow each tool's documentation: JMeter results (CSV ``jmeter.save.saveservice``
fields, XML ``httpSample``/``sample`` attributes), k6 CSV and JSON output, Gatling's tab
separated ``simulation.log`` (2.x and 3.x text layouts), vegeta ``encode --to csv``, hey
``-o csv``, HdrHistogram ``outputPercentileDistribution`` (and ``wrk2 --latency``) and the
Prometheus text exposition format.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from ftmath._validate import check_unique_header
from ftmath.errors import InputError
from ftmath.report import plural

HEAD_BYTES = 256 * 1024
MAX_DECOMPRESSED = 2 * 1024**3

# --- bytes and text -------------------------------------------------------------------------


def load_bytes(source: Any) -> bytes:
    """The bytes of a path, bytes-like object or binary file object."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, str) or hasattr(source, "__fspath__"):
        try:
            with open(source, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise InputError(f"`source`: the file {source!s} could not be read ({error})") from None
    elif hasattr(source, "read"):
        data = source.read()
        if isinstance(data, str):
            raise InputError("`source` must be opened in binary mode ('rb'), not text mode")
        data = bytes(data)
    else:
        raise InputError(
            f"`source` must be a path, bytes or a binary file object, got {type(source).__name__}"
        )
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data)
    if not data[:4096].strip() and not data.strip():
        raise InputError("the file is empty: upload a results file with at least one request")
    return data


def plain_utf8_path(source: Any) -> Path | None:
    """``source`` as a Path when it names a plain UTF-8 text file (no BOM, not compressed).

    Such a file is read by the table reader straight from disk (no copy in Python); anything
    else goes through :func:`load_bytes` and :func:`to_utf8`.
    """
    if not (isinstance(source, str) or hasattr(source, "__fspath__")):
        return None
    path = Path(source)
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return None  # load_bytes says why
    if not head.strip() or head[:2] == b"\x1f\x8b" or head.startswith(codecs.BOM_UTF8):
        return None
    if b"\x00" in head or _looks_binary(head):
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:
            return None
    return path


def whole(data: bytes | Path) -> bytes:
    """All bytes of prepared data (reading the file when it was left on disk)."""
    return data.read_bytes() if isinstance(data, Path) else data


def _gunzip(data: bytes) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, MAX_DECOMPRESSED)
    except zlib.error as error:
        raise InputError(
            f"the file looks gzip-compressed but cannot be unpacked ({error})"
        ) from None
    if inflater.unconsumed_tail:
        raise InputError("the gzip file unpacks to more than 2 GB: filter or sample it first")
    return out


def to_utf8(data: bytes) -> tuple[bytes, str]:
    """UTF-8 bytes (BOM removed) and the name of the encoding they were read from.

    UTF-8 with or without BOM passes through untouched (no copy of a large file); UTF-16 (with
    a BOM, or recognised by its zero bytes) and Latin-1 / Windows-1252 are transcoded.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:], "UTF-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _transcode(data, "utf-16", "UTF-16")
    head = data[:4096]
    if len(head) >= 4 and head.count(b"\x00") >= len(head) // 4:
        if head[1::2].count(0) > len(head) // 3 and head[0] != 0:
            return _transcode(data, "utf-16-le", "UTF-16 LE")
        if head[0::2].count(0) > len(head) // 3:
            return _transcode(data, "utf-16-be", "UTF-16 BE")
        raise _binary_error()
    sample = data[:HEAD_BYTES]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 4:  # not just a character cut at the sample's end
            if _looks_binary(sample):
                raise _binary_error() from None
            return _transcode(data, "cp1252", "Windows-1252 / Latin-1")
    if _looks_binary(sample):
        raise _binary_error()
    return data, "UTF-8"


def _transcode(data: bytes, codec: str, name: str) -> tuple[bytes, str]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        if codec == "cp1252":
            text = data.decode("latin-1")
        else:
            raise InputError(
                f"the file starts like {name} text but is not valid {name}: save it as UTF-8"
            ) from None
    out = text.lstrip("\ufeff").encode("utf-8")
    if _looks_binary(out[:HEAD_BYTES]):
        raise _binary_error()
    return out, name


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    control = sum(sample.count(bytes([c])) for c in range(32) if c not in (9, 10, 13, 12))
    return control > max(8, len(sample) // 100)


def _binary_error() -> InputError:
    return InputError(
        "this is a binary file, not text. Upload a results file as text: JMeter CSV or XML "
        "(.jtl), k6 CSV or JSON, Gatling simulation.log (text layout), vegeta CSV, hey CSV, "
        "a CSV with a latency column, an HdrHistogram percentile distribution or Prometheus "
        "histogram buckets (gzip-compressed is fine)"
    )


def head_text(data: bytes | Path) -> str:
    """The first part of the (UTF-8) file as text, cut at the last complete line."""
    if isinstance(data, Path):
        with open(data, "rb") as handle:
            head = handle.read(HEAD_BYTES + 1)
        size = len(head)
    else:
        head, size = data[: HEAD_BYTES + 1], len(data)
    head = head[:HEAD_BYTES]
    if size > HEAD_BYTES and b"\n" in head:
        head = head[: head.rindex(b"\n")]
    return head.decode("utf-8", errors="replace")


def first_lines(text: str, count: int = 30) -> list[str]:
    """The first non-blank lines of ``text``."""
    lines = []
    for line in text.splitlines():
        if line.strip():
            lines.append(line)
            if len(lines) == count:
                break
    return lines


def sniff_delimiter(lines: Sequence[str]) -> str:
    """The field delimiter (``,`` ``;`` tab or ``|``) that splits the lines most consistently."""
    best, best_score = ",", -1.0
    for delimiter in (",", ";", "\t", "|"):
        counts = []
        for line in lines[:20]:
            try:
                counts.append(len(next(csv.reader([line], delimiter=delimiter))) - 1)
            except (csv.Error, StopIteration):
                counts.append(0)
        if not counts or counts[0] == 0:
            continue
        consistent = sum(c == counts[0] for c in counts) / len(counts)
        score = consistent * 1000 + counts[0]
        if score > best_score:
            best, best_score = delimiter, score
    return best


def split_header(line: str, delimiter: str) -> list[str]:
    """The header's field names, stripped."""
    try:
        return [f.strip() for f in next(csv.reader([line], delimiter=delimiter))]
    except (csv.Error, StopIteration):
        return [f.strip() for f in line.split(delimiter)]


# --- tables -----------------------------------------------------------------------------------


def read_table(
    data: bytes | Path,
    *,
    delimiter: str,
    header: bool = True,
    columns: Sequence[str] | None = None,
    text_columns: Sequence[str] = (),
    names: Sequence[str] | None = None,
    types: dict[str, str] | None = None,
) -> pd.DataFrame:
    """A delimited text table, read by pyarrow (multi-threaded) or, failing that, pandas' C parser.

    ``columns`` limits what is converted (the rest is only tokenised); ``text_columns`` are
    kept as text; ``types`` ("int64", "bool") spares the fast reader its type inference (a
    cell that does not fit sends the file to the careful reader, which says where).
    Quoted fields may hold delimiters and line breaks. A header that names a column twice
    is refused (which of the two to read would be a guess).
    """
    if header and names is None:
        check_unique_header(_first_line(data), delimiter)
    try:
        return _read_arrow(data, delimiter, header, columns, text_columns, names, types)
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 - any arrow complaint: let pandas read it or explain why
        pass
    return _read_pandas(data, delimiter, header, columns, text_columns, names)


def _read_arrow(
    data: bytes | Path,
    delimiter: str,
    header: bool,
    columns: Sequence[str] | None,
    text_columns: Sequence[str],
    names: Sequence[str] | None,
    types: dict[str, str] | None = None,
) -> pd.DataFrame:
    import pyarrow as pa
    from pyarrow import csv as pacsv

    read = pacsv.ReadOptions(
        column_names=list(names) if names is not None else None,
        autogenerate_column_names=not header and names is None,
        block_size=8 << 20,
    )
    # Text columns are read dictionary-encoded (labels repeat: faster to parse), then cast.
    convert = pacsv.ConvertOptions(
        include_columns=list(columns) if columns else None,
        column_types={
            **{c: pa.type_for_alias(t) for c, t in (types or {}).items()},
            **{c: pa.dictionary(pa.int32(), pa.string()) for c in text_columns},
        },
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    try:
        # Fast path: no line breaks inside quoted fields (parallel chunking). A quoted line
        # break splits a row into two short rows, which arrow rejects: then read it again.
        parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False)
        table = pacsv.read_csv(_arrow_input(data), read, parse, convert)
    except pa.ArrowInvalid:
        parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True)
        table = pacsv.read_csv(_arrow_input(data), read, parse, convert)
    for name in text_columns:
        if name in table.column_names:
            index = table.schema.get_field_index(name)
            table = table.set_column(index, name, table.column(name).cast(pa.string()))
    frame = table.to_pandas()
    if not header and names is None:
        frame.columns = list(range(frame.shape[1]))
    return frame


def _first_line(data: bytes | Path) -> str:
    if isinstance(data, Path):
        with data.open("rb") as file:
            head = file.readline()
    else:
        head = data[: data.find(b"\n")] if b"\n" in data[: 1 << 20] else data[: 1 << 20]
    return head.decode("utf-8", errors="replace").rstrip("\r\n")


def _arrow_input(data: bytes | Path) -> Any:
    import pyarrow as pa

    return str(data) if isinstance(data, Path) else pa.py_buffer(data)


def _read_pandas(
    data: bytes | Path,
    delimiter: str,
    header: bool,
    columns: Sequence[str] | None,
    text_columns: Sequence[str],
    names: Sequence[str] | None,
) -> pd.DataFrame:
    try:
        return pd.read_csv(
            data if isinstance(data, Path) else io.BytesIO(data),
            sep=delimiter,
            header=0 if header else None,
            names=list(names) if names is not None else None,
            usecols=list(columns) if columns else None,
            dtype=dict.fromkeys(text_columns, str),
            keep_default_na=False,
            na_values=[""],
            engine="c",
            encoding="utf-8",
            encoding_errors="replace",
        )
    except pd.errors.EmptyDataError:
        raise InputError("the file has no rows to read") from None
    except (pd.errors.ParserError, ValueError) as error:
        raise InputError(
            f"the table could not be read: {str(error).strip()}. Check that every row has "
            "as many fields as the header and that quotes are closed"
        ) from None


# --- columns ----------------------------------------------------------------------------------


def numbers(values: pd.Series, column: str, *, what: str = "a number") -> np.ndarray:
    """A column as floats; text, including decimal commas, converted; empty cells are NaN.

    A cell that is not a number raises an `InputError` naming the column and data row.
    """
    if pd.api.types.is_bool_dtype(values):
        raise InputError(f"column `{column}` holds true/false values, expected {what}")
    if pd.api.types.is_numeric_dtype(values) or values.isna().all():
        # (a column of empty cells only is read as nulls, with no type of its own)
        return values.to_numpy(dtype=float, na_value=np.nan)
    text = values.astype("str").str.strip()
    parsed = pd.to_numeric(text, errors="coerce")
    bad = parsed.isna() & (text != "") & (text.str.lower() != "nan")
    if bad.any():
        comma = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
        still_bad = comma.isna() & (text != "")
        if not still_bad.any() or still_bad.sum() < bad.sum():
            parsed, bad = comma, still_bad
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"column `{column}`, data row {row + 1}: {str(text.iloc[row])[:40]!r} is not a number; "
            f"expected {what}"
        )
    return parsed.to_numpy(dtype=float, na_value=np.nan)


_TRUE = {"true", "t", "1", "yes", "y", "ok", "pass", "passed", "success", "succeeded"}
_FALSE = {"false", "f", "0", "no", "n", "ko", "fail", "failed", "failure", "error"}


def flags(values: pd.Series, column: str) -> np.ndarray:
    """A true/false column (true/false, 1/0, yes/no, OK/KO, pass/fail) as booleans."""
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(values):
        array = values.to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isin(array, (0.0, 1.0))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"column `{column}`, data row {row + 1}: {array[row]:g} is not true/false (1/0)"
            )
        return array == 1.0
    text = values.astype("str").str.strip().str.lower()
    truth = text.isin(_TRUE)
    invalid = ~(truth | text.isin(_FALSE))
    if invalid.any():
        row = int(np.flatnonzero(invalid.to_numpy())[0])
        raise InputError(
            f"column `{column}`, data row {row + 1}: {values.iloc[row]!s:.40} is not true/false; "
            "accepted: true/false, 1/0, yes/no, OK/KO, pass/fail"
        )
    return truth.to_numpy(dtype=bool)


def timestamps(values: pd.Series, column: str) -> tuple[pd.Series, list[str]]:
    """A time column as UTC timestamps; epoch numbers by magnitude (s, ms, µs or ns).

    Cells that cannot be read become NaT and are counted in the returned notes.
    """
    notes: list[str] = []
    if pd.api.types.is_datetime64_any_dtype(values):
        result = pd.to_datetime(values, utc=True)
    elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        integer = pd.api.types.is_integer_dtype(values) and not values.isna().any()
        array = values.to_numpy(dtype=np.int64 if integer else float, na_value=np.nan)
        sample = array[:: max(1, array.size // 1000)].astype(float)
        finite = sample[np.isfinite(sample)]
        size = float(np.median(np.abs(finite))) if finite.size else 0.0
        unit: Literal["s", "ms", "us", "ns"] = (
            "s" if size < 1e11 else "ms" if size < 1e14 else "us" if size < 1e17 else "ns"
        )
        result = pd.to_datetime(
            pd.Series(array, index=values.index), unit=unit, utc=True, errors="coerce"
        )
        notes.append(f"`{column}` read as epoch {unit}")
    else:
        text = values.astype("str").str.strip()
        result = pd.to_datetime(text, utc=True, errors="coerce")
        if result.isna().mean() > 0.5:
            result = pd.to_datetime(text, utc=True, errors="coerce", format="mixed")
        zoned = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True)
        if len(text) and not zoned.iloc[: min(len(text), 1000)].any():
            notes.append(f"`{column}` has no time zone: read as UTC")
    result = pd.Series(result, index=values.index)
    missing = int(result.isna().sum())
    if missing:
        notes.append(
            f"{plural(missing, 'row')} {'has' if missing == 1 else 'have'} a `{column}` that "
            "could not be read (left empty)"
        )
    return result.dt.as_unit("ms") if result.notna().any() else result, notes


# --- line-oriented formats ------------------------------------------------------------------


def read_jmeter_xml(data: bytes) -> pd.DataFrame:
    """JMeter XML results: the top-level ``httpSample`` / ``sample`` elements.

    Sub-samples of a transaction are part of their parent and not counted again.
    """
    rows: list[tuple[str | None, str | None, str | None, str | None, str | None]] = []
    depth = 0
    try:
        for event, element in ElementTree.iterparse(io.BytesIO(data), events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 2 and element.tag in ("httpSample", "sample"):
                    a = element.attrib
                    rows.append((a.get("t"), a.get("s"), a.get("lb"), a.get("ts"), a.get("rc")))
            else:
                depth -= 1
                if depth <= 1:
                    element.clear()
    except ElementTree.ParseError as error:
        raise InputError(f"the XML could not be read: {error}") from None
    if not rows:
        raise InputError(
            "the XML holds no <httpSample> or <sample> elements under <testResults>: "
            "it is not a JMeter XML results file"
        )
    frame = pd.DataFrame(rows, columns=["t", "s", "lb", "ts", "rc"])
    if frame["t"].isna().any():
        row = int(np.flatnonzero(frame["t"].isna().to_numpy())[0])
        raise InputError(f"sample {row + 1} has no `t` (elapsed ms) attribute")
    return frame


_INT = re.compile(r"^-?\d+$")


def read_gatling(text_lines: Any) -> pd.DataFrame:
    """Gatling's text ``simulation.log``: REQUEST records, latency = end - start (ms).

    Works for the 2.x layout (four timestamps) and the 3.x layouts (two timestamps, with or
    without a user id): the status (OK/KO) is preceded by the timestamps and they by the name.
    """
    names, starts, ends, oks = [], [], [], []
    for number, line in enumerate(text_lines, start=1):
        if not line.startswith("REQUEST"):
            continue
        fields = line.rstrip("\r\n").split("\t")
        status = next((i for i in range(len(fields)) if fields[i] in ("OK", "KO")), None)
        if status is None:
            raise InputError(f"simulation.log line {number}: a REQUEST record without OK/KO")
        first = status
        while first > 0 and _INT.match(fields[first - 1]):
            first -= 1
        if status - first < 2 or first < 1:
            raise InputError(
                f"simulation.log line {number}: expected start and end timestamps before "
                f"{fields[status]}, got {fields[first:status]}"
            )
        names.append(fields[first - 1])
        starts.append(int(fields[first]))
        ends.append(int(fields[status - 1]))
        oks.append(fields[status] == "OK")
    if not names:
        raise InputError(
            "the Gatling log holds no REQUEST records. Upload simulation.log from the run's "
            "results folder (text layout; Gatling 3.8 and later write a binary log: convert "
            "it or export per-request times instead)"
        )
    start = np.asarray(starts, dtype=np.int64)
    return pd.DataFrame(
        {
            "latency_ms": (np.asarray(ends, dtype=np.int64) - start).astype(float),
            "ok": np.asarray(oks, dtype=bool),
            "label": pd.array(names, dtype="str"),
            "timestamp": pd.to_datetime(start, unit="ms", utc=True),
        }
    )


def read_k6_json(text_lines: Any) -> pd.DataFrame:
    """k6 ``--out json`` (one JSON object per line): the ``http_req_duration`` points."""
    values, labels, times, expected, statuses = [], [], [], [], []
    for number, line in enumerate(text_lines, start=1):
        if '"http_req_duration"' not in line or '"Point"' not in line:
            continue
        try:
            point = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"k6 JSON line {number} is not valid JSON ({error.msg})") from None
        body = point.get("data", {})
        tags = body.get("tags") or {}
        values.append(body.get("value"))
        labels.append(str(tags.get("name") or tags.get("url") or "all"))
        times.append(body.get("time"))
        expected.append(tags.get("expected_response"))
        statuses.append(tags.get("status"))
    if not values:
        raise InputError("the k6 JSON output holds no http_req_duration points")
    frame = pd.DataFrame(
        {
            "value": values,
            "label": labels,
            "time": times,
            "expected_response": expected,
            "status": statuses,
        }
    )
    return frame


def read_hdr_distribution(lines: Sequence[str]) -> dict[str, Any]:
    """An HdrHistogram percentile distribution: (value, cumulative count) rows, max, total."""
    rows: list[tuple[float, float]] = []
    started = False
    maximum = math.nan
    total = math.nan
    for line in lines:
        stripped = line.strip()
        if not started:
            if re.match(r"^Value\s+Percentile\s+TotalCount", stripped):
                started = True
            continue
        if stripped.startswith("#["):
            found = re.search(r"Max\s*=\s*([\d.eE+-]+)", stripped)
            if found:
                maximum = float(found.group(1))
            found = re.search(r"Total count\s*=\s*(\d+)", stripped)
            if found:
                total = float(found.group(1))
            continue
        if not stripped:
            if rows:
                continue
            continue
        parts = stripped.split()
        if len(parts) < 3:
            if rows:
                break
            continue
        try:
            value, percentile, count = float(parts[0]), float(parts[1]), float(parts[2])
        except ValueError:
            if rows:
                break
            continue
        if not (math.isfinite(value) and 0.0 <= percentile <= 1.0 and count >= 0):
            raise InputError(f"HdrHistogram row {len(rows) + 1}: {stripped!r} is not valid")
        rows.append((value, count))
    if not rows:
        raise InputError(
            "the HdrHistogram percentile distribution has no rows under its "
            "'Value Percentile TotalCount' header"
        )
    return {"rows": rows, "max": maximum, "total": total}


_PROM_BUCKET = re.compile(r"^([A-Za-z_:][A-Za-z0-9_:]*)_bucket\{(.*)\}\s+(\S+)(?:\s+\d+)?\s*$")
_PROM_LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"')


def read_prometheus_text(lines: Sequence[str]) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """Prometheus text exposition: ``*_bucket{le="..."}`` samples grouped by metric and labels."""
    series: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for number, line in enumerate(lines, start=1):
        match = _PROM_BUCKET.match(line.strip())
        if not match:
            continue
        metric, label_text, value = match.groups()
        labels = dict(_PROM_LABEL.findall(label_text))
        if "le" not in labels:
            raise InputError(f"line {number}: a _bucket sample without an `le` label")
        try:
            upper = float(labels.pop("le").replace("Inf", "inf"))
            count = float(value)
        except ValueError:
            raise InputError(f"line {number}: {line.strip()[:80]!r} has a bad number") from None
        key = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()))
        series.setdefault((metric, key), []).append((upper, count))
    return series
