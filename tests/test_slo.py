"""ftmath.slo: rolling SLO windows, error budget, burn rate, breaches, monthly availability.

Known values: the Site Reliability Workbook (Beyer et al., O'Reilly 2018), ch. 2 "Implementing
SLOs" (a 99.9 % objective over 30 days allows 43.2 minutes) and ch. 5 "Alerting on SLOs"
(burn rate 14.4 for one hour spends 2 % of a 30-day budget; 6 for six hours, 5 %; 1 for three
days, 10 %). Other expectations are worked out by hand in the comments.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose

import ftmath
from ftmath import (
    ComputationLimitError,
    InputError,
    incident_report_markdown,
    incident_statistics,
    read_incidents,
    slo_report,
)

DATA = Path(__file__).resolve().parent / "data" / "incidents"
LANL = Path(__file__).resolve().parents[1] / "examples" / "lanl-failure-data-1996-2005.csv"


def log_of(*intervals: tuple[str, str], system: str = "api") -> pd.DataFrame:
    text = "start,end,system\n" + "".join(f"{a},{b},{system}\n" for a, b in intervals)
    return read_incidents(text.encode())


class TestKnownValues:
    def test_999_over_30_days_allows_43_2_minutes(self) -> None:
        # SRE Workbook ch. 2: 0.1 % of 30 days = 43.2 minutes.
        log = log_of(("2024-04-10 00:00", "2024-04-10 00:20"))
        report = slo_report(log, target=0.999, observation=("2024-04-01", "2024-05-01"))
        last = report.windows.iloc[-1]
        assert_allclose(last["budget_hours"] * 60, 43.2, rtol=1e-12)
        # 20 minutes used of 43.2: 46.3 %, 23.2 minutes left, compliant.
        assert_allclose(last["budget_used"], 20 / 43.2, rtol=1e-12)
        assert_allclose(last["budget_remaining_hours"] * 60, 23.2, rtol=1e-12)
        assert bool(last["compliant"])

    @pytest.mark.parametrize(
        ("step_hours", "burn", "share"),
        [(1.0, 14.4, 0.02), (6.0, 6.0, 0.05), (72.0, 1.0, 0.10)],
    )
    def test_burn_rates_of_the_workbook(self, step_hours: float, burn: float, share: float) -> None:
        # SRE Workbook ch. 5, table of burn rates for a 99.9 % / 30-day SLO: a burn rate b
        # sustained for t hours spends b * t / 720 of the budget. Downtime at rate b * 0.1 %
        # over the last step: b * 0.001 * t hours, placed at the end of the 30-day window.
        down_hours = burn * 0.001 * step_hours
        end = pd.Timestamp("2024-05-01", tz="UTC")
        start = end - pd.Timedelta(hours=down_hours)
        log = log_of((start.isoformat(), end.isoformat()))
        report = slo_report(
            log, target=0.999, step_hours=step_hours, observation=("2024-04-01", "2024-05-01")
        )
        last = report.windows.iloc[-1]
        assert last["window_end"] == end
        assert_allclose(last["burn_rate"], burn, rtol=1e-9)
        assert_allclose(last["budget_used"], share, rtol=1e-9)


class TestWindowEdge:
    """One incident from Jan 31 22:00 to Feb 1 04:00 UTC (tests/data/incidents/window_edge.csv)."""

    @pytest.fixture
    def log(self) -> pd.DataFrame:
        return read_incidents(DATA / "window_edge.csv")

    def test_daily_windows_split_the_incident_at_midnight(self, log: pd.DataFrame) -> None:
        # 1-day windows ending Jan 31, Feb 1, Feb 2, Feb 3 (00:00): downtime 0, 2, 4, 0 h.
        # Target 0.9 allows 2.4 h a day: compliant, compliant, broken, compliant.
        report = slo_report(
            log, target=0.9, window_days=1, observation=("2024-01-30", "2024-02-03")
        )
        w = report.windows
        assert w["window_end"].dt.strftime("%m-%d").tolist() == ["01-31", "02-01", "02-02", "02-03"]
        assert_allclose(w["downtime_hours"], [0, 2, 4, 0])
        assert w["compliant"].tolist() == [True, True, False, True]
        assert_allclose(w["budget_used"], [0, 2 / 2.4, 4 / 2.4, 0])
        assert_allclose(w["availability"], [1, 22 / 24, 20 / 24, 1])
        # One breach: the window Feb 1 - Feb 2, availability 20/24.
        assert len(report.breaches) == 1
        breach = report.breaches.iloc[0]
        assert breach["first_window_start"] == pd.Timestamp("2024-02-01", tz="UTC")
        assert breach["last_window_end"] == pd.Timestamp("2024-02-02", tz="UTC")
        assert breach["windows"] == 1
        assert_allclose(breach["worst_availability"], 20 / 24)

    def test_calendar_months_split_the_incident(self, log: pd.DataFrame) -> None:
        # January (744 h) gets 2 h of downtime, February 2024 (696 h, leap year) 4 h.
        report = slo_report(log, target=0.999, observation=("2024-01-01", "2024-03-01"))
        m = report.monthly
        assert m["month"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02"]
        assert_allclose(m["covered_hours"], [744, 696])
        assert_allclose(m["downtime_hours"], [2, 4])
        assert_allclose(m["availability"], [1 - 2 / 744, 1 - 4 / 696])
        assert m["meets_target"].tolist() == [False, False]  # budgets 0.744 h and 0.696 h

    def test_observation_shorter_than_a_window_gives_one_partial_window(
        self, log: pd.DataFrame
    ) -> None:
        # Default observation: the incident itself (6 h), shorter than 30 days.
        report = slo_report(log, target=0.99)
        assert len(report.windows) == 1
        only = report.windows.iloc[0]
        assert bool(only["partial"]) and only["hours"] == 6.0
        assert only["availability"] == 0.0


class TestCaveats:
    def test_an_observation_shorter_than_a_window_is_flagged(self) -> None:
        # The reviewer's inc_one.csv: 1 h observed, 30-day windows: budget used 100x of a
        # 1-hour window, which says nothing about a 30-day SLO.
        report = slo_report(log_of(("2024-01-01 00:00", "2024-01-01 01:00")), target=0.99)
        (caveat,) = report.caveats("api")
        assert caveat.startswith("System api was observed for 1 h, less than one 30-day window")
        assert_allclose(report.summary.loc["api", "last_budget_used"], 100.0)

    def test_a_long_enough_observation_has_none(self) -> None:
        report = slo_report(
            log_of(
                ("2024-01-01 00:00", "2024-01-01 01:00"), ("2024-03-01 00:00", "2024-03-01 01:00")
            ),
            target=0.99,
        )
        assert report.caveats("api") == ()
        with pytest.raises(InputError, match="not in the SLO report"):
            report.caveats("nope")


class TestSummaryAndExplain:
    def test_summary_counts_and_last_window(self) -> None:
        report = slo_report(
            read_incidents(DATA / "window_edge.csv"),
            target=0.9,
            window_days=1,
            observation=("2024-01-30", "2024-02-03"),
        )
        s = report.summary.loc["billing"]
        assert (s["windows"], s["compliant_windows"]) == (4, 3)
        assert_allclose(s["compliance"], 0.75)
        assert_allclose(s["worst_availability"], 20 / 24)
        # Over the whole observation (96 h, 6 h down): budget 9.6 h, used 6 / 9.6.
        assert_allclose(s["observed_budget_used"], 6 / 9.6)
        assert_allclose(s["observed_availability"], 1 - 6 / 96)

    def test_explanations_recompute(self) -> None:
        report = slo_report(read_incidents(LANL), target=0.99)
        for system in ("2", "20"):
            last = report.windows[report.windows["system"] == system].iloc[-1]
            explained = report.explain(system)
            assert_allclose(
                explained["budget_remaining_hours"].recompute(), last["budget_remaining_hours"]
            )
            assert_allclose(explained["budget_used"].recompute(), last["budget_used"])
            assert_allclose(explained["burn_rate"].recompute(), last["burn_rate"], atol=1e-12)
            assert_allclose(
                explained["compliance"].recompute(), report.summary.loc[system, "compliance"]
            )
        with pytest.raises(InputError):
            report.explain("nope")


class TestBadOptions:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"target": 1.0}, "strictly between 0 and 1"),
            ({"target": 0.0}, "strictly between 0 and 1"),
            ({"target": 99.9}, "strictly between 0 and 1"),
            ({"target": "high"}, "`target` must be a number"),
            ({"target": float("nan")}, "finite"),
            ({"target": 0.99, "window_days": 0}, "`window_days`"),
            (
                {"target": 0.99, "window_days": 0},
                "between 1/24 (one hour) and 3,660 days (ten years), got 0",
            ),
            ({"target": 0.99, "window_days": 1e300}, "3,660 days (ten years), got 1e+300"),
            ({"target_percent": 150}, "`target_percent` must be a percentage strictly between"),
            ({"target_percent": 150}, "0 and 100 (99.9 is three nines), got 150"),
            ({"target_percent": 100.0}, "got 100"),
            ({"target_percent": 0}, "`target_percent`"),
            ({"target_percent": "high"}, "`target_percent` must be a number"),
            ({}, "give the SLO target once"),
            ({"target": 0.99, "target_percent": 99.0}, "give the SLO target once"),
            ({"target": 0.99, "step_hours": 0}, "`step_hours`"),
            ({"target": 0.99, "step_hours": 24 * 31}, "`step_hours`"),
        ],
    )
    def test_clear_messages(self, kwargs: dict, message: str) -> None:
        with pytest.raises(InputError) as error:
            slo_report(read_incidents(DATA / "overlaps.csv"), **kwargs)
        assert message in str(error.value)

    def test_a_percentage_is_the_same_target(self) -> None:
        log = read_incidents(DATA / "overlaps.csv")
        by_percent = slo_report(log, target_percent=99.0, window_days=0.25, step_hours=1)
        by_fraction = slo_report(log, target=0.99, window_days=0.25, step_hours=1)
        assert by_percent.target == 0.99
        pd.testing.assert_frame_equal(by_percent.summary, by_fraction.summary)

    def test_too_many_windows(self) -> None:
        log = read_incidents(DATA / "overlaps.csv")
        with pytest.raises(ComputationLimitError, match="more than 5,000,000"):
            slo_report(
                log,
                target=0.99,
                window_days=1,
                step_hours=1 / 60,
                observation=("2000-01-01", "2024-01-02"),
            )

    def test_an_observation_beyond_nanosecond_times_is_refused(self) -> None:
        # Breaker review: years 1000 and 3000 raised pandas' OutOfBoundsDatetime.
        log = log_of(("2024-01-01 00:00", "2024-01-01 01:00"))
        with pytest.raises(InputError, match=r"`observation\[0\]` must be a time from 1677"):
            slo_report(log, target=0.99, observation=("1000-01-01", "3000-01-01"))

    def test_zero_length_observation(self) -> None:
        log = log_of(("2024-01-01 00:00", "2024-01-01 00:00"))
        with pytest.raises(InputError, match="positive length"):
            slo_report(log, target=0.99)


class TestMarkdown:
    def test_report_escapes_names_and_lists_breaches(self) -> None:
        log = read_incidents(DATA / "backwards.csv")
        stats = incident_statistics(log)
        report = slo_report(log, target=0.99)
        text = incident_report_markdown(stats, report, source="my|log.csv")
        assert text.startswith("# Incidents and SLO report: my\\|log.csv")
        assert "## Statistics" in text and "### Definitions" in text
        assert "### Records left out" in text and "end before start" in text
        assert "## SLO" in text and "### Windows that broke the SLO" in text
        assert "All systems \\(pooled\\)" in text  # parentheses escaped for Markdown

    def test_one_system(self) -> None:
        log = read_incidents(DATA / "overlaps.csv")
        stats = incident_statistics(log, observation="log")
        report = slo_report(log, target=0.99, observation="log")
        text = incident_report_markdown(stats, report, system="db")
        statistics = text.split("## Statistics")[1].split("### Definitions")[0]
        assert "| db |" in statistics and "| api |" not in statistics


def test_the_markdown_report_explains_its_numbers() -> None:
    # Issue 9: exports carry the explanations of the numbers they contain.
    log = ftmath.read_incidents(
        b"start,end,system\n2024-01-01 00:00,2024-01-01 01:00,a\n"
        b"2024-01-03 00:00,2024-01-03 02:00,a\n"
    )
    stats = ftmath.incident_statistics(log)
    text = ftmath.incident_report_markdown(stats, ftmath.slo_report(log, target=0.99), system="a")
    assert "## How the numbers are computed (a)" in text
    explained = stats.explain("a")
    for e in explained.values():
        assert e.substituted in text
    assert "Error budget remaining" in text  # the SLO report's explanations for system a
