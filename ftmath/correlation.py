r"""Which fault types move together, which one leads, and whether it is more than chance.

Events (from :func:`ftmath.read_events`) are counted per calendar-aligned time bin and type;
the count series are correlated (Pearson and Spearman), tested with circular-shift
permutations (which keep each series' own burstiness and autocorrelation) and a
Benjamini-Hochberg false discovery rate across pairs, cross-correlated at lags to see which
type leads, and compared event by event (coincidences within a window, and bursts that look
like cascades).

References
----------
.. [1] K. Pearson (1895); C. Spearman (1904). Spearman's rho is Pearson's r of the ranks, ties
   taking their average rank (as ``scipy.stats.spearmanr``).
.. [2] Circular-shift (toroidal) permutation test: one series is rotated against the other,
   which keeps both series' autocorrelation. See e.g. R. Fortin & M. Dale, *Spatial
   Analysis*, Cambridge University Press 2005, sec. 5.3; the p-value ``(1 + k) / (1 + B)``
   follows B. Phipson & G. K. Smyth, "Permutation p-values should never be zero",
   *Stat. Appl. Genet. Mol. Biol.* 9 (2010).
.. [3] Y. Benjamini & Y. Hochberg, "Controlling the false discovery rate", *J. R. Stat. Soc.
   B* 57 (1995) 289-300.
.. [4] G. E. P. Box, G. M. Jenkins & G. C. Reinsel, *Time Series Analysis*, 4th ed., Wiley
   2008, sec. 11.1 (sample cross-correlation function, as R's ``ccf``).
.. [5] J. P. Hansen & D. P. Siewiorek, "Models for time coalescence in event logs",
   FTCS-22, IEEE 1992 (grouping log entries closer than a window into one tuple).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

import numpy as np
import pandas as pd
from scipy import fft, signal, special, stats

from ftmath.errors import ComputationLimitError, InputError
from ftmath.explain import Explanation, latex_number
from ftmath.report import plural

__all__ = [
    "MAX_CELLS",
    "MAX_TYPES",
    "MIN_COMMON_BINS",
    "MIN_TYPE_EVENTS",
    "Cascades",
    "Coincidence",
    "CorrelationResult",
    "LagResult",
    "cascades",
    "coincidence_table",
    "coincidences",
    "correlate",
    "cross_correlation",
    "parse_bin",
]

MAX_CELLS = 20_000_000
MAX_TYPES = 300
"""Most types correlated at once: their pairs grow as types squared (300 types, 44,850 pairs)."""
"""Largest bins x types table `correlate` builds (160 MB of float64)."""

MIN_COMMON_BINS = 10
"""Fewest bins holding events of both types for a pair's r and p-value to be judged."""

MIN_TYPE_EVENTS = 5
"""Fewest events of a type for its correlations and p-values to be judged."""

_ORIGIN = np.int64(pd.Timestamp("1970-01-05", tz="UTC").value)  # a Monday, 00:00 UTC
_DAY = np.int64(86_400 * 10**9)
_TOL = 1e-9  # |r| of a shift within this of the observed |r| counts as "as extreme"


# --- input checks -----------------------------------------------------------------------------


def parse_bin(width: Any, name: str = "bin") -> pd.Timedelta:
    """A bin width (``"1min"``, ``"15min"``, ``"1h"``, ``"1d"``, a Timedelta), checked.

    Parameters
    ----------
    width : str or pandas.Timedelta
        The width. It must divide a day evenly (1 s to 24 h) or be a whole number of days.
    name : str, optional
        Parameter name for messages.

    Returns
    -------
    pandas.Timedelta
        The width.

    Examples
    --------
    >>> parse_bin("15min")
    Timedelta('0 days 00:15:00')
    """
    try:
        delta = pd.Timedelta(width)
    except (ValueError, TypeError):
        raise InputError(
            f"`{name}` must be a duration such as '1min', '15min', '1h' or '1d', got {width!r}"
        ) from None
    if pd.isna(delta) or delta < pd.Timedelta(seconds=1) or delta > pd.Timedelta(days=366):
        raise InputError(f"`{name}` must be between 1 second and 366 days, got {width!r}")
    ns = delta.value
    if not (_DAY % ns == 0 or ns % _DAY == 0):
        raise InputError(
            f"`{name}` must divide a day evenly (1min, 5min, 15min, 1h, 6h, ...) or be a whole "
            f"number of days, so that bins align to the calendar; got {width!r}"
        )
    return delta


def _duration(delta: pd.Timedelta) -> str:
    """A duration as people say it: ``1 h``, ``15 min``, ``1 d 6 h``, ``90 s``, ``0 s``."""
    seconds = int(delta.total_seconds())
    if seconds == 0:
        return "0 s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount:,} {unit}")
    return " ".join(parts[:2])


def _window(width: Any, name: str) -> np.int64:
    try:
        delta = pd.Timedelta(width)
    except (ValueError, TypeError):
        raise InputError(
            f"`{name}` must be a duration such as '30s', '5min' or '1h', got {width!r}"
        ) from None
    if pd.isna(delta) or delta < pd.Timedelta(0):
        raise InputError(f"`{name}` must be a duration of 0 or more, got {width!r}")
    return np.int64(delta.value)


def _events(events: Any) -> pd.DataFrame:
    if not isinstance(events, pd.DataFrame):
        raise InputError(
            "`events` must be a DataFrame with `timestamp` and `type` columns "
            f"(as `read_events` returns), got {type(events).__name__}"
        )
    missing = [c for c in ("timestamp", "type") if c not in events.columns]
    if missing:
        raise InputError(
            f"`events` has no column {', '.join(f'`{c}`' for c in missing)}; "
            "it needs `timestamp` (UTC) and `type`, as `read_events` returns"
        )
    stamps = events["timestamp"]
    if not pd.api.types.is_datetime64_any_dtype(stamps.dtype):
        raise InputError(
            "`events.timestamp` must hold timestamps (read the file with `read_events`), "
            f"got {stamps.dtype}"
        )
    if stamps.isna().any():
        i = int(np.flatnonzero(stamps.isna().to_numpy())[0])
        raise InputError(f"`events.timestamp` is empty at position {i}")
    return events


def _ns(stamps: pd.Series) -> np.ndarray:
    """Epoch nanoseconds (naive timestamps are taken as UTC)."""
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _bound(value: Any, name: str) -> np.int64 | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise InputError(f"`{name}` must be a time, got {value!r}") from None
    if pd.isna(stamp):
        return None
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return np.int64(stamp.as_unit("ns").value)


# --- correlation of binned counts -----------------------------------------------------------


def _pearson(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pearson r of the columns of ``x`` (n x T) and the per-column ``n Sxx - Sx^2``."""
    n = x.shape[0]
    if x.dtype.kind in "iu" and x.size and int(x.max()) ** 2 * n * n < 2**62:
        s = x.sum(axis=0, dtype=np.int64)
        gram = x.T.astype(np.int64) @ x.astype(np.int64)
        num = n * gram - np.outer(s, s)  # exact integers
        num = num.astype(float)
    else:
        xf = x.astype(float)
        centred = xf - xf.mean(axis=0)
        num = n * (centred.T @ centred)
    var = np.diag(num).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        r = num / np.sqrt(np.outer(var, var))
    bad = var <= 1e-12 * np.maximum(1.0, np.abs(var).max(initial=0.0))
    r[bad, :] = np.nan
    r[:, bad] = np.nan
    np.clip(r, -1.0, 1.0, out=r)
    return r, var


def _ranks(counts: np.ndarray) -> np.ndarray:
    """Average ranks (1-based) of each column of a count table, ties sharing their mean rank."""
    n, t = counts.shape
    out = np.empty((n, t), dtype=float)
    for j in range(t):
        col = counts[:, j]
        freq = np.bincount(col)
        below = np.concatenate(([0], np.cumsum(freq)[:-1]))
        out[:, j] = (below + (freq + 1) / 2.0)[col]
    return out


def _cell(frame: pd.DataFrame, a: str, b: str) -> float:
    """One cell of a types x types table, as a Python float."""
    return float(cast(float, frame.loc[a, b]))


def _common(frame: pd.DataFrame, a: str, b: str) -> int:
    return int(frame.to_numpy()[frame.index.get_loc(a), frame.columns.get_loc(b)])


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values, NaN left in place."""
    out = np.full_like(p, np.nan, dtype=float)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
    return out


def _circular_r(
    counts: np.ndarray, var: np.ndarray, pairs: np.ndarray, shifts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pearson r of each pair at shift 0 and at each circular shift, by FFT.

    Returns (r0 per pair, r per shift and pair).
    """
    n = counts.shape[0]
    x = counts.astype(float)
    x -= x.mean(axis=0)
    spectrum = fft.rfft(x, axis=0)
    norm = np.sqrt(var[pairs[:, 0]] * var[pairs[:, 1]]) / n  # sqrt(Sxx Syy) of centred data
    r0 = np.empty(len(pairs))
    out = np.empty((len(shifts), len(pairs)))
    chunk = max(1, 4_000_000 // max(n, 1))
    for start in range(0, len(pairs), chunk):
        part = pairs[start : start + chunk]
        cross = np.conj(spectrum[:, part[:, 0]]) * spectrum[:, part[:, 1]]
        circ = fft.irfft(cross, n=n, axis=0)  # circ[s] = sum_t x_t y_{t+s}
        scale = norm[start : start + chunk]
        r0[start : start + chunk] = circ[0] / scale
        out[:, start : start + chunk] = circ[shifts] / scale
    return r0, out


@dataclass(frozen=True)
class LagResult:
    r"""Cross-correlation of two count series at lags, and which one leads.

    Attributes
    ----------
    a, b : str
        The two types; a positive lag means ``b`` follows ``a``.
    lags : numpy.ndarray
        Lags in bins, from ``-max_lag`` to ``+max_lag``.
    r : numpy.ndarray
        Sample cross-correlation ``r_ab(k)`` at each lag (NaN when undefined).
    bin : pandas.Timedelta
        The bin width (a lag of 1 is one bin).
    n : int
        Number of bins.
    peak_lag : int or None
        The lag of the largest ``r`` (the smallest such lag in absolute value on a tie);
        ``None`` when undefined.
    peak_r : float
        ``r`` at the peak lag (NaN when undefined).
    reason : str or None
        Why the lags are undefined.
    """

    a: str
    b: str
    lags: np.ndarray
    r: np.ndarray
    bin: pd.Timedelta
    n: int
    peak_lag: int | None
    peak_r: float
    reason: str | None
    _sums: tuple[float, float, float] = (math.nan, math.nan, math.nan)

    @property
    def band(self) -> float:
        """Approximate 95 % band ``1.96 / sqrt(n)`` of ``r`` under independence.

        For two independent white-noise series (Box, Jenkins & Reinsel); autocorrelated
        counts need a wider band.
        """
        return 1.96 / math.sqrt(self.n) if self.n > 0 else math.nan

    @property
    def peak_band(self) -> float:
        """Approximate 95 % band of the *largest* ``|r|`` over all lags under independence.

        The per-lag `band` is crossed by chance at one lag in twenty, so the largest of many
        lags crosses it most of the time; Bonferroni over the ``L`` lags gives
        ``z(1 - 0.025 / L) / sqrt(n)``, which independent white noise stays within in at least
        95 % of series.
        """
        if self.n <= 0 or len(self.lags) == 0:
            return math.nan
        return float(stats.norm.isf(0.025 / len(self.lags))) / math.sqrt(self.n)

    @property
    def leader(self) -> str | None:
        """The type that leads, ``""`` when the peak is at lag 0, ``None`` when undefined.

        ``a`` leads for a positive peak lag, ``b`` for a negative one.
        """
        if self.peak_lag is None:
            return None
        if self.peak_lag == 0:
            return ""
        return self.a if self.peak_lag > 0 else self.b

    def summary(self) -> str:
        """One sentence: who leads whom by how much, or why that is not defined.

        A peak inside the band of chance for the largest of the lags (``|r| <= peak_band``)
        claims no lead: the sentence says so instead of naming a leader that independent
        series would produce as often.
        """
        if self.peak_lag is None:
            return f"n/a — {self.reason}"
        if not abs(self.peak_r) > self.peak_band:
            bins = "bin" if abs(self.peak_lag) == 1 else "bins"
            return (
                f"No lead beyond chance: the largest r = {self.peak_r:.3f} (lag "
                f"{self.peak_lag} {bins}) is inside ±{self.peak_band:.3f}, the band the "
                f"largest of {len(self.lags)} lags of independent series stays within 95 % of "
                "the time"
            )
        if self.peak_lag == 0:
            return f"{self.a} and {self.b} peak together (lag 0), r = {self.peak_r:.3f}"
        lead, follow = (self.a, self.b) if self.peak_lag > 0 else (self.b, self.a)
        delay = abs(self.peak_lag) * self.bin
        steps = plural(abs(self.peak_lag), "bin")
        return f"{lead} leads {follow} by {steps} ({_duration(delay)}), r = {self.peak_r:.3f}"

    @property
    def table(self) -> pd.DataFrame:
        """``lag`` (bins), ``lag_seconds`` and ``r`` as a table."""
        seconds = self.lags * self.bin.total_seconds()
        return pd.DataFrame({"lag": self.lags, "lag_seconds": seconds, "r": self.r})

    def explain(self) -> dict[str, Explanation]:
        """How the peak lag and its correlation are computed.

        Returns
        -------
        dict of str to Explanation
            ``"peak_lag"`` and ``"peak_r"``.
        """
        cxy, sxx, syy = self._sums
        reference = (
            "Box, Jenkins & Reinsel, Time Series Analysis, 4th ed., sec. 11.1 (sample "
            "cross-correlation function; R's ccf)"
        )
        formula = (
            r"r_{ab}(k) = \frac{\sum_{t} (a_t - \bar a)(b_{t+k} - \bar b)}"
            r"{\sqrt{\sum_t (a_t - \bar a)^2 \, \sum_t (b_t - \bar b)^2}}"
        )
        lag = Explanation(
            quantity=f"Peak lag, {self.a} → {self.b}",
            value=None if self.peak_lag is None else float(self.peak_lag),
            formula=r"k^* = \arg\max_{|k| \le K} r_{ab}(k)",
            substituted=(
                rf"k^* = {self.peak_lag} \text{{ bins}} = {self.peak_lag} \times "
                rf"\text{{{_duration(self.bin)}}}"
                if self.peak_lag is not None
                else r"\text{n/a}"
            ),
            inputs={"K": float((len(self.lags) - 1) // 2)},
            expression="",
            convention=(
                "A positive lag k means b follows a by k bins (a leads). The peak is the "
                "largest r, not the largest |r|: a cascade raises the follower's count. On a "
                "tie the lag nearest 0 wins."
            ),
            reference=reference,
            unavailable_reason=self.reason,
            unit="bins",
        )
        peak = Explanation(
            quantity=f"Cross-correlation at the peak lag, {self.a} → {self.b}",
            value=None if self.peak_lag is None else self.peak_r,
            formula=formula,
            substituted=(
                rf"r_{{ab}}({self.peak_lag}) = \frac{{{latex_number(cxy)}}}"
                rf"{{\sqrt{{{latex_number(sxx)} \times {latex_number(syy)}}}}}"
                f" = {latex_number(self.peak_r, 4)}"
            ),
            inputs={"Cab": cxy, "Saa": sxx, "Sbb": syy},
            expression="Cab / sqrt(Saa * Sbb)",
            convention=(
                "Sums run over the overlapping bins only and are divided by the full sums of "
                "squares, so r shrinks towards 0 at long lags (the usual biased estimator). "
                f"Band of chance for white noise: ±{self.band:.3f}."
            ),
            reference=reference,
            unavailable_reason=self.reason,
            notes=(
                f"The peak lag k* = {self.peak_lag} is the lag of the largest r within "
                f"±{(len(self.lags) - 1) // 2} bins. {lag.convention}",
            ),
        )
        return {"peak_lag": lag, "peak_r": peak}


def cross_correlation(
    a: Sequence[float] | np.ndarray,
    b: Sequence[float] | np.ndarray,
    *,
    max_lag: int = 24,
    bin: Any = "1h",
    names: tuple[str, str] = ("a", "b"),
) -> LagResult:
    r"""Sample cross-correlation of two equally binned series at lags ``-max_lag..max_lag``.

    Parameters
    ----------
    a, b : array_like
        Two series of the same length (counts per bin).
    max_lag : int, optional
        Largest lag in bins (cut to ``n - 1``).
    bin : str or pandas.Timedelta, optional
        The bin width, to express lags as durations.
    names : tuple of str, optional
        Names of ``a`` and ``b`` for the summary.

    Returns
    -------
    LagResult
        ``lags``, ``r``, ``peak_lag`` and ``leader``.

    Notes
    -----
    ``r_ab(k) = sum_t (a_t - mean a)(b_{t+k} - mean b) / sqrt(sum (a - mean a)^2 sum (b -
    mean b)^2)``, the sums over the bins where both terms exist [4]_, computed with
    ``scipy.signal.correlate`` and ``scipy.signal.correlation_lags``. A positive peak lag
    means ``b`` follows ``a``.

    Examples
    --------
    >>> x = [0, 1, 0, 0, 3, 0, 0, 1, 0, 0]
    >>> y = [0, 0, 0, 1, 0, 0, 3, 0, 0, 1]  # x two bins later
    >>> cross_correlation(x, y, max_lag=3).peak_lag
    2
    >>> [round(float(v), 1) for v in cross_correlation([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]).r[4:]]
    [1.0, 0.4, -0.1, -0.4, -0.4]
    """
    width = parse_bin(bin)
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
        raise InputError("`a` and `b` must be one-dimensional series of the same length")
    if isinstance(max_lag, bool) or not isinstance(max_lag, (int, np.integer)) or max_lag < 0:
        raise InputError(f"`max_lag` must be a whole number of bins >= 0, got {max_lag!r}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise InputError("`a` and `b` must hold finite numbers")
    n = x.size
    k = int(min(max_lag, max(n - 1, 0)))
    lags = np.arange(-k, k + 1)
    nan = np.full(lags.size, np.nan)
    reason = None
    if n < 2:
        reason = "fewer than two bins: a correlation needs at least two"
    else:
        xc, yc = x - x.mean(), y - y.mean()
        sxx, syy = float(xc @ xc), float(yc @ yc)
        const = [nm for nm, s in zip(names, (sxx, syy), strict=True) if s <= 0.0]
        if const:
            reason = f"{' and '.join(const)} has the same count in every bin (constant series)"
    if reason is not None:
        return LagResult(names[0], names[1], lags, nan, width, n, None, math.nan, reason)
    full = signal.correlate(yc, xc, mode="full")
    all_lags = signal.correlation_lags(y.size, x.size, mode="full")
    keep = np.abs(all_lags) <= k
    r = full[keep] / math.sqrt(sxx * syy)
    r = np.clip(r, -1.0, 1.0)
    best = np.flatnonzero(r >= r.max() - 1e-12)
    peak = int(lags[best[np.argmin(np.abs(lags[best]))]])
    cxy = float(full[keep][lags == peak][0])
    return LagResult(
        names[0],
        names[1],
        lags,
        r,
        width,
        n,
        peak,
        float(r[lags == peak][0]),
        None,
        (cxy, sxx, syy),
    )


@dataclass(frozen=True)
class CorrelationResult:
    r"""Counts per bin and type, their correlations and the permutation p-values.

    Attributes
    ----------
    counts : pandas.DataFrame
        Rows are bins indexed by their UTC start (``bin_start``), columns are types (most
        frequent first, or as requested), values are event counts.
    r : pandas.DataFrame
        Pearson's r of the count series, types x types; NaN where undefined.
    rho : pandas.DataFrame
        Spearman's rho (Pearson's r of average ranks); NaN where undefined.
    p : pandas.DataFrame
        Circular-shift permutation p-values of r (two-sided), adjusted across pairs by
        Benjamini-Hochberg; NaN on the diagonal, where r is undefined, or with
        ``permutations=0``.
    p_raw : pandas.DataFrame
        The same p-values before the adjustment.
    bin : pandas.Timedelta
        Bin width.
    permutations : int
        Number of circular shifts each pair was compared against.
    exact : bool
        True when every possible shift was used (an exact permutation test).
    seed : int or None
        Seed of the random shifts.
    undefined : dict of str to str
        For each type whose r is undefined, why (a constant series).
    reason : str or None
        Why no correlation is defined at all (fewer than two bins), else ``None``.
    n_events : int
        Events counted.
    """

    counts: pd.DataFrame
    r: pd.DataFrame
    rho: pd.DataFrame
    p: pd.DataFrame
    p_raw: pd.DataFrame
    bin: pd.Timedelta
    permutations: int
    exact: bool
    seed: int | None
    undefined: Mapping[str, str]
    reason: str | None
    n_events: int
    _hits: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    @property
    def types(self) -> list[str]:
        """The types, in column order."""
        return [str(c) for c in self.counts.columns]

    @property
    def n_bins(self) -> int:
        """Number of bins."""
        return int(len(self.counts))

    @property
    def p_floor(self) -> float:
        """The smallest p-value the permutations can give, ``1 / (B + 1)`` (NaN when off)."""
        return 1.0 / (self.permutations + 1) if self.permutations else math.nan

    def resolution_note(self, *, alpha: float = 0.05) -> str | None:
        """Why a single strong pair cannot reach significance, or ``None`` when it can.

        Parameters
        ----------
        alpha : float, optional
            The false discovery rate q.

        Returns
        -------
        str or None
            A sentence saying what limits the p-values and what to change.

        Notes
        -----
        With ``B`` shifts no p-value is below ``1 / (B + 1)``; with ``m`` pairs,
        Benjamini-Hochberg calls a lone strong pair significant only when its p-value is at
        most ``q / m``.
        """
        m = int(np.isfinite(self.p_raw.to_numpy()[np.triu_indices(len(self.types), 1)]).sum())
        if not self.permutations or m == 0 or self.p_floor <= alpha / m:
            return None
        need = math.ceil(m / alpha) - 1
        more = (
            f"more bins (narrower bins or a longer period: only {self.n_bins - 1:,} shifts exist)"
            if self.exact
            else f"at least {need:,} permutations"
        )
        return (
            f"With {self.permutations:,} shifts no p-value is below {self.p_floor:.2g}, and "
            f"across {m} pairs a lone strong pair needs p <= q/m = {alpha / m:.2g}: use {more} "
            "or fewer types"
        )

    @cached_property
    def common_bins(self) -> pd.DataFrame:
        """Bins holding events of both types, types x types (the diagonal: bins with any)."""
        seen = (self.counts.to_numpy() > 0).astype(np.int64)
        both = seen.T @ seen
        return pd.DataFrame(both, index=pd.Index(self.types), columns=pd.Index(self.types))

    def why_thin(self, a: str, b: str, *, alpha: float = 0.05) -> str | None:
        """Why the data of ``a`` and ``b`` are too thin to judge their significance, or ``None``.

        Parameters
        ----------
        a, b : str
            Two types.
        alpha : float, optional
            The false discovery rate q a p-value is compared with.

        Returns
        -------
        str or None
            Every reason that applies, joined by "; ".

        Notes
        -----
        A p-value is not taken at its word when

        - a type has fewer than `MIN_TYPE_EVENTS` events, or the two types share fewer than
          `MIN_COMMON_BINS` bins: r then rests on a handful of coincidences, and one event
          more or less moves it (and its p-value) a lot;
        - the test cannot reach ``alpha`` at all: with ``B`` shifts no p-value is below
          ``1 / (B + 1)``, and ``n`` bins allow at most ``n - 1`` different shifts.

        Examples
        --------
        >>> t = pd.to_datetime([0, 3600, 7200, 30, 7300], unit="s", utc=True)
        >>> events = pd.DataFrame({"timestamp": t, "type": list("aaabb")})
        >>> why = correlate(events, "1h", permutations=999).why_thin("a", "b")
        >>> for reason in why.split("; "):  # doctest: +NORMALIZE_WHITESPACE
        ...     print(reason)
        a has only 3 events and b only 2 events (at least 5 each are needed)
        only 2 bins hold both a and b (at least 10 are needed)
        only 3 bins: rotating one series against the other gives 2 different shifts, so no
        p-value is below 1/3 = 0.33, and p <= 0.05 needs at least 20 bins
        """
        self._check(a)
        self._check(b)
        if not 0.0 < alpha < 1.0:
            raise InputError(f"`alpha` must be in (0, 1), got {alpha!r}")
        reasons = []
        totals = self.counts[list(dict.fromkeys((a, b)))].sum(axis=0)
        few = [(t, int(totals[t])) for t in dict.fromkeys((a, b)) if totals[t] < MIN_TYPE_EVENTS]
        if few:
            text = " and ".join(
                f"{t} {'has ' if i == 0 else ''}only {n:,} event{'s' if n != 1 else ''}"
                for i, (t, n) in enumerate(few)
            )
            reasons.append(f"{text} (at least {MIN_TYPE_EVENTS} each are needed)")
        if a != b:
            common = _common(self.common_bins, a, b)
            if common < MIN_COMMON_BINS:
                held = (
                    "no bin holds"
                    if common == 0
                    else "only 1 bin holds"
                    if common == 1
                    else f"only {common:,} bins hold"
                )
                reasons.append(f"{held} both {a} and {b} (at least {MIN_COMMON_BINS} are needed)")
        if self.permutations:
            need = math.ceil(1.0 / alpha - 1e-9)
            if self.exact and self.n_bins < need:
                reasons.append(
                    f"only {self.n_bins:,} bins: rotating one series against the other gives "
                    f"{self.n_bins - 1:,} different shifts, so no p-value is below "
                    f"1/{self.n_bins:,} = {1 / self.n_bins:.2g}, and p <= {alpha:g} needs at "
                    f"least {need:,} bins"
                )
            elif not self.exact and self.p_floor > alpha:
                reasons.append(
                    f"with {self.permutations:,} permutations the smallest attainable p-value "
                    f"is 1/({self.permutations:,} + 1) = {self.p_floor:.2g}, above q = {alpha:g}"
                )
        return "; ".join(reasons) if reasons else None

    def thin(self, *, alpha: float = 0.05) -> dict[tuple[str, str], str]:
        """The pairs too thin to judge, ``(a, b) -> why`` (see `why_thin`), in table order.

        Parameters
        ----------
        alpha : float, optional
            The false discovery rate q.

        Returns
        -------
        dict of (str, str) to str
            One entry per pair ``a`` before ``b`` in column order.
        """
        types = self.types
        found = {}
        for i, a in enumerate(types):
            for b in types[i + 1 :]:
                why = self.why_thin(a, b, alpha=alpha)
                if why:
                    found[(a, b)] = why
        return found

    def why_undefined(self, a: str, b: str) -> str | None:
        """Why r of ``a`` and ``b`` is n/a, or ``None`` when it is defined.

        Parameters
        ----------
        a, b : str
            Two types.

        Returns
        -------
        str or None
            The reason.
        """
        self._check(a)
        self._check(b)
        if self.reason:
            return self.reason
        reasons = [
            f"{t}: {self.undefined[t]}" for t in dict.fromkeys((a, b)) if t in self.undefined
        ]
        return "; ".join(reasons) if reasons else None

    def _check(self, name: str) -> None:
        if name not in self.counts.columns:
            shown = ", ".join(self.types[:20])
            raise InputError(f"type {name!r} is not among the correlated types ({shown})")

    def pairs(self, *, alpha: float = 0.05) -> pd.DataFrame:
        """One row per pair of types: counts, r, rho, p-values, significance, why n/a.

        Parameters
        ----------
        alpha : float, optional
            False discovery rate at which a pair is called significant.

        Returns
        -------
        pandas.DataFrame
            Columns ``a``, ``b``, ``events_a``, ``events_b``, ``r``, ``rho``, ``p_raw``,
            ``p`` (BH-adjusted), ``significant`` (``p <= alpha`` and the data not too thin
            to judge), ``note`` (why r is n/a), ``common_bins`` (bins holding both types) and
            ``thin`` (why the data are too thin to judge significance, see `why_thin`; empty
            when they are not); sorted by
            ``|r|``, largest first, undefined pairs last.
        """
        if not 0.0 < alpha < 1.0:
            raise InputError(f"`alpha` must be in (0, 1), got {alpha!r}")
        types = self.types
        totals = self.counts.sum(axis=0)
        rows = []
        for i, a in enumerate(types):
            for b in types[i + 1 :]:
                p = _cell(self.p, a, b)
                thin = self.why_thin(a, b, alpha=alpha) or ""
                rows.append(
                    {
                        "a": a,
                        "b": b,
                        "events_a": int(totals[a]),
                        "events_b": int(totals[b]),
                        "r": _cell(self.r, a, b),
                        "rho": _cell(self.rho, a, b),
                        "p_raw": _cell(self.p_raw, a, b),
                        "p": p,
                        "significant": bool(math.isfinite(p) and p <= alpha and not thin),
                        "note": self.why_undefined(a, b) or "",
                        "common_bins": _common(self.common_bins, a, b),
                        "thin": thin,
                    }
                )
        table = pd.DataFrame(
            rows,
            columns=[
                "a",
                "b",
                "events_a",
                "events_b",
                "r",
                "rho",
                "p_raw",
                "p",
                "significant",
                "note",
                "common_bins",
                "thin",
            ],
        )
        order = table["r"].abs().fillna(-1.0).sort_values(ascending=False, kind="stable").index
        return table.loc[order].reset_index(drop=True)

    def lagged(self, a: str, b: str, *, max_lag: int = 24) -> LagResult:
        """Cross-correlation of the counts of ``a`` and ``b`` at lags up to ``max_lag`` bins.

        Parameters
        ----------
        a, b : str
            Two types; a positive peak lag means ``b`` follows ``a``.
        max_lag : int, optional
            Largest lag in bins.

        Returns
        -------
        LagResult
            See `cross_correlation`.
        """
        self._check(a)
        self._check(b)
        return cross_correlation(
            self.counts[a].to_numpy(),
            self.counts[b].to_numpy(),
            max_lag=max_lag,
            bin=self.bin,
            names=(a, b),
        )

    def explain(self, a: str, b: str) -> dict[str, Explanation]:
        """How r, rho and the p-values of one pair are computed, with this data's numbers.

        Parameters
        ----------
        a, b : str
            Two types.

        Returns
        -------
        dict of str to Explanation
            ``"r"``, ``"rho"``, ``"p_raw"`` and ``"p"``.
        """
        self._check(a)
        self._check(b)
        reason = self.why_undefined(a, b)
        x = self.counts[a].to_numpy()
        y = self.counts[b].to_numpy()
        n = len(x)
        formula = (
            r"r = \frac{n\sum xy - \sum x \sum y}"
            r"{\sqrt{\left(n\sum x^2 - (\sum x)^2\right)\left(n\sum y^2 - (\sum y)^2\right)}}"
        )
        expression = "(n*Sxy - Sx*Sy) / sqrt((n*Sxx - Sx**2) * (n*Syy - Sy**2))"

        def sums(u: np.ndarray, v: np.ndarray) -> dict[str, float]:
            uf, vf = u.astype(float), v.astype(float)
            return {
                "n": float(n),
                "Sx": float(uf.sum()),
                "Sy": float(vf.sum()),
                "Sxx": float(uf @ uf),
                "Syy": float(vf @ vf),
                "Sxy": float(uf @ vf),
            }

        def sq(v: float) -> str:
            # 4.1 \times 10^{9} squared: (..)^2, never a second superscript on 10^{9}
            text = latex_number(v)
            return rf"\left({text}\right)^2" if "^" in text else f"{text}^2"

        def substituted(s: dict[str, float], value: float) -> str:
            ln = latex_number
            return (
                rf"r = \frac{{{ln(s['n'])} \times {ln(s['Sxy'])} - {ln(s['Sx'])} \times "
                rf"{ln(s['Sy'])}}}{{\sqrt{{({ln(s['n'])} \times {ln(s['Sxx'])} - "
                rf"{sq(s['Sx'])})({ln(s['n'])} \times {ln(s['Syy'])} - {sq(s['Sy'])})}}}}"
                rf" = {ln(value, 4)}"
            )

        def value(frame: pd.DataFrame) -> float | None:
            v = _cell(frame, a, b)
            return v if math.isfinite(v) else None

        r_value = value(self.r)
        s_r = sums(x, y)
        r = Explanation(
            quantity=f"Pearson r, {a} and {b}",
            value=r_value,
            formula=formula,
            substituted=substituted(s_r, _cell(self.r, a, b)),
            inputs=s_r,
            expression=expression,
            convention=(
                f"x and y are the event counts of {a} and {b} in each of the n = {n:,} bins of "
                f"{_duration(self.bin)} (aligned to the UTC calendar), zero-count bins included."
            ),
            reference="K. Pearson (1895); any statistics text, e.g. NIST/SEMATECH e-Handbook 7.1",
            unavailable_reason=reason,
        )
        ranks = _ranks(np.column_stack([x, y]).astype(np.int64))
        s_rho = sums(ranks[:, 0], ranks[:, 1])
        rho = Explanation(
            quantity=f"Spearman rho, {a} and {b}",
            value=value(self.rho),
            formula=formula.replace("r =", r"\rho =", 1),
            substituted=substituted(s_rho, _cell(self.rho, a, b)).replace("r =", r"\rho =", 1),
            inputs=s_rho,
            expression=expression,
            convention=(
                "Pearson's r of the ranks of the counts; equal counts share their average rank "
                "(as scipy.stats.spearmanr)."
            ),
            reference="C. Spearman (1904); Wikipedia, Spearman's rank correlation coefficient",
            unavailable_reason=reason,
        )
        hits = _cell(self._hits, a, b) if not self._hits.empty else math.nan
        p_raw_value = value(self.p_raw)
        if self.permutations == 0:
            p_reason: str | None = "permutations were switched off (permutations = 0)"
        elif a == b:
            p_reason = "a type is not tested against itself (choose two different types)"
        else:
            p_reason = reason
        if self.exact:
            p_formula = r"p = \frac{k + 1}{n}"
            p_sub = rf"p = \frac{{{latex_number(hits)} + 1}}{{{n}}}"
            p_expr, p_inputs = "(k + 1) / n", {"k": hits, "n": float(n)}
        else:
            p_formula = r"p = \frac{k + 1}{B + 1}"
            p_sub = rf"p = \frac{{{latex_number(hits)} + 1}}{{{self.permutations} + 1}}"
            p_expr, p_inputs = "(k + 1) / (B + 1)", {"k": hits, "B": float(self.permutations)}
        p_raw = Explanation(
            quantity=f"Permutation p-value, {a} and {b} (before adjustment)",
            value=p_raw_value if p_reason is None else None,
            formula=p_formula,
            substituted=p_sub if p_reason is None else r"\text{n/a}",
            inputs=p_inputs,
            expression=p_expr if p_reason is None else "",
            convention=(
                f"k of the {self.permutations:,} circular shifts of {b}'s series against "
                f"{a}'s gave |r| at least the observed |r|. A rotation keeps each series' "
                "own bursts and autocorrelation, which a plain shuffle would destroy"
                + (" (every possible shift used: an exact test)." if self.exact else ".")
            ),
            reference=(
                "Circular-shift permutation test (Fortin & Dale, Spatial Analysis, 2005, sec. "
                "5.3); p = (k + 1)/(B + 1) after Phipson & Smyth (2010)"
            ),
            unavailable_reason=p_reason,
        )
        m = int(np.isfinite(self.p_raw.to_numpy()[np.triu_indices(len(self.types), 1)]).sum())
        p = Explanation(
            quantity=f"Adjusted p-value (Benjamini-Hochberg), {a} and {b}",
            value=value(self.p) if p_reason is None else None,
            formula=r"p_{(i)}^{BH} = \min_{j \ge i} \min\left(1, \frac{m}{j} p_{(j)}\right)",
            substituted=(
                rf"m = {m} \text{{ pairs}}, \; p = {latex_number(p_raw_value or math.nan, 4)}"
                rf" \to {latex_number(_cell(self.p, a, b), 4)}"
            ),
            inputs={"m": float(m)},
            expression="",
            convention=(
                "The raw p-values of all m pairs are sorted; each is scaled by m / rank and "
                "made monotone (scipy.stats.false_discovery_control). Calling pairs with "
                "adjusted p <= q keeps the expected share of false discoveries at most q."
            ),
            reference="Benjamini & Hochberg, J. R. Stat. Soc. B 57 (1995) 289-300",
            unavailable_reason=p_reason,
            notes=(
                ()
                if p_reason
                else (
                    f"Raw p-value: {p_raw.convention} "
                    f"p = (k + 1)/(B + 1) = ({hits:g} + 1)/({self.permutations} + 1) = "
                    f"{p_raw_value:.4g}.",
                )
            ),
        )
        return {"r": r, "rho": rho, "p_raw": p_raw, "p": p}


def correlate(
    events: pd.DataFrame,
    bin: Any = "1h",
    permutations: int = 999,
    *,
    seed: int | None = None,
    types: Sequence[str] | None = None,
    start: Any = None,
    end: Any = None,
) -> CorrelationResult:
    r"""Count events per calendar bin and type; correlate the counts; test against chance.

    Parameters
    ----------
    events : pandas.DataFrame
        ``timestamp`` (UTC; naive taken as UTC) and ``type``, as `read_events` returns.
        Order, duplicates and gaps do not matter.
    bin : str or pandas.Timedelta, optional
        Bin width: ``"1min"`` to ``"1d"`` (must divide a day, or be whole days). Bins are
        aligned to the UTC calendar: an hour bin starts on the hour, a day bin at midnight
        UTC, a 7-day bin on Monday.
    permutations : int, optional
        Circular shifts per pair for the p-values (0 skips them). When it is at least the
        number of bins minus one, every shift is used once: an exact test.
    seed : int, optional
        Seed of the random shifts, for reproducible p-values.
    types : sequence of str, optional
        Types to correlate, in this order (default: all, most frequent first). Events of
        other types are not counted.
    start, end : time, optional
        Observation window: bins cover ``[start, end)`` rather than first to last event, so
        quiet stretches at either end count as zeros. Every event must lie inside it.

    Returns
    -------
    CorrelationResult
        ``.counts``, ``.r``, ``.rho``, ``.p`` (BH-adjusted), ``.p_raw``, and methods
        ``pairs()``, ``lagged(a, b)``, ``explain(a, b)``.

    Raises
    ------
    InputError
        For a malformed events table, a bad bin width or option, or an unknown type.
    ComputationLimitError
        When the table of bins x types would exceed `MAX_CELLS`.

    Notes
    -----
    Bin ``i`` of width ``w`` covers ``[origin + i w, origin + (i + 1) w)``, the origin being
    Monday 1970-01-05 00:00 UTC; bins run from the one holding the first event to the one
    holding the last, so no event is dropped and an earlier event never moves the edges.

    Pearson's r [1]_ is computed from exact integer sums; it is undefined (NaN) for a
    series with the same count in every bin, and for fewer than two bins. Spearman's rho is
    Pearson's r of average ranks.

    The p-value of a pair [2]_ rotates one series by ``s`` bins (``s`` drawn without
    replacement from ``1..n-1``; all of them when ``permutations >= n - 1``) and counts the
    shifts ``k`` with ``|r_s| >= |r_0|``: ``p = (k + 1) / (B + 1)``. The circular
    cross-correlation is computed for all shifts at once by FFT. The p-values of all pairs
    are then adjusted by Benjamini-Hochberg [3]_ (``scipy.stats.false_discovery_control``).

    Examples
    --------
    >>> t = pd.to_datetime([0, 60, 3600, 7200, 30, 7200], unit="s", utc=True)
    >>> events = pd.DataFrame({"timestamp": t, "type": list("aaaabb")})
    >>> result = correlate(events, "1h", permutations=0)
    >>> result.counts.to_dict("list")
    {'a': [2, 1, 1], 'b': [1, 0, 1]}
    >>> float(result.r.loc["a", "b"])
    0.5
    """
    frame = _events(events)
    width = parse_bin(bin)
    if isinstance(permutations, bool) or not isinstance(permutations, (int, np.integer)):
        raise InputError(f"`permutations` must be a whole number >= 0, got {permutations!r}")
    if permutations < 0 or permutations > 1_000_000:
        raise InputError(f"`permutations` must be between 0 and 1,000,000, got {permutations}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise InputError(f"`seed` must be a whole number or None, got {seed!r}")

    labels = frame["type"].astype(str).to_numpy()
    codes, uniques = pd.factorize(labels, sort=False)
    if types is None:
        freq = np.bincount(codes, minlength=len(uniques))
        order = sorted(range(len(uniques)), key=lambda i: (-freq[i], str(uniques[i])))
        names = [str(uniques[i]) for i in order]
    else:
        if isinstance(types, str):
            raise InputError("`types` must be a list of type names, not one string")
        names = [str(t) for t in types]
        if len(set(names)) != len(names):
            raise InputError("`types` names a type twice")
        known = set(map(str, uniques))
        unknown = [t for t in names if t not in known]
        if unknown:
            shown = ", ".join(sorted(known)[:20])
            raise InputError(f"type {unknown[0]!r} has no events; the types are {shown}")
        if not names:
            raise InputError("`types` must name at least one type")
    if len(names) > MAX_TYPES:
        raise ComputationLimitError(
            f"{len(names):,} types make {len(names) * (len(names) - 1) // 2:,} pairs, more than "
            f"the {MAX_TYPES} types correlated here at once; choose at most {MAX_TYPES} types "
            "(the most frequent, or one group of them)"
        )
    position = {name: i for i, name in enumerate(names)}
    remap = np.array([position.get(str(u), -1) for u in uniques], dtype=np.int64)
    col = remap[codes] if len(codes) else np.empty(0, dtype=np.int64)
    keep = col >= 0
    ns = _ns(frame["timestamp"])[keep]
    col = col[keep]
    if ns.size == 0:
        raise InputError("there are no events to correlate")

    w = np.int64(width.value)
    index = (ns - _ORIGIN) // w
    lo, hi = index.min(), index.max()
    first, last = _bound(start, "start"), _bound(end, "end")
    if first is not None:
        if ns.min() < first:
            raise InputError(f"an event at {pd.Timestamp(ns.min(), tz='UTC')} is before `start`")
        lo = (first - _ORIGIN) // w
    if last is not None:
        if ns.max() >= last:
            raise InputError(f"an event at {pd.Timestamp(ns.max(), tz='UTC')} is not before `end`")
        hi = (last - 1 - _ORIGIN) // w
    n_bins = int(hi - lo + 1)
    n_types = len(names)
    if n_bins * n_types > MAX_CELLS:
        span = pd.Timedelta(int((hi - lo + 1) * w))
        need = pd.Timedelta(int(math.ceil(n_bins * n_types / MAX_CELLS) * w))
        raise ComputationLimitError(
            f"bins of {_duration(width)} over {_duration(span)} make {n_bins:,} bins x "
            f"{n_types} types = "
            f"{n_bins * n_types:,} counts, more than the {MAX_CELLS:,} computed here; "
            f"use bins of at least {_duration(need)}, fewer types or a shorter period"
        )
    flat = (index - lo) * n_types + col
    table = np.bincount(flat, minlength=n_bins * n_types).reshape(n_bins, n_types)
    bins = pd.DatetimeIndex(
        (_ORIGIN + (np.arange(lo, hi + 1, dtype=np.int64) * w)).astype("datetime64[ns]"),
        name="bin_start",
    ).tz_localize("UTC")
    counts = pd.DataFrame(table, index=bins, columns=pd.Index(names, name="type"))

    nan = np.full((n_types, n_types), np.nan)
    undefined: dict[str, str] = {}
    reason = None
    hits = np.full((n_types, n_types), np.nan)
    if n_bins < 2:
        reason = "fewer than two bins: a correlation needs at least two (use a narrower bin)"
        r, rho, p_raw, used, exact = nan.copy(), nan.copy(), nan.copy(), 0, False
    else:
        r, var = _pearson(table)
        rho, _ = _pearson(_ranks(table))
        for j, name in enumerate(names):
            if not np.isfinite(r[j, j]):
                c = int(table[0, j])
                undefined[name] = (
                    f"the same count ({c}) in every one of the {n_bins:,} bins (constant series)"
                )
        p_raw = nan.copy()
        used, exact = 0, False
        if permutations > 0:
            exact = permutations >= n_bins - 1
            rng = np.random.default_rng(seed)
            if exact:
                shifts = np.arange(1, n_bins)
            else:
                shifts = 1 + rng.choice(n_bins - 1, size=permutations, replace=False)
            used = int(shifts.size)
            iu = np.array(
                [
                    (i, j)
                    for i in range(n_types)
                    for j in range(i + 1, n_types)
                    if np.isfinite(r[i, j])
                ],
                dtype=np.int64,
            ).reshape(-1, 2)
            if len(iu):
                r0, rs = _circular_r(table, var, iu, shifts)
                k = (np.abs(rs) >= np.abs(r0) - _TOL).sum(axis=0)
                pv = (k + 1.0) / (used + 1.0)
                p_raw[iu[:, 0], iu[:, 1]] = pv
                p_raw[iu[:, 1], iu[:, 0]] = pv
                hits[iu[:, 0], iu[:, 1]] = k
                hits[iu[:, 1], iu[:, 0]] = k
    upper = np.triu_indices(n_types, 1)
    p = nan.copy()
    p[upper] = _bh(p_raw[upper])
    p.T[upper] = p[upper]

    def square(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=pd.Index(names), columns=pd.Index(names))

    return CorrelationResult(
        counts=counts,
        r=square(r),
        rho=square(rho),
        p=square(p),
        p_raw=square(p_raw),
        bin=width,
        permutations=used,
        exact=exact,
        seed=seed,
        undefined=undefined,
        reason=reason,
        n_events=int(ns.size),
        _hits=square(hits),
    )


# --- event-level views: coincidences and cascades ------------------------------------------


@dataclass(frozen=True)
class Coincidence:
    r"""How often an ``a`` event is followed by a ``b`` event within a window, against chance.

    Attributes
    ----------
    a, b : str
        The types.
    window : pandas.Timedelta
        The window delta: a ``b`` event at ``t_a <= t_b <= t_a + delta`` counts.
    n_a : int
        Number of ``a`` events.
    hits : int
        ``a`` events followed by a ``b`` event within the window.
    share : float
        ``hits / n_a`` (NaN without ``a`` events).
    chance : float
        The share expected if the ``a`` events fell at random times in the observation
        period: the fraction of that period from which a ``b`` event lies at most delta ahead
        (NaN when the period has no length).
    lift : float
        ``share / chance`` (NaN when chance is 0 or undefined).
    covered_s, span_s : float
        The covered time and the period's length, in seconds.
    reason : str or None
        Why a figure is n/a.
    """

    a: str
    b: str
    window: pd.Timedelta
    n_a: int
    hits: int
    share: float
    chance: float
    lift: float
    covered_s: float
    span_s: float
    reason: str | None

    def explain(self) -> dict[str, Explanation]:
        """How the share, the chance share and the lift are computed.

        Returns
        -------
        dict of str to Explanation
            ``"share"``, ``"chance"`` and ``"lift"``.
        """
        ref = (
            "Event coincidence analysis (J. F. Donges et al., Eur. Phys. J. Spec. Top. 225, "
            "2016), with chance from the time covered by the b events' windows"
        )

        def ok(v: float) -> float | None:
            return v if math.isfinite(v) else None

        share = Explanation(
            quantity=f"Share of {self.a} followed by {self.b} within {_duration(self.window)}",
            value=ok(self.share),
            formula=r"s = \frac{h}{n_a}",
            substituted=rf"s = \frac{{{self.hits}}}{{{self.n_a}}} = {latex_number(self.share, 4)}",
            inputs={"h": float(self.hits), "n_a": float(self.n_a)},
            expression="h / n_a" if self.n_a else "",
            convention=(
                f"h counts the {self.a} events with an event of {self.b} at the same time or up to "
                f"{_duration(self.window)} later"
                + (" (another event, not itself)." if self.a == self.b else ".")
            ),
            reference=ref,
            unavailable_reason=None if self.n_a else f"there are no {self.a} events",
        )
        chance = Explanation(
            quantity="Share chance would give",
            value=ok(self.chance),
            formula=(
                r"s_0 = \frac{\left|\bigcup_j [t_{b,j} - \delta,\, t_{b,j}] \cap [T_0, T_1]"
                r"\right|}{T_1 - T_0}"
            ),
            substituted=(
                rf"s_0 = \frac{{{latex_number(self.covered_s)}\text{{ s}}}}"
                rf"{{{latex_number(self.span_s)}\text{{ s}}}} = {latex_number(self.chance, 4)}"
            ),
            inputs={"covered": self.covered_s, "span": self.span_s},
            expression="covered / span" if self.span_s > 0 else "",
            convention=(
                "If the a events fell at uniformly random times in the observation period "
                "[first event, last event], this is the probability that a b event follows "
                "within the window. It keeps the b events' own clustering."
            ),
            reference=ref,
            unavailable_reason=None if self.span_s > 0 else "the events span no time",
        )
        lift = Explanation(
            quantity="Lift (observed share / chance share)",
            value=ok(self.lift),
            formula=r"L = \frac{s}{s_0}",
            substituted=(
                rf"L = \frac{{{latex_number(self.share, 4)}}}{{{latex_number(self.chance, 4)}}}"
                rf" = {latex_number(self.lift, 4)}"
            ),
            inputs={
                "h": float(self.hits),
                "n_a": float(self.n_a),
                "covered": self.covered_s,
                "span": self.span_s,
            },
            expression="(h / n_a) / (covered / span)" if math.isfinite(self.lift) else "",
            convention="Above 1: b follows a more often than chance; 1: as often as chance.",
            reference=ref,
            unavailable_reason=self.reason,
        )
        return {"share": share, "chance": chance, "lift": lift}


def _times_by_type(frame: pd.DataFrame) -> tuple[dict[str, np.ndarray], int, int]:
    ns = _ns(frame["timestamp"])
    labels = frame["type"].astype(str).to_numpy()
    order = np.argsort(ns, kind="stable")
    ns, labels = ns[order], labels[order]
    codes, uniques = pd.factorize(labels)
    by_type = {str(u): ns[codes == i] for i, u in enumerate(uniques)}
    t0 = int(ns[0]) if ns.size else 0
    t1 = int(ns[-1]) if ns.size else 0
    return by_type, t0, t1


def _coincidence(
    a: str, b: str, ta: np.ndarray, tb: np.ndarray, delta: np.int64, t0: int, t1: int
) -> Coincidence:
    n_a = int(ta.size)
    if n_a and tb.size:
        within = np.searchsorted(tb, ta + delta, side="right") - np.searchsorted(tb, ta, "left")
        hits = int((within >= (2 if a == b else 1)).sum())
    else:
        hits = 0
    share = hits / n_a if n_a else math.nan
    span = float(t1 - t0)
    if tb.size and span > 0:
        starts = np.maximum(tb - delta, t0)
        ends = tb
        prev = np.concatenate(([np.iinfo(np.int64).min], ends[:-1]))
        covered = float(np.maximum(0, ends - np.maximum(starts, prev)).sum())
    else:
        covered = 0.0
    chance = covered / span if span > 0 else math.nan
    reason = None
    if not n_a:
        reason = f"there are no {a} events"
    elif not span > 0:
        reason = "the events span no time, so chance is undefined"
    elif chance == 0:
        reason = f"chance is 0 (no {b} event has room for the window), so the lift is undefined"
    lift = share / chance if reason is None else math.nan
    return Coincidence(
        a,
        b,
        pd.Timedelta(int(delta)),
        n_a,
        hits,
        share,
        chance,
        lift,
        covered / 1e9,
        span / 1e9,
        reason,
    )


def coincidences(events: pd.DataFrame, a: str, b: str, *, window: Any = "1h") -> Coincidence:
    r"""Share of ``a`` events followed by a ``b`` event within ``window``, against chance.

    Parameters
    ----------
    events : pandas.DataFrame
        ``timestamp`` and ``type``, as `read_events` returns.
    a, b : str
        The leading and the following type (may be equal: "another a within delta").
    window : str or pandas.Timedelta, optional
        The window delta (``0`` counts only simultaneous events).

    Returns
    -------
    Coincidence
        ``share``, ``chance`` and ``lift``.

    Notes
    -----
    ``share = #{a events with a b event in [t_a, t_a + delta]} / n_a``. The chance share is
    the fraction of the observation period ``[T0, T1]`` (first to last event) covered by the
    windows ``[t_b - delta, t_b]``: the probability that an ``a`` event placed at a
    uniformly random time is followed by a ``b`` event within delta. For a Poisson stream
    of ``b`` events of rate lambda it is close to ``1 - exp(-lambda delta)``.

    Examples
    --------
    >>> t = pd.to_datetime([0, 50, 1000, 1030, 2000], unit="s", utc=True)
    >>> ev = pd.DataFrame({"timestamp": t, "type": ["disk", "net", "disk", "net", "disk"]})
    >>> c = coincidences(ev, "disk", "net", window="60s")
    >>> c.hits, round(c.share, 3), round(c.chance, 3)
    (2, 0.667, 0.055)
    """
    frame = _events(events)
    delta = _window(window, "window")
    by_type, t0, t1 = _times_by_type(frame)
    for name in (a, b):
        if name not in by_type:
            shown = ", ".join(sorted(by_type)[:20])
            raise InputError(f"type {name!r} has no events; the types are {shown}")
    return _coincidence(a, b, by_type[a], by_type[b], delta, t0, t1)


def coincidence_table(
    events: pd.DataFrame, *, window: Any = "1h", types: Sequence[str] | None = None
) -> pd.DataFrame:
    """Coincidences of every ordered pair of types (see `coincidences`).

    Parameters
    ----------
    events : pandas.DataFrame
        ``timestamp`` and ``type``.
    window : str or pandas.Timedelta, optional
        The window delta.
    types : sequence of str, optional
        Types to include (default: all).

    Returns
    -------
    pandas.DataFrame
        Columns ``a``, ``b``, ``events_a``, ``hits``, ``share``, ``chance``, ``lift`` and
        ``note``; one row per ordered pair ``a != b``.

    Examples
    --------
    >>> t = pd.to_datetime([0, 50, 1000, 1030, 2000], unit="s", utc=True)
    >>> ev = pd.DataFrame({"timestamp": t, "type": ["disk", "net", "disk", "net", "disk"]})
    >>> coincidence_table(ev, window="60s")[["a", "b", "hits"]].to_dict("list")
    {'a': ['disk', 'net'], 'b': ['net', 'disk'], 'hits': [2, 0]}
    """
    frame = _events(events)
    delta = _window(window, "window")
    by_type, t0, t1 = _times_by_type(frame)
    names = list(by_type) if types is None else [str(t) for t in types]
    for name in names:
        if name not in by_type:
            raise InputError(f"type {name!r} has no events")
    if len(names) > MAX_TYPES:
        raise ComputationLimitError(
            f"{len(names):,} types make {len(names) * (len(names) - 1):,} ordered pairs, more "
            f"than the {MAX_TYPES} types compared here at once; choose at most {MAX_TYPES} types"
        )
    rows = []
    for a in names:
        for b in names:
            if a == b:
                continue
            c = _coincidence(a, b, by_type[a], by_type[b], delta, t0, t1)
            rows.append(
                {
                    "a": a,
                    "b": b,
                    "events_a": c.n_a,
                    "hits": c.hits,
                    "share": c.share,
                    "chance": c.chance,
                    "lift": c.lift,
                    "note": c.reason or "",
                }
            )
    columns = ["a", "b", "events_a", "hits", "share", "chance", "lift", "note"]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class Cascades:
    r"""Bursts of events closer than a window in which several types (or groups) fail.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per cascade: ``cascade`` (1, 2, ...), ``start``, ``end``, ``duration_s``,
        ``events``, ``distinct`` (number of different types or groups), ``first`` (the
        first event's type or group), ``members`` ("Hardware x3, Software x1", in order of
        first appearance), ``types``, ``groups`` (when the events have groups) and ``rows``
        (rows of the file).
    window : pandas.Timedelta
        Events closer than this (gap <= window) belong to one burst.
    by : str
        ``"type"`` or ``"group"``: what must differ.
    min_distinct : int
        A burst is a cascade when it has at least this many different types (groups).
    bursts : int
        Bursts of two or more events, cascades or not.
    expected : float or None
        Cascades expected if the labels were shuffled among the same event times (only for
        ``min_distinct = 2``; ``None`` otherwise).
    """

    table: pd.DataFrame
    window: pd.Timedelta
    by: str
    min_distinct: int
    bursts: int
    expected: float | None
    _burst_sizes: tuple[int, ...] = ()
    _label_counts: tuple[int, ...] = ()

    @property
    def count(self) -> int:
        """Number of cascades found."""
        return int(len(self.table))

    def explain(self) -> dict[str, Explanation]:
        """How the number of cascades and its chance expectation are computed.

        Returns
        -------
        dict of str to Explanation
            ``"count"`` and ``"expected"``.
        """
        ref = (
            "Time coalescence of log events: Hansen & Siewiorek, FTCS-22 (1992); "
            "chance by the hypergeometric distribution of shuffled labels"
        )
        count = Explanation(
            quantity="Cascades found",
            value=float(self.count),
            formula=r"\#\{\text{bursts with} \ge m \text{ different } " + self.by + r"\text{s}\}",
            substituted=rf"{self.count} \text{{ of }} {self.bursts} \text{{ bursts}}",
            inputs={"bursts": float(self.bursts)},
            expression="",
            convention=(
                "Events are sorted by time; an event at most "
                f"{_duration(self.window)} after the previous one joins its burst (single "
                "linkage). A burst with at least "
                f"{self.min_distinct} different {self.by}s is a cascade."
            ),
            reference=ref,
        )
        if self.expected is None:
            why = "the chance expectation is computed for at least 2 different labels only"
        else:
            why = None
        expected = Explanation(
            quantity="Cascades expected by chance",
            value=self.expected,
            formula=(
                r"E = \sum_{\text{bursts } b} \left(1 - \sum_k "
                r"\binom{n_k}{m_b} \Big/ \binom{N}{m_b}\right)"
            ),
            substituted=(
                rf"E = {latex_number(self.expected or math.nan, 4)}, \; N = "
                rf"{sum(self._label_counts)}, \; {len(self._burst_sizes)} \text{{ bursts}}"
            ),
            inputs={"N": float(sum(self._label_counts))},
            expression="",
            convention=(
                "Keep every event time (so the bursts stay the same) and shuffle the labels "
                "among the events: a burst of m events is single-label with probability "
                "sum_k C(n_k, m) / C(N, m), n_k being the events of label k."
            ),
            reference=ref,
            unavailable_reason=why,
        )
        return {"count": count, "expected": expected}


def cascades(
    events: pd.DataFrame,
    *,
    window: Any = "10min",
    by: str = "type",
    min_distinct: int = 2,
) -> Cascades:
    r"""Bursts of events (gaps of at most ``window``) with several different types or groups.

    Parameters
    ----------
    events : pandas.DataFrame
        ``timestamp`` and ``type`` (and ``group`` for ``by="group"``), as `read_events`
        returns; ``row`` is reported when present.
    window : str or pandas.Timedelta, optional
        Largest gap between consecutive events of one burst.
    by : {"type", "group"}, optional
        What must differ within a burst: fault types, or components (groups).
    min_distinct : int, optional
        Smallest number of different types (groups) that makes a burst a cascade (>= 2).

    Returns
    -------
    Cascades
        ``table`` (one row per cascade, with its members), ``bursts`` and ``expected``.

    Notes
    -----
    Time coalescence [5]_: sorted by time, an event at most ``window`` after the previous one
    joins its burst. With ``min_distinct = 2``, the number of cascades expected if the labels
    were shuffled among the same times is ``sum over bursts of 1 - sum_k C(n_k, m)/C(N, m)``
    (hypergeometric), ``m`` being the burst's size, ``n_k`` the events of label ``k`` and
    ``N`` all events.

    Examples
    --------
    >>> t = pd.to_datetime([0, 120, 200, 5000, 5100, 9000], unit="s", utc=True)
    >>> ev = pd.DataFrame({"timestamp": t, "type": ["power", "disk", "net", "disk", "disk", "net"]})
    >>> found = cascades(ev, window="5min")
    >>> found.count, found.table.loc[0, "members"]
    (1, 'power x1, disk x1, net x1')
    """
    frame = _events(events)
    gap = _window(window, "window")
    if by not in ("type", "group"):
        raise InputError(f"`by` must be 'type' or 'group', got {by!r}")
    if by == "group" and "group" not in frame.columns:
        raise InputError("`by='group'` needs a `group` column (component, node, system)")
    if isinstance(min_distinct, bool) or not isinstance(min_distinct, (int, np.integer)):
        raise InputError(f"`min_distinct` must be a whole number >= 2, got {min_distinct!r}")
    if min_distinct < 2:
        raise InputError(f"`min_distinct` must be at least 2, got {min_distinct}")
    columns = ["cascade", "start", "end", "duration_s", "events", "distinct", "first", "members"]
    columns += ["types"] + (["groups"] if "group" in frame.columns else []) + ["rows"]
    empty = Cascades(
        pd.DataFrame(columns=columns), pd.Timedelta(int(gap)), by, min_distinct, 0, 0.0
    )
    if frame.empty:
        return empty
    ns = _ns(frame["timestamp"])
    order = np.argsort(ns, kind="stable")
    ns = ns[order]
    sorted_frame = frame.iloc[order].reset_index(drop=True)
    labels = sorted_frame[by].astype(str).to_numpy()
    burst = np.concatenate(([0], np.cumsum(np.diff(ns) > gap)))
    label_codes, label_names = pd.factorize(labels)
    pair_codes = burst * len(label_names) + label_codes
    distinct = np.bincount(burst[np.unique(pair_codes, return_index=True)[1]])
    sizes = np.bincount(burst)
    counts = np.bincount(label_codes).astype(float)
    multi = sizes >= 2
    expected: float | None = None
    if min_distinct == 2:
        n_all = float(len(labels))
        m = sizes[multi].astype(float)
        log_total = (
            special.gammaln(n_all + 1) - special.gammaln(m + 1) - special.gammaln(n_all - m + 1)
        )
        same = np.zeros_like(m)
        for nk in counts:
            ok = m <= nk
            log_k = (
                special.gammaln(nk + 1)
                - special.gammaln(m[ok] + 1)
                - special.gammaln(nk - m[ok] + 1)
            )
            same[ok] += np.exp(log_k - log_total[ok])
        expected = float(np.sum(1.0 - np.minimum(same, 1.0)))
    chosen = np.flatnonzero(distinct >= min_distinct)
    rows = []
    starts = np.searchsorted(burst, chosen, side="left")
    ends = np.searchsorted(burst, chosen, side="right")
    stamps = sorted_frame["timestamp"]
    type_list = sorted_frame["type"].astype(str).tolist()
    has_group = "group" in sorted_frame.columns
    group_list = sorted_frame["group"].astype(str).tolist() if has_group else None
    row_list = sorted_frame["row"].tolist() if "row" in sorted_frame.columns else None
    label_list = labels.tolist()
    for number, (s, e) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True), start=1):
        tally: dict[str, int] = {}
        for name in label_list[s:e]:
            tally[name] = tally.get(name, 0) + 1
        row: dict[str, Any] = {
            "cascade": number,
            "start": stamps.iloc[s],
            "end": stamps.iloc[e - 1],
            "duration_s": float((ns[e - 1] - ns[s]) / 1e9),
            "events": e - s,
            "distinct": len(tally),
            "first": label_list[s],
            "members": ", ".join(f"{name} x{n}" for name, n in tally.items()),
            "types": ", ".join(dict.fromkeys(type_list[s:e])),
        }
        if group_list is not None:
            row["groups"] = ", ".join(dict.fromkeys(group_list[s:e]))
        row["rows"] = ", ".join(map(str, row_list[s:e])) if row_list is not None else ""
        rows.append(row)
    table = pd.DataFrame(rows, columns=columns) if rows else empty.table
    return Cascades(
        table,
        pd.Timedelta(int(gap)),
        by,
        min_distinct,
        int(multi.sum()),
        expected,
        tuple(int(v) for v in sizes[multi]),
        tuple(int(v) for v in counts),
    )
