"""Timeouts page in a real browser: upload, change the target, download the Envoy config."""

from __future__ import annotations

import re

import numpy as np
from playwright.sync_api import Page, expect

import ftmath
from tests.conftest import DATA, EXAMPLES
from tests.e2e.helpers import metric, no_exception, open_page, wait_for_app

UPLOAD = "[data-testid='stFileUploaderDropzoneInput']"


def upload(page: Page, path: str) -> None:
    """Upload a file and wait until the page has re-run with it (slow machines included)."""
    page.set_input_files(UPLOAD, path)
    name = path.rsplit("/", 1)[-1]
    expect(page.get_by_test_id("stFileUploader").get_by_text(name)).to_be_visible(timeout=60_000)
    wait_for_app(page)


def ms(text: str) -> float:
    return float(text.replace(",", "").removesuffix(" ms"))


def test_default_example_and_target_from_the_url(page: Page) -> None:
    open_page(page, "/timeouts?timeouts.target=p99")
    frame = ftmath.read_latencies(EXAMPLES / "ehrbase-perftest-2022-07-05.jtl")
    expected = np.quantile(frame["latency_ms"], 0.99, method="inverted_cdf")
    assert ms(metric(page, "Recommended timeout (p99)")) == expected
    no_exception(page)


def test_upload_change_target_and_download_envoy(page: Page) -> None:
    open_page(page, "/timeouts")
    data = DATA / "latency" / "jmeter.csv"
    upload(page, str(data))
    expect(page.get_by_text("jmeter.csv — JMeter CSV", exact=False)).to_be_visible(timeout=60_000)
    assert metric(page, "Requests") == "4"
    assert metric(page, "Failed (kept apart)") == "1"
    healthy = [17.0, 250.0, 30.0]
    assert ms(metric(page, "Recommended timeout (p99.9)")) == max(healthy)

    # move the target slider one step down: p99.5 -> still the max of three; then to p90
    thumb = page.get_by_role("slider").first
    thumb.focus()
    for _ in range(4):
        page.keyboard.press("ArrowLeft")
        wait_for_app(page)
    expected = np.quantile(healthy, 0.9, method="inverted_cdf")
    label = page.get_by_test_id("stMetricLabel").filter(has_text="Recommended timeout (p90)")
    expect(label).to_be_visible(timeout=60_000)
    wait_for_app(page)
    assert ms(metric(page, "Recommended timeout (p90)")) == expected

    page.get_by_role("tab", name="Export").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Envoy route (YAML)").click()
    text = open(info.value.path(), encoding="utf-8").read()
    per_try = re.search(r"per_try_timeout: ([\d.]+)s", text)
    assert per_try is not None
    assert float(per_try.group(1)) * 1000 == expected
    assert "num_retries: 2" in text
    no_exception(page)


def test_bad_upload_is_explained(page: Page) -> None:
    open_page(page, "/timeouts")
    upload(page, str(DATA / "latency" / "locust_stats.csv"))
    expect(page.get_by_text("Locust's aggregated statistics", exact=False)).to_be_visible(
        timeout=60_000
    )
    no_exception(page)
