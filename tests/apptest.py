"""Helpers for AppTest (streamlit.testing.v1): open the app on a page, find widgets by key."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_page(page: str, *, timeout: float = 60) -> AppTest:
    """Run the app, switch to ``page`` (a path such as ``pages/topology.py``) and run it."""
    at = AppTest.from_file(APP, default_timeout=timeout).run()
    assert not at.exception, at.exception
    if page != "pages/home.py":
        at.switch_page(page).run()
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    """Metric label -> shown value."""
    return {m.label: m.value for m in at.metric}


def messages(at: AppTest, kind: str = "error") -> list[str]:
    """Text of every ``st.error`` (or ``warning``, ``info``, ``success``) on the page."""
    return [element.value for element in getattr(at, kind)]
