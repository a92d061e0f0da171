"""What every lesson's cases are written with: typed arrays, `case`, `raises`, shared hints.

The lesson modules (``lesson1_logits`` ... ``lesson5_*``) build their cases from these;
:mod:`autograder.checks.catalogue` gathers them. A hint that names a mistake one lesson
alone makes lives in that lesson's module; the ones here recur across lessons.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from solutions.helpers.judge import Case, Raises

inf = np.inf


def f64(values: ArrayLike) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def f32(values: ArrayLike) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def ints(values: ArrayLike) -> np.ndarray:
    return np.array(values, dtype=np.int64)


@dataclass(frozen=True)
class Quoting(Case):
    """A Case with the exercise's promises it tests: `spec` holds phrases quoted from bullets
    of the function's exercise cell (tests/test_catalogue.py keeps them in step)."""

    spec: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuotingRaises(Raises):
    """A Raises with the exercise's promises it tests, as :class:`Quoting`."""

    spec: tuple[str, ...] = ()


def phrases(spec: str | tuple[str, ...]) -> tuple[str, ...]:
    return (spec,) if isinstance(spec, str) else tuple(spec)


def case(
    *args: object,
    hint: str = "",
    scale: float | None = None,
    quiet: bool = False,
    example: bool = False,
    spec: str | tuple[str, ...] = (),
    **kwargs: object,
) -> Quoting:
    """A public case; its expected value is the reference's, filled in by
    :func:`autograder.checks.catalogue.compiled`.

    `spec` quotes the exercise's bullets the case tests: a phrase, or a tuple of them.
    """
    return Quoting(args, kwargs, None, hint, scale, quiet, example, phrases(spec))


def raises(
    *args: object, why: str, spec: str | tuple[str, ...] = (), **kwargs: object
) -> QuotingRaises:
    return QuotingRaises(args, kwargs, why, phrases(spec))


OVERFLOW = "exp overflowed: subtract the max of each row first"
ZERO_LOG_ZERO = "0 log 0 counts as 0: use scipy.special.xlogy (or entr) instead of p * np.log(p)"
KEEP_DTYPE = "keep float32 as float32: avoid np.float64 constants and dtype=float"
ROWS_APART = "each row needs its own maximum: rows whose maxima differ by 200 lost every digit"
INTEGERS = "integers become float64: start with as_float_array (or check_probabilities)"
AXIS = "use the axis argument: this case's answer depends on it"
