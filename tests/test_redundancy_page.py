"""AppTest of the Redundancy page: defaults, main interactions, bad input, hand-off."""

from __future__ import annotations

import math

import pytest

import ftmath
import ui
from tests.apptest import messages, metric_values, open_page

PAGE = "pages/redundancy.py"


@pytest.fixture
def at():  # type: ignore[no-untyped-def]
    return open_page(PAGE)


def help_of(at, label: str) -> str:  # type: ignore[no-untyped-def]
    return next(m.help for m in at.metric if m.label == label)


def table(at) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    frame = at.dataframe[0].value  # the comparison (the chain's states come later)
    return list(zip(frame["configuration"], frame["repair"], strict=True))


def test_defaults_show_a_database_group_with_one_on_call_engineer(at) -> None:  # type: ignore[no-untyped-def]
    assert not at.exception
    assert not messages(at, "error")
    expected = ftmath.repairable(1, 3, 7400.0, 3.3, switch_reliability=0.99, failover_hours=0.5)
    values = metric_values(at)
    assert values["Availability"] == ui.fmt_percent(
        expected.availability, unreliability=expected.unavailability
    )
    assert values["MTTF"] == ui.fmt_duration(expected.mttf_hours)
    assert values["Nines"] == f"{expected.nines:.2f}"
    assert values["No outage in 8,760 h"] == ui.fmt_probability(
        expected.reliability(8760.0), unreliability=expected.unreliability(8760.0)
    )
    assert ("Active 1-of-3", "1 crew") in table(at)
    assert ("Cold standby 1 + 2 spares", "none") in table(at)
    assert at.selectbox(key="redundancy.config").value == "active"
    assert at.button_group(key="redundancy.repair").value == "Repaired"
    assert any(m.value.startswith("**Active 1-of-3, repaired by 1 crew**") for m in at.markdown)


def test_the_naive_figure_is_shown_next_to_the_real_one(at) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(m.value for m in at.markdown)
    assert "Why 3 active units do not last 3 times as long" in text
    assert "13,566.67 h" in text  # 7400 (1 + 1/2 + 1/3), with a perfect fail-over
    assert "**13,382.41 h**" in text  # with this fail-over, as in the table
    assert "22,200.00 h" in text  # the naive 3 x 7400


def cold_sentence(at) -> str:  # type: ignore[no-untyped-def]
    return next(m.value for m in at.markdown if "cold spare" in m.value)


@pytest.mark.parametrize(
    ("k", "n", "crews", "switch", "expected"),
    [
        (
            1,
            3,
            1,
            0.99,
            "Only one unit in service with 2 cold spares and a perfect switch reaches "
            "3 × MTBF = 22,200.00 h; with this fail-over (0.99) *Cold standby 1 + 2 spares* "
            "lasts 21,978.74 h without repair.",
        ),
        (
            2,
            3,
            2,
            0.99,
            # Review finding: this began "with this fail-over (0.99) ..." mid-sentence.
            "Only 2 units in service with 1 cold spare and a perfect switch reach "
            "2 × MTBF/2 = 7,400.00 h; with this fail-over (0.99) *Cold standby 2 + 1 spare* "
            "lasts 7,363.00 h without repair.",
        ),
        (
            3,
            5,
            1,
            1.0,
            "Only 3 units in service with 2 cold spares and a perfect switch reach "
            "3 × MTBF/3 = 7,400.00 h without repair (*Cold standby 3 + 2 spares*).",
        ),
    ],
)
def test_the_cold_standby_sentence_is_whole_for_every_k(  # type: ignore[no-untyped-def]
    at, k, n, crews, switch, expected
) -> None:
    at.number_input(key="redundancy.n").set_value(n)
    at.number_input(key="redundancy.k").set_value(k)
    at.number_input(key="redundancy.switch").set_value(switch)
    at.number_input(key="redundancy.crews").set_value(crews).run()
    assert not at.exception
    sentence = cold_sentence(at)
    assert sentence.startswith(expected)
    assert sentence.endswith("which the table shows.")


def test_changing_n_changes_the_table_and_the_numbers(at) -> None:  # type: ignore[no-untyped-def]
    before = metric_values(at)["Availability"]
    at.number_input(key="redundancy.n").set_value(2).run()
    assert not at.exception
    assert ("Active 1-of-2", "1 crew") in table(at)
    assert ("Active 1-of-3", "1 crew") not in table(at)
    expected = ftmath.repairable(1, 2, 7400.0, 3.3, switch_reliability=0.99, failover_hours=0.5)
    assert metric_values(at)["Availability"] == ui.fmt_percent(
        expected.availability, unreliability=expected.unavailability
    )
    assert metric_values(at)["Availability"] != before


def test_k_of_n_and_more_crews(at) -> None:  # type: ignore[no-untyped-def]
    at.number_input(key="redundancy.n").set_value(5)
    at.number_input(key="redundancy.k").set_value(3)
    at.number_input(key="redundancy.crews").set_value(2).run()
    assert not at.exception
    rows = table(at)
    assert ("Active 3-of-5", "2 crews") in rows
    assert ("Warm standby 3 + 2 spares", "2 crews") in rows


def test_no_repair_configuration_says_why_availability_is_not_shown(at) -> None:  # type: ignore[no-untyped-def]
    at.button_group(key="redundancy.repair").set_value("No repair").run()
    values = metric_values(at)
    assert values["Availability"] == "n/a"
    assert "no repair" in help_of(at, "Availability")
    no_repair = ftmath.redundant_group(1, 3, 7400.0, switch_reliability=0.99)
    assert values["MTTF"] == ui.fmt_duration(no_repair.mttf_hours)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("redundancy.k", 4, "Must work (k) must be between 1 and n = 3, got 4"),
        ("redundancy.mttr", 0.0, "MTTR (h) must be > 0"),
        ("redundancy.mtbf", 0.0, "MTBF (h) must be > 0"),
        ("redundancy.failover", 0.0, "Manual fail-over time (h) must be > 0"),
    ],
)
def test_bad_input_gets_a_message_and_keeps_the_inputs(at, key, value, message) -> None:  # type: ignore[no-untyped-def]
    at.number_input(key=key).set_value(value).run()
    assert not at.exception
    errors = messages(at, "error")
    assert any(message in e for e in errors), errors
    assert at.number_input(key="redundancy.n").value == 3  # the other inputs stay
    # The last good result stays on screen, said to be the last good one, and is not sent.
    assert any(
        "Showing the last result that could be computed" in w for w in messages(at, "warning")
    )
    assert "Availability" in metric_values(at)
    assert at.button(key="redundancy.send").disabled
    # Correcting the input brings the results back.
    default = {"redundancy.k": 1, "redundancy.mttr": 3.3, "redundancy.mtbf": 7400.0}
    at.number_input(key=key).set_value(default.get(key, 0.5)).run()
    assert not messages(at, "error")
    assert not any("last result" in w for w in messages(at, "warning"))
    assert "Availability" in metric_values(at)


def test_rates_instead_of_mtbf_and_mttr(at) -> None:  # type: ignore[no-untyped-def]
    at.button_group(key="redundancy.given_as").set_value("Rates").run()
    assert not at.exception
    at.number_input(key="redundancy.failure_rate").set_value(2.0)  # per year
    at.number_input(key="redundancy.repair_rate").set_value(6.0).run()  # per day
    assert not at.exception
    expected = ftmath.repairable(1, 3, 4380.0, 4.0, switch_reliability=0.99, failover_hours=0.5)
    assert metric_values(at)["Availability"] == ui.fmt_percent(
        expected.availability, unreliability=expected.unavailability
    )
    at.number_input(key="redundancy.failure_rate").set_value(0.0).run()
    assert any("Failure rate λ must be > 0, got 0" in e for e in messages(at, "error"))
    assert not at.exception


def test_log_scale_and_mission_time(at) -> None:  # type: ignore[no-untyped-def]
    at.button_group(key="redundancy.scale").set_value("1 − R(t), log scale").run()
    assert not at.exception
    at.number_input(key="redundancy.mission").set_value(1000.0).run()
    assert "No outage in 1,000 h" in metric_values(at)
    at.number_input(key="redundancy.mission").set_value(0.0).run()
    assert not at.exception
    assert metric_values(at)["No outage in 0 h"] == "1"
    assert "cannot fail in this model" in help_of(at, "No outage in 0 h")


def test_explanations_are_on_the_page(at) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(m.value for m in at.markdown)
    assert "**Mean time to failure of the group**" in text
    assert "**Steady-state availability**" in text
    assert "Rausand" in text


def test_send_the_group_to_topology(at) -> None:  # type: ignore[no-untyped-def]
    at.text_input(key="redundancy.send_name").set_value("db-cluster")
    at.button(key="redundancy.send").click().run()
    assert not at.exception
    sent = at.session_state[ui.HANDOFF_KEY]["db-cluster"]
    expected = ftmath.repairable(1, 3, 7400.0, 3.3, switch_reliability=0.99, failover_hours=0.5)
    assert math.isclose(sent["unavailability"], expected.unavailability, rel_tol=1e-12)
    assert sent["source"].startswith("Redundancy page")
    at.switch_page("pages/topology.py").run()
    assert not at.exception
    assert any("**db-cluster**" in m.value for m in at.markdown)


def test_send_as_a_k_of_n_block(at) -> None:  # type: ignore[no-untyped-def]
    assert at.radio(key="redundancy.send_how").options == [
        "One component with this group's availability",
        "A 1-of-3 block",
    ]
    at.radio(key="redundancy.send_how").set_value("block")
    at.button(key="redundancy.send").click().run()
    sent = at.session_state[ui.HANDOFF_KEY]["db-group"]
    assert sent["block"] == {"k": 1, "n": 3}
    assert (sent["mtbf_hours"], sent["mttr_hours"]) == (7400.0, 3.3)
    at.switch_page("pages/topology.py").run()
    at.button(key="topology.add_offered.db-group").click().run()
    assert not at.exception
    assert not messages(at, "error")
    document = at.session_state["topology.good"]
    assert document["components"]["db-group"]["mtbf_hours"] == 7400.0
    assert {"parallel": {"n": 3, "of": "db-group"}} in document["system"]["series"]


def test_one_unit_and_too_many_spares(at) -> None:  # type: ignore[no-untyped-def]
    at.number_input(key="redundancy.n").set_value(1).run()
    assert not at.exception
    assert table(at) == [("Single unit", "none"), ("Single unit", "1 crew")]
    at.number_input(key="redundancy.n").set_value(500).run()
    assert not at.exception
    assert any("beyond this Markov model" in e for e in messages(at, "error"))
    at.number_input(key="redundancy.k").set_value(450).run()
    assert not messages(at, "error")
    assert ("Active 450-of-500", "1 crew") in table(at)


def test_huge_values_say_what_cannot_be_shown(at) -> None:  # type: ignore[no-untyped-def]
    at.number_input(key="redundancy.switch").set_value(1.0)
    at.number_input(key="redundancy.mtbf").set_value(1e12)
    at.number_input(key="redundancy.mttr").set_value(1e-6)
    at.number_input(key="redundancy.n").set_value(40).run()
    assert not at.exception
    values = metric_values(at)
    # Short values that fit the metric; the reason is in the metric's help.
    assert values["Availability"] == "n/a"
    assert "unavailability below 1e-308, beyond double precision" in help_of(at, "Availability")
    assert values["MTTF"] == "n/a"
    assert "beyond 1e308 h" in help_of(at, "MTTF")
    assert values["No outage in 8,760 h"] == "1"
    assert "cannot fail in this model" in help_of(at, "No outage in 8,760 h")
    assert all(len(v) <= 16 for v in values.values()), values
    at.number_input(key="redundancy.mtbf").set_value(1e300).run()
    assert any("MTBF (h) must be between 1e-06 and 1e+12 hours" in e for e in messages(at, "error"))


# --- regressions from the newcomer review ------------------------------------------------------


def open_with(query: dict[str, str]):  # type: ignore[no-untyped-def]
    """The page opened from a shared link with ``query`` in its URL."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP

    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def headline_label(at) -> str:  # type: ignore[no-untyped-def]
    return next(m.value for m in at.markdown if m.value.startswith("**") and "repair" in m.value)


def test_the_headline_follows_k(at) -> None:  # type: ignore[no-untyped-def]
    # Review finding 1: k = 3 left the headline on "Active 1-of-3, repaired by 1 crew".
    at.number_input(key="redundancy.k").set_value(3).run()
    assert not at.exception
    assert headline_label(at).startswith("**Active 3-of-3 (no spare), repaired by 1 crew**")
    expected = ftmath.repairable(3, 3, 7400.0, 3.3)  # needs all 3: no fail-over to make
    values = metric_values(at)
    assert values["MTTF"] == ui.fmt_duration(expected.mttf_hours)
    assert values["Availability"] == ui.fmt_percent(
        expected.availability, unreliability=expected.unavailability
    )
    assert at.radio(key="redundancy.send_how").options[1] == "A 3-of-3 block"
    explained = " ".join(m.value for m in at.markdown)
    assert "Active arrangement, 3-of-3" in explained  # the explanation is of the same group


def test_k_from_a_link_sets_the_headline() -> None:
    # Review finding 1: `?redundancy.k=2` kept Active 1-of-3 (28.2 years, 99.999797 %).
    at = open_with({"redundancy.k": "2"})
    assert headline_label(at).startswith("**Active 2-of-3, repaired by 1 crew**")
    expected = ftmath.repairable(2, 3, 7400.0, 3.3, switch_reliability=0.99, failover_hours=0.5)
    assert metric_values(at)["MTTF"] == ui.fmt_duration(expected.mttf_hours)
    assert metric_values(at)["MTTF"] != "28.2 years"


def test_no_repair_is_not_sent_as_another_configuration(at) -> None:  # type: ignore[no-untyped-def]
    # Review finding 1: "Active 1-of-3, no repair" sent "Warm standby 1 + 2 spares, repaired".
    at.button_group(key="redundancy.repair").set_value("No repair").run()
    assert headline_label(at).startswith("**Active 1-of-3, no repair**")
    assert at.button(key="redundancy.send").disabled
    assert any("Active 1-of-3, no repair cannot be sent" in m for m in messages(at, "info"))
    assert ui.HANDOFF_KEY not in at.session_state or not at.session_state[ui.HANDOFF_KEY]


def test_the_chosen_configuration_is_what_is_sent(at) -> None:  # type: ignore[no-untyped-def]
    at.number_input(key="redundancy.k").set_value(2)
    at.selectbox(key="redundancy.config").set_value("cold").run()
    assert headline_label(at).startswith("**Cold standby 2 + 1 spare, repaired by 1 crew**")
    at.button(key="redundancy.send").click().run()
    sent = at.session_state[ui.HANDOFF_KEY]["db-group"]
    expected = ftmath.repairable(
        2, 3, 7400.0, 3.3, arrangement="standby", switch_reliability=0.99, failover_hours=0.5
    )
    assert math.isclose(sent["unavailability"], expected.unavailability, rel_tol=1e-12)
    assert "Cold standby 2 + 1 spare, repaired by 1 crew" in sent["source"]


def test_a_configuration_that_needs_spares_says_so(at) -> None:  # type: ignore[no-untyped-def]
    at.number_input(key="redundancy.k").set_value(3)
    at.selectbox(key="redundancy.config").set_value("cold").run()
    assert not at.exception
    assert any("set Units (n) above Must work (k)" in m for m in messages(at, "warning"))
    assert headline_label(at).startswith("**Active 3-of-3 (no spare)")


def test_a_link_restores_the_chosen_configuration() -> None:
    # Review finding 2: a link to "Cold standby, repaired" (84.5 years) opened on Active 1-of-3.
    at = open_with(
        {
            "redundancy.mttr": "8",
            "redundancy.config": "Cold standby: k in service, spares off",
            "redundancy.scale": "1 − R(t), log scale",
        }
    )
    assert at.selectbox(key="redundancy.config").value == "cold"
    assert headline_label(at).startswith("**Cold standby 1 + 2 spares, repaired by 1 crew**")
    expected = ftmath.repairable(
        1, 3, 7400.0, 8.0, arrangement="standby", switch_reliability=0.99, failover_hours=0.5
    )
    assert metric_values(at)["MTTF"] == ui.fmt_duration(expected.mttf_hours) == "84.5 years"
    assert at.button_group(key="redundancy.scale").value == "1 − R(t), log scale"
    at = open_with({"redundancy.repair": "No repair"})
    assert headline_label(at).startswith("**Active 1-of-3, no repair**")


def test_the_explanation_uses_the_table_model(at) -> None:  # type: ignore[no-untyped-def]
    # Review finding 3: the text said 13,566.67 h (perfect fail-over), the table 13,382.41 h.
    text = " ".join(m.value for m in at.markdown)
    frame = at.dataframe[0].value
    row = frame[(frame["configuration"] == "Active 1-of-3") & (frame["repair"] == "none")]
    assert f"**{row['MTTF'].item()}**" in text
    cold = frame[
        (frame["configuration"] == "Cold standby 1 + 2 spares") & (frame["repair"] == "none")
    ]
    assert f"lasts {cold['MTTF'].item()} without repair" in text
    at.number_input(key="redundancy.switch").set_value(1.0).run()
    text = " ".join(m.value for m in at.markdown)
    assert "**13,566.67 h**" in text  # with a perfect fail-over the two agree


def test_load_exponent_50_keeps_mttf_and_availability(at) -> None:  # type: ignore[no-untyped-def]
    # Review finding 4: every result was replaced by "ask for times up to 1.031e-16 h".
    at.number_input(key="redundancy.load").set_value(50.0).run()
    assert not at.exception
    assert not messages(at, "error")
    values = metric_values(at)
    assert values["MTTF"] == "28.2 years"  # the chosen group (Active 1-of-3) is unaffected
    assert values["Availability"] == "99.999797 %"
    at.selectbox(key="redundancy.config").set_value("load").run()
    values = metric_values(at)
    group = ftmath.repairable(
        1, 3, 7400.0, 3.3, switch_reliability=0.99, failover_hours=0.5, load_exponent=50.0
    )
    assert values["MTTF"] == ui.fmt_duration(group.mttf_hours)
    assert values["No outage in 8,760 h"] == "n/a"
    warning = " ".join(messages(at, "warning"))
    assert "Load-sharing exponent = 50" in warning
    assert "set Load-sharing exponent to at most" in warning
    assert "ask for times" not in warning


def test_the_mission_follows_the_year_length(at) -> None:  # type: ignore[no-untyped-def]
    # Review finding 5: the mission stayed at 8,760 h with a 365.25-day year.
    captions = [c.value for c in at.caption]
    assert "Default: one year of 365 days (8,760 h), as set in the sidebar." in captions
    at.sidebar.radio(key="sidebar.year").set_value("365.25 days (8,766 h)").run()
    assert at.number_input(key="redundancy.mission").value == 8766.0
    assert "No outage in 8,766 h" in metric_values(at)
    captions = [c.value for c in at.caption]
    assert "Default: one year of 365.25 days (8,766 h), as set in the sidebar." in captions
    # A mission the user typed stays as typed.
    at.number_input(key="redundancy.mission").set_value(1000.0).run()
    at.sidebar.radio(key="sidebar.year").set_value("365 days (8,760 h)").run()
    assert at.number_input(key="redundancy.mission").value == 1000.0


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("redundancy.mtbf", -5.0, "MTBF (h) must be > 0, got -5.0"),
        ("redundancy.n", 0, "Units (n) must be at least 1, got 0"),
        ("redundancy.crews", 0, "Repair crews must be at least 1, got 0"),
        ("redundancy.switch", 1.5, "Fail-over success probability must be a probability"),
        ("redundancy.warm", 150.0, "Warm spare failure rate (% of active) must be a percentage"),
        ("redundancy.load", -1.0, "Load-sharing exponent must be >= 0, got -1.0"),
        ("redundancy.load", 60.0, "Load-sharing exponent must be at most 50, got 60"),
        ("redundancy.mission", -1.0, "Mission time (h) must be >= 0, got -1.0"),
    ],
)
def test_out_of_range_input_is_an_error_not_the_old_value(at, key, value, message) -> None:  # type: ignore[no-untyped-def]
    # Review findings 6 and 7: out-of-range input kept the old results; messages named
    # parameters (`mtbf_hours`) instead of the words on the screen.
    at.number_input(key=key).set_value(value).run()
    assert not at.exception
    assert at.number_input(key=key).value == value  # what was typed is what is checked
    errors = messages(at, "error")
    assert any(message in e for e in errors), errors
    assert not any("`" in e for e in errors), errors
    # no silent stale results: the last good one stays only under a warning that says so
    assert any(
        "Showing the last result that could be computed" in w for w in messages(at, "warning")
    )


def test_a_rate_out_of_range_says_so_in_screen_words(at) -> None:  # type: ignore[no-untyped-def]
    # Review finding 7: "mtbf_hours ... got 8.76e-297" for a failure rate typed by the user.
    at.button_group(key="redundancy.given_as").set_value("Rates").run()
    at.number_input(key="redundancy.failure_rate").set_value(1e300).run()
    assert not at.exception
    (error,) = messages(at, "error")
    assert "Failure rate λ = 1e+300 per year gives an MTBF of 8.76e-297 h" in error
    assert "enter between 8.76e-09 and 8.76e+09 per year" in error
    assert "mtbf_hours" not in error


def test_a_stale_result_follows_the_year_and_is_not_downloaded(at) -> None:  # type: ignore[no-untyped-def]
    # Breaker review: the stale table was still offered as CSV, and a change of year length
    # while an input was bad dropped the last good result.
    at.number_input(key="redundancy.mttr").set_value(-1.0).run()
    assert any("last result" in w for w in messages(at, "warning"))
    assert not at.get("download_button")
    at.sidebar.radio(key="sidebar.year").set_value("365.25 days (8,766 h)").run()
    assert not at.exception
    assert any("last result" in w for w in messages(at, "warning"))
    assert "Availability" in metric_values(at)
    at.number_input(key="redundancy.mttr").set_value(3.3).run()
    assert len(at.get("download_button")) == 1
