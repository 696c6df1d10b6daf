"""The Topology page in a real browser: edit, import, download, share."""

import json
from pathlib import Path

from playwright.sync_api import Page, expect

import ftmath
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.helpers import edit_grid_cell, metric, no_exception, open_page, wait_for_app


def test_editing_a_replica_count_in_the_table_changes_the_nines(page: Page) -> None:
    open_page(page, "/topology")
    assert metric(page, "Nines") == "2.96"
    # Tiers grid (second), third tier (object storage), "Replicas (n)" column.
    edit_grid_cell(page, grid_index=1, row=2, column=1, text="2")
    expect(page.locator("[data-testid='stMetricValue']").nth(1)).to_have_text("3.98")
    no_exception(page)


def test_import_a_topology_file_and_download_it_back(page: Page, tmp_path: Path) -> None:
    open_page(page, "/topology")
    doc = {
        "name": "Imported pair",
        "components": {"db": {"availability": 0.999}},
        "system": {"parallel": {"n": 2, "of": "db"}},
    }
    source = tmp_path / "pair.json"
    source.write_text(json.dumps(doc))
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(source)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Imported pair")).to_be_visible()
    assert metric(page, "Nines") == "6.00"
    with page.expect_download() as info:
        page.get_by_role("button", name="Topology (JSON)", exact=True).click()
    downloaded = json.loads(Path(info.value.path()).read_text())
    assert downloaded == doc
    no_exception(page)


def test_a_broken_import_shows_an_error_and_keeps_the_page(page: Page, tmp_path: Path) -> None:
    open_page(page, "/topology")
    bad = tmp_path / "bad.json"
    bad.write_text('{"components": {"a": {"availability": 2}}, "system": "a"}')
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(bad)
    wait_for_app(page)
    expect(page.get_by_text("must be between 0 and 1, got 2")).to_be_visible()
    assert metric(page, "Nines") == "2.96"
    no_exception(page)


def test_a_shared_url_restores_the_topology(page: Page) -> None:
    doc = {
        "name": "Linked design",
        "components": {"x": {"availability": 0.9999}},
        "system": {"series": ["x"]},
    }
    open_page(page, f"/topology?t={ftmath.share_token(doc)}")
    expect(page.get_by_role("heading", name="Linked design")).to_be_visible()
    assert metric(page, "Nines") == "4.00"


def test_the_url_follows_the_topology(page: Page) -> None:
    open_page(page, "/topology")
    token = page.url.split("t=", 1)[1]
    assert ftmath.document_from_token(token)["name"].startswith("Three-tier web service")


def test_an_opened_explanation_shows_the_formula_with_the_values(page: Page) -> None:
    open_page(page, "/topology")
    page.get_by_role("button", name="How is the availability computed?").click()
    popover = page.get_by_test_id("stPopoverBody")
    expect(popover.get_by_text("System availability")).to_be_visible()
    expect(popover.locator(".katex").first).to_be_visible()  # LaTeX rendered by KaTeX
    expect(popover.get_by_text("With the current inputs:")).to_be_visible()
    assert "0.9999" in popover.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explanation-topology.png"))
