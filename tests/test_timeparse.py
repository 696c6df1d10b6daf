"""parse_times: ISO 8601 with offsets, naive local times in a zone, epoch numbers, errors.

Known values come from the IANA time zone rules: the EU changes to summer time on the last
Sunday of March at 01:00 UTC (2024-03-31) and back on the last Sunday of October at 01:00 UTC;
in 2005 the US (Energy Policy Act rules before 2007) changed on the first Sunday of April
(2005-04-03, 02:00 local) and back on the last Sunday of October (2005-10-30, 02:00 local).
Mountain time is UTC-7, UTC-6 in summer. Epoch values: 1,700,000,000 s after
1970-01-01T00:00Z is 2023-11-14T22:13:20Z (POSIX time, IEEE Std 1003.1 sec. 4.16).
"""

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftmath import InputError, check_timezone, parse_times


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


class TestIso:
    def test_mixed_offsets_across_a_daylight_saving_change(self) -> None:
        times = parse_times(
            ["2024-03-31T01:30:00+01:00", "2024-03-31T03:30:00+02:00", "2024-03-31T02:00Z"],
            column="t",
        )
        assert list(times) == [
            utc("2024-03-31 00:30"),
            utc("2024-03-31 01:30"),
            utc("2024-03-31 02:00"),
        ]
        assert str(times.dtype) == "datetime64[ns, UTC]"
        assert times.attrs["notes"] == []

    def test_offset_forms_and_fractions(self) -> None:
        times = parse_times(
            ["2024-01-01T10:00:00.250+0100", "2024-01-01 10:00 UTC", "2024-01-01T09:00:00-01:00"],
            column="t",
        )
        assert list(times) == [
            utc("2024-01-01 09:00:00.25"),
            utc("2024-01-01 10:00"),
            utc("2024-01-01 10:00"),
        ]

    def test_a_date_is_not_mistaken_for_an_offset(self) -> None:
        # "2024-01-01" ends in "-01", which is not an offset: there is no time before it
        times = parse_times(["2024-01-01", "2024-01-02"], column="t", timezone="Asia/Tokyo")
        assert list(times) == [utc("2023-12-31 15:00"), utc("2024-01-01 15:00")]

    def test_naive_iso_in_utc_is_said(self) -> None:
        times = parse_times(["2024-01-01 12:00"], column="when")
        assert times[0] == utc("2024-01-01 12:00")
        assert "read as UTC" in times.attrs["notes"][0]


class TestNaiveLocal:
    def test_lanl_format_in_denver_summer_and_winter(self) -> None:
        times = parse_times(
            ["6/21/2005 10:54", "12/1/2005 10:54"], column="Prob Started", timezone="America/Denver"
        )
        assert list(times) == [utc("2005-06-21 16:54"), utc("2005-12-01 17:54")]
        assert times.attrs["format"] == "m/d/YYYY H:MM in America/Denver"

    def test_the_repeated_hour_is_read_as_the_first_occurrence(self) -> None:
        times = parse_times(["10/30/2005 1:30"], column="t", timezone="America/Denver")
        assert times[0] == utc("2005-10-30 07:30")  # 01:30 MDT (UTC-6)
        assert "repeated" in times.attrs["notes"][0]

    def test_the_skipped_hour_is_read_as_standard_time(self) -> None:
        times = parse_times(
            ["4/3/2005 2:30", "4/3/2005 3:30"], column="t", timezone="America/Denver"
        )
        # 02:30 MST (UTC-7) = 09:30 UTC = 03:30 MDT
        assert list(times) == [utc("2005-04-03 09:30"), utc("2005-04-03 09:30")]
        assert "skipped" in times.attrs["notes"][0]

    def test_day_first_when_a_day_exceeds_twelve(self) -> None:
        times = parse_times(["1/2/2024 10:00", "13/2/2024 10:00"], column="t")
        assert list(times) == [utc("2024-02-01 10:00"), utc("2024-02-13 10:00")]

    def test_month_first_by_default(self) -> None:
        assert parse_times(["1/2/2024 10:00"], column="t")[0] == utc("2024-01-02 10:00")

    def test_dotted_european_dates_in_berlin(self) -> None:
        times = parse_times(
            ["31.03.2024 03:30", "27.10.2024 03:30"], column="t", timezone="Europe/Berlin"
        )
        assert list(times) == [utc("2024-03-31 01:30"), utc("2024-10-27 02:30")]

    def test_datetime_values_naive_and_aware(self) -> None:
        naive = pd.Series(pd.to_datetime(["2024-07-01 12:00"]))
        assert parse_times(naive, column="t", timezone="Europe/Paris")[0] == utc("2024-07-01 10:00")
        aware = [datetime(2024, 7, 1, 12, tzinfo=UTC) + timedelta(hours=1)]
        assert parse_times(pd.Series(aware), column="t")[0] == utc("2024-07-01 13:00")


class TestEpoch:
    @pytest.mark.parametrize(
        ("values", "unit"),
        [
            ([1_700_000_000], "seconds"),
            ([1_700_000_000_000], "milliseconds"),
            (["1700000000000"], "milliseconds"),
            ([1_700_000_000_000_000], "microseconds"),
        ],
    )
    def test_unit_from_magnitude(self, values: list, unit: str) -> None:
        times = parse_times(values, column="t")
        assert times[0] == utc("2023-11-14 22:13:20")
        assert times.attrs["format"] == f"epoch {unit}"
        assert unit in times.attrs["notes"][0]

    def test_small_numbers_are_seconds_and_the_zone_is_ignored(self) -> None:
        times = parse_times([0, 60, 3600.5], column="t", timezone="Asia/Tokyo")
        assert list(times) == [
            utc("1970-01-01"),
            utc("1970-01-01 00:01"),
            utc("1970-01-01 01:00:00.5"),
        ]

    def test_explicit_unit(self) -> None:
        assert parse_times([1_700_000_000], column="t", unit="ms")[0] == utc("1970-01-20 16:13:20")


class TestErrors:
    def test_garbage_names_column_row_and_value(self) -> None:
        with pytest.raises(InputError, match=r"column `when`, row 4: 'yesterday' is not a time"):
            parse_times(["2024-01-01T00:00Z", "2024-01-01T01:00Z", "yesterday"], column="when")

    def test_garbage_among_naive_times(self) -> None:
        with pytest.raises(InputError, match=r"row 3: '13/45/2005 10:00' is not a time"):
            parse_times(["6/21/2005 10:54", "13/45/2005 10:00"], column="t")

    def test_garbage_among_offsets(self) -> None:
        with pytest.raises(InputError, match="row 2: '2024-13-01T00:00:00Z'"):
            parse_times(["2024-13-01T00:00:00Z"], column="t", first_row=2)

    def test_empty_cell(self) -> None:
        with pytest.raises(InputError, match=r"row 3: the time is empty"):
            parse_times(["2024-01-01", ""], column="t")
        assert parse_times(["2024-01-01", ""], column="t", allow_missing=True).isna().tolist() == [
            False,
            True,
        ]

    def test_all_empty(self) -> None:
        with pytest.raises(InputError, match="holds no times"):
            parse_times(["", " "], column="t")

    def test_out_of_range(self) -> None:
        with pytest.raises(InputError, match="outside the years"):
            parse_times(["2024-01-01", "3000-01-01"], column="t")
        with pytest.raises(InputError, match="out of range"):
            parse_times([1e30], column="t")

    def test_unknown_zone_suggests(self) -> None:
        with pytest.raises(InputError, match="did you mean .*America/Denver"):
            parse_times(["2024-01-01"], column="t", timezone="Denver")
        with pytest.raises(InputError, match="IANA"):
            check_timezone("")

    def test_bad_unit(self) -> None:
        with pytest.raises(InputError, match="`unit`"):
            parse_times([1], column="t", unit="minutes")


@given(
    st.lists(
        st.tuples(
            st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)),
            st.integers(min_value=-14 * 4, max_value=14 * 4),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_iso_with_any_offset_round_trips(pairs: list[tuple[datetime, int]]) -> None:
    """Writing UTC instants with arbitrary quarter-hour offsets and reading them back."""
    instants = [pd.Timestamp(d, tz="UTC").floor("us") for d, _ in pairs]
    texts = [
        (t + pd.Timedelta(minutes=15 * q)).tz_localize(None).isoformat()
        + ("+" if q >= 0 else "-")
        + f"{abs(15 * q) // 60:02d}:{abs(15 * q) % 60:02d}"
        for t, (_, q) in zip(instants, pairs, strict=True)
    ]
    assert list(parse_times(texts, column="t")) == instants


@given(st.lists(st.integers(min_value=0, max_value=4_000_000_000), min_size=1, max_size=30))
def test_epoch_seconds_and_milliseconds_agree(seconds: list[int]) -> None:
    s = parse_times(seconds, column="t", unit="s")
    ms = parse_times([v * 1000 for v in seconds], column="t", unit="ms")
    assert (s == ms).all()
    ns = s.dt.tz_localize(None).to_numpy("datetime64[ns]").view("int64")
    assert np.array_equal(ns // 10**9, np.array(seconds))
