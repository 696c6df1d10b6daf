"""Incidents & SLO: measured MTBF, MTTR and availability from an outage log, and SLO compliance."""

from __future__ import annotations

import html
import math
from datetime import date, datetime, time

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import ftmath
import ui
from ftmath import report

ui.ensure_app_frame()

AUTO = "(auto)"
POOLED = ftmath.incidents.ALL_SYSTEMS
EXAMPLE = "LANL failure data, 23 HPC systems, 1996-2005"
TIMEZONES = [
    "Auto: UTC, or Los Alamos time for the LANL file",
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
]
OBSERVATIONS = {
    "Each system: first failure to last repair": "system",
    "Whole log, same for all systems": "log",
    "Fixed dates": "fixed",
}
STEPS = {"1 hour": 1.0, "6 hours": 6.0, "1 day": 24.0, "7 days": 168.0}
ROLES = ("start", "end", "duration", "system", "cause", "detected")
# ftmath's parameter names in the words of the SLO fields, for its messages.
SLO_FIELDS = {
    "target_percent": "Target availability (%)",
    "window_days": "Rolling window (days)",
    "step_hours": "the evaluation step (Evaluate every)",
}


def _number(label: str, fmt: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format=fmt)


def _utc(label: str, fmt: str = "YYYY-MM-DD HH:mm") -> st.column_config.DatetimeColumn:
    return st.column_config.DatetimeColumn(f"{label} (UTC)", format=fmt)


# Headers on screen; the CSV exports keep the machine names (the library's columns).
STATS_COLUMNS = {
    "_index": st.column_config.TextColumn("System"),
    "incidents": _number("Incidents", "%d"),
    "outages": _number("Outages (merged)", "%d"),
    "failures": _number("Failures", "%d"),
    "window_hours": _number("Observed (h)", "%.3f"),
    "downtime_hours": _number("Downtime (h)", "%.3f"),
    "uptime_hours": _number("Up time (h)", "%.3f"),
    "availability": _number("Availability", "%.5f"),
    "mtbf_hours": _number("MTBF (h)", "%.3f"),
    "mttr_hours": _number("MTTR mean (h)", "%.3f"),
    "mttr_median_hours": _number("MTTR median (h)", "%.3f"),
    "mttr_p90_hours": _number("MTTR p90 (h)", "%.3f"),
    "incident_mean_hours": _number("Mean single incident (h)", "%.3f"),
    "mttd_hours": _number("MTTD (h)", "%.3f"),
    "detected_incidents": _number("Incidents with a detection time", "%d"),
    "why_na": st.column_config.TextColumn("n/a because"),
}
SUMMARY_COLUMNS = {
    "_index": st.column_config.TextColumn("System"),
    "windows": _number("Windows", "%d"),
    "compliant_windows": _number("Windows meeting the SLO", "%d"),
    "compliance": _number("Share meeting the SLO", "%.4f"),
    "worst_availability": _number("Worst availability", "%.5f"),
    "worst_window_end": _utc("Worst window ends", "YYYY-MM-DD"),
    "last_window_end": _utc("Last window ends", "YYYY-MM-DD"),
    "last_availability": _number("Last window availability", "%.5f"),
    "last_budget_used": _number("Last window budget used (×)", "%.3f"),
    "last_budget_remaining_hours": _number("Last window budget left (h)", "%.3f"),
    "last_burn_rate": _number("Last burn rate (×)", "%.2f"),
    "observed_hours": _number("Observed (h)", "%.1f"),
    "observed_downtime_hours": _number("Observed downtime (h)", "%.3f"),
    "observed_availability": _number("Observed availability", "%.5f"),
    "observed_budget_hours": _number("Observed budget (h)", "%.3f"),
    "observed_budget_used": _number("Observed budget used (×)", "%.3f"),
}
BREACH_COLUMNS = {
    "first_window_start": _utc("First window from"),
    "last_window_end": _utc("Last window to"),
    "windows": _number("Windows", "%d"),
    "worst_availability": _number("Worst availability", "%.5f"),
    "worst_window_end": _utc("Worst window ends"),
    "peak_burn_rate": _number("Peak burn rate (×)", "%.2f"),
}


# --- cached computations (slow on large logs; keyed by the file's bytes and the options) -----


@st.cache_data(max_entries=4, show_spinner=False)
def columns_of(data: bytes) -> tuple[list[str], dict[str, str]]:
    return ftmath.incident_columns(data)


@st.cache_data(max_entries=4, show_spinner="Reading the outage log ...")
def read(data: bytes, timezone: str | None, overrides: tuple, unit: str | None) -> pd.DataFrame:
    return ftmath.read_incidents(data, timezone=timezone, duration_unit=unit, **dict(overrides))


@st.cache_data(max_entries=8, show_spinner=False)
def statistics(
    data: bytes, timezone, overrides, unit, excluded: tuple, observation, zero_length: str
) -> ftmath.IncidentStats:
    log = ftmath.filter_incidents(read(data, timezone, overrides, unit), exclude_causes=excluded)
    return ftmath.incident_statistics(log, observation=observation, zero_length=zero_length)


@st.cache_data(max_entries=8, show_spinner="Evaluating SLO windows ...")
def slo(
    data: bytes,
    timezone,
    overrides,
    unit,
    excluded: tuple,
    observation,
    zero_length: str,
    target_percent: float,
    window_days: float,
    step_hours: float,
) -> ftmath.SloReport:
    log = ftmath.filter_incidents(read(data, timezone, overrides, unit), exclude_causes=excluded)
    return ftmath.slo_report(
        log,
        target_percent=target_percent,
        window_days=window_days,
        step_hours=step_hours,
        observation=observation,
        zero_length=zero_length,
    )


@st.cache_data(max_entries=8, show_spinner=False)
def causes(data: bytes, timezone, overrides, unit, excluded: tuple, system: str) -> pd.DataFrame:
    log = ftmath.filter_incidents(
        read(data, timezone, overrides, unit),
        systems=None if system == POOLED else [system],
        exclude_causes=excluded,
    )
    return ftmath.cause_summary(log, top=15)


# --- formatting -----------------------------------------------------------------------------


def hours(value: float, reason: str = "not defined") -> str:
    if value is None or not math.isfinite(value):
        return ui.na(reason)
    return ui.fmt_duration(value)


def compact_hours(value: float) -> str:
    """Hours short enough for a metric: whole hours from 1,000 h on (``2,452,800 h``)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    return ui.fmt_hours(value) if abs(value) < 1000 else f"{value:,.0f} h"


def readable_hours(*values: float) -> str:
    """Headline durations in the one unit that shows them all: ``4.43 / 5.65 s``, ``16.92 h``.

    The largest value picks the unit: seconds below a minute, minutes below an hour, hours
    from there (one value as :func:`compact_hours`), so an MTTR of a few seconds never reads
    ``0.00 h``.
    """
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    largest = max(finite, default=0.0)
    if 0.0 < largest < 1 / 60:
        scale, unit = 3600.0, "s"
    elif 0.0 < largest < 1.0:
        scale, unit = 60.0, "min"
    elif len(values) == 1:
        return compact_hours(values[0])
    else:
        scale, unit = 1.0, "h"
    shown = [f"{v * scale:.3g}" if v is not None and math.isfinite(v) else "n/a" for v in values]
    return f"{' / '.join(shown)} {unit}"


def fmt_budget_used(used: float) -> str:
    """Share of the error budget used: a percentage, or a multiple when it is overspent ten-fold."""
    if used is None or not math.isfinite(used):
        return "n/a"
    if used < 10:
        return f"{used:.0%} used"
    return f"{used:,.0f}× the budget"


def usable_figures(row: pd.Series) -> bool:
    """MTBF and MTTR another page can take: finite, MTBF positive, MTTR not negative."""
    mtbf, mttr = float(row["mtbf_hours"]), float(row["mttr_hours"])
    return math.isfinite(mtbf) and math.isfinite(mttr) and mtbf > 0 and mttr >= 0


def send(name: str, mtbf: float, mttr: float, note: str, source: str) -> None:
    ui.send_component(
        name,
        {"mtbf_hours": round(mtbf, 4), "mttr_hours": round(mttr, 4), "note": note},
        source=source,
    )
    st.session_state["incidents.sent"] = name


# --- page -------------------------------------------------------------------------------------

st.title("Incidents & SLO")
st.markdown(
    "Upload an outage log and get **measured** MTBF, MTTR and availability per system, SLO "
    "compliance over rolling windows, error budget and burn rate — ready to feed the "
    "Topology, Redundancy and ROI pages. Overlapping incidents of one system are merged, so "
    "downtime is never counted twice."
)

source = ui.upload_or_example(
    "Outage log (CSV)",
    key="incidents",
    examples={EXAMPLE: ui.EXAMPLES / "lanl-failure-data-1996-2005.csv"},
    types=["csv", "txt", "tsv"],
    help="One row per incident: a start time and an end time (or a duration in minutes or "
    "hours); optionally a system / component / service column, a cause and a detection time.",
)
if source is None:
    st.stop()
if source.is_example:
    st.caption(
        "Example: Los Alamos National Laboratory failure data, release LA-UR-05-7318 "
        "(Schroeder & Gibson, DSN 2006). We recognise Los Alamos for providing these data."
    )

with st.expander("Columns, time zone and units", icon=":material/tune:"):
    zone_choice = st.selectbox(
        "Time zone of times written without an offset",
        TIMEZONES,
        key="incidents.timezone",
        accept_new_options=True,
        help="Times with an offset (Z, +02:00) keep it. Type any IANA name (Asia/Dubai).",
    )
    timezone = None if zone_choice == TIMEZONES[0] else zone_choice
    overrides: dict[str, str] = {}
    unit = None
    try:
        found = columns_of(source.data)
    except Exception:  # noqa: BLE001 - the same message is shown below, where the file is read
        found = None
        st.caption("The column pickers appear once the file can be read.")
    if found is not None:
        header, roles = found
        cols = st.columns(3)
        for i, role in enumerate(ROLES):
            guess = roles.get(role)
            choice = cols[i % 3].selectbox(
                f"{role.capitalize()} column",
                [AUTO, *header],
                key=f"incidents.column.{role}",
                help=f"Found by name: {guess}" if guess else "Not found by name.",
            )
            if choice != AUTO:
                overrides[role] = choice
        unit_choice = st.segmented_control(
            "Duration unit (when the column name does not say)",
            ["s", "min", "h"],
            key="incidents.unit",
        )
        unit = unit_choice or None

log = ui.guarded(
    read,
    source.data,
    timezone,
    tuple(sorted(overrides.items())),
    unit,
    where=source.name,
    names={"timezone": "The time zone (under Columns, time zone and units)"},
)
if log is None:
    st.info(
        "Fix the file, pick its columns or its time zone above; the example is still available."
    )
    st.stop()

with st.expander(f"How {ui.escape_markdown(source.name)} was read", icon=":material/description:"):
    st.markdown(
        f"Format: **{log.attrs['format']}**; {ui.plural(len(log), 'record')}; times read in "
        f"**{log.attrs['timezone']}** and shown in UTC. Columns used: "
        + ", ".join(
            f"{role} = “{ui.escape_markdown(col)}”" for role, col in log.attrs["columns"].items()
        )
        + "."
    )
    for note in log.attrs["notes"]:
        st.markdown(f"- {note}")
    st.markdown(
        "- Zero-length records (end = start) are failures shorter than the clock's "
        "resolution: counted as failures with no downtime unless you leave them out below.\n"
        "- Overlapping or touching records of one system are one outage; records that end "
        "before they start are listed below and not used."
    )
    if log.attrs["format"].startswith("LANL"):
        st.markdown(
            "- LANL records are node interrupts: a system counts as **down while any of its "
            "nodes is down** (its full capacity is lost), so its MTBF is the mean time between "
            "such interrupts, not a node's MTBF."
        )

doubt = ui.guarded(ftmath.duration_unit_doubt, log, where="Durations")
if doubt:
    st.warning(
        f"{doubt[0].upper()}{doubt[1:]} If so, choose the duration unit under *Columns, time "
        "zone and units* above.",
        icon=":material/help:",
    )

# --- options ----------------------------------------------------------------------------------

option_cols = st.columns([2, 2, 3])
with option_cols[1]:
    labels = ftmath.cause_labels(log).value_counts()
    excluded = st.multiselect(
        "Leave out causes",
        list(labels.index),
        key="incidents.exclude",
        format_func=lambda c: f"{c} ({labels[c]:,})",
        help="For example planned maintenance, if your SLO excludes it.",
    )
with option_cols[2]:
    observation_label = st.selectbox(
        "Observation window",
        list(OBSERVATIONS),
        key="incidents.observation",
        help="The time each system is watched. The log gives no commissioning dates, so by "
        "default each system is observed from its first failure to its last repair.",
    )
observation: str | tuple = OBSERVATIONS[observation_label]
if observation == "fixed":
    first_day = log["start"].min().date()
    last_day = log["end"].max().date()
    dates = st.date_input(
        "From / to (UTC, inclusive)",
        (first_day, last_day),
        key="incidents.dates",
        min_value=date(1678, 1, 1),
        max_value=date(2261, 12, 31),
    )
    if isinstance(dates, tuple) and len(dates) == 2:
        observation = (
            datetime.combine(dates[0], time.min),
            datetime.combine(dates[1], time.min) + pd.Timedelta(days=1),
        )
    else:
        st.info("Pick both dates; until then the whole log is used.")
        observation = "log"
keep_zero = st.checkbox(
    "Count zero-length records as failures",
    value=True,
    key="incidents.zero",
    help="A record with end = start is an interrupt shorter than a minute (the log's "
    "resolution): a failure with no measurable downtime.",
)
zero_length = "keep" if keep_zero else "drop"
args = (
    source.data,
    timezone,
    tuple(sorted(overrides.items())),
    unit,
    tuple(excluded),
    observation,
    zero_length,
)

stats = ui.guarded(statistics, *args, where="Statistics")
if stats is None:
    st.stop()
systems = [s for s in stats.table.index if s != POOLED]
with option_cols[0]:
    picks = [POOLED, *systems] if len(systems) > 1 else systems
    default_pick = "20" if source.is_example and "20" in systems else picks[0]
    if st.session_state.get("incidents.system") not in picks:
        st.session_state["incidents.system"] = default_pick
    system = st.selectbox("System", picks, key="incidents.system")
if len(stats.excluded):
    st.warning(
        f"{ui.plural(len(stats.excluded), 'record')} could not be used (listed here, not dropped "
        "silently).",
        icon=":material/warning:",
    )
    st.dataframe(stats.excluded, hide_index=True, width="stretch", key="incidents.excluded")

# --- headline numbers -------------------------------------------------------------------------

row = stats.row(system)
explained = stats.explain(system)
st.subheader(f"System {ui.escape_markdown(system)}" if system != POOLED else POOLED)
first, second = st.columns(3), st.columns(3)
availability_known = math.isfinite(row["availability"])
with first[0]:
    st.metric(
        "Availability (measured)",
        ui.fmt_percent(row["availability"]) if availability_known else "n/a",
        help="(W − D) / W over the observation window"
        if availability_known
        else ui.na(str(explained["availability"].unavailable_reason)),
    )
    ui.explain(explained["availability"], key="incidents.explain.availability")
with first[1]:
    st.metric(
        "MTBF",
        readable_hours(row["mtbf_hours"]),
        help=f"= {hours(row['mtbf_hours'], 'no failure after observed up time')}; mean up time "
        "between failures",
    )
    ui.explain(explained["mtbf_hours"], key="incidents.explain.mtbf")
with first[2]:
    st.metric(
        "MTTR (mean)",
        readable_hours(row["mttr_hours"]),
        help=f"= {hours(row['mttr_hours'])}; mean outage duration (merged)",
    )
    ui.explain(explained["mttr_hours"], key="incidents.explain.mttr")
with second[0]:
    st.metric(
        "MTTR median / p90",
        readable_hours(row["mttr_median_hours"], row["mttr_p90_hours"]),
        help=f"= {hours(row['mttr_median_hours'])} / {hours(row['mttr_p90_hours'])}; nearest "
        "rank, so each is an observed outage duration",
    )
    ui.explain(explained["mttr_p90_hours"], key="incidents.explain.p90")
with second[1]:
    mttd_known = math.isfinite(row["mttd_hours"])
    st.metric(
        "MTTD",
        readable_hours(row["mttd_hours"]),
        help="mean of detected − start over "
        + ui.plural(int(row["detected_incidents"]), "incident")
        if mttd_known
        else ui.na("the log has no detection times (a `detected` column)"),
    )
    ui.explain(explained["mttd_hours"], key="incidents.explain.mttd")
st.caption(
    f"{ui.plural(int(row['incidents']), 'incident')} merged into "
    f"{ui.plural(int(row['outages']), 'outage')}; "
    f"{ui.plural(int(row['failures']), 'failure')} after "
    f"observed up time; observed {ui.fmt_hours(row['window_hours'])} "
    f"({row['window_start']:%Y-%m-%d} to {row['window_end']:%Y-%m-%d} UTC), down "
    f"{readable_hours(row['downtime_hours'])}. Mean single-incident duration "
    f"{hours(row['incident_mean_hours'])}. {stats.observation.capitalize()}."
    + (f" n/a: {row['why_na']}." if row["why_na"] else "")
    + (
        " These are whole-system figures: the system counts as down while any of its nodes "
        "is down, so its MTBF is far shorter than one node's (the Redundancy page's default, "
        "7,400 h, is per node)."
        if log.attrs["format"].startswith("LANL")
        else ""
    )
)
for caveat in stats.caveats(system):
    st.warning(caveat, icon=":material/warning:")

# --- "Use these figures" ----------------------------------------------------------------------

if system != POOLED:
    usable = usable_figures(row)
    years = f"{row['window_start']:%Y}-{row['window_end']:%Y}"
    label = "LANL system" if log.attrs["format"].startswith("LANL") else source.name + ", system"
    sent_name = f"{label} {system} (measured)"
    cols = st.columns([2, 3])
    cols[0].button(
        "Use these figures",
        key="incidents.send",
        icon=":material/send:",
        disabled=not usable,
        on_click=send,
        args=(
            sent_name,
            float(row["mtbf_hours"]) if usable else 0.0,
            float(row["mttr_hours"]) if usable else 0.0,
            f"measured from {ui.plural(int(row['outages']), 'outage')}, {years}; "
            f"MTBF = mean up time between failures, MTTR = mean outage duration",
            f"Incidents & SLO: {label} {system}, {years}",
        ),
        help="Offers this system's measured MTBF and MTTR to the Topology, Redundancy and ROI "
        "pages (in their 'sent from other pages' lists).",
    )
    if st.session_state.get("incidents.sent") == sent_name:
        cols[1].success(
            f"Sent {sent_name}: MTBF {readable_hours(row['mtbf_hours'])}, MTTR "
            f"{readable_hours(row['mttr_hours'])}.",
            icon=":material/check:",
        )
    elif not usable:
        cols[1].caption(
            ui.na("MTBF needs at least one failure after observed up time, and a positive value")
        )

# --- table of statistics ----------------------------------------------------------------------

with st.expander("Statistics of every system", expanded=system == POOLED):
    shown = stats.table.drop(columns=["window_start", "window_end"])
    st.dataframe(
        shown,
        width="stretch",
        key="incidents.table",
        column_config=STATS_COLUMNS,
    )
    st.markdown(
        "\n".join(f"- **{name}**: {text}" for name, text in stats.definitions.items())
        + "\n- The pooled row sums time, downtime, outages and failures over systems "
        "(system-hours)."
    )

# --- charts -------------------------------------------------------------------------------------

outages = stats.outages if system == POOLED else stats.outages[stats.outages["system"] == system]
timeline, distribution, top = st.tabs(["Timeline", "MTTR distribution", "Top causes"])
with timeline:
    xs: list = []
    ys: list = []
    # system names are user text: plotly reads tags in labels, so they are escaped
    shown_names = [html.escape(str(name)) for name in outages["system"]]
    for s, e, name in zip(outages["start"], outages["end"], shown_names, strict=True):
        xs += [s, e, None]
        ys += [name, name, None]
    figure = go.Figure(
        [
            go.Scattergl(
                x=xs,
                y=ys,
                mode="lines",
                line=dict(width=10, color="#d1242f"),
                name="outage",
                hoverinfo="skip",
            ),
            go.Scattergl(
                x=outages["start"],
                y=shown_names,
                mode="markers",
                marker=dict(size=5, color="#d1242f", symbol="line-ns-open"),
                customdata=outages[["hours", "incidents"]],
                hovertemplate="%{x}<br>%{customdata[0]:.2f} h, %{customdata[1]} incidents"
                "<extra>%{y}</extra>",
                name="start",
            ),
        ]
    )
    figure.update_layout(
        height=max(220, 26 * outages["system"].nunique() + 120),
        margin=dict(l=10, r=10, t=10, b=40),
        showlegend=False,
        xaxis_title="time (UTC); bars are merged outages",
        yaxis=dict(type="category", title="system"),
    )
    st.plotly_chart(figure, width="stretch", key="incidents.timeline_chart")
with distribution:
    positive = outages[outages["hours"] > 0]
    ecdf = go.Figure(
        go.Scatter(
            x=positive["hours"].sort_values(),
            y=[(i + 1) / len(positive) for i in range(len(positive))],
            mode="lines",
            line_shape="hv",
            name="outages",
        )
    )
    for q, key in (("median", "mttr_median_hours"), ("p90", "mttr_p90_hours")):
        if math.isfinite(row[key]) and row[key] > 0:
            ecdf.add_vline(x=row[key], line_dash="dot")
            # Annotations on a log axis take log10 coordinates (Plotly's convention).
            ecdf.add_annotation(
                x=math.log10(row[key]),
                y=1.02,
                yref="paper",
                text=f"{q} {readable_hours(row[key])}",
                showarrow=False,
                yanchor="bottom",
            )
    ecdf.update_layout(
        height=340,
        margin=dict(l=10, r=10, t=30, b=40),
        xaxis=dict(type="log", title="outage duration (hours, log scale)"),
        yaxis=dict(title="share of outages at most this long", range=[0, 1]),
    )
    st.plotly_chart(ecdf, width="stretch", key="incidents.mttr_chart")
    zero = len(outages) - len(positive)
    st.caption(
        f"{ui.plural(len(outages), 'outage')} of "
        f"{'all systems' if system == POOLED else 'system ' + system}."
        + (f" {zero:,} of zero length are not drawn on the log axis." if zero else "")
    )
with top:
    table = ui.guarded(causes, *args[:5], system, where="Causes")
    if table is not None and len(table):
        bars = go.Figure(
            go.Bar(
                x=table["incidents"][::-1],
                y=table["cause"][::-1],
                orientation="h",
                customdata=table[["incident_hours", "share"]][::-1],
                hovertemplate="%{x} incidents (%{customdata[1]:.1%}), %{customdata[0]:.1f} "
                "incident-hours<extra></extra>",
                marker_color="#1f6feb",
            )
        )
        bars.update_layout(
            height=max(240, 24 * len(table) + 80),
            margin=dict(l=10, r=10, t=10, b=40),
            xaxis_title="incidents",
        )
        st.plotly_chart(bars, width="stretch", key="incidents.causes_chart")
        st.caption("Incident-hours add up single incidents (overlaps not merged).")

# --- SLO ------------------------------------------------------------------------------------------

st.subheader("SLO and error budget")
slo_cols = st.columns(3)
# No min / max on these fields: out-of-range values reach ftmath, whose message is shown (a
# widget's own range check keeps the typed text while quietly using the previous value).
target_pct = slo_cols[0].number_input(
    "Target availability (%)",
    value=99.0,
    step=0.1,
    format="%.10g",  # as many digits as typed: 99.99999 (seven nines), never rounded to 100
    key="incidents.target",
    bind="query-params",
    help="Above 0 and below 100: 99.9 is three nines, 99.99999 seven.",
)
window_days = slo_cols[1].number_input(
    "Rolling window (days)",
    value=30.0,  # a float field: an int field reads a typed 1e300 as 1, without a word
    step=1.0,
    format="%.10g",
    key="incidents.window",
    bind="query-params",
    help="From 1/24 (one hour) to 3,660 days (ten years).",
)
step_label = slo_cols[2].selectbox(
    "Evaluate every",
    list(STEPS),
    index=2,
    key="incidents.step",
    help="A trailing window ends at each step (UTC midnight for days); the burn rate is "
    "measured over the last step.",
)
slo_report = ui.guarded(
    slo,
    *args,
    float(target_pct),
    float(window_days),
    STEPS[step_label],
    where="SLO",
    names=SLO_FIELDS,
)
if slo_report is not None:
    target = slo_report.target
    if system == POOLED:
        st.markdown("**Per system** (choose a system above for its windows and budget)")
        st.dataframe(
            slo_report.summary,
            width="stretch",
            key="incidents.slo_summary",
            column_config=SUMMARY_COLUMNS,
        )
        heat = slo_report.monthly.pivot(index="system", columns="month", values="availability")
        heat = heat.reindex([s for s in slo_report.summary.index if s in heat.index])
        heatmap = go.Figure(
            go.Heatmap(
                z=heat.to_numpy(),
                x=heat.columns,
                y=[html.escape(str(s)) for s in heat.index],
                zmin=max(0.0, 2 * target - 1),
                zmax=1.0,
                colorscale="RdYlGn",
                colorbar=dict(title="availability"),
                hovertemplate="%{y}, %{x|%Y-%m}: %{z:.5f}<extra></extra>",
            )
        )
        heatmap.update_layout(
            height=max(260, 22 * len(heat) + 100),
            margin=dict(l=10, r=10, t=10, b=40),
            yaxis=dict(type="category", title="system"),
            xaxis_title="calendar month (UTC)",
        )
        st.plotly_chart(heatmap, width="stretch", key="incidents.monthly_heatmap")
        st.caption(f"Colour scale from {max(0.0, 2 * target - 1):.4g} (red) to 1 (green).")
    elif system in slo_report.summary.index:
        s = slo_report.summary.loc[system]
        slo_explained = slo_report.explain(system)
        for caveat in slo_report.caveats(system):
            st.warning(caveat, icon=":material/warning:")
        cols = [*st.columns(2), *st.columns(2)]
        with cols[0]:
            st.metric(
                "Windows meeting the SLO",
                f"{s['compliance']:.1%}",
                help=f"{int(s['compliant_windows']):,} of {int(s['windows']):,} windows",
            )
            ui.explain(slo_explained["compliance"], key="incidents.explain.compliance")
        with cols[1]:
            st.metric(
                "Budget remaining (last window)",
                ("−" if s["last_budget_remaining_hours"] < 0 else "")
                + ui.fmt_duration(abs(s["last_budget_remaining_hours"])),
                delta=fmt_budget_used(s["last_budget_used"]),
                delta_color="off",
                delta_arrow="off",
            )
            ui.explain(slo_explained["budget_remaining_hours"], key="incidents.explain.budget")
        with cols[2]:
            st.metric("Burn rate (last step)", f"{s['last_burn_rate']:.2f}×")
            ui.explain(slo_explained["burn_rate"], key="incidents.explain.burn")
        with cols[3]:
            st.metric(
                "Worst window",
                ui.fmt_percent(s["worst_availability"]) if s["worst_availability"] > 0 else "0 %",
                help=f"ending {s['worst_window_end']:%Y-%m-%d}",
            )
        windows = slo_report.windows[slo_report.windows["system"] == system]
        months = slo_report.monthly[slo_report.monthly["system"] == system]
        chart = go.Figure()
        chart.add_trace(
            go.Scatter(
                x=windows["window_end"],
                y=windows["availability"],
                mode="lines",
                name=f"trailing {window_days:g}-day window",
                line=dict(color="#1f6feb"),
            )
        )
        chart.add_trace(
            go.Scatter(
                x=months["month"] + pd.Timedelta(days=14),
                y=months["availability"],
                mode="markers",
                name="calendar month",
                marker=dict(
                    color=["#1a7f37" if ok else "#d1242f" for ok in months["meets_target"]],
                    size=7,
                ),
                customdata=months[["covered_hours", "downtime_hours"]],
                hovertemplate="%{x|%Y-%m}: %{y:.5f}<br>%{customdata[1]:.2f} h down of "
                "%{customdata[0]:.0f} h observed<extra></extra>",
            )
        )
        chart.add_hline(
            y=target,
            line_dash="dash",
            line_color="black",
            annotation_text=f"SLO {target_pct:.10g} %",
        )
        low = float(min(windows["availability"].min(), months["availability"].min(), target))
        chart.update_layout(
            height=360,
            margin=dict(l=10, r=10, t=10, b=40),
            yaxis=dict(
                title="availability",
                range=[max(0.0, low - (1 - low) * 0.1), 1.0005],
                tickformat=".4~%",  # in % like the SLO line and the headline
            ),
            xaxis_title="window end / month (UTC)",
            legend=dict(orientation="h", y=-0.2),
        )
        st.plotly_chart(chart, width="stretch", key="incidents.slo_chart")
        st.caption(
            f"Error budget: {(1 - target) * 100:.4g} % of each window = "
            f"{ui.fmt_duration((1 - target) * window_days * 24)} per {window_days:g} days. "
            "Months in green meet the target, red ones do not. "
            "Over the whole observation: "
            + (
                f"{s['observed_budget_used']:,.2f}× the budget."
                if math.isfinite(s["observed_budget_used"])
                else "n/a (no observation window)."
            )
        )
        breaches = slo_report.breaches[slo_report.breaches["system"] == system]
        st.markdown(f"**Windows that broke the SLO** ({ui.plural(len(breaches), 'period')})")
        if len(breaches):
            st.dataframe(
                breaches.drop(columns=["system"]),
                hide_index=True,
                width="stretch",
                key="incidents.breaches",
                column_config=BREACH_COLUMNS,
            )
        else:
            st.success("No window broke the SLO.", icon=":material/check:")

# --- export -------------------------------------------------------------------------------------

st.subheader("Export")
stem = source.name.rsplit(".", 1)[0]
cols = st.columns(4)
with cols[0]:
    ui.download(
        "Statistics (CSV)",
        report.csv_bytes(stats.table, index=True),
        f"{stem}-statistics.csv",
        "text/csv",
        key="incidents.download_stats",
    )
if slo_report is not None:
    with cols[1]:
        ui.download(
            "SLO summary (CSV)",
            report.csv_bytes(slo_report.summary, index=True),
            f"{stem}-slo-summary.csv",
            "text/csv",
            key="incidents.download_slo",
        )
    with cols[2]:
        ui.download(
            "SLO breaches (CSV)",
            report.csv_bytes(slo_report.breaches),
            f"{stem}-slo-breaches.csv",
            "text/csv",
            key="incidents.download_breaches",
        )
with cols[3]:
    markdown = ui.guarded(
        ftmath.incident_report_markdown, stats, slo_report, source=source.name, where="Report"
    )
    if markdown is not None:
        ui.download(
            "Report (Markdown)",
            markdown.encode(),
            f"{stem}-report.md",
            "text/markdown",
            key="incidents.download_md",
        )
