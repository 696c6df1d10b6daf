"""Correlation benchmarks (issue 5): binning + correlation at scale, against a plain pandas
crosstab + corr and against the seed document's windowing loop; all-pairs permutation tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

import ftmath
from bench.harness import Case

N_EVENTS = 1_000_000
N_TYPES = 30
DAYS = 30


def large_log(seed: int = 1) -> pd.DataFrame:
    """1,000,000 events of 30 types over 30 days, unsorted, with bursts shared by some types."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-04-01", tz="UTC").value
    span = DAYS * 86400 * 10**9
    ns = start + rng.integers(0, span, N_EVENTS)
    weights = rng.pareto(1.5, N_TYPES) + 1
    types = rng.choice(N_TYPES, N_EVENTS, p=weights / weights.sum())
    # a fifth of the events of types 1-4 follow a type-0 event within a few minutes
    zero = ns[types == 0]
    follow = rng.choice(len(zero), N_EVENTS // 20)
    ns[: N_EVENTS // 20] = zero[follow] + rng.integers(0, 5 * 60 * 10**9, N_EVENTS // 20)
    types[: N_EVENTS // 20] = rng.integers(1, 5, N_EVENTS // 20)
    ns = np.clip(ns, start, start + span - 1)
    names = np.array([f"fault-{i:02d}" for i in range(N_TYPES)])
    return pd.DataFrame({"timestamp": pd.to_datetime(ns, utc=True), "type": names[types]})


def crosstab_corr(events: pd.DataFrame) -> pd.DataFrame:
    """The plain pandas way: floor to the minute, crosstab, Pearson."""
    return pd.crosstab(events["timestamp"].dt.floor("1min"), events["type"]).corr()


def seed_loop(events: pd.DataFrame) -> dict[str, float]:
    """The seed document's fault correlation, re-implemented: per pair of types, hour windows
    that start at the first event and stop before the last; each window counts both lists by
    scanning them; numpy's corrcoef, NaN replaced by 0. O(events x windows) per pair."""
    seconds = events["timestamp"].astype("int64").to_numpy() / 1e9
    by_type: dict[str, list[float]] = {}
    for t, name in zip(seconds.tolist(), events["type"].tolist(), strict=True):
        by_type.setdefault(name, []).append(t)
    names = list(by_type)
    out = {}
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            one, two = by_type[first], by_type[second]
            times = sorted(one + two)
            current, end = times[0], times[-1]
            s1, s2 = [], []
            while current < end:
                stop = current + 3600
                s1.append(sum(1 for t in one if current <= t < stop))
                s2.append(sum(1 for t in two if current <= t < stop))
                current = stop
            if len(s1) < 2:
                out[f"{first}__{second}"] = 0.0
                continue
            with np.errstate(invalid="ignore", divide="ignore"):
                r = np.corrcoef(s1, s2)[0, 1]
            out[f"{first}__{second}"] = 0.0 if np.isnan(r) else float(r)
    return out


SMALL_EVENTS, SMALL_DAYS = 10_000, 180


def small_log(seed: int = 2) -> pd.DataFrame:
    """10,000 events of 3 types over 180 days: small enough for the seed's loop (seconds)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01", tz="UTC").value
    span = SMALL_DAYS * 86400 * 10**9
    ns = start + rng.integers(0, span, SMALL_EVENTS)
    ns[-1] = start + span  # the last event on an exact hour: the seed drops it
    types = rng.choice(["disk", "network", "power"], SMALL_EVENTS, p=[0.6, 0.3, 0.1])
    return pd.DataFrame({"timestamp": pd.to_datetime(ns, utc=True), "type": types})


def cases() -> list[Case]:
    events = large_log()
    small = small_log()

    def agreement() -> str:
        ours = ftmath.correlate(events, "1min", 0).r
        theirs = crosstab_corr(events)
        diff = float(np.nanmax(np.abs(ours.loc[theirs.index, theirs.columns] - theirs)))
        assert diff < 1e-9, diff
        return f"max |r diff| {diff:.1e}"

    def seed_check() -> str:
        ours = ftmath.correlate(small, "1h", 0)
        counted = int(ours.counts.to_numpy().sum())
        assert counted == len(small)
        return f"ours counts all {counted} events; the seed's windows drop the last"

    def permutation_check() -> str:
        result = ftmath.correlate(events, "1min", 999, seed=1)
        pairs = result.pairs()
        floor = int((pairs["p_raw"] <= 1.5 / 1000).sum())
        return f"{result.permutations} shifts x {len(pairs)} pairs; {floor} pairs at raw p = 1/1000"

    return [
        Case(
            name=f"correlate {N_EVENTS:,} events, {N_TYPES} types, {DAYS} d, 1-min bins, p off",
            subject=lambda: ftmath.correlate(events, "1min", 0),
            baseline_name="pandas crosstab + corr",
            baseline=lambda: crosstab_corr(events),
            budget="<= 2x baseline",
            max_ratio=2.0,
            repeat=3,
            check=agreement,
        ),
        Case(
            name=f"correlate {SMALL_EVENTS:,} events, 3 types, {SMALL_DAYS} d, 1-h bins, p off",
            subject=lambda: ftmath.correlate(small, "1h", 0),
            baseline_name="seed's windowing loop",
            baseline=lambda: seed_loop(small),
            budget="<= 0.01x baseline (100x faster)",
            max_ratio=0.01,
            repeat=3,
            check=seed_check,
        ),
        Case(
            name=f"correlate {N_EVENTS:,} events, 1-min bins, 999 permutations, all pairs",
            subject=lambda: ftmath.correlate(events, "1min", 999, seed=1),
            baseline_name="same call, permutations=0",
            baseline=lambda: ftmath.correlate(events, "1min", 0),
            budget="< 10 s",
            max_seconds=10.0,
            repeat=3,
            check=permutation_check,
        ),
    ]
