"""Take the README's screenshots: every page on its built-in example data, in Debian's Chromium.

Run from the repository root with the app's virtual environment::

    .venv/bin/python docs/take_screenshots.py

It starts its own server on a free port, waits for each page to finish running, and writes
``docs/screenshots/<page>.png`` (1400 px wide, the top 1800 px of the page).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "home": "/",
    "topology": "/topology",
    "redundancy": "/redundancy",
    "timeouts": "/timeouts",
    "correlation": "/correlation",
    "incidents": "/incidents",
    "roi": "/roi",
    "simulator": "/simulator",
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_server(url: str, seconds: float = 60.0) -> None:
    """Return once Streamlit's health endpoint answers; exit after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the app did not start at {url}")


def main() -> None:
    """Start the app, screenshot every page, stop the app."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_server(url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            for name, path in PAGES.items():
                page.goto(url + path)
                page.wait_for_selector('[data-testid="stMain"]', timeout=60_000)
                page.wait_for_timeout(1_500)
                page.wait_for_selector(
                    '[data-testid="stStatusWidget"]', state="detached", timeout=120_000
                )
                page.wait_for_timeout(2_000)  # charts lay out after the run ends
                target = ROOT / "docs" / "screenshots" / f"{name}.png"
                page.screenshot(path=str(target))
                print(f"wrote {target.relative_to(ROOT)}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
