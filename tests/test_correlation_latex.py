"""Every formula the Correlation page typesets is valid LaTeX for KaTeX: no double superscript.

``latex_number`` writes large sums as ``4.1 \\times 10^{9}``; squaring that by appending ``^2``
gives ``10^{9}^2``, which KaTeX refuses ("Double superscript").
"""

import re
from pathlib import Path

import pytest

import ftmath
from ftmath import Explanation

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DOUBLE = re.compile(r"\^\{[^{}]*\}\s*\^|\^[0-9A-Za-z]\s*\^")


def double_superscripts(explanation: Explanation) -> list[str]:
    return [text for text in (explanation.formula, explanation.substituted) if DOUBLE.search(text)]


@pytest.fixture(scope="module")
def explanations() -> list[Explanation]:
    events = ftmath.read_events(EXAMPLES / "lanl-failure-data-1996-2005.csv")
    result = ftmath.correlate(events, "1h", 99, seed=1)
    found: list[Explanation] = []
    for a in result.types:
        for b in result.types:
            found += result.explain(a, b).values()
    for a, b in (("Hardware", "Software"), ("(not given)", "Facilities")):
        found += result.lagged(a, b, max_lag=24).explain().values()
        found += ftmath.coincidences(events, a, b, window="1h").explain().values()
    found += ftmath.cascades(events, window="10min").explain().values()
    return found


def test_the_check_catches_the_reported_case() -> None:
    assert DOUBLE.search(r"4.08396 \times 10^{9}^2")
    assert DOUBLE.search(r"x^2^3")
    assert not DOUBLE.search(r"\left(4.08396 \times 10^{9}\right)^2")
    assert not DOUBLE.search(r"p_{(i)}^{BH}")


def test_spearman_of_large_sums_has_no_double_superscript() -> None:
    events = ftmath.read_events(EXAMPLES / "lanl-failure-data-1996-2005.csv")
    result = ftmath.correlate(events, "1h", 0)
    rho = result.explain("Hardware", "Software")["rho"]
    assert r"\times 10^{" in rho.substituted  # the sums are large enough to be written so
    assert double_superscripts(rho) == []
    assert r"\right)^2" in rho.substituted


def test_no_explanation_of_the_example_has_a_double_superscript(
    explanations: list[Explanation],
) -> None:
    assert len(explanations) > 200
    bad = {e.quantity: double_superscripts(e) for e in explanations if double_superscripts(e)}
    assert bad == {}
