"""Topology benchmarks (issue 2): exact k-of-n, a large shared topology, a page rerun."""

from __future__ import annotations

import numpy as np
from scipy import stats

import ftmath
from bench.harness import Case

N_UNITS = 2000


def large_topology(shared: int = 15, services: int = 20, seed: int = 7) -> dict:
    """200 components: five edge components in series with `services` services of which 16
    must work; each service is a chain of nine parts of its own and three of `shared` shared
    dependencies."""
    rng = np.random.default_rng(seed)
    names = [f"shared-{i}" for i in range(shared)]
    edge = ["dns", "cdn", "waf", "gateway", "identity"]
    components = {name: {"availability": 0.99995} for name in edge}
    components.update({n: {"availability": float(rng.uniform(0.999, 0.99999))} for n in names})
    blocks = []
    for s in range(services):
        own = []
        for part in ("lb", "app", "cache", "db-a", "db-b", "queue", "worker", "search", "cdn"):
            name = f"svc{s}-{part}"
            components[name] = {
                "mtbf_hours": float(rng.uniform(500, 5000)),
                "mttr_hours": float(rng.uniform(0.2, 4)),
            }
            own.append(name)
        deps = [names[(3 * s + t) % shared] for t in range(3)]
        blocks.append(
            {
                "series": [
                    own[0],
                    {"k_of_n": {"k": 2, "n": 3, "of": own[1]}},
                    own[2],
                    {"parallel": [own[3], own[4]]},
                    *own[5:],
                    *deps,
                ]
            }
        )
    return {
        "name": "large",
        "components": components,
        "system": {"series": [*edge, {"k_of_n": {"k": 16, "of": blocks}}]},
    }


def independent_copy(document: dict) -> dict:
    """The same structure with every occurrence of a shared component made its own component."""
    counter = iter(range(10**6))
    components = dict(document["components"])

    def rename(block):  # noqa: ANN001, ANN202
        if isinstance(block, str):
            if block.startswith("shared-"):
                fresh = f"{block}#{next(counter)}"
                components[fresh] = components[block]
                return fresh
            return block
        ((kind, body),) = block.items()
        if kind == "k_of_n" and isinstance(body["of"], list):
            return {kind: {**body, "of": [rename(b) for b in body["of"]]}}
        if kind == "k_of_n" or not isinstance(body, list):
            return block
        return {kind: [rename(b) for b in body]}

    system = rename(document["system"])
    return {**document, "components": components, "system": system}


def cases() -> list[Case]:
    rng = np.random.default_rng(1)
    p = rng.uniform(0.5, 1.0, N_UNITS)
    k = 1500

    def agreement() -> str:
        ours = ftmath.k_of_n(k, p)
        theirs = float(stats.poisson_binom(p).sf(k - 1))
        rel = abs(ours - theirs) / theirs
        assert rel < 1e-9, rel
        return f"rel. diff {rel:.1e}"

    doc = large_topology()
    flat = independent_copy(doc)
    n_components = len(ftmath.parse_topology(doc).used)
    shared = len(ftmath.parse_topology(doc).shared)
    return [
        Case(
            name=f"k_of_n, {N_UNITS} different units",
            subject=lambda: ftmath.k_of_n(k, p),
            baseline_name="scipy.stats.poisson_binom sf",
            baseline=lambda: stats.poisson_binom(p).sf(k - 1),
            budget="<= 1.0x baseline, agree to 1e-9",
            max_ratio=1.0,
            repeat=21,
            check=agreement,
        ),
        Case(
            name=f"evaluate with importance, {n_components} components, {shared} shared",
            subject=lambda: ftmath.evaluate(doc),
            baseline_name="same structure, all independent",
            baseline=lambda: ftmath.evaluate(flat),
            budget="< 0.5 s",
            max_seconds=0.5,
            repeat=5,
        ),
        *_page_rerun_cases(),
    ]


def _page_rerun_cases() -> list[Case]:
    """A Topology page rerun after a widget change, the script's own time under AppTest."""
    from itertools import count

    from tests.apptest import open_page

    topology = open_page("pages/topology.py")
    home = open_page("pages/home.py")
    fresh = count(2)

    def change_replicas() -> None:
        # A new replica count each time, so the evaluation is never a cache hit.
        key = f"topology.tiers.{topology.session_state['topology.version']}"
        topology.session_state[key] = {
            "edited_rows": {1: {"replicas": next(fresh)}},
            "added_rows": [],
            "deleted_rows": [],
        }
        topology.run()
        assert not topology.exception

    def rerun_home() -> None:
        home.run()

    return [
        Case(
            name="Topology page rerun after a replica change (AppTest)",
            subject=change_replicas,
            baseline_name="Start page rerun (AppTest)",
            baseline=rerun_home,
            budget="< 0.3 s",
            max_seconds=0.3,
            repeat=9,
        )
    ]
