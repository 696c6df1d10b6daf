"""Reliability block diagrams of topology documents, as Graphviz DOT text."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from typing import Any

from ftmath.topology import Topology, _Node, parse_topology

__all__ = ["to_dot"]


# --- drawing -------------------------------------------------------------------------------------


def to_dot(topology: Mapping[str, Any] | Topology, *, max_drawn_copies: int = 4) -> str:
    """A Graphviz DOT reliability block diagram of a topology, left to right.

    Parameters
    ----------
    topology : dict or Topology
        A topology document or a parsed `Topology`.
    max_drawn_copies : int, optional
        Copies blocks with more than this many copies are drawn as one box marked ``x n``.

    Returns
    -------
    str
        DOT source: components as boxes (shared ones dashed, in every place they appear),
        parallel and k-of-n blocks as split and join points (a join is labelled ``k/n``).

    Examples
    --------
    >>> print(to_dot({"components": {"a": {"availability": 0.9}}, "system": "a"}))
    ... # doctest: +ELLIPSIS
    digraph topology {
    ...
    """
    topo = topology if isinstance(topology, Topology) else parse_topology(topology)
    lines = [
        "digraph topology {",
        '  graph [rankdir=LR, nodesep=0.25, ranksep=0.35, fontname="Helvetica"];',
        '  node [shape=box, style="rounded,filled", fillcolor="#eef4ff", fontname="Helvetica", '
        "fontsize=11];",
        '  edge [arrowhead=none, color="#57606a"];',
        '  in [shape=circle, label="in", width=0.35, fillcolor="#ffffff"];',
        '  out [shape=circle, label="out", width=0.35, fillcolor="#ffffff"];',
    ]
    used: set[str] = set()

    def node_id(path: str, role: str) -> str:
        # The id names the node's place and its shape, never a running number: Streamlit's
        # renderer (d3-graphviz) reuses the drawn element of an id across reruns, so an id that
        # was a point and becomes a box is drawn as neither (a fourth replica lost its box).
        ident = "n" + hashlib.sha256(f"{path}\x00{role}".encode()).hexdigest()[:12]
        while ident in used:  # not expected; keeps ids unique whatever the paths
            ident += "x"
        used.add(ident)
        return ident

    def box(node: _Node, extra: str = "", role: str = "box") -> str:
        name = node.name
        c = topo.components[name]
        shared = name in topo.shared
        ident = node_id(node.path, f"{role} {'dashed' if shared else 'solid'}")
        label = _dot_escape(f"{name}{extra}\\n{_short_probability(c.reliability)}")
        style = ', style="rounded,dashed,filled", fillcolor="#fff4e5"' if shared else ""
        lines.append(f'  {ident} [shape=box, label="{label}"{style}];')
        return ident

    def point(path: str, role: str, label: str = "") -> str:
        if label:
            ident = node_id(path, f"{role} circle {label}")
            lines.append(
                f'  {ident} [shape=circle, label="{label}", width=0.3, fontsize=9, '
                'fillcolor="#ffffff"];'
            )
        else:
            ident = node_id(path, f"{role} point")
            lines.append(f"  {ident} [shape=point, width=0.08];")
        return ident

    def draw(node: _Node) -> tuple[str, str]:
        if node.kind == "leaf":
            ident = box(node)
            return ident, ident
        if node.kind == "copies" and (node.n > max_drawn_copies or node.n == 1):
            ident = box(
                node,
                f" ×{node.n}" + (f" ({node.k} of {node.n})" if node.k > 1 else ""),
                role=f"copies x{node.n}",
            )
            return ident, ident
        if node.kind == "copies":
            members = [(box(node, f" #{i + 1}", role=f"copy {i + 1}"),) * 2 for i in range(node.n)]
            return fan(node.path, members, node.k, node.n, series=node.k == node.n)
        parts = [draw(child) for child in node.children]
        if node.kind == "series":
            for (_, left), (right, _) in zip(parts, parts[1:], strict=False):
                lines.append(f"  {left} -> {right};")
            return parts[0][0], parts[-1][1]
        k = 1 if node.kind == "parallel" else node.k
        return fan(node.path, parts, k, len(parts), series=False)

    def fan(
        path: str, parts: list[tuple[str, str]], k: int, n: int, *, series: bool
    ) -> tuple[str, str]:
        if series:
            for (_, left), (right, _) in zip(parts, parts[1:], strict=False):
                lines.append(f"  {left} -> {right};")
            return parts[0][0], parts[-1][1]
        split, join = point(path, "split"), point(path, "join", f"{k}/{n}" if k > 1 else "")
        for entry, exit_ in parts:
            lines.append(f"  {split} -> {entry};")
            lines.append(f"  {exit_} -> {join};")
        return split, join

    entry, exit_ = draw(topo.root)
    lines.append(f"  in -> {entry};")
    lines.append(f"  {exit_} -> out;")
    lines.append("}")
    return "\n".join(lines)


def _short_probability(r: float) -> str:
    if r >= 0.9 and r < 1.0:
        return f"{r:.{min(12, max(3, int(-math.log10(1.0 - r)) + 2))}f}".rstrip("0")
    return f"{r:.4g}"


def _dot_escape(text: str) -> str:
    return (
        text.replace("\\n", "\x00").replace("\\", "\\\\").replace('"', '\\"').replace("\x00", "\\n")
    )
