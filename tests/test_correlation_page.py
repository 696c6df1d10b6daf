"""AppTest of the Correlation page: the LANL default, its main interactions and uploads."""

from pathlib import Path

import pytest

import ftmath
from tests.apptest import messages, metric_values, open_page

PAGE = "pages/correlation.py"
DATA = Path(__file__).resolve().parent / "data" / "correlation"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def lanl() -> ftmath.CorrelationResult:
    events = ftmath.read_events(EXAMPLES / "lanl-failure-data-1996-2005.csv")
    return ftmath.correlate(events, "1h", 999, seed=1)


def test_lanl_default_renders_with_its_numbers(lanl: ftmath.CorrelationResult) -> None:
    at = open_page(PAGE, timeout=180)
    assert not at.exception
    assert messages(at, "error") == []
    shown = metric_values(at)
    assert shown["Events"] == "23,739"
    assert shown["Types"] == "7"
    assert shown["Bins"] == f"{lanl.n_bins:,} × 1 h"
    pairs = lanl.pairs()
    top = pairs[pairs["thin"] == ""].iloc[0]  # the strongest pair with data enough to judge
    assert (top["a"], top["b"]) == ("Hardware", "Undetermined")
    assert shown["Pearson r"] == f"{lanl.r.loc[top['a'], top['b']]:.3f}"
    assert shown["Adjusted p-value"] == f"{lanl.p.loc[top['a'], top['b']]:.3g}"
    assert any("America/Denver" in c.value for c in at.caption)
    assert "Cascades" in shown and "Expected by chance" in shown


def test_changing_the_bin_width_and_types() -> None:
    at = open_page(PAGE, timeout=180)
    at.select_slider(key="correlation.bin").set_value("1 day").run()
    assert not at.exception
    types = at.multiselect(key=key_of(at.multiselect, "correlation.types."))
    types.set_value(["Hardware", "Software"]).run()
    assert metric_values(at)["Types"] == "2"
    assert not at.exception
    events = ftmath.read_events(EXAMPLES / "lanl-failure-data-1996-2005.csv")
    expected = ftmath.correlate(events, "1D", 999, seed=1, types=["Hardware", "Software"])
    shown = metric_values(at)
    assert shown["Bins"] == f"{expected.n_bins:,} × 1 day"
    assert shown["Pearson r"] == f"{expected.r.loc['Hardware', 'Software']:.3f}"
    assert shown["Adjusted p-value"] == f"{expected.p.loc['Hardware', 'Software']:.3g}"


def test_too_many_minute_bins_says_what_to_do() -> None:
    at = open_page(PAGE, timeout=180)
    at.select_slider(key="correlation.bin").set_value("1 min").run()
    assert not at.exception
    errors = messages(at, "error")
    assert len(errors) == 1 and "use bins of at least" in errors[0]


def test_upload_of_alerts_with_offsets() -> None:
    at = open_page(PAGE, timeout=180)
    at.file_uploader[0].upload(
        "alerts.csv", (DATA / "alerts-iso-offsets.csv").read_bytes(), "text/csv"
    ).run()
    assert not at.exception
    assert messages(at, "error") == []
    shown = metric_values(at)
    assert shown["Events"] == "12"
    assert shown["Types"] == "3"
    events = ftmath.read_events(DATA / "alerts-iso-offsets.csv")
    result = ftmath.correlate(events, "1h", 999, seed=1)
    assert shown["Bins"] == f"{result.n_bins:,} × 1 h"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "not text"),
        ("bad.csv", (DATA / "bad-time.csv").read_bytes(), "row 4"),
        ("cols.csv", b"when,colour\n2024-01-01,red\n", "no time column"),
    ],
)
def test_bad_uploads_say_why_and_the_page_survives(name: str, data: bytes, message: str) -> None:
    at = open_page(PAGE, timeout=180)
    at.file_uploader[0].upload(name, data, "text/csv").run()
    assert not at.exception
    errors = messages(at, "error")
    assert errors and message in errors[0]


def test_choosing_columns_by_hand() -> None:
    at = open_page(PAGE, timeout=180)
    at.file_uploader[0].upload(
        "faults.csv", (DATA / "faults-semicolon-latin1.csv").read_bytes(), "text/csv"
    ).run()
    assert messages(at, "error")  # no time column by name
    at.selectbox(key=key_of(at.selectbox, "correlation.time_column.")).set_value("Zeit").run()
    at.radio(key=key_of(at.radio, "correlation.layout.")).set_value("one column").run()
    at.selectbox(key=key_of(at.selectbox, "correlation.type.")).set_value("Störung").run()
    assert not at.exception
    assert messages(at, "error") == []
    assert metric_values(at)["Events"] == "4"


def test_thin_pairs_get_no_verdict_and_a_warning_says_why(
    lanl: ftmath.CorrelationResult,
) -> None:
    at = open_page(PAGE, timeout=180)
    warnings = messages(at, "warning")
    thin = [w for w in warnings if "too little data" in w]
    assert len(thin) == 1
    # The strongest r of the example rests on 6 shared hours: named, with the reason.
    assert "(not given) × Facilities" in thin[0].replace("\\", "")
    assert "only 6 bins hold both (not given) and Facilities (at least 10 are needed)" in (
        thin[0].replace("\\", "")
    )
    table = at.dataframe[0].value
    row = table[(table["a"] == "(not given)") & (table["b"] == "Facilities")].iloc[0]
    assert row["verdict"] == "too thin to judge"
    # ... and the pairs table behind the Pairs CSV says the same: not significant.
    lanl_pair = lanl.pairs().set_index(["a", "b"]).loc[("(not given)", "Facilities")]
    assert lanl_pair["p"] <= 0.05 and not lanl_pair["significant"]
    assert any("smallest attainable p-value is 1/(999 + 1) = 0.001" in c.value for c in at.caption)


def test_choosing_a_thin_pair_warns_under_its_p_value() -> None:
    at = open_page(PAGE, timeout=180)
    at.selectbox(key=key_of(at.selectbox, "correlation.pair_a.")).set_value("(not given)").run()
    at.selectbox(key=key_of(at.selectbox, "correlation.pair_b.")).set_value("Facilities").run()
    assert not at.exception
    warned = [w for w in messages(at, "warning") if "too little data to judge this p-value" in w]
    assert len(warned) == 1 and "only 6 bins" in warned[0]
    p_metric = next(m for m in at.metric if m.label == "Adjusted p-value")
    assert "Too thin to judge" in p_metric.proto.help


def test_messages_name_the_inputs_as_labelled() -> None:
    at = open_page(PAGE, timeout=180)
    at.number_input(key="correlation.max_lag").set_value(-1).run()
    assert not at.exception
    errors = messages(at, "error")
    assert len(errors) == 1
    assert "Max lag (bins) must be a whole number of bins >= 0" in errors[0]
    assert "max_lag" not in errors[0]
    at.number_input(key="correlation.cascade_least").set_value(0).run()
    errors = messages(at, "error")
    assert any(e.startswith("Cascades: At least") for e in errors), errors
    assert not any("min_distinct" in e for e in errors)


def test_metric_values_stay_short_and_reasons_go_to_help() -> None:
    at = open_page(PAGE, timeout=180)
    at.selectbox(key="correlation.permutations").set_value(0).run()
    assert not at.exception
    p_metric = next(m for m in at.metric if m.label == "Adjusted p-value")
    assert p_metric.value == "n/a"
    assert "permutations are off" in p_metric.proto.help
    assert all(len(m.value) <= 20 for m in at.metric), [m.value for m in at.metric]


def key_of(widgets, prefix: str) -> str:  # noqa: ANN001
    """The key of the widget whose key starts with ``prefix`` (keys carry the file's digest)."""
    return next(w.key for w in widgets if w.key and w.key.startswith(prefix))
