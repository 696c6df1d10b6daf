"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

probabilities = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
"""Any probability, the ends included."""

unit_reliabilities = st.lists(probabilities, min_size=1, max_size=12)
"""Reliabilities of a handful of independent units."""

small_unreliabilities = st.floats(min_value=1e-300, max_value=1e-3)
"""Tiny failure probabilities, where precision matters."""


@st.composite
def k_and_units(draw: st.DrawFn, max_units: int = 12) -> tuple[int, list[float]]:
    """A k-of-n case: 1 <= k <= n and n unit reliabilities."""
    units = draw(st.lists(probabilities, min_size=1, max_size=max_units))
    k = draw(st.integers(min_value=1, max_value=len(units)))
    return k, units


@st.composite
def topologies(draw: st.DrawFn, max_components: int = 6, max_depth: int = 3) -> dict:
    """A random topology document over a few components, some used in several places."""
    n = draw(st.integers(min_value=1, max_value=max_components))
    names = [f"c{i}" for i in range(n)]
    components = {
        name: {"availability": draw(st.floats(min_value=0.0, max_value=1.0))} for name in names
    }

    def block(depth: int) -> object:
        if depth >= max_depth or draw(st.booleans()):
            if draw(st.integers(0, 5)) == 0:
                copies = draw(st.integers(min_value=1, max_value=4))
                k = draw(st.integers(min_value=1, max_value=copies))
                return {"k_of_n": {"k": k, "n": copies, "of": f"copy{draw(st.integers(0, 1))}"}}
            return draw(st.sampled_from(names))
        kind = draw(st.sampled_from(["series", "parallel", "k_of_n"]))
        children = [block(depth + 1) for _ in range(draw(st.integers(min_value=1, max_value=3)))]
        if kind == "k_of_n":
            return {"k_of_n": {"k": draw(st.integers(1, len(children))), "of": children}}
        return {kind: children}

    system = block(0)
    components["copy0"] = {"availability": draw(st.floats(min_value=0.0, max_value=1.0))}
    components["copy1"] = {"availability": draw(st.floats(min_value=0.0, max_value=1.0))}
    return {"name": "random", "components": components, "system": system}
