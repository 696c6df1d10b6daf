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


def test_year_length_applies_and_survives_a_page_switch(page: Page) -> None:
    open_page(page, "/")
    page.get_by_test_id("stSidebar").get_by_text("365.25 days (8,766 h)").click()
    wait_for_app(page)
    assert metric(page, "Downtime per year") == "52 min 36 s"  # 0.8766 h
    page.get_by_test_id("stSidebarNav").get_by_text("Topology", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("Year of 365.25 days (8,766 h)")).to_be_visible()


def test_a_sub_page_url_on_a_fresh_session_is_framed_by_the_app(page: Page) -> None:
    # A shared link opens straight on a page: the sidebar and navigation must still be there.
    open_page(page, "/topology")
    expect(page.get_by_test_id("stSidebar").get_by_text("Year length")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav").get_by_text("Start here")).to_be_visible()
