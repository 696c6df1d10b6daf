"""ftmath.roi_uncertainty: the Monte Carlo of the NPV against closed forms from scipy.stats."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import ftmath
from ftmath.roi import roi
from ftmath.roi_uncertainty import MAX_DRAWS, simulate_roi
from tests.conftest import ROI_WORKED_EXAMPLE as WORKED


def binomial_tolerance(p: float, n: int, z: float = 5.0) -> float:
    """z standard errors of a proportion estimated from n draws (Vose, Risk Analysis, ch. 7)."""
    return z * math.sqrt(p * (1 - p) / n) + 1e-12


class TestAgainstClosedForms:
    def test_mean_npv_without_uncertainty_is_the_model_npv(self) -> None:
        """Poisson counts and Gamma (sum of exponential repairs) downtime are unbiased, so the
        mean NPV converges to roi()'s NPV; tolerance 5 Monte Carlo standard errors."""
        sim = simulate_roi(WORKED, draws=100_000, seed=3)
        se = sim.npv.std(ddof=1) / math.sqrt(sim.draws)
        assert abs(sim.mean - roi(**WORKED).npv) < 5 * se
        assert sim.npv.std() > 0  # failures are random

    def test_fixed_counts_and_no_uncertainty_give_the_model_npv_exactly(self) -> None:
        sim = simulate_roi(WORKED, draws=50, poisson=False)
        assert_allclose(sim.npv, roi(**WORKED).npv, rtol=1e-12)
        assert sim.probability_positive == 1.0 and sim.probability_se == 0.0

    def test_triangular_capex_against_scipy(self) -> None:
        """With fixed failure counts and only capex uncertain, NPV = K - capex, so P(NPV > 0) is
        the triangular CDF at K and P10 of the NPV is K minus the 90th percentile of capex
        (scipy.stats.triang with c = (mode - low) / (high - low))."""
        low, mode, high = 500_000.0, 1_200_000.0, 2_000_000.0
        k = roi(**WORKED).npv + WORKED["capex"]
        sim = simulate_roi(WORKED, uncertain={"capex": (low, mode, high)}, draws=200_000,
                           poisson=False, seed=11)  # fmt: skip
        dist = stats.triang((mode - low) / (high - low), loc=low, scale=high - low)
        p = float(dist.cdf(k))
        assert 0.3 < p < 0.9  # a test that can fail either way
        assert abs(sim.probability_positive - p) < binomial_tolerance(p, sim.draws)
        # quantile: P10 of NPV is K - F^-1(0.9); its standard error sqrt(q(1-q)/n) / f(x)
        x90 = float(dist.ppf(0.9))
        se = math.sqrt(0.9 * 0.1 / sim.draws) / float(dist.pdf(x90))
        assert abs(sim.p10 - (k - x90)) < 5 * se

    def test_poisson_failures_against_skellam(self) -> None:
        """One year, no discounting, no capex or opex, a cost per incident only: NPV = k (N0 -
        N1) with independent Poisson counts, so P(NPV > 0) = P(N0 > N1) = Skellam sf(0)
        (J. G. Skellam, J. R. Stat. Soc. 109, 1946; scipy.stats.skellam)."""
        x = dict(cost_per_hour=0, cost_per_incident=1000, mtbf_hours_now=2000,
                 mttr_hours_now=1, mtbf_hours_target=3000, mttr_hours_target=1, capex=0,
                 years=1)  # fmt: skip
        mu0, mu1 = 8760 / 2001, 8760 / 3001
        sim = simulate_roi(x, draws=200_000, seed=5)
        p = float(stats.skellam.sf(0, mu0, mu1))
        assert abs(sim.probability_positive - p) < binomial_tolerance(p, sim.draws)
        p_zero = float(stats.skellam.pmf(0, mu0, mu1))
        assert abs(np.mean(sim.npv == 0) - p_zero) < binomial_tolerance(p_zero, sim.draws)

    def test_exponential_repairs_add_spread_but_not_bias(self) -> None:
        fixed = simulate_roi(WORKED, draws=100_000, seed=9, repair="mean")
        random = simulate_roi(WORKED, draws=100_000, seed=9, repair="exponential")
        assert random.npv.std() > fixed.npv.std()
        se = random.npv.std() / math.sqrt(random.draws)
        assert abs(random.mean - fixed.mean) < 7 * se

    def test_chunks_are_seamless(self) -> None:
        # 30,000 draws x 100 years = 3,000,000 cells: simulated in two chunks
        x = {**WORKED, "years": 100}
        sim = simulate_roi(x, draws=30_000, seed=2)
        se = sim.npv.std() / math.sqrt(sim.draws)
        assert abs(sim.mean - roi(**x).npv) < 5 * se
        assert np.isfinite(sim.npv).all()


class TestReproducible:
    def test_same_seed_same_answer(self) -> None:
        spec = {"cost_per_hour": (2_000, 10_000, 30_000), "mtbf_hours_target": (800, 2000, 2500)}
        a = simulate_roi(WORKED, uncertain=spec, draws=10_000, seed=42)
        b = simulate_roi(WORKED, uncertain=spec, draws=10_000, seed=42)
        assert np.array_equal(a.npv, b.npv) and a.p50 == b.p50
        c = simulate_roi(WORKED, uncertain=spec, draws=10_000, seed=43)
        assert not np.array_equal(a.npv, c.npv)

    def test_summary_and_histogram(self) -> None:
        sim = simulate_roi(WORKED, uncertain={"capex": (1e5, 1.5e5, 3e6)}, draws=5_000)
        assert sim.p10 <= sim.p50 <= sim.p90
        assert all(type(v) is float for v in sim.summary().values())
        hist = sim.histogram(bins=40)
        assert len(hist) == 40 and hist["count"].sum() == 5_000
        assert_allclose(hist["share"].sum(), 1.0)
        assert not sim.npv.flags.writeable

    def test_explanations(self) -> None:
        sim = simulate_roi(WORKED, uncertain={"capex": (1e5, 1.5e5, 3e6)}, draws=5_000)
        e = sim.explain()
        assert_allclose(e["probability_positive"].recompute(), sim.probability_positive)
        assert e["p50"].recompute() == sim.p50
        assert "5,000 draws from seed" in e["p50"].convention
        assert "up-front cost" in e["p50"].convention

    def test_a_fixed_value_range(self) -> None:
        sim = simulate_roi(WORKED, uncertain={"capex": (150_000, 150_000, 150_000)},
                           draws=100, poisson=False)  # fmt: skip
        assert_allclose(sim.npv, roi(**WORKED).npv, rtol=1e-12)


class TestBadInput:
    @pytest.mark.parametrize(
        ("uncertain", "message"),
        [
            ({"capex": (3, 2, 1)}, "low <= likely <= high"),
            ({"years": (1, 2, 3)}, "cannot vary"),
            ({"capex": (1, 2)}, "three numbers"),
            ({"capex": "1,2,3"}, "three numbers"),
            ({"mtbf_hours_now": (0, 100, 200)}, "`mtbf_hours_now` must be > 0"),
            ({"cost_per_hour": (-5, 1, 2)}, "`cost_per_hour` must be >= 0"),
            ({"capex": (1, "x", 3)}, r"`uncertain.capex\[1\]` must be a number"),
        ],
    )
    def test_uncertain(self, uncertain: dict, message: str) -> None:
        with pytest.raises(ftmath.InputError, match=message):
            simulate_roi(WORKED, uncertain=uncertain, draws=10)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"draws": 0}, "`draws` must be a whole number >= 1"),
            ({"draws": 1.5}, "`draws` must be a whole number"),
            ({"seed": -1}, "`seed` must be a whole number from 0 to 2"),
            ({"seed": 2**53}, "`seed` must be a whole number from 0 to 2"),
            ({"seed": 1.5}, "`seed`"),
            ({"repair": "gamma"}, "`repair` must be one of"),
        ],
    )
    def test_settings(self, kwargs: dict, message: str) -> None:
        with pytest.raises(ftmath.InputError, match=message):
            simulate_roi(WORKED, **{"draws": 10, **kwargs})

    def test_too_many_draws_is_a_computation_limit(self) -> None:
        with pytest.raises(ftmath.ComputationLimitError, match="at most 1,000,000"):
            simulate_roi(WORKED, draws=MAX_DRAWS + 1)
