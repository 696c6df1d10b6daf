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
    assert at.selectbox(key="redundancy.choice").value == "Active 1-of-3 | 1 crew"


def test_the_naive_figure_is_shown_next_to_the_real_one(at) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(m.value for m in at.markdown)
    assert "Why 3 active units do not last 3 times as long" in text
    assert "13,566.67 h" in text  # 7400 (1 + 1/2 + 1/3)
    assert "22,200.00 h" in text  # the naive 3 x 7400


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
    at.selectbox(key="redundancy.choice").set_value("Active 1-of-3 | none").run()
    values = metric_values(at)
    assert values["Availability"].startswith("n/a — no repair")
    no_repair = ftmath.redundant_group(1, 3, 7400.0, switch_reliability=0.99)
    assert values["MTTF"] == ui.fmt_duration(no_repair.mttf_hours)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("redundancy.k", 4, "`k` must be between 1 and n = 3"),
        ("redundancy.mttr", 0.0, "`mttr_hours` must be > 0"),
        ("redundancy.mtbf", 0.0, "`mtbf_hours` must be > 0"),
        ("redundancy.failover", 0.0, "`failover_hours` must be > 0"),
    ],
)
def test_bad_input_gets_a_message_and_keeps_the_inputs(at, key, value, message) -> None:  # type: ignore[no-untyped-def]
    at.number_input(key=key).set_value(value).run()
    assert not at.exception
    errors = messages(at, "error")
    assert any(message in e for e in errors), errors
    assert at.number_input(key="redundancy.n").value == 3  # the other inputs stay
    # Correcting the input brings the results back.
    default = {"redundancy.k": 1, "redundancy.mttr": 3.3, "redundancy.mtbf": 7400.0}
    at.number_input(key=key).set_value(default.get(key, 0.5)).run()
    assert not messages(at, "error")
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
    assert any("`rate` must be > 0" in e for e in messages(at, "error"))
    assert not at.exception


def test_log_scale_and_mission_time(at) -> None:  # type: ignore[no-untyped-def]
    at.button_group(key="redundancy.scale").set_value("1 − R(t), log scale").run()
    assert not at.exception
    at.number_input(key="redundancy.mission").set_value(1000.0).run()
    assert "No outage in 1,000 h" in metric_values(at)
    at.number_input(key="redundancy.mission").set_value(0.0).run()
    assert not at.exception
    assert metric_values(at)["No outage in 0 h"] == "1 (cannot fail in this model)"


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
    assert any("`db-cluster`" in m.value for m in at.markdown)


def test_send_as_a_k_of_n_block(at) -> None:  # type: ignore[no-untyped-def]
    at.radio(key="redundancy.send_how").set_value("3 units in a 1-of-3 block")
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
    assert values["Availability"] == "n/a — unavailability below 1e-308, beyond double precision"
    assert values["MTTF"] == "n/a — beyond 1e308 h"
    at.number_input(key="redundancy.mtbf").set_value(1e300).run()
    assert any("between 1e-06 and 1e+12 hours" in e for e in messages(at, "error"))
