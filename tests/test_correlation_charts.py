"""The Correlation page's figures stay small enough for a browser, whatever the input."""

import numpy as np
import pandas as pd
import pytest

from ftmath import (
    MAX_CHART_POINTS,
    MAX_HEATMAP_TYPES,
    InputError,
    chart_points,
    coarsen_counts,
    correlate,
    heatmap_chart,
    lag_chart,
    timeline_chart,
)


@pytest.fixture(scope="module")
def million() -> pd.DataFrame:
    """One million events of 60 types over two years, minute-stamped."""
    rng = np.random.default_rng(7)
    n = 1_000_000
    seconds = rng.integers(0, 2 * 365 * 86_400, n)
    weights = 1.0 / np.arange(1, 61)
    types = rng.choice([f"type{i:02d}" for i in range(60)], n, p=weights / weights.sum())
    return pd.DataFrame({"timestamp": pd.to_datetime(seconds, unit="s", utc=True), "type": types})


@pytest.fixture(scope="module")
def result(million: pd.DataFrame):  # noqa: ANN201
    return correlate(million, "1h", permutations=0)


class TestCoarsen:
    def test_sums_stretches_and_keeps_the_total(self) -> None:
        index = pd.date_range("2024-01-01", periods=10_001, freq="h", tz="UTC")
        counts = pd.DataFrame({"a": np.arange(10_001)}, index=index)
        summed, factor = coarsen_counts(counts, max_points=1_000)
        assert len(summed) <= 1_000
        assert factor == 11
        assert summed["a"].sum() == counts["a"].sum()
        assert summed.index[1] == index[11]

    def test_short_series_untouched(self) -> None:
        counts = pd.DataFrame({"a": [1, 2, 3]})
        summed, factor = coarsen_counts(counts)
        assert factor == 1
        assert summed is counts

    @pytest.mark.parametrize("bad", [0, -3, 2.5, True])
    def test_bad_bound(self, bad: object) -> None:
        with pytest.raises(InputError, match="`max_points`"):
            coarsen_counts(pd.DataFrame({"a": [1]}), max_points=bad)  # type: ignore[arg-type]


class TestBoundedFigures:
    def test_million_events_timeline(self, result) -> None:  # noqa: ANN001
        assert result.n_events == 1_000_000
        assert result.n_bins > 17_000  # two years of hours: far more than can be drawn
        chart = timeline_chart(result, "type00", "type01")
        assert chart_points(chart.figure) <= 2 * MAX_CHART_POINTS
        assert all(len(trace.x) <= MAX_CHART_POINTS for trace in chart.figure.data)
        assert chart.note and f"{result.n_bins:,}" in chart.note
        # the drawing sums bins; every event is still there
        drawn = sum(float(np.sum(trace.y)) for trace in chart.figure.data)
        assert drawn == result.counts[["type00", "type01"]].to_numpy().sum()

    def test_million_events_heatmap(self, result) -> None:  # noqa: ANN001
        assert len(result.types) == 60
        chart = heatmap_chart(result)
        assert chart_points(chart.figure) <= MAX_HEATMAP_TYPES**2
        assert chart.note and "50 most frequent of 60" in chart.note
        assert "type59" in chart.note  # the least frequent is named as left out
        assert "type00" in chart.figure.data[0].x

    def test_long_lag_plot(self, result) -> None:  # noqa: ANN001
        lag = result.lagged("type00", "type01", max_lag=10_000)
        assert lag.lags.size == 20_001
        chart = lag_chart(lag, bin_label="1 h")
        assert chart_points(chart.figure) <= MAX_CHART_POINTS
        assert chart.note and "found among all" in chart.note

    def test_small_input_drawn_whole_without_a_note(self) -> None:
        t = pd.to_datetime([0, 60, 3600, 7200, 30, 7200], unit="s", utc=True)
        small = correlate(pd.DataFrame({"timestamp": t, "type": list("aaaabb")}), "1h", 0)
        chart = timeline_chart(small, "a", "b")
        assert chart.note is None
        assert [list(trace.y) for trace in chart.figure.data] == [[2, 1, 1], [1, 0, 1]]
        assert heatmap_chart(small).note is None
        assert lag_chart(small.lagged("a", "b"), bin_label="1 h").note is None


def test_panels_and_lag_axis_name_the_types_escaped() -> None:
    # Without a title per panel the two timelines cannot be told apart (review finding); type
    # names are user text, so markup in them is shown, not rendered.
    t = pd.to_datetime([0, 60, 3600, 7200, 30, 7200], unit="s", utc=True)
    small = correlate(
        pd.DataFrame({"timestamp": t, "type": list("aaaa") + ["<b>x", "<b>x"]}), "1h", 0
    )
    chart = timeline_chart(small, "a", "<b>x")
    assert [note.text for note in chart.figure.layout.annotations] == ["a", "&lt;b&gt;x"]
    title = lag_chart(small.lagged("a", "<b>x"), bin_label="1 h").figure.layout.xaxis.title.text
    assert title == "lag k in bins of 1 h<br>k > 0: &lt;b&gt;x after a"
