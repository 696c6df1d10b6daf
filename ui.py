"""UI helpers shared by the pages.

The page registry, number formatting, error display, uploads, downloads and the hand-off of
figures between pages.

Pages import this module and ``ftmath``; they never import each other. No maths lives here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import streamlit as st

import ftmath
from ftmath.report import escape_markdown as escape_markdown  # re-exported: pages escape with ui
from ftmath.report import plural as plural  # re-exported: pages count things with ui.plural


def ensure_app_frame() -> None:
    """Make sure `app.py` frames this page: call it first thing in every page file.

    Streamlit keeps a legacy mode for apps with a ``pages/`` folder: until some session has run
    ``st.navigation``, a request for a sub-page URL (a shared link such as ``/topology?t=...``
    on a fresh server, and every rerun under AppTest) runs that page file on its own, without
    ``app.py``'s page config, sidebar and navigation. Leaving that mode and rerunning lets
    ``app.py`` run first. (``PagesManager.uses_pages_directory`` is the flag ``st.navigation``
    itself clears.)
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


ROOT = Path(__file__).resolve().parent
EXAMPLES = ROOT / "examples"

T = TypeVar("T")


# --- the page registry --------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSpec:
    """A page of the workbench, as `app.py` registers it and other pages link to it."""

    path: str
    title: str
    icon: str
    section: str
    summary: str


PAGES: list[PageSpec] = [
    PageSpec(
        "pages/home.py",
        "Start here",
        ":material/flag:",
        "Start",
        "Pick a kind of system and see its availability target and the patterns that reach it.",
    ),
    PageSpec(
        "pages/topology.py",
        "Topology",
        ":material/account_tree:",
        "Design",
        "Build a system from real components and see its availability in nines.",
    ),
    PageSpec(
        "pages/redundancy.py",
        "Redundancy",
        ":material/dns:",
        "Design",
        "How long replicas, spares and repair crews keep a group up: MTTF, R(t), availability.",
    ),
    PageSpec(
        "pages/timeouts.py",
        "Timeouts",
        ":material/timer:",
        "Measure",
        "Upload measured response times: the timeout for a false-timeout budget, with its "
        "confidence, and what retries and hedging cost and buy.",
    ),
    PageSpec(
        "pages/correlation.py",
        "Correlation",
        ":material/hub:",
        "Measure",
        "Upload a fault log: which faults move together, which one leads, and is it chance.",
    ),
    PageSpec(
        "pages/incidents.py",
        "Incidents & SLO",
        ":material/report:",
        "Measure",
        "Upload an outage log: measured MTBF, MTTR, availability, SLO compliance and error budget.",
    ),
    PageSpec(
        "pages/roi.py",
        "ROI",
        ":material/payments:",
        "Decide",
        "Is the fault-tolerance investment worth it: NPV, payback, risk, and a report to share.",
    ),
    PageSpec(
        "pages/simulator.py",
        "Policy simulator",
        ":material/science:",
        "Decide",
        "Replay a dependency against timeout, retry, budget, breaker and hedging policies under "
        "chaos: success, tail latency and the load a retry storm puts on it.",
    ),
]
"""Pages that work, in navigation order. Only pages listed here are registered."""


def page(path: str) -> PageSpec | None:
    """The registered page at ``path``, or ``None`` if that page is not (yet) part of the app."""
    return next((p for p in PAGES if p.path == path), None)


def link(path: str, label: str | None = None) -> None:
    """A link to another page, or plain text when that page is not registered."""
    spec = page(path)
    if spec is None:
        st.markdown(f"- {label or path} *(page coming soon)*")
    else:
        st.page_link(spec.path, label=label or spec.title, icon=spec.icon)


# --- shared settings ------------------------------------------------------------------------------

YEAR_CHOICES = {"365 days (8,760 h)": 8760.0, "365.25 days (8,766 h)": 8766.0}


def init_session() -> None:
    """Initialise the session keys every page may read (called once per run by `app.py`)."""
    st.session_state.setdefault("hours_per_year", ftmath.HOURS_PER_YEAR)
    st.session_state.setdefault(HANDOFF_KEY, {})


def hours_per_year() -> float:
    """The year length the user chose in the sidebar (8,760 h unless changed)."""
    return float(st.session_state.get("hours_per_year", ftmath.HOURS_PER_YEAR))


def year_label() -> str:
    """How the pages name the year length in use."""
    hours = hours_per_year()
    return next((label for label, value in YEAR_CHOICES.items() if value == hours), f"{hours:g} h")


# --- formatting -----------------------------------------------------------------------------------


def na(reason: str) -> str:
    """How a number that cannot be computed is shown: ``n/a`` with the reason."""
    return f"n/a — {reason}"


def metric(where: Any, label: str, text: str, help: str | None = None) -> None:  # noqa: A002
    """An ``st.metric`` whose value stays short enough to fit; a reason goes into its help.

    ``text`` is a formatted number, possibly ``n/a — reason`` (from :func:`na`) or
    ``value (reason)``: the metric shows ``n/a`` or the value, and the reason moves into the
    help tooltip, so a narrow column does not cut it off with an ellipsis. ``where`` is ``st``
    or a column.
    """
    value, reason = text, ""
    if text.startswith("n/a — "):
        value, reason = "n/a", text.removeprefix("n/a — ")
    elif text.endswith(")") and " (" in text:
        value, reason = text[:-1].split(" (", 1)
    if reason:
        why = f"**{value}**: {escape_markdown(reason)}."
        help = f"{help}\n\n{why}" if help else why  # noqa: A001
    where.metric(label, value, help=help)


def fmt_probability(value: float, *, unreliability: float | None = None) -> str:
    """A reliability or availability with as many digits as its nines need (0.99995, not 1.0).

    Uses ``unreliability`` when given, so values within 1e-16 of 1 still show their nines.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return na("not defined")
    q = 1.0 - value if unreliability is None else unreliability
    if q <= 0.0:
        return "1 (cannot fail in this model)"
    if q >= 0.5 or value <= 0.0:
        return f"{value:.4g}"
    digits = max(4, math.floor(-math.log10(q)) + 3)
    if digits > 15:
        return f"1 − {q:.3g}"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def no_round_up(value: float, digits: int) -> str:
    """``value`` with ``digits`` decimals, more (up to 3) where rounding would end in a 0.

    99.8997 % is not shown as 99.900 % (nor 2.9987 nines as 3.00): a design that misses a
    99.9 % target must not look as if it met it. Rounding float noise (4 - 1e-15) is not a
    miss and keeps its digits.
    """
    text = f"{value:.{digits}f}"
    for more in range(digits + 1, digits + 4):
        if not (text.endswith("0") and float(text) - value > 1e-9 * max(1.0, abs(value))):
            break
        text = f"{value:.{more}f}"
    return text


def fmt_percent(value: float, *, unreliability: float | None = None) -> str:
    """An availability as a percentage with enough digits to show its nines."""
    q = 1.0 - value if unreliability is None else unreliability
    if q <= 0.0:
        return "100 %"
    if q >= 0.5:
        return f"{value * 100:.3g} %"
    digits = max(2, math.floor(-math.log10(q)) + 1)
    if digits > 13:
        return f"100 − {q * 100:.3g} %"
    return f"{no_round_up(value * 100, digits)} %"


def fmt_percents(values: list[float], *, unreliabilities: list[float]) -> list[str]:
    """Shares shown together (a row, a table) with one number of decimals.

    As many decimals as the share nearest 100 % needs to show its nines
    (:func:`fmt_percent`), so ``99.823 %`` and ``19.900 %``, not ``99.823 %`` and ``19.9 %``;
    ``100 %`` only for a share that is exactly 1 (its ``unreliabilities`` entry is 0).
    """
    needs = [math.floor(-math.log10(q)) + 1 for q in unreliabilities if 0.0 < q < 0.5]
    digits = max([2, *needs])
    if digits > 13:
        return [
            fmt_percent(v, unreliability=q) for v, q in zip(values, unreliabilities, strict=True)
        ]
    return [
        "100 %" if q <= 0.0 else "0 %" if v == 0.0 else f"{v * 100:.{digits}f} %"
        for v, q in zip(values, unreliabilities, strict=True)
    ]


def log_ticks(values: Any) -> dict[str, list]:
    """Tick values and labels for a log axis over ``values``: 1, 2, 5 per decade, written out.

    Plotly labels a log axis inside one decade with bare digits ("4 5 6 7 8 9"), so 0.5 s
    reads as "5"; these ticks carry their magnitude (0.5, 1, 2, 5, 10, ...). Use as
    ``fig.update_yaxes(**ui.log_ticks(values))``; empty when no value is positive.
    """
    array = np.asarray(values, dtype=float)
    array = array[np.isfinite(array) & (array > 0)]
    if array.size == 0:
        return {}
    smallest, largest = float(array.min()), float(array.max())
    low, high = math.floor(math.log10(smallest)), math.ceil(math.log10(largest))
    ticks: list[float] = []
    for mantissas in ((1, 2, 5), range(1, 10)):  # a narrow range needs every digit
        ticks = [
            float(f"{m * 10.0**e:.12g}")
            for e in range(low, high + 1)
            for m in mantissas
            if smallest / 1.2 <= m * 10.0**e <= largest * 1.2
        ]
        if len(ticks) >= 3:
            break
    if len(ticks) < 2:  # within one step of 1-9: the ends themselves, to two digits
        ticks = sorted({float(f"{smallest:.2g}"), float(f"{largest:.2g}")})
    return {"tickvals": ticks, "ticktext": [f"{t:,.10g}" for t in ticks]}


CHOSEN_TARGET = "target.chosen"
"""Session key of the (system kind, availability) picked on Start here."""


def fmt_nines(value: float) -> str:
    """Nines with two decimals; ``inf`` (a structure that cannot fail) and NaN said in words."""
    if value is None or math.isnan(value):
        return na("not defined")
    if math.isinf(value):
        return "∞ (cannot fail in this model)"
    return no_round_up(value, 2)


def fmt_duration(hours: float) -> str:
    """A duration in the largest sensible units: ``3 d 4 h``, ``52 min 34 s``, ``0.86 s``."""
    if hours is None or math.isnan(hours):
        return na("not defined")
    if math.isinf(hours):
        return "∞"
    seconds = hours * 3600.0
    if seconds < 1e-3:
        return "0 s" if seconds == 0 else f"{seconds * 1e3:.2g} ms"
    if seconds < 60:
        return f"{seconds:.3g} s"
    if seconds < 3600:
        minutes, sec = divmod(round(seconds), 60)
        return f"{minutes} min {sec} s" if sec else f"{minutes} min"
    if seconds < 48 * 3600:
        whole_hours, minutes = divmod(round(seconds / 60), 60)
        return f"{whole_hours} h {minutes} min" if minutes else f"{whole_hours} h"
    if hours < 2 * 365 * 24:
        days, whole_hours = divmod(round(hours), 24)
        return f"{days} d {whole_hours} h" if whole_hours else f"{days} d"
    return f"{hours / 8760:.3g} years"


def fmt_hours(hours: float) -> str:
    """Hours with thousands separators and a sensible precision: ``1,833.33 h``."""
    if hours is None or math.isnan(hours):
        return na("not defined")
    if math.isinf(hours):
        return "∞"
    return f"{hours:,.2f} h" if abs(hours) < 1e7 else f"{hours:.4g} h"


def fmt_money(value: float, currency: str = "$") -> str:
    """Money with thousands separators; negatives with a minus sign in front of the symbol."""
    if value is None or math.isnan(value):
        return na("not defined")
    sign = "−" if value < 0 else ""
    return f"{sign}{currency}{abs(value):,.0f}"


# --- errors ----------------------------------------------------------------------------------


def safe_message(error: object) -> str:
    """An error message for ``st.error``: keeps its `code` spans, defuses links and images.

    Messages quote the user's own text (a cell, a file name); Markdown must not turn it into a
    link or an image. (HTML is never rendered: no page uses ``unsafe_allow_html``.)
    """
    text = str(error).replace("](", "]\u200b(")  # a zero-width space breaks `[text](url)`
    return text.replace("$", "\\$")  # a $ pair would be typeset as LaTeX


def plain_names(message: str, names: Mapping[str, str] | None) -> str:
    """A library message in the words on the screen: `backoff_cap_ms` -> the back-off cap (ms).

    ``ftmath`` names its parameters in backticks; a page maps the ones its widgets set to the
    widget's words (``{"backoff_cap_ms": "the back-off cap (ms)"}``). A message that starts with
    a mapped name starts with a capital letter.
    """
    if not names:
        return message
    text = message
    for name, words in names.items():
        text = text.replace(f"`{name}`", words)
    if text != message and message.startswith("`") and text:
        text = text[0].upper() + text[1:]
    return text


def guarded(
    action: Callable[..., T],
    *args: Any,
    where: str | None = None,
    names: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> T | None:
    """Run ``action``; on bad input show the message with ``st.error`` and return ``None``.

    ``ftmath.InputError`` is a message for the user (what was wrong and how to fix it); with
    ``names`` its parameter names are replaced by the words on the screen (:func:`plain_names`).
    Any other exception is a bug: it is reported in one line, never as a traceback, and the
    rest of the page keeps working.
    """
    place = f"{escape_markdown(where)}: " if where else ""  # often a file name: user text
    try:
        return action(*args, **kwargs)
    except ftmath.InputError as error:
        text = plain_names(safe_message(error), names)
        st.error(f"{place}{text}", icon=":material/error:")
    except Exception as error:  # noqa: BLE001 - the browser must never see a traceback
        st.error(
            f"{place}this could not be computed ({type(error).__name__}: "
            f"{escape_markdown(error)}). Please report it with the input that caused it.",
            icon=":material/bug_report:",
        )
    return None


# --- uploads and downloads ----------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Bytes to read, where they came from, and whether they are the built-in example."""

    name: str
    data: bytes
    is_example: bool


def upload_limit_text() -> str:
    """The upload limit as the browser enforces it, in MB and in bytes.

    ``Files up to 200 MB (200,000,000 bytes).``
    ``server.maxUploadSize`` is in MB, and Streamlit's uploader counts a MB as 1,000,000 bytes
    (1,048,576 only in browsers on Windows): a 206,000,000-byte file is refused under 200 MB.
    """
    limit = int(st.get_option("server.maxUploadSize"))
    return f"Files up to {limit:,} MB ({limit * 1_000_000:,} bytes)."


def upload_or_example(
    label: str,
    *,
    key: str,
    examples: Mapping[str, Path],
    types: list[str] | None = None,
    help: str | None = None,
) -> Source | None:
    """A file uploader that falls back to a built-in example the user can pick.

    Returns the uploaded file when there is one, else the chosen example; ``None`` only when
    the example cannot be read (said on screen). The upload limit from
    ``.streamlit/config.toml`` is stated under the widget.
    """
    uploaded = st.file_uploader(
        label,
        type=types,
        key=f"{key}.upload",
        help=(help or "") + f" {upload_limit_text()} Content is checked, not the extension.",
    )
    if uploaded is not None:
        return Source(uploaded.name, uploaded.getvalue(), is_example=False)
    names = list(examples)
    choice = (
        st.selectbox("Or open an example", names, key=f"{key}.example")
        if len(names) > 1
        else names[0]
    )
    path = examples[choice]
    try:
        return Source(path.name, path.read_bytes(), is_example=True)
    except OSError as error:
        st.error(f"The example {path.name} could not be read: {error}")
        return None


def download(label: str, data: bytes, file_name: str, mime: str, *, key: str) -> None:
    """A download button for bytes built by ``ftmath.report``."""
    st.download_button(
        label, data=data, file_name=file_name, mime=mime, key=key, icon=":material/download:"
    )


# --- hand-off of figures between pages ------------------------------------------------------------

HANDOFF_KEY = "handoff.components"


def send_component(name: str, figures: Mapping[str, Any], *, source: str) -> None:
    """Offer a component to the other pages (Topology, Redundancy, ROI).

    ``figures`` holds topology-document keys: ``availability``, ``unavailability`` or
    ``mtbf_hours`` with ``mttr_hours``, and optionally a ``block`` (a k-of-n block for the
    Topology page). ``source`` says which page and data it came from.
    """
    store = st.session_state.setdefault(HANDOFF_KEY, {})
    store[name] = {**dict(figures), "source": source}


def received_components() -> dict[str, dict[str, Any]]:
    """Components other pages have offered in this session, by name."""
    return dict(st.session_state.get(HANDOFF_KEY, {}))


# --- "How is this computed?" ------------------------------------------------------------------


def explain(
    explanation: ftmath.Explanation,
    *,
    key: str,
    label: str = "How is this computed?",
    wrap: bool | None = None,
) -> None:
    """A small "How is this computed?" control that opens the explanation of one number.

    The text comes from ``ftmath`` (a result's ``explain()``), so it matches the code. In a
    narrow column pass ``wrap=True``: the label wraps instead of being cut off.
    """
    with st.popover(label, icon=":material/function:", key=key, wrap=wrap):
        st.markdown(f"**{escape_markdown(explanation.quantity)}**")
        if explanation.value is None:
            st.warning(na(explanation.unavailable_reason or "cannot be computed"))
        st.latex(explanation.formula)
        st.caption("With the current inputs:")
        st.latex(explanation.substituted)
        if explanation.convention:
            st.markdown(f"*Convention.* {explanation.convention}")
        if explanation.reference:
            st.markdown(f"*Source.* {explanation.reference}")
        for note in explanation.notes:
            st.caption(note)


# --- latency formatting (Timeouts, Policy simulator) ----------------------------------------


def fmt_ms(value: float) -> str:
    """A latency: ``0.35 ms``, ``14 ms``, ``2,834 ms``, ``82.2 s``; NaN said in words."""
    if value is None or math.isnan(value):
        return na("not defined")
    if math.isinf(value):
        return "∞"
    if value >= 1e12:  # 31 years and more: no 300-digit numbers
        return f"{value / 1000:.3g} s"
    if value >= 10_000:
        return f"{value / 1000:,.1f} s"
    if value >= 100:
        return f"{value:,.0f} ms"
    return f"{value:.3g} ms"


LATENCY_UNITS = {
    "auto": "from the file",
    "ms": "milliseconds",
    "s": "seconds",
    "us": "microseconds",
    "ns": "nanoseconds",
}
"""The latency units a plain CSV can be read in (``ftmath.read_latencies(unit=...)``)."""

LATENCY_NAMES = {
    "latency_column": "the Latency column",
    "unit": "the Latency unit",
}
"""Names of the reading options in messages, as the widgets of :func:`latency_reading` say."""


def latency_reading(key: str) -> tuple[str | None, str | None]:
    """The "Latency unit" and "Latency column" controls for a plain CSV upload.

    ``key`` is the page's prefix (``timeouts``): the widgets are ``{key}.unit`` and
    ``{key}.column``. Returns the unit to pass to ``ftmath.read_latencies`` (``None`` for
    "from the file") and the column name (``None`` when left empty: found by its name).
    """
    unit = st.selectbox(
        "Latency unit",
        list(LATENCY_UNITS),
        format_func=lambda u: LATENCY_UNITS[u],
        key=f"{key}.unit",
        help="Only needed when a plain CSV's column name does not say it (latency_ms, "
        "duration_s do). Formats with a fixed unit ignore it.",
    )
    column = st.text_input(
        "Latency column (plain CSV)",
        key=f"{key}.column",
        placeholder="found by its name",
        help="Which column holds the latency, when a plain CSV has several or its name is "
        "not recognised.",
    )
    return (None if unit == "auto" else unit), (column.strip() or None)
