"""Policy simulator benchmarks (issue 8).

- 1,000,000 requests without a breaker (the vectorised engine) against numpy drawing the same
  random numbers the simulation consumes: the simulation's own work on top of its inputs.
- 200,000 requests with a breaker and a fallback (the event-driven engine) against a bare
  heapq event loop that pushes and pops one event per attempt of the same run: the floor of any
  event-driven engine written in Python.

Both run on the EHRbase example's measured latencies with an outage in the middle of the run.
"""

from __future__ import annotations

import heapq
import math

import numpy as np

import ftmath
from bench.harness import Case
from ftmath.simulate import Chaos, Dependency, policy_presets, simulate
from ftmath.timeouts import _sample_backoff

EXAMPLE = "examples/ehrbase-perftest-2022-07-05.jtl"
RATE = 1000.0


def dependency(chaos: bool = True) -> Dependency:
    frame = ftmath.read_latencies(EXAMPLE)
    healthy = frame["latency_ms"].to_numpy()[frame["ok"].to_numpy()]
    outage = [Chaos("outage-fail", start_s=60, duration_s=30)] if chaos else []
    return Dependency.empirical(healthy, failure=0.01, chaos=outage)


def cases() -> list[Case]:
    dep = dependency()
    presets = policy_presets(timeout_ms=dep.quantile(0.999), hedge_delay_ms=dep.quantile(0.95))
    retries = presets["3 retries, no jitter"]
    breaker = presets["breaker + fallback"]
    big, events = 1_000_000, 200_000

    def vectorised() -> ftmath.SimulationResult:
        return simulate(retries, dep, requests=big, rate_per_s=RATE, seed=1)

    def draws() -> float:
        rng = np.random.default_rng(1)
        slots = retries.max_attempts
        arrival = np.cumsum(rng.exponential(1000.0 / RATE, big))
        x = dep.sample[rng.integers(0, dep.sample.size, size=(big, slots))]
        u = rng.random((big, slots))
        waits = _sample_backoff(rng, big, slots - 1, 50.0, 1000.0, "none")
        return float(arrival[-1] + x[0, 0] + u[0, 0] + waits[0, 0])

    def vectorised_check() -> str:
        healthy = simulate(retries, dependency(chaos=False), requests=big, rate_per_s=RATE, seed=2)
        closed = healthy.closed_form()
        sigma = math.sqrt(closed.success * (1 - closed.success) / big)
        z = abs(healthy.success - closed.success) / sigma
        assert z < 5, z
        storm = vectorised().peak_load()[0]
        return (
            f"no chaos: 1 − success {1 - healthy.success:.3g} vs closed form "
            f"{1 - closed.success:.3g} ({z:.1f} σ), load {healthy.load:.5f} vs "
            f"{closed.load:.5f}; outage: peak load {storm:.2f}x"
        )

    def event_driven() -> ftmath.SimulationResult:
        return simulate(breaker, dep, requests=events, rate_per_s=RATE, seed=1)

    schedule = event_driven()
    times = np.sort(schedule.attempt_s).tolist()

    def bare_loop() -> int:
        heap: list[tuple[float, int]] = []
        count = 0
        for seq, t in enumerate(times):
            heapq.heappush(heap, (t + 0.02, seq))
            while heap and heap[0][0] <= t:
                heapq.heappop(heap)
                count += 1
        return count + len(heap)

    def event_check() -> str:
        r = event_driven()
        assert r.failed == 0.0 and r.trips >= 1
        return (
            f"{r.attempt_s.size:,} attempts; served {r.served:.4f}, success {r.success:.4f}, "
            f"{r.trips} trips, load {r.load:.3f}"
        )

    return [
        Case(
            name=f"simulate {big:,} requests, 3 retries, outage (vectorised, no breaker)",
            subject=vectorised,
            baseline_name="numpy drawing the same random numbers",
            baseline=draws,
            budget="<= 1.5 s and <= 4x baseline",
            max_seconds=1.5,
            max_ratio=4.0,
            repeat=5,
            check=vectorised_check,
        ),
        Case(
            name=f"simulate {events:,} requests, breaker + fallback, outage (event-driven)",
            subject=event_driven,
            baseline_name="bare heapq loop, one push/pop per attempt",
            baseline=bare_loop,
            budget="<= 2.5 s and <= 12x baseline",
            max_seconds=2.5,
            max_ratio=12.0,
            repeat=5,
            check=event_check,
        ),
    ]
