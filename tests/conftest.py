"""Shared pytest setup: hypothesis profiles and paths to the example data."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"

# The ROI worked example of issue 7 (annual savings 607,725.61, NPV 1,364,625.89 at 8 %,
# payback 0.255221 years, IRR 3.88455): the inputs every ROI test file starts from.
ROI_WORKED_EXAMPLE = dict(
    cost_per_hour=10_000,
    mtbf_hours_now=500,
    mttr_hours_now=4,
    mtbf_hours_target=2000,
    mttr_hours_target=2,
    capex=150_000,
    opex_per_year=20_000,
    years=3,
    discount_rate=0.08,
)

settings.register_profile(
    "default", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")


@pytest.fixture
def examples() -> Path:
    """The folder of real example data the app opens with."""
    return EXAMPLES


def _apptest_runs_the_app_frame() -> None:
    """Make AppTest run `app.py` (st.navigation) on every run, as the browser does.

    AppTest resets Streamlit's legacy ``pages/``-folder flag before each run, so each run would
    start by running the page file alone; `ui.ensure_app_frame` then reruns it, and a button's
    click (a one-run trigger) would be lost in between. A server leaves that mode for good after
    its first `st.navigation`; this makes every AppTest run start there too.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class NavigationPagesManager(PagesManager):
        def __init__(self, *args: object, **kwargs: object) -> None:
            PagesManager.uses_pages_directory = False
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    app_test.PagesManager = NavigationPagesManager  # type: ignore[misc]


_apptest_runs_the_app_frame()
