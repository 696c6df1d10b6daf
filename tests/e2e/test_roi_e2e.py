"""The ROI page in a real browser: downloads open, an import restores, a link reproduces."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, expect

import ftmath
import ui
from tests.conftest import ROI_WORKED_EXAMPLE as WORKED
from tests.e2e.helpers import expect_metric, metric, no_exception, open_page, wait_for_app


def open_roi(page: Page, query: str = "") -> None:
    """Open the ROI page, after the app's entry page.

    A fresh ``streamlit run`` serves a page URL in the old pages-directory mode (without
    app.py) until some session has opened "/" and so called ``st.navigation``; going through
    "/" first keeps these tests independent of the order they run in (reported to the lead).
    """
    open_page(page, "/")
    open_page(page, "/roi" + query)
    expect(
        page.get_by_test_id("stSidebarUserContent").get_by_text("365 days (8,760 h)")
    ).to_be_visible()


def download(page: Page, label: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def upload(page: Page, name: str, data: bytes) -> None:
    chooser = page.locator("[data-testid='stFileUploaderDropzoneInput']").first
    chooser.set_input_files({"name": name, "mimeType": "application/json", "buffer": data})
    wait_for_app(page)


def test_the_page_opens_with_the_worked_example(page: Page) -> None:
    open_roi(page)
    expect(page.get_by_role("heading", name="ROI", exact=True)).to_be_visible()
    assert metric(page, "NPV") == "$1,364,626"
    assert metric(page, "Payback") == "3.1 months"
    no_exception(page)


def test_xlsx_and_html_downloads_open(page: Page, tmp_path: Path) -> None:
    open_roi(page)
    xlsx = download(page, "Workbook (XLSX)", tmp_path)
    assert xlsx.name == "roi.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes()))
    assert book.sheetnames[:4] == ["Summary", "Inputs", "Cash flows", "Sensitivity"]
    cash = list(book["Cash flows"].values)
    assert cash[1][1] == -150_000

    report = download(page, "Report (HTML)", tmp_path)
    text = report.read_text(encoding="utf-8")

    class Divs(HTMLParser):
        charts = 0

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag == "div" and "plotly-graph-div" in (dict(attrs).get("class") or ""):
                Divs.charts += 1

    Divs().feed(text)
    assert Divs.charts == 3 and "$1,364,625.89" in text
    # it draws its charts offline: every request other than the file itself is refused
    viewer = page.context.new_page()
    viewer.route(
        "**/*", lambda r: r.abort() if not r.request.url.startswith("file:") else r.continue_()
    )
    viewer.goto(report.as_uri())
    expect(viewer.locator(".plotly-graph-div .main-svg").first).to_be_visible(timeout=20_000)
    viewer.close()


def test_json_export_and_import_restore_the_page(page: Page, tmp_path: Path) -> None:
    open_roi(page)
    exported = download(page, "Case (JSON)", tmp_path)
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["inputs"]["capex"] == 150_000
    document["inputs"]["capex"] = 300_000
    document["name"] = "Second option"
    upload(page, "second.json", json.dumps(document).encode())
    expected = ftmath.roi(**{**WORKED, "capex": 300_000}).npv
    expect(page.get_by_text("Imported second.json.")).to_be_visible()
    expect_metric(page, "NPV", ui.fmt_money(expected))
    no_exception(page)


def test_a_bad_file_says_why_and_keeps_the_inputs(page: Page) -> None:
    open_roi(page)
    upload(page, "photo.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    expect(page.get_by_text("photo.json was not imported")).to_be_visible()
    assert metric(page, "NPV") == "$1,364,626"
    no_exception(page)


def test_the_year_length_and_a_shared_link(page: Page) -> None:
    open_roi(page)
    page.get_by_test_id("stSidebarUserContent").get_by_text("365.25 days (8,766 h)").click()
    wait_for_app(page)
    expected = ftmath.roi(**{**WORKED, "hours_per_year": 8766}).npv
    expect_metric(page, "NPV", ui.fmt_money(expected))
    # numbers are bound to the address: a link with them reproduces the case
    open_roi(page, "?roi.capex=300000&roi.years=5")
    expected = ftmath.roi(**{**WORKED, "capex": 300_000, "years": 5}).npv
    assert metric(page, "NPV") == ui.fmt_money(expected)
    no_exception(page)


def _cut_off(page: Page, locator) -> list[str]:  # type: ignore[no-untyped-def]
    """Texts in ``locator`` that the browser shortens with an ellipsis (wider than their box)."""
    return locator.evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"
    )


def test_labels_are_whole_at_1400_px(page: Page) -> None:
    # "Summary (Markdo…" and "Random (Poisson) failure …" at 1,400 px.
    open_roi(page)
    buttons = page.get_by_test_id("stDownloadButton")
    expect(buttons).to_have_count(5)
    texts = buttons.get_by_test_id("stMarkdownContainer")  # the box that holds the ellipsis
    assert texts.count() == 5 and _cut_off(page, texts) == []
    page.get_by_text("Uncertainty: low / high").click()
    wait_for_app(page)
    box = page.get_by_test_id("stCheckbox").filter(has_text="Random failures")
    expect(box).to_be_visible()
    assert _cut_off(page, box.get_by_test_id("stMarkdownContainer")) == []
    no_exception(page)
