"""The ROI case as a whole, and its exports for whoever decides.

A :class:`RoiScenario` holds everything the user chose (inputs, uncertainty, Monte Carlo
settings, a name and a currency); :func:`analyse_roi` runs the model, the sensitivity, the
break-even solves and the Monte Carlo on it; the exporters turn the analysis into CSV (cash
flows), JSON (inputs and outputs; :func:`scenario_from_json` restores the scenario from it),
Markdown, XLSX and a self-contained HTML report with the charts. The charts are built here
too, so the page and the report draw the same figures.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ftmath import report
from ftmath._validate import as_float
from ftmath.errors import InputError
from ftmath.explain import Explanation
from ftmath.roi import (
    BREAK_EVEN_INPUTS,
    ROI_INPUTS,
    BreakEven,
    RoiResult,
    break_even,
    check_roi_inputs,
    roi,
    roi_sensitivity,
)
from ftmath.roi_uncertainty import (
    DEFAULT_SEED,
    MAX_SEED,
    RoiSimulation,
    _check_uncertain,
    simulate_roi,
)

__all__ = [
    "ROI_FORMAT",
    "RoiAnalysis",
    "RoiScenario",
    "analyse_roi",
    "cash_flow_figure",
    "npv_distribution_figure",
    "roi_csv",
    "roi_document",
    "roi_html",
    "roi_json",
    "roi_markdown",
    "roi_xlsx",
    "scenario_from_json",
    "tornado_figure",
]

ROI_FORMAT = "fault-tolerance-workbench/roi"
"""The ``format`` tag of an exported ROI document."""

_VERSION = 1
_MAX_NAME, _MAX_CURRENCY, _MAX_NOTES = 200, 8, 5000
_MAX_JSON_BYTES = 2_000_000
_DOCUMENT_KEYS = {
    "format",
    "version",
    "name",
    "currency",
    "notes",
    "inputs",
    "uncertainty",
    "monte_carlo",
    "sensitivity_swing",
    "outputs",
    "cash_flows",
    "sensitivity",
    "break_even",
    "simulation",
    "generated_by",
}


@dataclass(frozen=True)
class RoiScenario:
    """Everything the user chose for one investment case.

    Attributes
    ----------
    inputs : dict of str to float
        The keyword arguments of :func:`ftmath.roi`.
    uncertain : dict of str to (float, float, float)
        Low / likely / high of the inputs the Monte Carlo draws.
    name, currency, notes : str
        What the case is called, the currency symbol shown, free notes (all escaped in
        exports).
    draws, seed : int
        Monte Carlo size and seed.
    poisson : bool
        Random (Poisson) failure counts in the Monte Carlo.
    repair : str
        ``"exponential"`` or ``"mean"`` repair times in the Monte Carlo.
    swing : float
        Relative move of each input in the sensitivity (0.2 for +-20 %).
    """

    inputs: Mapping[str, float]
    uncertain: Mapping[str, tuple[float, float, float]] = field(default_factory=dict)
    name: str = "Fault-tolerance investment"
    currency: str = "$"
    notes: str = ""
    draws: int = 100_000
    seed: int = DEFAULT_SEED
    poisson: bool = True
    repair: str = "exponential"
    swing: float = 0.2


@dataclass(frozen=True)
class RoiAnalysis:
    """A scenario with its results: the model, sensitivity, break-even values, Monte Carlo.

    Attributes
    ----------
    scenario : RoiScenario
        What was analysed (validated).
    result : RoiResult
        :func:`ftmath.roi` on the scenario's inputs.
    sensitivity : pandas.DataFrame
        :func:`ftmath.roi_sensitivity` (NPV).
    break_even : dict of str to BreakEven
        By input name.
    simulation : RoiSimulation
        :func:`ftmath.simulate_roi`.
    """

    scenario: RoiScenario
    result: RoiResult
    sensitivity: pd.DataFrame
    break_even: Mapping[str, BreakEven]
    simulation: RoiSimulation


def _text(value: Any, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"`{name}` must be text, got {type(value).__name__}")
    if len(value) > limit:
        raise InputError(f"`{name}` must be at most {limit} characters, got {len(value)}")
    return value


def _checked(scenario: RoiScenario) -> RoiScenario:
    inputs = check_roi_inputs(scenario.inputs)
    uncertain = _check_uncertain(scenario.uncertain, inputs)
    swing = as_float(scenario.swing, "swing")
    return RoiScenario(
        inputs=inputs,
        uncertain=uncertain,
        name=_text(scenario.name, "name", _MAX_NAME).strip() or "Fault-tolerance investment",
        currency=_text(scenario.currency, "currency", _MAX_CURRENCY),
        notes=_text(scenario.notes, "notes", _MAX_NOTES),
        draws=scenario.draws,
        seed=scenario.seed,
        poisson=bool(scenario.poisson),
        repair=scenario.repair,
        swing=swing,
    )


def analyse_roi(scenario: RoiScenario) -> RoiAnalysis:
    """Run the whole case: the model, +-swing sensitivity, break-even values, Monte Carlo.

    Parameters
    ----------
    scenario : RoiScenario
        The case.

    Returns
    -------
    RoiAnalysis
        Everything the page shows and the exports hold.

    Examples
    --------
    >>> s = RoiScenario({"cost_per_hour": 10_000, "mtbf_hours_now": 500,
    ...                  "mttr_hours_now": 4, "mtbf_hours_target": 2000,
    ...                  "mttr_hours_target": 2, "capex": 150_000,
    ...                  "opex_per_year": 20_000, "discount_rate": 0.08}, draws=2000)
    >>> a = analyse_roi(s)
    >>> round(a.result.npv, 2), a.sensitivity.index[0]
    (1364625.89, 'mtbf_hours_now')
    """
    clean = _checked(scenario)
    inputs = clean.inputs
    return RoiAnalysis(
        scenario=clean,
        result=roi(**inputs),  # type: ignore[arg-type]
        sensitivity=roi_sensitivity(inputs, swing=clean.swing),
        break_even={name: break_even(inputs, name) for name in BREAK_EVEN_INPUTS},
        simulation=simulate_roi(
            inputs,
            uncertain=clean.uncertain,
            draws=clean.draws,
            seed=clean.seed,
            poisson=clean.poisson,
            repair=clean.repair,
        ),
    )


# --- JSON: the document, and back ------------------------------------------------------------


def roi_document(analysis: RoiAnalysis) -> dict[str, Any]:
    """The case as a JSON-ready document: inputs and settings, then every output.

    Parameters
    ----------
    analysis : RoiAnalysis
        The analysed case.

    Returns
    -------
    dict
        ``format``, ``version``, ``name``, ``currency``, ``notes``, ``inputs``,
        ``uncertainty``, ``monte_carlo``, ``sensitivity_swing`` (what
        :func:`scenario_from_json` reads back), then ``outputs``, ``cash_flows``,
        ``sensitivity``, ``break_even`` and ``simulation`` (recomputed on import, never
        trusted).
    """
    s, r, sim = analysis.scenario, analysis.result, analysis.simulation
    return {
        "format": ROI_FORMAT,
        "version": _VERSION,
        "name": s.name,
        "currency": s.currency,
        "notes": s.notes,
        "inputs": dict(s.inputs),
        "uncertainty": {
            k: {"low": lo, "likely": mid, "high": hi} for k, (lo, mid, hi) in s.uncertain.items()
        },
        "monte_carlo": {
            "draws": s.draws,
            "seed": s.seed,
            "poisson": s.poisson,
            "repair": s.repair,
        },
        "sensitivity_swing": s.swing,
        "outputs": {
            "failures_per_year_now": r.failures_per_year_now,
            "failures_per_year_target": r.failures_per_year_target,
            "availability_now": r.availability_now,
            "availability_target": r.availability_target,
            "downtime_hours_per_year_now": r.downtime_hours_per_year_now,
            "downtime_hours_per_year_target": r.downtime_hours_per_year_target,
            "annual_cost_now": r.annual_cost_now,
            "annual_cost_target": r.annual_cost_target,
            "annual_savings": r.annual_savings,
            "net_annual_benefit": r.net_annual_benefit,
            "npv": r.npv,
            "irr": r.irr,
            "payback_years": r.payback_years,
            "discounted_payback_years": r.discounted_payback_years,
            "tco": r.tco,
            "roi": r.roi,
            "not_defined": dict(r.reasons),
            "warnings": list(r.warnings),
        },
        "cash_flows": r.table().to_dict(orient="records"),
        "sensitivity": analysis.sensitivity.reset_index().to_dict(orient="records"),
        "break_even": {
            k: {"value": b.value, "base": b.base, "reason": b.reason}
            for k, b in analysis.break_even.items()
        },
        "simulation": sim.summary() | {"draws": sim.draws, "seed": sim.seed},
        "generated_by": "Fault Tolerance Workbench, ROI page",
    }


def roi_json(analysis: RoiAnalysis) -> bytes:
    """The case as JSON bytes (see :func:`roi_document`).

    Parameters
    ----------
    analysis : RoiAnalysis
        The analysed case.

    Returns
    -------
    bytes
        UTF-8 JSON; values that are not defined are ``null``.
    """
    return report.json_bytes(roi_document(analysis))


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("the file starts like UTF-16 text but does not decode") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            "the file is not UTF-8 or UTF-16 text; export the case from this page as JSON"
        ) from None


def _parse_json(text: str) -> Any:
    """Parse JSON text; every way it can fail becomes an :class:`InputError`.

    Python's parser recurses once per level of nesting, so a few kilobytes of ``[[[[...``
    exhaust the stack: that ``RecursionError`` is bad input like any other.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"the file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise InputError(
            "the file is nested too deeply (arrays or objects inside each other hundreds of "
            "levels down); an ROI document has 3 levels: export the case from this page as JSON"
        ) from None
    except (ValueError, OverflowError) as error:
        # A number of more than 4,300 digits, say: keep the first clause, not Python's advice.
        raise InputError(
            f"the file could not be read as JSON: {str(error).split(';')[0]}"
        ) from None


def scenario_from_json(data: bytes | str | Mapping[str, Any]) -> RoiScenario:
    """Read an exported ROI document back into a scenario (importing restores the page).

    Parameters
    ----------
    data : bytes, str or mapping
        The JSON written by :func:`roi_json`, or its parsed document. Outputs in it are
        ignored: they are recomputed from the inputs.

    Returns
    -------
    RoiScenario
        The validated scenario.

    Raises
    ------
    InputError
        For text that is not JSON, a document of another kind, a missing or bad input (the
        message names the key, such as ``inputs.capex``).

    Examples
    --------
    >>> s = scenario_from_json('{"inputs": {"cost_per_hour": 100, "mtbf_hours_now": 50, '
    ...                        '"mttr_hours_now": 2, "mtbf_hours_target": 80, '
    ...                        '"mttr_hours_target": 2, "capex": 0}}')
    >>> s.inputs["years"], s.draws
    (3, 100000)
    >>> scenario_from_json('{"inputs": {"capex": -1}}')
    Traceback (most recent call last):
    ...
    ftmath.errors.InputError: inputs: `cost_per_hour` is missing; give a number
    """
    if isinstance(data, (bytes, bytearray)):
        if len(data) > _MAX_JSON_BYTES:
            raise InputError(
                f"the file has {len(data):,} bytes; an ROI document is at most {_MAX_JSON_BYTES:,}"
            )
        if not data.strip():
            raise InputError("the file is empty; choose a JSON file exported from the ROI page")
        data = _decode(bytes(data))
    if isinstance(data, str):
        document = _parse_json(data)
    else:
        document = data
    if not isinstance(document, Mapping):
        raise InputError("the document must be a JSON object with an `inputs` object")
    kind = document.get("format", ROI_FORMAT)
    if kind != ROI_FORMAT:
        raise InputError(f"`format` is {kind!r}; this page reads {ROI_FORMAT!r} documents")
    unknown = sorted(set(document) - _DOCUMENT_KEYS, key=str)
    if {"components", "system"} <= set(document):
        raise InputError(
            "this is a topology document (it has `components` and `system`): import it on the "
            "Topology page; here, import an ROI case saved by this page (Case (JSON))"
        )
    if unknown:
        raise InputError(
            f"`{unknown[0]}` is not a key of an ROI document; accepted: "
            f"{', '.join(sorted(_DOCUMENT_KEYS))}"
        )
    inputs = document.get("inputs")
    if not isinstance(inputs, Mapping):
        raise InputError("`inputs` must be an object of the ROI inputs")
    try:
        clean = check_roi_inputs(inputs)
    except InputError as error:
        raise InputError(f"inputs: {error}") from None
    raw = document.get("uncertainty") or {}
    if not isinstance(raw, Mapping):
        raise InputError("`uncertainty` must be an object of {low, likely, high} by input")
    uncertain: dict[str, Any] = {}
    for name, spec in raw.items():
        if isinstance(spec, Mapping):
            missing = [k for k in ("low", "likely", "high") if k not in spec]
            if missing:
                raise InputError(f"`uncertainty.{name}` needs `{missing[0]}`")
            uncertain[name] = (spec["low"], spec["likely"], spec["high"])
        else:
            uncertain[name] = spec
    mc = document.get("monte_carlo") or {}
    if not isinstance(mc, Mapping):
        raise InputError("`monte_carlo` must be an object with draws, seed, poisson, repair")
    draws, seed = mc.get("draws", 100_000), mc.get("seed", DEFAULT_SEED)
    for key, value in (("draws", draws), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(f"`monte_carlo.{key}` must be a whole number, got {value!r}")
    poisson = mc.get("poisson", True)
    if not isinstance(poisson, bool):
        raise InputError(f"`monte_carlo.poisson` must be true or false, got {poisson!r}")
    repair = mc.get("repair", "exponential")
    if repair not in ("exponential", "mean"):
        raise InputError(f"`monte_carlo.repair` must be 'exponential' or 'mean', got {repair!r}")
    if not 1 <= draws <= 1_000_000:
        raise InputError(f"`monte_carlo.draws` must be from 1 to 1,000,000, got {draws}")
    if not 0 <= seed <= MAX_SEED:
        raise InputError(
            f"`monte_carlo.seed` must be from 0 to 2^53 − 1 ({MAX_SEED:,}), got {seed}"
        )
    swing = as_float(document.get("sensitivity_swing", 0.2), "sensitivity_swing")
    if not 0.0 < swing < 1.0:
        raise InputError(f"`sensitivity_swing` must be between 0 and 1, got {swing}")
    scenario = RoiScenario(
        inputs=clean,
        uncertain=uncertain,
        name=document.get("name") or "Fault-tolerance investment",
        currency=document.get("currency", "$"),
        notes=document.get("notes") or "",
        draws=draws,
        seed=seed,
        poisson=poisson,
        repair=repair,
        swing=swing,
    )
    try:
        return _checked(scenario)
    except InputError as error:
        # the library's parameter is `uncertain`; the document's key is `uncertainty`
        raise InputError(str(error).replace("`uncertain", "`uncertainty")) from None


# --- formatting shared by the exports ------------------------------------------------------------


def _money(value: float | None, currency: str) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    return f"{sign}{currency}{abs(value):,.2f}"


def _years(n: int) -> str:
    return f"{n} year" + ("" if n == 1 else "s")


def _headline(analysis: RoiAnalysis) -> pd.DataFrame:
    """Figure, value (a number or empty), unit, shown text, note: one row per headline."""
    r, sim, cur = analysis.result, analysis.simulation, analysis.scenario.currency
    years = int(r.inputs["years"])

    def row(figure: str, value: float | None, unit: str, shown: str, note: str = "") -> dict:
        return {"figure": figure, "value": value, "unit": unit, "shown": shown, "note": note}

    def maybe(value: float | None, key: str, fmt: str, unit: str, label: str) -> dict:
        if value is None:
            return row(label, None, unit, "n/a", r.reasons.get(key, ""))
        return row(label, value, unit, fmt.format(value))

    return pd.DataFrame(
        [
            row("Net present value", r.npv, cur, _money(r.npv, cur),
                f"{_years(years)} at {r.inputs['discount_rate']:.2%}"),
            maybe(r.irr, "irr", "{:.2%}", "fraction", "Internal rate of return"),
            maybe(r.payback_years, "payback_years", "{:.3f} years", "years", "Payback"),
            maybe(r.discounted_payback_years, "discounted_payback_years", "{:.3f} years",
                  "years", "Discounted payback"),
            maybe(r.roi, "roi", "{:.1%}", "fraction", f"ROI over {_years(years)} (on TCO)"),
            row("P(NPV > 0)", sim.probability_positive, "fraction",
                f"{sim.probability_positive:.1%}",
                f"Monte Carlo, {sim.draws:,} draws, seed {sim.seed}, "
                f"standard error {sim.probability_se * 100:.2g} percentage points"),
            row("NPV P10", sim.p10, cur, _money(sim.p10, cur)),
            row("NPV P50", sim.p50, cur, _money(sim.p50, cur)),
            row("NPV P90", sim.p90, cur, _money(sim.p90, cur)),
            row("Annual savings (gross, before opex)", r.annual_savings, cur,
                _money(r.annual_savings, cur)),
            row("Net annual benefit", r.net_annual_benefit, cur,
                _money(r.net_annual_benefit, cur)),
            row("Total cost of ownership", r.tco, cur, _money(r.tco, cur)),
            row("Availability today", r.availability_now, "fraction",
                f"{r.availability_now:.6%}"),
            row("Availability with the investment", r.availability_target, "fraction",
                f"{r.availability_target:.6%}"),
            row("Failures per year today", r.failures_per_year_now, "per year",
                f"{r.failures_per_year_now:.4g}"),
            row("Failures per year with the investment", r.failures_per_year_target,
                "per year", f"{r.failures_per_year_target:.4g}"),
            row("Downtime cost per year today", r.annual_cost_now, cur,
                _money(r.annual_cost_now, cur)),
            row("Downtime cost per year with the investment", r.annual_cost_target, cur,
                _money(r.annual_cost_target, cur)),
        ]
    )  # fmt: skip


def _inputs_table(analysis: RoiAnalysis) -> pd.DataFrame:
    s = analysis.scenario
    rows = []
    for name, label in ROI_INPUTS.items():
        low, likely, high = s.uncertain.get(name, (None, None, None))
        rows.append(
            {"input": name, "label": label, "value": s.inputs[name],
             "low": low, "likely": likely, "high": high}
        )  # fmt: skip
    return pd.DataFrame(rows)


def _cash_flow_table(analysis: RoiAnalysis) -> pd.DataFrame:
    return analysis.result.table()


def _sensitivity_table(analysis: RoiAnalysis) -> pd.DataFrame:
    table = analysis.sensitivity.reset_index()
    return table.rename(columns={"low": "npv_low", "high": "npv_high", "base_metric": "npv_base"})


def _break_even_table(analysis: RoiAnalysis) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"input": k, "label": b.label, "current": b.base, "break_even": b.value,
             "note": b.reason or ""}
            for k, b in analysis.break_even.items()
        ]
    )  # fmt: skip


def _settings_text(analysis: RoiAnalysis) -> str:
    s = analysis.scenario
    return (
        f"Monte Carlo: {s.draws:,} draws, seed {s.seed}; "
        + ("Poisson failure counts" if s.poisson else "failure counts at their mean")
        + ("; exponential repair times" if s.repair == "exponential" and s.poisson else "")
        + f". Sensitivity: each input moved by ±{s.swing:.0%}."
        + f" A year has {s.inputs['hours_per_year']:g} hours."
    )


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if abs(value) >= 1000:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:.6g}"


def _shown_tables(analysis: RoiAnalysis) -> dict[str, pd.DataFrame]:
    """The tables of the Markdown and HTML reports, formatted for reading."""
    s, cur = analysis.scenario, analysis.scenario.currency
    raw = _inputs_table(analysis)
    inputs = pd.DataFrame(
        {
            "input": raw["label"],
            "value": [_number(v) for v in raw["value"]],
            "low": [_number(v) for v in raw["low"]],
            "likely": [_number(v) for v in raw["likely"]],
            "high": [_number(v) for v in raw["high"]],
        }
    )
    cash = _cash_flow_table(analysis)
    cash_flows = pd.DataFrame(
        {
            "year": cash["year"],
            "cash flow": [_money(v, cur) for v in cash["cash_flow"]],
            "discount factor": [f"{v:.6f}" for v in cash["discount_factor"]],
            "present value": [_money(v, cur) for v in cash["present_value"]],
            "cumulative": [_money(v, cur) for v in cash["cumulative"]],
            "cumulative, discounted": [_money(v, cur) for v in cash["cumulative_present_value"]],
        }
    )
    sens = analysis.sensitivity
    sensitivity = pd.DataFrame(
        {
            "input": sens["label"],
            f"at −{s.swing:.0%}": [_number(v) for v in sens["low_value"]],
            f"at +{s.swing:.0%}": [_number(v) for v in sens["high_value"]],
            "NPV low": [_money(v, cur) for v in sens["low"]],
            "NPV high": [_money(v, cur) for v in sens["high"]],
            "range": [_money(v, cur) for v in sens["range"]],
        }
    )
    be = _break_even_table(analysis)
    break_even_table = pd.DataFrame(
        {
            "input": be["label"],
            "current": [_number(v) for v in be["current"]],
            "break-even (NPV = 0)": [
                "n/a" if v is None or v != v else _number(v) for v in be["break_even"]
            ],
            "note": be["note"],
        }
    )
    return {
        "inputs": inputs,
        "cash_flows": cash_flows,
        "sensitivity": sensitivity,
        "break_even": break_even_table,
    }


# --- CSV, Markdown, XLSX ---------------------------------------------------------------------


def roi_csv(analysis: RoiAnalysis) -> bytes:
    """The year-by-year cash flows as CSV.

    Parameters
    ----------
    analysis : RoiAnalysis
        The analysed case.

    Returns
    -------
    bytes
        UTF-8 CSV with a BOM: ``year, cash_flow, discount_factor, present_value, cumulative,
        cumulative_present_value``.
    """
    return report.csv_bytes(_cash_flow_table(analysis))


def roi_markdown(analysis: RoiAnalysis) -> bytes:
    """The case as a Markdown summary: headline, inputs, cash flows, sensitivity, method.

    Parameters
    ----------
    analysis : RoiAnalysis
        The analysed case.

    Returns
    -------
    bytes
        UTF-8 Markdown; user text is escaped.
    """
    s, r = analysis.scenario, analysis.result
    esc = report.escape_markdown
    headline = _headline(analysis)[["figure", "shown", "note"]]
    lines = [f"# {esc(s.name)}", ""]
    if s.notes:
        lines += [report.escape_markdown_lines(s.notes), ""]
    lines += [f"- {esc(w)}" for w in r.warnings]
    lines += ["", "## Headline", "", report.markdown_table(headline), ""]
    shown = _shown_tables(analysis)
    lines += ["## Inputs", "", report.markdown_table(shown["inputs"]), ""]
    lines += [f"Currency: {esc(s.currency) or '(none)'}. {_settings_text(analysis)}", ""]
    lines += ["## Cash flows", "", report.markdown_table(shown["cash_flows"]), ""]
    lines += [f"## Sensitivity (NPV, each input ±{s.swing:.0%})", ""]
    lines += [report.markdown_table(shown["sensitivity"]), ""]
    lines += ["## Break-even values (NPV = 0)", "", report.markdown_table(shown["break_even"])]
    lines += ["", "## How the numbers are computed", ""]
    explanations = [*r.explain().values(), *analysis.simulation.explain().values()]
    lines += [e.to_markdown() + "\n" for e in explanations]
    return "\n".join(lines).encode("utf-8")


def roi_xlsx(analysis: RoiAnalysis) -> bytes:
    """The case as an Excel workbook, one sheet per table.

    Sheets: Summary, Inputs, Cash flows, Sensitivity, Break-even, Monte Carlo.

    Parameters
    ----------
    analysis : RoiAnalysis
        The analysed case.

    Returns
    -------
    bytes
        The ``.xlsx`` file; numbers are numbers, text is stored as text (never a formula),
        exactly as shown on the page.
    """
    s = analysis.scenario
    summary = _headline(analysis)
    about = pd.DataFrame(
        [
            {"figure": "Case", "value": None, "unit": "", "shown": s.name, "note": s.notes},
            {"figure": "Currency", "value": None, "unit": "", "shown": s.currency, "note": ""},
            {"figure": "Method", "value": None, "unit": "", "shown": _settings_text(analysis),
             "note": ""},
        ]
    )  # fmt: skip
    histogram = analysis.simulation.histogram()
    return report.xlsx_bytes(
        {
            "Summary": pd.concat([about, summary], ignore_index=True),
            "Inputs": _inputs_table(analysis),
            "Cash flows": _cash_flow_table(analysis),
            "Sensitivity": _sensitivity_table(analysis),
            "Break-even": _break_even_table(analysis),
            "Monte Carlo": histogram.rename(
                columns={"left": "npv_from", "right": "npv_to", "count": "draws"}
            ),
        }
    )


# --- charts and the HTML report ------------------------------------------------------------------

_BLUE, _GREEN, _RED, _GREY, _ORANGE = "#1f6feb", "#2da44e", "#cf222e", "#6e7781", "#e16f24"
# Room for the axis titles; automargin widens it further to fit the tick labels (the input
# names of the tornado), so nothing is clipped in the static report.
_MARGIN = dict(l=70, r=20, t=30, b=50)


def _fitted(figure: go.Figure) -> go.Figure:
    """Let both axes widen the margins to fit their tick labels and titles."""
    figure.update_xaxes(automargin=True)
    figure.update_yaxes(automargin=True)
    return figure


def cash_flow_figure(analysis: RoiAnalysis) -> go.Figure:
    """Yearly cash flows (bars) with the cumulative and cumulative discounted lines.

    Parameters
    ----------
    analysis : RoiAnalysis
        The analysed case.

    Returns
    -------
    plotly.graph_objects.Figure
        The chart.
    """
    table = analysis.result.table()
    cur = html.escape(analysis.scenario.currency)
    figure = go.Figure()
    figure.add_bar(
        x=table["year"],
        y=table["cash_flow"],
        name="cash flow",
        marker_color=[_GREEN if v >= 0 else _RED for v in table["cash_flow"]],
    )
    figure.add_scatter(
        x=table["year"], y=table["cumulative"], name="cumulative", mode="lines+markers",
        line=dict(color=_GREY, dash="dot"),
    )  # fmt: skip
    figure.add_scatter(
        x=table["year"], y=table["cumulative_present_value"], name="cumulative, discounted",
        mode="lines+markers", line=dict(color=_BLUE),
    )  # fmt: skip
    figure.add_hline(y=0, line_color="black", line_width=1)
    figure.update_layout(
        height=340,
        margin=_MARGIN,
        xaxis=dict(title="year (0 = up-front cost)", dtick=1),
        yaxis_title=f"{cur} (end of year)",
        legend=dict(orientation="h", y=1.1),
    )
    return _fitted(figure)


def tornado_figure(analysis: RoiAnalysis) -> go.Figure:
    """The tornado: NPV with each input at -swing and +swing, the widest bar on top.

    Parameters
    ----------
    analysis : RoiAnalysis
        The analysed case.

    Returns
    -------
    plotly.graph_objects.Figure
        The chart; bars start at the base NPV.
    """
    table = analysis.sensitivity.iloc[::-1]
    swing = analysis.scenario.swing
    base = float(analysis.result.npv)
    cur = html.escape(analysis.scenario.currency)
    labels = [html.escape(str(v)) for v in table["label"]]
    figure = go.Figure()
    for column, name, colour in (("low", f"input −{swing:.0%}", _BLUE),
                                 ("high", f"input +{swing:.0%}", _ORANGE)):  # fmt: skip
        figure.add_bar(
            y=labels,
            x=table[column] - base,
            base=base,
            orientation="h",
            name=name,
            marker_color=colour,
            customdata=table[column],
            hovertemplate="%{y}: NPV %{customdata:,.0f}<extra>" + name + "</extra>",
        )
    figure.add_vline(x=base, line_color="black", line_width=1)
    figure.update_layout(
        barmode="overlay",
        height=max(260, 34 * len(table) + 90),
        margin=_MARGIN,
        xaxis_title=f"NPV ({cur}); the line is today's estimate",
        legend=dict(orientation="h", y=1.08),
    )
    return _fitted(figure)


def npv_distribution_figure(analysis: RoiAnalysis) -> go.Figure:
    """The Monte Carlo NPV distribution, with P10 / P50 / P90 and zero marked.

    Parameters
    ----------
    analysis : RoiAnalysis
        The analysed case.

    Returns
    -------
    plotly.graph_objects.Figure
        A histogram (counted here, so the browser gets 60 bars, not every draw).
    """
    sim = analysis.simulation
    hist = sim.histogram()
    cur = html.escape(analysis.scenario.currency)
    centres = (hist["left"] + hist["right"]) / 2
    figure = go.Figure(
        go.Bar(
            x=centres,
            y=hist["share"],
            width=hist["right"] - hist["left"],
            marker_color=[_GREEN if c > 0 else _RED for c in centres],
            name="share of draws",
            hovertemplate="NPV about %{x:,.0f}: %{y:.2%} of draws<extra></extra>",
        )
    )
    for value, label in ((sim.p10, "P10"), (sim.p50, "P50"), (sim.p90, "P90")):
        figure.add_vline(x=value, line_dash="dash", line_color=_GREY, annotation_text=label)
    figure.add_vline(x=0, line_color="black", line_width=1)
    figure.update_layout(
        height=320,
        margin=_MARGIN,
        xaxis_title=f"NPV ({cur})",
        yaxis=dict(title="share of draws", tickformat=".0%"),
        bargap=0,
        showlegend=False,
    )
    return _fitted(figure)


def _explanation_facts(e: Explanation, currency: str) -> dict[str, str]:
    """An explanation as text, its value in the unit the page shows.

    The report opens offline, so formulas are shown as LaTeX source: the same text the
    Markdown report typesets.
    """
    if e.value is None:
        value = "n/a — " + (e.unavailable_reason or "")
    elif e.unit == "money":
        value = _money(e.value, currency)
    elif e.unit == "money per year":
        value = f"{_money(e.value, currency)} a year"
    elif e.unit == "years":
        value = f"{e.value:,.6g} years ({e.value * 12:,.3g} months)"
    elif e.unit:
        value = f"{e.value:,.6g} {e.unit}"
    else:  # ratios: IRR, ROI, availability, probabilities
        value = f"{e.value:,.6g} ({100 * e.value:,.6g} %)"
    facts = {e.quantity: value}
    facts["Formula (LaTeX)"] = e.formula
    facts["Substituted"] = e.substituted
    facts["With"] = ", ".join(f"{k} = {v:,.10g}" for k, v in e.inputs.items())
    facts["Convention"] = e.convention
    facts["Source"] = e.reference
    return facts


def roi_html(analysis: RoiAnalysis) -> bytes:
    """A self-contained HTML report with the headline, the charts and the tables.

    Parameters
    ----------
    analysis : RoiAnalysis
        The analysed case.

    Returns
    -------
    bytes
        UTF-8 HTML that opens offline (plotly.js inlined); user text is escaped.
    """
    s, r, sim = analysis.scenario, analysis.result, analysis.simulation
    cur = s.currency
    headline = _headline(analysis)
    facts = {
        str(figure): str(shown) + (f" ({note})" if note else "")
        for figure, shown, note in zip(
            headline["figure"], headline["shown"], headline["note"], strict=True
        )
    }
    tables = _shown_tables(analysis)

    def chart(figure: go.Figure) -> go.Figure:
        # A named template: the report looks the same whichever default the process has
        # (importing streamlit makes its own template the default).
        return figure.update_layout(template="plotly_white")

    blocks: list[tuple[str, Any]] = []
    if s.notes:
        blocks.append(("paragraph", s.notes))
    blocks += [("paragraph", w) for w in r.warnings]
    blocks += [
        ("heading", "Headline"),
        ("facts", facts),
        ("heading", "Cash flows"),
        ("figure", chart(cash_flow_figure(analysis))),
        ("table", tables["cash_flows"]),
        ("heading", f"Sensitivity: each input ±{s.swing:.0%}"),
        ("figure", chart(tornado_figure(analysis))),
        ("table", tables["sensitivity"]),
        ("heading", "Break-even values"),
        ("table", tables["break_even"]),
        ("heading", "Uncertainty"),
        ("paragraph", f"P(NPV > 0) = {sim.probability_positive:.1%}; NPV P10 "
                      f"{_money(sim.p10, cur)}, P50 {_money(sim.p50, cur)}, "
                      f"P90 {_money(sim.p90, cur)}. {_settings_text(analysis)}"),
        ("figure", chart(npv_distribution_figure(analysis))),
        ("heading", "Inputs"),
        ("table", tables["inputs"]),
        ("heading", "How the numbers are computed"),
    ]  # fmt: skip
    for e in [*r.explain().values(), *sim.explain().values()]:
        blocks.append(("facts", _explanation_facts(e, cur)))
    return report.html_report(
        s.name,
        blocks,
        footer="Fault Tolerance Workbench, ROI page. Cash flows at the end of each year; "
        "capex at year 0; opex counted once, in the yearly flows.",
    )
