"""ROI: is the fault-tolerance investment worth it, and a summary for whoever decides."""

import dataclasses
import json
import math

import pandas as pd
import streamlit as st

import ftmath
import ui
from ftmath import roi_report
from ftmath.roi import input_words

ui.ensure_app_frame()

ERROR, NOTICE, VERSION = "roi.error", "roi.notice", "roi.version"
UNCERTAINTY = "roi.uncertainty"

# The example the page opens with: a checkout service losing 10,000 an hour of outage, that
# fails every ~3 weeks for 4 hours; a standby region and automated fail-over make failures
# rarer and shorter (the worked example of issue 7). The ranges say what is uncertain: the
# cost of an hour, how often it really fails today, what the new design achieves, and the
# capex (projects overrun).
EXAMPLE = ftmath.RoiScenario(
    inputs={
        "cost_per_hour": 10_000.0,
        "mtbf_hours_now": 500.0,
        "mttr_hours_now": 4.0,
        "mtbf_hours_target": 2_000.0,
        "mttr_hours_target": 2.0,
        "capex": 150_000.0,
        "opex_per_year": 20_000.0,
        "cost_per_incident": 0.0,
        "years": 3,
        "discount_rate": 0.08,
    },
    uncertain={
        "cost_per_hour": (1_000.0, 10_000.0, 20_000.0),
        "mtbf_hours_now": (300.0, 500.0, 1_500.0),
        "mtbf_hours_target": (600.0, 2_000.0, 3_000.0),
        "mttr_hours_target": (1.0, 2.0, 4.0),
        "capex": (120_000.0, 150_000.0, 400_000.0),
    },
    name="Checkout service: standby region with automated fail-over",
    currency="$",
)

# widget key -> (roi input, factor from the widget's unit to the input's)
NUMBERS = {
    "roi.mtbf_now": ("mtbf_hours_now", 1.0),
    "roi.mttr_now": ("mttr_hours_now", 1.0),
    "roi.mtbf_target": ("mtbf_hours_target", 1.0),
    "roi.mttr_target": ("mttr_hours_target", 1.0),
    "roi.cost_per_hour": ("cost_per_hour", 1.0),
    "roi.cost_per_incident": ("cost_per_incident", 1.0),
    "roi.capex": ("capex", 1.0),
    "roi.opex": ("opex_per_year", 1.0),
    "roi.years": ("years", 1.0),
    "roi.discount_pct": ("discount_rate", 0.01),
}
DRAW_CHOICES = [10_000, 100_000, 1_000_000]
SWING_CHOICES = [0.1, 0.2, 0.3, 0.5]
MIN_HOURS, MAX_HOURS = ftmath.HOURS_RANGE


# --- cached computation -------------------------------------------------------------------------


def scenario_json(scenario: ftmath.RoiScenario) -> str:
    return json.dumps(dataclasses.asdict(scenario), sort_keys=True)


def scenario_of(text: str) -> ftmath.RoiScenario:
    data = json.loads(text)
    data["uncertain"] = {k: tuple(v) for k, v in data["uncertain"].items()}
    return ftmath.RoiScenario(**data)


@st.cache_data(max_entries=32, show_spinner=False)
def analysed(text: str) -> ftmath.RoiAnalysis:
    return ftmath.analyse_roi(scenario_of(text))


@st.cache_data(max_entries=16, show_spinner=False)  # the five exports of about three cases
def export(text: str, kind: str) -> bytes:
    builders = {
        "csv": roi_report.roi_csv,
        "json": roi_report.roi_json,
        "md": roi_report.roi_markdown,
        "xlsx": roi_report.roi_xlsx,
        "html": roi_report.roi_html,
    }
    return builders[kind](analysed(text))


# --- state ------------------------------------------------------------------------------------


# Band of an input no one gave a range for, relative to its value (ticking it is enough).
DEFAULT_BAND = (0.5, 1.5)
UNIT = {name: factor for name, factor in NUMBERS.values()}  # input per widget unit


def ranges_of(scenario: ftmath.RoiScenario) -> dict[str, dict]:
    """The uncertainty rows of a scenario, each range as a band relative to its value.

    A band (``low / value``, ``high / value``) follows the value when it is edited, so the
    Monte Carlo keeps describing the case on the screen; a range the user types in the table
    stays as typed (``band`` None, ``low`` / ``high`` in the input's units).
    """
    rows = {}
    for name in ftmath.SENSITIVITY_INPUTS:
        value = float(scenario.inputs[name])
        low, _, high = scenario.uncertain.get(name, (None, None, None))
        if low is None or high is None:
            rows[name] = {"vary": False, "band": DEFAULT_BAND, "low": None, "high": None}
        elif value != 0:
            rows[name] = {"vary": name in scenario.uncertain, "band": (low / value, high / value),
                          "low": None, "high": None}  # fmt: skip
        else:
            rows[name] = {"vary": name in scenario.uncertain, "band": None, "low": low,
                          "high": high}  # fmt: skip
    return rows


def current_range(row: dict, value: float) -> tuple[float | None, float | None]:
    """Low and high in the input's units: the band around ``value``, or as typed."""
    if row["band"] is None:
        return row["low"], row["high"]
    low, high = sorted((value * row["band"][0], value * row["band"][1]))
    return low, high


def fmt_band(band: tuple[float, float] | None) -> str:
    return "as typed" if band is None else f"×{band[0]:.3g} to ×{band[1]:.3g} of the value"


def uncertainty_frame(ranges: dict[str, dict], inputs: dict[str, float]) -> pd.DataFrame:
    """The table the user edits, in the units of the page's fields (the discount rate in %)."""
    rows = []
    for name in ftmath.SENSITIVITY_INPUTS:
        row = ranges[name]
        low, high = current_range(row, inputs[name])
        unit = UNIT[name]
        rows.append(
            {"input": RANGE_LABELS.get(name, ftmath.ROI_INPUTS[name]), "vary": row["vary"],
             "low": float("nan") if low is None else low / unit,
             "high": float("nan") if high is None else high / unit,
             "follows": fmt_band(row["band"])}
        )  # fmt: skip
    return pd.DataFrame(rows, index=list(ftmath.SENSITIVITY_INPUTS))


RANGE_LABELS = {"discount_rate": "Discount rate (% a year)"}


def folded_edits(
    ranges: dict[str, dict], shown: pd.DataFrame, edited: pd.DataFrame
) -> dict[str, dict]:
    """The ranges with the table's edits: a typed low or high makes that range as typed."""

    def same(a: float, b: float) -> bool:
        return (pd.isna(a) and pd.isna(b)) or (
            not pd.isna(a) and not pd.isna(b) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        )

    folded = {}
    for name, row in ranges.items():
        was, now = shown.loc[name], edited.loc[name]
        row = {**row, "vary": bool(now["vary"])}
        if not (same(was["low"], now["low"]) and same(was["high"], now["high"])):
            unit = UNIT[name]
            row["band"] = None
            row["low"] = None if pd.isna(now["low"]) else float(now["low"]) * unit
            row["high"] = None if pd.isna(now["high"]) else float(now["high"]) * unit
        folded[name] = row
    return folded


def add_notice(text: str) -> None:
    """Add a sentence to the notice shown once at the top of the next run."""
    st.session_state[NOTICE] = " ".join(filter(None, [st.session_state.get(NOTICE), text]))


def apply_scenario(scenario: ftmath.RoiScenario, *, set_year: bool = True) -> None:
    """Put a whole scenario on the page (the example, or an imported file).

    ``set_year`` moves the sidebar's year length to the scenario's; only a callback may (the
    sidebar widget already exists when the page script runs).
    """
    for key, (name, factor) in NUMBERS.items():
        value = scenario.inputs[name] / factor
        st.session_state[key] = int(value) if name == "years" else float(value)
    st.session_state["roi.name"] = scenario.name
    st.session_state["roi.currency"] = scenario.currency
    st.session_state["roi.notes"] = scenario.notes
    st.session_state["roi.draws"] = (
        scenario.draws if scenario.draws in DRAW_CHOICES else DRAW_CHOICES[1]
    )
    if scenario.draws not in DRAW_CHOICES:
        add_notice(
            f"The file asks for {scenario.draws:,} Monte Carlo draws; this page runs one of "
            f"{', '.join(f'{d:,}' for d in DRAW_CHOICES)}, so it uses {DRAW_CHOICES[1]:,}."
        )
    st.session_state["roi.seed"] = int(scenario.seed)
    st.session_state["roi.poisson"] = scenario.poisson
    st.session_state["roi.repair"] = scenario.repair
    st.session_state["roi.swing"] = (
        scenario.swing if scenario.swing in SWING_CHOICES else SWING_CHOICES[1]
    )
    st.session_state[UNCERTAINTY] = ranges_of(scenario)
    st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1
    year = scenario.inputs.get("hours_per_year", ftmath.HOURS_PER_YEAR)
    if not set_year or year == ui.hours_per_year():
        return
    labels = [label for label, hours in ui.YEAR_CHOICES.items() if hours == year]
    if labels:
        st.session_state["sidebar.year"] = labels[0]
    else:
        add_notice(f"The file uses a year of {year:g} h; this page uses the sidebar's year length.")


def init_state() -> None:
    if UNCERTAINTY in st.session_state:
        return
    apply_scenario(EXAMPLE, set_year=False)
    st.session_state[VERSION] = 0
    st.session_state[ERROR] = None


def on_import() -> None:
    uploaded = st.session_state.get("roi.import")
    if uploaded is None:
        return
    try:
        scenario = ftmath.scenario_from_json(uploaded.getvalue())
    except ftmath.InputError as error:
        st.session_state[ERROR] = (
            f"{ui.escape_markdown(uploaded.name)} was not imported: {ui.safe_message(error)}"
        )
        return
    except Exception as error:  # noqa: BLE001 - a callback's exception would blank the page
        st.session_state[ERROR] = (
            f"{ui.escape_markdown(uploaded.name)} was not imported: it could not be read "
            f"({type(error).__name__}). Please report it with the file."
        )
        return
    st.session_state[ERROR] = None
    st.session_state[NOTICE] = f"Imported {ui.escape_markdown(uploaded.name)}."
    apply_scenario(scenario)


def on_example() -> None:
    st.session_state[ERROR] = None
    apply_scenario(EXAMPLE)


def on_use_component(which: str) -> None:
    name = st.session_state.get(f"roi.from_{which}")
    figures = ui.received_components().get(name or "")
    if figures is None:
        return
    try:
        mtbf, mttr = ftmath.mtbf_mttr_from_figures(
            figures, mttr_hours=st.session_state[f"roi.mttr_{which}"]
        )
        for value in (mtbf, mttr):
            if not MIN_HOURS <= value <= MAX_HOURS:
                raise ftmath.InputError(f"{value:g} h is outside what this page accepts")
    except ftmath.InputError as error:
        st.session_state[ERROR] = f"{name} could not be used: {error}"
        return
    st.session_state[f"roi.mtbf_{which}"] = float(mtbf)
    st.session_state[f"roi.mttr_{which}"] = float(mttr)
    st.session_state[ERROR] = None
    st.session_state[NOTICE] = (
        f"{name} ({figures.get('source', 'another page')}): MTBF {mtbf:,.2f} h, MTTR {mttr:,.2f} h."
    )


def on_use_downtime_cost(value: float) -> None:
    st.session_state["roi.cost_per_hour"] = float(value)


# --- formatting ---------------------------------------------------------------------------------


def fmt_years(years: float | None) -> str:
    if years is None:
        return "n/a"
    if years == 0:
        return "immediately"
    if years < 1:
        return f"{years * 12:.1f} months"
    return f"{years:.2f} years"


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else minus(f"{value * 100:,.1f} %")


def fmt_input(value: float) -> str:
    return minus(f"{value:,.2f}" if abs(value) >= 1 else f"{value:.3g}")


def minus(text: str) -> str:
    """A formatted figure with the typographic minus, as ``ui.fmt_money`` writes it."""
    return text.replace("-", "−")


def fmt_pct(value: float) -> str:
    return minus(f"{value:,.4g} %")


# ftmath's parameter names in the words of the page's fields.
LABELS = {name: f"**{RANGE_LABELS.get(name, label)}**" for name, label in ftmath.ROI_INPUTS.items()}


def with_labels(message: str) -> str:
    """An ftmath message about the inputs, with the page's labels for their names."""
    return ui.plain_names(message, LABELS)


def discount_rate_problem(percent: float) -> str | None:
    """The discount rate's range in the field's unit (% a year); ftmath speaks fractions."""
    low, high = (100.0 * r for r in ftmath.DISCOUNT_RATE_RANGE)
    if math.isfinite(percent) and low <= percent <= high:
        return None
    return (
        f"**Discount rate (% a year)** must be from {fmt_pct(low)} to {fmt_pct(high)} a year, "
        f"got {fmt_pct(percent)}"
    )


# --- page ---------------------------------------------------------------------------------------

init_state()
version = st.session_state[VERSION]

st.title("ROI")
st.markdown(
    "Is the fault-tolerance investment worth it? Give today's MTBF and MTTR, what the "
    "investment would make them, and what it costs: the page answers with the avoided "
    "downtime cost, **NPV**, **IRR**, **payback** and **ROI**, how sensitive that is to each "
    "input, and how likely it is to pay in a Monte Carlo of uncertain inputs and random "
    "failures. Export the case for whoever signs the cheque."
)

top = st.columns([3, 1, 2])
top[0].text_input(
    "Name of the case",
    key="roi.name",
    max_chars=200,
    help="Shown on the exported reports.",
    bind="query-params",
)
top[1].text_input("Currency", key="roi.currency", max_chars=8, bind="query-params")
with top[2]:
    st.file_uploader(
        "Import a case (JSON exported from this page)",
        type=["json"],
        key="roi.import",
        on_change=on_import,
        help="Restores every input, the uncertainty ranges and the Monte Carlo settings. "
        f"Files up to {st.get_option('server.maxUploadSize')} MB.",
    )
    st.button("Reset to the example", key="roi.reset", on_click=on_example, icon=":material/undo:")

if st.session_state.get(ERROR):
    st.error(st.session_state[ERROR], icon=":material/error:")
if st.session_state.get(NOTICE):
    st.info(st.session_state.pop(NOTICE), icon=":material/info:")

currency = st.session_state.get("roi.currency") or ""
offered = ui.received_components()

today, target, money = st.columns(3)
for column, which, title in ((today, "now", "Today"), (target, "target", "With the investment")):
    with column:
        st.subheader(title)
        if offered:
            st.selectbox(
                "Take MTBF / MTTR from another page",
                list(offered),
                key=f"roi.from_{which}",
                help="Components sent by the Incidents & SLO, Topology or Redundancy pages. "
                "An availability alone is paired with the MTTR below.",
            )
            st.button("Use it", key=f"roi.use_{which}", on_click=on_use_component, args=(which,))
        st.number_input(
            "MTBF (h)",
            step=100.0,
            format="%.2f",
            key=f"roi.mtbf_{which}",
            bind="query-params",
            help="Mean up time between failures, in hours.",
        )
        st.number_input(
            "MTTR (h)",
            step=0.5,
            format="%.2f",
            key=f"roi.mttr_{which}",
            bind="query-params",
            help="Mean time to repair (detect, fix, recover), in hours.",
        )
        if not offered:
            st.caption(
                "The Incidents & SLO, Topology and Redundancy pages can send measured figures here."
            )

with money:
    st.subheader("Money")
    st.number_input(
        f"Cost of an hour of downtime ({currency})",
        step=1_000.0,
        format="%.2f",
        key="roi.cost_per_hour",
        bind="query-params",
        help="Not sure? Use the estimator below.",
    )
    st.number_input(
        f"Fixed cost per incident ({currency})",
        step=100.0,
        format="%.2f",
        key="roi.cost_per_incident",
        bind="query-params",
        help="Call-outs, credits or penalties owed per failure, whatever its length.",
    )
    st.number_input(
        f"Up-front cost, capex ({currency})",
        step=10_000.0,
        format="%.2f",
        key="roi.capex",
        bind="query-params",
        help="Paid once, at the start (year 0).",
    )
    st.number_input(
        f"Operating cost per year, opex ({currency})",
        step=1_000.0,
        format="%.2f",
        key="roi.opex",
        bind="query-params",
        help="The investment's running cost, paid each year. Counted once: in the yearly flows.",
    )
    cols = st.columns(2)
    cols[0].number_input(
        "Horizon (years)",
        step=1,
        key="roi.years",
        bind="query-params",
        help=f"Whole years, 1 to {ftmath.MAX_YEARS}.",
    )
    cols[1].number_input(
        "Discount rate (% a year)",
        step=0.5,
        format="%.2f",
        key="roi.discount_pct",
        bind="query-params",
        help="Your organisation's cost of capital or hurdle rate.",
    )

with st.expander("Not sure what an hour of downtime costs? Build it from its parts"):
    st.caption(
        "Lost revenue × the share an outage actually loses + idle staff × their loaded hourly "
        "rate + SLA penalties or credits per hour. Penalties per incident go into the fixed "
        "cost per incident."
    )
    parts = st.columns(5)
    revenue = parts[0].number_input(
        f"Revenue per hour ({currency})", value=0.0, step=1_000.0, key="roi.dc.revenue"
    )
    share = parts[1].number_input(
        "Share lost (%)",
        value=100.0,
        step=5.0,
        key="roi.dc.share",
        help="0 to 100. Customers who come back later are not lost revenue.",
    )
    staff = parts[2].number_input("Staff idled", value=0.0, step=1.0, key="roi.dc.staff")
    rate = parts[3].number_input(
        f"Loaded rate per hour ({currency})", value=0.0, step=10.0, key="roi.dc.rate"
    )
    penalty = parts[4].number_input(
        f"SLA penalties per hour ({currency})", value=0.0, step=100.0, key="roi.dc.penalty"
    )
    built = ui.guarded(
        ftmath.downtime_cost_per_hour,
        revenue_per_hour=revenue,
        share_affected=share / 100.0,
        staff_idled=staff,
        loaded_rate_per_hour=rate,
        sla_penalty_per_hour=penalty,
        where="Cost of downtime",
    )
    if built is not None:
        cols = st.columns([2, 2, 3])
        cols[0].metric("Cost of an hour of downtime", ui.fmt_money(built.per_hour, currency))
        with cols[0]:
            ui.explain(built.explain(), key="roi.explain.downtime_cost")
        cols[1].button(
            "Use this figure",
            key="roi.dc.use",
            on_click=on_use_downtime_cost,
            args=(built.per_hour,),
            disabled=built.per_hour <= 0,
            icon=":material/arrow_upward:",
        )
    st.markdown(
        "**Published figures, for comparison only.** They describe other organisations, "
        "self-reported in surveys; they are never used unless you type them in."
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "figure": r.figure,
                    "per hour (US$)": r.per_hour,
                    "who": r.population,
                    "source": r.source,
                    "link": r.url,
                }
                for r in ftmath.DOWNTIME_COST_REFERENCES
            ]
        ),  # fmt: skip
        hide_index=True,
        width="stretch",
        column_config={
            "per hour (US$)": st.column_config.NumberColumn(format="localized"),
            "link": st.column_config.LinkColumn(display_text="open"),
        },
    )

inputs = {name: st.session_state[key] * factor for key, (name, factor) in NUMBERS.items()}
inputs["years"] = int(st.session_state["roi.years"])
inputs["hours_per_year"] = ui.hours_per_year()

with st.expander("Uncertainty: low / high of the inputs you are unsure of (Monte Carlo)"):
    st.caption(
        "Each ticked input is drawn from a triangular distribution from its low, through its "
        "value above (the most likely), to its high. Failures each year are Poisson; each "
        "repair lasts an exponential time with mean MTTR. The seed makes a report "
        "reproducible."
    )
    ranges = st.session_state[UNCERTAINTY]
    shown_ranges = uncertainty_frame(ranges, inputs)
    edited = st.data_editor(
        shown_ranges,
        key=f"roi.uncertainty_editor.{version}",
        hide_index=True,
        width="stretch",
        disabled=["input", "follows"],
        column_config={
            "input": st.column_config.TextColumn("Input"),
            "vary": st.column_config.CheckboxColumn("Uncertain?"),
            "low": st.column_config.NumberColumn("Low", format="%.4g"),
            "high": st.column_config.NumberColumn("High", format="%.4g"),
            "follows": st.column_config.TextColumn(
                "Range",
                help="A band follows the value when you change it; a range you type "
                "stays as typed.",
            ),
        },
    )
    st.session_state[UNCERTAINTY] = folded_edits(ranges, shown_ranges, edited)
    st.caption(
        "Ranges follow the values above as a band (so a new cost or capex moves its range "
        "with it) until you type a low or a high; a typed range stays as typed. **Reset to "
        "the example** brings the bands back. A link carries the values and settings, not "
        "typed ranges: to share those, export the **Case (JSON)** and import it."
    )
    settings = st.columns(4)
    settings[0].selectbox(
        "Draws",
        DRAW_CHOICES,
        key="roi.draws",
        format_func=lambda n: f"{n:,}",
        bind="query-params",
    )
    settings[1].number_input("Seed", step=1, key="roi.seed", bind="query-params")
    settings[2].checkbox(
        "Random failures",
        key="roi.poisson",
        help="On: the number of failures each year is drawn (Poisson). Off: failures at "
        "their mean.",
        bind="query-params",
    )
    settings[3].radio(
        "Repair times",
        ["exponential", "mean"],
        key="roi.repair",
        horizontal=True,
        format_func=lambda r: "random (exponential)" if r == "exponential" else "exactly MTTR",
        disabled=not st.session_state.get("roi.poisson", True),
        bind="query-params",
    )
    st.select_slider(
        "Sensitivity: move each input by ±",
        SWING_CHOICES,
        key="roi.swing",
        format_func=lambda s: f"{s:.0%}",
        bind="query-params",
    )

# --- read the inputs -----------------------------------------------------------------------------

uncertain: dict[str, tuple[float, float, float]] = {}
uncertainty_problem = None
held = []
for name, row in edited.iterrows():
    if not bool(row["vary"]):
        continue
    if pd.isna(row["low"]) or pd.isna(row["high"]):
        uncertainty_problem = f"give a low and a high for {input_words(str(name))}"
        continue
    unit = UNIT[str(name)]
    low, likely, high = float(row["low"]) * unit, inputs[str(name)], float(row["high"]) * unit
    if low <= high and not low <= likely <= high:
        held.append(
            minus(
                f"{row['input']}: {likely / unit:,.6g} is outside its range {row['low']:,.6g} "
                f"to {row['high']:,.6g}"
            )
        )
        continue
    uncertain[str(name)] = (low, likely, high)

scenario = ftmath.RoiScenario(
    inputs=inputs,
    uncertain=uncertain,
    name=st.session_state.get("roi.name") or "",
    currency=currency,
    notes=st.session_state.get("roi.notes") or "",
    draws=int(st.session_state["roi.draws"]),
    seed=int(st.session_state["roi.seed"]),
    poisson=bool(st.session_state["roi.poisson"]),
    repair=st.session_state["roi.repair"],
    swing=float(st.session_state["roi.swing"]),
)


def attempt(candidate: ftmath.RoiScenario) -> tuple[ftmath.RoiAnalysis | None, str | None]:
    try:
        return analysed(scenario_json(candidate)), None
    except ftmath.InputError as error:
        return None, with_labels(ui.safe_message(error))


LAST_GOOD = "roi.last_good"
rate_problem = discount_rate_problem(float(st.session_state["roi.discount_pct"]))
analysis, problem = (None, rate_problem) if rate_problem else (None, uncertainty_problem)
if problem is None:
    analysis, problem = attempt(scenario)
if analysis is None and scenario.uncertain and not rate_problem:
    scenario = dataclasses.replace(scenario, uncertain={})
    analysis, second = attempt(scenario)
    if analysis is not None:
        st.error(
            f"Uncertainty: {problem}. Until this is fixed, the Monte Carlo below varies only "
            "the failures.",
            icon=":material/error:",
        )
    else:
        problem = second
stale = False
if analysis is None:
    st.error(problem, icon=":material/error:")
    last = st.session_state.get(LAST_GOOD)
    if last is None:
        st.stop()
    # Keep the last good case on screen, labelled, as the Topology page does; no exports.
    # the sidebar's year length as it is now
    year_now = {**last.inputs, "hours_per_year": ui.hours_per_year()}
    scenario, stale = dataclasses.replace(last, inputs=year_now), True
    analysis = analysed(scenario_json(scenario))
    st.warning(
        "Showing the last case that could be computed, from the last inputs that were all "
        "valid (with the year length set now). Correct the input named above to update it; "
        "exports are offered again once it is corrected.",
        icon=":material/history:",
    )
else:
    st.session_state[LAST_GOOD] = scenario

if held:
    st.warning(
        "The Monte Carlo holds these inputs at their value, since the value lies outside the "
        "range given for it: " + "; ".join(held) + ". Widen the range or untick it.",
        icon=":material/warning:",
    )
text = scenario_json(scenario)
result, sim = analysis.result, analysis.simulation
explained = {**result.explain(), **sim.explain()}
years = int(result.inputs["years"])

# --- results -------------------------------------------------------------------------------------

st.subheader("Is it worth it?")
for warning in result.warnings:
    st.warning(warning, icon=":material/warning:")

horizon = f"{years} year" + ("s" if years != 1 else "")
row1 = st.columns(4)
headline = [
    ("NPV", ui.fmt_money(result.npv, currency), "npv"),
    ("Payback", fmt_years(result.payback_years), "payback_years"),
    (f"ROI over {horizon}", fmt_ratio(result.roi), "roi"),
    ("P(NPV > 0)", f"{sim.probability_positive * 100:.1f} %", "probability_positive"),
]  # fmt: skip
row2 = st.columns(4)
second_row = [
    ("IRR", fmt_ratio(result.irr), "irr"),
    ("Discounted payback", fmt_years(result.discounted_payback_years),
     "discounted_payback_years"),
    ("Annual savings (before opex)", ui.fmt_money(result.annual_savings, currency),
     "annual_savings"),
    (f"Availability (today {ui.fmt_percent(result.availability_now)})",
     ui.fmt_percent(result.availability_target), "availability_target"),
]  # fmt: skip
for row, figures, border in ((row1, headline, True), (row2, second_row, False)):
    for column, (label, value, key) in zip(row, figures, strict=True):
        reason = result.reasons.get(key)
        # A long "n/a — reason" would be cut off in a metric: the reason goes underneath.
        why = ui.na(reason) if reason else None
        if key == "availability_target" and not reason:  # differs from a measured (W - D) / W
            why = "MTBF / (MTBF + MTTR) of the inputs, today and with the investment."
        column.metric(label, value, border=border, help=why)
        with column:
            if value == "n/a" and reason:
                st.caption(ui.na(reason))
            ui.explain(explained[key], key=f"roi.explain.{key}")

rate_text = minus(f"{result.inputs['discount_rate']:.2%}")
st.caption(
    f"{result.failures_per_year_now:.3g} failures and "
    f"{ui.fmt_duration(result.downtime_hours_per_year_now)} of downtime a year today "
    f"({ui.fmt_money(result.annual_cost_now, currency)}); "
    f"{result.failures_per_year_target:.3g} and "
    f"{ui.fmt_duration(result.downtime_hours_per_year_target)} with the investment "
    f"({ui.fmt_money(result.annual_cost_target, currency)}). Cash flows at the end of each "
    f"year, capex at year 0, discounted at {rate_text}; payback counts the benefit as "
    "coming in evenly through each year, so it can be a fraction of the first; ROI is "
    f"undiscounted, on the total cost of ownership {ui.fmt_money(result.tco, currency)}. "
    f"Year of {ui.year_label()}. P(NPV > 0) from {sim.draws:,} draws (seed {sim.seed}), "
    f"standard error {sim.probability_se * 100:.2g} percentage points."
)

st.subheader("Cash flows, year by year")
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(
        roi_report.cash_flow_figure(analysis), width="stretch", key="roi.cash_flow_chart"
    )
with right:
    table = result.table()
    money = f" ({currency})" if currency else ""
    st.dataframe(
        # Whole currency units: cents on a multi-year cash flow only widen the columns.
        table[["year", "cash_flow", "present_value", "cumulative_present_value"]].round(0),
        hide_index=True,
        width="stretch",
        key="roi.cash_flow_table",
        column_config={
            "year": st.column_config.NumberColumn("Year", width=50),
            "cash_flow": st.column_config.NumberColumn(f"Cash flow{money}", format="localized"),
            "present_value": st.column_config.NumberColumn(
                f"Present value{money}", format="localized"
            ),
            "cumulative_present_value": st.column_config.NumberColumn(
                "Cumulative PV", format="localized", help="Cumulative present value"
            ),
        },
    )
    st.caption(
        f"Present value = cash flow × (1 + {minus(format(result.inputs['discount_rate'], 'g'))})"
        "^−year. "
        "The exports also hold the discount factors and the undiscounted cumulative."
    )

st.subheader(f"What matters most: each input moved by ±{scenario.swing:.0%}")
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(roi_report.tornado_figure(analysis), width="stretch", key="roi.tornado")
with right:
    st.markdown("**Break-even values** — where the NPV is exactly zero, others as they are")

    def shown(name: str, value: float) -> str:
        """A value in its field's unit: the discount rate in % a year."""
        return fmt_pct(value * 100) if name == "discount_rate" else fmt_input(value)

    breaks = pd.DataFrame(
        [
            {"input": RANGE_LABELS.get(name, b.label), "now": shown(name, b.base),
             "break-even": shown(name, b.value) if b.value is not None else "n/a"}
            for name, b in analysis.break_even.items()
        ]
    )  # fmt: skip
    st.dataframe(
        breaks,
        hide_index=True,
        width="stretch",
        key="roi.break_even",
        column_config={
            "now": st.column_config.TextColumn(),
            "break-even": st.column_config.TextColumn(help="n/a: why there is none is below"),
        },
    )
    # the reasons are sentences: below the table, where a narrow column cannot cut them off
    missing = [
        f"- **{RANGE_LABELS.get(name, b.label)}**: n/a — {ui.safe_message(b.reason or 'no root')}"
        for name, b in analysis.break_even.items()
        if b.value is None
    ]
    if missing:
        st.caption("\n".join(missing))
    st.caption(
        "Solved with scipy's brentq between the values each input accepts; today's MTBF and "
        "MTTR say how good today must already be for the investment not to pay."
    )

st.subheader("How sure is it? The NPV over uncertain inputs and random failures")
left, right = st.columns([3, 1])
with left:
    st.plotly_chart(
        roi_report.npv_distribution_figure(analysis), width="stretch", key="roi.distribution"
    )
with right:
    st.metric("P10 (pessimistic)", ui.fmt_money(sim.p10, currency))
    st.metric("P50 (median)", ui.fmt_money(sim.p50, currency))
    ui.explain(explained["p50"], key="roi.explain.p50")
    st.metric("P90 (optimistic)", ui.fmt_money(sim.p90, currency))
    varied = "; ".join(ftmath.ROI_INPUTS[k] for k in sim.uncertain) or "none"
    st.caption(
        f"Uncertain inputs: {varied}. Mean {ui.fmt_money(sim.mean, currency)}. The headline "
        "NPV uses the values as typed; the median here moves away from it when a range is "
        "not centred on its value, and failures come at random."
    )

# --- export -------------------------------------------------------------------------------------

st.subheader("Export for whoever decides")
st.text_area(
    "Notes for the report",
    key="roi.notes",
    max_chars=5000,
    height=80,
    help="Assumptions, the option compared, who estimated what.",
)
text = scenario_json(dataclasses.replace(scenario, notes=st.session_state.get("roi.notes") or ""))
stem = "roi"
downloads = [
    ("Cash flows (CSV)", "csv", "text/csv"),
    ("Case (JSON)", "json", "application/json"),
    ("Summary (Markdown)", "md", "text/markdown"),
    (
        "Workbook (XLSX)",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("Report (HTML)", "html", "text/html"),
]
# One row that wraps, each button as wide as its label: five equal columns cut "Summary
# (Markdown)" short.
buttons = st.container(horizontal=True)
if stale:
    downloads = []
    st.info("Correct the input above: the exports are for the case as entered.")
for label, kind, mime in downloads:
    with buttons:
        # Bytes built for the current inputs (cached), not a callable: a deferred file expires
        # across reruns and a click after other downloads then fetched nothing.
        data = ui.guarded(export, text, kind, where=label)
        if data is not None:
            ui.download(label, data, f"{stem}.{kind}", mime, key=f"roi.download_{kind}")
st.caption(
    "The JSON restores this page when imported above. The HTML report opens offline, charts "
    "included. CSV cells that start with = + - @ get a leading apostrophe so a spreadsheet "
    "does not run them; the workbook stores text as text."
)
