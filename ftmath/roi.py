"""Is a fault-tolerance investment worth it: avoided downtime cost, NPV, IRR, payback, ROI.

The model a finance reviewer expects (and that the seed document got wrong):

- Failures per year ``f = H / (MTBF + MTTR)`` (MTBF is the mean *up* time between failures, so
  one failure cycle lasts MTBF + MTTR), availability ``A = MTBF / (MTBF + MTTR)`` and downtime
  per year ``f * MTTR = H * (1 - A)``.
- Annual downtime cost ``f * (MTTR * cost_per_hour + cost_per_incident)``, today and with the
  investment; ``annual_savings`` is the difference (gross, before the investment's own
  operating cost).
- Cash flows: ``-capex`` at t = 0, then ``annual_savings - opex_per_year`` at the end of each
  year. Operating cost is counted once, in the flows, never inside the up-front cost as well.
- NPV at the discount rate; IRR only where it is defined; payback undiscounted and discounted;
  ROI on total cost of ownership.

Sensitivity (each input moved by +-20 %, for a tornado chart) and break-even values (the input
value at which NPV = 0, solved with :func:`scipy.optimize.brentq`) are here too, with a
builder for the cost of an hour of downtime. The Monte Carlo lives in
:mod:`ftmath.roi_uncertainty`; exports in :mod:`ftmath.roi_report`.

References
----------
.. [1] R. A. Brealey, S. C. Myers and F. Allen, *Principles of Corporate Finance*, 13th ed.,
   McGraw-Hill, 2020: ch. 2 (present value, NPV), ch. 5 (IRR, payback, discounted payback).
.. [2] M. Rausand and A. Høyland, *System Reliability Theory*, 2nd ed., Wiley, 2004, sec. 1.3
   (MTBF = MTTF + MTTR for a repairable item) and ch. 13 (availability of repairable items).
.. [3] numpy-financial 1.0: ``npv`` (the first flow is at t = 0, undiscounted) and ``irr``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy_financial as npf
import pandas as pd
from scipy import optimize

from ftmath._validate import as_float, check_positive, check_probability
from ftmath.errors import InputError
from ftmath.explain import Explanation, latex_number
from ftmath.reliability import HOURS_PER_YEAR, HOURS_RANGE

__all__ = [
    "DISCOUNT_RATE_RANGE",
    "DOWNTIME_COST_REFERENCES",
    "MAX_IRR",
    "MAX_MONEY",
    "MAX_YEARS",
    "ROI_INPUTS",
    "ROI_DEFAULTS",
    "SENSITIVITY_INPUTS",
    "BREAK_EVEN_INPUTS",
    "BreakEven",
    "DowntimeCost",
    "DowntimeCostReference",
    "RoiResult",
    "break_even",
    "check_roi_inputs",
    "downtime_cost_per_hour",
    "mtbf_mttr_from_figures",
    "roi",
    "roi_sensitivity",
]

MAX_YEARS = 100
"""Longest horizon accepted (years)."""


MAX_MONEY = 1e15
"""Largest amount of money accepted, in any currency."""

DISCOUNT_RATE_RANGE = (-0.5, 10.0)
"""Discount rates accepted (fractions per year): -50 % to 1,000 %."""

ROI_INPUTS: dict[str, str] = {
    "cost_per_hour": "Cost of an hour of downtime",
    "mtbf_hours_now": "MTBF today (h)",
    "mttr_hours_now": "MTTR today (h)",
    "mtbf_hours_target": "MTBF with the investment (h)",
    "mttr_hours_target": "MTTR with the investment (h)",
    "capex": "Up-front cost (capex)",
    "opex_per_year": "Operating cost per year (opex)",
    "cost_per_incident": "Fixed cost per incident",
    "years": "Horizon (years)",
    "discount_rate": "Discount rate (per year)",
    "hours_per_year": "Hours per year",
}
"""The keyword arguments of :func:`roi`, with the label a page or export shows for each."""


def input_words(name: str) -> str:
    """The label of an ROI input inside a sentence: lower case, acronyms kept (MTBF, MTTR).

    Examples
    --------
    >>> input_words("mtbf_hours_now"), input_words("capex")
    ('MTBF today (h)', 'up-front cost (capex)')
    """
    label = ROI_INPUTS[name]
    first, _, rest = label.partition(" ")
    return label if first.isupper() else f"{first.lower()} {rest}".rstrip()


ROI_DEFAULTS: dict[str, float] = {
    "opex_per_year": 0.0,
    "cost_per_incident": 0.0,
    "years": 3,
    "discount_rate": 0.0,
    "hours_per_year": HOURS_PER_YEAR,
}
"""Defaults of the optional arguments of :func:`roi`."""

_REQUIRED = (
    "cost_per_hour",
    "mtbf_hours_now",
    "mttr_hours_now",
    "mtbf_hours_target",
    "mttr_hours_target",
    "capex",
)
_HOURS = ("mtbf_hours_now", "mttr_hours_now", "mtbf_hours_target", "mttr_hours_target")
_MONEY = ("cost_per_hour", "capex", "opex_per_year", "cost_per_incident")


def _whole_years(value: Any) -> int:
    number = as_float(value, "years")
    if number != math.floor(number) or not 1 <= number <= MAX_YEARS:
        raise InputError(f"`years` must be a whole number from 1 to {MAX_YEARS}, got {value}")
    return int(number)


def check_roi_inputs(inputs: Mapping[str, Any]) -> dict[str, float]:
    """Validate the inputs of :func:`roi` and fill in the defaults.

    Parameters
    ----------
    inputs : mapping
        The keyword arguments of :func:`roi` by name.

    Returns
    -------
    dict of str to float
        Every input of :func:`roi` (``years`` as a whole number), validated.

    Raises
    ------
    InputError
        For an unknown or missing name, non-positive hours, negative costs, ``years`` outside
        1 to 100, or a discount rate of -100 % or below.

    Examples
    --------
    >>> check_roi_inputs({"cost_per_hour": 1, "mtbf_hours_now": 10, "mttr_hours_now": 1,
    ...                   "mtbf_hours_target": 20, "mttr_hours_target": 1, "capex": 0})["years"]
    3
    >>> check_roi_inputs({"cost_per_hour": 1})
    Traceback (most recent call last):
    ...
    ftmath.errors.InputError: `mtbf_hours_now` is missing; give a number
    """
    if not isinstance(inputs, Mapping):
        raise InputError("the ROI inputs must be a mapping of names to numbers")
    unknown = sorted(set(inputs) - set(ROI_INPUTS), key=str)
    if unknown:
        raise InputError(f"`{unknown[0]}` is not an ROI input; accepted: {', '.join(ROI_INPUTS)}")
    for name in _REQUIRED:
        if name not in inputs or inputs[name] is None:
            raise InputError(f"`{name}` is missing; give a number")
    values: dict[str, Any] = {**ROI_DEFAULTS, **inputs}
    clean: dict[str, Any] = {}
    for name in _HOURS:
        hours = check_positive(values[name], name)
        if not HOURS_RANGE[0] <= hours <= HOURS_RANGE[1]:
            raise InputError(
                f"`{name}` must be from {HOURS_RANGE[0]:g} h (3.6 ms) to {HOURS_RANGE[1]:g} h, "
                f"got {hours:g}"
            )
        clean[name] = hours
    for name in _MONEY:
        money = check_positive(values[name], name, allow_zero=True)
        if money > MAX_MONEY:
            raise InputError(f"`{name}` must be at most {MAX_MONEY:g}, got {money:g}")
        clean[name] = money
    clean["years"] = _whole_years(values["years"])
    rate = as_float(values["discount_rate"], "discount_rate")
    if not DISCOUNT_RATE_RANGE[0] <= rate <= DISCOUNT_RATE_RANGE[1]:
        raise InputError(
            f"`discount_rate` must be a fraction per year from {DISCOUNT_RATE_RANGE[0]:g} to "
            f"{DISCOUNT_RATE_RANGE[1]:g} (0.08 for 8 %), got {rate:g}"
        )
    clean["discount_rate"] = rate
    year = check_positive(values["hours_per_year"], "hours_per_year")
    if year > 8784:
        raise InputError(f"`hours_per_year` must be at most 8784 (a leap year), got {year:g}")
    clean["hours_per_year"] = year
    return {name: clean[name] for name in ROI_INPUTS}


def mtbf_mttr_from_figures(
    figures: Mapping[str, Any], *, mttr_hours: float | None = None
) -> tuple[float, float]:
    """MTBF and MTTR from a component's figures, as other pages hand them over.

    Parameters
    ----------
    figures : mapping
        ``mtbf_hours`` with ``mttr_hours``; or ``availability`` (or ``unavailability``), with
        ``mttr_hours`` in ``figures`` or given here.
    mttr_hours : float, optional
        The repair time to pair with an availability that comes without one (the user's own
        MTTR, typically).

    Returns
    -------
    (float, float)
        MTBF and MTTR in hours.

    Notes
    -----
    From ``A = MTBF / (MTBF + MTTR)``: ``MTBF = MTTR * A / (1 - A)``, computed from the
    unavailability ``U = 1 - A`` as ``MTTR * (1 - U) / U`` so that many nines keep their
    precision. An availability alone fixes only the ratio of MTBF to MTTR, hence the MTTR.

    Examples
    --------
    >>> mtbf_mttr_from_figures({"mtbf_hours": 1000, "mttr_hours": 2})
    (1000.0, 2.0)
    >>> mtbf_mttr_from_figures({"availability": 0.999}, mttr_hours=1)
    (999.0, 1.0)
    """
    if not isinstance(figures, Mapping):
        raise InputError("the component's figures must be a mapping")
    repair = figures.get("mttr_hours", mttr_hours)
    if "mtbf_hours" in figures:
        if repair is None:
            raise InputError("the component gives `mtbf_hours` but no `mttr_hours`")
        return (check_positive(figures["mtbf_hours"], "mtbf_hours"),
                check_positive(repair, "mttr_hours"))  # fmt: skip
    if "unavailability" in figures:
        u = check_probability(figures["unavailability"], "unavailability")
    elif "availability" in figures:
        u = 1.0 - check_probability(figures["availability"], "availability")
    else:
        raise InputError(
            "the component gives neither `mtbf_hours` with `mttr_hours` nor an `availability`"
        )
    if repair is None:
        raise InputError("an availability alone does not fix MTBF: give an MTTR to pair it with")
    r = check_positive(repair, "mttr_hours")
    if u <= 0.0:
        raise InputError("the component never fails (availability 1): it has no finite MTBF")
    if u >= 1.0:
        raise InputError("the component never works (availability 0): it has no MTBF")
    return r * (1.0 - u) / u, r


# --- the result --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoiResult:
    """The investment case: downtime cost today and with the investment, and what it is worth.

    Attributes
    ----------
    inputs : dict of str to float
        The validated inputs (every keyword argument of :func:`roi`).
    failures_per_year_now, failures_per_year_target : float
        ``H / (MTBF + MTTR)``.
    availability_now, availability_target : float
        ``MTBF / (MTBF + MTTR)``.
    downtime_hours_per_year_now, downtime_hours_per_year_target : float
        ``failures per year * MTTR``.
    annual_cost_now, annual_cost_target : float
        ``failures per year * (MTTR * cost_per_hour + cost_per_incident)``.
    annual_savings : float
        ``annual_cost_now - annual_cost_target``: gross avoided downtime cost per year, before
        opex (negative when the investment makes downtime costlier).
    net_annual_benefit : float
        ``annual_savings - opex_per_year``: the cash flow of each year.
    cash_flows : tuple of float
        ``-capex`` at t = 0, then ``net_annual_benefit`` for each year.
    npv : float
        Net present value of ``cash_flows`` at the discount rate.
    irr : float or None
        Internal rate of return; ``None`` where it is not defined (see ``reasons``).
    payback_years : float or None
        ``capex / net_annual_benefit``; 0 when capex is 0; ``None`` when the net benefit is not
        positive. May exceed the horizon (``payback_within_horizon`` says).
    discounted_payback_years : float or None
        When the cumulative discounted cash flow first reaches 0 (linear within the year);
        ``None`` if it does not within the horizon.
    tco : float
        Total cost of ownership ``capex + years * opex_per_year``.
    roi : float or None
        ``(years * annual_savings - tco) / tco`` as a fraction; ``None`` when ``tco`` is 0.
    warnings : tuple of str
        Things the user should know that are not errors (a target worse than today).
    reasons : dict of str to str
        Why a ``None`` figure is not defined, by attribute name.
    """

    inputs: Mapping[str, float]
    failures_per_year_now: float
    failures_per_year_target: float
    availability_now: float
    availability_target: float
    downtime_hours_per_year_now: float
    downtime_hours_per_year_target: float
    annual_cost_now: float
    annual_cost_target: float
    annual_savings: float
    net_annual_benefit: float
    cash_flows: tuple[float, ...]
    npv: float
    irr: float | None
    payback_years: float | None
    discounted_payback_years: float | None
    tco: float
    roi: float | None
    warnings: tuple[str, ...] = ()
    reasons: Mapping[str, str] = field(default_factory=dict)

    @property
    def payback_within_horizon(self) -> bool:
        """Whether the undiscounted payback falls within the horizon."""
        return self.payback_years is not None and self.payback_years <= self.inputs["years"]

    def table(self) -> pd.DataFrame:
        """The year-by-year cash flows.

        Returns
        -------
        pandas.DataFrame
            One row per year (0 is the up-front cost) with columns ``year``, ``cash_flow``,
            ``discount_factor`` (``(1 + r) ** -t``), ``present_value``, ``cumulative`` and
            ``cumulative_present_value``.
        """
        flows = np.array(self.cash_flows)
        years = np.arange(len(flows))
        factor = (1.0 + self.inputs["discount_rate"]) ** -years.astype(float)
        present = flows * factor
        return pd.DataFrame(
            {
                "year": years,
                "cash_flow": flows,
                "discount_factor": factor,
                "present_value": present,
                "cumulative": np.cumsum(flows),
                "cumulative_present_value": np.cumsum(present),
            }
        )

    def explain(self) -> dict[str, Explanation]:
        """How each headline number is computed, with the actual inputs.

        Returns
        -------
        dict of str to Explanation
            Keys ``annual_savings``, ``npv``, ``irr``, ``payback_years``,
            ``discounted_payback_years``, ``roi``, ``availability_now``,
            ``availability_target``.

        Examples
        --------
        >>> r = roi(cost_per_hour=1000, mtbf_hours_now=100, mttr_hours_now=4,
        ...         mtbf_hours_target=400, mttr_hours_target=4, capex=1000)
        >>> e = r.explain()["annual_savings"]
        >>> round(e.recompute(), 6) == round(r.annual_savings, 6)
        True
        """
        return _explanations(self)


def roi(
    *,
    cost_per_hour: float,
    mtbf_hours_now: float,
    mttr_hours_now: float,
    mtbf_hours_target: float,
    mttr_hours_target: float,
    capex: float,
    opex_per_year: float = 0.0,
    cost_per_incident: float = 0.0,
    years: int = 3,
    discount_rate: float = 0.0,
    hours_per_year: float = HOURS_PER_YEAR,
) -> RoiResult:
    """The value of an investment that changes MTBF and MTTR: savings, NPV, IRR, payback, ROI.

    Parameters
    ----------
    cost_per_hour : float
        What an hour of downtime costs (>= 0).
    mtbf_hours_now, mttr_hours_now : float
        Mean up time between failures and mean time to repair today, in hours (> 0).
    mtbf_hours_target, mttr_hours_target : float
        The same with the investment (> 0). A target worse than today is allowed (a cost
        cut) and gives a warning in ``warnings``.
    capex : float
        Up-front cost, paid at t = 0 (>= 0).
    opex_per_year : float, optional
        The investment's operating cost per year (>= 0), paid at the end of each year.
    cost_per_incident : float, optional
        A fixed cost of each failure on top of its duration (>= 0): call-outs, credits.
    years : int, optional
        Horizon in whole years, 1 to 100.
    discount_rate : float, optional
        Yearly discount rate as a fraction (0.08 for 8 %), from -0.5 to 10.
    hours_per_year : float, optional
        Hours in a year (8,760 for 365 days; at most 8,784).

    Returns
    -------
    RoiResult
        With ``.annual_savings``, ``.npv``, ``.irr``, ``.payback_years``, ``.roi`` and more.

    Raises
    ------
    InputError
        For non-positive hours, negative costs, ``years`` < 1 and the like.

    Notes
    -----
    With ``H`` hours per year, for each scenario ``f = H / (MTBF + MTTR)`` failures per year
    cost ``f (MTTR c_h + c_i)``. Cash flows are ``CF_0 = -capex`` and
    ``CF_t = S - opex`` for t = 1..n (end of year). Then

    - ``NPV = sum_t CF_t / (1 + r)^t`` [1]_ (``numpy_financial.npv``, which leaves the t = 0
      flow undiscounted);
    - IRR is the rate with NPV = 0, defined here only for a conventional investment (an
      outflow followed by inflows: ``capex > 0`` and ``S - opex > 0``), where it is unique
      [1]_ (``numpy_financial.irr``, checked, with :func:`scipy.optimize.brentq` as fallback);
    - payback ``capex / (S - opex)`` assumes the benefit accrues evenly over each year; the
      discounted payback interpolates linearly within the year in which the cumulative
      discounted cash flow turns non-negative, so at r = 0 both agree [1]_;
    - ``ROI = (n S - TCO) / TCO`` with ``TCO = capex + n opex``: undiscounted, on total cost
      of ownership.

    Examples
    --------
    The worked example of issue 7 (cost 10,000 per hour; MTBF 500 h -> 2,000 h; MTTR 4 h ->
    2 h; capex 150,000; opex 20,000 a year; 3 years at 8 %):

    >>> r = roi(cost_per_hour=10_000, mtbf_hours_now=500, mttr_hours_now=4,
    ...         mtbf_hours_target=2000, mttr_hours_target=2, capex=150_000,
    ...         opex_per_year=20_000, years=3, discount_rate=0.08)
    >>> round(r.annual_savings, 2), round(r.npv, 2)
    (607725.61, 1364625.89)
    >>> round(r.payback_years, 6), round(r.irr, 5)
    (0.255221, 3.88455)
    """
    values = check_roi_inputs(
        {
            "cost_per_hour": cost_per_hour,
            "mtbf_hours_now": mtbf_hours_now,
            "mttr_hours_now": mttr_hours_now,
            "mtbf_hours_target": mtbf_hours_target,
            "mttr_hours_target": mttr_hours_target,
            "capex": capex,
            "opex_per_year": opex_per_year,
            "cost_per_incident": cost_per_incident,
            "years": years,
            "discount_rate": discount_rate,
            "hours_per_year": hours_per_year,
        }
    )
    return _roi(values)


def _scenario(values: Mapping[str, float], which: str) -> tuple[float, float, float, float]:
    """Failures per year, availability, downtime hours per year and cost per year."""
    mtbf, mttr = values[f"mtbf_hours_{which}"], values[f"mttr_hours_{which}"]
    cycle = mtbf + mttr
    failures = values["hours_per_year"] / cycle
    cost = failures * (mttr * values["cost_per_hour"] + values["cost_per_incident"])
    return failures, mtbf / cycle, failures * mttr, cost


def _npv(rate: float, flows: np.ndarray) -> float:
    return float(npf.npv(rate, flows))


MAX_IRR = 1e6
"""Largest IRR reported (100,000,000 % a year); above it the up-front cost is negligible."""


def _scaled_terms(growth: float, flows: np.ndarray) -> np.ndarray:
    """Present values at ``r = exp(growth) - 1``, all scaled by one positive factor.

    For growth >= 0 they are the present values (factors ``exp(-t g)`` underflow quietly);
    below, they are multiplied by ``(1 + r)^n`` so that no factor exceeds 1. Their sum has the
    sign and the roots of the NPV, finite for every rate above -1.
    """
    t = np.arange(len(flows), dtype=float)
    if growth >= 0.0:
        return flows * np.exp(-t * growth)
    return flows * np.exp((t[-1] - t) * growth)


def _npv_sign(growth: float, flows: np.ndarray) -> float:
    return float(np.sum(_scaled_terms(growth, flows)))


_IRR_GROWTH = (math.log(1e-6), math.log1p(MAX_IRR))


def _irr(flows: np.ndarray) -> float | None:
    """IRR of a conventional cash flow (one outflow, then inflows): unique, above -1.

    Solved for ``g = log(1 + IRR)``, so rates near -100 % keep their relative precision.
    ``None`` when the IRR exceeds :data:`MAX_IRR` or is within 1e-6 of -1 (-100 %), where a
    float rate no longer holds ``1 + IRR`` precisely.
    """
    low, high = _IRR_GROWTH
    if _npv_sign(high, flows) > 0.0 or _npv_sign(low, flows) <= 0.0:
        return None
    with np.errstate(all="ignore"):
        guess = float(npf.irr(flows))
    if math.isfinite(guess) and -1.0 < guess <= MAX_IRR:
        terms = _scaled_terms(math.log1p(guess), flows)
        if abs(terms.sum()) <= 1e-12 * np.abs(terms).sum():
            return guess
    root = optimize.brentq(_npv_sign, low, high, args=(flows,), xtol=1e-15, rtol=1e-15)
    return math.expm1(root)


def _discounted_payback(flows: np.ndarray, rate: float) -> float | None:
    if flows[0] >= 0.0:
        return 0.0
    present = flows * (1.0 + rate) ** -np.arange(len(flows), dtype=float)
    cumulative = np.cumsum(present)
    reached = np.flatnonzero(cumulative >= 0.0)
    if reached.size == 0:
        return None
    t = int(reached[0])
    return float((t - 1) + (-cumulative[t - 1]) / present[t])


def _roi(values: Mapping[str, float]) -> RoiResult:
    f_now, a_now, d_now, cost_now = _scenario(values, "now")
    f_target, a_target, d_target, cost_target = _scenario(values, "target")
    n = int(values["years"])
    capex, opex, rate = values["capex"], values["opex_per_year"], values["discount_rate"]
    savings = cost_now - cost_target
    net = savings - opex
    flows = np.array([-capex] + [net] * n, dtype=float)
    npv = _npv(rate, flows)
    reasons: dict[str, str] = {}

    irr: float | None = None
    if capex > 0.0 and net > 0.0:
        irr = _irr(flows)
        if irr is None and _npv_sign(_IRR_GROWTH[1], flows) > 0.0:
            reasons["irr"] = (
                f"the IRR is above {MAX_IRR:,.0f} (a {MAX_IRR:,.0f}-fold return a year): the "
                "up-front cost is negligible next to the yearly benefit"
            )
        elif irr is None:
            reasons["irr"] = (
                "the IRR is -100 % to within 0.0001 %: the benefit is negligible next to the "
                "up-front cost"
            )
    elif capex == 0.0:
        reasons["irr"] = "there is no up-front cost, so no rate makes the NPV zero"
    else:
        reasons["irr"] = "the yearly net benefit is not positive: the cost is never earned back"

    payback: float | None
    if capex == 0.0:
        payback = 0.0
    elif net > 0.0 and math.isfinite(capex / net):
        payback = capex / net
    elif net > 0.0:
        payback = None
        reasons["payback_years"] = (
            "the yearly net benefit is negligible next to the capex: it never pays back"
        )
    else:
        payback = None
        reasons["payback_years"] = (
            "the yearly net benefit (savings minus opex) is not positive: it never pays back"
        )

    discounted = _discounted_payback(flows, rate)
    if discounted is None:
        reasons["discounted_payback_years"] = (
            reasons.get("payback_years")
            or f"the discounted cash flows do not repay the capex within {n} years"
        )

    tco = capex + n * opex
    roi_value: float | None = None
    if tco > 0.0 and math.isfinite((n * savings - tco) / tco):
        roi_value = (n * savings - tco) / tco
    elif tco > 0.0:
        reasons["roi"] = "the total cost of ownership is too small for a finite ratio"
    else:
        reasons["roi"] = (
            "nothing is spent (no capex and no opex), so a return on cost is not defined"
        )

    warnings = []
    if values["mtbf_hours_target"] < values["mtbf_hours_now"]:
        warnings.append(
            f"The target MTBF ({values['mtbf_hours_target']:g} h) is shorter than today's "
            f"({values['mtbf_hours_now']:g} h): failures become more frequent."
        )
    if values["mttr_hours_target"] > values["mttr_hours_now"]:
        warnings.append(
            f"The target MTTR ({values['mttr_hours_target']:g} h) is longer than today's "
            f"({values['mttr_hours_now']:g} h): repairs take longer."
        )
    if savings < 0.0:
        warnings.append(
            "With the investment, downtime costs more per year than today: the savings are "
            "negative (fine if you are modelling a cost cut)."
        )

    return RoiResult(
        inputs=dict(values),
        failures_per_year_now=f_now,
        failures_per_year_target=f_target,
        availability_now=a_now,
        availability_target=a_target,
        downtime_hours_per_year_now=d_now,
        downtime_hours_per_year_target=d_target,
        annual_cost_now=cost_now,
        annual_cost_target=cost_target,
        annual_savings=savings,
        net_annual_benefit=net,
        cash_flows=tuple(float(x) for x in flows),
        npv=npv,
        irr=irr,
        payback_years=payback,
        discounted_payback_years=discounted,
        tco=tco,
        roi=roi_value,
        warnings=tuple(warnings),
        reasons=reasons,
    )


# --- explanations ----------------------------------------------------------------------------

_BOOK = (
    "Brealey, Myers & Allen, Principles of Corporate Finance, 13th ed., ch. 2 and 5; "
    "numpy-financial npv / irr"
)


def _n(value: float) -> str:
    return latex_number(value, 10)


def _explanations(r: RoiResult) -> dict[str, Explanation]:
    v = r.inputs
    h, c, k = v["hours_per_year"], v["cost_per_hour"], v["cost_per_incident"]
    b0, r0, b1, r1 = (v["mtbf_hours_now"], v["mttr_hours_now"], v["mtbf_hours_target"],
                      v["mttr_hours_target"])  # fmt: skip
    capex, opex, rate, n = v["capex"], v["opex_per_year"], v["discount_rate"], int(v["years"])
    net = r.net_annual_benefit
    out: dict[str, Explanation] = {}
    out["annual_savings"] = Explanation(
        "Annual savings",
        r.annual_savings,
        r"S = \frac{H}{B_0 + R_0}(R_0 c + k) - \frac{H}{B_1 + R_1}(R_1 c + k)",
        rf"S = \frac{{{_n(h)}}}{{{_n(b0)} + {_n(r0)}}}({_n(r0)} \cdot {_n(c)} + {_n(k)})"
        rf" - \frac{{{_n(h)}}}{{{_n(b1)} + {_n(r1)}}}({_n(r1)} \cdot {_n(c)} + {_n(k)})"
        rf" = {_n(r.annual_savings)}",
        {"H": h, "B0": b0, "R0": r0, "B1": b1, "R1": r1, "c": c, "k": k},
        "H / (B0 + R0) * (R0 * c + k) - H / (B1 + R1) * (R1 * c + k)",
        "MTBF (B) is the mean up time between failures, so a failure cycle lasts B + R and "
        "there are H / (B + R) failures a year; each costs its duration times the cost per "
        "hour plus the fixed cost per incident. Gross: before the investment's opex.",
        "Rausand & Høyland, System Reliability Theory, 2nd ed., sec. 1.3 and ch. 13",
        unit="money per year",
    )
    if rate == 0.0:
        npv_formula = r"NPV = -C + n (S - O)"
        npv_expr = "-C + n * (S - O)"
        npv_sub = rf"NPV = -{_n(capex)} + {n} \cdot {_n(net)} = {_n(r.npv)}"
    else:
        npv_formula = r"NPV = -C + \sum_{t=1}^{n} \frac{S - O}{(1 + r)^t}"
        npv_expr = "-C + (S - O) * (-expm1(-n * log1p(r)) / r)"
        npv_sub = (
            rf"NPV = -{_n(capex)} + {_n(net)} \cdot \frac{{1 - {_n(1 + rate)}^{{-{n}}}}}"
            rf"{{{_n(rate)}}} = {_n(r.npv)}"
        )
    money = {"C": capex, "S": r.annual_savings, "O": opex, "r": rate, "n": float(n)}
    out["npv"] = Explanation(
        "Net present value",
        r.npv,
        npv_formula,
        npv_sub,
        money,
        npv_expr,
        "Capex C is paid at t = 0 (not discounted); each year's net benefit S - O arrives at "
        "the end of the year. Opex is counted once, in the yearly flows.",
        _BOOK,
        unit="money",
    )
    out["irr"] = Explanation(
        "Internal rate of return",
        r.irr,
        r"0 = -C + \sum_{t=1}^{n} \frac{S - O}{(1 + \mathrm{IRR})^t}",
        rf"0 = -{_n(capex)} + \sum_{{t=1}}^{{{n}}} \frac{{{_n(net)}}}{{(1 + "
        rf"{latex_number(r.irr) if r.irr is not None else '?'})^t}}",
        money,
        "",
        "The rate at which the NPV is zero, found as a polynomial root (numpy-financial irr, "
        "checked by substituting it back). Defined only for a conventional investment (an "
        "outflow followed by inflows), where it is unique.",
        _BOOK,
        unavailable_reason=r.reasons.get("irr"),
    )
    out["payback_years"] = Explanation(
        "Payback period",
        r.payback_years,
        r"T = \frac{C}{S - O}",
        rf"T = \frac{{{_n(capex)}}}{{{_n(net)}}}"
        + (rf" = {_n(r.payback_years)}" if r.payback_years is not None else ""),
        {"C": capex, "S": r.annual_savings, "O": opex},
        "C / (S - O)" if r.payback_years is not None and capex > 0 else "",
        "Undiscounted; the benefit accrues evenly through each year. 0 when there is no "
        "up-front cost; not defined when the yearly net benefit is not positive.",
        _BOOK,
        unavailable_reason=r.reasons.get("payback_years"),
        unit="years",
    )
    dp = r.discounted_payback_years
    dp_inputs = dict(money)
    dp_expr = ""
    dp_sub = r"\text{n/a}"
    if dp is not None and capex > 0:
        whole = math.floor(dp) if dp != math.floor(dp) else int(dp) - 1
        dp_inputs["m"] = float(whole)
        if rate == 0.0:
            dp_expr = "m + (C - (S - O) * m) / (S - O)"
        else:
            dp_expr = (
                "m + (C - (S - O) * (-expm1(-m * log1p(r)) / r))"
                " / ((S - O) * exp(-(m + 1) * log1p(r)))"
            )
        dp_sub = rf"m = {whole},\ T_d = {_n(dp)}"
    out["discounted_payback_years"] = Explanation(
        "Discounted payback period",
        dp,
        r"T_d = m + \frac{C - \sum_{t=1}^{m} \frac{S - O}{(1+r)^t}}{\frac{S - O}{(1+r)^{m+1}}}",
        dp_sub,
        dp_inputs,
        dp_expr,
        "m whole years pass before the cumulative discounted cash flow turns non-negative; "
        "the rest of that year is interpolated linearly. Not defined if it never does within "
        "the horizon.",
        _BOOK,
        unavailable_reason=r.reasons.get("discounted_payback_years"),
        unit="years",
    )
    out["roi"] = Explanation(
        "Return on investment",
        r.roi,
        r"ROI = \frac{n S - (C + n O)}{C + n O}",
        rf"ROI = \frac{{{n} \cdot {_n(r.annual_savings)} - ({_n(capex)} + {n} \cdot {_n(opex)})}}"
        rf"{{{_n(capex)} + {n} \cdot {_n(opex)}}}"
        + (rf" = {_n(r.roi)}" if r.roi is not None else ""),
        money,
        "(n * S - (C + n * O)) / (C + n * O)" if r.roi is not None else "",
        "On total cost of ownership C + nO; undiscounted, as a fraction (1.5 = 150 %).",
        _BOOK,
        unavailable_reason=r.reasons.get("roi"),
    )
    for which, label, b, rr in (
        ("now", "today", b0, r0),
        ("target", "with the investment", b1, r1),
    ):
        value = r.availability_now if which == "now" else r.availability_target
        out[f"availability_{which}"] = Explanation(
            f"Availability {label}",
            value,
            r"A = \frac{MTBF}{MTBF + MTTR}",
            rf"A = \frac{{{_n(b)}}}{{{_n(b)} + {_n(rr)}}} = {latex_number(value, 8)}",
            {"MTBF": b, "MTTR": rr},
            "MTBF / (MTBF + MTTR)",
            "Steady-state availability; MTBF is the mean up time between failures.",
            "IEC 60050-192; Rausand & Høyland, System Reliability Theory, ch. 13",
        )
    return out


# --- sensitivity and break-even ------------------------------------------------------------------

SENSITIVITY_INPUTS = (
    "cost_per_hour",
    "cost_per_incident",
    "mtbf_hours_now",
    "mttr_hours_now",
    "mtbf_hours_target",
    "mttr_hours_target",
    "capex",
    "opex_per_year",
    "discount_rate",
)
"""Inputs moved by the sensitivity analysis (not the horizon or the year length)."""


def roi_sensitivity(
    inputs: Mapping[str, Any], *, swing: float = 0.2, metric: str = "npv"
) -> pd.DataFrame:
    """Each input moved down and up by ``swing`` (relative), others held: a tornado table.

    Parameters
    ----------
    inputs : mapping
        The keyword arguments of :func:`roi`.
    swing : float, optional
        Relative move, 0 < swing < 1 (0.2 for +-20 %).
    metric : {"npv", "annual_savings"}, optional
        Which result to report.

    Returns
    -------
    pandas.DataFrame
        Indexed by input name, sorted by ``range`` (largest first), with columns ``label``,
        ``base``, ``low_value``, ``high_value`` (the input moved), ``low``, ``high`` (the metric
        at those values), ``base_metric`` and ``range`` (``|high - low|``). An input that is 0
        does not move and has range 0.

    Examples
    --------
    >>> t = roi_sensitivity({"cost_per_hour": 1000, "mtbf_hours_now": 100, "mttr_hours_now": 4,
    ...                      "mtbf_hours_target": 400, "mttr_hours_target": 4, "capex": 10_000})
    >>> t.index[0], round(float(t.loc["capex", "low"])), round(float(t.loc["capex", "high"]))
    ('mtbf_hours_now', 742571, 738571)
    """
    base = check_roi_inputs(inputs)
    step = as_float(swing, "swing")
    if not 0.0 < step < 1.0:
        raise InputError(f"`swing` must be between 0 and 1 (0.2 for +-20 %), got {swing}")
    if metric not in ("npv", "annual_savings"):
        raise InputError(f"`metric` must be 'npv' or 'annual_savings', got {metric!r}")
    base_metric = getattr(_roi(base), metric)
    rows = []
    for name in SENSITIVITY_INPUTS:
        value = base[name]
        low_value, high_value = value * (1.0 - step), value * (1.0 + step)
        low = getattr(_roi({**base, name: low_value}), metric)
        high = getattr(_roi({**base, name: high_value}), metric)
        rows.append(
            {
                "input": name,
                "label": ROI_INPUTS[name],
                "base": value,
                "low_value": low_value,
                "high_value": high_value,
                "low": low,
                "high": high,
                "base_metric": base_metric,
                "range": abs(high - low),
            }
        )
    table = pd.DataFrame(rows).set_index("input")
    return table.sort_values("range", ascending=False, kind="stable")


@dataclass(frozen=True)
class BreakEven:
    """The value of one input at which the NPV is zero, others held at their values.

    Attributes
    ----------
    parameter : str
        The input's name (a keyword argument of :func:`roi`).
    value : float or None
        The break-even value; ``None`` when no value in the input's range gives NPV = 0.
    base : float
        The input's current value.
    reason : str or None
        Why there is no break-even value, or ``None``.
    """

    parameter: str
    value: float | None
    base: float
    reason: str | None = None

    @property
    def label(self) -> str:
        """The input's label."""
        return ROI_INPUTS[self.parameter]


BREAK_EVEN_INPUTS = (
    "cost_per_hour",
    "mtbf_hours_now",
    "mttr_hours_now",
    "mtbf_hours_target",
    "mttr_hours_target",
    "capex",
    "opex_per_year",
)
"""Inputs :func:`break_even` can solve for."""


def break_even(inputs: Mapping[str, Any], parameter: str) -> BreakEven:
    """The value of ``parameter`` at which the NPV is zero, solved with ``brentq``.

    Parameters
    ----------
    inputs : mapping
        The keyword arguments of :func:`roi`.
    parameter : str
        One of :data:`BREAK_EVEN_INPUTS`: ``cost_per_hour``, ``mtbf_hours_now``,
        ``mttr_hours_now``, ``mtbf_hours_target``, ``mttr_hours_target``, ``capex``,
        ``opex_per_year``.

    Returns
    -------
    BreakEven
        With ``.value`` (``None`` and a ``.reason`` when the NPV does not cross zero in the
        input's range).

    Notes
    -----
    The NPV is monotonic in each of these inputs (others held), so a sign change between two
    points of a geometric grid around the current value brackets the only root, which
    :func:`scipy.optimize.brentq` then finds to a relative tolerance of 1e-12. For today's
    MTTR the yearly cost ``H (MTTR c_h + c_i) / (MTBF + MTTR)`` has the derivative
    ``H (MTBF c_h - c_i) / (MTBF + MTTR)^2``, of one sign for every MTTR; costs fall as
    MTBF rises. Hours are searched only within :data:`ftmath.HOURS_RANGE` (the values
    :func:`roi` accepts); money from 0.

    Examples
    --------
    The cost per hour at which the worked example of issue 7 just breaks even:

    >>> x = {"cost_per_hour": 10_000, "mtbf_hours_now": 500, "mttr_hours_now": 4,
    ...      "mtbf_hours_target": 2000, "mttr_hours_target": 2, "capex": 150_000,
    ...      "opex_per_year": 20_000, "years": 3, "discount_rate": 0.08}
    >>> round(break_even(x, "cost_per_hour").value, 2)
    1286.85

    Today's MTBF above which the investment no longer pays:

    >>> round(break_even(x, "mtbf_hours_now").value, 1)
    2110.4
    """
    base = check_roi_inputs(inputs)
    if parameter not in BREAK_EVEN_INPUTS:
        raise InputError(
            f"`parameter` must be one of {', '.join(BREAK_EVEN_INPUTS)}, got {parameter!r}"
        )
    x0 = base[parameter]

    def npv_at(x: float) -> float:
        return _roi({**base, parameter: x}).npv

    if npv_at(x0) == 0.0:
        return BreakEven(parameter, x0, x0)
    scale = x0 if x0 > 0.0 else 1.0
    grid = [scale * 2.0**k for k in range(-60, 61)]
    if parameter in _HOURS:
        low, high = HOURS_RANGE
        grid = [low, *(x for x in grid if low < x < high), high]
    else:
        grid = [0.0, *grid]
    values = [npv_at(x) for x in grid]
    crossings = [i for i in range(len(grid) - 1) if np.sign(values[i]) != np.sign(values[i + 1])]
    if not crossings:
        sign = "positive" if values[0] > 0 else "negative"
        return BreakEven(
            parameter,
            None,
            x0,
            f"the NPV stays {sign} for every {input_words(parameter)} from "
            f"{grid[0]:.3g} to {grid[-1]:.3g}, so there is no break-even value",
        )
    i = crossings[0]  # the NPV is monotonic in the parameter: one crossing
    if values[i] == 0.0:
        return BreakEven(parameter, grid[i], x0)
    root = optimize.brentq(npv_at, grid[i], grid[i + 1], xtol=1e-12 * scale, rtol=1e-12)
    return BreakEven(parameter, float(root), x0)


# --- the cost of an hour of downtime ------------------------------------------------------------


@dataclass(frozen=True)
class DowntimeCost:
    """The cost of an hour of downtime, built from its parts.

    Attributes
    ----------
    per_hour : float
        The total per hour.
    parts : dict of str to float
        ``lost_revenue``, ``idle_staff`` and ``sla_penalties``, each per hour.
    inputs : dict of str to float
        What it was built from.
    """

    per_hour: float
    parts: Mapping[str, float]
    inputs: Mapping[str, float]

    def explain(self) -> Explanation:
        """How the cost per hour is built.

        Returns
        -------
        Explanation
            The formula with the inputs.
        """
        i = self.inputs
        return Explanation(
            "Cost of an hour of downtime",
            self.per_hour,
            r"c = R \cdot s + N \cdot w + P",
            rf"c = {_n(i['R'])} \cdot {_n(i['s'])} + {_n(i['N'])} \cdot {_n(i['w'])} + "
            rf"{_n(i['P'])} = {_n(self.per_hour)}",
            dict(i),
            "R * s + N * w + P",
            "Revenue per hour R times the share of it the outage stops, s; staff idled N times "
            "their loaded hourly rate w; SLA penalties or credits owed per hour of outage P. "
            "Revenue that customers simply defer (they come back later) is not lost: lower s.",
            "Gartner, A. Lerner, 'The Cost of Downtime', 2014 (lost revenue + lost productivity "
            "+ recovery); ITIC Hourly Cost of Downtime Survey 2024",
            unit="money per hour",
        )


def downtime_cost_per_hour(
    *,
    revenue_per_hour: float = 0.0,
    share_affected: float = 1.0,
    staff_idled: float = 0.0,
    loaded_rate_per_hour: float = 0.0,
    sla_penalty_per_hour: float = 0.0,
) -> DowntimeCost:
    """The cost of an hour of downtime: lost revenue + idle staff + SLA penalties.

    Parameters
    ----------
    revenue_per_hour : float, optional
        Revenue that flows through the system in an average hour (>= 0).
    share_affected : float, optional
        Share of that revenue an outage actually loses, 0 to 1 (customers who come back later
        are not lost).
    staff_idled : float, optional
        People who cannot work while it is down (>= 0).
    loaded_rate_per_hour : float, optional
        Their fully loaded cost per hour (salary, benefits, overhead; >= 0).
    sla_penalty_per_hour : float, optional
        Penalties or service credits owed per hour of outage (>= 0). A penalty per incident
        belongs in the ROI's ``cost_per_incident``.

    Returns
    -------
    DowntimeCost
        ``.per_hour`` and its ``.parts``.

    Examples
    --------
    >>> c = downtime_cost_per_hour(revenue_per_hour=20_000, share_affected=0.4,
    ...                            staff_idled=25, loaded_rate_per_hour=80,
    ...                            sla_penalty_per_hour=500)
    >>> c.per_hour, c.parts["idle_staff"]
    (10500.0, 2000.0)
    """
    revenue = check_positive(revenue_per_hour, "revenue_per_hour", allow_zero=True)
    share = check_probability(share_affected, "share_affected")
    staff = check_positive(staff_idled, "staff_idled", allow_zero=True)
    rate = check_positive(loaded_rate_per_hour, "loaded_rate_per_hour", allow_zero=True)
    penalty = check_positive(sla_penalty_per_hour, "sla_penalty_per_hour", allow_zero=True)
    parts = {"lost_revenue": revenue * share, "idle_staff": staff * rate, "sla_penalties": penalty}
    return DowntimeCost(
        per_hour=float(math.fsum(parts.values())),
        parts=parts,
        inputs={"R": revenue, "s": share, "N": staff, "w": rate, "P": penalty},
    )


@dataclass(frozen=True)
class DowntimeCostReference:
    """A published figure for the cost of downtime: a reference to compare with, not a default.

    Attributes
    ----------
    figure : str
        What the source says, in its own terms.
    per_hour : float
        The figure as a cost per hour in US dollars (converted where the source gives minutes).
    population : str
        Whom it describes.
    source : str
        Publisher, title and year.
    url : str
        Where to read it.
    """

    figure: str
    per_hour: float
    population: str
    source: str
    url: str


DOWNTIME_COST_REFERENCES: tuple[DowntimeCostReference, ...] = (
    DowntimeCostReference(
        "US$5,600 per minute (about US$336,000 per hour), an average across industries",
        5600.0 * 60.0,
        "Data centres across industries, from industry surveys; Gartner notes a wide variance "
        "(an Avaya study cited alongside: US$140,000 to US$540,000 per hour)",
        "Gartner, Andrew Lerner, 'The Cost of Downtime', Gartner blog, 16 July 2014",
        "https://blogs.gartner.com/andrew-lerner/2014/07/16/the-cost-of-downtime/",
    ),
    DowntimeCostReference(
        "Over US$300,000 per hour for more than 90 % of firms; US$1 million to over US$5 "
        "million for 41 % of enterprises (excluding litigation and penalties)",
        300_000.0,
        "Mid-size and large enterprises worldwide, self-reported (survey of over 1,000 firms, "
        "Nov 2023 to Mar 2024)",
        "ITIC, 2024 Hourly Cost of Downtime Survey",
        "https://itic-corp.com/itic-2024-hourly-cost-of-downtime-report",
    ),
)
"""Published benchmark figures, shown as labelled references only: never silent defaults."""
