"""Redundancy benchmarks (issue 3): a large repairable group, and an R(t) curve of 200 points.

Each case runs against a named baseline in the same run: the birth-death closed form of the
same chain (exact product formulas, evaluated in floating point), and a loop of dense
``scipy.linalg.expm`` calls, one per time point, on the same generator.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg

import ftmath
from bench.harness import Case

K, N, CREWS = 40, 50, 3
MTBF, MTTR = 10_000.0, 24.0  # a server failing about once a year, replaced within a day
MISSION = 5 * 8760.0
POINTS = 200


def birth_death_closed_form(k: int, n: int, mtbf: float, mttr: float, crews: int) -> tuple:
    """MTTF and unavailability of an active k-of-n group with repair from the product formulas
    (Rausand & Høyland ch. 8): w_j = prod_{i<j} lambda_i / mu_{i+1}."""
    lam, mu = 1.0 / mtbf, 1.0 / mttr
    span = n - k
    up = [(n - f) * lam for f in range(span + 1)]
    w = [1.0]
    for f in range(span + 1):
        w.append(w[-1] * up[f] / (min(f + 1, crews) * mu))
    mttf = math.fsum(math.fsum(w[: j + 1]) / (up[j] * w[j]) for j in range(span + 1))
    return mttf, w[-1] / math.fsum(w)


def cases() -> list[Case]:
    times = np.linspace(0.0, MISSION, POINTS)
    group = ftmath.repairable(K, N, MTBF, MTTR, crews=CREWS)
    absorbing = group.generator.copy()
    absorbing[~group.up_states, :] = 0.0

    def dense_loop() -> np.ndarray:
        return np.array([scipy.linalg.expm(absorbing * t)[0, group.up_states].sum() for t in times])

    def dense_unreliability() -> np.ndarray:
        return np.array(
            [scipy.linalg.expm(absorbing * t)[0, ~group.up_states].sum() for t in times]
        )

    def agreement_solve() -> str:
        ours = ftmath.repairable(K, N, MTBF, MTTR, crews=CREWS)
        mttf, unavailability = birth_death_closed_form(K, N, MTBF, MTTR, CREWS)
        rel = max(abs(ours.mttf_hours / mttf - 1), abs(ours.unavailability / unavailability - 1))
        assert rel < 1e-12, rel
        return f"MTTF {ours.mttf_hours:.4g} h, rel. diff {rel:.1e}"

    def agreement_curve() -> str:
        # R(t) ~ 1 agrees to about 1e-13 absolute; the unreliability (~1e-12 here, summed
        # directly over the down states) agrees to many significant digits.
        r_diff = float(np.max(np.abs(group.reliability(times) - dense_loop())))
        ours, theirs = group.unreliability(times)[1:], dense_unreliability()[1:]
        f_rel = float(np.max(np.abs(ours / theirs - 1)))
        assert r_diff < 1e-11 and f_rel < 1e-9, (r_diff, f_rel)
        return f"R: max abs diff {r_diff:.1e}; 1 - R: max rel diff {f_rel:.1e}"

    return [
        Case(
            name=f"repairable {K}-of-{N}, {CREWS} crews (MTTF + availability)",
            subject=lambda: ftmath.repairable(K, N, MTBF, MTTR, crews=CREWS),
            baseline_name="birth-death closed form, same chain",
            baseline=lambda: birth_death_closed_form(K, N, MTBF, MTTR, CREWS),
            budget="< 5 ms, agree to 1e-12",
            max_seconds=0.005,
            repeat=21,
            check=agreement_solve,
        ),
        Case(
            name=f"R(t) of {K}-of-{N}, {POINTS} points over {MISSION:.0f} h",
            subject=lambda: group.reliability(times),
            baseline_name="dense scipy.linalg.expm per point, same generator",
            baseline=dense_loop,
            budget="< 5 ms and <= 0.5x baseline",
            max_seconds=0.005,
            max_ratio=0.5,
            repeat=21,
            check=agreement_curve,
        ),
    ]
