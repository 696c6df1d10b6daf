"""Incident benchmarks (issue 6): statistics and SLO windows for 1,000,000 incidents.

The log: 1,000,000 incidents of 50 systems over five years (exponential gaps, log-normal
durations, so overlaps are common), in the table shape `read_incidents` returns. The baseline
is a plain pandas groupby of the same incident durations (count, mean, median, p90): it
merges nothing and evaluates no window, so it is the floor of any per-system summary.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

import ftmath
from bench.harness import Case

N_INCIDENTS = 1_000_000
N_SYSTEMS = 50
YEARS = 5
N_CSV = 200_000


def synthetic_log(n: int = N_INCIDENTS, systems: int = N_SYSTEMS, seed: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    span_ns = int(YEARS * 365 * 86400e9)
    start = pd.Timestamp("2020-01-01", tz="UTC").value + rng.integers(0, span_ns, n)
    minutes = np.round(rng.lognormal(mean=3.0, sigma=1.2, size=n))  # median 20 min
    end = start + (minutes * 60e9).astype(np.int64)
    return pd.DataFrame(
        {
            "start": pd.to_datetime(start, unit="ns", utc=True),
            "end": pd.to_datetime(end, unit="ns", utc=True),
            "system": pd.Series(rng.integers(0, systems, n)).map(lambda i: f"sys-{i:02d}"),
            "cause": "",
            "problem": "",
        }
    )


def groupby_baseline(log: pd.DataFrame) -> pd.DataFrame:
    hours = (log["end"] - log["start"]).dt.total_seconds() / 3600
    grouped = hours.groupby(log["system"])
    return pd.DataFrame(
        {
            "n": grouped.size(),
            "mean": grouped.mean(),
            "median": grouped.median(),
            "p90": grouped.quantile(0.9),
        }
    )


def csv_text(log: pd.DataFrame) -> bytes:
    out = log[["start", "end", "system"]].copy()
    out["start"] = out["start"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    out["end"] = out["end"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out.to_csv(index=False).encode()


def cases() -> list[Case]:
    log = synthetic_log()
    small = synthetic_log(N_CSV, seed=7)
    data = csv_text(small)

    def agreement() -> str:
        stats = ftmath.incident_statistics(log)
        base = groupby_baseline(log)
        mean = stats.table.loc[base.index, "incident_mean_hours"]
        diff = float((mean - base["mean"]).abs().max())
        assert diff < 1e-9, diff
        assert int(stats.table.loc[base.index, "incidents"].sum()) == N_INCIDENTS
        merged = int(stats.table.loc[base.index, "outages"].sum())
        return f"incident means agree ({diff:.0e} h); {merged:,} merged outages"

    def slo_check() -> str:
        report = ftmath.slo_report(log, target=0.999)
        n = len(report.windows)
        outages = ftmath.merge_outages(log)
        w = report.windows.iloc[n // 2]
        mine = outages[outages["system"] == w["system"]]
        lo = np.maximum(mine["start"], w["window_start"])
        hi = np.minimum(mine["end"], w["window_end"])
        brute = float(((hi - lo).dt.total_seconds().clip(lower=0) / 3600).sum())
        assert abs(brute - w["downtime_hours"]) < 1e-9
        return f"{n:,} windows; one checked by brute force"

    def read_baseline() -> pd.DataFrame:
        frame = pd.read_csv(io.BytesIO(data), dtype=str)
        frame["start"] = pd.to_datetime(frame["start"], format="ISO8601", utc=True)
        frame["end"] = pd.to_datetime(frame["end"], format="ISO8601", utc=True)
        return frame

    return [
        Case(
            name=f"incident_statistics, {N_INCIDENTS:,} incidents, {N_SYSTEMS} systems",
            subject=lambda: ftmath.incident_statistics(log),
            baseline_name="pandas groupby of the durations (n, mean, median, p90)",
            baseline=lambda: groupby_baseline(log),
            budget="< 2 s",
            max_seconds=2.0,
            repeat=5,
            check=agreement,
        ),
        Case(
            name=f"slo_report 30-day windows daily, {N_INCIDENTS:,} incidents",
            subject=lambda: ftmath.slo_report(log, target=0.999),
            baseline_name="pandas groupby of the durations (n, mean, median, p90)",
            baseline=lambda: groupby_baseline(log),
            budget="< 2 s",
            max_seconds=2.0,
            repeat=5,
            check=slo_check,
        ),
        Case(
            name=f"read_incidents, {N_CSV:,}-row ISO CSV",
            subject=lambda: ftmath.read_incidents(data),
            baseline_name="pandas read_csv + to_datetime(ISO8601)",
            baseline=read_baseline,
            budget="<= 3x baseline",
            max_ratio=3.0,
            repeat=3,
        ),
    ]
