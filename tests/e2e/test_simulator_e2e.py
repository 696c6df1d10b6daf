"""The Policy simulator in a real browser: run a comparison, share it by URL, download it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
from playwright.sync_api import Page, expect

import ftmath
from tests.conftest import DATA
from tests.e2e.helpers import no_exception, open_page, wait_for_app

UPLOAD = "[data-testid='stFileUploaderDropzoneInput']"


def open_simulator(page: Page, query: str = "") -> None:
    """Open the page after the app's entry page (a fresh server frames sub-pages only then)."""
    open_page(page, "/")
    open_page(page, "/simulator" + query)
    expect(page.get_by_role("heading", name="Policy simulator")).to_be_visible(timeout=60_000)
    wait_for_app(page, timeout=120_000)
    # the three policies' results are drawn last: wait for them, not for the first element
    expect(metric_cards(page, "Success (ok)")).to_have_count(3, timeout=120_000)


def metric_cards(page: Page, label: str):  # noqa: ANN201 - a Locator
    """Every metric labelled exactly ``label``."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    return page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=exact)
    )


def metric_values(page: Page, label: str) -> list[str]:
    """The values of every metric labelled exactly ``label``, in page order."""
    cards = metric_cards(page, label)
    return [v.strip() for v in cards.locator("[data-testid='stMetricValue']").all_inner_texts()]


def download(page: Page, label: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_comparison_runs_and_downloads(page: Page, tmp_path: Path) -> None:
    open_simulator(page)
    no_exception(page)
    assert len(metric_values(page, "Success (ok)")) == 3
    peaks = [float(v.removesuffix("×")) for v in metric_values(page, "Peak load")]
    assert peaks[0] > 3.9 and peaks[2] < 1.1  # the retry storm, and the breaker shedding it
    page.get_by_role("tab", name="Export").click()
    table = pd.read_csv(download(page, "Comparison (CSV)", tmp_path))
    assert table["policy"].tolist() == list(ftmath.POLICY_PRESETS[1:4])
    assert (table["success"] + table["degraded"] + table["failed"]).round(12).eq(1).all()
    shown = metric_values(page, "Load")
    assert shown == [f"{v:.3f}×" for v in table["load"]]
    # the configuration of the breaker policy
    page.get_by_label("Policy", exact=True).last.click()
    page.get_by_role("option", name="breaker + fallback").click()
    # the rerun has happened once the preview shows the chosen policy (a busy machine is slow)
    expect(page.get_by_text("# Policy: breaker + fallback", exact=False).first).to_be_visible(
        timeout=60_000
    )
    wait_for_app(page)
    text = download(page, "Resilience4j (properties)", tmp_path).read_text(encoding="utf-8")
    assert "circuitbreaker.instances.backend.slidingWindowSize=50" in text
    assert "retry.instances.backend.maxAttempts=2" in text
    no_exception(page)


def test_scenario_from_the_url_and_an_upload(page: Page) -> None:
    open_simulator(page, "?simulator.scenario=steady+%28no+chaos%29")
    expect(page.get_by_label("Chaos scenario")).to_have_value("steady (no chaos)")
    expect(page.get_by_text("Peak load", exact=True).first).to_be_visible(timeout=60_000)
    wait_for_app(page, timeout=120_000)
    peaks = [float(v.removesuffix("×")) for v in metric_values(page, "Peak load")]
    assert max(peaks) < 1.3  # no outage, no storm
    page.set_input_files(UPLOAD, str(DATA / "latency" / "jmeter.csv"))
    expect(page.get_by_text("3 measured latencies", exact=False)).to_be_visible(timeout=60_000)
    wait_for_app(page, timeout=120_000)
    assert len(metric_values(page, "Success (ok)")) == 3
    no_exception(page)


def test_timelines_csv_adds_up(page: Page, tmp_path: Path) -> None:
    open_simulator(page, "?simulator.requests=40000")
    page.get_by_role("tab", name="Export").click()
    timelines = pd.read_csv(io.StringIO(download(page, "Timelines per policy (CSV)", tmp_path)
                                        .read_text(encoding="utf-8")))  # fmt: skip
    assert set(timelines["policy"]) == set(ftmath.POLICY_PRESETS[1:4])
    assert (timelines.groupby("policy")["requests"].sum() == 40_000).all()
