"""Properties of ftmath.simulate that hold for every policy, dependency and seed."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ftmath.simulate import (
    BREAKER_STATES,
    BreakerPolicy,
    Chaos,
    ClientPolicy,
    Dependency,
    replay_breaker,
    simulate,
)

maybe_ms = st.none() | st.floats(min_value=1.0, max_value=2000.0)


@st.composite
def policies(draw: st.DrawFn, *, coupled: bool = True) -> ClientPolicy:
    """A policy: retries or hedging, optional deadline, fallback; budget and breaker when
    ``coupled``."""
    base = draw(st.floats(min_value=0.5, max_value=200.0))
    hedging = draw(st.booleans())
    breaker = None
    budget = None
    if coupled and draw(st.booleans()):
        window = draw(st.integers(min_value=1, max_value=50))
        breaker = BreakerPolicy(
            failure_rate=draw(st.floats(min_value=0.05, max_value=1.0)),
            window=window,
            minimum_calls=draw(st.integers(min_value=1, max_value=window)),
            open_s=draw(st.floats(min_value=0.01, max_value=5.0)),
            half_open_calls=draw(st.integers(min_value=1, max_value=5)),
            adaptive=draw(st.booleans()),
        )
    if coupled and not hedging and draw(st.booleans()):
        budget = draw(st.floats(min_value=0.0, max_value=1.0))
    return ClientPolicy(
        timeout_ms=draw(maybe_ms),
        max_attempts=1 if hedging else draw(st.integers(min_value=1, max_value=5)),
        backoff_base_ms=base,
        backoff_cap_ms=base * draw(st.floats(min_value=1.0, max_value=20.0)),
        jitter=draw(st.sampled_from(["none", "full", "equal", "decorrelated"])),
        deadline_ms=draw(maybe_ms),
        retry_budget=budget,
        budget_window_s=draw(st.floats(min_value=0.1, max_value=10.0)),
        breaker=breaker,
        hedge_delay_ms=draw(st.floats(min_value=0.0, max_value=300.0)) if hedging else None,
        max_hedges=draw(st.integers(min_value=1, max_value=3)) if hedging else 0,
        fallback=draw(st.booleans()),
    )


@st.composite
def dependencies(draw: st.DrawFn) -> Dependency:
    """A lognormal or small empirical dependency with 0-2 chaos windows in the first 10 s."""
    chaos = []
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        kind = draw(st.sampled_from(["outage-fail", "outage-hang", "latency", "brownout"]))
        chaos.append(
            Chaos(
                kind,
                start_s=draw(st.floats(min_value=0.0, max_value=5.0)),
                duration_s=draw(st.floats(min_value=0.1, max_value=10.0)),
                extra_ms=draw(st.floats(min_value=1.0, max_value=500.0)),
                failure=draw(st.floats(min_value=0.0, max_value=1.0)),
            )
        )
    failure = draw(st.floats(min_value=0.0, max_value=1.0))
    if draw(st.booleans()):
        median = draw(st.floats(min_value=0.5, max_value=200.0))
        p99 = median * draw(st.floats(min_value=1.01, max_value=50.0))
        return Dependency.lognormal(median, p99, failure=failure, chaos=chaos)
    sample = draw(st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=30))
    return Dependency.empirical(sample, failure=failure, chaos=chaos)


traffic = st.fixed_dictionaries(
    {
        "requests": st.integers(min_value=1, max_value=400),
        "rate_per_s": st.floats(min_value=20.0, max_value=500.0),
        "seed": st.integers(min_value=0, max_value=2**32),
    }
)


@given(policies(coupled=False), dependencies(), traffic)
def test_engines_agree_exactly(policy: ClientPolicy, dep: Dependency, run: dict) -> None:
    try:
        a = simulate(policy, dep, **run)
    except Exception as error:  # chaos after a short run is refused by both engines
        assert "starts after the run ends" in str(error)
        return
    b = simulate(policy, dep, **run, method="event-driven")
    assert np.array_equal(a.outcome, b.outcome)
    assert np.array_equal(a.latency_ms, b.latency_ms)
    assert np.array_equal(a.attempts, b.attempts)
    assert np.array_equal(np.sort(a.attempt_s), np.sort(b.attempt_s))


@given(policies(), dependencies(), traffic)
def test_invariants(policy: ClientPolicy, dep: Dependency, run: dict) -> None:
    try:
        r = simulate(policy, dep, **run)
    except Exception as error:
        assert "starts after the run ends" in str(error)
        return
    n = r.requests
    assert math.isclose(r.success + r.degraded + r.failed, 1.0)
    most = policy.max_hedges + 1 if policy.hedging else policy.max_attempts
    assert (r.attempts <= most).all()
    assert (r.attempts >= 0).all()
    assert r.attempts.sum() == r.attempt_s.size
    if policy.breaker is None:
        assert (r.attempts >= 1).all() and r.load >= 1.0
        assert r.rejected == 0
    assert (r.latency_ms >= 0).all()
    if policy.deadline_ms is not None:
        finite = r.latency_ms[np.isfinite(r.latency_ms)]
        assert (finite <= policy.deadline_ms * (1 + 1e-12)).all()
    if policy.timeout_ms is not None or policy.deadline_ms is not None:
        assert r.hung == 0  # a timeout ends every hanging call
    if not policy.fallback:
        assert r.degraded == 0.0
    else:
        # only callers stuck for good are not served (failed is a share: compare counts)
        assert math.isclose(r.failed * n, r.hung, rel_tol=1e-12)
    frame = r.timeline()
    assert frame["requests"].sum() == n and frame["attempts"].sum() == r.attempt_s.size
    states = [s for _, s in r.transitions]
    assert all(s in BREAKER_STATES for s in states)
    times = [t for t, _ in r.transitions]
    assert times == sorted(times)


@given(
    st.floats(min_value=0.0, max_value=1.0),
    st.integers(min_value=2, max_value=5),
    st.floats(min_value=0.1, max_value=500.0),
    st.floats(min_value=0.05, max_value=5.0),
    st.integers(min_value=0, max_value=2**32),
)
def test_budget_bounds_every_window_in_a_total_outage(
    ratio: float, attempts: int, wait_ms: float, window_s: float, seed: int
) -> None:
    # Finagle / Envoy retry budget: every sliding window that ends at a retry holds at most
    # `ratio` retries per request that arrived in it. Calls fail at once and every back-off
    # is `wait_ms`, so each retry was decided exactly `wait_ms` before it was sent.
    outage = Chaos("outage-fail", start_s=0, duration_s=1000)
    dep = Dependency.lognormal(10, 100, chaos=[outage])
    policy = ClientPolicy(
        max_attempts=attempts,
        backoff_base_ms=wait_ms,
        backoff_cap_ms=wait_ms,
        jitter="none",
        retry_budget=ratio,
        budget_window_s=window_s,
    )
    r = simulate(policy, dep, requests=2000, rate_per_s=200, seed=seed)
    arrivals = np.sort(r.arrival_s)
    everything = np.sort(r.attempt_s)
    decided = np.sort(np.delete(everything, np.searchsorted(everything, arrivals))) - wait_ms / 1e3
    eps = 1e-9  # 1 ns: the times went through ms -> s and a subtraction
    in_window = np.arange(1, decided.size + 1) - np.searchsorted(
        decided, decided - window_s + eps, side="right"
    )
    arrived = np.searchsorted(arrivals, decided + eps, side="right") - np.searchsorted(
        arrivals, decided - window_s - eps, side="right"
    )
    assert (in_window <= ratio * arrived + 1e-9).all()


@given(
    st.lists(st.booleans(), min_size=1, max_size=200),
    st.integers(min_value=1, max_value=20),
    st.floats(min_value=0.05, max_value=1.0),
    st.integers(min_value=1, max_value=5),
    st.booleans(),
)
def test_breaker_transitions_are_legal(
    failed: list[bool], window: int, rate: float, probes: int, adaptive: bool
) -> None:
    b = BreakerPolicy(
        failure_rate=rate,
        window=window,
        minimum_calls=max(1, window // 2),
        open_s=0.05,
        half_open_calls=probes,
        adaptive=adaptive,
        adaptive_history=50,
    )
    calls = replay_breaker(b, np.arange(len(failed)) * 0.01, failed)
    legal = {("closed", "open"), ("open", "half-open"), ("half-open", "open"),
             ("half-open", "closed")}  # fmt: skip
    states = [s for _, s in calls.attrs["transitions"]]
    assert states[0] == "closed"
    assert all(pair in legal for pair in zip(states, states[1:], strict=False))
    # a call is only ever rejected when the breaker is not closed
    assert not (~calls["permitted"] & (calls["state"] == "closed")).any()
    # calls never fail that were not let through, and every threshold is a probability
    assert not (calls["failed"] & ~calls["permitted"]).any()
    assert calls["threshold"].between(0, 1).all()
    if not any(failed):
        assert states == ["closed"]
