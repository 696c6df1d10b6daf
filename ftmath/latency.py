"""Reading response-time uploads into one tidy table, or into histograms when pre-aggregated.

:func:`read_latencies` turns a load tester's or a proxy's per-request output into a table with
one row per request: ``latency_ms`` (float), ``ok`` (bool), ``label`` (str) and ``timestamp``
(UTC, NaT where unknown). Failed requests are kept and flagged, never mixed into healthy ones.
:func:`read_latency_histograms` reads data that was aggregated where it lives (an HdrHistogram
percentile distribution, Prometheus histogram buckets); such data has no per-request rows, so it
comes back as :class:`LatencyHistogram` objects whose percentiles are bounded by bucket edges.
:func:`detect_latency_format` says which of the two a file is.

The content decides the format, not the file name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ftmath import latency_formats as fmt
from ftmath.errors import InputError

__all__ = [
    "LATENCY_FORMATS",
    "LatencyFormat",
    "LatencyHistogram",
    "detect_latency_format",
    "read_latencies",
    "read_latency_histograms",
    "select_requests",
]

LATENCY_FORMATS: dict[str, str] = {
    "jmeter-csv": "JMeter CSV results (.jtl)",
    "jmeter-xml": "JMeter XML results (.jtl)",
    "k6-csv": "k6 CSV output",
    "k6-json": "k6 JSON output",
    "gatling-log": "Gatling simulation.log",
    "vegeta-csv": "vegeta CSV",
    "hey-csv": "hey CSV",
    "csv": "CSV with a latency column",
    "hdr-percentiles": "HdrHistogram percentile distribution",
    "prometheus-text": "Prometheus histogram (text exposition)",
    "prometheus-csv": "Prometheus histogram buckets (CSV)",
}
"""Formats this module reads, by name, with the name users know them by."""

UNITS_MS: dict[str, float] = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1000.0}
"""Milliseconds per unit of each accepted latency unit."""

_UNIT_WORDS = {
    "ms": "ms",
    "msec": "ms",
    "msecs": "ms",
    "millis": "ms",
    "millisecond": "ms",
    "milliseconds": "ms",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "us": "us",
    "µs": "us",
    "μs": "us",
    "usec": "us",
    "micros": "us",
    "microseconds": "us",
    "ns": "ns",
    "nsec": "ns",
    "nanos": "ns",
    "nanoseconds": "ns",
}
_UNIT_IN_NAME = re.compile(r"(?:^|[\s_\-.(\[/])(" + "|".join(_UNIT_WORDS) + r")[)\]]?\s*$", re.I)

_HISTOGRAM_KINDS = ("hdr-percentiles", "prometheus-text", "prometheus-csv")


@dataclass(frozen=True)
class LatencyFormat:
    """What a latency file is.

    Attributes
    ----------
    name : str
        A key of :data:`LATENCY_FORMATS`.
    kind : str
        ``"requests"`` (one row per request: :func:`read_latencies`) or ``"histogram"``
        (pre-aggregated: :func:`read_latency_histograms`).
    description : str
        The format's name as users know it.
    encoding : str
        The text encoding the file was read in.
    """

    name: str
    kind: str
    description: str
    encoding: str


def _unit_from_name(column: str) -> str | None:
    match = _UNIT_IN_NAME.search(column.strip())
    return _UNIT_WORDS[match.group(1).lower()] if match else None


def _check_unit(unit: str | None) -> str | None:
    if unit is None:
        return None
    key = str(unit).strip().lower().replace("µ", "u").replace("μ", "u")
    key = _UNIT_WORDS.get(key, key)
    if key not in UNITS_MS:
        raise InputError(f"`unit` must be one of {sorted(UNITS_MS)}, got {unit!r}")
    return key


# --- detection --------------------------------------------------------------------------------

_AGGREGATED = (
    (
        ("request count", "median response time"),
        "This is Locust's aggregated statistics file (*_stats.csv): it holds percentiles "
        "already computed per endpoint, not individual requests, so timeouts cannot be derived "
        "with confidence from it. Upload per-request times instead: log each request from a "
        "Locust `request` event listener (name, response_time, exception) to a CSV, or export "
        "the requests from your proxy's access log",
    ),
    (
        ("user count", "total request count"),
        "This is Locust's stats history (*_stats_history.csv): aggregated over time windows, "
        "not individual requests. Upload per-request times (see Locust's `request` event)",
    ),
    (
        ("method", "name", "error", "occurrences"),
        "This is Locust's failures summary (*_failures.csv): counts of errors, no latencies. "
        "Upload per-request times (see Locust's `request` event)",
    ),
)


def _classify(text: str) -> tuple[str, str]:
    """(format name, delimiter) from the head of a UTF-8 file."""
    lines = fmt.first_lines(text, 40)
    if not lines:
        raise InputError("the file holds only blank lines: upload a results file")
    first = lines[0].lstrip()
    if first.startswith("<"):
        if "<testResults" in text or "<httpSample" in text or "<sample " in text:
            return "jmeter-xml", ""
        raise InputError(
            "this XML is not a JMeter results file: expected <testResults> with <httpSample> "
            "or <sample> elements"
        )
    if first.startswith(("{", "[")):
        if '"http_req_duration"' in text and '"Point"' in text:
            return "k6-json", ""
        if '"numberOfRequests"' in text or '"meanResponseTime"' in text:
            raise InputError(
                "This is Gatling's aggregated statistics (global_stats.json / stats.json): "
                "totals and percentiles, not individual requests. Upload simulation.log from "
                "the same results folder (text layout), or per-request times as CSV"
            )
        if '"metrics"' in text and ("p(95)" in text or '"avg"' in text):
            raise InputError(
                "This is k6's end-of-test summary (--summary-export): aggregated, not "
                "individual requests. Run k6 with --out csv=results.csv or --out "
                "json=results.json and upload that file"
            )
        raise InputError(
            "this JSON is not a latency format read here: upload k6 JSON output (--out json), "
            "or one of the CSV/text formats listed on the page"
        )
    if any(re.match(r"^\s*Value\s+Percentile\s+TotalCount", line) for line in lines) or (
        "Percentile spectrum" in text and "TotalCount" in text
    ):
        return "hdr-percentiles", ""
    if re.search(r"^[A-Za-z_:][\w:]*_bucket\{[^}]*le=", text, re.M):
        return "prometheus-text", ""
    if first.startswith(("RUN\t", "USER\t", "REQUEST\t", "GROUP\t", "ASSERTION\t")) or any(
        line.startswith("REQUEST\t") for line in lines
    ):
        return "gatling-log", ""
    delimiter = fmt.sniff_delimiter(lines)
    fields = fmt.split_header(lines[0], delimiter)
    lower = [f.lower() for f in fields]
    if len(fields) == 1 and delimiter == "," and len(lines) > 1:
        delimiter = "\n"
    if _is_number(fields[0]):
        if len(fields) >= 6 and len(fields[0]) >= 16 and _is_int(fields[1]) and _is_int(fields[2]):
            return "vegeta-csv", delimiter
        if len(fields) >= 8 and len(fields[0]) == 13 and fields[7].lower() in ("true", "false"):
            return "jmeter-csv-noheader", delimiter
        return "csv-noheader", delimiter
    for needles, message in _AGGREGATED:
        if all(any(n == f for f in lower) for n in needles):
            raise InputError(message)
    if "metric_name" in lower and "metric_value" in lower:
        return "k6-csv", delimiter
    if "response-time" in lower and ("status-code" in lower or "offset" in lower):
        return "hey-csv", delimiter
    if "elapsed" in fields and ("label" in fields or "timeStamp" in fields):
        return "jmeter-csv", delimiter
    if "le" in lower:
        return "prometheus-csv", delimiter
    return "csv", delimiter


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _is_int(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+", text.strip()))


def _prepare(source: Any) -> tuple[bytes | Path, str, str, str]:
    path = fmt.plain_utf8_path(source)
    data: bytes | Path
    if path is not None:
        data, encoding = path, "UTF-8"
    else:
        data, encoding = fmt.to_utf8(fmt.load_bytes(source))
    text = fmt.head_text(data)
    name, delimiter = _classify(text)
    return data, encoding, name, delimiter


def detect_latency_format(source: Any) -> LatencyFormat:
    r"""Which latency format a file is, from its content.

    Parameters
    ----------
    source : path, bytes or binary file object
        The file.

    Returns
    -------
    LatencyFormat
        Its name, kind (``"requests"`` or ``"histogram"``), description and encoding.

    Raises
    ------
    InputError
        For empty or binary files, aggregated statistics (Locust ``*_stats.csv``, Gatling
        ``global_stats.json``, k6 summaries: the message says what to upload instead) and
        formats not read here.

    Examples
    --------
    >>> detect_latency_format(b"latency_ms\n12\n15\n").name
    'csv'
    >>> detect_latency_format(b'm_bucket{le="0.1"} 3\nm_bucket{le="+Inf"} 4\n').kind
    'histogram'
    """
    _, encoding, name, _ = _prepare(source)
    name = name.replace("-noheader", "")
    kind = "histogram" if name in _HISTOGRAM_KINDS else "requests"
    return LatencyFormat(name, kind, LATENCY_FORMATS[name], encoding)


# --- per-request formats ----------------------------------------------------------------------


def read_latencies(
    source: Any, *, unit: str | None = None, latency_column: str | None = None
) -> pd.DataFrame:
    r"""Read per-request response times from a load tester's or proxy's output.

    Parameters
    ----------
    source : path, bytes or binary file object
        JMeter CSV (with or without header) or XML results, k6 CSV or JSON output, Gatling
        ``simulation.log`` (text), vegeta CSV, hey CSV, or any CSV with a latency column
        (delimiter ``,`` ``;`` tab or ``|``; decimal commas; UTF-8 with or without BOM, UTF-16
        or Latin-1; gzip-compressed or not).
    unit : {"ms", "s", "us", "ns"}, optional
        The unit of the latency column of a plain CSV, when its name does not say it
        (``response_time_s``, ``latency (ms)`` do). Ignored by formats whose unit is fixed.
    latency_column : str, optional
        Which column of a plain CSV holds the latency; by default the one whose name says
        latency, duration, elapsed or response time (end-to-end preferred over parts of it
        such as time to first byte).

    Returns
    -------
    pandas.DataFrame
        One row per request, in file order: ``latency_ms`` (float), ``ok`` (bool: False for
        failed requests, which are kept), ``label`` (str: endpoint or request name, ``"all"``
        when the file has none) and ``timestamp`` (UTC; NaT where the file has no time).
        ``attrs`` holds ``format`` (a key of :data:`LATENCY_FORMATS`), ``format_description``,
        ``unit`` (the file's latency unit), ``encoding``, ``latency_column``,
        ``latency_columns`` (candidates a user may choose from) and ``notes`` (what was
        assumed, for the page to show).

    Raises
    ------
    InputError
        When the file is empty, binary, aggregated or pre-aggregated (use
        :func:`read_latency_histograms`), lacks a latency column, or holds text, negative or
        infinite numbers where latencies are expected; the message names the column and row.

    Notes
    -----
    Success comes from the format (JMeter ``success``, k6 ``expected_response`` or the HTTP
    status, Gatling OK/KO, vegeta and hey status 200-399) or, in a plain CSV, from columns
    named like ``success``/``ok`` (true/false), ``error``/``error_code`` (failed when
    non-empty) or ``status``/``status_code`` (failed unless 100-399). A failed request keeps its
    latency: the time the caller waited for the failure.

    Examples
    --------
    >>> frame = read_latencies(b"response_time_s,status\n0.120,200\n0.250,503\n")
    >>> frame[["latency_ms", "ok"]].to_dict("list")
    {'latency_ms': [120.0, 250.0], 'ok': [True, False]}
    >>> frame.attrs["format"], frame.attrs["unit"]
    ('csv', 's')
    """
    unit = _check_unit(unit)
    data, encoding, name, delimiter = _prepare(source)
    notes: list[str] = []
    if name in _HISTOGRAM_KINDS:
        raise InputError(
            f"this is {LATENCY_FORMATS[name]}: pre-aggregated, with no per-request rows. "
            "Read it with read_latency_histograms (the page does this by itself)"
        )
    if name in ("jmeter-csv", "jmeter-csv-noheader"):
        frame, file_unit, column = _jmeter_csv(data, delimiter, name.endswith("noheader"), notes)
        name = "jmeter-csv"
    elif name == "jmeter-xml":
        frame, file_unit, column = _jmeter_xml(data, notes)
    elif name == "k6-csv":
        frame, file_unit, column = _k6_csv(data, delimiter, notes)
    elif name == "k6-json":
        frame, file_unit, column = _k6_json(data, notes)
    elif name == "gatling-log":
        frame = fmt.read_gatling(_lines(data))
        file_unit, column = "ms", "end - start"
    elif name == "vegeta-csv":
        frame, file_unit, column = _vegeta(data, delimiter)
    elif name == "hey-csv":
        frame, file_unit, column = _hey(data, delimiter, notes)
    else:
        frame, file_unit, column, candidates = _plain_csv(
            data, delimiter, name == "csv-noheader", unit, latency_column, notes
        )
        name = "csv"
    frame = _finish(frame, column)
    frame.attrs.update(
        {
            "format": name,
            "format_description": LATENCY_FORMATS[name],
            "unit": file_unit,
            "encoding": encoding,
            "latency_column": column,
            "latency_columns": candidates if name == "csv" else [column],
            "notes": notes,
        }
    )
    return frame


def _lines(data: bytes | Path) -> Any:
    return (line for line in fmt.whole(data).decode("utf-8", errors="replace").splitlines())


#: The longest latency a file may hold, ms (about 116 days): beyond it the unit is wrong.
MAX_LATENCY_MS = 1e10


def _finish(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Validate the tidy table: non-negative finite latencies, labels as text."""
    if frame.empty:
        raise InputError("the file has a header but no requests")
    latency = frame["latency_ms"].to_numpy(dtype=float)
    ok = frame["ok"].to_numpy(dtype=bool)
    bad = ~np.isfinite(latency) & ~np.isnan(latency)
    bad |= latency < 0
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"column `{column}`, data row {row + 1}: latency {latency[row]:g} is not allowed; "
            "latencies must be finite and not negative"
        )
    huge = latency > MAX_LATENCY_MS
    if huge.any():
        row = int(np.flatnonzero(huge)[0])
        raise InputError(
            f"column `{column}`, data row {row + 1}: latency {latency[row]:g} ms is longer than "
            f"{MAX_LATENCY_MS / 86_400_000:.0f} days, which no request waits; check the latency "
            "unit (are these microseconds or nanoseconds?)"
        )
    missing = np.isnan(latency) & ok
    if missing.any():
        row = int(np.flatnonzero(missing)[0])
        raise InputError(
            f"column `{column}`, data row {row + 1}: a successful request without a latency"
        )
    label = frame["label"]
    if label.dtype != "str":
        label = label.astype("str")
    label = label.fillna("").str.strip()
    label = label.mask(label == "", "(no label)")
    timestamp = frame["timestamp"]
    if not isinstance(timestamp.dtype, pd.DatetimeTZDtype):
        timestamp = pd.to_datetime(timestamp, utc=True)
    return pd.DataFrame(
        {
            "latency_ms": latency,
            "ok": ok,
            "label": label.array,
            "timestamp": timestamp.reset_index(drop=True).array,
        }
    )


_JMETER_NAMES = [
    "timeStamp",
    "elapsed",
    "label",
    "responseCode",
    "responseMessage",
    "threadName",
    "dataType",
    "success",
]


def _jmeter_csv(
    data: bytes | Path, delimiter: str, headerless: bool, notes: list[str]
) -> tuple[pd.DataFrame, str, str]:
    if headerless:
        head = fmt.split_header(fmt.first_lines(fmt.head_text(data), 1)[0], delimiter)
        names = _JMETER_NAMES + [f"field{i}" for i in range(len(_JMETER_NAMES), len(head))]
        notes.append("no header: the default JMeter field order is assumed")
    else:
        names = None
    header = fmt.split_header(fmt.first_lines(fmt.head_text(data), 1)[0], delimiter)
    available = names or header
    wanted = [c for c in ("timeStamp", "elapsed", "label", "success") if c in available]
    raw = fmt.read_table(
        data,
        delimiter=delimiter,
        header=not headerless,
        columns=wanted,
        text_columns=[c for c in ("label",) if c in wanted],
        names=names,
    )
    latency = fmt.numbers(raw["elapsed"], "elapsed", what="milliseconds")
    if "success" in raw:
        ok = fmt.flags(raw["success"], "success")
    else:
        ok = np.ones(len(raw), dtype=bool)
        notes.append("no `success` column: every request counted as successful")
    label = raw["label"] if "label" in raw else pd.Series(["all"] * len(raw), dtype="str")
    if "timeStamp" in raw:
        stamps = raw["timeStamp"]
        ts, more = fmt.timestamps(stamps, "timeStamp")
        notes.extend(n for n in more if not n.startswith("`timeStamp` read as epoch"))
    else:
        ts = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ms, UTC]")
    frame = pd.DataFrame({"latency_ms": latency, "ok": ok, "label": label, "timestamp": ts})
    return frame, "ms", "elapsed"


def _jmeter_xml(data: bytes | Path, notes: list[str]) -> tuple[pd.DataFrame, str, str]:
    raw = fmt.read_jmeter_xml(fmt.whole(data))
    latency = fmt.numbers(raw["t"], "t", what="milliseconds")
    ok = (
        fmt.flags(raw["s"].fillna("true"), "s")
        if raw["s"].notna().any()
        else np.ones(len(raw), bool)
    )
    ts, _ = fmt.timestamps(pd.to_numeric(raw["ts"], errors="coerce"), "ts")
    frame = pd.DataFrame(
        {"latency_ms": latency, "ok": ok, "label": raw["lb"].fillna("all"), "timestamp": ts}
    )
    return frame, "ms", "t"


def _status_ok(values: pd.Series, column: str) -> np.ndarray:
    codes = fmt.numbers(values, column, what="an HTTP status code")
    return (codes >= 100) & (codes < 400)


def _k6_csv(data: bytes | Path, delimiter: str, notes: list[str]) -> tuple[pd.DataFrame, str, str]:
    header = fmt.split_header(fmt.first_lines(fmt.head_text(data), 1)[0], delimiter)
    wanted = [
        c
        for c in ("metric_name", "timestamp", "metric_value", "expected_response", "status", "name")
        if c in header
    ]
    raw = fmt.read_table(
        data,
        delimiter=delimiter,
        columns=wanted,
        text_columns=[
            c for c in ("metric_name", "expected_response", "status", "name") if c in wanted
        ],
    )
    raw = raw[raw["metric_name"] == "http_req_duration"].reset_index(drop=True)
    if raw.empty:
        raise InputError("the k6 CSV holds no http_req_duration rows")
    return _k6_frame(raw, "metric_value", "timestamp", notes), "ms", "metric_value"


def _k6_json(data: bytes | Path, notes: list[str]) -> tuple[pd.DataFrame, str, str]:
    raw = fmt.read_k6_json(_lines(data))
    raw["value"] = pd.to_numeric(raw["value"], errors="coerce")
    raw = raw.rename(columns={"label": "name"})
    for column in ("expected_response", "status"):
        raw[column] = raw[column].fillna("").astype("str")
    return _k6_frame(raw, "value", "time", notes), "ms", "value"


def _k6_frame(raw: pd.DataFrame, value: str, time: str, notes: list[str]) -> pd.DataFrame:
    latency = fmt.numbers(raw[value], value, what="milliseconds")
    expected = raw.get("expected_response")
    if expected is not None and (expected.astype("str").str.strip() != "").all():
        ok = fmt.flags(expected, "expected_response")
    elif "status" in raw:
        ok = _status_ok(raw["status"].replace("", "0"), "status")
        notes.append("success from the HTTP status (200-399): no expected_response tag")
    else:
        ok = np.ones(len(raw), dtype=bool)
        notes.append("no expected_response or status: every request counted as successful")
    ts, _ = fmt.timestamps(raw[time], time) if time in raw else (pd.Series(pd.NaT), [])
    label = raw["name"] if "name" in raw else pd.Series(["all"] * len(raw))
    return pd.DataFrame({"latency_ms": latency, "ok": ok, "label": label, "timestamp": ts})


def _vegeta(data: bytes | Path, delimiter: str) -> tuple[pd.DataFrame, str, str]:
    raw = fmt.read_table(data, delimiter=delimiter, header=False)
    raw.columns = list(range(raw.shape[1]))
    text = [c for c in (5, 7, 9, 10) if c in raw]
    for c in text:
        raw[c] = raw[c].astype("str").replace("nan", "")
    latency = fmt.numbers(raw[2], "latency (column 3)", what="nanoseconds") * UNITS_MS["ns"]
    code = fmt.numbers(raw[1], "code (column 2)", what="an HTTP status code")
    ok = (code >= 200) & (code < 400)
    if 5 in raw:
        ok &= (raw[5].str.strip() == "").to_numpy()
    if 10 in raw:
        label = (raw[9].str.strip() + " " if 9 in raw else "") + raw[10].str.strip()
    elif 7 in raw and (raw[7] != "").any():
        label = raw[7]
    else:
        label = pd.Series(["all"] * len(raw))
    stamps = raw[0]
    if not pd.api.types.is_integer_dtype(stamps):
        stamps = pd.Series(fmt.numbers(stamps, "timestamp (column 1)"))
    ts = pd.to_datetime(stamps, unit="ns", utc=True, errors="coerce")
    frame = pd.DataFrame({"latency_ms": latency, "ok": ok, "label": label, "timestamp": ts})
    return frame, "ns", "latency"


def _hey(data: bytes | Path, delimiter: str, notes: list[str]) -> tuple[pd.DataFrame, str, str]:
    raw = fmt.read_table(data, delimiter=delimiter)
    latency = fmt.numbers(raw["response-time"], "response-time", what="seconds") * 1000.0
    if "status-code" in raw:
        ok = _status_ok(raw["status-code"], "status-code")
    else:
        ok = np.ones(len(raw), dtype=bool)
    notes.append("hey records offsets from the start of the run, not clock times")
    frame = pd.DataFrame(
        {
            "latency_ms": latency,
            "ok": ok,
            "label": "all",
            "timestamp": pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ms, UTC]"),
        }
    )
    return frame, "s", "response-time"


# --- plain CSV ----------------------------------------------------------------------------------

_LATENCY_WORDS = ("latency", "duration", "elapsed", "response_time", "responsetime", "rtt")
_LATENCY_ALSO = ("response time", "response-time", "time_taken", "took", "time")
_PART_WORDS = ("ttft", "first", "token", "connect", "dns", "tls", "ssl", "idle", "queue", "wait")
_WHOLE_WORDS = ("end_to_end", "e2e", "total", "overall", "request")
_LABEL_NAMES = (
    "label",
    "endpoint",
    "name",
    "route",
    "operation",
    "transaction",
    "request",
    "api",
    "path",
    "uri",
    "url",
    "service",
    "provider_model",
    "model",
    "method",
)
_SUCCESS_NAMES = ("success", "ok", "successful", "passed", "succeeded", "is_success")
_FAILED_NAMES = ("failed", "failure", "is_error", "error", "errored")
_ERROR_TEXT_NAMES = ("error_code", "error_msg", "error_message", "exception", "err")
_STATUS_NAMES = ("status_code", "status", "http_status", "response_code", "responsecode", "code")
_TIME_NAMES = ("timestamp", "time_stamp", "timestamp_ms", "ts", "start_time", "datetime", "date")


def _score(column: str) -> int:
    name = column.lower()
    score = 0
    if any(w in name for w in _LATENCY_WORDS):
        score += 10
    elif any(w in name for w in _LATENCY_ALSO):
        score += 4
    else:
        return 0
    if any(w in name for w in _WHOLE_WORDS):
        score += 3
    if any(w in name for w in _PART_WORDS):
        score -= 6
    if _unit_from_name(column):
        score += 1
    return score


def _plain_csv(
    data: bytes | Path,
    delimiter: str,
    headerless: bool,
    unit: str | None,
    latency_column: str | None,
    notes: list[str],
) -> tuple[pd.DataFrame, str, str, list[str]]:
    if delimiter == "\n":
        raw = fmt.read_table(data, delimiter=",", header=not headerless)
    else:
        raw = fmt.read_table(data, delimiter=delimiter, header=not headerless)
    if headerless:
        raw.columns = [f"column {i + 1}" for i in range(raw.shape[1])]
    raw.columns = [str(c).strip() for c in raw.columns]
    columns = list(raw.columns)
    numeric = [c for c in columns if _numeric_share(raw[c]) > 0.5]
    if latency_column is not None:
        if latency_column not in columns:
            raise InputError(
                f"`latency_column` {latency_column!r} is not a column of the file; its "
                f"columns are {', '.join(columns)}"
            )
        column = latency_column
        candidates = [c for c in columns if _score(c) > 0] or numeric
    else:
        scored = sorted(
            ((s, -i, c) for i, c in enumerate(columns) if (s := _score(c)) > 0), reverse=True
        )
        scored = [t for t in scored if t[2] in numeric] or scored
        candidates = [c for _, _, c in scored] + [c for c in numeric if _score(c) <= 0]
        if scored:
            column = scored[0][2]
        elif len(numeric) == 1 and (headerless or _unit_from_name(numeric[0])):
            column = numeric[0]
            candidates = numeric
        else:
            raise InputError(
                "no latency column found: name it like latency_ms, duration_s, elapsed or "
                f"response_time (columns found: {', '.join(columns)[:200]}), or choose it "
                "with `latency_column`"
            )
    file_unit = unit or _unit_from_name(column)
    if file_unit is None:
        raise InputError(
            f"the unit of column `{column}` is not in its name: choose `unit` (ms, s, us or "
            "ns), or name the column like latency_ms or duration_s"
        )
    if unit and _unit_from_name(column) and unit != _unit_from_name(column):
        notes.append(f"unit {unit} chosen although the column name says {_unit_from_name(column)}")
    latency = fmt.numbers(raw[column], column, what=f"a latency in {file_unit}")
    latency = latency * UNITS_MS[file_unit]
    ok = np.ones(len(raw), dtype=bool)
    used = []
    lower = {c.lower(): c for c in columns if c != column}
    for name in _SUCCESS_NAMES:
        if name in lower:
            ok &= fmt.flags(raw[lower[name]], lower[name])
            used.append(lower[name])
    for name in _FAILED_NAMES:
        if name in lower and lower[name] not in used:
            values = raw[lower[name]]
            try:
                ok &= ~fmt.flags(
                    values.replace("", "false") if values.dtype == "str" else values, lower[name]
                )
            except InputError:
                ok &= _blank(values)
            used.append(lower[name])
    for name in _ERROR_TEXT_NAMES:
        if name in lower and lower[name] not in used:
            ok &= _blank(raw[lower[name]])
            used.append(lower[name])
    for name in _STATUS_NAMES:
        if name in lower and lower[name] not in used:
            values = raw[lower[name]]
            if _numeric_share(values) > 0.9:
                ok &= _status_ok(
                    values.replace("", "0") if values.dtype == "str" else values.fillna(0),
                    lower[name],
                )
            else:
                ok &= fmt.flags(values, lower[name])
            used.append(lower[name])
            break
    if used:
        notes.append("failures from " + ", ".join(f"`{c}`" for c in used))
    else:
        notes.append("no success, error or status column: every request counted as successful")
    label_column = next(
        (lower[n] for n in _LABEL_NAMES if n in lower and lower[n] not in used), None
    )
    if label_column and not pd.api.types.is_string_dtype(raw[label_column]):
        # read as numbers ("00" became 0): read that column again, as text
        again = fmt.read_table(
            data,
            delimiter="," if delimiter == "\n" else delimiter,
            header=not headerless,
            columns=None if headerless else [label_column],
            text_columns=[] if headerless else [label_column],
        )
        raw[label_column] = (
            again.iloc[:, columns.index(label_column)] if headerless else again[label_column]
        ).astype("str")
    label = raw[label_column] if label_column else pd.Series(["all"] * len(raw))
    time_column = next((lower[n] for n in _TIME_NAMES if n in lower), None)
    if time_column is None and "time" in lower and lower["time"] != column:
        # "time" is a timestamp only when it holds dates, not numbers (it may be a duration)
        if _numeric_share(raw[lower["time"]]) < 0.5:
            time_column = lower["time"]
    if time_column:
        ts, more = fmt.timestamps(raw[time_column], time_column)
        notes.extend(more)
    else:
        ts = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ms, UTC]")
    frame = pd.DataFrame({"latency_ms": latency, "ok": ok, "label": label, "timestamp": ts})
    return frame, file_unit, column, candidates


def _numeric_share(values: pd.Series) -> float:
    if pd.api.types.is_bool_dtype(values):
        return 0.0
    if pd.api.types.is_numeric_dtype(values):
        return 1.0
    text = values.astype("str").str.strip()
    text = text[text != ""]
    if text.empty:
        return 0.0
    sample = text.iloc[:2000].str.replace(",", ".", regex=False)
    return float(pd.to_numeric(sample, errors="coerce").notna().mean())


def _blank(values: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.isna().to_numpy()
    text = values.astype("str").str.strip()
    return (values.isna() | (text == "") | (text.str.lower() == "nan")).to_numpy()


def select_requests(
    frame: pd.DataFrame,
    *,
    labels: Sequence[str] | None = None,
    warmup_s: float = 0.0,
) -> pd.DataFrame:
    r"""The requests of some labels, without a warm-up period at the start of the run.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table from :func:`read_latencies`.
    labels : sequence of str, optional
        Labels to keep; all by default.
    warmup_s : float, optional
        Drop requests that started less than this many seconds after the first request of
        the file (all labels). Needs timestamps.

    Returns
    -------
    pandas.DataFrame
        The kept rows, same columns and attrs.

    Raises
    ------
    InputError
        When a warm-up is asked for a file without timestamps, a label is unknown, or
        nothing is left.

    Examples
    --------
    >>> frame = read_latencies(b"ts,path,latency_ms\n0,/a,5\n30,/a,6\n90,/b,7\n")
    >>> select_requests(frame, warmup_s=60)["latency_ms"].tolist()
    [7.0]
    """
    if warmup_s < 0 or not math.isfinite(warmup_s):
        raise InputError(f"`warmup_s` must be a number of seconds >= 0, got {warmup_s}")
    keep = np.ones(len(frame), dtype=bool)
    if labels is not None:
        known = set(frame["label"].unique())
        unknown = [label for label in labels if label not in known]
        if unknown:
            raise InputError(f"unknown label {unknown[0]!r}: the file has {len(known)} labels")
        keep &= frame["label"].isin(list(labels)).to_numpy()
    if warmup_s > 0:
        stamps = frame["timestamp"]
        if stamps.isna().all():
            raise InputError("this file has no timestamps, so no warm-up period can be dropped")
        start = stamps.min() + pd.Timedelta(seconds=warmup_s)
        keep &= (stamps >= start).to_numpy()
    selected = frame.loc[keep].reset_index(drop=True)
    selected.attrs = dict(frame.attrs)
    if selected.empty:
        raise InputError(
            "no request is left after this selection: choose more labels or a shorter warm-up"
        )
    return selected


# --- pre-aggregated: histograms -----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LatencyHistogram:
    """Latencies known only as cumulative counts at bucket edges (pre-aggregated data).

    Attributes
    ----------
    label : str
        The series (Prometheus labels, or ``"all"``).
    upper_ms : numpy.ndarray
        Increasing bucket upper edges in ms (the last may be ``inf``: Prometheus ``+Inf``).
    cumulative : numpy.ndarray
        How many requests took at most each edge (non-decreasing).
    format : str
        ``"hdr-percentiles"``, ``"prometheus-text"`` or ``"prometheus-csv"``.
    interpolation : str
        ``"linear"`` (Prometheus ``histogram_quantile``: spread evenly in a bucket) or
        ``"upper"`` (HdrHistogram: each row is a recorded value's bucket top).
    lower_ms : float
        The lowest possible value of the first bucket (0 for Prometheus; the first recorded
        value for HdrHistogram).
    max_ms : float
        The largest recorded value where the source says it (HdrHistogram), else NaN.
    unit : str
        The unit the file was in.
    notes : tuple of str
        What was assumed.
    """

    label: str
    upper_ms: np.ndarray
    cumulative: np.ndarray
    format: str
    interpolation: str
    lower_ms: float = 0.0
    max_ms: float = math.nan
    unit: str = "ms"
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n(self) -> int:
        """How many requests the histogram counts."""
        return int(round(float(self.cumulative[-1])))


def read_latency_histograms(source: Any, *, unit: str | None = None) -> dict[str, LatencyHistogram]:
    """Read pre-aggregated latencies: HdrHistogram percentile output or Prometheus buckets.

    Parameters
    ----------
    source : path, bytes or binary file object
        An HdrHistogram percentile distribution (``outputPercentileDistribution``, or the
        "Detailed Percentile spectrum" of ``wrk2 --latency``), Prometheus text exposition
        with ``*_bucket{le="..."}`` samples, or a CSV of buckets with an ``le`` column and a
        cumulative count column (other text columns name the series).
    unit : {"ms", "s", "us", "ns"}, optional
        The values' unit. Prometheus metric names say it (``_seconds``); HdrHistogram output
        does not (wrk2 prints ms, the default).

    Returns
    -------
    dict of str to LatencyHistogram
        One histogram per series, by label.

    Raises
    ------
    InputError
        When the file is not one of these formats, counts decrease (a counter reset: take
        the increase over a window instead) or the unit is unknown.

    Examples
    --------
    >>> text = b'''
    ... # TYPE http_request_duration_seconds histogram
    ... http_request_duration_seconds_bucket{le="0.1"} 90
    ... http_request_duration_seconds_bucket{le="0.5"} 99
    ... http_request_duration_seconds_bucket{le="+Inf"} 100
    ... '''
    >>> hist = read_latency_histograms(text)["http_request_duration_seconds"]
    >>> hist.upper_ms.tolist(), hist.n
    ([100.0, 500.0, inf], 100)
    """
    unit = _check_unit(unit)
    data, _, name, delimiter = _prepare(source)
    text = fmt.whole(data).decode("utf-8", errors="replace")
    if name == "hdr-percentiles":
        parsed = fmt.read_hdr_distribution(text.splitlines())
        scale = UNITS_MS[unit or "ms"]
        rows = parsed["rows"]
        values = np.array([r[0] for r in rows]) * scale
        counts = np.array([r[1] for r in rows])
        notes = () if unit else ("values assumed in milliseconds (as wrk2 prints them)",)
        # keep the last row of each distinct value: its count includes all equal values
        keep = np.append(values[1:] != values[:-1], True)
        histogram = _histogram(
            "all",
            values[keep],
            counts[keep],
            "hdr-percentiles",
            "upper",
            lower=float(values[0]),
            maximum=parsed["max"] * scale if math.isfinite(parsed["max"]) else math.nan,
            unit=unit or "ms",
            notes=notes,
        )
        return {"all": histogram}
    if name == "prometheus-text":
        series = fmt.read_prometheus_text(text.splitlines())
        metrics = {metric for metric, _ in series}
        result = {}
        for (metric, labels), pairs in series.items():
            metric_unit = unit or _unit_from_name(metric.replace("_", " ").split()[-1])
            if metric_unit is None:
                raise InputError(
                    f"the unit of {metric} is not in its name (Prometheus names end in "
                    "_seconds): choose the unit"
                )
            pairs.sort()
            edges = np.array([p[0] for p in pairs]) * UNITS_MS[metric_unit]
            counts = np.array([p[1] for p in pairs])
            key = metric if len(metrics) == 1 and not labels else metric
            key = f"{metric}{{{labels}}}" if labels else key
            result[key] = _histogram(
                key, edges, counts, "prometheus-text", "linear", unit=metric_unit, notes=()
            )
        return result
    if name == "prometheus-csv":
        raw = fmt.read_table(data, delimiter=delimiter if delimiter != "\n" else ",")
        raw.columns = [str(c).strip() for c in raw.columns]
        return _prometheus_csv(raw, unit)
    raise InputError(
        f"this is {LATENCY_FORMATS.get(name.replace('-noheader', ''), name)}, not a histogram: "
        "expected an HdrHistogram percentile distribution or Prometheus buckets (le, count)"
    )


def _prometheus_csv(raw: pd.DataFrame, unit: str | None) -> dict[str, LatencyHistogram]:
    le_unit = unit or _unit_from_name("le")
    count_column = next(
        (c for c in raw.columns if c.lower() in ("count", "cumulative_count", "value", "sum")),
        None,
    )
    if count_column is None:
        others = [c for c in raw.columns if c != "le" and _numeric_share(raw[c]) > 0.9]
        if len(others) != 1:
            raise InputError("a bucket CSV needs an `le` column and one cumulative `count` column")
        count_column = others[0]
    if le_unit is None:
        raise InputError(
            "the unit of the `le` bucket edges is not known: choose ms or s (Prometheus "
            "latency histograms are usually in seconds)"
        )
    text_le = raw["le"].astype("str").str.strip().str.replace("+Inf", "inf", regex=False)
    edges = fmt.numbers(text_le.replace("Inf", "inf"), "le", what="a bucket upper edge")
    counts = fmt.numbers(raw[count_column], count_column, what="a cumulative count")
    groups = [c for c in raw.columns if c not in ("le", count_column)]
    keys = (
        raw[groups].astype("str").agg(", ".join, axis=1)
        if groups
        else pd.Series(["all"] * len(raw))
    )
    result = {}
    for key in dict.fromkeys(keys):
        mask = (keys == key).to_numpy()
        order = np.argsort(edges[mask], kind="stable")
        result[key] = _histogram(
            key,
            edges[mask][order] * UNITS_MS[le_unit],
            counts[mask][order],
            "prometheus-csv",
            "linear",
            unit=le_unit,
            notes=(),
        )
    return result


def _histogram(
    label: str,
    edges: np.ndarray,
    counts: np.ndarray,
    name: str,
    interpolation: str,
    *,
    lower: float = 0.0,
    maximum: float = math.nan,
    unit: str,
    notes: Sequence[str],
) -> LatencyHistogram:
    if edges.size == 0:
        raise InputError(f"{label}: the histogram has no buckets")
    if np.isnan(edges).any() or (edges < 0).any():
        raise InputError(f"{label}: bucket edges must be numbers >= 0")
    if np.any(np.diff(edges) <= 0):
        raise InputError(f"{label}: bucket edges repeat; each `le` must appear once")
    if not np.isfinite(counts).all() or (counts < 0).any():
        raise InputError(f"{label}: bucket counts must be finite numbers >= 0")
    drop = np.flatnonzero(np.diff(counts) < 0)
    if drop.size:
        i = int(drop[0]) + 1
        raise InputError(
            f"{label}: cumulative counts fall from {counts[i - 1]:g} to {counts[i]:g} at "
            f"le={edges[i]:g} ms: buckets must be cumulative (take increase() over a window "
            "when a counter reset)"
        )
    if counts[-1] <= 0:
        raise InputError(f"{label}: the histogram counts no requests")
    return LatencyHistogram(
        label=label,
        upper_ms=edges.astype(float),
        cumulative=counts.astype(float),
        format=name,
        interpolation=interpolation,
        lower_ms=lower,
        max_ms=maximum,
        unit=unit,
        notes=tuple(notes),
    )
