"""Topology documents: nested series / parallel / k-of-n blocks of components, evaluated exactly.

A document names its components and a ``system`` block built from them (the format is in
``DESIGN.md``). A component named in several places is **one** physical component (a shared
dependency) and is counted once, exactly: the evaluation conditions on the states of shared
components (factoring, also called pivotal decomposition) and sums each one out at the
smallest block that holds all its occurrences. Subtrees without shared components are plain
numbers, so the cost grows with the shared components that overlap, not with the size of the
document.

References
----------
.. [1] M. Rausand and A. Høyland, *System Reliability Theory*, 2nd ed., Wiley, 2004:
   sec. 4.6 (pivotal decomposition), sec. 5.3 (Birnbaum, criticality, RAW and RRW importance).
.. [2] W. Kuo and X. Zhu, *Importance Measures in Reliability, Risk, and Optimization*,
   Wiley, 2012, ch. 2 and 4.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

import numpy as np
import pandas as pd

from ftmath.errors import ComputationLimitError, InputError
from ftmath.explain import Explanation, latex_number, latex_text
from ftmath.reliability import HOURS_PER_YEAR, Downtime, count_pmf, downtime, k_of_n_tails, nines

__all__ = [
    "MAX_COPIES",
    "MAX_DEPTH",
    "MAX_SHARED",
    "Component",
    "Topology",
    "TopologyResult",
    "evaluate",
    "load_document",
    "parse_topology",
]

MAX_SHARED = 24
"""Most shared components that may overlap at one block (2**24 joint states)."""

MAX_COPIES = 10_000
"""Most independent copies one block may hold."""

MAX_DEPTH = 100
"""Deepest nesting of blocks a document may have."""

_DOCUMENT_KEYS = {"name", "description", "components", "system", "mission_hours"}
_VALUE_KEYS = ("availability", "reliability", "unavailability", "mtbf_hours")
_COMPONENT_KEYS = {*_VALUE_KEYS, "mttr_hours", "note", "source"}
_BLOCK_KINDS = ("series", "parallel", "k_of_n")


# --- the parsed model ------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    """One component of a topology, with its probability of working and of failing.

    Attributes
    ----------
    name : str
        The component's name in the document.
    reliability, unreliability : float
        Probability that it works / fails; each computed directly from what the document gives
        (``unreliability`` from ``unavailability``, ``MTTR / (MTBF + MTTR)`` or
        ``-expm1(-t / MTBF)``), so neither is a rounded ``1 -`` the other.
    basis : str
        How the figure was given: ``"availability"``, ``"reliability"``, ``"unavailability"``,
        ``"mtbf/mttr"`` or ``"mtbf/mission"``.
    note : str
        Free text from the document (a source, an SLA name).
    """

    name: str
    reliability: float
    unreliability: float
    basis: str
    note: str = ""


@dataclass(eq=False)
class _Node:
    kind: str  # "leaf", "copies", "series", "parallel", "k_of_n"
    path: str
    name: str = ""  # leaf and copies: the component
    k: int = 1
    n: int = 1  # copies: number of independent copies
    children: list[_Node] = field(default_factory=list)
    variables: frozenset[str] = frozenset()  # component names below this node
    eliminate: tuple[str, ...] = ()  # shared names summed out here


@dataclass(eq=False)
class Topology:
    """A validated topology document, ready to evaluate.

    Attributes
    ----------
    name : str
        The document's name.
    components : dict of str to Component
        Every component the document defines, in document order.
    shared : tuple of str
        Components that appear in more than one place (one physical component each).
    copied : tuple of str
        Components used as ``n`` independent copies.
    mission_hours : float or None
        The document-level mission time, when given.
    document : dict
        The document itself (as parsed from JSON), for export.
    """

    name: str
    components: dict[str, Component]
    shared: tuple[str, ...]
    copied: tuple[str, ...]
    mission_hours: float | None
    document: dict[str, Any]
    root: _Node = field(repr=False)

    @property
    def used(self) -> list[str]:
        """Names of the components the system uses, in document order."""
        return [name for name in self.components if name in self.root.variables]


def parse_topology(document: Mapping[str, Any] | str | bytes) -> Topology:
    """Validate a topology document and build the model that `evaluate` computes with.

    Parameters
    ----------
    document : dict, str or bytes
        The document as a mapping, or as JSON text.

    Returns
    -------
    Topology
        The parsed model.

    Raises
    ------
    InputError
        For unknown keys, unknown component names, ``k`` outside ``1..n``, probabilities
        outside [0, 1] or negative hours; the message names the place in the document, such
        as ``system.series[1].k_of_n.k``.
    ComputationLimitError
        When more than `MAX_SHARED` shared components overlap in one block (an exact answer
        would take too long).

    Examples
    --------
    >>> topo = parse_topology({"components": {"a": {"availability": 0.99}},
    ...                        "system": {"parallel": ["a", "a"]}})
    >>> topo.shared
    ('a',)
    """
    doc = load_document(document)
    unknown = sorted(set(doc) - _DOCUMENT_KEYS)
    if unknown:
        raise InputError(
            f"unknown key `{unknown[0]}` at the top of the document; "
            f"accepted: {', '.join(sorted(_DOCUMENT_KEYS))}"
        )
    name = doc.get("name", "Untitled topology")
    if not isinstance(name, str):
        raise InputError(f"`name` must be text, got {name!r}")
    mission = doc.get("mission_hours")
    if mission is not None:
        mission = _number(mission, "mission_hours", minimum=0.0)
    if "components" not in doc:
        raise InputError("the document has no `components`: name each component and its figure")
    if "system" not in doc:
        raise InputError("the document has no `system`: the block built from the components")
    components = _parse_components(doc["components"], mission)
    root = _parse_block(doc["system"], "system", components)
    plain = Counter(_names(root, "leaf"))
    copied = set(_names(root, "copies"))
    for component in sorted(copied & set(plain)):
        raise InputError(
            f"component `{component}` is used both as `n` independent copies and by name; "
            "give the copies a component of their own"
        )
    shared = tuple(sorted(name for name, count in plain.items() if count > 1))
    _annotate(root, plain, set(shared))
    _check_overlap(root, set(shared))  # refused here, so a parsed topology can be evaluated
    return Topology(
        name=name,
        components=components,
        shared=shared,
        copied=tuple(sorted(copied)),
        mission_hours=mission,
        document=doc,
        root=root,
    )


def load_document(document: Mapping[str, Any] | str | bytes) -> dict[str, Any]:
    """Read a topology document from JSON text or bytes (or copy a mapping), unvalidated.

    Parameters
    ----------
    document : dict, str or bytes
        The document; bytes are UTF-8 (a BOM is fine).

    Returns
    -------
    dict
        The document as a dict; `parse_topology` validates it.

    Raises
    ------
    InputError
        For text that is empty, not UTF-8 (or UTF-16 with a byte-order mark), not JSON, or
        not a JSON object.

    Examples
    --------
    >>> load_document('{"system": "a"}')
    {'system': 'a'}
    """
    if isinstance(document, (bytes, bytearray)):
        data = bytes(document)
        # UTF-16 with a byte-order mark is what Windows PowerShell 5 writes by default.
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        try:
            document = data.decode("utf-16" if utf16 else "utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(
                "the topology file is not text: it "
                + ("starts like UTF-16 but does not decode" if utf16 else "is not UTF-8")
                + "; save it as UTF-8 JSON"
            ) from None
    if isinstance(document, str):
        if not document.strip():
            raise InputError("the topology document is empty; paste or upload a JSON document")
        try:
            document = json.loads(document)
        except RecursionError:
            raise InputError(
                f"the topology JSON is nested too deeply to read (more than {MAX_DEPTH} levels "
                "is never needed)"
            ) from None
        except json.JSONDecodeError as error:
            raise InputError(
                f"the topology is not valid JSON: {error.msg} at line {error.lineno}, "
                f"column {error.colno}"
            ) from None
    if not isinstance(document, Mapping):
        raise InputError(
            "the topology document must be a JSON object with `components` and `system`"
        )
    return dict(document)


def _number(value: Any, where: str, *, minimum: float, maximum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InputError(f"`{where}` must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(f"`{where}` must be a finite number, got {number}")
    if number < minimum or (maximum is not None and number > maximum):
        if maximum is not None:
            raise InputError(f"`{where}` must be between {minimum:g} and {maximum:g}, got {value}")
        raise InputError(f"`{where}` must be >= {minimum:g}, got {value}")
    return number


def _parse_components(raw: Any, mission: float | None) -> dict[str, Component]:
    if not isinstance(raw, Mapping):
        raise InputError("`components` must be an object mapping each name to its figures")
    if not raw:
        raise InputError("`components` is empty: name at least one component and its figure")
    components: dict[str, Component] = {}
    for name, spec in raw.items():
        where = f"components.{name}"
        if not isinstance(name, str) or not name.strip():
            raise InputError("component names must be non-empty text")
        if not isinstance(spec, Mapping):
            raise InputError(f'`{where}` must be an object such as {{"availability": 0.999}}')
        unknown = sorted(set(spec) - _COMPONENT_KEYS)
        if unknown:
            raise InputError(
                f"unknown key `{where}.{unknown[0]}`; "
                f"accepted: {', '.join(sorted(_COMPONENT_KEYS))}"
            )
        given = [key for key in _VALUE_KEYS if spec.get(key) is not None]
        if len(given) != 1:
            raise InputError(
                f"`{where}` must give exactly one of `availability`, `reliability`, "
                f"`unavailability` or `mtbf_hours` (with `mttr_hours`), got "
                f"{', '.join(f'`{g}`' for g in given) or 'none'}"
            )
        note = spec.get("note", "") or ""
        if not isinstance(note, str):
            raise InputError(f"`{where}.note` must be text")
        key = given[0]
        if key in ("availability", "reliability"):
            r = _number(spec[key], f"{where}.{key}", minimum=0.0, maximum=1.0)
            components[name] = Component(name, r, 1.0 - r, key, note)
        elif key == "unavailability":
            q = _number(spec[key], f"{where}.{key}", minimum=0.0, maximum=1.0)
            components[name] = Component(name, 1.0 - q, q, key, note)
        else:
            mtbf = _number(spec["mtbf_hours"], f"{where}.mtbf_hours", minimum=0.0)
            if mtbf == 0.0:
                raise InputError(f"`{where}.mtbf_hours` must be > 0, got 0")
            if spec.get("mttr_hours") is not None:
                mttr = _number(spec["mttr_hours"], f"{where}.mttr_hours", minimum=0.0)
                # MTTR / (MTBF + MTTR) and MTBF / (MTBF + MTTR), without overflowing the sum
                q = 0.0 if mttr == 0.0 else 1.0 / (1.0 + mtbf / mttr)
                if mttr > 0.0 and q == 0.0:
                    raise InputError(
                        f"`{where}`: MTTR / MTBF = {mttr:g} / {mtbf:g} is below 1e-308, beyond "
                        "double precision; give `unavailability` instead"
                    )
                components[name] = Component(name, 1.0 / (1.0 + mttr / mtbf), q, "mtbf/mttr", note)
            elif mission is not None:
                x = mission / mtbf
                components[name] = Component(
                    name, math.exp(-x), -math.expm1(-x), "mtbf/mission", note
                )
            else:
                raise InputError(
                    f"`{where}` gives `mtbf_hours` without `mttr_hours`: add `mttr_hours` for "
                    "steady-state availability, or a document-level `mission_hours` for the "
                    "probability of surviving a mission"
                )
        if key != "mtbf_hours" and spec.get("mttr_hours") is not None:
            raise InputError(f"`{where}.mttr_hours` only goes with `mtbf_hours`")
    return components


def _parse_block(
    raw: Any, where: str, components: Mapping[str, Component], depth: int = 0
) -> _Node:
    if depth > MAX_DEPTH:
        raise InputError(
            f"the system is nested more than {MAX_DEPTH} blocks deep at `{where[:80]}...`; "
            "flatten it (a series of series is one series)"
        )
    if isinstance(raw, str):
        if raw not in components:
            known = ", ".join(f"`{c}`" for c in list(components)[:8])
            raise InputError(f"`{where}` names an unknown component `{raw}`; defined: {known}")
        return _Node("leaf", where, name=raw)
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise InputError(
            f"`{where}` must be a component name or an object with one key: "
            "`series`, `parallel` or `k_of_n`"
        )
    ((kind, body),) = raw.items()
    if kind not in _BLOCK_KINDS:
        raise InputError(f"unknown block `{where}.{kind}`; accepted: series, parallel, k_of_n")
    where = f"{where}.{kind}"
    if kind == "k_of_n":
        if not isinstance(body, Mapping):
            raise InputError(f"`{where}` must be an object with `k` and `of`")
        unknown = sorted(set(body) - {"k", "n", "of"})
        if unknown:
            raise InputError(f"unknown key `{where}.{unknown[0]}`; accepted: k, n, of")
        if "k" not in body or "of" not in body:
            raise InputError(f"`{where}` needs both `k` and `of`")
        of = body["of"]
        if isinstance(of, str):
            n = _count(body.get("n"), f"{where}.n")
            k = _k(body["k"], n, f"{where}.k")
            return _copies(of, k, n, f"{where}.of", components)
        if "n" in body:
            raise InputError(f"`{where}.n` only goes with `of` naming one component (n copies)")
        children = _children(of, f"{where}.of", components, depth)
        k = _k(body["k"], len(children), f"{where}.k")
        return _Node("k_of_n", where, k=k, children=children)
    if isinstance(body, Mapping):  # {"parallel": {"n": 3, "of": "app"}}
        unknown = sorted(set(body) - {"n", "of"})
        if unknown or "of" not in body or not isinstance(body["of"], str):
            raise InputError(f'`{where}` must be a list of blocks or {{"n": N, "of": "name"}}')
        n = _count(body.get("n"), f"{where}.n")
        return _copies(body["of"], 1 if kind == "parallel" else n, n, f"{where}.of", components)
    children = _children(body, where, components, depth)
    return _Node(kind, where, children=children)


def _children(raw: Any, where: str, components: Mapping[str, Component], depth: int) -> list[_Node]:
    if not isinstance(raw, list) or not raw:
        raise InputError(f"`{where}` must be a non-empty list of blocks")
    return [
        _parse_block(item, f"{where}[{i}]", components, depth + 1) for i, item in enumerate(raw)
    ]


def _count(value: Any, where: str) -> int:
    if value is None:
        raise InputError(f"`{where}` is missing: how many copies")
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InputError(f"`{where}` must be a whole number >= 1, got {value!r}")
    if value > MAX_COPIES:
        raise InputError(f"`{where}` must be at most {MAX_COPIES} copies, got {value}")
    return int(value)


def _k(value: Any, n: int, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(f"`{where}` must be a whole number between 1 and {n}, got {value!r}")
    if not 1 <= value <= n:
        raise InputError(f"`{where}` must be between 1 and n = {n}, got {value}")
    return int(value)


def _copies(name: Any, k: int, n: int, where: str, components: Mapping[str, Component]) -> _Node:
    if name not in components:
        raise InputError(f"`{where}` names an unknown component `{name}`")
    return _Node("copies", where.rsplit(".of", 1)[0], name=name, k=k, n=n)


def _names(node: _Node, kind: str) -> list[str]:
    if node.kind == kind:
        return [node.name]
    return [name for child in node.children for name in _names(child, kind)]


def _check_overlap(node: _Node, shared: set[str]) -> set[str]:
    """The shared components still open above ``node``; raise when too many overlap."""
    if node.kind == "leaf":
        return {node.name} if node.name in shared else set()
    if node.kind == "copies":
        return set()
    carried: set[str] = set()
    for child in node.children:
        carried |= _check_overlap(child, shared)
    if len(carried) > MAX_SHARED:
        raise ComputationLimitError(
            f"`{node.path}` combines {len(carried)} shared components; at most "
            f"{MAX_SHARED} can overlap in one block for an exact answer. Split the system "
            "into independent parts, or model some dependencies as independent copies"
        )
    return carried - set(node.eliminate)


def _annotate(node: _Node, totals: Counter[str], shared: set[str]) -> Counter[str]:
    """Fill in ``variables`` and ``eliminate``; return the shared-name counts below ``node``."""
    if node.kind in ("leaf", "copies"):
        node.variables = frozenset([node.name])
        return Counter([node.name]) if node.name in shared else Counter()
    below: Counter[str] = Counter()
    complete_in_child: set[str] = set()
    for child in node.children:
        counts = _annotate(child, totals, shared)
        complete_in_child |= {s for s, c in counts.items() if c == totals[s]}
        below.update(counts)
    node.variables = frozenset().union(*(c.variables for c in node.children))
    node.eliminate = tuple(
        sorted(s for s, c in below.items() if c == totals[s] and s not in complete_in_child)
    )
    return below


# --- evaluation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopologyResult:
    """What `evaluate` found for a topology.

    Attributes
    ----------
    name : str
        The document's name.
    reliability, unreliability : float
        Probability that the system works / fails (availability and unavailability when the
        components are given by availability), each computed directly.
    nines : float
        ``-log10(unreliability)`` (``inf`` for a system that cannot fail).
    downtime_hours_per_year : float
        ``unreliability x hours_per_year``.
    hours_per_year : float
        The year length used.
    importance : pandas.DataFrame
        Indexed by component name: ``birnbaum`` (dR/dR_i), ``criticality``
        (``birnbaum x (1 - R_i) / (1 - R)``), ``raw`` (unreliability with i failed over
        unreliability) and ``rrw`` (unreliability over unreliability with i perfect), plus the
        component's ``reliability`` and ``unreliability``. NaN where a measure is undefined
        (the system cannot fail); ``inf`` where making i perfect makes the system perfect.
        For a component used as ``n`` independent copies these four are for the component as
        a whole: all its copies failed, perfect, or improved together. ``copies`` (how many
        independent copies the system holds; 1 for a component used by name) and
        ``copy_birnbaum``, ``copy_criticality``, ``copy_raw`` and ``copy_rrw`` give the same
        measures for one copy, the other copies as they are: "one replica down". They equal
        the whole-component measures for a component used by name, and are NaN where the
        copies sit in several blocks (one copy is then not like another).
    components : pandas.DataFrame
        The components with their figures, how they were given, and whether shared or copied.
    """

    name: str
    reliability: float
    unreliability: float
    nines: float
    downtime_hours_per_year: float
    hours_per_year: float
    importance: pd.DataFrame
    components: pd.DataFrame
    topology: Topology | None = field(default=None, repr=False, compare=False)

    @property
    def downtime(self) -> Downtime:
        """Expected downtime per year, month, week and day."""
        return downtime(self.unreliability, hours_per_year=self.hours_per_year)

    @property
    def below_precision(self) -> bool:
        """True when the unreliability underflowed: positive, but below about 1e-308.

        Every component used can fail, so the system can too; a 0 here means the true value is
        smaller than double precision can hold (more than about 308 nines).
        """
        if self.unreliability > 0.0:
            return False
        used = self.components[self.components["used"]]
        return bool(len(used)) and bool((used["unreliability"] > 0.0).all())

    def explain(self) -> dict[str, Explanation]:
        r"""How the headline numbers are computed, with this topology's values.

        Returns
        -------
        dict of str to Explanation
            ``"availability"``, ``"nines"`` and ``"downtime"``.

        Examples
        --------
        >>> doc = {"components": {"a": {"availability": 0.9}, "b": {"availability": 0.8}},
        ...        "system": {"series": ["a", "b"]}}
        >>> e = evaluate(doc).explain()["availability"]
        >>> print(e.substituted)
        A = 0.9 \cdot 0.8 = 0.72
        >>> round(e.recompute(), 12)
        0.72
        """
        return _explain_result(self)


def evaluate(
    topology: Mapping[str, Any] | str | bytes | Topology,
    *,
    hours_per_year: float = HOURS_PER_YEAR,
    importance: bool = True,
) -> TopologyResult:
    """Evaluate a topology document exactly, with the importance of each component.

    Parameters
    ----------
    topology : dict, str, bytes or Topology
        A topology document (mapping or JSON text) or a parsed `Topology`.
    hours_per_year : float, optional
        Year length for the downtime figure; 8,760 hours (365 days) by default.
    importance : bool, optional
        Compute the importance measures (default). ``False`` leaves ``importance`` empty and
        is faster when only the system figure is needed.

    Returns
    -------
    TopologyResult
        ``reliability``, ``unreliability``, ``nines``, ``downtime_hours_per_year`` and
        ``importance``.

    Notes
    -----
    Independent components combine by the structure functions of series, parallel and
    k-out-of-n blocks (`ftmath.reliability`). A component that appears in several places is one
    random variable: the evaluation keeps the system's reliability as a function of the states
    of the shared components below each block (an array with one axis per shared component),
    and sums a shared component out, weighted by its probabilities, at the smallest block that
    contains all of its occurrences [1]_. Unreliabilities are carried alongside reliabilities
    and never formed as ``1 - R``.

    Importance measures follow Rausand and Høyland [1]_ sec. 5.3. For a component given as
    ``n`` independent copies, ``birnbaum`` is the derivative with respect to the reliability
    shared by all copies, and "failed" / "perfect" set all copies at once (the whole tier).
    The ``copy_*`` columns hold one copy failed or perfect and leave the other ``n - 1``
    independent: exactly, the k-of-n block then works when ``k - 1`` (one copy perfect) or
    ``k`` (one copy failed) of the others do, and ``copy_birnbaum`` is ``dR / dR_1`` for one
    copy, ``birnbaum / n``.

    Examples
    --------
    >>> doc = {
    ...     "components": {"web": {"availability": 0.99},
    ...                    "lb": {"availability": 0.95},
    ...                    "app": {"availability": 0.97}},
    ...     "system": {"series": ["web", {"parallel": {"n": 2, "of": "lb"}},
    ...                           {"k_of_n": {"k": 2, "n": 3, "of": "app"}}]},
    ... }
    >>> result = evaluate(doc)
    >>> round(result.reliability, 6)
    0.984912
    >>> round(result.nines, 3)
    1.821

    One of the three app copies down leaves two of two needed, so the app tier is as good as
    a series of two; all three down stops the system:

    >>> imp = result.importance
    >>> round(float(imp.loc["app", "copy_raw"]), 3), round(float(imp.loc["app", "raw"]), 3)
    (4.695, 66.278)
    """
    if not isinstance(topology, Topology):
        topology = parse_topology(topology)
    year = _number(hours_per_year, "hours_per_year", minimum=0.0)
    if year == 0.0:
        raise InputError("`hours_per_year` must be > 0")
    engine = _Engine(topology)
    r, q = engine.value(topology.root)
    r_sys, q_sys = float(np.sum(r)), float(np.sum(q))
    table = engine.importance(r_sys, q_sys) if importance else _empty_importance()
    return TopologyResult(
        name=topology.name,
        reliability=r_sys,
        unreliability=q_sys,
        nines=nines(min(max(q_sys, 0.0), 1.0)),
        downtime_hours_per_year=q_sys * year,
        hours_per_year=year,
        importance=table,
        components=_component_table(topology),
        topology=topology,
    )


def _component_table(topology: Topology) -> pd.DataFrame:
    rows = [
        {
            "component": c.name,
            "reliability": c.reliability,
            "unreliability": c.unreliability,
            "given_as": c.basis,
            "shared": c.name in topology.shared,
            "copies": c.name in topology.copied,
            "used": c.name in topology.root.variables,
            "note": c.note,
        }
        for c in topology.components.values()
    ]
    return pd.DataFrame(rows).set_index("component")


def _empty_importance() -> pd.DataFrame:
    measures = ["birnbaum", "criticality", "raw", "rrw"]
    columns = [*measures, "reliability", "unreliability", "copies"]
    columns += [f"copy_{m}" for m in measures]
    frame = pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
    frame.index.name = "component"
    return frame


_Pair = tuple[np.ndarray, np.ndarray]  # (reliability, unreliability), broadcastable arrays
_Coefficients = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class _Condition:
    """Nodes held at fixed values (by id), and every node above them (whose value changes)."""

    fixed: dict[int, _Pair]
    dirty: frozenset[int]


class _Engine:
    """Evaluates a parsed topology exactly; re-evaluates cheaply with some nodes held fixed.

    A block's value is a pair of arrays (R, Q) with one axis of length 2 per shared component
    still open below it (length 1 or absent otherwise). Conditioned re-evaluation (for the
    importance measures) recomputes only the blocks above the held nodes, and where a single
    child changed it uses the block's value as a linear function of that child,
    ``R = a1 R_j + a0 Q_j`` and ``Q = b1 R_j + b0 Q_j``, whose coefficients (all non-negative,
    so no digits cancel) come from the other children and are kept.
    """

    def __init__(self, topology: Topology) -> None:
        self.topology = topology
        self.axis = {name: i for i, name in enumerate(topology.shared)}
        self.ndim = len(self.axis)
        self.parent: dict[int, _Node | None] = {id(topology.root): None}
        for node in _walk(topology.root):
            for child in node.children:
                self.parent[id(child)] = node
        self.cache: dict[int, _Pair] = {}
        self.before_elimination: dict[int, _Pair] = {}  # base values, shared axes still open
        self.others: dict[tuple[int, int], _Coefficients] = {}

    # Values --------------------------------------------------------------------------------

    def value(self, node: _Node, condition: _Condition | None = None) -> _Pair:
        """(R, Q) of ``node``; ``condition`` holds some nodes fixed (for importance)."""
        if condition is None:
            if id(node) not in self.cache:
                self.cache[id(node)] = self._combine(node, None)
            return self.cache[id(node)]
        if id(node) in condition.fixed:
            return condition.fixed[id(node)]
        if id(node) not in condition.dirty:
            return self.value(node)
        changed = [
            j
            for j, child in enumerate(node.children)
            if id(child) in condition.dirty or id(child) in condition.fixed
        ]
        if len(changed) != 1:
            return self._combine(node, condition)
        j = changed[0]
        r_j, q_j = self.value(node.children[j], condition)
        a1, a0, b1, b0 = self._reduced(node, j)
        r, q = a1 * r_j + a0 * q_j, b1 * r_j + b0 * q_j
        return self._eliminate(node, r, q)

    def _combine(self, node: _Node, condition: _Condition | None) -> _Pair:
        comp = self.topology.components
        if node.kind == "leaf":
            if node.name in self.axis:
                return self._indicator(node.name)
            c = comp[node.name]
            return np.asarray(c.reliability), np.asarray(c.unreliability)
        if node.kind == "copies":
            c = comp[node.name]
            works, fails = k_of_n_tails(
                node.k, np.full(node.n, c.reliability), np.full(node.n, c.unreliability)
            )
            return np.asarray(works), np.asarray(fails)
        parts = [self.value(child, condition) for child in node.children]
        rs = [p[0] for p in parts]
        qs = [p[1] for p in parts]
        with np.errstate(divide="ignore"):
            if node.kind == "series":
                r = reduce(np.multiply, rs)
                q = -np.expm1(reduce(np.add, [np.log1p(-x) for x in qs]))
            elif node.kind == "parallel":
                q = reduce(np.multiply, qs)
                r = -np.expm1(reduce(np.add, [np.log1p(-x) for x in rs]))
            else:
                r_all, q_all = _stack(rs, qs)
                shape = r_all.shape[1:]
                m = len(rs)
                r, q = k_of_n_tails(node.k, r_all.reshape(m, -1), q_all.reshape(m, -1))
                r, q = r.reshape(shape), q.reshape(shape)
        if condition is None and node.eliminate:
            self.before_elimination[id(node)] = (r, q)
        return self._eliminate(node, r, q)

    def _coefficients(self, node: _Node, j: int) -> _Coefficients:
        """(a1, a0, b1, b0) of ``node`` as a function of child ``j``, from the other children."""
        key = (id(node), j)
        if key in self.others:
            return self.others[key]
        rs = [self.value(child)[0] for child in node.children]
        qs = [self.value(child)[1] for child in node.children]
        if node.kind in ("series", "parallel"):
            # Leave-one-out for every child at once, by prefix and suffix products / sums.
            works, fails = (rs, qs) if node.kind == "series" else (qs, rs)
            w, f = _stack(works, fails)
            with np.errstate(divide="ignore"):
                logs = np.log1p(-f)
            w_others = _leave_one_out(w, np.multiply, 1.0)
            f_others = -np.expm1(_leave_one_out(logs, np.add, 0.0))
            one, zero = np.ones_like(w_others[0]), np.zeros_like(w_others[0])
            for i in range(len(rs)):
                if node.kind == "series":  # R = R_o R_j ; Q = Q_o R_j + Q_j
                    self.others[(id(node), i)] = (w_others[i], zero, f_others[i], one)
                else:  # Q = Q_o Q_j ; R = R_j + R_o Q_j
                    self.others[(id(node), i)] = (one, f_others[i], zero, w_others[i])
            return self.others[key]
        m, k = len(rs), node.k
        r_all, q_all = _stack(rs, qs)
        if m * m * max(1, r_all[0].size) > _LEAVE_ONE_OUT_BUDGET:
            # Too big to keep every prefix distribution: one child at a time.
            pmf = count_pmf(np.delete(r_all, j, axis=0), np.delete(q_all, j, axis=0))
            self.others[key] = _k_coefficients(pmf, k)
            return self.others[key]
        # The others' count is (children before i) + (children after i): combine the prefix
        # distribution with the suffix's tail sums at the two thresholds needed.
        shape = r_all.shape[1:]
        r_flat, q_flat = r_all.reshape(m, -1), q_all.reshape(m, -1)  # numpy is fastest in 2-D
        prefixes = _running_pmfs(r_flat, q_flat)
        suffixes = _running_pmfs(r_flat[::-1], q_flat[::-1])[::-1]
        for i in range(m):
            coefficients = _k_coefficients_split(prefixes[i], suffixes[i + 1], k)
            self.others[(id(node), i)] = tuple(c.reshape(shape) for c in coefficients)  # type: ignore[assignment]
        return self.others[key]

    def _reduced(self, node: _Node, j: int) -> _Coefficients:
        """`_coefficients` with the shared axes that child ``j`` never carries summed out."""
        key = (id(node), -1 - j)
        if key not in self.others:
            child_shape = self.value(node.children[j])[0].shape
            absent = [
                name
                for name in node.eliminate
                if len(child_shape) <= self.axis[name] or child_shape[self.axis[name]] == 1
            ]
            self.others[key] = self._sum_out(absent, *self._coefficients(node, j))  # type: ignore[assignment]
        return self.others[key]

    def _indicator(self, name: str) -> _Pair:
        shape = [1] * self.ndim
        shape[self.axis[name]] = 2
        up = np.array([0.0, 1.0]).reshape(shape)
        return up, 1.0 - up

    def _eliminate(self, node: _Node, r: np.ndarray, q: np.ndarray) -> _Pair:
        """Sum out the shared components whose every occurrence lies below ``node``."""
        r, q = self._sum_out(node.eliminate, r, q)
        return r, q

    def _sum_out(self, names: Iterable[str], *arrays: np.ndarray) -> tuple[np.ndarray, ...]:
        """Weight each array by the shared components' probabilities and sum their axes out."""
        for name in names:
            axis = self.axis[name]
            if arrays[0].ndim <= axis or arrays[0].shape[axis] == 1:  # held: nothing to sum
                continue
            c = self.topology.components[name]
            arrays = tuple(
                c.reliability * np.take(a, [1], axis=axis)
                + c.unreliability * np.take(a, [0], axis=axis)
                for a in arrays
            )
        return arrays

    def conditioned(self, nodes: Iterable[_Node], up: bool) -> tuple[float, float]:
        """System (R, Q) with the given nodes held perfect (``up``) or failed."""
        held = (np.asarray(1.0), np.asarray(0.0)) if up else (np.asarray(0.0), np.asarray(1.0))
        return self._held({id(node): held for node in nodes})

    def sliced(self, node: _Node, name: str, up: bool) -> tuple[float, float]:
        """System (R, Q) with shared component ``name`` perfect or failed.

        ``node`` is where ``name`` is summed out; its value before that, sliced at the state of
        ``name``, is the block's value given that state.
        """
        r, q = self.before_elimination[id(node)]
        axis, index = self.axis[name], [1 if up else 0]
        r, q = self._eliminate(node, np.take(r, index, axis=axis), np.take(q, index, axis=axis))
        return self._held({id(node): (r, q)})

    def _held(self, fixed: dict[int, _Pair]) -> tuple[float, float]:
        dirty: set[int] = set()
        for node_id in fixed:
            above = self.parent[node_id]
            while above is not None and id(above) not in dirty:
                dirty.add(id(above))
                above = self.parent[id(above)]
        r, q = self.value(self.topology.root, _Condition(fixed, frozenset(dirty)))
        return float(np.sum(r)), float(np.sum(q))

    # Importance ----------------------------------------------------------------------------

    def importance(self, r_sys: float, q_sys: float) -> pd.DataFrame:
        topo = self.topology
        nodes_by_name: dict[str, list[_Node]] = {}
        for node in _walk(topo.root):
            if node.kind in ("leaf", "copies"):
                nodes_by_name.setdefault(node.name, []).append(node)
        where_summed = {name: node for node in _walk(topo.root) for name in node.eliminate}
        rows = []
        for name in topo.used:
            nodes = nodes_by_name[name]
            c = topo.components[name]
            if name in self.axis:  # shared: slice its axis where it is summed out
                r_up, q_up = self.sliced(where_summed[name], name, up=True)
                r_down, q_down = self.sliced(where_summed[name], name, up=False)
            else:
                r_up, q_up = self.conditioned(nodes, up=True)
                r_down, q_down = self.conditioned(nodes, up=False)
            if name in topo.copied and len(nodes) == 1:  # the held values are the node's own
                birnbaum = _difference(r_up, r_down, q_down, q_up) * _block_derivative(nodes[0], c)
            elif name in topo.copied:
                birnbaum = sum(self._copies_derivative(node) for node in nodes)
            else:
                birnbaum = _difference(r_up, r_down, q_down, q_up)
            whole = _measures(birnbaum, q_down, q_up, q_sys, c.unreliability)
            copies = sum(node.n for node in nodes) if name in topo.copied else 1
            if name not in topo.copied:
                one = whole
            elif len(nodes) == 1:
                r_up, q_up, r_down, q_down = self._one_copy_held(nodes[0])
                one = _measures(
                    _difference(r_up, r_down, q_down, q_up), q_down, q_up, q_sys, c.unreliability
                )
            else:  # copies in several blocks: no one copy stands for the others
                one = dict.fromkeys(whole, math.nan)
            rows.append(
                {
                    "component": name,
                    **whole,
                    "reliability": c.reliability,
                    "unreliability": c.unreliability,
                    "copies": copies,
                    **{f"copy_{measure}": value for measure, value in one.items()},
                }
            )
        if not rows:
            return _empty_importance()
        return pd.DataFrame(rows).set_index("component")

    def _one_copy_held(self, node: _Node) -> tuple[float, float, float, float]:
        """System (R, Q) with one copy of ``node`` perfect, then failed; the others as they are."""
        c = self.topology.components[node.name]
        others = count_pmf(np.full(node.n - 1, c.reliability), np.full(node.n - 1, c.unreliability))
        k = node.k
        # Block value given one copy: it works when k - 1 (copy up) or k (copy down) others do.
        up = (np.asarray(others[k - 1 :].sum()), np.asarray(others[: k - 1].sum()))
        down = (np.asarray(others[k:].sum()), np.asarray(others[:k].sum()))
        r_up, q_up = self._held({id(node): up})
        r_down, q_down = self._held({id(node): down})
        return r_up, q_up, r_down, q_down

    def _copies_derivative(self, node: _Node) -> float:
        """Derivative of system R in the copies' reliability p, through one block of copies."""
        r_up, q_up = self.conditioned([node], up=True)
        r_down, q_down = self.conditioned([node], up=False)
        block = _block_derivative(node, self.topology.components[node.name])
        return _difference(r_up, r_down, q_down, q_up) * block


def _block_derivative(node: _Node, c: Component) -> float:
    """d/dp of P(at least k of n copies work) = n * P(exactly k - 1 of the other n - 1 work)."""
    others = count_pmf(np.full(node.n - 1, c.reliability), np.full(node.n - 1, c.unreliability))
    return node.n * float(others[node.k - 1])


def _measures(
    birnbaum: float, q_down: float, q_up: float, q_sys: float, q_i: float
) -> dict[str, float]:
    """Birnbaum, criticality, RAW and RRW from the system's unreliability with i down / up."""
    return {
        "birnbaum": birnbaum,
        "criticality": birnbaum * q_i / q_sys if q_sys > 0 else math.nan,
        "raw": q_down / q_sys if q_sys > 0 else math.nan,
        "rrw": (q_sys / q_up if q_up > 0 else math.inf) if q_sys > 0 else math.nan,
    }


def _stack(rs: list[np.ndarray], qs: list[np.ndarray]) -> _Pair:
    """Broadcast the children's values to one shape and stack them along a new first axis."""
    shape = np.broadcast_shapes(*(x.shape for x in rs + qs))
    return (
        np.stack([np.broadcast_to(x, shape) for x in rs]),
        np.stack([np.broadcast_to(x, shape) for x in qs]),
    )


_LEAVE_ONE_OUT_BUDGET = 30_000_000  # array elements kept for a k-of-n block's prefixes


def _k_coefficients(pmf: np.ndarray, k: int) -> _Coefficients:
    """k-of-n block as a function of one child, from the distribution of the others' count."""
    return (
        pmf[k - 1 :].sum(axis=0),  # P(others >= k - 1): the child working completes k
        pmf[k:].sum(axis=0),  # P(others >= k): enough without it
        pmf[: k - 1].sum(axis=0),  # P(others < k - 1): too few even with it
        pmf[:k].sum(axis=0),  # P(others < k): too few without it
    )


def _k_coefficients_split(prefix: np.ndarray, suffix: np.ndarray, k: int) -> _Coefficients:
    """`_k_coefficients` when the others' count is the sum of two independent counts."""
    total = suffix.sum(axis=0)
    zero = np.zeros_like(total)
    # at_least[x] = P(suffix >= x), below[x] = P(suffix < x), for x = 0 .. len(suffix)
    at_least = np.concatenate([np.cumsum(suffix[::-1], axis=0)[::-1], zero[None]])
    below = np.concatenate([zero[None], np.cumsum(suffix, axis=0)])
    top = suffix.shape[0]
    counts = np.arange(prefix.shape[0])

    def tail(table: np.ndarray, threshold: int) -> np.ndarray:
        index = np.clip(threshold - counts, 0, top)
        return np.sum(prefix * table[index], axis=0)

    return tail(at_least, k - 1), tail(at_least, k), tail(below, k - 1), tail(below, k)


def _running_pmfs(r: np.ndarray, q: np.ndarray) -> list[np.ndarray]:
    """Count distributions of the first 0, 1, ..., m units (list of m + 1 arrays)."""
    pmf = np.ones((1,) + r.shape[1:])
    out = [pmf]
    for j in range(r.shape[0]):
        nxt = np.zeros((pmf.shape[0] + 1,) + pmf.shape[1:])
        nxt[:-1] += pmf * q[j]
        nxt[1:] += pmf * r[j]
        pmf = nxt
        out.append(pmf)
    return out


def _leave_one_out(values: np.ndarray, op: np.ufunc, identity: float) -> np.ndarray:
    """For each i along axis 0, ``op`` over all the other entries (prefix x suffix)."""
    ones = np.full((1,) + values.shape[1:], identity)
    prefix = op.accumulate(np.concatenate([ones, values[:-1]]), axis=0)
    suffix = op.accumulate(np.concatenate([ones, values[::-1][:-1]]), axis=0)[::-1]
    return op(prefix, suffix)


def _difference(r_up: float, r_down: float, q_down: float, q_up: float) -> float:
    """``R(up) - R(down)`` taken from whichever pair keeps its digits."""
    return q_down - q_up if q_down <= 0.5 else r_up - r_down


def _walk(node: _Node) -> Iterable[_Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


# --- explanations --------------------------------------------------------------------------------

_MAX_FORMULA_BLOCKS = 24  # larger structures are described rather than written out
_MAX_PIVOTS = 4  # shared components expanded by pivotal decomposition in the expression


def _explain_result(result: TopologyResult) -> dict[str, Explanation]:
    topo = result.topology
    q, year = result.unreliability, result.hours_per_year
    reference = (
        "Rausand & Høyland, System Reliability Theory, 2nd ed. (Wiley, 2004), sec. 4.6 "
        "(series, parallel and k-out-of-n structures; pivotal decomposition)"
    )
    nines_e = Explanation(
        quantity="Nines",
        value=result.nines if math.isfinite(result.nines) else None,
        formula=r"n = -\log_{10}(1 - A)",
        substituted=rf"n = -\log_{{10}}({latex_number(q)})",
        inputs={"Q": q},
        expression="-log10(Q)",
        convention="1 - A is computed directly from the components' unavailabilities, never "
        "by subtracting a rounded A; a value within 1e-9 of a whole number is shown as it.",
        reference='Common usage ("number of nines"); see e.g. Bauer & Adams, Reliability and '
        "Availability of Cloud Computing (Wiley, 2012), sec. 2.1",
        unavailable_reason=None if q > 0 else "the system cannot fail in this model",
    )
    downtime_e = Explanation(
        quantity="Downtime per year",
        value=result.downtime_hours_per_year,
        formula=r"D = (1 - A) \times T_{\text{year}}",
        substituted=rf"D = {latex_number(q)} \times {latex_number(year)}\ \text{{h}}",
        inputs={"Q": q, "T": year},
        expression="Q * T",
        convention=f"A year of {year:g} hours; a month is a twelfth of it, a week 168 hours.",
        reference="IEC 60050-192 (expected down time over an interval)",
        unit="h",
    )
    if topo is None:
        return {"nines": nines_e, "downtime": downtime_e}
    symbols = {name: f"x{i}" for i, name in enumerate(topo.used)}
    blocks = sum(1 for _ in _walk(topo.root))
    if blocks <= _MAX_FORMULA_BLOCKS:
        formula = "A = " + _latex(topo.root, topo, symbolic=True)
        substituted = (
            "A = "
            + _latex(topo.root, topo, symbolic=False)
            + " = "
            + latex_number(result.reliability, 10)
        )
    else:
        formula = r"A = \Phi(A_1, \dots, A_n)"
        substituted = rf"A = \Phi(\dots) \text{{ over {len(topo.used)} components}}"
    shared = [s for s in topo.shared if s in symbols]
    expression = ""
    if blocks <= _MAX_FORMULA_BLOCKS and len(shared) <= _MAX_PIVOTS:
        expression = _pivoted_expression(topo, symbols, shared)
    convention = (
        "Components fail independently; a component named in several places is one component "
        "(counted once, by conditioning on its state), while n copies are independent."
    )
    if shared:
        convention += (
            " Shared here: " + ", ".join(shared) + ". With shared components the structure is "
            "evaluated by pivotal decomposition, A = A_s A(s up) + (1 - A_s) A(s down)."
        )
    availability_e = Explanation(
        quantity="System availability",
        value=result.reliability,
        formula=formula,
        substituted=substituted,
        inputs={symbols[n]: topo.components[n].reliability for n in topo.used},
        expression=expression,
        convention=convention,
        reference=reference,
    )
    return {"availability": availability_e, "nines": nines_e, "downtime": downtime_e}


def _latex(node: _Node, topo: Topology, *, symbolic: bool) -> str:
    def value(name: str) -> str:
        if symbolic:
            return rf"A_{{{latex_text(name)}}}"
        return latex_number(topo.components[name].reliability, 10)

    if node.kind == "leaf":
        return value(node.name)
    if node.kind == "copies":
        a = value(node.name)
        if node.k == 1:
            return rf"\left[1 - (1 - {a})^{{{node.n}}}\right]"
        if node.k == node.n:
            return rf"{a}^{{{node.n}}}"
        return (
            rf"\sum_{{i={node.k}}}^{{{node.n}}} \binom{{{node.n}}}{{i}} {a}^{{i}} "
            rf"(1 - {a})^{{{node.n}-i}}"
        )
    parts = [_latex(child, topo, symbolic=symbolic) for child in node.children]
    if node.kind == "series":
        return r" \cdot ".join(parts)
    if node.kind == "parallel":
        return r"\left[1 - " + "".join(rf"(1 - {p})" for p in parts) + r"\right]"
    return rf"P_{{\geq {node.k}}}\left({', '.join(parts)}\right)"


def _expression(node: _Node, symbols: Mapping[str, str], fixed: Mapping[str, str]) -> str:
    if node.kind == "leaf":
        return fixed.get(node.name, symbols[node.name])
    if node.kind == "copies":
        a, n, k = symbols[node.name], node.n, node.k
        return f"sum(comb({n}, i) * {a}**i * (1 - {a})**({n} - i) for i in range({k}, {n + 1}))"
    parts = [_expression(child, symbols, fixed) for child in node.children]
    if node.kind == "series":
        return "(" + " * ".join(f"({p})" for p in parts) + ")"
    if node.kind == "parallel":
        return "(1 - " + " * ".join(f"(1 - ({p}))" for p in parts) + ")"
    return f"at_least({node.k}, [{', '.join(parts)}])"


def _pivoted_expression(topo: Topology, symbols: Mapping[str, str], shared: list[str]) -> str:
    """A Python expression for A, conditioning on each shared component in turn."""

    def expand(remaining: list[str], fixed: dict[str, str]) -> str:
        if not remaining:
            return _expression(topo.root, symbols, fixed)
        name, rest = remaining[0], remaining[1:]
        up = expand(rest, {**fixed, name: "1"})
        down = expand(rest, {**fixed, name: "0"})
        a = symbols[name]
        return f"({a} * ({up}) + (1 - {a}) * ({down}))"

    return expand(shared, {})
