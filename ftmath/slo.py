"""Service level objectives from an outage log: rolling windows, error budget, burn rate.

An availability SLO says "at least ``target`` of the time up, measured over a rolling window
of ``window_days``". From the merged outages of each system (:mod:`ftmath.incidents`) this
module evaluates the trailing window at every step (each UTC midnight by default), the error
budget it allows and how much of it was used, the burn rate, the windows that broke the SLO,
and calendar-month availability.

Definitions
-----------
error budget
    ``B = (1 - target) * L`` hours of downtime allowed in a window of length ``L``.
budget used
    ``D / B``, where ``D`` is the merged downtime inside the window (outages clipped to it);
    above 1 the SLO is broken. Budget remaining is ``B - D`` hours (negative when overspent).
burn rate
    How fast the budget is being spent relative to the rate that would use exactly all of it
    by the end of the window: ``(D_s / s) / (1 - target)`` over the last step ``s`` of the
    window (a day by default). Over a whole trailing window the burn rate equals budget used.
compliance
    The share of evaluated windows whose availability met the target (``D <= B``).

References
----------
.. [1] B. Beyer, N. R. Murphy, D. K. Rensin, K. Kawahara and S. Thorne (eds.), *The Site
   Reliability Workbook*, O'Reilly, 2018, ch. 2 "Implementing SLOs" (rolling windows, error
   budgets) and ch. 5 "Alerting on SLOs" (burn rate).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from ftmath._validate import as_float
from ftmath.errors import ComputationLimitError, InputError
from ftmath.explain import Explanation, latex_number
from ftmath.incidents import (
    _NS_PER_HOUR,
    ALL_SYSTEMS,
    IncidentStats,
    Observation,
    _merge,
    _Merged,
    _window_words,
)
from ftmath.report import escape_markdown, markdown_table

__all__ = ["SloReport", "incident_report_markdown", "slo_report"]

MAX_WINDOWS = 5_000_000
"""Most trailing windows one report evaluates (all systems together)."""

_REFERENCE = "Beyer et al., The Site Reliability Workbook (O'Reilly 2018), ch. 2 and 5"


@dataclass(frozen=True)
class SloReport:
    """SLO compliance of every system of an outage log.

    Attributes
    ----------
    target : float
        Availability objective, in (0, 1).
    window_days, step_hours : float
        Rolling window length and evaluation step.
    windows : pandas.DataFrame
        One row per system and evaluated window: ``system``, ``window_start``,
        ``window_end`` (UTC), ``partial`` (the observation is shorter than one window, so
        the one window is the whole observation), ``hours``, ``downtime_hours``,
        ``availability``, ``budget_hours``, ``budget_used`` (fraction), ``budget_remaining_hours``,
        ``burn_rate`` (over the last step) and ``compliant``.
    summary : pandas.DataFrame
        Per system (index ``system``): ``windows``, ``compliant_windows``, ``compliance``,
        ``worst_availability``, ``worst_window_end``, ``last_availability``,
        ``last_budget_used``, ``last_budget_remaining_hours``, ``last_burn_rate``, and over
        the whole observation ``observed_availability``, ``observed_budget_hours``,
        ``observed_downtime_hours``, ``observed_budget_used``.
    breaches : pandas.DataFrame
        Runs of consecutive windows that broke the SLO: ``system``, ``first_window_start``,
        ``last_window_end``, ``windows``, ``worst_availability``, ``worst_window_end``,
        ``peak_burn_rate``.
    monthly : pandas.DataFrame
        Calendar months (UTC): ``system``, ``month`` (its first day), ``covered_hours``
        (the part of the month inside the observation), ``downtime_hours``,
        ``availability``, ``meets_target``.
    observation : str
        How the observation window was chosen, in words.
    """

    target: float
    window_days: float
    step_hours: float
    windows: pd.DataFrame
    summary: pd.DataFrame
    breaches: pd.DataFrame
    monthly: pd.DataFrame
    observation: str

    def caveats(self, system: str) -> tuple[str, ...]:
        r"""Why the SLO figures of ``system`` say little (an observation shorter than a window).

        Parameters
        ----------
        system : str
            A system of the report.

        Returns
        -------
        tuple of str
            One sentence per problem; empty when the observation covers at least one window.

        Examples
        --------
        >>> from ftmath import read_incidents
        >>> log = read_incidents(b"start,end\n2024-01-01 00:00,2024-01-01 01:00\n")
        >>> slo_report(log, target=0.99).caveats("(all)")[0][:52]
        'System (all) was observed for 1 h, less than one 30-'
        """
        if system not in self.summary.index:
            raise InputError(f"`system` {system!r} is not in the SLO report")
        windows = self.windows[self.windows["system"] == system]
        out = []
        if bool(windows["partial"].any()):
            hours = float(windows["hours"].iloc[-1])
            observed = f"{hours:,.4g} h" if hours < 48 else f"{hours / 24:,.4g} days"
            out.append(
                f"System {system} was observed for {observed}, less than one "
                f"{self.window_days:g}-day window: the one window evaluated is the whole "
                f"observation, so its compliance, budget and burn rate are not those of a "
                f"{self.window_days:g}-day SLO. Choose fixed dates or a shorter window."
            )
        return tuple(out)

    def explain(self, system: str) -> dict[str, Explanation]:
        """How the SLO figures of ``system``'s last window are computed.

        Parameters
        ----------
        system : str
            A system of the report.

        Returns
        -------
        dict of str to Explanation
            ``budget_remaining_hours``, ``budget_used``, ``burn_rate`` and ``compliance``.
        """
        if system not in self.summary.index:
            raise InputError(f"`system` {system!r} is not in the SLO report")
        last = self.windows[self.windows["system"] == system].iloc[-1]
        s = cast(pd.Series, self.summary.loc[system])
        L, D, T = float(last["hours"]), float(last["downtime_hours"]), self.target
        step = min(self.step_hours, L)
        Ds = float(last["burn_rate"]) * (1.0 - T) * step
        n, c = float(s["windows"]), float(s["compliant_windows"])
        end = pd.Timestamp(last["window_end"]).strftime("%Y-%m-%d %H:%M UTC")
        where = f"the window ending {end} ({L / 24:g} days)"
        return {
            "budget_remaining_hours": Explanation(
                "Error budget remaining",
                float(last["budget_remaining_hours"]),
                r"B - D = (1 - T)\,L - D",
                rf"(1 - {latex_number(T)}) \times {latex_number(L)} - {latex_number(D)}",
                {"T": T, "L": L, "D": D},
                "(1 - T) * L - D",
                f"Hours of downtime still allowed in {where}; negative when overspent. D is the "
                "merged downtime inside the window (outages clipped to its edges).",
                _REFERENCE,
                unit="h",
            ),
            "budget_used": Explanation(
                "Error budget used",
                float(last["budget_used"]),
                r"\frac{D}{(1 - T)\,L}",
                rf"\frac{{{latex_number(D)}}}{{(1 - {latex_number(T)}) \times {latex_number(L)}}}",
                {"T": T, "L": L, "D": D},
                "D / ((1 - T) * L)",
                f"Share of the budget of {where} spent; above 1 the SLO is broken.",
                _REFERENCE,
            ),
            "burn_rate": Explanation(
                "Burn rate (last step)",
                float(last["burn_rate"]),
                r"\frac{D_s / s}{1 - T}",
                rf"\frac{{{latex_number(Ds)} / {latex_number(step)}}}{{1 - {latex_number(T)}}}",
                {"D_s": Ds, "s": step, "T": T},
                "(D_s / s) / (1 - T)",
                f"Downtime rate over the last {step:g} h of {where}, relative to the rate that "
                "spends exactly the whole budget over a window; 1 = on budget.",
                _REFERENCE,
            ),
            "compliance": Explanation(
                "SLO compliance",
                float(s["compliance"]),
                r"\frac{\#\{\text{windows with } D \le (1 - T)\,L\}}{\#\{\text{windows}\}}",
                rf"\frac{{{latex_number(c)}}}{{{latex_number(n)}}}",
                {"compliant": c, "windows": n},
                "compliant / windows",
                f"Trailing {self.window_days:g}-day windows evaluated every "
                f"{self.step_hours:g} h; {self.observation}.",
                _REFERENCE,
            ),
        }


def _cumulative(starts: np.ndarray, ends: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Downtime (ns) from the first outage up to each time ``t``, for sorted disjoint outages."""
    durations = ends - starts
    before = np.concatenate(([0], np.cumsum(durations)))
    idx = np.searchsorted(starts, t, side="right")  # outages starting at or before t
    prev = np.maximum(idx - 1, 0)
    partial = np.where(idx > 0, np.clip(t - starts[prev], 0, durations[prev]), 0)
    return before[prev] + partial if len(starts) else np.zeros_like(t)


def _check_target(target: float | None, target_percent: float | None) -> float:
    """The target as a fraction, from exactly one of ``target`` and ``target_percent``."""
    if (target is None) == (target_percent is None):
        raise InputError(
            "give the SLO target once: `target` as a fraction (0.999) or `target_percent` as a "
            "percentage (99.9)"
        )
    if target_percent is not None:
        percent = as_float(target_percent, "target_percent")
        if not 0.0 < percent < 100.0:
            raise InputError(
                "`target_percent` must be a percentage strictly between 0 and 100 (99.9 is "
                f"three nines), got {percent:.10g}"
            )
        return percent / 100.0
    value = as_float(target, "target")
    if not 0.0 < value < 1.0:
        raise InputError(
            f"`target` must be an availability strictly between 0 and 1 (0.999 = 99.9 %), "
            f"got {value:.10g} ({value * 100:.10g} %)"
        )
    return value


def slo_report(
    incidents: pd.DataFrame,
    *,
    target: float | None = None,
    target_percent: float | None = None,
    window_days: float = 30.0,
    step_hours: float = 24.0,
    observation: Observation = "system",
    zero_length: str = "keep",
) -> SloReport:
    r"""Rolling-window SLO compliance, error budget and burn rate of every system.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The table :func:`ftmath.read_incidents` returns.
    target : float, optional
        Availability objective in (0, 1), e.g. 0.999.
    target_percent : float, optional
        The same objective as a percentage in (0, 100), e.g. 99.9; give exactly one of
        ``target`` and ``target_percent``.
    window_days : float, optional
        Length of the rolling window in days, from 1/24 (one hour) to 3,660 (30 by default).
    step_hours : float, optional
        Evaluation step: a trailing window ends at every multiple of the step since the Unix
        epoch (each UTC midnight by default) inside the observation; it is also the span of
        the burn rate.
    observation : {"system", "log"} or (start, end), optional
        Observation window, as in :func:`ftmath.incident_statistics`.
    zero_length : {"keep", "drop"}, optional
        As in :func:`ftmath.incident_statistics`.

    Returns
    -------
    SloReport
        ``.windows``, ``.summary``, ``.breaches``, ``.monthly`` and ``.explain(system)``.

    Notes
    -----
    For a window of length :math:`L` with merged downtime :math:`D` and target :math:`T`:
    availability :math:`1 - D / L`, budget :math:`B = (1 - T) L`, budget used :math:`D / B`,
    burn rate :math:`(D_s / s) / (1 - T)` over the last step :math:`s`. Downtime in a window
    is a difference of the cumulative downtime function, so an outage spanning a window edge
    counts only its part inside the window [1]_. When a system's observation is shorter than
    one window, its single window is the whole observation (``partial``).

    Examples
    --------
    One 3-hour outage in a 30-day month at 99.9 % (budget 43.2 minutes):

    >>> from ftmath import read_incidents
    >>> log = read_incidents(b"start,end,system\n2024-04-10 00:00,2024-04-10 03:00,api\n")
    >>> report = slo_report(log, target=0.999, observation=("2024-04-01", "2024-05-01"))
    >>> row = report.windows.iloc[-1]
    >>> round(float(row["budget_hours"]), 6), round(float(row["budget_used"]), 6)
    (0.72, 4.166667)
    >>> bool(row["compliant"])
    False

    The target may be given as a percentage, as a form field holds it:

    >>> slo_report(log, target_percent=99.9).target
    0.999
    """
    T = _check_target(target, target_percent)
    days = as_float(window_days, "window_days")
    step = as_float(step_hours, "step_hours")
    if not 1.0 / 24.0 <= days <= 3660.0:
        raise InputError(
            "`window_days` must be between 1/24 (one hour) and 3,660 days (ten years), "
            f"got {days:.10g}"
        )
    if not 1.0 / 60.0 <= step <= days * 24.0:
        raise InputError(
            f"`step_hours` must be between one minute and the window ({days * 24:g} h), "
            f"got {step_hours!r}"
        )
    merged = _merge(incidents, observation=observation, zero_length=zero_length)
    window_ns = int(round(days * 24 * _NS_PER_HOUR))
    step_ns = int(round(step * _NS_PER_HOUR))
    bounds = np.searchsorted(merged.codes, np.arange(len(merged.systems) + 1))
    spans = np.maximum(merged.window_end - merged.window_start - window_ns, 0)
    evaluations = int((spans // step_ns + 1).sum())
    if evaluations > MAX_WINDOWS:
        raise ComputationLimitError(
            f"{evaluations:,} windows to evaluate (systems x steps) is more than "
            f"{MAX_WINDOWS:,}: choose a longer `step_hours` or fewer systems"
        )
    frames, months = [], []
    for code, system in enumerate(merged.systems):
        lo, hi = bounds[code], bounds[code + 1]
        starts, ends = merged.starts[lo:hi], merged.ends[lo:hi]
        ws, we = int(merged.window_start[code]), int(merged.window_end[code])
        first = -((-(ws + window_ns)) // step_ns) * step_ns  # ceil to the step grid
        if we <= ws:
            continue
        if first <= we:
            t_end = np.arange(first, we + 1, step_ns, dtype=np.int64)
            t_start = t_end - window_ns
            partial = np.zeros(len(t_end), dtype=bool)
        else:
            t_end, t_start = np.array([we]), np.array([ws])
            partial = np.array([True])
        lengths = t_end - t_start
        c_end = _cumulative(starts, ends, t_end)
        down = c_end - _cumulative(starts, ends, t_start)
        s_from = np.maximum(t_end - step_ns, t_start)
        down_step = c_end - _cumulative(starts, ends, s_from)
        frames.append(
            pd.DataFrame(
                {
                    "system": system,
                    "window_start": t_start,
                    "window_end": t_end,
                    "partial": partial,
                    "hours": lengths / _NS_PER_HOUR,
                    "downtime_hours": down / _NS_PER_HOUR,
                    "step_hours": (t_end - s_from) / _NS_PER_HOUR,
                    "step_downtime_hours": down_step / _NS_PER_HOUR,
                }
            )
        )
        month_edges = pd.date_range(
            pd.Timestamp(ws, unit="ns", tz="UTC").floor("D").replace(day=1),
            pd.Timestamp(we, unit="ns", tz="UTC"),
            freq="MS",
        )
        m0 = np.asarray(month_edges.as_unit("ns").asi8, dtype=np.int64)
        m1 = np.asarray((month_edges + pd.offsets.MonthBegin(1)).as_unit("ns").asi8, dtype=np.int64)
        a, b = np.maximum(m0, ws), np.minimum(m1, we)
        keep = b > a
        a, b, m0 = a[keep], b[keep], m0[keep]
        m_down = _cumulative(starts, ends, b) - _cumulative(starts, ends, a)
        months.append(
            pd.DataFrame(
                {
                    "system": system,
                    "month": pd.to_datetime(m0, unit="ns", utc=True),
                    "covered_hours": (b - a) / _NS_PER_HOUR,
                    "downtime_hours": m_down / _NS_PER_HOUR,
                }
            )
        )
    if not frames:
        raise InputError(
            "no system has an observation window of positive length: give a fixed window"
        )
    windows = pd.concat(frames, ignore_index=True)
    windows["window_start"] = pd.to_datetime(windows["window_start"], unit="ns", utc=True)
    windows["window_end"] = pd.to_datetime(windows["window_end"], unit="ns", utc=True)
    windows["availability"] = 1.0 - windows["downtime_hours"] / windows["hours"]
    windows["budget_hours"] = (1.0 - T) * windows["hours"]
    windows["budget_used"] = windows["downtime_hours"] / windows["budget_hours"]
    windows["budget_remaining_hours"] = windows["budget_hours"] - windows["downtime_hours"]
    windows["burn_rate"] = (windows["step_downtime_hours"] / windows["step_hours"]) / (1.0 - T)
    windows["compliant"] = windows["downtime_hours"] <= windows["budget_hours"] * (1 + 1e-12)
    windows = windows.drop(columns=["step_hours", "step_downtime_hours"])
    monthly = pd.concat(months, ignore_index=True)
    monthly["availability"] = 1.0 - monthly["downtime_hours"] / monthly["covered_hours"]
    monthly["meets_target"] = monthly["downtime_hours"] <= (1.0 - T) * monthly["covered_hours"] * (
        1 + 1e-12
    )
    summary = _summary(windows, merged, T)
    return SloReport(
        target=T,
        window_days=days,
        step_hours=step,
        windows=windows,
        summary=summary,
        breaches=_breaches(windows),
        monthly=monthly,
        observation=_window_words(observation),
    )


def _summary(windows: pd.DataFrame, merged: _Merged, target: float) -> pd.DataFrame:
    grouped = windows.groupby("system", sort=False)
    last = grouped.tail(1).set_index("system")
    worst = windows.loc[grouped["availability"].idxmin()].set_index("system")
    summary = pd.DataFrame(
        {
            "windows": grouped.size(),
            "compliant_windows": grouped["compliant"].sum().astype(int),
        }
    )
    summary["compliance"] = summary["compliant_windows"] / summary["windows"]
    summary["worst_availability"] = worst["availability"]
    summary["worst_window_end"] = worst["window_end"]
    summary["last_window_end"] = last["window_end"]
    summary["last_availability"] = last["availability"]
    summary["last_budget_used"] = last["budget_used"]
    summary["last_budget_remaining_hours"] = last["budget_remaining_hours"]
    summary["last_burn_rate"] = last["burn_rate"]
    m = merged
    W = (m.window_end - m.window_start) / _NS_PER_HOUR
    D = np.bincount(m.codes, weights=(m.ends - m.starts) / _NS_PER_HOUR, minlength=len(m.systems))
    observed = pd.DataFrame(
        {
            "observed_hours": W,
            "observed_downtime_hours": D,
        },
        index=pd.Index(m.systems, name="system"),
    )
    observed["observed_availability"] = 1.0 - observed["observed_downtime_hours"] / observed[
        "observed_hours"
    ].where(observed["observed_hours"] > 0)
    observed["observed_budget_hours"] = (1.0 - target) * observed["observed_hours"]
    observed["observed_budget_used"] = observed["observed_downtime_hours"] / observed[
        "observed_budget_hours"
    ].where(observed["observed_budget_hours"] > 0)
    summary.index.name = "system"
    return summary.join(observed, how="left")


def _breaches(windows: pd.DataFrame) -> pd.DataFrame:
    bad = ~windows["compliant"].to_numpy()
    systems = windows["system"].to_numpy()
    starts_run = bad & np.concatenate(([True], ~bad[:-1] | (systems[1:] != systems[:-1])))
    run_id = np.cumsum(starts_run)
    rows = windows[bad].assign(run=run_id[bad])
    columns = [
        "system",
        "first_window_start",
        "last_window_end",
        "windows",
        "worst_availability",
        "worst_window_end",
        "peak_burn_rate",
    ]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    grouped = rows.groupby("run", sort=True)
    worst = rows.loc[grouped["availability"].idxmin()].set_index("run")
    out = pd.DataFrame(
        {
            "system": grouped["system"].first(),
            "first_window_start": grouped["window_start"].first(),
            "last_window_end": grouped["window_end"].last(),
            "windows": grouped.size(),
            "worst_availability": worst["availability"],
            "worst_window_end": worst["window_end"],
            "peak_burn_rate": grouped["burn_rate"].max(),
        }
    )
    return out.reset_index(drop=True)[columns]


def incident_report_markdown(
    stats: IncidentStats,
    report: SloReport | None = None,
    *,
    source: str = "",
    system: str | None = None,
) -> str:
    r"""The statistics and the SLO report as one Markdown document, every name escaped.

    Parameters
    ----------
    stats : IncidentStats
        From :func:`ftmath.incident_statistics`.
    report : SloReport, optional
        From :func:`slo_report`; its summary and breaches are appended.
    source : str, optional
        Where the log came from (a file name), written in the heading.
    system : str, optional
        Only this system (and the pooled row) in the tables.

    Returns
    -------
    str
        Markdown text: the statistics, what each column means, the SLO summary, the
        windows that broke the SLO, and how the headline numbers of ``system`` (or of the
        pooled row) are computed.

    Examples
    --------
    >>> from ftmath import incident_statistics, read_incidents
    >>> log = read_incidents(b"start,end,system\n2024-01-01 00:00,2024-01-01 01:00,a|b\n")
    >>> text = incident_report_markdown(incident_statistics(log), source="log.csv")
    >>> "a\\|b" in text and text.startswith("# Incidents")
    True
    """
    table = stats.table
    if system is not None:
        stats.row(system)
        table = table.loc[[s for s in (system, ALL_SYSTEMS) if s in table.index]]
    heading = "# Incidents and SLO report" + (f": {escape_markdown(source)}" if source else "")
    lines = [
        heading,
        "",
        f"Observation: {stats.observation}. Zero-length incidents: {stats.zero_length}. "
        "Times in UTC; durations in hours.",
        "",
        "## Statistics",
        "",
        markdown_table(_printable(table.drop(columns=["why_na"])), index=True),
        "",
        "### Definitions",
        "",
        *[f"- **{name}**: {escape_markdown(text)}" for name, text in stats.definitions.items()],
    ]
    reasons = table["why_na"][table["why_na"] != ""]
    if len(reasons):
        lines += ["", "### n/a", ""]
        lines += [f"- {escape_markdown(s)}: {escape_markdown(r)}" for s, r in reasons.items()]
    if len(stats.excluded):
        lines += [
            "",
            "### Records left out",
            "",
            markdown_table(_printable(stats.excluded)),
        ]
    if report is not None:
        summary = report.summary
        breaches = report.breaches
        if system is not None and system in summary.index:
            summary = summary.loc[[system]]
            breaches = breaches[breaches["system"] == system]
        lines += [
            "",
            "## SLO",
            "",
            f"Target availability {report.target:.6g} over rolling {report.window_days:g}-day "
            f"windows, evaluated every {report.step_hours:g} h. Budget used above 1 means the "
            "SLO was broken; burn rate is over the last step of each window.",
            "",
            markdown_table(_printable(summary), index=True),
            "",
            "### Windows that broke the SLO",
            "",
            markdown_table(_printable(breaches)) if len(breaches) else "None.",
        ]
    # The explanations of the headline numbers this report contains (formula, values, source).
    shown = system if system is not None else ALL_SYSTEMS
    explained = list(stats.explain(shown).values())
    if report is not None and shown in report.summary.index:
        explained += list(report.explain(shown).values())
    lines += ["", f"## How the numbers are computed ({escape_markdown(shown)})", ""]
    lines += [e.to_markdown() + "\n" for e in explained]
    return "\n".join(lines) + "\n"


def _printable(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.strftime("%Y-%m-%d %H:%M")
    return out
