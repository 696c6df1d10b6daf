"""Availability targets: nines and allowed downtime per year, month and week."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ftmath._validate import check_probability
from ftmath.errors import InputError
from ftmath.explain import Explanation, latex_number
from ftmath.reliability import HOURS_PER_YEAR, downtime, nines

__all__ = ["downtime_budget", "explain_target"]


def downtime_budget(
    targets: Mapping[str, float], *, hours_per_year: float = HOURS_PER_YEAR
) -> pd.DataFrame:
    """Nines and allowed downtime for each availability target.

    Parameters
    ----------
    targets : mapping of str to float
        Availability targets as fractions (0.999, not 99.9), by name.
    hours_per_year : float, optional
        Year length; 8,760 hours (365 days) by default. A month is a twelfth of it.

    Returns
    -------
    pandas.DataFrame
        Indexed by name: ``availability``, ``nines``, and allowed downtime in hours
        ``per_year``, ``per_month``, ``per_week`` and ``per_day``.

    Examples
    --------
    >>> table = downtime_budget({"e-commerce": 0.999})
    >>> table.loc["e-commerce", ["nines", "per_year"]].round(2).tolist()
    [3.0, 8.76]
    """
    if not targets:
        raise InputError("`targets` is empty: give at least one availability target")
    rows = []
    for name, target in targets.items():
        a = check_probability(target, f"targets[{name!r}]")
        if a == 0.0:
            raise InputError(f"`targets[{name!r}]` must be above 0")
        # The target is given as availability, so its complement is all we can know of it.
        q = 1.0 - a
        d = downtime(q, hours_per_year=hours_per_year)
        rows.append(
            {
                "name": name,
                "availability": a,
                "nines": nines(q),
                "per_year": d.per_year,
                "per_month": d.per_month,
                "per_week": d.per_week,
                "per_day": d.per_day,
            }
        )
    return pd.DataFrame(rows).set_index("name")


def explain_target(
    availability: float, *, hours_per_year: float = HOURS_PER_YEAR
) -> dict[str, Explanation]:
    r"""How the nines and the allowed downtime of an availability target are computed.

    Parameters
    ----------
    availability : float
        The target, as a fraction (0.9999).
    hours_per_year : float, optional
        Year length in hours.

    Returns
    -------
    dict of str to Explanation
        ``"nines"``, ``"per_year"``, ``"per_month"`` and ``"per_week"`` (hours).

    Examples
    --------
    >>> e = explain_target(0.999)["per_year"]
    >>> print(e.substituted)
    D = (1 - 0.999) \times 8760\ \text{h}
    >>> round(e.recompute(), 6)
    8.76
    """
    a = check_probability(availability, "availability")
    if a == 0.0:
        raise InputError("`availability` must be above 0")
    table = downtime_budget({"target": a}, hours_per_year=hours_per_year)
    year = float(hours_per_year)
    a_text = latex_number(a, 12)
    convention = (
        f"A year of {year:g} hours; a month is a twelfth of the year, a week 168 hours. "
        "Downtime is the expected total over the period, not a promise about any one outage."
    )
    source = "Google SRE book, ch. 3 'Embracing risk' (availability table); IEC 60050-192"
    periods = {
        "per_year": ("Allowed downtime per year", year, r"T_{\text{year}}"),
        "per_month": ("Allowed downtime per month", year / 12.0, r"T_{\text{year}} / 12"),
        "per_week": ("Allowed downtime per week", 168.0, r"168\ \text{h}"),
    }
    out = {
        "nines": Explanation(
            quantity="Nines of the target",
            value=float(table["nines"].iloc[0]),
            formula=r"n = -\log_{10}(1 - A)",
            substituted=rf"n = -\log_{{10}}(1 - {a_text})",
            inputs={"A": a},
            expression="-log10(1 - A)",
            convention="A value within 1e-9 of a whole number is shown as that number.",
            reference=source,
        )
    }
    for key, (quantity, hours, symbol) in periods.items():
        shown = (
            latex_number(year, 12)
            if key == "per_year"
            else (rf"{latex_number(year, 12)} / 12" if key == "per_month" else "168")
        )
        out[key] = Explanation(
            quantity=quantity,
            value=float(table[key].iloc[0]),
            formula=rf"D = (1 - A) \times {symbol}",
            substituted=rf"D = (1 - {a_text}) \times {shown}\ \text{{h}}",
            inputs={"A": a, "T": hours},
            expression="(1 - A) * T",
            convention=convention,
            reference=source,
            unit="h",
        )
    return out
