"""Redundancy: how long a redundant group lasts, and how available it is, with spares and crews."""

import math
from typing import Any

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
# The words on the screen for each input, so that messages name what the user typed.
LABELS = {
    "n": "Units (n)",
    "k": "Must work (k)",
    "crews": "Repair crews",
    "mtbf_hours": "MTBF (h)",
    "mttr_hours": "MTTR (h)",
    "switch_reliability": "Fail-over success probability",
    "failover_hours": "Manual fail-over time (h)",
    "standby_rate_percent": "Warm spare failure rate (% of active)",
    "load_exponent": "Load-sharing exponent",
    "mission_hours": "Mission time (h)",
}
# The configuration picker's options: stable names (they go into the URL), not figures.
CHOICES = {
    "single": "Single unit",
    "active": "Active: all units in service",
    "cold": "Cold standby: k in service, spares off",
    "warm": "Warm standby: k in service, spares idle",
    "load": "Load sharing: survivors carry the load",
}
REPAIRED, NOT_REPAIRED = "Repaired", "No repair"
SEND_AS = {"group": "One component with this group's availability", "block": "A k-of-n block"}


@st.cache_data(max_entries=32, show_spinner=False)
def compared(
    n: int,
    mtbf: float,
    mttr: float,
    k: int,
    crews: int,
    switch: float,
    failover: float,
    warm: float,
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
        standby_rate_percent=warm,
        load_exponent=load_exponent,
        mission_hours=mission,
        hours_per_year=year,
    )


@st.cache_data(max_entries=32, show_spinner=False)
def explanations(
    inputs: tuple[Any, ...], choice: str, mission: float
) -> dict[str, ftmath.Explanation]:
    """The chosen group's explanations (R(mission) can take a moment on a large chain)."""
    return compared(*inputs).groups[choice].explain(mission_hours=mission)


def nines_text(repaired: bool, unavailability: float) -> str:
    if not repaired:
        return ui.na("no repair")
    if unavailability == 0.0:
        return ui.na(UNDERFLOW)
    return ui.fmt_nines(ftmath.nines(unavailability))


def hours_of(period: str) -> float:
    hours = PER[period]
    return ui.hours_per_year() if hours is None else hours


def repair_text(repair: str) -> str:
    return "no repair" if repair == "none" else f"repaired by {repair}"


st.title("Redundancy")
st.markdown(
    "How long until a redundant group fails, and how available is it? Compare the same units "
    "as one, as *n* active replicas, as *k*-of-*n*, with cold or warm spares, with and "
    "without repair crews, and with a fail-over that sometimes fails. Every number comes from "
    "an exact model of the group (a Markov chain), not from the rule of thumb *n* × MTBF."
)

# --- inputs -------------------------------------------------------------------------------------
# No min_value / max_value: Streamlit would keep an out-of-range number in the box with only a
# tooltip while the results silently used the old value. ftmath checks every input instead
# and the page shows its message, in the words of the labels above.

year = ui.hours_per_year()
followed = st.session_state.get("redundancy.mission_year")
if followed is not None and followed != year:
    # The mission was left at one year: let it follow the sidebar's year length.
    if st.session_state.get("redundancy.mission") == followed:
        st.session_state["redundancy.mission"] = year
st.session_state["redundancy.mission_year"] = year

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
                period=failure_per,
                name="Failure rate λ",
                mean_name="an MTBF",
            )
            mttr = ui.guarded(
                ftmath.hours_from_rate,
                repairs,
                per_hours=hours_of(repair_per),
                period=repair_per,
                name="Repair rate μ",
                mean_name="an MTTR",
            )
            if mtbf is not None and mttr is not None:
                st.caption(f"MTBF {ui.fmt_hours(mtbf)}, MTTR {ui.fmt_hours(mttr)}")
        else:
            mtbf = st.number_input(
                "MTBF (h)",
                value=DEFAULT_MTBF,
                format="%.6g",
                help="Mean up time between failures of one unit in service.",
                key="redundancy.mtbf",
                **BOUND,
            )
            mttr = st.number_input(
                "MTTR (h)",
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
            value=3,
            step=1,
            help="For example a database primary and two replicas: n = 3.",
            key="redundancy.n",
            **BOUND,
        )
        k = st.number_input(
            "Must work (k)",
            value=1,
            step=1,
            help="Units needed for the group to be up: 1 for fail-over, 2 of 3 for a quorum.",
            key="redundancy.k",
            **BOUND,
        )
        crews = st.number_input(
            "Repair crews",
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
            value=DEFAULT_SWITCH,
            step=0.001,
            format="%.4f",
            help="Each time a unit fails and the group could survive it, the automatic "
            "fail-over (health check, promotion, switching a spare in) works with this "
            "probability. Illustrative default; 1 is a perfect switch. Below 1, more units "
            "are not always better: each extra unit in service is one more failure whose "
            "fail-over may fail, so with repair 1-of-3 can be down more often than 1-of-2 "
            "(imperfect coverage, Trivedi ch. 8).",
            key="redundancy.switch",
            **BOUND,
        )
        failover = st.number_input(
            "Manual fail-over time (h)",
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
            value=10.0,
            step=5.0,
            help="A waiting warm spare fails at this share of an active unit's rate, from 0 "
            "to 100 %; cold spares (0 %) do not fail while they wait.",
            key="redundancy.warm",
            **BOUND,
        )
        load = st.number_input(
            "Load-sharing exponent",
            value=0.0,
            step=0.5,
            help="Adds a load-sharing row when above 0 (at most 50): with m of n units "
            "working, each fails at λ·(n/m)^exponent (1: failure rate proportional to the load).",
            key="redundancy.load",
            **BOUND,
        )
        mission = st.number_input(
            "Mission time (h)",
            value=year,
            format="%.6g",
            help="The time over which R(t), the chance of no outage at all, is shown. One "
            "year by default, of the length chosen in the sidebar.",
            key="redundancy.mission",
            **BOUND,
        )
        st.caption(f"Default: one year of {ui.year_label()}, as set in the sidebar.")

LAST_GOOD = "redundancy.last_good"
comparison, stale = None, False
if mtbf is not None and mttr is not None:
    inputs = (
        int(n),
        float(mtbf),
        float(mttr),
        int(k),
        int(crews),
        float(switch),
        float(failover),
        float(warm),
        float(load),
        float(mission),
        year,
    )
    comparison = ui.guarded(compared, *inputs, names=LABELS)
if comparison is None:
    # Keep the last good result on screen, labelled, as the Topology page does.
    last = st.session_state.get(LAST_GOOD)
    if last is None:
        st.info("Correct the input above; the comparison appears as soon as it can be computed.")
        st.stop()
    inputs, stale = (*last[:-1], year), True  # the sidebar's year length as it is now
    n, mtbf, mttr, k, crews, switch, failover, warm, load, mission, _ = inputs
    comparison = compared(*inputs)
    st.warning(
        "Showing the last result that could be computed, from the last inputs that were all "
        "valid (with the year length set now). Correct the input named above to update it; "
        "until then nothing is exported or sent.",
        icon=":material/history:",
    )
else:
    st.session_state[LAST_GOOD] = inputs

table = comparison.table.assign(
    mission_note=comparison.table["mission_note"].map(lambda note: ui.plain_names(note, LABELS))
)
crew_label = table["repair"].iloc[-1]
n, k = int(n), int(k)

# --- headline: the chosen configuration ----------------------------------------------------------

st.subheader("Your group")
pick = st.columns([3, 2])
kind = pick[0].selectbox(
    "Configuration",
    list(CHOICES),
    index=1,
    format_func=CHOICES.get,
    key="redundancy.config",
    help="Every configuration uses the units above, with the k you chose; the table below "
    "compares them all.",
    **BOUND,
)
repaired = (
    pick[1].segmented_control(
        "Repair",
        [REPAIRED, NOT_REPAIRED],
        default=REPAIRED,
        required=True,
        key="redundancy.repair",
        help=f"{REPAIRED}: {crew_label} each repair one failed unit at a time. "
        f"{NOT_REPAIRED}: failed units stay failed.",
        **BOUND,
    )
    == REPAIRED
)
choice = comparison.key_for(kind, repaired=repaired)
if choice is None:
    if kind in ("cold", "warm", "load") and n <= k:
        why = f"needs spares: set Units (n) above Must work (k) (now n = {n}, k = {k})"
    elif kind == "warm":
        why = "needs a Warm spare failure rate above 0 % (0 % is cold standby)"
    elif kind == "load":
        why = "needs a Load-sharing exponent above 0"
    else:
        why = "needs at least 2 units"
    fallback = "cold" if kind == "warm" else "active"
    choice = comparison.key_for(fallback, repaired=repaired) or comparison.key_for(
        "single", repaired=repaired
    )
    assert choice is not None
    st.warning(
        f"{CHOICES[kind].split(':')[0]} {why}. Showing {choice.split(' | ')[0]} instead.",
        icon=":material/info:",
    )
group = comparison.groups[choice]
configuration, repair = choice.split(" | ")
label = f"{configuration}, {repair_text(repair)}"
row = table[(table["configuration"] == configuration) & (table["repair"] == repair)].iloc[0]
units = f"{group.n} unit{'s' if group.n > 1 else ''}"
st.markdown(
    f"**{label}**: {units} of MTBF {ui.fmt_hours(float(mtbf))}"
    + (f", MTTR {ui.fmt_hours(float(mttr))}." if group.repairable else ".")
)
explained = explanations(inputs, choice, float(mission))
top = st.columns(3)
with top[0]:
    mttf = group.mttf_hours
    ui.metric(
        st,
        "MTTF",
        ui.fmt_duration(mttf) if math.isfinite(mttf) else ui.na("beyond 1e308 h"),
        f"{ui.fmt_hours(mttf)} from every unit up to the first outage of the group.",
    )
    ui.explain(explained["mttf"], key="redundancy.explain.mttf")
with top[1]:
    if not group.repairable:
        availability = ui.na("no repair: once down, the group stays down")
    elif group.unavailability == 0.0:
        availability = ui.na(UNDERFLOW)
    else:
        availability = ui.fmt_percent(group.availability, unreliability=group.unavailability)
    ui.metric(st, "Availability", availability, "Long-run share of time the group is up.")
    ui.explain(explained["availability"], key="redundancy.explain.availability")
with top[2]:
    ui.metric(
        st,
        f"No outage in {float(mission):,.6g} h",
        ui.na(row["mission_note"])
        if row["mission_note"]
        else ui.fmt_probability(
            row["mission_reliability"], unreliability=row["mission_unreliability"]
        ),
        "R(t): the probability that the group is never down during the mission.",
    )
    ui.explain(explained["reliability"], key="redundancy.explain.reliability")
low = st.columns(3)
with low[0]:
    ui.metric(
        st,
        "MTTF vs one unit",
        f"{row['mttf_vs_single']:,.3g} ×" if math.isfinite(row["mttf_vs_single"]) else "∞",
        "The group's MTTF over a single unit's, with the same repair.",
    )
with low[1]:
    ui.metric(
        st,
        "Nines",
        nines_text(group.repairable, group.unavailability),
        "−log10 of the long-run unavailability.",
    )
with low[2]:
    ui.metric(
        st,
        "Downtime per year",
        ui.fmt_duration(group.downtime(hours_per_year=year).per_year)
        if group.repairable
        else ui.na("no repair"),
        f"Expected time down in a year of {ui.year_label()}, in the long run.",
    )
if not group.repairable:
    st.caption(
        "Without repair the group ends down for good, so its long-run availability is 0: its "
        "MTTF and R(t) describe it."
    )
limited = table[table["mission_note"] != ""]
if len(limited):
    st.warning(
        "R(t) cannot be computed for some configurations; their MTTF and availability are "
        "exact and shown.\n"
        + "\n".join(
            f"- **{c}, {repair_text(r)}**: {note}"
            for c, r, note in zip(
                limited["configuration"], limited["repair"], limited["mission_note"], strict=True
            )
        ),
        icon=":material/warning:",
    )

# --- why not n times ------------------------------------------------------------------------

single = float(mtbf)
if n > 1:
    # The same model as the table's "Active k-of-n, no repair" row, fail-over included.
    stages = ftmath.active_failure_stages(n, single, k, switch_reliability=float(switch))
    lasts = float(stages["cumulative_hours"].iloc[-1])
    perfect = ftmath.mttf_active(n, single, k)
    active_key = comparison.key_for("active", repaired=False)
    imperfect = float(switch) < 1.0 and len(stages) > 1
    terms = [
        (f"{reached:.4g} × " if imperfect and i else "") + ui.fmt_hours(hours)
        for i, (reached, hours) in enumerate(
            zip(stages["reached"], stages["mean_hours"], strict=True)
        )
    ]
    if len(terms) > 5:
        terms = [*terms[:3], "…", terms[-1]]
    steps = ", ".join(
        f"MTBF/{int(w)} = {ui.fmt_hours(h)}"
        for w, h in list(zip(stages["working"], stages["mean_hours"], strict=True))[:3]
    )
    with st.container(border=True):
        st.markdown(f"**Why {n} active units do not last {n} times as long**")
        survived = len(stages) - 1
        coverage = (
            f" The group survives {survived} failure{'s' if survived > 1 else ''}, each only "
            f"if its fail-over works (probability {float(switch):.4g}); otherwise it is down "
            "at once, so each later stage is reached only with that probability again."
            if imperfect
            else ""
        )
        st.markdown(
            f"All {n} units run at once, so the first failure comes after MTBF/{n} on average "
            f"(whichever of {n} fails first), the next after MTBF/{n - 1}, and so on: {steps}"
            f"{', …' if len(stages) > 3 else ''}.{coverage} Without repair the group (needing "
            f"{k}) lasts {' + '.join(terms)} = **{ui.fmt_hours(lasts)}** on average — "
            f"{lasts / single:.2f} × MTBF, not the naive {n} × MTBF = "
            f"{ui.fmt_hours(n * single)}"
            + (
                f". This is the table's *{active_key.split(' | ')[0]}, no repair* row"
                if active_key
                else ""
            )
            + (
                f"; with a perfect fail-over it would be {ui.fmt_hours(perfect)}."
                if imperfect
                else "."
            )
        )
        cold_key = comparison.key_for("cold", repaired=False)
        if cold_key is not None:
            cold = comparison.groups[cold_key].mttf_hours
            cold_name = cold_key.split(" | ")[0]
            spares = n - k
            # k in service, n - k cold spares, perfect switch: n - k + 1 failures at rate k/MTBF.
            ideal = ftmath.redundant_group(k, n, single, arrangement="standby").mttf_hours
            in_service = "Only one unit" if k == 1 else f"Only {k} units"
            multiple = f"{spares + 1} × MTBF" + ("" if k == 1 else f"/{k}")
            st.markdown(
                f"{in_service} in service with {spares} cold spare{'s' if spares > 1 else ''} "
                f"and a perfect switch reach{'es' if k == 1 else ''} {multiple} = "
                f"{ui.fmt_hours(ideal)}"
                + (
                    f"; with this fail-over ({float(switch):.4g}) *{cold_name}* lasts "
                    f"{ui.fmt_hours(cold)} without repair."
                    if float(switch) < 1.0
                    else f" without repair (*{cold_name}*)."
                )
                + " Repair is what changes the picture: a failed unit is usually back long "
                "before the next failure, which the table shows."
            )
        # Groups that need one unit of several: worse than one unit only through fail-overs.
        worse = table[(table["repair"] != "none") & (table["k"] == 1) & (table["n"] > 1)]
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
        ui.na("cannot be computed, see above") if note else ui.fmt_probability(r, unreliability=q)
        for r, q, note in zip(
            table["mission_reliability"],
            table["mission_unreliability"],
            table["mission_note"],
            strict=True,
        )
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
    f"{ui.fmt_hours(float(mttr))}). Standby rows keep {ui.plural(min(k, n), 'unit')} in service "
    "and the rest as spares; cold spares do not fail while waiting, warm spares fail at "
    f"{float(warm):g} % of the active rate. Fail-over success {float(switch):.4g}, manual "
    f"fail-over {ui.fmt_hours(float(failover) if failover > 0 else float(mttr))}."
)
if stale:  # the table is the last good one, not what the inputs say: not exported
    st.caption("The CSV download returns once the input above is corrected.")
else:
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
    **BOUND,
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
        if len(limited):
            st.caption(
                "Not drawn (R(t) cannot be followed, see above): "
                + "; ".join(
                    f"{c}, {repair_text(r)}"
                    for c, r in zip(limited["configuration"], limited["repair"], strict=True)
                )
                + "."
            )
        st.caption(
            "R(t) is the probability that the group has not been down at any moment up to t. "
            "With repair the group can recover, so its long-run availability can be high even "
            "when R(t) falls: they answer different questions."
        )
else:
    st.info("Set a mission time above 0 h to see R(t).")

# --- hand-off to Topology ---------------------------------------------------------------------

st.subheader("Use in topology")
send_cols = st.columns([2, 3])
name = (
    send_cols[0]
    .text_input(
        "Component name", value="db-group", max_chars=40, key="redundancy.send_name", **BOUND
    )
    .strip()
)
options = ["group"]
if group.arrangement == "active" and group.load_exponent == 0.0 and group.n > 1:
    options.append("block")
how = send_cols[1].radio(
    "Send as",
    options,
    format_func=lambda o: SEND_AS[o].replace("k-of-n", f"{group.k}-of-{group.n}"),
    key="redundancy.send_how",
    **BOUND,
)
if not group.repairable:
    figures = None
    st.info(
        f"{label} cannot be sent: the Topology page combines long-run availabilities, and "
        "without repair a group stays down once it fails (availability 0). Choose "
        f"**{REPAIRED}** above to send this configuration with its repair crews.",
        icon=":material/info:",
    )
elif how == "group":
    figures = {
        "unavailability": group.unavailability,
        "note": f"Redundancy page: {label}, MTBF {mtbf:g} h, MTTR {mttr:g} h, fail-over {switch:g}",
    }
    st.caption(
        f"Sends {label} (availability "
        f"{ui.fmt_percent(group.availability, unreliability=group.unavailability)}), with "
        "its crews and fail-over included."
    )
else:
    figures = {
        "mtbf_hours": float(mtbf),
        "mttr_hours": float(mttr),
        "block": {"k": group.k, "n": group.n},
        "note": f"Redundancy page: unit of MTBF {mtbf:g} h, MTTR {mttr:g} h",
    }
    st.caption(
        f"Sends {group.n} units of MTBF {ui.fmt_hours(float(mtbf))} and MTTR "
        f"{ui.fmt_hours(float(mttr))} as a {group.k}-of-{group.n} block. The Topology page "
        "treats the units as independent, each repaired at once (a crew per unit) with a "
        "perfect fail-over; this page's crews and fail-over are left out."
    )
if stale:  # the figures above are the last good ones, not what the inputs say
    figures = None
    st.info("Correct the input above to send this group.", icon=":material/info:")
if st.button(
    "Send to Topology", key="redundancy.send", icon=":material/send:", disabled=figures is None
):
    if not name:
        st.error("Give the component a name.", icon=":material/error:")
    elif figures is not None:
        ui.send_component(name, figures, source=f"Redundancy page: {label}")
        st.success(
            f"Sent **{ui.escape_markdown(name)}** ({label}). On the Topology page open *Add a "
            "component from the catalog or from other pages* and press **Add**.",
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
