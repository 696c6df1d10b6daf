"""AppTest: the app frame and the home page."""

import pytest

from tests.apptest import messages, metric_values, open_page


def test_home_renders_with_the_first_kind() -> None:
    at = open_page("pages/home.py")
    assert not at.exception
    values = metric_values(at)
    # Critical infrastructure, 99.99 %: 52 min 34 s a year (8,760 h x 1e-4 = 0.876 h).
    assert values["Nines"] == "4.00"
    assert values["Downtime per year"] == "52 min 34 s"


def test_picking_a_kind_updates_the_downtime() -> None:
    at = open_page("pages/home.py")
    at.selectbox(key="home.kind").select("E-commerce").run()
    values = metric_values(at)
    assert values["Nines"] == "3.00"
    assert values["Downtime per year"] == "8 h 46 min"  # 8.76 h
    assert values["per month"] == "43 min 48 s"  # a twelfth of the year


def test_editing_a_target_updates_the_table() -> None:
    at = open_page("pages/home.py")
    at.session_state["home.targets"] = {
        "edited_rows": {0: {"Target availability (%)": 99.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert metric_values(at)["Downtime per year"] == "3 d 16 h"  # 87.6 h


@pytest.mark.parametrize("target", [0.0, -5.0, 150.0])
def test_an_impossible_target_is_refused_and_the_page_keeps_working(target: float) -> None:
    # The grid has no min/max (it turned -5 into 5 silently): the page says what is wrong.
    at = open_page("pages/home.py")
    at.session_state["home.targets"] = {
        "edited_rows": {1: {"Target availability (%)": target}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    assert any("E-commerce" in m for m in messages(at))
    assert metric_values(at)["Nines"] == "4.00"


def test_year_length_in_the_sidebar() -> None:
    at = open_page("pages/home.py")
    at.sidebar.radio(key="sidebar.year").set_value("365.25 days (8,766 h)").run()
    assert metric_values(at)["Downtime per year"] == "52 min 36 s"  # 0.8766 h


def test_a_target_of_100_percent_is_refused_not_shown_as_cannot_fail() -> None:
    """A newcomer set 100 %: the page showed '∞ (cannot fa…' nines and no downtime."""
    at = open_page("pages/home.py")
    at.session_state["home.targets"] = {
        "edited_rows": {0: {"Target availability (%)": 100.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    assert any("below 100 %" in m and "Critical infrastructure" in m for m in messages(at))
    assert "Nines" not in metric_values(at)  # the chosen kind's target was left out
