"""AppTest of the Incidents & SLO page: LANL default, system picker, options, uploads, hand-off."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ftmath
import ui
from tests.apptest import messages, metric_values, open_page

PAGE = "pages/incidents.py"
DATA = Path(__file__).resolve().parent / "data" / "incidents"
LANL = Path(__file__).resolve().parents[1] / "examples" / "lanl-failure-data-1996-2005.csv"


@pytest.fixture(scope="module")
def lanl_stats() -> ftmath.IncidentStats:
    return ftmath.incident_statistics(ftmath.read_incidents(LANL))


@pytest.fixture
def at() -> AppTest:
    return open_page(PAGE, timeout=120)


def widget(at: AppTest, key: str):  # noqa: ANN201
    return at.get_by_key(key)


def test_page_is_registered_in_measure() -> None:
    spec = ui.page(PAGE)
    assert spec is not None
    assert (spec.title, spec.section, spec.icon) == (
        "Incidents & SLO",
        "Measure",
        ":material/report:",
    )


def test_lanl_default_shows_system_20(at: AppTest, lanl_stats: ftmath.IncidentStats) -> None:
    assert not at.exception
    assert not messages(at, "error")
    assert widget(at, "incidents.system").value == "20"
    row = lanl_stats.row("20")
    shown = metric_values(at)
    assert shown["Availability (measured)"] == ui.fmt_percent(row["availability"]) == "80.82 %"
    assert shown["MTBF"] == ui.fmt_hours(row["mtbf_hours"]) == "16.92 h"
    assert shown["MTTR (mean)"] == ui.fmt_hours(row["mttr_hours"]) == "4.01 h"
    assert shown["MTTD"] == "n/a"  # the reason is in the caption, help and explanation
    assert shown["MTTR median / p90"] == "1.32 / 5.08 h"
    assert "Burn rate (last step)" in shown
    assert {d.key for d in at.download_button} >= {
        "incidents.download_stats",
        "incidents.download_slo",
        "incidents.download_breaches",
        "incidents.download_md",
    }


def test_pooled_view(at: AppTest, lanl_stats: ftmath.IncidentStats) -> None:
    widget(at, "incidents.system").set_value(ftmath.incidents.ALL_SYSTEMS).run()
    assert not at.exception
    pooled = lanl_stats.row(ftmath.incidents.ALL_SYSTEMS)
    assert metric_values(at)["Availability (measured)"] == ui.fmt_percent(pooled["availability"])
    assert any("compliance" in d.value.columns for d in at.dataframe)  # the SLO summary
    assert "incidents.send" not in {b.key for b in at.button}  # no hand-off of a pooled figure


def test_use_these_figures_hands_off_mtbf_and_mttr(
    at: AppTest, lanl_stats: ftmath.IncidentStats
) -> None:
    widget(at, "incidents.send").click().run()
    assert not at.exception
    sent = at.session_state[ui.HANDOFF_KEY]["20 (measured)"]
    row = lanl_stats.row("20")
    assert sent["mtbf_hours"] == pytest.approx(row["mtbf_hours"], abs=1e-4)
    assert sent["mttr_hours"] == pytest.approx(row["mttr_hours"], abs=1e-4)
    assert sent["source"] == "Incidents & SLO: LANL system 20, 2001-2005"
    assert "MTBF = mean up time" in sent["note"]
    assert any("Sent 20 (measured)" in m for m in messages(at, "success"))


def test_target_and_window_change_the_budget(at: AppTest) -> None:
    before = metric_values(at)["Budget remaining (last window)"]
    widget(at, "incidents.target").set_value(95.0).run()
    widget(at, "incidents.window").set_value(7).run()
    assert not at.exception
    after = metric_values(at)
    assert after["Budget remaining (last window)"] != before
    # System 20, last 7-day window ending 2005-09-09 at 95 %: worked from the library.
    report = ftmath.slo_report(ftmath.read_incidents(LANL), target=0.95, window_days=7)
    expected = report.summary.loc["20", "compliance"]
    assert after["Windows meeting the SLO"] == f"{expected:.1%}"


def test_leaving_out_maintenance(at: AppTest) -> None:
    widget(at, "incidents.exclude").set_value(["Hardware: Maintenance"]).run()
    assert not at.exception
    log = ftmath.filter_incidents(
        ftmath.read_incidents(LANL), exclude_causes=["Hardware: Maintenance"]
    )
    row = ftmath.incident_statistics(log).row("20")
    assert metric_values(at)["MTBF"] == ui.fmt_hours(row["mtbf_hours"])


def test_fixed_observation_window(at: AppTest) -> None:
    widget(at, "incidents.observation").set_value("Fixed dates").run()
    assert not at.exception
    assert widget(at, "incidents.dates") is not None


def test_upload_a_log(at: AppTest) -> None:
    at.file_uploader[0].set_value(
        ("overlaps.csv", (DATA / "overlaps.csv").read_bytes(), "text/csv")
    ).run()
    assert not at.exception
    assert widget(at, "incidents.system").value == ftmath.incidents.ALL_SYSTEMS
    widget(at, "incidents.system").set_value("api").run()
    # api observed 00:00-06:00 by default: A = 2/6, MTBF = 2 h, MTTR = 2 h (tests/test_incidents).
    shown = metric_values(at)
    assert shown["Availability (measured)"] == ui.fmt_percent(1 / 3)
    assert shown["MTBF"] == "2.00 h"
    assert shown["MTTR (mean)"] == "2.00 h"


def test_upload_with_a_bad_row_reports_it(at: AppTest) -> None:
    at.file_uploader[0].set_value(
        ("backwards.csv", (DATA / "backwards.csv").read_bytes(), "text/csv")
    ).run()
    assert not at.exception
    assert any("could not be used" in w for w in messages(at, "warning"))
    excluded = [d.value for d in at.dataframe if "problem" in d.value.columns]
    assert excluded and excluded[0]["row"].tolist() == [3]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("binary.csv", bytes(range(256)) * 20, "not text"),
        ("wrong.csv", b"foo,bar\n1,2\n", "no start column"),
        ("garbage.csv", b"start,end\nsoon,later\n", "column `start`, row 2"),
    ],
)
def test_bad_uploads_show_an_error_and_no_traceback(
    at: AppTest, name: str, data: bytes, message: str
) -> None:
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert not at.exception
    errors = messages(at, "error")
    assert any(message in e for e in errors), errors


def test_choosing_a_wrong_column_is_an_error_not_a_crash(at: AppTest) -> None:
    widget(at, "incidents.column.start").set_value("System").run()
    assert not at.exception
    assert any(
        "`System`" in e and "too small to be epoch times" in e for e in messages(at, "error")
    )
    widget(at, "incidents.column.start").set_value("(auto)").run()
    assert not messages(at, "error")
