"""Run every benchmark module ``bench/bench_*.py`` (each defines ``cases()``) and print a table.

Usage: ``python -m bench [substring]`` runs the cases whose name contains the substring.
Exits 1 when a case misses its budget.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
from pathlib import Path

from bench.harness import run_case, table


def main(argv: list[str]) -> int:
    wanted = argv[1] if len(argv) > 1 else ""
    modules = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    outcomes = []
    for name in modules:
        module = importlib.import_module(f"bench.{name}")
        for case in module.cases():
            if wanted in case.name:
                print(f"running {case.name} ...", file=sys.stderr, flush=True)
                outcomes.append(run_case(case))
    print(
        f"\nmachine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; medians of alternating runs\n"
    )
    print(table(outcomes))
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
