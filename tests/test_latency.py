"""ftmath.latency: every format read into the tidy table, and every bad file explained.

Fixtures in tests/data/latency/ follow each tool's documented layout (JMeter's CSV/XML result
fields, k6's CSV and JSON output docs, Gatling's simulation.log in its 2.x and 3.x layouts,
vegeta's `encode --to csv` columns, hey's `-o csv`, wrk2's HdrHistogram spectrum, the
Prometheus exposition-format example).
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import ftmath
from ftmath import InputError, read_latencies, read_latency_histograms
from tests.conftest import DATA, EXAMPLES

LAT = DATA / "latency"
SHARED = Path("/work/shared/data/latency")


def shape_ok(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["latency_ms", "ok", "label", "timestamp"]
    assert frame["latency_ms"].dtype == float
    assert frame["ok"].dtype == bool
    assert pd.api.types.is_string_dtype(frame["label"])
    assert isinstance(frame["timestamp"].dtype, pd.DatetimeTZDtype)
    assert str(frame["timestamp"].dtype.tz) == "UTC"


class TestRealExamples:
    def test_ehrbase_jmeter_file(self) -> None:
        frame = read_latencies(EXAMPLES / "ehrbase-perftest-2022-07-05.jtl")
        shape_ok(frame)
        # Figures from /work/shared/data/README.md: 22,005 samples, 49 labels, all succeeded,
        # p50 about 14 ms, max about 8.1 s.
        assert len(frame) == 22_005
        assert frame["label"].nunique() == 49
        assert frame["ok"].all()
        assert frame.attrs["format"] == "jmeter-csv"
        assert np.percentile(frame["latency_ms"], 50, method="inverted_cdf") == 14.0
        assert frame["latency_ms"].max() == 8099.0
        # labels with commas (quoted) and the one with a stray quote survive intact
        assert "Query ehr_id, start_time, magnitude #1" in set(frame["label"])
        assert "Composition - Create International Patient Summary'" in set(frame["label"])
        # timeStamp is epoch ms at request start: 2022-07-05, 17 minutes
        span = frame["timestamp"].max() - frame["timestamp"].min()
        assert frame["timestamp"].min().date().isoformat() == "2022-07-05"
        assert pd.Timedelta(minutes=15) < span < pd.Timedelta(minutes=20)

    def test_llmperf_failures_are_kept_and_flagged(self) -> None:
        frame = read_latencies(EXAMPLES / "llmperf-leaderboard-requests.csv")
        shape_ok(frame)
        assert len(frame) == 2_845
        assert int((~frame["ok"]).sum()) == 539  # error_code set on 539 rows (README)
        assert frame.attrs["unit"] == "s"
        assert frame.attrs["latency_column"] == "end_to_end_latency_s"
        # 429s recorded with latency 0 are failures, never healthy zero-latency requests
        assert (frame.loc[frame["ok"], "latency_ms"] > 0).all()
        raw = pd.read_csv(EXAMPLES / "llmperf-leaderboard-requests.csv")
        assert_allclose(frame["latency_ms"], raw["end_to_end_latency_s"] * 1000, rtol=1e-12)
        assert frame["timestamp"].isna().all()

    def test_llmperf_other_column_on_request(self) -> None:
        frame = read_latencies(
            EXAMPLES / "llmperf-leaderboard-requests.csv", latency_column="ttft_s"
        )
        raw = pd.read_csv(EXAMPLES / "llmperf-leaderboard-requests.csv")
        assert_allclose(frame["latency_ms"], raw["ttft_s"] * 1000, rtol=1e-12)

    def test_apache_jmeter_testfile(self) -> None:
        frame = read_latencies(EXAMPLES / "jmeter-apache-testfile.csv")
        assert len(frame) == 255
        assert int((~frame["ok"]).sum()) == 3
        assert set(frame["label"]) == {"JR-OK", "JR-KO"}

    @pytest.mark.skipif(not SHARED.exists(), reason="shared data folder not mounted")
    def test_shared_copies_read_the_same(self) -> None:
        for path in SHARED.iterdir():
            ours = read_latencies(EXAMPLES / path.name)
            theirs = read_latencies(path)
            pd.testing.assert_frame_equal(ours, theirs)


class TestFormats:
    def test_jmeter_csv_quoted_label_and_multiline_message(self) -> None:
        frame = read_latencies(LAT / "jmeter.csv")
        assert frame["latency_ms"].tolist() == [17.0, 250.0, 1200.0, 30.0]
        assert frame["ok"].tolist() == [True, True, False, True]
        assert frame["label"].iloc[0] == "Query ehr_id, start_time #1"
        assert frame["timestamp"].iloc[0] == pd.Timestamp(1656995443821, unit="ms", tz="UTC")

    def test_a_time_column_of_dates_gives_the_timestamps(self) -> None:
        # Breaker review: `time;latency_ms` was told it had no timestamps.
        data = b"time;latency_ms\n2024-01-01T00:00:00Z;12\n2024-01-01T00:00:01Z;15\n"
        frame = read_latencies(data)
        assert frame["timestamp"].iloc[1] == pd.Timestamp("2024-01-01T00:00:01Z")
        # a numeric `time` is not read as dates (it may be a duration)
        numbers = read_latencies(b"time,latency_ms\n5,12\n6,15\n")
        assert numbers["timestamp"].isna().all()

    def test_jmeter_csv_without_header(self) -> None:
        frame = read_latencies(LAT / "jmeter-noheader.csv")
        assert frame.attrs["format"] == "jmeter-csv"
        assert frame["latency_ms"].tolist() == [351.0, 192.0, 131.0]
        assert frame["ok"].tolist() == [True, True, False]

    def test_jmeter_csv_formatted_timestamps_and_semicolons(self) -> None:
        frame = read_latencies(LAT / "jmeter-formatted.csv")
        assert frame["timestamp"].iloc[0] == pd.Timestamp("2024-03-05 11:00:27.191", tz="UTC")
        assert any("no time zone" in n for n in frame.attrs["notes"])

    def test_jmeter_xml_counts_top_level_samples_only(self) -> None:
        frame = read_latencies(LAT / "jmeter.xml")
        assert frame.attrs["format"] == "jmeter-xml"
        assert frame["latency_ms"].tolist() == [120.0, 340.0, 500.0]
        assert frame["label"].tolist() == ["GET /home", "GET /cart", "Checkout transaction"]
        assert frame["ok"].tolist() == [True, False, True]

    def test_k6_csv_keeps_only_request_durations(self) -> None:
        frame = read_latencies(LAT / "k6.csv")
        assert frame.attrs["format"] == "k6-csv"
        assert frame["latency_ms"].tolist() == [114.365, 98.12, 60000.0]
        assert frame["ok"].tolist() == [True, True, False]
        assert frame["timestamp"].iloc[0] == pd.Timestamp(1641298536, unit="s", tz="UTC")

    def test_k6_json(self) -> None:
        frame = read_latencies(LAT / "k6.json")
        assert frame.attrs["format"] == "k6-json"
        assert_allclose(frame["latency_ms"], [459.865729, 503.123])
        assert frame["ok"].tolist() == [True, False]
        assert frame["timestamp"].iloc[0] == pd.Timestamp("2017-05-09T12:34:45.239", tz="UTC")

    @pytest.mark.parametrize(
        ("name", "latency", "ok"),
        [
            ("gatling3.log", [276.0, 96.0, 150.0], [True, False, True]),
            ("gatling30.log", [87.0, 40.0], [True, True]),
            ("gatling2.log", [127.0, 301.0], [True, False]),
        ],
    )
    def test_gatling_layouts(self, name: str, latency: list[float], ok: list[bool]) -> None:
        frame = read_latencies(LAT / name)
        assert frame.attrs["format"] == "gatling-log"
        assert frame["latency_ms"].tolist() == latency  # end - start
        assert frame["ok"].tolist() == ok

    def test_vegeta_nanoseconds_and_errors(self) -> None:
        frame = read_latencies(LAT / "vegeta.csv")
        assert_allclose(frame["latency_ms"], [4.166044, 6.166044, 1.166044, 30000.0])
        assert frame["ok"].tolist() == [True, True, False, False]
        assert frame["label"].iloc[0] == "GET http://localhost:8080/"
        assert frame["timestamp"].iloc[0] == pd.Timestamp(1565086166893537000, unit="ns", tz="UTC")

    def test_hey_seconds(self) -> None:
        frame = read_latencies(LAT / "hey.csv")
        assert_allclose(frame["latency_ms"], [15.3, 10.1, 250.0])
        assert frame["ok"].tolist() == [True, True, False]

    def test_semicolon_and_decimal_comma(self) -> None:
        frame = read_latencies(LAT / "semicolon-decimal-comma.csv")
        assert frame["latency_ms"].tolist() == [12.5, 13.25, 250.0]
        assert frame["label"].tolist() == ["/home", "/home", "/search"]
        assert frame["ok"].tolist() == [True, True, False]

    @pytest.mark.parametrize(
        ("header", "factor"),
        [("latency_ms", 1.0), ("response_time_s", 1000.0), ("duration (us)", 1e-3),
         ("elapsed_ns", 1e-6), ("Latency [ms]", 1.0), ("rt_seconds", 1000.0)],
    )  # fmt: skip
    def test_unit_from_column_name(self, header: str, factor: float) -> None:
        frame = read_latencies(f'"{header}"\n2\n4\n'.encode())
        assert_allclose(frame["latency_ms"], [2 * factor, 4 * factor])

    def test_unit_chosen_by_user_when_the_name_says_none(self) -> None:
        with pytest.raises(InputError, match="unit of column `latency`"):
            read_latencies(b"latency\n1.5\n2\n")
        frame = read_latencies(b"latency\n1.5\n2\n", unit="s")
        assert frame["latency_ms"].tolist() == [1500.0, 2000.0]

    def test_headerless_numbers_need_a_unit(self) -> None:
        with pytest.raises(InputError, match="unit"):
            read_latencies(b"12\n15\n20\n")
        assert read_latencies(b"12\n15\n20\n", unit="ms")["latency_ms"].tolist() == [12, 15, 20]

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
    def test_encodings(self, encoding: str) -> None:
        text = "endpoint,latency_ms,success\nCafé münchen,12,true\n/b,30,false\n"
        frame = read_latencies(text.encode(encoding))
        assert frame["label"].tolist() == ["Café münchen", "/b"]
        assert frame["latency_ms"].tolist() == [12.0, 30.0]
        assert frame["ok"].tolist() == [True, False]

    def test_gzip_and_file_objects(self) -> None:
        data = (LAT / "jmeter.csv").read_bytes()
        a = read_latencies(gzip.compress(data))
        b = read_latencies(io.BytesIO(data))
        pd.testing.assert_frame_equal(a, b)

    def test_tab_delimited_with_status_and_timestamp(self) -> None:
        text = b"ts\tpath\tstatus_code\tresponse_time_ms\n2024-01-01T00:00:00Z\t/a\t200\t5\n"
        frame = read_latencies(text + b"2024-01-01T00:00:01Z\t/a\t429\t0\n")
        assert frame["ok"].tolist() == [True, False]
        assert frame["timestamp"].iloc[1] == pd.Timestamp("2024-01-01T00:00:01Z")

    def test_detect(self) -> None:
        assert ftmath.detect_latency_format(LAT / "wrk2.txt").kind == "histogram"
        assert ftmath.detect_latency_format(LAT / "jmeter.xml").name == "jmeter-xml"
        assert ftmath.detect_latency_format(LAT / "jmeter-noheader.csv").name == "jmeter-csv"


class TestHistograms:
    def test_wrk2_percentile_spectrum(self) -> None:
        (hist,) = read_latency_histograms(LAT / "wrk2.txt").values()
        assert hist.n == 39_553
        assert hist.upper_ms[0] == 0.214 and hist.upper_ms[-1] == 4.435
        assert hist.max_ms == 4.432
        assert hist.interpolation == "upper"

    def test_prometheus_exposition_example(self) -> None:
        # The histogram of the Prometheus exposition-format documentation.
        hists = read_latency_histograms(LAT / "prometheus.txt")
        hist = hists["http_request_duration_seconds"]
        assert hist.n == 144_320
        assert hist.upper_ms.tolist() == [50.0, 100.0, 200.0, 500.0, 1000.0, np.inf]

    def test_prometheus_bucket_csv_by_series(self) -> None:
        with pytest.raises(InputError, match="unit of the `le`"):
            read_latency_histograms(LAT / "prometheus-buckets.csv")
        hists = read_latency_histograms(LAT / "prometheus-buckets.csv", unit="s")
        assert set(hists) == {"/api", "/health"}
        assert hists["/api"].cumulative.tolist() == [80.0, 95.0, 100.0]

    def test_counter_reset_is_explained(self) -> None:
        text = b'x_seconds_bucket{le="0.1"} 5\nx_seconds_bucket{le="+Inf"} 3\n'
        with pytest.raises(InputError, match="cumulative counts fall"):
            read_latency_histograms(text)

    def test_histogram_is_not_read_as_requests(self) -> None:
        with pytest.raises(InputError, match="pre-aggregated"):
            read_latencies(LAT / "prometheus.txt")

    def test_requests_are_not_read_as_histogram(self) -> None:
        with pytest.raises(InputError, match="not a histogram"):
            read_latency_histograms(LAT / "jmeter.csv")


class TestBadFiles:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"", "empty"),
            (b"   \n\n", "empty"),
            (b"timeStamp,elapsed,label,success\n", "no requests|no rows"),
            (bytes(range(256)) * 8, "binary"),
            (b"\x89PNG\r\n\x1a\n" + bytes(2000), "binary"),
            (b"latency_ms\n12\nabc\n", "column `latency_ms`, data row 2: 'abc' is not a number"),
            (b"latency_ms\n12\n-3\n", "data row 2: latency -3 is not allowed"),
            (b"latency_ms\n12\ninf\n", "data row 2: latency inf"),
            (b"latency_ms,success\n12,maybe\n", "column `success`, data row 1"),
            (b"name,size\na,1\nb,2\n", "no latency column found"),
            (b"<html><body>hi</body></html>", "not a JMeter results file"),
            (b'{"hello": 1}', "JSON is not a latency format"),
            (b"timeStamp,elapsed,label,success\n1,2,a,true\n3,4,b\n5,x,c,true\n", "elapsed"),
        ],
    )
    def test_clear_messages(self, data: bytes, message: str) -> None:
        with pytest.raises(InputError, match=message):
            read_latencies(data)

    def test_aggregated_files_say_what_to_upload(self) -> None:
        with pytest.raises(InputError, match="Locust's aggregated statistics.*request"):
            read_latencies(LAT / "locust_stats.csv")
        with pytest.raises(InputError, match="Gatling's aggregated statistics.*simulation.log"):
            read_latencies(LAT / "gatling_global_stats.json")

    def test_utf16_garbage_and_text_mode(self) -> None:
        with pytest.raises(InputError):
            read_latencies("\ufeffnot a table at all".encode("utf-16"))
        with pytest.raises(InputError, match="binary mode"):
            read_latencies(io.StringIO("latency_ms\n1\n"))
        with pytest.raises(InputError, match="could not be read"):
            read_latencies("/nonexistent/file.csv")
        with pytest.raises(InputError, match="must be a path"):
            read_latencies(12)  # type: ignore[arg-type]

    def test_successful_request_without_latency(self) -> None:
        with pytest.raises(InputError, match="successful request without a latency"):
            read_latencies(b"latency_ms,status\n12,200\n,200\n")

    def test_failed_request_without_latency_is_kept(self) -> None:
        frame = read_latencies(b"latency_ms,status\n12,200\n,503\n")
        assert frame["ok"].tolist() == [True, False]
        assert np.isnan(frame["latency_ms"].iloc[1])

    def test_bad_unit(self) -> None:
        with pytest.raises(InputError, match="`unit` must be one of"):
            read_latencies(b"latency\n1\n", unit="hours")

    def test_latencies_beyond_116_days_are_a_wrong_unit(self) -> None:
        """1e308 ms once gave an infinite median downstream ("median inf ms"); a latency
        longer than any request waits says the unit is wrong, and the boundary is kept."""
        assert read_latencies(b"latency_ms\n1e10\n5\n")["latency_ms"].tolist() == [1e10, 5.0]
        with pytest.raises(InputError, match=r"data row 2: latency 1e\+308 ms .* latency unit"):
            read_latencies(b"latency_ms\n5\n1e308\n")

    def test_a_column_of_empty_latencies_is_explained(self) -> None:
        """Only 'nan' cells: read as nulls with no type (was a TypeError)."""
        with pytest.raises(InputError, match="data row 1: a successful request without"):
            read_latencies(b"latency_ms\n" + b"nan\n" * 50)

    def test_a_column_named_twice_is_refused(self) -> None:
        with pytest.raises(InputError, match=r"`latency_ms` twice \(columns 1 and 2\)"):
            read_latencies(b"latency_ms,latency_ms,label\n1,2,a\n3,4,b\n")


@given(
    st.lists(
        st.tuples(
            st.floats(0, 1e7, allow_nan=False),
            st.booleans(),
            st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
                     min_size=1, max_size=12).filter(lambda s: s.strip() == s and s != ""),
        ),
        min_size=1,
        max_size=40,
    )
)  # fmt: skip
def test_round_trip_through_a_csv(rows: list[tuple[float, bool, str]]) -> None:
    """Whatever pandas writes as a CSV comes back unchanged: latencies, outcome and labels."""
    source = pd.DataFrame(rows, columns=["latency_ms", "success", "label"])
    data = source.to_csv(index=False).encode()
    frame = read_latencies(data)
    assert_allclose(frame["latency_ms"], source["latency_ms"], rtol=1e-15)
    assert frame["ok"].tolist() == source["success"].tolist()
    assert frame["label"].tolist() == source["label"].tolist()
