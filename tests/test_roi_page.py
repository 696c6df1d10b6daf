"""The ROI page in AppTest: defaults, main interactions, import, hand-off and bad input."""

from __future__ import annotations

import json

import pytest

import ftmath
import ui
from ftmath import roi_report
from tests.apptest import messages, metric_values, open_page

PAGE = "pages/roi.py"
WORKED = dict(
    cost_per_hour=10_000.0,
    mtbf_hours_now=500.0,
    mttr_hours_now=4.0,
    mtbf_hours_target=2000.0,
    mttr_hours_target=2.0,
    capex=150_000.0,
    opex_per_year=20_000.0,
    years=3,
    discount_rate=0.08,
)


@pytest.fixture(scope="module")
def at():  # type: ignore[no-untyped-def]
    return open_page(PAGE)


def fresh():  # type: ignore[no-untyped-def]
    return open_page(PAGE)


def test_defaults_show_the_worked_example(at) -> None:  # type: ignore[no-untyped-def]
    assert not at.exception
    assert messages(at, "error") == [] and messages(at, "warning") == []
    shown = metric_values(at)
    assert shown["NPV"] == "$1,364,626"
    assert shown["Payback"] == "3.1 months"  # 0.255221 years
    assert shown["ROI over 3 years"] == "768.2 %"
    assert shown["IRR"] == "388.5 %"
    assert shown["Discounted payback"] == "3.3 months"
    assert shown["Annual savings (before opex)"] == "$607,726"
    assert shown["Availability (today 99.206 %)"] == "99.9001 %"
    assert len(at.get("plotly_chart")) == 3


def test_probability_matches_the_library(at) -> None:  # type: ignore[no-untyped-def]
    scenario = at.session_state  # the page's own settings
    sim = ftmath.simulate_roi(
        {**WORKED, "hours_per_year": 8760.0},
        uncertain={
            "cost_per_hour": (1_000.0, 10_000.0, 20_000.0),
            "mtbf_hours_now": (300.0, 500.0, 1_500.0),
            "mtbf_hours_target": (600.0, 2_000.0, 3_000.0),
            "mttr_hours_target": (1.0, 2.0, 4.0),
            "capex": (120_000.0, 150_000.0, 400_000.0),
        },
        draws=scenario["roi.draws"],
        seed=scenario["roi.seed"],
    )
    assert 0.5 < sim.probability_positive < 0.99  # the example is not a sure thing
    assert metric_values(at)["P(NPV > 0)"] == f"{sim.probability_positive * 100:.1f} %"
    assert metric_values(at)["P50 (median)"] == ui.fmt_money(sim.p50)


def test_changing_the_cost_per_hour() -> None:
    at = fresh()
    at.number_input(key="roi.cost_per_hour").set_value(2_000.0).run()
    expected = ftmath.roi(**{**WORKED, "cost_per_hour": 2_000.0}).npv
    assert metric_values(at)["NPV"] == ui.fmt_money(expected)
    assert not at.exception


def test_a_worse_target_warns_and_says_why_there_is_no_payback() -> None:
    at = fresh()
    at.number_input(key="roi.mtbf_target").set_value(200.0).run()
    warnings = messages(at, "warning")
    assert any("shorter than today's" in w for w in warnings)
    assert any("savings are negative" in w for w in warnings)
    # the example's range is a band around the value: it follows to 200 (no range to leave)
    assert not any("outside its range" in w for w in warnings)
    shown = metric_values(at)
    # "n/a" in the metric (a long reason was cut off there); the reason underneath it
    assert shown["Payback"] == "n/a" and shown["IRR"] == "n/a"
    captions = [c.value for c in at.caption]
    assert any(c.startswith("n/a — the yearly net benefit") for c in captions), captions
    assert shown["NPV"].startswith("−$")
    assert messages(at, "error") == []


def test_no_capex() -> None:
    at = fresh()
    at.number_input(key="roi.capex").set_value(0.0).run()
    shown = metric_values(at)
    assert shown["Payback"] == "immediately"
    assert shown["IRR"] == "n/a"
    reason = "n/a — there is no up-front cost, so no rate makes the NPV zero"
    assert reason in [c.value for c in at.caption]
    assert next(m for m in at.metric if m.label == "IRR").help == reason
    assert not at.exception


def test_bad_uncertainty_keeps_the_rest_of_the_page() -> None:
    at = fresh()
    # the cost per hour's low above its likely value (10,000)
    at.session_state["roi.uncertainty_editor.0"] = {
        "edited_rows": {0: {"low": 50_000.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    errors = messages(at, "error")
    assert len(errors) == 1 and errors[0].startswith("Uncertainty: ")
    assert "low <= likely <= high" in errors[0]
    assert metric_values(at)["NPV"] == "$1,364,626"
    assert not at.exception


def test_a_missing_high_is_named() -> None:
    at = fresh()
    at.session_state["roi.uncertainty_editor.0"] = {
        "edited_rows": {7: {"vary": True, "high": None}},  # opex: ticked, its high cleared
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    errors = messages(at, "error")
    assert errors and "give a low and a high for operating cost per year" in errors[0]
    assert metric_values(at)["NPV"] == "$1,364,626"


def test_import_restores_the_page() -> None:
    at = fresh()
    scenario = ftmath.RoiScenario(
        {**WORKED, "capex": 300_000.0, "years": 5, "discount_rate": 0.1},
        uncertain={"capex": (250_000.0, 300_000.0, 500_000.0)},
        name="Imported case",
        currency="€",
        draws=10_000,
        seed=99,
    )
    data = roi_report.roi_json(ftmath.analyse_roi(scenario))
    at.file_uploader(key="roi.import").set_value(("case.json", data, "application/json")).run()
    assert not at.exception
    assert at.number_input(key="roi.capex").value == 300_000.0
    assert at.number_input(key="roi.years").value == 5
    assert at.number_input(key="roi.discount_pct").value == pytest.approx(10.0)
    assert at.text_input(key="roi.name").value == "Imported case"
    assert at.session_state["roi.seed"] == 99 and at.session_state["roi.draws"] == 10_000
    expected = ftmath.roi(**{**WORKED, "capex": 300_000.0, "years": 5, "discount_rate": 0.1})
    assert metric_values(at)["NPV"] == ui.fmt_money(expected.npv, "€")
    assert "Imported case.json" in " ".join(messages(at, "info")) or any(
        "Imported case.json" in m for m in messages(at, "info")
    )


def test_an_import_with_draws_the_page_does_not_offer_says_so() -> None:
    """A breaker review imported 7 draws: it silently became 100,000."""
    at = fresh()
    scenario = ftmath.RoiScenario(dict(WORKED), name="Seven", draws=7)
    data = roi_report.roi_json(ftmath.analyse_roi(scenario))
    at.file_uploader(key="roi.import").set_value(("seven.json", data, "application/json")).run()
    assert not at.exception
    info = " ".join(messages(at, "info"))
    assert "Imported seven.json." in info and "asks for 7 Monte Carlo draws" in info
    assert at.session_state["roi.draws"] == 100_000


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01binary\xff\xfe", "not UTF-8 or UTF-16"),
        (b'{"inputs": ', "not valid JSON"),
        (json.dumps({"inputs": {"capex": 1}}).encode(), "`cost_per_hour` is missing"),
        ('{"inputs": 1}'.encode("utf-16"), "`inputs` must be an object"),
        # the reviewer's roi_deep2.json: 1,500 nested lists blanked the page (RecursionError)
        (b'{"inputs":' + b"[" * 1500 + b"]" * 1500 + b"}", "nested too deeply"),
        # a breaker review: the message named the library's `uncertain`, not the file's key
        (
            json.dumps({"inputs": WORKED, "uncertainty": {"capex": "abc"}}).encode(),
            "`uncertainty.capex` must be three numbers",
        ),
    ],
)
def test_a_bad_import_says_why_and_loses_nothing(data: bytes, message: str) -> None:
    at = fresh()
    at.number_input(key="roi.capex").set_value(123_456.0).run()
    at.file_uploader(key="roi.import").set_value(("bad.json", data, "application/json")).run()
    errors = messages(at, "error")
    assert errors and errors[0].startswith("bad.json was not imported: ")
    assert message in errors[0]
    assert at.number_input(key="roi.capex").value == 123_456.0
    assert "NPV" in metric_values(at)
    assert not at.exception


def test_figures_from_another_page() -> None:
    at = fresh()
    at.session_state[ui.HANDOFF_KEY] = {
        "LANL system 20 (measured)": {
            "mtbf_hours": 180.5,
            "mttr_hours": 3.25,
            "source": "Incidents & SLO",
        },
        "Checkout, 3 replicas": {"availability": 0.99995, "source": "Topology"},
    }
    at.run()
    at.selectbox(key="roi.from_now").set_value("LANL system 20 (measured)").run()
    at.button(key="roi.use_now").click().run()
    assert at.number_input(key="roi.mtbf_now").value == 180.5
    assert at.number_input(key="roi.mttr_now").value == 3.25
    # an availability alone is paired with the MTTR already on the page (2 h)
    at.selectbox(key="roi.from_target").set_value("Checkout, 3 replicas").run()
    at.button(key="roi.use_target").click().run()
    assert at.number_input(key="roi.mtbf_target").value == pytest.approx(2 * 0.99995 / 0.00005)
    assert at.number_input(key="roi.mttr_target").value == 2.0
    assert not at.exception and messages(at, "error") == []
    # the example's ranges are bands around the values: they follow the measured figures
    assert not any("outside its range" in w for w in messages(at, "warning"))


def test_the_downtime_cost_builder() -> None:
    at = fresh()
    at.number_input(key="roi.dc.revenue").set_value(20_000.0)
    at.number_input(key="roi.dc.share").set_value(40.0)
    at.number_input(key="roi.dc.staff").set_value(25.0)
    at.number_input(key="roi.dc.rate").set_value(80.0)
    at.number_input(key="roi.dc.penalty").set_value(500.0).run()
    assert metric_values(at)["Cost of an hour of downtime"] == "$10,500"
    at.button(key="roi.dc.use").click().run()
    assert at.number_input(key="roi.cost_per_hour").value == 10_500.0
    expected = ftmath.roi(**{**WORKED, "cost_per_hour": 10_500.0}).npv
    assert metric_values(at)["NPV"] == ui.fmt_money(expected)


def test_the_references_are_shown_but_not_used(at) -> None:  # type: ignore[no-untyped-def]
    tables = [d.value for d in at.dataframe]
    refs = next(t for t in tables if "source" in t.columns)
    assert "Gartner" in " ".join(refs["source"]) and "ITIC" in " ".join(refs["source"])
    assert at.number_input(key="roi.dc.revenue").value == 0.0  # no silent default


def test_reset_to_the_example() -> None:
    at = fresh()
    at.number_input(key="roi.capex").set_value(1.0).run()
    at.button(key="roi.reset").click().run()
    assert at.number_input(key="roi.capex").value == 150_000.0
    assert metric_values(at)["NPV"] == "$1,364,626"


# --- the reviewer's findings ----------------------------------------------------------------


def test_downloads_hand_over_bytes_not_a_deferred_callable(at) -> None:  # type: ignore[no-untyped-def]
    # A callable becomes a deferred file that expires across reruns: the XLSX once downloaded
    # nothing ("MediaFileStorageError: Deferred file ... not found").
    buttons = {b.proto.label: b.proto for b in at.download_button}
    assert set(buttons) == {
        "Cash flows (CSV)",
        "Case (JSON)",
        "Summary (Markdown)",
        "Workbook (XLSX)",
        "Report (HTML)",
    }
    for proto in buttons.values():
        assert proto.url and not proto.HasField("deferred_file_id")
    assert buttons["Workbook (XLSX)"].url.endswith(".xlsx")


def test_break_even_includes_todays_mtbf_and_mttr(at) -> None:  # type: ignore[no-untyped-def]
    table = next(d.value for d in at.dataframe if "break-even" in d.value.columns)
    rows = dict(zip(table["input"], table["break-even"], strict=True))
    # The two widest tornado bars; closed forms in tests/test_roi.py.
    assert rows["MTBF today (h)"] == "2,110.44"
    assert rows["MTTR today (h)"] == "0.948"
    assert rows["Cost of an hour of downtime"] == "1,286.85"


def test_a_break_even_that_does_not_exist_says_why() -> None:
    at = fresh()
    at.number_input(key="roi.capex").set_value(1e12).run()
    table = next(d.value for d in at.dataframe if "break-even" in d.value.columns)
    rows = dict(zip(table["input"], table["break-even"], strict=True))
    assert rows["MTTR today (h)"] == "n/a"
    # The reason is a sentence under the table, where a narrow column cannot cut it off.
    (reasons,) = [c.value for c in at.caption if "**MTTR today (h)**: n/a — " in c.value]
    assert "the NPV stays negative for every MTTR today (h)" in reasons
    assert "from 1e-06 to 1e+12" in reasons


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("roi.mtbf_now", 0.0, "**MTBF today (h)** must be > 0"),
        ("roi.capex", 1e300, "**Up-front cost (capex)** must be at most 1e+15, got 1e+300"),
        ("roi.years", 0, "**Horizon (years)** must be a whole number from 1 to 100"),
        # in the field's unit, % a year (it said "a fraction ... (0.08 for 8 %), got -1")
        (
            "roi.discount_pct",
            -100.0,
            "**Discount rate (% a year)** must be from −50 % to 1,000 % a year, got −100 %",
        ),
        ("roi.discount_pct", 1e300, "**Discount rate (% a year)** must be from −50 % to 1,000 %"),
    ],
)
def test_an_out_of_range_input_is_explained_not_silently_ignored(
    key: str, value: float, message: str
) -> None:
    # The widgets' own min / max kept the typed text with a red "!" while the results quietly
    # used the old value. Now ftmath validates: its message, with the page's labels.
    at = fresh()
    at.number_input(key=key).set_value(value).run()
    assert not at.exception
    errors = messages(at, "error")
    assert len(errors) == 1 and errors[0].startswith(message), errors
    # no silent figure from an old value: the last good case stays only under a warning
    # that says so, and nothing of it is exported
    assert any("Showing the last case that could be computed" in w for w in messages(at, "warning"))
    assert not [b for b in at.get("download_button")]
    assert at.number_input(key=key).value == value  # what was typed stays
    at.button(key="roi.reset").click().run()
    assert metric_values(at)["NPV"] == "$1,364,626" and messages(at, "error") == []


def test_one_year_is_singular() -> None:
    at = fresh()
    at.number_input(key="roi.years").set_value(1).run()
    assert "ROI over 1 year" in metric_values(at)


# The example's ranges as bands around its values (low / value, high / value).
EXAMPLE_BANDS = {
    "cost_per_hour": (0.1, 2.0),
    "mtbf_hours_now": (0.6, 3.0),
    "mtbf_hours_target": (0.3, 1.5),
    "mttr_hours_target": (0.5, 2.0),
    "capex": (0.8, 400_000 / 150_000),
}
REVIEWED = {**WORKED, "cost_per_hour": 2_500.0, "capex": 400_000.0, "opex_per_year": 60_000.0}


def simulated(at, inputs: dict, bands: dict) -> ftmath.RoiSimulation:  # type: ignore[no-untyped-def]
    return ftmath.simulate_roi(
        {**inputs, "hours_per_year": 8760.0},
        uncertain={k: (inputs[k] * lo, inputs[k], inputs[k] * hi) for k, (lo, hi) in bands.items()},
        draws=at.session_state["roi.draws"],
        seed=at.session_state["roi.seed"],
    )


def set_reviewed_values(at) -> None:  # type: ignore[no-untyped-def]
    at.number_input(key="roi.cost_per_hour").set_value(2_500.0).run()
    at.number_input(key="roi.capex").set_value(400_000.0).run()
    at.number_input(key="roi.opex").set_value(60_000.0).run()


def test_the_ranges_follow_the_values() -> None:
    # The reviewer's case: NPV -163,084 but P(NPV > 0) 61.2 % and a median of +145,894,
    # because the ranges stayed at 1,000-20,000 an hour and 120,000-400,000 of capex.
    at = fresh()
    set_reviewed_values(at)
    assert not at.exception and messages(at, "error") == []
    expected = simulated(at, REVIEWED, EXAMPLE_BANDS)
    shown = metric_values(at)
    assert shown["NPV"] == "−$163,084"
    assert shown["P(NPV > 0)"] == f"{expected.probability_positive * 100:.1f} %"
    assert shown["P50 (median)"] == ui.fmt_money(expected.p50)
    assert expected.p50 < 0  # the same side of zero as the NPV
    table = at.session_state["roi.uncertainty"]
    assert table["cost_per_hour"]["band"] == pytest.approx((0.1, 2.0))


def test_symmetric_ranges_keep_the_median_on_the_side_of_the_npv() -> None:
    at = fresh()
    bands = {"cost_per_hour": (0.5, 1.5), "capex": (0.5, 1.5), "mtbf_hours_now": (0.8, 1.2)}
    scenario = ftmath.RoiScenario(
        WORKED, uncertain={k: (WORKED[k] * lo, WORKED[k], WORKED[k] * hi)
                           for k, (lo, hi) in bands.items()}, draws=20_000
    )  # fmt: skip
    data = roi_report.roi_json(ftmath.analyse_roi(scenario))
    at.file_uploader(key="roi.import").set_value(("sym.json", data, "application/json")).run()
    for inputs in (REVIEWED, {**WORKED, "capex": 400_000.0}):
        at.number_input(key="roi.cost_per_hour").set_value(inputs["cost_per_hour"]).run()
        at.number_input(key="roi.capex").set_value(inputs["capex"]).run()
        at.number_input(key="roi.opex").set_value(inputs["opex_per_year"]).run()
        npv = ftmath.roi(**inputs).npv
        expected = simulated(at, inputs, bands)
        assert metric_values(at)["P50 (median)"] == ui.fmt_money(expected.p50)
        assert (expected.p50 > 0) == (npv > 0), (inputs, npv, expected.p50)
    assert not at.exception and messages(at, "warning") == []


def test_a_typed_range_stays_and_a_value_outside_it_is_said() -> None:
    at = fresh()
    # the cost of an hour: typed 5,000 to 15,000 (row 0); the capex's band keeps following
    at.session_state["roi.uncertainty_editor.0"] = {
        "edited_rows": {0: {"low": 5_000.0, "high": 15_000.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert messages(at, "warning") == []
    at.number_input(key="roi.cost_per_hour").set_value(2_500.0).run()
    at.number_input(key="roi.capex").set_value(400_000.0).run()
    state = at.session_state["roi.uncertainty"]
    assert state["cost_per_hour"]["band"] is None
    assert (state["cost_per_hour"]["low"], state["cost_per_hour"]["high"]) == (5_000.0, 15_000.0)
    assert state["capex"]["band"] == pytest.approx((0.8, 400_000 / 150_000))
    warnings = messages(at, "warning")
    assert any(
        "Cost of an hour of downtime: 2,500 is outside its range 5,000 to 15,000" in w
        for w in warnings
    ), warnings
    assert not at.exception


def test_the_discount_rate_range_is_in_percent() -> None:
    at = fresh()
    at.session_state["roi.uncertainty_editor.0"] = {
        "edited_rows": {8: {"vary": True, "low": 5.0, "high": 11.0}},  # % a year
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    state = at.session_state["roi.uncertainty"]["discount_rate"]
    assert state["low"] == pytest.approx(0.05) and state["high"] == pytest.approx(0.11)
    assert messages(at, "error") == [] and messages(at, "warning") == []


def test_the_cash_flow_table_is_in_whole_units(at) -> None:  # type: ignore[no-untyped-def]
    # "-150,000" next to "587,725.61", and the last column cut off at 1,400 px.
    frame = next(d for d in at.dataframe if "cash_flow" in d.value.columns)
    money = frame.value[["cash_flow", "present_value", "cumulative_present_value"]]
    assert (money == money.round(0)).all().all()
    assert list(money["cash_flow"]) == [-150_000, 587_726, 587_726, 587_726]
    config = json.loads(frame.proto.columns)
    assert config["cash_flow"]["label"] == "Cash flow ($)"
    assert config["cumulative_present_value"]["label"] == "Cumulative PV"
    assert all(
        config[c]["type_config"]["format"] == "localized" for c in money.columns
    )  # thousands separators, no decimals for whole numbers


def test_one_minus_sign_in_the_figures() -> None:
    # "−$163,084" next to "-21.4 %" and "-16.5 %": the typographic minus throughout.
    at = fresh()
    set_reviewed_values(at)
    at.number_input(key="roi.discount_pct").set_value(-5.0).run()
    shown = metric_values(at)
    assert shown["ROI over 3 years"] == "−21.4 %" and shown["IRR"] == "−16.5 %"
    assert shown["NPV"].startswith("−$")
    for label, value in shown.items():
        assert "-" not in value, (label, value)
    captions = " ".join(c.value for c in at.caption)
    assert "discounted at −5.00%" in captions and "(1 + −0.05)^−year" in captions
    assert not at.exception
