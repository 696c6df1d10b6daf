"""Reading fault and alert logs into one tidy table of events: when, what type, where.

:func:`read_events` takes a CSV as people export it (a time column and a type column, or a
"wide" log where the type is whichever of several cause columns is filled, as in the Los
Alamos failure data) and returns one row per event with a UTC ``timestamp``, a ``type``, an
optional ``group`` (component, node, system) and the ``row`` of the file it came from.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from ftmath._validate import check_unique_header
from ftmath.errors import InputError
from ftmath.report import plural
from ftmath.timeparse import check_timezone, parse_times

__all__ = [
    "NO_TYPE",
    "read_columns",
    "read_events",
    "refine_types",
    "select_events",
    "type_summary",
]

NO_TYPE = "(not given)"
"""The type of an event whose type cell (or every cause cell of a wide log) is empty."""

_TIME_NAMES = (
    "timestamp",
    "time",
    "datetime",
    "eventtime",
    "timeutc",
    "date",
    "probstarted",
    "starttime",
    "startsat",
    "start",
    "started",
    "occurredat",
    "occurred",
    "firedat",
    "createdat",
    "created",
    "ts",
)
_TYPE_NAMES = (
    "type",
    "eventtype",
    "faulttype",
    "failuretype",
    "errortype",
    "alertname",
    "alert",
    "kind",
    "category",
    "cause",
    "fault",
    "failure",
    "error",
    "eventname",
    "event",
    "reason",
    "code",
    "class",
)
_GROUP_NAMES = (
    "component",
    "system",
    "service",
    "node",
    "host",
    "hostname",
    "instance",
    "server",
    "device",
    "resource",
    "source",
    "group",
    "nodenum",
)
# Cause columns of wide logs (the Los Alamos failure data and similar blame categories).
_CAUSE_NAMES = frozenset(
    {
        "facilities",
        "hardware",
        "humanerror",
        "network",
        "undetermined",
        "software",
        "environment",
        "power",
        "storage",
        "configuration",
    }
)
_LANL_CAUSES = ("Facilities", "Hardware", "Human Error", "Network", "Undetermined", "Software")
_EMPTY = frozenset({"", "0", "0.0", "false", "no", "n", "none", "nan", "null", "-", "n/a"})
_FLAG = frozenset({"1", "1.0", "true", "yes", "y", "x"})

Source = str | Path | bytes | IO[bytes] | pd.DataFrame


def _key(name: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _decode(data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 (BOM or not), else Latin-1."""
    if not data.strip():
        raise InputError("the file is empty: it needs a header and one row per event")
    head = data[:4096]
    text: str | None = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("the file starts like UTF-16 text but is not valid UTF-16") from None
    elif b"\x00" in head:
        # UTF-16 without a BOM: ASCII text has a zero in every other byte, on one side only.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        half = len(head) / 2
        if max(even, odd) > 0.4 * half and min(even, odd) < 0.05 * half:
            try:
                text = data.decode("utf-16-le" if odd > even else "utf-16-be")
            except UnicodeDecodeError:
                text = None
        if text is None:
            raise InputError(
                "the file is not text (it holds NUL bytes, as binary files do): upload a CSV of "
                "events, one row per event with a time and a type column"
            )
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > 0.01 * len(sample):
        raise InputError(
            "the file is not text (it holds control characters): upload a CSV of events"
        )
    return text


def _delimiter(text: str) -> str:
    """The delimiter of the header line among , ; tab |, counting outside quotes."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_frame(source: Source) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source.reset_index(drop=True)
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, (str, Path)):
        try:
            data = Path(source).read_bytes()
        except OSError as error:
            raise InputError(f"the events file could not be opened: {error}") from None
    elif hasattr(source, "read"):
        data = source.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
    else:
        raise InputError(
            "`source` must be a path, bytes, a binary file object or a DataFrame, "
            f"got {type(source).__name__}"
        )
    text = _decode(data)
    delimiter = _delimiter(text)
    check_unique_header(text.lstrip("\ufeff").partition("\n")[0].rstrip("\r"), delimiter)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.EmptyDataError:
        raise InputError("the file is empty: it needs a header and one row per event") from None
    except pd.errors.ParserError as error:
        raise InputError(f"the file is not a readable CSV: {error}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _find(columns: Sequence[str], names: Sequence[str], *, loose: str | None = None) -> str | None:
    keys = {_key(c): c for c in reversed(columns)}
    for name in names:
        if name in keys:
            return keys[name]
    if loose:
        return next((c for c in columns if re.search(loose, _key(c))), None)
    return None


def _require(frame: pd.DataFrame, column: str, what: str) -> str:
    if column not in frame.columns:
        shown = ", ".join(f"`{c}`" for c in frame.columns[:30])
        raise InputError(f"there is no {what} column `{column}`; the columns are {shown}")
    return column


def _filled(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    cells = frame[list(columns)].astype(str).apply(lambda c: c.str.strip())
    return ~cells.apply(lambda c: c.str.lower().isin(_EMPTY))


def read_events(
    source: Source,
    *,
    time_column: str | None = None,
    type_column: str | None = None,
    type_columns: Sequence[str] | None = None,
    group_column: str | None = "auto",
    timezone: str | None = None,
    time_unit: str = "auto",
) -> pd.DataFrame:
    r"""Read a fault or alert log: one row per event with its UTC time, type and group.

    Parameters
    ----------
    source : path, bytes, binary file object or pandas.DataFrame
        A CSV (``,`` ``;`` tab or ``|`` separated; UTF-8 with or without BOM, UTF-16 or
        Latin-1), or a table already in memory.
    time_column : str, optional
        The column with each event's time. Default: found by name (``timestamp``, ``time``,
        ``date``, ``Prob Started``, ``start``, ... or any name containing "time" or "date").
    type_column : str, optional
        The column with each event's type. Default: found by name (``type``, ``event_type``,
        ``alertname``, ``category``, ``cause``, ``error``, ...).
    type_columns : sequence of str, optional
        A "wide" log: the type is the name of whichever of these columns is filled (a cell
        that is empty, ``0``, ``no`` or ``false`` is not filled). Default: the cause columns
        of the Los Alamos failure data (``Facilities``, ``Hardware``, ``Human Error``,
        ``Network``, ``Undetermined``, ``Software``) or similar, when there is no type column.
    group_column : str or None, optional
        Component, node or system of each event. ``"auto"`` (default) finds one by name
        (``component``, ``system``, ``service``, ``node``, ``host``, ...); ``None`` reads none.
    timezone : str, optional
        IANA zone of times written without an offset. Default: UTC, except for the Los
        Alamos failure data, whose local times are America/Denver.
    time_unit : {"auto", "s", "ms", "us", "ns"}, optional
        Unit of epoch numbers in the time column (see `ftmath.parse_times`).

    Returns
    -------
    pandas.DataFrame
        Sorted by time (ties keep file order), with columns ``timestamp``
        (``datetime64[ns, UTC]``), ``type`` (str; `NO_TYPE` when not given), ``group`` (str,
        only with a group column), ``detail`` (str, wide logs: the filled cell's text, such as
        the Los Alamos sub-cause ``CPU``) and ``row`` (the record's row in the file, the
        header being row 1). ``attrs`` records ``layout`` ("long" or "wide"),
        ``time_column``, ``type_columns``, ``group_column``, ``timezone``, ``time_format``
        and ``notes`` (what was assumed).

    Raises
    ------
    InputError
        For a file that is empty, not text or not a CSV, a missing column, or a time that
        cannot be read (naming the column and row).

    Notes
    -----
    Nothing is dropped: an event whose type is not given gets the type `NO_TYPE`; in a wide
    log a row with several cause columns filled takes the first (in column order), and the
    number of such rows is noted.

    Examples
    --------
    >>> csv = b"time,type,host\n2024-01-01T10:00:00Z,disk,a\n2024-01-01T09:00:00+01:00,net,b\n"
    >>> events = read_events(csv)
    >>> events[["type", "group", "row"]].to_dict("list")
    {'type': ['net', 'disk'], 'group': ['b', 'a'], 'row': [3, 2]}
    >>> str(events["timestamp"].iloc[0])
    '2024-01-01 08:00:00+00:00'
    >>> wide = b"Prob Started,Hardware,Software\n6/21/2005 10:54,CPU,\n6/21/2005 11:00,,OS\n"
    >>> read_events(wide, timezone="America/Denver")["type"].tolist()
    ['Hardware', 'Software']
    """
    frame = _read_frame(source)
    if frame.empty:
        if len(frame.columns):
            raise InputError("the file has a header but no rows: it needs one row per event")
        raise InputError("the file is empty: it needs a header and one row per event")
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    notes: list[str] = []

    # --- the time column -----------------------------------------------------------------------
    if time_column is None:
        found = _find(columns, _TIME_NAMES, loose=r"time|date|started")
        if found is None:
            shown = ", ".join(f"`{c}`" for c in columns[:30])
            raise InputError(
                f"no time column found among {shown}: name one `time` or `timestamp`, "
                "or choose it with `time_column`"
            )
        time_column = found
    _require(frame, time_column, "time")

    # --- the type: one column, or whichever of several is filled ----------------------------
    lanl = all(c in columns for c in _LANL_CAUSES) and "Prob Started" in columns
    if type_columns is not None:
        wide = [_require(frame, str(c), "type") for c in type_columns]
        if not wide:
            raise InputError("`type_columns` must name at least one column")
    elif type_column is not None:
        wide = []
        _require(frame, type_column, "type")
    else:
        type_column = _find(columns, _TYPE_NAMES)
        wide = [] if type_column else [c for c in columns if _key(c) in _CAUSE_NAMES]
        if type_column is None and len(wide) < 2:
            shown = ", ".join(f"`{c}`" for c in columns[:30])
            raise InputError(
                f"no type column found among {shown}: name one `type` (or `event_type`, "
                "`category`, `cause`, ...), choose it with `type_column`, or name the cause "
                "columns of a wide log with `type_columns`"
            )
    if time_column == type_column or time_column in wide:
        raise InputError(f"`{time_column}` cannot be both the time and the type column")

    # --- the group column --------------------------------------------------------------------
    if group_column == "auto":
        taken = {time_column, type_column, *wide}
        group_column = _find([c for c in columns if c not in taken], _GROUP_NAMES)
    elif group_column is not None:
        _require(frame, group_column, "group")
        if group_column in (time_column, type_column):
            raise InputError(f"`{group_column}` cannot be both the group and the type column")

    # --- times ----------------------------------------------------------------------------------
    if timezone is None:
        timezone = "America/Denver" if lanl else "UTC"
        if lanl:
            notes.append(
                "Los Alamos failure data: local times read in America/Denver (Los Alamos, NM)"
            )
    timezone = check_timezone(timezone)
    times = parse_times(frame[time_column], column=time_column, timezone=timezone, unit=time_unit)
    notes.extend(times.attrs.get("notes", []))

    # --- types ----------------------------------------------------------------------------------
    detail = None
    if wide:
        filled = _filled(frame, wide).to_numpy()
        n_filled = filled.sum(axis=1)
        first = np.argmax(filled, axis=1)
        names = np.array(wide, dtype=object)
        types = pd.Series(np.where(n_filled > 0, names[first], NO_TYPE), dtype=str)
        cells = frame[wide].astype(str).to_numpy()
        picked = cells[np.arange(len(frame)), first]
        picked = np.where(n_filled > 0, picked, "")
        detail = pd.Series(
            [("" if str(v).strip().lower() in _FLAG else str(v).strip()) for v in picked],
            dtype=str,
        )
        if (n_filled == 0).any():
            notes.append(
                f"{_count_have(int((n_filled == 0).sum()))} no cause column filled: "
                f"their type is {NO_TYPE}"
            )
        if (n_filled > 1).any():
            notes.append(
                f"{_count_have(int((n_filled > 1).sum()))} several cause columns filled: "
                "each counts once, under the first"
            )
    else:
        assert type_column is not None
        raw = frame[type_column]
        types = raw.fillna("").astype(str).str.strip()
        types = types.where(~types.str.lower().isin(["", "nan", "none", "null"]), NO_TYPE)
        types = types.astype(str)
        if (types == NO_TYPE).any():
            notes.append(
                f"{_count_have(int((types == NO_TYPE).sum()))} an empty `{type_column}`: "
                f"their type is {NO_TYPE}"
            )

    out = pd.DataFrame(
        {
            "timestamp": times.reset_index(drop=True),
            "type": types.to_numpy(),
        }
    )
    out["timestamp"] = out["timestamp"].astype("datetime64[ns, UTC]")
    out["type"] = out["type"].astype(str)
    if group_column is not None:
        group = frame[group_column].astype(str).str.strip()
        out["group"] = group.where(group != "", NO_TYPE).to_numpy()
    if detail is not None:
        out["detail"] = detail.to_numpy()
    out["row"] = np.arange(2, len(frame) + 2)
    out = out.sort_values("timestamp", kind="stable").reset_index(drop=True)
    out.attrs = {
        "layout": "wide" if wide else "long",
        "time_column": time_column,
        "type_columns": list(wide) if wide else [type_column],
        "group_column": group_column,
        "timezone": timezone,
        "time_format": times.attrs.get("format", ""),
        "notes": notes,
    }
    return out


def read_columns(source: Source) -> list[str]:
    r"""The column names of an events file, for a user who picks the columns by hand.

    Parameters
    ----------
    source : path, bytes, binary file object or pandas.DataFrame
        As for `read_events`.

    Returns
    -------
    list of str
        The header's column names.

    Raises
    ------
    InputError
        For a file that is empty, not text or not a CSV.

    Examples
    --------
    >>> read_columns(b"when;what;where\n2024-01-01;disk;a\n")
    ['when', 'what', 'where']
    """
    return [str(c) for c in _read_frame(source).columns]


def _check_frame(events: Any) -> pd.DataFrame:
    if not isinstance(events, pd.DataFrame) or not {"timestamp", "type"} <= set(events.columns):
        raise InputError("`events` must be a DataFrame with `timestamp` and `type` columns")
    return events


def select_events(
    events: pd.DataFrame,
    *,
    types: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    r"""The events of some types and groups within ``[start, end)``.

    Parameters
    ----------
    events : pandas.DataFrame
        As `read_events` returns.
    types, groups : sequence of str, optional
        Keep only these types / groups (``None`` or empty: all).
    start, end : time, optional
        Keep events at or after ``start`` and before ``end`` (naive times are UTC).

    Returns
    -------
    pandas.DataFrame
        The selected rows, in the same order, with the same ``attrs``.

    Examples
    --------
    >>> ev = read_events(b"time,type\n2024-01-01T00:00Z,disk\n2024-01-02T00:00Z,net\n")
    >>> select_events(ev, start="2024-01-01T12:00Z")["type"].tolist()
    ['net']
    """
    frame = _check_frame(events)
    keep = np.ones(len(frame), dtype=bool)
    if types:
        keep &= frame["type"].astype(str).isin([str(t) for t in types]).to_numpy()
    if groups:
        if "group" not in frame.columns:
            raise InputError("these events have no group column to select by")
        keep &= frame["group"].astype(str).isin([str(g) for g in groups]).to_numpy()
    for bound, name in ((start, "start"), (end, "end")):
        if bound is None:
            continue
        try:
            stamp = pd.Timestamp(bound)
        except (ValueError, TypeError):
            raise InputError(f"`{name}` must be a time, got {bound!r}") from None
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
        times = frame["timestamp"]
        keep &= (times >= stamp).to_numpy() if name == "start" else (times < stamp).to_numpy()
    out = frame.loc[keep].reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    return out


def refine_types(events: pd.DataFrame) -> pd.DataFrame:
    r"""Events whose type is made finer by its detail: ``Hardware`` becomes ``Hardware: CPU``.

    Parameters
    ----------
    events : pandas.DataFrame
        As `read_events` returns for a wide log (with a ``detail`` column).

    Returns
    -------
    pandas.DataFrame
        A copy; events without detail keep their type.

    Examples
    --------
    >>> ev = read_events(b"Prob Started,Hardware,Software\n"
    ...                  b"6/21/2005 10:54,CPU,\n6/21/2005 11:00,,1\n")
    >>> refine_types(ev)["type"].tolist()
    ['Hardware: CPU', 'Software']
    """
    frame = _check_frame(events)
    out = frame.copy()
    out.attrs = dict(frame.attrs)
    if "detail" not in frame.columns:
        return out
    detail = frame["detail"].astype(str).str.strip()
    same = detail.str.lower() == frame["type"].astype(str).str.lower()
    out["type"] = (
        frame["type"]
        .astype(str)
        .where((detail == "") | same, frame["type"].astype(str) + ": " + detail)
    )
    return out


def type_summary(events: pd.DataFrame) -> pd.DataFrame:
    r"""Events per type with the first and last time, most frequent first.

    Parameters
    ----------
    events : pandas.DataFrame
        As `read_events` returns.

    Returns
    -------
    pandas.DataFrame
        Indexed by type, columns ``events``, ``first`` and ``last``; ties in count are
        sorted by name.

    Examples
    --------
    >>> ev = read_events(b"time,type\n2024-01-01T00:00Z,net\n2024-01-02T00:00Z,disk\n"
    ...                  b"2024-01-03T00:00Z,disk\n")
    >>> type_summary(ev)["events"].to_dict()
    {'disk': 2, 'net': 1}
    """
    frame = _check_frame(events)
    grouped = frame.groupby(frame["type"].astype(str), sort=True)["timestamp"]
    table = pd.DataFrame({"events": grouped.size(), "first": grouped.min(), "last": grouped.max()})
    table.index.name = "type"
    sizes = table["events"].to_dict()
    order = sorted(table.index, key=lambda t: (-int(sizes[t]), str(t)))
    return table.loc[order]


def _count_have(count: int) -> str:
    """``1 event has``, ``3 events have``."""
    return f"{plural(count, 'event')} {'has' if count == 1 else 'have'}"
