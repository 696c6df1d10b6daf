"""Policy simulator: a dependency's latency and failures, chaos, and up to three client policies."""

from __future__ import annotations

import dataclasses
import hashlib
import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import ftmath
import ui
from ftmath import report

ui.ensure_app_frame()

EXAMPLES = {  # short names: the selector has half the page's width
    "EHRbase, JMeter (22,005 requests)": ui.EXAMPLES / "ehrbase-perftest-2022-07-05.jtl",
    "LLM APIs, LLMPerf (2,845 requests)": ui.EXAMPLES / "llmperf-leaderboard-requests.csv",
    "Apache JMeter test file (255 requests)": ui.EXAMPLES / "jmeter-apache-testfile.csv",
}
ALL = "all endpoints"
SOURCES = ["Measured latencies", "Lognormal (median, p99)"]
SCENARIOS = {
    "steady (no chaos)": None,
    "outage: calls fail at once": "outage-fail",
    "outage: calls hang": "outage-hang",
    "latency injection": "latency",
    "brown-out": "brownout",
}
OFF = "(off)"
SLOT_DEFAULTS = [ftmath.POLICY_PRESETS[1], ftmath.POLICY_PRESETS[2], ftmath.POLICY_PRESETS[3]]
COLOURS = ["#1f77b4", "#d62728", "#2ca02c"]
# library parameter names -> the words on this page's widgets, for error messages
NAMES = {
    "timeout_ms": "the per-try timeout (ms)",
    "deadline_ms": "the overall deadline (ms)",
    "max_attempts": "Max attempts",
    "backoff_base_ms": "the back-off base (ms)",
    "backoff_cap_ms": "the back-off cap (ms)",
    "retry_budget": "the retry budget",
    "budget_window_s": "the budget window (s)",
    "max_hedges": "the hedged copies",
    "hedge_delay_ms": "Hedge after (ms)",
    "failure_rate": "Trips at failure rate (%)",
    "window": "the sliding window (calls)",
    "minimum_calls": "the minimum calls",
    "open_s": "the time the breaker stays open (s)",
    "half_open_calls": "the half-open probes",
    "median_ms": "Median (ms)",
    "p99_ms": "p99 (ms)",
    "failure": "the failure probability",
    "extra_ms": "Added latency (ms)",
    "start_s": "Starts at (s)",
    "duration_s": "Lasts (s)",
    "requests": "Requests",
    "rate_per_s": "Rate (requests/s)",
    "seed": "Seed",
    **ui.LATENCY_NAMES,
}
CALL_NAMES = {**NAMES, "failure": "Failure probability of a call (%)"}
MAX_REQUESTS = 200_000  # the page stays interactive: three policies run on every change
FIELDS = [
    "timeout",
    "attempts",
    "jitter",
    "base",
    "cap",
    "deadline",
    "budget",
    "budget_window",
    "breaker",
    "rate",
    "window",
    "minimum",
    "open",
    "probes",
    "adaptive",
    "hedges",
    "hedge_delay",
    "fallback",
]


# --- cached, slow work ----------------------------------------------------------------------


@st.cache_data(max_entries=4, show_spinner=False)
def parse(digest: str, _data: bytes, unit: str | None, column: str | None) -> pd.DataFrame:
    """Read the upload once per content, unit and column choice (keyed by its SHA-256)."""
    kind = ftmath.detect_latency_format(_data)
    if kind.kind == "histogram":
        raise ftmath.InputError(
            f"this is {kind.description}: pre-aggregated buckets, no per-request latencies to "
            "replay. Choose 'Lognormal (median, p99)' and enter the p50 and p99 the Timeouts "
            "page reads from it."
        )
    return ftmath.read_latencies(_data, unit=unit, latency_column=column)


@st.cache_data(max_entries=8, show_spinner=False)
def healthy(source_key: tuple, _frame: pd.DataFrame, endpoint: str) -> dict:
    chosen = _frame if endpoint == ALL else ftmath.select_requests(_frame, labels=[endpoint])
    ok = chosen["ok"].to_numpy()
    return {
        "latencies": chosen["latency_ms"].to_numpy()[ok],
        "requests": int(ok.size),
        "failed": int((~ok).sum()),
    }


@st.cache_data(max_entries=24, show_spinner=False)
def run(key: tuple, _policy: ftmath.ClientPolicy, _dependency: ftmath.Dependency) -> dict:
    """One simulation, reduced to what the page shows (the cache keeps these, not the arrays)."""
    requests, rate, seed = key[-3:]
    result = ftmath.simulate(_policy, _dependency, requests=requests, rate_per_s=rate, seed=seed)
    return {
        "summary": result.summary(),
        "timeline": result.timeline(),
        "explain": result.explain(),
        "transitions": list(result.transitions),
        "end_s": float(max(result.duration_s, result.attempt_s.max(initial=0.0))),
    }


# above the plot: below it, long policy names ran over the x-axis title
LEGEND_ON_TOP = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}


def digest_of(source: ui.Source) -> str:
    """SHA-256 of the content, computed once per uploaded file."""
    uploaded = st.session_state.get("simulator.source.upload")
    token = (
        getattr(uploaded, "file_id", None) if not source.is_example else f"example:{source.name}"
    )
    memo = st.session_state.setdefault("simulator.digests", {})
    if token is None or token not in memo:
        digest = hashlib.sha256(source.data).hexdigest()
        if token is None:
            return digest
        memo.clear()
        memo[token] = digest
    return memo[token]


# --- policy widgets -----------------------------------------------------------------------------


def short(name: str) -> str:
    """A policy name short enough for a narrow column: the part before its colon, with any
    "(adjusted)" or "#2" kept ("AWS-style (adjusted)")."""
    head, colon, rest = name.partition(":")
    if not colon:
        return name
    tags = [t for t in (" (adjusted)", " #1", " #2", " #3") if t in rest]
    return head + "".join(tags)


def fields_of(policy: ftmath.ClientPolicy) -> dict:
    """Widget values that show a policy."""
    b = policy.breaker or ftmath.BreakerPolicy()
    return {
        "timeout": float(policy.timeout_ms or 0.0),
        "attempts": policy.max_attempts,
        "jitter": policy.jitter,
        "base": policy.backoff_base_ms,
        "cap": policy.backoff_cap_ms,
        "deadline": float(policy.deadline_ms or 0.0),
        "budget": float(policy.retry_budget or 0.0) * 100,
        "budget_window": policy.budget_window_s,
        "breaker": policy.breaker is not None,
        "rate": b.failure_rate * 100,
        "window": b.window,
        "minimum": b.minimum_calls,
        "open": b.open_s,
        "probes": b.half_open_calls,
        "adaptive": b.adaptive,
        "hedges": policy.max_hedges,
        "hedge_delay": float(policy.hedge_delay_ms or 0.0),
        "fallback": policy.fallback,
    }


def policy_from(values: dict, name: str) -> ftmath.ClientPolicy:
    breaker = (
        ftmath.BreakerPolicy(
            failure_rate=values["rate"] / 100,
            window=values["window"],
            minimum_calls=min(values["minimum"], values["window"]),
            open_s=values["open"],
            half_open_calls=values["probes"],
            adaptive=values["adaptive"],
        )
        if values["breaker"]
        else None
    )
    hedges = int(values["hedges"])
    return ftmath.ClientPolicy(
        name=name,
        timeout_ms=values["timeout"] or None,
        max_attempts=1 if hedges else int(values["attempts"]),
        backoff_base_ms=values["base"],
        backoff_cap_ms=values["cap"],
        jitter=values["jitter"],
        deadline_ms=values["deadline"] or None,
        retry_budget=values["budget"] / 100 if values["budget"] != 0 else None,
        budget_window_s=values["budget_window"],
        breaker=breaker,
        hedge_delay_ms=values["hedge_delay"] if hedges else None,
        max_hedges=hedges,
        fallback=values["fallback"],
    )


def policy_slot(slot: int, presets: dict[str, ftmath.ClientPolicy], basis: tuple) -> tuple:
    """A column of widgets for one policy; returns (label, policy or None)."""
    prefix = f"simulator.p{slot}"
    options = list(presets) + ([OFF] if slot else [])
    choice = st.selectbox(
        f"Policy {slot + 1}",
        options,
        index=options.index(SLOT_DEFAULTS[slot]),
        format_func=short,
        key=f"{prefix}.preset",
        bind="query-params",
        help="The preset's details are under the Adjust button.",
    )
    if choice == OFF:
        return None, None
    preset = presets[choice]
    # a new preset, or new data behind the preset's timeout and hedging delay: start from it
    if st.session_state.get(f"{prefix}.basis") != (choice, basis):
        st.session_state[f"{prefix}.basis"] = (choice, basis)
        for name, value in fields_of(preset).items():
            st.session_state[f"{prefix}.{name}"] = value
    with st.expander("Adjust", icon=":material/tune:"):
        a, b = st.columns(2)
        a.number_input("Per-try timeout (ms, 0 = none)", step=1.0, key=f"{prefix}.timeout")
        b.number_input("Overall deadline (ms, 0 = none)", step=1.0, key=f"{prefix}.deadline")
        a.number_input("Max attempts", step=1, key=f"{prefix}.attempts")
        b.selectbox("Jitter", list(ftmath.JITTERS), key=f"{prefix}.jitter")
        a.number_input("Back-off base (ms)", step=1.0, key=f"{prefix}.base")
        b.number_input("Back-off cap (ms)", step=1.0, key=f"{prefix}.cap")
        a.number_input(
            "Retry budget (% of requests, 0 = none)",
            step=1.0,
            key=f"{prefix}.budget",
            help="Retries at most this share of the requests of a sliding window (Finagle, Envoy).",
        )
        b.number_input("Budget window (s)", step=1.0, key=f"{prefix}.budget_window")
        a.number_input(
            "Hedged copies (0 = none)",
            step=1,
            key=f"{prefix}.hedges",
            help="Hedging replaces retries (as in gRPC).",
        )
        b.number_input("Hedge after (ms)", step=1.0, key=f"{prefix}.hedge_delay")
        a.toggle("Fallback", key=f"{prefix}.fallback", help="Serve a degraded answer instead.")
        b.toggle("Circuit breaker", key=f"{prefix}.breaker")
        if st.session_state[f"{prefix}.breaker"]:
            a.number_input("Trips at failure rate (%)", step=1.0, key=f"{prefix}.rate")
            b.number_input("Sliding window (calls)", step=1, key=f"{prefix}.window")
            a.number_input("Minimum calls", step=1, key=f"{prefix}.minimum")
            b.number_input("Open for (s)", step=1.0, key=f"{prefix}.open")
            a.number_input("Half-open probes", step=1, key=f"{prefix}.probes")
            b.toggle(
                "Adaptive threshold",
                key=f"{prefix}.adaptive",
                help="2 × the usual failure rate, between 20 % and 80 %, measured on calls "
                "that left the window (so an outage cannot raise its own threshold).",
            )
    values = {name: st.session_state[f"{prefix}.{name}"] for name in FIELDS}
    policy = ui.guarded(policy_from, values, choice, where=f"Policy {slot + 1}", names=NAMES)
    if policy is None:
        return choice, None
    if dataclasses.replace(policy, name=preset.name) != preset:
        policy = dataclasses.replace(policy, name=f"{choice} (adjusted)")
    st.caption(policy.describe())
    return policy.name, policy


# --- charts ---------------------------------------------------------------------------------


def shade(fig: go.Figure, chaos: ftmath.Chaos | None) -> None:
    if chaos is not None:
        fig.add_vrect(
            x0=chaos.start_s,
            x1=chaos.end_s,
            fillcolor="#d62728",
            opacity=0.08,
            line_width=0,
            annotation_text=chaos.describe().rsplit(",", 1)[0],
            annotation_position="top left",
        )


def load_chart(runs: dict[str, dict], chaos: ftmath.Chaos | None) -> go.Figure:
    fig = go.Figure()
    for (name, result), colour in zip(runs.items(), COLOURS, strict=False):
        frame = result["timeline"]
        fig.add_trace(
            go.Scatter(
                x=frame["start_s"],
                y=frame["load"],
                name=name,
                mode="lines",
                line={"shape": "hv", "color": colour},
                hovertemplate="%{x:,.4g} s: %{y:.3f}× load<extra>" + name + "</extra>",
            )
        )
    fig.add_hline(y=1.0, line_dash="dot", line_color="#888", annotation_text="1 call per request")
    shade(fig, chaos)
    fig.update_xaxes(title="time (s)")
    fig.update_yaxes(title="calls to the dependency per request", rangemode="tozero")
    fig.update_layout(height=440, margin={"t": 60, "b": 10}, legend=LEGEND_ON_TOP)
    return fig


def outcome_chart(runs: dict[str, dict], chaos: ftmath.Chaos | None) -> go.Figure:
    fig = go.Figure()
    for (name, result), colour in zip(runs.items(), COLOURS, strict=False):
        frame = result["timeline"]
        served = (frame["ok"] + frame["degraded"]) / frame["requests"].where(frame["requests"] > 0)
        fig.add_trace(
            go.Scatter(
                x=frame["start_s"], y=frame["success"], name=f"{name}: ok", mode="lines",
                line={"shape": "hv", "color": colour},
            )
        )  # fmt: skip
        if frame["degraded"].any():
            fig.add_trace(
                go.Scatter(
                    x=frame["start_s"], y=served, name=f"{name}: ok + degraded", mode="lines",
                    line={"shape": "hv", "color": colour, "dash": "dot"},
                )
            )  # fmt: skip
    shade(fig, chaos)
    fig.update_xaxes(title="time (s, by arrival)")
    fig.update_yaxes(title="share of requests", tickformat=".0%", range=[-0.02, 1.02])
    fig.update_layout(height=440, margin={"t": 60, "b": 10}, legend=LEGEND_ON_TOP)
    return fig


def breaker_chart(runs: dict[str, dict], chaos: ftmath.Chaos | None) -> go.Figure:
    fig = go.Figure()
    level = {"closed": 0, "half-open": 1, "open": 2}
    for (name, result), colour in zip(runs.items(), COLOURS, strict=False):
        if not result["transitions"]:
            continue
        times = [t for t, _ in result["transitions"]] + [result["end_s"]]
        states = [level[s] for _, s in result["transitions"]]
        fig.add_trace(
            go.Scatter(
                x=times, y=states + states[-1:], name=name, mode="lines",
                line={"shape": "hv", "color": colour},
            )
        )  # fmt: skip
    shade(fig, chaos)
    fig.update_yaxes(
        tickvals=[0, 1, 2], ticktext=["closed", "half-open", "open"], range=[-0.2, 2.2]
    )
    fig.update_xaxes(title="time (s)")
    fig.update_layout(height=360, margin={"t": 60, "b": 10}, legend=LEGEND_ON_TOP)
    return fig


# --- page -----------------------------------------------------------------------------------

st.title("Policy simulator")
st.markdown(
    "Replay a dependency — its **measured latencies** (or a lognormal) and its **failure "
    "rate** — against up to three **client policies**: per-try timeout, retries with back-off "
    "and jitter, deadline, retry budget, circuit breaker, hedging and fallback. Add a **chaos "
    "scenario** and watch what each policy does to success, tail latency and the **load on the "
    "dependency**: a retry storm during an outage multiplies the calls a struggling service "
    "receives; a budget or a breaker caps them."
)

dep_col, chaos_col = st.columns(2, gap="large")
with dep_col:
    st.subheader("Dependency")
    mode = st.segmented_control(
        "Latency", SOURCES, default=SOURCES[0], key="simulator.mode", required=True
    )
    latencies = None
    file_failed = ""
    dep_key: tuple = ()
    if mode == SOURCES[0]:
        source = ui.upload_or_example(
            "Upload response times",
            key="simulator.source",
            examples=EXAMPLES,
            help="The formats of the Timeouts page: JMeter, k6, Gatling, vegeta, hey, or any CSV "
            "with a latency column. Healthy requests are replayed. Examples: an EHRbase REST "
            "server load test (49 endpoints), hosted LLM APIs (failures, long tail), and "
            "Apache JMeter's test file (3 failures).",
        )
        with st.container(horizontal=True):
            unit, column = ui.latency_reading("simulator")
        if source is not None:
            digest = digest_of(source)
            frame = ui.guarded(
                parse, digest, source.data, unit, column, where=source.name, names=NAMES
            )
            if frame is not None:
                labels = [ALL, *sorted(frame["label"].unique())]
                if st.session_state.get("simulator.endpoint") not in labels:
                    st.session_state["simulator.endpoint"] = ALL
                endpoint = st.selectbox("Endpoint", labels, key="simulator.endpoint")
                picked = ui.guarded(
                    healthy, (digest, unit, column), frame, endpoint, where="Endpoint"
                )
                if picked is not None and picked["latencies"].size:
                    latencies = picked["latencies"]
                    share = picked["failed"] / picked["requests"]
                    file_failed = (
                        f"In the file, {picked['failed']:,} of {picked['requests']:,} requests "
                        f"failed ({share:.2%})."
                    )
                    dep_key = ("sample", digest, unit, column, endpoint)
                    for note in ftmath.latency_unit_notes(latencies):
                        st.warning(f"Unit: {note}", icon=":material/straighten:")
                elif picked is not None:
                    st.error(
                        "No healthy request in this selection: the simulator replays the "
                        "latencies of successful requests. Choose another endpoint or file, or "
                        "a lognormal."
                    )
    else:
        a, b = st.columns(2)
        median = a.number_input("Median (ms)", value=20.0, key="simulator.median")
        p99 = b.number_input("p99 (ms)", value=200.0, key="simulator.p99")
        dep_key = ("lognormal", median, p99)
    failure_pct = st.number_input(
        "Failure probability of a call (%)",
        value=1.0,
        step=0.1,
        key="simulator.failure",
        help="Outside the chaos scenario. A failed call returns its error after a latency drawn "
        "like any other.",
    )
    if file_failed:
        st.caption(file_failed)

with chaos_col:
    st.subheader("Scenario and traffic")
    scenario = st.selectbox(
        "Chaos scenario",
        list(SCENARIOS),
        index=1,
        key="simulator.scenario",
        bind="query-params",
    )
    kind = SCENARIOS[scenario]
    a, b, c = st.columns(3)
    start = a.number_input("Starts at (s)", value=100.0, key="simulator.start", disabled=not kind)
    duration = b.number_input("Lasts (s)", value=60.0, key="simulator.duration", disabled=not kind)
    extra = c.number_input(
        "Added latency (ms)", value=500.0, key="simulator.extra",
        disabled=kind != "latency",
    )  # fmt: skip
    brownout = c.number_input(
        "Brown-out failures (%)", value=30.0, key="simulator.brownout",
        disabled=kind != "brownout",
    )  # fmt: skip
    a.number_input(
        "Requests", value=60_000, step=10_000, key="simulator.requests",
        bind="query-params",
    )  # fmt: skip
    b.number_input(
        "Rate (requests/s)", value=200.0, format="%g", key="simulator.rate", bind="query-params"
    )
    c.number_input("Seed", value=0, key="simulator.seed")
    traffic = ui.guarded(
        ftmath.check_traffic,
        st.session_state["simulator.requests"],
        st.session_state["simulator.rate"],
        seed=st.session_state["simulator.seed"],
        max_requests=MAX_REQUESTS,
        names=NAMES,
    )
    if traffic is not None:
        requests, rate, seed = traffic
        st.caption(
            f"The run lasts about {requests / rate:,.0f} s ("
            f"{ui.plural(requests, 'request')} arriving at "
            f"{rate:g}/s, Poisson). One client instance: one breaker and one budget for all "
            "requests."
        )

chaos = (
    ui.guarded(
        ftmath.Chaos, kind, start, duration, extra_ms=extra, failure=brownout / 100,
        where="Scenario", names={**NAMES, "failure": "Brown-out failures (%)"},
    )
    if kind
    else None
)  # fmt: skip
if mode == SOURCES[0]:
    dependency = (
        ui.guarded(
            ftmath.Dependency.empirical, latencies, failure=failure_pct / 100, names=CALL_NAMES
        )
        if latencies is not None
        else None
    )
else:
    dependency = ui.guarded(
        ftmath.Dependency.lognormal,
        median,
        p99,
        failure=failure_pct / 100,
        where="Lognormal",
        names=CALL_NAMES,
    )
if dependency is None or (kind and chaos is None) or traffic is None:
    st.info(
        "Pick a dependency and correct the inputs above to run the simulation; your policies "
        "and scenario are kept.",
        icon=":material/info:",
    )
    st.stop()
dependency = dependency.with_chaos([chaos] if chaos else [])
st.caption(f"Dependency: {dependency.describe()}.")

timeout = dependency.quantile(0.999)
hedge_delay = dependency.quantile(0.95)
presets = ui.guarded(
    ftmath.policy_presets,
    timeout_ms=timeout,
    hedge_delay_ms=hedge_delay,
    where="Presets",
    names={"timeout_ms": "the dependency's p99.9", "hedge_delay_ms": "the dependency's p95"},
)
if presets is None:
    st.info(
        f"The presets take the dependency's p99.9 ({ui.fmt_ms(timeout)}) as per-try timeout "
        f"and its p95 ({ui.fmt_ms(hedge_delay)}) as hedging delay; both must be finite and "
        "above 0 ms. Latencies of 0 ms are faster than the clock that timed them (record a "
        "finer unit); a lognormal whose p99 is many orders above its median has an unbounded "
        "tail (bring them closer).",
        icon=":material/info:",
    )
    st.stop()
st.subheader("Policies")
st.caption(
    f"Presets use the dependency's p99.9 ({ui.fmt_ms(timeout)}) as per-try timeout — the "
    f"Timeouts page's recommendation — and its p95 ({ui.fmt_ms(hedge_delay)}) as hedging delay."
)
chosen: dict[str, ftmath.ClientPolicy] = {}
slots = st.columns(3)
for slot, column in enumerate(slots):
    with column:
        label, policy = policy_slot(slot, presets, (round(timeout, 9), round(hedge_delay, 9)))
        if policy is not None:
            name = policy.name if policy.name not in chosen else f"{policy.name} #{slot + 1}"
            chosen[name] = dataclasses.replace(policy, name=name)

if not chosen:
    st.info("Choose at least one policy.", icon=":material/info:")
    st.stop()

dependency_key = (*dep_key, failure_pct, repr(chaos))
runs: dict[str, dict] = {}
with st.spinner("Simulating…"):
    for name, policy in chosen.items():
        result = ui.guarded(
            run,
            (repr(policy), dependency_key, requests, rate, seed),
            policy,
            dependency,
            where=name,
            names=NAMES,
        )
        if result is not None:
            runs[name] = result
if not runs:
    st.stop()

# --- results --------------------------------------------------------------------------------

st.subheader("Results")
columns = st.columns(len(runs))
rows = [result["summary"] for result in runs.values()]
# every share of the results with one number of decimals, enough for the one nearest 100 %
shares = ui.fmt_percents(
    [r[s] for r in rows for s in ("success", "served", "failed")],
    unreliabilities=[r[q] for r in rows for q in ("not_ok", "failed", "served")],
)
for slot, ((name, result), column) in enumerate(zip(runs.items(), columns, strict=True)):
    row, explained = result["summary"], result["explain"]
    success, served, failed = shares[3 * slot : 3 * slot + 3]
    with column:
        st.markdown(
            f"**{report.escape_markdown(short(name))}**", help=name if ":" in name else None
        )
        # shares carry many digits (99.99833 %): each gets the column's full width
        st.metric("Success (ok)", success)
        ui.explain(explained["success"], key=f"simulator.explain.{slot}.success", label="How?")
        st.metric("Served (ok + degraded)", served)
        ui.explain(explained["served"], key=f"simulator.explain.{slot}.served", label="How?")
        st.metric(
            "Failed",
            failed,
            help=f"0 % means none of the {requests:,} simulated requests failed, not that the "
            "policy cannot fail."
            if not row["failed"]
            else None,
        )
        left, right = st.columns(2)
        with left:
            st.metric("Load", f"{row['load']:.3f}×", help="Calls to the dependency per request.")
            ui.explain(explained["load"], key=f"simulator.explain.{slot}.load", label="How?")
        with right:
            st.metric(
                "Peak load",
                f"{row['peak_load']:.2f}×",
                help=f"Worst time bin, from {row['peak_at_s']:g} s.",
            )
            ui.explain(explained["peak_load"], key=f"simulator.explain.{slot}.peak", label="How?")
        p99 = row["p99_ms"]
        st.metric(
            "p99 latency",
            ui.fmt_ms(p99) if math.isfinite(p99) else "∞ (hangs)",
            help="What callers waited, whatever the outcome.",
        )
        ui.explain(explained["p99"], key=f"simulator.explain.{slot}.p99", label="How?")

chart_tabs = st.tabs(
    ["Load over time", "Success over time", "Breaker state", "Comparison", "Export"]
)
with chart_tabs[0]:
    st.plotly_chart(load_chart(runs, chaos), width="stretch", key="simulator.chart.load")
    st.caption(
        "Calls sent to the dependency per arriving request, per time bin. Without a budget or "
        "breaker, k retries multiply the load by up to k + 1 exactly when the dependency can "
        "least take it (one bin can show a little more: retries of requests that arrived in "
        "the bin before land in it). A 20 % budget holds it to 1.2× over its window (the "
        "first seconds of an outage spend what the window saved, and that burst echoes once "
        "per window); an open breaker drops it to the probes."
    )
with chart_tabs[1]:
    st.plotly_chart(outcome_chart(runs, chaos), width="stretch", key="simulator.chart.outcome")
with chart_tabs[2]:
    if any(result["transitions"] for result in runs.values()):
        st.plotly_chart(breaker_chart(runs, chaos), width="stretch", key="simulator.chart.breaker")
    else:
        st.info(ui.na("no policy here has a circuit breaker"), icon=":material/info:")

table = pd.DataFrame([result["summary"] for result in runs.values()])
with chart_tabs[3]:
    shown = table.drop(columns=["requests"]).copy()
    for column, complement in (("success", "not_ok"), ("degraded", None), ("failed", "served")):
        shown[column] = ui.fmt_percents(
            shown[column].tolist(),
            unreliabilities=(shown[complement] if complement else 1.0 - shown[column]).tolist(),
        )
    for column in ("p50_ms", "p99_ms", "p999_ms"):
        shown[column] = [ui.fmt_ms(v) if math.isfinite(v) else "∞ (hangs)" for v in shown[column]]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key="simulator.table.comparison",
        column_config={
            "success": "ok",
            "not_ok": None,
            "degraded": "degraded",
            "failed": "failed",
            "served": None,
            "p50_ms": "p50",
            "p99_ms": "p99",
            "p999_ms": "p99.9",
            "load": st.column_config.NumberColumn("load ×", format="%.3f"),
            "peak_load": st.column_config.NumberColumn("peak load ×", format="%.2f"),
            "peak_at_s": st.column_config.NumberColumn("peak at (s)", format="%g"),
            "breaker_trips": "trips",
            "rejected": "rejected by breaker",
            "budget_denied": "retries refused by budget",
            "hung": "hung requests",
            "description": st.column_config.TextColumn("policy details", width="large"),
        },
    )
    st.caption(
        "Latency percentiles are nearest rank over every request, whatever its outcome. "
        f"{ui.plural(requests, 'request')}, seed {seed}: the same inputs give the same numbers."
    )

with chart_tabs[4]:
    timelines = pd.concat(
        [result["timeline"].assign(policy=name) for name, result in runs.items()],
        ignore_index=True,
    )
    exports = st.columns(2)
    with exports[0]:
        st.markdown("**Comparison**")
        ui.download(
            "Comparison (CSV)",
            report.csv_bytes(table),
            "simulator-comparison.csv",
            "text/csv",
            key="simulator.download.csv",
        )
        ui.download(
            "Timelines per policy (CSV)",
            report.csv_bytes(timelines),
            "simulator-timelines.csv",
            "text/csv",
            key="simulator.download.timelines",
        )
    with exports[1]:
        st.markdown("**Configuration of one policy**")
        pick = st.selectbox("Policy", list(chosen), key="simulator.export_policy")
        configs = ui.guarded(
            ftmath.policy_configs, chosen[pick], where="Configuration", names=NAMES
        )
        if configs:
            ui.download(
                "Envoy route (YAML)",
                configs["envoy"].encode(),
                "envoy-route.yaml",
                "application/yaml",
                key="simulator.download.envoy",
            )
            ui.download(
                "gRPC service config (JSON)",
                configs["grpc"].encode(),
                "grpc-service-config.json",
                "application/json",
                key="simulator.download.grpc",
            )
            ui.download(
                "Resilience4j (properties)",
                configs["resilience4j"].encode(),
                "resilience4j.properties",
                "text/plain",
                key="simulator.download.r4j",
            )
    if configs:
        preview = st.tabs(["Envoy", "gRPC", "Resilience4j"])
        preview[0].code(configs["envoy"], language="yaml")
        preview[1].code(configs["grpc"], language="json")
        preview[2].code(configs["resilience4j"], language="properties")
