"""Issue 9 across the app: every page's headline numbers explain themselves.

For each registered page, opened with its built-in example, the "How is this computed?"
controls are there, each shows a formula with the inputs substituted, and no page raises.
"""

import pytest

import ui
from tests.apptest import open_page


@pytest.mark.parametrize("path", [spec.path for spec in ui.PAGES])
def test_every_page_explains_its_headline_numbers(path: str) -> None:
    at = open_page(path, timeout=120)
    assert not at.exception, at.exception
    popovers = [
        p
        for p in at.get("popover")
        if "computed" in p.proto.popover.label or p.proto.popover.label == "How?"
    ]
    assert popovers, f"{path} has no 'How is this computed?' control"
    formulas = [element.value for element in at.get("latex")]
    # Each control holds the formula and the same formula with the actual values.
    assert len(formulas) >= 2 * len(popovers), (path, len(formulas), len(popovers))
    assert any(any(ch.isdigit() for ch in f) for f in formulas), "no substituted values"
