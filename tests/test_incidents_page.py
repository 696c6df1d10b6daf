"""AppTest of the Incidents & SLO page: LANL default, system picker, options, uploads, hand-off."""

from __future__ import annotations

import ast
import json
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
    sent = at.session_state[ui.HANDOFF_KEY]["LANL system 20 (measured)"]
    row = lanl_stats.row("20")
    assert sent["mtbf_hours"] == pytest.approx(row["mtbf_hours"], abs=1e-4)
    assert sent["mttr_hours"] == pytest.approx(row["mttr_hours"], abs=1e-4)
    assert sent["source"] == "Incidents & SLO: LANL system 20, 2001-2005"
    assert "MTBF = mean up time" in sent["note"]
    assert any("Sent LANL system 20 (measured)" in m for m in messages(at, "success"))


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


@pytest.mark.parametrize("path", [PAGE, "pages/redundancy.py"])
def test_no_bare_string_is_drawn_on_the_page(path: str) -> None:
    # Streamlit "magic" writes a page file's bare top-level strings to the page, as Markdown:
    # a docstring under a constant showed up above the title. Only the module docstring is
    # exempt.
    tree = ast.parse((Path(__file__).resolve().parents[1] / path).read_text(encoding="utf-8"))
    bare = [
        node.lineno
        for node in tree.body[1:]
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    ]
    assert not bare, f"{path}: bare strings on lines {bare}"


# --- the reviewer's findings ----------------------------------------------------------------


def upload(at: AppTest, name: str, data: bytes) -> None:
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert not at.exception


def test_a_log_spanning_centuries_is_refused_and_nothing_is_sent(at: AppTest) -> None:
    # inc_span.csv: 1700 and 2260 showed MTBF -215,256.58 h and "budget was used nan×".
    upload(
        at,
        "inc_span.csv",
        b"start,end\n1700-01-01T00:00:00Z,1700-01-01T01:00:00Z\n"
        b"2260-01-01T00:00:00Z,2260-01-01T01:00:00Z\n",
    )
    errors = messages(at, "error")
    assert any("spans 560 years" in e and "row 2" in e and "row 3" in e for e in errors), errors
    assert "MTBF" not in metric_values(at)
    assert "incidents.send" not in {b.key for b in at.button}
    assert ui.HANDOFF_KEY not in at.session_state or not at.session_state[ui.HANDOFF_KEY]


def test_a_one_incident_log_warns_and_shows_no_made_up_availability(at: AppTest) -> None:
    # inc_one.csv showed "Availability 0 %" and "10000% used" without a word of warning.
    upload(at, "inc_one.csv", b"start,end\n2024-01-01T00:00:00Z,2024-01-01T01:00:00Z\n")
    shown = metric_values(at)
    assert shown["Availability (measured)"] == "n/a"
    assert shown["MTBF"] == "n/a"
    warnings = messages(at, "warning")
    assert any(w.startswith("Only one outage of (all)") for w in warnings), warnings
    assert any("less than one 30-day window" in w for w in warnings), warnings
    assert widget(at, "incidents.send").disabled


def test_seven_nines_and_a_huge_overspend_read_well(at: AppTest) -> None:
    widget(at, "incidents.target").set_value(99.99999).run()
    assert not at.exception and not messages(at, "error")
    budget = next(m for m in at.metric if m.label == "Budget remaining (last window)")
    report = ftmath.slo_report(ftmath.read_incidents(LANL), target=0.9999999)
    used = report.summary.loc["20", "last_budget_used"]
    assert used > 10 and budget.delta == f"{used:,.0f}× the budget"
    assert "%" not in budget.delta


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        (
            "incidents.target",
            100.0,
            "SLO: Target availability (%) must be a percentage strictly between 0 and 100 "
            "(99.9 is three nines), got 100",
        ),
        # Review: "got 1.5 (150 %)" for a field in percent.
        ("incidents.target", 150.0, "SLO: Target availability (%) must be a percentage"),
        ("incidents.target", 0.0, "SLO: Target availability (%) must be a percentage"),
        # Review: "SLO: window_days must be between 1 hour and 10 years, got 0.0".
        (
            "incidents.window",
            0.0,
            "SLO: Rolling window (days) must be between 1/24 (one hour) and 3,660 days "
            "(ten years), got 0",
        ),
        ("incidents.window", 1e300, "SLO: Rolling window (days) must be between"),
    ],
)
def test_slo_fields_out_of_range_are_explained_in_their_words(
    at: AppTest, key: str, value: float, expected: str
) -> None:
    widget(at, key).set_value(value).run()
    assert not at.exception
    errors = messages(at, "error")
    assert any(e.startswith(expected) for e in errors), errors
    assert not any("`" in e or "_days" in e or "_percent" in e for e in errors), errors
    assert widget(at, key).value == value  # what was typed stays, with its message
    assert metric_values(at)["MTBF"] == "16.92 h"  # the rest of the page keeps working


def test_a_fractional_window_is_accepted(at: AppTest) -> None:
    widget(at, "incidents.window").set_value(0.5).run()
    errors = messages(at, "error")  # a day's step is longer than the window
    assert errors == [
        "SLO: The evaluation step (Evaluate every) must be between one minute and the window "
        "(12 h), got 24.0"
    ]
    widget(at, "incidents.step").set_value("6 hours").run()
    assert not at.exception and not messages(at, "error")
    assert any("per 0.5 days" in c.value for c in at.caption)


def test_durations_of_seconds_read_in_seconds_and_are_questioned(at: AppTest) -> None:
    # incidents_wrongunits.csv: "MTTR (mean) 0.00 h" next to "0.00123 / 0.00157 h".
    rows = [f"A,2024-01-{d:02d}T00:00:00Z,{0.05 + 0.001 * d:.3f}" for d in range(1, 29)]
    upload(at, "wrongunits.csv", ("system,start,duration_minutes\n" + "\n".join(rows)).encode())
    shown = metric_values(at)
    stats = ftmath.incident_statistics(
        ftmath.read_incidents(("system,start,duration_minutes\n" + "\n".join(rows)).encode())
    )
    row = stats.row("A")
    assert shown["MTTR (mean)"] == f"{row['mttr_hours'] * 3600:.3g} s"
    assert shown["MTTR (mean)"] == "3.87 s"
    median, p90 = row["mttr_median_hours"] * 3600, row["mttr_p90_hours"] * 3600
    assert shown["MTTR median / p90"] == f"{median:.3g} / {p90:.3g} s"
    assert shown["MTBF"] == "24.00 h"
    caption = next(c.value for c in at.caption if "merged into" in c.value)
    assert "down 1.81 min" in caption
    warnings = messages(at, "warning")
    assert any(
        "`duration_minutes` is read in minutes" in w
        and "rather than minutes? If so, choose the duration unit" in w
        for w in warnings
    ), warnings
    # Choosing hours answers the question: no doubt, and the MTTR reads in minutes.
    widget(at, "incidents.unit").set_value("h").run()
    assert not any("rather than" in w for w in messages(at, "warning"))
    assert metric_values(at)["MTTR (mean)"] == "3.87 min"  # the same numbers, now in hours


def headers(frame) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Column -> header shown, for every column of a shown ``st.dataframe`` (index included)."""
    config = json.loads(frame.proto.columns)
    shown = {c: config.get(c, {}).get("label", c) for c in frame.value.columns}
    if not config.get("_index", {}).get("hidden"):
        shown["_index"] = config.get("_index", {}).get("label", str(frame.value.index.name))
    return shown


@pytest.mark.parametrize("pooled", [False, True])
def test_every_table_has_human_headers(at: AppTest, pooled: bool) -> None:
    # Review: "worst_availability", "peak_burn_rate" next to "first window from (UTC)".
    if pooled:
        widget(at, "incidents.system").set_value(ftmath.incidents.ALL_SYSTEMS).run()
    shown = [headers(f) for f in at.dataframe]
    assert len(shown) >= 2
    for table in shown:
        machine = {c: h for c, h in table.items() if "_" in h or h == h.lower()}
        assert not {c: h for c, h in machine.items() if h != "n/a because"}, table
    texts = {h for table in shown for h in table.values()}
    if pooled:
        assert {"Windows meeting the SLO", "Last burn rate (×)", "System"} <= texts, texts
    else:
        assert {"Worst availability", "Peak burn rate (×)", "First window from (UTC)"} <= texts
    assert {"MTBF (h)", "MTTR p90 (h)"} <= texts


def test_counts_are_singular_or_plural(at: AppTest) -> None:
    # LANL system 20 at 99 % over 30 days: one long run of broken windows.
    texts = [m.value for m in at.markdown]
    assert any("**Windows that broke the SLO** (1 period)" in t for t in texts), texts
    assert not any("(1 periods)" in t for t in texts)
