"""Input validation shared by the library: check first, then compute.

Each helper returns the cleaned value and raises :class:`ftmath.InputError` with a message
that names the parameter in backticks and says what is accepted.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ftmath.errors import InputError


def _describe(value: Any) -> str:
    return repr(value) if isinstance(value, str) else f"{value}"


def as_float(value: Any, name: str) -> float:
    """A finite real number, or an `InputError` naming ``name``."""
    if isinstance(value, bool):
        raise InputError(f"`{name}` must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"`{name}` must be a number, got {_describe(value)}") from None
    except OverflowError:  # an int beyond any float, such as 10**400
        raise InputError(f"`{name}` must be a finite number, got one too large to hold") from None
    if not math.isfinite(number):
        raise InputError(f"`{name}` must be a finite number, got {number}")
    return number


def check_probability(value: Any, name: str) -> float:
    """A probability in [0, 1]."""
    number = as_float(value, name)
    if not 0.0 <= number <= 1.0:
        # Pages enter probabilities in %: say the range both ways.
        percent = f" ({100.0 * number:g} %)" if math.isfinite(number) else ""
        raise InputError(
            f"`{name}` must be a probability in [0, 1] (0 % to 100 %), got "
            f"{_describe(value)}{percent}"
        )
    return number


def check_positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """A finite number > 0 (or >= 0 with ``allow_zero``)."""
    number = as_float(value, name)
    if number < 0.0 or (number == 0.0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise InputError(f"`{name}` must be {bound}, got {_describe(value)}")
    return number


def check_probabilities(values: Iterable[float], name: str) -> np.ndarray:
    """A non-empty 1-D float array of probabilities in [0, 1]; errors name the index."""
    if isinstance(values, (str, bytes)):
        raise InputError(f"`{name}` must be a sequence of probabilities, got a string")
    try:
        array = np.asarray(list(values) if not isinstance(values, np.ndarray) else values)
    except TypeError:
        raise InputError(f"`{name}` must be a sequence of probabilities") from None
    if array.ndim == 0:
        raise InputError(f"`{name}` must be a sequence of probabilities, got one number")
    if array.ndim != 1:
        raise InputError(f"`{name}` must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise InputError(f"`{name}` must hold at least one unit, got none")
    if array.dtype.kind not in "fiu":
        for i, item in enumerate(array):
            check_probability(item, f"{name}[{i}]")
        array = array.astype(float)
    array = array.astype(float, copy=False)
    bad = ~((array >= 0.0) & (array <= 1.0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"`{name}[{i}]` must be a probability in [0, 1], got {array[i]:g}")
    return array


def check_unique_header(first_line: str, delimiter: str) -> None:
    """Refuse a CSV header that names a column twice.

    Readers would otherwise keep one of the two silently (pandas renames the second
    ``name.1``), so the user would not know which values were read.
    """
    fields = next(csv.reader([first_line.lstrip("\ufeff")], delimiter=delimiter), [])
    seen: dict[str, int] = {}
    for position, field in enumerate(fields, start=1):
        name = field.strip()
        if not name:
            continue
        if name in seen:
            raise InputError(
                f"the header names the column `{name[:60]}` twice (columns {seen[name]} and "
                f"{position}): rename or remove one, so that it is clear which one to read"
            )
        seen[name] = position
