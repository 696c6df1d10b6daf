"""Topology: how available is this design, and where does the next nine come from?"""

import hashlib
import json
import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import ftmath
import ui
from ftmath import report

ui.ensure_app_frame()

DOC, GOOD, VERSION, ERROR = "topology.doc", "topology.good", "topology.version", "topology.error"
NOTICE = "topology.notice"
MAX_DRAWN_BOXES = 80
GIVEN_AS = {"mtbf/mttr": "MTBF and MTTR", "mtbf/mission": "MTBF over a mission time"}


@st.cache_data(max_entries=2, show_spinner=False)
def example_documents() -> dict[str, dict]:
    sla = ftmath.read_sla_commitments(ui.EXAMPLES / "cloud-sla-commitments.csv")
    drives = ftmath.read_drive_survival(ui.EXAMPLES / "backblaze-drive-survival.csv")
    return {
        "Three-tier web service (cloud SLA commitments)": ftmath.example_web_service(sla),
        "RAID-6 drive array (Backblaze failure rates)": ftmath.example_storage_array(drives),
        "Two regions sharing a configuration service": ftmath.example_multi_region(sla),
    }


@st.cache_data(max_entries=2, show_spinner=False)
def catalog() -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        ftmath.read_sla_commitments(ui.EXAMPLES / "cloud-sla-commitments.csv"),
        ftmath.read_drive_survival(ui.EXAMPLES / "backblaze-drive-survival.csv"),
    )


@st.cache_data(max_entries=64, show_spinner=False)
def evaluated(document_json: str, hours_per_year: float) -> ftmath.TopologyResult:
    return ftmath.evaluate(json.loads(document_json), hours_per_year=hours_per_year)


@st.cache_data(max_entries=64, show_spinner=False)
def what_if(document_json: str, hours_per_year: float) -> pd.DataFrame:
    return ftmath.replica_what_if(json.loads(document_json), hours_per_year=hours_per_year)


@st.cache_data(max_entries=64, show_spinner=False)
def diagram(document_json: str) -> str:
    return ftmath.to_dot(json.loads(document_json))


def as_json(document: dict) -> str:
    return json.dumps(document, sort_keys=True)


# --- state: the document being edited and the last one that evaluated ---------------------


def replace_document(document: dict) -> None:
    """Put a new document on the page (example, import, JSON, link): editors start afresh."""
    st.session_state[DOC] = document
    st.session_state[GOOD] = document
    st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1
    st.session_state[ERROR] = None
    st.session_state[NOTICE] = None
    st.session_state["topology.json_error"] = None  # a new document: the old error is stale


def accept_if_valid(document: dict, where: str) -> bool:
    try:
        ftmath.parse_topology(document)
    except Exception as error:  # noqa: BLE001 - a callback's traceback would reach the browser
        st.session_state[ERROR] = f"{where}: {ui.safe_message(error)}"
        return False
    replace_document(document)
    return True


def init_state() -> None:
    if DOC in st.session_state:
        return
    st.session_state[ERROR] = None
    token = st.query_params.get("t")
    if token:
        try:
            document = ftmath.document_from_token(token)
            ftmath.parse_topology(document)
            replace_document(document)
            st.session_state["topology.example"] = None
            return
        except ftmath.InputError as error:
            st.session_state[ERROR] = f"The shared link could not be opened: {error}"
    first = next(iter(example_documents().values()))
    st.session_state[DOC] = first
    st.session_state[GOOD] = first
    st.session_state[VERSION] = 0


def on_example() -> None:
    choice = st.session_state.get("topology.example")
    if choice:
        replace_document(example_documents()[choice])


def on_import() -> None:
    uploaded = st.session_state.get("topology.import")
    if uploaded is None:
        return
    try:
        document = ftmath.parse_topology(uploaded.getvalue()).document
    except Exception as error:  # noqa: BLE001 - a callback's traceback would reach the browser
        st.session_state[ERROR] = (
            f"{ui.escape_markdown(uploaded.name)} was not imported: {ui.safe_message(error)}"
        )
        return
    replace_document(document)
    st.session_state["topology.example"] = None


def json_key(document: dict) -> str:
    """The JSON text area's key: a new one whenever the document changes by any route.

    A change from the tables does not bump the version (that would reset the tables mid-edit),
    so the key carries a digest of the document too; an unrelated rerun keeps the key, and with
    it the user's unapplied typing.
    """
    digest = hashlib.sha256(as_json(document).encode()).hexdigest()[:12]
    return f"topology.json.{st.session_state[VERSION]}.{digest}"


def on_apply_json(key: str) -> None:
    text = st.session_state.get(key, "")
    try:
        document = ftmath.parse_topology(text).document
    except Exception as error:  # noqa: BLE001 - a callback's traceback would reach the browser
        st.session_state["topology.json_error"] = ui.safe_message(error)
        return
    st.session_state["topology.json_error"] = None
    replace_document(document)


def add_component(name: str, figures: dict, *, as_tier: bool) -> None:
    document = json.loads(json.dumps(st.session_state[GOOD]))
    spec = {
        k: v
        for k, v in figures.items()
        if k in ("availability", "unavailability", "mtbf_hours", "mttr_hours", "note")
    }
    document["components"][name] = spec
    tiers = ftmath.tiers_from_document(document)
    if as_tier and tiers is not None and name not in [t.component for t in tiers]:
        block = figures.get("block")
        tier = (
            ftmath.Tier(name, n=int(block["n"]), k=int(block["k"]))
            if isinstance(block, dict)
            else ftmath.Tier(name)
        )
        document = ftmath.document_from_tiers(
            document.get("name", "Topology"),
            document["components"],
            [*tiers, tier],
            mission_hours=document.get("mission_hours"),
        )
    if accept_if_valid(document, f"Adding {name}") and as_tier and tiers is None:
        st.session_state[NOTICE] = (
            f"{ui.escape_markdown(name)} is now among the components, but this structure is "
            "not a stack of tiers, so it is not placed anywhere yet and the availability is "
            "unchanged: name it in `system` on the **JSON document** tab."
        )


init_state()
version = st.session_state[VERSION]

# --- page -------------------------------------------------------------------------------------

st.title("Topology")
st.markdown(
    "Build a system from components and see how available it is. Blocks nest to any depth: "
    "**series** (all must work), **parallel** (one is enough) and **k-of-n** (at least k "
    "work). A component named in several places is one shared component, counted once."
)

top = st.columns([2, 2])
with top[0]:
    st.session_state.setdefault("topology.example", next(iter(example_documents())))
    st.selectbox(
        "Start from an example",
        list(example_documents()),
        key="topology.example",
        on_change=on_example,
        placeholder="(your own topology)",
        help="Replaces the topology below.",
    )
with top[1]:
    st.file_uploader(
        "Import a topology (JSON)",
        type=["json"],
        key="topology.import",
        on_change=on_import,
        help="A document exported from this page, or written by hand in the same format.",
    )

if st.session_state.get(ERROR):
    st.error(st.session_state[ERROR], icon=":material/error:")
if st.session_state.get(NOTICE):
    st.info(st.session_state[NOTICE], icon=":material/info:")

summary = st.container(border=True)  # filled once the edits below are read
document = st.session_state[DOC]
good = st.session_state[GOOD]

builder, raw = st.tabs(["Guided builder", "JSON document"])

with builder:
    st.markdown(
        "**Components** — give each an availability, an unavailability (for many "
        "nines), or MTBF and MTTR in hours."
    )
    # Figures are edited as text: a number cell would read "1e-18" as 118.
    edited_components = st.data_editor(
        ftmath.components_table(document, as_text=True),
        key=f"topology.components.{version}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "component": st.column_config.TextColumn("Component", required=True),
            "availability": st.column_config.TextColumn(
                "Availability", help="Share of time up: 0.999 or 99.9 %"
            ),
            "unavailability": st.column_config.TextColumn(
                "Unavailability", help="Share of time down, such as 1e-9: for many nines"
            ),
            "mtbf_hours": st.column_config.TextColumn(
                "MTBF (h)", help="Mean up time between failures, hours (2.7e6 is fine)"
            ),
            "mttr_hours": st.column_config.TextColumn(
                "MTTR (h)", help="Mean time to repair, hours"
            ),
            "note": st.column_config.TextColumn("Note", help="Where the figure comes from"),
        },
    )
    tiers = ftmath.tiers_from_document(document)
    new_tiers = tiers
    try:
        components = ftmath.components_from_table(edited_components)
        renames = {
            old: str(new).strip()
            for old, new in zip(
                document.get("components", {}), edited_components["component"], strict=False
            )
            if isinstance(new, str)
            and new.strip()
            and old != new.strip()
            and old not in components
            and new.strip() in components
        }
        if renames:  # a renamed component keeps its place in the structure
            document = ftmath.rename_components(document, renames)
            tiers = ftmath.tiers_from_document(document)
            new_tiers = tiers
        if tiers is not None:
            st.markdown(
                "**Tiers in series** — each tier runs *n* replicas of a component, "
                "of which *k* must work."
            )
            edited_tiers = st.data_editor(
                pd.DataFrame(
                    [{"component": t.component, "replicas": t.n, "must work": t.k} for t in tiers]
                ),
                key=f"topology.tiers.{version}",
                num_rows="dynamic",
                hide_index=True,
                width="stretch",
                column_config={
                    "component": st.column_config.SelectboxColumn(
                        "Component", options=list(components), required=True
                    ),
                    "replicas": st.column_config.NumberColumn(
                        "Replicas (n)", min_value=1, max_value=10_000, step=1, required=True
                    ),
                    "must work": st.column_config.NumberColumn(
                        "Must work (k)", min_value=1, max_value=10_000, step=1, required=True
                    ),
                },
            )
            rows = edited_tiers.dropna(how="all")
            if rows.isna().any().any():
                raise ftmath.InputError("every tier needs a component, replicas and must-work")
            new_tiers = [
                ftmath.Tier(str(r["component"]), n=int(r["replicas"]), k=int(r["must work"]))
                for _, r in rows.iterrows()
            ]
        else:
            st.info(
                "This topology is not a simple stack of tiers, so its structure is edited in "
                "the **JSON document** tab. The components table above still applies.",
                icon=":material/info:",
            )
        # Rewrite the document only where the user changed something.
        candidate = document
        if tiers is not None and new_tiers != tiers:
            candidate = ftmath.document_from_tiers(
                document.get("name", "Topology"),
                components,
                new_tiers,
                mission_hours=document.get("mission_hours"),
            )
        elif components != document.get("components"):
            candidate = {**document, "components": components}
        if candidate is not document or renames:
            ftmath.parse_topology(candidate)  # validate before accepting
            st.session_state[DOC] = candidate
            st.session_state[GOOD] = candidate
            good = candidate
    except Exception as error:  # noqa: BLE001 - keep the page and the last good result
        st.error(
            f"{ui.safe_message(error)}. The results below are for the last valid topology.",
            icon=":material/error:",
        )

with raw:
    text_key = json_key(good)
    st.session_state["topology.json_key"] = text_key  # where tests and callbacks find it
    st.text_area(
        "Topology document",
        value=json.dumps(good, indent=2),
        height=360,
        key=text_key,
        help="The format is in DESIGN.md: components, then a system of series, parallel and "
        'k_of_n blocks. Use {"parallel": {"n": 3, "of": "app"}} for copies.',
    )
    st.button(
        "Apply the document",
        on_click=on_apply_json,
        args=(text_key,),
        key="topology.apply",
        icon=":material/check:",
    )
    if st.session_state.get("topology.json_error"):
        st.error(f"Not applied: {st.session_state['topology.json_error']}", icon=":material/error:")

with st.expander("Add a component from the catalog or from other pages"):
    sla, drives = catalog()
    offered = ui.received_components()
    if offered:
        st.markdown("**Sent from other pages**")
        for name, figures in offered.items():
            cols = st.columns([3, 1])
            cols[0].markdown(
                f"**{ui.escape_markdown(name)}** — {ui.escape_markdown(figures.get('source', ''))}"
            )
            cols[1].button(
                "Add",
                key=f"topology.add_offered.{name}",
                on_click=add_component,
                args=(name, figures),
                kwargs={"as_tier": True},
            )
    st.markdown("**Cloud SLA commitments** (credit thresholds, not measured availability)")
    pick = st.selectbox("Service", sla["label"], key="topology.catalog.sla")
    row = sla[sla["label"] == pick].iloc[0]
    st.button(
        f"Add {pick} at {row['availability'] * 100:g} %",
        key="topology.add_sla",
        on_click=add_component,
        args=(
            str(pick)[:40],
            {
                "availability": float(row["availability"]),
                "note": f"SLA commitment, not a measurement: {pick}",
            },
        ),
        kwargs={"as_tier": True},
    )
    st.markdown("**Hard drives** (Backblaze Drive Stats: measured failures per drive-day)")
    measured = drives[drives["mtbf_hours"].notna()]
    model = st.selectbox("Drive model", measured["model"], key="topology.catalog.drive")
    drive = measured[measured["model"] == model].iloc[0]
    rebuild = st.number_input(
        "Replace-and-rebuild time (h)", 0.1, 10_000.0, 24.0, key="topology.catalog.rebuild"
    )

    def estimate(hours: float) -> str:  # three significant digits: it is an estimate
        return f"{float(f'{hours:.3g}'):,.0f} h"

    st.caption(
        f"{drive['failed']} failures in {drive['drive_days']:,.0f} drive-days: MTBF about "
        f"{estimate(drive['mtbf_hours'])} (90 % interval {estimate(drive['mtbf_low_hours'])}"
        f" – {estimate(drive['mtbf_high_hours'])})."
    )
    st.button(
        f"Add drive {model}",
        key="topology.add_drive",
        on_click=add_component,
        args=(
            str(model),
            {
                "mtbf_hours": round(float(drive["mtbf_hours"]), 1),
                "mttr_hours": float(rebuild),
                "note": f"Backblaze Drive Stats, {model}",
            },
        ),
        kwargs={"as_tier": True},
    )

# --- results ------------------------------------------------------------------------------------

good_json = as_json(good)
result = ui.guarded(evaluated, good_json, ui.hours_per_year(), where="Evaluating the topology")
if result is None:
    st.stop()

with summary:
    # the name is user text (a link can carry it): shown literally, never as Markdown or LaTeX
    st.subheader(ui.escape_markdown(str(good.get("name") or "").strip() or "Topology"))
    availability = ui.fmt_percent(result.reliability, unreliability=result.unreliability)
    # many nines ("100 − 8.12e-12 %") need more than a fifth of the row, or they are cut off
    metrics = st.columns([2.2 if len(availability) > 10 else 1, 1, 1, 1, 1])
    metrics[0].metric(
        "Availability",
        availability,
        help=f"Unavailability {result.unreliability:.6g}",
    )
    metrics[1].metric(
        "Nines",
        "> 308" if result.below_precision else ui.fmt_nines(result.nines),
        help="The unreliability is below 1e-308, too small for double precision."
        if result.below_precision
        else None,
    )
    downtime = result.downtime
    metrics[2].metric("Downtime per year", ui.fmt_duration(downtime.per_year))
    metrics[3].metric("per month", ui.fmt_duration(downtime.per_month))
    metrics[4].metric("per week", ui.fmt_duration(downtime.per_week))
    explained = result.explain()
    how = st.columns(3)
    questions = {
        "availability": "How is the availability computed?",
        "nines": "How are the nines computed?",
        "downtime": "How is the downtime computed?",
    }
    for column, (name, question) in zip(how, questions.items(), strict=True):
        with column:
            ui.explain(explained[name], key=f"topology.explain.{name}", label=question)
    if ui.CHOSEN_TARGET in st.session_state:
        kind, target = st.session_state[ui.CHOSEN_TARGET]
        allowed = 1.0 - target  # the target was given as availability: its complement
        verdict = (
            "this design **meets it**"
            if result.unreliability <= allowed
            else f"this design **misses it**: it is down {result.unreliability / allowed:.3g} × "
            "as much as the target allows"
        )
        st.markdown(
            f"Target from *Start here* ({ui.escape_markdown(kind)}): "
            f"{ui.fmt_percent(target)}, at most {ui.fmt_duration(allowed * ui.hours_per_year())} "
            f"down a year; {verdict}."
        )
    shared = ", ".join(result.components.index[result.components["shared"]])
    basis = sorted(set(result.components.loc[result.components["used"], "given_as"]))
    st.caption(
        f"Unavailability {result.unreliability:.3g}. "
        f"Year of {ui.year_label()}; a month is a twelfth of it. Figures given as: "
        f"{', '.join(GIVEN_AS.get(b, b) for b in basis)}. Components are independent except "
        "where one is shared."
        + (f" Shared (counted once): {shared}." if result.components["shared"].any() else "")
    )

left, right = st.columns([3, 2])
with left:
    st.markdown("**Block diagram**")
    boxes = int(diagram(good_json).count("label=") - 2)
    if boxes > MAX_DRAWN_BOXES:
        st.info(f"The diagram has {boxes} boxes; it is drawn on request.")
        if st.checkbox("Draw it anyway", key="topology.draw_large"):
            st.graphviz_chart(diagram(good_json), width="stretch")
    else:
        st.graphviz_chart(diagram(good_json), width="stretch")
with right:
    st.markdown("**Where does the next nine come from?**")
    imp = result.importance
    if result.below_precision:
        st.info(ui.na("the unreliability is below 1e-308, beyond double precision"))
    elif imp.empty or result.unreliability == 0.0:
        st.info(ui.na("the system cannot fail in this model, so no component can improve it"))
    else:
        gain = imp["rrw"].map(lambda x: math.log10(x) if x > 0 else float("nan"))
        capped = gain.replace(math.inf, float("nan"))
        top_gain = capped.max() if capped.notna().any() else 1.0
        shown = gain.fillna(0).clip(upper=top_gain * 1.2 if top_gain > 0 else 1.0)
        order = shown.sort_values().index
        figure = go.Figure(
            go.Bar(
                x=shown[order],
                y=list(order),
                orientation="h",
                text=[
                    ("→ perfect system" if math.isinf(gain[c]) else f"+{gain[c]:.2f}")
                    for c in order
                ],
                textposition="auto",
                marker_color="#1f6feb",
            )
        )
        figure.update_layout(
            height=max(220, 40 * len(order) + 80),
            margin=dict(l=10, r=10, t=10, b=40),
            xaxis_title="nines gained if it never failed (log10 RRW)",
        )
        figure.update_yaxes(type="category")  # names such as "42" stay names
        st.plotly_chart(figure, width="stretch", key="topology.importance_chart")
        if bool((imp["copies"] > 1).any()):
            st.caption(
                "For a component used as n copies, the bar is for all its copies together "
                "(a better kind of component in every slot). One replica's figures are in "
                "the importance table below."
            )

with st.expander("Importance measures, per component"):
    table = result.importance.copy()
    copied = bool((table["copies"] > 1).any()) if "copies" in table else False
    measures = ["birnbaum", "criticality", "raw", "rrw"]
    one_copy = [f"copy_{m}" for m in measures]
    if copied:  # one replica first: that is what "one VM down" means
        table = table[["copies", *one_copy, *measures, "reliability", "unreliability"]]
    else:  # every component is its own single copy: the copy columns say the same
        table = table[[*measures, "reliability", "unreliability"]]
    whole = " (all copies)" if copied else ""
    st.dataframe(
        table,
        width="stretch",
        column_config={
            "copies": st.column_config.NumberColumn(
                "Copies", help="Independent copies of the component in the system"
            ),
            "copy_birnbaum": st.column_config.NumberColumn(
                "Birnbaum, one copy",
                format="%.4g",
                help="dR/dRᵢ for one copy, the other copies as they are",
            ),
            "copy_criticality": st.column_config.NumberColumn(
                "Criticality, one copy", format="%.4g"
            ),
            "copy_raw": st.column_config.NumberColumn(
                "RAW (one copy down)",
                format="%.4g",
                help="How many times more often the system fails while one copy is down",
            ),
            "copy_rrw": st.column_config.NumberColumn("RRW (one copy perfect)", format="%.4g"),
            "birnbaum": st.column_config.NumberColumn(
                f"Birnbaum dR/dRᵢ{whole}",
                format="%.4g",
                help="For a component used as n copies: all copies improved together",
            ),
            "criticality": st.column_config.NumberColumn(f"Criticality{whole}", format="%.4g"),
            "raw": st.column_config.NumberColumn(
                "RAW (all copies down)" if copied else "RAW (i failed)",
                format="%.4g",
                help="For a component used as n copies: all of them down at once (the tier)",
            ),
            "rrw": st.column_config.NumberColumn(
                "RRW (all copies perfect)" if copied else "RRW (i perfect)",
                format="%.4g",
                help="For a component used as n copies: all of them perfect (the tier)",
            ),
            "reliability": st.column_config.NumberColumn("Rᵢ", format="%.10g"),
            "unreliability": st.column_config.NumberColumn("1 − Rᵢ", format="%.4g"),
        },
    )
    st.caption(
        "Birnbaum: how much the system's availability moves per unit of the component's "
        "availability. "
        "Criticality: the share of system failures in which the component is critical and "
        "failed. RAW: how many times more often the system fails while this component is down. "
        "RRW: how many times less often it would fail if the component never did "
        "(inf: that component alone stands between the system and perfect). RRW, not RAW, "
        "says where the next nine comes from (the chart above): RAW says how bad an outage "
        "of the component is, RRW how much improving it would gain. "
        "Rausand & Høyland, System Reliability Theory, sec. 5.3."
    )
    if copied:
        st.caption(
            "A component used as n copies (a tier of replicas) has two sets of figures: "
            "**one copy** failed or perfect while the other copies run on as they are "
            "(one replica down), and **all copies** together (the whole tier down, or a "
            "better kind of component in every slot). The chart above uses all copies. "
            "The one-copy figures are empty where a component's copies sit in several blocks."
        )

if ftmath.tiers_from_document(good) is not None:
    st.markdown("**What if a tier had more or fewer replicas?**")
    frame = ui.guarded(what_if, good_json, ui.hours_per_year(), where="What-if")
    if frame is not None:
        figure = go.Figure()
        for tier, rows in frame.groupby("tier", sort=False):
            finite = rows[rows["nines"].map(math.isfinite)]
            figure.add_trace(
                go.Scatter(
                    x=finite["replicas"],
                    y=finite["nines"],
                    mode="lines+markers",
                    name=str(tier),
                    hovertemplate="%{x} replicas: %{y:.2f} nines<extra>" + str(tier) + "</extra>",
                )
            )
            current = finite[finite["current"]]
            figure.add_trace(
                go.Scatter(
                    x=current["replicas"],
                    y=current["nines"],
                    mode="markers",
                    showlegend=False,
                    marker=dict(size=14, symbol="circle-open", color="black"),
                    hoverinfo="skip",
                )
            )
        figure.update_layout(
            height=320,
            margin=dict(l=10, r=10, t=10, b=40),
            xaxis_title="replicas in the tier (others as they are)",
            xaxis_dtick=1,
            yaxis_title="system nines",
            legend_title="tier",
        )
        st.plotly_chart(figure, width="stretch", key="topology.what_if_chart")
        st.caption("Circles mark the current design. Each tier keeps its k (must work).")

# --- export and share ---------------------------------------------------------------------------

st.subheader("Export and share")
token = ftmath.share_token(good)
st.query_params["t"] = token
cols = st.columns(3)
with cols[0]:
    ui.download(
        "Topology (JSON)",
        report.json_bytes(good),
        "topology.json",
        "application/json",
        key="topology.download_json",
    )
with cols[1]:
    ui.download(
        "Importance (CSV)",
        report.csv_bytes(result.importance, index=True),
        "topology-importance.csv",
        "text/csv",
        key="topology.download_csv",
    )
with cols[2]:
    st.caption("The address bar now carries this topology: copy it to share exactly this view.")
base = str(st.context.url or "").split("?")[0]
if base:
    st.code(f"{base}?t={token}", language=None, wrap_lines=True)
