r"""The client-policy simulator: replay a dependency against timeout, retry, breaker and hedging.

A stream of requests arrives at a client (Poisson arrivals at a given rate). The client calls
one dependency through a policy: a per-try timeout, retries with exponential back-off and
jitter, an overall deadline, a retry budget, a circuit breaker, hedged requests and a fallback.
The dependency answers each call after a latency drawn from a measured sample or a lognormal
distribution, fails with a probability, and suffers chaos on a timeline (an outage whose calls
fail or hang, injected latency, a brown-out). The result is every request's outcome (ok,
degraded = served by the fallback, failed), the latency the caller saw and the attempts made,
plus time series of the load on the dependency and of the breaker's state.

Two engines give the same answer from the same random numbers: a vectorised one (numpy, round
by round, shared with :func:`ftmath.simulate_policy`) when no breaker or budget couples the
requests, and an event-driven one (a time-ordered queue) when one does.

References: AWS Builders' Library, "Timeouts, retries, and backoff with jitter"; Brooker,
"Exponential Backoff And Jitter" (AWS Architecture Blog, 2015); gRPC retry and hedging design
(gRFC A6); Finagle's RetryBudget and Envoy's retry budget; Resilience4j CircuitBreaker
(count-based sliding window, minimum calls, wait in open state, permitted calls in half-open);
Nygard, *Release It!* (2nd ed., 2018), ch. 5; Dean & Barroso, "The Tail at Scale" (2013).
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ftmath import configs
from ftmath._validate import as_float, check_positive, check_probability
from ftmath.errors import InputError
from ftmath.explain import Explanation, latex_number
from ftmath.report import plural
from ftmath.timeouts import (
    JITTERS,
    RetryOutcome,
    _hedge_rounds,
    _latencies,
    _retry_rounds,
    _sample_backoff,
    nearest_rank,
    retry_outcome,
)

__all__ = [
    "BREAKER_STATES",
    "CHAOS_KINDS",
    "MAX_LATENCY_MS",
    "OUTCOMES",
    "POLICY_PRESETS",
    "BreakerPolicy",
    "Chaos",
    "ClientPolicy",
    "Dependency",
    "SimulationResult",
    "check_traffic",
    "policy_configs",
    "policy_presets",
    "replay_breaker",
    "simulate",
    "simulation_table",
]

OUTCOMES: tuple[str, ...] = ("ok", "degraded", "failed")
"""Request outcomes: answered by the dependency, served by the fallback, or failed."""

BREAKER_STATES: tuple[str, ...] = ("closed", "open", "half-open")
"""Circuit breaker states (Nygard, *Release It!*; Resilience4j)."""

CHAOS_KINDS: tuple[str, ...] = ("outage-fail", "outage-hang", "latency", "brownout")
"""Chaos on the timeline: every call fails at once, every call hangs, +X ms, failures p."""

POLICY_PRESETS: tuple[str, ...] = (
    "none",
    "3 retries, no jitter",
    "AWS-style: capped exponential back-off with full jitter and a budget",
    "breaker + fallback",
    "hedge at p95",
)
"""The presets of :func:`policy_presets`, in the page's order."""

MAX_LATENCY_MS = 1e10
"""The largest call latency accepted (about 115 days): beyond it a unit is wrong."""

_OK, _DEGRADED, _FAILED = 0, 1, 2
_CLOSED, _OPEN, _HALF = 0, 1, 2
_MAX_REQUESTS = 2_000_000
_Z99 = float(stats.norm.ppf(0.99))


MIN_MEDIAN_MS = 1e-3
"""Smallest lognormal median accepted (1 µs)."""
MAX_TAIL_RATIO = 1e6
"""Largest p99 / median of a lognormal dependency (sigma about 5.9)."""


def _whole(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        whole = int(value)  # exactly: a float would round 2**63 - 1 up past the limit
    else:
        number = as_float(value, name)
        whole = int(number) if number == int(number) else low - 1
    if not low <= whole <= high:
        raise InputError(f"`{name}` must be a whole number from {low:,} to {high:,}, got {value}")
    return whole


def _optional_positive(value: Any, name: str) -> float | None:
    return None if value is None else check_positive(value, name)


# --- the dependency -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Chaos:
    """A fault injected for a period of the run, as a chaos experiment would.

    Attributes
    ----------
    kind : {"outage-fail", "outage-hang", "latency", "brownout"}
        ``outage-fail``: every call fails at once (connection refused); ``outage-hang``: every
        call hangs (no answer, only a timeout ends it); ``latency``: every call takes
        ``extra_ms`` longer; ``brownout``: every call fails with probability ``failure``
        (or the dependency's own, if higher).
    start_s : float
        When it starts, in seconds from the start of the run.
    duration_s : float
        How long it lasts, in seconds.
    extra_ms : float
        Added latency for ``latency``.
    failure : float
        Failure probability for ``brownout``.

    Notes
    -----
    A call is affected when it is *sent* within ``[start_s, start_s + duration_s)``. Where an
    outage overlaps other chaos, the outage wins; a hanging outage wins over a failing one.

    Examples
    --------
    >>> Chaos("outage-fail", start_s=60, duration_s=30).end_s
    90.0
    """

    kind: str
    start_s: float
    duration_s: float
    extra_ms: float = 0.0
    failure: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in CHAOS_KINDS:
            raise InputError(f"chaos `kind` must be one of {list(CHAOS_KINDS)}, got {self.kind!r}")
        object.__setattr__(
            self, "start_s", check_positive(self.start_s, "start_s", allow_zero=True)
        )
        object.__setattr__(self, "duration_s", check_positive(self.duration_s, "duration_s"))
        object.__setattr__(
            self, "extra_ms", check_positive(self.extra_ms, "extra_ms", allow_zero=True)
        )
        object.__setattr__(self, "failure", check_probability(self.failure, "failure"))
        if self.kind == "latency" and self.extra_ms == 0:
            raise InputError("a latency injection needs `extra_ms` > 0")

    @property
    def end_s(self) -> float:
        """When it ends (exclusive), in seconds from the start of the run."""
        return float(self.start_s + self.duration_s)

    def describe(self) -> str:
        """A short description: ``outage (calls fail) 60–120 s``.

        Returns
        -------
        str
            The kind, its size and its window.
        """
        what = {
            "outage-fail": "outage (calls fail at once)",
            "outage-hang": "outage (calls hang)",
            "latency": f"latency +{self.extra_ms:g} ms",
            "brownout": f"brown-out ({self.failure:.0%} of calls fail)",
        }[self.kind]
        return f"{what}, {self.start_s:g}–{self.end_s:g} s"


@dataclass(frozen=True, eq=False)
class Dependency:
    """What the called service does: latency, failure probability and chaos on the timeline.

    Build one with :meth:`empirical` (a measured sample) or :meth:`lognormal` (median and p99).

    Attributes
    ----------
    kind : {"empirical", "lognormal"}
        Where latencies come from.
    sample : numpy.ndarray or None
        The measured latencies in ms, sorted (empirical only).
    mu, sigma : float
        Parameters of the lognormal (lognormal only): ``ln X ~ N(mu, sigma²)``.
    failure : float
        f: probability that a call fails (outside chaos); a failed call returns its error after
        a latency drawn like any other.
    chaos : tuple of Chaos
        Faults on the timeline.
    """

    kind: str
    sample: np.ndarray | None
    mu: float
    sigma: float
    failure: float
    chaos: tuple[Chaos, ...] = field(default_factory=tuple)

    @classmethod
    def empirical(
        cls, latencies_ms: Any, *, failure: float = 0.0, chaos: Sequence[Chaos] = ()
    ) -> Dependency:
        """A dependency whose calls take latencies drawn from a measured sample.

        Parameters
        ----------
        latencies_ms : array_like
            Healthy latencies in ms (from :func:`ftmath.read_latencies`, ``ok`` rows).
        failure : float, optional
            Probability that a call fails.
        chaos : sequence of Chaos, optional
            Faults on the timeline.

        Returns
        -------
        Dependency
            Draws latencies uniformly from the sample (the empirical distribution).

        Examples
        --------
        >>> Dependency.empirical([30, 10, 20], failure=0.01).quantile(0.5)
        20.0
        """
        sample = np.sort(_latencies(latencies_ms))
        if sample[-1] > MAX_LATENCY_MS:
            raise InputError(
                f"`latencies_ms` holds {sample[-1]:g} ms: a call latency must be at most "
                f"{MAX_LATENCY_MS:,.0f} ms (about 115 days); check the file's unit"
            )
        sample.setflags(write=False)
        return cls("empirical", sample, math.nan, math.nan, _failure(failure), _chaos(chaos))

    @classmethod
    def lognormal(
        cls,
        median_ms: float,
        p99_ms: float,
        *,
        failure: float = 0.0,
        chaos: Sequence[Chaos] = (),
    ) -> Dependency:
        r"""A dependency with lognormal latencies fitted to a median and a p99.

        Parameters
        ----------
        median_ms : float
            The median latency, > 0.
        p99_ms : float
            The 99th percentile, above the median.
        failure : float, optional
            Probability that a call fails.
        chaos : sequence of Chaos, optional
            Faults on the timeline.

        Returns
        -------
        Dependency
            With :math:`\mu = \ln m` and :math:`\sigma = \ln(q_{99}/m) / z_{0.99}`.

        Notes
        -----
        The lognormal's median is :math:`e^\mu` and its p-quantile :math:`e^{\mu + \sigma z_p}`
        (:math:`z_{0.99} = 2.3263`), so two quantiles fix both parameters.

        Examples
        --------
        >>> d = Dependency.lognormal(20, 200)
        >>> round(d.quantile(0.5), 9), round(d.quantile(0.99), 9)
        (20.0, 200.0)
        """
        m = check_positive(median_ms, "median_ms")
        q = check_positive(p99_ms, "p99_ms")
        if q <= m:
            raise InputError(
                f"`p99_ms` must be above `median_ms`: got a p99 of {q:g} ms and a median of "
                f"{m:g} ms"
            )
        if q > MAX_LATENCY_MS:
            raise InputError(f"`p99_ms` must be at most {MAX_LATENCY_MS:,.0f} ms, got {q:g}")
        if m < MIN_MEDIAN_MS:
            raise InputError(
                f"`median_ms` must be at least {MIN_MEDIAN_MS:g} ms (1 µs), got {m:g}: below "
                "that no clock times a call"
            )
        if q / m > MAX_TAIL_RATIO:
            raise InputError(
                f"`p99_ms` must be at most {MAX_TAIL_RATIO:,.0f} × `median_ms`, got {q / m:.3g} ×: "
                "a tail that long makes single draws overflow"
            )
        mu, sigma = math.log(m), math.log(q / m) / _Z99
        return cls("lognormal", None, mu, sigma, _failure(failure), _chaos(chaos))

    def quantile(self, p: float) -> float:
        """The p-quantile of a call's latency (nearest rank for a sample).

        Parameters
        ----------
        p : float
            In [0, 1] (in (0, 1) for the lognormal).

        Returns
        -------
        float
            Latency in ms.
        """
        p = check_probability(p, "p")
        if self.sample is not None:
            return float(self.sample[nearest_rank(self.sample.size, p) - 1])
        if not 0 < p < 1:
            raise InputError("a lognormal has no 0- or 1-quantile: use p in (0, 1)")
        return float(math.exp(self.mu + self.sigma * float(stats.norm.ppf(p))))

    def cdf(self, latency_ms: float) -> float:
        """P(X <= t): the share of calls that take at most ``latency_ms``.

        Parameters
        ----------
        latency_ms : float
            t in ms (inf gives 1).

        Returns
        -------
        float
            The probability.
        """
        t = float(latency_ms)
        if math.isinf(t):
            return 1.0 if t > 0 else 0.0
        if self.sample is not None:
            return float(np.searchsorted(self.sample, t, side="right") / self.sample.size)
        if t <= 0:
            return 0.0
        return float(stats.norm.cdf((math.log(t) - self.mu) / self.sigma))

    def with_chaos(self, chaos: Sequence[Chaos]) -> Dependency:
        """The same dependency under other chaos.

        Parameters
        ----------
        chaos : sequence of Chaos
            Faults on the timeline.

        Returns
        -------
        Dependency
            A copy.
        """
        return replace(self, chaos=_chaos(chaos))

    def describe(self) -> str:
        """A short description of the latency model, failures and chaos.

        Returns
        -------
        str
            One line.
        """
        if self.sample is not None:
            n = self.sample.size
            text = (
                f"{n:,} measured latenc{'y' if n == 1 else 'ies'} (p50 {self.quantile(0.5):g} "
                f"ms, p99 {self.quantile(0.99):g} ms)"
            )
        else:
            text = (
                f"lognormal latency (p50 {self.quantile(0.5):.4g} ms, "
                f"p99 {self.quantile(0.99):.4g} ms)"
            )
        text += f", {self.failure * 100:.3g} % of calls fail"
        if self.chaos:
            text += "; " + "; ".join(c.describe() for c in self.chaos)
        return text

    def _draw(self, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
        if self.sample is not None:
            return self.sample[rng.integers(0, self.sample.size, size=shape)]
        return rng.lognormal(self.mu, self.sigma, size=shape)


def _failure(value: Any) -> float:
    return check_probability(value, "failure")


def _chaos(chaos: Sequence[Chaos]) -> tuple[Chaos, ...]:
    items = tuple(chaos)
    for i, item in enumerate(items):
        if not isinstance(item, Chaos):
            raise InputError(f"`chaos[{i}]` must be a Chaos, got {type(item).__name__}")
    return items


# --- the policy ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakerPolicy:
    """A circuit breaker: count-based sliding window, as Resilience4j configures one.

    Attributes
    ----------
    failure_rate : float
        Trip when at least this share of the calls in the window failed (errors and
        timeouts), in (0, 1].
    window : int
        The sliding window: the last ``window`` calls while closed.
    minimum_calls : int
        No decision before the window holds this many calls.
    open_s : float
        How long the breaker stays open (rejecting every call) before it lets probes through.
    half_open_calls : int
        Probes let through in half-open; when all have answered, the breaker closes if their
        failure rate is below the threshold and opens again otherwise.
    adaptive : bool
        Adapt the threshold to the dependency's usual failure rate (the seed document's idea,
        corrected): see Notes.
    adaptive_factor, adaptive_floor, adaptive_ceiling : float
        Adaptive threshold ``min(ceiling, max(floor, factor × baseline))``.
    adaptive_history : int
        How many calls the baseline failure rate is measured over.

    Notes
    -----
    The adaptive threshold follows the usual failure rate: a dependency that normally fails 1 %
    of calls trips at 20 % (the floor), one that normally fails 30 % trips at 60 %. The
    baseline is measured over the ``adaptive_history`` calls that have *left* the sliding
    window, never over the window itself: the seed document measured it over the latest calls,
    so an outage raised its own threshold (to 0.8) and delayed the trip it should cause. Until
    the history holds ``minimum_calls`` calls, ``failure_rate`` applies.

    Examples
    --------
    >>> BreakerPolicy(failure_rate=0.5, window=20, minimum_calls=10).describe()
    'breaker: trips at 50 % failures of the last 20 calls (≥ 10), open 5 s, 5 probes'
    """

    failure_rate: float = 0.5
    window: int = 100
    minimum_calls: int = 20
    open_s: float = 5.0
    half_open_calls: int = 5
    adaptive: bool = False
    adaptive_factor: float = 2.0
    adaptive_floor: float = 0.2
    adaptive_ceiling: float = 0.8
    adaptive_history: int = 1000

    def __post_init__(self) -> None:
        rate = check_probability(self.failure_rate, "failure_rate")
        if rate == 0:
            raise InputError("`failure_rate` must be above 0: at 0 the breaker never closes")
        object.__setattr__(self, "failure_rate", rate)
        window = _whole(self.window, "window", 1, 100_000)
        object.__setattr__(self, "window", window)
        object.__setattr__(
            self, "minimum_calls", _whole(self.minimum_calls, "minimum_calls", 1, window)
        )
        object.__setattr__(self, "open_s", check_positive(self.open_s, "open_s"))
        object.__setattr__(
            self, "half_open_calls", _whole(self.half_open_calls, "half_open_calls", 1, 10_000)
        )
        object.__setattr__(self, "adaptive", bool(self.adaptive))
        object.__setattr__(
            self, "adaptive_factor", check_positive(self.adaptive_factor, "adaptive_factor")
        )
        floor = check_probability(self.adaptive_floor, "adaptive_floor")
        ceiling = check_probability(self.adaptive_ceiling, "adaptive_ceiling")
        if not 0 < floor <= ceiling:
            raise InputError(
                "`adaptive_floor` must be above 0 and at most `adaptive_ceiling`, got "
                f"{floor:g} and {ceiling:g}"
            )
        object.__setattr__(self, "adaptive_floor", floor)
        object.__setattr__(self, "adaptive_ceiling", ceiling)
        object.__setattr__(
            self,
            "adaptive_history",
            _whole(self.adaptive_history, "adaptive_history", 1, 1_000_000),
        )

    def describe(self) -> str:
        """One line: threshold, window, open time, probes.

        Returns
        -------
        str
            The description.
        """
        threshold = (
            f"adaptive threshold ({self.adaptive_factor:g} × usual failure rate, "
            f"{self.adaptive_floor:.0%}–{self.adaptive_ceiling:.0%})"
            if self.adaptive
            else f"{self.failure_rate:.0%} failures"
        )
        return (
            f"breaker: trips at {threshold} of the last {self.window} calls "
            f"(≥ {self.minimum_calls}), open {self.open_s:g} s, {self.half_open_calls} probes"
        ).replace("%", " %")


@dataclass(frozen=True)
class ClientPolicy:
    """How the client calls the dependency: timeout, retries, budget, breaker, hedging, fallback.

    Attributes
    ----------
    name : str
        A name for tables and charts.
    timeout_ms : float or None
        Per-try timeout: an attempt without an answer after this long is abandoned (failed).
        ``None``: wait for every answer, however long (a hanging call hangs the request).
    max_attempts : int
        Attempts per request, the first included (1 = no retries; gRPC's ``maxAttempts``).
    backoff_base_ms, backoff_cap_ms : float
        Exponential back-off before retry i: ``c_i = min(cap, base × 2^(i-1))``.
    jitter : {"none", "full", "equal", "decorrelated"}
        How the wait is randomised (Brooker 2015; :func:`ftmath.backoff_table`).
    deadline_ms : float or None
        Overall deadline for a request, retries and back-off included.
    retry_budget : float or None
        At most this many retries per request, over a sliding window (0.2 = 20 %, as Finagle's
        RetryBudget and Envoy's retry budget).
    budget_window_s : float
        The budget's window.
    budget_min_per_s : float
        Retries per second always allowed (Finagle's ``minRetriesPerSec``; 0 = none).
    breaker : BreakerPolicy or None
        A circuit breaker in front of every attempt.
    hedge_delay_ms : float or None
        Send a hedged copy when no answer has come after this delay (and again every delay).
    max_hedges : int
        Hedged copies at most. Hedging and retries exclude each other, as in gRPC.
    fallback : bool
        A request that would fail is served degraded instead (cached or default answer), at
        the moment it fails.
    """

    name: str = "policy"
    timeout_ms: float | None = None
    max_attempts: int = 1
    backoff_base_ms: float = 50.0
    backoff_cap_ms: float = 1000.0
    jitter: str = "full"
    deadline_ms: float | None = None
    retry_budget: float | None = None
    budget_window_s: float = 10.0
    budget_min_per_s: float = 0.0
    breaker: BreakerPolicy | None = None
    hedge_delay_ms: float | None = None
    max_hedges: int = 0
    fallback: bool = False

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "name", str(self.name))
        set_(self, "timeout_ms", _optional_positive(self.timeout_ms, "timeout_ms"))
        set_(self, "max_attempts", _whole(self.max_attempts, "max_attempts", 1, 10))
        base = check_positive(self.backoff_base_ms, "backoff_base_ms")
        cap = check_positive(self.backoff_cap_ms, "backoff_cap_ms")
        if cap < base:
            raise InputError(
                f"`backoff_cap_ms` must be at least `backoff_base_ms`: got a cap of {cap:g} ms "
                f"and a base of {base:g} ms"
            )
        set_(self, "backoff_base_ms", base)
        set_(self, "backoff_cap_ms", cap)
        if self.jitter not in JITTERS:
            raise InputError(f"`jitter` must be one of {list(JITTERS)}, got {self.jitter!r}")
        set_(self, "deadline_ms", _optional_positive(self.deadline_ms, "deadline_ms"))
        if self.retry_budget is not None:
            set_(
                self,
                "retry_budget",
                check_positive(self.retry_budget, "retry_budget", allow_zero=True),
            )
        set_(self, "budget_window_s", check_positive(self.budget_window_s, "budget_window_s"))
        set_(
            self,
            "budget_min_per_s",
            check_positive(self.budget_min_per_s, "budget_min_per_s", allow_zero=True),
        )
        if self.breaker is not None and not isinstance(self.breaker, BreakerPolicy):
            raise InputError("`breaker` must be a BreakerPolicy or None")
        set_(self, "max_hedges", _whole(self.max_hedges, "max_hedges", 0, 10))
        if self.hedge_delay_ms is not None:
            set_(
                self,
                "hedge_delay_ms",
                check_positive(self.hedge_delay_ms, "hedge_delay_ms", allow_zero=True),
            )
        if self.max_hedges and self.hedge_delay_ms is None:
            raise InputError("`hedge_delay_ms` is needed with `max_hedges`")
        if self.max_hedges and self.max_attempts > 1:
            raise InputError(
                "choose retries (`max_attempts` > 1) or hedging (`max_hedges`), not both: gRPC "
                "allows one per method"
            )
        set_(self, "fallback", bool(self.fallback))

    @property
    def retries(self) -> int:
        """Retries after the first attempt: ``max_attempts - 1``."""
        return self.max_attempts - 1

    @property
    def hedging(self) -> bool:
        """Whether the policy hedges."""
        return self.max_hedges > 0

    def describe(self) -> str:
        """One line: what the policy does.

        Returns
        -------
        str
            The description.

        Examples
        --------
        >>> ClientPolicy(timeout_ms=300, max_attempts=3, jitter="none").describe()
        'timeout 300 ms; 2 retries, back-off 50–1000 ms, no jitter'
        """
        parts = [f"timeout {self.timeout_ms:g} ms" if self.timeout_ms else "no timeout"]
        if self.retries:
            jitter = "no jitter" if self.jitter == "none" else f"{self.jitter} jitter"
            parts.append(
                f"{self.retries} retr{'y' if self.retries == 1 else 'ies'}, back-off "
                f"{self.backoff_base_ms:g}–{self.backoff_cap_ms:g} ms, {jitter}"
            )
        if self.retry_budget is not None and self.retries:
            parts.append(
                f"budget {self.retry_budget * 100:g} % over {self.budget_window_s:g} s"
                + (f" (min {self.budget_min_per_s:g}/s)" if self.budget_min_per_s else "")
            )
        if self.hedging:
            parts.append(f"hedge after {self.hedge_delay_ms:g} ms (up to {self.max_hedges})")
        if self.deadline_ms:
            parts.append(f"deadline {self.deadline_ms:g} ms")
        if self.breaker is not None:
            parts.append(self.breaker.describe())
        if self.fallback:
            parts.append("fallback")
        return "; ".join(parts)


def policy_presets(*, timeout_ms: float, hedge_delay_ms: float) -> dict[str, ClientPolicy]:
    """The page's preset policies, sized to the dependency's measured latencies.

    Parameters
    ----------
    timeout_ms : float
        Per-try timeout of the presets that have one (the dependency's p99.9, say).
    hedge_delay_ms : float
        Hedging delay of "hedge at p95" (the dependency's p95).

    Returns
    -------
    dict of str to ClientPolicy
        Keyed by the names in :data:`POLICY_PRESETS`.

    Notes
    -----
    - *none*: no timeout, one attempt: the client waits for every answer.
    - *3 retries, no jitter*: the naive policy: four attempts, exponential back-off 50 ms to
      1 s without jitter, no budget.
    - *AWS-style*: three attempts, back-off base 100 ms capped at 20 s with full jitter (the AWS
      SDKs' standard retry mode), and a 20 % retry budget over 10 s (AWS Builders' Library).
    - *breaker + fallback*: one retry with full jitter; a breaker that trips at 50 % failures
      of the last 50 calls (at least 20), stays open 5 s and probes with 5 calls; a fallback.
    - *hedge at p95*: one hedged copy after the p95 latency (Dean & Barroso 2013: about 5 %
      more load for a much shorter tail).

    Examples
    --------
    >>> sorted(policy_presets(timeout_ms=500, hedge_delay_ms=80)) == sorted(POLICY_PRESETS)
    True
    """
    t = check_positive(timeout_ms, "timeout_ms")
    d = check_positive(hedge_delay_ms, "hedge_delay_ms", allow_zero=True)
    names = POLICY_PRESETS
    return {
        names[0]: ClientPolicy(name=names[0]),
        names[1]: ClientPolicy(
            name=names[1],
            timeout_ms=t,
            max_attempts=4,
            backoff_base_ms=50,
            backoff_cap_ms=1000,
            jitter="none",
        ),
        names[2]: ClientPolicy(
            name=names[2],
            timeout_ms=t,
            max_attempts=3,
            backoff_base_ms=100,
            backoff_cap_ms=20_000,
            jitter="full",
            retry_budget=0.2,
            budget_window_s=10,
        ),
        names[3]: ClientPolicy(
            name=names[3],
            timeout_ms=t,
            max_attempts=2,
            backoff_base_ms=50,
            backoff_cap_ms=1000,
            jitter="full",
            breaker=BreakerPolicy(
                failure_rate=0.5, window=50, minimum_calls=20, open_s=5, half_open_calls=5
            ),
            fallback=True,
        ),
        names[4]: ClientPolicy(name=names[4], timeout_ms=t, hedge_delay_ms=d, max_hedges=1),
    }


# --- the circuit breaker as a state machine -------------------------------------------------------


class _Breaker:
    """A circuit breaker's state machine over time (ms).

    Calls ask :meth:`permit` when they are sent and :meth:`record` when they answer; answers to
    calls sent in an earlier state (a "generation") are ignored, as Resilience4j ignores late
    results.
    """

    __slots__ = (
        "cfg",
        "state",
        "generation",
        "window",
        "failures",
        "history",
        "history_failures",
        "open_until",
        "probes_left",
        "probe_answers",
        "probe_failures",
        "transitions",
        "rejected",
        "open_ms",
    )

    def __init__(self, cfg: BreakerPolicy) -> None:
        self.cfg = cfg
        self.state = _CLOSED
        self.generation = 0
        self.window: deque[bool] = deque()
        self.failures = 0
        self.history: deque[bool] = deque()
        self.history_failures = 0
        self.open_until = 0.0
        self.open_ms = cfg.open_s * 1000.0
        self.probes_left = 0
        self.probe_answers = 0
        self.probe_failures = 0
        self.transitions: list[tuple[float, int]] = [(0.0, _CLOSED)]
        self.rejected = 0

    def threshold(self) -> float:
        cfg = self.cfg
        if not cfg.adaptive or len(self.history) < cfg.minimum_calls:
            return cfg.failure_rate
        baseline = self.history_failures / len(self.history)
        return min(cfg.adaptive_ceiling, max(cfg.adaptive_floor, cfg.adaptive_factor * baseline))

    def _move(self, t: float, state: int) -> None:
        self.state = state
        self.generation += 1
        self.transitions.append((t, state))

    def permit(self, t: float) -> int:
        """The call's generation if it may go, else -1 (rejected)."""
        if self.state == _OPEN:
            if t < self.open_until:
                self.rejected += 1
                return -1
            self._move(self.open_until, _HALF)
            self.probes_left = self.cfg.half_open_calls
            self.probe_answers = self.probe_failures = 0
        if self.state == _HALF:
            if self.probes_left == 0:
                self.rejected += 1
                return -1
            self.probes_left -= 1
        return self.generation

    def record(self, t: float, failed: bool, generation: int) -> None:
        if generation != self.generation:
            return
        cfg = self.cfg
        if self.state == _CLOSED:
            self.window.append(failed)
            self.failures += failed
            if len(self.window) > cfg.window:
                old = self.window.popleft()
                self.failures -= old
                if cfg.adaptive:
                    self.history.append(old)
                    self.history_failures += old
                    if len(self.history) > cfg.adaptive_history:
                        self.history_failures -= self.history.popleft()
            n = len(self.window)
            if n >= cfg.minimum_calls and self.failures >= self.threshold() * n:
                self._trip(t)
        elif self.state == _HALF:
            self.probe_answers += 1
            self.probe_failures += failed
            if self.probe_answers == cfg.half_open_calls:
                if self.probe_failures >= self.threshold() * self.probe_answers:
                    self._trip(t)
                else:
                    self._move(t, _CLOSED)

    def _trip(self, t: float) -> None:
        self._move(t, _OPEN)
        self.open_until = t + self.open_ms
        self.window.clear()
        self.failures = 0


def replay_breaker(breaker: BreakerPolicy, times_s: Any, failed: Any) -> pd.DataFrame:
    """Run a circuit breaker over a scripted sequence of calls that answer at once.

    Parameters
    ----------
    breaker : BreakerPolicy
        The breaker.
    times_s : array_like
        When each call is made, in seconds, non-decreasing.
    failed : array_like of bool
        Whether each call would fail if the breaker let it through.

    Returns
    -------
    pandas.DataFrame
        One row per call: ``time_s``, ``state`` (the breaker's state when the call came),
        ``permitted`` (False when the breaker rejected it), ``failed`` (only permitted calls
        fail) and ``threshold`` (the failure-rate threshold in force). ``attrs["transitions"]``
        lists ``(time_s, state)`` from ``(0.0, "closed")``.

    Notes
    -----
    The same state machine drives :func:`simulate`. Closed: each answer enters a count-based
    sliding window; once it holds ``minimum_calls`` answers and the failure share reaches the
    threshold, the breaker opens and empties the window. Open: calls are rejected until
    ``open_s`` has passed, then half-open lets ``half_open_calls`` probes through and rejects
    the rest; when all probes have answered it closes if their failure share is below the
    threshold, else opens again (Resilience4j CircuitBreaker; Nygard, *Release It!*).

    Examples
    --------
    Four failures in a window of 4: open at the 4th call, half-open 1 s later, closed after a
    good probe.

    >>> b = BreakerPolicy(failure_rate=0.5, window=4, minimum_calls=4, open_s=1,
    ...                   half_open_calls=1)
    >>> calls = replay_breaker(b, [0, 0.1, 0.2, 0.3, 0.5, 1.4, 1.5], [1, 1, 1, 1, 1, 0, 0])
    >>> calls["permitted"].tolist()
    [True, True, True, True, False, True, True]
    >>> calls.attrs["transitions"]
    [(0.0, 'closed'), (0.3, 'open'), (1.3, 'half-open'), (1.4, 'closed')]
    """
    if not isinstance(breaker, BreakerPolicy):
        raise InputError("`breaker` must be a BreakerPolicy")
    times = np.asarray(times_s, dtype=float).ravel()
    fails = np.asarray(failed).astype(bool).ravel()
    if times.shape != fails.shape:
        raise InputError(
            f"`times_s` and `failed` must have the same length, got {times.size} and {fails.size}"
        )
    if not np.isfinite(times).all() or (times < 0).any():
        raise InputError("`times_s` must be finite times >= 0")
    if (np.diff(times) < 0).any():
        i = int(np.flatnonzero(np.diff(times) < 0)[0]) + 1
        raise InputError(f"`times_s` must not decrease: `times_s[{i}]` is before the call before")
    machine = _Breaker(breaker)
    rows = []
    for t, fail in zip(times.tolist(), fails.tolist(), strict=True):
        t_ms = t * 1000.0
        state = machine.state
        if state == _OPEN and t_ms >= machine.open_until:
            state = _HALF
        threshold = machine.threshold()
        generation = machine.permit(t_ms)
        permitted = generation >= 0
        if permitted:
            machine.record(t_ms, fail, generation)
        rows.append((t, BREAKER_STATES[state], permitted, fail and permitted, threshold))
    frame = pd.DataFrame(rows, columns=["time_s", "state", "permitted", "failed", "threshold"])
    frame.attrs["transitions"] = [
        (round(t / 1000.0, 9), BREAKER_STATES[s]) for t, s in machine.transitions
    ]
    return frame


# --- the result -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Every request's fate under one policy, and what the dependency saw.

    Attributes
    ----------
    policy : ClientPolicy
        The policy simulated.
    dependency : Dependency
        The dependency and its chaos.
    requests : int
        Requests simulated.
    rate_per_s : float
        Their arrival rate (Poisson).
    seed : int
        The random seed: the same inputs and seed give the same result.
    method : {"vectorised", "event-driven"}
        Which engine ran.
    arrival_s : numpy.ndarray
        When each request arrived (s from the start of the run).
    outcome : numpy.ndarray
        Per request: 0 ok, 1 degraded (fallback), 2 failed (see :data:`OUTCOMES`).
    latency_ms : numpy.ndarray
        What the caller waited, whatever the outcome (inf: hung for good, no timeout).
    attempts : numpy.ndarray
        Attempts each request sent to the dependency (hedged copies included; calls the
        breaker rejected are not sent).
    attempt_s : numpy.ndarray
        When each attempt was sent (s), all requests together.
    transitions : tuple of (float, str)
        The breaker's state changes ``(time_s, state)``, from ``(0.0, "closed")``; empty
        without a breaker.
    rejected : int
        Requests that ended because the open (or half-open) breaker refused an attempt.
    budget_denied : int
        Retries the budget refused.
    """

    policy: ClientPolicy
    dependency: Dependency
    requests: int
    rate_per_s: float
    seed: int
    method: str
    arrival_s: np.ndarray
    outcome: np.ndarray
    latency_ms: np.ndarray
    attempts: np.ndarray
    attempt_s: np.ndarray
    transitions: tuple[tuple[float, str], ...]
    rejected: int
    budget_denied: int

    # headline numbers ---------------------------------------------------------------------

    def _count(self, code: int) -> int:
        return int(np.count_nonzero(self.outcome == code))

    @property
    def success(self) -> float:
        """Share of requests answered by the dependency (ok)."""
        return self._count(_OK) / self.requests

    @property
    def degraded(self) -> float:
        """Share of requests served by the fallback."""
        return self._count(_DEGRADED) / self.requests

    @property
    def failed(self) -> float:
        """Share of requests that failed (hung ones included)."""
        return self._count(_FAILED) / self.requests

    @property
    def not_ok(self) -> float:
        """Share of requests not answered ok (degraded or failed): 1 − success, counted."""
        return (self.requests - self._count(_OK)) / self.requests

    @property
    def served(self) -> float:
        """Share of requests that got an answer, real or degraded."""
        return (self._count(_OK) + self._count(_DEGRADED)) / self.requests

    @property
    def hung(self) -> int:
        """Requests that never ended (a hanging call and no timeout)."""
        return int(np.count_nonzero(np.isinf(self.latency_ms)))

    @property
    def load(self) -> float:
        """Attempts sent to the dependency per request (1 = no amplification)."""
        return float(self.attempts.sum()) / self.requests

    @property
    def duration_s(self) -> float:
        """The run's length: the last arrival."""
        return float(self.arrival_s[-1])

    @property
    def trips(self) -> int:
        """How often the breaker opened."""
        return sum(1 for _, state in self.transitions if state == "open")

    def latency_percentile(self, p: float) -> float:
        """Nearest-rank p-quantile of what callers waited, all outcomes (inf if hung).

        Parameters
        ----------
        p : float
            In [0, 1].

        Returns
        -------
        float
            Latency in ms.
        """
        p = check_probability(p, "p")
        rank = nearest_rank(self.requests, p)
        return float(np.partition(self.latency_ms, rank - 1)[rank - 1])

    def closed_form(self) -> RetryOutcome | None:
        """The closed-form retry outcome, where this run has one (else ``None``).

        Returns
        -------
        RetryOutcome or None
            :func:`ftmath.retry_outcome` with the per-attempt failure probability
            :math:`f_a = 1 - (1 - f) F(T)` when there is no breaker, budget, deadline, chaos or
            hedging (independent attempts).
        """
        reason = self._closed_form_missing()
        if reason:
            return None
        return retry_outcome(self.attempt_failure(), self.policy.retries)

    def attempt_failure(self) -> float:
        r"""f_a: probability that one attempt fails (error, or slower than the timeout).

        Returns
        -------
        float
            :math:`1 - (1 - f)\,F(T) = f + (1 - f)(1 - F(T))`, outside chaos, computed as the
            latter so that a tiny :math:`1 - F(T)` is not lost to rounding.
        """
        d = self.dependency
        timeout = self.policy.timeout_ms if self.policy.timeout_ms is not None else math.inf
        if math.isinf(timeout):
            slower = 0.0
        elif d.sample is not None:
            slower = float(np.count_nonzero(d.sample > timeout)) / d.sample.size
        else:
            slower = float(stats.norm.sf((math.log(timeout) - d.mu) / d.sigma))
        return d.failure + (1.0 - d.failure) * slower

    def _closed_form_missing(self) -> str:
        p, d = self.policy, self.dependency
        reasons = []
        if p.breaker is not None:
            reasons.append("a circuit breaker couples the requests")
        if p.retry_budget is not None and p.retries:
            reasons.append("a retry budget couples the requests")
        if d.chaos:
            reasons.append("chaos changes the dependency over time")
        if p.deadline_ms is not None:
            reasons.append("a deadline cuts retries short")
        if p.hedging:
            reasons.append("hedging (see the load's closed form)")
        return "; ".join(reasons)

    def hedge_load_closed_form(self) -> float | None:
        r"""Expected attempts per request of a hedging policy without chaos or breaker.

        Returns
        -------
        float or None
            :math:`\sum_{k=0}^{m} \prod_{j<k} \bigl(1 - (1-f) F(\min((k-j)d, T))\bigr)` over
            copies sent before the deadline; 1 + P(X > d) for one hedge, no failures and no
            timeout (Dean & Barroso 2013). ``None`` when the policy does not hedge or chaos,
            a breaker or a deadline interferes.
        """
        p, d = self.policy, self.dependency
        if not p.hedging or p.breaker is not None or d.chaos or p.deadline_ms is not None:
            return None
        timeout = p.timeout_ms if p.timeout_ms is not None else math.inf
        delay = float(p.hedge_delay_ms or 0.0)
        total = 0.0
        for k in range(p.max_hedges + 1):
            launched = 1.0
            for j in range(k):
                launched *= 1.0 - (1.0 - d.failure) * d.cdf(min((k - j) * delay, timeout))
            total += launched
        return float(total)

    # tables ------------------------------------------------------------------------------------

    def requests_frame(self) -> pd.DataFrame:
        """Every request: arrival, outcome, latency and attempts.

        Returns
        -------
        pandas.DataFrame
            ``arrival_s``, ``outcome`` (categorical: ok / degraded / failed), ``latency_ms``
            (inf when hung) and ``attempts``.
        """
        return pd.DataFrame(
            {
                "arrival_s": self.arrival_s,
                "outcome": pd.Categorical.from_codes(
                    self.outcome.astype(np.int64), dtype=pd.CategoricalDtype(list(OUTCOMES))
                ),
                "latency_ms": self.latency_ms,
                "attempts": self.attempts,
            }
        )

    def timeline(self, bin_s: float | None = None) -> pd.DataFrame:
        """Load on the dependency, outcomes and breaker state per time bin.

        Parameters
        ----------
        bin_s : float, optional
            Bin width in seconds; by default a round width giving about 100–250 bins.

        Returns
        -------
        pandas.DataFrame
            One row per bin: ``start_s``, ``requests`` (arrivals), ``attempts`` (sent to the
            dependency), ``load`` (attempts / requests: the amplification; NaN without
            arrivals), ``ok``, ``degraded``, ``failed`` (requests by arrival bin),
            ``success`` (ok share), ``open_share`` and ``half_open_share`` (share of the bin's
            time the breaker spent open / half-open).
        """
        end = max(self.duration_s, float(self.attempt_s.max()) if self.attempt_s.size else 0.0)
        width = _nice_bin(end) if bin_s is None else check_positive(bin_s, "bin_s")
        count = max(1, math.ceil(end / width - 1e-12))
        if count > 100_000:
            raise InputError(f"`bin_s` {width:g} s gives {count:,} bins: use at most 100,000")
        edges = np.arange(count + 1) * width
        edges[-1] = max(edges[-1], end)

        def counts(times: np.ndarray) -> np.ndarray:
            index = np.minimum((times / width).astype(np.int64), count - 1)
            return np.bincount(index, minlength=count)

        arrivals = self.arrival_s
        index = np.minimum((arrivals / width).astype(np.int64), count - 1)
        by_outcome = np.zeros((3, count), np.int64)
        for code in range(3):
            by_outcome[code] = np.bincount(index[self.outcome == code], minlength=count)
        requests = by_outcome.sum(axis=0)
        attempts = counts(self.attempt_s)
        with np.errstate(invalid="ignore", divide="ignore"):
            load = np.where(requests > 0, attempts / np.maximum(requests, 1), np.nan)
            success = np.where(requests > 0, by_outcome[0] / np.maximum(requests, 1), np.nan)
        open_share = self._state_share(edges, "open")
        half_share = self._state_share(edges, "half-open")
        return pd.DataFrame(
            {
                "start_s": edges[:-1],
                "requests": requests,
                "attempts": attempts,
                "load": load,
                "ok": by_outcome[0],
                "degraded": by_outcome[1],
                "failed": by_outcome[2],
                "success": success,
                "open_share": open_share,
                "half_open_share": half_share,
            }
        )

    def _state_share(self, edges: np.ndarray, state: str) -> np.ndarray:
        """Share of each bin's time spent in ``state``, from the transitions."""
        if not self.transitions:
            return np.zeros(edges.size - 1)
        end = float(edges[-1])
        starts = [t for t, _ in self.transitions] + [max(end, self.transitions[-1][0])]
        inside = np.zeros(edges.size - 1)
        for (t0, s), t1 in zip(self.transitions, starts[1:], strict=True):
            if s != state or t1 <= t0:
                continue
            lo = np.clip(edges[:-1], t0, t1)
            hi = np.clip(edges[1:], t0, t1)
            inside += hi - lo
        return inside / np.diff(edges)

    def peak_load(self, bin_s: float | None = None) -> tuple[float, float, int, int]:
        """The highest load amplification of any time bin.

        Parameters
        ----------
        bin_s : float, optional
            Bin width, as in :meth:`timeline`.

        Returns
        -------
        tuple
            ``(load, start_s, attempts, requests)`` of the peak bin.
        """
        frame = self.timeline(bin_s)
        frame = frame[frame["requests"] > 0]
        at = int(np.argmax(frame["load"].to_numpy()))
        row = frame.iloc[at]
        return float(row["load"]), float(row["start_s"]), int(row["attempts"]), int(row["requests"])

    def summary(self) -> dict[str, Any]:
        """One row for a comparison table.

        Returns
        -------
        dict
            Policy, shares of outcomes (``success``, its complement ``not_ok`` counted
            directly, ``degraded``, ``failed``, and ``served`` = ok + degraded), latency
            percentiles (all outcomes), load, peak load, breaker trips and rejections, budget
            refusals, hung requests, engine and seed.
        """
        peak, peak_at, _, _ = self.peak_load()
        return {
            "policy": self.policy.name,
            "success": self.success,
            "not_ok": self.not_ok,
            "degraded": self.degraded,
            "failed": self.failed,
            "served": self.served,
            "p50_ms": self.latency_percentile(0.5),
            "p99_ms": self.latency_percentile(0.99),
            "p999_ms": self.latency_percentile(0.999),
            "load": self.load,
            "peak_load": peak,
            "peak_at_s": peak_at,
            "breaker_trips": self.trips,
            "rejected": self.rejected,
            "budget_denied": self.budget_denied,
            "hung": self.hung,
            "requests": self.requests,
            "method": f"{self.method}, seed {self.seed}",
            "description": self.policy.describe(),
        }

    # explanations ------------------------------------------------------------------------------

    def explain(self) -> dict[str, Explanation]:
        """How the headline numbers are computed, with this run's counts.

        Returns
        -------
        dict of str to Explanation
            ``"success"``, ``"served"``, ``"load"``, ``"peak_load"`` and ``"p99"``.
        """
        n = self.requests
        run = (
            f"{self.method.capitalize()} simulation of {n:,} requests arriving at "
            f"{self.rate_per_s:g}/s "
            f"(Poisson), seed {self.seed}: the same inputs give the same numbers."
        )
        closed = self.closed_form()
        missing = self._closed_form_missing()
        n_ok = self._count(_OK)
        sigma = math.sqrt(max(self.success * self.not_ok, 0.0) / n)
        if closed is not None:
            z = abs(self.success - closed.success) / math.sqrt(
                max(closed.success * closed.unreliability, 1e-300) / n
            )
            success_note = (
                f"Closed form with independent attempts: S = 1 − f_a^(k+1) = "
                f"{closed.success:.6g} (f_a = {closed.failure:.4g}, k = {closed.retries}, "
                f"failure probability f_a^(k+1) = {closed.unreliability:.3g}); the "
                f"simulation is {z:.1f} binomial standard errors from it."
            )
        else:
            success_note = f"No closed form here: {missing or 'see the load'}."
        success = Explanation(
            quantity=f"Success rate — {self.policy.name}",
            value=self.success,
            formula=r"S = \frac{N_{ok}}{N}",
            substituted=rf"S = \frac{{{n_ok}}}{{{n}}} = {latex_number(self.success)}",
            inputs={"N_ok": float(n_ok), "N": float(n)},
            expression="N_ok / N",
            convention=run + " A request is ok when the dependency answered it in time.",
            reference="AWS Builders' Library, 'Timeouts, retries, and backoff with jitter'; "
            "gRFC A6 (retry semantics)",
            notes=(success_note, f"Binomial standard error of S: {sigma:.2g}."),
        )
        n_served = n_ok + self._count(_DEGRADED)
        served = Explanation(
            quantity=f"Served (ok + degraded) — {self.policy.name}",
            value=self.served,
            formula=r"S_{served} = \frac{N_{ok} + N_{degraded}}{N}",
            substituted=(
                rf"S_{{served}} = \frac{{{n_ok} + {n_served - n_ok}}}{{{n}}} = "
                rf"{latex_number(self.served)}"
            ),
            inputs={"N_ok": float(n_ok), "N_degraded": float(n_served - n_ok), "N": float(n)},
            expression="(N_ok + N_degraded) / N",
            convention=run + " A request that would fail is served degraded by the fallback "
            "when the policy has one; a request that hangs for good is never served.",
            reference="Nygard, Release It! (2nd ed., 2018), ch. 5: fallbacks",
        )
        total = int(self.attempts.sum())
        hedge = self.hedge_load_closed_form()
        if closed is not None:
            load_note = (
                f"Closed form: L = (1 − f_a^(k+1)) / (1 − f_a) = {closed.load:.6g}."
                if closed.failure < 1
                else f"Closed form: every attempt fails, L = k + 1 = {closed.load:g}."
            )
        elif hedge is not None:
            load_note = (
                "Closed form for hedging: L = Σₖ Πⱼ<ₖ (1 − (1−f) F(min((k−j)d, T))) = "
                f"{hedge:.6g} (1 + P(X > d) for one hedge without failures)."
            )
        else:
            load_note = f"No closed form here: {missing}."
        load = Explanation(
            quantity=f"Load amplification — {self.policy.name}",
            value=self.load,
            formula=r"L = \frac{\text{attempts sent}}{N}",
            substituted=rf"L = \frac{{{total}}}{{{n}}} = {latex_number(self.load)}",
            inputs={"A": float(total), "N": float(n)},
            expression="A / N",
            convention=run + " Attempts are calls that reach the dependency: retries and "
            "hedged copies count, calls the breaker rejects do not.",
            reference="AWS Builders' Library, 'Timeouts, retries, and backoff with jitter'; "
            "Dean & Barroso, 'The Tail at Scale' (2013)",
            notes=(load_note,),
        )
        peak, at, attempts, arrivals = self.peak_load()
        peak_load = Explanation(
            quantity=f"Peak load amplification — {self.policy.name}",
            value=peak,
            formula=r"L_{peak} = \max_b \frac{A_b}{N_b}",
            substituted=(
                rf"L_{{peak}} = \frac{{{attempts}}}{{{arrivals}}} = {latex_number(peak)}"
                rf"\text{{ (bin from {at:g} s)}}"
            ),
            inputs={"A_b": float(attempts), "N_b": float(arrivals)},
            expression="A_b / N_b",
            convention="Attempts sent in a time bin over requests that arrived in it, the "
            f"largest over the bins of the timeline (bin {_nice_bin(self._end_s()):g} s). "
            "A retry storm shows as a peak during an outage.",
            reference="AWS Builders' Library, 'Timeouts, retries, and backoff with jitter' "
            "(retries multiply load on an overloaded service)",
        )
        p99 = self.latency_percentile(0.99)
        rank = nearest_rank(n, 0.99)
        p99_explained = Explanation(
            quantity=f"p99 latency seen by callers — {self.policy.name}",
            value=p99 if math.isfinite(p99) else None,
            formula=r"x_{(r)},\quad r = \lceil 0.99\,N \rceil",
            substituted=rf"r = \lceil 0.99 \times {n} \rceil = {rank} \Rightarrow "
            rf"{latex_number(p99)}\text{{ ms}}",
            inputs={"N": float(n), "r": float(rank)},
            expression="",
            convention="Nearest rank over every request, whatever its outcome: the time the "
            "caller waited for an answer, a fallback or an error.",
            reference="HdrHistogram percentile convention",
            unavailable_reason=None
            if math.isfinite(p99)
            else f"{plural(self.hung, 'request')} {'hangs' if self.hung == 1 else 'hang'} for good "
            "(a call hangs and there is no timeout)",
            unit="ms",
        )
        return {
            "success": success,
            "served": served,
            "load": load,
            "peak_load": peak_load,
            "p99": p99_explained,
        }

    def _end_s(self) -> float:
        return max(self.duration_s, float(self.attempt_s.max()) if self.attempt_s.size else 0.0)


def _nice_bin(end_s: float) -> float:
    """A round bin width giving at most 250 bins over ``end_s`` seconds."""
    for width in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600):
        if end_s / width <= 250:
            return float(width)
    return float(math.ceil(end_s / 250 / 3600) * 3600)


def simulation_table(results: Sequence[SimulationResult]) -> pd.DataFrame:
    """Several simulations side by side, one row each.

    Parameters
    ----------
    results : sequence of SimulationResult
        Runs to compare (the same dependency and traffic, typically).

    Returns
    -------
    pandas.DataFrame
        The rows of :meth:`SimulationResult.summary`.

    Examples
    --------
    >>> dep = Dependency.lognormal(20, 200, failure=0.1)
    >>> runs = [simulate(ClientPolicy(name=str(k), timeout_ms=300, max_attempts=k), dep,
    ...                  requests=2_000, rate_per_s=100, seed=1) for k in (1, 3)]
    >>> simulation_table(runs)["policy"].tolist()
    ['1', '3']
    """
    rows = []
    for i, result in enumerate(results):
        if not isinstance(result, SimulationResult):
            raise InputError(f"`results[{i}]` must be a SimulationResult")
        rows.append(result.summary())
    return pd.DataFrame(rows)


# --- the simulation -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Draws:
    """The random numbers of one run, drawn once so that both engines see the same."""

    arrival_ms: np.ndarray  # (n,)
    x: np.ndarray  # (n, slots) latency of each attempt slot before chaos
    u: np.ndarray  # (n, slots) uniform: the slot fails when u < failure probability
    waits: np.ndarray  # (n, slots - 1) back-off before each retry


def _draw(policy: ClientPolicy, dependency: Dependency, n: int, rate: float, seed: int) -> _Draws:
    rng = np.random.default_rng(seed)
    slots = policy.max_hedges + 1 if policy.hedging else policy.max_attempts
    arrival = np.cumsum(rng.exponential(1000.0 / rate, size=n))
    x = dependency._draw(rng, (n, slots))
    u = rng.random((n, slots))
    waits = _sample_backoff(
        rng, n, slots - 1, policy.backoff_base_ms, policy.backoff_cap_ms, policy.jitter
    )
    return _Draws(arrival, x, u, waits)


def _chaos_table(chaos: Sequence[Chaos]) -> list[tuple[float, float, str, float]]:
    return [
        (
            c.start_s * 1000.0,
            c.end_s * 1000.0,
            c.kind,
            c.extra_ms if c.kind == "latency" else c.failure,
        )
        for c in chaos
    ]


def _behave_vector(
    t: np.ndarray, x: np.ndarray, u: np.ndarray, failure: float, chaos: list
) -> tuple[np.ndarray, np.ndarray]:
    """Latency and ok of attempts sent at absolute times ``t`` (ms), chaos applied."""
    p: Any = failure
    for start, end, kind, value in chaos:
        inside = (t >= start) & (t < end)
        if kind == "latency":
            x = x + np.where(inside, value, 0.0)
        elif kind == "brownout":
            p = np.where(inside, np.maximum(p, value), p)
    ok = u >= p
    for wanted, latency in (("outage-fail", 0.0), ("outage-hang", math.inf)):
        for start, end, kind, _ in chaos:
            if kind == wanted:
                inside = (t >= start) & (t < end)
                x = np.where(inside, latency, x)
                ok = ok & ~inside
    return x, ok


def check_traffic(
    requests: Any, rate_per_s: Any, *, seed: Any = 0, max_requests: int = _MAX_REQUESTS
) -> tuple[int, float, int]:
    """Validate the traffic of a simulation: how many requests, how fast, which seed.

    Parameters
    ----------
    requests : int
        How many requests, a whole number from 1 to ``max_requests``.
    rate_per_s : float
        Their arrival rate, from 0.001 to 10,000,000 per second.
    seed : int, optional
        Random seed, a whole number >= 0.
    max_requests : int, optional
        The most requests accepted (2,000,000, what :func:`simulate` accepts; an interactive
        page may allow fewer to stay quick).

    Returns
    -------
    tuple of (int, float, int)
        ``requests``, ``rate_per_s`` and ``seed``, cleaned.

    Examples
    --------
    >>> check_traffic(60_000, 200)
    (60000, 200.0, 0)
    >>> check_traffic(0, 200)
    Traceback (most recent call last):
    ...
    ftmath.errors.InputError: `requests` must be a whole number from 1 to 2,000,000, got 0
    """
    most = _whole(max_requests, "max_requests", 1, _MAX_REQUESTS)
    n = _whole(requests, "requests", 1, most)
    rate = check_positive(rate_per_s, "rate_per_s")
    if not 1e-3 <= rate <= 1e7:
        raise InputError(
            "`rate_per_s` must be from 0.001 (a request every 1,000 s) to 10,000,000 per "
            f"second, got {rate:g}"
        )
    return n, rate, _whole(seed, "seed", 0, 2**63 - 1)


def simulate(
    policy: ClientPolicy,
    dependency: Dependency,
    *,
    requests: int,
    rate_per_s: float,
    seed: int = 0,
    method: str = "auto",
) -> SimulationResult:
    r"""Replay a stream of requests through a client policy against a dependency.

    Parameters
    ----------
    policy : ClientPolicy
        Timeout, retries and back-off, deadline, budget, breaker, hedging, fallback.
    dependency : Dependency
        Latency, failure probability and chaos on the timeline.
    requests : int
        How many requests (1 to 2,000,000).
    rate_per_s : float
        Their arrival rate (Poisson arrivals), > 0; the run lasts about requests / rate s.
    seed : int, optional
        Random seed: the same inputs and seed give the same result.
    method : {"auto", "vectorised", "event-driven"}, optional
        The engine: vectorised needs a policy without breaker and budget; "auto" picks it
        when it can. Both give the same result from the same seed.

    Returns
    -------
    SimulationResult
        Outcome, latency and attempts per request; load and breaker state over time.

    Notes
    -----
    Each request may send attempts (retries) or copies (hedges). An attempt sent at time s
    draws a latency X from the dependency and fails with probability f (or as chaos at time s
    says); with per-try limit :math:`\ell = \min(T, D - s)` it succeeds at :math:`s + X` if
    it is ok and :math:`X \le \ell`, returns its error at :math:`s + X`, or times out at
    :math:`s + \ell`. A failed attempt is retried after its back-off if attempts remain, the
    retry would start before the deadline, the budget allows it (at most ``retry_budget`` ×
    requests of the last ``budget_window_s`` seconds, plus ``budget_min_per_s`` × window) and
    the breaker lets it through. A rejection by the breaker ends the request at once (it is not
    retried). Hedged copy k goes at :math:`k d` unless a copy has succeeded by then; the first
    success wins and the other copies are cancelled. A request that fails is served degraded
    when the policy has a fallback.

    Without breaker, budget, deadline, chaos or hedging, attempts are independent with failure
    probability :math:`f_a = 1 - (1 - f) F(T)`, so success is :math:`1 - f_a^{k+1}` and load
    :math:`(1 - f_a^{k+1}) / (1 - f_a)` (:func:`ftmath.retry_outcome`); the simulation agrees
    within its binomial standard error.

    Examples
    --------
    >>> dep = Dependency.lognormal(20, 200, failure=0.1)
    >>> r = simulate(ClientPolicy(max_attempts=3), dep, requests=100_000, rate_per_s=1000,
    ...              seed=1)
    >>> abs(r.success - (1 - 0.1**3)) < 5 * (0.001 * 0.999 / 100_000) ** 0.5
    True
    >>> round(r.closed_form().load, 6), abs(r.load - 1.11) < 0.005
    (1.11, True)
    """
    if not isinstance(policy, ClientPolicy):
        raise InputError("`policy` must be a ClientPolicy")
    if not isinstance(dependency, Dependency):
        raise InputError("`dependency` must be a Dependency (Dependency.empirical or .lognormal)")
    n, rate, seed_value = check_traffic(requests, rate_per_s, seed=seed)
    if method not in ("auto", "vectorised", "event-driven"):
        raise InputError(f"`method` must be 'auto', 'vectorised' or 'event-driven', got {method!r}")
    coupled = policy.breaker is not None or (policy.retry_budget is not None and policy.retries)
    if method == "vectorised" and coupled:
        raise InputError(
            "the vectorised engine cannot run a breaker or a retry budget (they couple the "
            "requests): use method='event-driven' or 'auto'"
        )
    engine = "event-driven" if method == "event-driven" or coupled else "vectorised"
    draws = _draw(policy, dependency, n, rate, seed_value)
    run_end_s = float(draws.arrival_ms[-1]) / 1000.0
    for i, c in enumerate(dependency.chaos):
        if c.start_s >= run_end_s:
            raise InputError(
                f"chaos[{i}] ({c.describe()}) starts after the run ends at {run_end_s:,.0f} s "
                f"({n:,} requests at {rate:g}/s): start it earlier or simulate more requests"
            )
    chaos = _chaos_table(dependency.chaos)
    if engine == "vectorised":
        raw = _run_vectorised(policy, dependency, draws, chaos)
    else:
        raw = _run_events(policy, dependency, draws, chaos)
    outcome, latency, attempts, sent, transitions, rejected, denied = raw
    return SimulationResult(
        policy=policy,
        dependency=dependency,
        requests=n,
        rate_per_s=rate,
        seed=seed_value,
        method=engine,
        arrival_s=draws.arrival_ms / 1000.0,
        outcome=outcome,
        latency_ms=latency,
        attempts=attempts,
        attempt_s=sent / 1000.0,
        transitions=tuple((round(t / 1000.0, 9), BREAKER_STATES[s]) for t, s in transitions),
        rejected=rejected,
        budget_denied=denied,
    )


def _outcomes(success: np.ndarray, end: np.ndarray, fallback: bool) -> np.ndarray:
    outcome = np.full(success.size, _FAILED, np.int8)
    if fallback:
        outcome[np.isfinite(end)] = _DEGRADED
    outcome[success] = _OK
    return outcome


def _run_vectorised(
    policy: ClientPolicy, dependency: Dependency, draws: _Draws, chaos: list
) -> tuple:
    timeout = policy.timeout_ms if policy.timeout_ms is not None else math.inf
    deadline = policy.deadline_ms if policy.deadline_ms is not None else math.inf
    arrival, f = draws.arrival_ms, dependency.failure

    def behave(j: int, rows: np.ndarray, send: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _behave_vector(arrival[rows] + send, draws.x[rows, j], draws.u[rows, j], f, chaos)

    if policy.hedging:
        replay = _hedge_rounds(
            draws.x,
            draws.u >= f,
            float(policy.hedge_delay_ms or 0.0),
            timeout,
            deadline,
            behave=behave if chaos else None,
        )
    else:
        replay = _retry_rounds(
            draws.x, draws.u >= f, draws.waits, timeout, deadline,
            behave=behave if chaos else None,
        )  # fmt: skip
    sent = (arrival[:, None] + replay.sent)[~np.isnan(replay.sent)]
    outcome = _outcomes(replay.success, replay.end, policy.fallback)
    return outcome, replay.end, replay.attempts, sent, [], 0, 0


def _run_events(policy: ClientPolicy, dependency: Dependency, draws: _Draws, chaos: list) -> tuple:
    """The event-driven engine: a time-ordered queue of answers, retries and hedges.

    Every comparison uses times relative to the request's arrival, computed as the vectorised
    engine computes them, so both engines agree to the last bit on the same draws.
    """
    n, slots = draws.x.shape
    arrival = draws.arrival_ms.tolist()
    xs = draws.x.ravel().tolist()
    us = draws.u.ravel().tolist()
    waits = draws.waits.ravel().tolist()
    n_waits = max(slots - 1, 0)
    f = dependency.failure
    timeout = policy.timeout_ms if policy.timeout_ms is not None else math.inf
    deadline = policy.deadline_ms if policy.deadline_ms is not None else math.inf
    hedging, delay, copies = policy.hedging, float(policy.hedge_delay_ms or 0.0), slots
    breaker = _Breaker(policy.breaker) if policy.breaker is not None else None
    budget = policy.retry_budget if policy.retries else None
    window_ms = policy.budget_window_s * 1000.0
    budget_floor = policy.budget_min_per_s * policy.budget_window_s
    retry_times: deque[float] = deque()
    has_chaos = bool(chaos)
    inf = math.inf

    outcome = [_FAILED] * n
    end = [inf] * n
    finished = [False] * n
    attempts = [0] * n
    outstanding = [0] * n
    pending = [False] * n
    latest = [0.0] * n
    sent: list[float] = []
    rejected = denied = 0
    heap: list[tuple] = []
    push, pop = heapq.heappush, heapq.heappop
    seq = 0
    DONE, NEXT = 0, 1  # at equal times answers go before new attempts

    def behave(t: float, x: float, u: float) -> tuple[float, bool]:
        p = f
        hang = fail = False
        for start, stop, kind, value in chaos:
            if start <= t < stop:
                if kind == "latency":
                    x = x + value
                elif kind == "brownout":
                    p = max(p, value)
                elif kind == "outage-hang":
                    hang = True
                else:
                    fail = True
        if hang:
            return inf, False
        if fail:
            return 0.0, False
        return x, u >= p

    def finish(i: int, rel: float, ok: bool) -> None:
        finished[i] = True
        end[i] = rel
        outcome[i] = _OK if ok else _FAILED

    def send(i: int, j: int, rel: float) -> bool:
        """Send slot j of request i at ``rel``; False when the breaker rejects it."""
        nonlocal seq
        t = arrival[i] + rel
        generation = breaker.permit(t) if breaker is not None else 0
        if generation < 0:
            return False
        attempts[i] += 1
        sent.append(t)
        k = i * slots + j
        if has_chaos:
            x, ok = behave(t, xs[k], us[k])
        else:
            x, ok = xs[k], us[k] >= f
        limit = min(timeout, deadline - rel)
        if x <= limit and x < inf:
            done = rel + x
        elif limit < inf:
            done, ok = rel + limit, False
        else:
            outstanding[i] += 1  # hangs for good: never answers
            return True
        seq += 1
        outstanding[i] += 1
        push(heap, (arrival[i] + done, DONE, seq, i, j, done, ok, generation))
        return True

    def budget_allows(t: float, i: int) -> bool:
        while retry_times and retry_times[0] <= t - window_ms:
            retry_times.popleft()
        arrived = bisect_right(arrival, t) - bisect_right(arrival, t - window_ms)
        if len(retry_times) + 1 > (budget or 0.0) * arrived + budget_floor:
            return False
        retry_times.append(t)
        return True

    a = 0
    while a < n or heap:
        if heap and (a >= n or heap[0][0] <= arrival[a]):
            t, kind, _, i, j, rel, ok, generation = pop(heap)
            if finished[i]:
                continue  # a cancelled hedge, or a retry of a request that has ended
            if kind == DONE:
                outstanding[i] -= 1
                if breaker is not None:
                    breaker.record(t, not ok, generation)
                if ok:
                    finish(i, rel, True)
                elif hedging:
                    latest[i] = max(latest[i], rel)  # copies may end out of order by an ulp
                    if outstanding[i] == 0 and not pending[i]:
                        finish(i, latest[i], False)
                elif j + 1 < slots:
                    following = rel + waits[i * n_waits + j]
                    if following >= deadline:
                        finish(i, rel, False)
                    elif budget is not None and not budget_allows(t, i):
                        denied += 1
                        finish(i, rel, False)
                    else:
                        seq += 1
                        push(
                            heap, (arrival[i] + following, NEXT, seq, i, j + 1, following, False, 0)
                        )
                else:
                    finish(i, rel, False)
            elif hedging:
                pending[i] = False
                send(i, j, rel)
                following = (j + 1) * delay
                if j + 1 < copies and following < deadline:
                    pending[i] = True
                    seq += 1
                    push(heap, (arrival[i] + following, NEXT, seq, i, j + 1, following, False, 0))
                elif outstanding[i] == 0:
                    finish(i, rel, False)  # the last copy was rejected: nothing left to wait
            elif not send(i, j, rel):
                rejected += 1
                finish(i, rel, False)
        else:
            i = a
            a += 1
            if not send(i, 0, 0.0):
                rejected += 1
                finish(i, 0.0, False)
                continue
            if hedging and copies > 1 and delay < deadline:
                pending[i] = True
                seq += 1
                push(heap, (arrival[i] + delay, NEXT, seq, i, 1, delay, False, 0))

    success = np.array(outcome, np.int8) == _OK
    latency = np.array(end)
    outcome_array = _outcomes(success, latency, policy.fallback)
    transitions = breaker.transitions if breaker is not None else []
    return (
        outcome_array,
        latency,
        np.array(attempts, np.int64),
        np.array(sent),
        transitions,
        rejected,
        denied,
    )


# --- configuration for the chosen policy ----------------------------------------------------------


def policy_configs(
    policy: ClientPolicy, *, name: str = "backend", service: str = ""
) -> dict[str, str]:
    """The policy as ready-to-paste configuration: Envoy, gRPC and Resilience4j.

    Parameters
    ----------
    policy : ClientPolicy
        The policy.
    name : str, optional
        The upstream cluster / Resilience4j instance name.
    service : str, optional
        The gRPC service (``package.Service``); empty applies to all.

    Returns
    -------
    dict of str to str
        ``"envoy"`` (YAML), ``"grpc"`` (JSON) and ``"resilience4j"`` (properties); what a
        format cannot express is said in a comment (or, for gRPC's JSON, left out: see the
        Envoy and Resilience4j comments).

    Notes
    -----
    Built by :mod:`ftmath.configs`. The overall timeout is the deadline, or all attempts at the
    per-try timeout plus the largest back-offs (3 × 200 ms + 50 + 100 ms = 0.75 s below).
    Envoy has no client-side breaker of this kind (its ``outlier_detection`` ejects hosts) and
    gRPC none at all; Resilience4j writes the breaker as a CircuitBreaker instance.

    Examples
    --------
    >>> text = policy_configs(ClientPolicy(timeout_ms=200, max_attempts=3))["envoy"]
    >>> [line.strip() for line in text.splitlines()
    ...  if line.strip().startswith(("timeout", "num_retries", "per_try"))]
    ['timeout: 0.75s', 'num_retries: 2', 'per_try_timeout: 0.2s']
    """
    if not isinstance(policy, ClientPolicy):
        raise InputError("`policy` must be a ClientPolicy")
    per_try = policy.timeout_ms
    k = policy.retries
    if policy.deadline_ms is not None:
        overall = policy.deadline_ms
    elif per_try is not None:
        waits = sum(min(policy.backoff_cap_ms, policy.backoff_base_ms * 2.0**i) for i in range(k))
        copies = policy.max_hedges * float(policy.hedge_delay_ms or 0.0)
        overall = per_try * policy.max_attempts + waits + copies
    else:
        overall = 60_000.0
    comments = [f"Policy: {policy.name} — {policy.describe()}"]
    if per_try is None and policy.deadline_ms is None:
        comments.append("The policy has no timeout: 60 s is written as a safety net.")
    if policy.fallback:
        comments.append("Fallback: served by the application (a cached or default answer).")
    envoy_comments = list(comments)
    if policy.jitter != "full" and k:
        used = "no jitter" if policy.jitter == "none" else f"{policy.jitter} jitter"
        envoy_comments.append(
            f"The simulated back-off uses {used}; Envoy and gRPC always use full jitter."
        )
    if policy.breaker is not None:
        envoy_comments.append(
            "Circuit breaker: not in this file. Envoy's outlier_detection ejects failing hosts; "
            "the client-side breaker is in the Resilience4j file."
        )
    hedge = policy.hedge_delay_ms if policy.hedging else None
    envoy = configs.envoy_route_config(
        timeout_ms=overall,
        per_try_timeout_ms=per_try,
        retries=k,
        backoff_base_ms=policy.backoff_base_ms if k else None,
        backoff_cap_ms=policy.backoff_cap_ms if k else None,
        retry_budget=policy.retry_budget if k else None,
        hedge_delay_ms=hedge,
        hedges=policy.max_hedges,
        cluster=name,
        comments=envoy_comments,
    )
    grpc = configs.grpc_service_config(
        timeout_ms=overall,
        service=service,
        retries=min(k, 4),
        backoff_base_ms=policy.backoff_base_ms,
        backoff_cap_ms=policy.backoff_cap_ms,
        hedge_delay_ms=hedge,
        hedges=min(policy.max_hedges, 4),
        retry_budget=policy.retry_budget if k else None,
    )
    r4j_comments = list(comments)
    if policy.retry_budget is not None and k:
        r4j_comments.append("Resilience4j has no retry budget: enforce it in the proxy (Envoy).")
    if policy.hedging:
        r4j_comments.append("Resilience4j does not hedge: use the Envoy or gRPC file for that.")
    text = configs.resilience4j_properties(
        timeout_ms=per_try if per_try is not None else overall,
        retries=k,
        backoff_base_ms=policy.backoff_base_ms,
        backoff_cap_ms=policy.backoff_cap_ms,
        jitter=policy.jitter,
        name=name,
        comments=r4j_comments,
    )
    if policy.breaker is not None:
        b = policy.breaker
        text += configs.resilience4j_circuit_breaker_properties(
            failure_rate=b.failure_rate,
            window_calls=b.window,
            minimum_calls=b.minimum_calls,
            open_ms=b.open_s * 1000.0,
            half_open_calls=b.half_open_calls,
            name=name,
            comments=(
                [
                    "The adaptive threshold has no Resilience4j equivalent: the fixed "
                    f"failure rate {b.failure_rate:.0%} is written."
                ]
                if b.adaptive
                else []
            ),
        )
    return {"envoy": envoy, "grpc": grpc, "resilience4j": text}
