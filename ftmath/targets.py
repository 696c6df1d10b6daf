"""Availability targets: nines and allowed downtime per year, month and week."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ftmath._validate import check_probability
from ftmath.errors import InputError
from ftmath.reliability import HOURS_PER_YEAR, downtime, nines

__all__ = ["downtime_budget"]


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
