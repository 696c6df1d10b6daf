"""The app loads in a real browser, and the navigation reaches every registered page."""

from playwright.sync_api import Page, expect

import ui
from tests.e2e.helpers import metric, no_exception, open_page, wait_for_app


def test_home_page_loads_with_a_target(page: Page) -> None:
    open_page(page, "/")
    expect(page.get_by_role("heading", name="Fault Tolerance Workbench")).to_be_visible()
    assert metric(page, "Nines") == "4.00"  # critical infrastructure, 99.99 %


def test_every_registered_page_opens_without_an_exception(page: Page) -> None:
    open_page(page, "/")
    for spec in ui.PAGES[1:]:
        page.get_by_test_id("stSidebarNav").get_by_text(spec.title, exact=True).click()
        wait_for_app(page)
        expect(page.get_by_role("heading", name=spec.title).first).to_be_visible()
        no_exception(page)
