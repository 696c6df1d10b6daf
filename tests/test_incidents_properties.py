"""Property tests (hypothesis) for merged outages, statistics and SLO windows.

Invariants: merged downtime is never more than the sum of incident durations nor less than
the longest one; availability lies in [0, 1]; the order of the records does not matter;
splitting an incident in two touching pieces changes nothing but the incident count; rolling
window downtime equals a brute-force sum of interval intersections; calendar months add up
to the whole downtime.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from ftmath import incident_statistics, merge_outages, slo_report
from ftmath.incidents import ALL_SYSTEMS

ORIGIN = pd.Timestamp("2024-01-01", tz="UTC")
HORIZON_MIN = 60 * 24 * 90  # 90 days, in minutes


@st.composite
def logs(draw: st.DrawFn, max_size: int = 25) -> pd.DataFrame:
    """A table shaped like read_incidents' output: minute-resolution intervals."""
    n = draw(st.integers(1, max_size))
    starts = draw(st.lists(st.integers(0, HORIZON_MIN), min_size=n, max_size=n))
    lengths = draw(
        st.lists(
            st.one_of(st.just(0), st.integers(0, 60 * 24 * 5)),
            min_size=n,
            max_size=n,
        )
    )
    systems = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n))
    start = ORIGIN + pd.to_timedelta(starts, unit="min")
    end = start + pd.to_timedelta(lengths, unit="min")
    return pd.DataFrame(
        {
            "start": pd.Series(start).dt.as_unit("ns"),
            "end": pd.Series(end).dt.as_unit("ns"),
            "system": systems,
            "cause": "",
            "problem": "",
        }
    )


def hours(frame: pd.DataFrame) -> pd.Series:
    return (frame["end"] - frame["start"]).dt.total_seconds() / 3600


@given(logs())
def test_merged_downtime_between_longest_and_sum(log: pd.DataFrame) -> None:
    outages = merge_outages(log)
    for system, rows in log.groupby("system"):
        merged = outages.loc[outages["system"] == system, "hours"].sum()
        assert merged <= hours(rows).sum() + 1e-9
        assert merged >= hours(rows).max() - 1e-9
        # Outages of one system are disjoint and sorted.
        mine = outages[outages["system"] == system]
        assert (mine["start"].iloc[1:].to_numpy() > mine["end"].iloc[:-1].to_numpy()).all()


@given(logs(), st.randoms(use_true_random=False))
def test_order_does_not_matter(log: pd.DataFrame, random) -> None:  # noqa: ANN001
    shuffled = log.sample(frac=1.0, random_state=random.randint(0, 2**31 - 1))
    a = incident_statistics(log).table.drop(columns=["why_na"])
    b = incident_statistics(shuffled).table.drop(columns=["why_na"])
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


@given(logs())
def test_availability_and_identities(log: pd.DataFrame) -> None:
    table = incident_statistics(log, observation="log").table
    defined = table["window_hours"] > 0  # a log of one zero-length record has no window
    assert table.loc[~defined, "availability"].isna().all()
    assert table.loc[~defined, "why_na"].str.contains("no length").all()
    # A window set by the outages that holds no up time is the outage itself: n/a, not 0.
    no_up = defined & (table["uptime_hours"] <= 0)
    assert table.loc[no_up, "availability"].isna().all()
    assert table.loc[no_up, "why_na"].str.contains("holds no up time").all()
    available = table.loc[defined & ~no_up, "availability"]
    assert ((available >= 0) & (available <= 1)).all()
    assert (table["downtime_hours"] <= table["window_hours"] + 1e-9).all()
    assert (table["failures"] <= table["outages"]).all()
    assert (table["outages"] <= table["incidents"]).all()
    ok = table["failures"] > 0
    assert_allclose(
        table.loc[ok, "mtbf_hours"], table.loc[ok, "uptime_hours"] / table.loc[ok, "failures"]
    )
    pooled = table.loc[ALL_SYSTEMS]
    systems = table.drop(index=ALL_SYSTEMS)
    assert_allclose(pooled["downtime_hours"], systems["downtime_hours"].sum())
    assert pooled["incidents"] == len(log)


@given(logs(max_size=10), st.data())
def test_splitting_an_incident_in_two_changes_only_the_incident_count(
    log: pd.DataFrame, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(log) - 1))
    row = log.iloc[i]
    cut = row["start"] + (row["end"] - row["start"]) / 2
    cut = cut.floor("min")
    first, second = row.copy(), row.copy()
    first["end"], second["start"] = cut, cut
    split = pd.concat([log.drop(index=log.index[i]), pd.DataFrame([first, second])])
    split = split.reset_index(drop=True)
    a = incident_statistics(log).table
    b = incident_statistics(split).table
    for column in ("outages", "failures", "downtime_hours", "availability", "window_hours"):
        assert_allclose(a[column].to_numpy(float), b[column].to_numpy(float), atol=1e-9)
    assert b.loc[ALL_SYSTEMS, "incidents"] == a.loc[ALL_SYSTEMS, "incidents"] + 1


@given(logs(), st.sampled_from([1.0, 7.0, 30.0]), st.sampled_from([6.0, 24.0]))
def test_rolling_windows_equal_brute_force_intersections(
    log: pd.DataFrame, days: float, step: float
) -> None:
    observation = (ORIGIN, ORIGIN + pd.Timedelta(days=100))
    report = slo_report(
        log, target=0.99, window_days=days, step_hours=step, observation=observation
    )
    outages = merge_outages(log, observation=observation)
    sample = report.windows.iloc[:: max(1, len(report.windows) // 15)]
    for _, w in sample.iterrows():
        mine = outages[outages["system"] == w["system"]]
        lo = np.maximum(mine["start"], w["window_start"])
        hi = np.minimum(mine["end"], w["window_end"])
        brute = ((hi - lo).dt.total_seconds().clip(lower=0) / 3600).sum()
        assert_allclose(w["downtime_hours"], brute, atol=1e-9)
        assert 0 <= w["availability"] <= 1
        assert bool(w["compliant"]) == (w["budget_used"] <= 1 + 1e-9)


@given(logs())
def test_months_add_up_to_the_whole_downtime(log: pd.DataFrame) -> None:
    observation = (ORIGIN - pd.Timedelta(days=3), ORIGIN + pd.Timedelta(days=100))
    report = slo_report(log, target=0.999, observation=observation)
    stats = incident_statistics(log, observation=observation)
    by_system = report.monthly.groupby("system")["downtime_hours"].sum()
    covered = report.monthly.groupby("system")["covered_hours"].sum()
    for system, total in by_system.items():
        assert_allclose(total, stats.row(system)["downtime_hours"], atol=1e-9)
        assert_allclose(covered[system], stats.row(system)["window_hours"], atol=1e-9)
