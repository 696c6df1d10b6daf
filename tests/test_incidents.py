"""ftmath.incidents: reading outage logs, merging outages, MTBF / MTTR / availability / MTTD.

Expected values are worked out by hand from the small logs in tests/data/incidents/ (see the
comment above each test); the definitions follow IEC 60050-192:2015 (mean up time 192-05-13,
mean time to restoration 192-07-21, availability 192-08-02).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import ftmath
from ftmath import InputError, incident_statistics, merge_outages, read_incidents
from ftmath.incidents import ALL_SYSTEMS, _parse_times

DATA = Path(__file__).resolve().parent / "data" / "incidents"
LANL = Path(__file__).resolve().parents[1] / "examples" / "lanl-failure-data-1996-2005.csv"
DAY = ("2024-01-01 00:00", "2024-01-01 10:00")


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


class TestReadIncidents:
    def test_iso_times_with_z_and_the_columns_of_the_contract(self) -> None:
        frame = read_incidents(DATA / "overlaps.csv")
        assert list(frame.columns[:4]) == ["start", "end", "system", "cause"]
        assert str(frame["start"].dtype) == "datetime64[ns, UTC]"
        assert frame.loc[0, "start"] == utc("2024-01-01 00:00")
        assert frame["system"].tolist() == ["api", "api", "api", "db"]
        assert frame["cause"].tolist() == ["deploy", "database", "database", "disk"]
        assert frame["row"].tolist() == [2, 3, 4, 5]
        assert (frame["problem"] == "").all()

    def test_other_names_and_an_end_before_start_is_kept_and_reported(self) -> None:
        frame = read_incidents(DATA / "backwards.csv")
        assert frame.attrs["columns"]["start"] == "started"
        assert frame.attrs["columns"]["end"] == "resolved"
        assert frame.attrs["columns"]["system"] == "service"
        assert frame.attrs["columns"]["cause"] == "root cause"
        assert len(frame) == 3  # not dropped
        assert frame.loc[1, "problem"] == "end before start by 60 min"
        assert any("1 record ends before it starts" in note for note in frame.attrs["notes"])

    def test_semicolons_decimal_comma_duration_and_detection(self) -> None:
        frame = read_incidents(DATA / "semicolon_duration.csv")
        assert frame.attrs["format"] == "start and duration"
        assert frame.loc[1, "end"] - frame.loc[1, "start"] == pd.Timedelta(minutes=30.5)
        assert frame.loc[0, "detected"] == utc("2024-05-01 08:15")
        assert pd.isna(frame.loc[2, "detected"])
        assert frame["system"].tolist() == ["queue", "queue", "cache"]

    def test_utf16_and_latin1_and_bom(self) -> None:
        text = "start,end,system\n2024-01-01 00:00,2024-01-01 01:00,café\n"
        for data in (
            text.encode("utf-16"),
            text.encode("latin-1"),
            b"\xef\xbb\xbf" + text.encode("utf-8"),
        ):
            frame = read_incidents(data)
            assert frame.loc[0, "system"] == "café"

    def test_file_object_and_path_string(self) -> None:
        with open(DATA / "overlaps.csv", "rb") as handle:
            assert len(read_incidents(handle)) == 4
        assert len(read_incidents(str(DATA / "overlaps.csv"))) == 4

    def test_epoch_seconds_and_milliseconds(self) -> None:
        seconds = read_incidents(b"start,end\n1704067200,1704070800\n")
        millis = read_incidents(b"start,end\n1704067200000,1704070800000\n")
        for frame in (seconds, millis):
            assert frame.loc[0, "start"] == utc("2024-01-01 00:00")
            assert frame.loc[0, "end"] == utc("2024-01-01 01:00")
            assert frame.loc[0, "system"] == "(all)"

    def test_mixed_offsets_across_daylight_saving(self) -> None:
        # Europe/Berlin: +01:00 in winter, +02:00 in summer; both instants are 10:00 UTC.
        frame = read_incidents(
            b"start,end\n2024-01-10T11:00:00+01:00,2024-01-10T12:00:00+01:00\n"
            b"2024-07-10T12:00:00+02:00,2024-07-10T13:00:00+02:00\n"
        )
        assert frame["start"].tolist() == [utc("2024-01-10 10:00"), utc("2024-07-10 10:00")]

    def test_naive_local_time_in_a_chosen_zone(self) -> None:
        frame = read_incidents(
            b"start,end\n2024-07-10 12:00,2024-07-10 13:00\n", timezone="Europe/Berlin"
        )
        assert frame.loc[0, "start"] == utc("2024-07-10 10:00")
        assert frame.attrs["timezone"] == "Europe/Berlin"

    def test_ambiguous_local_time_defaults_to_the_first_occurrence(self) -> None:
        # 2024-11-03 01:30 happens twice in America/Denver: 07:30 UTC (MDT), 08:30 UTC (MST).
        frame = read_incidents(
            b"start,end\n2024-11-03 01:30,2024-11-03 03:00\n", timezone="America/Denver"
        )
        assert frame.loc[0, "start"] == utc("2024-11-03 07:30")
        assert any("repeated" in note for note in frame.attrs["notes"])

    def test_ambiguous_local_time_follows_a_duration_column(self) -> None:
        # 01:30 MST (08:30 UTC) to 03:00 MST (10:00 UTC) is 90 minutes; from 01:30 MDT it is 150.
        frame = read_incidents(
            b"start,end,duration_minutes\n2024-11-03 01:30,2024-11-03 03:00,90\n",
            timezone="America/Denver",
        )
        assert frame.loc[0, "start"] == utc("2024-11-03 08:30")

    def test_skipped_spring_hour_moves_forward(self) -> None:
        # 2024-03-10 02:30 does not exist in America/Denver; it becomes 03:00 MDT = 09:00 UTC.
        frame = read_incidents(
            b"start,end\n2024-03-10 02:30,2024-03-10 04:00\n", timezone="America/Denver"
        )
        assert frame.loc[0, "start"] == utc("2024-03-10 09:00")
        assert any("skipped" in note for note in frame.attrs["notes"])

    def test_explicit_columns_and_duration_unit(self) -> None:
        frame = read_incidents(
            b"when,how long,what\n2024-01-01 00:00,2,db\n",
            start="when",
            duration="how long",
            duration_unit="h",
            system="what",
        )
        assert frame.loc[0, "end"] == utc("2024-01-01 02:00")
        assert frame.loc[0, "system"] == "db"

    def test_blank_end_is_reported_as_open(self) -> None:
        frame = read_incidents(b"start,end\n2024-01-01 00:00,\n2024-01-02 00:00,2024-01-02 01:00\n")
        assert frame.loc[0, "problem"] == "no end time (still open?)"

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"", "empty"),
            (b"   \n\n", "empty"),
            (b"start,end\n", "no rows"),
            (b"\x00\x01\x02\x03binary\xff\xfe\x00garbage" * 50, "not text (it holds NUL bytes)"),
            # the reviewer's inc_deep.json: 3,000 nested lists read as a CSV, not parsed as JSON
            (b"[" * 1500 + b"]" * 1500, "only one column"),
            (b"start,end\n" + b"[" * 3000 + b",x\n", "column `start`, row 2"),
            (b"just one column\n1\n", "only one column"),
            (b"foo,bar\n1,2\n", "no start column"),
            (b"start,foo\n2024-01-01,2\n", "no end or duration column"),
            (b"start,duration\n2024-01-01,2\n", "does not say its unit"),
            (b"start,end\n2024-01-01 00:00,yesterday\n", "column `end`, row 2: 'yesterday'"),
            (
                b"start,end\n2024-01-01T00:00Z,2024-01-01T01:00Z\n"
                b"2024-01-02 00:00,2024-01-02T01:00Z\n",
                "column `start`, row 3",
            ),
            (b"start,duration_min\n2024-01-01,abc\n", "column `duration_min`, row 2"),
            (b"start,duration_h\n2024-01-01,1e300\n", "beyond 1e7 hours"),
            (b"start,end\n1e30,2e30\n", "out of range"),
            (b"start,end\n2,5\n", "too small to be epoch times"),
            (b"start,end\n3000-01-01 00:00,3000-01-02 00:00\n", "1678 to 2261"),
            (
                b"start,end\n2024-01-01,2024-01-01 01:00\n2300-01-01,2300-01-01 01:00\n",
                "column `start`, row 3: '2300-01-01' is outside the years 1678 to 2261",
            ),
            (b"start,end,start\n2024-01-01,2024-01-02,x\n", "`start` twice (columns 1 and 3)"),
        ],
    )
    def test_bad_files_give_a_clear_input_error(self, data: bytes, message: str) -> None:
        with pytest.raises(InputError, match=None) as error:
            read_incidents(data)
        assert message in str(error.value), str(error.value)

    def test_unknown_timezone_and_missing_named_column(self) -> None:
        with pytest.raises(InputError, match="time zone"):
            read_incidents(b"start,end\n2024-01-01 00:00,2024-01-01 01:00\n", timezone="Mars/Base")
        # a name too long for a file path raised OSError with the server's path in it
        with pytest.raises(InputError, match="is not an IANA time zone name"):
            read_incidents(b"start,end\n2024-01-01 00:00,2024-01-01 01:00\n", timezone="A" * 300)
        with pytest.raises(InputError, match="must be an IANA time zone name"):
            read_incidents(b"start,end\n2024-01-01 00:00,2024-01-01 01:00\n", timezone=5)
        with pytest.raises(InputError, match="'nope' is not in the file"):
            read_incidents(b"start,end\n2024-01-01 00:00,2024-01-01 01:00\n", system="nope")

    def test_parse_times_helper_accepts_us_and_day_first_dates(self) -> None:
        us = _parse_times(pd.Series(["6/21/2005 10:54"]), column="t", timezone="America/Denver")
        assert us.iloc[0] == utc("2005-06-21 16:54")  # MDT = UTC-6
        day_first = _parse_times(pd.Series(["21/06/2005 10:54"]), column="t")
        assert day_first.iloc[0] == utc("2005-06-21 10:54")


@pytest.fixture(scope="module")
def lanl() -> pd.DataFrame:
    return read_incidents(LANL)


class TestLanl:
    """The LANL release (LA-UR-05-7318) reads with no manual work."""

    def test_layout_timezone_and_size(self, lanl: pd.DataFrame) -> None:
        assert len(lanl) == 23_739
        assert lanl["system"].nunique() == 23
        assert lanl.attrs["timezone"] == "America/Denver"
        assert lanl.attrs["format"].startswith("LANL")
        assert (lanl["problem"] == "").all()

    def test_first_row_converted_from_mountain_daylight_time(self, lanl: pd.DataFrame) -> None:
        # Row 2: system 2, 6/21/2005 10:54 to 11:00 MDT (UTC-6), Hardware / Graphics Accel Hdwr.
        first = lanl.iloc[0]
        assert first["start"] == utc("2005-06-21 16:54")
        assert first["end"] == utc("2005-06-21 17:00")
        assert (first["system"], first["cause"], first["cause_detail"]) == (
            "2",
            "Hardware",
            "Graphics Accel Hdwr",
        )

    def test_repeated_hour_resolved_with_down_time(self, lanl: pd.DataFrame) -> None:
        # Row 18568: 10/27/2002 1:36 to 5:27 with Down Time 231 min: the start is 1:36 MST
        # (08:36 UTC), the second 1:36 of that night; 1:36 MDT would make it 291 min.
        row = lanl[lanl["row"] == 18568].iloc[0]
        assert row["start"] == utc("2002-10-27 08:36")
        assert row["end"] - row["start"] == pd.Timedelta(minutes=231)

    def test_down_time_discrepancies_are_reported(self, lanl: pd.DataFrame) -> None:
        note = next(n for n in lanl.attrs["notes"] if "Down Time" in n)
        assert "agrees with end - start on 23,340 rows" in note
        assert "one minute on 399" in note

    def test_causes(self, lanl: pd.DataFrame) -> None:
        assert (lanl["cause"] == "").sum() == 453
        assert (lanl["cause"] == "Hardware").sum() == 14_341
        assert set(lanl["cause"]) - {""} == set(ftmath.incidents.LANL_CAUSES)

    def test_statistics_of_system_20(self, lanl: pd.DataFrame) -> None:
        row = incident_statistics(lanl).row("20")
        assert row["incidents"] == 2478
        assert row["failures"] == row["outages"] - 1
        # The identity A = U / W and MTBF = U / F hold on the row itself.
        assert_allclose(row["availability"], row["uptime_hours"] / row["window_hours"], rtol=1e-12)
        assert_allclose(row["mtbf_hours"], row["uptime_hours"] / row["failures"], rtol=1e-12)


class TestMergeOutages:
    def test_overlapping_incidents_merge(self) -> None:
        # api: [00:00, 02:00] and [01:00, 03:00] overlap -> one outage of 3 h; [05:00, 06:00].
        outages = merge_outages(read_incidents(DATA / "overlaps.csv"), observation=DAY)
        api = outages[outages["system"] == "api"]
        assert api["hours"].tolist() == [3.0, 1.0]
        assert api["incidents"].tolist() == [2, 1]

    def test_touching_incidents_and_zero_length_at_the_end_merge(self) -> None:
        # [12:00, 13:00] and the zero-length [13:00, 13:00] touch: one outage.
        outages = merge_outages(read_incidents(DATA / "zero_length.csv"))
        assert outages["hours"].tolist() == [0.0, 1.0]
        assert outages["incidents"].tolist() == [1, 2]

    def test_unsorted_input_gives_the_same_outages(self) -> None:
        log = read_incidents(DATA / "overlaps.csv")
        shuffled = log.sample(frac=1.0, random_state=3)
        pd.testing.assert_frame_equal(merge_outages(log), merge_outages(shuffled))

    def test_clipped_to_a_fixed_window(self) -> None:
        # The 6-hour incident from Jan 31 22:00 to Feb 1 04:00 inside February only: 4 h.
        outages = merge_outages(
            read_incidents(DATA / "window_edge.csv"), observation=("2024-02-01", "2024-03-01")
        )
        assert outages["hours"].tolist() == [4.0]
        assert outages.loc[0, "start"] == utc("2024-02-01")


class TestStatistics:
    def test_overlaps_by_hand(self) -> None:
        # Window 00:00-10:00 (W = 10 h). api: outages [0, 3] and [5, 6]: D = 4, U = 6,
        # A = 0.6. The first outage opens the window (no up time before it), so F = 1 and
        # MTBF = 6 / 1 = 6 h; MTTR = 4 / 2 = 2 h; nearest-rank median of [1, 3] is 1, p90 is 3.
        # db: [4, 4.5]: D = 0.5, A = 0.95, F = 1, MTBF = 9.5 h, MTTR = 0.5 h.
        stats = incident_statistics(read_incidents(DATA / "overlaps.csv"), observation=DAY)
        api, db = stats.row("api"), stats.row("db")
        assert (api["incidents"], api["outages"], api["failures"]) == (3, 2, 1)
        assert_allclose(
            [api["availability"], api["mtbf_hours"], api["mttr_hours"]], [0.6, 6.0, 2.0]
        )
        assert_allclose([api["mttr_median_hours"], api["mttr_p90_hours"]], [1.0, 3.0])
        assert_allclose(api["incident_mean_hours"], 5.0 / 3.0)
        assert_allclose([db["availability"], db["mtbf_hours"], db["mttr_hours"]], [0.95, 9.5, 0.5])
        # Pooled: W = 20, D = 4.5, F = 2, N = 3: A = 0.775, MTBF = 7.75, MTTR = 1.5;
        # outage durations [0.5, 1, 3]: median (rank 2) 1, p90 (rank 3) 3.
        pooled = stats.row(ALL_SYSTEMS)
        assert_allclose(
            [pooled["availability"], pooled["mtbf_hours"], pooled["mttr_hours"]],
            [0.775, 7.75, 1.5],
        )
        assert_allclose([pooled["mttr_median_hours"], pooled["mttr_p90_hours"]], [1.0, 3.0])

    def test_default_window_is_each_systems_own_span(self) -> None:
        # api observed 00:00-06:00: W = 6, D = 4, F = 1, MTBF = 2 h, A = 1/3.
        # db observed only during its one incident: W = D = 0.5, F = 0: MTBF n/a, and A n/a
        # too: a window that is the outage itself gives 0 by construction, not a measurement.
        stats = incident_statistics(read_incidents(DATA / "overlaps.csv"))
        api, db = stats.row("api"), stats.row("db")
        assert_allclose([api["window_hours"], api["mtbf_hours"]], [6.0, 2.0])
        assert_allclose(api["availability"], 1 / 3)
        assert math.isnan(db["mtbf_hours"])
        assert "MTBF" in db["why_na"]
        assert math.isnan(db["availability"])
        assert "holds no up time" in db["why_na"]
        assert "holds no up time" in stats.explain("db")["availability"].unavailable_reason

    def test_log_window(self) -> None:
        # Both systems observed 00:00-06:00: db W = 6, D = 0.5, F = 1 -> MTBF 5.5 h.
        stats = incident_statistics(read_incidents(DATA / "overlaps.csv"), observation="log")
        assert_allclose(stats.row("db")["mtbf_hours"], 5.5)

    def test_one_incident(self) -> None:
        log = read_incidents(b"start,end,system\n2024-01-01 10:00,2024-01-01 12:00,x\n")
        own = incident_statistics(log).row("x")
        assert math.isnan(own["mtbf_hours"]) and own["mttr_hours"] == 2.0
        fixed = incident_statistics(log, observation=("2024-01-01", "2024-01-02")).row("x")
        # W = 24, D = 2, F = 1: MTBF = 22 h, A = 22 / 24.
        assert_allclose([fixed["mtbf_hours"], fixed["availability"]], [22.0, 22 / 24])

    def test_one_incident_is_flagged_as_too_thin(self) -> None:
        # The reviewer's inc_one.csv: one hour-long outage. The default window is the outage
        # itself, so availability would be 0 by construction: n/a, with a warning.
        log = read_incidents(b"start,end\n2024-01-01T00:00:00Z,2024-01-01T01:00:00Z\n")
        stats = incident_statistics(log)
        row = stats.row("(all)")
        assert math.isnan(row["availability"]) and math.isnan(row["mtbf_hours"])
        (caveat,) = stats.caveats("(all)")
        assert caveat.startswith("Only one outage of (all) is in the log")
        assert "availability and MTBF are n/a" in caveat
        assert stats.explain("(all)")["availability"].value is None
        # Fixed dates make both measurable, but one outage is still one outage.
        fixed = incident_statistics(log, observation=("2023-12-31", "2024-01-02"))
        assert_allclose(fixed.row("(all)")["availability"], 47 / 48)
        caveats = fixed.caveats("(all)")
        assert caveats[0].startswith("Only one outage") and "n/a" not in caveats[0]
        assert "rests on 1 failure after" in caveats[1]

    @pytest.mark.parametrize(("outages", "thin"), [(2, True), (3, True), (4, False)])
    def test_few_failures_are_flagged(self, outages: int, thin: bool) -> None:
        # Outages at 00:00, 10:00, 20:00, ... of one day each 1 h long: F = outages - 1.
        text = "start,end\n" + "".join(
            f"2024-01-0{1 + i // 3} {(i % 3) * 8:02d}:00,2024-01-0{1 + i // 3} "
            f"{(i % 3) * 8 + 1:02d}:00\n"
            for i in range(outages)
        )
        stats = incident_statistics(read_incidents(text.encode()))
        assert stats.row("(all)")["failures"] == outages - 1
        assert any("rough guess" in c for c in stats.caveats("(all)")) is thin

    def test_few_failures_threshold_is_where_the_mtbf_interval_spans_ten_fold(self) -> None:
        # Chi-square bounds of an exponential MTBF from r failures over time T:
        # lower 2T / chi2(0.95; 2r + 2) (time-truncated) or 2T / chi2(0.95; 2r) (Nelson 1982),
        # upper 2T / chi2(0.05; 2r). Table values (NIST/SEMATECH e-Handbook 1.3.6.7.4):
        # chi2(0.95; 4) = 9.488, chi2(0.95; 6) = 12.592, chi2(0.05; 4) = 0.711.
        from scipy.stats import chi2

        assert_allclose([chi2.ppf(0.95, 4), chi2.ppf(0.95, 6), chi2.ppf(0.05, 4)],
                        [9.488, 12.592, 0.711], atol=5e-4)  # fmt: skip

        def spans(r: int, extra: int) -> float:
            return chi2.ppf(0.95, 2 * r + extra) / chi2.ppf(0.05, 2 * r)

        below = ftmath.FEW_FAILURES - 1
        assert min(spans(below, 0), spans(below, 2)) > 10  # 13.3 and 17.7 for r = 2
        assert max(spans(below + 1, 0), spans(below + 1, 2)) < 10  # 7.7 and 9.5 for r = 3

    def test_a_log_spanning_centuries_is_refused_naming_its_rows(self) -> None:
        # The reviewer's inc_span.csv: years 1700 and 2260. Differences of 64-bit nanoseconds
        # overflow past 292 years, which showed MTBF -215,256.58 h.
        log = read_incidents(
            b"start,end\n1700-01-01T00:00:00Z,1700-01-01T01:00:00Z\n"
            b"2260-01-01T00:00:00Z,2260-01-01T01:00:00Z\n"
        )
        for compute in (incident_statistics, merge_outages,
                        lambda x: ftmath.slo_report(x, target=0.99)):  # fmt: skip
            with pytest.raises(InputError) as error:
                compute(log)
            message = str(error.value)
            assert "spans 560 years" in message and "at most 100 years" in message
            assert "row 2 starts 1700-01-01 00:00 UTC" in message
            assert "row 3 ends 2260-01-01 01:00 UTC" in message
        with pytest.raises(InputError, match="observation window spans 584 years"):
            incident_statistics(log.iloc[[1]], observation=("1678-01-01", "2261-12-31"))

    def test_a_long_log_within_the_limit_is_exact(self) -> None:
        # 99 years apart: W from pandas' exact Timedelta; MTBF = (W - D) / 1 stays positive.
        log = read_incidents(
            b"start,end\n1925-01-01 00:00,1925-01-01 01:00\n2024-01-01 00:00,2024-01-01 01:00\n"
        )
        row = incident_statistics(log).row("(all)")
        window = (pd.Timestamp("2024-01-01 01:00") - pd.Timestamp("1925-01-01")) / pd.Timedelta(
            hours=1
        )
        assert_allclose([row["window_hours"], row["mtbf_hours"]], [window, window - 2.0])
        assert row["mtbf_hours"] > 0

    def test_zero_length_incidents_kept_or_dropped(self) -> None:
        # Window 09:00-15:00: outages [10, 10] and [12, 13]: D = 1, A = 5/6, F = 2,
        # MTBF = 2.5 h, MTTR = 0.5 h, median (rank 1 of [0, 1]) 0, p90 (rank 2) 1.
        log = read_incidents(DATA / "zero_length.csv")
        window = ("2024-01-01 09:00", "2024-01-01 15:00")
        kept = incident_statistics(log, observation=window).row("z")
        assert (kept["incidents"], kept["outages"], kept["failures"]) == (3, 2, 2)
        assert_allclose(
            [kept["availability"], kept["mtbf_hours"], kept["mttr_hours"]], [5 / 6, 2.5, 0.5]
        )
        assert_allclose([kept["mttr_median_hours"], kept["mttr_p90_hours"]], [0.0, 1.0])
        dropped = incident_statistics(log, observation=window, zero_length="drop").row("z")
        assert (dropped["incidents"], dropped["outages"]) == (1, 1)
        assert_allclose([dropped["mtbf_hours"], dropped["mttr_hours"]], [5.0, 1.0])

    def test_incident_spanning_the_window_start(self) -> None:
        # February only: the outage from Jan 31 22:00 is in progress at the start: D = 4 h of
        # 696 h (29 days), and it ends no observed up time, so F = 0 (MTBF n/a).
        stats = incident_statistics(
            read_incidents(DATA / "window_edge.csv"), observation=("2024-02-01", "2024-03-01")
        )
        row = stats.row("billing")
        assert_allclose([row["window_hours"], row["downtime_hours"]], [696.0, 4.0])
        assert row["failures"] == 0 and math.isnan(row["mtbf_hours"])
        assert_allclose(row["mttr_hours"], 4.0)

    def test_regular_cycles_match_the_steady_state_formula(self) -> None:
        # Up 99 h, down 1 h, repeated: A = MTBF / (MTBF + MTTR) = 99 / 100 (IEC 60050-192-08-02
        # with mean up time 99 h and mean time to restoration 1 h). Window starts 99 h before
        # the first failure and ends at the last repair, so every outage follows observed up.
        starts = pd.date_range("2024-01-05 03:00", periods=20, freq="100h", tz="UTC")
        text = "start,end\n" + "".join(
            f"{s.isoformat()},{(s + pd.Timedelta(hours=1)).isoformat()}\n" for s in starts
        )
        window = (starts[0] - pd.Timedelta(hours=99), starts[-1] + pd.Timedelta(hours=1))
        row = incident_statistics(read_incidents(text.encode()), observation=window).row("(all)")
        assert_allclose([row["mtbf_hours"], row["mttr_hours"]], [99.0, 1.0], rtol=1e-12)
        assert_allclose(row["availability"], ftmath.availability(99.0, 1.0), rtol=1e-12)

    def test_mean_time_to_detect(self) -> None:
        # queue: detected 15 and 5 minutes after start: MTTD 10 min; cache has none.
        stats = incident_statistics(read_incidents(DATA / "semicolon_duration.csv"))
        assert_allclose(stats.row("queue")["mttd_hours"], 10 / 60)
        assert stats.row("queue")["detected_incidents"] == 2
        assert math.isnan(stats.row("cache")["mttd_hours"])
        assert_allclose(stats.row(ALL_SYSTEMS)["mttd_hours"], 10 / 60)

    def test_excluded_rows_are_listed_with_their_row(self) -> None:
        stats = incident_statistics(read_incidents(DATA / "backwards.csv"))
        assert stats.excluded["row"].tolist() == [3]
        assert stats.row("web")["incidents"] == 2

    def test_explanations_recompute_the_numbers(self) -> None:
        stats = incident_statistics(read_incidents(DATA / "overlaps.csv"), observation=DAY)
        for system in ("api", ALL_SYSTEMS):
            explained = stats.explain(system)
            row = stats.row(system)
            for key in ("availability", "mtbf_hours", "mttr_hours"):
                assert_allclose(explained[key].recompute(), row[key], rtol=1e-12)
                assert explained[key].value == pytest.approx(row[key])
            assert explained["mttd_hours"].value is None
            assert "detection" in (explained["mttd_hours"].unavailable_reason or "")

    def test_mtbf_na_is_explained(self) -> None:
        stats = incident_statistics(read_incidents(DATA / "overlaps.csv"))
        mtbf = stats.explain("db")["mtbf_hours"]
        assert mtbf.value is None and mtbf.unavailable_reason

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"observation": "weekly"}, "`observation`"),
            ({"observation": ("2024-01-02", "2024-01-01")}, "end after it starts"),
            ({"observation": ("nonsense", "2024-01-01")}, "`observation[0]`"),
            ({"observation": ("2030-01-01", "2030-01-02")}, "no incident falls inside"),
            ({"zero_length": "maybe"}, "`zero_length`"),
        ],
    )
    def test_bad_options(self, kwargs: dict, message: str) -> None:
        with pytest.raises(InputError) as error:
            incident_statistics(read_incidents(DATA / "overlaps.csv"), **kwargs)
        assert message in str(error.value)

    def test_not_a_table(self) -> None:
        with pytest.raises(InputError, match="read_incidents"):
            incident_statistics(pd.DataFrame({"start": [1]}))
        with pytest.raises(InputError, match="read_incidents"):
            incident_statistics([1, 2])  # type: ignore[arg-type]

    def test_unknown_system(self) -> None:
        stats = incident_statistics(read_incidents(DATA / "overlaps.csv"))
        with pytest.raises(InputError, match="'nope' is not in the log"):
            stats.row("nope")


class TestFilterAndLabels:
    def test_exclude_a_cause_or_a_cause_detail(self, lanl: pd.DataFrame) -> None:
        without = ftmath.filter_incidents(lanl, exclude_causes=["Hardware: Maintenance"])
        assert len(lanl) - len(without) == 734
        hardware = ftmath.filter_incidents(lanl, exclude_causes=["Hardware"])
        assert len(lanl) - len(hardware) == 14_341
        only = ftmath.filter_incidents(lanl, systems=["20"])
        assert set(only["system"]) == {"20"}

    def test_cause_labels(self) -> None:
        frame = pd.DataFrame(
            {"cause": ["Hardware", "Network", ""], "cause_detail": ["CPU", "Network", ""]}
        )
        assert ftmath.cause_labels(frame).tolist() == [
            "Hardware: CPU",
            "Network",
            "(no cause given)",
        ]


def test_durations_are_exact_to_the_nanosecond() -> None:
    frame = read_incidents(b"start,end\n2024-01-01T00:00:00.000000001Z,2024-01-01T00:00:01Z\n")
    outages = merge_outages(frame)
    assert_allclose(outages.loc[0, "hours"], (1 - 1e-9) / 3600, rtol=1e-12)
    assert np.issubdtype(outages["hours"].dtype, np.floating)


class TestDurationUnitDoubt:
    """Durations declared in one unit that all last seconds were probably written in another."""

    def test_minutes_that_last_seconds_are_doubted(self) -> None:
        log = read_incidents(
            b"system,start,duration_minutes\nA,2024-01-01T00:00:00Z,0.05\n"
            b"A,2024-01-02T00:00:00Z,0.099\n"
        )
        assert log.attrs["duration_unit"] == "min"
        doubt = ftmath.duration_unit_doubt(log)
        assert doubt is not None
        assert "`duration_minutes` is read in minutes" in doubt
        assert "the longest lasts 5.94 s" in doubt
        assert doubt.endswith("are these durations in hours rather than minutes?")

    @pytest.mark.parametrize(
        ("unit", "question"),
        [("s", "in minutes or hours rather than seconds?"), ("h", "is the unit right?")],
    )
    def test_a_chosen_unit_is_doubted_too(self, unit: str, question: str) -> None:
        data = b"start,duration\n2024-01-01 00:00,0.002\n"
        log = read_incidents(data, duration_unit=unit)  # type: ignore[arg-type]
        doubt = ftmath.duration_unit_doubt(log)
        assert doubt is not None and doubt.endswith(question)

    @pytest.mark.parametrize(
        "data",
        [
            b"start,duration_minutes\n2024-01-01 00:00,0.5\n",  # 30 s: plausible
            b"start,duration_minutes\n2024-01-01 00:00,0\n",  # zero-length only: no scale
            # End times are measured, not declared: never doubted, however short.
            b"start,end\n2024-01-01T00:00:00Z,2024-01-01T00:00:01Z\n",
            b"start,end,duration_minutes\n2024-01-01T00:00:00Z,2024-01-01T00:00:01Z,0.0167\n",
        ],
    )
    def test_plausible_or_measured_durations_are_not_doubted(self, data: bytes) -> None:
        assert ftmath.duration_unit_doubt(read_incidents(data)) is None

    def test_the_threshold_is_checked(self) -> None:
        log = read_incidents(b"start,duration_minutes\n2024-01-01 00:00,0.5\n")
        assert ftmath.duration_unit_doubt(log, below_seconds=60) is not None
        with pytest.raises(InputError, match="`below_seconds`"):
            ftmath.duration_unit_doubt(log, below_seconds=0)
