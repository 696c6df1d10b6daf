"""read_events: long and wide logs, encodings, delimiters, time zones, and bad files.

The Los Alamos figures (23,739 records; cause counts) are facts of the released file
(LA-UR-05-7318, see examples/lanl-failure-data-1996-2005.README); Mountain time is UTC-6 in
summer (IANA America/Denver).
"""

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ftmath import (
    NO_TYPE,
    InputError,
    read_columns,
    read_events,
    refine_types,
    select_events,
    type_summary,
)

DATA = Path(__file__).resolve().parent / "data" / "correlation"


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


@pytest.fixture(scope="module")
def lanl() -> pd.DataFrame:
    return read_events(Path(__file__).resolve().parents[1] / "examples" / LANL)


LANL = "lanl-failure-data-1996-2005.csv"


class TestLanl:
    @pytest.fixture
    def events(self, lanl: pd.DataFrame) -> pd.DataFrame:
        return lanl

    def test_reads_every_record_with_no_manual_work(self, events: pd.DataFrame) -> None:
        assert len(events) == 23_739
        assert events.attrs["layout"] == "wide"
        assert events.attrs["time_column"] == "Prob Started"
        assert events.attrs["group_column"] == "System"
        assert events.attrs["timezone"] == "America/Denver"
        assert list(events.columns) == ["timestamp", "type", "group", "detail", "row"]

    def test_cause_counts(self, events: pd.DataFrame) -> None:
        assert events["type"].value_counts().to_dict() == {
            "Hardware": 14_341,
            "Software": 5_361,
            "Undetermined": 2_652,
            NO_TYPE: 453,
            "Network": 421,
            "Facilities": 362,
            "Human Error": 149,
        }

    def test_first_record_of_the_file(self, events: pd.DataFrame) -> None:
        # row 2: System 2, 6/21/2005 10:54 local (MDT), Hardware = Graphics Accel Hdwr
        first = events[events["row"] == 2].iloc[0]
        assert first["timestamp"] == utc("2005-06-21 16:54")
        assert (first["type"], first["group"], first["detail"]) == (
            "Hardware",
            "2",
            "Graphics Accel Hdwr",
        )

    def test_sorted_by_time_and_nothing_lost(self, events: pd.DataFrame) -> None:
        assert events["timestamp"].is_monotonic_increasing
        assert sorted(events["row"]) == list(range(2, 23_739 + 2))
        assert any("America/Denver" in note for note in events.attrs["notes"])

    def test_refined_types(self, events: pd.DataFrame) -> None:
        fine = refine_types(events)
        assert (fine["type"] == "Hardware: CPU").sum() == 5_931
        assert (fine["type"] == "Human Error").sum() == 149  # detail equals the cause


class TestLongFiles:
    def test_iso_offsets_alertmanager_style(self) -> None:
        events = read_events(DATA / "alerts-iso-offsets.csv")
        assert events.attrs["time_column"] == "startsAt"
        assert events.attrs["type_columns"] == ["alertname"]
        assert events.attrs["group_column"] == "instance"
        assert len(events) == 12  # the duplicate row is kept
        assert events["timestamp"].iloc[0] == utc("2024-03-30 21:15")
        both = events[events["row"].isin([2, 3])]["timestamp"].tolist()
        assert both == [utc("2024-03-31 00:58"), utc("2024-03-31 01:01")]

    def test_tab_separated_epoch_milliseconds(self) -> None:
        events = read_events(DATA / "alerts-epoch-ms.tsv")
        assert events.attrs["time_format"] == "epoch milliseconds"
        assert events["timestamp"].iloc[0] == utc("2024-03-31 00:00")
        assert events["type"].tolist() == ["disk", "net", "disk", "disk", "net"]
        assert events["group"].tolist() == ["a", "a", "b", "a", "b"]

    def test_utf16_with_quoted_comma(self) -> None:
        events = read_events(DATA / "faults-utf16.csv")
        assert events["type"].tolist() == ["disk", "net, core", "disk"]

    def test_latin1_semicolons_chosen_columns_local_times(self) -> None:
        source = DATA / "faults-semicolon-latin1.csv"
        assert read_columns(source) == ["Zeit", "Störung", "Knoten"]
        with pytest.raises(InputError, match="no time column found"):
            read_events(source)
        events = read_events(
            source,
            time_column="Zeit",
            type_column="Störung",
            group_column="Knoten",
            timezone="Europe/Berlin",
        )
        assert events["type"].tolist() == ["Lüfter", "Netz", "Lüfter", "Netz"]
        # 02:30 on 2024-03-31 does not exist in Berlin (read as CET); 02:30 on 2024-10-27
        # exists twice (read as the first, CEST)
        assert events["timestamp"].tolist() == [
            utc("2024-03-31 00:30"),
            utc("2024-03-31 01:30"),
            utc("2024-03-31 01:30"),
            utc("2024-10-27 00:30"),
        ]
        assert len(events.attrs["notes"]) == 2

    def test_utf16_without_bom(self) -> None:
        data = "time,type\n2024-01-01T00:00Z,disk\n".encode("utf-16-le")
        assert read_events(data)["type"].tolist() == ["disk"]

    def test_decimal_epoch_seconds_and_a_pipe(self) -> None:
        events = read_events(b"ts|kind\n1700000000.5|disk\n")
        assert events["timestamp"].iloc[0] == utc("2023-11-14 22:13:20.5")

    def test_utf8_bom_and_unsorted(self) -> None:
        data = "\ufefftime,type\n2024-01-02T00:00Z,b\n2024-01-01T00:00Z,a\n".encode()
        events = read_events(data)
        assert events["type"].tolist() == ["a", "b"]
        assert events["row"].tolist() == [3, 2]

    def test_file_object_and_dataframe(self) -> None:
        data = b"timestamp,type\n2024-01-01T00:00Z,a\n"
        assert len(read_events(io.BytesIO(data))) == 1
        frame = pd.DataFrame({"timestamp": pd.to_datetime(["2024-01-01"]), "type": ["a"]})
        assert read_events(frame)["timestamp"].iloc[0] == utc("2024-01-01")

    def test_empty_type_is_kept(self) -> None:
        events = read_events(b"time,type\n2024-01-01T00:00Z,\n2024-01-01T01:00Z,net\n")
        assert events["type"].tolist() == [NO_TYPE, "net"]
        assert "empty" in events.attrs["notes"][0]


class TestWideFiles:
    def test_one_hot_columns(self) -> None:
        events = read_events(
            DATA / "faults-onehot.csv", type_columns=["hardware", "software", "network"]
        )
        assert events["type"].tolist() == ["hardware", "software", "network", NO_TYPE, "hardware"]
        assert events["detail"].tolist() == ["", "", "", "", ""]
        assert events["group"].tolist() == ["n1", "n1", "n2", "n2", "n1"]

    def test_known_cause_columns_are_found(self) -> None:
        events = read_events(DATA / "faults-onehot.csv")
        assert events.attrs["layout"] == "wide"

    def test_several_causes_filled_count_once(self) -> None:
        events = read_events(b"time,Hardware,Software\n2024-01-01T00:00Z,CPU,OS\n")
        assert events["type"].tolist() == ["Hardware"]
        assert "several cause columns" in events.attrs["notes"][0]


class TestBadFiles:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"", "the file is empty"),
            (b"   \n\n", "the file is empty"),
            (b"time,type\n", "header but no rows"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not text"),
            (bytes(range(1, 32)) * 20, "not text"),
            (np.random.default_rng(0).bytes(100_000), "not text"),
            (b"when,what\n2024-01-01,disk\n", "no time column found"),
            (b"time,colour\n2024-01-01,red\n", "no type column found"),
            (b"time,type,type\n2024-01-01,disk,net\n", r"`type` twice \(columns 2 and 3\)"),
            (b"\x00\x01binary", "not text \\(it holds NUL bytes"),
        ],
    )
    def test_message(self, data: bytes, message: str) -> None:
        with pytest.raises(InputError, match=message):
            read_events(data)

    def test_garbage_time_names_column_and_row(self) -> None:
        with pytest.raises(
            InputError, match=r"column `time`, row 4: 'yesterday afternoon' is not a time"
        ):
            read_events(DATA / "bad-time.csv")

    def test_missing_chosen_column(self) -> None:
        with pytest.raises(InputError, match="no type column `kind`; the columns are `time`"):
            read_events(b"time,type\n2024-01-01,a\n", type_column="kind")

    def test_same_column_twice(self) -> None:
        with pytest.raises(InputError, match="both the time and the type"):
            read_events(b"time,type\n2024-01-01,a\n", time_column="time", type_column="time")

    def test_wrong_source(self) -> None:
        with pytest.raises(InputError, match="`source` must be"):
            read_events(42)  # type: ignore[arg-type]

    def test_huge_epoch_value(self) -> None:
        with pytest.raises(InputError, match="row 3"):
            read_events(b"time,type\n1700000000,a\n1e40,b\n")


class TestSelection:
    EVENTS = (
        b"time,type,host\n2024-01-01T00:00Z,disk,a\n2024-01-01T01:00Z,net,b\n"
        b"2024-01-02T00:00Z,disk,b\n"
    )

    def test_select(self) -> None:
        events = read_events(self.EVENTS)
        assert select_events(events, types=["disk"])["row"].tolist() == [2, 4]
        assert select_events(events, groups=["b"])["row"].tolist() == [3, 4]
        assert select_events(events, end="2024-01-01T01:00Z")["row"].tolist() == [2]
        assert select_events(events, start="2024-01-01T01:00Z")["row"].tolist() == [3, 4]
        assert select_events(events).attrs == events.attrs

    def test_select_by_group_needs_groups(self) -> None:
        events = read_events(self.EVENTS, group_column=None)
        with pytest.raises(InputError, match="no group column"):
            select_events(events, groups=["a"])

    def test_type_summary(self) -> None:
        summary = type_summary(read_events(self.EVENTS))
        assert summary["events"].to_dict() == {"disk": 2, "net": 1}
        assert summary.loc["disk", "last"] == utc("2024-01-02")
