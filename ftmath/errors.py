"""The one family of errors ``ftmath`` raises for bad input.

Callers catch :class:`InputError` (a :class:`ValueError`) and show its message: it says what
was wrong, where (parameter, column, row or document key) and what is accepted.
"""


class InputError(ValueError):
    """Input that ``ftmath`` cannot compute with, with a message a user can act on.

    Examples
    --------
    >>> from ftmath import InputError, series
    >>> try:
    ...     series([0.9, 1.2])
    ... except InputError as error:
    ...     print(error)
    `reliabilities[1]` must be a probability in [0, 1], got 1.2
    """


class ComputationLimitError(InputError):
    """A request that is well formed but beyond what can be computed exactly here.

    The message says which limit was hit and how to stay within it.
    """


__all__ = ["ComputationLimitError", "InputError"]
