"""A small benchmark harness: every case runs against a named baseline in the same run.

The subject and its baseline are timed alternately (so both see the same machine load), each
``repeat`` times after a warm-up; the table reports medians, their ratio, and the spread
(slowest over fastest run) so a noisy machine is visible. A case passes when the subject's
median meets its budget: at most ``max_ratio`` times the baseline, and/or at most
``max_seconds``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Case:
    """One benchmark: a subject, a named baseline measured alongside, and a budget."""

    name: str
    subject: Callable[[], Any]
    baseline_name: str
    baseline: Callable[[], Any]
    budget: str
    max_ratio: float | None = None
    max_seconds: float | None = None
    repeat: int = 5
    check: Callable[[], str] | None = None  # e.g. agreement with the baseline's answer
    notes: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    case: Case
    subject_s: float
    baseline_s: float
    spread: float
    passed: bool
    check: str


def _time(function: Callable[[], Any]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def run_case(case: Case) -> Outcome:
    case.subject()
    case.baseline()
    subject, baseline = [], []
    for _ in range(case.repeat):
        subject.append(_time(case.subject))
        baseline.append(_time(case.baseline))
    s, b = statistics.median(subject), statistics.median(baseline)
    passed = True
    if case.max_ratio is not None:
        passed &= s <= case.max_ratio * b
    if case.max_seconds is not None:
        passed &= s <= case.max_seconds
    spread = max(max(subject) / min(subject), max(baseline) / min(baseline))
    check = case.check() if case.check else ""
    return Outcome(case, s, b, spread, passed, check)


def _seconds(value: float) -> str:
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def table(outcomes: list[Outcome]) -> str:
    header = (
        "| case | budget | median | baseline | baseline median | ratio | spread | check | ok |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    rows = [
        f"| {o.case.name} | {o.case.budget} | {_seconds(o.subject_s)} | {o.case.baseline_name} | "
        f"{_seconds(o.baseline_s)} | {o.subject_s / o.baseline_s:.2f}x | {o.spread:.2f} | "
        f"{o.check} | {'yes' if o.passed else '**NO**'} |"
        for o in outcomes
    ]
    return "\n".join([header, *rows])
