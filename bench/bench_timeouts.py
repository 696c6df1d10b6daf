"""Timeouts benchmarks (issue 4): read a 1,000,000-row JMeter CSV and compute the percentile
table with intervals, against DuckDB's quantile_cont over the same file in the same run."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import ftmath
from bench.harness import Case

ROWS = 1_000_000
PERCENTILES = list(ftmath.DEFAULT_PERCENTILES)
HEADER = (
    "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,"
    "failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect"
)


def jmeter_csv(path: Path, rows: int = ROWS, seed: int = 11) -> Path:
    """A standard 17-column JMeter CSV: 40 labels (some with quoted commas), 0.5 % failures,
    lognormal latencies with a slow mode, rows not sorted by time."""
    rng = np.random.default_rng(seed)
    labels = np.array(
        [f"GET /api/item/{i}" for i in range(30)] + [f"Query a, b #{i}" for i in range(10)]
    )
    which = rng.integers(0, labels.size, rows)
    elapsed = np.rint(rng.lognormal(3.0, 0.8, rows) * np.where(rng.random(rows) < 0.02, 40, 1))
    ok = rng.random(rows) > 0.005
    stamp = 1_700_000_000_000 + np.sort(rng.integers(0, 3_600_000, rows))
    stamp[::7] += 500  # not sorted
    frame = pd.DataFrame(
        {
            "timeStamp": stamp,
            "elapsed": elapsed.astype(np.int64),
            "label": labels[which],
            "responseCode": np.where(ok, 200, 503),
            "responseMessage": np.where(ok, "OK", "Service Unavailable"),
            "threadName": "Thread Group 1-" + pd.Series(which % 50 + 1).astype(str),
            "dataType": "text",
            "success": np.where(ok, "true", "false"),
            "failureMessage": "",
            "bytes": rng.integers(200, 5000, rows),
            "sentBytes": 512,
            "grpThreads": 50,
            "allThreads": 50,
            "URL": "http://service.example/api",
            "Latency": (elapsed * 0.9).astype(np.int64),
            "IdleTime": 0,
            "Connect": rng.integers(0, 3, rows),
        }
    )
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        frame.to_csv(out, header=False, index=False)  # labels with commas are quoted
    return path


def cases() -> list[Case]:
    folder = Path(tempfile.mkdtemp(prefix="bench-timeouts-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = jmeter_csv(folder / "results.jtl")
    size_mb = path.stat().st_size / 1e6

    import duckdb

    connection = duckdb.connect()
    query = (
        f"SELECT quantile_cont(elapsed, {PERCENTILES}) FROM read_csv('{path.as_posix()}', "
        "header = true) WHERE success"
    )

    def ours() -> pd.DataFrame:
        frame = ftmath.read_latencies(path)
        healthy = frame["latency_ms"].to_numpy()[frame["ok"].to_numpy()]
        return ftmath.percentile_table(healthy)

    def duck() -> list[float]:
        return connection.execute(query).fetchone()[0]

    def agreement() -> str:
        table = ours()
        n = table.attrs["n"]
        theirs = duck()
        raw = pd.read_csv(path, usecols=["elapsed", "success"])
        healthy = raw.loc[raw["success"], "elapsed"].to_numpy(dtype=float)
        exact = np.quantile(healthy, PERCENTILES, method="inverted_cdf")
        assert n == healthy.size, (n, healthy.size)
        assert np.array_equal(table["value_ms"].to_numpy(), exact)
        # quantile_cont interpolates; nearest rank is within one order statistic of it
        gap = float(np.max(np.abs(np.asarray(theirs) - exact)))
        return f"n={n:,}, {size_mb:.0f} MB; = numpy inverted_cdf; max |Δ| vs DuckDB {gap:g} ms"

    return [
        Case(
            name=f"read {ROWS:,}-row JMeter CSV + percentile table with 95 % intervals",
            subject=ours,
            baseline_name="DuckDB read_csv + quantile_cont (7 quantiles)",
            baseline=duck,
            budget="<= 1.5x baseline",
            max_ratio=1.5,
            repeat=9,
            check=agreement,
        ),
    ]
