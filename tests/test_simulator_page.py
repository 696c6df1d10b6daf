"""AppTest of the Policy simulator page: defaults, scenarios, presets, sources, bad input."""

from __future__ import annotations

import ftmath
import ui
from tests.apptest import messages, open_page
from tests.conftest import DATA, EXAMPLES

PAGE = "pages/simulator.py"


def metrics(at, label: str) -> list[str]:  # noqa: ANN001
    """Every value shown under a metric label, in page order (one per policy)."""
    return [m.value for m in at.metric if m.label == label]


def comparison(at):  # noqa: ANN001, ANN201
    """The comparison table (AppTest's dataframes carry no key: found by its columns)."""
    return next(d.value for d in at.dataframe if "breaker_trips" in d.value.columns)


def ehrbase_dependency(chaos: list[ftmath.Chaos]) -> ftmath.Dependency:
    frame = ftmath.read_latencies(EXAMPLES / "ehrbase-perftest-2022-07-05.jtl")
    healthy = frame["latency_ms"].to_numpy()[frame["ok"].to_numpy()]
    return ftmath.Dependency.empirical(healthy, failure=0.01, chaos=chaos)


def test_opens_with_three_policies_during_an_outage() -> None:
    at = open_page(PAGE)
    assert not at.exception
    assert not messages(at, "error")
    # the numbers shown are ftmath.simulate's on the same inputs
    dep = ehrbase_dependency([ftmath.Chaos("outage-fail", 100, 60)])
    presets = ftmath.policy_presets(
        timeout_ms=dep.quantile(0.999), hedge_delay_ms=dep.quantile(0.95)
    )
    expected = [
        ftmath.simulate(presets[name], dep, requests=60_000, rate_per_s=200, seed=0)
        for name in ftmath.POLICY_PRESETS[1:4]
    ]
    assert metrics(at, "Success (ok)") == [ui.fmt_percent(r.success) for r in expected]
    assert metrics(at, "Load") == [f"{r.load:.3f}×" for r in expected]
    peaks = [float(v.removesuffix("×")) for v in metrics(at, "Peak load")]
    assert peaks[0] > 3.9  # 3 retries, no budget: the retry storm quadruples the load
    assert peaks[2] < 1.1  # the breaker sheds it
    assert metrics(at, "Served (ok + degraded)")[2] == "100 %"  # breaker + fallback
    table = comparison(at)
    assert table["policy"].tolist() == list(ftmath.POLICY_PRESETS[1:4])
    assert table["breaker_trips"].tolist()[2] >= 1


def test_steady_scenario_matches_the_closed_form() -> None:
    at = open_page(PAGE)
    at.selectbox(key="simulator.scenario").set_value("steady (no chaos)").run()
    assert not at.exception
    table = comparison(at)
    assert table["peak_load"].max() < 1.2
    # "How is this computed?" compares the simulated success with 1 - f_a^(k+1)
    notes = [c.value for c in at.caption if c.value.startswith("Closed form with independent")]
    assert len(notes) == 1  # the retry preset; the budget and breaker couple requests
    sigmas = float(notes[0].split("the simulation is ")[1].split(" binomial")[0])
    assert sigmas < 5


def test_hanging_outage_without_timeout_hangs() -> None:
    at = open_page(PAGE)
    at.selectbox(key="simulator.scenario").set_value("outage: calls hang").run()
    at.selectbox(key="simulator.p0.preset").set_value("none").run()
    assert not at.exception
    assert metrics(at, "p99 latency")[0] == "∞ (hangs)"
    table = comparison(at)
    assert table["hung"].iloc[0] > 0
    assert table["hung"].iloc[1:].sum() == 0  # a timeout ends every hanging call


def test_adjusting_a_preset_and_switching_a_slot_off() -> None:
    at = open_page(PAGE)
    at.number_input(key="simulator.p0.attempts").set_value(1).run()
    at.selectbox(key="simulator.p2.preset").set_value("(off)").run()
    assert not at.exception
    table = comparison(at)
    assert table["policy"].tolist() == [
        "3 retries, no jitter (adjusted)",
        ftmath.POLICY_PRESETS[2],
    ]
    assert table["load"].iloc[0] <= 1.0  # no retries left: one call per request at most
    # a new preset starts from its own values
    at.selectbox(key="simulator.p0.preset").set_value("hedge at p95").run()
    assert at.number_input(key="simulator.p0.hedges").value == 1


def test_lognormal_dependency_and_breaker_timeline() -> None:
    at = open_page(PAGE)
    at.segmented_control(key="simulator.mode").set_value("Lognormal (median, p99)").run()
    assert not at.exception
    assert any("lognormal latency (p50 20 ms, p99 200 ms)" in c.value for c in at.caption)
    assert len(metrics(at, "Success (ok)")) == 3


def test_bad_uploads_are_explained_and_keep_the_settings() -> None:
    at = open_page(PAGE)
    at.selectbox(key="simulator.scenario").set_value("brown-out").run()
    upload = at.file_uploader(key="simulator.source.upload")
    upload.set_value(("garbage.csv", b"name,size\na,1\n", "text/csv")).run()
    assert not at.exception
    assert any("no latency column" in e for e in messages(at, "error"))
    assert at.selectbox(key="simulator.scenario").value == "brown-out"
    prometheus = (DATA / "latency" / "prometheus.txt").read_bytes()
    at.file_uploader(key="simulator.source.upload").set_value(
        ("metrics.txt", prometheus, "text/plain")
    ).run()
    assert any("Lognormal (median, p99)" in e for e in messages(at, "error"))
    at.file_uploader(key="simulator.source.upload").set_value(
        ("k6.csv", (DATA / "latency" / "k6.csv").read_bytes(), "text/csv")
    ).run()
    assert not messages(at, "error")
    assert any("2 of 3 requests" in c.value or "1 of 3 requests" in c.value for c in at.caption)


def test_chaos_after_the_run_is_explained() -> None:
    at = open_page(PAGE)
    at.number_input(key="simulator.requests").set_value(1_000).run()
    assert not at.exception
    assert any("starts after the run ends" in e for e in messages(at, "error"))


def test_unit_and_column_choices_read_a_plain_csv() -> None:
    """The messages ask for a unit or a column: the page has the controls to give them."""
    at = open_page(PAGE)
    upload = at.file_uploader(key="simulator.source.upload")
    rows = "".join(f"{1_700_000_000 + i},{0.05 + i % 7 / 100}\n" for i in range(200))
    upload.set_value(("seconds.csv", f"timestamp,latency\n{rows}".encode(), "text/csv")).run()
    assert any("choose the Latency unit" in e for e in messages(at, "error"))
    at.selectbox(key="simulator.unit").set_value("s").run()
    assert not at.exception
    assert not messages(at, "error")
    assert any("p50 80 ms" in c.value or "80 ms" in c.value for c in at.caption), [
        c.value for c in at.caption
    ]
    sizes = "".join(f"item{i},red,{10 + i % 5}\n" for i in range(200))
    at.file_uploader(key="simulator.source.upload").set_value(
        ("wrongcols.csv", f"name,colour,size\n{sizes}".encode(), "text/csv")
    ).run()
    assert any("choose it with the Latency column" in e for e in messages(at, "error"))
    at.text_input(key="simulator.column").set_value("size").run()
    assert not at.exception
    assert not messages(at, "error")
    assert len(metrics(at, "Success (ok)")) == 3


def test_out_of_range_inputs_are_named_on_screen() -> None:
    """No silent clamping: the field and its range are said, and a correction runs again."""
    at = open_page(PAGE)
    cases = [
        ("simulator.requests", 100_000_000, "Requests must be a whole number from 1 to 200,000"),
        ("simulator.requests", 0, "Requests must be a whole number from 1 to 200,000"),
        ("simulator.rate", 0.0, "Rate (requests/s) must be > 0"),
        ("simulator.rate", -5.0, "Rate (requests/s) must be > 0"),
        (
            "simulator.failure",
            150.0,
            "Failure probability of a call (%) must be a probability in [0, 1] "
            "(0 % to 100 %), got 1.5 (150 %)",
        ),
        ("simulator.start", -10.0, "Starts at (s) must be >= 0"),
    ]
    for key, bad, text in cases:
        good = at.number_input(key=key).value
        at.number_input(key=key).set_value(bad).run()
        assert not at.exception
        assert any(text in e for e in messages(at, "error")), (key, messages(at, "error"))
        assert not metrics(at, "Success (ok)")
        at.number_input(key=key).set_value(good).run()
        assert not messages(at, "error")
        assert len(metrics(at, "Success (ok)")) == 3


def test_short_labels_and_one_precision_for_the_shares() -> None:
    at = open_page(PAGE)
    assert at.selectbox(key="simulator.p1.preset").format_func(
        at.selectbox(key="simulator.p1.preset").value
    ) == ("AWS-style")
    assert all(len(o) <= 40 for o in at.selectbox(key="simulator.source.example").options)
    labels = {p.proto.popover.label for p in at.get("popover") if "simulator.explain" in p.key}
    assert labels == {"How?"}
    shares = [m.value for m in at.metric if m.label in ("Success (ok)", "Served (ok + degraded)")]
    decimals = {v.split(".")[1].split(" ")[0].__len__() for v in shares if "." in v}
    assert len(decimals) == 1, shares


def test_all_zero_latencies_are_explained_not_an_exception_box() -> None:
    # Breaker review: a fast endpoint timed in whole ms is all 0 ms; p99.9 = 0 made the
    # presets raise outside any guard and the page showed Streamlit's exception box.
    at = open_page(PAGE)
    at.file_uploader(key="simulator.source.upload").set_value(
        ("**zeros** $x$.csv", b"latency_ms\n0\n0\n0\n0\n0\n", "text/csv")
    ).run()
    assert not at.exception
    errors = messages(at, "error")
    assert any(e.startswith("Presets: The dependency's p99.9 must be > 0") for e in errors), errors
    assert any("faster than the clock" in i for i in messages(at, "info"))
