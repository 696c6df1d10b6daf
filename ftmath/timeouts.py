r"""Timeouts from measured latencies, with confidence; what retries and hedging cost and buy.

Percentiles are nearest-rank (numpy ``method="inverted_cdf"``, the HdrHistogram convention):
the p-th percentile of n samples is the order statistic :math:`x_{(r)}` with
:math:`r = \lceil p n \rceil`, an observed value with at most :math:`(1-p)\,n` samples above it.
Confidence intervals are distribution-free, from order statistics and the binomial
distribution (Conover, *Practical Nonparametric Statistics*, 3rd ed., 1999, sec. 3.2; Hahn &
Meeker, *Statistical Intervals*, 1991, sec. 5.2). Where the sample is too small for a bound
the bound is NaN and the reason is said.

Retry, back-off, budget and hedging maths follow the AWS Builders' Library ("Timeouts,
retries, and backoff with jitter"), Brooker's "Exponential Backoff And Jitter" (AWS
Architecture Blog, 2015), gRPC's retry design (gRFC A6) and Dean & Barroso, "The Tail at
Scale" (CACM 56(2), 2013).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ftmath._validate import as_float, check_positive, check_probability
from ftmath.errors import InputError
from ftmath.explain import Explanation, latex_number
from ftmath.latency import LatencyHistogram
from ftmath.report import plural

__all__ = [
    "DEFAULT_PERCENTILES",
    "JITTERS",
    "HistogramPercentile",
    "PolicyResult",
    "RetryOutcome",
    "TimeoutRecommendation",
    "backoff_table",
    "compare_policies",
    "endpoint_table",
    "histogram_percentile",
    "histogram_percentile_table",
    "hedged_latency",
    "latency_bins",
    "latency_over_time",
    "latency_unit_notes",
    "percentile_spectrum",
    "nearest_rank",
    "percentile_name",
    "percentile_table",
    "quantile_interval_ranks",
    "recommend_timeout",
    "retry_outcome",
    "simulate_policy",
]

DEFAULT_PERCENTILES: tuple[float, ...] = (0.5, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0)
"""p50, p90, p95, p99, p99.9, p99.99 and the maximum."""

JITTERS: tuple[str, ...] = ("none", "full", "equal", "decorrelated")
"""Back-off jitter kinds, as named by Brooker (AWS Architecture Blog, 2015)."""

_CONVENTION = (
    "Nearest rank (numpy method='inverted_cdf', as HdrHistogram): the value of rank "
    "r = ⌈p·n⌉ among the n sorted healthy latencies; at most (1 − p)·n samples lie above it."
)
_CI_REFERENCE = (
    "Conover, Practical Nonparametric Statistics (3rd ed., 1999), sec. 3.2, confidence "
    "interval for a quantile; Hahn & Meeker, Statistical Intervals (1991), sec. 5.2"
)


# --- validation -------------------------------------------------------------------------------


def _latencies(values: Any, name: str = "latencies_ms") -> np.ndarray:
    """A non-empty 1-D array of finite latencies >= 0."""
    if isinstance(values, (str, bytes)):
        raise InputError(f"`{name}` must be a sequence of latencies in ms, got text")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"`{name}` must be a sequence of numbers (latencies in ms)") from None
    if array.ndim != 1:
        raise InputError(f"`{name}` must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise InputError(f"`{name}` is empty: there are no healthy requests to measure")
    bad = ~np.isfinite(array) | (array < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"`{name}[{i}]` must be a finite latency >= 0 ms, got {array[i]:g}")
    return array


MAX_SAMPLE_SIZE = 10**12
"""Largest sample size the rank functions take (far beyond any upload)."""


def _sample_size(n: Any) -> int:
    """A whole number of samples from 1 to `MAX_SAMPLE_SIZE`."""
    if isinstance(n, bool) or not isinstance(n, (int, float, np.integer, np.floating)):
        raise InputError(f"`n` must be a whole number of samples, got {n!r}")
    if not math.isfinite(n) or n != int(n) or not 1 <= n <= MAX_SAMPLE_SIZE:
        raise InputError(
            f"`n` must be a whole number of samples from 1 to {MAX_SAMPLE_SIZE:.0e}, got {n!r}"
        )
    return int(n)


def _fraction(p: float) -> Fraction:
    """The decimal the user meant: 0.9 is 9/10, not the binary double just above it."""
    return Fraction(repr(float(p)))


def nearest_rank(n: int, p: float) -> int:
    r"""The 1-based rank of the nearest-rank p-quantile of n samples: :math:`\lceil p n \rceil`.

    Parameters
    ----------
    n : int
        Sample size, at least 1.
    p : float
        The quantile, in [0, 1]; 0 gives rank 1 (the minimum).

    Returns
    -------
    int
        The rank r in 1..n.

    Notes
    -----
    Computed exactly in decimal (0.9 × 10 is 9, not 9.000000000000002), so it matches the
    percentile a reader computes by hand. numpy's ``inverted_cdf`` method gives the same
    order statistic.

    Examples
    --------
    >>> nearest_rank(10, 0.9), nearest_rank(1000, 0.999), nearest_rank(7, 0.0)
    (9, 999, 1)
    """
    p = check_probability(p, "p")
    return max(1, math.ceil(_fraction(p) * _sample_size(n)))


def quantile_interval_ranks(n: int, p: float, *, confidence: float = 0.95) -> tuple[int, int]:
    r"""Ranks (l, u) of a two-sided distribution-free confidence interval for the p-quantile.

    Parameters
    ----------
    n : int
        Sample size.
    p : float
        The quantile, in [0, 1].
    confidence : float, optional
        The confidence level, in (0, 1).

    Returns
    -------
    tuple of int
        ``(l, u)`` with :math:`[x_{(l)}, x_{(u)}]` covering the p-quantile with probability
        at least ``confidence``. ``l = 0`` means there is no lower bound and ``u = n + 1`` no
        upper bound at this sample size.

    Notes
    -----
    With :math:`B \sim \mathrm{Binomial}(n, p)` (the count of samples at or below the
    quantile), :math:`P(x_{(l)} \le \xi_p < x_{(u)}) \ge P(l \le B \le u - 1)` for any
    distribution. Equal tails: l is the largest rank with :math:`P(B \le l-1) \le \alpha/2`
    and u the smallest with :math:`P(B \le u-1) \ge 1-\alpha/2`, :math:`\alpha = 1 -`
    confidence (Conover 1999, sec. 3.2). An upper bound exists only when
    :math:`p^n \le \alpha/2`, so p99.9 of 1,000 samples has none (:math:`0.999^{1000} = 0.37`).

    Examples
    --------
    The median of 10 samples: the classic 95 % interval is from the 2nd to the 9th value
    (coverage 1 - 2 × 11/1024 = 0.979; Conover 1999, Table A3).

    >>> quantile_interval_ranks(10, 0.5)
    (2, 9)
    >>> quantile_interval_ranks(1000, 0.999)  # no upper bound
    (997, 1001)
    """
    p = check_probability(p, "p")
    confidence = check_probability(confidence, "confidence")
    if not 0.0 < confidence < 1.0:
        raise InputError(f"`confidence` must be in (0, 1), got {confidence}")
    n = _sample_size(n)
    half = (1.0 - confidence) / 2.0
    binom = stats.binom(n, p)
    # lower: largest l with cdf(l - 1) <= half
    j = int(binom.ppf(half))
    while j >= 0 and binom.cdf(j) > half:
        j -= 1
    while j + 1 <= n and binom.cdf(j + 1) <= half:
        j += 1
    lower = j + 1 if j >= 0 else 0
    # upper: smallest u with cdf(u - 1) >= 1 - half
    k = int(binom.ppf(1.0 - half))
    while k - 1 >= 0 and binom.cdf(k - 1) >= 1.0 - half:
        k -= 1
    while k <= n and binom.cdf(k) < 1.0 - half:
        k += 1
    upper = k + 1
    lower = min(lower, n)
    return lower, min(upper, n + 1)


def _coverage(n: int, p: float, lower: int, upper: int) -> float:
    binom = stats.binom(n, p)
    high = binom.cdf(min(upper, n + 1) - 1) if upper <= n else 1.0
    low = binom.cdf(lower - 1) if lower >= 1 else 0.0
    return float(high - low)


def _needed(p: float, confidence: float, *, upper: bool) -> int:
    """The smallest n for which the bound exists: p^n <= alpha/2 (or (1-p)^n for the lower)."""
    half = (1.0 - confidence) / 2.0
    base = p if upper else 1.0 - p
    if base <= 0.0:
        return 1
    if base >= 1.0:
        return 0  # never
    return max(1, math.ceil(math.log(half) / math.log(base) - 1e-12))


def percentile_name(p: float) -> str:
    """``p50``, ``p99.9``, ``max`` for 0.5, 0.999, 1.0.

    Parameters
    ----------
    p : float
        The quantile.

    Returns
    -------
    str
        Its usual name.

    Examples
    --------
    >>> [percentile_name(p) for p in (0.5, 0.999, 0.9999, 1.0)]
    ['p50', 'p99.9', 'p99.99', 'max']
    """
    p = check_probability(p, "p")
    if p >= 1.0:
        return "max"
    if p <= 0.0:
        return "min"
    text = f"{float(_fraction(p) * 100):.6f}".rstrip("0").rstrip(".")
    return f"p{text}"


# --- percentile table and timeout ---------------------------------------------------------


def percentile_table(
    latencies_ms: Any,
    *,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    confidence: float = 0.95,
) -> pd.DataFrame:
    r"""Nearest-rank percentiles with distribution-free confidence intervals.

    Parameters
    ----------
    latencies_ms : array_like
        Healthy latencies in ms (failed requests excluded by the caller).
    percentiles : sequence of float, optional
        Quantiles in [0, 1]; 1.0 is the maximum.
    confidence : float, optional
        Two-sided confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per percentile: ``percentile`` (name), ``p``, ``rank``, ``value_ms``,
        ``ci_low_ms`` and ``ci_high_ms`` (NaN where the sample cannot bound it),
        ``coverage`` (the interval's exact binomial coverage, NaN when a bound is missing)
        and ``note`` (why a bound is missing, and how many samples it would need).

    Notes
    -----
    See :func:`nearest_rank` and :func:`quantile_interval_ranks`. One sort of the data serves
    every row (:math:`O(n \\log n)`).

    Examples
    --------
    >>> table = percentile_table(range(1, 1001), percentiles=[0.5, 0.999])
    >>> table[["percentile", "value_ms", "ci_low_ms", "ci_high_ms"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'percentile': 'p50', 'value_ms': 500.0, 'ci_low_ms': 469.0, 'ci_high_ms': 532.0},
     {'percentile': 'p99.9', 'value_ms': 999.0, 'ci_low_ms': 997.0, 'ci_high_ms': nan}]
    """
    array = _latencies(latencies_ms)
    confidence = check_probability(confidence, "confidence")
    ps = [check_probability(p, f"percentiles[{i}]") for i, p in enumerate(percentiles)]
    ordered = np.sort(array)
    n = ordered.size
    rows = []
    for p in ps:
        rank = nearest_rank(n, p)
        lower, upper = quantile_interval_ranks(n, p, confidence=confidence)
        low = float(ordered[lower - 1]) if lower >= 1 else math.nan
        high = float(ordered[upper - 1]) if upper <= n else math.nan
        notes = []
        if upper > n:
            need = _needed(p, confidence, upper=True)
            notes.append(
                "not enough samples for an upper bound"
                + (f" (needs n ≥ {need:,})" if need else " (a maximum has none)")
            )
        if lower < 1:
            notes.append(
                f"not enough samples for a lower bound (needs n ≥ "
                f"{_needed(p, confidence, upper=False):,})"
            )
        rows.append(
            {
                "percentile": percentile_name(p),
                "p": p,
                "rank": rank,
                "value_ms": float(ordered[rank - 1]),
                "ci_low_ms": low,
                "ci_high_ms": high,
                "coverage": _coverage(n, p, lower, upper) if not notes else math.nan,
                "note": "; ".join(notes),
            }
        )
    table = pd.DataFrame(rows)
    table.attrs.update({"n": n, "confidence": confidence})
    return table


@dataclass(frozen=True)
class TimeoutRecommendation:
    """The timeout that cuts off at most ``1 - target`` of healthy requests, with its interval.

    Attributes
    ----------
    timeout_ms : float
        The nearest-rank ``target`` quantile: an observed latency.
    ci_low_ms, ci_high_ms : float
        Distribution-free confidence bounds for the population's ``target`` quantile; NaN
        where the sample cannot support a bound (see ``reason``).
    n : int
        How many healthy latencies it is computed from.
    target : float
        The share of healthy requests that must finish within the timeout.
    confidence : float
        The interval's confidence level.
    rank : int
        The timeout's rank among the sorted latencies.
    above : int
        How many samples exceed the timeout (at most ``(1 - target) n``).
    ci_ranks : tuple of int
        Ranks of the bounds (0 / n + 1 when missing).
    coverage : float
        The interval's exact binomial coverage (NaN when a bound is missing).
    reason : str
        Why a bound is missing; empty when both exist.
    """

    timeout_ms: float
    ci_low_ms: float
    ci_high_ms: float
    n: int
    target: float
    confidence: float
    rank: int
    above: int
    ci_ranks: tuple[int, int]
    coverage: float
    reason: str

    def explain(self) -> dict[str, Explanation]:
        """How the timeout and its interval are computed, with this sample's numbers.

        Returns
        -------
        dict of str to Explanation
            ``"timeout"`` and ``"interval"``.
        """
        r, (lo, hi) = self.rank, self.ci_ranks
        timeout = Explanation(
            quantity=f"Recommended timeout (p{float(_fraction(self.target) * 100):g})",
            value=self.timeout_ms,
            formula=r"T = x_{(r)},\quad r = \lceil p\,n \rceil",
            substituted=(
                rf"T = x_{{({r})}},\quad r = \lceil {latex_number(self.target)} \times "
                rf"{self.n} \rceil = {r} \;\Rightarrow\; T = {latex_number(self.timeout_ms)}"
                r"\text{ ms}"
            ),
            inputs={"p": self.target, "n": float(self.n), "r": float(r), "x_r": self.timeout_ms},
            expression="",
            convention=_CONVENTION,
            reference="AWS Builders' Library, 'Timeouts, retries, and backoff with jitter' "
            "(timeout at the latency percentile of the acceptable false-timeout rate); "
            "HdrHistogram percentile convention",
            unit="ms",
            notes=(
                f"{self.above:,} of {self.n:,} healthy requests "
                f"({self.above / self.n:.3%}) took longer than the timeout.",
            ),
        )
        reason = self.reason or None
        interval = Explanation(
            quantity=f"{self.confidence:.0%} confidence interval of the timeout",
            value=None if reason else self.coverage,
            formula=(
                r"P\left(x_{(l)} \le \xi_p < x_{(u)}\right) \ge "
                r"\sum_{j=l}^{u-1} \binom{n}{j} p^j (1-p)^{n-j} \ge 1-\alpha"
            ),
            substituted=(
                rf"l = {lo},\ u = {hi},\ n = {self.n},\ p = {latex_number(self.target)}"
                rf"\;\Rightarrow\; [{latex_number(self.ci_low_ms)},\ "
                rf"{latex_number(self.ci_high_ms)}]\text{{ ms}}"
            ),
            inputs={"n": float(self.n), "p": self.target, "l": float(lo), "u": float(hi)},
            expression="",
            convention="Equal-tailed, distribution-free; the value shown is the exact coverage "
            "of the interval [x_(l), x_(u)]",
            reference=_CI_REFERENCE,
            unavailable_reason=reason,
        )
        return {"timeout": timeout, "interval": interval}


def recommend_timeout(
    latencies_ms: Any, target: float = 0.999, *, confidence: float = 0.95
) -> TimeoutRecommendation:
    r"""The smallest observed latency with at most ``1 - target`` of the samples above it.

    Parameters
    ----------
    latencies_ms : array_like
        Healthy latencies in ms.
    target : float, optional
        Share of healthy requests that must finish within the timeout: 0.999 allows 0.1 %
        false timeouts. 1.0 gives the maximum.
    confidence : float, optional
        Two-sided confidence level of the interval.

    Returns
    -------
    TimeoutRecommendation
        ``.timeout_ms``, ``.ci_low_ms``, ``.ci_high_ms`` (NaN where the data cannot support a
        bound), ``.n`` and the details.

    Notes
    -----
    :math:`T = x_{(\\lceil p n \\rceil)}`: with :math:`r = \\lceil pn \\rceil`, at most
    :math:`n - r \\le (1-p) n` samples exceed T, and any smaller observed value has more
    than :math:`(1-p) n` above it. The interval is :func:`quantile_interval_ranks`.

    Examples
    --------
    >>> recommend_timeout(range(1, 11), target=0.9).timeout_ms
    9.0
    >>> recommend_timeout([5, 1, 3], target=1.0).timeout_ms
    5.0
    >>> r = recommend_timeout(range(1, 1001))
    >>> r.timeout_ms, r.ci_low_ms, r.ci_high_ms, r.n
    (999.0, 997.0, nan, 1000)
    """
    array = _latencies(latencies_ms)
    target = check_probability(target, "target")
    confidence = check_probability(confidence, "confidence")
    if not 0 < confidence < 1:
        raise InputError(f"`confidence` must be in (0, 1), got {confidence}")
    return _recommend_sorted(np.sort(array), target, confidence)


def _recommend_sorted(
    ordered: np.ndarray, target: float, confidence: float
) -> TimeoutRecommendation:
    """:func:`recommend_timeout` on validated, sorted latencies."""
    n = ordered.size
    rank = nearest_rank(n, target)
    timeout = float(ordered[rank - 1])
    lower, upper = quantile_interval_ranks(n, target, confidence=confidence)
    reasons = []
    if upper > n:
        need = _needed(target, confidence, upper=True)
        reasons.append(
            f"not enough samples for an upper bound: {plural(n, 'healthy request')}, "
            + (
                f"a {confidence:.0%} upper bound needs at least {need:,}"
                if need
                else "the maximum of a population has no upper bound from a sample"
            )
        )
    if lower < 1:
        need = _needed(target, confidence, upper=False)
        reasons.append(f"not enough samples for a lower bound (needs at least {need:,})")
    above = int(n - np.searchsorted(ordered, timeout, side="right"))
    return TimeoutRecommendation(
        timeout_ms=timeout,
        ci_low_ms=float(ordered[lower - 1]) if lower >= 1 else math.nan,
        ci_high_ms=float(ordered[upper - 1]) if upper <= n else math.nan,
        n=int(n),
        target=target,
        confidence=confidence,
        rank=rank,
        above=above,
        ci_ranks=(lower, upper),
        coverage=_coverage(n, target, lower, upper) if not reasons else math.nan,
        reason="; ".join(reasons),
    )


def endpoint_table(
    frame: pd.DataFrame,
    *,
    target: float = 0.999,
    confidence: float = 0.95,
    percentiles: Sequence[float] = (0.5, 0.99, 0.999),
) -> pd.DataFrame:
    """Per-label percentiles and recommended timeouts from a :func:`read_latencies` table.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``latency_ms``, ``ok`` and ``label``.
    target : float, optional
        The timeout target, as in :func:`recommend_timeout`.
    confidence : float, optional
        Confidence level of the timeout's interval.
    percentiles : sequence of float, optional
        Percentiles to list (nearest rank).

    Returns
    -------
    pandas.DataFrame
        One row per label, slowest timeout first: ``label``, ``requests``, ``failed``,
        ``failed_share``, one ``<name>_ms`` column per percentile, ``max_ms``, ``timeout_ms``,
        ``ci_low_ms``, ``ci_high_ms`` and ``note``. Labels with no healthy request have NaN
        numbers and say so.

    Examples
    --------
    >>> frame = pd.DataFrame({"latency_ms": [1.0, 2, 3, 10, 20], "ok": [True] * 5,
    ...                       "label": ["a", "a", "a", "b", "b"]})
    >>> endpoint_table(frame, target=0.5)[["label", "timeout_ms"]].to_dict("list")
    {'label': ['b', 'a'], 'timeout_ms': [10.0, 2.0]}
    """
    missing = {"latency_ms", "ok", "label"} - set(frame.columns)
    if missing:
        raise InputError(f"`frame` lacks the columns {sorted(missing)}")
    target = check_probability(target, "target")
    confidence = check_probability(confidence, "confidence")
    rows = []
    names = [percentile_name(p) for p in percentiles]
    codes, uniques = pd.factorize(frame["label"], sort=True)
    small = np.int16 if len(uniques) < 2**15 else np.int64  # radix sort for few labels
    order = np.argsort(codes.astype(small), kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    latency_all = frame["latency_ms"].to_numpy(dtype=float)[order]
    ok_all = frame["ok"].to_numpy(dtype=bool)[order]
    for i, label in enumerate(uniques):
        ok = ok_all[bounds[i] : bounds[i + 1]]
        healthy = latency_all[bounds[i] : bounds[i + 1]][ok]
        row: dict[str, Any] = {
            "label": str(label),
            "requests": int(ok.size),
            "failed": int((~ok).sum()),
        }
        row["failed_share"] = row["failed"] / row["requests"]
        if healthy.size == 0:
            row.update(dict.fromkeys([f"{n}_ms" for n in names], math.nan))
            row.update(max_ms=math.nan, timeout_ms=math.nan, ci_low_ms=math.nan)
            row.update(ci_high_ms=math.nan, note="no healthy requests")
        else:
            ordered = np.sort(healthy)
            for p, name in zip(percentiles, names, strict=True):
                row[f"{name}_ms"] = float(ordered[nearest_rank(ordered.size, p) - 1])
            rec = _recommend_sorted(ordered, target, confidence)
            row.update(
                max_ms=float(ordered[-1]),
                timeout_ms=rec.timeout_ms,
                ci_low_ms=rec.ci_low_ms,
                ci_high_ms=rec.ci_high_ms,
                note=rec.reason,
            )
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        raise InputError("`frame` has no rows")
    return table.sort_values("timeout_ms", ascending=False, na_position="last").reset_index(
        drop=True
    )


PLAUSIBLE_MEDIAN_MS: tuple[float, float] = (0.1, 600_000.0)
"""Medians outside 0.1 ms to 10 minutes suggest latencies read in the wrong unit."""


def latency_unit_notes(latencies_ms: Any) -> list[str]:
    """Warnings when the latencies look read in the wrong unit (say seconds taken as ms).

    Parameters
    ----------
    latencies_ms : array_like
        Healthy latencies in ms, as read.

    Returns
    -------
    list of str
        Empty when the median is plausible; otherwise one note that says what the median is
        and which unit the values are more likely in.

    Notes
    -----
    A heuristic on the median, not a proof: a median below 0.1 ms is faster than a network
    round trip within a data centre (about 0.5 ms), so values like 0.05 are more likely
    seconds; a median above 10 minutes is far beyond any request timeout, so values like
    2,000 read as seconds are more likely milliseconds (and 2,000,000 read as ms are more
    likely microseconds).

    Examples
    --------
    >>> latency_unit_notes([0.05, 0.07, 0.04])
    ['median 0.05 ms is faster than a network round trip: are these seconds? Choose the unit.']
    >>> latency_unit_notes([12.0, 30.0, 250.0])
    []
    """
    values = _latencies(latencies_ms)
    median = float(np.median(values))
    low, high = PLAUSIBLE_MEDIAN_MS
    if median < low and median > 0:
        return [
            f"median {median:.3g} ms is faster than a network round trip: are these seconds? "
            "Choose the unit."
        ]
    if median > high:
        minutes = median / 60_000
        return [
            f"median {median:,.0f} ms ({minutes:,.0f} min) is longer than any request "
            "timeout: are these milliseconds read as seconds, or microseconds read as "
            "milliseconds? Choose the unit."
        ]
    return []


def percentile_spectrum(latencies_ms: Any, *, points: int = 300) -> pd.DataFrame:
    r"""The percentile spectrum on a "nines" scale, as HdrHistogram plots it.

    Parameters
    ----------
    latencies_ms : array_like
        Healthy latencies in ms.
    points : int, optional
        How many percentiles, spaced evenly in :math:`\log_{10} 1/(1-p)` from the minimum
        (p = 0) up to the last rank below the maximum, plus the maximum.

    Returns
    -------
    pandas.DataFrame
        ``p``, ``nines`` (:math:`-\log_{10}(1-p)`, inf for the maximum) and ``value_ms``
        (nearest rank).

    Examples
    --------
    >>> spectrum = percentile_spectrum(range(1, 101), points=3)
    >>> spectrum["value_ms"].tolist()
    [1.0, 90.0, 99.0, 100.0]
    """
    ordered = np.sort(_latencies(latencies_ms))
    n = ordered.size
    count = int(points)
    if count < 2:
        raise InputError(f"`points` must be at least 2, got {points}")
    top = math.log10(n) if n > 1 else 0.0  # 1/(1-p) up to n: p = 1 - 1/n, rank n - 1
    nines = np.unique(np.linspace(0.0, top, count))
    ps = 1.0 - 10.0**-nines
    ranks = np.clip(np.ceil(ps * n - 1e-9).astype(int), 1, n)
    frame = pd.DataFrame({"p": ps, "nines": nines, "value_ms": ordered[ranks - 1]})
    last = pd.DataFrame({"p": [1.0], "nines": [math.inf], "value_ms": [float(ordered[-1])]})
    return pd.concat([frame, last], ignore_index=True)


def latency_bins(latencies_ms: Any, *, bins: int = 60, log: bool = True) -> pd.DataFrame:
    """Counts of latencies in bins (logarithmic by default), for a histogram chart.

    Parameters
    ----------
    latencies_ms : array_like
        Latencies in ms.
    bins : int, optional
        Number of bins.
    log : bool, optional
        Logarithmically spaced bins (latencies span decades); zero latencies go to the first.

    Returns
    -------
    pandas.DataFrame
        ``low_ms``, ``high_ms``, ``count``.

    Examples
    --------
    >>> latency_bins([1, 10, 100], bins=2)["count"].tolist()
    [1, 2]
    """
    x = _latencies(latencies_ms)
    count = int(bins)
    if not 1 <= count <= 10_000:
        raise InputError(f"`bins` must be from 1 to 10,000, got {bins}")
    low, high = float(x.min()), float(x.max())
    if log:
        positive = x[x > 0]
        low = float(positive.min()) if positive.size else 1.0
        high = max(high, low * 1.0001)
        edges = np.geomspace(low, high, count + 1)
        counts, _ = np.histogram(np.clip(x, low, high), bins=edges)
    else:
        if high <= low:
            high = low + 1.0
        counts, edges = np.histogram(x, bins=count, range=(low, high))
    return pd.DataFrame({"low_ms": edges[:-1], "high_ms": edges[1:], "count": counts})


def latency_over_time(frame: pd.DataFrame, *, bins: int = 100) -> pd.DataFrame:
    """Latency percentiles and failures per time bin, for the "latency over time" chart.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`ftmath.read_latencies` (needs timestamps).
    bins : int, optional
        Number of equal time bins over the run.

    Returns
    -------
    pandas.DataFrame
        ``start`` (UTC), ``requests``, ``failed``, ``p50_ms``, ``p99_ms``, ``max_ms``
        (nearest rank over the healthy requests of the bin; NaN when it has none).

    Examples
    --------
    >>> f = pd.DataFrame({"latency_ms": [1.0, 2.0, 3.0], "ok": [True, True, False],
    ...                   "timestamp": pd.to_datetime([0, 1, 2], unit="s", utc=True)})
    >>> latency_over_time(f, bins=1)[["requests", "failed", "max_ms"]].to_dict("records")
    [{'requests': 3, 'failed': 1, 'max_ms': 2.0}]
    """
    stamps = frame["timestamp"]
    known = stamps.notna().to_numpy()
    if not known.any():
        raise InputError("the requests have no timestamps: latency over time cannot be shown")
    count = int(bins)
    if not 1 <= count <= 10_000:
        raise InputError(f"`bins` must be from 1 to 10,000, got {bins}")
    t = stamps[known].astype("int64").to_numpy()
    t0, t1 = int(t.min()), int(t.max())
    width = max((t1 - t0) / count, 1.0)
    index = np.minimum(((t - t0) / width).astype(int), count - 1)
    latency = frame["latency_ms"].to_numpy(dtype=float)[known]
    ok = frame["ok"].to_numpy(dtype=bool)[known]
    order = np.lexsort((latency, index))
    index, latency, ok = index[order], latency[order], ok[order]
    rows = []
    bounds = np.searchsorted(index, np.arange(count + 1))
    unit = stamps.dtype.unit if hasattr(stamps.dtype, "unit") else "ns"
    for b in range(count):
        lo, hi = bounds[b], bounds[b + 1]
        if hi == lo:
            continue
        healthy = latency[lo:hi][ok[lo:hi]]
        p50, p99, _ = _percentiles_of(healthy)
        rows.append(
            {
                "start": pd.Timestamp(int(t0 + b * width), unit=unit, tz="UTC"),
                "requests": int(hi - lo),
                "failed": int((~ok[lo:hi]).sum()),
                "p50_ms": p50,
                "p99_ms": p99,
                "max_ms": float(healthy[-1]) if healthy.size else math.nan,
            }
        )
    return pd.DataFrame(rows)


# --- pre-aggregated histograms ----------------------------------------------------------------


@dataclass(frozen=True)
class HistogramPercentile:
    """A percentile estimated from bucket counts, with the bucket that must contain it.

    Attributes
    ----------
    p : float
        The quantile.
    estimate_ms : float
        Prometheus-style linear interpolation in the bucket, or the bucket top for
        HdrHistogram; NaN when the quantile lies in the open ``+Inf`` bucket.
    low_ms, high_ms : float
        The bucket's edges: the nearest-rank percentile lies in (low, high]. ``high_ms`` is
        NaN in the ``+Inf`` bucket.
    reason : str
        Why the estimate is missing, or empty.
    """

    p: float
    estimate_ms: float
    low_ms: float
    high_ms: float
    reason: str = ""


def histogram_percentile(histogram: LatencyHistogram, p: float) -> HistogramPercentile:
    r"""A percentile of pre-aggregated latencies, bounded by the bucket that contains it.

    Parameters
    ----------
    histogram : LatencyHistogram
        From :func:`ftmath.read_latency_histograms`.
    p : float
        The quantile in [0, 1].

    Returns
    -------
    HistogramPercentile
        Estimate and bounds.

    Notes
    -----
    The nearest-rank percentile has rank :math:`r = \lceil p N \rceil`; it lies in the first
    bucket j whose cumulative count :math:`C_j \ge r`, between the edges :math:`(e_{j-1}, e_j]`.
    For Prometheus buckets the estimate interpolates linearly as ``histogram_quantile`` does:
    :math:`e_{j-1} + (e_j - e_{j-1}) (pN - C_{j-1}) / (C_j - C_{j-1})` (Prometheus docs,
    "Histograms and summaries"). HdrHistogram rows are recorded values at their bucket's top
    (HdrHistogram's highest-equivalent value), so the estimate is :math:`e_j`.

    Examples
    --------
    >>> from ftmath import read_latency_histograms
    >>> text = b'm_seconds_bucket{le="0.1"} 50\nm_seconds_bucket{le="0.2"} 100\n'
    >>> h = read_latency_histograms(text)["m_seconds"]
    >>> est = histogram_percentile(h, 0.75)
    >>> round(est.estimate_ms, 6), est.low_ms, est.high_ms
    (150.0, 100.0, 200.0)
    """
    p = check_probability(p, "p")
    counts, edges = histogram.cumulative, histogram.upper_ms
    total = float(counts[-1])
    rank = max(1, math.ceil(_fraction(p) * Fraction(total).limit_denominator(10**6)))
    j = int(np.searchsorted(counts, rank - 1e-9, side="left"))
    j = min(j, counts.size - 1)
    low = float(edges[j - 1]) if j > 0 else histogram.lower_ms
    high = float(edges[j])
    if math.isinf(high):
        return HistogramPercentile(
            p,
            math.nan,
            low,
            math.nan,
            f"lies above the largest finite bucket (le = {low:g} ms): add buckets above it",
        )
    if histogram.interpolation == "linear":
        below = float(counts[j - 1]) if j > 0 else 0.0
        inside = float(counts[j]) - below
        share = (p * total - below) / inside if inside > 0 else 1.0
        estimate = low + (high - low) * min(max(share, 0.0), 1.0)
    else:
        estimate = high
        if j == 0:
            low = high
    return HistogramPercentile(p, estimate, low, high)


def histogram_percentile_table(
    histogram: LatencyHistogram, *, percentiles: Sequence[float] = DEFAULT_PERCENTILES
) -> pd.DataFrame:
    r"""Percentiles of a histogram, each with the bucket edges that bound it.

    Parameters
    ----------
    histogram : LatencyHistogram
        Pre-aggregated latencies.
    percentiles : sequence of float, optional
        Quantiles in [0, 1].

    Returns
    -------
    pandas.DataFrame
        ``percentile``, ``p``, ``estimate_ms``, ``low_ms``, ``high_ms`` and ``note``.

    Examples
    --------
    >>> from ftmath import read_latency_histograms
    >>> text = b'm_seconds_bucket{le="0.1"} 50\nm_seconds_bucket{le="+Inf"} 100\n'
    >>> h = read_latency_histograms(text)["m_seconds"]
    >>> histogram_percentile_table(h, percentiles=[0.5, 0.9])["note"].tolist()[1][:23]
    'lies above the largest '
    """
    rows: list[dict[str, Any]] = []
    for p in percentiles:
        result = histogram_percentile(histogram, p)
        rows.append(
            {
                "percentile": percentile_name(p),
                "p": result.p,
                "estimate_ms": result.estimate_ms,
                "low_ms": result.low_ms,
                "high_ms": result.high_ms,
                "note": result.reason,
            }
        )
    if histogram.interpolation == "upper" and math.isfinite(histogram.max_ms):
        for row in rows:
            if row["p"] >= 1.0:
                row["estimate_ms"] = row["high_ms"] = histogram.max_ms
    return pd.DataFrame(rows)


# --- retries, back-off, budgets ----------------------------------------------------------------


def _budget_share(f: float, retries: int, budget: float | None) -> float:
    r"""The share p of retries a budget lets through: :math:`\sum_{i=1}^{k} (fp)^i = b`."""
    if budget is None or retries == 0:
        return 1.0
    wanted = sum(f**i for i in range(1, retries + 1))
    if wanted <= budget:
        return 1.0
    if budget <= 0:
        return 0.0
    return float(
        optimize.brentq(
            lambda p: sum((f * p) ** i for i in range(1, retries + 1)) - budget,
            0.0,
            1.0,
            xtol=1e-14,
        )
    )


@dataclass(frozen=True)
class RetryOutcome:
    r"""Closed-form success and load of k retries with per-attempt failure probability f.

    Attributes
    ----------
    failure : float
        f: probability that one attempt fails (error or timeout), attempts independent.
    retries : int
        k: retries after the first attempt.
    budget : float or None
        Retry budget: retries at most ``budget`` × requests (None: unlimited).
    allowed : float
        p: share of wanted retries the budget lets through (1 without a budget).
    success : float
        :math:`(1-f)\\sum_{i=0}^{k}(fp)^i`; :math:`1-f^{k+1}` without a budget.
    load : float
        Attempts per request: :math:`1 + \\sum_{i=1}^{k}(fp)^i`;
        :math:`(1-f^{k+1})/(1-f)` without a budget, at most ``1 + budget`` with one.
    unreliability : float
        1 − success, computed directly (never as ``1 - success``, which rounds to 0 once the
        success is within 1e-16 of 1): :math:`f^{k+1}` without a budget,
        :math:`(f(1-p) + (1-f)(fp)^{k+1}) / (1 - fp)` with one. It is 0 only when f is 0
        (or when :math:`f^{k+1}` is below the smallest float, 1e-308: see ``nines``).
    """

    failure: float
    retries: int
    budget: float | None
    allowed: float
    success: float
    load: float
    unreliability: float

    @property
    def nines(self) -> float:
        r"""Nines of the success rate, :math:`-\log_{10}(1 - S)`; ``inf`` only when f is 0.

        Without a budget this is :math:`-(k+1)\log_{10} f`, exact even where
        :math:`f^{k+1}` underflows.
        """
        f, k, p = self.failure, self.retries, self.allowed
        if f == 0.0:
            return math.inf
        if p == 1.0:
            return float(-(k + 1) * math.log10(f))
        return float(-math.log10(self.unreliability)) if self.unreliability > 0 else math.inf

    def explain(self) -> dict[str, Explanation]:
        """How success and load are computed.

        Returns
        -------
        dict of str to Explanation
            ``"success"``, ``"failure"`` (1 − success, computed directly) and ``"load"``.
        """
        f, k, p = self.failure, self.retries, self.allowed
        inputs = {"f": f, "k": float(k), "p": p}
        budget_note = (
            f"A retry budget of {self.budget:.0%} lets a share p = {p:.4g} of the wanted "
            "retries through, so that the retries per request equal the budget."
            if self.budget is not None and p < 1
            else "No retry budget limits the retries (p = 1)."
        )
        success = Explanation(
            quantity="Success rate with retries",
            value=self.success,
            formula=r"S = (1-f)\sum_{i=0}^{k}(fp)^i = (1-f)\,\frac{1-(fp)^{k+1}}{1-fp}",
            substituted=(
                rf"S = (1-{latex_number(f)})\,\frac{{1-({latex_number(f)}\cdot"
                rf"{latex_number(p)})^{{{k + 1}}}}}{{1-{latex_number(f)}\cdot{latex_number(p)}}}"
                rf" = {latex_number(self.success)}"
            ),
            inputs=inputs,
            expression="0.0 if f * p == 1 else (1 - f) * (1 - (f * p) ** (k + 1)) / (1 - f * p)",
            convention="Attempts fail independently with probability f (errors plus per-try "
            "timeouts, measured from the data). Without a budget S = 1 − f^(k+1).",
            reference="AWS Builders' Library, 'Timeouts, retries, and backoff with jitter'; "
            "geometric series; retry budgets as in Finagle's RetryBudget and gRPC A6 throttling",
            notes=(
                budget_note,
                f"Failure probability 1 − S = {self.unreliability:.3g}, computed directly "
                f"({self.nines:.2f} nines): S may round to 1 in floating point, the failure "
                "probability does not.",
            ),
        )
        failure = Explanation(
            quantity="Failure probability with retries",
            value=self.unreliability,
            formula=(
                r"1 - S = f^{k+1}" if p == 1.0 else r"1 - S = \frac{f(1-p) + (1-f)(fp)^{k+1}}{1-fp}"
            ),
            substituted=(
                rf"1 - S = {latex_number(f)}^{{{k + 1}}} = {latex_number(self.unreliability)}"
                if p == 1.0
                else rf"1 - S = \frac{{{latex_number(f)}(1-{latex_number(p)}) + "
                rf"(1-{latex_number(f)})({latex_number(f)}\cdot{latex_number(p)})^{{{k + 1}}}}}"
                rf"{{1-{latex_number(f)}\cdot{latex_number(p)}}} = "
                rf"{latex_number(self.unreliability)}"
            ),
            inputs=inputs,
            expression=(
                "f ** (k + 1) if p == 1 else 1.0 if f * p == 1 else "
                "(f * (1 - p) + (1 - f) * (f * p) ** (k + 1)) / (1 - f * p)"
            ),
            convention="Computed directly, not as 1 − S: a request fails only when all k + 1 "
            "independent attempts fail (or the budget refuses a retry), so retries leave a "
            "small but non-zero failure probability unless f = 0.",
            reference="AWS Builders' Library, 'Timeouts, retries, and backoff with jitter'; "
            "independent Bernoulli trials (Feller, An Introduction to Probability Theory and "
            "Its Applications, vol. 1, 3rd ed., 1968, ch. VI)",
            notes=(budget_note,),
        )
        load = Explanation(
            quantity="Load amplification (attempts per request)",
            value=self.load,
            formula=r"L = \sum_{i=0}^{k}(fp)^i = \frac{1-(fp)^{k+1}}{1-fp}",
            substituted=(
                rf"L = \frac{{1-({latex_number(f)}\cdot{latex_number(p)})^{{{k + 1}}}}}"
                rf"{{1-{latex_number(f)}\cdot{latex_number(p)}}} = {latex_number(self.load)}"
            ),
            inputs=inputs,
            expression="k + 1.0 if f * p == 1 else (1 - (f * p) ** (k + 1)) / (1 - f * p)",
            convention="Each failed attempt is retried while retries remain; with a budget b, "
            "L ≤ 1 + b.",
            reference="AWS Builders' Library, 'Timeouts, retries, and backoff with jitter'",
            notes=(budget_note,),
        )
        return {"success": success, "failure": failure, "load": load}


def retry_outcome(failure: float, retries: int, *, budget: float | None = None) -> RetryOutcome:
    r"""Success rate and load amplification of k retries, in closed form.

    Parameters
    ----------
    failure : float
        f: probability that an attempt fails (error or timeout), in [0, 1].
    retries : int
        k >= 0: retries after the first attempt.
    budget : float, optional
        Retry budget as a share of requests (0.2: at most 20 retries per 100 requests).

    Returns
    -------
    RetryOutcome
        ``.success``, ``.unreliability`` (1 − success, computed directly) and ``.load``, with
        the budget's pass-through share ``.allowed``.

    Notes
    -----
    Independent attempts: k retries succeed with :math:`1 - f^{k+1}` and cost
    :math:`\sum_{i=0}^{k} f^i = (1 - f^{k+1})/(1 - f)` attempts on average. A budget b admits
    a share p of retries with :math:`\sum_{i=1}^{k}(fp)^i = b` when more are wanted, so the
    load is capped at :math:`1 + b` (AWS Builders' Library; Finagle RetryBudget). The failure
    probability :math:`1 - S` is computed directly: :math:`f^{k+1}` without a budget, and with
    one :math:`\sum_{i<k}(fp)^i f(1-p) + (fp)^k f = (f(1-p) + (1-f)(fp)^{k+1})/(1-fp)` (the
    budget refuses retry i+1, or all k+1 attempts fail), so five retries at f = 0.001 fail
    with probability 1e-18 although S rounds to 1.

    Examples
    --------
    f = 0.1 and two retries: success 1 - 0.1³ = 0.999, load 1 + 0.1 + 0.01 = 1.11.

    >>> r = retry_outcome(0.1, 2)
    >>> round(r.success, 12), round(r.load, 12), round(r.unreliability, 15)
    (0.999, 1.11, 0.001)
    >>> r = retry_outcome(0.001, 5)
    >>> r.success, float(f"{r.unreliability:.12g}"), round(r.nines, 9)
    (1.0, 1e-18, 18.0)
    >>> round(retry_outcome(0.5, 3, budget=0.2).load, 12)
    1.2
    """
    f = check_probability(failure, "failure")
    k = _count(retries, "retries")
    b = None if budget is None else check_positive(budget, "budget", allow_zero=True)
    p = _budget_share(f, k, b)
    q = f * p
    if q >= 1.0:
        success, load, unreliability = 0.0, float(k + 1), 1.0
    else:
        geometric = (1.0 - q ** (k + 1)) / (1.0 - q)
        success, load = (1.0 - f) * geometric, geometric
        # directly, with no cancellation: every term is >= 0
        unreliability = (
            f ** (k + 1) if p == 1.0 else (f * (1.0 - p) + (1.0 - f) * q ** (k + 1)) / (1.0 - q)
        )
    return RetryOutcome(f, k, b, p, float(success), float(load), float(min(unreliability, 1.0)))


def _count(value: Any, name: str, *, most: int = 100) -> int:
    number = as_float(value, name)
    if number != int(number) or not 0 <= number <= most:
        raise InputError(f"`{name}` must be a whole number from 0 to {most}, got {value}")
    return int(number)


def _jitter(jitter: str) -> str:
    if jitter not in JITTERS:
        raise InputError(f"`jitter` must be one of {list(JITTERS)}, got {jitter!r}")
    return jitter


def _sample_backoff(
    rng: np.random.Generator,
    size: int,
    retries: int,
    base: float,
    cap: float,
    jitter: str,
) -> np.ndarray:
    """Back-off before each retry, shape (size, retries), per Brooker (2015)."""
    out = np.empty((size, retries))
    if jitter == "decorrelated":
        sleep = np.full(size, base)
        for i in range(retries):
            sleep = np.minimum(cap, rng.uniform(base, np.maximum(base, sleep * 3.0)))
            out[:, i] = sleep
        return out
    for i in range(retries):
        top = min(cap, base * 2.0**i)
        if jitter == "none":
            out[:, i] = top
        elif jitter == "full":
            out[:, i] = rng.uniform(0.0, top, size)
        else:
            out[:, i] = top / 2.0 + rng.uniform(0.0, top / 2.0, size)
    return out


# --- the replay of attempts, shared with ftmath.simulate ---------------------------------------


@dataclass(frozen=True, eq=False)
class _Replay:
    """What a replay gives per request.

    Success, end time (ms from its start; inf when it hangs), attempts sent, and each attempt
    slot's send time (ms from the request's start; NaN when not sent).
    """

    success: np.ndarray
    end: np.ndarray
    attempts: np.ndarray
    sent: np.ndarray


Behaviour = Callable[[int, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
"""``behave(slot, rows, send_ms) -> (latency, ok)``: the latency and outcome of attempt slot
``slot`` of the requests ``rows``, given when each sends it (ms from the request's start);
how chaos on a timeline enters."""


def _retry_rounds(
    x: np.ndarray,
    ok: np.ndarray,
    waits: np.ndarray,
    timeout: float,
    deadline: float,
    *,
    allow: np.ndarray | None = None,
    behave: Behaviour | None = None,
) -> _Replay:
    """Retries with back-off, round by round, vectorised over the requests still going.

    Attempt j is sent at ``s``; with ``limit = min(timeout, deadline - s)`` it succeeds at
    ``s + x`` when it is ok and ``x <= limit``, fails at ``s + x`` when it is not ok and
    ``x <= limit``, and times out at ``s + limit`` otherwise (an infinite latency with no limit
    hangs: the request never ends). After a failure at ``t`` the next attempt goes at
    ``t + wait`` if attempts remain, ``allow`` lets it and it starts before the deadline;
    otherwise the request ends, failed, at ``t``.
    """
    size, slots = x.shape
    end = np.zeros(size)
    success = np.zeros(size, bool)
    attempts = np.zeros(size, np.int64)
    sent = np.full((size, slots), np.nan)
    rows = np.arange(size)
    clock = np.zeros(size)
    for j in range(slots):
        if j:
            following = clock + waits[rows, j - 1]
            going = following < deadline
            if allow is not None:
                going &= allow[rows, j - 1]
            rows, clock = rows[going], following[going]
        if rows.size == 0:
            break
        xj, oj = (x[rows, j], ok[rows, j]) if behave is None else behave(j, rows, clock)
        limit = np.minimum(timeout, deadline - clock)
        in_time = xj <= limit
        sent[rows, j] = clock
        attempts[rows] += 1
        won = oj & in_time
        clock = clock + np.where(in_time, xj, limit)
        end[rows] = clock
        success[rows[won]] = True
        going = ~won & np.isfinite(clock)
        rows, clock = rows[going], clock[going]
    return _Replay(success, end, attempts, sent)


def _hedge_rounds(
    x: np.ndarray,
    ok: np.ndarray,
    delay: float,
    timeout: float,
    deadline: float,
    *,
    behave: Behaviour | None = None,
) -> _Replay:
    """Hedged copies at 0, d, 2d, ..., vectorised over requests; the first success wins.

    Copy k goes at ``k d`` unless an earlier copy has succeeded by then or the deadline has
    passed (strictly: sent when ``k d < min(first success so far, deadline)``). Each copy ends
    as in :func:`_retry_rounds`. A request that gets no success ends when its last copy ends.
    """
    size, slots = x.shape
    first = np.full(size, np.inf)
    last = np.zeros(size)
    attempts = np.zeros(size, np.int64)
    sent = np.full((size, slots), np.nan)
    for k in range(slots):
        start = k * delay
        if start >= deadline:
            break
        rows = np.flatnonzero(start < first) if k else np.arange(size)
        if rows.size == 0:
            break
        at = np.full(rows.size, start)
        xk, ok_k = (x[rows, k], ok[rows, k]) if behave is None else behave(k, rows, at)
        limit = min(timeout, deadline - start)
        in_time = xk <= limit
        done = start + np.where(in_time, xk, limit)
        won = ok_k & in_time
        first[rows] = np.where(won, np.minimum(first[rows], done), first[rows])
        last[rows] = np.maximum(last[rows], done)
        sent[rows, k] = start
        attempts[rows] += 1
    success = np.isfinite(first)
    return _Replay(success, np.where(success, first, last), attempts, sent)


def backoff_table(
    retries: int,
    *,
    base_ms: float,
    cap_ms: float,
    jitter: str = "full",
    samples: int = 100_000,
    seed: int = 0,
) -> pd.DataFrame:
    r"""The wait before each retry: bounds and mean, for exponential back-off with jitter.

    Parameters
    ----------
    retries : int
        How many retries.
    base_ms : float
        Base (initial) back-off, > 0.
    cap_ms : float
        Cap on any one wait, >= ``base_ms``.
    jitter : {"none", "full", "equal", "decorrelated"}, optional
        How the wait is randomised.
    samples : int, optional
        Draws for the decorrelated mean (which has no closed form with a cap).
    seed : int, optional
        Random seed for those draws.

    Returns
    -------
    pandas.DataFrame
        ``retry`` (1..k), ``low_ms``, ``mean_ms``, ``high_ms``, ``method``
        (``"closed form"`` or ``"simulated"``).

    Notes
    -----
    Brooker (2015), with :math:`c_i = \min(\mathrm{cap}, \mathrm{base}\cdot 2^{i-1})` before
    retry i: none waits :math:`c_i`; full jitter :math:`U(0, c_i)` (mean :math:`c_i/2`); equal
    jitter :math:`c_i/2 + U(0, c_i/2)` (mean :math:`3c_i/4`); decorrelated
    :math:`s_i = \min(\mathrm{cap}, U(\mathrm{base}, 3 s_{i-1}))`, :math:`s_0 = \mathrm{base}`.
    gRPC (A6) waits :math:`U(0, \min(\mathrm{initial}\cdot m^{i-1}, \max))`: full jitter.

    Examples
    --------
    >>> backoff_table(4, base_ms=100, cap_ms=1000, jitter="equal")["mean_ms"].tolist()
    [75.0, 150.0, 300.0, 600.0]
    """
    k = _count(retries, "retries")
    base = check_positive(base_ms, "base_ms")
    cap = check_positive(cap_ms, "cap_ms")
    if cap < base:
        raise InputError(
            f"`cap_ms` must be at least `base_ms`: got a cap of {cap:g} ms and a base of "
            f"{base:g} ms"
        )
    jitter = _jitter(jitter)
    rows = []
    if jitter == "decorrelated" and k:
        draws = _sample_backoff(np.random.default_rng(seed), int(samples), k, base, cap, jitter)
    for i in range(1, k + 1):
        top = min(cap, base * 2.0 ** (i - 1))
        if jitter == "none":
            row = (top, top, top, "closed form")
        elif jitter == "full":
            row = (0.0, top / 2.0, top, "closed form")
        elif jitter == "equal":
            row = (top / 2.0, 0.75 * top, top, "closed form")
        else:
            row = (base, float(draws[:, i - 1].mean()), min(cap, base * 3.0**i), "simulated")
        rows.append(
            {"retry": i, "low_ms": row[0], "mean_ms": row[1], "high_ms": row[2], "method": row[3]}
        )
    return pd.DataFrame(rows, columns=["retry", "low_ms", "mean_ms", "high_ms", "method"])


# --- hedging ----------------------------------------------------------------------------------


def hedged_latency(
    latencies_ms: Any, delay_ms: float, *, percentiles: Sequence[float] = (0.5, 0.99, 0.999)
) -> dict[str, float]:
    r"""Exact percentiles and extra load of one hedged request after ``delay_ms``.

    Parameters
    ----------
    latencies_ms : array_like
        Healthy latencies in ms (the empirical distribution F).
    delay_ms : float
        Hedging delay d >= 0.
    percentiles : sequence of float, optional
        Quantiles of the hedged latency to return.

    Returns
    -------
    dict of str to float
        ``extra_load`` (:math:`P(X_1 > d)`) and one entry per percentile name (ms).

    Notes
    -----
    With independent draws :math:`X_1, X_2 \sim F`, the latency is :math:`X_1` if
    :math:`X_1 \le d`, else :math:`\min(X_1, d + X_2)`, so its CDF is :math:`F(t)` for
    :math:`t < d` and :math:`1 - (1 - F(t))(1 - F(t - d))` for :math:`t \ge d` (Dean &
    Barroso, "The Tail at Scale", 2013: a hedge at p95 adds about 5 % load). Percentiles are
    nearest rank of this exact discrete distribution: the smallest t with CDF ≥ p.

    Examples
    --------
    >>> h = hedged_latency([10.0] * 9 + [1000.0], 20.0)
    >>> h["extra_load"], h["p99"]
    (0.1, 30.0)
    """
    x = np.sort(_latencies(latencies_ms))
    d = check_positive(delay_ms, "delay_ms", allow_zero=True)
    n = x.size

    def cdf(t: np.ndarray) -> np.ndarray:
        return np.searchsorted(x, t, side="right") / n

    candidates = np.unique(np.concatenate([x, x + d]))
    f_t = cdf(candidates)
    g = np.where(candidates < d, f_t, 1.0 - (1.0 - f_t) * (1.0 - cdf(candidates - d)))
    result = {"extra_load": float(n - np.searchsorted(x, d, side="right")) / n}
    for p in percentiles:
        p = check_probability(p, "percentiles")
        i = int(np.searchsorted(g, float(p) - 1e-12, side="left"))
        result[percentile_name(p)] = float(candidates[min(i, candidates.size - 1)])
    return result


# --- simulation of a client policy ----------------------------------------------------------


@dataclass(frozen=True)
class PolicyResult:
    """What a client policy does to success, latency and load, on the measured requests.

    Attributes
    ----------
    name : str
        The policy's name.
    success : float
        Share of requests that succeed.
    p50_ms, p99_ms, p999_ms : float
        Nearest-rank percentiles of the latency of successful requests (NaN when none).
    load : float
        Attempts sent per request (1 = no amplification).
    attempt_failure : float
        f: probability that one attempt fails (error, or slower than the per-try timeout).
    closed_form : RetryOutcome or None
        The closed-form success and load for retries (no deadline), to check against.
    method : str
        ``"exact"`` (computed from the data) or ``"simulated, N requests, seed S"``.
    unreliability : float
        Share of requests that fail, counted directly (1 − success without rounding).
    """

    name: str
    success: float
    p50_ms: float
    p99_ms: float
    p999_ms: float
    load: float
    attempt_failure: float
    closed_form: RetryOutcome | None
    method: str
    unreliability: float

    def explain(self) -> dict[str, Explanation]:
        """How the success rate and load are computed for this policy.

        Returns
        -------
        dict of str to Explanation
            ``"success"`` and ``"load"``: closed forms where the policy has them, else the
            simulation described.
        """
        if self.closed_form is not None and self.method == "exact":
            return self.closed_form.explain()
        simulated = {
            "success": Explanation(
                quantity=f"Success rate — {self.name}",
                value=self.success,
                formula=r"S = \frac{\#\{\text{requests that succeed}\}}{N}",
                substituted=rf"S = {latex_number(self.success)}",
                inputs={"S": self.success},
                expression="S",
                convention=f"{self.method}: each attempt draws a recorded request at random "
                "(latency and outcome together); back-off, deadline, budget and hedges are "
                "applied as configured.",
                reference="Bootstrap resampling of the measured requests (Efron & Tibshirani, "
                "An Introduction to the Bootstrap, 1993); policy semantics of gRPC A6 and Envoy",
                notes=(
                    "Closed form without deadline: "
                    + (
                        f"{self.closed_form.success:.6g} (failure probability "
                        f"{self.closed_form.unreliability:.3g})"
                        if self.closed_form is not None
                        else "none (hedging)"
                    ),
                    f"{self.unreliability:.3g} of the simulated requests failed: a sample, so "
                    "0 means none failed in the draws, not that the policy cannot fail.",
                ),
            ),
            "load": Explanation(
                quantity=f"Load amplification — {self.name}",
                value=self.load,
                formula=r"L = \frac{\#\{\text{attempts sent}\}}{N}",
                substituted=rf"L = {latex_number(self.load)}",
                inputs={"L": self.load},
                expression="L",
                convention=f"{self.method}; a hedge is sent when no success has arrived by its "
                "delay.",
                reference="Dean & Barroso, 'The Tail at Scale' (2013); gRPC A6 hedging",
            ),
        }
        return simulated


def _percentiles_of(values: np.ndarray) -> tuple[float, float, float]:
    if values.size == 0:
        return math.nan, math.nan, math.nan
    ordered = np.sort(values)
    return tuple(  # type: ignore[return-value]
        float(ordered[nearest_rank(ordered.size, p) - 1]) for p in (0.5, 0.99, 0.999)
    )


def simulate_policy(
    latencies_ms: Any,
    ok: Any = None,
    *,
    per_try_timeout_ms: float | None = None,
    retries: int = 0,
    deadline_ms: float | None = None,
    backoff_base_ms: float = 25.0,
    backoff_cap_ms: float = 250.0,
    jitter: str = "full",
    retry_budget: float | None = None,
    hedge_delay_ms: float | None = None,
    hedges: int = 0,
    samples: int = 200_000,
    seed: int = 0,
    name: str = "",
) -> PolicyResult:
    r"""Replay the measured requests through a client policy: timeout, retries or hedging.

    Parameters
    ----------
    latencies_ms : array_like
        Latency of every recorded request in ms, failed ones included (a failed request's
        latency is the time until its error; NaN counts as an instant failure).
    ok : array_like of bool, optional
        Whether each request succeeded (all True by default).
    per_try_timeout_ms : float, optional
        Each attempt is abandoned after this long (and counts as failed).
    retries : int, optional
        Retries after a failed attempt.
    deadline_ms : float, optional
        Overall deadline for the request including retries and back-off.
    backoff_base_ms, backoff_cap_ms : float, optional
        Exponential back-off: the wait before retry i is capped at
        ``min(cap, base * 2**(i-1))`` and randomised by ``jitter``.
    jitter : {"none", "full", "equal", "decorrelated"}, optional
        Back-off randomisation (see :func:`backoff_table`).
    retry_budget : float, optional
        At most this many retries per request on average (0.2 = 20 %).
    hedge_delay_ms : float, optional
        Send a hedged copy when no success has arrived after this delay (and again every
        delay, up to ``hedges`` copies). Retries and hedging exclude each other, as in gRPC.
    hedges : int, optional
        How many hedged copies at most.
    samples : int, optional
        Simulated requests (ignored when the result is exact).
    seed : int, optional
        Random seed: the same inputs give the same numbers.
    name : str, optional
        A name for the result.

    Returns
    -------
    PolicyResult
        Success rate, p50/p99/p99.9 of successful requests, load, attempt failure f and the
        closed form for comparison.

    Notes
    -----
    Without retries or hedges the result is exact: success is
    :math:`P(\text{ok} \wedge X \le T)` over the recorded requests. Otherwise each attempt
    draws a recorded request uniformly at random (the empirical joint distribution of latency
    and outcome; attempts independent, as in the closed form of :func:`retry_outcome`). A
    retry waits its back-off first; with a deadline, an attempt's timeout is the smaller of
    the per-try timeout and the time left. The budget lets a share p of retries through
    (:func:`retry_outcome`). A hedged copy k starts at :math:`k d` unless a success has
    arrived; the first success wins (gRPC A6; Envoy hedges on the per-try timeout).

    Examples
    --------
    >>> lat = [10.0] * 90 + [1000.0] * 10
    >>> simulate_policy(lat, per_try_timeout_ms=100).success
    0.9
    >>> r = simulate_policy(lat, per_try_timeout_ms=100, retries=2, seed=1)
    >>> round(r.closed_form.success, 6), abs(r.success - 0.999) < 0.001
    (0.999, True)
    """
    latency = np.asarray(latencies_ms, dtype=float)
    if latency.ndim != 1 or latency.size == 0:
        raise InputError("`latencies_ms` must be a non-empty sequence of latencies")
    outcome = np.ones(latency.size, bool) if ok is None else np.asarray(ok, dtype=bool)
    if outcome.shape != latency.shape:
        raise InputError("`ok` must have one entry per latency")
    if (latency[outcome] < 0).any() or not np.isfinite(latency[outcome]).all():
        raise InputError("`latencies_ms` of successful requests must be finite and >= 0")
    latency = np.where(np.isfinite(latency) & (latency >= 0), latency, 0.0)
    timeout = (
        math.inf
        if per_try_timeout_ms is None
        else check_positive(per_try_timeout_ms, "per_try_timeout_ms")
    )
    deadline = math.inf if deadline_ms is None else check_positive(deadline_ms, "deadline_ms")
    k = _count(retries, "retries")
    m = _count(hedges, "hedges", most=10)
    jitter = _jitter(jitter)
    if k and m:
        raise InputError("choose retries or hedging, not both (as gRPC does per method)")
    if m and hedge_delay_ms is None:
        raise InputError("`hedge_delay_ms` is needed with hedges")
    budget = (
        None
        if retry_budget is None
        else check_positive(retry_budget, "retry_budget", allow_zero=True)
    )
    good = outcome & (latency <= min(timeout, deadline))
    f = float(np.count_nonzero(~good)) / good.size  # counted, not 1 - a rounded mean
    closed = retry_outcome(f, k, budget=budget) if not m else None
    if k == 0 and m == 0:
        healthy = latency[good]
        return PolicyResult(
            name or "Timeout only",
            float(np.count_nonzero(good)) / good.size,
            *_percentiles_of(healthy),
            load=1.0,
            attempt_failure=f,
            closed_form=closed,
            method="exact",
            unreliability=f,
        )
    base = check_positive(backoff_base_ms, "backoff_base_ms")
    cap = check_positive(backoff_cap_ms, "backoff_cap_ms")
    if cap < base:
        raise InputError(
            f"`backoff_cap_ms` must be at least `backoff_base_ms`: got a cap of {cap:g} ms "
            f"and a base of {base:g} ms"
        )
    size = int(samples)
    if not 1_000 <= size <= 5_000_000:
        raise InputError(f"`samples` must be from 1,000 to 5,000,000, got {samples}")
    rng = np.random.default_rng(seed)
    method = f"simulated, {size:,} requests, seed {seed}"
    if m:
        delay = check_positive(hedge_delay_ms, "hedge_delay_ms", allow_zero=True)
        idx = rng.integers(0, latency.size, size=(size, m + 1))
        hedged = _hedge_rounds(latency[idx], outcome[idx], delay, timeout, deadline)
        won = hedged.success
        return PolicyResult(
            name or f"Hedging after {delay:g} ms",
            float(won.mean()),
            *_percentiles_of(hedged.end[won]),
            load=float(hedged.attempts.mean()),
            attempt_failure=f,
            closed_form=None,
            method=method,
            unreliability=float(np.count_nonzero(~won)) / won.size,
        )
    idx = rng.integers(0, latency.size, size=(size, k + 1))
    waits = _sample_backoff(rng, size, k, base, cap, jitter)
    allow = rng.random((size, k)) < (closed.allowed if closed else 1.0)
    replay = _retry_rounds(latency[idx], outcome[idx], waits, timeout, deadline, allow=allow)
    success = replay.success
    return PolicyResult(
        name or f"{k} retries",
        float(success.mean()),
        *_percentiles_of(replay.end[success]),
        load=float(replay.attempts.mean()),
        attempt_failure=f,
        closed_form=closed,
        method=method,
        unreliability=float(np.count_nonzero(~success)) / success.size,
    )


def compare_policies(
    latencies_ms: Any,
    ok: Any = None,
    *,
    timeout_ms: float,
    retries: int = 2,
    deadline_ms: float | None = None,
    backoff_base_ms: float = 25.0,
    backoff_cap_ms: float = 250.0,
    jitter: str = "full",
    retry_budget: float | None = None,
    hedge_delay_ms: float | None = None,
    hedges: int = 1,
    samples: int = 200_000,
    seed: int = 0,
) -> pd.DataFrame:
    """No policy, a timeout, retries and hedging side by side on the same measured requests.

    Parameters
    ----------
    latencies_ms, ok : array_like
        All recorded requests, as in :func:`simulate_policy`.
    timeout_ms : float
        Per-try timeout (the recommended timeout, typically).
    retries, deadline_ms, backoff_base_ms, backoff_cap_ms, jitter, retry_budget : optional
        The retry policy, as in :func:`simulate_policy`.
    hedge_delay_ms : float, optional
        Hedging delay; no hedging row without it.
    hedges : int, optional
        Hedged copies.
    samples, seed : int, optional
        Simulation size and seed.

    Returns
    -------
    pandas.DataFrame
        One row per policy: ``policy``, ``success``, ``failure`` (share of requests that fail,
        counted directly), ``p50_ms``, ``p99_ms``, ``p999_ms``, ``load``, ``attempt_failure``,
        ``method``; ``attrs["results"]`` holds the :class:`PolicyResult` objects.

    Examples
    --------
    >>> table = compare_policies([10.0] * 95 + [500.0] * 5, timeout_ms=100, retries=1,
    ...                          hedge_delay_ms=20, samples=10_000)
    >>> table["policy"].tolist()[:2]
    ['No policy (wait for every answer)', 'Timeout 100 ms']
    """
    common: dict[str, Any] = {"samples": samples, "seed": seed}
    results = [
        simulate_policy(latencies_ms, ok, name="No policy (wait for every answer)", **common),
        simulate_policy(
            latencies_ms,
            ok,
            per_try_timeout_ms=timeout_ms,
            deadline_ms=deadline_ms,
            name=f"Timeout {timeout_ms:g} ms",
            **common,
        ),
    ]
    if retries:
        budget_text = f", budget {retry_budget:.0%}" if retry_budget is not None else ""
        results.append(
            simulate_policy(
                latencies_ms,
                ok,
                per_try_timeout_ms=timeout_ms,
                retries=retries,
                deadline_ms=deadline_ms,
                backoff_base_ms=backoff_base_ms,
                backoff_cap_ms=backoff_cap_ms,
                jitter=jitter,
                retry_budget=retry_budget,
                name=f"Timeout + {retries} retries ({jitter} jitter{budget_text})",
                **common,
            )
        )
    if hedge_delay_ms is not None and hedges:
        results.append(
            simulate_policy(
                latencies_ms,
                ok,
                per_try_timeout_ms=timeout_ms,
                deadline_ms=deadline_ms,
                hedge_delay_ms=hedge_delay_ms,
                hedges=hedges,
                name=f"Timeout + hedge after {hedge_delay_ms:g} ms (up to {hedges})",
                **common,
            )
        )
    table = pd.DataFrame(
        [
            {
                "policy": r.name,
                "success": r.success,
                "failure": r.unreliability,
                "p50_ms": r.p50_ms,
                "p99_ms": r.p99_ms,
                "p999_ms": r.p999_ms,
                "load": r.load,
                "attempt_failure": r.attempt_failure,
                "method": r.method,
            }
            for r in results
        ]
    )
    table.attrs["results"] = results
    return table
