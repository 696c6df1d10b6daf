r"""Redundant groups: how long they last (MTTF), R(t) and availability, with spares and repair.

A *group* is ``n`` identical units with exponential lives of which ``k`` must work. Units are
either all **active** (in service together, optionally sharing a load that makes survivors
fail faster) or ``k`` are in service and the other ``n - k`` wait as **standby** spares (cold:
they do not fail while waiting; warm: they fail at a lower rate). Each time a unit fails and
the group can survive it, a **fail-over** (detecting the failure and taking the unit out of
service, or switching a spare in) succeeds with probability ``p``; when it fails the group is
down until someone fails over by hand. Failed units are repaired by a limited number of
**crews**, one unit per crew at a time.

Closed forms answer the non-repairable cases (`mttf_active`, `mttf_standby`); everything else
is a continuous-time Markov chain (CTMC) over the number of failed units, solved with
``scipy.linalg``: the steady state from ``pi Q = 0`` with ``sum(pi) = 1`` (LU factorisation of
``Q^T`` with one balance equation replaced by the normalisation), the MTTF as the mean time to
reach a down state from all-up, and R(t) and A(t) from the matrix exponential.

Conventions
-----------
- MTBF is the mean up time of one unit in service; MTTR the mean repair time of one unit by
  one crew. Rates are ``lambda = 1 / MTBF`` and ``mu = 1 / MTTR``.
- While the group is down (fewer than ``k`` units work), its surviving units are out of
  service and do not fail; repairs go on. (Kuo and Zuo [4]_ use the same convention for
  repairable k-out-of-n systems.)
- After a failed fail-over the group is down until a manual fail-over, of mean
  ``failover_hours`` (exponential), puts it back in service; nothing else changes meanwhile.
- Load sharing: with ``m`` active units each fails at ``lambda (n / m) ** load_exponent``; 0
  means no load effect, 1 a failure rate proportional to each unit's share of the load.
- The MTTF is computed as the mean cycle of a regenerative chain (a down group is instantly
  replaced by an all-up one): ``MTTF = sum(pi_up) / (r pi_down)``. This keeps full relative
  precision when the MTTF is astronomically long, where the textbook ``(-Q_UU)^{-1} 1`` loses
  every digit to cancellation.

References
----------
.. [1] M. Rausand and A. Høyland, *System Reliability Theory: Models, Statistical Methods, and
   Applications*, 2nd ed., Wiley, 2004, ch. 8 (Markov processes: parallel and standby
   systems with repair, mean time to first system failure).
.. [2] K. S. Trivedi, *Probability and Statistics with Reliability, Queuing, and Computer
   Science Applications*, 2nd ed., Wiley, 2002: ch. 5 (MTTF of parallel and k-out-of-n
   systems, standby redundancy), ch. 8 (continuous-time Markov chains: two-unit system with
   one repair facility, imperfect coverage).
.. [3] P. D. T. O'Connor and A. Kleyner, *Practical Reliability Engineering*, 5th ed., Wiley,
   2012, ch. 6 (active and standby redundancy).
.. [4] W. Kuo and M. J. Zuo, *Optimal Reliability Modeling: Principles and Applications*,
   Wiley, 2003, ch. 7 (k-out-of-n systems with repair).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.linalg

from ftmath._validate import as_float, check_positive, check_probability
from ftmath.errors import ComputationLimitError, InputError
from ftmath.explain import Explanation, latex_number
from ftmath.reliability import HOURS_PER_YEAR, HOURS_RANGE, Downtime, check_k, downtime, nines
from ftmath.report import plural

__all__ = [
    "ARRANGEMENTS",
    "CONFIGURATIONS",
    "Comparison",
    "RedundancyResult",
    "active_failure_stages",
    "compare_configurations",
    "hours_from_rate",
    "load_sharing",
    "mttf_active",
    "mttf_standby",
    "redundant_group",
    "repairable",
    "warm_standby",
]

ARRANGEMENTS = ("active", "standby")
"""How the units of a group are used: all in service, or ``k`` in service and spares."""

MAX_SPAN = 100
"""Most tolerated failures ``n - k`` of a Markov-chain group (the chain has about twice as
many states, and R(t) needs its matrix exponential)."""


MAX_UNITS = 10_000_000
"""Most units a closed form accepts."""

_BATCH_STATES = 64  # up to this many states, scattered times share one batched expm call

_REFERENCE_CTMC = (
    "Rausand & Høyland, System Reliability Theory, 2nd ed. (2004), ch. 8; Trivedi, "
    "Probability and Statistics with Reliability, Queuing, and Computer Science Applications, "
    "2nd ed. (2002), ch. 8"
)
_REFERENCE_ACTIVE = (
    "Trivedi (2002), ch. 5 (MTTF of a k-out-of-n system of exponential units); Rausand & "
    "Høyland (2004), ch. 8; O'Connor & Kleyner, Practical Reliability Engineering, 5th ed., "
    "ch. 6"
)
_REFERENCE_STANDBY = (
    "Rausand & Høyland (2004), ch. 8 (standby systems, imperfect switching); O'Connor & "
    "Kleyner (2012), ch. 6 (standby redundancy)"
)


# --- closed forms -----------------------------------------------------------------------------


def mttf_active(n: int, mtbf_hours: float, k: int = 1) -> float:
    r"""Mean time to failure of a k-out-of-n group of identical active units, no repair.

    Parameters
    ----------
    n : int
        Units in the group, all in service (``>= 1``).
    mtbf_hours : float
        Mean time between failures of one unit, hours (> 0).
    k : int, optional
        Units that must work, ``1 <= k <= n``; 1 (parallel) by default.

    Returns
    -------
    float
        ``MTBF * sum(1 / i for i in k..n)``, hours.

    Notes
    -----
    With ``i`` units working the next failure comes after ``MTBF / i`` on average
    (the minimum of ``i`` exponential lives), and the group survives ``n - k + 1`` failures:

    .. math:: MTTF = \mathrm{MTBF} \sum_{i=k}^{n} \frac{1}{i}

    So two active units last 1.5 times as long as one, not twice (Trivedi [2]_, ch. 5;
    Rausand and Høyland [1]_).

    Examples
    --------
    >>> mttf_active(2, 1000)
    1500.0
    >>> round(mttf_active(3, 1000, k=2), 2)
    833.33
    """
    n = _units(n, "n")
    k = check_k(k, n)
    mtbf = check_positive(mtbf_hours, "mtbf_hours")
    # Smallest terms first, so the sum keeps its last digit.
    terms = 1.0 / np.arange(n, k - 1, -1, dtype=float)
    return float(mtbf * math.fsum(terms))


def mttf_standby(n: int, mtbf_hours: float, switch_reliability: float = 1.0) -> float:
    r"""Mean time to failure of one active unit with ``n - 1`` cold spares, no repair.

    Parameters
    ----------
    n : int
        Units in the group: one in service and ``n - 1`` cold spares (``>= 1``).
    mtbf_hours : float
        Mean time between failures of a unit in service, hours (> 0). Cold spares do not
        fail while they wait.
    switch_reliability : float, optional
        Probability that a switch-over to the next spare succeeds, in [0, 1].

    Returns
    -------
    float
        ``MTBF * sum(p**i for i in 0..n-1)``, hours: ``n x MTBF`` with a perfect switch.

    Notes
    -----
    The ``i``-th spare is used only if the ``i`` switch-overs before it all succeeded
    (Rausand and Høyland [1]_, ch. 8; O'Connor and Kleyner [3]_, ch. 6):

    .. math:: MTTF = \mathrm{MTBF} \sum_{i=0}^{n-1} p^i = \mathrm{MTBF}\,\frac{1 - p^n}{1 - p}

    computed for ``p >= 0.5`` as ``-expm1(n log1p(-(1 - p))) / (1 - p)`` so that ``p`` near 1
    keeps its digits.
    ``n x MTBF`` — the figure often quoted for any redundancy — holds only here, for cold
    standby with a perfect switch.

    Examples
    --------
    >>> mttf_standby(3, 1000)
    3000.0
    >>> round(mttf_standby(2, 1000, switch_reliability=0.9), 6)
    1900.0
    """
    n = _units(n, "n")
    mtbf = check_positive(mtbf_hours, "mtbf_hours")
    p = check_probability(switch_reliability, "switch_reliability")
    q = 1.0 - p
    if q == 0.0:
        return float(n * mtbf)
    if p < 0.5:  # p**n <= 0.5: no cancellation in 1 - p**n
        return float(mtbf * (1.0 - p**n) / q)
    return float(mtbf * -math.expm1(n * math.log1p(-q)) / q)


def active_failure_stages(
    n: int, mtbf_hours: float, k: int = 1, *, switch_reliability: float = 1.0
) -> pd.DataFrame:
    r"""Why ``n`` active units do not last ``n`` times as long: the group's life, stage by stage.

    Parameters
    ----------
    n : int
        Active units (``>= 1``).
    mtbf_hours : float
        Mean time between failures of one unit, hours (> 0).
    k : int, optional
        Units that must work.
    switch_reliability : float, optional
        Probability ``p`` that the fail-over after each failure the group can survive works
        (1 by default: a perfect fail-over). When it fails the group is down, so the later
        stages are reached only with probability ``p``, ``p**2``, ...

    Returns
    -------
    pandas.DataFrame
        One row per failure the group can live through, with columns ``failure`` (1, 2,
        ...), ``working`` (units working before it), ``mean_hours`` (``MTBF / working``: the
        fastest of ``working`` units fails first), ``reached`` (probability that the group
        is still up when this stage starts, ``p**(failure - 1)``), ``expected_hours``
        (``reached * mean_hours``) and ``cumulative_hours`` (their running sum). The last
        cumulative value is the group's MTTF without repair, as `redundant_group` computes
        it with the same fail-over (`mttf_active` with a perfect one).

    Notes
    -----
    Without repair the group of active units survives failures ``1 .. n - k``, each only if
    its fail-over works (imperfect coverage), so

    .. math:: MTTF = \mathrm{MTBF} \sum_{j=0}^{n-k} \frac{p^j}{n - j}

    (Trivedi [2]_, ch. 8: for two units ``MTTF = (1 + 2p) / (2 lambda)``).

    Examples
    --------
    >>> active_failure_stages(3, 1200)[["working", "mean_hours"]].values.tolist()
    [[3.0, 400.0], [2.0, 600.0], [1.0, 1200.0]]
    >>> stages = active_failure_stages(2, 1000, switch_reliability=0.9)
    >>> stages[["reached", "expected_hours"]].values.round(6).tolist()
    [[1.0, 500.0], [0.9, 900.0]]
    """
    n = _units(n, "n")
    k = check_k(k, n)
    mtbf = check_positive(mtbf_hours, "mtbf_hours")
    p = check_probability(switch_reliability, "switch_reliability")
    if n - k + 1 > 10_000:
        raise ComputationLimitError("`n - k` must be below 10,000 to list every stage")
    working = np.arange(n, k - 1, -1, dtype=float)
    mean = mtbf / working
    reached = p ** np.arange(working.size, dtype=float)
    expected = reached * mean
    return pd.DataFrame(
        {
            "failure": np.arange(1, working.size + 1),
            "working": working,
            "mean_hours": mean,
            "reached": reached,
            "expected_hours": expected,
            "cumulative_hours": np.cumsum(expected),
        }
    )


def hours_from_rate(
    rate: float,
    *,
    per_hours: float = 1.0,
    period: str | None = None,
    name: str = "`rate`",
    mean_name: str = "a mean time",
) -> float:
    """Mean time in hours from a rate given per period: ``per_hours / rate``.

    Parameters
    ----------
    rate : float
        Events (failures, repairs) per period, > 0.
    per_hours : float, optional
        Length of the period in hours: 1 (per hour), 24 (per day), 8760 (per year).
    period : str, optional
        The period's name for messages ("year"); by default its length in hours.
    name, mean_name : str, optional
        What the rate and the mean time are called in messages, such as
        ``"Failure rate λ"`` and ``"an MTBF"``.

    Returns
    -------
    float
        Mean time between events, hours, within `HOURS_RANGE` (the durations the
        redundancy models follow).

    Raises
    ------
    InputError
        A rate that is not a positive number, or one that gives a mean time outside
        `HOURS_RANGE`; the message says which rates are accepted.

    Examples
    --------
    >>> hours_from_rate(2, per_hours=8760)  # two failures a year
    4380.0
    >>> try:
    ...     hours_from_rate(1e300, per_hours=8760, period="year", name="Failure rate λ",
    ...                     mean_name="an MTBF")
    ... except InputError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    Failure rate λ = 1e+300 per year gives an MTBF of 8.76e-297 h, outside the 1e-06 to
    1e+12 h this model follows: enter between 8.76e-09 and 8.76e+09 per year
    """
    try:
        r = check_positive(rate, "rate")
    except InputError as error:
        raise InputError(_relabel(str(error), {"rate": name})) from None
    per = check_positive(per_hours, "per_hours")
    hours = per / r
    low, high = HOURS_RANGE
    if not low <= hours <= high:
        unit = f"per {period}" if period else f"per {per:g} h"
        raise InputError(
            f"{name} = {r:g} {unit} gives {mean_name} of {hours:.3g} h, outside the {low:g} to "
            f"{high:g} h this model follows: enter between {per / high:.3g} and "
            f"{per / low:.3g} {unit}"
        )
    return hours


# --- the Markov-chain model -------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RedundancyResult:
    """A redundant group solved as a Markov chain: MTTF, availability, R(t) and A(t).

    Attributes
    ----------
    k, n : int
        Units that must work, and units in the group.
    mtbf_hours : float
        Mean time between failures of a unit in service.
    mttr_hours : float or None
        Mean repair time of one unit by one crew; ``None`` when failed units are not repaired.
    crews : int
        Repair crews (units repaired at the same time).
    arrangement : str
        ``"active"`` or ``"standby"``.
    standby_mtbf_hours : float
        Mean time to failure of a waiting spare (``inf``: cold standby).
    switch_reliability : float
        Probability that a fail-over succeeds.
    failover_hours : float or None
        Mean time of a manual fail-over after an automatic one failed (``None`` without
        repair).
    load_exponent : float
        Load-sharing exponent (0: none).
    mttf_hours : float
        Mean time from all units up to the first time the group is down.
    availability, unavailability : float
        Long-run share of time the group is up / down, each summed directly over its states.
        Without repair the group ends down for good: availability 0, unavailability 1.
    generator : numpy.ndarray
        The chain's generator ``Q`` (state 0: all units up).
    up_states : numpy.ndarray
        Boolean mask of the states in which the group is up.
    state_labels : tuple of str
        A name for each state.
    """

    k: int
    n: int
    mtbf_hours: float
    mttr_hours: float | None
    crews: int
    arrangement: str
    standby_mtbf_hours: float
    switch_reliability: float
    failover_hours: float | None
    load_exponent: float
    mttf_hours: float
    availability: float
    unavailability: float
    generator: np.ndarray = field(repr=False)
    up_states: np.ndarray = field(repr=False)
    state_labels: tuple[str, ...] = field(repr=False)
    stationary: np.ndarray | None = field(repr=False, default=None)

    @property
    def repairable(self) -> bool:
        """Whether failed units are repaired."""
        return self.mttr_hours is not None

    @property
    def nines(self) -> float:
        """Nines of the steady-state availability, ``-log10(unavailability)``."""
        return nines(self.unavailability)

    def downtime(self, *, hours_per_year: float = HOURS_PER_YEAR) -> Downtime:
        """Expected downtime per year, month, week and day in the long run.

        Parameters
        ----------
        hours_per_year : float, optional
            Length of the year in hours.

        Returns
        -------
        Downtime
            Hours down per period.
        """
        return downtime(self.unavailability, hours_per_year=hours_per_year)

    def reliability(self, t_hours: Any) -> Any:
        """Probability that the group has not been down at any time in ``[0, t]``.

        Parameters
        ----------
        t_hours : float or array_like
            Mission time(s), hours (>= 0).

        Returns
        -------
        float or numpy.ndarray
            ``R(t)``, the same shape as ``t_hours``.

        Examples
        --------
        >>> group = redundant_group(1, 2, 1000.0)
        >>> round(group.reliability(100.0), 6)  # 1 - (1 - exp(-0.1))**2
        0.990944
        """
        return self._transient(t_hours, absorbing=True, want_up=True)

    def unreliability(self, t_hours: Any) -> Any:
        """Probability that the group has been down by ``t``, summed directly (not ``1 - R``).

        Parameters
        ----------
        t_hours : float or array_like
            Mission time(s), hours (>= 0).

        Returns
        -------
        float or numpy.ndarray
            ``1 - R(t)``, precise when tiny.

        Examples
        --------
        >>> group = redundant_group(1, 3, 1000.0)
        >>> f"{group.unreliability(1.0):.6g}"  # (1 - exp(-0.001))**3
        '9.98501e-10'
        """
        return self._transient(t_hours, absorbing=True, want_up=False)

    def availability_at(self, t_hours: Any) -> Any:
        """Probability that the group is up at time ``t``, starting with every unit up.

        Parameters
        ----------
        t_hours : float or array_like
            Time(s), hours (>= 0).

        Returns
        -------
        float or numpy.ndarray
            ``A(t)``; it tends to `availability`. Without repair it equals `reliability`.

        Examples
        --------
        >>> one = repairable(1, 1, 100.0, 5.0)
        >>> round(one.availability_at(1e6), 6)
        0.952381
        """
        return self._transient(t_hours, absorbing=False, want_up=True)

    def unavailability_at(self, t_hours: Any) -> Any:
        """Probability that the group is down at time ``t``, summed directly.

        Parameters
        ----------
        t_hours : float or array_like
            Time(s), hours (>= 0).

        Returns
        -------
        float or numpy.ndarray
            ``1 - A(t)``.
        """
        return self._transient(t_hours, absorbing=False, want_up=False)

    def states(self) -> pd.DataFrame:
        """The chain's states: name, whether the group is up, and steady-state probability.

        Returns
        -------
        pandas.DataFrame
            Columns ``state``, ``up`` and ``probability`` (NaN without repair).
        """
        pi = (
            self.stationary if self.stationary is not None else np.full(len(self.up_states), np.nan)
        )
        return pd.DataFrame(
            {"state": list(self.state_labels), "up": self.up_states, "probability": pi}
        )

    def explain(self, *, mission_hours: float | None = None) -> dict[str, Explanation]:
        """How the headline numbers are computed, with this group's figures.

        Parameters
        ----------
        mission_hours : float, optional
            Adds an explanation of ``R(mission)`` when given.

        Returns
        -------
        dict of str to Explanation
            ``"mttf"``, ``"availability"`` and, with a mission, ``"reliability"``.
        """
        return _explain(self, mission_hours)

    # -- transient solution ------------------------------------------------------------------

    def _transient(self, t_hours: Any, *, absorbing: bool, want_up: bool) -> Any:
        times, scalar = _times(t_hours)
        up_mass, down_mass = self._masses(times, absorbing=absorbing)
        values = up_mass if want_up else down_mass
        return float(values[0]) if scalar else values.reshape(np.shape(t_hours))

    def _masses(self, times: np.ndarray, *, absorbing: bool) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities of "up" and "down" at validated ``times``, each summed directly."""
        absorbing = absorbing or not self.repairable  # without repair, down is for good
        if absorbing:
            # First passage: the up states and one merged, absorbing "down" state.
            index = np.flatnonzero(self.up_states)
            m = index.size
            q = np.zeros((m + 1, m + 1))
            q[:m, :m] = self.generator[np.ix_(index, index)]
            q[:m, m] = self.generator[np.ix_(index, np.flatnonzero(~self.up_states))].sum(axis=1)
            up = np.arange(m + 1) < m
            stationary = None
        else:
            q, up, stationary = self.generator, self.up_states, self.stationary
        up_mass, down_mass = _state_masses(q, up, times, absorbing, stationary)
        return np.clip(up_mass, 0.0, 1.0), np.clip(down_mass, 0.0, 1.0)


def redundant_group(
    k: int,
    n: int,
    mtbf_hours: float,
    *,
    mttr_hours: float | None = None,
    crews: int = 1,
    arrangement: str = "active",
    standby_mtbf_hours: float = math.inf,
    switch_reliability: float = 1.0,
    failover_hours: float | None = None,
    load_exponent: float = 0.0,
) -> RedundancyResult:
    r"""A k-out-of-n group of identical units as a Markov chain, with or without repair.

    Parameters
    ----------
    k : int
        Units that must work for the group to be up, ``1 <= k <= n``.
    n : int
        Units in the group.
    mtbf_hours : float
        Mean time between failures of a unit in service, hours (> 0).
    mttr_hours : float, optional
        Mean time for one crew to repair one unit, hours (> 0). ``None``: no repair.
    crews : int, optional
        Repair crews: at most this many failed units are repaired at once.
    arrangement : {"active", "standby"}, optional
        ``"active"``: all ``n`` units in service. ``"standby"``: ``k`` in service, ``n - k``
        spares waiting.
    standby_mtbf_hours : float, optional
        Mean time to failure of a waiting spare; ``inf`` (the default) is cold standby, a
        finite value warm standby, ``mtbf_hours`` hot standby. Standby arrangement only.
    switch_reliability : float, optional
        Probability ``p`` that a fail-over succeeds when a unit in service fails and the group
        can survive it (coverage). 1 by default.
    failover_hours : float, optional
        Mean time of a manual fail-over after a failed automatic one, hours (> 0); the
        group is down meanwhile. Defaults to ``mttr_hours``. Only used with repair.
    load_exponent : float, optional
        Load sharing for the active arrangement: with ``m`` units working, each fails at
        ``lambda (n / m) ** load_exponent``. 0 (the default): no load effect.

    Returns
    -------
    RedundancyResult
        MTTF, steady-state availability and unavailability, and R(t), A(t) on request.

    Raises
    ------
    InputError
        ``n < 1``, ``k`` outside ``1..n``, hours that are not positive, a probability outside
        [0, 1], an unknown arrangement, or a standby option with the active arrangement.
    ComputationLimitError
        ``n - k`` above `MAX_SPAN`.

    Notes
    -----
    The state is the number ``f`` of failed units (``f = 0..n-k`` up), plus "group down"
    (``k - 1`` working) and, when ``p < 1``, "fail-over failed with ``f`` failed" states. From
    up state ``f`` with ``m = n - f`` working: units in service fail at ``a_f lambda_f``,
    reaching ``f + 1`` with probability ``p`` (or the fail-over-failed state) while
    ``m - 1 >= k``, else the group-down state; waiting spares fail at
    ``(m - k) lambda_s`` (no fail-over needed); ``min(f, c)`` crews repair at ``mu`` each.
    Steady state and MTTF come from LU solves of the generator (`scipy.linalg.lu_factor`),
    R(t) and A(t) from `scipy.linalg.expm` (Rausand and Høyland [1]_, ch. 8; Trivedi [2]_,
    ch. 8).

    Examples
    --------
    >>> group = redundant_group(1, 2, 150.0, mttr_hours=5.0)
    >>> round(group.mttf_hours, 6), round(group.availability, 6)
    (2475.0, 0.997921)
    >>> round(redundant_group(1, 2, 1000.0).mttf_hours, 6)  # no repair: 1.5 x MTBF
    1500.0
    """
    spec = _validate(
        k,
        n,
        mtbf_hours,
        mttr_hours,
        crews,
        arrangement,
        standby_mtbf_hours,
        switch_reliability,
        failover_hours,
        load_exponent,
    )
    q, up, labels = _generator(**spec)
    mttf = _mttf(q, up)
    if spec["mttr"] is not None:
        pi = _stationary(q)
        availability = float(math.fsum(pi[up]))
        unavailability = float(math.fsum(pi[~up]))
    else:
        pi, availability, unavailability = None, 0.0, 1.0
    return RedundancyResult(
        k=spec["k"],
        n=spec["n"],
        mtbf_hours=spec["mtbf"],
        mttr_hours=spec["mttr"],
        crews=spec["crews"],
        arrangement=spec["arrangement"],
        standby_mtbf_hours=spec["standby_mtbf"],
        switch_reliability=spec["p"],
        failover_hours=spec["failover"],
        load_exponent=spec["beta"],
        mttf_hours=mttf,
        availability=availability,
        unavailability=unavailability,
        generator=q,
        up_states=up,
        state_labels=labels,
        stationary=pi,
    )


def repairable(
    k: int,
    n: int,
    mtbf_hours: float,
    mttr_hours: float,
    crews: int = 1,
    *,
    arrangement: str = "active",
    standby_mtbf_hours: float = math.inf,
    switch_reliability: float = 1.0,
    failover_hours: float | None = None,
    load_exponent: float = 0.0,
) -> RedundancyResult:
    r"""A k-out-of-n group whose failed units are repaired by a limited number of crews.

    Parameters
    ----------
    k : int
        Units that must work, ``1 <= k <= n``.
    n : int
        Units in the group.
    mtbf_hours : float
        Mean time between failures of a unit in service, hours (> 0).
    mttr_hours : float
        Mean time for one crew to repair one unit, hours (> 0).
    crews : int, optional
        Repair crews (1 by default: one on-call engineer).
    arrangement, standby_mtbf_hours, switch_reliability, failover_hours, load_exponent
        As in `redundant_group`.

    Returns
    -------
    RedundancyResult
        ``.mttf_hours`` (from all units up to the group's first failure) and
        ``.availability`` (steady state), with R(t) and A(t) on request.

    Notes
    -----
    For two active units and one crew the chain has the closed forms
    ``MTTF = (3 lambda + mu) / (2 lambda^2)`` and
    ``A = (mu^2 + 2 lambda mu) / (mu^2 + 2 lambda mu + 2 lambda^2)`` (Trivedi [2]_, ch. 8;
    Rausand and Høyland [1]_, ch. 8); larger groups are solved numerically.

    Examples
    --------
    >>> group = repairable(1, 2, 150.0, 5.0)
    >>> round(group.mttf_hours, 6)
    2475.0
    >>> group.availability > 0.9979
    True
    """
    if mttr_hours is None:
        raise InputError("`mttr_hours` must be a number of hours > 0 for a repairable group")
    return redundant_group(
        k,
        n,
        mtbf_hours,
        mttr_hours=mttr_hours,
        crews=crews,
        arrangement=arrangement,
        standby_mtbf_hours=standby_mtbf_hours,
        switch_reliability=switch_reliability,
        failover_hours=failover_hours,
        load_exponent=load_exponent,
    )


def warm_standby(
    n: int,
    mtbf_hours: float,
    standby_mtbf_hours: float,
    *,
    k: int = 1,
    switch_reliability: float = 1.0,
    mttr_hours: float | None = None,
    crews: int = 1,
    failover_hours: float | None = None,
) -> RedundancyResult:
    r"""``k`` units in service and ``n - k`` warm spares that fail, more slowly, while waiting.

    Parameters
    ----------
    n : int
        Units in the group.
    mtbf_hours : float
        Mean time between failures of a unit in service, hours.
    standby_mtbf_hours : float
        Mean time to failure of a waiting spare, hours (``inf``: cold standby).
    k : int, optional
        Units in service (all must work).
    switch_reliability : float, optional
        Probability that switching a spare in succeeds.
    mttr_hours : float, optional
        Mean repair time per unit and crew; ``None``: no repair.
    crews : int, optional
        Repair crews.
    failover_hours : float, optional
        Mean time of a manual switch-over after a failed one (with repair).

    Returns
    -------
    RedundancyResult
        The solved chain.

    Notes
    -----
    Without repair and with a perfect switch the group lasts
    ``sum(1 / (k lambda + j lambda_s) for j in 0..n-k)``; with one spare and repair,
    ``MTTF = (2 lambda + lambda_s + mu) / (lambda (lambda + lambda_s))`` (Rausand and
    Høyland [1]_, ch. 8).

    Examples
    --------
    >>> round(warm_standby(2, 1000.0, 4000.0).mttf_hours, 6)  # 1000 + 1000 / 1.25
    1800.0
    """
    return redundant_group(
        k,
        n,
        mtbf_hours,
        mttr_hours=mttr_hours,
        crews=crews,
        arrangement="standby",
        standby_mtbf_hours=standby_mtbf_hours,
        switch_reliability=switch_reliability,
        failover_hours=failover_hours,
    )


def load_sharing(
    k: int,
    n: int,
    mtbf_hours: float,
    *,
    exponent: float = 1.0,
    mttr_hours: float | None = None,
    crews: int = 1,
    switch_reliability: float = 1.0,
    failover_hours: float | None = None,
) -> RedundancyResult:
    r"""Active units sharing a load: survivors of a failure carry more and fail faster.

    Parameters
    ----------
    k : int
        Units that must work.
    n : int
        Units in the group, all active.
    mtbf_hours : float
        Mean time between failures of a unit carrying its normal share ``1 / n`` of the load.
    exponent : float, optional
        With ``m`` units working, each fails at ``lambda (n / m) ** exponent``; 1 (the
        default) makes the failure rate proportional to the load.
    mttr_hours : float, optional
        Mean repair time; ``None``: no repair.
    crews : int, optional
        Repair crews.
    switch_reliability : float, optional
        Probability that a failed unit is detected and taken out of service cleanly.
    failover_hours : float, optional
        Mean time of a manual recovery after an undetected failure (with repair).

    Returns
    -------
    RedundancyResult
        The solved chain.

    Notes
    -----
    For two units without repair, ``MTTF = 1 / (2 lambda_h) + 1 / lambda_f`` where
    ``lambda_h`` is the rate at half load and ``lambda_f`` at full load (Rausand and
    Høyland [1]_, ch. 8).

    Examples
    --------
    >>> round(load_sharing(1, 2, 1000.0).mttf_hours, 6)  # 1000/2 + 1000/2
    1000.0
    """
    return redundant_group(
        k,
        n,
        mtbf_hours,
        mttr_hours=mttr_hours,
        crews=crews,
        arrangement="active",
        switch_reliability=switch_reliability,
        failover_hours=failover_hours,
        load_exponent=exponent,
    )


# --- the comparison the page shows ------------------------------------------------------------


CONFIGURATIONS = {
    "single": "Single unit",
    "active": "Active",
    "cold": "Cold standby",
    "warm": "Warm standby",
    "load": "Load sharing",
}
"""The kinds of configuration a `Comparison` offers, by a stable name. Every kind but
``"single"`` uses the ``k`` and ``n`` the comparison was made for; the table also holds a
``"parallel"`` row (active 1-of-n) for reference when ``k > 1``."""


@dataclass(frozen=True, eq=False)
class Comparison:
    """Several configurations of the same units, side by side.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per configuration and repair option: ``configuration``, ``kind`` (a key of
        `CONFIGURATIONS`, or ``"parallel"`` for the 1-of-n reference row when ``k > 1``),
        ``repair``, ``k``, ``n``, ``mttf_hours``, ``mttf_vs_single`` (MTTF over one unit's,
        same repair), ``availability``, ``unavailability``, ``nines``,
        ``downtime_hours_per_year`` (NaN without repair: such a group ends down for good),
        ``mission_hours``, ``mission_reliability``, ``mission_unreliability`` (NaN when R(t)
        cannot be followed that far), ``mission_note`` (why, or "") and ``note``.
    groups : dict of str to RedundancyResult
        The solved chains, keyed ``"<configuration> | <repair>"`` as in `key`.
    """

    table: pd.DataFrame
    groups: Mapping[str, RedundancyResult]

    @staticmethod
    def key(configuration: str, repair: str) -> str:
        """The key of a row in `groups`."""
        return f"{configuration} | {repair}"

    def key_for(self, kind: str, *, repaired: bool) -> str | None:
        """The key of the row of a kind of configuration, with or without repair.

        Parameters
        ----------
        kind : str
            A key of `CONFIGURATIONS` (or ``"parallel"``).
        repaired : bool
            The row with the comparison's repair crews, or the one without repair.

        Returns
        -------
        str or None
            The key in `groups`; ``None`` when the comparison has no such row (standby and
            load sharing need ``n > k``, warm standby a warm spare rate, load sharing an
            exponent above 0).

        Examples
        --------
        >>> c = compare_configurations(3, 1000.0, 10.0, k=2)
        >>> c.key_for("active", repaired=True)
        'Active 2-of-3 | 1 crew'
        >>> c.key_for("warm", repaired=True) is None
        True
        """
        rows = self.table[
            (self.table["kind"] == kind) & ((self.table["repair"] != "none") == repaired)
        ]
        if rows.empty:
            return None
        return Comparison.key(rows["configuration"].iloc[0], rows["repair"].iloc[0])

    def curves(self, t_hours: Any) -> pd.DataFrame:
        """R(t) and its complement for every configuration, in long form for plotting.

        Parameters
        ----------
        t_hours : array_like
            Times, hours (>= 0).

        Returns
        -------
        pandas.DataFrame
            Columns ``configuration``, ``repair``, ``t_hours``, ``reliability`` and
            ``unreliability`` (each computed directly; NaN for a configuration whose chain
            cannot be followed to the last time, as its ``mission_note`` in `table` says).
        """
        times, _ = _times(t_hours)
        # A chain that could not be followed to the mission cannot be followed further either
        # (the same long-run search fails): do not try again.
        limited = {
            Comparison.key(c, r): m
            for c, r, m, note in zip(
                self.table["configuration"],
                self.table["repair"],
                self.table["mission_hours"],
                self.table["mission_note"],
                strict=True,
            )
            if note
        }
        last = float(times.max()) if times.size else 0.0
        frames = []
        for key, group in self.groups.items():
            configuration, repair = key.split(" | ", 1)
            reliability = unreliability = np.full(times.size, np.nan)
            if not (key in limited and last >= limited[key]):
                try:
                    reliability, unreliability = group._masses(times, absorbing=True)
                except ComputationLimitError:
                    pass  # NaN: not drawn
            frames.append(
                pd.DataFrame(
                    {
                        "configuration": configuration,
                        "repair": repair,
                        "t_hours": times,
                        "reliability": reliability,
                        "unreliability": unreliability,
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)


def compare_configurations(
    n: int,
    mtbf_hours: float,
    mttr_hours: float,
    *,
    k: int = 1,
    crews: int = 1,
    switch_reliability: float = 1.0,
    failover_hours: float | None = None,
    standby_mtbf_hours: float | None = None,
    standby_rate_percent: float | None = None,
    load_exponent: float = 0.0,
    mission_hours: float = HOURS_PER_YEAR,
    hours_per_year: float = HOURS_PER_YEAR,
) -> Comparison:
    """The same units arranged in several ways, each without and with repair.

    Parameters
    ----------
    n : int
        Units in the group (``>= 1``).
    mtbf_hours, mttr_hours : float
        One unit's mean time between failures and mean repair time by one crew, hours.
    k : int, optional
        Units that must work.
    crews : int, optional
        Repair crews for the "with repair" rows.
    switch_reliability : float, optional
        Probability that each fail-over (or switch to a spare) succeeds.
    failover_hours : float, optional
        Mean time of a manual fail-over after a failed one; defaults to ``mttr_hours``.
    standby_mtbf_hours : float, optional
        Mean time to failure of a waiting warm spare; adds warm-standby rows when given.
    standby_rate_percent : float, optional
        The same given as the percentage of an active unit's failure rate at which a waiting
        spare fails, in [0, 100]: 0 adds no warm-standby rows (cold spares do not fail).
        Give at most one of the two.
    load_exponent : float, optional
        Adds load-sharing rows when > 0 (see `load_sharing`).
    mission_hours : float, optional
        Mission time for the R(mission) columns (a year by default).
    hours_per_year : float, optional
        Year length for downtime per year.

    Returns
    -------
    Comparison
        The table and the solved groups.

    Raises
    ------
    InputError
        Any input out of range, named by its parameter in backticks (a page maps those
        names to its labels). A configuration whose R(mission)
        cannot be followed does not raise: its ``mission_note`` says why and what to change.

    Notes
    -----
    Configurations: a single unit; ``n`` active units of which one is enough (when that
    group is within `MAX_SPAN`); ``k``-of-``n`` active (when ``1 < k < n``); ``k`` in service
    with ``n - k`` cold spares; the same with warm spares; load sharing. Each appears without
    repair and with ``crews`` crews.

    Examples
    --------
    >>> c = compare_configurations(2, 150.0, 5.0)
    >>> c.table[["configuration", "repair", "mttf_hours"]].round(2).values.tolist()[:4]
    [['Single unit', 'none', 150.0], ['Single unit', '1 crew', 150.0], \
['Active 1-of-2', 'none', 225.0], ['Active 1-of-2', '1 crew', 2475.0]]
    >>> try:
    ...     compare_configurations(2, -5.0, 5.0)
    ... except InputError as error:
    ...     print(error)
    `mtbf_hours` must be > 0, got -5.0
    """
    spec = _validate(
        k,
        n,
        mtbf_hours,
        mttr_hours,
        crews,
        "active",
        math.inf,
        switch_reliability,
        failover_hours,
        load_exponent,
    )
    mission = check_positive(mission_hours, "mission_hours", allow_zero=True)
    year = check_positive(hours_per_year, "hours_per_year")
    standby_mtbf = _standby_mtbf(spec["mtbf"], standby_mtbf_hours, standby_rate_percent)
    n, k, mtbf, mttr, crews = spec["n"], spec["k"], spec["mtbf"], spec["mttr"], spec["crews"]
    beta = spec["beta"]
    common = {"switch_reliability": spec["p"], "failover_hours": failover_hours}
    configurations: list[tuple[str, str, dict[str, Any]]] = [
        ("Single unit", "single", {"k": 1, "n": 1})
    ]
    if 1 < n <= MAX_SPAN + 1:
        kind = "active" if k == 1 else "parallel"
        configurations.append((f"Active 1-of-{n}", kind, {"k": 1, "n": n, **common}))
    if 1 < k < n:
        configurations.append((f"Active {k}-of-{n}", "active", {"k": k, "n": n, **common}))
    if k == n and n > 1:
        configurations.append((f"Active {k}-of-{n} (no spare)", "active", {"k": k, "n": n}))
    if n > k:
        spares = n - k
        label = f"{k} + {spares} spare{'s' if spares > 1 else ''}"
        standby = {"k": k, "n": n, "arrangement": "standby", **common}
        configurations.append((f"Cold standby {label}", "cold", standby))
        if standby_mtbf is not None:
            configurations.append(
                (f"Warm standby {label}", "warm", {**standby, "standby_mtbf_hours": standby_mtbf})
            )
        if beta > 0:
            configurations.append(
                (
                    f"Load sharing {k}-of-{n}",
                    "load",
                    {"k": k, "n": n, "load_exponent": beta, **common},
                )
            )
    crew_label = f"{crews} crew{'s' if crews > 1 else ''}"
    rows, groups = [], {}
    single: dict[str, float] = {}
    found: dict[tuple[int, int], float | None] = {}
    for configuration, kind, options in configurations:
        repair_choices: tuple[tuple[str, dict[str, Any]], ...] = (
            ("none", {}),
            (crew_label, {"mttr_hours": mttr, "crews": crews}),
        )
        for repair, repair_options in repair_choices:
            group = redundant_group(
                options["k"],
                options["n"],
                mtbf,
                **{key: v for key, v in options.items() if key not in ("k", "n")},
                **repair_options,
            )
            groups[Comparison.key(configuration, repair)] = group
            single.setdefault(repair, group.mttf_hours)
            repaired = group.repairable
            mission_note = ""
            try:
                (survive,), (fail,) = group._masses(np.array([mission]), absorbing=True)
            except ComputationLimitError:
                survive = fail = math.nan
                mission_note = _mission_limit(group, mission, found)
            rows.append(
                {
                    "configuration": configuration,
                    "kind": kind,
                    "repair": repair,
                    "k": group.k,
                    "n": group.n,
                    "mttf_hours": group.mttf_hours,
                    "mttf_vs_single": group.mttf_hours / single[repair],
                    "availability": group.availability if repaired else math.nan,
                    "unavailability": group.unavailability if repaired else math.nan,
                    "nines": group.nines if repaired else math.nan,
                    "downtime_hours_per_year": (
                        group.unavailability * year if repaired else math.nan
                    ),
                    "mission_hours": mission,
                    "mission_reliability": float(survive),
                    "mission_unreliability": float(fail),
                    "mission_note": mission_note,
                    "note": (
                        ""
                        if repaired
                        else "no repair: the group stays down once it fails, so its long-run "
                        "availability is 0; see MTTF and R(t)"
                    ),
                }
            )
    return Comparison(table=pd.DataFrame(rows), groups=groups)


def _relabel(message: str, labels: Mapping[str, str] | None) -> str:
    """``message`` with each backticked parameter name replaced by the caller's word for it."""
    for name, label in (labels or {}).items():
        message = message.replace(f"`{name}`", label)
    return message


def _standby_mtbf(mtbf: float, standby_mtbf_hours: Any, standby_rate_percent: Any) -> float | None:
    """A warm spare's mean life from one of its two forms, or ``None`` (no warm spares)."""
    if standby_rate_percent is not None:
        if standby_mtbf_hours is not None:
            raise InputError(
                "give `standby_mtbf_hours` or `standby_rate_percent`, not both: they describe "
                "the same warm spare"
            )
        percent = as_float(standby_rate_percent, "standby_rate_percent")
        if not 0.0 <= percent <= 100.0:
            raise InputError(
                f"`standby_rate_percent` must be a percentage in [0, 100] (0: cold spares, "
                f"100: spares that fail as fast as active units), got {percent:g}"
            )
        return None if percent == 0.0 else mtbf * 100.0 / percent
    if standby_mtbf_hours is None:
        return None
    return _hours_or_inf(standby_mtbf_hours, "standby_mtbf_hours")


def _mission_limit(
    group: RedundancyResult,
    mission: float,
    found: dict[tuple[int, int], float | None] | None = None,
) -> str:
    """Why R(mission) of ``group`` cannot be followed, which input causes it, what to change.

    ``found`` keeps the largest workable load exponent per ``(k, n)`` between calls, so the
    rows of one configuration share one search.
    """
    fastest = float(np.max(-np.diag(group.generator)[group.up_states]))
    reach = _STIFF / fastest
    if group.load_exponent > 0.0:
        beta = group.load_exponent
        factor = (group.n / group.k) ** beta
        found = {} if found is None else found
        if (group.k, group.n) not in found:
            found[(group.k, group.n)] = _largest_load_exponent(group, mission)
        largest = found[(group.k, group.n)]
        change = (
            f"set `load_exponent` to at most {largest:.3g}"
            if largest is not None
            else "set a smaller `load_exponent`"
        )
        return (
            f"R({mission:,.6g} h) cannot be computed: `load_exponent` = {beta:g} makes the last "
            f"units working fail {factor:.3g} times as often as at normal load "
            f"({fastest:.3g} failures per hour), too fast to follow over {mission:,.6g} h "
            f"(R(t) can be followed up to {reach:.3g} h); {change}"
        )
    return (
        f"R({mission:,.6g} h) cannot be computed: the fastest change of this group "
        f"({fastest:.3g} per hour) is too fast to follow over {mission:,.6g} h; set "
        f"`mission_hours` to at most {reach:.3g} h"
    )


def _largest_load_exponent(group: RedundancyResult, mission: float) -> float | None:
    """The largest load exponent (rounded down to 0.1) at which R(mission) can be followed.

    Checked with and without repair, so that one figure serves both rows of the comparison.
    ``None`` when even 0 does not work, or when the chain is too large to search quickly.
    """
    if group.generator.shape[0] > _BATCH_STATES:
        return None
    repaired: dict[str, Any] = {
        "mttr_hours": group.mttr_hours,
        "crews": group.crews,
        "failover_hours": group.failover_hours,
    }
    variants: list[dict[str, Any]] = [repaired, {}] if group.repairable else [{}]

    def works(beta: float) -> bool:
        try:
            for options in variants:
                trial = redundant_group(
                    group.k,
                    group.n,
                    group.mtbf_hours,
                    switch_reliability=group.switch_reliability,
                    load_exponent=beta,
                    **options,
                )
                trial._masses(np.array([mission]), absorbing=True)
        except ComputationLimitError:
            return False
        return True

    low, high = 0.0, group.load_exponent
    if not works(low):
        return None
    while high - low > 0.005 * high:
        middle = (low + high) / 2.0
        if works(middle):
            low = middle
        else:
            high = middle
    return math.floor(low * 10.0) / 10.0


# --- internals: validation ---------------------------------------------------------------------


def _units(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)):
        raise InputError(f"`{name}` must be a whole number of units >= 1, got {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise InputError(f"`{name}` must be a whole number of units >= 1, got {value!r}")
        value = int(value)
    value = int(value)
    if value < 1:
        raise InputError(f"`{name}` must be at least 1, got {value}")
    if value > MAX_UNITS:
        raise ComputationLimitError(f"`{name}` must be at most {MAX_UNITS:,}, got {value:,}")
    return value


def _validate(
    k: Any,
    n: Any,
    mtbf_hours: Any,
    mttr_hours: Any,
    crews: Any,
    arrangement: Any,
    standby_mtbf_hours: Any,
    switch_reliability: Any,
    failover_hours: Any,
    load_exponent: Any,
) -> dict[str, Any]:
    n = _units(n, "n")
    k = check_k(k, n)
    if n - k > MAX_SPAN:
        raise ComputationLimitError(
            f"a group that tolerates {n - k:,} failures (`n - k`) is beyond this Markov model, "
            f"which follows at most {MAX_SPAN:,}: use fewer units or a larger `k`"
        )
    mtbf = _hours(mtbf_hours, "mtbf_hours")
    mttr = None if mttr_hours is None else _hours(mttr_hours, "mttr_hours")
    crews = _units(crews, "crews")
    if arrangement not in ARRANGEMENTS:
        raise InputError(f"`arrangement` must be one of {ARRANGEMENTS}, got {arrangement!r}")
    standby_mtbf = _hours_or_inf(standby_mtbf_hours, "standby_mtbf_hours")
    if arrangement == "active" and math.isfinite(standby_mtbf):
        raise InputError(
            "`standby_mtbf_hours` applies to the standby arrangement; active units all fail at "
            "the rate of `mtbf_hours`"
        )
    p = check_probability(switch_reliability, "switch_reliability")
    failover = None
    if mttr is not None:
        failover = mttr if failover_hours is None else _hours(failover_hours, "failover_hours")
    elif failover_hours is not None:
        _hours(failover_hours, "failover_hours")
    beta = check_positive(load_exponent, "load_exponent", allow_zero=True)
    if arrangement == "standby" and beta != 0.0:
        raise InputError(
            "`load_exponent` applies to the active arrangement; standby spares carry no load"
        )
    if beta > 50:
        raise InputError(f"`load_exponent` must be at most 50, got {beta:g}")
    return {
        "k": k,
        "n": n,
        "mtbf": mtbf,
        "mttr": mttr,
        "crews": crews,
        "arrangement": arrangement,
        "standby_mtbf": standby_mtbf,
        "p": p,
        "failover": failover,
        "beta": beta,
    }


def _hours(value: Any, name: str) -> float:
    """A duration in hours within `HOURS_RANGE`, where double precision follows the chain."""
    hours = check_positive(value, name)
    low, high = HOURS_RANGE
    if not low <= hours <= high:
        raise InputError(f"`{name}` must be between {low:g} and {high:g} hours, got {hours:g}")
    return hours


def _hours_or_inf(value: Any, name: str) -> float:
    """A waiting spare's life: at least the shortest duration, and any longer one or ``inf``.

    A long life only makes the spare's failure rate smaller, which the chain handles.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == math.inf:
        return math.inf
    hours = check_positive(value, name)
    if hours < HOURS_RANGE[0]:
        raise InputError(f"`{name}` must be at least {HOURS_RANGE[0]:g} hours, got {hours:g}")
    return hours


def _times(t_hours: Any) -> tuple[np.ndarray, bool]:
    scalar = np.ndim(t_hours) == 0
    if scalar:
        times = np.array([as_float(t_hours, "t_hours")])
    else:
        try:
            times = np.asarray(t_hours, dtype=float).ravel()
        except (TypeError, ValueError):
            raise InputError("`t_hours` must be a number or an array of numbers") from None
    bad = ~(np.isfinite(times) & (times >= 0.0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        where = "`t_hours`" if scalar else f"`t_hours[{i}]`"
        raise InputError(f"{where} must be a finite number of hours >= 0, got {times[i]:g}")
    return times, scalar


# --- internals: the chain -----------------------------------------------------------------------


def _generator(
    *,
    k: int,
    n: int,
    mtbf: float,
    mttr: float | None,
    crews: int,
    arrangement: str,
    standby_mtbf: float,
    p: float,
    failover: float | None,
    beta: float,
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Generator, up-state mask and state names; state 0 is "all units up"."""
    lam = 1.0 / mtbf
    lam_s = 0.0 if math.isinf(standby_mtbf) else 1.0 / standby_mtbf
    span = n - k  # up states f = 0..span failed
    f = np.arange(span + 1)
    working = (n - f).astype(float)
    if arrangement == "active":
        in_service = working * lam * (n / working) ** beta
        spares = np.zeros(span + 1)
    else:
        in_service = np.full(span + 1, k * lam)
        spares = (working - k) * lam_s
    with_d = p < 1.0 and span >= 1
    down = span + 1
    size = span + 2 + (span if with_d else 0)
    q = np.zeros((size, size))
    survivable = f[:-1]  # failures after which at least k units still work
    q[survivable, survivable + 1] = p * in_service[:-1] + spares[:-1]
    if with_d:
        q[survivable, down + survivable + 1] = (1.0 - p) * in_service[:-1]
    q[span, down] = in_service[span] + spares[span]
    if mttr is not None:
        mu = 1.0 / mttr
        q[f[1:], f[1:] - 1] = np.minimum(f[1:], crews) * mu
        q[down, span] = min(span + 1, crews) * mu
        if with_d:
            assert failover is not None
            j = np.arange(1, span + 1)
            q[down + j, j] = 1.0 / failover
    np.fill_diagonal(q, -q.sum(axis=1))
    up = np.zeros(size, dtype=bool)
    up[: span + 1] = True
    labels = [f"{n - i} of {n} working" for i in range(span + 1)]
    labels.append(f"{k - 1} of {n} working: group down")
    if with_d:
        labels += [
            f"{n - i} of {n} working, fail-over failed: group down" for i in range(1, span + 1)
        ]
    return q, up, tuple(labels)


def _stationary(q: np.ndarray) -> np.ndarray:
    """``pi`` with ``pi Q = 0`` and ``sum(pi) = 1`` for an irreducible generator ``Q``.

    The first balance equation of ``Q^T pi = 0`` is replaced by the normalisation and the
    system solved by LU with partial pivoting. Each probability keeps its relative precision
    however small (checked against exact rational arithmetic in the tests), which a
    null-space (SVD) solution would not: its error is absolute, about 1e-16.
    """
    a = q.T.copy()
    a[0, :] = 1.0
    b = np.zeros(q.shape[0])
    b[0] = 1.0
    lu = scipy.linalg.lu_factor(a, check_finite=False)
    pi = scipy.linalg.lu_solve(lu, b, check_finite=False)
    if not np.all(np.isfinite(pi)):
        raise ComputationLimitError(
            "the failure and repair rates differ by too many orders of magnitude to solve the "
            "chain in double precision"
        )
    pi = np.clip(pi, 0.0, None)
    # Rounding (and the clipping of tiny negative values) can leave the sum a few ulps away
    # from 1 in stiff chains; rescaling keeps every probability's relative precision and
    # keeps availability and unavailability within [0, 1].
    return pi / math.fsum(pi)


def _mttf(q: np.ndarray, up: np.ndarray) -> float:
    """Mean time from state 0 to the first down state, with full relative precision.

    The down states are merged into one that returns to state 0 at rate ``r``. In the
    resulting regenerative chain a cycle lasts ``MTTF + 1/r``, so the long-run share of time
    down is ``pi_D = (1/r) / (MTTF + 1/r)`` and ``MTTF = sum(pi_up) / (r pi_D)``: every
    quantity is a positive probability computed by `_stationary`.
    """
    index = np.flatnonzero(up)
    m = index.size
    r = float(np.max(-np.diag(q)))
    regen = np.zeros((m + 1, m + 1))
    regen[:m, :m] = q[np.ix_(index, index)]
    np.fill_diagonal(regen, 0.0)
    regen[:m, m] = q[np.ix_(index, np.flatnonzero(~up))].sum(axis=1)
    regen[m, 0] = r
    np.fill_diagonal(regen, -regen.sum(axis=1))
    pi = _stationary(regen)
    if pi[m] == 0.0:
        return math.inf
    return float(math.fsum(pi[:m]) / (r * pi[m]))


def _row_exponential(q: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Row 0 of ``expm(Q t)`` for each ``t``: the state probabilities from all-up.

    An evenly spaced grid is walked in steps of one ``expm(Q dt)`` (200 points cost one
    exponential and 200 vector products); other times get one exponential each, batched for
    small chains.
    """
    size = q.shape[0]
    out = np.empty((times.size, size))
    if times.size >= 3:
        dt = (times[-1] - times[0]) / (times.size - 1)
        steps = np.diff(times)
        if dt > 0 and np.all(np.abs(steps - dt) <= 1e-12 * max(dt, times[-1])):
            out[0] = scipy.linalg.expm(q * times[0])[0] if times[0] > 0 else np.eye(size)[0]
            step = scipy.linalg.expm(q * dt)
            for i in range(1, times.size):
                out[i] = out[i - 1] @ step
            return out
    chunk = max(1, min(times.size, 2_000_000 // (size * size))) if size <= _BATCH_STATES else 1
    for start in range(0, times.size, chunk):
        part = times[start : start + chunk]
        out[start : start + chunk] = scipy.linalg.expm(q[None, :, :] * part[:, None, None])[:, 0, :]
    return out


def _state_masses(
    q: np.ndarray,
    up: np.ndarray,
    times: np.ndarray,
    absorbing: bool,
    stationary: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Probability of the up states and of the down states at each time, from all-up.

    The matrix exponential has an absolute error of about 1e-16 x (fastest rate x t), so it
    is used up to ``t = _STIFF / fastest rate``. Later, once the chain has settled into its
    long-run shape, the exact long-run behaviour takes over: the steady state for A(t), and
    for R(t) the quasi-stationary distribution ``nu`` (``nu Q_UU = -theta nu``), under which
    survival decays exactly as ``exp(-theta t)``.
    """
    fastest = float(np.max(-np.diag(q)))
    up_mass = np.empty(times.size)
    down_mass = np.empty(times.size)
    late = times * fastest > _STIFF
    if late.any():
        if absorbing:
            settle, p_settle, theta = _quasi_stationary_tail(q, up, fastest)
        else:
            assert stationary is not None
            settle, p_settle = _first_settled_time(q, stationary, np.ones_like(up), fastest)
        late = times > settle
    early = ~late
    if early.any():
        p = _row_exponential(q, times[early])
        up_mass[early] = p[:, up].sum(axis=1)
        down_mass[early] = p[:, ~up].sum(axis=1)
    if late.any():
        if absorbing:
            r_settle, f_settle = math.fsum(p_settle[up]), math.fsum(p_settle[~up])
            elapsed = times[late] - settle
            up_mass[late] = r_settle * np.exp(-theta * elapsed)
            down_mass[late] = f_settle + r_settle * -np.expm1(-theta * elapsed)
        else:
            assert stationary is not None
            up_mass[late] = math.fsum(stationary[up])
            down_mass[late] = math.fsum(stationary[~up])
    return up_mass, down_mass


_STIFF = 1e4
"""``fastest rate x t`` up to which the matrix exponential alone is used (error ~1e-12)."""

_MAX_STIFF = 1e7
"""``fastest rate x t`` by which the chain must have settled (matrix exponential error
~1e-9); later times are computed from the long-run behaviour."""

_SETTLED = 1e-9
"""Relative distance to the long-run distribution at which the chain counts as settled."""


def _first_settled_time(
    q: np.ndarray, target: np.ndarray, mask: np.ndarray, fastest: float
) -> tuple[float, np.ndarray]:
    """The first time at which the chain has settled into the ``target`` distribution.

    Tries ``10**j / fastest`` for ``j = 4..7``: settled when the distribution over ``mask``,
    normalised, is within `_SETTLED` (relative, per state) of ``target``. Returns the time
    and the full distribution then.
    """
    significant = target > 1e-300
    settle = _STIFF / fastest
    while settle * fastest <= _MAX_STIFF * 1.000001:
        p = _row_exponential(q, np.array([settle]))[0]
        mass = p[mask].sum()
        if mass <= 1e-290:  # nothing left to follow: the group is down for good
            return settle, p
        shape = p[mask] / mass
        gap = np.abs(shape[significant] - target[significant]) / target[significant]
        if np.all(gap <= _SETTLED) and np.all(shape[~significant] <= 1e-290):
            return settle, p
        settle *= 10.0
    limit = _STIFF / fastest
    raise ComputationLimitError(
        f"this time is too long to follow the chain precisely: its fastest rate is "
        f"{fastest:.3g} per hour and it has not settled into its long-run behaviour "
        f"{_MAX_STIFF / _STIFF:.0f} times later; ask for times up to {limit:.4g} h"
    )


def _quasi_stationary_tail(
    q: np.ndarray, up: np.ndarray, fastest: float
) -> tuple[float, np.ndarray, float]:
    """``(T, p(T), theta)``: after ``T``, ``R(t) = R(T) exp(-theta (t - T))``.

    ``nu`` is the fixed point of the Fleming-Viot map: the stationary distribution of the
    up states when the mass lost to the down states is put back according to ``nu`` itself
    (``nu (Q_UU + kappa nu) = 0`` gives ``nu Q_UU = -(nu . kappa) nu``). Each step is one LU
    solve; ``theta = nu . kappa`` is a sum of positive terms, so it keeps its relative
    precision when the group almost never fails.
    """
    index = np.flatnonzero(up)
    q_uu = q[np.ix_(index, index)]
    kappa = q[np.ix_(index, np.flatnonzero(~up))].sum(axis=1)
    nu = np.zeros(index.size)
    nu[0] = 1.0
    for _ in range(200):
        renewed = q_uu + np.outer(kappa, nu)
        np.fill_diagonal(renewed, 0.0)
        np.fill_diagonal(renewed, -renewed.sum(axis=1))
        new = _stationary(renewed)
        new /= new.sum()
        converged = np.allclose(new, nu, rtol=1e-14, atol=0.0)
        nu = new
        if converged:
            break
    theta = float(nu @ kappa)
    settle, p = _first_settled_time(q, nu, up, fastest)
    return settle, p, theta


# --- internals: explanations ---------------------------------------------------------------------


def _lambda_expression(params: list[str], body: str) -> str:
    """``(lambda a, b: body)(a, b)``: lets generator expressions see the inputs in `eval`."""
    names = ", ".join(params)
    return f"(lambda {names}: {body})({names})"


def _lines(given: str, result: str) -> str:
    """The inputs on one line and the result under them (long lines do not fit a popover)."""
    return rf"\begin{{gathered}} {given} \\ \Rightarrow\ {result} \end{{gathered}}"


def _explain(group: RedundancyResult, mission_hours: float | None) -> dict[str, Explanation]:
    k, n, c = group.k, group.n, group.crews
    lam = 1.0 / group.mtbf_hours
    lam_s = 0.0 if math.isinf(group.standby_mtbf_hours) else 1.0 / group.standby_mtbf_hours
    mu = 1.0 / group.mttr_hours if group.mttr_hours is not None else 0.0
    p, beta = group.switch_reliability, group.load_exponent
    span = n - k
    active = group.arrangement == "active"
    with_d = p < 1.0 and span >= 1
    inputs = {"n": n, "k": k, "lam": lam, "lam_s": lam_s, "mu": mu, "c": c, "p": p, "beta": beta}
    params = list(inputs)
    service = "(n - f) * lam * (n / (n - f)) ** beta" if active else "k * lam"
    spare = "0.0" if active else "(n - f - k) * lam_s"
    rates_latex = (
        r"\lambda_f = (n-f)\,\lambda\,\left(\tfrac{n}{n-f}\right)^{\beta}"
        if active
        else r"\lambda_f = k\lambda + (n-f-k)\lambda_s"
    )
    given = (
        rf"n = {n},\ k = {k},\ \lambda = {latex_number(lam)}\,/\mathrm{{h}}"
        + (rf",\ \mu = {latex_number(mu)}\,/\mathrm{{h}},\ c = {c}" if group.repairable else "")
        + (rf",\ p = {latex_number(p)}" if span >= 1 else "")
        + (rf",\ \lambda_s = {latex_number(lam_s)}\,/\mathrm{{h}}" if not active else "")
        + (rf",\ \beta = {latex_number(beta)}" if active and beta else "")
        + (
            rf",\ 1/\delta = {latex_number(group.failover_hours)}\,\mathrm{{h}}"
            if with_d and group.failover_hours is not None
            else ""
        )
    )
    convention = (
        f"{group.arrangement.capitalize()} arrangement, {k}-of-{n}. "
        "Exponential lives; units identical; "
        + (
            f"{plural(c, 'crew')}, one unit per crew; no failures while the group is down"
            if group.repairable
            else "no repair"
        )
        + (
            f"; each fail-over succeeds with p = {p:g}, a failed one needs a manual fail-over "
            f"of mean {group.failover_hours:g} h"
            if with_d and group.repairable
            else (f"; each fail-over succeeds with p = {p:g}" if with_d else "")
        )
        + "."
    )
    notes: tuple[str, ...] = (
        f"The chain has {len(group.up_states)} states; MTTF from its regenerative form, "
        "steady state by an LU solve (scipy.linalg).",
    )

    # -- MTTF ----------------------------------------------------------------------------------
    if not group.repairable:
        body = (
            f"(lambda svc, spare: sum(prod(1 - (1 - p) * svc(i) / (svc(i) + spare(i)) "
            f"for i in range(j)) / (svc(j) + spare(j)) for j in range(n - k + 1)))"
            f"(lambda f: {service}, lambda f: {spare})"
        )
        formula = (
            r"MTTF = \sum_{j=0}^{n-k} \frac{\rho_j}{\lambda_j},\quad "
            r"\rho_j = \prod_{i<j}\Bigl(1 - (1-p)\frac{a_i}{\lambda_i}\Bigr),\quad " + rates_latex
        )
        expression = _lambda_expression(params, body)
        reference = _REFERENCE_ACTIVE if active else _REFERENCE_STANDBY
    elif not with_d:
        up_rate = f"({service}) + ({spare})"
        body = (
            f"(lambda up, dn: (lambda w: sum(sum(w(i) for i in range(j + 1)) / (w(j) * up(j)) "
            f"for j in range(n - k + 1)))(lambda j: prod(up(i) / dn(i + 1) for i in range(j))))"
            f"(lambda f: {up_rate}, lambda f: min(f, c) * mu)"
        )
        formula = (
            r"MTTF = \sum_{j=0}^{n-k} \frac{\sum_{i \le j} w_i}{\lambda_j w_j},\quad "
            r"w_j = \prod_{i<j} \frac{\lambda_i}{\min(i+1, c)\,\mu},\quad " + rates_latex
        )
        expression = _lambda_expression(params, body)
        reference = _REFERENCE_CTMC
    else:
        formula = (
            r"MTTF = \mathbf{e}_0^{\top}\,(-Q_{UU})^{-1}\,\mathbf{1}"
            r"\quad (Q_{UU}\text{: the generator among up states})"
        )
        expression = ""
        reference = _REFERENCE_CTMC
    mttf = Explanation(
        quantity="Mean time to failure of the group",
        value=group.mttf_hours if math.isfinite(group.mttf_hours) else None,
        formula=formula,
        substituted=_lines(given, rf"MTTF = {latex_number(group.mttf_hours)}\ \mathrm{{h}}"),
        inputs=inputs,
        expression=expression,
        convention=convention
        + " MTTF is the mean time from every unit up to the first time the group is down.",
        reference=reference,
        unavailable_reason=None
        if math.isfinite(group.mttf_hours)
        else "longer than 1e308 hours: no failure is expected",
        unit="h",
        notes=notes,
    )

    # -- availability ---------------------------------------------------------------------------
    if not group.repairable:
        availability = Explanation(
            quantity="Steady-state availability",
            value=None,
            formula=r"A = \lim_{t\to\infty} P(\text{group up at } t)",
            substituted=r"A = 0",
            inputs=inputs,
            expression="",
            convention=convention,
            reference=_REFERENCE_CTMC,
            unavailable_reason="no repair: the group stays down once it fails, so its "
            "long-run availability is 0; its MTTF and R(t) describe it",
        )
    else:
        if not with_d:
            up_rate = f"({service}) + ({spare})"
            body = (
                f"(lambda up, dn: (lambda w: sum(w(j) for j in range(n - k + 1)) / "
                f"sum(w(j) for j in range(n - k + 2)))"
                f"(lambda j: prod(up(i) / dn(i + 1) for i in range(j))))"
                f"(lambda f: {up_rate}, lambda f: min(f, c) * mu)"
            )
            formula = (
                r"A = \frac{\sum_{j=0}^{n-k} w_j}{\sum_{j=0}^{n-k+1} w_j},\quad "
                r"w_j = \prod_{i<j} \frac{\lambda_i}{\min(i+1, c)\,\mu},\quad " + rates_latex
            )
            expression = _lambda_expression(params, body)
        else:
            formula = r"\pi Q = 0,\ \sum_i \pi_i = 1,\quad A = \sum_{i \in U} \pi_i"
            expression = ""
        availability = Explanation(
            quantity="Steady-state availability",
            value=group.availability,
            formula=formula,
            substituted=_lines(
                given,
                rf"A = {latex_number(group.availability, 12)},\quad "
                rf"1 - A = {latex_number(group.unavailability)}",
            ),
            inputs=inputs,
            expression=expression,
            convention=convention
            + " Availability is the long-run share of time with at least k units in service;"
            " the unavailability is summed directly over the down states.",
            reference=_REFERENCE_CTMC,
            unit="",
            notes=notes,
        )
    result = {"mttf": mttf, "availability": availability}

    # -- R(mission) -----------------------------------------------------------------------------
    if mission_hours is not None:
        t = check_positive(mission_hours, "mission_hours", allow_zero=True)
        value: float | None
        try:
            value = group.reliability(t)
            limit = None
        except ComputationLimitError:
            value = None
            limit = _relabel(
                _mission_limit(group, t),
                {"load_exponent": "the load-sharing exponent", "mission_hours": "the mission time"},
            )
        mission_inputs = {**inputs, "t": t}
        if not group.repairable and active and beta == 0.0 and (p == 1.0 or span == 0):
            formula = r"R(t) = \sum_{i=k}^{n} \binom{n}{i} e^{-i\lambda t}(1-e^{-\lambda t})^{n-i}"
            expression = _lambda_expression(
                [*params, "t"],
                "sum(comb(n, i) * exp(-lam * t) ** i * (-expm1(-lam * t)) ** (n - i) "
                "for i in range(k, n + 1))",
            )
        elif not group.repairable and not active and k == 1 and lam_s == 0.0:
            formula = r"R(t) = e^{-\lambda t}\sum_{i=0}^{n-1} p^i \frac{(\lambda t)^i}{i!}"
            expression = _lambda_expression(
                [*params, "t"],
                "exp(-lam * t) * sum(p ** i * (lam * t) ** i / prod(range(1, i + 1)) "
                "for i in range(n))",
            )
        else:
            formula = r"R(t) = \mathbf{e}_0^{\top}\, e^{Q_{UU} t}\, \mathbf{1}"
            expression = ""
        result["reliability"] = Explanation(
            quantity="Probability of no outage during the mission",
            value=value,
            formula=formula,
            substituted=_lines(
                rf"{given},\ t = {latex_number(t)}\ \mathrm{{h}}",
                rf"R(t) = {latex_number(value, 10)}"
                if value is not None
                else r"R(t)\ \text{cannot be computed}",
            ),
            inputs=mission_inputs,
            expression=expression if value is not None else "",
            convention=convention
            + " R(t) is the probability that the group is never down in [0, t], from every "
            "unit up; computed with the matrix exponential (scipy.linalg.expm).",
            reference=_REFERENCE_CTMC,
            unavailable_reason=limit,
            notes=notes,
        )
    return result
