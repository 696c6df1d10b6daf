"""Reliability of series, parallel and k-out-of-n structures; availability, nines, downtime.

Every structure function here keeps **unreliability** (the probability of failure, ``1 - R``)
as a quantity of its own and computes it directly from the components' unreliabilities, never
as ``1 - R`` of a rounded ``R``: five units of 0.999999 in parallel fail with probability
1e-30, which ``1 - parallel(...)`` would round to 0.

References
----------
.. [1] M. Rausand and A. Høyland, *System Reliability Theory: Models, Statistical Methods, and
   Applications*, 2nd ed., Wiley, 2004, ch. 4 (structure functions, k-out-of-n).
.. [2] W. Kuo and M. J. Zuo, *Optimal Reliability Modeling: Principles and Applications*,
   Wiley, 2003, ch. 7 (k-out-of-n systems with non-identical components).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ftmath._validate import check_positive, check_probabilities, check_probability

__all__ = [
    "HOURS_PER_YEAR",
    "HOURS_RANGE",
    "MAX_K_OF_N_UNITS",
    "Downtime",
    "availability",
    "downtime",
    "k_of_n",
    "k_of_n_unreliability",
    "mission_reliability",
    "mission_unreliability",
    "nines",
    "parallel",
    "parallel_unreliability",
    "series",
    "series_unreliability",
    "unavailability",
]

MAX_K_OF_N_UNITS = 100_000
"""Most units in one k-of-n block (exact: the work grows as n squared, ~5 s at the limit)."""

HOURS_PER_YEAR = 8760.0
"""A year of 365 days, the default everywhere a per-year figure is given."""

HOURS_RANGE = (1e-6, 1e12)
"""Durations the redundancy and ROI models accept: from 3.6 ms to about 114 million years,
which keeps every derived rate and cash flow finite."""

# Units processed per block by the vectorised Poisson-binomial recursion (see `_count_pmf`).
_BLOCK = 32


def series(reliabilities: Iterable[float]) -> float:
    """Probability that every unit of a series structure works.

    Parameters
    ----------
    reliabilities : sequence of float
        Reliability (or availability) of each independent unit, each in [0, 1].

    Returns
    -------
    float
        ``prod(R_i)``.

    Notes
    -----
    A series system is never more reliable than its weakest unit [1]_.

    Examples
    --------
    >>> series([0.99, 0.95])
    0.9405
    """
    r = check_probabilities(reliabilities, "reliabilities")
    return float(np.prod(r))


def series_unreliability(unreliabilities: Iterable[float]) -> float:
    """Probability that a series structure fails, computed from the units' unreliabilities.

    Parameters
    ----------
    unreliabilities : sequence of float
        Probability of failure ``Q_i = 1 - R_i`` of each independent unit.

    Returns
    -------
    float
        ``1 - prod(1 - Q_i)``, evaluated as ``-expm1(sum(log1p(-Q_i)))`` so that tiny
        unreliabilities keep all their digits.

    Examples
    --------
    >>> series_unreliability([1e-12, 2e-12])
    3e-12
    """
    q = check_probabilities(unreliabilities, "unreliabilities")
    return float(_series_q(q, axis=0))


def parallel(reliabilities: Iterable[float]) -> float:
    """Probability that at least one unit of a parallel structure works.

    Parameters
    ----------
    reliabilities : sequence of float
        Reliability of each independent unit, each in [0, 1].

    Returns
    -------
    float
        ``1 - prod(1 - R_i)``.

    See Also
    --------
    parallel_unreliability : the same structure's failure probability, to full precision.

    Examples
    --------
    >>> parallel([0.9, 0.9])
    0.99
    """
    r = check_probabilities(reliabilities, "reliabilities")
    return float(_series_q(r, axis=0))


def parallel_unreliability(unreliabilities: Iterable[float]) -> float:
    """Probability that every unit of a parallel structure fails.

    Parameters
    ----------
    unreliabilities : sequence of float
        Probability of failure of each independent unit.

    Returns
    -------
    float
        ``prod(Q_i)``.

    Examples
    --------
    >>> parallel_unreliability([1e-6] * 5)
    1e-30
    """
    q = check_probabilities(unreliabilities, "unreliabilities")
    return float(np.prod(q))


def k_of_n(k: int, reliabilities: Iterable[float]) -> float:
    """Probability that at least ``k`` of ``n`` independent, possibly different units work.

    Parameters
    ----------
    k : int
        Number of units that must work, ``1 <= k <= n``.
    reliabilities : sequence of float
        Reliability of each of the ``n`` units.

    Returns
    -------
    float
        ``P(X >= k)`` where ``X``, the number of working units, is Poisson-binomial.

    Notes
    -----
    Exact for units of different reliabilities: the distribution of the number of working units
    is built one unit at a time, ``P_j(x) = P_{j-1}(x) Q_j + P_{j-1}(x - 1) R_j`` [2]_, in
    blocks of units combined by exact (direct) convolution. A binomial on the mean reliability
    is wrong: 2-of-3 with 0.9, 0.8 and 0.7 is 0.902, not the binomial's 0.896.

    Examples
    --------
    >>> k_of_n(2, [0.9, 0.8, 0.7])
    0.902
    >>> k_of_n(3, [0.9] * 4)
    0.9477
    """
    r = check_probabilities(reliabilities, "reliabilities")
    k = check_k(k, r.size)
    works, _ = k_of_n_tails(k, r, 1.0 - r)
    return float(works)


def k_of_n_unreliability(k: int, unreliabilities: Iterable[float]) -> float:
    """Probability that fewer than ``k`` of ``n`` independent units work.

    Parameters
    ----------
    k : int
        Number of units that must work, ``1 <= k <= n``.
    unreliabilities : sequence of float
        Probability of failure of each unit.

    Returns
    -------
    float
        ``P(X < k)``, summed directly from the terms of the Poisson-binomial distribution.

    Examples
    --------
    >>> k_of_n_unreliability(2, [1e-9, 1e-9, 1e-9])  # two of three down
    3e-18
    """
    q = check_probabilities(unreliabilities, "unreliabilities")
    k = check_k(k, q.size)
    _, fails = k_of_n_tails(k, 1.0 - q, q)
    return float(fails)


def availability(mtbf_hours: float, mttr_hours: float) -> float:
    """Steady-state availability of a repairable unit, ``MTBF / (MTBF + MTTR)``.

    Parameters
    ----------
    mtbf_hours : float
        Mean up time between failures, hours (> 0).
    mttr_hours : float
        Mean time to repair, hours (>= 0).

    Returns
    -------
    float
        The long-run share of time the unit is up.

    Notes
    -----
    MTBF here is the mean *up* time between failures, so a failure-repair cycle lasts
    MTBF + MTTR (Rausand and Høyland [1]_, sec. 13.3).

    Examples
    --------
    >>> round(availability(100, 5), 6)
    0.952381
    """
    mtbf = check_positive(mtbf_hours, "mtbf_hours")
    mttr = check_positive(mttr_hours, "mttr_hours", allow_zero=True)
    return 1.0 / (1.0 + mttr / mtbf)  # MTBF / (MTBF + MTTR), without overflowing the sum


def unavailability(mtbf_hours: float, mttr_hours: float) -> float:
    """Steady-state unavailability, ``MTTR / (MTBF + MTTR)``, computed directly.

    Parameters
    ----------
    mtbf_hours : float
        Mean up time between failures, hours (> 0).
    mttr_hours : float
        Mean time to repair, hours (>= 0).

    Returns
    -------
    float
        The long-run share of time the unit is down.

    Examples
    --------
    >>> unavailability(1e9, 1.0)
    9.99999999e-10
    """
    mtbf = check_positive(mtbf_hours, "mtbf_hours")
    mttr = check_positive(mttr_hours, "mttr_hours", allow_zero=True)
    return 0.0 if mttr == 0.0 else 1.0 / (1.0 + mtbf / mttr)  # MTTR / (MTBF + MTTR)


def mission_reliability(mtbf_hours: float, mission_hours: float) -> float:
    """Probability that a unit with exponential life survives a mission, ``exp(-t / MTBF)``.

    Parameters
    ----------
    mtbf_hours : float
        Mean time between failures, hours (> 0).
    mission_hours : float
        Mission length ``t``, hours (>= 0).

    Returns
    -------
    float
        Reliability over the mission.

    Examples
    --------
    >>> round(mission_reliability(1000, 100), 6)
    0.904837
    """
    mtbf = check_positive(mtbf_hours, "mtbf_hours")
    t = check_positive(mission_hours, "mission_hours", allow_zero=True)
    return math.exp(-t / mtbf)


def mission_unreliability(mtbf_hours: float, mission_hours: float) -> float:
    """Probability of failure within a mission, ``1 - exp(-t / MTBF)``, via ``expm1``.

    Parameters
    ----------
    mtbf_hours : float
        Mean time between failures, hours (> 0).
    mission_hours : float
        Mission length ``t``, hours (>= 0).

    Returns
    -------
    float
        Unreliability over the mission, precise even when it is tiny.

    Examples
    --------
    >>> mission_unreliability(1e12, 1.0)
    1e-12
    """
    mtbf = check_positive(mtbf_hours, "mtbf_hours")
    t = check_positive(mission_hours, "mission_hours", allow_zero=True)
    return -math.expm1(-t / mtbf)


def nines(unreliability: float) -> float:
    """Number of nines of a reliability or availability, ``-log10(1 - R)``.

    Parameters
    ----------
    unreliability : float
        ``1 - R``, the probability of failure (or unavailability), in [0, 1].

    Returns
    -------
    float
        ``-log10(unreliability)``; a value within 1e-9 of a whole number is returned as that
        number, so 0.999 gives 3.0 and not 2.9999999999999996. ``inf`` when the unreliability
        is 0 (a structure that cannot fail).

    Examples
    --------
    >>> nines(1 - 0.999)
    3.0
    >>> round(nines(5e-4), 4)
    3.301
    """
    q = check_probability(unreliability, "unreliability")
    if q == 0.0:
        return math.inf
    value = -math.log10(q)
    whole = round(value)
    if abs(value - whole) <= 1e-9 * max(1.0, abs(value)):
        return float(whole) + 0.0
    return value


@dataclass(frozen=True)
class Downtime:
    """Expected downtime per calendar period for a given unavailability, in hours.

    Attributes
    ----------
    per_year, per_month, per_week, per_day : float
        Expected hours down per period. A month is a twelfth of the year.
    hours_per_year : float
        The year length used.
    """

    per_year: float
    per_month: float
    per_week: float
    per_day: float
    hours_per_year: float


def downtime(unavailability: float, *, hours_per_year: float = HOURS_PER_YEAR) -> Downtime:
    """Expected downtime per year, month, week and day for an unavailability.

    Parameters
    ----------
    unavailability : float
        Long-run share of time down, in [0, 1].
    hours_per_year : float, optional
        Length of the year in hours: 8,760 (365 days, the default) or 8,766 (365.25 days).

    Returns
    -------
    Downtime
        Hours down per year, per month (a twelfth of the year), per week and per day.

    Examples
    --------
    >>> d = downtime(1 - 0.999)
    >>> round(d.per_year, 2), round(d.per_month * 60, 1), round(d.per_week * 60, 2)
    (8.76, 43.8, 10.08)
    """
    u = check_probability(unavailability, "unavailability")
    year = check_positive(hours_per_year, "hours_per_year")
    return Downtime(
        per_year=u * year,
        per_month=u * year / 12.0,
        per_week=u * 168.0,
        per_day=u * 24.0,
        hours_per_year=year,
    )


# --- the shared exact machinery (used by topology.py too) -----------------------------------


def check_k(k: Any, n: int, name: str = "k") -> int:
    """Validate ``k`` of a k-out-of-n structure: an integer in ``1..n``."""
    from ftmath.errors import InputError

    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        if isinstance(k, float) and k.is_integer():
            k = int(k)
        else:
            raise InputError(f"`{name}` must be a whole number between 1 and {n}, got {k!r}")
    k = int(k)
    if not 1 <= k <= n:
        raise InputError(f"`{name}` must be between 1 and n = {n}, got {k}")
    if n > MAX_K_OF_N_UNITS:
        from ftmath.errors import ComputationLimitError

        raise ComputationLimitError(
            f"a k-of-n block of {n:,} units is more than the {MAX_K_OF_N_UNITS:,} computed here "
            "(the exact count distribution grows as n squared); group the units into blocks"
        )
    return k


def _series_q(q: np.ndarray, axis: int) -> np.ndarray:
    """``1 - prod(1 - q)`` along ``axis`` without cancellation: ``-expm1(sum(log1p(-q)))``."""
    with np.errstate(divide="ignore"):
        return -np.expm1(np.sum(np.log1p(-q), axis=axis))


def count_pmf(r: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Distribution of the number of working units among independent units.

    ``r`` and ``q`` have shape ``(n, *batch)`` and hold each unit's reliability and
    unreliability (given separately so that neither loses digits). Returns an array of shape
    ``(n + 1, *batch)`` whose entry ``x`` is ``P(X = x)``. Every entry is a sum of products of
    the inputs with no subtraction, so tiny probabilities keep their relative precision.
    """
    n = r.shape[0]
    if r.ndim == 1 and n > 2 * _BLOCK:
        return _count_pmf_blocked(r, q)
    pmf = np.zeros((n + 1,) + r.shape[1:])
    pmf[0] = 1.0
    for j in range(n):
        pmf[1 : j + 2] = pmf[1 : j + 2] * q[j] + pmf[0 : j + 1] * r[j]
        pmf[0] = pmf[0] * q[j]
    return pmf


def _count_pmf_blocked(r: np.ndarray, q: np.ndarray) -> np.ndarray:
    """`count_pmf` for many scalar units: blocks in parallel, then exact convolution."""
    n = r.size
    blocks = -(-n // _BLOCK)
    pad = blocks * _BLOCK - n
    # Padding units never work (r = 0, q = 1), which leaves the distribution unchanged.
    rb = np.concatenate([r, np.zeros(pad)]).reshape(blocks, _BLOCK)
    qb = np.concatenate([q, np.ones(pad)]).reshape(blocks, _BLOCK)
    part = np.zeros((blocks, _BLOCK + 1))
    part[:, 0] = 1.0
    for j in range(_BLOCK):
        part[:, 1 : j + 2] = (
            part[:, 1 : j + 2] * qb[:, j : j + 1] + part[:, 0 : j + 1] * rb[:, j : j + 1]
        )
        part[:, 0] *= qb[:, j]
    # Pairwise tree of direct (not FFT) convolutions keeps every term a positive sum.
    polys = list(part)
    while len(polys) > 1:
        merged = [np.convolve(a, b) for a, b in zip(polys[0::2], polys[1::2], strict=False)]
        if len(polys) % 2:
            merged.append(polys[-1])
        polys = merged
    return polys[0][: n + 1]


def k_of_n_tails(k: int, r: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(P(X >= k), P(X < k))`` for units with reliabilities ``r`` and unreliabilities ``q``.

    Both tails are summed directly from the distribution of the number of working units, so
    each keeps its precision however close to 0 or 1 the other is.
    """
    pmf = count_pmf(r, q)
    # Each tail is a sum of non-negative terms; rounding can carry it a hair above 1.
    return np.minimum(pmf[k:].sum(axis=0), 1.0), np.minimum(pmf[:k].sum(axis=0), 1.0)
