"""Start here: what availability a kind of system needs, what that allows, and how to reach it."""

import pandas as pd
import streamlit as st

import ftmath
import ui

ui.ensure_app_frame()

# Kinds of system and the patterns usually used for them (after the seed document's decision
# matrix). Each pattern links to the page that models it.
KINDS = pd.DataFrame(
    [
        ("Critical infrastructure", 99.99, "High", ["Circuit breaker", "Bulkhead", "Failover"]),
        ("E-commerce", 99.9, "Medium", ["Retry", "Timeout", "Graceful degradation"]),
        ("Content delivery", 99.95, "High", ["Circuit breaker", "Caching", "Multi-region"]),
        ("Internal tools", 99.5, "Low", ["Retry", "Health checks"]),
        ("Real-time systems", 99.999, "Very high", ["Redundancy", "Fast failover"]),
    ],
    columns=["System kind", "Target availability (%)", "Complexity", "Patterns"],
)

PATTERN_PAGES = {
    "Circuit breaker": ("pages/simulator.py", "see what a breaker does in an outage"),
    "Bulkhead": ("pages/topology.py", "model isolated pools as independent blocks"),
    "Failover": ("pages/redundancy.py", "standby spares and the switch that fails over"),
    "Fast failover": ("pages/redundancy.py", "standby with repair: MTTF and availability"),
    "Redundancy": ("pages/redundancy.py", "how long n replicas last, with repair crews"),
    "Retry": ("pages/timeouts.py", "what retries buy and what load they cost"),
    "Timeout": ("pages/timeouts.py", "the timeout for a false-timeout budget"),
    "Graceful degradation": ("pages/simulator.py", "fallbacks served when calls fail"),
    "Caching": ("pages/topology.py", "a cache in parallel with its origin"),
    "Multi-region": ("pages/topology.py", "regions in parallel, shared services counted once"),
    "Health checks": ("pages/incidents.py", "time to detect and repair, from your outage log"),
}

st.title("Fault Tolerance Workbench")
st.markdown(
    "How much fault tolerance does your system need, and does it pay? Start from the kind of "
    "system you run: its availability target says how much downtime you may spend, and which "
    "patterns usually get you there. Every page computes exactly, from real data you can "
    "upload."
)

st.subheader("1. Pick the kind of system")
st.caption(
    "Targets are typical, not rules: edit them to your own SLO. "
    f"Downtime uses a year of {ui.year_label()}; a month is a twelfth of it."
)
edited = st.data_editor(
    KINDS,
    key="home.targets",
    hide_index=True,
    width="stretch",
    disabled=["System kind", "Complexity", "Patterns"],
    column_config={
        # no min/max: the grid would silently turn -5 into 5; the check below says why instead
        "Target availability (%)": st.column_config.NumberColumn(
            step=1e-7,
            format="%.8g",
            help="Availability target, percent of time up",
        ),
        "Patterns": st.column_config.ListColumn(),
    },
)

targets = dict(zip(edited["System kind"], edited["Target availability (%)"] / 100.0, strict=True))
bad = [kind for kind, value in targets.items() if pd.isna(value) or not 0 < value < 1]
if bad:
    st.error(
        f"Targets must be above 0 % and below 100 % (100 % allows no downtime at all, which "
        f"no system reaches): check {', '.join(bad)}. The table below leaves them out."
    )
    targets = {kind: value for kind, value in targets.items() if kind not in bad}

kind = st.selectbox("Your system is", list(KINDS["System kind"]), key="home.kind")
table = ui.guarded(ftmath.downtime_budget, targets, hours_per_year=ui.hours_per_year())

if table is not None and kind in table.index:
    row = table.loc[kind]
    # the Topology page checks its design against this target (not a widget key: it is kept)
    st.session_state[ui.CHOSEN_TARGET] = (str(kind), float(row["availability"]))
    st.subheader(f"2. What {row['availability'] * 100:g} % allows")
    cols = st.columns(4)
    cols[0].metric("Nines", ui.fmt_nines(row["nines"]))
    cols[1].metric("Downtime per year", ui.fmt_duration(row["per_year"]))
    cols[2].metric("per month", ui.fmt_duration(row["per_month"]))
    cols[3].metric("per week", ui.fmt_duration(row["per_week"]))
    explained = ui.guarded(
        ftmath.explain_target, float(row["availability"]), hours_per_year=ui.hours_per_year()
    )
    if explained is not None:
        how = st.columns(2)
        with how[0]:
            ui.explain(
                explained["nines"], key="home.explain.nines", label="How are the nines computed?"
            )
        with how[1]:
            ui.explain(
                explained["per_year"],
                key="home.explain.downtime",
                label="How is the downtime computed?",
            )

if table is not None and not table.empty:
    with st.expander("Allowed downtime for every kind", expanded=False):
        shown = pd.DataFrame(
            {
                "Target": [f"{a * 100:g} %" for a in table["availability"]],
                "Nines": [ui.fmt_nines(x) for x in table["nines"]],
                "Per year": [ui.fmt_duration(x) for x in table["per_year"]],
                "Per month": [ui.fmt_duration(x) for x in table["per_month"]],
                "Per week": [ui.fmt_duration(x) for x in table["per_week"]],
                "Per day": [ui.fmt_duration(x) for x in table["per_day"]],
            },
            index=table.index.rename("System kind"),
        )
        st.dataframe(shown, width="stretch")

st.subheader("3. Patterns that usually get there")
patterns = KINDS.set_index("System kind").loc[kind, "Patterns"]
for pattern in patterns:
    target_page, why = PATTERN_PAGES[pattern]
    cols = st.columns([1, 3])
    with cols[0]:
        ui.link(target_page, pattern)
    cols[1].caption(why)

st.subheader("4. Or go straight to a page")
for spec in ui.PAGES[1:]:
    cols = st.columns([1, 3])
    with cols[0]:
        ui.link(spec.path)
    cols[1].caption(spec.summary)
