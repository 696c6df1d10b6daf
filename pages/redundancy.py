"""Redundancy: how long a redundant group lasts, and how available it is, with spares and crews."""

import math

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

import ftmath
import ui
from ftmath import report

ui.ensure_app_frame()

# Default unit: a server node as measured at Los Alamos (LANL failure data 1996-2005, systems
# 18-20: 2,560 four-way SMP nodes, 9,759 interruptions over about 72.6 million node-hours,
# mean down time 3.3 h). Fail-over figures are illustrative.
DEFAULT_MTBF, DEFAULT_MTTR = 7400.0, 3.3
DEFAULT_SWITCH, DEFAULT_FAILOVER = 0.99, 0.5
PER = {"hour": 1.0, "day": 24.0, "year": None}  # None: the sidebar's year length
BOUND = {"bind": "query-params"}
UNDERFLOW = "unavailability below 1e-308, beyond double precision"


@st.cache_data(max_entries=32, show_spinner=False)
def compared(
    n: int,
    mtbf: float,
    mttr: float,
    k: int,
    crews: int,
    switch: float,
    failover: float,
    standby_mtbf: float | None,
    load_exponent: float,
    mission: float,
    year: float,
) -> ftmath.Comparison:
    return ftmath.compare_configurations(
        n,
        mtbf,
        mttr,
        k=k,
        crews=crews,
        switch_reliability=switch,
        failover_hours=failover,
        standby_mtbf_hours=standby_mtbf,
        load_exponent=load_exponent,
        mission_hours=mission,
        hours_per_year=year,
    )


def nines_text(repaired: bool, unavailability: float) -> str:
    if not repaired:
        return ui.na("no repair")
    if unavailability == 0.0:
        return ui.na(UNDERFLOW)
    return ui.fmt_nines(ftmath.nines(unavailability))


def hours_of(period: str) -> float:
    hours = PER[period]
    return ui.hours_per_year() if hours is None else hours


st.title("Redundancy")
st.markdown(
    "How long until a redundant group fails, and how available is it? Compare the same units "
    "as one, as *n* active replicas, as *k*-of-*n*, with cold or warm spares, with and "
    "without repair crews, and with a fail-over that sometimes fails. Every number comes from "
    "an exact model of the group (a Markov chain), not from the rule of thumb *n* × MTBF."
)

# --- inputs -------------------------------------------------------------------------------------

with st.container(border=True):
    unit_col, group_col, failover_col, spare_col = st.columns(4)
    with unit_col:
        st.markdown("**One unit**")
        given_as = st.segmented_control(
            "Give the unit by",
            ["MTBF / MTTR", "Rates"],
            default="MTBF / MTTR",
            required=True,
            key="redundancy.given_as",
            **BOUND,
        )
        if given_as == "Rates":
            rate_cols = st.columns([3, 2])
            failures = rate_cols[0].number_input(
                "Failure rate λ",
                min_value=0.0,
                value=round(8760.0 / DEFAULT_MTBF, 4),
                format="%.6g",
                key="redundancy.failure_rate",
                **BOUND,
            )
            failure_per = rate_cols[1].selectbox(
                "failures per", list(PER), index=2, key="redundancy.failure_per", **BOUND
            )
            repairs = rate_cols[0].number_input(
                "Repair rate μ",
                min_value=0.0,
                value=round(24.0 / DEFAULT_MTTR, 4),
                format="%.6g",
                key="redundancy.repair_rate",
                **BOUND,
            )
            repair_per = rate_cols[1].selectbox(
                "repairs per", list(PER), index=1, key="redundancy.repair_per", **BOUND
            )
            mtbf = ui.guarded(
                ftmath.hours_from_rate,
                failures,
                per_hours=hours_of(failure_per),
                where="Failure rate",
            )
            mttr = ui.guarded(
                ftmath.hours_from_rate,
                repairs,
                per_hours=hours_of(repair_per),
                where="Repair rate",
            )
            if mtbf is not None and mttr is not None:
                st.caption(f"MTBF {ui.fmt_hours(mtbf)}, MTTR {ui.fmt_hours(mttr)}")
        else:
            mtbf = st.number_input(
                "MTBF (h)",
                min_value=0.0,
                value=DEFAULT_MTBF,
                format="%.6g",
                help="Mean up time between failures of one unit in service.",
                key="redundancy.mtbf",
                **BOUND,
            )
            mttr = st.number_input(
                "MTTR (h)",
                min_value=0.0,
                value=DEFAULT_MTTR,
                format="%.4g",
                help="Mean time for one crew to repair (or rebuild) one failed unit.",
                key="redundancy.mttr",
                **BOUND,
            )
        st.caption(
            "Default: a server node as measured at Los Alamos (LANL failure data, systems "
            "18–20, 2001–2005: MTBF 7,400 h, mean down time 3.3 h). Put your own figures; "
            "the Incidents page measures them from an outage log."
        )
    with group_col:
        st.markdown("**The group**")
        n = st.number_input(
            "Units (n)",
            min_value=1,
            max_value=500,
            value=3,
            step=1,
            help="For example a database primary and two replicas: n = 3.",
            key="redundancy.n",
            **BOUND,
        )
        k = st.number_input(
            "Must work (k)",
            min_value=1,
            value=1,
            step=1,
            help="Units needed for the group to be up: 1 for fail-over, 2 of 3 for a quorum.",
            key="redundancy.k",
            **BOUND,
        )
        crews = st.number_input(
            "Repair crews",
            min_value=1,
            value=1,
            step=1,
            help="Failed units repaired at the same time: 1 for one on-call engineer.",
            key="redundancy.crews",
            **BOUND,
        )
    with failover_col:
        st.markdown("**Fail-over**")
        switch = st.number_input(
            "Fail-over success probability",
            min_value=0.0,
            max_value=1.0,
            value=DEFAULT_SWITCH,
            step=0.001,
            format="%.4f",
            help="Each time a unit fails and the group could survive it, the automatic "
            "fail-over (health check, promotion, switching a spare in) works with this "
            "probability. Illustrative default; 1 is a perfect switch.",
            key="redundancy.switch",
            **BOUND,
        )
        failover = st.number_input(
            "Manual fail-over time (h)",
            min_value=0.0,
            value=DEFAULT_FAILOVER,
            format="%.4g",
            help="Mean time for the on-call engineer to fail over by hand after the automatic "
            "fail-over failed; the group is down meanwhile. Illustrative default.",
            key="redundancy.failover",
            **BOUND,
        )
    with spare_col:
        st.markdown("**Spares, load, mission**")
        warm = st.number_input(
            "Warm spare failure rate (% of active)",
            min_value=0.0,
            max_value=100.0,
            value=10.0,
            step=5.0,
            help="A waiting warm spare fails at this share of an active unit's rate; cold "
            "spares (0 %) do not fail while they wait.",
            key="redundancy.warm",
            **BOUND,
        )
        load = st.number_input(
            "Load-sharing exponent",
            min_value=0.0,
            max_value=50.0,
            value=0.0,
            step=0.5,
            help="Adds a load-sharing row when above 0: with m of n units working, each "
            "fails at λ·(n/m)^exponent (1: failure rate proportional to the load).",
            key="redundancy.load",
            **BOUND,
        )
        mission = st.number_input(
            "Mission time (h)",
            min_value=0.0,
            value=ui.hours_per_year(),
            format="%.6g",
            help="The time over which R(t), the chance of no outage at all, is shown.",
            key="redundancy.mission",
            **BOUND,
        )
        st.caption(f"One year = {ui.hours_per_year():,.0f} h ({ui.year_label()}).")

if mtbf is None or mttr is None:
    st.stop()
standby_mtbf = None
if warm > 0 and mtbf > 0:
    standby_mtbf = mtbf * 100.0 / warm
comparison = ui.guarded(
    compared,
    int(n),
    float(mtbf),
    float(mttr),
    int(k),
    int(crews),
    float(switch),
    float(failover),
    standby_mtbf,
    float(load),
    float(mission),
    ui.hours_per_year(),
    where="The group",
)
if comparison is None:
    st.info("Correct the input above; the comparison appears as soon as it can be computed.")
    st.stop()

table = comparison.table
crew_label = table["repair"].iloc[-1]
keys = list(comparison.groups)

# --- headline: the chosen configuration ----------------------------------------------------------

st.subheader("Your group")
repaired_keys = [key for key in keys if not key.endswith("| none")]
default_key = repaired_keys[1] if len(repaired_keys) > 1 else repaired_keys[0]
if st.session_state.get("redundancy.choice") not in keys:
    st.session_state["redundancy.choice"] = default_key
choice = st.selectbox(
    "Configuration",
    keys,
    key="redundancy.choice",
    format_func=lambda key: key.replace(" | none", ", no repair").replace(" | ", ", repaired by "),
)
group = comparison.groups[choice]
row = table.iloc[keys.index(choice)]
explained = group.explain(mission_hours=float(mission))
top = st.columns(3)
with top[0]:
    mttf = group.mttf_hours
    st.metric(
        "MTTF",
        ui.fmt_duration(mttf) if math.isfinite(mttf) else ui.na("beyond 1e308 h"),
        help=f"{ui.fmt_hours(mttf)} from every unit up to the first outage of the group.",
    )
    ui.explain(explained["mttf"], key="redundancy.explain.mttf")
with top[1]:
    if not group.repairable:
        st.metric("Availability", ui.na("no repair"))
    elif group.unavailability == 0.0:
        st.metric("Availability", ui.na(UNDERFLOW))
    else:
        st.metric(
            "Availability",
            ui.fmt_percent(group.availability, unreliability=group.unavailability),
        )
    ui.explain(explained["availability"], key="redundancy.explain.availability")
with top[2]:
    st.metric(
        f"No outage in {float(mission):,.6g} h",
        ui.fmt_probability(row["mission_reliability"], unreliability=row["mission_unreliability"]),
        help="R(t): the probability that the group is never down during the mission.",
    )
    ui.explain(explained["reliability"], key="redundancy.explain.reliability")
low = st.columns(3)
low[0].metric(
    "MTTF vs one unit",
    f"{row['mttf_vs_single']:,.3g} ×" if math.isfinite(row["mttf_vs_single"]) else "∞",
    help="The group's MTTF over a single unit's, with the same repair.",
)
low[1].metric("Nines", nines_text(group.repairable, group.unavailability))
low[2].metric(
    "Downtime per year",
    ui.fmt_duration(group.downtime(hours_per_year=ui.hours_per_year()).per_year)
    if group.repairable
    else ui.na("no repair"),
)
if not group.repairable:
    st.caption(
        "Without repair the group ends down for good, so its long-run availability is 0: its "
        "MTTF and R(t) describe it."
    )

# --- why not n times ------------------------------------------------------------------------

single = float(mtbf)
if n > 1:
    stages = ftmath.active_failure_stages(int(n), single, int(k) if k <= n else 1)
    active = stages["cumulative_hours"].iloc[-1]
    steps = ", ".join(
        f"MTBF/{int(w)} = {ui.fmt_hours(h)}"
        for w, h in zip(stages["working"], stages["mean_hours"], strict=False)
    )
    cold = ftmath.mttf_standby(int(n), single, switch_reliability=float(switch))
    with st.container(border=True):
        st.markdown(f"**Why {int(n)} active units do not last {int(n)} times as long**")
        st.markdown(
            f"All {int(n)} units run at once, so the first failure comes after MTBF/{int(n)} "
            f"on average (whichever of {int(n)} fails first), the next after "
            f"MTBF/{int(n) - 1 if n > 1 else 1}, and so on: {steps}. Without repair the group "
            f"(needing {int(min(k, n))}) lasts **{ui.fmt_hours(active)}** — "
            f"{active / single:.2f} × MTBF, not the naive {int(n)} × MTBF = "
            f"{ui.fmt_hours(int(n) * single)}."
        )
        st.markdown(
            f"Only one unit in service with {int(n) - 1} cold spares and a perfect switch "
            f"reaches {int(n)} × MTBF; with this fail-over ({float(switch):.4g}) cold standby "
            f"lasts {ui.fmt_hours(cold)}. Repair is what changes the picture: a failed unit is "
            f"usually back long before the next failure, which the table shows."
        )
        worse = table[(table["repair"] != "none") & (table["configuration"] != "Single unit")]
        single_repaired = table[
            (table["configuration"] == "Single unit") & (table["repair"] != "none")
        ]
        if (
            len(single_repaired)
            and (worse["unavailability"] > single_repaired["unavailability"].iloc[0]).any()
        ):
            st.warning(
                "With this fail-over, some redundant groups are **less** available than one "
                "unit: every extra unit in service is one more failure whose fail-over may "
                "fail (imperfect coverage, Trivedi ch. 8).",
                icon=":material/warning:",
            )

# --- comparison table --------------------------------------------------------------------------

st.subheader("Side by side")


def _availability(r) -> str:  # noqa: ANN001
    if r["repair"] == "none":
        return ui.na("no repair")
    if r["unavailability"] == 0.0:
        return ui.na(UNDERFLOW)
    return ui.fmt_percent(r["availability"], unreliability=r["unavailability"])


shown = table.assign(
    MTTF=table["mttf_hours"].map(
        lambda h: ui.fmt_hours(h) if math.isfinite(h) else ui.na("beyond 1e308 h")
    ),
    gain=table["mttf_vs_single"].map(lambda x: f"{x:,.3g} ×" if math.isfinite(x) else "∞"),
    Availability=table.apply(_availability, axis=1),
    Nines=[
        nines_text(repair != "none", u)
        for repair, u in zip(table["repair"], table["unavailability"], strict=True)
    ],
    Downtime=table["downtime_hours_per_year"].map(
        lambda x: ui.na("no repair") if math.isnan(x) else ui.fmt_duration(x)
    ),
    Mission=[
        ui.fmt_probability(r, unreliability=q)
        for r, q in zip(table["mission_reliability"], table["mission_unreliability"], strict=True)
    ],
)[["configuration", "repair", "MTTF", "gain", "Availability", "Nines", "Downtime", "Mission"]]
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    key="redundancy.table",
    column_config={
        "configuration": st.column_config.TextColumn("Configuration"),
        "repair": st.column_config.TextColumn("Repair"),
        "gain": st.column_config.TextColumn("× one unit", help="MTTF over one unit's"),
        "Downtime": st.column_config.TextColumn("Downtime / year", help=ui.year_label()),
        "Mission": st.column_config.TextColumn(
            f"R({float(mission):,.6g} h)", help="Probability of no outage during the mission"
        ),
    },
)
st.caption(
    f"Repair: none, or {crew_label} each repairing one unit at a time (MTTR "
    f"{ui.fmt_hours(float(mttr))}). Standby rows keep {int(min(k, n))} unit(s) in service "
    "and the rest as spares; cold spares do not fail while waiting, warm spares fail at "
    f"{float(warm):g} % of the active rate. Fail-over success {float(switch):.4g}, manual "
    f"fail-over {ui.fmt_hours(float(failover) if failover > 0 else float(mttr))}."
)
ui.download(
    "Comparison (CSV)",
    report.csv_bytes(table),
    "redundancy-comparison.csv",
    "text/csv",
    key="redundancy.download_csv",
)

# --- R(t) curves -------------------------------------------------------------------------------

st.subheader("Chance of no outage over time")
scale = st.segmented_control(
    "Show",
    ["R(t), linear", "1 − R(t), log scale"],
    default="R(t), linear",
    required=True,
    key="redundancy.scale",
)
if mission > 0:
    times = np.linspace(0.0, float(mission), 200)
    curves = ui.guarded(comparison.curves, times, where="R(t)")
    if curves is not None:
        figure = go.Figure()
        log = scale != "R(t), linear"
        palette = px.colors.qualitative.Plotly
        colours = {
            c: palette[i % len(palette)] for i, c in enumerate(curves["configuration"].unique())
        }
        for (configuration, repair), rows in curves.groupby(
            ["configuration", "repair"], sort=False
        ):
            y = rows["unreliability"] if log else rows["reliability"]
            if log:
                y = y.where(y > 0)
            figure.add_trace(
                go.Scatter(
                    x=rows["t_hours"],
                    y=y,
                    mode="lines",
                    name=f"{configuration}, {'no repair' if repair == 'none' else repair}",
                    line=dict(
                        dash="dot" if repair == "none" else "solid", color=colours[configuration]
                    ),
                )
            )
        figure.update_layout(
            height=420,
            margin=dict(l=10, r=10, t=10, b=40),
            xaxis_title="hours from every unit up",
            yaxis_title="1 − R(t): probability of an outage by t" if log else "R(t): no outage",
            yaxis_type="log" if log else "linear",
            legend_title="dotted: no repair",
        )
        st.plotly_chart(figure, width="stretch", key="redundancy.chart")
        st.caption(
            "R(t) is the probability that the group has not been down at any moment up to t. "
            "With repair the group can recover, so its long-run availability can be high even "
            "when R(t) falls: they answer different questions."
        )
else:
    st.info("Set a mission time above 0 h to see R(t).")

# --- hand-off to Topology ---------------------------------------------------------------------

st.subheader("Use in topology")
repaired_choice = choice if choice in repaired_keys else repaired_keys[-1]
target = comparison.groups[repaired_choice]
send_cols = st.columns([2, 3])
name = (
    send_cols[0]
    .text_input("Component name", value="db-group", max_chars=40, key="redundancy.send_name")
    .strip()
)
options = ["One component with this group's availability"]
independent = target.arrangement == "active" and target.load_exponent == 0.0 and target.n > 1
if independent:
    options.append(f"{target.n} units in a {target.k}-of-{target.n} block")
how = send_cols[1].radio("Send as", options, key="redundancy.send_how")
label = repaired_choice.replace(" | ", ", repaired by ")
if how == options[0]:
    figures = {
        "unavailability": target.unavailability,
        "note": f"Redundancy page: {label}, MTBF {mtbf:g} h, MTTR {mttr:g} h, fail-over {switch:g}",
    }
    st.caption(
        f"Sends {label} (availability "
        f"{ui.fmt_percent(target.availability, unreliability=target.unavailability)}), with "
        "its crews and fail-over included."
    )
else:
    figures = {
        "mtbf_hours": float(mtbf),
        "mttr_hours": float(mttr),
        "block": {"k": target.k, "n": target.n},
        "note": f"Redundancy page: unit of MTBF {mtbf:g} h, MTTR {mttr:g} h",
    }
    st.caption(
        "The Topology page treats the units as independent, each repaired at once (a crew "
        "per unit) with a perfect fail-over; this page's crews and fail-over are left out."
    )
if st.button("Send to Topology", key="redundancy.send", icon=":material/send:"):
    if not name:
        st.error("Give the component a name.", icon=":material/error:")
    else:
        ui.send_component(name, figures, source=f"Redundancy page: {label}")
        st.success(
            f"Sent `{name}`. On the Topology page open *Add a component from the catalog or "
            "from other pages* and press **Add**.",
            icon=":material/check:",
        )
ui.link("pages/topology.py", "Open Topology")

# --- the model ---------------------------------------------------------------------------------

with st.expander("The model, its assumptions and its states"):
    st.markdown(
        "- Units are identical with exponential lives (constant failure rate λ = 1/MTBF) and "
        "fail independently; a repair by one crew takes an exponential time of mean MTTR.\n"
        "- **Active**: all units in service. **Standby**: k in service, the rest wait as "
        "spares (cold: no failures while waiting; warm: a lower rate).\n"
        "- Each failure the group can survive needs a fail-over, which works with the given "
        "probability; when it does not, the group is down until a manual fail-over.\n"
        "- While the group is down its surviving units do not fail; repairs continue.\n"
        "- MTTF is the mean time from all units up to the first outage; availability is the "
        "long-run share of time up; R(t) the chance of no outage by t (matrix exponential).\n"
        "- Sources: Rausand & Høyland, *System Reliability Theory*, 2nd ed., ch. 8; Trivedi, "
        "*Probability and Statistics with Reliability, Queuing, and Computer Science "
        "Applications*, 2nd ed., ch. 5 and 8; O'Connor & Kleyner, *Practical Reliability "
        "Engineering*, 5th ed., ch. 6."
    )
    states = group.states()
    st.dataframe(
        states,
        hide_index=True,
        width="stretch",
        key="redundancy.states",
        column_config={
            "state": st.column_config.TextColumn("State of the chain"),
            "up": st.column_config.CheckboxColumn("Group up"),
            "probability": st.column_config.NumberColumn("Long-run probability", format="%.4g"),
        },
    )
