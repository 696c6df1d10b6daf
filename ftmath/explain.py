"""How a number is computed: formula, inputs, convention and source, next to the code.

Result objects offer ``explain()`` returning :class:`Explanation` objects built here, so the
text a page shows under "How is this computed?" comes from the code that computes the number
and cannot drift from it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Explanation", "latex_number", "latex_text"]

_SAFE_FUNCTIONS: dict[str, Any] = {
    name: getattr(math, name)
    for name in ("exp", "expm1", "log", "log10", "log1p", "sqrt", "comb", "prod", "fsum")
}


def _at_least(k: int, probabilities: list[float]) -> float:
    """P(at least k of independent events happen), by summing over subsets (small n only)."""
    from itertools import combinations

    n = len(probabilities)
    total = 0.0
    for working in range(k, n + 1):
        for chosen in combinations(range(n), working):
            total += math.prod(
                probabilities[i] if i in chosen else 1 - probabilities[i] for i in range(n)
            )
    return total


_SAFE_FUNCTIONS.update(
    {"min": min, "max": max, "sum": sum, "abs": abs, "range": range, "at_least": _at_least}
)


@dataclass(frozen=True)
class Explanation:
    r"""What a headline number is, how it is computed, from what, and after whom.

    Attributes
    ----------
    quantity : str
        The number's name as the page shows it ("System availability").
    value : float or None
        The number itself; ``None`` when it cannot be computed (see ``unavailable_reason``).
    formula : str
        The formula in LaTeX, with symbols.
    substituted : str
        The same formula in LaTeX with the actual input values in place of the symbols.
    inputs : dict of str to float
        Each symbol's value (for the reader, and for recomputation).
    expression : str
        A Python expression over ``inputs`` (and ``math`` functions) that evaluates to
        ``value``; empty where the computation is not a closed form (an algorithm such as an
        enumeration), in which case ``convention`` says what is done.
    convention : str
        The convention used where several exist (nearest-rank percentile, 365-day year, ...).
    reference : str
        The textbook, standard or paper the computation follows.
    unavailable_reason : str or None
        Why the number is n/a (a constant series, too few samples, ...), or ``None``.
    unit : str
        The unit of ``value`` ("h", "ms", "" for a probability).

    Examples
    --------
    >>> e = Explanation("Availability", 0.952381, r"A = \frac{MTBF}{MTBF + MTTR}",
    ...                 r"A = \frac{100}{100 + 5}", {"MTBF": 100, "MTTR": 5},
    ...                 "MTBF / (MTBF + MTTR)", "MTBF is mean up time", "IEC 60050-192")
    >>> round(e.recompute(), 6)
    0.952381
    """

    quantity: str
    value: float | None
    formula: str
    substituted: str
    inputs: Mapping[str, float]
    expression: str
    convention: str
    reference: str
    unavailable_reason: str | None = None
    unit: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def recompute(self) -> float:
        """Evaluate ``expression`` over ``inputs``: the number the explanation claims.

        Returns
        -------
        float
            The recomputed value.

        Raises
        ------
        ValueError
            When the explanation has no closed-form expression.
        """
        if not self.expression:
            raise ValueError(f"{self.quantity}: no closed-form expression to recompute")
        names = {key.replace(" ", "_"): value for key, value in self.inputs.items()}
        scope = {"__builtins__": {}, **_SAFE_FUNCTIONS, **names}  # one scope: generators see it
        return float(eval(self.expression, scope))  # noqa: S307

    def to_markdown(self) -> str:
        """The explanation as Markdown (formulas in ``$$`` blocks), for exported reports.

        Returns
        -------
        str
            Markdown text.
        """
        lines = [f"**{self.quantity}**"]
        if self.value is None:
            lines.append(f"n/a — {self.unavailable_reason or 'cannot be computed'}")
        lines += [f"$$ {self.formula} $$", f"$$ {self.substituted} $$"]
        if self.convention:
            lines.append(f"Convention: {self.convention}")
        if self.reference:
            lines.append(f"Source: {self.reference}")
        lines += list(self.notes)
        return "\n\n".join(lines)


def latex_number(value: float, digits: int = 6) -> str:
    r"""A number for a LaTeX formula: ``1.5 \times 10^{-30}`` rather than ``1.5e-30``.

    Parameters
    ----------
    value : float
        The number.
    digits : int, optional
        Significant digits.

    Returns
    -------
    str
        LaTeX text.

    Examples
    --------
    >>> latex_number(1.5e-30)
    '1.5 \\times 10^{-30}'
    >>> latex_number(0.999)
    '0.999'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return r"\text{n/a}"
    if isinstance(value, float) and math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return text


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "_": r"\_",
    "^": r"\^{}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "~": r"\~{}",
}


def latex_text(text: str) -> str:
    r"""User text made safe inside a LaTeX formula, as upright text.

    Parameters
    ----------
    text : str
        A name (a component, a label).

    Returns
    -------
    str
        ``\text{...}`` with LaTeX's special characters escaped.

    Examples
    --------
    >>> latex_text("db_primary #1")
    '\\text{db\\_primary \\#1}'
    """
    escaped = "".join(_LATEX_SPECIAL.get(c, c) for c in str(text))
    return rf"\text{{{escaped}}}"
