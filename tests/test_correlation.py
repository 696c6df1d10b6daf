"""correlate, cross_correlation, coincidences and cascades against known values.

Sources of the known values are named in each test class. The seed document's flaws are
regression tests in `TestSeedFlaws`.
"""

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from ftmath import (
    ComputationLimitError,
    InputError,
    cascades,
    coincidence_table,
    coincidences,
    correlate,
    cross_correlation,
    parse_bin,
)
from ftmath.correlation import MAX_TYPES, _bh

HOUR = 3600
FOUR = {"start": "1970-01-01T00:00Z", "end": "1970-01-01T04:00Z"}  # four hourly bins


def events_at(**times: list[float]) -> pd.DataFrame:
    """Events from epoch seconds per type: events_at(a=[0, 60], b=[30])."""
    rows = [(t, name) for name, ts in times.items() for t in ts]
    return pd.DataFrame(
        {
            "timestamp": pd.to_datetime([t for t, _ in rows], unit="s", utc=True),
            "type": [name for _, name in rows],
        }
    )


def events_from_counts(width_s: int = HOUR, **counts: list[int]) -> pd.DataFrame:
    """Events whose counts per bin of `width_s` seconds are the given lists."""
    times = {
        name: [i * width_s + 1 for i, c in enumerate(series) for _ in range(c)]
        for name, series in counts.items()
    }
    return events_at(**times)


class TestIssueReferenceValues:
    """Reference values stated in issue 5."""

    def test_counts_and_r(self) -> None:
        result = correlate(events_at(a=[0, 60, 3600, 7200], b=[30, 7200]), "1h", permutations=0)
        assert result.counts["a"].tolist() == [2, 1, 1]
        assert result.counts["b"].tolist() == [1, 0, 1]
        assert result.r.loc["a", "b"] == pytest.approx(0.5, abs=1e-15)
        assert list(result.counts.index) == [
            pd.Timestamp("1970-01-01 00:00", tz="UTC"),
            pd.Timestamp("1970-01-01 01:00", tz="UTC"),
            pd.Timestamp("1970-01-01 02:00", tz="UTC"),
        ]
        assert result.counts.index.name == "bin_start"

    def test_shift_by_two_bins_peaks_at_plus_two(self) -> None:
        x = [0, 3, 1, 0, 0, 4, 0, 1, 0, 2, 0, 0, 5, 1, 0, 0]
        y = [0, 0] + x[:-2]
        result = correlate(events_from_counts(x=x, y=y), "1h", permutations=0)
        lag = result.lagged("x", "y", max_lag=5)
        assert lag.peak_lag == 2
        assert lag.leader == "x"
        assert "x leads y by 2 bins (2 h)" in lag.summary()
        assert result.lagged("y", "x", max_lag=5).peak_lag == -2

    def test_a_peak_inside_the_band_of_chance_names_no_leader(self) -> None:
        # Two independent Poisson series of 2,000 bins: the per-lag band is 1.96 / sqrt(2000)
        # = 0.0438 (Box, Jenkins & Reinsel, Time Series Analysis, 4th ed., sec. 11.1.3); the
        # largest of 49 lags crosses it most of the time (here r = 0.052 at lag -19), so the
        # peak is judged against the Bonferroni band z(1 - 0.025/49) / sqrt(2000) = 0.0736.
        rng = np.random.default_rng(3)
        a, b = rng.poisson(2.0, 2000), rng.poisson(2.0, 2000)
        lag = cross_correlation(a, b, max_lag=24, names=("a", "b"))
        assert lag.band == pytest.approx(1.96 / math.sqrt(2000))
        assert lag.peak_band == pytest.approx(stats.norm.isf(0.025 / 49) / math.sqrt(2000))
        assert lag.band < abs(lag.peak_r) <= lag.peak_band
        assert lag.summary().startswith("No lead beyond chance")
        assert "leads" not in lag.summary()
        # The same series with b following a by 3 bins: far outside the band, a leads.
        follower = np.concatenate([[0, 0, 0], a[:-3]]) + rng.poisson(0.2, 2000)
        lead = cross_correlation(a, follower, max_lag=24, names=("a", "b"))
        assert lead.peak_r > lead.peak_band
        assert "a leads b by 3 bins" in lead.summary()


class TestPearsonSpearman:
    def test_spearman_textbook_example(self) -> None:
        """Wikipedia, "Spearman's rank correlation coefficient", IQ vs hours of TV per week:
        rho = -29/165 = -0.175757..."""
        iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110]
        tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17]
        result = correlate(events_from_counts(iq=iq, tv=tv), "1h", permutations=0)
        assert result.rho.loc["iq", "tv"] == pytest.approx(-29 / 165, abs=1e-12)
        assert result.r.loc["iq", "tv"] == pytest.approx(stats.pearsonr(iq, tv).statistic, 1e-12)

    def test_spearman_with_ties_matches_scipy(self) -> None:
        a = [2, 1, 1, 0, 0, 3, 1]
        b = [1, 0, 1, 0, 2, 2, 0]
        result = correlate(events_from_counts(a=a, b=b), "1h", permutations=0)
        assert result.rho.loc["a", "b"] == pytest.approx(stats.spearmanr(a, b).statistic, 1e-12)

    def test_types_order_and_selection(self) -> None:
        events = events_at(a=[0], b=[0, 1], c=[0, 1, 2])
        assert correlate(events, "1h", 0).types == ["c", "b", "a"]  # most frequent first
        assert correlate(events, "1h", 0, types=["a", "c"]).types == ["a", "c"]


class TestSeedFlaws:
    """The seed's windowing loop: windows start at the first event and stop before the last
    one; a single event gives no bins; constant series give 0.0 (or numpy's NaN / 1.0)."""

    def test_last_event_on_an_exact_bin_multiple_is_counted(self) -> None:
        result = correlate(events_at(a=[0, 3600, 7200], b=[1800, 7200]), "1h", 0)
        assert result.counts.sum().to_dict() == {"a": 3, "b": 2}
        assert result.counts.iloc[-1].tolist() == [1, 1]
        assert result.n_events == 5

    def test_a_single_event_gives_one_bin_and_no_correlation(self) -> None:
        result = correlate(events_at(a=[10]), "1h", 999)
        assert result.counts.shape == (1, 1)
        assert result.counts.iloc[0, 0] == 1
        assert math.isnan(result.r.iloc[0, 0])
        assert "fewer than two bins" in (result.reason or "")

    def test_two_types_in_one_bin(self) -> None:
        result = correlate(events_at(a=[10], b=[20]), "1h", 999, seed=1)
        assert math.isnan(result.r.loc["a", "b"]) and math.isnan(result.p.loc["a", "b"])
        assert "fewer than two bins" in (result.why_undefined("a", "b") or "")

    def test_constant_series_are_undefined_not_zero_or_one(self) -> None:
        # a has one event in every bin; b and c are constant too but equal: numpy's corrcoef
        # of two equal constant float series can round to 1.0; the seed returned 0.0
        events = events_from_counts(a=[1, 1, 1, 1], b=[2, 2, 2, 2], c=[0, 3, 1, 0])
        result = correlate(events, "1h", 99, seed=1)
        assert math.isnan(result.r.loc["a", "b"])
        assert math.isnan(result.r.loc["a", "c"])
        assert math.isnan(result.rho.loc["a", "c"])
        assert math.isnan(result.p.loc["a", "c"])
        assert result.r.loc["c", "c"] == 1.0
        assert "constant" in result.undefined["a"]
        assert "(1) in every one of the 4 bins" in result.undefined["a"]
        pairs = result.pairs()
        assert pairs.loc[(pairs["a"] == "b") | (pairs["b"] == "b"), "note"].str.len().min() > 0

    def test_one_more_early_event_does_not_shift_the_bins(self) -> None:
        base = events_at(a=[5000, 9000, 13000], b=[5100, 12000])
        earlier = events_at(a=[5000 - 37 * 60, 5000, 9000, 13000], b=[5100, 12000])
        before = correlate(base, "1h", 0).counts
        after = correlate(earlier, "1h", 0).counts
        assert after.loc[before.index].equals(before)
        assert after.index[0] == pd.Timestamp("1970-01-01 00:00", tz="UTC")


class TestBins:
    @pytest.mark.parametrize(
        ("width", "first"),
        [
            ("15min", "2024-05-01 10:45"),
            ("1h", "2024-05-01 10:00"),
            ("6h", "2024-05-01 06:00"),
            ("1D", "2024-05-01 00:00"),
            ("7D", "2024-04-29 00:00"),  # a Monday
        ],
    )
    def test_aligned_to_the_calendar(self, width: str, first: str) -> None:
        t = pd.Timestamp("2024-05-01 10:59:59", tz="UTC").value // 10**9
        result = correlate(events_at(a=[t, t + 8 * 86400]), width, 0)
        assert result.counts.index[0] == pd.Timestamp(first, tz="UTC")
        assert result.counts.index.tz is not None

    def test_observation_window(self) -> None:
        result = correlate(
            events_at(a=[7200]), "1h", 0, start="1970-01-01T00:00Z", end="1970-01-01T05:00Z"
        )
        assert result.counts["a"].tolist() == [0, 0, 1, 0, 0]
        with pytest.raises(InputError, match="before `start`"):
            correlate(events_at(a=[0]), "1h", 0, start="1970-01-01T01:00Z")
        with pytest.raises(InputError, match="not before `end`"):
            correlate(events_at(a=[3600]), "1h", 0, end="1970-01-01T01:00Z")

    @pytest.mark.parametrize("width", ["7min", "abc", "0s", "400D", None])
    def test_bad_widths(self, width: object) -> None:
        with pytest.raises(InputError, match="`bin`"):
            parse_bin(width)

    def test_type_limit(self) -> None:
        # 100,000 types asked numpy for a 74.5 GiB matrix (breaker review): refused first.
        many = {f"t{i}": [i * 60] for i in range(MAX_TYPES + 1)}
        with pytest.raises(ComputationLimitError, match=f"at most {MAX_TYPES} types"):
            correlate(events_at(**many), "1h", 0)
        with pytest.raises(ComputationLimitError, match=f"at most {MAX_TYPES} types"):
            coincidence_table(events_at(**many), window="1min")

    def test_cell_limit(self) -> None:
        events = events_at(a=[0, 5 * 365 * 86400], b=[10])
        with pytest.raises(ComputationLimitError, match=r"bins of 1 s .* use bins of at least"):
            correlate(events, "1s", 0)


class TestPermutations:
    def test_exact_circular_test_by_hand(self) -> None:
        """x = y = [1, 0, 0, 0]: r = 1 at shift 0, and -1/3 at each of the three other shifts,
        so with every shift used p = (0 + 1) / 4."""
        result = correlate(events_from_counts(a=[1, 0, 0, 0], b=[1, 0, 0, 0]), "1h", 999, **FOUR)
        assert result.exact and result.permutations == 3
        assert result.r.loc["a", "b"] == 1.0
        assert result.p_raw.loc["a", "b"] == pytest.approx(0.25)
        assert result.p.loc["a", "b"] == pytest.approx(0.25)  # one pair: BH changes nothing

    def test_exact_p_equals_brute_force_rotation(self) -> None:
        rng = np.random.default_rng(3)
        counts = {
            name: rng.poisson(lam, 40).tolist()
            for name, lam in zip("abc", (1, 2, 0.5), strict=True)
        }
        counts["b"] = [v + counts["a"][i] for i, v in enumerate(counts["b"])]
        result = correlate(events_from_counts(**counts), "1h", 10_000)
        assert result.exact
        for a, b in (("a", "b"), ("a", "c"), ("b", "c")):
            x, y = np.array(counts[a]), np.array(counts[b])
            r = [np.corrcoef(x, np.roll(y, s))[0, 1] for s in range(len(x))]
            k = sum(abs(v) >= abs(r[0]) - 1e-9 for v in r[1:])
            assert result.p_raw.loc[a, b] == pytest.approx((k + 1) / len(x))
            assert result.r.loc[a, b] == pytest.approx(r[0], abs=1e-12)

    def test_seed_makes_p_reproducible(self) -> None:
        rng = np.random.default_rng(5)
        events = events_from_counts(
            a=rng.poisson(1, 3000).tolist(), b=rng.poisson(1, 3000).tolist()
        )
        one = correlate(events, "1h", 99, seed=7)
        two = correlate(events, "1h", 99, seed=7)
        assert one.p.equals(two.p)
        assert not one.exact and one.permutations == 99

    def test_a_strong_link_is_significant_and_noise_is_not(self) -> None:
        rng = np.random.default_rng(11)
        a = rng.poisson(0.5, 500)
        b = a + rng.poisson(0.5, 500)
        noise = rng.poisson(1.0, 500)
        events = events_from_counts(a=a.tolist(), b=b.tolist(), noise=noise.tolist())
        result = correlate(events, "1h", 999, seed=1)
        assert result.exact  # 999 >= 499 possible shifts: each used once
        assert result.p_raw.loc["a", "b"] == pytest.approx(1 / 500)
        assert result.p.loc["a", "b"] == pytest.approx(3 / 500)  # BH: smallest of 3, x 3
        assert result.p_raw.loc["a", "noise"] > 0.01
        pairs = result.pairs(alpha=0.05)
        assert pairs.iloc[0][["a", "b", "significant"]].tolist() == ["b", "a", True] or pairs.iloc[
            0
        ][["a", "b", "significant"]].tolist() == ["a", "b", True]

    def test_resolution_note(self) -> None:
        rng = np.random.default_rng(2)
        counts = {f"t{i}": rng.poisson(1, 1000).tolist() for i in range(6)}  # 15 pairs
        result = correlate(events_from_counts(**counts), "1h", 99, seed=3)
        assert result.p_floor == pytest.approx(0.01)
        note = result.resolution_note(alpha=0.05) or ""
        assert "below 0.01" in note and "at least 299 permutations" in note
        assert correlate(events_from_counts(**counts), "1h", 299, seed=3).resolution_note() is None
        short = {name: series[:200] for name, series in counts.items()}
        exact = correlate(events_from_counts(**short), "1h", 999, seed=3)
        assert "only 199 shifts exist" in (exact.resolution_note(alpha=0.01) or "")

    def test_off(self) -> None:
        result = correlate(events_from_counts(a=[1, 0, 2], b=[0, 1, 2]), "1h", 0)
        assert result.p.isna().all().all() and result.permutations == 0

    def test_benjamini_hochberg_paper_example(self) -> None:
        """Benjamini & Hochberg (1995), sec. 4: of these 15 p-values, the four smallest are
        rejected at q = 0.05."""
        p = np.array(
            [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240]
            + [0.4262, 0.5719, 0.6528, 0.7590, 1.000]
        )
        adjusted = _bh(p)
        assert (adjusted <= 0.05).sum() == 4
        assert adjusted[3] == pytest.approx(0.0095 * 15 / 4)
        assert math.isnan(_bh(np.array([np.nan, 0.01]))[0])

    def test_adjusted_p_are_bh_of_the_raw(self) -> None:
        rng = np.random.default_rng(2)
        counts = {f"t{i}": rng.poisson(1, 200).tolist() for i in range(5)}
        result = correlate(events_from_counts(**counts), "1h", 199, seed=3)
        iu = np.triu_indices(5, 1)
        raw = result.p_raw.to_numpy()[iu]
        assert_allclose(result.p.to_numpy()[iu], stats.false_discovery_control(raw), rtol=1e-12)


class TestCrossCorrelation:
    def test_autocorrelation_of_one_to_five(self) -> None:
        """R: acf(1:5) gives 1.0, 0.4, -0.1, -0.4, -0.4 (Box-Jenkins estimator)."""
        lag = cross_correlation([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], max_lag=4)
        assert_allclose(lag.r, [-0.4, -0.4, -0.1, 0.4, 1.0, 0.4, -0.1, -0.4, -0.4], atol=1e-12)
        assert lag.peak_lag == 0 and lag.leader == ""

    def test_undefined(self) -> None:
        assert cross_correlation([1, 1, 1], [0, 1, 2]).peak_lag is None
        assert "a has the same count" in (cross_correlation([1, 1, 1], [0, 1, 2]).reason or "")
        assert "fewer than two" in (cross_correlation([1], [2]).reason or "")

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"a": [1, 2], "b": [1, 2, 3]}, "same length"),
            ({"a": [1, 2], "b": [1, 2], "max_lag": -1}, "max_lag"),
            ({"a": [1, 2], "b": [1, float("nan")]}, "finite"),
        ],
    )
    def test_bad_input(self, kwargs: dict, message: str) -> None:
        with pytest.raises(InputError, match=message):
            cross_correlation(**kwargs)

    def test_lag_cut_to_the_series(self) -> None:
        assert cross_correlation([1, 0, 2], [0, 1, 0], max_lag=50).lags.tolist() == [
            -2,
            -1,
            0,
            1,
            2,
        ]


class TestCoincidences:
    def test_by_hand(self) -> None:
        """A at 0, 1000, 2000 s; B at 50, 1030 s; delta = 60 s. Followed: 0 -> 50 and
        1000 -> 1030, so 2 of 3. Chance: windows [0, 50] and [970, 1030] cover 110 s of the
        2000 s period, 0.055."""
        c = coincidences(events_at(a=[0, 1000, 2000], b=[50, 1030]), "a", "b", window="60s")
        assert (c.n_a, c.hits) == (3, 2)
        assert c.share == pytest.approx(2 / 3)
        assert c.chance == pytest.approx(0.055)
        assert c.lift == pytest.approx((2 / 3) / 0.055)

    def test_same_type_means_another_event(self) -> None:
        c = coincidences(events_at(a=[0, 0, 500, 5000]), "a", "a", window="10min")
        assert c.hits == 2  # the two events at 0 follow each other; 500 and 5000 have none

    def test_zero_window_counts_simultaneous_events(self) -> None:
        c = coincidences(events_at(a=[0, 100], b=[100, 300]), "a", "b", window=0)
        assert c.hits == 1 and c.chance == 0.0 and math.isnan(c.lift)
        assert "chance is 0" in (c.reason or "")

    def test_poisson_chance(self) -> None:
        """For a Poisson stream of rate lambda the chance share is 1 - exp(-lambda delta)."""
        rng = np.random.default_rng(4)
        b = np.cumsum(rng.exponential(600.0, 20_000))  # one per 10 min
        a = rng.uniform(0, b[-1], 5000)
        c = coincidences(events_at(a=a.tolist(), b=b.tolist()), "a", "b", window="5min")
        assert c.chance == pytest.approx(1 - math.exp(-300 / 600), abs=0.01)
        assert c.lift == pytest.approx(1.0, abs=0.05)

    def test_table(self) -> None:
        table = coincidence_table(events_at(a=[0, 1000], b=[30], c=[5000]), window="1min")
        assert len(table) == 6
        assert table.set_index(["a", "b"]).loc[("a", "b"), "hits"] == 1

    def test_unknown_type(self) -> None:
        with pytest.raises(InputError, match="type 'z' has no events"):
            coincidences(events_at(a=[0]), "a", "z")
        with pytest.raises(InputError, match="`window`"):
            coincidences(events_at(a=[0]), "a", "a", window="-5min")


class TestCascades:
    def test_bursts_and_members(self) -> None:
        events = events_at(power=[0], disk=[120, 5000, 5100], net=[200, 9000])
        events["row"] = range(2, 8)
        found = cascades(events, window="5min")
        assert found.count == 1 and found.bursts == 2
        row = found.table.iloc[0]
        assert row["members"] == "power x1, disk x1, net x1"
        assert (row["events"], row["distinct"], row["first"], row["duration_s"]) == (
            3,
            3,
            "power",
            200.0,
        )
        assert row["rows"] == "2, 3, 6"  # power at 0, disk at 120, net at 200

    def test_expected_by_chance_by_hand(self) -> None:
        """Labels x, x, y, y; one burst of two events: single-label with probability
        (C(2,2) + C(2,2)) / C(4,2) = 1/3, so 2/3 cascades are expected by chance."""
        found = cascades(events_at(x=[0, 10_000], y=[30, 20_000]), window="1min")
        assert found.expected == pytest.approx(2 / 3)
        assert found.count == 1

    def test_expected_by_chance_matches_shuffling(self) -> None:
        rng = np.random.default_rng(8)
        times = np.sort(rng.uniform(0, 200_000, 300))
        labels = rng.choice(["a", "b", "c"], 300, p=[0.6, 0.3, 0.1])
        events = pd.DataFrame(
            {"timestamp": pd.to_datetime(times, unit="s", utc=True), "type": labels}
        )
        found = cascades(events, window="10min")
        shuffled = [
            cascades(events.assign(type=rng.permutation(labels)), window="10min").count
            for _ in range(300)
        ]
        assert found.expected == pytest.approx(np.mean(shuffled), rel=0.05)

    def test_by_group_and_more_distinct(self) -> None:
        events = events_at(a=[0, 10, 20], b=[5])
        events["group"] = ["n1", "n2", "n1", "n3"]
        found = cascades(events, window="1min", by="group", min_distinct=3)
        assert found.count == 1
        assert found.table.iloc[0][["groups", "types", "members"]].tolist() == [
            "n1, n3, n2",
            "a, b",
            "n1 x2, n3 x1, n2 x1",
        ]
        assert cascades(events, window="1min", by="group", min_distinct=4).count == 0
        assert cascades(events, window="1min", min_distinct=3).expected is None

    def test_bad_options(self) -> None:
        with pytest.raises(InputError, match="`by`"):
            cascades(events_at(a=[0]), by="node")
        with pytest.raises(InputError, match="needs a `group` column"):
            cascades(events_at(a=[0]), by="group")
        with pytest.raises(InputError, match="at least 2"):
            cascades(events_at(a=[0]), min_distinct=1)


class TestBadInput:
    @pytest.mark.parametrize(
        ("events", "kwargs", "message"),
        [
            ("not a frame", {}, "must be a DataFrame"),
            (pd.DataFrame({"type": ["a"]}), {}, "no column `timestamp`"),
            (pd.DataFrame({"timestamp": ["x"], "type": ["a"]}), {}, "must hold timestamps"),
            (events_at(a=[0]), {"permutations": -1}, "`permutations`"),
            (events_at(a=[0]), {"permutations": True}, "`permutations`"),
            (events_at(a=[0]), {"seed": 1.5}, "`seed`"),
            (events_at(a=[0]), {"types": ["b"]}, "type 'b' has no events"),
            (events_at(a=[0]), {"types": "a"}, "not one string"),
            (events_at(a=[0]), {"types": []}, "at least one"),
        ],
    )
    def test_messages(self, events: object, kwargs: dict, message: str) -> None:
        with pytest.raises(InputError, match=message):
            correlate(events, "1h", **({"permutations": 0} | kwargs))  # type: ignore[arg-type]

    def test_unknown_pair(self) -> None:
        result = correlate(events_at(a=[0, 4000], b=[10]), "1h", 0)
        with pytest.raises(InputError, match="'z' is not among"):
            result.lagged("a", "z")


class TestExplanations:
    def test_recompute_equals_the_numbers_shown(self) -> None:
        rng = np.random.default_rng(6)
        a = rng.poisson(1, 300)
        b = a + rng.poisson(1, 300)
        events = events_from_counts(a=a.tolist(), b=b.tolist())
        result = correlate(events, "1h", 99, seed=4)
        explained = result.explain("a", "b")
        assert explained["r"].recompute() == pytest.approx(result.r.loc["a", "b"], rel=1e-12)
        assert explained["rho"].recompute() == pytest.approx(result.rho.loc["a", "b"], rel=1e-12)
        assert explained["p_raw"].recompute() == pytest.approx(result.p_raw.loc["a", "b"])
        assert explained["p"].value == pytest.approx(result.p.loc["a", "b"])
        lag = result.lagged("a", "b").explain()
        assert lag["peak_r"].recompute() == pytest.approx(result.lagged("a", "b").peak_r, 1e-12)
        c = coincidences(events, "a", "b", window="30min").explain()
        for name in ("share", "chance", "lift"):
            assert c[name].recompute() == pytest.approx(c[name].value, rel=1e-12)

    def test_exact_p_explanation(self) -> None:
        result = correlate(events_from_counts(a=[1, 0, 0, 0], b=[1, 0, 0, 0]), "1h", 999, **FOUR)
        assert result.explain("a", "b")["p_raw"].recompute() == pytest.approx(0.25)

    def test_undefined_says_why(self) -> None:
        result = correlate(events_from_counts(a=[1, 1, 1], b=[0, 1, 0]), "1h", 0)
        explained = result.explain("a", "b")
        assert explained["r"].value is None
        assert "constant" in (explained["r"].unavailable_reason or "")
        assert "switched off" in (explained["p"].unavailable_reason or "")


class TestThinData:
    """A pair with a handful of coincidences gets no verdict taken at its word."""

    def test_few_common_bins_and_few_events_are_named(self) -> None:
        # a and b share 4 bins; c has 3 events
        a = [i * HOUR for i in range(0, 200, 5)]
        b = [i * HOUR + 60 for i in range(0, 200, 50)] + [i * HOUR + 60 for i in (3, 7, 9)]
        c = [10 * HOUR, 11 * HOUR, 13 * HOUR]
        result = correlate(events_at(a=a, b=b, c=c), "1h", permutations=999, seed=1)
        assert result.common_bins.loc["a", "b"] == 4
        why = result.why_thin("a", "b")
        assert why == "only 4 bins hold both a and b (at least 10 are needed)"
        assert "c has only 3 events" in result.why_thin("a", "c")
        pairs = result.pairs()
        row = pairs[(pairs["a"] == "a") & (pairs["b"] == "b")].iloc[0]
        assert row["common_bins"] == 4 and row["thin"] == why
        assert set(result.thin()) == {("a", "b"), ("a", "c"), ("b", "c")}

    def test_a_thin_pair_with_a_small_p_is_not_called_significant(self) -> None:
        # a and b meet in the same 6 hours of 300 and nowhere else: p is at its floor, yet 6
        # shared bins are too few to take it at its word, so `significant` must say False
        # (the page, the heatmap star and the Pairs CSV all read this column).
        hours = (10, 60, 110, 160, 210, 260)
        a = [h * HOUR for h in hours] + [299 * HOUR]
        b = [h * HOUR + 60 for h in hours]
        result = correlate(events_at(a=a, b=b), "1h", permutations=999, seed=1)
        row = result.pairs().iloc[0]
        assert row["p"] <= 0.05 and "only 6 bins hold both" in row["thin"]
        assert not row["significant"]
        assert not result.pairs(alpha=0.5)["significant"].any()

    def test_types_that_never_meet_say_no_bin(self) -> None:
        a = [h * HOUR for h in range(0, 100, 2)]
        b = [h * HOUR for h in range(1, 100, 2)]
        result = correlate(events_at(a=a, b=b), "1h", permutations=99, seed=1)
        assert result.why_thin("a", "b").startswith("no bin holds both a and b")

    def test_a_well_supported_pair_is_not_thin(self) -> None:
        rng = np.random.default_rng(3)
        x = rng.poisson(2.0, 500)
        result = correlate(events_from_counts(a=list(x), b=list(x)), "1h", 999, seed=1)
        assert result.why_thin("a", "b") is None
        assert result.thin() == {}
        assert result.pairs()["thin"].tolist() == [""]

    def test_too_few_bins_and_too_few_permutations_say_the_floor(self) -> None:
        few = correlate(events_from_counts(a=[5, 0, 6, 0, 7] * 2, b=[6, 0, 5, 0, 8] * 2), "1h", 999)
        assert few.exact and few.n_bins == 10
        assert "no p-value is below 1/10 = 0.1" in few.why_thin("a", "b")
        assert "at least 20 bins" in few.why_thin("a", "b")
        rng = np.random.default_rng(4)
        x = rng.poisson(2.0, 500)
        coarse = correlate(events_from_counts(a=list(x), b=list(x)), "1h", 9, seed=1)
        assert coarse.why_thin("a", "b") == (
            "with 9 permutations the smallest attainable p-value is 1/(9 + 1) = 0.1, above q = 0.05"
        )
        assert coarse.why_thin("a", "b", alpha=0.1) is None

    def test_explaining_a_type_against_itself(self) -> None:
        result = correlate(events_from_counts(a=[1, 2, 0], b=[0, 1, 1]), "1h", 99, seed=1)
        explained = result.explain("a", "a")
        assert explained["p"].value is None
        assert "itself" in (explained["p"].unavailable_reason or "")
