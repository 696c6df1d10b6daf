"""ftmath.timeouts: percentiles, intervals, timeout, retries, back-off, budgets and hedging.

Known values and their sources are named in each test.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

import ftmath
from ftmath import (
    InputError,
    backoff_table,
    compare_policies,
    endpoint_table,
    hedged_latency,
    histogram_percentile,
    histogram_percentile_table,
    nearest_rank,
    percentile_name,
    percentile_table,
    quantile_interval_ranks,
    read_latencies,
    read_latency_histograms,
    recommend_timeout,
    retry_outcome,
    simulate_policy,
)
from tests.conftest import DATA, EXAMPLES

LAT = DATA / "latency"

latency_lists = st.lists(
    st.floats(0, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=300
)
quantiles = st.sampled_from([0.0, 0.1, 0.5, 0.7, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9999, 1.0])


class TestNearestRank:
    def test_issue_examples(self) -> None:
        # DESIGN.md / issue 4: 1..10 at 0.9 gives 9; target 1.0 gives the maximum.
        assert recommend_timeout(range(1, 11), target=0.9).timeout_ms == 9.0
        assert recommend_timeout([3.0, 8.0, 1.0], target=1.0).timeout_ms == 8.0

    def test_wikipedia_nearest_rank_example(self) -> None:
        # Wikipedia "Percentile", nearest-rank method: for 15, 20, 35, 40, 50 the 30th
        # percentile is 20, the 40th 20, the 50th 35 and the 100th 50.
        data = [15, 20, 35, 40, 50]
        values = percentile_table(data, percentiles=[0.3, 0.4, 0.5, 1.0])["value_ms"].tolist()
        assert values == [20.0, 20.0, 35.0, 50.0]

    def test_decimal_targets_are_exact(self) -> None:
        # 0.7 × 10 is 7 in decimal though 0.7 * 10 = 7.000000000000001 in binary floating point
        assert nearest_rank(10, 0.7) == 7
        assert nearest_rank(10, 0.9) == 9
        assert nearest_rank(1000, 0.999) == 999

    @given(latency_lists, quantiles)
    def test_matches_numpy_inverted_cdf(self, data: list[float], p: float) -> None:
        table = percentile_table(data, percentiles=[p])
        expected = np.quantile(np.asarray(data), p, method="inverted_cdf")
        if p not in (0.7,):  # numpy's float rank differs from the decimal one only there
            assert table["value_ms"].iloc[0] == expected

    @given(latency_lists, quantiles)
    def test_at_most_one_minus_target_above(self, data: list[float], target: float) -> None:
        result = recommend_timeout(data, target)
        x = np.asarray(data)
        above = int((x > result.timeout_ms).sum())
        assert above == result.above
        assert above <= (1 - target) * len(x) + 1e-9
        assert result.timeout_ms in set(x.tolist())  # an observed value
        smaller = x[x < result.timeout_ms]
        if smaller.size:  # the smallest observed value with that property
            assert int((x > smaller.max()).sum()) > (1 - target) * len(x) - 1e-9


class TestIntervals:
    def test_median_of_ten(self) -> None:
        # Classic distribution-free 95 % interval for the median of n = 10: (x_(2), x_(9)),
        # coverage 1 - 2 × 11/1024 = 0.978515625 (Conover 1999, sec. 3.2 with binomial
        # tables; Hahn & Meeker 1991, Table A.15).
        assert quantile_interval_ranks(10, 0.5) == (2, 9)
        table = percentile_table(range(1, 11), percentiles=[0.5])
        assert table["coverage"].iloc[0] == pytest.approx(1 - 22 / 1024, abs=1e-12)

    def test_upper_bound_needs_enough_samples(self) -> None:
        # A two-sided 95 % bound on the p-quantile needs p^n <= 0.025 (Hahn & Meeker 1991,
        # sec. 5.2): p99 needs n >= 368 (0.99^368 = 0.0247), p99.9 needs n >= 3,688.
        assert quantile_interval_ranks(367, 0.99)[1] == 368  # n + 1: no bound
        assert quantile_interval_ranks(368, 0.99)[1] == 368  # the maximum bounds it
        result = recommend_timeout(range(1000), 0.999)
        assert math.isnan(result.ci_high_ms)
        assert "not enough samples" in result.reason and "3,688" in result.reason

    def test_ranks_against_a_direct_binomial_search(self) -> None:
        for n, p in [(50, 0.9), (1000, 0.5), (5000, 0.99), (20000, 0.999), (7, 0.3)]:
            lower, upper = quantile_interval_ranks(n, p)
            b = stats.binom(n, p)
            expected_l = max([r for r in range(1, n + 1) if b.cdf(r - 1) <= 0.025], default=0)
            expected_u = min([u for u in range(1, n + 1) if b.cdf(u - 1) >= 0.975], default=n + 1)
            assert (lower, upper) == (expected_l, expected_u)

    @given(latency_lists, quantiles)
    def test_interval_brackets_the_estimate(self, data: list[float], p: float) -> None:
        row = percentile_table(data, percentiles=[p]).iloc[0]
        if not math.isnan(row["ci_low_ms"]):
            assert row["ci_low_ms"] <= row["value_ms"]
        if not math.isnan(row["ci_high_ms"]):
            assert row["value_ms"] <= row["ci_high_ms"]
        if row["note"] == "":
            assert row["coverage"] >= 0.95

    def test_coverage_by_simulation(self) -> None:
        # For continuous data the interval covers the true quantile at least 95 % of the time.
        rng = np.random.default_rng(5)
        p, n, trials = 0.99, 1000, 2000
        truth = stats.expon.ppf(p)
        covered = 0
        for _ in range(trials):
            x = rng.exponential(size=n)
            r = recommend_timeout(x, p)
            covered += r.ci_low_ms <= truth <= r.ci_high_ms
        assert covered / trials >= 0.95 - 3 * math.sqrt(0.95 * 0.05 / trials)


class TestRealData:
    def test_ehrbase_table_agrees_with_numpy(self) -> None:
        frame = read_latencies(EXAMPLES / "ehrbase-perftest-2022-07-05.jtl")
        x = frame["latency_ms"].to_numpy()
        table = percentile_table(x)
        for _, row in table.iterrows():
            assert row["value_ms"] == np.quantile(x, row["p"], method="inverted_cdf")
        # README: overall p99 about 2.8 s, max about 8.1 s
        assert 2500 <= table.set_index("percentile").loc["p99", "value_ms"] <= 3100
        assert table.set_index("percentile").loc["max", "value_ms"] == 8099.0

    def test_endpoint_table(self) -> None:
        frame = read_latencies(EXAMPLES / "ehrbase-perftest-2022-07-05.jtl")
        table = endpoint_table(frame, target=0.99)
        assert len(table) == 49
        assert table["requests"].sum() == 22_005
        assert table["timeout_ms"].is_monotonic_decreasing
        first = table.iloc[0]
        group = frame.loc[frame["label"] == first["label"], "latency_ms"].to_numpy()
        assert first["timeout_ms"] == np.quantile(group, 0.99, method="inverted_cdf")

    def test_endpoint_without_healthy_requests(self) -> None:
        frame = pd.DataFrame(
            {"latency_ms": [1.0, 2.0], "ok": [False, True], "label": ["bad", "good"]}
        )
        table = endpoint_table(frame).set_index("label")
        assert math.isnan(table.loc["bad", "timeout_ms"])
        assert table.loc["bad", "note"] == "no healthy requests"

    def test_explanations(self) -> None:
        result = recommend_timeout(range(1, 10_001), 0.99)
        explained = result.explain()
        assert explained["timeout"].value == result.timeout_ms == 9900.0
        assert explained["interval"].value == pytest.approx(result.coverage)
        assert explained["interval"].unavailable_reason is None
        assert recommend_timeout(range(10), 0.999).explain()["interval"].value is None


class TestHistograms:
    def test_prometheus_histogram_quantile(self) -> None:
        # Prometheus docs example buckets; histogram_quantile(0.5): rank 72,160 falls in
        # (0.1, 0.2] with 33,444 below and 66,948 inside: 0.1 + 0.1 × 38,716 / 66,948 s.
        hist = read_latency_histograms(LAT / "prometheus.txt")["http_request_duration_seconds"]
        est = histogram_percentile(hist, 0.5)
        assert est.estimate_ms == pytest.approx(100 + 100 * 38_716 / 66_948, rel=1e-12)
        assert (est.low_ms, est.high_ms) == (100.0, 200.0)
        top = histogram_percentile(hist, 0.99)
        assert math.isnan(top.estimate_ms) and top.low_ms == 1000.0
        assert "largest finite bucket" in top.reason

    def test_wrk2_rows(self) -> None:
        (hist,) = read_latency_histograms(LAT / "wrk2.txt").values()
        table = histogram_percentile_table(hist).set_index("percentile")
        # rank ⌈0.99 × 39,553⌉ = 39,158 is the row printed at percentile 0.99: 2.781 ms
        assert table.loc["p99", "estimate_ms"] == 2.781
        assert table.loc["p99", "low_ms"] == 1.904
        assert table.loc["p50", "estimate_ms"] == 1.203
        assert table.loc["max", "estimate_ms"] == 4.432  # the recorded max


class TestRetries:
    def test_closed_forms(self) -> None:
        # f = 0.1, k = 2: 1 - 0.1^3 = 0.999 success, 1 + 0.1 + 0.01 = 1.11 attempts
        # (geometric series; AWS Builders' Library "Timeouts, retries, and backoff with jitter").
        r = retry_outcome(0.1, 2)
        assert r.success == pytest.approx(0.999, abs=1e-15)
        assert r.load == pytest.approx(1.11, abs=1e-15)
        # Every attempt fails: k + 1 attempts, no success.
        assert retry_outcome(1.0, 3).load == 4.0 and retry_outcome(1.0, 3).success == 0.0
        assert retry_outcome(0.0, 3).load == 1.0

    def test_budget_caps_load(self) -> None:
        r = retry_outcome(0.5, 3, budget=0.2)
        assert r.load == pytest.approx(1.2, abs=1e-12)
        p = r.allowed
        assert 0.5 * p + 0.25 * p**2 + 0.125 * p**3 == pytest.approx(0.2, abs=1e-12)
        assert r.success == pytest.approx(0.5 * (1 + 0.5 * p + 0.25 * p**2 + 0.125 * p**3))
        assert retry_outcome(0.01, 3, budget=0.2).allowed == 1.0  # budget not binding

    @given(st.floats(0, 1), st.integers(0, 10), st.none() | st.floats(0, 2))
    def test_properties(self, f: float, k: int, budget: float | None) -> None:
        r = retry_outcome(f, k, budget=budget)
        assert 1 - f - 1e-12 <= r.success <= 1.0 + 1e-12
        assert 1.0 - 1e-12 <= r.load <= k + 1 + 1e-9
        if budget is not None:
            assert r.load <= 1 + budget + 1e-9
        more = retry_outcome(f, k + 1, budget=budget)
        assert more.success >= r.success - 1e-12

    def test_explanations_recompute(self) -> None:
        for args in [(0.1, 2, None), (0.5, 3, 0.2), (1.0, 2, None), (0.0, 0, None)]:
            r = retry_outcome(args[0], args[1], budget=args[2])
            for e in r.explain().values():
                assert e.recompute() == pytest.approx(e.value, abs=1e-12)

    def test_five_retries_keep_their_failure_probability(self) -> None:
        # Regression (Timeouts › Retries, EHRbase example, 5 retries): 22 of the 22,005 healthy
        # requests are slower than the p99.9 timeout, so f = 22/22005 and the request fails only
        # when all 6 independent attempts fail: P = f^6 ≈ 9.99e-19 (independent Bernoulli
        # trials: Feller, An Introduction to Probability Theory, vol. 1, ch. VI; AWS Builders'
        # Library, "Timeouts, retries, and backoff with jitter"). The success 1 - 9.99e-19
        # rounds to 1.0 in floating point; the failure probability must not round to 0.
        f = Fraction(22, 22005)
        r = retry_outcome(float(f), 5)
        assert r.success == 1.0  # as a float, S cannot say it
        assert r.unreliability == pytest.approx(float(f**6), rel=1e-12)
        assert r.unreliability > 0
        assert r.nines == pytest.approx(-6 * math.log10(22 / 22005), rel=1e-12)
        explained = r.explain()
        assert explained["failure"].value == r.unreliability
        assert explained["failure"].recompute() == pytest.approx(r.unreliability, rel=1e-12)
        assert any("9.99e-19" in note for note in explained["success"].notes)

    def test_unreliability_with_a_budget_is_exact(self) -> None:
        # With a budget letting a share p of retries through, the request fails when the budget
        # refuses retry i+1 after i+1 failures, or all k+1 attempts fail:
        # 1 - S = sum_{i<k} (fp)^i f (1-p) + (fp)^k f; checked in exact rational arithmetic.
        r = retry_outcome(0.5, 3, budget=0.2)
        f, p, k = Fraction(1, 2), Fraction(r.allowed), 3
        exact = sum((f * p) ** i * f * (1 - p) for i in range(k)) + (f * p) ** k * f
        assert r.unreliability == pytest.approx(float(exact), rel=1e-12)
        assert r.success + r.unreliability == pytest.approx(1.0, abs=1e-15)

    def test_only_f_zero_cannot_fail(self) -> None:
        assert retry_outcome(0.0, 5).unreliability == 0.0
        assert retry_outcome(0.0, 5).nines == math.inf
        # f^(k+1) below the smallest float: the nines stay exact
        tiny = retry_outcome(1e-80, 5)
        assert tiny.nines == pytest.approx(480.0)

    @given(st.floats(1e-30, 1), st.integers(0, 5), st.none() | st.floats(0, 2))
    def test_unreliability_properties(self, f: float, k: int, budget: float | None) -> None:
        r = retry_outcome(f, k, budget=budget)
        assert 0.0 < r.unreliability <= 1.0  # never "cannot fail" while f > 0
        assert r.success + r.unreliability == pytest.approx(1.0, abs=1e-12)
        assert r.unreliability <= f + 1e-15  # retries never make it worse than one attempt

    def test_policy_results_count_failures(self) -> None:
        lat = [10.0] * 999 + [1000.0]  # f = 0.001 with a 100 ms per-try timeout
        only = simulate_policy(lat, per_try_timeout_ms=100)
        assert only.unreliability == 0.001 and only.success == 0.999
        table = compare_policies(lat, timeout_ms=100, retries=5, samples=10_000)
        retry = table.iloc[2]
        assert retry["success"] == 1.0 and retry["failure"] == 0.0  # none of 10,000 draws fails
        closed = table.attrs["results"][2].closed_form
        assert closed.unreliability == pytest.approx(1e-18, rel=1e-9)  # but it can: 0.001^6
        assert (
            "not that the policy cannot fail"
            in table.attrs["results"][2].explain()["success"].notes[1]
        )

    def test_bad_inputs(self) -> None:
        with pytest.raises(InputError, match="`failure`"):
            retry_outcome(1.5, 2)
        with pytest.raises(InputError, match="`retries`"):
            retry_outcome(0.1, 2.5)
        with pytest.raises(InputError, match="`budget`"):
            retry_outcome(0.1, 2, budget=-1)


class TestBackoff:
    def test_brooker_closed_forms(self) -> None:
        # Brooker, "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015):
        # c = min(cap, base × 2^attempt); full jitter U(0, c), equal jitter c/2 + U(0, c/2).
        none = backoff_table(5, base_ms=100, cap_ms=1000, jitter="none")
        assert none["high_ms"].tolist() == [100, 200, 400, 800, 1000]
        full = backoff_table(5, base_ms=100, cap_ms=1000, jitter="full")
        assert full["mean_ms"].tolist() == [50, 100, 200, 400, 500]
        assert full["low_ms"].tolist() == [0] * 5
        equal = backoff_table(5, base_ms=100, cap_ms=1000, jitter="equal")
        assert equal["low_ms"].tolist() == [50, 100, 200, 400, 500]

    def test_decorrelated_mean_without_cap(self) -> None:
        # E[s_i] = (base + 3 E[s_{i-1}]) / 2 with s_0 = base, from U(base, 3 s_{i-1}).
        table = backoff_table(3, base_ms=10, cap_ms=1e9, jitter="decorrelated", samples=400_000)
        assert_allclose(table["mean_ms"], [20.0, 35.0, 57.5], rtol=0.01)
        assert (table["method"] == "simulated").all()

    def test_bad_jitter_and_cap(self) -> None:
        with pytest.raises(InputError, match="`jitter`"):
            backoff_table(2, base_ms=1, cap_ms=2, jitter="random")
        with pytest.raises(InputError, match="`cap_ms`"):
            backoff_table(2, base_ms=10, cap_ms=5)


class TestHedging:
    def test_tail_at_scale_load(self) -> None:
        # Dean & Barroso (2013): hedging after the p95 latency adds at most about 5 % load.
        x = np.random.default_rng(1).lognormal(3, 1, 20_000)
        d = recommend_timeout(x, 0.95).timeout_ms
        h = hedged_latency(x, d)
        assert h["extra_load"] <= 0.05
        assert h["p99.9"] < np.quantile(x, 0.999, method="inverted_cdf")

    def test_exact_distribution_small_case(self) -> None:
        # X uniform on {1, 100}, d = 10: L = 1 w.p. 1/2, 11 w.p. 1/4, 100 w.p. 1/4
        h = hedged_latency([1.0, 100.0], 10.0, percentiles=[0.5, 0.6, 0.75, 0.8])
        assert (h["p50"], h["p60"], h["p75"], h["p80"]) == (1.0, 11.0, 11.0, 100.0)
        assert h["extra_load"] == 0.5

    def test_simulation_agrees_with_the_exact_form(self) -> None:
        x = np.random.default_rng(2).gamma(2.0, 20.0, 5000)
        d = float(np.quantile(x, 0.9))
        exact = hedged_latency(x, d)
        sim = simulate_policy(x, hedge_delay_ms=d, hedges=1, samples=400_000, seed=3)
        assert sim.load == pytest.approx(1 + exact["extra_load"], abs=0.004)
        assert sim.p50_ms == pytest.approx(exact["p50"], rel=0.02)
        assert sim.p99_ms == pytest.approx(exact["p99"], rel=0.03)
        assert sim.success == 1.0


class TestSimulation:
    def test_timeout_only_is_exact(self) -> None:
        lat = [10.0] * 90 + [1000.0] * 10
        r = simulate_policy(lat, per_try_timeout_ms=100)
        assert (r.success, r.load, r.method) == (0.9, 1.0, "exact")
        assert r.p99_ms == 10.0

    def test_retries_match_closed_form(self) -> None:
        rng = np.random.default_rng(4)
        lat = rng.exponential(50, 2000)
        ok = rng.random(2000) > 0.05
        r = simulate_policy(lat, ok, per_try_timeout_ms=120, retries=2, samples=400_000, seed=9)
        cf = r.closed_form
        assert cf is not None
        sd = math.sqrt(cf.success * (1 - cf.success) / 400_000)
        assert abs(r.success - cf.success) < 5 * sd + 1e-6
        assert r.load == pytest.approx(cf.load, rel=0.005)

    def test_budget_in_simulation(self) -> None:
        lat = [10.0] * 50 + [1000.0] * 50  # f = 0.5 with a 100 ms per-try timeout
        r = simulate_policy(lat, per_try_timeout_ms=100, retries=3, retry_budget=0.2, seed=2)
        assert r.load == pytest.approx(1.2, abs=0.01)

    def test_deadline_limits_attempts(self) -> None:
        lat = [1000.0] * 10  # every attempt times out
        r = simulate_policy(
            lat, per_try_timeout_ms=100, retries=5, deadline_ms=250, jitter="none",
            backoff_base_ms=10, backoff_cap_ms=10, samples=2000,
        )  # fmt: skip
        # attempts at 0-100, 110-210, 220-250 (cut by the deadline): 3 attempts, all fail
        assert r.load == 3.0 and r.success == 0.0

    def test_compare_policies(self) -> None:
        frame = read_latencies(EXAMPLES / "llmperf-leaderboard-requests.csv")
        x, ok = frame["latency_ms"].to_numpy(), frame["ok"].to_numpy()
        timeout = recommend_timeout(x[ok], 0.99).timeout_ms
        table = compare_policies(
            x, ok, timeout_ms=timeout, retries=2, hedge_delay_ms=timeout / 4, samples=20_000
        )
        assert len(table) == 4
        none, only = table.iloc[0], table.iloc[1]
        assert none["success"] == pytest.approx(ok.mean())
        assert only["success"] <= none["success"]
        assert table.iloc[2]["success"] > only["success"]
        assert table.iloc[2]["load"] > 1.0
        for result in table.attrs["results"]:
            for e in result.explain().values():
                if e.expression:
                    assert e.recompute() == pytest.approx(e.value)

    def test_same_seed_same_numbers(self) -> None:
        lat = np.arange(1.0, 200.0)
        a = simulate_policy(lat, per_try_timeout_ms=150, retries=2, seed=7, samples=5000)
        b = simulate_policy(lat, per_try_timeout_ms=150, retries=2, seed=7, samples=5000)
        assert a == b

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"retries": 1, "hedges": 1, "hedge_delay_ms": 5}, "retries or hedging"),
            ({"hedges": 1}, "hedge_delay_ms"),
            ({"per_try_timeout_ms": -1}, "per_try_timeout_ms"),
            ({"retries": 1, "backoff_base_ms": 10, "backoff_cap_ms": 1}, "backoff_cap_ms"),
            ({"retries": 1, "samples": 10}, "samples"),
        ],
    )
    def test_bad_policy(self, kwargs: dict, message: str) -> None:
        with pytest.raises(InputError, match=message):
            simulate_policy([1.0, 2.0], **kwargs)


class TestValidation:
    @pytest.mark.parametrize(
        ("data", "message"),
        [([], "empty"), ([1, -2], r"latencies_ms\[1\]"), ([1, np.nan], "finite"),
         ("abc", "text"), ([[1, 2]], "one-dimensional")],
    )  # fmt: skip
    def test_bad_latencies(self, data: object, message: str) -> None:
        with pytest.raises(InputError, match=message):
            recommend_timeout(data)

    @pytest.mark.parametrize("n", [np.nan, np.inf, 1e308, 0, 2.5, "10", True])
    def test_bad_sample_sizes_are_input_errors(self, n: object) -> None:
        # Breaker review: NaN, inf and 1e308 raised ValueError, OverflowError and TypeError.
        with pytest.raises(InputError, match="`n` must be a whole number of samples"):
            nearest_rank(n, 0.5)  # type: ignore[arg-type]
        with pytest.raises(InputError, match="`n` must be a whole number of samples"):
            quantile_interval_ranks(n, 0.5)  # type: ignore[arg-type]

    @pytest.mark.parametrize("p", [np.nan, "3", -0.1])
    def test_bad_percentile_names(self, p: object) -> None:
        with pytest.raises(InputError, match="`p`"):
            percentile_name(p)  # type: ignore[arg-type]

    def test_one_healthy_request_is_one_request(self) -> None:
        assert "upper bound: 1 healthy request, a 95%" in recommend_timeout([5.0], 0.999).reason

    def test_bad_target(self) -> None:
        with pytest.raises(InputError, match="`target`"):
            recommend_timeout([1.0], 1.5)
        with pytest.raises(InputError, match="`confidence`"):
            recommend_timeout([1.0], 0.9, confidence=1.0)


@settings(max_examples=30)
@given(st.lists(st.floats(0.1, 1e4), min_size=5, max_size=200), st.floats(0, 1e4))
def test_hedging_never_slower(data: list[float], delay: float) -> None:
    """A hedge can only help latency: every hedged percentile <= the plain one."""
    h = hedged_latency(data, delay, percentiles=[0.5, 0.9, 0.99])
    x = np.asarray(data)
    for p, name in [(0.5, "p50"), (0.9, "p90"), (0.99, "p99")]:
        assert h[name] <= np.quantile(x, p, method="inverted_cdf") + 1e-9
    assert 0.0 <= h["extra_load"] <= 1.0


def test_public_names() -> None:
    for name in ("read_latencies", "recommend_timeout", "percentile_table", "retry_outcome"):
        assert name in ftmath.__all__


class TestLatencyUnitNotes:
    def test_plausible_latencies_have_no_note(self) -> None:
        assert ftmath.latency_unit_notes([0.3, 12.0, 45_000.0]) == []

    def test_seconds_read_as_ms(self) -> None:
        (note,) = ftmath.latency_unit_notes([0.05, 0.07, 0.04])
        assert note.startswith("median 0.05 ms") and "seconds?" in note

    def test_ms_read_as_seconds(self) -> None:
        (note,) = ftmath.latency_unit_notes([2_000_000.0, 3_000_000.0, 2_500_000.0])
        assert "milliseconds read as seconds" in note and "42 min" in note
