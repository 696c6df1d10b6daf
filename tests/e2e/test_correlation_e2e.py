"""The Correlation page in a real browser: the LANL default, an upload, a download, a link."""

import csv
import io
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.helpers import metric, no_exception, open_page, wait_for_app

DATA = Path(__file__).resolve().parents[1] / "data" / "correlation"


def test_lanl_default_then_an_upload_and_a_download(page: Page) -> None:
    open_page(page, "/correlation")
    expect(page.get_by_role("heading", name="Correlation").first).to_be_visible()
    assert metric(page, "Events") == "23,739"
    assert metric(page, "Types") == "7"

    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        str(DATA / "alerts-iso-offsets.csv")
    )
    wait_for_app(page)
    no_exception(page)
    expect(page.locator("[data-testid='stMetric']").first).to_contain_text("12")
    assert metric(page, "Events") == "12"
    assert metric(page, "Types") == "3"

    with page.expect_download() as download:
        page.get_by_role("button", name="Pairs (CSV)").click()
    content = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == 3  # three types, three pairs
    assert {"a", "b", "r", "rho", "p_raw", "p", "significant"} <= set(rows[0])
    names = {rows[0]["a"], rows[0]["b"]}
    assert names <= {"DiskPressure", "NetworkUnreachable", "PowerSupply"}


def test_a_bad_upload_says_why(page: Page) -> None:
    open_page(page, "/correlation")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        str(DATA / "bad-time.csv")
    )
    wait_for_app(page)
    no_exception(page)
    expect(page.locator("[data-testid='stAlertContentError']").first).to_contain_text(
        "row 4: 'yesterday afternoon' is not a time"
    )


def test_a_link_restores_the_bin_width(page: Page) -> None:
    open_page(page, "/correlation?correlation.bin=1+day")
    assert metric(page, "Bins").endswith("× 1 day")
