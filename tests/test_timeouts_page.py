"""AppTest of the Timeouts page: default data, uploads (good, bad, pre-aggregated), target."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import ftmath
from tests.apptest import messages, metric_values, open_page
from tests.conftest import DATA, EXAMPLES

PAGE = "pages/timeouts.py"
LAT = DATA / "latency"


def table_with(at, column: str):  # noqa: ANN001, ANN201
    """The first st.dataframe on the page that has ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def upload(at, name: str, data: bytes):  # noqa: ANN001, ANN201
    at.file_uploader(key="timeouts.source.upload").set_value((name, data, "text/csv")).run()
    return at


def test_opens_on_the_ehrbase_example() -> None:
    at = open_page(PAGE)
    assert not at.exception
    values = metric_values(at)
    assert values["Requests"] == "22,005"
    assert values["Failed (kept apart)"] == "0"
    frame = ftmath.read_latencies(EXAMPLES / "ehrbase-perftest-2022-07-05.jtl")
    expected = np.quantile(frame["latency_ms"], 0.999, method="inverted_cdf")
    assert values["Recommended timeout (p99.9)"] == f"{expected:,.0f} ms"
    assert not messages(at, "error")


def test_upload_k6_csv_shows_the_table() -> None:
    at = upload(open_page(PAGE), "k6.csv", (LAT / "k6.csv").read_bytes())
    assert not at.exception
    values = metric_values(at)
    assert values["Requests"] == "3"
    assert values["Healthy"] == "2"
    table = table_with(at, "percentile")
    assert table["percentile"].tolist()[:2] == ["p50", "p90"]
    assert table.set_index("percentile").loc["max", "value_ms"] == "114 ms"


def test_changing_the_target_changes_the_timeout() -> None:
    at = open_page(PAGE)
    at.select_slider(key="timeouts.target").set_value("p99").run()
    frame = ftmath.read_latencies(EXAMPLES / "ehrbase-perftest-2022-07-05.jtl")
    expected = np.quantile(frame["latency_ms"], 0.99, method="inverted_cdf")
    assert metric_values(at)["Recommended timeout (p99)"] == f"{expected:,.0f} ms"


def test_bad_upload_shows_an_error_and_keeps_working() -> None:
    at = upload(open_page(PAGE), "garbage.csv", b"name,size\na,1\n")
    assert not at.exception
    errors = messages(at, "error")
    assert any("no latency column found" in e for e in errors)
    at = upload(at, "locust_stats.csv", (LAT / "locust_stats.csv").read_bytes())
    assert any("Locust" in e for e in messages(at, "error"))
    # the user's target survives a bad upload
    assert at.select_slider(key="timeouts.target").value == "p99.9"


def test_unit_choice_fixes_a_unitless_column() -> None:
    at = upload(open_page(PAGE), "plain.csv", b"latency\n0.1\n0.2\n0.3\n")
    assert any("unit" in e for e in messages(at, "error"))
    at.selectbox(key="timeouts.unit").set_value("s").run()
    assert metric_values(at)["Recommended timeout (p99.9)"] == "300 ms"


def test_llmperf_example_keeps_failures_apart_and_compares_policies() -> None:
    at = open_page(PAGE)
    at.selectbox(key="timeouts.source.example").set_value(
        next(o for o in at.selectbox(key="timeouts.source.example").options if "LLM" in o)
    ).run()
    values = metric_values(at)
    assert values["Failed (kept apart)"] == "539"
    policies = table_with(at, "policy")
    assert len(policies) == 4
    assert "Closed-form success with retries" in values
    # the headline says seconds (31.8 s); the charts use the same unit, not "100k" ms
    assert values["Recommended timeout (p99.9)"].endswith(" s")
    titles = [json.loads(c.proto.spec)["layout"] for c in at.get("plotly_chart")]
    axes = [t.get("yaxis", {}).get("title", {}).get("text", "") for t in titles]
    axes += [t.get("xaxis", {}).get("title", {}).get("text", "") for t in titles]
    assert "latency (s, log scale)" in axes and "latency (ms, log scale)" not in axes
    # On a log axis an annotation sits at log10 of the value: the timeout label was placed at
    # 10^31.8 s and stretched the percentile chart's axis to 10^77 (newcomer review).
    seconds = float(values["Recommended timeout (p99.9)"].removesuffix(" s"))
    labels = [
        a for t in titles for a in t.get("annotations", []) if a["text"].startswith("timeout")
    ]
    assert len(labels) == 2
    for label in labels:
        position = label["y"] if label["yref"] == "y" else label["x"]
        assert position == pytest.approx(math.log10(seconds), abs=0.01)


def test_endpoint_filter() -> None:
    at = open_page(PAGE)
    labels = at.multiselect(key="timeouts.labels").options
    at.multiselect(key="timeouts.labels").set_value([labels[0]]).run()
    assert metric_values(at)["Endpoints"] == "1"
    assert not at.exception


def test_prometheus_histogram_upload() -> None:
    at = upload(open_page(PAGE), "metrics.txt", (LAT / "prometheus.txt").read_bytes())
    assert not at.exception
    assert any("estimates" in w for w in messages(at, "warning"))
    values = metric_values(at)
    assert values["Requests counted"] == "144,320"
    assert values["Timeout for p99.9 (bucket top)"].startswith("n/a")  # in the +Inf bucket


def test_per_try_field_shows_the_timeout_the_table_uses() -> None:
    """The disabled per-try field follows the target on every run (it once kept a stale value)."""
    at = open_page(PAGE)
    for target in ("p99.5", "p99", "p99.9"):
        at.select_slider(key="timeouts.target").set_value(target).run()
        assert not at.exception
        field = at.number_input(key="timeouts.per_try").value
        shown = metric_values(at)[f"Recommended timeout ({target})"]
        assert f"{field:,.0f} ms" == shown
        policies = table_with(at, "policy")["policy"].tolist()
        assert f"Timeout {field:g} ms" in policies


def test_out_of_range_policy_inputs_are_named_on_screen() -> None:
    """A refused number is said in the field's words, once; the rest of the page keeps working."""
    at = open_page(PAGE)
    at.number_input(key="timeouts.retries").set_value(1_000_000).run()
    assert not at.exception
    errors = messages(at, "error")
    assert errors == ["Policy: Retries must be a whole number from 0 to 100, got 1000000"]
    assert "Recommended timeout (p99.9)" in metric_values(at)
    assert any("Correct the policy inputs" in i for i in messages(at, "info"))
    at.number_input(key="timeouts.retries").set_value(2).run()
    at.number_input(key="timeouts.backoff_base").set_value(-5.0).run()
    assert any("back-off base (ms) must be > 0" in e for e in messages(at, "error"))
    at.number_input(key="timeouts.backoff_base").set_value(25.0).run()
    at.number_input(key="timeouts.deadline").set_value(-1.0).run()
    assert any("overall deadline (ms) must be > 0" in e for e in messages(at, "error"))


def test_seconds_read_as_milliseconds_are_questioned() -> None:
    rows = "".join(f"{1_700_000_000 + i},{0.04 + i % 7 / 1000}\n" for i in range(300))
    at = upload(open_page(PAGE), "seconds.csv", f"timestamp,latency\n{rows}".encode())
    at.selectbox(key="timeouts.unit").set_value("ms").run()
    assert not at.exception
    assert any("are these seconds?" in w for w in messages(at, "warning"))
    at.selectbox(key="timeouts.unit").set_value("s").run()
    assert not any("are these" in w for w in messages(at, "warning"))


def test_all_zero_latencies_draw_no_timeout_line_and_say_why() -> None:
    # Breaker review: log10(0) in the chart raised "math domain error" in the browser.
    at = upload(open_page(PAGE), "zeros.csv", b"latency_ms\n0\n0\n0\n0\n0\n")
    assert not at.exception
    assert metric_values(at)["Recommended timeout (p99.9)"] == "0 ms"
    assert any("faster than the clock" in w for w in messages(at, "warning"))


def test_file_and_column_names_are_shown_literally() -> None:
    at = upload(open_page(PAGE), "**bold** $x$ [a](b).csv", b"latency_ms\n5\n6\n")
    caption = next(c.value for c in at.caption if "latency from" in c.value)
    assert caption.startswith(r"**\*\*bold\*\* \$x\$ \[a\]\(b\).csv**")
    at = upload(at, "**bad** $y$.csv", b"name,size\na,1\n")
    assert any(e.startswith(r"\*\*bad\*\* \$y\$.csv: ") for e in messages(at, "error"))
