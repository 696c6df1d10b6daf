"""How sure is the investment case: a vectorised Monte Carlo of the NPV.

Uncertain inputs are given as low / likely / high and drawn from triangular distributions;
failures in each year are Poisson with the rate ``H / (MTBF + MTTR)`` of the draw, and each
failure lasts an exponential time with mean MTTR (so a year's downtime, given its failures, is
Gamma distributed). The seed is fixed and part of the result, so a report can be reproduced.

References
----------
.. [1] D. Vose, *Risk Analysis: A Quantitative Guide*, 3rd ed., Wiley, 2008, ch. 9 (triangular
   distribution for expert low / most likely / high estimates) and ch. 7 (Monte Carlo error).
.. [2] M. Rausand and A. Høyland, *System Reliability Theory*, 2nd ed., Wiley, 2004, sec. 2.3
   and ch. 10 (homogeneous Poisson process of failures, exponential repair times).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ftmath._validate import as_float
from ftmath.errors import ComputationLimitError, InputError
from ftmath.explain import Explanation, latex_number
from ftmath.roi import SENSITIVITY_INPUTS, check_roi_inputs, input_words

__all__ = ["DEFAULT_SEED", "MAX_DRAWS", "RoiSimulation", "simulate_roi"]

DEFAULT_SEED = 20_240_607
"""The seed used unless one is given: the same inputs give the same answer every time."""

MAX_DRAWS = 1_000_000
"""Most draws accepted."""

MAX_SEED = 2**53 - 1
"""Largest seed: a browser's number field holds whole numbers exactly only up to here."""

_CHUNK_CELLS = 2_000_000  # draws x years simulated at once (bounded memory)
_REPAIR = ("exponential", "mean")


@dataclass(frozen=True)
class RoiSimulation:
    """The distribution of the NPV over uncertain inputs and random failures.

    Attributes
    ----------
    npv : numpy.ndarray
        The NPV of each draw (read-only).
    p10, p50, p90 : float
        Percentiles of the NPV (``numpy.quantile``, linear interpolation).
    mean : float
        Mean NPV.
    probability_positive : float
        Share of draws with NPV > 0.
    probability_se : float
        Its Monte Carlo standard error ``sqrt(p (1 - p) / draws)``.
    draws, seed : int
        How many draws, from which seed.
    uncertain : dict of str to (float, float, float)
        The low / likely / high of each uncertain input.
    poisson : bool
        Whether failure counts are random (Poisson) or fixed at their mean.
    repair : str
        ``"exponential"`` (random repair times with mean MTTR) or ``"mean"`` (each failure
        lasts exactly MTTR).
    """

    npv: np.ndarray = field(repr=False)
    p10: float
    p50: float
    p90: float
    mean: float
    probability_positive: float
    probability_se: float
    draws: int
    seed: int
    uncertain: Mapping[str, tuple[float, float, float]]
    poisson: bool
    repair: str

    def histogram(self, bins: int = 60) -> pd.DataFrame:
        """The NPV distribution as a histogram, small enough to draw in a browser.

        Parameters
        ----------
        bins : int, optional
            Number of equal-width bins.

        Returns
        -------
        pandas.DataFrame
            Columns ``left``, ``right``, ``count`` and ``share``.
        """
        counts, edges = np.histogram(self.npv, bins=int(bins))
        return pd.DataFrame(
            {
                "left": edges[:-1],
                "right": edges[1:],
                "count": counts,
                "share": counts / max(1, self.draws),
            }
        )

    def summary(self) -> dict[str, float]:
        """The headline figures as plain floats (for exports).

        Returns
        -------
        dict of str to float
            ``p10``, ``p50``, ``p90``, ``mean``, ``probability_positive``,
            ``probability_se``.
        """
        return {
            "p10": self.p10,
            "p50": self.p50,
            "p90": self.p90,
            "mean": self.mean,
            "probability_positive": self.probability_positive,
            "probability_se": self.probability_se,
        }

    def explain(self) -> dict[str, Explanation]:
        """How the probability and the percentiles are estimated.

        Returns
        -------
        dict of str to Explanation
            Keys ``probability_positive`` and ``p50``.
        """
        varied = ", ".join(input_words(k) for k in self.uncertain) or "none"
        failures = (
            "Failures each year are Poisson with rate H / (MTBF + MTTR) of the draw"
            if self.poisson
            else "Failures each year are fixed at their mean H / (MTBF + MTTR)"
        )
        repairs = (
            "each repair lasts an exponential time with mean MTTR."
            if self.repair == "exponential"
            else "each repair lasts exactly MTTR."
        )
        convention = (
            f"{self.draws:,} draws from seed {self.seed}. Triangular low / likely / high for: "
            f"{varied}. {failures}; {repairs}"
        )
        reference = (
            "Vose, Risk Analysis, 3rd ed., ch. 7 and 9; "
            "Rausand & Høyland, System Reliability Theory, ch. 10"
        )
        p = self.probability_positive
        return {
            "probability_positive": Explanation(
                "Probability that the NPV is positive",
                p,
                r"\hat p = \frac{\#\{i : NPV_i > 0\}}{N}, \quad "
                r"SE = \sqrt{\frac{\hat p (1 - \hat p)}{N}}",
                rf"\hat p = \frac{{{round(p * self.draws)}}}{{{self.draws}}} = "
                rf"{latex_number(p, 6)}, \quad SE = {latex_number(self.probability_se, 3)}",
                {"k": float(round(p * self.draws)), "N": float(self.draws)},
                "k / N",
                convention,
                reference,
            ),
            "p50": Explanation(
                "Median NPV (P50), with P10 and P90",
                self.p50,
                r"P_{q} = \text{quantile}_q(NPV_1, \dots, NPV_N)",
                rf"P_{{10}} = {latex_number(self.p10, 8)},\ P_{{50}} = "
                rf"{latex_number(self.p50, 8)},\ P_{{90}} = {latex_number(self.p90, 8)}",
                {"P10": self.p10, "P50": self.p50, "P90": self.p90},
                "P50",
                convention + " Percentiles interpolate linearly between order statistics.",
                reference,
                unit="money",
            ),
        }


def _check_uncertain(
    uncertain: Mapping[str, Any], base: Mapping[str, float]
) -> dict[str, tuple[float, float, float]]:
    if not isinstance(uncertain, Mapping):
        raise InputError("`uncertain` must map input names to (low, likely, high)")
    clean: dict[str, tuple[float, float, float]] = {}
    for name, spec in uncertain.items():
        if name not in SENSITIVITY_INPUTS:
            raise InputError(
                f"`uncertain` has `{name}`, which cannot vary; accepted: "
                f"{', '.join(SENSITIVITY_INPUTS)}"
            )
        if isinstance(spec, (str, bytes)) or not hasattr(spec, "__len__") or len(spec) != 3:
            raise InputError(f"`uncertain.{name}` must be three numbers: low, likely, high")
        low, likely, high = (as_float(v, f"uncertain.{name}[{i}]") for i, v in enumerate(spec))
        if not low <= likely <= high:
            raise InputError(
                f"`uncertain.{name}` must satisfy low <= likely <= high, got "
                f"{low:g}, {likely:g}, {high:g}"
            )
        # each corner must be a valid value of the input
        for corner in (low, high):
            check_roi_inputs({**base, name: corner})
        clean[name] = (low, likely, high)
    return clean


def simulate_roi(
    inputs: Mapping[str, Any],
    *,
    uncertain: Mapping[str, Any] | None = None,
    draws: int = 100_000,
    seed: int = DEFAULT_SEED,
    poisson: bool = True,
    repair: str = "exponential",
) -> RoiSimulation:
    """Monte Carlo of the NPV: triangular uncertain inputs, Poisson failures, fixed seed.

    Parameters
    ----------
    inputs : mapping
        The keyword arguments of :func:`ftmath.roi` (the values used where an input is not
        uncertain).
    uncertain : mapping of str to (low, likely, high), optional
        Inputs to draw from a triangular distribution: any of ``cost_per_hour``,
        ``cost_per_incident``, ``mtbf_hours_now``, ``mttr_hours_now``, ``mtbf_hours_target``,
        ``mttr_hours_target``, ``capex``, ``opex_per_year``, ``discount_rate``. ``low ==
        high`` is a fixed value.
    draws : int, optional
        Number of draws, 1 to 1,000,000.
    seed : int, optional
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same result.
    poisson : bool, optional
        Draw each year's failures from a Poisson distribution (else use their mean).
    repair : {"exponential", "mean"}, optional
        Each repair lasts an exponential time with mean MTTR, or exactly MTTR.

    Returns
    -------
    RoiSimulation
        P10 / P50 / P90 and mean NPV, P(NPV > 0) with its standard error, the draws.

    Notes
    -----
    For draw i and year t, ``N_it ~ Poisson(H / (B_i + R_i))`` failures per scenario, total
    downtime ``D_it ~ Gamma(N_it, R_i)`` (the sum of N exponential repairs), cost
    ``D_it c_i + N_it k_i``, and ``NPV_i = -C_i + sum_t (S_it - O_i) / (1 + r_i)^t``. Everything
    is an array operation over draws; memory is bounded by simulating in chunks. Without
    uncertain inputs the mean NPV converges to :func:`ftmath.roi`'s NPV (both the Poisson
    count and the Gamma downtime are unbiased).

    Examples
    --------
    >>> x = {"cost_per_hour": 10_000, "mtbf_hours_now": 500, "mttr_hours_now": 4,
    ...      "mtbf_hours_target": 2000, "mttr_hours_target": 2, "capex": 150_000,
    ...      "opex_per_year": 20_000, "years": 3, "discount_rate": 0.08}
    >>> s = simulate_roi(x, uncertain={"cost_per_hour": (2_000, 10_000, 20_000)},
    ...                  draws=20_000, seed=1)
    >>> s.probability_positive > 0.95, s.p10 < s.p50 < s.p90
    (True, True)
    >>> simulate_roi(x, draws=1000, seed=1).p50 == simulate_roi(x, draws=1000, seed=1).p50
    True
    """
    base = check_roi_inputs(inputs)
    spec = _check_uncertain(uncertain or {}, base)
    n_draws = as_float(draws, "draws")
    if n_draws != math.floor(n_draws) or n_draws < 1:
        raise InputError(f"`draws` must be a whole number >= 1, got {draws}")
    if n_draws > MAX_DRAWS:
        raise ComputationLimitError(
            f"`draws` must be at most {MAX_DRAWS:,}, got {int(n_draws):,}; 100,000 draws "
            "give P(NPV > 0) to within about 0.3 percentage points"
        )
    if (
        isinstance(seed, bool)
        or not isinstance(seed, (int, np.integer))
        or not 0 <= seed <= MAX_SEED
    ):
        raise InputError(f"`seed` must be a whole number from 0 to 2^53 − 1, got {seed!r}")
    if repair not in _REPAIR:
        raise InputError(f"`repair` must be one of {', '.join(_REPAIR)}, got {repair!r}")
    n = int(n_draws)
    years = int(base["years"])
    rng = np.random.default_rng(int(seed))
    npv = np.empty(n)
    rows = max(1, _CHUNK_CELLS // years)
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        npv[start:stop] = _chunk(rng, stop - start, base, spec, years, bool(poisson), repair)
    npv.setflags(write=False)
    p10, p50, p90 = (float(q) for q in np.quantile(npv, [0.1, 0.5, 0.9]))
    p = float(np.count_nonzero(npv > 0.0)) / n
    return RoiSimulation(
        npv=npv,
        p10=p10,
        p50=p50,
        p90=p90,
        mean=float(npv.mean()),
        probability_positive=p,
        probability_se=math.sqrt(p * (1.0 - p) / n),
        draws=n,
        seed=int(seed),
        uncertain=spec,
        poisson=bool(poisson),
        repair=repair,
    )


def _chunk(
    rng: np.random.Generator,
    size: int,
    base: Mapping[str, float],
    spec: Mapping[str, tuple[float, float, float]],
    years: int,
    poisson: bool,
    repair: str,
) -> np.ndarray:
    def value(name: str) -> np.ndarray:
        if name in spec:
            low, likely, high = spec[name]
            if high > low:
                return rng.triangular(low, likely, high, size)[:, None]
        return np.full((size, 1), base[name])

    c, k = value("cost_per_hour"), value("cost_per_incident")
    capex, opex, rate = value("capex"), value("opex_per_year"), value("discount_rate")
    hours = base["hours_per_year"]
    cost = []
    for which in ("now", "target"):
        mtbf, mttr = value(f"mtbf_hours_{which}"), value(f"mttr_hours_{which}")
        lam = np.broadcast_to(hours / (mtbf + mttr), (size, years))
        count = rng.poisson(lam).astype(float) if poisson else lam
        if repair == "exponential" and poisson:
            down = rng.gamma(count, np.broadcast_to(mttr, (size, years)))
        else:
            down = count * mttr
        cost.append(down * c + count * k)
    flows = cost[0] - cost[1] - opex
    discount = (1.0 + rate) ** -np.arange(1, years + 1, dtype=float)
    return (flows * discount).sum(axis=1) - capex[:, 0]
