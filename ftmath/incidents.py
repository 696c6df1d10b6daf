"""Outage logs: reading them, and measured MTBF, MTTR, availability and time to detect.

:func:`read_incidents` turns an outage log (a CSV with start and end times, or a start and a
duration; optionally a system, a cause and a detection time) into one tidy table, one row per
record. :func:`incident_statistics` merges overlapping incidents of a system into outages and
measures, per system and pooled over all systems, how often they failed and how long they
stayed down.

Definitions (IEC 60050-192 terms; the page says which one each number uses)
---------------------------------------------------------------------------
incident
    One record of the log. Several incidents of one system may overlap (two nodes of a
    cluster down at once): they are one **outage** of that system.
outage
    A maximal interval during which at least one incident of the system is open. Intervals
    that touch (one ends when the next starts) are one outage: the system never came back up.
observation window
    ``W``: by default each system's own span, from its first failure to its last repair (the
    log gives no commissioning dates); or the span of the whole log; or a window the user gives.
downtime, up time
    ``D`` is the merged downtime inside the window (outages clipped to it); ``U = W - D``.
failures
    ``F``: outages that begin after some up time observed inside the window (an up-to-down
    transition). An outage in progress when the window opens, or opening it, ends no observed
    up time, so it is not counted: with the default window ``F`` is one less than the number
    of outages.
MTBF
    Mean up time between failures, ``U / F`` (IEC 60050-192-05-13 "mean up time" read from
    the log). n/a when ``F = 0``: then the data only say MTBF > ``U``.
MTTR
    Mean time to restore, the mean duration of the outages in the window (clipped to it), with
    their median and 90th percentile (nearest rank, an observed duration). Incident durations
    (unmerged) are reported too.
availability
    Measured, ``A = U / W`` (time-average availability over the window).
MTTD
    Mean time to detect, ``mean(detected - start)`` over incidents with a detection time.

References
----------
.. [1] IEC 60050-192:2015, International Electrotechnical Vocabulary, Part 192:
   Dependability (192-05-13 mean up time, 192-07-21 mean time to restoration, 192-08-02
   availability).
.. [2] B. Schroeder and G. A. Gibson, "A large-scale study of failures in high-performance
   computing systems", DSN 2006 (the LANL failure data, release LA-UR-05-7318).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, cast

import numpy as np
import pandas as pd

from ftmath._validate import check_unique_header
from ftmath.errors import InputError
from ftmath.explain import Explanation, latex_number
from ftmath.report import plural
from ftmath.timeparse import check_timezone

__all__ = [
    "FEW_FAILURES",
    "MAX_SPAN_YEARS",
    "IncidentStats",
    "cause_labels",
    "cause_summary",
    "duration_unit_doubt",
    "filter_incidents",
    "incident_columns",
    "incident_statistics",
    "merge_outages",
    "read_incidents",
]

# --- reading the file -----------------------------------------------------------------------------

LANL_CAUSES = ("Facilities", "Hardware", "Human Error", "Network", "Undetermined", "Software")
LANL_TIMEZONE = "America/Denver"
"""Los Alamos, New Mexico keeps Mountain Time with daylight saving."""

_ALIASES: dict[str, tuple[str, ...]] = {
    "start": (
        "start",
        "started",
        "start time",
        "start at",
        "started at",
        "prob started",
        "problem started",
        "begin",
        "began",
        "outage start",
        "incident start",
        "failure time",
        "failed at",
        "down at",
        "down since",
        "opened",
        "opened at",
        "created",
        "created at",
        "timestamp",
        "ts",
        "time",
    ),
    "end": (
        "end",
        "ended",
        "end time",
        "end at",
        "ended at",
        "prob fixed",
        "problem fixed",
        "fixed",
        "fixed at",
        "resolved",
        "resolved at",
        "restored",
        "restored at",
        "recovered",
        "recovered at",
        "outage end",
        "incident end",
        "closed",
        "closed at",
        "up at",
        "finished",
    ),
    "detected": (
        "detected",
        "detected at",
        "detection",
        "detection time",
        "time detected",
        "detected time",
        "alerted",
        "alerted at",
        "alert time",
    ),
    "system": (
        "system",
        "system name",
        "component",
        "service",
        "service name",
        "application",
        "app",
        "cluster",
        "host",
        "asset",
    ),
    "cause": (
        "cause",
        "root cause",
        "cause category",
        "category",
        "reason",
        "failure type",
        "fault type",
        "type",
    ),
}
_DURATION_UNITS = {"s": 1 / 3600, "min": 1 / 60, "h": 1.0}
"""Hours per unit of a duration column."""
_DURATION_WORDS = ("duration", "down time", "downtime", "outage duration", "time to repair", "ttr")
_UNIT_SUFFIX = {
    "s": "s",
    "sec": "s",
    "secs": "s",
    "seconds": "s",
    "m": "min",
    "min": "min",
    "mins": "min",
    "minutes": "min",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
}
_TIME_FORMATS = (
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
)
_ACCEPTED_TIMES = (
    "ISO 8601 (2024-03-01 14:05[:30][+01:00|Z]), m/d/YYYY H:MM[:SS], d/m/YYYY H:MM[:SS], "
    "d.m.YYYY H:MM[:SS], YYYY/m/d H:MM[:SS], or epoch seconds / milliseconds"
)
_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$", re.IGNORECASE)
_MAX_BYTES_SNIFF = 64 * 1024
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_MIN_EPOCH = 1e8
"""Smallest number read as an epoch time: 1e8 s is 1973-03-03; smaller numbers are not times."""


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(name).lower()).strip()


def _unit_of(name: str) -> tuple[str, str | None]:
    """Split ``'duration (min)'`` into ``('duration', 'min')``; the unit is None if absent."""
    words = _normalise(name).split()
    if len(words) >= 2 and words[-1] in _UNIT_SUFFIX:
        return " ".join(words[:-1]), _UNIT_SUFFIX[words[-1]]
    if len(words) >= 2 and words[-1] in ("utc", "local"):
        return " ".join(words[:-1]), None
    return " ".join(words), None


def _decode(data: bytes) -> str:
    """Bytes of a text file as text: UTF-8 (with or without BOM), UTF-16 (BOM), Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("the file starts like UTF-16 text but does not decode") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[:_MAX_BYTES_SNIFF]
    if b"\x00" in head:
        # UTF-16 without a BOM shows a NUL in every other byte; anything else is binary.
        if head[1::2].count(0) > 0.4 * len(head[1::2]):
            try:
                return data.decode("utf-16-le")
            except UnicodeDecodeError:
                pass
        raise InputError(
            "the file is not text (it holds NUL bytes): upload a CSV outage log with "
            "start and end columns"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_bytes(source: str | Path | bytes | IO[bytes]) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (str, Path)):
        try:
            return Path(source).read_bytes()
        except OSError as error:
            raise InputError(f"the file {source} could not be read: {error.strerror}") from None
    if hasattr(source, "read"):
        data = source.read()
        if isinstance(data, str):
            return data.encode("utf-8")
        return bytes(data)
    raise InputError(
        f"`source` must be a path, bytes or a binary file object, got {type(source).__name__}"
    )


def _read_table(data: bytes) -> pd.DataFrame:
    text = _decode(data)
    if not text.strip():
        raise InputError("the file is empty: an outage log needs a header and one row per incident")
    first = text.lstrip("\ufeff").splitlines()[0]
    delimiter = max((",", ";", "\t", "|"), key=first.count)
    if first.count(delimiter) == 0:
        raise InputError(
            "the file has only one column: an outage log needs at least a start column and "
            "an end or duration column, separated by commas, semicolons or tabs"
        )
    check_unique_header(first, delimiter)
    try:
        frame = pd.read_csv(
            io.StringIO(text.lstrip("\ufeff")),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, csv.Error, ValueError, OverflowError) as error:
        raise InputError(f"the file could not be read as CSV: {error}") from None
    except RecursionError:
        raise InputError("the file could not be read as CSV: it is nested too deeply") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise InputError("the file has a header but no rows: there are no incidents to measure")
    return frame


def _find(columns: list[str], role: str, given: str | None) -> str | None:
    if given is not None:
        if given not in columns:
            raise InputError(
                f"`{role}` column {given!r} is not in the file; its columns are "
                + ", ".join(repr(c) for c in columns)
            )
        return given
    by_name = {_unit_of(c)[0]: c for c in reversed(columns)}
    for alias in _ALIASES[role]:
        if alias in by_name:
            return by_name[alias]
    return None


def _find_duration(
    columns: list[str], given: str | None, unit: str | None
) -> tuple[str | None, str | None]:
    candidates = [given] if given is not None else columns
    if given is not None and given not in columns:
        raise InputError(
            f"`duration` column {given!r} is not in the file; its columns are "
            + ", ".join(repr(c) for c in columns)
        )
    for column in candidates:
        assert column is not None
        stem, found_unit = _unit_of(column)
        if given is None and not any(
            stem == w or stem.startswith(w + " ") for w in _DURATION_WORDS
        ):
            continue
        if stem == "down time" and set(LANL_CAUSES) <= set(columns):
            found_unit = "min"  # the LANL release: "Down Time" in minutes
        chosen = unit or found_unit
        if chosen is not None and chosen not in _DURATION_UNITS:
            raise InputError(f"`duration_unit` must be one of 's', 'min', 'h', got {chosen!r}")
        return column, chosen
    return None, None


def _row_label(index: int) -> str:
    return f"row {index + 2}"


def _numbers(values: pd.Series, *, column: str) -> pd.Series:
    """Numbers from text; decimal commas accepted; blanks are NaN; garbage is an error."""
    text = values.astype(str).str.strip()
    text = text.where(~text.str.fullmatch(r"[+-]?\d+,\d+"), text.str.replace(",", ".", regex=False))
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = numbers.isna() & (text != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"column `{column}`, {_row_label(i)}: {values.iloc[i]!r} is not a number "
            "(a duration is a number, with a decimal point or comma)"
        )
    return numbers.astype(float)


def _naive_or_aware(
    values: pd.Series, *, column: str
) -> tuple[pd.Series, bool, Literal["text", "epoch"]]:
    """Parse text times: (times, already_utc, kind). Errors name the column, row and forms."""
    text = values.astype(str).str.strip()
    present = text != ""
    if not present.any():
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]"), False, "text"
    sample = text[present].head(100)
    looks_numeric = bool(sample.str.fullmatch(_NUMBER).all())
    numeric = pd.to_numeric(text.where(present), errors="coerce") if looks_numeric else None
    if numeric is not None and numeric[present].notna().all():
        magnitude = float(numeric[present].abs().max())
        if not math.isfinite(magnitude):
            raise InputError(f"column `{column}` holds an infinite epoch time")
        small = present & (numeric.abs() < _MIN_EPOCH)
        if small.any():
            i = int(np.flatnonzero(small.to_numpy())[0])
            raise InputError(
                f"column `{column}`, {_row_label(i)}: {values.iloc[i]!r} is a number too small "
                "to be epoch times (seconds since 1970 are above 1e8 after March 1973); "
                f"is `{column}` really a time column? Accepted: {_ACCEPTED_TIMES}"
            )
        unit = "s" if magnitude < 1e11 else "ms" if magnitude < 1e14 else "us"
        if magnitude >= 1e17:
            unit = "ns"
        try:
            times = pd.to_datetime(numeric, unit=unit, utc=True)  # type: ignore[call-overload]
        except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
            raise InputError(
                f"column `{column}`: epoch times as large as {magnitude:g} are out of range "
                "(times must lie between the years 1678 and 2261)"
            ) from None
        return times, True, "epoch"
    with_offset = text.str.contains(_OFFSET, regex=True) & present
    if with_offset.any() and not with_offset[present].all():
        i = int(np.flatnonzero((present & ~with_offset).to_numpy())[0])
        raise InputError(
            f"column `{column}`, {_row_label(i)}: {values.iloc[i]!r} has no UTC offset while "
            "other rows have one; give every time an offset, or none"
        )
    best: tuple[int, pd.Series | None] = (-1, None)
    for form in ("ISO8601", *_TIME_FORMATS):
        try:
            parsed = pd.to_datetime(
                text.where(present), format=form, errors="coerce", utc=bool(with_offset.any())
            )
        except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
            continue
        good = int((parsed.notna() & present).sum())
        if good == int(present.sum()):
            return parsed, bool(with_offset.any()), "text"
        if good > best[0]:
            best = (good, parsed)
    closest = best[1]
    failed = present if closest is None else present & closest.isna()
    i = int(np.flatnonzero(failed.to_numpy())[0])
    raise InputError(
        f"column `{column}`, {_row_label(i)}: {values.iloc[i]!r} is not a time this reader "
        f"understands; accepted: {_ACCEPTED_TIMES}"
    )


def _parse_times(
    values: pd.Series,
    *,
    column: str,
    timezone: str = "UTC",
    ambiguous: Literal["earlier", "later"] = "earlier",
) -> pd.Series:
    """Times in a column as UTC (``datetime64[ns, UTC]``); blanks become NaT.

    Text with a UTC offset (``Z``, ``+01:00``) keeps its offset, so mixed offsets across
    daylight saving are right. Naive local times are read in ``timezone`` (an IANA name):
    a time in the repeated hour when daylight saving ends is read as its ``ambiguous``
    occurrence, and a time in the skipped hour when it starts is moved forward to the first
    valid instant. Numbers are epoch seconds (below 1e11), milliseconds (below 1e14),
    microseconds or nanoseconds.
    """
    parsed, aware, _kind = _naive_or_aware(values, column=column)
    if not aware:
        try:
            parsed = parsed.dt.tz_localize(
                timezone,
                ambiguous=np.full(len(parsed), ambiguous == "earlier"),
                nonexistent="shift_forward",
            )
        except (ValueError, TypeError, KeyError) as error:
            raise InputError(
                f"`timezone` {timezone!r} is not a known time zone ({error})"
            ) from None
    try:
        return parsed.dt.tz_convert("UTC").dt.as_unit("ns")
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        years = parsed.dt.year
        outside = ((years < 1678) | (years > 2261)).fillna(False).to_numpy(dtype=bool)
        where = _row_label(int(np.flatnonzero(outside)[0])) if outside.any() else "a row"
        value = values.iloc[int(np.flatnonzero(outside)[0])] if outside.any() else ""
        raise InputError(
            f"column `{column}`, {where}: {value!r} is outside the years 1678 to 2261, the "
            "range of times this reader computes with; check the year"
        ) from None


def _local_trouble(values: pd.Series, *, column: str, timezone: str) -> tuple[pd.Series, int]:
    """Where naive local times are ambiguous (repeated hour), and how many fall in a DST gap."""
    parsed, aware, _ = _naive_or_aware(values, column=column)
    none = pd.Series(False, index=values.index)
    if aware:
        return none, 0
    try:
        strict = parsed.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
        gaps = parsed.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="shift_forward")
    except (ValueError, TypeError, KeyError):
        return none, 0
    trouble = strict.isna() & parsed.notna()
    ambiguous = gaps.isna() & parsed.notna()
    return ambiguous, int((trouble & ~ambiguous).sum())


def read_incidents(
    source: str | Path | bytes | IO[bytes],
    *,
    timezone: str | None = None,
    start: str | None = None,
    end: str | None = None,
    duration: str | None = None,
    duration_unit: Literal["s", "min", "h"] | None = None,
    system: str | None = None,
    cause: str | None = None,
    detected: str | None = None,
) -> pd.DataFrame:
    r"""Read an outage log: one row per record, with start and end in UTC.

    Parameters
    ----------
    source : path, bytes or binary file object
        A CSV (comma, semicolon, tab or bar separated; UTF-8 with or without BOM, UTF-16,
        Latin-1) with a start time and either an end time or a duration; optionally a
        system (component, service, host), a cause and a detection time. The LANL failure
        data release (``Prob Started``, ``Prob Fixed``, ``Down Time``, ``System`` and six
        cause columns) is recognised.
    timezone : str, optional
        IANA time zone of times written without a UTC offset. Default: ``"UTC"``, except for
        the LANL layout, whose local times are Los Alamos time (``"America/Denver"``).
    start, end, duration, system, cause, detected : str, optional
        Column names, when the reader does not find them by name.
    duration_unit : {"s", "min", "h"}, optional
        Unit of the duration column when its name does not say it (``duration_min``,
        ``Duration (h)``).

    Returns
    -------
    pandas.DataFrame
        Columns ``start``, ``end``, ``detected`` (``datetime64[ns, UTC]``, NaT where absent),
        ``system``, ``cause``, ``cause_detail`` (str, may be empty), ``row`` (the record's
        row in the file as a spreadsheet numbers it: the first data row is 2) and
        ``problem`` (empty, or why the record cannot be measured: an end before its start, a
        missing time). Records with a problem are kept and reported, never dropped
        silently; the statistics leave them out and list them. ``attrs`` holds ``format``,
        ``timezone``, ``columns`` (role -> column used), ``notes`` (what the reader
        decided, in words) and ``duration_unit`` (``"s"``, ``"min"`` or ``"h"`` when the
        ends come from a duration column, else ``None``).

    Raises
    ------
    InputError
        For an empty, binary or one-column file, no start column, no end or duration
        column, or a value that is not a time (or a number), naming the column and row.

    Notes
    -----
    The end time wins over a duration column when both exist; the duration is then only
    used to check the times, and to read a local time in the hour repeated when daylight
    saving ends (01:00-02:00 happens twice): the reading whose duration agrees with the file
    is taken. Otherwise a repeated-hour time is read as its first (daylight-saving)
    occurrence, and a time in the skipped spring hour is moved forward; both are counted in
    ``notes``. In the LANL release, ``Down Time`` equals ``Prob Fixed - Prob Started`` in
    Los Alamos time except for a one-minute difference on a few hundred rows (the release
    rounds), which the notes report.

    Examples
    --------
    >>> log = b"start,end,system\n2024-03-01 10:00,2024-03-01 10:30,db\n"
    >>> frame = read_incidents(log)
    >>> frame.loc[0, "end"] - frame.loc[0, "start"]
    Timedelta('0 days 00:30:00')
    >>> str(frame.loc[0, "system"]), frame.attrs["timezone"]
    ('db', 'UTC')
    """
    if timezone is not None:
        timezone = check_timezone(timezone)  # before the file: a bad zone is not the file's fault
    table = _read_table(_read_bytes(source))
    columns = list(table.columns)
    lanl = {"Prob Started", "Prob Fixed"} <= set(columns) and set(LANL_CAUSES) <= set(columns)
    notes: list[str] = []
    if timezone is None:
        timezone = LANL_TIMEZONE if lanl else "UTC"
        if lanl:
            notes.append(
                "Times are Los Alamos local time (America/Denver, with daylight saving), as in "
                "the LANL release; they are converted to UTC."
            )
    start_col = _find(columns, "start", start)
    end_col = _find(columns, "end", end)
    duration_col, unit = _find_duration(columns, duration, duration_unit)
    if end_col is not None and end_col == start_col:
        end_col = None
    if start_col is None:
        raise InputError(
            "no start column: name one `start` (or started, begin, opened, Prob Started), "
            "or choose it; the columns are " + ", ".join(repr(c) for c in columns)
        )
    if end_col is None and duration_col is None:
        raise InputError(
            "no end or duration column: name one `end` (or resolved, restored, fixed, Prob "
            "Fixed) or `duration_minutes` / `duration_hours`, or choose it; the columns are "
            + ", ".join(repr(c) for c in columns)
        )
    if end_col is None and unit is None:
        raise InputError(
            f"the duration column `{duration_col}` does not say its unit: name it "
            "`duration_minutes` or `duration_hours`, or choose the unit (s, min, h)"
        )
    system_col = _find(columns, "system", system)
    detected_col = _find(columns, "detected", detected)
    cause_col = _find(columns, "cause", cause)
    wide = [c for c in LANL_CAUSES if c in columns] if cause_col is None else []
    if len(wide) < 2:
        wide = []

    starts = _parse_times(table[start_col], column=start_col, timezone=timezone)
    given_hours = None
    if duration_col is not None:
        assert unit is not None or end_col is not None
        factor = _DURATION_UNITS[unit] if unit is not None else 1.0
        given_hours = _numbers(table[duration_col], column=duration_col) * factor
        huge = given_hours.notna() & ~(given_hours.abs() <= 1e7)
        if huge.any():
            i = int(np.flatnonzero(huge.to_numpy())[0])
            raise InputError(
                f"column `{duration_col}`, {_row_label(i)}: a duration of "
                f"{table[duration_col].iloc[i]} is beyond 1e7 hours (over 1,000 years)"
            )
    if end_col is not None:
        ends = _parse_times(table[end_col], column=end_col, timezone=timezone)
        if timezone != "UTC":
            for col, role in ((start_col, "start"), (end_col, "end")):
                ambiguous, gaps = _local_trouble(table[col], column=col, timezone=timezone)
                if gaps:
                    notes.append(
                        f"{plural(gaps, f'`{col}` time')} {'falls' if gaps == 1 else 'fall'} "
                        "in the hour skipped when daylight saving "
                        "starts; they are moved forward to the first valid time."
                    )
                if ambiguous.any():
                    later = _parse_times(
                        table[col], column=col, timezone=timezone, ambiguous="later"
                    )
                    chosen = "the first (daylight-saving) occurrence"
                    if given_hours is not None:
                        other_start = later if role == "start" else starts
                        other_end = later if role == "end" else ends
                        alt = (other_end - other_start).dt.total_seconds() / 3600.0
                        now = (ends - starts).dt.total_seconds() / 3600.0
                        better = ambiguous & ((alt - given_hours).abs() < (now - given_hours).abs())
                        if role == "start":
                            starts = starts.where(~better, later)
                        else:
                            ends = ends.where(~better, later)
                        chosen = "the occurrence that agrees with the duration column"
                    notes.append(
                        f"{plural(int(ambiguous.sum()), f'`{col}` time')} "
                        f"{'falls' if ambiguous.sum() == 1 else 'fall'} in the hour repeated when "
                        f"daylight saving ends (rows "
                        + ", ".join(str(i + 2) for i in np.flatnonzero(ambiguous.to_numpy())[:5])
                        + f"); read as {chosen}."
                    )
        if given_hours is not None:
            measured = (ends - starts).dt.total_seconds() / 3600.0
            diff_min = ((given_hours - measured) * 60.0).round(6)
            known = diff_min.notna()
            agree = int((diff_min[known] == 0).sum())
            one_minute = int((diff_min[known].abs() == 1).sum())
            other = known & (diff_min.abs() > 1)
            note = (
                f"The end time is used; `{duration_col}` agrees with end - start on {agree:,} rows"
            )
            if one_minute:
                note += f", differs by one minute on {one_minute:,} (rounding in the file)"
            if other.any():
                rows = ", ".join(str(i + 2) for i in np.flatnonzero(other.to_numpy())[:5])
                note += f", and by more on {int(other.sum()):,} (rows {rows}...)"
            notes.append(note + ".")
    else:
        assert given_hours is not None
        nanoseconds = (given_hours * 3_600_000_000_000).round()
        ends = starts + pd.to_timedelta(nanoseconds, unit="ns")
        notes.append(f"No end column: end = start + `{duration_col}` ({unit}).")

    detected_times = (
        _parse_times(table[detected_col], column=detected_col, timezone=timezone)
        if detected_col is not None
        else pd.Series(pd.NaT, index=table.index, dtype="datetime64[ns, UTC]")
    )
    if system_col is not None:
        systems = table[system_col].astype(str).str.strip().replace("", "(blank)")
    else:
        systems = pd.Series("(all)", index=table.index, dtype=str)
        notes.append("No system column: all records belong to one system, `(all)`.")
    if wide:
        filled = table[wide].apply(lambda c: c.astype(str).str.strip() != "")
        first = filled.to_numpy().argmax(axis=1)
        has = filled.to_numpy().any(axis=1)
        causes = np.where(has, np.asarray(wide, dtype=object)[first], "")
        detail_matrix = table[wide].astype(str).to_numpy()
        details = np.where(has, detail_matrix[np.arange(len(table)), first], "")
        several = int((filled.sum(axis=1) > 1).sum())
        notes.append(
            "Cause = whichever of " + ", ".join(f"`{c}`" for c in wide) + " is filled, its text "
            f"kept as the detail; {plural(int((~has).sum()), 'record')} "
            f"{'names' if (~has).sum() == 1 else 'name'} no cause"
            + (f", {several:,} name several (the first is used)" if several else "")
            + "."
        )
        cause_series = pd.Series(causes, index=table.index, dtype=str)
        detail_series = pd.Series(details, index=table.index, dtype=str).str.strip()
    elif cause_col is not None:
        cause_series = table[cause_col].astype(str).str.strip()
        detail_series = pd.Series("", index=table.index, dtype=str)
    else:
        cause_series = pd.Series("", index=table.index, dtype=str)
        detail_series = pd.Series("", index=table.index, dtype=str)

    problem = pd.Series("", index=table.index, dtype=str)
    problem = problem.mask(starts.isna(), "no start time")
    problem = problem.mask(ends.isna() & (problem == ""), "no end time (still open?)")
    backwards = (ends < starts) & (problem == "")
    if backwards.any():
        gap = (starts - ends)[backwards].map(_short_duration)
        problem = problem.mask(backwards, "end before start by " + gap)
        notes.append(
            f"{plural(int(backwards.sum()), 'record')} "
            f"{'ends' if backwards.sum() == 1 else 'end'} before "
            f"{'it starts; it is' if backwards.sum() == 1 else 'they start; they are'} listed, "
            "not used."
        )
    frame = pd.DataFrame(
        {
            "start": starts,
            "end": ends,
            "system": systems.astype(str),
            "cause": cause_series.astype(str),
            "cause_detail": detail_series.astype(str),
            "detected": detected_times,
            "row": np.arange(2, len(table) + 2),
            "problem": problem.astype(str),
        }
    )
    frame.attrs.update(
        format="LANL failure data (LA-UR-05-7318)"
        if lanl
        else ("start and end" if end_col is not None else "start and duration"),
        timezone=timezone,
        columns={
            role: col
            for role, col in (
                ("start", start_col),
                ("end", end_col),
                ("duration", duration_col),
                ("system", system_col),
                ("cause", cause_col or (" / ".join(wide) if wide else None)),
                ("detected", detected_col),
            )
            if col is not None
        },
        notes=notes,
        duration_unit=unit if end_col is None else None,
    )
    return frame


_UNIT_WORDS = {"s": "seconds", "min": "minutes", "h": "hours"}
_LARGER_UNITS = {"s": "minutes or hours", "min": "hours", "h": None}


def duration_unit_doubt(incidents: pd.DataFrame, *, below_seconds: float = 10.0) -> str | None:
    r"""Why a log's durations may be in another unit than the one they were read in, or None.

    A log whose ends come from a duration column (``duration_minutes``, or a unit the user
    chose) and whose every outage then lasts less than ``below_seconds`` was probably written
    in a larger unit: real outages that all end within seconds are rare, a column of hours
    labelled minutes is not. Logs with end times are never doubted: their durations are
    measured, not declared.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The table :func:`read_incidents` returns (its ``attrs`` say how the ends were made).
    below_seconds : float, optional
        The longest outage must be shorter than this (and longer than 0) for a doubt; 10 s by
        default.

    Returns
    -------
    str or None
        A sentence naming the column, the unit it was read in, the longest outage and the
        unit it may really be in; None when there is nothing to doubt.

    Examples
    --------
    >>> log = read_incidents(b"start,duration_minutes\n2024-01-01 00:00,0.05\n"
    ...                      b"2024-01-02 00:00,0.1\n")
    >>> duration_unit_doubt(log)[:70]
    'every outage is shorter than 10 s when `duration_minutes` is read in m'
    >>> duration_unit_doubt(read_incidents(b"start,duration_minutes\n2024-01-01 00:00,30\n"))
    """
    incidents = _check_incidents(incidents)
    limit = float(below_seconds)
    if not math.isfinite(limit) or limit <= 0:
        raise InputError(f"`below_seconds` must be a number > 0, got {below_seconds!r}")
    unit = incidents.attrs.get("duration_unit")
    column = incidents.attrs.get("columns", {}).get("duration")
    if unit not in _UNIT_WORDS or column is None:
        return None
    usable = incidents[_usable(incidents)]
    if not len(usable):
        return None
    longest = float((usable["end"] - usable["start"]).max().total_seconds())
    if not 0.0 < longest < limit:
        return None
    larger = _LARGER_UNITS[unit]
    question = (
        f"are these durations in {larger} rather than {_UNIT_WORDS[unit]}?"
        if larger
        else "is the unit right?"
    )
    shown = f"{longest * 1e3:.3g} ms" if longest < 1 else f"{longest:.3g} s"
    return (
        f"every outage is shorter than {limit:g} s when `{column}` is read in "
        f"{_UNIT_WORDS[unit]} (the longest lasts {shown}): {question}"
    )


def _short_duration(delta: pd.Timedelta) -> str:
    minutes = delta.total_seconds() / 60.0
    if minutes < 120:
        return f"{minutes:g} min"
    if minutes < 2880:
        return f"{minutes / 60:.3g} h"
    return f"{minutes / 1440:.3g} d"


def filter_incidents(
    incidents: pd.DataFrame,
    *,
    systems: Iterable[str] | None = None,
    exclude_causes: Iterable[str] = (),
) -> pd.DataFrame:
    r"""The records of some systems, without some causes (planned maintenance, say).

    Parameters
    ----------
    incidents : pandas.DataFrame
        The table :func:`read_incidents` returns.
    systems : iterable of str, optional
        Keep only these systems (all when omitted).
    exclude_causes : iterable of str, optional
        Leave out records whose ``cause`` is one of these, or whose ``"cause: detail"`` is
        (``"Hardware: Maintenance"`` leaves out only the maintenance records).

    Returns
    -------
    pandas.DataFrame
        The kept records, with the same columns and ``attrs``.

    Examples
    --------
    >>> log = read_incidents(b"start,end,cause\n2024-01-01 00:00,2024-01-01 01:00,maintenance\n"
    ...                      b"2024-01-02 00:00,2024-01-02 01:00,disk\n")
    >>> filter_incidents(log, exclude_causes=["maintenance"])["cause"].tolist()
    ['disk']
    """
    keep = pd.Series(True, index=incidents.index)
    if systems is not None:
        keep &= incidents["system"].astype(str).isin([str(s) for s in systems])
    excluded = {str(c) for c in exclude_causes}
    if excluded:
        cause = incidents["cause"].astype(str)
        keep &= ~(cause.isin(excluded) | cause_labels(incidents).isin(excluded))
    out = incidents[keep]
    out.attrs.update(incidents.attrs)
    return out


def cause_labels(incidents: pd.DataFrame) -> pd.Series:
    r"""``"cause: detail"`` per record; ``"cause"`` when the detail is empty or repeats it.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The table :func:`read_incidents` returns.

    Returns
    -------
    pandas.Series
        One label per record; ``"(no cause given)"`` where the log names none.

    Examples
    --------
    >>> log = read_incidents(b"start,end,cause\n2024-01-01 00:00,2024-01-01 01:00,disk\n")
    >>> cause_labels(log).tolist()
    ['disk']
    """
    cause = incidents["cause"].astype(str)
    detail = incidents.get("cause_detail", pd.Series("", index=incidents.index)).astype(str)
    label = cause.where((detail == "") | (detail == cause), cause + ": " + detail)
    return label.where(label != "", "(no cause given)")


def cause_summary(incidents: pd.DataFrame, *, top: int | None = None) -> pd.DataFrame:
    r"""Incidents and incident hours per cause, most frequent first.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The table :func:`read_incidents` returns (records with a problem are left out).
    top : int, optional
        Keep the ``top`` most frequent causes and put the rest in ``"(other causes)"``.

    Returns
    -------
    pandas.DataFrame
        Columns ``cause`` (:func:`cause_labels`), ``incidents``, ``share`` (of incidents) and
        ``incident_hours`` (sum of single incident durations, overlaps not merged: the work
        each cause caused, not the system's downtime).

    Examples
    --------
    >>> log = read_incidents(b"start,end,cause\n2024-01-01 00:00,2024-01-01 01:00,disk\n"
    ...     b"2024-01-02 00:00,2024-01-02 03:00,disk\n2024-01-03 00:00,2024-01-03 00:30,net\n")
    >>> cause_summary(log)[["cause", "incidents", "incident_hours"]].values.tolist()
    [['disk', 2, 4.0], ['net', 1, 0.5]]
    """
    usable = incidents[_usable(_check_incidents(incidents))]
    frame = pd.DataFrame(
        {
            "cause": cause_labels(usable),
            "hours": (usable["end"] - usable["start"]).dt.total_seconds() / 3600.0,
        }
    )
    grouped = frame.groupby("cause", sort=False)["hours"].agg(["size", "sum"])
    grouped = grouped.sort_values(["size", "sum"], ascending=False)
    if top is not None and len(grouped) > top > 0:
        rest = grouped.iloc[top:]
        grouped = grouped.iloc[:top]
        grouped.loc["(other causes)"] = [int(rest["size"].sum()), float(rest["sum"].sum())]
    total = max(int(grouped["size"].sum()), 1)
    return pd.DataFrame(
        {
            "cause": grouped.index.astype(str),
            "incidents": grouped["size"].astype(int).to_numpy(),
            "share": grouped["size"].to_numpy() / total,
            "incident_hours": grouped["sum"].to_numpy(float),
        }
    )


def incident_columns(source: str | Path | bytes | IO[bytes]) -> tuple[list[str], dict[str, str]]:
    r"""The columns of an outage log, and the role the reader would give each one it finds.

    Parameters
    ----------
    source : path, bytes or binary file object
        As for :func:`read_incidents`.

    Returns
    -------
    columns : list of str
        The header, in file order.
    roles : dict of str to str
        ``start``, ``end``, ``duration``, ``system``, ``cause``, ``detected`` -> column, for
        the roles found by name.

    Examples
    --------
    >>> incident_columns(b"opened,resolved,service\n2024-01-01,2024-01-02,db\n")
    (['opened', 'resolved', 'service'], {'start': 'opened', 'end': 'resolved', 'system': 'service'})
    """
    table = _read_table(_read_bytes(source))
    columns = list(table.columns)
    roles: dict[str, str] = {}
    for role in ("start", "end"):
        found = _find(columns, role, None)
        if found is not None and found not in roles.values():
            roles[role] = found
    duration_col, _ = _find_duration(columns, None, None)
    if duration_col is not None:
        roles["duration"] = duration_col
    for role in ("system", "cause", "detected"):
        found = _find(columns, role, None)
        if found is not None:
            roles[role] = found
    return columns, roles


# --- merging overlaps -----------------------------------------------------------------------------

_NS_PER_HOUR = 3_600_000_000_000

MAX_SPAN_YEARS = 100
"""Longest span of an outage log or observation window accepted, in years of 365.25 days.

Times are held as 64-bit nanoseconds, whose differences overflow past 292 years; a log
spanning more than a century is a typo in a year (1700 for 2000) rather than a measurement.
"""

_MAX_SPAN_NS = int(MAX_SPAN_YEARS * 365.25 * 24 * _NS_PER_HOUR)

Observation = Literal["system", "log"] | tuple[Any, Any]


def _check_incidents(incidents: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(incidents, pd.DataFrame):
        raise InputError(
            f"`incidents` must be the table read_incidents returns, got {type(incidents).__name__}"
        )
    missing = [c for c in ("start", "end", "system") if c not in incidents.columns]
    if missing:
        raise InputError(
            "`incidents` has no column "
            + ", ".join(f"`{c}`" for c in missing)
            + ": use read_incidents to build it"
        )
    for column in ("start", "end"):
        if not isinstance(incidents[column].dtype, pd.DatetimeTZDtype):
            raise InputError(f"`incidents.{column}` must hold UTC times (use read_incidents)")
    return incidents


def _usable(incidents: pd.DataFrame) -> pd.Series:
    ok = (
        incidents["start"].notna()
        & incidents["end"].notna()
        & (incidents["end"] >= incidents["start"])
    )
    if "problem" in incidents.columns:
        ok &= incidents["problem"].astype(str) == ""
    return ok


def _to_ns(times: pd.Series) -> np.ndarray:
    return np.asarray(pd.DatetimeIndex(times).tz_convert("UTC").as_unit("ns").asi8, dtype=np.int64)


def _natural_key(name: str) -> tuple[int, float, str]:
    """Sort system names as people do: 2 before 10, numbers before words."""
    try:
        return (0, float(name), name)
    except ValueError:
        return (1, 0.0, name)


def _timestamp_ns(value: Any, name: str) -> int:
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise InputError(
            f"`{name}` must be a time (ISO 8601 text or a timestamp), got {value!r}"
        ) from None
    if stamp is pd.NaT:
        raise InputError(f"`{name}` must be a time, got NaT")
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    try:
        return int(stamp.tz_convert("UTC").as_unit("ns").value)
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        raise InputError(
            f"`{name}` must be a time from 1677 to 2262 (what nanosecond times hold), got {value!r}"
        ) from None


@dataclass(frozen=True)
class _Merged:
    """Merged outages of every system, sorted by system then start, with window bounds."""

    systems: list[str]
    codes: np.ndarray  # outage -> system index
    starts: np.ndarray  # int64 ns, clipped to the window
    ends: np.ndarray
    raw_starts: np.ndarray  # before clipping
    counts: np.ndarray  # incidents per outage
    window_start: np.ndarray  # per system, int64 ns
    window_end: np.ndarray
    incident_codes: np.ndarray  # per usable incident in the window
    incident_hours: np.ndarray  # per usable incident in the window, unclipped
    incident_index: pd.Index  # their labels in the incidents table


def _years(nanoseconds: float) -> str:
    return f"{nanoseconds / (_NS_PER_HOUR * 24 * 365.25):,.0f} years"


def _check_span(usable: pd.DataFrame, starts: np.ndarray, ends: np.ndarray) -> None:
    """Refuse a log whose usable records span more than :data:`MAX_SPAN_YEARS`.

    The span is computed in floating point, which cannot overflow (the nanosecond
    differences that follow are then exact). The message names the records at both ends.
    """
    first, last = int(np.argmin(starts)), int(np.argmax(ends))
    span = float(ends[last]) - float(starts[first])
    if span <= _MAX_SPAN_NS:
        return
    rows = usable["row"].to_numpy() if "row" in usable.columns else np.arange(len(usable)) + 2

    def when(ns: int) -> str:
        return pd.Timestamp(int(ns), unit="ns", tz="UTC").strftime("%Y-%m-%d %H:%M UTC")

    raise InputError(
        f"the log spans {_years(span)}: row {rows[first]} starts {when(starts[first])} and "
        f"row {rows[last]} ends {when(ends[last])}. An outage log may span at most "
        f"{MAX_SPAN_YEARS} years: check those rows for a mistyped year"
    )


def _touches(starts: np.ndarray, ends: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Intervals overlapping [lo, hi] by a positive length, or zero-length ones inside it."""
    return ((ends > lo) & (starts < hi)) | ((starts == ends) & (starts >= lo) & (starts <= hi))


def _merge(
    incidents: pd.DataFrame, *, observation: Observation = "system", zero_length: str = "keep"
) -> _Merged:
    incidents = _check_incidents(incidents)
    if zero_length not in ("keep", "drop"):
        raise InputError(f"`zero_length` must be 'keep' or 'drop', got {zero_length!r}")
    usable = incidents[_usable(incidents)]
    s = _to_ns(usable["start"])
    e = _to_ns(usable["end"])
    if zero_length == "drop":
        keep = e > s
        usable, s, e = usable[keep], s[keep], e[keep]
    if len(s) == 0:
        raise InputError(
            "no usable incident: every record lacks a start or end, or ends before it starts"
        )
    _check_span(usable, s, e)
    codes, uniques = pd.factorize(usable["system"].astype(str))
    ranked = sorted(range(len(uniques)), key=lambda i: _natural_key(str(uniques[i])))
    remap = np.empty(len(uniques), dtype=np.int64)
    remap[ranked] = np.arange(len(uniques))
    codes = remap[codes]
    systems_list = [str(uniques[i]) for i in ranked]
    n_sys = len(systems_list)
    if isinstance(observation, str):
        if observation == "system":
            ws = np.full(n_sys, np.iinfo(np.int64).max)
            we = np.full(n_sys, np.iinfo(np.int64).min)
            np.minimum.at(ws, codes, s)
            np.maximum.at(we, codes, e)
        elif observation == "log":
            ws = np.full(n_sys, s.min())
            we = np.full(n_sys, e.max())
        else:
            raise InputError(
                f"`observation` must be 'system', 'log' or a (start, end) pair, got {observation!r}"
            )
    else:
        try:
            first, last = observation
        except (TypeError, ValueError):
            raise InputError(
                f"`observation` must be 'system', 'log' or a (start, end) pair, got {observation!r}"
            ) from None
        a, b = _timestamp_ns(first, "observation[0]"), _timestamp_ns(last, "observation[1]")
        if b <= a:
            raise InputError("`observation` must end after it starts")
        if float(b) - float(a) > _MAX_SPAN_NS:
            raise InputError(
                f"the observation window spans {_years(float(b) - float(a))}; at most "
                f"{MAX_SPAN_YEARS} years are accepted"
            )
        ws, we = np.full(n_sys, a), np.full(n_sys, b)
    order = _order_by_group(codes, s)
    codes_sorted, s_sorted, e_sorted = codes[order], s[order], e[order]
    # Running maximum of the end within each system: an incident starts a new outage when it
    # starts after everything before it (in its system) has ended.
    running = pd.Series(e_sorted).groupby(codes_sorted).cummax().to_numpy()
    previous = np.empty_like(running)
    previous[0] = np.iinfo(np.int64).min
    previous[1:] = running[:-1]
    new_system = np.ones(len(codes_sorted), dtype=bool)
    new_system[1:] = codes_sorted[1:] != codes_sorted[:-1]
    new = new_system | (s_sorted > previous)
    first_rows = np.flatnonzero(new)
    o_codes = codes_sorted[first_rows]
    o_starts = s_sorted[first_rows]
    o_ends = np.maximum.reduceat(e_sorted, first_rows)
    o_counts = np.diff(np.append(first_rows, len(codes_sorted)))
    # Clip to each system's window; keep outages that touch the window (zero-length ones
    # inside it count).
    lo, hi = ws[o_codes], we[o_codes]
    c_starts = np.clip(o_starts, lo, hi)
    c_ends = np.clip(o_ends, lo, hi)
    inside = _touches(o_starts, o_ends, lo, hi)
    if not inside.any():
        raise InputError("no incident falls inside the observation window")
    i_lo, i_hi = ws[codes], we[codes]
    in_window = _touches(s, e, i_lo, i_hi)
    return _Merged(
        systems=systems_list,
        codes=o_codes[inside],
        starts=c_starts[inside],
        ends=c_ends[inside],
        raw_starts=o_starts[inside],
        counts=o_counts[inside],
        window_start=ws,
        window_end=we,
        incident_codes=codes[in_window],
        incident_hours=(e - s)[in_window] / _NS_PER_HOUR,
        incident_index=usable.index[in_window],
    )


def _systems_column(codes: np.ndarray, systems: list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(systems, dtype=object))


def merge_outages(
    incidents: pd.DataFrame, *, observation: Observation = "system", zero_length: str = "keep"
) -> pd.DataFrame:
    r"""Merge overlapping incidents of each system into outages.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The table :func:`read_incidents` returns (records with a ``problem`` are left out).
    observation : {"system", "log"} or (start, end), optional
        Observation window: each system from its first failure to its last repair
        (default), the whole log's span, or fixed times (naive times are UTC). Outages are
        clipped to it.
    zero_length : {"keep", "drop"}, optional
        Keep incidents whose end equals their start (a failure shorter than the log's clock
        resolution: a failure with no downtime), or leave them out.

    Returns
    -------
    pandas.DataFrame
        One row per outage: ``system``, ``start``, ``end`` (UTC, clipped to the window),
        ``hours`` (clipped duration) and ``incidents`` (records merged into it), sorted by
        system and start.

    Notes
    -----
    An outage is a maximal interval in which at least one incident of the system is open;
    incidents that overlap or touch (one ends as the next starts) are one outage. Computed
    with a running maximum of end times over incidents sorted by start, :math:`O(n \log n)`.

    Examples
    --------
    >>> log = read_incidents(b"start,end,system\n"
    ...     b"2024-01-01 00:00,2024-01-01 02:00,a\n2024-01-01 01:00,2024-01-01 03:00,a\n")
    >>> merge_outages(log)[["system", "hours", "incidents"]].to_dict("records")
    [{'system': 'a', 'hours': 3.0, 'incidents': 2}]
    """
    merged = _merge(incidents, observation=observation, zero_length=zero_length)
    return pd.DataFrame(
        {
            "system": _systems_column(merged.codes, merged.systems),
            "start": pd.to_datetime(merged.starts, unit="ns", utc=True),
            "end": pd.to_datetime(merged.ends, unit="ns", utc=True),
            "hours": (merged.ends - merged.starts) / _NS_PER_HOUR,
            "incidents": merged.counts.astype(int),
        }
    )


# --- statistics -----------------------------------------------------------------------------------

ALL_SYSTEMS = "All systems (pooled)"

DEFINITIONS: dict[str, str] = {
    "incidents": "records of the log in the window (overlapping ones counted one by one)",
    "outages": "merged outages: intervals with at least one incident of the system open",
    "failures": "outages that begin after up time observed in the window (up-to-down "
    "transitions); the MTBF denominator",
    "window_hours": "observation window W",
    "downtime_hours": "merged downtime D inside the window",
    "uptime_hours": "U = W - D",
    "availability": "measured availability U / W",
    "mtbf_hours": "mean up time between failures U / F (n/a when F = 0)",
    "mttr_hours": "mean time to restore: mean outage duration D / outages",
    "mttr_median_hours": "median outage duration",
    "mttr_p90_hours": "90th percentile of outage durations (nearest rank: an observed value)",
    "incident_mean_hours": "mean duration of single incidents (not merged)",
    "mttd_hours": "mean time to detect: mean of detected - start (incidents with a detection time)",
    "detected_incidents": "incidents with a detection time at or after their start",
}


def _nearest_rank(
    sorted_values: np.ndarray, starts: np.ndarray, sizes: np.ndarray, q: float
) -> np.ndarray:
    """Nearest-rank quantile of each group of a group-sorted array (NaN for empty groups)."""
    out = np.full(len(sizes), np.nan)
    ok = sizes > 0
    rank = np.ceil(q * sizes[ok]).astype(np.int64)
    rank = np.maximum(rank, 1)
    out[ok] = sorted_values[starts[ok] + rank - 1]
    return out


def _order_by_group(codes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The permutation sorting by group code, then by value (faster than ``np.lexsort``)."""
    order = np.argsort(values)  # ties in value may come in any order
    narrow = codes.astype(np.int16) if len(codes) and codes.max() < 2**15 else codes
    return order[np.argsort(narrow[order], kind="stable")]  # radix sort for int16


def _pooled_quantiles(values: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """Nearest-rank quantiles of one array by partial sorting (O(n))."""
    if len(values) == 0:
        return [math.nan for _ in qs]
    ranks = [max(math.ceil(q * len(values)), 1) - 1 for q in qs]
    part = np.partition(values, ranks)
    return [float(part[r]) for r in ranks]


def _group_quantiles(
    codes: np.ndarray, values: np.ndarray, n_groups: int, qs: tuple[float, ...]
) -> list[np.ndarray]:
    sorted_values = values[_order_by_group(codes, values)]
    sizes = np.bincount(codes, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    return [_nearest_rank(sorted_values, starts, sizes, q) for q in qs]


FEW_FAILURES = 3
"""Below this many failures an MTBF is flagged as a rough guess (:meth:`IncidentStats.caveats`)."""


@dataclass(frozen=True)
class IncidentStats:
    """Measured failure and repair statistics of an outage log, per system and pooled.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per system (index ``system``) and a last row ``"All systems (pooled)"``;
        columns as in :data:`DEFINITIONS` plus ``window_start`` and ``window_end`` (UTC).
        NaN where a number cannot be computed; ``why_na`` says why.
    outages : pandas.DataFrame
        The merged outages (:func:`merge_outages`).
    excluded : pandas.DataFrame
        Records left out (a problem such as an end before its start), with their row.
    definitions : dict of str to str
        What each column of ``table`` means.
    observation : str
        How the observation window was chosen, in words.
    zero_length : str
        How zero-length incidents were treated.
    """

    table: pd.DataFrame
    outages: pd.DataFrame
    excluded: pd.DataFrame
    definitions: Mapping[str, str] = field(default_factory=lambda: dict(DEFINITIONS))
    observation: str = ""
    zero_length: str = "keep"

    def row(self, system: str) -> pd.Series:
        """The statistics of one system (or of ``"All systems (pooled)"``)."""
        if system not in self.table.index:
            raise InputError(
                f"`system` {system!r} is not in the log; systems: "
                + ", ".join(repr(s) for s in self.table.index[:20])
            )
        return cast(pd.Series, self.table.loc[system])

    def caveats(self, system: str) -> tuple[str, ...]:
        r"""Why the figures of ``system`` say little: too few outages or failures to measure.

        Parameters
        ----------
        system : str
            A system of the table, or the pooled row.

        Returns
        -------
        tuple of str
            One sentence per problem; empty when the log is thick enough. A mean over fewer
            than :data:`FEW_FAILURES` intervals is a rough guess: with exponential times
            between failures and two failures, the two-sided 90 % chi-square interval of the
            MTBF spans more than a factor of 10, whether its lower bound takes 2r or 2r + 2
            degrees of freedom (W. Nelson, *Applied Life Data Analysis*, Wiley, 1982).

        Examples
        --------
        >>> log = read_incidents(b"start,end\n2024-01-01 00:00,2024-01-01 01:00\n")
        >>> incident_statistics(log).caveats("(all)")[0][:40]
        'Only one outage of (all) is in the log: '
        """
        r = self.row(system)
        name = "all systems" if system == ALL_SYSTEMS else str(system)
        outages, failures = int(r["outages"]), int(r["failures"])
        out = []
        if outages == 0:
            out.append(
                f"No outage of {name} falls in the observation window: its availability is "
                "100 % of a window that saw nothing, and MTBF and MTTR cannot be measured."
            )
        elif outages == 1:
            out.append(
                f"Only one outage of {name} is in the log: one event says little about how "
                "often it fails or how long repairs take"
                + (
                    "; the default window (first failure to last repair) is that outage "
                    "itself, so availability and MTBF are n/a. Choose fixed dates covering the "
                    "period the system was watched."
                    if not math.isfinite(float(r["availability"]))
                    else "."
                )
            )
        if 0 < failures < FEW_FAILURES:
            out.append(
                f"The MTBF of {name} rests on {failures} failure{'s' if failures > 1 else ''} "
                "after observed up time: a mean of so few intervals can be off by a factor of "
                "ten or more. Treat it as a rough guess."
            )
        return tuple(out)

    def explain(self, system: str = ALL_SYSTEMS) -> dict[str, Explanation]:
        """How each headline number of ``system`` is computed, with its values.

        Parameters
        ----------
        system : str, optional
            A system of the table, or the pooled row (default).

        Returns
        -------
        dict of str to Explanation
            ``availability``, ``mtbf_hours``, ``mttr_hours``, ``mttr_p90_hours`` and
            ``mttd_hours``.
        """
        r = self.row(system)
        W, D, F, N = (
            float(r["window_hours"]),
            float(r["downtime_hours"]),
            float(r["failures"]),
            float(r["outages"]),
        )
        reference = "IEC 60050-192:2015 (192-05-13 mean up time, 192-07-21 MTTR, 192-08-02)"
        pooled = system == ALL_SYSTEMS
        scope = (
            "summed over all systems (system-hours), so the pooled figure weights each system "
            "by its observed time"
            if pooled
            else f"system {system!r}, {self.observation}"
        )

        def value(key: str) -> float | None:
            x = float(r[key])
            return x if math.isfinite(x) else None

        why = str(r.get("why_na", "")) or None
        out = {
            "availability": Explanation(
                "Measured availability",
                value("availability"),
                r"A = \frac{W - D}{W}",
                rf"A = \frac{{{latex_number(W)} - {latex_number(D)}}}{{{latex_number(W)}}}",
                {"W": W, "D": D},
                "(W - D) / W" if value("availability") is not None else "",
                f"Time-average availability over the observation window; overlapping incidents "
                f"merged so downtime is counted once; {scope}.",
                reference,
                unavailable_reason=None
                if value("availability") is not None
                else (
                    "the window has no length"
                    if W <= 0
                    else "the window, set by the outages themselves, holds no up time: it is "
                    "the outage itself; give fixed dates for the period the system was watched"
                ),
                unit="",
            ),
            "mtbf_hours": Explanation(
                "MTBF (mean up time between failures)",
                value("mtbf_hours"),
                r"MTBF = \frac{W - D}{F}",
                rf"MTBF = \frac{{{latex_number(W)} - {latex_number(D)}}}{{{latex_number(F)}}}",
                {"W": W, "D": D, "F": F},
                "(W - D) / F" if F > 0 else "",
                "F counts outages that begin after up time observed in the window; an outage "
                "that opens the window ends no observed up time. "
                + scope[:1].upper()
                + scope[1:]
                + ".",
                reference,
                unavailable_reason=None if F > 0 else (why or "no failure after observed up time"),
                unit="h",
            ),
            "mttr_hours": Explanation(
                "MTTR (mean time to restore)",
                value("mttr_hours"),
                r"MTTR = \frac{D}{N_{outages}}",
                rf"MTTR = \frac{{{latex_number(D)}}}{{{latex_number(N)}}}",
                {"D": D, "N_outages": N},
                "D / N_outages" if N > 0 else "",
                "Mean duration of merged outages (clipped to the window); single incidents "
                "are in incident_mean_hours. " + scope[:1].upper() + scope[1:] + ".",
                reference,
                unavailable_reason=None if N > 0 else "no outage in the window",
                unit="h",
            ),
            "mttr_p90_hours": Explanation(
                "MTTR, 90th percentile",
                value("mttr_p90_hours"),
                r"t_{(\lceil 0.9\,n \rceil)}",
                rf"t_{{(\lceil 0.9 \times {int(N)} \rceil)}} = "
                + latex_number(float(r["mttr_p90_hours"])),
                {"n": N},
                "",
                "Nearest rank (numpy method='inverted_cdf'): the outage duration at rank "
                "ceil(0.9 n) of the sorted durations, an observed value.",
                "Hyndman & Fan (1996), definition 1",
                unavailable_reason=None if N > 0 else "no outage in the window",
                unit="h",
            ),
            "mttd_hours": Explanation(
                "MTTD (mean time to detect)",
                value("mttd_hours"),
                r"MTTD = \frac{1}{n}\sum_i (t_{detected,i} - t_{start,i})",
                rf"n = {int(r['detected_incidents'])}",
                {"n": float(r["detected_incidents"])},
                "",
                "Over incidents with a detection time at or after their start.",
                "Google SRE workbook, ch. 'Incident response' (time to detect)",
                unavailable_reason=None
                if math.isfinite(float(r["mttd_hours"]))
                else "the log has no detection times",
                unit="h",
            ),
        }
        return out


def _window_words(observation: Observation) -> str:
    if observation == "system":
        return "each system observed from its first failure to its last repair"
    if observation == "log":
        return "every system observed over the whole log, from its first failure to its last repair"
    first, last = observation
    return f"observation window {pd.Timestamp(first)} to {pd.Timestamp(last)} (UTC)"


def incident_statistics(
    incidents: pd.DataFrame, *, observation: Observation = "system", zero_length: str = "keep"
) -> IncidentStats:
    r"""Measured MTBF, MTTR, availability and MTTD per system, and pooled over all systems.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The table :func:`read_incidents` returns.
    observation : {"system", "log"} or (start, end), optional
        Observation window (see :func:`merge_outages`). The default observes each system
        from its first failure to its last repair.
    zero_length : {"keep", "drop"}, optional
        Keep incidents with end equal to start (failures with no measurable downtime: they
        count as outages and failures) or leave them out.

    Returns
    -------
    IncidentStats
        ``.table`` (per system and pooled), ``.outages``, ``.excluded``,
        ``.definitions`` and ``.explain(system)``.

    Notes
    -----
    With observation window :math:`W`, merged downtime :math:`D` (outages clipped to the
    window), :math:`N` outages and :math:`F` failures (outages beginning after observed up
    time):

    .. math:: A = \frac{W - D}{W}, \quad MTBF = \frac{W - D}{F}, \quad MTTR = \frac{D}{N}

    The pooled row sums :math:`W`, :math:`D`, :math:`N` and :math:`F` over systems
    (system-hours), and takes percentiles over all outages. MTTR percentiles are nearest
    rank. Definitions after IEC 60050-192 [1]_; see the module docstring.

    Examples
    --------
    Two incidents of one system, 10 h apart, observed over a fixed day:

    >>> log = read_incidents(b"start,end,system\n"
    ...     b"2024-01-01 02:00,2024-01-01 04:00,db\n2024-01-01 14:00,2024-01-01 15:00,db\n")
    >>> row = incident_statistics(log, observation=("2024-01-01", "2024-01-02")).row("db")
    >>> float(row["availability"]), float(row["mtbf_hours"]), float(row["mttr_hours"])
    (0.875, 10.5, 1.5)
    """
    merged = _merge(incidents, observation=observation, zero_length=zero_length)
    n_sys = len(merged.systems)
    W = (merged.window_end - merged.window_start) / _NS_PER_HOUR
    hours = (merged.ends - merged.starts) / _NS_PER_HOUR
    codes = merged.codes
    D = np.bincount(codes, weights=hours, minlength=n_sys)
    N = np.bincount(codes, minlength=n_sys).astype(float)
    after_up = merged.raw_starts > merged.window_start[codes]
    F = np.bincount(codes, weights=after_up.astype(float), minlength=n_sys)
    counts = np.bincount(codes, weights=merged.counts.astype(float), minlength=n_sys)
    med, p90 = _group_quantiles(codes, hours, n_sys, (0.5, 0.9))
    inc_mean = np.bincount(
        merged.incident_codes, weights=merged.incident_hours, minlength=n_sys
    ) / np.maximum(np.bincount(merged.incident_codes, minlength=n_sys), 1)
    mttd, detected_n = _detection(incidents, merged.incident_index, merged.systems)
    with np.errstate(divide="ignore", invalid="ignore"):
        table = pd.DataFrame(
            {
                "incidents": counts.astype(int),
                "outages": N.astype(int),
                "failures": F.astype(int),
                "window_start": pd.to_datetime(merged.window_start, unit="ns", utc=True),
                "window_end": pd.to_datetime(merged.window_end, unit="ns", utc=True),
                "window_hours": W,
                "downtime_hours": D,
                "uptime_hours": W - D,
                "availability": np.where(W > 0, (W - D) / W, np.nan),
                "mtbf_hours": np.where(F > 0, (W - D) / F, np.nan),
                "mttr_hours": np.where(N > 0, D / N, np.nan),
                "mttr_median_hours": med,
                "mttr_p90_hours": p90,
                "incident_mean_hours": inc_mean,
                "mttd_hours": mttd[:n_sys],
                "detected_incidents": detected_n[:n_sys],
            },
            index=pd.Index(merged.systems, name="system"),
        )
        pooled_med, pooled_p90 = _pooled_quantiles(hours, (0.5, 0.9))
        Wt, Dt, Nt, Ft = W.sum(), D.sum(), N.sum(), F.sum()
        pooled = {
            "incidents": int(counts.sum()),
            "outages": int(Nt),
            "failures": int(Ft),
            "window_start": pd.Timestamp(int(merged.window_start.min()), unit="ns", tz="UTC"),
            "window_end": pd.Timestamp(int(merged.window_end.max()), unit="ns", tz="UTC"),
            "window_hours": Wt,
            "downtime_hours": Dt,
            "uptime_hours": Wt - Dt,
            "availability": (Wt - Dt) / Wt if Wt > 0 else np.nan,
            "mtbf_hours": (Wt - Dt) / Ft if Ft > 0 else np.nan,
            "mttr_hours": Dt / Nt if Nt > 0 else np.nan,
            "mttr_median_hours": pooled_med,
            "mttr_p90_hours": pooled_p90,
            "incident_mean_hours": float(merged.incident_hours.mean()),
            "mttd_hours": float(mttd[n_sys]),
            "detected_incidents": int(detected_n[n_sys]),
        }
    table.loc[ALL_SYSTEMS] = pd.Series(pooled)
    for column in ("incidents", "outages", "failures", "detected_incidents"):
        table[column] = table[column].astype(int)
    derived = isinstance(observation, str)
    if derived:
        # A window that runs from the first failure to the last repair and holds no up time
        # is the outage itself: its availability is 0 by construction, not a measurement.
        table.loc[table["uptime_hours"] <= 0, "availability"] = np.nan
    table["why_na"] = _why_na(table, derived=derived)
    excluded = _excluded(incidents)
    return IncidentStats(
        table=table,
        outages=pd.DataFrame(
            {
                "system": _systems_column(codes, merged.systems),
                "start": pd.to_datetime(merged.starts, unit="ns", utc=True),
                "end": pd.to_datetime(merged.ends, unit="ns", utc=True),
                "hours": hours,
                "incidents": merged.counts.astype(int),
            }
        ),
        excluded=excluded,
        observation=_window_words(observation),
        zero_length=zero_length,
    )


def _why_na(table: pd.DataFrame, *, derived: bool = True) -> pd.Series:
    reasons = []
    for _, r in table.iterrows():
        parts = []
        if r["window_hours"] <= 0:
            parts.append("the observation window has no length (one zero-length record)")
        elif derived and r["uptime_hours"] <= 0:
            parts.append(
                "availability: the window, set by the outages themselves, holds no up time "
                "(it is the outage); give fixed dates for the period the system was watched"
            )
        if r["failures"] == 0:
            parts.append(
                "MTBF: no failure after observed up time (with one outage and the default "
                "window, give a fixed window)"
                + (f"; MTBF > {r['uptime_hours']:.4g} h" if r["uptime_hours"] > 0 else "")
            )
        if not math.isfinite(float(r["mttd_hours"])):
            parts.append("MTTD: no detection times")
        reasons.append("; ".join(parts))
    return pd.Series(reasons, index=table.index, dtype=str)


def _detection(
    incidents: pd.DataFrame, index: pd.Index, systems: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    n = len(systems)
    mttd = np.full(n + 1, np.nan)
    count = np.zeros(n + 1, dtype=int)
    if "detected" not in incidents.columns or not incidents["detected"].notna().any():
        return mttd, count
    incidents = incidents.loc[index]
    usable = incidents[_usable(incidents) & incidents["detected"].notna()]
    if usable.empty:
        return mttd, count
    lag = (usable["detected"] - usable["start"]).dt.total_seconds().to_numpy() / 3600.0
    ok = lag >= 0
    lookup = {s: i for i, s in enumerate(systems)}
    codes = usable["system"].astype(str).map(lookup).to_numpy()
    ok &= pd.notna(codes)
    codes = codes[ok].astype(int)
    lag = lag[ok]
    sums = np.bincount(codes, weights=lag, minlength=n)
    count[:n] = np.bincount(codes, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        mttd[:n] = np.where(count[:n] > 0, sums / np.maximum(count[:n], 1), np.nan)
    count[n] = int(ok.sum())
    mttd[n] = float(lag.mean()) if len(lag) else np.nan
    return mttd, count


def _excluded(incidents: pd.DataFrame) -> pd.DataFrame:
    bad = incidents[~_usable(incidents)]
    columns = [c for c in ("row", "system", "start", "end", "problem") if c in bad.columns]
    out = bad[columns].copy()
    if "problem" in out.columns:
        out["problem"] = out["problem"].replace("", "unusable times")
    return out.reset_index(drop=True)
