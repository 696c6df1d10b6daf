"""The Redundancy page in a real browser: change n, see the table change; download; share."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import Page, expect

from tests.e2e.helpers import metric, no_exception, open_page, wait_for_app

CELLS = "[data-testid='stDataFrame'] [role='gridcell']"


def open_redundancy(page: Page, query: str = "") -> None:
    # A deep link is only routed through app.py's navigation once the server has run the
    # entry page (Streamlit keeps MPA v1 routing for a `pages/` folder until st.navigation
    # has been called once), so open the entry page first, as a first visitor would.
    open_page(page, "/")
    open_page(page, "/redundancy" + query)
    expect(page.get_by_test_id("stSidebarNav").get_by_text("Start here")).to_be_visible()


def table_cells(page: Page, expected: str) -> list[str]:
    """The comparison table's cells, once the grid (drawn lazily) shows ``expected``."""
    page.locator("[data-testid='stDataFrame']").first.scroll_into_view_if_needed()
    expect(page.locator(CELLS).filter(has_text=expected).first).to_be_attached()
    return page.locator(CELLS).all_text_contents()


def test_changing_n_changes_the_table(page: Page) -> None:
    open_redundancy(page)
    expect(page.get_by_role("heading", name="Redundancy").first).to_be_visible()
    assert "Active 1-of-3" in table_cells(page, "Active 1-of-3")
    before = metric(page, "Availability")

    units = page.get_by_role("spinbutton", name="Units (n)")
    units.fill("4")
    units.press("Enter")
    wait_for_app(page)
    assert "Active 1-of-3" not in table_cells(page, "Active 1-of-4")
    assert metric(page, "Availability") != before
    expect(page.get_by_text("Why 4 active units do not last 4 times as long")).to_be_visible()
    no_exception(page)


def test_bad_k_shows_a_message_not_a_traceback(page: Page) -> None:
    open_redundancy(page)
    must = page.get_by_role("spinbutton", name="Must work (k)")
    must.fill("7")
    must.press("Enter")
    wait_for_app(page)
    alert = page.get_by_test_id("stAlert").filter(has_text="must be between 1 and n = 3")
    expect(alert.first).to_be_visible()
    no_exception(page)


def test_download_the_comparison(page: Page) -> None:
    open_redundancy(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Comparison (CSV)").click()
    download = info.value
    assert download.suggested_filename == "redundancy-comparison.csv"
    text = open(download.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["configuration"] for r in rows} >= {"Single unit", "Active 1-of-3"}
    single = next(r for r in rows if r["configuration"] == "Single unit" and r["repair"] != "none")
    assert abs(float(single["availability"]) - 7400 / 7403.3) < 1e-12


def test_a_shared_link_restores_the_group(page: Page) -> None:
    open_redundancy(page, "?redundancy.n=5&redundancy.k=2&redundancy.crews=2")
    expect(page.get_by_role("spinbutton", name="Units (n)")).to_have_value("5")
    cells = table_cells(page, "Active 2-of-5")
    assert "Active 2-of-5" in cells
    assert "2 crews" in cells
    no_exception(page)
