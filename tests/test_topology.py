"""Topology documents: parsing, exact evaluation with shared components, importance."""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import assume, given, settings
from numpy.testing import assert_allclose

import ftmath
from ftmath import InputError
from tests.strategies import topologies

# --- a brute-force reference: enumerate every state of every independent variable ------------


def _variables(document: dict) -> tuple[list[tuple[str, float]], Callable[[dict], bool]]:
    """Independent binary variables (name, probability up) and the structure function."""
    comps = document["components"]
    variables: dict[str, float] = {}
    copy_counter = itertools.count()

    def build(block: object) -> Callable[[dict], bool]:
        if isinstance(block, str):
            variables[block] = comps[block]["availability"]
            return lambda state: state[block]
        ((kind, body),) = block.items()  # type: ignore[union-attr]
        if isinstance(body, dict) and isinstance(body.get("of"), str):
            n = body["n"]
            k = body.get("k", 1 if kind == "parallel" else n)
            names = [f"{body['of']}#{next(copy_counter)}" for _ in range(n)]
            for name in names:
                variables[name] = comps[body["of"]]["availability"]
            return lambda state: sum(state[x] for x in names) >= k
        children = [build(b) for b in (body["of"] if kind == "k_of_n" else body)]
        if kind == "series":
            return lambda state: all(c(state) for c in children)
        if kind == "parallel":
            return lambda state: any(c(state) for c in children)
        k = body["k"]
        return lambda state: sum(c(state) for c in children) >= k

    structure = build(document["system"])
    return list(variables.items()), structure


def brute_force(document: dict, fixed: dict[str, bool] | None = None) -> float:
    """P(system works), enumerating the states; ``fixed`` holds variables (or kinds) up/down."""
    variables, structure = _variables(document)
    fixed = fixed or {}
    total = 0.0
    for states in itertools.product([False, True], repeat=len(variables)):
        state = dict(zip([v for v, _ in variables], states, strict=True))
        weight = 1.0
        for (name, p), up in zip(variables, states, strict=True):
            kind = name.split("#")[0]
            if kind in fixed:
                if up != fixed[kind]:
                    weight = 0.0
                    break
            else:
                weight *= p if up else 1 - p
        if weight and structure(state):
            total += weight
    return total


def brute_birnbaum(document: dict, name: str) -> float:
    """dR/dp_name: the sum over the component's instances of R(instance up) - R(down)."""
    variables, _ = _variables(document)
    instances = [v for v, _ in variables if v.split("#")[0] == name]
    if instances == [name]:
        return brute_force(document, {name: True}) - brute_force(document, {name: False})
    total = 0.0
    for instance in instances:
        # Hold one instance: rename it to a kind of its own by hand.
        variables_, structure = _variables(document)
        probs = dict(variables_)
        up = down = 0.0
        for states in itertools.product([False, True], repeat=len(variables_)):
            state = dict(zip(probs, states, strict=True))
            weight = math.prod(
                (probs[v] if s else 1 - probs[v]) for v, s in state.items() if v != instance
            )
            if structure(state):
                if state[instance]:
                    up += weight
                else:
                    down += weight
        total += up - down
    return total


# --- known values ------------------------------------------------------------------------------


class TestKnownValues:
    def test_series_with_parallel_and_two_of_three(self) -> None:
        # 0.99 x (1 - 0.05**2) x (3 x 0.97**2 - 2 x 0.97**3) = 0.984912 (Rausand & Hoyland,
        # System Reliability Theory, 2nd ed., sec. 4.6: series, parallel and 2oo3 structures).
        doc = {
            "components": {
                "web": {"availability": 0.99},
                "lb": {"availability": 0.95},
                "app": {"availability": 0.97},
            },
            "system": {
                "series": [
                    "web",
                    {"parallel": {"n": 2, "of": "lb"}},
                    {"k_of_n": {"k": 2, "n": 3, "of": "app"}},
                ]
            },
        }
        result = ftmath.evaluate(doc)
        assert_allclose(result.reliability, 0.984912, atol=5e-7)
        assert_allclose(result.unreliability, 1 - 0.99 * 0.9975 * 0.997354, rtol=1e-5)

    def test_birnbaum_of_a_series(self) -> None:
        # Series 0.7, 0.8, 0.85: R = 0.476; I_B(i) = product of the others: 0.68, 0.595, 0.56
        # (Birnbaum 1969; Rausand & Hoyland sec. 5.3.1).
        doc = {
            "components": {
                "a": {"availability": 0.7},
                "b": {"availability": 0.8},
                "c": {"availability": 0.85},
            },
            "system": {"series": ["a", "b", "c"]},
        }
        result = ftmath.evaluate(doc)
        assert_allclose(result.reliability, 0.476, rtol=1e-12)
        assert_allclose(result.importance["birnbaum"], [0.68, 0.595, 0.56], rtol=1e-12)
        # Criticality I_B x (1 - R_i) / (1 - R): a = 0.68 x 0.3 / 0.524
        assert_allclose(result.importance.loc["a", "criticality"], 0.68 * 0.3 / 0.524, rtol=1e-12)
        # In a series, any component failed fails the system: RAW = 1 / (1 - R)
        assert_allclose(result.importance["raw"], 1 / 0.524, rtol=1e-12)

    def test_one_replica_of_a_two_of_three_tier(self) -> None:
        """A review read the web VM's RAW (all copies down) as "one replica down": the
        ``copy_*`` columns hold one copy, the other two independent."""
        doc = {
            "components": {"vm": {"availability": 0.99}, "db": {"availability": 0.999}},
            "system": {"series": [{"k_of_n": {"k": 2, "n": 3, "of": "vm"}}, "db"]},
        }
        imp = ftmath.evaluate(doc).importance
        r_sys = 0.999 * (3 * 0.99**2 - 2 * 0.99**3)  # 2-of-3 of 0.99 in series with 0.999
        q_sys = 1 - r_sys
        # dR/dR_1 with R = 0.999 (R_1 (R_2 + R_3 - R_2 R_3) + (1 - R_1) R_2 R_3):
        # 0.999 x (R_2 + R_3 - 2 R_2 R_3) = 0.999 x 2 x 0.99 x 0.01
        copy_birnbaum = 0.999 * 2 * 0.99 * 0.01
        assert_allclose(imp.loc["vm", "copy_birnbaum"], copy_birnbaum, rtol=1e-12)
        assert_allclose(imp.loc["vm", "birnbaum"], 3 * copy_birnbaum, rtol=1e-12)
        # One copy down: the other two must both work. One copy perfect: one of two is enough.
        q_down = 1 - 0.999 * 0.99**2
        q_up = 1 - 0.999 * (1 - 0.01**2)
        assert_allclose(imp.loc["vm", "copy_raw"], q_down / q_sys, rtol=1e-10)
        assert_allclose(imp.loc["vm", "copy_rrw"], q_sys / q_up, rtol=1e-10)
        assert_allclose(imp.loc["vm", "copy_criticality"], copy_birnbaum * 0.01 / q_sys, rtol=1e-10)
        assert imp.loc["vm", "copies"] == 3
        # All three down stops the system: the whole-tier RAW is 1 / Q.
        assert_allclose(imp.loc["vm", "raw"], 1 / q_sys, rtol=1e-10)
        # A component used by name is its own single copy.
        assert imp.loc["db", "copies"] == 1
        for measure in ("birnbaum", "criticality", "raw", "rrw"):
            assert imp.loc["db", f"copy_{measure}"] == imp.loc["db", measure]

    def test_one_copy_of_ten_thousand(self) -> None:
        # 5000-of-10000 of 0.5: one copy decides the system when exactly 4999 others work.
        doc = {
            "components": {"a": {"availability": 0.5}},
            "system": {"k_of_n": {"k": 5000, "n": 10000, "of": "a"}},
        }
        imp = ftmath.evaluate(doc).importance
        expected = math.exp(
            math.lgamma(10000) - math.lgamma(5000) - math.lgamma(5001) - 9999 * math.log(2)
        )
        assert_allclose(imp.loc["a", "copy_birnbaum"], expected, rtol=1e-9)

    def test_bridge_network_by_minimal_path_sets(self) -> None:
        # The bridge with five components of reliability p: R = 2p^2 + 2p^3 - 5p^4 + 2p^5
        # (Rausand & Hoyland sec. 4.6.6, written here as the parallel of its minimal path
        # sets 14, 25, 135, 234 with each component shared).
        p = 0.9
        doc = {
            "components": {k: {"availability": p} for k in "12345"},
            "system": {
                "parallel": [
                    {"series": ["1", "4"]},
                    {"series": ["2", "5"]},
                    {"series": ["1", "3", "5"]},
                    {"series": ["2", "3", "4"]},
                ]
            },
        }
        result = ftmath.evaluate(doc)
        assert_allclose(result.reliability, 2 * p**2 + 2 * p**3 - 5 * p**4 + 2 * p**5, rtol=1e-12)
        assert set(ftmath.parse_topology(doc).shared) == set("12345")

    def test_mtbf_mttr_component(self) -> None:
        doc = {"components": {"db": {"mtbf_hours": 100, "mttr_hours": 5}}, "system": "db"}
        assert_allclose(ftmath.evaluate(doc).reliability, 0.952381, atol=5e-7)

    def test_mission_reliability_component(self) -> None:
        doc = {"mission_hours": 1000, "components": {"x": {"mtbf_hours": 1000}}, "system": "x"}
        assert_allclose(ftmath.evaluate(doc).reliability, math.exp(-1), rtol=1e-14)


class TestSharedComponents:
    def test_shared_component_in_parallel_with_itself_is_itself(self) -> None:
        doc = {"components": {"db": {"availability": 0.9995}}, "system": {"parallel": ["db", "db"]}}
        result = ftmath.evaluate(doc)
        assert_allclose(result.unreliability, 1 - 0.9995, rtol=1e-12)

    def test_copies_are_independent(self) -> None:
        doc = {
            "components": {"db": {"availability": 0.99}},
            "system": {"parallel": {"n": 2, "of": "db"}},
        }
        assert_allclose(ftmath.evaluate(doc).unreliability, 1e-4, rtol=1e-12)

    def test_shared_dependency_of_two_regions(self) -> None:
        # Two regions in parallel, each needing the same config service c: R = R_c x (1 -
        # (1 - R_a)(1 - R_b)); treating c as two copies would overstate it.
        doc = {
            "components": {
                "a": {"availability": 0.99},
                "b": {"availability": 0.98},
                "c": {"availability": 0.999},
            },
            "system": {"parallel": [{"series": ["a", "c"]}, {"series": ["b", "c"]}]},
        }
        assert_allclose(ftmath.evaluate(doc).reliability, 0.999 * (1 - 0.01 * 0.02), rtol=1e-12)

    def test_twenty_shared_components_exactly(self) -> None:
        # Twenty shared components, each in two of three path sets: check against conditioning
        # by hand for a structure whose answer is known: parallel of the same series twice.
        names = [f"s{i}" for i in range(20)]
        doc = {
            "components": {n: {"availability": 0.999} for n in names},
            "system": {"parallel": [{"series": names}, {"series": names[::-1]}]},
        }
        assert_allclose(ftmath.evaluate(doc, importance=False).reliability, 0.999**20, rtol=1e-12)

    def test_too_many_overlapping_shared_components_is_a_clear_error(self) -> None:
        names = [f"s{i}" for i in range(ftmath.topology.MAX_SHARED + 1)]
        doc = {
            "components": {n: {"availability": 0.9} for n in names},
            "system": {"parallel": [{"series": names}, {"series": names[::-1]}]},
        }
        with pytest.raises(ftmath.ComputationLimitError, match="at most 24 can overlap"):
            ftmath.evaluate(doc)
        # refused when parsed, so a page never accepts a document it cannot evaluate
        with pytest.raises(
            ftmath.ComputationLimitError, match=r"`system.parallel\[0\].series` combines 25 shared"
        ):
            ftmath.parse_topology(doc)

    def test_precision_of_shared_tiny_unreliabilities(self) -> None:
        doc = {
            "components": {"a": {"unavailability": 1e-20}, "b": {"unavailability": 1e-20}},
            "system": {"parallel": [{"series": ["a", "b"]}, {"series": ["b", "a"]}]},
        }
        assert_allclose(ftmath.evaluate(doc).unreliability, 2e-20, rtol=1e-12)

    def test_five_six_nines_units_in_parallel(self) -> None:
        doc = {
            "components": {"u": {"unavailability": 1e-6}},
            "system": {"parallel": {"n": 5, "of": "u"}},
        }
        result = ftmath.evaluate(doc)
        assert_allclose(result.unreliability, 1e-30, rtol=1e-12)
        assert result.nines == 30.0


class TestAgainstBruteForce:
    @settings(max_examples=150)
    @given(topologies())
    def test_reliability_and_importance(self, doc: dict) -> None:
        variables, _ = _variables(doc)
        assume(len(variables) <= 10)
        result = ftmath.evaluate(doc)
        expected = brute_force(doc)
        assert_allclose(result.reliability, expected, atol=1e-12)
        assert_allclose(result.reliability + result.unreliability, 1.0, atol=1e-12)
        q = 1 - expected
        for name, row in result.importance.iterrows():
            assert_allclose(row["birnbaum"], brute_birnbaum(doc, name), atol=1e-10)
            q_down = 1 - brute_force(doc, {name: False})
            q_up = 1 - brute_force(doc, {name: True})
            if q > 1e-9:
                assert_allclose(row["raw"], q_down / q, rtol=1e-6, atol=1e-9)
                if q_up > 1e-9:
                    assert_allclose(row["rrw"], q / q_up, rtol=1e-6)
            self._check_one_copy(doc, name, row, q)

    @staticmethod
    def _check_one_copy(doc: dict, name: str, row: object, q: float) -> None:
        """The ``copy_*`` columns against the brute force with one instance renamed."""
        blocks = json.dumps(doc["system"]).count(f'"of": {json.dumps(name)}')
        if blocks > 1:
            assert math.isnan(row["copy_birnbaum"])  # type: ignore[index]
            return
        if blocks == 0:  # used by name: one copy is the component
            assert row["copy_raw"] == row["raw"] or math.isnan(row["raw"])  # type: ignore[index]
            return
        variables, structure = _variables(doc)
        probs = dict(variables)
        instance = next(v for v in probs if v.split("#")[0] == name)
        works = {True: 0.0, False: 0.0}
        for states in itertools.product([False, True], repeat=len(probs)):
            state = dict(zip(probs, states, strict=True))
            if structure(state):
                works[state[instance]] += math.prod(
                    (probs[v] if s else 1 - probs[v]) for v, s in state.items() if v != instance
                )
        assert_allclose(row["copy_birnbaum"], works[True] - works[False], atol=1e-10)  # type: ignore[index]
        if q > 1e-9:
            assert_allclose(row["copy_raw"], (1 - works[False]) / q, rtol=1e-6, atol=1e-9)  # type: ignore[index]

    @given(topologies())
    def test_a_perfect_block_in_series_changes_nothing(self, doc: dict) -> None:
        base = ftmath.evaluate(doc)
        doc = json.loads(json.dumps(doc))
        doc["components"]["perfect"] = {"availability": 1.0}
        doc["system"] = {"series": [doc["system"], "perfect"]}
        with_perfect = ftmath.evaluate(doc)
        assert_allclose(with_perfect.reliability, base.reliability, atol=1e-12)
        # A perfect component's Birnbaum measure is the probability the rest works.
        assert_allclose(
            with_perfect.importance.loc["perfect", "birnbaum"], base.reliability, atol=1e-12
        )


class TestDocumentErrors:
    BASE = {"components": {"a": {"availability": 0.9}, "b": {"availability": 0.8}}}

    @pytest.mark.parametrize(
        ("system", "where"),
        [
            (
                {"series": ["a", {"k_of_n": {"k": 3, "of": ["a", "b"]}}]},
                r"`system.series\[1\].k_of_n.k` must be between 1 and n = 2",
            ),
            ({"series": ["a", "zzz"]}, r"`system.series\[1\]` names an unknown component `zzz`"),
            ({"sequence": ["a"]}, r"unknown block `system.sequence`"),
            ({"parallel": []}, r"`system.parallel` must be a non-empty list"),
            ({"k_of_n": {"k": 1, "n": 0, "of": "a"}}, r"`system.k_of_n.n` must be a whole number"),
            ({"parallel": {"n": 2, "of": "nope"}}, r"unknown component `nope`"),
            ({"series": ["a", {"parallel": {"n": 2, "of": "a"}}]}, "both as `n` independent"),
            (42, r"`system` must be a component name or an object"),
        ],
    )
    def test_bad_structure_names_the_place(self, system: object, where: str) -> None:
        with pytest.raises(InputError, match=where):
            ftmath.evaluate({**self.BASE, "system": system})

    @pytest.mark.parametrize(
        ("component", "where"),
        [
            ({"availability": 1.5}, r"`components.x.availability` must be between 0 and 1"),
            ({"mtbf_hours": -3, "mttr_hours": 1}, r"`components.x.mtbf_hours` must be >= 0"),
            ({"mtbf_hours": 10, "mttr_hours": -1}, r"`components.x.mttr_hours` must be >= 0"),
            ({"mtbf_hours": 10}, "without `mttr_hours`"),
            ({"availability": 0.9, "unavailability": 0.1}, "exactly one of"),
            ({"availability": "high"}, r"`components.x.availability` must be a number"),
            ({"availability": 0.9, "colour": "red"}, r"unknown key `components.x.colour`"),
        ],
    )
    def test_bad_component_names_the_key(self, component: dict, where: str) -> None:
        with pytest.raises(InputError, match=where):
            ftmath.evaluate({"components": {"x": component}, "system": "x"})

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "empty"),
            ("{not json", "not valid JSON: .* line 1"),
            ("[1, 2]", "must be a JSON object"),
            ('{"components": {"a": {"availability": 0.9}}}', "no `system`"),
            ('{"system": "a"}', "no `components`"),
            ('{"components": {}, "system": {"series": []}}', "`components` is empty"),
            ('{"components": [], "system": "a"}', "`components` must be an object mapping"),
            (
                '{"components": {"a": {"availability": 0.9}}, "system": "a", "extra": 1}',
                "unknown key `extra`",
            ),
        ],
    )
    def test_bad_json(self, text: str, message: str) -> None:
        with pytest.raises(InputError, match=message):
            ftmath.parse_topology(text)

    def test_binary_garbage(self) -> None:
        with pytest.raises(InputError, match="is not UTF-8; save it as UTF-8 JSON"):
            ftmath.parse_topology(b"\x81\x00garbage")
        with pytest.raises(InputError, match="starts like UTF-16 but does not decode"):
            ftmath.parse_topology(b"\xff\xfe\x00\x81garbage")

    @pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
    def test_utf16_with_a_bom_and_utf8_with_a_bom_are_read(self, encoding: str) -> None:
        # Windows PowerShell 5's `Out-File` writes UTF-16 LE with a byte-order mark.
        text = '{"components": {"a": {"availability": 0.9}}, "system": "a"}'
        data = (
            ("\ufeff" + text).encode(encoding) if encoding == "utf-16-be" else text.encode(encoding)
        )
        assert ftmath.evaluate(ftmath.parse_topology(data)).reliability == pytest.approx(0.9)


class TestTiersAndSharing:
    def test_tiers_round_trip(self) -> None:
        tiers = [ftmath.Tier("lb"), ftmath.Tier("app", n=3, k=2), ftmath.Tier("db", n=2)]
        doc = ftmath.document_from_tiers(
            "x", {n: {"availability": 0.99} for n in ("lb", "app", "db")}, tiers
        )
        assert ftmath.tiers_from_document(doc) == tiers

    def test_non_tier_document(self) -> None:
        doc = {
            "components": {"a": {"availability": 0.9}},
            "system": {"parallel": ["a", {"series": ["a"]}]},
        }
        assert ftmath.tiers_from_document(doc) is None

    def test_what_if_adds_nines_with_replicas(self) -> None:
        doc = ftmath.document_from_tiers("x", {"a": {"availability": 0.99}}, [ftmath.Tier("a")])
        frame = ftmath.replica_what_if(doc, max_extra=3)
        assert_allclose(frame["nines"], [2.0, 4.0, 6.0, 8.0], rtol=1e-9)
        assert frame["current"].tolist() == [True, False, False, False]

    def test_share_token_round_trip_and_damage(self) -> None:
        doc = {"name": "Ünïcode ✓", "components": {"a": {"availability": 0.9}}, "system": "a"}
        token = ftmath.share_token(doc)
        assert ftmath.document_from_token(token) == doc
        with pytest.raises(InputError, match="cut short"):
            ftmath.document_from_token(token[: len(token) // 2])

    def test_components_table_round_trip(self) -> None:
        doc = {
            "components": {
                "a": {"availability": 0.9, "note": "SLA"},
                "b": {"mtbf_hours": 10.0, "mttr_hours": 1.0},
            }
        }
        table = ftmath.components_table(doc)
        assert ftmath.components_from_table(table) == doc["components"]

    def test_components_table_rejects_duplicates(self) -> None:
        import pandas as pd

        table = pd.DataFrame({"component": ["a", "a"], "availability": [0.9, 0.8]})
        with pytest.raises(InputError, match="row 2: the component name `a` is used twice"):
            ftmath.components_from_table(table)

    def test_dot_diagram_marks_shared_and_k_of_n(self) -> None:
        doc = {
            "components": {"a": {"availability": 0.9}, "b": {"availability": 0.9}},
            "system": {"series": [{"k_of_n": {"k": 2, "n": 3, "of": "b"}}, "a", "a"]},
        }
        dot = ftmath.to_dot(doc)
        assert dot.count("dashed") == 2  # the shared component, in both places
        assert 'label="2/3"' in dot
        assert dot.startswith("digraph topology {") and dot.rstrip().endswith("}")

    @staticmethod
    def _tiers_dot(n: int) -> str:
        doc = {
            "components": {
                "load balancer": {"availability": 0.9999},
                "web VM": {"availability": 0.999},
                "object storage": {"availability": 0.999},
            },
            "system": {
                "series": [
                    "load balancer",
                    {"k_of_n": {"k": 2, "n": n, "of": "web VM"}},
                    "object storage",
                ]
            },
        }
        return ftmath.to_dot(doc)

    @staticmethod
    def _nodes(dot: str) -> dict[str, str]:
        """Node id -> its attribute list, for every node declared in the DOT text."""
        found = [
            (ident, attrs)
            for ident, attrs in re.findall(r"^  (\w+) \[(.*)\];$", dot, flags=re.MULTILINE)
            if ident not in ("graph", "node", "edge")  # the defaults, not nodes
        ]
        ids = [ident for ident, _ in found]
        assert len(ids) == len(set(ids)), "a node is declared twice"
        return dict(found)

    @pytest.mark.parametrize("n", [3, 4])
    def test_every_replica_and_the_voter_carry_their_shape(self, n: int) -> None:
        nodes = self._nodes(self._tiers_dot(n))
        replicas = [a for a in nodes.values() if re.search(r'label="web VM #\d', a)]
        assert len(replicas) == n
        assert all("shape=box" in a for a in replicas)
        voters = [a for a in nodes.values() if f'label="2/{n}"' in a]
        assert len(voters) == 1 and "shape=circle" in voters[0]
        assert all("shape=" in a for a in nodes.values())

    def test_a_node_id_never_changes_shape_when_replicas_are_added(self) -> None:
        """Streamlit's renderer (d3-graphviz) reuses the drawn element of a node id across
        reruns: with running numbers, 3 -> 4 replicas turned the split point's id into the
        fourth replica and a box's id into the 2/4 voter, drawn without box and circle."""

        def shapes(dot: str) -> dict[str, str]:
            return {
                ident: re.search(r"shape=(\w+)", attrs).group(1)  # type: ignore[union-attr]
                for ident, attrs in self._nodes(dot).items()
            }

        drawn = [shapes(self._tiers_dot(n)) for n in (3, 4, 5, 4, 3)]
        for before, after in itertools.pairwise(drawn):
            for ident in before.keys() & after.keys():
                assert before[ident] == after[ident], ident

    def test_dot_escapes_names(self) -> None:
        doc = {"components": {'evil"name\\': {"availability": 0.9}}, "system": 'evil"name\\'}
        assert 'evil\\"name\\\\' in ftmath.to_dot(doc)


class TestCatalog:
    def test_examples_evaluate(self, examples) -> None:  # noqa: ANN001
        sla = ftmath.read_sla_commitments(examples / "cloud-sla-commitments.csv")
        drives = ftmath.read_drive_survival(examples / "backblaze-drive-survival.csv")
        for doc in (
            ftmath.example_web_service(sla),
            ftmath.example_storage_array(drives),
            ftmath.example_multi_region(sla),
        ):
            result = ftmath.evaluate(doc)
            assert 0 < result.unreliability < 0.01

    def test_drive_mtbf_and_chi_square_bounds(self) -> None:
        # 10 failures in 3,650,000 drive-days = 87.6e6 drive-hours: MTBF 8.76e6 h. The 90 %
        # bounds are 2T / chi2(0.95; 22) and 2T / chi2(0.05; 20) (NIST/SEMATECH e-Handbook
        # 8.4.5.1): 2T = 175.2e6, chi2 quantiles 33.924 and 10.851.
        table = ftmath.read_drive_survival(b"model,capacity_tb,drive_days,failed\nm,4,3650000,10\n")
        row = table.iloc[0]
        assert_allclose(row["mtbf_hours"], 8.76e6)
        assert_allclose(row["mtbf_low_hours"], 175.2e6 / 33.9244, rtol=1e-4)
        assert_allclose(row["mtbf_high_hours"], 175.2e6 / 10.8508, rtol=1e-4)

    def test_zero_failures_has_no_point_estimate(self) -> None:
        table = ftmath.read_drive_survival(b"model,capacity_tb,drive_days,failed\nm,4,1000,0\n")
        assert np.isnan(table.iloc[0]["mtbf_hours"])
        assert "lower bound" in table.iloc[0]["note"]

    def test_bad_catalog_files(self) -> None:
        with pytest.raises(InputError, match="no column `failed`"):
            ftmath.read_drive_survival(b"model,capacity_tb,drive_days\nm,4,100\n")
        with pytest.raises(InputError, match="row 2"):
            ftmath.read_sla_commitments(
                b"provider,service,deployment,monthly_uptime_commitment_pct\nA,B,C,120\n"
            )


class TestExplanations:
    @given(topologies())
    def test_the_explained_formula_recomputes_the_availability(self, doc: dict) -> None:
        result = ftmath.evaluate(doc)
        explained = result.explain()
        availability = explained["availability"]
        if availability.expression:
            assert_allclose(availability.recompute(), result.reliability, atol=1e-12)
        if explained["nines"].value is not None:
            # nines() shows a value within 1e-9 of a whole number as that number
            assert_allclose(explained["nines"].recompute(), result.nines, rtol=1e-9, atol=1e-8)
        assert_allclose(
            explained["downtime"].recompute(), result.downtime_hours_per_year, rtol=1e-12
        )

    def test_the_formula_names_shared_components_and_substitutes_values(self) -> None:
        doc = {
            "components": {"db_1": {"availability": 0.99}, "app": {"availability": 0.9}},
            "system": {"parallel": [{"series": ["app", "db_1"]}, {"series": ["db_1"]}]},
        }
        e = ftmath.evaluate(doc).explain()["availability"]
        assert r"A_{\text{db\_1}}" in e.formula
        assert "0.99" in e.substituted and "0.9" in e.substituted
        assert "Shared here: db_1" in e.convention
        assert_allclose(e.recompute(), 0.99, rtol=1e-12)

    def test_a_large_topology_is_described_not_written_out(self) -> None:
        doc = {
            "components": {f"c{i}": {"availability": 0.999} for i in range(30)},
            "system": {"series": [f"c{i}" for i in range(30)]},
        }
        e = ftmath.evaluate(doc).explain()["availability"]
        assert "30 components" in e.substituted
        assert e.expression == ""


class TestReviewRegressions:
    """Found by a newcomer review: each once gave a wrong number or a traceback."""

    def test_typed_scientific_notation_and_percentages_are_read(self) -> None:
        import pandas as pd

        table = pd.DataFrame(
            {
                "component": ["a", "b", "c"],
                "availability": ["", "99.95 %", ""],
                "unavailability": ["1e-18", "", ""],
                "mtbf_hours": ["", "", "2.7e6"],
                "mttr_hours": ["", "", "24"],
            }
        )
        assert ftmath.components_from_table(table) == {
            "a": {"unavailability": 1e-18},
            "b": {"availability": 0.9995},
            "c": {"mtbf_hours": 2.7e6, "mttr_hours": 24.0},
        }
        table.loc[1, "availability"] = "high"
        with pytest.raises(InputError, match="row 2, Availability: 'high' is not a number"):
            ftmath.components_from_table(table)

    def test_text_table_round_trip_keeps_every_digit(self) -> None:
        doc = {
            "components": {
                "a": {"unavailability": 1.234567890123e-18},
                "b": {"mtbf_hours": 2733351.2, "mttr_hours": 24.0},
            }
        }
        table = ftmath.components_table(doc, as_text=True)
        assert table.loc[0, "unavailability"] == "1.234567890123e-18"
        assert ftmath.components_from_table(table) == doc["components"]

    def test_deep_nesting_is_an_input_error_not_a_crash(self) -> None:
        system: object = "a"
        for _ in range(ftmath.MAX_DEPTH + 5):
            system = {"series": [system]}
        with pytest.raises(InputError, match="nested more than 100 blocks deep"):
            ftmath.evaluate({"components": {"a": {"availability": 0.9}}, "system": system})
        with pytest.raises(InputError, match="nested too deeply"):
            ftmath.parse_topology('{"system": ' + "[" * 5000 + "]" * 5000 + "}")

    def test_huge_mtbf_and_mttr_do_not_overflow(self) -> None:
        doc = {"components": {"a": {"mtbf_hours": 1e308, "mttr_hours": 1e308}}, "system": "a"}
        assert ftmath.evaluate(doc).reliability == 0.5
        assert ftmath.availability(1e308, 1e308) == 0.5
        assert ftmath.unavailability(1e308, 1e308) == 0.5

    def test_an_unavailability_below_double_precision_is_refused(self) -> None:
        doc = {"components": {"a": {"mtbf_hours": 1e300, "mttr_hours": 1e-300}}, "system": "a"}
        with pytest.raises(InputError, match="below 1e-308.*give `unavailability`"):
            ftmath.evaluate(doc)

    def test_a_decompression_bomb_link_is_refused(self) -> None:
        import base64
        import zlib

        bomb = base64.urlsafe_b64encode(zlib.compress(b" " * 50_000_000, 9)).decode()
        with pytest.raises(InputError, match="does not carry a readable topology"):
            ftmath.document_from_token(bomb)

    def test_renaming_a_component_follows_it_through_the_system(self) -> None:
        doc = {
            "components": {"lb": {"availability": 0.99}, "vm": {"availability": 0.9}},
            "system": {"series": ["lb", {"k_of_n": {"k": 2, "n": 3, "of": "vm"}}]},
        }
        renamed = ftmath.rename_components(doc, {"vm": "web VM"})
        assert list(renamed["components"]) == ["lb", "web VM"]
        assert renamed["system"]["series"][1]["k_of_n"]["of"] == "web VM"
        assert_allclose(ftmath.evaluate(renamed).reliability, ftmath.evaluate(doc).reliability)
