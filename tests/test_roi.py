"""ftmath.roi: the investment model, sensitivity, break-even and the downtime cost builder."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import ftmath
from ftmath.roi import (
    BREAK_EVEN_INPUTS,
    SENSITIVITY_INPUTS,
    break_even,
    check_roi_inputs,
    downtime_cost_per_hour,
    mtbf_mttr_from_figures,
    roi,
    roi_sensitivity,
)
from tests.conftest import ROI_WORKED_EXAMPLE as WORKED


def case(**changes):
    return {**WORKED, **changes}


class TestWorkedExample:
    """Issue 7's example. Each figure can be checked by hand: failures a year 8760/504 and
    8760/2002; the 3-year annuity factor at 8 % is (1 - 1.08**-3) / 0.08 = 2.5770970
    (Brealey, Myers & Allen, Principles of Corporate Finance, ch. 2)."""

    def test_headline_figures(self) -> None:
        r = roi(**WORKED)
        assert_allclose(r.annual_savings, 607_725.61, atol=0.005)
        assert_allclose(r.npv, 1_364_625.89, atol=0.005)
        assert_allclose(r.payback_years, 0.255221, atol=5e-7)
        assert_allclose(r.irr, 3.88455, atol=5e-6)

    def test_by_hand(self) -> None:
        r = roi(**WORKED)
        assert_allclose(r.failures_per_year_now, 8760 / 504, rtol=1e-15)
        assert_allclose(r.failures_per_year_target, 8760 / 2002, rtol=1e-15)
        assert_allclose(r.annual_cost_now, 8760 / 504 * 4 * 10_000, rtol=1e-15)
        assert_allclose(r.availability_now, 500 / 504, rtol=1e-15)
        assert_allclose(r.availability_target, 2000 / 2002, rtol=1e-15)
        assert_allclose(r.downtime_hours_per_year_now, 8760 * 4 / 504, rtol=1e-15)
        annuity = (1 - 1.08**-3) / 0.08
        assert_allclose(annuity, 2.5770970, atol=5e-8)
        assert_allclose(r.npv, -150_000 + annuity * (r.annual_savings - 20_000), rtol=1e-12)
        # ROI on total cost of ownership 150,000 + 3 x 20,000 = 210,000
        assert r.tco == 210_000
        assert_allclose(r.roi, (3 * 607_725.6077256 - 210_000) / 210_000, rtol=1e-12)
        # discounted payback: year 1 is worth 587,725.61 / 1.08 = 544,190.38
        assert_allclose(r.discounted_payback_years, 150_000 / 544_190.377524, rtol=1e-9)

    def test_cash_flow_table(self) -> None:
        r = roi(**WORKED)
        table = r.table()
        assert list(table["year"]) == [0, 1, 2, 3]
        assert table["cash_flow"].iloc[0] == -150_000
        assert_allclose(table["cash_flow"].iloc[1:], 587_725.6077256, rtol=1e-12)
        assert_allclose(table["present_value"].sum(), r.npv, rtol=1e-12)
        assert_allclose(table["cumulative_present_value"].iloc[-1], r.npv, rtol=1e-12)
        assert_allclose(table["discount_factor"], 1.08 ** -np.arange(4.0), rtol=1e-15)

    def test_python_floats_out(self) -> None:
        r = roi(**WORKED)
        for name in ("annual_savings", "npv", "irr", "payback_years", "roi", "tco"):
            assert type(getattr(r, name)) is float, name
        assert all(type(x) is float for x in r.cash_flows)


class TestKnownValues:
    def test_annuity_npv_and_discounted_payback(self) -> None:
        """Capex 1,000, net 400 a year at 10 %: annuity factor (1 - 1.1**-3) / 0.1 = 2.486852,
        NPV -5.2592; cumulative discounted flow after three years -5.2592, so the discounted
        payback is 3 + 5.2592 / (400 / 1.1**4) = 3.019250 with a 4-year horizon and none
        within 3 years (Brealey, Myers & Allen, ch. 2 and 5)."""
        # one failure a year of 1 h costing 400 today; the target never fails within reason
        base = dict(cost_per_hour=0, cost_per_incident=400.0, mtbf_hours_now=8759,
                    mttr_hours_now=1, mtbf_hours_target=1e12, mttr_hours_target=1,
                    capex=1000, discount_rate=0.10)  # fmt: skip
        r3 = roi(**base, years=3)
        net = r3.net_annual_benefit
        assert_allclose(net, 400.0, rtol=1e-8)
        assert_allclose(r3.npv, -1000 + net * 2.4868520, atol=1e-4)
        assert_allclose(r3.npv, -5.2592, atol=5e-5)
        assert r3.npv < 0
        assert r3.discounted_payback_years is None
        assert "within 3 years" in r3.reasons["discounted_payback_years"]
        assert_allclose(r3.payback_years, 2.5, rtol=1e-8)
        r4 = roi(**base, years=4)
        assert_allclose(r4.discounted_payback_years, 3.019250, atol=5e-6)

    def test_irr_of_two_years_is_the_quadratic_root(self) -> None:
        """-C + N x + N x^2 = 0 with x = 1 / (1 + IRR): x = (-N + sqrt(N^2 + 4 N C)) / (2 N).
        For C = 100, N = 60: IRR = 0.1306624 (the root numpy-financial's docs call the IRR)."""
        r = roi(cost_per_hour=0, cost_per_incident=60.0, mtbf_hours_now=8759, mttr_hours_now=1,
                mtbf_hours_target=1e12, mttr_hours_target=1, capex=100, years=2)  # fmt: skip
        n, c = r.net_annual_benefit, 100.0
        x = (-n + math.sqrt(n * n + 4 * n * c)) / (2 * n)
        assert_allclose(r.irr, 1 / x - 1, rtol=1e-9)
        assert_allclose(r.irr, 0.1306624, atol=1e-6)

    def test_irr_of_one_year(self) -> None:
        r = roi(**case(years=1))
        assert_allclose(r.irr, r.net_annual_benefit / 150_000 - 1, rtol=1e-10)

    def test_simple_payback(self) -> None:
        """Capex 1,000 and 250 a year pay back in 4 years."""
        r = roi(cost_per_hour=250, mtbf_hours_now=8759, mttr_hours_now=1,
                mtbf_hours_target=1e12, mttr_hours_target=1e-6, capex=1000, years=5)  # fmt: skip
        assert_allclose(r.payback_years, 4.0, rtol=1e-6)

    def test_availability(self) -> None:
        """A = MTBF / (MTBF + MTTR): 500 h up, 4 h down -> 0.9920635 (IEC 60050-192)."""
        assert_allclose(roi(**WORKED).availability_now, 0.99206349, atol=5e-9)

    def test_year_length_is_used(self) -> None:
        r = roi(**case(hours_per_year=8766))
        assert_allclose(r.failures_per_year_now, 8766 / 504, rtol=1e-15)


class TestSeedFlaws:
    """The seed document's model, and why this one differs."""

    def test_opex_is_counted_once(self) -> None:
        # the seed put opex inside the total investment *and* subtracted it from the savings
        r0 = roi(**case(discount_rate=0, opex_per_year=0))
        r1 = roi(**case(discount_rate=0, opex_per_year=25_000))
        assert r1.annual_savings == r0.annual_savings  # savings are gross
        assert_allclose(r0.npv - r1.npv, 3 * 25_000, rtol=1e-12)  # three years of opex, once
        assert r1.tco == 150_000 + 3 * 25_000
        assert r1.cash_flows[0] == -150_000  # opex is not part of the up-front cost

    def test_seed_example_is_not_reproduced(self) -> None:
        """The seed's example: 50,000/h, MTBF 2,190 h -> 8,760 h, 225,000 up front and 25,000
        a year. It reported ROI on 250,000 with savings net of opex: opex twice."""
        r = roi(cost_per_hour=50_000, mtbf_hours_now=2190, mttr_hours_now=4,
                mtbf_hours_target=8760, mttr_hours_target=2, capex=225_000,
                opex_per_year=25_000, years=3)  # fmt: skip
        seed_savings = 8760 / 2190 * 50_000 * 4 - 8760 / 8760 * 50_000 * 2 - 25_000
        seed_roi = (seed_savings * 3 - 250_000) / 250_000
        assert not math.isclose(r.roi, seed_roi, rel_tol=1e-3)
        ours = 8760 / 2194 * 4 * 50_000 - 8760 / 8762 * 2 * 50_000
        assert_allclose(r.annual_savings, ours, rtol=1e-12)
        assert_allclose(r.roi, (3 * ours - 300_000) / 300_000, rtol=1e-12)

    def test_negative_savings_never_give_a_negative_payback(self) -> None:
        r = roi(**case(mtbf_hours_target=100, mttr_hours_target=8))
        assert r.annual_savings < 0
        assert r.payback_years is None and r.discounted_payback_years is None and r.irr is None
        assert "not positive" in r.reasons["payback_years"]
        assert r.npv < 0 and r.roi < 0

    def test_zero_capex_does_not_divide_by_zero(self) -> None:
        r = roi(**case(capex=0))
        assert r.payback_years == 0.0 and r.discounted_payback_years == 0.0
        assert r.irr is None and "no up-front cost" in r.reasons["irr"]
        assert_allclose(r.roi, (3 * r.annual_savings - 60_000) / 60_000, rtol=1e-12)
        nothing = roi(**case(capex=0, opex_per_year=0))
        assert nothing.roi is None and "not defined" in nothing.reasons["roi"]

    def test_repair_times_come_from_the_inputs(self) -> None:
        # the seed fixed 4 h before and 2 h after whatever was bought
        r = roi(**case(mttr_hours_now=1, mttr_hours_target=0.5))
        assert_allclose(r.annual_cost_now, 8760 / 501 * 1 * 10_000, rtol=1e-15)

    def test_time_value_of_money(self) -> None:
        assert roi(**WORKED).npv < roi(**case(discount_rate=0)).npv

    def test_benefit_not_positive_means_no_payback(self) -> None:
        r = roi(**case(opex_per_year=607_725.6077256077))  # opex eats the savings
        assert r.payback_years is None or r.payback_years > 1e6


class TestWarningsAndErrors:
    def test_a_worse_target_warns_but_computes(self) -> None:
        r = roi(**case(mtbf_hours_target=400, mttr_hours_target=5))
        assert len(r.warnings) == 3
        assert "shorter than today's" in r.warnings[0]
        assert "longer than today's" in r.warnings[1]
        assert "negative" in r.warnings[2]

    def test_no_warnings_for_an_improvement(self) -> None:
        assert roi(**WORKED).warnings == ()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"mtbf_hours_now": 0}, "`mtbf_hours_now` must be > 0"),
            ({"mttr_hours_target": -1}, "`mttr_hours_target` must be > 0"),
            ({"mttr_hours_now": 1e-9}, "from 1e-06 h"),
            ({"cost_per_hour": -5}, "`cost_per_hour` must be >= 0"),
            ({"capex": -1}, "`capex` must be >= 0"),
            ({"opex_per_year": -1}, "`opex_per_year` must be >= 0"),
            ({"cost_per_incident": -0.01}, "`cost_per_incident` must be >= 0"),
            ({"capex": 1e16}, "at most 1e+15"),
            ({"years": 0}, "`years` must be a whole number from 1 to 100"),
            ({"years": 2.5}, "`years` must be a whole number"),
            ({"years": 101}, "`years` must be a whole number"),
            ({"discount_rate": -1}, "`discount_rate` must be a fraction"),
            ({"discount_rate": 8}, None),
            ({"discount_rate": 80}, "0.08 for 8 %"),
            ({"cost_per_hour": float("nan")}, "`cost_per_hour` must be a finite number"),
            ({"capex": float("inf")}, "`capex` must be a finite number"),
            ({"capex": "lots"}, "`capex` must be a number, got 'lots'"),
            ({"capex": True}, "`capex` must be a number"),
            ({"hours_per_year": 9000}, "at most 8784"),
        ],
    )
    def test_bad_input(self, changes: dict, message: str | None) -> None:
        if message is None:
            roi(**case(**changes))
            return
        with pytest.raises(ftmath.InputError, match=message.replace("+", r"\+")):
            roi(**case(**changes))

    def test_unknown_and_missing_names(self) -> None:
        with pytest.raises(ftmath.InputError, match="`capx` is not an ROI input"):
            check_roi_inputs({**WORKED, "capx": 1})
        missing = {k: v for k, v in WORKED.items() if k != "capex"}
        with pytest.raises(ftmath.InputError, match="`capex` is missing"):
            check_roi_inputs(missing)
        with pytest.raises(ftmath.InputError, match="mapping"):
            check_roi_inputs([1, 2])  # type: ignore[arg-type]

    def test_input_error_is_a_value_error(self) -> None:
        with pytest.raises(ValueError):
            roi(**case(years=0))


class TestExplanations:
    def test_each_recomputes_its_number(self) -> None:
        for inputs in (WORKED, case(discount_rate=0), case(years=7, capex=5e6)):
            r = roi(**inputs)
            for key, e in r.explain().items():
                shown = getattr(r, key)
                assert e.value == shown, key
                if e.expression:
                    assert_allclose(e.recompute(), shown, rtol=1e-9, err_msg=key)

    def test_irr_is_explained_as_an_algorithm(self) -> None:
        e = roi(**WORKED).explain()["irr"]
        assert e.expression == "" and "unique" in e.convention

    def test_not_defined_carries_the_reason(self) -> None:
        e = roi(**case(capex=0, opex_per_year=0)).explain()["roi"]
        assert e.value is None and "not defined" in e.unavailable_reason


class TestSensitivity:
    def test_capex_moves_npv_one_for_one(self) -> None:
        t = roi_sensitivity(WORKED)
        base = roi(**WORKED).npv
        assert_allclose(t.loc["capex", "low"], base + 30_000, rtol=1e-12)
        assert_allclose(t.loc["capex", "high"], base - 30_000, rtol=1e-12)
        assert_allclose(t.loc["capex", "range"], 60_000, rtol=1e-12)

    def test_cost_per_hour_is_linear(self) -> None:
        t = roi_sensitivity(WORKED, swing=0.1)
        expected_low = roi(**case(cost_per_hour=9_000)).npv
        assert_allclose(t.loc["cost_per_hour", "low"], expected_low, rtol=1e-12)
        assert t.loc["cost_per_hour", "low_value"] == 9_000

    def test_sorted_widest_first_and_complete(self) -> None:
        t = roi_sensitivity(WORKED)
        assert set(t.index) == set(SENSITIVITY_INPUTS)
        assert list(t["range"]) == sorted(t["range"], reverse=True)
        assert t.loc["cost_per_incident", "range"] == 0  # zero does not move

    @pytest.mark.parametrize("swing", [0, 1, -0.2, 2])
    def test_bad_swing(self, swing: float) -> None:
        with pytest.raises(ftmath.InputError, match="`swing`"):
            roi_sensitivity(WORKED, swing=swing)

    def test_bad_metric(self) -> None:
        with pytest.raises(ftmath.InputError, match="`metric`"):
            roi_sensitivity(WORKED, metric="irr")


class TestBreakEven:
    def test_cost_per_hour_closed_form(self) -> None:
        """NPV is linear in the cost per hour c: NPV = -C + a (c h - O) with h the downtime
        hours avoided a year and a the annuity factor, so c* = (C / a + O) / h."""
        r = roi(**WORKED)
        h = r.downtime_hours_per_year_now - r.downtime_hours_per_year_target
        a = (1 - 1.08**-3) / 0.08
        expected = (150_000 / a + 20_000) / h
        b = break_even(WORKED, "cost_per_hour")
        assert_allclose(b.value, expected, rtol=1e-10)
        assert_allclose(b.value, 1286.85, atol=0.005)

    def test_todays_mtbf_and_mttr_closed_form(self) -> None:
        """The two widest tornado bars. NPV = 0 needs yearly savings S* = C / a + O (a the
        annuity factor (1 - (1 + r)^-n) / r, Brealey, Myers & Allen ch. 2), so today's
        downtime cost must be K* = S* + K_target. With no cost per incident,
        K = H c MTTR / (MTBF + MTTR), hence MTBF* = H c MTTR / K* - MTTR and
        MTTR* = K* MTBF / (H c - K*). The reviewer's figures: about 2,110 h and 0.95 h."""
        r = roi(**WORKED)
        a = (1 - 1.08**-3) / 0.08
        k = 150_000 / a + 20_000 + r.annual_cost_target
        hc = 8760 * 10_000
        mtbf = break_even(WORKED, "mtbf_hours_now")
        mttr = break_even(WORKED, "mttr_hours_now")
        assert_allclose(mtbf.value, hc * 4 / k - 4, rtol=1e-10)
        assert_allclose(mttr.value, k * 500 / (hc - k), rtol=1e-10)
        assert_allclose([mtbf.value, mttr.value], [2110.44, 0.9477], atol=0.005)
        assert (mtbf.base, mttr.base) == (500, 4)

    def test_hours_are_searched_within_the_accepted_range(self) -> None:
        # Today's downtime never costs more than H c = 87.6 million a year: a 1e12 capex
        # cannot be earned back at any MTTR the model accepts (1e-6 h to 1e12 h).
        b = break_even(case(capex=1e12), "mttr_hours_now")
        assert b.value is None and "stays negative" in b.reason
        assert "from 1e-06 to 1e+12" in b.reason

    def test_capex_break_even_is_npv_plus_capex(self) -> None:
        assert_allclose(break_even(WORKED, "capex").value, roi(**WORKED).npv + 150_000, rtol=1e-10)

    @pytest.mark.parametrize("parameter", BREAK_EVEN_INPUTS)
    def test_npv_is_zero_there(self, parameter: str) -> None:
        b = break_even(WORKED, parameter)
        assert b.value is not None and b.reason is None and b.base == WORKED[parameter]
        npv = roi(**case(**{parameter: b.value})).npv
        assert abs(npv) < 1e-6 * 150_000

    def test_none_when_it_always_pays(self) -> None:
        b = break_even(case(capex=0, opex_per_year=0, cost_per_incident=10), "cost_per_hour")
        assert b.value is None and "stays positive" in b.reason

    def test_none_when_it_never_pays(self) -> None:
        b = break_even(case(mttr_hours_target=4, capex=1e9), "mtbf_hours_target")
        assert b.value is None and "stays negative" in b.reason

    def test_unknown_parameter(self) -> None:
        with pytest.raises(ftmath.InputError, match="`parameter` must be one of"):
            break_even(WORKED, "years")


class TestDowntimeCost:
    def test_by_hand(self) -> None:
        # 20,000 revenue an hour, 40 % lost; 25 people at 80 an hour; 500 an hour in credits
        c = downtime_cost_per_hour(revenue_per_hour=20_000, share_affected=0.4, staff_idled=25,
                                   loaded_rate_per_hour=80, sla_penalty_per_hour=500)  # fmt: skip
        assert c.per_hour == 8_000 + 2_000 + 500
        assert c.parts == {"lost_revenue": 8_000, "idle_staff": 2_000, "sla_penalties": 500}
        assert c.explain().recompute() == c.per_hour

    def test_defaults_are_zero_not_benchmarks(self) -> None:
        assert downtime_cost_per_hour().per_hour == 0.0

    @pytest.mark.parametrize(
        "kwargs", [{"share_affected": 1.5}, {"revenue_per_hour": -1}, {"staff_idled": -2}]
    )
    def test_bad_input(self, kwargs: dict) -> None:
        with pytest.raises(ftmath.InputError):
            downtime_cost_per_hour(**kwargs)

    def test_references_are_labelled_with_sources(self) -> None:
        refs = ftmath.DOWNTIME_COST_REFERENCES
        assert len(refs) >= 2
        assert all(r.url.startswith("https://") and r.source and r.population for r in refs)
        gartner = next(r for r in refs if "Gartner" in r.source)
        assert gartner.per_hour == 5_600 * 60  # US$5,600 a minute (Lerner, 2014)


class TestFiguresFromOtherPages:
    def test_mtbf_and_mttr(self) -> None:
        assert mtbf_mttr_from_figures({"mtbf_hours": 1000, "mttr_hours": 0.5}) == (1000.0, 0.5)

    def test_availability_with_an_mttr(self) -> None:
        mtbf, mttr = mtbf_mttr_from_figures({"availability": 0.9995}, mttr_hours=2)
        assert_allclose(mtbf / (mtbf + mttr), 0.9995, rtol=1e-12)
        mtbf, _ = mtbf_mttr_from_figures({"unavailability": 1e-12, "mttr_hours": 1})
        assert_allclose(mtbf, (1 - 1e-12) / 1e-12, rtol=1e-12)

    @pytest.mark.parametrize(
        ("figures", "message"),
        [
            ({"availability": 0.99}, "give an MTTR"),
            ({"availability": 1.0, "mttr_hours": 1}, "never fails"),
            ({"availability": 0.0, "mttr_hours": 1}, "never works"),
            ({"mtbf_hours": 10}, "no `mttr_hours`"),
            ({"note": "x"}, "neither"),
        ],
    )
    def test_not_enough(self, figures: dict, message: str) -> None:
        with pytest.raises(ftmath.InputError, match=message):
            mtbf_mttr_from_figures(figures)


# --- properties --------------------------------------------------------------------------------

hours = st.floats(0.01, 1e5)
money = st.floats(0, 1e7)


@st.composite
def inputs(draw: st.DrawFn) -> dict:
    return {
        "cost_per_hour": draw(money),
        "mtbf_hours_now": draw(hours),
        "mttr_hours_now": draw(hours),
        "mtbf_hours_target": draw(hours),
        "mttr_hours_target": draw(hours),
        "capex": draw(money),
        "opex_per_year": draw(st.floats(0, 1e6)),
        "cost_per_incident": draw(st.floats(0, 1e5)),
        "years": draw(st.integers(1, 30)),
        "discount_rate": draw(st.floats(0, 0.5)),
    }


@st.composite
def conventional(draw: st.DrawFn) -> dict:
    """An investment that improves things and earns its cost back: an outflow, then inflows."""
    x = draw(inputs())
    x["mtbf_hours_target"] = x["mtbf_hours_now"] * draw(st.floats(1.0, 100.0))
    x["mttr_hours_target"] = x["mttr_hours_now"] / draw(st.floats(1.0, 100.0))
    x["cost_per_hour"] = draw(st.floats(1.0, 1e6))
    savings = roi(**{**x, "capex": 0.0, "opex_per_year": 0.0}).annual_savings
    assume(savings > 1e-6)
    x["opex_per_year"] = savings * draw(st.floats(0.0, 0.9))
    x["capex"] = (savings - x["opex_per_year"]) * x["years"] * draw(st.floats(0.01, 2.0))
    return x


class TestProperties:
    @given(conventional(), st.floats(0, 0.5), st.floats(0, 0.5))
    def test_npv_falls_as_the_discount_rate_rises(self, x: dict, r1: float, r2: float) -> None:
        low, high = sorted((r1, r2))
        a, b = roi(**{**x, "discount_rate": low}), roi(**{**x, "discount_rate": high})
        assert a.net_annual_benefit > 0 and a.cash_flows[0] < 0
        assert b.npv <= a.npv + 1e-9 * max(1.0, abs(a.npv))

    @given(inputs(), st.floats(1.0, 100.0))
    def test_savings_grow_with_the_target_mtbf(self, x: dict, factor: float) -> None:
        a = roi(**x)
        b = roi(**{**x, "mtbf_hours_target": x["mtbf_hours_target"] * factor})
        assert b.annual_savings >= a.annual_savings - 1e-9 * max(1.0, abs(a.annual_cost_now))

    @given(inputs(), st.floats(1.0, 100.0))
    def test_savings_fall_with_the_target_mttr(self, x: dict, factor: float) -> None:
        # cost a year H (R c + k) / (B + R) grows with R when c B >= k: a longer repair also
        # means fewer failures a year, which matters when the cost is mostly per incident
        assume(x["cost_per_hour"] * x["mtbf_hours_target"] >= x["cost_per_incident"])
        a = roi(**x)
        b = roi(**{**x, "mttr_hours_target": x["mttr_hours_target"] * factor})
        assert b.annual_savings <= a.annual_savings + 1e-9 * max(1.0, abs(a.annual_cost_now))

    @given(inputs())
    def test_everything_is_finite_and_consistent(self, x: dict) -> None:
        r = roi(**x)
        for value in (r.npv, r.annual_savings, r.tco, r.availability_now):
            assert math.isfinite(value)
        assert 0 < r.availability_now < 1 and 0 < r.availability_target < 1
        assert r.payback_years is None or r.payback_years >= 0
        assert r.discounted_payback_years is None or r.discounted_payback_years >= 0
        assert_allclose(r.table()["present_value"].sum(), r.npv, rtol=1e-9, atol=1e-6)
        # H (1 - A), with 1 - A computed directly as MTTR / (MTBF + MTTR)
        unavailability = x["mttr_hours_now"] / (x["mtbf_hours_now"] + x["mttr_hours_now"])
        assert_allclose(r.downtime_hours_per_year_now, 8760 * unavailability, rtol=1e-12)

    @given(conventional())
    def test_npv_is_zero_at_the_irr(self, x: dict) -> None:
        r = roi(**x)
        assert r.irr is not None, r.reasons
        flows = np.array(r.cash_flows)
        terms = flows / (1 + r.irr) ** np.arange(len(flows))
        assert abs(terms.sum()) <= 1e-7 * np.abs(terms).sum()
        assert (r.irr > x["discount_rate"]) == (r.npv > 0) or abs(r.npv) < 1e-6 * x["capex"]

    @given(conventional(), st.floats(0.01, 0.99))
    def test_discounted_payback_is_never_sooner(self, x: dict, share: float) -> None:
        # a capex the discounted benefits repay within the horizon
        free = roi(**{**x, "capex": 0.0})
        x = {**x, "capex": share * free.npv}
        r = roi(**x)
        assert r.discounted_payback_years is not None and r.payback_years is not None
        assert r.discounted_payback_years >= r.payback_years - 1e-9
        undiscounted = roi(**{**x, "discount_rate": 0})
        if undiscounted.payback_within_horizon:
            assert_allclose(
                undiscounted.discounted_payback_years, undiscounted.payback_years, rtol=1e-9
            )

    @given(inputs())
    def test_roi_matches_its_definition(self, x: dict) -> None:
        r = roi(**x)
        assume(r.roi is not None)
        n = x["years"]
        assert_allclose(r.roi * r.tco, n * r.annual_savings - r.tco, rtol=1e-9, atol=1e-6)

    @given(inputs())
    def test_explanations_recompute(self, x: dict) -> None:
        r = roi(**x)
        for key, e in r.explain().items():
            if e.expression and e.value is not None:
                assert_allclose(
                    e.recompute(), e.value, rtol=1e-7, atol=1e-6 * (1 + x["capex"]), err_msg=key
                )
