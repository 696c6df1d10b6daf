"""Correlation: which faults move together, which one leads, and is it more than chance."""

import hashlib
from zoneinfo import available_timezones

import numpy as np
import pandas as pd
import streamlit as st

import ftmath
import ui
from ftmath import report

ui.ensure_app_frame()

EXAMPLES = {
    "Los Alamos HPC failures, 1996-2005 (LANL)": ui.EXAMPLES / "lanl-failure-data-1996-2005.csv",
}
BINS = {
    "1 min": "1min",
    "5 min": "5min",
    "15 min": "15min",
    "30 min": "30min",
    "1 h": "1h",
    "3 h": "3h",
    "6 h": "6h",
    "12 h": "12h",
    "1 day": "1D",
}
WINDOWS = {
    "0 (same minute)": "0s",
    "1 min": "1min",
    "5 min": "5min",
    "10 min": "10min",
    "30 min": "30min",
    "1 h": "1h",
    "6 h": "6h",
    "1 day": "1D",
}
PERMUTATIONS = [0, 99, 999, 9999]
AUTO = "(found automatically)"
NONE = "(none)"
ZONES = ["UTC", *sorted(z for z in available_timezones() if "/" in z and z != "UTC")]
TOP_N = 8
READER_NAMES = {  # the reader's parameters -> the controls under "Columns and time zone"
    "time_column": "Time column (under Columns and time zone)",
    "type_column": "Type column (under Columns and time zone)",
    "type_columns": "Cause columns (Type is: whichever column is filled)",
    "group_column": "Group (under Columns and time zone)",
    "timezone": "Time zone (under Columns and time zone)",
}
NAMES = {  # library parameters -> the labels of the widgets that set them
    "bin": "the bin width",
    "permutations": "Permutations",
    "seed": "Seed",
    "types": "Types",
    "alpha": "FDR q",
    "max_lag": "Max lag (bins)",
    "window": "the window δ",
    "min_distinct": "At least",
    "by": "Different",
}


# --- cached computations (bytes are keyed by their digest, not hashed on every rerun) ------


@st.cache_data(max_entries=8, show_spinner=False)
def columns_of(digest: str, _data: bytes) -> list[str]:
    return ftmath.read_columns(_data)


@st.cache_data(max_entries=16, show_spinner="Reading the events ...")
def events_of(
    digest: str,
    _data: bytes,
    time_column: str | None,
    type_column: str | None,
    type_columns: tuple[str, ...] | None,
    group_column: str | None,
    timezone: str | None,
) -> pd.DataFrame:
    return ftmath.read_events(
        _data,
        time_column=time_column,
        type_column=type_column,
        type_columns=list(type_columns) if type_columns else None,
        group_column=group_column,
        timezone=timezone,
    )


@st.cache_data(max_entries=16, show_spinner=False)
def view_of(
    read_key: str, _events: pd.DataFrame, refine: bool, groups: tuple[str, ...], period: tuple
) -> pd.DataFrame:
    events = ftmath.refine_types(_events) if refine else _events
    start, end = period
    return ftmath.select_events(events, groups=list(groups), start=start, end=end)


@st.cache_data(max_entries=16, show_spinner="Correlating ...")
def correlated(
    digest: str,
    _view: pd.DataFrame,
    bin: str,
    permutations: int,
    seed: int,
    types: tuple[str, ...],
) -> ftmath.CorrelationResult:
    events = ftmath.select_events(_view, types=list(types))
    return ftmath.correlate(events, bin, permutations, seed=seed, types=list(types))


@st.cache_data(max_entries=16, show_spinner=False)
def coincidence_table_of(
    digest: str, _view: pd.DataFrame, window: str, types: tuple[str, ...]
) -> pd.DataFrame:
    events = ftmath.select_events(_view, types=list(types))
    return ftmath.coincidence_table(events, window=window, types=list(types))


@st.cache_data(max_entries=16, show_spinner="Looking for cascades ...")
def cascades_of(
    digest: str, _view: pd.DataFrame, types: tuple[str, ...], window: str, by: str, least: int
) -> ftmath.Cascades:
    events = ftmath.select_events(_view, types=list(types))
    return ftmath.cascades(events, window=window, by=by, min_distinct=least)


def md(text: object) -> str:
    """User text (file, column and type names) shown literally in Markdown."""
    return report.escape_markdown(text)


def fmt_r(value: float, reason: str | None = None) -> str:
    return f"{value:.3f}" if np.isfinite(value) else ui.na(reason or "undefined")


def fmt_p(value: float, reason: str | None = None) -> str:
    if not np.isfinite(value):
        return ui.na(reason or "not computed")
    return f"{value:.3g}" if value >= 1e-3 else f"{value:.1e}"


def fmt_share(value: float) -> str:
    return f"{value * 100:.1f} %" if np.isfinite(value) else ui.na("undefined")


# --- page --------------------------------------------------------------------------------------

st.title("Correlation")
st.markdown(
    "Upload a fault or alert log and see **which fault types move together**, **which one "
    "leads**, whether that is **more than chance**, and which bursts look like **cascades**. "
    "Counts per time bin are correlated; significance comes from rotating one series against "
    "the other (which keeps each series' own bursts), with a false-discovery-rate correction "
    "across all pairs."
)

source = ui.upload_or_example(
    "Fault or alert log (CSV)",
    key="correlation.source",
    examples=EXAMPLES,
    types=["csv", "tsv", "txt", "log"],
    help="One row per event: a time column and a type column (or a 'wide' log whose cause "
    "columns are filled, as in the Los Alamos data), optionally a component/node/system "
    "column. Times: ISO 8601 with or without offset, m/d/YYYY H:MM, epoch seconds or ms.",
)
if source is None:
    st.stop()
if source.is_example:
    st.caption(
        "Example: failure records of 23 Los Alamos HPC systems, 1996-2005 (LA-UR-05-7318). "
        "We recognise Los Alamos National Laboratory for providing these data. The type is "
        "the cause column that is filled; the group is the system."
    )
digest = hashlib.sha1(source.data).hexdigest()
tag = digest[:10]  # widget keys per file: a new file starts with its own detected columns

columns = ui.guarded(columns_of, digest, source.data, where=f"Reading {source.name}")
if columns is None:
    st.stop()

with st.expander("Columns and time zone", expanded=False, icon=":material/table_chart:"):
    st.caption(
        "Found automatically by name; change them if the guess is wrong. A 'wide' log has "
        "one column per cause, and the type of a row is the column that is filled."
    )
    c = st.columns(4)
    time_choice = c[0].selectbox(
        "Time column", [AUTO, *columns], key=f"correlation.time_column.{tag}"
    )
    layout = c[1].radio(
        "Type is",
        ["one column", "whichever column is filled"],
        key=f"correlation.layout.{tag}",
        index=None,
        help="Leave empty to let the reader decide.",
    )
    type_choice: str | None = None
    wide_choice: tuple[str, ...] | None = None
    if layout == "one column":
        type_choice = c[1].selectbox("Type column", columns, key=f"correlation.type.{tag}")
    elif layout == "whichever column is filled":
        wide_choice = tuple(
            c[1].multiselect("Cause columns", columns, key=f"correlation.wide.{tag}")
        )
    group_choice = c[2].selectbox(
        "Group (component, node, system)",
        [AUTO, NONE, *columns],
        key=f"correlation.group.{tag}",
    )
    zone_choice = c[3].selectbox(
        "Time zone of times without an offset",
        [AUTO, *ZONES],
        key=f"correlation.timezone.{tag}",
        help="Automatic: UTC, except the Los Alamos data (America/Denver). Times with an "
        "offset (Z, +02:00) and epoch numbers are unaffected.",
    )

events = ui.guarded(
    events_of,
    digest,
    source.data,
    None if time_choice == AUTO else time_choice,
    type_choice,
    wide_choice or None,
    "auto" if group_choice == AUTO else (None if group_choice == NONE else group_choice),
    None if zone_choice == AUTO else zone_choice,
    where=f"Reading {source.name}",
    names=READER_NAMES,
)
if events is None:
    st.info(
        "Open **Columns and time zone** above to pick the time and type columns by hand.",
        icon=":material/info:",
    )
    st.stop()

attrs = events.attrs
type_text = (
    f"whichever of {md(', '.join(attrs['type_columns']))} is filled"
    if attrs["layout"] == "wide"
    else f"“{md(attrs['type_columns'][0])}”"
)
group_text = f", group “{md(attrs['group_column'])}”" if attrs.get("group_column") else ""
st.caption(
    f"Read {ui.plural(len(events), 'event')} from {md(source.name)}: "
    f"time “{md(attrs['time_column'])}” "
    f"({md(attrs['time_format'])}; times without an offset are in **{attrs['timezone']}**), "
    f"type {type_text}{group_text}. All times below are UTC."
)
for note in attrs.get("notes", []):
    st.caption(f"Note: {md(note)}.")

# --- what to look at ---------------------------------------------------------------------------

st.subheader("What to correlate")
row = st.columns([2, 2, 2])
refine = False
if "detail" in events.columns and (events["detail"] != "").any():
    refine = row[0].toggle(
        "Split causes by their detail (Hardware: CPU, ...)",
        key=f"correlation.refine.{tag}",
        help="Use the text in the cause column as a finer type.",
    )
groups: tuple[str, ...] = ()
if "group" in events.columns:
    options = sorted(events["group"].unique(), key=lambda g: (len(g), g))
    groups = tuple(
        row[1].multiselect(
            f"Only these {attrs['group_column']} values",
            options,
            key=f"correlation.groups.{tag}",
            placeholder="all",
        )
    )
first_day = events["timestamp"].iloc[0].date()
last_day = events["timestamp"].iloc[-1].date()
period_pick = row[2].date_input(
    "Period (UTC dates)",
    value=(first_day, last_day),
    min_value=first_day,
    max_value=last_day,
    key=f"correlation.period.{tag}",
)
if isinstance(period_pick, tuple) and len(period_pick) == 2:
    period = (
        pd.Timestamp(period_pick[0], tz="UTC"),
        pd.Timestamp(period_pick[1], tz="UTC") + pd.Timedelta(days=1),
    )
else:
    period = (None, None)

read_key = repr((digest, time_choice, type_choice, wide_choice, group_choice, zone_choice))
view_key = read_key + repr((refine, groups, period))
view = view_of(read_key, events, refine, groups, period)
if view.empty:
    st.warning("No events in this selection: widen the period or the groups.")
    st.stop()
summary = ftmath.type_summary(view)
all_types = list(summary.index)
row = st.columns([4, 1, 1, 1, 1])
chosen = row[0].multiselect(
    "Types",
    all_types,
    default=all_types[:TOP_N],
    format_func=lambda t: f"{t} ({int(summary.loc[t, 'events']):,})",
    key=f"correlation.types.{tag}.{refine}",
    help=f"The {TOP_N} most frequent by default. Events of other types are left out.",
)
bin_label = row[1].select_slider(
    "Bin width", list(BINS), value="1 h", key="correlation.bin", bind="query-params"
)
permutations = row[2].selectbox(
    "Permutations",
    PERMUTATIONS,
    index=2,
    key="correlation.permutations",
    bind="query-params",
    help="Circular shifts per pair for the p-values; 0 skips them.",
)
seed = row[3].number_input(
    "Seed", 0, 2**31 - 1, 1, key="correlation.seed", help="The same seed gives the same p-values."
)
alpha = row[4].selectbox(
    "FDR q",
    [0.01, 0.05, 0.10],
    index=1,
    key="correlation.alpha",
    help="A pair is significant when its Benjamini-Hochberg adjusted p-value is at most q.",
)
if len(chosen) < 2:
    st.info("Choose at least two types to correlate.", icon=":material/info:")
    st.stop()
types = tuple(chosen)

result = ui.guarded(
    correlated,
    view_key,
    view,
    BINS[bin_label],
    int(permutations),
    int(seed),
    types,
    where="Correlating",
    names=NAMES,
)
if result is None:
    st.stop()

metrics = st.columns(4)
metrics[0].metric("Events", f"{result.n_events:,}")
metrics[1].metric("Types", f"{len(result.types)}")
metrics[2].metric("Bins", f"{result.n_bins:,} × {bin_label}")
span = result.counts.index[-1] - result.counts.index[0] + result.bin
metrics[3].metric("Period observed", ui.fmt_duration(span / pd.Timedelta(hours=1)))
if result.reason:
    st.warning(ui.na(result.reason), icon=":material/warning:")

pairs = result.pairs(alpha=alpha)
thin = result.thin(alpha=alpha)

# --- heatmap -----------------------------------------------------------------------------------

left, right = st.columns([3, 2])
with left:
    st.markdown(
        "**Pearson r of the counts per bin** (★ significant at the chosen q, with enough "
        "data to judge)"
    )
    heat = ftmath.heatmap_chart(result, alpha=alpha)
    st.plotly_chart(heat.figure, width="stretch", key="correlation.heatmap")
    if heat.note:
        st.caption(f"Thinned for drawing: {md(heat.note)}")
    if result.undefined:
        st.caption(
            "n/a: "
            + "; ".join(f"{md(t)} has {why}" for t, why in result.undefined.items())
            + ". A constant series has no variance, so r is undefined."
        )
with right:
    st.markdown("**Pairs, strongest first**")
    verdicts = [
        "too thin to judge"
        if row.thin
        else ("n/a" if not np.isfinite(row.p) else ("significant" if row.significant else "—"))
        for row in pairs.itertuples()
    ]
    st.dataframe(
        pairs.drop(columns=["significant"]).assign(verdict=verdicts),
        hide_index=True,
        width="stretch",
        height=min(420, 36 * len(pairs) + 40),
        column_config={
            "a": "Type A",
            "b": "Type B",
            "events_a": st.column_config.NumberColumn("A events", format="%d"),
            "events_b": st.column_config.NumberColumn("B events", format="%d"),
            "r": st.column_config.NumberColumn("Pearson r", format="%.3f"),
            "rho": st.column_config.NumberColumn("Spearman ρ", format="%.3f"),
            "p_raw": st.column_config.NumberColumn("p (raw)", format="%.3g"),
            "p": st.column_config.NumberColumn("p (BH)", format="%.3g"),
            "verdict": st.column_config.TextColumn(f"At q = {alpha:g}"),
            "note": "Why n/a",
            "common_bins": st.column_config.NumberColumn(
                "Bins with both", format="%d", help="Bins holding events of both types."
            ),
            "thin": "Why too thin to judge",
        },
        column_order=[  # what matters first: the table is narrow and scrolls sideways
            "a", "b", "r", "verdict", "p", "rho", "p_raw", "common_bins", "events_a",
            "events_b", "note", "thin",
        ],
    )  # fmt: skip
    if result.permutations:
        kind = "every possible shift (exact)" if result.exact else "random shifts"
        st.caption(
            f"p: {result.permutations:,} circular shifts per pair ({kind}, seed {result.seed}), "
            f"then Benjamini-Hochberg across {int(pairs['p_raw'].notna().sum())} pairs. "
            f"{ui.plural(int(pairs['significant'].sum()), 'pair')} significant "
            f"at q = {alpha:g}. With {result.permutations:,} shifts the smallest attainable "
            f"p-value is 1/({result.permutations:,} + 1) = {result.p_floor:.2g}."
        )
        note = result.resolution_note(alpha=alpha)
        if note:
            st.caption(f"Note: {note}.")
    else:
        st.caption("p-values are off (permutations = 0).")
if thin:
    shown = list(thin.items())[:8]
    more = len(thin) - len(shown)
    one = len(thin) == 1
    st.warning(
        f"**{len(thin)} of {ui.plural(len(pairs), 'pair')} "
        + (
            "has too little data for its p-value"
            if one
            else "have too little data for their p-values"
        )
        + " to mean much**, so no verdict is given for "
        + ("it" if one else "them")
        + " (the table says “too thin to judge”): "
        + "; ".join(f"**{md(x)} × {md(y)}**: {md(why)}" for (x, y), why in shown)
        + (f"; and {more} more (see the table)." if more else ".")
        + " A test on a handful of coincidences turns with one event more or less.",
        icon=":material/warning:",
    )

# --- one pair ----------------------------------------------------------------------------------

st.subheader("One pair: timelines, lag and coincidences")
defined = pairs[pairs["r"].notna()]
judged = defined[defined["thin"] == ""]
first_pair = (judged if len(judged) else defined if len(defined) else pairs).iloc[0]
row = st.columns([2, 2, 1])
a = row[0].selectbox(
    "Type A",
    result.types,
    index=result.types.index(first_pair["a"]),
    key=f"correlation.pair_a.{tag}",
)
b = row[1].selectbox(
    "Type B",
    result.types,
    index=result.types.index(first_pair["b"]),
    key=f"correlation.pair_b.{tag}",
)
max_lag = row[2].number_input(  # no bounds: ftmath checks it and the page says why
    "Max lag (bins)", value=24, step=1, key="correlation.max_lag", help="Lags from −K to +K bins."
)

explained = result.explain(a, b)
m = st.columns(3)
ui.metric(m[0], "Pearson r", fmt_r(result.r.loc[a, b], result.why_undefined(a, b)))
with m[0]:
    ui.explain(explained["r"], key="correlation.explain_r")
ui.metric(m[1], "Spearman ρ", fmt_r(result.rho.loc[a, b], result.why_undefined(a, b)))
with m[1]:
    ui.explain(explained["rho"], key="correlation.explain_rho")
p_reason = "permutations are off" if not result.permutations else result.why_undefined(a, b)
pair_thin = result.why_thin(a, b, alpha=alpha) if a != b else None
ui.metric(
    m[2],
    "Adjusted p-value",
    fmt_p(result.p.loc[a, b], p_reason if a != b else "same type"),
    help=f"Too thin to judge: {pair_thin}." if pair_thin else None,
)
with m[2]:
    ui.explain(explained["p"], key="correlation.explain_p")
if pair_thin:
    st.warning(
        f"**{md(a)} × {md(b)}: too little data to judge this p-value** — {md(pair_thin)}. "
        "Read r and the p-value as a description of these few events, not as evidence.",
        icon=":material/warning:",
    )

lag = ui.guarded(result.lagged, a, b, max_lag=max_lag, where="Lags", names=NAMES)
timeline, lagplot = st.columns([3, 2])
with timeline:
    line = ftmath.timeline_chart(result, a, b)
    st.plotly_chart(line.figure, width="stretch", key="correlation.timeline")
    if line.note:
        st.caption(f"Thinned for drawing: {md(line.note)}")
with lagplot:
    if lag is None:
        pass
    elif lag.peak_lag is None:
        st.info(ui.na(lag.reason or "undefined"))
    else:
        bars = ftmath.lag_chart(lag, bin_label=bin_label)
        st.plotly_chart(bars.figure, width="stretch", key="correlation.lags")
        if bars.note:
            st.caption(f"Thinned for drawing: {md(bars.note)}")
    if lag is not None:
        st.markdown(f"**{md(lag.summary())}**")
        ui.explain(lag.explain()["peak_r"], key="correlation.explain_lag")
        st.caption(
            f"Dotted: ±1.96/√n = ±{lag.band:.3f}, the band of chance at one lag for "
            f"independent white noise. The peak is the largest of {len(lag.lags)} lags, so it "
            f"is judged against ±{lag.peak_band:.3f} (Bonferroni over the lags). Bursty "
            "series wander outside both more often, so trust the permutation p-value above."
        )

window_label = st.select_slider(
    "Coincidence window δ", list(WINDOWS), value="1 h", key="correlation.window"
)
window = WINDOWS[window_label]
both = [ftmath.coincidences(view, x, y, window=window) for x, y in ((a, b), (b, a))]
cols = st.columns(2)
for col, c, key in zip(cols, both, ("ab", "ba"), strict=True):
    with col:
        st.markdown(f"**{md(c.a)} followed by {md(c.b)} within {window_label}**")
        mm = st.columns(3)
        ui.metric(
            mm[0], "Observed share", fmt_share(c.share), help=f"{c.hits:,} of {c.n_a:,} events"
        )
        ui.metric(mm[1], "Chance share", fmt_share(c.chance))
        ui.metric(
            mm[2],
            "Lift",
            f"{c.lift:.2f}×" if np.isfinite(c.lift) else ui.na(c.reason or "undefined"),
        )
        ex = c.explain()
        e = st.columns(3)
        with e[0]:
            ui.explain(ex["share"], key=f"correlation.explain_share_{key}", wrap=True)
        with e[1]:
            ui.explain(ex["chance"], key=f"correlation.explain_chance_{key}", wrap=True)
        with e[2]:
            ui.explain(ex["lift"], key=f"correlation.explain_lift_{key}", wrap=True)

coincidence_table = coincidence_table_of(view_key, view, window, types)
with st.expander("Coincidences of every pair of types"):
    st.dataframe(
        coincidence_table.sort_values("lift", ascending=False, na_position="last"),
        hide_index=True,
        width="stretch",
        column_config={
            "a": "Type A",
            "b": "Type B",
            "events_a": st.column_config.NumberColumn("A events", format="%d"),
            "hits": st.column_config.NumberColumn(
                "A followed by B", format="%d", help="A events with a B event within δ after."
            ),
            "share": st.column_config.NumberColumn("Observed share", format="percent"),
            "chance": st.column_config.NumberColumn("Chance share", format="percent"),
            "lift": st.column_config.NumberColumn("Lift", format="%.2f"),
            "note": "Why n/a",
        },
    )
    st.caption(
        "Chance share: the share of the observation period from which a B event lies at most "
        "δ ahead, i.e. what A events at random times would see."
    )

# --- cascades ----------------------------------------------------------------------------------

st.subheader("Cascades")
row = st.columns(3)
gap_label = row[0].select_slider(
    "Burst gap δ", list(WINDOWS)[1:], value="10 min", key="correlation.cascade_gap"
)
by_options = ["type", "group"] if "group" in view.columns else ["type"]
by = row[1].radio(
    "Different",
    by_options,
    horizontal=True,
    key="correlation.cascade_by",
    format_func=lambda v: "types" if v == "type" else f"{attrs['group_column']} values",
)
least = row[2].number_input(  # no bounds: ftmath checks it and the page says why
    "At least", value=2, step=1, key="correlation.cascade_least"
)
found = ui.guarded(
    cascades_of,
    view_key,
    view,
    types,
    WINDOWS[gap_label],
    by,
    int(least),
    where="Cascades",
    names=NAMES,
)
if found is not None:
    mm = st.columns(3)
    mm[0].metric("Cascades", f"{found.count:,}")
    mm[1].metric("Bursts of 2+ events", f"{found.bursts:,}")
    ui.metric(
        mm[2],
        "Expected by chance",
        f"{found.expected:,.1f}" if found.expected is not None else ui.na("only for 'at least 2'"),
    )
    cex = found.explain()
    e = st.columns(3)
    with e[0]:
        ui.explain(cex["count"], key="correlation.explain_cascades")
    with e[2]:
        ui.explain(cex["expected"], key="correlation.explain_expected")
    st.caption(
        f"A burst chains events at most {gap_label} apart; it is a cascade when at least "
        f"{int(least)} different {by}s fail in it. 'Expected by chance' keeps the times and "
        "shuffles the labels: fewer cascades than that means bursts are mostly one kind."
    )
    st.dataframe(
        found.table,
        hide_index=True,
        width="stretch",
        column_config={
            "start": st.column_config.DatetimeColumn("Start (UTC)", format="YYYY-MM-DD HH:mm"),
            "end": st.column_config.DatetimeColumn("End (UTC)", format="YYYY-MM-DD HH:mm"),
            "duration_s": st.column_config.NumberColumn("Duration (s)", format="%d"),
            "cascade": st.column_config.NumberColumn("Cascade", format="%d"),
            "events": st.column_config.NumberColumn("Events", format="%d"),
            "distinct": st.column_config.NumberColumn(f"Different {by}s", format="%d"),
            "first": "First",
            "members": "Members (count)",
            "types": "Types",
            "groups": "Groups",
            "rows": "File rows",
        },
    )

# --- exports -----------------------------------------------------------------------------------

st.subheader("Export")
st.caption("CSV files in UTF-8; times in UTC; cells that a spreadsheet would run are neutralised.")
exports = [
    ("Counts per bin", lambda: report.csv_bytes(result.counts, index=True), "counts"),
    ("Correlation r", lambda: report.csv_bytes(result.r, index=True), "r"),
    ("Adjusted p", lambda: report.csv_bytes(result.p, index=True), "p"),
    ("Pairs", lambda: report.csv_bytes(pairs), "pairs"),
    (
        "Lags of the pair",
        lambda: report.csv_bytes(lag.table if lag is not None else pd.DataFrame()),
        "lags",
    ),
    ("Coincidences", lambda: report.csv_bytes(coincidence_table), "coincidences"),
    (
        "Cascades",
        lambda: report.csv_bytes(found.table if found is not None else pd.DataFrame()),
        "cascades",
    ),
]
cols = st.columns(4) + st.columns(4)
for col, (label, build, name) in zip(cols, exports, strict=False):
    col.download_button(
        f"{label} (CSV)",
        data=build,
        file_name=f"correlation-{name}.csv",
        mime="text/csv",
        key=f"correlation.download_{name}",
        icon=":material/download:",
        on_click="ignore",
    )
