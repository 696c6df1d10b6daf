"""Reading times from uploaded logs: ISO 8601 with offsets, naive local times, epoch numbers.

One function, :func:`parse_times`, turns a column of times as people write them into UTC
timestamps, or raises :class:`ftmath.InputError` naming the column, the row and the value, and
saying what is accepted. The event and incident readers share it.

References
----------
.. [1] ISO 8601-1:2019, "Date and time -- Representations for information interchange".
.. [2] IANA time zone database (tzdata), as used by Python's ``zoneinfo``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import numpy as np
import pandas as pd

from ftmath.errors import InputError
from ftmath.report import plural

__all__ = ["TIME_FORMATS_ACCEPTED", "check_timezone", "parse_times"]

TIME_FORMATS_ACCEPTED = (
    "ISO 8601 (2024-03-01T12:00:00Z, 2024-03-01 12:00:00+01:00, 2024-03-01 12:00), "
    "m/d/YYYY H:MM, d/m/YYYY H:MM, d.m.YYYY H:MM, YYYY/m/d H:MM (seconds optional), "
    "or epoch seconds / milliseconds"
)
"""How the error messages describe the accepted time formats."""

# Naive formats tried after ISO 8601, in order; a column is read with the first format that
# reads every value. Month-first comes before day-first (the US convention, as in the Los
# Alamos failure data); an unambiguous day-first column (a day above 12) falls to d/m.
_FORMATS = (
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%d-%b-%Y %H:%M:%S",
    "%d/%b/%Y:%H:%M:%S",
)
_OFFSET = re.compile(r"\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s?(?:[zZ]|[+-]\d{2}(?::?\d{2})?|UTC|GMT)$")
_NUMBER = re.compile(r"^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$")
# Epoch unit by magnitude of the largest value: seconds up to 1e11 (year 5138), then ms, us, ns.
_EPOCH_UNITS = (("s", 1e11), ("ms", 1e14), ("us", 1e17), ("ns", np.inf))
_NS_PER = {"s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1.0}


def check_timezone(timezone: Any, name: str = "timezone") -> str:
    """An IANA time zone name (``"UTC"``, ``"America/Denver"``), or an `InputError`.

    Parameters
    ----------
    timezone : str
        The name to check.
    name : str, optional
        The parameter name for the message.

    Returns
    -------
    str
        The name, stripped.

    Examples
    --------
    >>> check_timezone("Europe/Berlin")
    'Europe/Berlin'
    """
    if not isinstance(timezone, str) or not timezone.strip():
        raise InputError(f"`{name}` must be an IANA time zone name such as 'UTC' or 'Europe/Paris'")
    zone = timezone.strip()
    if zone.upper() in ("UTC", "Z", "GMT"):
        return "UTC"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        close = sorted(z for z in available_timezones() if zone.lower() in z.lower())[:5]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise InputError(
            f"`{name}` {zone!r} is not an IANA time zone name (such as 'UTC', "
            f"'America/Denver'){hint}"
        ) from None
    return zone


def _bad(column: str, row: int, value: Any, why: str = "is not a time") -> InputError:
    if why == "is empty":
        return InputError(f"column `{column}`, row {row}: the time is empty; every event needs one")
    shown = str(value)[:60]
    return InputError(
        f"column `{column}`, row {row}: {shown!r} {why}; accepted: {TIME_FORMATS_ACCEPTED}"
    )


def _epoch(
    numbers: np.ndarray, unit: str, column: str, first_row: int, values: pd.Series
) -> tuple[pd.Series, list[str], str]:
    notes: list[str] = []
    finite = numbers[np.isfinite(numbers)]
    if unit == "auto":
        biggest = float(np.max(np.abs(finite))) if finite.size else 0.0
        unit = next(u for u, limit in _EPOCH_UNITS if biggest < limit)
        notes.append(f"`{column}` holds numbers: read as epoch {_UNIT_NAMES[unit]} (UTC)")
    ns = numbers * _NS_PER[unit]
    bad = np.isfinite(ns) & ((ns < -9.2e18) | (ns > 9.2e18))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _bad(
            column,
            first_row + i,
            values.iloc[i],
            f"is out of range for epoch {_UNIT_NAMES[unit]} (years 1677 to 2262)",
        )
    with np.errstate(invalid="ignore"):
        stamps = pd.to_datetime(np.round(ns), unit="ns", utc=True)
    return pd.Series(stamps, index=values.index), notes, unit


_UNIT_NAMES = {"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds"}


def _naive(text: pd.Series, column: str, first_row: int) -> tuple[pd.Series, str]:
    """Parse naive text with the first format that reads every value (index = positions)."""
    try:
        return pd.to_datetime(text, format="ISO8601"), "ISO 8601"
    except (ValueError, OverflowError):
        pass
    for fmt in _FORMATS:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        if parsed.notna().all():
            return parsed, fmt
    # No format reads them all: name the first value the most successful format cannot read.
    best = pd.to_datetime(text, format="ISO8601", errors="coerce")
    for fmt in _FORMATS:
        trial = pd.to_datetime(text, format=fmt, errors="coerce")
        if trial.count() > best.count():
            best = trial
    i = int(np.flatnonzero(best.isna().to_numpy())[0])
    raise _bad(column, first_row + int(text.index[i]), text.iloc[i])


def _human(fmt: str) -> str:
    """``%m/%d/%Y %H:%M`` as people write it: ``m/d/YYYY H:MM``."""
    for code, text in (
        ("%m", "m"),
        ("%d", "d"),
        ("%Y", "YYYY"),
        ("%y", "YY"),
        ("%H", "H"),
        ("%M", "MM"),
        ("%S", "SS"),
        ("%b", "Mon"),
    ):
        fmt = fmt.replace(code, text)
    return fmt


_NS_MIN, _NS_MAX = pd.Timestamp("1677-09-22"), pd.Timestamp("2262-04-11")


def _as_ns(parsed: pd.Series, text: pd.Series, column: str, first_row: int) -> pd.Series:
    """Timestamps at nanosecond resolution, or an error naming a time outside its range."""
    naive = parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed
    outside = (naive < _NS_MIN) | (naive > _NS_MAX)
    if outside.any():
        i = int(np.flatnonzero(outside.to_numpy())[0])
        raise _bad(
            column, first_row + int(text.index[i]), text.iloc[i], "is outside the years 1678-2261"
        )
    return parsed.dt.as_unit("ns")


def _localize(naive: pd.Series, zone: str, column: str) -> tuple[pd.Series, list[str]]:
    if zone == "UTC":
        return naive.dt.tz_localize("UTC"), []
    notes = []
    probe = naive.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
    unresolved = probe.isna() & naive.notna()
    if unresolved.any():
        shifted = naive.dt.tz_localize(zone, ambiguous="NaT", nonexistent=pd.Timedelta(hours=1))
        gap = int((shifted.notna() & unresolved).sum())
        overlap = int(unresolved.sum()) - gap
        if overlap:
            they = "it is" if overlap == 1 else "they are"
            notes.append(
                f"{plural(overlap, 'time')} in `{column}` fell in the hour repeated when daylight "
                f"saving ends in {zone}; {they} read as the first (daylight-time) occurrence"
            )
        if gap:
            they = "it is" if gap == 1 else "they are"
            notes.append(
                f"{plural(gap, 'time')} in `{column}` fell in the hour skipped when daylight "
                f"saving starts in {zone}; {they} read as standard time (one hour later on the "
                "clock)"
            )
    localized = naive.dt.tz_localize(
        zone, ambiguous=np.ones(len(naive), dtype=bool), nonexistent=pd.Timedelta(hours=1)
    )
    return localized.dt.tz_convert("UTC"), notes


def parse_times(
    values: Iterable[Any] | pd.Series,
    *,
    column: str,
    timezone: str = "UTC",
    unit: str = "auto",
    first_row: int = 2,
    allow_missing: bool = False,
) -> pd.Series:
    r"""Times as people write them in logs, as UTC timestamps.

    Parameters
    ----------
    values : sequence or pandas.Series
        The column: text, numbers, ``datetime`` objects or pandas timestamps.
    column : str
        The column's name, for error messages.
    timezone : str, optional
        IANA zone of times written without an offset ("naive" local times), default UTC.
        Times with an offset (``Z``, ``+02:00``) or epoch numbers ignore it.
    unit : {"auto", "s", "ms", "us", "ns"}, optional
        Unit of epoch numbers. ``"auto"`` picks it from the largest value: below 1e11 is
        seconds (up to the year 5138), below 1e14 milliseconds, then micro- and nanoseconds.
    first_row : int, optional
        The row number of ``values[0]`` in the user's file, for messages (2: after a header).
    allow_missing : bool, optional
        Empty cells become ``NaT`` instead of an error.

    Returns
    -------
    pandas.Series
        ``datetime64[ns, UTC]`` values, same length and index as ``values``.
        ``.attrs["notes"]`` lists what was assumed (epoch unit, format, daylight-saving
        repairs), ``.attrs["format"]`` names the format read.

    Raises
    ------
    InputError
        For a value that is not a time (naming the column, the row and the value) or an
        unknown time zone.

    Notes
    -----
    A column is read in one format: ISO 8601 [1]_ (mixed offsets allowed, e.g. across a
    daylight-saving change), else the first of the naive formats in `TIME_FORMATS_ACCEPTED`
    that reads every value (month-first before day-first), else epoch numbers when every
    value is a number. Naive times are local times in ``timezone`` [2]_: a time in the hour
    repeated when daylight saving ends is read as the first occurrence; a time in the hour
    skipped when it starts is read as standard time (the clock had not moved yet). Both are
    counted in ``attrs["notes"]``.

    Examples
    --------
    >>> t = parse_times(["2024-03-31T01:30:00+01:00", "2024-03-31T03:30:00+02:00"], column="t")
    >>> [str(x) for x in t]
    ['2024-03-31 00:30:00+00:00', '2024-03-31 01:30:00+00:00']
    >>> str(parse_times(["6/21/2005 10:54"], column="t", timezone="America/Denver")[0])
    '2005-06-21 16:54:00+00:00'
    >>> str(parse_times([1700000000000], column="t")[0])
    '2023-11-14 22:13:20+00:00'
    """
    zone = check_timezone(timezone)
    if unit not in ("auto", *_NS_PER):
        raise InputError(f"`unit` must be one of 'auto', 's', 'ms', 'us', 'ns', got {unit!r}")
    series = values.copy() if isinstance(values, pd.Series) else pd.Series(list(values))
    series = series.reset_index(drop=True)
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns, UTC]", name=column)
    out.attrs["notes"] = []
    out.attrs["format"] = "none"
    if series.empty:
        return out

    # Already timestamps (a DataFrame built in Python): naive ones are local in `zone`.
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        stamps = series
        notes: list[str] = []
        if getattr(stamps.dt, "tz", None) is None:
            stamps, notes = _localize(stamps, zone, column)
        out = _finish(stamps.dt.tz_convert("UTC"), series, column, first_row, allow_missing)
        out.attrs.update(notes=notes, format="timestamps")
        return out

    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        numbers = series.to_numpy(dtype=float, na_value=np.nan)
        stamps, notes, used = _epoch(numbers, unit, column, first_row, series)
        out = _finish(stamps, series, column, first_row, allow_missing)
        out.attrs.update(notes=notes, format=f"epoch {_UNIT_NAMES[used]}")
        return out

    if pd.api.types.is_string_dtype(series.dtype):
        text = series.fillna("").astype(str).str.strip()
    else:  # mixed objects: None, NaT, datetimes, numbers, text
        text = series.map(lambda v: "" if v is None or v is pd.NaT else str(v)).str.strip()
    text = text.mask(text.str.lower().isin(["nan", "nat", "none", "null"]), "")
    present = text != ""
    if not present.any():
        if allow_missing:
            return out
        raise InputError(f"column `{column}` is empty: it holds no times")
    if not allow_missing and not present.all():
        i = int(np.flatnonzero(~present.to_numpy())[0])
        raise _bad(column, first_row + i, "", "is empty")
    filled = text[present]

    ns = np.full(len(text), np.iinfo(np.int64).min, dtype=np.int64)  # NaT until read
    as_numbers = pd.to_numeric(filled, errors="coerce")
    if as_numbers.notna().all():
        values_f = as_numbers.to_numpy(dtype=float)
        stamps, notes, used = _epoch(values_f, unit, column, first_row, filled)
        ns[filled.index] = _int_ns(stamps)
        return _from_ns(ns, series.index, column, notes, f"epoch {_UNIT_NAMES[used]}")

    aware = filled.str.contains(_OFFSET)
    notes = []
    formats = []
    if aware.any():
        part = filled[aware]
        iso = part.str.replace(r"\s?(UTC|GMT)$", "+00:00", regex=True)
        parsed = pd.to_datetime(iso, format="ISO8601", utc=True, errors="coerce")
        if parsed.isna().any():
            i = int(np.flatnonzero(parsed.isna().to_numpy())[0])
            raise _bad(column, first_row + int(part.index[i]), part.iloc[i])
        ns[part.index] = _int_ns(_as_ns(parsed, part, column, first_row))
        formats.append("ISO 8601 with offset")
    if (~aware).any():
        part = filled[~aware]
        naive, fmt = _naive(part, column, first_row)
        localized, notes = _localize(_as_ns(naive, part, column, first_row), zone, column)
        ns[part.index] = _int_ns(localized)
        formats.append(_human(fmt) + ("" if zone == "UTC" else f" in {zone}"))
        if zone == "UTC":
            notes.append(f"`{column}` has times without an offset: read as UTC")
    return _from_ns(ns, series.index, column, notes, ", ".join(formats))


def _int_ns(stamps: pd.Series) -> np.ndarray:
    """Epoch nanoseconds of UTC (or naive) timestamps, NaT as the int64 minimum."""
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _from_ns(ns: np.ndarray, index: pd.Index, column: str, notes: list[str], fmt: str) -> pd.Series:
    stamps = pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC")
    out = pd.Series(stamps, index=index, name=column)
    out.attrs.update(notes=notes, format=fmt)
    return out


def _finish(
    stamps: pd.Series, original: pd.Series, column: str, first_row: int, allow_missing: bool
) -> pd.Series:
    result = pd.Series(stamps.array, index=original.index, name=column)
    result = result.astype("datetime64[ns, UTC]")
    missing = result.isna()
    if missing.any() and not allow_missing:
        i = int(np.flatnonzero(missing.to_numpy())[0])
        raise _bad(column, first_row + i, original.iloc[i], "is empty")
    return result
