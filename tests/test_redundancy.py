"""Redundant groups: known values from textbooks, bad input, explanations, the comparison.

Sources named in the tests:

- R&H: M. Rausand and A. Høyland, System Reliability Theory, 2nd ed., Wiley, 2004, ch. 8
  (Markov processes: parallel and standby systems with repair, load sharing, mean time to
  first failure).
- Trivedi: K. S. Trivedi, Probability and Statistics with Reliability, Queuing, and Computer
  Science Applications, 2nd ed., Wiley, 2002, ch. 5 (MTTF of parallel and k-of-n systems) and
  ch. 8 (two-unit system with one repair facility; imperfect coverage).
- O'Connor: P. D. T. O'Connor and A. Kleyner, Practical Reliability Engineering, 5th ed.,
  Wiley, 2012, ch. 6 (active and standby redundancy).
- Dhillon: B. S. Dhillon's worked example of two identical parallel units with unit MTTF
  150 h and mean corrective maintenance time 5 h (system MTTF 2475 h with corrective
  maintenance, 225 h without), in his maintainability texts (e.g. Maintainability,
  Maintenance, and Reliability for Engineers, CRC Press, 2006).
"""

from __future__ import annotations

import io
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import ftmath
import ui
from ftmath import InputError, report
from ftmath.errors import ComputationLimitError
from ftmath.redundancy import MAX_SPAN

RTOL = 1e-12  # closed forms vs the chain: agreement to the last few digits


class TestMttfActive:
    @pytest.mark.parametrize(
        ("n", "expected"),
        [(1, 1000.0), (2, 1500.0), (3, 1833.3333333333333), (4, 2083.3333333333333)],
    )
    def test_parallel_units_at_mtbf_1000(self, n: int, expected: float) -> None:
        # Trivedi ch. 5; R&H ch. 8; O'Connor ch. 6: MTBF * (1 + 1/2 + ... + 1/n).
        assert_allclose(ftmath.mttf_active(n, 1000.0), expected, rtol=RTOL)

    def test_two_of_three(self) -> None:
        # Trivedi ch. 5: TMR (2-of-3) lasts MTBF (1/2 + 1/3) = 5/6 MTBF, less than one unit.
        assert_allclose(ftmath.mttf_active(3, 1000.0, k=2), 833.3333333333334, rtol=RTOL)

    def test_series_of_n_lasts_mtbf_over_n(self) -> None:
        assert_allclose(ftmath.mttf_active(4, 1000.0, k=4), 250.0, rtol=RTOL)

    def test_returns_python_float(self) -> None:
        assert type(ftmath.mttf_active(3, 1000)) is float

    def test_large_group_matches_harmonic_numbers(self) -> None:
        from scipy.special import digamma

        n = 100_000
        expected = 1000.0 * (digamma(n + 1) - digamma(1))
        assert_allclose(ftmath.mttf_active(n, 1000.0), expected, rtol=1e-13)

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            ((0, 1000.0), "`n` must be at least 1"),
            ((2.5, 1000.0), "`n` must be a whole number"),
            ((True, 1000.0), "`n` must be a whole number"),
            (("3", 1000.0), "`n` must be a whole number"),
            ((3, 0.0), "`mtbf_hours` must be > 0"),
            ((3, -5.0), "`mtbf_hours` must be > 0"),
            ((3, float("nan")), "`mtbf_hours` must be a finite number"),
            ((3, 1000.0, 0), "`k` must be between 1 and n = 3"),
            ((3, 1000.0, 4), "`k` must be between 1 and n = 3"),
        ],
    )
    def test_bad_input(self, args: tuple, message: str) -> None:
        with pytest.raises(InputError, match=message.replace("(", r"\(")):
            ftmath.mttf_active(*args)


class TestMttfStandby:
    @pytest.mark.parametrize("n", [1, 2, 3, 10])
    def test_cold_standby_with_perfect_switch_lasts_n_times(self, n: int) -> None:
        # R&H ch. 8, O'Connor ch. 6: n x MTBF, the only case where it holds.
        assert ftmath.mttf_standby(n, 1000.0) == n * 1000.0

    def test_imperfect_switch_one_spare(self) -> None:
        # R&H ch. 8 (standby with imperfect switching): MTTF = 1/lambda + p/lambda.
        assert_allclose(ftmath.mttf_standby(2, 1000.0, switch_reliability=0.9), 1900.0, rtol=RTOL)

    def test_imperfect_switch_geometric_sum(self) -> None:
        assert_allclose(
            ftmath.mttf_standby(4, 500.0, switch_reliability=0.8),
            500.0 * (1 + 0.8 + 0.64 + 0.512),
            rtol=RTOL,
        )

    def test_switch_that_never_works_leaves_one_unit(self) -> None:
        assert ftmath.mttf_standby(5, 1000.0, switch_reliability=0.0) == 1000.0

    def test_switch_close_to_perfect_keeps_its_digits(self) -> None:
        p = 1.0 - 1e-12
        exact = sum(Fraction(p) ** i for i in range(3)) * 1000
        assert_allclose(
            ftmath.mttf_standby(3, 1000.0, switch_reliability=p), float(exact), rtol=1e-15
        )

    @pytest.mark.parametrize("p", [-0.1, 1.5, float("inf"), "x"])
    def test_bad_switch_reliability(self, p: object) -> None:
        with pytest.raises(InputError, match="`switch_reliability`"):
            ftmath.mttf_standby(2, 1000.0, switch_reliability=p)  # type: ignore[arg-type]


class TestRepairable:
    lam, mu = 1 / 150, 1 / 5

    def test_dhillon_two_parallel_units_with_repair(self) -> None:
        # Dhillon's worked example; R&H ch. 8 and Trivedi ch. 8:
        # MTTF = (3 lambda + mu) / (2 lambda^2) = 2475 h.
        group = ftmath.repairable(1, 2, 150.0, 5.0)
        assert_allclose(group.mttf_hours, 2475.0, rtol=RTOL)
        lam, mu = self.lam, self.mu
        assert_allclose(group.mttf_hours, (3 * lam + mu) / (2 * lam**2), rtol=RTOL)

    def test_dhillon_two_parallel_units_without_repair(self) -> None:
        assert_allclose(ftmath.redundant_group(1, 2, 150.0).mttf_hours, 225.0, rtol=RTOL)

    def test_trivedi_availability_one_repair_facility(self) -> None:
        # Trivedi ch. 8: A = (mu^2 + 2 lambda mu) / (mu^2 + 2 lambda mu + 2 lambda^2).
        group = ftmath.repairable(1, 2, 150.0, 5.0, crews=1)
        lam, mu = self.lam, self.mu
        closed = (mu**2 + 2 * lam * mu) / (mu**2 + 2 * lam * mu + 2 * lam**2)
        assert_allclose(group.availability, closed, rtol=RTOL)
        assert round(group.availability, 6) == 0.997921
        assert_allclose(
            group.unavailability, 2 * lam**2 / (mu**2 + 2 * lam * mu + 2 * lam**2), rtol=RTOL
        )

    @pytest.mark.parametrize("n", [2, 3, 5])
    def test_a_crew_per_unit_makes_units_independent(self, n: int) -> None:
        # With as many crews as units, a 1-of-n group is n independent repairable units in
        # parallel: unavailability (MTTR / (MTBF + MTTR))^n (R&H ch. 8, Trivedi ch. 8).
        group = ftmath.repairable(1, n, 1000.0, 10.0, crews=n)
        assert_allclose(group.unavailability, (10.0 / 1010.0) ** n, rtol=1e-12)

    def test_imperfect_coverage_trivedi(self) -> None:
        # Trivedi ch. 8, two units with coverage c and one repair facility:
        # MTTF = (lambda (1 + 2c) + mu) / (2 lambda (lambda + mu (1 - c))).
        c = 0.95
        group = ftmath.repairable(1, 2, 150.0, 5.0, switch_reliability=c)
        lam, mu = self.lam, self.mu
        expected = (lam * (1 + 2 * c) + mu) / (2 * lam * (lam + mu * (1 - c)))
        assert_allclose(group.mttf_hours, expected, rtol=RTOL)

    def test_without_coverage_two_units_last_half_as_long(self) -> None:
        # Trivedi ch. 8: with coverage c = 0 every first failure brings the pair down, so the
        # pair fails at 2 lambda: redundancy with a fail-over that never works is harmful.
        group = ftmath.repairable(1, 2, 150.0, 5.0, switch_reliability=0.0)
        assert_allclose(group.mttf_hours, 75.0, rtol=RTOL)

    def test_cold_standby_with_repair(self) -> None:
        # R&H ch. 8: one unit and a cold spare, one crew: MTTF = (2 lambda + mu) / lambda^2,
        # and unavailability (lambda/mu)^2 / (1 + lambda/mu + (lambda/mu)^2).
        lam, mu = 1 / 1000, 1 / 20
        group = ftmath.repairable(1, 2, 1000.0, 20.0, arrangement="standby")
        assert_allclose(group.mttf_hours, (2 * lam + mu) / lam**2, rtol=RTOL)
        x = lam / mu
        assert_allclose(group.unavailability, x**2 / (1 + x + x**2), rtol=RTOL)

    def test_cold_standby_with_repair_and_imperfect_switch(self) -> None:
        # R&H ch. 8: MTTF = (lambda (1 + p) + mu) / (lambda (lambda + (1 - p) mu)).
        lam, mu, p = 1 / 1000, 1 / 20, 0.9
        group = ftmath.repairable(1, 2, 1000.0, 20.0, arrangement="standby", switch_reliability=p)
        assert_allclose(
            group.mttf_hours, (lam * (1 + p) + mu) / (lam * (lam + (1 - p) * mu)), rtol=RTOL
        )

    def test_warm_standby_with_repair(self) -> None:
        # R&H ch. 8 (partly loaded redundancy):
        # MTTF = (2 lambda + lambda_s + mu) / (lambda (lambda + lambda_s)).
        lam, lam_s, mu = 1 / 1000, 1 / 5000, 1 / 20
        group = ftmath.warm_standby(2, 1000.0, 5000.0, mttr_hours=20.0)
        assert_allclose(group.mttf_hours, (2 * lam + lam_s + mu) / (lam * (lam + lam_s)), rtol=RTOL)

    def test_warm_standby_without_repair(self) -> None:
        # R&H ch. 8: 1/lambda + 1/(lambda + lambda_s) for one warm spare.
        group = ftmath.warm_standby(2, 1000.0, 5000.0)
        assert_allclose(group.mttf_hours, 1000.0 + 1 / (1 / 1000 + 1 / 5000), rtol=RTOL)

    def test_load_sharing_two_units(self) -> None:
        # R&H ch. 8 (load-sharing systems): MTTF = 1/(2 lambda_h) + 1/lambda_f, here with the
        # full-load rate lambda_f = lambda * 2**1.5.
        group = ftmath.load_sharing(1, 2, 1000.0, exponent=1.5)
        lam_h, lam_f = 1 / 1000, 2**1.5 / 1000
        assert_allclose(group.mttf_hours, 1 / (2 * lam_h) + 1 / lam_f, rtol=RTOL)

    def test_two_unit_reliability_with_repair(self) -> None:
        # Trivedi ch. 8: R(t) = (a1 exp(-a2 t) - a2 exp(-a1 t)) / (a1 - a2),
        # a1,2 = (3 lambda + mu +- sqrt(lambda^2 + 6 lambda mu + mu^2)) / 2.
        lam, mu = self.lam, self.mu
        root = math.sqrt(lam**2 + 6 * lam * mu + mu**2)
        a1, a2 = (3 * lam + mu + root) / 2, (3 * lam + mu - root) / 2
        t = np.array([0.0, 10.0, 100.0, 1000.0, 5000.0])
        expected = (a1 * np.exp(-a2 * t) - a2 * np.exp(-a1 * t)) / (a1 - a2)
        group = ftmath.repairable(1, 2, 150.0, 5.0)
        assert_allclose(group.reliability(t), expected, rtol=1e-10)

    def test_single_unit_availability_over_time(self) -> None:
        # R&H ch. 8, Trivedi ch. 8: A(t) = mu/(lambda+mu) + lambda/(lambda+mu) e^{-(lambda+mu)t}.
        lam, mu = 1 / 100, 1 / 5
        t = np.linspace(0, 50, 11)
        group = ftmath.repairable(1, 1, 100.0, 5.0)
        expected = mu / (lam + mu) + lam / (lam + mu) * np.exp(-(lam + mu) * t)
        assert_allclose(group.availability_at(t), expected, rtol=1e-12)
        assert_allclose(
            group.unavailability_at(t),
            lam / (lam + mu) * -np.expm1(-(lam + mu) * t),
            rtol=1e-10,
        )

    def test_active_k_of_n_reliability_is_binomial(self) -> None:
        t = np.array([1.0, 100.0, 1000.0, 3000.0])
        group = ftmath.redundant_group(2, 4, 1000.0)
        expected = [ftmath.k_of_n(2, [math.exp(-x / 1000)] * 4) for x in t]
        assert_allclose(group.reliability(t), expected, rtol=1e-12)

    def test_cold_standby_reliability_is_poisson(self) -> None:
        # Trivedi ch. 5: R(t) = e^{-lambda t} sum_i p^i (lambda t)^i / i!.
        p, t = 0.9, np.array([10.0, 500.0, 2500.0])
        x = t / 1000
        expected = np.exp(-x) * sum(p**i * x**i / math.factorial(i) for i in range(3))
        group = ftmath.redundant_group(1, 3, 1000.0, arrangement="standby", switch_reliability=p)
        assert_allclose(group.reliability(t), expected, rtol=1e-12)

    def test_tiny_unreliability_keeps_its_digits(self) -> None:
        # Three active units over one hour at MTBF 1e6 h fail together with probability
        # (1 - e^{-1e-6})^3 ~ 1e-18: 1 - R would give 0.
        group = ftmath.redundant_group(1, 3, 1e6)
        expected = (-math.expm1(-1e-6)) ** 3
        assert_allclose(group.unreliability(1.0), expected, rtol=1e-6)
        assert group.reliability(1.0) == 1.0

    def test_huge_mttf_of_a_large_group_is_exact(self) -> None:
        # 40-of-50 with three crews: MTTF ~ 1e27 h. The textbook (-Q_UU)^{-1} 1 loses every
        # digit here; the birth-death closed form in exact rational arithmetic is the reference.
        group = ftmath.repairable(40, 50, 1e4, 2.0, crews=3)
        mttf, unavailability = _birth_death_exact(40, 50, Fraction(1, 10**4), Fraction(1, 2), 3)
        assert_allclose(group.mttf_hours, float(mttf), rtol=1e-12)
        assert_allclose(group.unavailability, float(unavailability), rtol=1e-12)

    def test_large_chain_matches_a_dense_exponential(self) -> None:
        # 1-of-40 with an imperfect fail-over has 80 states (R(t) uses the 41 up states and a
        # merged down state), checked against a dense expm of the full generator.
        import scipy.linalg

        group = ftmath.repairable(1, 40, 500.0, 50.0, crews=2, switch_reliability=0.999)
        assert group.generator.shape == (80, 80)
        t = np.array([10.0, 100.0, 400.0])
        q = group.generator.copy()
        q[~group.up_states, :] = 0.0
        dense = [scipy.linalg.expm(q * x)[0, group.up_states].sum() for x in t]
        assert_allclose(group.reliability(t), dense, rtol=1e-10)

    def test_even_grid_and_scattered_times_agree(self) -> None:
        # An evenly spaced grid is walked with one expm(Q dt); other times get one each.
        group = ftmath.repairable(2, 4, 1000.0, 10.0, switch_reliability=0.99)
        grid = np.linspace(0.0, 5000.0, 101)
        scattered = grid[::-1].copy()
        assert_allclose(group.unreliability(grid), group.unreliability(scattered)[::-1], rtol=1e-10)
        assert_allclose(
            group.availability_at(grid), group.availability_at(scattered)[::-1], rtol=0, atol=1e-13
        )

    def test_long_times_follow_the_quasi_stationary_decay(self) -> None:
        # MTTF ~ 6e18 h: the matrix exponential alone loses every digit at t ~ 1e15 h
        # (fastest rate x t ~ 4e15); after settling the decay is exactly exponential.
        group = ftmath.repairable(1, 5, 7867.0, 1.0, crews=4)
        t = np.array([1e12, 1e17, 1e19])
        assert_allclose(group.reliability(t), np.exp(-t / group.mttf_hours), rtol=1e-9)
        assert_allclose(group.unreliability(1e12), -math.expm1(-1e12 / group.mttf_hours), rtol=1e-6)
        assert_allclose(group.availability_at(1e12), group.availability, rtol=1e-15)
        assert_allclose(group.unavailability_at(1e12), group.unavailability, rtol=1e-12)

    def test_too_stiff_to_follow_says_so(self) -> None:
        # Repairs in 14 s, manual fail-over in 1000 h: the chain takes longer to settle than
        # double precision can follow with the matrix exponential.
        group = ftmath.repairable(
            1, 2, 32714.0, 0.00390625, crews=2, switch_reliability=0.0, failover_hours=1000.0
        )
        assert 0.0 < group.availability_at(10.0) < 1.0
        with pytest.raises(ComputationLimitError, match="ask for times up to"):
            group.availability_at(1e7)

    def test_more_crews_help_only_up_to_the_failures_tolerated(self) -> None:
        values = [
            ftmath.repairable(2, 4, 1000.0, 50.0, crews=c).unavailability for c in (1, 2, 3, 4)
        ]
        assert values[0] > values[1] > values[2]
        assert values[2] == values[3]  # at most 3 units are ever down at once

    def test_states_table(self) -> None:
        states = ftmath.repairable(1, 2, 150.0, 5.0, switch_reliability=0.9).states()
        assert list(states["up"]) == [True, True, False, False]
        assert_allclose(states["probability"].sum(), 1.0, rtol=1e-15)

    def test_downtime_uses_the_year_length(self) -> None:
        group = ftmath.repairable(1, 2, 150.0, 5.0)
        assert_allclose(group.downtime(hours_per_year=8766).per_year, group.unavailability * 8766)


class TestBadInput:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"n": 0}, "`n` must be at least 1"),
            ({"k": 0}, "`k` must be between 1 and n = 3"),
            ({"k": 4}, "`k` must be between 1 and n = 3"),
            ({"k": 1.5}, "`k` must be a whole number"),
            ({"mtbf_hours": 0}, "`mtbf_hours` must be > 0"),
            ({"mtbf_hours": "abc"}, "`mtbf_hours` must be a number"),
            ({"mttr_hours": 0}, "`mttr_hours` must be > 0"),
            ({"mttr_hours": -1}, "`mttr_hours` must be > 0"),
            ({"mtbf_hours": 1e300}, "`mtbf_hours` must be between 1e-06 and 1e\\+12 hours"),
            ({"mttr_hours": 1e-9}, "`mttr_hours` must be between 1e-06 and 1e\\+12 hours"),
            ({"crews": 0}, "`crews` must be at least 1"),
            ({"switch_reliability": 1.01}, "`switch_reliability` must be a probability"),
            ({"switch_reliability": -0.5}, "`switch_reliability` must be a probability"),
            ({"failover_hours": 0}, "`failover_hours` must be > 0"),
            ({"arrangement": "hot"}, "`arrangement` must be one of"),
            ({"standby_mtbf_hours": 500.0}, "`standby_mtbf_hours` applies to the standby"),
            ({"arrangement": "standby", "standby_mtbf_hours": -1}, "`standby_mtbf_hours` must"),
            ({"arrangement": "standby", "load_exponent": 1.0}, "`load_exponent` applies"),
            ({"load_exponent": -1}, "`load_exponent` must be >= 0"),
            ({"load_exponent": 100}, "`load_exponent` must be at most 50"),
        ],
    )
    def test_redundant_group(self, kwargs: dict, message: str) -> None:
        args = {"k": 1, "n": 3, "mtbf_hours": 1000.0, "mttr_hours": 5.0, **kwargs}
        with pytest.raises(InputError, match=message):
            ftmath.redundant_group(args.pop("k"), args.pop("n"), args.pop("mtbf_hours"), **args)

    def test_repairable_needs_a_repair_time(self) -> None:
        with pytest.raises(InputError, match="`mttr_hours` must be a number of hours > 0"):
            ftmath.repairable(1, 2, 100.0, None)  # type: ignore[arg-type]

    def test_too_many_tolerated_failures(self) -> None:
        with pytest.raises(ComputationLimitError, match="beyond this Markov model"):
            ftmath.redundant_group(1, MAX_SPAN + 2, 1000.0)

    @pytest.mark.parametrize("t", [-1.0, float("nan"), float("inf"), [1.0, -2.0], "soon"])
    def test_bad_times(self, t: object) -> None:
        group = ftmath.repairable(1, 2, 100.0, 5.0)
        with pytest.raises(InputError, match="`t_hours"):
            group.reliability(t)

    def test_input_error_is_a_value_error(self) -> None:
        with pytest.raises(ValueError):
            ftmath.repairable(1, 2, -1.0, 5.0)

    def test_hours_from_rate(self) -> None:
        assert ftmath.hours_from_rate(4, per_hours=8760) == 2190.0
        with pytest.raises(InputError, match="`rate` must be > 0"):
            ftmath.hours_from_rate(0)


class TestExplain:
    @pytest.mark.parametrize(
        "kwargs",
        [
            {"k": 1, "n": 2, "mtbf_hours": 150.0, "mttr_hours": 5.0},
            {"k": 2, "n": 5, "mtbf_hours": 1000.0, "mttr_hours": 10.0, "crews": 2},
            {"k": 1, "n": 3, "mtbf_hours": 7400.0, "mttr_hours": 3.3, "load_exponent": 1.0},
            {
                "k": 2,
                "n": 4,
                "mtbf_hours": 1000.0,
                "mttr_hours": 10.0,
                "arrangement": "standby",
                "standby_mtbf_hours": 4000.0,
            },
            {"k": 2, "n": 3, "mtbf_hours": 1000.0},
            {
                "k": 1,
                "n": 4,
                "mtbf_hours": 1000.0,
                "arrangement": "standby",
                "switch_reliability": 0.8,
            },
            {"k": 1, "n": 3, "mtbf_hours": 1000.0, "switch_reliability": 0.9},
        ],
    )
    def test_closed_forms_recompute_the_numbers_shown(self, kwargs: dict) -> None:
        group = ftmath.redundant_group(
            kwargs.pop("k"), kwargs.pop("n"), kwargs.pop("mtbf_hours"), **kwargs
        )
        explained = group.explain(mission_hours=500.0)
        assert explained["mttf"].expression
        assert_allclose(explained["mttf"].recompute(), group.mttf_hours, rtol=1e-9)
        assert explained["mttf"].value == group.mttf_hours
        if group.repairable:
            assert_allclose(explained["availability"].recompute(), group.availability, rtol=1e-12)
        else:
            assert explained["availability"].value is None
            assert "no repair" in explained["availability"].unavailable_reason
        reliability = explained["reliability"]
        assert reliability.value == group.reliability(500.0)
        if reliability.expression:
            assert_allclose(reliability.recompute(), reliability.value, rtol=1e-10)

    def test_numeric_chain_says_so(self) -> None:
        group = ftmath.repairable(1, 3, 7400.0, 3.3, switch_reliability=0.99, failover_hours=0.5)
        explained = group.explain()
        assert explained["mttf"].expression == ""
        assert explained["mttf"].value == group.mttf_hours
        assert "manual fail-over of mean 0.5 h" in explained["mttf"].convention
        assert "Rausand" in explained["availability"].reference
        assert set(explained) == {"mttf", "availability"}

    def test_recompute_without_expression_refuses(self) -> None:
        group = ftmath.repairable(1, 3, 7400.0, 3.3, switch_reliability=0.99)
        with pytest.raises(ValueError, match="no closed-form expression"):
            group.explain()["mttf"].recompute()


class TestComparison:
    def test_rows_and_values(self) -> None:
        c = ftmath.compare_configurations(
            3, 1000.0, 10.0, k=2, crews=2, standby_mtbf_hours=5000.0, load_exponent=1.0
        )
        table = c.table
        assert list(table["configuration"].unique()) == [
            "Single unit",
            "Active 1-of-3",
            "Active 2-of-3",
            "Cold standby 2 + 1 spare",
            "Warm standby 2 + 1 spare",
            "Load sharing 2-of-3",
        ]
        assert set(table["repair"]) == {"none", "2 crews"}
        row = table[(table["configuration"] == "Active 2-of-3") & (table["repair"] == "none")]
        assert_allclose(row["mttf_hours"].item(), ftmath.mttf_active(3, 1000.0, k=2), rtol=RTOL)
        assert math.isnan(row["availability"].item())
        assert "no repair" in row["note"].item()
        repaired = table[table["repair"] == "2 crews"]
        assert repaired["availability"].notna().all()
        assert_allclose(repaired["downtime_hours_per_year"], repaired["unavailability"] * 8760)
        assert_allclose(
            table["mission_reliability"] + table["mission_unreliability"], 1.0, rtol=1e-12
        )

    def test_single_unit_only(self) -> None:
        c = ftmath.compare_configurations(1, 1000.0, 10.0)
        assert list(c.table["configuration"].unique()) == ["Single unit"]

    def test_large_quorum_leaves_out_one_of_n(self) -> None:
        c = ftmath.compare_configurations(300, 1000.0, 10.0, k=250)
        assert "Active 1-of-300" not in set(c.table["configuration"])
        assert "Active 250-of-300" in set(c.table["configuration"])

    def test_curves(self) -> None:
        c = ftmath.compare_configurations(2, 1000.0, 10.0)
        curves = c.curves(np.linspace(0, 1000, 5))
        assert len(curves) == 5 * len(c.groups)
        assert (
            curves.groupby(["configuration", "repair"])["reliability"].diff().dropna() <= 0
        ).all()

    def test_csv_export_opens(self) -> None:
        c = ftmath.compare_configurations(3, 7400.0, 3.3, switch_reliability=0.99)
        data = report.csv_bytes(c.table)
        back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
        assert list(back.columns) == list(c.table.columns)
        assert_allclose(back["mttf_hours"], c.table["mttf_hours"], rtol=1e-12)

    def test_failure_stages_explain_the_active_mttf(self) -> None:
        stages = ftmath.active_failure_stages(4, 1000.0, k=2)
        assert list(stages["working"]) == [4, 3, 2]
        assert_allclose(stages["cumulative_hours"].iloc[-1], ftmath.mttf_active(4, 1000.0, k=2))


def _birth_death_exact(
    k: int, n: int, lam: Fraction, mu: Fraction, crews: int
) -> tuple[Fraction, Fraction]:
    """MTTF and unavailability of an active k-of-n group with repair, in exact arithmetic.

    Birth-death formulas (R&H ch. 8): w_j = prod_{i<j} lambda_i / mu_{i+1};
    MTTF = sum_j (sum_{i<=j} w_i) / (lambda_j w_j); U = w_{n-k+1} / sum w.
    """
    span = n - k
    up = [(n - f) * lam for f in range(span + 1)]
    w = [Fraction(1)]
    for f in range(span + 1):
        w.append(w[-1] * up[f] / (min(f + 1, crews) * mu))
    mttf = sum(sum(w[: j + 1]) / (up[j] * w[j]) for j in range(span + 1))
    return mttf, w[-1] / sum(w)


class TestFailureStagesWithFailOver:
    """The "why not n times" stages with the fail-over the table uses (review finding 3)."""

    def test_two_units_with_imperfect_coverage(self) -> None:
        # Trivedi ch. 8, two active units with coverage c, no repair:
        # MTTF = 1/(2 lambda) + c/lambda = (1 + 2c) / (2 lambda).
        stages = ftmath.active_failure_stages(2, 1000.0, switch_reliability=0.9)
        assert_allclose(stages["cumulative_hours"].iloc[-1], (1 + 2 * 0.9) / 2 * 1000.0)

    def test_the_review_example(self) -> None:
        # 7400 (1/3 + 0.99/2 + 0.99^2/1) = 13,382.4067 h, the table's figure in the review.
        stages = ftmath.active_failure_stages(3, 7400.0, switch_reliability=0.99)
        assert_allclose(stages["reached"], [1.0, 0.99, 0.9801], rtol=RTOL)
        assert_allclose(stages["cumulative_hours"].iloc[-1], 13382.406666666667, rtol=RTOL)

    @pytest.mark.parametrize(("k", "n", "p"), [(1, 3, 0.99), (2, 5, 0.8), (1, 6, 0.5), (4, 4, 0.7)])
    def test_agrees_with_the_chain(self, k: int, n: int, p: float) -> None:
        stages = ftmath.active_failure_stages(n, 7400.0, k, switch_reliability=p)
        group = ftmath.redundant_group(k, n, 7400.0, switch_reliability=p)
        assert_allclose(stages["cumulative_hours"].iloc[-1], group.mttf_hours, rtol=1e-12)

    def test_perfect_fail_over_is_the_closed_form(self) -> None:
        stages = ftmath.active_failure_stages(3, 7400.0)
        assert (stages["reached"] == 1.0).all()
        assert_allclose(stages["cumulative_hours"].iloc[-1], ftmath.mttf_active(3, 7400.0))

    def test_bad_fail_over(self) -> None:
        with pytest.raises(InputError, match="`switch_reliability` must be a probability"):
            ftmath.active_failure_stages(3, 7400.0, switch_reliability=1.5)


class TestComparisonReviewFixes:
    def test_kinds_use_the_chosen_k(self) -> None:
        # Review finding 1: the page must find the k-of-n row, not the 1-of-n one.
        c = ftmath.compare_configurations(3, 7400.0, 3.3, k=2, standby_rate_percent=10.0)
        assert c.key_for("active", repaired=True) == "Active 2-of-3 | 1 crew"
        assert c.key_for("parallel", repaired=True) == "Active 1-of-3 | 1 crew"
        assert c.key_for("cold", repaired=False) == "Cold standby 2 + 1 spare | none"
        assert c.key_for("warm", repaired=True) == "Warm standby 2 + 1 spare | 1 crew"
        assert c.key_for("load", repaired=True) is None  # no load exponent
        assert c.groups[c.key_for("active", repaired=True)].k == 2
        c = ftmath.compare_configurations(3, 7400.0, 3.3, k=3)
        assert c.key_for("active", repaired=False) == "Active 3-of-3 (no spare) | none"
        assert c.key_for("cold", repaired=True) is None
        c = ftmath.compare_configurations(3, 7400.0, 3.3)
        assert c.key_for("active", repaired=True) == "Active 1-of-3 | 1 crew"
        assert set(c.table["kind"]) == {"single", "active", "cold"}

    def test_warm_spare_as_a_percentage(self) -> None:
        by_share = ftmath.compare_configurations(3, 1000.0, 10.0, standby_rate_percent=25.0)
        by_hours = ftmath.compare_configurations(3, 1000.0, 10.0, standby_mtbf_hours=4000.0)
        pd.testing.assert_frame_equal(by_share.table, by_hours.table)
        cold = ftmath.compare_configurations(3, 1000.0, 10.0, standby_rate_percent=0.0)
        assert "warm" not in set(cold.table["kind"])

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"standby_rate_percent": 150.0}, "must be a percentage in \\[0, 100\\]"),
            ({"standby_rate_percent": -1.0}, "must be a percentage in \\[0, 100\\]"),
            ({"standby_rate_percent": 5.0, "standby_mtbf_hours": 10.0}, "not both"),
        ],
    )
    def test_bad_warm_spare(self, kwargs: dict, message: str) -> None:
        with pytest.raises(InputError, match=message):
            ftmath.compare_configurations(3, 1000.0, 10.0, **kwargs)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"mtbf_hours": -5.0}, "MTBF (h) must be > 0, got -5.0"),
            ({"mtbf_hours": 8.76e-297}, "MTBF (h) must be between 1e-06 and 1e+12 hours"),
            ({"k": 4}, "Must work (k) must be between 1 and n = 3, got 4"),
            ({"n": 0}, "Units (n) must be at least 1, got 0"),
            ({"crews": 0}, "Repair crews must be at least 1, got 0"),
            ({"switch_reliability": 2.0}, "Fail-over success must be a probability in [0, 1]"),
            ({"mission_hours": -1.0}, "Mission time (h) must be >= 0"),
        ],
    )
    def test_messages_use_the_callers_words(self, kwargs: dict, message: str) -> None:
        # Review finding 7: messages name what the user typed, not the parameter. ftmath names
        # the parameter in backticks; the page maps it to its label with ui.plain_names.
        labels = {
            "n": "Units (n)",
            "k": "Must work (k)",
            "crews": "Repair crews",
            "mtbf_hours": "MTBF (h)",
            "switch_reliability": "Fail-over success",
            "mission_hours": "Mission time (h)",
        }
        args = {"n": 3, "mtbf_hours": 1000.0, "mttr_hours": 10.0, **kwargs}
        with pytest.raises(InputError) as error:
            ftmath.compare_configurations(
                args.pop("n"), args.pop("mtbf_hours"), args.pop("mttr_hours"), **args
            )
        (name,) = kwargs
        assert f"`{name}`" in str(error.value)
        shown = ui.plain_names(str(error.value), labels)
        assert message in shown
        assert "`" not in shown

    def test_load_exponent_50_keeps_mttf_and_availability(self) -> None:
        # Review finding 4: one R(t) that cannot be followed lost every result.
        c = ftmath.compare_configurations(
            3,
            7400.0,
            3.3,
            switch_reliability=0.99,
            failover_hours=0.5,
            load_exponent=50.0,
        )
        table = c.table.set_index(["kind", "repair"])
        load = table.loc[("load", "1 crew")]
        assert math.isnan(load["mission_reliability"])
        assert "`load_exponent` = 50" in load["mission_note"]
        assert "7.18e+23 times as often" in load["mission_note"]  # 3 ** 50
        assert math.isfinite(load["mttf_hours"]) and 0 < load["availability"] < 1
        # MTTF of load sharing, no repair: the first failure after MTBF/3, the next two almost
        # at once (their rates are 1.5**50 and 3**50 times the normal one).
        expected = 7400.0 * (1 / 3 + 0.99 / (2 * 1.5**50) + 0.99**2 / 3**50)
        assert_allclose(table.loc[("load", "none"), "mttf_hours"], expected, rtol=1e-9)
        others = c.table[c.table["kind"] != "load"]
        assert (others["mission_note"] == "").all()
        assert others["mission_reliability"].notna().all()
        # The exponent the note suggests does work.
        largest = float(load["mission_note"].rsplit("at most ", 1)[1])
        assert 1.0 < largest < 50.0
        ok = ftmath.compare_configurations(
            3, 7400.0, 3.3, switch_reliability=0.99, failover_hours=0.5, load_exponent=largest
        )
        assert (ok.table["mission_note"] == "").all()
        curves = c.curves(np.linspace(0.0, 8760.0, 5))
        drawn = curves[curves["configuration"] != "Load sharing 1-of-3"]
        assert drawn["reliability"].notna().all()
        assert curves[curves["configuration"] == "Load sharing 1-of-3"]["reliability"].isna().all()
        explained = c.groups["Load sharing 1-of-3 | 1 crew"].explain(mission_hours=8760.0)
        assert explained["reliability"].value is None
        assert "load-sharing exponent" in explained["reliability"].unavailable_reason

    def test_rate_out_of_range_names_the_rate(self) -> None:
        # Review finding 7: a failure rate of 1e300 a year is an MTBF of 8.76e-297 h.
        with pytest.raises(InputError) as error:
            ftmath.hours_from_rate(
                1e300, per_hours=8760.0, period="year", name="Failure rate λ", mean_name="an MTBF"
            )
        assert str(error.value) == (
            "Failure rate λ = 1e+300 per year gives an MTBF of 8.76e-297 h, outside the 1e-06 "
            "to 1e+12 h this model follows: enter between 8.76e-09 and 8.76e+09 per year"
        )
        with pytest.raises(InputError, match="^Repair rate μ must be > 0, got -1"):
            ftmath.hours_from_rate(-1, name="Repair rate μ")
        assert ftmath.hours_from_rate(8.76e-9, per_hours=8760.0) == pytest.approx(1e12)
