"""ROI benchmarks (issue 7): the Monte Carlo, the whole analysis the page runs, the HTML export."""

from __future__ import annotations

import math
import random

import numpy as np
import plotly.graph_objects as go

import ftmath
from bench.harness import Case
from ftmath import roi_report

DRAWS = 100_000
LOOP_DRAWS = 1_000

INPUTS = {
    "cost_per_hour": 10_000.0,
    "mtbf_hours_now": 500.0,
    "mttr_hours_now": 4.0,
    "mtbf_hours_target": 2_000.0,
    "mttr_hours_target": 2.0,
    "capex": 150_000.0,
    "opex_per_year": 20_000.0,
    "years": 3,
    "discount_rate": 0.08,
}
UNCERTAIN = {
    "cost_per_hour": (1_000.0, 10_000.0, 20_000.0),
    "mtbf_hours_now": (300.0, 500.0, 1_500.0),
    "mtbf_hours_target": (600.0, 2_000.0, 3_000.0),
    "mttr_hours_target": (1.0, 2.0, 4.0),
    "capex": (120_000.0, 150_000.0, 400_000.0),
}


def variates_alone() -> float:
    """The random numbers the Monte Carlo needs, drawn and nothing else."""
    rng = np.random.default_rng(1)
    total = 0.0
    for low, mode, high in UNCERTAIN.values():
        total += float(rng.triangular(low, mode, high, DRAWS)[0])
    for lam, mttr in ((8760 / 504, 4.0), (8760 / 2002, 2.0)):
        counts = rng.poisson(lam, (DRAWS, 3))
        total += float(rng.gamma(counts, mttr)[0, 0])
    return total


def python_loop() -> list[float]:
    """The same model, one draw at a time in plain Python (``random``), for 1,000 draws."""
    rng = random.Random(1)

    def poisson(lam: float) -> int:  # Knuth's multiplication method
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1

    out = []
    for _ in range(LOOP_DRAWS):
        x = dict(INPUTS)
        for name, (low, mode, high) in UNCERTAIN.items():
            x[name] = rng.triangular(low, high, mode)
        npv = -x["capex"]
        for t in range(1, 4):
            cost = []
            for which in ("now", "target"):
                mtbf, mttr = x[f"mtbf_hours_{which}"], x[f"mttr_hours_{which}"]
                n = poisson(8760 / (mtbf + mttr))
                down = sum(rng.expovariate(1 / mttr) for _ in range(n))
                cost.append(down * x["cost_per_hour"])
            npv += (cost[0] - cost[1] - x["opex_per_year"]) / 1.08**t
        out.append(npv)
    return out


def cases() -> list[Case]:
    scenario = ftmath.RoiScenario(INPUTS, uncertain=UNCERTAIN, draws=DRAWS)
    analysis = ftmath.analyse_roi(scenario)
    one_figure = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))

    def unbiased() -> str:
        sim = ftmath.simulate_roi(INPUTS, draws=DRAWS, seed=4)
        se = float(sim.npv.std()) / math.sqrt(DRAWS)
        gap = abs(sim.mean - ftmath.roi(**INPUTS).npv) / se  # type: ignore[arg-type]
        assert gap < 5, gap
        return f"mean NPV within {gap:.1f} SE of roi()"

    def loop_agrees() -> str:
        vectorised = ftmath.simulate_roi(INPUTS, uncertain=UNCERTAIN, draws=DRAWS, seed=4)
        looped = np.array(python_loop())
        p_loop = float(np.mean(looped > 0))
        se = math.sqrt(p_loop * (1 - p_loop) / LOOP_DRAWS)
        gap = abs(vectorised.probability_positive - p_loop) / se
        assert gap < 5, gap
        return f"P(NPV>0) {vectorised.probability_positive:.3f} vs loop {p_loop:.3f}"

    return [
        Case(
            name=f"simulate_roi, {DRAWS:,} draws, 5 uncertain inputs, 3 years",
            subject=lambda: ftmath.simulate_roi(INPUTS, uncertain=UNCERTAIN, draws=DRAWS),
            baseline_name="numpy: the same random variates drawn alone",
            baseline=variates_alone,
            budget="< 0.25 s and <= 2x baseline",
            max_seconds=0.25,
            max_ratio=2.0,
            repeat=9,
            check=unbiased,
        ),
        Case(
            name=f"simulate_roi, {DRAWS:,} draws vectorised",
            subject=lambda: ftmath.simulate_roi(INPUTS, uncertain=UNCERTAIN, draws=DRAWS),
            baseline_name=f"plain Python loop, {LOOP_DRAWS:,} draws",
            baseline=python_loop,
            budget="100x the draws in <= 10x the loop's time (>= 10x faster a draw)",
            max_ratio=10.0,
            repeat=5,
            check=loop_agrees,
        ),
        Case(
            name=f"analyse_roi: model, sensitivity, 5 break-evens, {DRAWS:,}-draw Monte Carlo",
            subject=lambda: ftmath.analyse_roi(scenario),
            baseline_name="simulate_roi alone",
            baseline=lambda: ftmath.simulate_roi(INPUTS, uncertain=UNCERTAIN, draws=DRAWS),
            budget="< 0.5 s",
            max_seconds=0.5,
            repeat=5,
        ),
        Case(
            name="roi_html: self-contained report with 3 charts",
            subject=lambda: roi_report.roi_html(analysis),
            baseline_name="plotly to_html of one chart, plotly.js inlined",
            baseline=lambda: one_figure.to_html(include_plotlyjs=True),
            budget="< 1 s",
            max_seconds=1.0,
            repeat=5,
        ),
    ]
