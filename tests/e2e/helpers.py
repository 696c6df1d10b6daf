"""What browser tests do again and again: open a page, wait for the script, read the screen."""

from __future__ import annotations

from playwright.sync_api import Page, expect

APP = "[data-testid='stApp']"


def wait_for_app(page: Page, timeout: float = 60_000) -> None:
    """Wait until the app is connected and its script has finished running."""
    page.wait_for_selector(f"{APP}[data-test-connection-state='CONNECTED']", timeout=timeout)
    page.wait_for_timeout(150)  # let a rerun triggered by the last action start
    page.wait_for_selector(f"{APP}[data-test-script-state='notRunning']", timeout=timeout)


def open_page(page: Page, url_path: str = "/") -> None:
    """Go to a page of the app (its URL path, such as ``/topology``) and wait for it."""
    page.goto(url_path)
    wait_for_app(page)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def metric(page: Page, label: str) -> str:
    """The value shown by the ``st.metric`` with this label."""
    card = (
        page.locator("[data-testid='stMetric']")
        .filter(has=page.locator("[data-testid='stMetricLabel']", has_text=label))
        .first
    )
    return card.locator("[data-testid='stMetricValue']").inner_text().strip()


def no_exception(page: Page) -> None:
    """No Python exception (traceback box) is on the page."""
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
