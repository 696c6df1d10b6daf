"""Series, parallel and k-of-n structures; availability, nines and downtime."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

import ftmath
from ftmath import InputError
from tests.strategies import k_and_units, probabilities, small_unreliabilities, unit_reliabilities


class TestKnownValues:
    def test_two_of_three_different_units(self) -> None:
        # Enumerating the states: 0.9*0.8 + 0.9*0.7 + 0.8*0.7 - 2*0.9*0.8*0.7 = 0.902.
        # Kuo & Zuo, Optimal Reliability Modeling (2003), sec. 7.1 (k-out-of-n:G, non-identical).
        assert_allclose(ftmath.k_of_n(2, [0.9, 0.8, 0.7]), 0.902, rtol=1e-12)

    def test_binomial_on_the_mean_is_not_the_answer(self) -> None:
        # The shortcut the issue warns about: 2-of-3 at the mean 0.8 gives 0.896.
        mean_binomial = stats.binom.sf(1, 3, 0.8)
        assert_allclose(mean_binomial, 0.896, rtol=1e-12)
        assert abs(ftmath.k_of_n(2, [0.9, 0.8, 0.7]) - mean_binomial) > 5e-3

    def test_three_of_four_identical(self) -> None:
        # 0.9**4 + 4 * 0.9**3 * 0.1 = 0.9477 (Rausand & Hoyland, System Reliability Theory,
        # 2nd ed., sec. 4.6.3, k-out-of-n structures of identical components).
        assert_allclose(ftmath.k_of_n(3, [0.9] * 4), 0.9477, rtol=1e-12)

    def test_series_and_parallel_textbook_values(self) -> None:
        # R = prod R_i and 1 - prod(1 - R_i): Rausand & Hoyland sec. 4.6.1-4.6.2.
        assert_allclose(ftmath.series([0.99, 0.95, 0.9]), 0.99 * 0.95 * 0.9, rtol=1e-15)
        assert_allclose(ftmath.parallel([0.95, 0.95]), 0.9975, rtol=1e-15)

    def test_availability_from_mtbf_and_mttr(self) -> None:
        # A = MTBF / (MTBF + MTTR) = 100 / 105 (O'Connor & Kleyner, Practical Reliability
        # Engineering, 5th ed., sec. 2.6; IEC 60050-192 steady-state availability).
        assert_allclose(ftmath.availability(100, 5), 0.952381, atol=5e-7)
        assert_allclose(ftmath.unavailability(100, 5), 5 / 105, rtol=1e-15)

    def test_mission_reliability(self) -> None:
        # Exponential life: R(t) = exp(-t / MTBF); t = MTBF gives e**-1.
        assert_allclose(ftmath.mission_reliability(1000, 1000), math.exp(-1), rtol=1e-15)
        assert_allclose(ftmath.mission_unreliability(1e15, 1.0), 1e-15, rtol=1e-12)

    def test_downtime_per_period(self) -> None:
        # 99.9 %: 8.76 h a year, 43.8 min a month (year / 12), 10.08 min a week.
        d = ftmath.downtime(1e-3)
        assert_allclose(
            [d.per_year, d.per_month * 60, d.per_week * 60, d.per_day * 3600],
            [8.76, 43.8, 10.08, 86.4],
            rtol=1e-12,
        )
        assert ftmath.downtime(1e-3, hours_per_year=8766).per_year == pytest.approx(8.766)


class TestPrecision:
    def test_five_units_of_six_nines_in_parallel(self) -> None:
        # The design's example: the unreliability is 1e-30, not 0.
        q = ftmath.parallel_unreliability([1e-6] * 5)
        assert_allclose(q, 1e-30, rtol=1e-12)
        assert ftmath.nines(q) == 30.0

    def test_series_unreliability_keeps_tiny_terms(self) -> None:
        assert_allclose(ftmath.series_unreliability([1e-20, 3e-20]), 4e-20, rtol=1e-12)

    def test_k_of_n_unreliability_is_summed_directly(self) -> None:
        # 2-of-3 fails when two or more fail: 3 q**2 (1 - q) + q**3 with q = 1e-9.
        q = 1e-9
        assert_allclose(
            ftmath.k_of_n_unreliability(2, [q] * 3), 3 * q**2 * (1 - q) + q**3, rtol=1e-12
        )

    def test_nines_tolerance(self) -> None:
        assert ftmath.nines(1 - 0.999) == 3.0
        assert ftmath.nines(1 - 0.99999) == 5.0
        assert ftmath.nines(0.0) == math.inf
        assert ftmath.nines(1.0) == 0.0
        assert_allclose(ftmath.nines(5e-4), 3.30103, atol=1e-5)


class TestAgainstScipy:
    def test_many_units_match_poisson_binomial(self) -> None:
        rng = np.random.default_rng(3)
        p = rng.uniform(0.3, 1.0, 700)
        for k in (1, 350, 500):
            ours = ftmath.k_of_n(k, p)
            theirs = float(stats.poisson_binom(p).sf(k - 1))
            assert_allclose(ours, theirs, rtol=1e-9)
        # All 700 must work: the exact product 2.3e-151, where scipy's survival function
        # returns rounding noise (3e-16) from 1 - cdf.
        assert_allclose(ftmath.k_of_n(700, p), math.prod(p), rtol=1e-9)

    @given(k_and_units(max_units=10))
    def test_small_cases_match_poisson_binomial(self, case: tuple[int, list[float]]) -> None:
        k, units = case
        theirs = float(stats.poisson_binom(np.array(units)).sf(k - 1))
        assert_allclose(ftmath.k_of_n(k, units), theirs, rtol=1e-9, atol=1e-12)


class TestProperties:
    @given(unit_reliabilities)
    def test_series_never_above_its_weakest_unit(self, units: list[float]) -> None:
        assert ftmath.series(units) <= min(units) + 1e-15

    @given(unit_reliabilities)
    def test_parallel_never_below_its_best_unit(self, units: list[float]) -> None:
        assert ftmath.parallel(units) >= max(units) - 1e-15

    @given(k_and_units())
    def test_k_of_n_falls_as_k_rises(self, case: tuple[int, list[float]]) -> None:
        _, units = case
        values = [ftmath.k_of_n(k, units) for k in range(1, len(units) + 1)]
        assert all(a >= b - 1e-12 for a, b in zip(values, values[1:], strict=False))
        assert_allclose(values[0], ftmath.parallel(units), atol=1e-12)
        assert_allclose(values[-1], ftmath.series(units), atol=1e-12)

    @given(k_and_units())
    def test_both_tails_add_to_one(self, case: tuple[int, list[float]]) -> None:
        k, units = case
        q = [1 - u for u in units]
        assert_allclose(
            ftmath.k_of_n(k, units) + ftmath.k_of_n_unreliability(k, q), 1.0, atol=1e-12
        )

    @given(st.lists(small_unreliabilities, min_size=1, max_size=6))
    def test_parallel_unreliability_is_the_exact_product(self, q: list[float]) -> None:
        assert_allclose(ftmath.parallel_unreliability(q), math.prod(q), rtol=1e-12)

    @given(probabilities, st.floats(min_value=1.0, max_value=8766.0))
    def test_downtime_is_linear_in_unavailability(self, u: float, year: float) -> None:
        d = ftmath.downtime(u, hours_per_year=year)
        assert_allclose(d.per_month * 12, d.per_year, rtol=1e-12, atol=1e-300)
        assert d.per_year <= year


class TestBadInput:
    @pytest.mark.parametrize(
        ("call", "message"),
        [
            (lambda: ftmath.series([]), "at least one unit"),
            (lambda: ftmath.downtime_budget({}), "`targets` is empty"),  # was a KeyError
            (lambda: ftmath.series([0.9, 1.2]), r"`reliabilities\[1\]` must be a probability"),
            (lambda: ftmath.parallel([float("nan")]), "must be a probability"),
            (lambda: ftmath.parallel("0.9"), "got a string"),
            (lambda: ftmath.k_of_n(0, [0.9]), "between 1 and n = 1"),
            (lambda: ftmath.k_of_n(4, [0.9] * 3), "between 1 and n = 3"),
            (lambda: ftmath.k_of_n(1.5, [0.9] * 3), "whole number"),
            (lambda: ftmath.availability(0, 1), "`mtbf_hours` must be > 0"),
            (lambda: ftmath.availability(10, -1), "`mttr_hours` must be >= 0"),
            (lambda: ftmath.nines(2.0), "`unreliability` must be a probability"),
            (lambda: ftmath.downtime(0.1, hours_per_year=0), "`hours_per_year` must be > 0"),
            (lambda: ftmath.availability("ten", 1), "`mtbf_hours` must be a number"),
        ],
    )
    def test_clear_message(self, call, message: str) -> None:  # noqa: ANN001
        with pytest.raises(InputError, match=message):
            call()

    def test_scalars_come_back_as_python_floats(self) -> None:
        for value in (
            ftmath.series([0.9]),
            ftmath.k_of_n(1, np.array([0.5, 0.5])),
            ftmath.availability(np.float64(10), 1),
            ftmath.nines(np.float64(0.1)),
        ):
            assert type(value) is float


def test_a_huge_k_of_n_is_refused_not_run_for_minutes() -> None:
    # Breaker review: k_of_n(500_000, [0.9] * 1_000_000) ran for minutes.
    with pytest.raises(ftmath.ComputationLimitError, match="more than the 100,000"):
        ftmath.k_of_n(50_000, [0.9] * (ftmath.MAX_K_OF_N_UNITS + 1))
