"""Timeouts: from measured response times to a timeout, with confidence, and retry/hedging."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import ftmath
import ui
from ftmath import report

ui.ensure_app_frame()

EXAMPLES = {
    "EHRbase REST server, JMeter load test (22,005 requests, 49 endpoints)": ui.EXAMPLES
    / "ehrbase-perftest-2022-07-05.jtl",
    "Hosted LLM APIs, LLMPerf (2,845 requests, failures, long tail)": ui.EXAMPLES
    / "llmperf-leaderboard-requests.csv",
    "Apache JMeter test file (255 requests, 3 failures)": ui.EXAMPLES
    / "jmeter-apache-testfile.csv",
}
TARGETS = {"p90": 0.9, "p95": 0.95, "p99": 0.99, "p99.5": 0.995, "p99.9": 0.999,
           "p99.99": 0.9999}  # fmt: skip
BUDGETS = {"none": None, "10 %": 0.1, "20 %": 0.2, "50 %": 0.5}
# library parameter names -> the words on this page's widgets, for error messages
NAMES = {
    "per_try_timeout_ms": "the per-try timeout (ms)",
    "timeout_ms": "the per-try timeout (ms)",
    "deadline_ms": "the overall deadline (ms)",
    "backoff_base_ms": "the back-off base (ms)",
    "backoff_cap_ms": "the back-off cap (ms)",
    "base_ms": "the back-off base (ms)",
    "cap_ms": "the back-off cap (ms)",
    "hedge_delay_ms": "the hedging delay (Hedge after)",
    "retries": "Retries",
    "hedges": "Hedged copies",
    **ui.LATENCY_NAMES,
    "warmup_s": "the warm-up period (s)",
}
# in the retry configs the overall timeout is derived: all attempts and back-offs, or the deadline
OVERALL = {
    **NAMES,
    "timeout_ms": "the overall timeout (the deadline, or all attempts and back-offs)",
}
HEDGE_AT = {"p90": 0.9, "p95": 0.95, "p99": 0.99}
NINES_TICKS = [0, 1, 2, 3, 4, 5, 6]


# --- cached, slow work: parsing, selections, simulations -----------------------------------


@st.cache_data(max_entries=4, show_spinner=False)
def parse(digest: str, _data: bytes, unit: str | None, column: str | None) -> dict:
    """Read the upload once per content, unit and column choice (keyed by its SHA-256)."""
    kind = ftmath.detect_latency_format(_data)
    if kind.kind == "histogram":
        return {"kind": kind, "histograms": ftmath.read_latency_histograms(_data, unit=unit)}
    return {"kind": kind, "frame": ftmath.read_latencies(_data, unit=unit, latency_column=column)}


@st.cache_data(max_entries=8, show_spinner=False)
def selection(
    source_key: tuple, _frame: pd.DataFrame, labels: tuple[str, ...] | None, warmup_s: float
) -> pd.DataFrame:
    return ftmath.select_requests(_frame, labels=labels, warmup_s=warmup_s)


@st.cache_data(max_entries=8, show_spinner=False)
def description(key: tuple, _frame: pd.DataFrame) -> dict:
    """What does not depend on the target: percentiles, spectrum, histogram, time series."""
    healthy = _frame["latency_ms"].to_numpy()[_frame["ok"].to_numpy()]
    result: dict = {"healthy": healthy.size}
    if healthy.size == 0:
        return result
    result["table"] = ftmath.percentile_table(healthy)
    result["spectrum"] = ftmath.percentile_spectrum(healthy)
    result["bins"] = ftmath.latency_bins(healthy)
    if _frame["timestamp"].notna().any():
        result["over_time"] = ftmath.latency_over_time(_frame)
    return result


@st.cache_data(max_entries=16, show_spinner=False)
def recommendation(key: tuple, _frame: pd.DataFrame, target: float) -> dict:
    healthy = _frame["latency_ms"].to_numpy()[_frame["ok"].to_numpy()]
    return {
        "recommendation": ftmath.recommend_timeout(healthy, target),
        "endpoints": ftmath.endpoint_table(_frame, target=target),
    }


def analysis(key: tuple, frame: pd.DataFrame, target: float) -> dict:
    result = description(key, frame)
    if result["healthy"]:
        result = {**result, **recommendation(key, frame, target)}
    return result


@st.cache_data(max_entries=16, show_spinner=False)
def policies(key: tuple, _frame: pd.DataFrame, params: tuple) -> pd.DataFrame:
    return ftmath.compare_policies(
        _frame["latency_ms"].to_numpy(), _frame["ok"].to_numpy(), **dict(params)
    )


def readable(
    table: pd.DataFrame, columns: list[str], percents: dict[str, str] | None = None
) -> pd.DataFrame:
    """A copy for display: latency columns as text, NaN as "n/a" (the note says why).

    ``percents`` maps a success column to the column holding its complement, computed directly
    (``{"success": "failure"}``), so that 1 − 1e-18 is not shown as a clean 100 %.
    """
    shown = table.copy()
    shown.attrs = {}
    for column, complement in (percents or {}).items():
        shown[column] = [
            ui.fmt_percent(v, unreliability=q)
            for v, q in zip(shown[column], shown[complement], strict=True)
        ]
    if "coverage" in shown:
        shown["coverage"] = ["n/a" if math.isnan(v) else f"{v:.4f}" for v in shown["coverage"]]
    for column in columns:
        shown[column] = [
            "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else ui.fmt_ms(v)
            for v in shown[column]
        ]
    return shown


def digest_of(source: ui.Source) -> str:
    """SHA-256 of the content, computed once per uploaded file (hashing 200 MB takes time)."""
    uploaded = st.session_state.get("timeouts.source.upload")
    token = (
        getattr(uploaded, "file_id", None) if not source.is_example else f"example:{source.name}"
    )
    memo = st.session_state.setdefault("timeouts.digests", {})
    if token is None or token not in memo:
        digest = hashlib.sha256(source.data).hexdigest()
        if token is None:
            return digest
        memo.clear()  # keep one: the current file
        memo[token] = digest
    return memo[token]


# --- charts ---------------------------------------------------------------------------------


def nines_axis(fig: go.Figure) -> None:
    fig.update_xaxes(
        tickvals=NINES_TICKS,
        ticktext=["p0", "p90", "p99", "p99.9", "p99.99", "p99.999", "p99.9999"],
        title="percentile (log scale of 1 / (1 − p): one step per nine)",
    )


def chart_unit(timeout_ms: float) -> tuple[float, str]:
    """Milliseconds, or seconds when the timeout is 10 s or more (as the headline shows it)."""
    return (1000.0, "s") if timeout_ms >= 10_000 else (1.0, "ms")


def spectrum_chart(spectrum: pd.DataFrame, table: pd.DataFrame, timeout: float, name: str):
    scale, unit = chart_unit(timeout)
    finite = spectrum[np.isfinite(spectrum["nines"])]
    top = float(finite["nines"].max()) if len(finite) else 0.0
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=finite["nines"],
            y=finite["value_ms"] / scale,
            mode="lines",
            name="latency",
            line={"shape": "hv"},
        )
    )
    rows = table[table["p"] < 1.0]
    nines = -np.log10(1.0 - rows["p"].to_numpy())
    high = rows["ci_high_ms"].to_numpy() / scale
    low = rows["ci_low_ms"].to_numpy() / scale
    value = rows["value_ms"].to_numpy() / scale
    fig.add_trace(
        go.Scatter(
            x=nines,
            y=value,
            mode="markers",
            name="percentile with 95 % interval",
            marker={"size": 8},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": np.where(np.isnan(high), 0, high - value),
                "arrayminus": np.where(np.isnan(low), 0, value - low),
            },
            text=rows["percentile"],
            hovertemplate="%{text}: %{y:,.4g} " + unit + "<extra></extra>",
        )
    )
    if timeout > 0:  # a log axis has no place for 0 ms (all-zero latencies)
        timeout_line(fig, timeout, scale, f"timeout {ui.fmt_ms(timeout)} ({name})")
    nines_axis(fig)
    fig.update_xaxes(range=[-0.05, max(top, 1.0) + 0.1])
    fig.update_yaxes(
        type="log",
        title=f"latency ({unit}, log scale)",
        **ui.log_ticks([*finite["value_ms"] / scale, timeout / scale]),
    )
    fig.update_layout(height=420, margin={"t": 30, "b": 10}, legend={"orientation": "h"})
    return fig


def timeout_line(fig: go.Figure, timeout: float, scale: float, text: str) -> None:
    """The timeout as a dashed line across a log latency axis (y), labelled at the right."""
    fig.add_hline(y=timeout / scale, line_dash="dash", line_color="#d1242f")
    # On a log axis an annotation's position is the log10 of the value (add_hline's own
    # annotation used the value itself: 82 s put it at 10^82 and stretched the axis there).
    fig.add_annotation(
        text=text,
        x=1.0,
        xref="paper",
        xanchor="right",
        y=math.log10(timeout / scale),
        yref="y",
        yanchor="bottom",
        showarrow=False,
    )


def histogram_chart(bins: pd.DataFrame, timeout: float):
    scale, unit = chart_unit(timeout)
    fig = go.Figure(
        go.Bar(
            x=np.sqrt(bins["low_ms"] * bins["high_ms"]) / scale,
            y=bins["count"],
            width=(bins["high_ms"] - bins["low_ms"]) / scale,
            name="requests",
            hovertemplate="%{x:,.4g} " + unit + ": %{y:,} requests<extra></extra>",
        )
    )
    if timeout > 0:  # a log axis has no place for 0 ms (all-zero latencies)
        fig.add_vline(x=timeout / scale, line_dash="dash", line_color="#d1242f")
        fig.add_annotation(  # log axis: the position is log10 of the value
            text=f"timeout {ui.fmt_ms(timeout)}",
            x=math.log10(timeout / scale),
            xref="x",
            xanchor="right",  # left of the line: the timeout is usually near the right edge
            y=1.0,
            yref="paper",
            yanchor="top",
            showarrow=False,
        )
    fig.update_xaxes(
        type="log",
        title=f"latency ({unit}, log scale)",
        **ui.log_ticks([*bins["low_ms"] / scale, *bins["high_ms"] / scale]),
    )
    fig.update_yaxes(title="healthy requests")
    fig.update_layout(height=380, margin={"t": 30, "b": 10}, bargap=0)
    return fig


def over_time_chart(frame: pd.DataFrame, timeout: float):
    scale, unit = chart_unit(timeout)
    fig = go.Figure()
    for column, name in (("p50_ms", "p50"), ("p99_ms", "p99"), ("max_ms", "max")):
        fig.add_trace(
            go.Scatter(x=frame["start"], y=frame[column] / scale, name=name, mode="lines")
        )
    failures = bool((frame["failed"] > 0).any())
    if failures:  # no failed requests: no empty bars and no meaningless second axis
        fig.add_trace(
            go.Bar(
                x=frame["start"],
                y=frame["failed"],
                name="failed requests",
                yaxis="y2",
                marker_color="#d1242f",
                opacity=0.5,
            )
        )
    if len(frame):
        fig.add_trace(  # the timeout, as a legend entry (a shape has none)
            go.Scatter(
                x=[frame["start"].iloc[0], frame["start"].iloc[-1]],
                y=[timeout / scale] * 2,
                name=f"timeout {ui.fmt_ms(timeout)}",
                mode="lines",
                line={"dash": "dash", "color": "#d1242f"},
                hoverinfo="skip",
            )
        )
    fig.update_layout(
        height=380,
        margin={"t": 30, "b": 10},
        yaxis={
            "type": "log",
            "title": f"latency ({unit}, log scale)",
            **ui.log_ticks(frame[["p50_ms", "p99_ms", "max_ms"]].to_numpy().ravel() / scale),
        },
        legend={"orientation": "h"},
    )
    if failures:
        fig.update_layout(
            yaxis2={
                "overlaying": "y",
                "side": "right",
                "title": "failed requests",
                "showgrid": False,
                "rangemode": "tozero",
            }
        )
    return fig


# --- page -----------------------------------------------------------------------------------

st.title("Timeouts")
st.markdown(
    "Upload what your load test or proxy recorded. The page picks the **timeout that cuts off "
    "at most the share of healthy requests you accept**, says **how sure** that number is "
    "from the sample size, and shows what **retries** and **hedged requests** do to success, "
    "tail latency and load. (AWS Builders' Library: set the timeout at the latency percentile "
    "of the false-timeout rate you accept; cap retries, back off with jitter, use budgets.)"
)

source_col, options_col = st.columns([3, 2])
with source_col:
    source = ui.upload_or_example(
        "Upload response times",
        key="timeouts.source",
        examples=EXAMPLES,
        help="JMeter CSV/XML (.jtl), k6 CSV/JSON, Gatling simulation.log, vegeta or hey CSV, "
        "any CSV with a latency column (ms or s), an HdrHistogram percentile distribution "
        "(wrk2 --latency) or Prometheus histogram buckets. Gzip is fine.",
    )
with options_col:
    unit, column_choice = ui.latency_reading("timeouts")
    target_name = st.select_slider(
        "Timeout target: the percentile of healthy requests that must finish in time",
        list(TARGETS),
        value="p99.9",
        key="timeouts.target",
        bind="query-params",
        help="The false-timeout budget: p99.9 accepts cutting off at most 0.1 % of healthy "
        "requests.",
    )
    target = TARGETS[target_name]
    st.caption(f"Cuts off at most {1 - target:.2%} of healthy requests.")
target_key = target_name.removeprefix("p")

if source is None:
    st.stop()

digest = digest_of(source)
fresh = st.session_state.get("timeouts.digest") != digest  # new data: its own selection
if fresh:
    st.session_state["timeouts.digest"] = digest
    st.session_state["timeouts.labels"] = []
    st.session_state["timeouts.warmup"] = 0
parsed = ui.guarded(parse, digest, source.data, unit, column_choice, where=source.name, names=NAMES)
if parsed is None:
    st.info(
        "Nothing was read from this file, so there are no results. Upload another file, or "
        "remove this one (×) to go back to the examples; your settings are kept.",
        icon=":material/info:",
    )
    st.stop()

kind: ftmath.LatencyFormat = parsed["kind"]

# --- pre-aggregated data: percentiles bounded by buckets -----------------------------------

if kind.kind == "histogram":
    histograms: dict[str, ftmath.LatencyHistogram] = parsed["histograms"]
    st.warning(
        f"**{kind.description}**: pre-aggregated data, no individual requests. Percentiles "
        "below are **estimates**: the true value lies between the bucket edges shown. Retry and "
        "hedging simulations need per-request data.",
        icon=":material/data_thresholding:",
    )
    if fresh or st.session_state.get("timeouts.series") not in histograms:
        st.session_state["timeouts.series"] = next(iter(histograms))
    name = st.selectbox("Series", list(histograms), key="timeouts.series")
    hist = histograms[name]
    table = ftmath.histogram_percentile_table(hist)
    bound = ftmath.histogram_percentile(hist, target)
    cols = st.columns(3)
    cols[0].metric("Requests counted", f"{hist.n:,}")
    cols[1].metric(
        f"Timeout for p{target_key} (bucket top)",
        ui.fmt_ms(bound.high_ms) if not math.isnan(bound.high_ms) else "n/a",
        help="The upper edge of the bucket holding the target percentile: at most "
        f"{(1 - target):.2%} of the counted requests are slower.",
    )
    if math.isnan(bound.high_ms):  # the reason under the number: a metric cuts long text off
        cols[1].caption(ui.na(bound.reason))
    cols[2].metric(
        "Estimate within the bucket",
        ui.fmt_ms(bound.estimate_ms) if not math.isnan(bound.estimate_ms) else "n/a",
        help="Linear interpolation in the bucket (Prometheus histogram_quantile) or the "
        "HdrHistogram value.",
    )
    for note in hist.notes:
        st.caption(note)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "p": None,
            "estimate_ms": st.column_config.NumberColumn("estimate (ms)", format="%.4g"),
            "low_ms": st.column_config.NumberColumn("above (ms)", format="%.4g"),
            "high_ms": st.column_config.NumberColumn("at most (ms)", format="%.4g"),
        },
    )
    envoy_hist = (
        ui.guarded(
            ftmath.envoy_route_config,
            timeout_ms=bound.high_ms,
            comments=[f"timeout: bucket top of p{target_key} of {name} ({hist.n:,} requests)"],
            where="Envoy",
            names={"timeout_ms": f"the p{target_key} bucket top"},
        )
        if not math.isnan(bound.high_ms)
        else None
    )
    if envoy_hist:
        ui.download(
            "Envoy route (YAML)",
            envoy_hist.encode(),
            "envoy-route.yaml",
            "application/yaml",
            key="timeouts.download.hist_envoy",
        )
    st.stop()

# --- per-request data ------------------------------------------------------------------------

frame: pd.DataFrame = parsed["frame"]
attrs = frame.attrs
labels_all = sorted(frame["label"].unique())
has_time = bool(frame["timestamp"].notna().any())

st.caption(
    f"**{ui.escape_markdown(source.name)}** — {attrs['format_description']}, latency from "
    f"“{ui.escape_markdown(attrs['latency_column'])}” "
    f"in {attrs['unit']}, {attrs['encoding']}."
    + (" Built-in example." if source.is_example else "")
)
for note in attrs.get("notes", []):
    st.caption(f"Note: {note}")
healthy_ms = frame["latency_ms"].to_numpy()[frame["ok"].to_numpy()]
for note in ftmath.latency_unit_notes(healthy_ms) if healthy_ms.size else []:
    st.warning(f"Unit: {note}", icon=":material/straighten:")

filters = st.columns([3, 2])
with filters[0]:
    chosen = st.multiselect(
        f"Endpoints ({len(labels_all)} in the file; none chosen = all)",
        labels_all,
        key="timeouts.labels",
        placeholder="all endpoints",
    )
with filters[1]:
    span_s = (
        (frame["timestamp"].max() - frame["timestamp"].min()).total_seconds() if has_time else 0.0
    )
    warmup = st.slider(
        "Drop a warm-up period (seconds from the start)",
        0,
        max(1, int(span_s // 2)),
        key="timeouts.warmup",
        disabled=not has_time,
        help="Requests in the first seconds of a run often see cold caches and JIT compilers."
        if has_time
        else "This file has no timestamps.",
    )

selected = ui.guarded(
    selection,
    (digest, unit, column_choice),
    frame,
    tuple(chosen) if chosen else None,
    float(warmup),
    where="Selection",
    names=NAMES,
)
if selected is None:
    st.stop()

key = (digest, tuple(chosen), warmup, unit, column_choice)
result = analysis(key, selected, target)
n_all, n_ok = len(selected), int(result["healthy"])
counts = st.columns(4)
counts[0].metric("Requests", f"{n_all:,}")
counts[1].metric("Healthy", f"{n_ok:,}")
counts[2].metric(
    "Failed (kept apart)",
    f"{n_all - n_ok:,}",
    help="Failed requests never enter the healthy latencies.",
)
counts[3].metric("Endpoints", f"{selected['label'].nunique():,}")

if n_ok == 0:
    st.error("No healthy request in this selection: a timeout cannot be derived.")
    st.stop()

rec: ftmath.TimeoutRecommendation = result["recommendation"]
explained = rec.explain()
head = st.columns(3)
with head[0]:
    st.metric(f"Recommended timeout (p{target_key})", ui.fmt_ms(rec.timeout_ms))
    ui.explain(explained["timeout"], key="timeouts.explain.timeout")
with head[1]:
    interval = (
        f"{ui.fmt_ms(rec.ci_low_ms)} – {ui.fmt_ms(rec.ci_high_ms)}"
        if not rec.reason
        else f"{ui.fmt_ms(rec.ci_low_ms)} – n/a"
        if not math.isnan(rec.ci_low_ms)
        else "n/a"
    )
    st.metric("95 % confidence interval", interval)
    ui.explain(explained["interval"], key="timeouts.explain.interval")
with head[2]:
    st.metric(
        "Healthy requests slower than it",
        f"{rec.above:,} of {rec.n:,}",
        help=f"At most {(1 - target):.2%} by construction.",
    )
if rec.reason:
    st.warning(f"Interval: {rec.reason}.", icon=":material/warning:")
if rec.timeout_ms == 0:
    st.warning(
        f"The p{target_key} latency is 0 ms: these requests finished faster than the clock "
        "that timed them can tell (JMeter counts whole milliseconds). A 0 ms timeout would "
        "cut every request off; record latencies in a finer unit (µs), or take the clock's "
        "resolution (1 ms) as a floor. The charts draw no timeout line on their log axes.",
        icon=":material/warning:",
    )

tabs = st.tabs(
    ["Percentiles", "Histogram", "Over time", "Per endpoint", "Retries & hedging", "Export"]
)

with tabs[0]:
    st.plotly_chart(
        spectrum_chart(result["spectrum"], result["table"], rec.timeout_ms, f"p{target_key}"),
        width="stretch",
        key="timeouts.chart.spectrum",
    )
    st.dataframe(
        readable(result["table"], ["value_ms", "ci_low_ms", "ci_high_ms"]),
        hide_index=True,
        width="stretch",
        key="timeouts.table.percentiles",
        column_config={
            "p": None,
            "rank": st.column_config.NumberColumn("rank", format="%d"),
            "value_ms": "latency",
            "ci_low_ms": "95 % low",
            "ci_high_ms": "95 % high",
            "coverage": "interval coverage",
            "note": st.column_config.TextColumn("note", width="large"),
        },
    )
    st.caption(
        "Nearest-rank percentiles (the HdrHistogram convention); intervals from order "
        "statistics, valid for any distribution. A bound shown as n/a is one the sample cannot "
        "support: say p99.9 of 1,000 requests has no upper bound."
    )

with tabs[1]:
    st.plotly_chart(
        histogram_chart(result["bins"], rec.timeout_ms),
        width="stretch",
        key="timeouts.chart.histogram",
    )

with tabs[2]:
    if "over_time" in result:
        st.plotly_chart(
            over_time_chart(result["over_time"], rec.timeout_ms),
            width="stretch",
            key="timeouts.chart.time",
        )
    else:
        st.info(ui.na("this file has no timestamps"), icon=":material/schedule:")

with tabs[3]:
    ms_columns = [c for c in result["endpoints"].columns if c.endswith("_ms")]
    st.dataframe(
        readable(result["endpoints"], ms_columns),
        hide_index=True,
        width="stretch",
        key="timeouts.table.endpoints",
        column_config={
            "label": "endpoint",
            "failed": "failed requests",
            "failed_share": st.column_config.NumberColumn("failed share", format="percent"),
            **{c: c.removesuffix("_ms").replace("_", " ") for c in ms_columns},
            "timeout_ms": f"timeout (p{target_key})",
            "ci_low_ms": "95 % low",
            "ci_high_ms": "95 % high",
            "note": st.column_config.TextColumn("note", width="large"),
        },
    )
    st.caption(
        f"Per endpoint, the p{target_key} timeout with its 95 % interval, slowest first. "
        "Multi-modal services need per-route timeouts: one global timeout is either too tight "
        "for the slow routes or too loose for the fast ones."
    )

with tabs[4]:
    p_cols = st.columns(4)
    with p_cols[0]:
        follow = st.toggle("Per-try timeout = recommended", True, key="timeouts.follow", wrap=True)
        recommended = float(max(rec.timeout_ms, 0.001))
        # set before the widget exists on every run, so the field shows what the table uses
        if follow or fresh or "timeouts.per_try" not in st.session_state:
            st.session_state["timeouts.per_try"] = recommended
        per_try = st.number_input("Per-try timeout (ms)", key="timeouts.per_try", disabled=follow)
        per_try = recommended if follow else float(per_try)
        deadline = st.number_input(
            "Overall deadline (ms, 0 = none)", value=0.0, key="timeouts.deadline"
        )
    with p_cols[1]:
        retries = st.number_input(
            "Retries", value=2, key="timeouts.retries", help="From 0 to 100; gRPC allows 4."
        )
        budget_key = st.selectbox(
            "Retry budget",
            list(BUDGETS),
            key="timeouts.budget",
            help="At most this many retries per 100 requests.",
        )
    with p_cols[2]:
        jitter = st.selectbox(
            "Back-off jitter", list(ftmath.JITTERS), index=1, key="timeouts.jitter"
        )
        base = st.number_input("Back-off base (ms)", value=25.0, key="timeouts.backoff_base")
        cap = st.number_input("Back-off cap (ms)", value=250.0, key="timeouts.backoff_cap")
    with p_cols[3]:
        hedge_at = st.selectbox(
            "Hedge after",
            list(HEDGE_AT),
            index=1,
            key="timeouts.hedge_at",
            help="The Tail at Scale: a hedge at p95 costs about 5 % load.",
        )
        hedges = st.number_input(
            "Hedged copies", value=1, key="timeouts.hedges", help="From 0 to 10."
        )
    # the hedging delay is a percentile of the table above (all of HEDGE_AT are in it)
    hedge_delay = float(result["table"].set_index("p").loc[HEDGE_AT[hedge_at], "value_ms"])
    params = (
        ("timeout_ms", per_try),
        ("retries", int(retries)),
        ("deadline_ms", float(deadline) if deadline != 0 else None),
        ("backoff_base_ms", float(base)),
        ("backoff_cap_ms", float(cap)),
        ("jitter", jitter),
        ("retry_budget", BUDGETS[budget_key]),
        ("hedge_delay_ms", hedge_delay),
        ("hedges", int(hedges)),
        ("samples", 200_000),
        ("seed", 0),
    )
    comparison = ui.guarded(policies, key, selected, params, where="Policy", names=NAMES)
    if comparison is not None:
        st.dataframe(
            readable(comparison, ["p50_ms", "p99_ms", "p999_ms"], percents={"success": "failure"}),
            hide_index=True,
            width="stretch",
            key="timeouts.table.policies",
            column_config={
                "failure": None,
                "p50_ms": "p50",
                "p99_ms": "p99",
                "p999_ms": "p99.9",
                "load": st.column_config.NumberColumn("load ×", format="%.3f"),
                "attempt_failure": st.column_config.NumberColumn("f per attempt", format="%.4f"),
            },
        )
        retry_row = next(
            (r for r in comparison.attrs["results"] if r.closed_form and r.closed_form.retries),
            None,
        )
        if retry_row is not None:
            outcome: ftmath.RetryOutcome = retry_row.closed_form
            closed = outcome.explain()
            c = st.columns(3)
            with c[0]:
                st.metric(
                    "Closed-form success with retries",
                    # in % as the simulated success in the table above
                    ui.fmt_percent(outcome.success, unreliability=outcome.unreliability),
                )
                ui.explain(closed["success"], key="timeouts.explain.retry_success")
            with c[1]:
                st.metric(
                    "Closed-form failure probability",
                    f"{outcome.unreliability * 100:.3g} %" if outcome.unreliability > 0 else "0 %",
                    help="1 − success, computed directly: all attempts fail. "
                    + (
                        f"{ui.fmt_nines(outcome.nines)} nines."
                        if outcome.failure > 0
                        else "0 only because no attempt failed in the data (f = 0)."
                    ),
                )
                ui.explain(closed["failure"], key="timeouts.explain.retry_failure")
            with c[2]:
                st.metric("Closed-form load amplification", f"{outcome.load:.4f} ×")
                ui.explain(closed["load"], key="timeouts.explain.retry_load")
        st.caption(
            "Latencies are of successful requests. Rows with retries or hedges replay the "
            "measured requests (200,000 draws, seed 0: the same inputs give the same numbers), "
            "so a simulated 100 % means no draw failed, not that the policy cannot fail; the "
            "closed forms assume independent attempts. Retries only help when failures are "
            "independent: against an overloaded service they add load (cap them with a budget)."
        )
        backoff = (
            ui.guarded(
                ftmath.backoff_table,
                int(retries),
                base_ms=base,
                cap_ms=cap,
                jitter=jitter,
                where="Back-off",
                names=NAMES,
            )
            if int(retries) > 0
            else None
        )
        if backoff is not None:
            st.markdown("**Back-off before each retry**")
            st.dataframe(
                backoff,
                hide_index=True,
                key="timeouts.table.backoff",
                column_config={
                    "retry": st.column_config.NumberColumn("Retry", format="%d"),
                    "low_ms": st.column_config.NumberColumn("Shortest wait (ms)", format="%.4g"),
                    "mean_ms": st.column_config.NumberColumn("Mean wait (ms)", format="%.4g"),
                    "high_ms": st.column_config.NumberColumn("Longest wait (ms)", format="%.4g"),
                    "method": "Computed by",
                },
            )

with tabs[5]:
    comment = [
        f"Source: {source.name} ({attrs['format_description']}), "
        f"{ui.plural(rec.n, 'healthy request')}"
        + (f", endpoints: {', '.join(chosen)}" if chosen else ", all endpoints"),
        f"Timeout: nearest-rank p{target_key} = {rec.timeout_ms:g} ms "
        + (
            f"(95 % interval {rec.ci_low_ms:g} – {rec.ci_high_ms:g} ms)"
            if not rec.reason
            else f"({rec.reason})"
        ),
    ]
    budget = BUDGETS[budget_key]
    overall = (
        float(deadline) if deadline != 0 else per_try * (int(retries) + 1) + cap * int(retries)
    )
    document = {
        "source": source.name,
        "format": attrs["format"],
        "endpoints": chosen or "all",
        "warmup_s": warmup,
        "target": target,
        "recommendation": {
            "timeout_ms": rec.timeout_ms,
            "ci_low_ms": rec.ci_low_ms,
            "ci_high_ms": rec.ci_high_ms,
            "n": rec.n,
            "confidence": rec.confidence,
            "note": rec.reason,
        },
        "percentiles": result["table"].to_dict("records"),
        "per_endpoint": result["endpoints"].to_dict("records"),
        "policy": dict(params),
        "comparison": comparison.to_dict("records") if comparison is not None else None,
    }
    exports = st.columns(2)
    with exports[0]:
        st.markdown("**Recommendations**")
        ui.download(
            "Per-endpoint timeouts (CSV)",
            report.csv_bytes(result["endpoints"]),
            "timeouts-per-endpoint.csv",
            "text/csv",
            key="timeouts.download.csv",
        )
        ui.download(
            "Everything (JSON)",
            report.json_bytes(document),
            "timeouts.json",
            "application/json",
            key="timeouts.download.json",
        )
    envoy = grpc = grpc_hedge = r4j = None
    if comparison is not None:  # else the message is under Retries & hedging, said once
        envoy = ui.guarded(
            ftmath.envoy_route_config,
            timeout_ms=overall,
            per_try_timeout_ms=per_try,
            retries=int(retries),
            backoff_base_ms=base,
            backoff_cap_ms=cap,
            retry_budget=budget,
            comments=comment,
            where="Envoy",
            names=OVERALL,
        )
        grpc = ui.guarded(
            ftmath.grpc_service_config,
            timeout_ms=overall,
            retries=min(int(retries), 4),
            backoff_base_ms=base,
            backoff_cap_ms=cap,
            retry_budget=budget,
            where="gRPC",
            names=OVERALL,
        )
        grpc_hedge = ui.guarded(
            ftmath.grpc_service_config,
            timeout_ms=per_try,
            hedge_delay_ms=hedge_delay,
            hedges=max(1, int(hedges)),
            where="gRPC hedging",
            names=NAMES,
        )
        r4j = ui.guarded(
            ftmath.resilience4j_properties,
            timeout_ms=per_try,
            retries=int(retries),
            backoff_base_ms=base,
            backoff_cap_ms=cap,
            jitter=jitter,
            comments=comment,
            where="Resilience4j",
            names=NAMES,
        )
    with exports[1]:
        st.markdown("**Ready-to-paste configuration**")
        if comparison is None:
            st.info(
                "Correct the policy inputs under Retries & hedging to get configurations.",
                icon=":material/info:",
            )
        if envoy:
            ui.download(
                "Envoy route (YAML)",
                envoy.encode(),
                "envoy-route.yaml",
                "application/yaml",
                key="timeouts.download.envoy",
            )
        if grpc:
            ui.download(
                "gRPC service config, retries (JSON)",
                grpc.encode(),
                "grpc-service-config.json",
                "application/json",
                key="timeouts.download.grpc",
            )
        if grpc_hedge:
            ui.download(
                "gRPC service config, hedging (JSON)",
                grpc_hedge.encode(),
                "grpc-service-config-hedging.json",
                "application/json",
                key="timeouts.download.grpc_hedge",
            )
        if r4j:
            ui.download(
                "Resilience4j (properties)",
                r4j.encode(),
                "resilience4j.properties",
                "text/plain",
                key="timeouts.download.r4j",
            )
    st.caption(
        f"Overall timeout / deadline in the configs: {ui.fmt_ms(overall)} "
        + (
            "(your deadline)"
            if deadline != 0
            else "(every attempt at the per-try timeout plus the back-off cap before each "
            "retry: a bound for every client, since Envoy's, gRPC's and Resilience4j's back-offs "
            "grow differently from the table under Retries & hedging)"
        )
        + ". Durations are rounded up, never down. gRPC has no per-try timeout and caps "
        "attempts at 5; Resilience4j's TimeLimiter is the per-try timeout."
    )
    preview = st.tabs(["Envoy", "gRPC", "Resilience4j"])
    preview[0].code(envoy or "", language="yaml")
    preview[1].code(grpc or "", language="json")
    preview[2].code(r4j or "", language="properties")
