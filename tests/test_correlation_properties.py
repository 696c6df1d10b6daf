"""Invariants of binning, correlation, lags, coincidences and cascades (hypothesis)."""

import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from ftmath import cascades, coincidences, correlate, cross_correlation

BINS = st.sampled_from(["1min", "15min", "1h", "6h", "1D"])


@st.composite
def event_logs(draw: st.DrawFn, max_size: int = 60) -> pd.DataFrame:
    """Unsorted events of up to four types within two weeks, duplicates allowed."""
    n = draw(st.integers(min_value=1, max_value=max_size))
    seconds = draw(st.lists(st.integers(min_value=0, max_value=14 * 86400), min_size=n, max_size=n))
    types = draw(st.lists(st.sampled_from(["disk", "net", "power", "os"]), min_size=n, max_size=n))
    base = pd.Timestamp("2024-03-25", tz="UTC")
    return pd.DataFrame({"timestamp": base + pd.to_timedelta(seconds, unit="s"), "type": types})


@given(event_logs(), BINS)
def test_counts_sum_to_the_number_of_events(events: pd.DataFrame, width: str) -> None:
    result = correlate(events, width, 0)
    assert int(result.counts.to_numpy().sum()) == len(events)
    assert result.counts.sum().to_dict() == events["type"].value_counts().to_dict()
    # bins are contiguous, aligned, and hold the first and the last event
    step = pd.Timedelta(width)
    assert (np.diff(result.counts.index.asi8) == step.value).all()
    assert result.counts.index[0] <= events["timestamp"].min() < result.counts.index[0] + step
    assert result.counts.index[-1] <= events["timestamp"].max() < result.counts.index[-1] + step
    assert result.counts.index[0].value % step.value == 0  # calendar-aligned


@given(event_logs(), BINS)
def test_r_is_symmetric_bounded_and_matches_numpy(events: pd.DataFrame, width: str) -> None:
    result = correlate(events, width, 0)
    r = result.r.to_numpy()
    assert np.array_equal(np.isnan(r), np.isnan(r.T))
    assert np.allclose(r[~np.isnan(r)], r.T[~np.isnan(r)], atol=1e-15)
    assert ((r[~np.isnan(r)] >= -1) & (r[~np.isnan(r)] <= 1)).all()
    counts = result.counts.to_numpy().astype(float)
    for i, a in enumerate(result.types):
        for j, b in enumerate(result.types):
            x, y = counts[:, i], counts[:, j]
            defined = len(x) >= 2 and x.std() > 0 and y.std() > 0
            assert math.isnan(r[i, j]) != defined
            if defined:
                assert math.isclose(r[i, j], np.corrcoef(x, y)[0, 1], abs_tol=1e-12)
                rho = stats.spearmanr(x, y).statistic
                assert math.isclose(result.rho.loc[a, b], rho, abs_tol=1e-12)


@given(event_logs(max_size=30), st.sampled_from(["1h", "6h"]), st.integers(0, 2**32 - 1))
def test_p_values_are_probabilities_and_bh_never_lowers(
    events: pd.DataFrame, width: str, seed: int
) -> None:
    result = correlate(events, width, 49, seed=seed)
    raw, adjusted = result.p_raw.to_numpy(), result.p.to_numpy()
    assert np.array_equal(np.isnan(raw), np.isnan(adjusted))
    ok = ~np.isnan(raw)
    assert ((raw[ok] > 0) & (raw[ok] <= 1)).all()
    assert (adjusted[ok] >= raw[ok] - 1e-15).all() and (adjusted[ok] <= 1).all()
    smallest = 1 / (result.permutations + 1)
    assert (raw[ok] >= smallest - 1e-15).all()


@given(event_logs(), st.integers(min_value=1, max_value=6 * 3600), BINS)
def test_an_earlier_event_never_moves_the_bins(
    events: pd.DataFrame, earlier_s: int, width: str
) -> None:
    before = correlate(events, width, 0).counts
    first = events["timestamp"].min() - pd.Timedelta(seconds=earlier_s)
    extra = pd.DataFrame({"timestamp": [first], "type": [events["type"].iloc[0]]})
    after = correlate(pd.concat([events, extra]), width, 0).counts
    assert set(before.index) <= set(after.index)
    added = after.loc[before.index, before.columns] - before
    assert int(added.to_numpy().sum()) in (0, 1)  # at most the new event, in the first bin


@given(
    st.lists(st.integers(min_value=0, max_value=9), min_size=2, max_size=40),
    st.lists(st.integers(min_value=0, max_value=9), min_size=2, max_size=40),
    st.integers(min_value=0, max_value=10),
)
def test_lag_symmetry(x: list[int], y: list[int], k: int) -> None:
    n = min(len(x), len(y))
    x, y = x[:n], y[:n]
    ab = cross_correlation(x, y, max_lag=k)
    ba = cross_correlation(y, x, max_lag=k)
    assert np.allclose(ab.r, ba.r[::-1], equal_nan=True, atol=1e-12)
    if ab.peak_lag is not None:
        assert np.nanmax(np.abs(ab.r)) <= 1 + 1e-12
        assert ab.r[ab.lags == ab.peak_lag][0] == np.nanmax(ab.r)


@given(event_logs(), st.integers(min_value=0, max_value=86400))
def test_coincidence_shares_are_probabilities(events: pd.DataFrame, window_s: int) -> None:
    types = sorted(set(events["type"]))
    a, b = types[0], types[-1]
    c = coincidences(events, a, b, window=pd.Timedelta(seconds=window_s))
    assert 0 <= c.hits <= c.n_a
    assert 0.0 <= c.share <= 1.0
    if not math.isnan(c.chance):
        assert 0.0 <= c.chance <= 1.0
    wider = coincidences(events, a, b, window=pd.Timedelta(seconds=window_s + 600))
    assert wider.hits >= c.hits
    if not math.isnan(c.chance):
        assert wider.chance >= c.chance - 1e-12


@given(event_logs(), st.integers(min_value=0, max_value=7200), st.integers(2, 4))
def test_cascades_partition_the_events(events: pd.DataFrame, gap_s: int, least: int) -> None:
    found = cascades(events, window=pd.Timedelta(seconds=gap_s), min_distinct=least)
    table = found.table
    assert (table["distinct"] >= least).all()
    assert int(table["events"].sum()) <= len(events)
    assert found.count <= found.bursts
    # cascades do not overlap and each spans at most (events - 1) gaps
    if len(table) > 1:
        assert (table["start"].iloc[1:].to_numpy() > table["end"].iloc[:-1].to_numpy()).all()
    assert (table["duration_s"] <= (table["events"] - 1) * gap_s + 1e-9).all()
    if found.expected is not None:
        assert 0.0 <= found.expected <= found.bursts + 1e-9
