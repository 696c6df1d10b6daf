"""What browser tests do again and again: open a page, wait for the script, read the screen."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

APP = "[data-testid='stApp']"


def wait_for_app(page: Page, timeout: float = 60_000) -> None:
    """Wait until the app is connected and its script has finished running, and stays so.

    On a busy machine the rerun an action triggers can start a while after the action: the
    script must be seen idle twice, 400 ms apart, or a test reads the screen of the last run.
    """
    page.wait_for_selector(f"{APP}[data-test-connection-state='CONNECTED']", timeout=timeout)
    page.wait_for_timeout(150)  # let a rerun triggered by the last action start
    idle = f"{APP}[data-test-script-state='notRunning']"
    for _ in range(10):
        page.wait_for_selector(idle, timeout=timeout)
        page.wait_for_timeout(400)
        if page.locator(idle).count():
            return


def open_page(page: Page, url_path: str = "/") -> None:
    """Go to a page of the app (its URL path, such as ``/topology``) and wait for it."""
    page.goto(url_path)
    wait_for_app(page)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def metric_value(page: Page, label: str):  # noqa: ANN201 - a Locator
    """The value element of the ``st.metric`` whose label is exactly ``label``."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")  # "NPV" must not match "P(NPV > 0)"
    card = (
        page.locator("[data-testid='stMetric']")
        .filter(has=page.locator("[data-testid='stMetricLabel']", has_text=exact))
        .first
    )
    return card.locator("[data-testid='stMetricValue']")


def metric(page: Page, label: str) -> str:
    """The value shown by the ``st.metric`` whose label is exactly ``label``."""
    return metric_value(page, label).inner_text().strip()


def expect_metric(page: Page, label: str, value: str, timeout: float = 60_000) -> None:
    """Wait until the metric ``label`` shows ``value`` (after an upload the rerun may be late)."""
    expect(metric_value(page, label)).to_have_text(value, timeout=timeout)


def no_exception(page: Page) -> None:
    """No Python exception (traceback box) is on the page."""
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def stable_box(page: Page, locator, tries: int = 20) -> dict:  # noqa: ANN001 - a Locator
    """The bounding box of ``locator`` once it stops moving (a busy page still lays out).

    A click computed from a box measured while something above was still growing landed one
    row too low in CI (the grid moved 35 px between measuring and clicking).
    """
    box = locator.bounding_box()
    for _ in range(tries):
        page.wait_for_timeout(250)
        again = locator.bounding_box()
        if box is not None and again == box:
            return box
        box = again
    assert box is not None
    return box


def edit_grid_cell(page: Page, grid_index: int, row: int, column: int, text: str) -> None:
    """Type ``text`` into a cell of the ``grid_index``-th data editor and press Enter.

    ``row`` counts data rows from 0; ``column`` counts visible columns from 0. The grid is a
    canvas (Glide Data Grid): cells are found by position (35 px rows under a 35 px header,
    columns of equal width, as in a stretched grid of a few columns), after the grid's
    accessibility cells show it has rendered.
    """
    grid = page.locator("[data-testid='stDataFrame']").nth(grid_index)
    cell = grid.locator(f"[data-testid='glide-cell-{column + 1}-{row}']").first
    for _attempt in range(3):  # a busy machine sometimes drops the first click
        grid.scroll_into_view_if_needed()
        cell.wait_for(state="attached")
        page.wait_for_timeout(500)
        box = stable_box(page, grid)
        count = grid.locator("[role='columnheader']").count()  # the row marker is not counted
        marker = 33.0  # width of the row-marker column
        width = (box["width"] - marker) / count  # columns of a stretched grid share the width
        x = box["x"] + marker + width * (column + 0.5)
        y = box["y"] + 35 * (row + 1) + 17
        page.mouse.click(x, y)
        page.mouse.dblclick(x, y)
        page.wait_for_timeout(300)
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        wait_for_app(page)
        if cell.text_content().strip() == text:
            return
    raise AssertionError(f"the grid cell ({row}, {column}) did not take {text!r}")
