"""ftmath.simulate: closed forms, breaker transitions, budgets, chaos, determinism, engines.

Tolerances of simulated numbers come from the sample size: a share p estimated from n
independent requests has binomial standard error sqrt(p (1 - p) / n); the tests allow 5 of
them (a false alarm once in about 1.7 million runs), never a fixed guess.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

import ftmath
from ftmath.simulate import (
    POLICY_PRESETS,
    BreakerPolicy,
    Chaos,
    ClientPolicy,
    Dependency,
    _Breaker,
    policy_configs,
    policy_presets,
    replay_breaker,
    simulate,
    simulation_table,
)
from tests.conftest import EXAMPLES

SIGMAS = 5.0


def within(value: float, expected: float, sd: float, n: int) -> None:
    """|value - expected| <= 5 standard errors of a mean of n draws with sd ``sd``."""
    tolerance = SIGMAS * sd / math.sqrt(n) + 1e-12
    assert abs(value - expected) <= tolerance, (value, expected, tolerance)


def attempts_sd(f: float, k: int) -> float:
    """Standard deviation of the attempts of one request: P(A = j) = f^(j-1) (1 - f), j <= k;
    P(A = k + 1) = f^k (a truncated geometric distribution)."""
    p = [f ** (j - 1) * (1 - f) for j in range(1, k + 1)] + [f**k]
    values = np.arange(1, k + 2)
    mean = float(np.dot(p, values))
    return math.sqrt(float(np.dot(p, (values - mean) ** 2)))


@pytest.fixture(scope="module")
def ehrbase() -> np.ndarray:
    frame = ftmath.read_latencies(EXAMPLES / "ehrbase-perftest-2022-07-05.jtl")
    return frame["latency_ms"].to_numpy()[frame["ok"].to_numpy()]


# --- closed forms ---------------------------------------------------------------------------


class TestClosedForms:
    """AWS Builders' Library, 'Timeouts, retries, and backoff with jitter': with independent
    attempts that fail with probability f, k retries succeed with 1 - f^(k+1) and send
    (1 - f^(k+1)) / (1 - f) attempts per request (a geometric series)."""

    N = 200_000

    @pytest.mark.parametrize("f", [0.05, 0.2, 0.5])
    @pytest.mark.parametrize("k", [0, 1, 3])
    @pytest.mark.parametrize("method", ["vectorised", "event-driven"])
    def test_success_and_load(self, f: float, k: int, method: str) -> None:
        dep = Dependency.lognormal(20, 200, failure=f)
        n = self.N if method == "vectorised" else 50_000
        policy = ClientPolicy(max_attempts=k + 1)
        r = simulate(policy, dep, requests=n, rate_per_s=500, seed=k, method=method)
        success = 1 - f ** (k + 1)
        load = (1 - f ** (k + 1)) / (1 - f)
        within(r.success, success, math.sqrt(success * (1 - success)), n)
        within(r.load, load, attempts_sd(f, k), n)
        closed = r.closed_form()
        assert closed is not None
        assert_allclose([closed.success, closed.load], [success, load], rtol=1e-12)
        assert r.method == method

    def test_timeouts_count_as_failures(self) -> None:
        # 90 % of calls take 10 ms, 10 % take 1 s; a 100 ms per-try timeout makes f_a = 0.1
        # without errors; with 1 % errors f_a = 1 - 0.99 × 0.9 = 0.109.
        dep = Dependency.empirical([10.0] * 90 + [1000.0] * 10, failure=0.01)
        r = simulate(
            ClientPolicy(timeout_ms=100, max_attempts=3), dep, requests=200_000, rate_per_s=1e3
        )
        f_a = 1 - 0.99 * 0.9
        assert_allclose(r.attempt_failure(), f_a, rtol=1e-12)
        success = 1 - f_a**3
        within(r.success, success, math.sqrt(success * (1 - success)), r.requests)
        within(r.load, (1 - f_a**3) / (1 - f_a), attempts_sd(f_a, 2), r.requests)
        # a successful request waited 10 ms, plus any timeouts (100 ms) and back-off before it
        ok = r.latency_ms[r.outcome == 0]
        assert ok.min() == 10.0

    def test_tiny_attempt_failure_is_not_rounded_away(self) -> None:
        # Lognormal tail: P(X > T) = Q((ln T - mu) / sigma) (Abramowitz & Stegun 26.2.2). With
        # median 20 ms, p99 200 ms and a 1e6 ms timeout, Q(z) ≈ 2e-21: 1 - (1 - 0)·F(T) rounds
        # it to 0, f + (1 - f)(1 - F(T)) keeps it, and so does the retry failure f_a^(k+1).
        from scipy import stats

        dep = Dependency.lognormal(20, 200)
        r = simulate(ClientPolicy(timeout_ms=1e6, max_attempts=2), dep, requests=1000,
                     rate_per_s=100)  # fmt: skip
        tail = float(stats.norm.sf((math.log(1e6) - dep.mu) / dep.sigma))
        assert 0 < tail < 1e-16
        assert r.attempt_failure() == pytest.approx(tail, rel=1e-12)
        closed = r.closed_form()
        assert closed is not None
        assert closed.unreliability == pytest.approx(tail**2, rel=1e-9)
        assert "failure probability f_a^(k+1)" in r.explain()["success"].notes[0]

    def test_not_ok_is_counted(self) -> None:
        r = simulate(
            ClientPolicy(timeout_ms=300, max_attempts=2, fallback=True),
            Dependency.lognormal(20, 200, failure=0.3),
            requests=5000,
            rate_per_s=100,
        )
        assert r.not_ok == int(np.count_nonzero(r.outcome != 0)) / r.requests
        assert r.summary()["not_ok"] == r.not_ok
        assert r.success + r.not_ok == pytest.approx(1.0, abs=1e-15)

    def test_total_failure_sends_every_attempt(self) -> None:
        r = simulate(
            ClientPolicy(max_attempts=4),
            Dependency.lognormal(10, 50, failure=1.0),
            requests=1000,
            rate_per_s=100,
        )
        assert r.success == 0.0
        assert r.load == 4.0
        assert r.closed_form().load == 4.0

    def test_hedge_adds_p_x_above_d(self, ehrbase: np.ndarray) -> None:
        # Dean & Barroso, 'The Tail at Scale' (2013): a hedge after d costs P(X > d) more
        # calls; ftmath.hedged_latency computes that share exactly from the sample.
        dep = Dependency.empirical(ehrbase)
        d = dep.quantile(0.95)
        r = simulate(
            ClientPolicy(hedge_delay_ms=d, max_hedges=1), dep, requests=200_000, rate_per_s=1e3
        )
        extra = ftmath.hedged_latency(ehrbase, d)["extra_load"]
        assert 0.03 < extra <= 0.05
        assert_allclose(r.hedge_load_closed_form(), 1 + extra, rtol=1e-12)
        within(r.load, 1 + extra, math.sqrt(extra * (1 - extra)), r.requests)
        assert r.success == 1.0
        # hedging can only shorten the wait: p99 at most the p99 without it
        plain = simulate(ClientPolicy(), dep, requests=200_000, rate_per_s=1e3)
        assert r.latency_percentile(0.99) <= plain.latency_percentile(0.99)

    def test_two_hedges_with_failures_and_timeout(self) -> None:
        dep = Dependency.lognormal(20, 400, failure=0.1)
        policy = ClientPolicy(timeout_ms=300, hedge_delay_ms=30, max_hedges=2)
        r = simulate(policy, dep, requests=200_000, rate_per_s=1e3, seed=5)
        expected = r.hedge_load_closed_form()
        # by hand: copy 1 goes unless copy 0 succeeded by d; copy 2 unless copy 0 by 2d and
        # copy 1 by d
        q = [1 - 0.9 * dep.cdf(t) for t in (30, 60)]
        assert_allclose(expected, 1 + q[0] + q[1] * q[0], rtol=1e-12)
        within(r.load, expected, 1.0, r.requests)  # attempts lie in [1, 3]: sd <= 1

    def test_no_closed_form_where_requests_interact(self) -> None:
        dep = Dependency.lognormal(20, 200, failure=0.1)
        policy = ClientPolicy(max_attempts=3, breaker=BreakerPolicy())
        r = simulate(policy, dep, requests=1000, rate_per_s=100)
        assert r.closed_form() is None
        assert "breaker" in r.explain()["success"].notes[0]


# --- retry budget ----------------------------------------------------------------------------


class TestRetryBudget:
    """Finagle RetryBudget / Envoy retry budget: retries at most a share of the requests."""

    def test_twenty_percent_budget_holds_load_in_a_total_outage(self) -> None:
        rate, window, cap = 200.0, 10.0, 1.0
        outage = Chaos("outage-fail", start_s=0, duration_s=10_000)
        dep = Dependency.lognormal(20, 200, chaos=[outage])
        policy = ClientPolicy(
            max_attempts=4,
            backoff_base_ms=cap,
            backoff_cap_ms=cap,
            jitter="none",
            retry_budget=0.2,
            budget_window_s=window,
        )
        r = simulate(policy, dep, requests=60_000, rate_per_s=rate, seed=3)
        # Calls fail at once, so a retry is decided when the attempt before it is sent and
        # goes `cap` ms later: the retries' decision times are the non-first attempts' send
        # times minus `cap`. Every sliding window ending at a decision holds at most 20 % as
        # many retries as arrivals: the load over the window is at most 1.2.
        arrivals = np.sort(r.arrival_s)
        everything = np.sort(r.attempt_s)
        first = np.searchsorted(everything, arrivals)  # each arrival's own first attempt
        retry_sent = np.delete(everything, first)
        decided = np.sort(retry_sent) - cap / 1000
        eps = 1e-9  # s: times went through ms -> s and a subtraction; 1 ns absorbs the rounding
        in_window = np.arange(1, decided.size + 1) - np.searchsorted(
            decided, decided - window, side="right"
        )
        arrived = np.searchsorted(arrivals, decided + eps, side="right") - np.searchsorted(
            arrivals, decided - window + eps, side="right"
        )
        assert (in_window <= 0.2 * arrived + 1e-9).all()
        # Over fixed bins of the timeline the sliding window and the bin edges differ by at
        # most the gap g between two allowed retries plus `cap`: allow the arrivals of such a
        # sliver (expected rate × g, plus 5 Poisson standard deviations, plus one).
        frame = r.timeline(bin_s=window)
        full = frame.iloc[:-1]  # the last bin is cut short by the end of the run
        gap = float(np.diff(decided).max()) + cap / 1000
        sliver = rate * gap
        slack = 0.2 * (sliver + SIGMAS * math.sqrt(sliver) + 1) / full["requests"]
        assert (full["load"] <= 1.2 + slack).all(), full[["load", "requests"]].max()
        assert full["load"].iloc[1:].min() > 1.19  # the budget is used, not just refused
        assert r.budget_denied > 0
        assert r.success == 0.0
        unlimited = simulate(
            ClientPolicy(max_attempts=4, backoff_base_ms=cap, backoff_cap_ms=cap),
            dep,
            requests=60_000,
            rate_per_s=rate,
            seed=3,
        )
        assert unlimited.load == 4.0  # the retry storm the budget prevents

    def test_budget_only_binds_when_retries_exceed_it(self) -> None:
        dep = Dependency.lognormal(20, 200, failure=0.05)
        policy = ClientPolicy(max_attempts=3, retry_budget=0.2)
        r = simulate(policy, dep, requests=50_000, rate_per_s=500, seed=1)
        # 5 % failures want 0.05 + 0.0025 retries per request, well inside 20 %
        assert r.budget_denied == 0
        within(r.success, 1 - 0.05**3, math.sqrt(0.05**3), r.requests)

    def test_minimum_retries_per_second(self) -> None:
        outage = Chaos("outage-fail", start_s=0, duration_s=1000)
        dep = Dependency.lognormal(20, 200, chaos=[outage])
        policy = ClientPolicy(
            max_attempts=2, retry_budget=0.0, budget_window_s=10, budget_min_per_s=5
        )
        r = simulate(policy, dep, requests=20_000, rate_per_s=100, seed=2)
        retries = int(r.attempts.sum()) - r.requests
        # 5 retries per second over a 10 s window: at most 50 per window, about 5 per second
        assert retries <= 5 * r.duration_s + 50
        assert retries >= 5 * r.duration_s - 60


# --- circuit breaker -----------------------------------------------------------------------


class TestBreakerTransitions:
    """Resilience4j CircuitBreaker semantics on scripted call sequences."""

    def test_trips_at_threshold_after_minimum_calls(self) -> None:
        b = BreakerPolicy(failure_rate=0.5, window=10, minimum_calls=6, open_s=2)
        times = np.arange(12) * 0.1
        failed = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
        calls = replay_breaker(b, times, failed)
        # 5 failures of 5 calls: below the minimum; the 6th call (ok) makes 5/6 >= 0.5: open
        assert calls["state"].tolist()[:6] == ["closed"] * 6
        assert calls.attrs["transitions"] == [(0.0, "closed"), (0.5, "open")]
        assert calls["permitted"].tolist() == [True] * 6 + [False] * 6

    def test_does_not_trip_below_threshold(self) -> None:
        b = BreakerPolicy(failure_rate=0.5, window=4, minimum_calls=4)
        calls = replay_breaker(b, np.arange(40) * 0.01, [1, 0] * 19 + [0, 1])
        # every window of 4 consecutive calls holds exactly 2 failures: 50 % trips
        assert calls.attrs["transitions"][1] == (0.03, "open")
        calls = replay_breaker(b, np.arange(40) * 0.01, [1, 0, 0, 0] * 10)
        assert calls.attrs["transitions"] == [(0.0, "closed")]

    def test_half_open_probes_close_or_reopen(self) -> None:
        b = BreakerPolicy(failure_rate=0.5, window=2, minimum_calls=2, open_s=1, half_open_calls=2)
        times = [0.0, 0.1, 0.5, 1.2, 1.3, 1.4, 2.5, 2.6, 2.7, 2.8, 2.9]
        failed = [1, 1, 0, 1, 1, 0, 0, 0, 0, 1, 1]
        calls = replay_breaker(b, times, failed)
        assert calls.attrs["transitions"] == [
            (0.0, "closed"),
            (0.1, "open"),  # 2 of 2 failed
            (1.1, "half-open"),  # open_s later
            (1.3, "open"),  # both probes failed
            (2.3, "half-open"),
            (2.6, "closed"),  # both probes succeeded
            (2.8, "open"),  # 1 of 2 failed: 50 % trips again
        ]
        assert calls["permitted"].tolist() == [
            True, True, False, True, True, False, True, True, True, True, False,
        ]  # fmt: skip
        assert calls["state"].tolist()[3:6] == ["half-open", "half-open", "open"]

    def test_rejects_after_probes_are_used_up(self) -> None:
        b = BreakerPolicy(failure_rate=1.0, window=1, minimum_calls=1, open_s=1, half_open_calls=1)
        machine = _Breaker(b)
        machine.record(0.0, True, machine.permit(0.0))
        assert machine.state == 1  # open
        probe = machine.permit(1000.0)  # half-open: one probe
        assert probe >= 0
        assert machine.permit(1001.0) == -1  # the probe has not answered: reject
        machine.record(1500.0, False, probe)
        assert machine.state == 0  # closed

    def test_late_answers_from_an_earlier_state_are_ignored(self) -> None:
        b = BreakerPolicy(failure_rate=0.5, window=2, minimum_calls=2, open_s=1, half_open_calls=1)
        machine = _Breaker(b)
        slow = machine.permit(0.0)  # a slow call sent while closed
        machine.record(1.0, True, machine.permit(1.0))
        machine.record(2.0, True, machine.permit(2.0))
        assert machine.state == 1
        probe = machine.permit(1002.0)
        machine.record(1100.0, False, slow)  # the slow call answers during half-open
        assert machine.state == 2  # still waiting for the probe
        machine.record(1200.0, False, probe)
        assert machine.state == 0

    def test_adaptive_threshold_follows_the_usual_failure_rate(self) -> None:
        b = BreakerPolicy(
            failure_rate=0.5, window=20, minimum_calls=20, adaptive=True, adaptive_history=200
        )
        # 300 calls failing 10 % of the time: the baseline is 0.1, the threshold 0.2
        failed = [i % 10 == 0 for i in range(300)]
        # then a brown-out failing 25 %: trips under the adaptive 20 %, not under a fixed 50 %
        failed += [i % 4 == 0 for i in range(60)]
        times = np.arange(len(failed)) * 0.01
        calls = replay_breaker(b, times, failed)
        assert calls["threshold"].iloc[0] == 0.5  # no history yet
        assert_allclose(calls["threshold"].iloc[299], 0.2)  # max(0.2, 2 × 0.1)
        assert any(state == "open" for _, state in calls.attrs["transitions"])
        fixed = replay_breaker(replace_adaptive(b, False), times, failed)
        assert fixed.attrs["transitions"] == [(0.0, "closed")]

    def test_an_outage_cannot_raise_its_own_threshold(self) -> None:
        # The seed document measured the baseline over the latest calls, outage included, so
        # an outage pushed the threshold to 0.8 before tripping. Here the baseline only holds
        # calls that left the window: a healthy history keeps the threshold at the floor and
        # the breaker trips at the 4th failure of the window (4 / 20 = 0.2).
        b = BreakerPolicy(window=20, minimum_calls=20, adaptive=True, adaptive_history=100)
        failed = [False] * 200 + [True] * 30
        calls = replay_breaker(b, np.arange(230) * 0.01, failed)
        assert calls.attrs["transitions"][1] == (2.03, "open")
        assert (calls["threshold"].iloc[200:204] == 0.2).all()

    def test_breaker_in_simulation_opens_during_an_outage_and_recovers(self) -> None:
        outage = Chaos("outage-fail", start_s=20, duration_s=20)
        dep = Dependency.lognormal(20, 200, failure=0.01, chaos=[outage])
        policy = ClientPolicy(
            timeout_ms=500,
            breaker=BreakerPolicy(window=50, minimum_calls=20, open_s=5, half_open_calls=5),
            fallback=True,
        )
        r = simulate(policy, dep, requests=12_000, rate_per_s=200, seed=1)
        states = [s for _, s in r.transitions]
        first_open = next(t for t, s in r.transitions if s == "open")
        assert 20 <= first_open < 20.5  # within the first calls of the outage
        assert states[-1] == "closed"  # it closed again after the outage
        last_open = max(t for t, s in r.transitions if s == "open")
        assert last_open < 40
        frame = r.timeline(bin_s=1)
        during = frame[(frame["start_s"] >= 21) & (frame["start_s"] < 40)]
        assert during["load"].max() < 0.1  # the open breaker sheds the load: probes only
        assert during["open_share"].min() > 0.9
        assert r.failed == 0.0  # the fallback served every rejected or failed request
        assert r.rejected > 0.8 * 19 * 200


def replace_adaptive(b: BreakerPolicy, adaptive: bool) -> BreakerPolicy:
    from dataclasses import replace

    return replace(b, adaptive=adaptive)


# --- chaos ----------------------------------------------------------------------------------


class TestChaos:
    def test_outage_fails_exactly_the_calls_sent_in_it(self) -> None:
        outage = Chaos("outage-fail", start_s=10, duration_s=5)
        r = simulate(
            ClientPolicy(), Dependency.lognormal(20, 200, chaos=[outage]), requests=5000,
            rate_per_s=200,
        )  # fmt: skip
        inside = (r.arrival_s >= 10) & (r.arrival_s < 15)
        assert (r.outcome[inside] == 2).all()
        assert (r.outcome[~inside] == 0).all()
        assert (r.latency_ms[inside] == 0).all()  # connection refused: at once

    def test_hanging_outage_without_timeout_hangs_forever(self) -> None:
        outage = Chaos("outage-hang", start_s=10, duration_s=5)
        dep = Dependency.lognormal(20, 200, chaos=[outage])
        r = simulate(ClientPolicy(fallback=True), dep, requests=5000, rate_per_s=200)
        inside = (r.arrival_s >= 10) & (r.arrival_s < 15)
        assert r.hung == inside.sum() > 0
        assert np.isinf(r.latency_ms[inside]).all()
        assert (r.outcome[inside] == 2).all()  # no fallback can answer a caller stuck for good
        explanation = r.explain()["p99"]
        assert explanation.value is None and "hang" in explanation.unavailable_reason
        with_timeout = simulate(
            ClientPolicy(timeout_ms=300, fallback=True), dep, requests=5000, rate_per_s=200
        )
        assert with_timeout.hung == 0
        assert (with_timeout.latency_ms[inside] == 300).all()
        assert (with_timeout.outcome[inside] == 1).all()  # degraded: the fallback answered

    def test_latency_injection_shifts_every_call(self) -> None:
        chaos = Chaos("latency", start_s=5, duration_s=5, extra_ms=250)
        dep = Dependency.empirical([10.0, 20.0, 30.0], chaos=[chaos])
        r = simulate(ClientPolicy(), dep, requests=3000, rate_per_s=200)
        inside = (r.arrival_s >= 5) & (r.arrival_s < 10)
        assert set(np.unique(r.latency_ms[inside])) == {260.0, 270.0, 280.0}
        assert set(np.unique(r.latency_ms[~inside])) == {10.0, 20.0, 30.0}

    def test_brownout_fails_share_p(self) -> None:
        chaos = Chaos("brownout", start_s=0, duration_s=10_000, failure=0.3)
        dep = Dependency.lognormal(20, 200, failure=0.01, chaos=[chaos])
        r = simulate(ClientPolicy(), dep, requests=100_000, rate_per_s=1000, seed=8)
        within(r.failed, 0.3, math.sqrt(0.3 * 0.7), r.requests)

    def test_retry_storm_during_outage(self) -> None:
        outage = Chaos("outage-fail", start_s=30, duration_s=30)
        dep = Dependency.lognormal(20, 200, failure=0.01, chaos=[outage])
        policy = ClientPolicy(timeout_ms=500, max_attempts=4, jitter="none")
        r = simulate(policy, dep, requests=18_000, rate_per_s=200, seed=4)
        frame = r.timeline(bin_s=5)
        during = frame[(frame["start_s"] >= 35) & (frame["start_s"] < 55)]
        inside = (r.arrival_s >= 30) & (r.arrival_s < 59)  # retries end within 350 ms
        assert (r.attempts[inside] == 4).all()  # every request tries 4 times
        # per bin, arrivals near the edges spill their retries into the next bin
        assert_allclose(during["load"], 4.0, atol=0.05)
        before = frame[frame["start_s"] < 25]
        assert before["load"].max() < 1.05


# --- determinism and the two engines ------------------------------------------------------------


CHAOS = [
    Chaos("outage-fail", 20, 10),
    Chaos("latency", 40, 10, extra_ms=100),
    Chaos("brownout", 60, 10, failure=0.5),
    Chaos("outage-hang", 80, 5),
]
POLICIES = [
    ClientPolicy(timeout_ms=150, max_attempts=4, jitter="none"),
    ClientPolicy(timeout_ms=150, max_attempts=3, deadline_ms=400, jitter="decorrelated"),
    ClientPolicy(max_attempts=3, jitter="equal", fallback=True),
    ClientPolicy(timeout_ms=150, hedge_delay_ms=40, max_hedges=2),
    ClientPolicy(timeout_ms=150, hedge_delay_ms=40, max_hedges=2, deadline_ms=100),
    ClientPolicy(hedge_delay_ms=30, max_hedges=1),
]


class TestEngines:
    @pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.describe())
    def test_engines_agree_exactly(self, policy: ClientPolicy) -> None:
        dep = Dependency.lognormal(20, 200, failure=0.05, chaos=CHAOS)
        a = simulate(policy, dep, requests=20_000, rate_per_s=200, seed=4)
        b = simulate(policy, dep, requests=20_000, rate_per_s=200, seed=4, method="event-driven")
        assert (a.method, b.method) == ("vectorised", "event-driven")
        assert np.array_equal(a.outcome, b.outcome)
        assert np.array_equal(a.latency_ms, b.latency_ms)
        assert np.array_equal(a.attempts, b.attempts)
        assert np.array_equal(np.sort(a.attempt_s), np.sort(b.attempt_s))

    def test_engines_agree_on_integer_latencies_with_ties(self, ehrbase: np.ndarray) -> None:
        dep = Dependency.empirical(ehrbase, failure=0.02)
        for policy in (
            ClientPolicy(timeout_ms=dep.quantile(0.99), max_attempts=3, jitter="none",
                         backoff_base_ms=10, backoff_cap_ms=10, deadline_ms=3000),
            ClientPolicy(timeout_ms=dep.quantile(0.99), hedge_delay_ms=dep.quantile(0.5),
                         max_hedges=3),
        ):  # fmt: skip
            a = simulate(policy, dep, requests=20_000, rate_per_s=200, seed=9)
            b = simulate(
                policy, dep, requests=20_000, rate_per_s=200, seed=9, method="event-driven"
            )
            assert np.array_equal(a.latency_ms, b.latency_ms)
            assert np.array_equal(a.attempts, b.attempts)

    @pytest.mark.parametrize(
        "policy",
        [
            POLICIES[0],
            ClientPolicy(max_attempts=3, breaker=BreakerPolicy(window=20), retry_budget=0.1),
        ],
    )
    def test_same_seed_same_result_other_seed_other_result(self, policy: ClientPolicy) -> None:
        dep = Dependency.lognormal(20, 200, failure=0.1, chaos=CHAOS[:1])
        runs = [simulate(policy, dep, requests=10_000, rate_per_s=200, seed=s) for s in (7, 7, 8)]
        assert np.array_equal(runs[0].latency_ms, runs[1].latency_ms)
        assert np.array_equal(runs[0].outcome, runs[1].outcome)
        assert runs[0].transitions == runs[1].transitions
        assert runs[0].summary() == runs[1].summary()
        assert not np.array_equal(runs[0].latency_ms, runs[2].latency_ms)


# --- results, explanations, tables --------------------------------------------------------------


class TestResult:
    @pytest.fixture(scope="class")
    @classmethod
    def run(cls) -> ftmath.SimulationResult:
        outage = Chaos("outage-fail", start_s=10, duration_s=10)
        dep = Dependency.lognormal(20, 200, failure=0.02, chaos=[outage])
        presets = policy_presets(timeout_ms=dep.quantile(0.999), hedge_delay_ms=dep.quantile(0.95))
        return simulate(presets["breaker + fallback"], dep, requests=8000, rate_per_s=200, seed=2)

    def test_timeline_adds_up(self, run: ftmath.SimulationResult) -> None:
        frame = run.timeline()
        assert frame["requests"].sum() == run.requests
        assert frame["attempts"].sum() == run.attempts.sum()
        assert (frame["ok"] + frame["degraded"] + frame["failed"] == frame["requests"]).all()
        assert frame["open_share"].between(0, 1).all()
        assert (frame["open_share"] + frame["half_open_share"] <= 1 + 1e-12).all()
        assert frame["open_share"].max() > 0.5

    def test_shares_and_summary(self, run: ftmath.SimulationResult) -> None:
        assert_allclose(run.success + run.degraded + run.failed, 1.0)
        row = run.summary()
        assert row["policy"] == "breaker + fallback"
        assert row["breaker_trips"] == run.trips >= 1
        assert row["p50_ms"] <= row["p99_ms"] <= row["p999_ms"]
        frame = run.requests_frame()
        assert frame["outcome"].cat.categories.tolist() == ["ok", "degraded", "failed"]
        table = simulation_table([run, run])
        assert len(table) == 2

    def test_explanations_recompute(self, run: ftmath.SimulationResult) -> None:
        explained = run.explain()
        assert set(explained) == {"success", "served", "load", "peak_load", "p99"}
        assert explained["success"].recompute() == run.success
        assert explained["served"].recompute() == run.served
        assert explained["load"].recompute() == run.load
        assert explained["peak_load"].recompute() == run.peak_load()[0]
        assert explained["p99"].value == run.latency_percentile(0.99)

    def test_percentile_is_nearest_rank(self, run: ftmath.SimulationResult) -> None:
        expected = np.quantile(run.latency_ms, 0.99, method="inverted_cdf")
        assert run.latency_percentile(0.99) == expected


class TestDependency:
    def test_lognormal_from_median_and_p99(self) -> None:
        # ln X ~ N(mu, sigma²): median e^mu, p99 e^(mu + 2.3263 sigma) (z_0.99 from the normal
        # table, Abramowitz & Stegun 26.2)
        d = Dependency.lognormal(20, 200)
        assert_allclose(d.mu, math.log(20))
        assert_allclose(d.sigma, math.log(10) / 2.326348, rtol=1e-6)
        assert_allclose(d.cdf(200), 0.99, rtol=1e-12)
        r = simulate(ClientPolicy(), d, requests=200_000, rate_per_s=1e3)
        # the simulated share below the median is 1/2 within 5 binomial standard errors
        within(float((r.latency_ms <= 20).mean()), 0.5, 0.5, r.requests)

    def test_empirical_nearest_rank(self, ehrbase: np.ndarray) -> None:
        d = Dependency.empirical(ehrbase)
        assert d.quantile(0.95) == np.quantile(ehrbase, 0.95, method="inverted_cdf")
        assert d.cdf(d.quantile(1.0)) == 1.0
        assert "measured latencies" in d.describe()


# --- presets and configuration ------------------------------------------------------------------


class TestPresetsAndConfigs:
    def test_presets(self) -> None:
        presets = policy_presets(timeout_ms=800, hedge_delay_ms=90)
        assert list(presets) == list(POLICY_PRESETS)
        assert presets["none"].timeout_ms is None
        assert presets["3 retries, no jitter"].max_attempts == 4
        aws = presets["AWS-style: capped exponential back-off with full jitter and a budget"]
        assert (aws.jitter, aws.retry_budget) == ("full", 0.2)
        assert presets["breaker + fallback"].breaker is not None
        assert presets["hedge at p95"].hedge_delay_ms == 90

    def test_configs_of_each_preset(self) -> None:
        presets = policy_presets(timeout_ms=800, hedge_delay_ms=90)
        configs = policy_configs(presets["breaker + fallback"])
        assert "per_try_timeout: 0.8s" in configs["envoy"]
        assert "circuitbreaker.instances.backend.failureRateThreshold=50" in configs["resilience4j"]
        assert "slidingWindowSize=50" in configs["resilience4j"]
        assert "waitDurationInOpenState=5000ms" in configs["resilience4j"]
        hedge = policy_configs(presets["hedge at p95"])
        assert '"hedgingDelay": "0.090s"' in hedge["grpc"]
        assert "hedge_on_per_try_timeout: true" in hedge["envoy"]
        aws = policy_configs(presets[POLICY_PRESETS[2]])
        assert "budget_percent: {value: 20}" in aws["envoy"]
        assert "no retry budget" in aws["resilience4j"]
        none = policy_configs(presets["none"])
        assert "safety net" in none["envoy"]


# --- bad input ------------------------------------------------------------------------------------


class TestBadInput:
    @pytest.mark.parametrize(
        ("build", "message"),
        [
            (lambda: ClientPolicy(max_attempts=0), "`max_attempts` must be a whole number"),
            (lambda: ClientPolicy(max_attempts=2.5), "`max_attempts` must be a whole number"),
            (lambda: ClientPolicy(timeout_ms=-1), "`timeout_ms` must be > 0"),
            (lambda: ClientPolicy(backoff_base_ms=100, backoff_cap_ms=10), "at least"),
            (lambda: ClientPolicy(jitter="random"), "`jitter` must be one of"),
            (lambda: ClientPolicy(max_attempts=2, hedge_delay_ms=5, max_hedges=1), "not both"),
            (lambda: ClientPolicy(max_hedges=1), "`hedge_delay_ms` is needed"),
            (lambda: ClientPolicy(retry_budget=-0.1), "`retry_budget` must be >= 0"),
            (lambda: BreakerPolicy(window=10, minimum_calls=20), "`minimum_calls`"),
            (lambda: BreakerPolicy(failure_rate=0), "above 0"),
            (lambda: BreakerPolicy(failure_rate=1.5), "probability"),
            (lambda: BreakerPolicy(adaptive_floor=0.9, adaptive_ceiling=0.5), "adaptive_floor"),
            (lambda: Chaos("meteor", 0, 10), "chaos `kind` must be one of"),
            (lambda: Chaos("latency", 0, 10), "`extra_ms` > 0"),
            (lambda: Chaos("outage-fail", 0, 0), "`duration_s` must be > 0"),
            (lambda: Dependency.lognormal(100, 50), "got a p99 of 50 ms and a median of 100 ms"),
            (lambda: Dependency.lognormal(0, 50), "`median_ms` must be > 0"),
            (lambda: Dependency.empirical([]), "empty"),
            (lambda: Dependency.empirical([1.0, float("nan")]), "`latencies_ms[1]`"),
            (lambda: Dependency.empirical([1.0], failure=2), "`failure` must be a probability"),
            (lambda: Dependency.empirical([1.0, 1e300]), "check the file's unit"),
            (lambda: Dependency.lognormal(10, 1e11), "`p99_ms` must be at most"),
            # breaker review: a median of 5e-324 gave "p50 nan ms", a 1e310 x tail "hung" calls
            (lambda: Dependency.lognormal(5e-324, 1), "`median_ms` must be at least 0.001 ms"),
            (lambda: Dependency.lognormal(1e-3, 1e10), "`p99_ms` must be at most 1,000,000 ×"),
            (lambda: ClientPolicy(max_attempts=10**400), "`max_attempts` must be a whole number"),
            (lambda: Dependency.lognormal(10, 50).quantile(1.0), "0- or 1-quantile"),
        ],
    )
    def test_construction(self, build, message: str) -> None:  # noqa: ANN001
        with pytest.raises(ftmath.InputError, match=None) as error:
            build()
        assert message in str(error.value)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"requests": 0}, "`requests` must be a whole number from 1"),
            ({"requests": 3_000_000}, "2,000,000"),
            ({"rate_per_s": 0}, "`rate_per_s` must be > 0"),
            ({"seed": -1}, "`seed`"),
            ({"seed": 2**63}, "`seed` must be a whole number from 0"),
            ({"requests": 10**400}, "`requests` must be a whole number from 1"),
            ({"method": "fast"}, "`method`"),
        ],
    )
    def test_simulate_arguments(self, kwargs: dict, message: str) -> None:
        args = {"requests": 100, "rate_per_s": 10.0, "seed": 0, **kwargs}
        with pytest.raises(ftmath.InputError) as error:
            simulate(ClientPolicy(), Dependency.lognormal(10, 50), **args)
        assert message in str(error.value)

    def test_chaos_after_the_run(self) -> None:
        dep = Dependency.lognormal(10, 50, chaos=[Chaos("outage-fail", 600, 60)])
        with pytest.raises(ftmath.InputError, match="starts after the run ends"):
            simulate(ClientPolicy(), dep, requests=1000, rate_per_s=10)

    def test_vectorised_refuses_a_breaker(self) -> None:
        policy = ClientPolicy(breaker=BreakerPolicy())
        with pytest.raises(ftmath.InputError, match="vectorised engine cannot"):
            simulate(policy, Dependency.lognormal(10, 50), requests=10, rate_per_s=1,
                     method="vectorised")  # fmt: skip

    def test_replay_breaker_input(self) -> None:
        with pytest.raises(ftmath.InputError, match="same length"):
            replay_breaker(BreakerPolicy(), [0, 1], [True])
        with pytest.raises(ftmath.InputError, match="must not decrease"):
            replay_breaker(BreakerPolicy(), [0, 2, 1], [True, True, True])
        with pytest.raises(ftmath.InputError, match="BreakerPolicy"):
            replay_breaker({"window": 10}, [0], [True])  # type: ignore[arg-type]


class TestCheckTraffic:
    def test_cleans_the_values(self) -> None:
        assert ftmath.check_traffic(1_000.0, 5, seed=3) == (1_000, 5.0, 3)

    @pytest.mark.parametrize(
        ("requests", "rate", "most", "message"),
        [
            (100_000_000, 200, 200_000, "`requests` must be a whole number from 1 to 200,000"),
            (0, 200, 200_000, "`requests` must be a whole number from 1 to 200,000"),
            (1e300, 200, 2_000_000, "from 1 to 2,000,000"),
            (1_000, 0, 200_000, "`rate_per_s` must be > 0"),
            (1_000, -5, 200_000, "`rate_per_s` must be > 0"),
            (1_000, 1e300, 200_000, "`rate_per_s` must be from 0.001 .* to 10,000,000"),
            # a reviewer's 1e-320/s once ran 'about inf s' and overflowed every policy
            (1_000, 1e-320, 200_000, "`rate_per_s` must be from 0.001 .* got 9.99989e-321"),
        ],
    )
    def test_refuses_out_of_range(self, requests, rate, most, message) -> None:  # noqa: ANN001
        with pytest.raises(ftmath.InputError, match=message):
            ftmath.check_traffic(requests, rate, max_requests=most)
