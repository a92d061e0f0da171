"""Lesson 1, logits: its public cases and bad inputs.

The functions: ``linear_logits``, ``logit``, ``one_hot``, ``hardmax``.
:mod:`autograder.checks.catalogue` says what `SPECS` (the cases that teach the maths)
and `CONTRACT` (the exercise's promises, quoted) hold, and compiles them.
"""

import numpy as np

from autograder.checks.cases_common import (
    INTEGERS,
    KEEP_DTYPE,
    case,
    f32,
    f64,
    inf,
    ints,
    raises,
)
from solutions.helpers.judge import Spec

QUIET_INF = "the answer is infinite, but the exercise promises no warning: silence it or avoid it"

SPECS = (
    Spec(
        "linear_logits",
        (
            case(
                f64([[1, 2]]),
                f64([[1, 0, -1], [0, 1, 1]]),
                f64([0, 0.5, 0]),
                example=True,
                hint="logits are X @ W + b: one row per sample, one column per class",
            ),
            case(
                f64([[5.1, 3.5, 1.4, 0.2], [6.3, 2.9, 5.6, 1.8]]),
                f64([[0.4, 0.1, -0.5], [1.0, -0.2, -0.8], [-1.5, 0.3, 1.2], [-0.7, -0.6, 1.3]]),
                f64([0.2, 0.5, -0.7]),
                example=True,
                hint="two iris flowers, three classes",
            ),
            case(f32([[1, 2]]), f32([[1, 0], [0, 1]]), f32([0.5, 0.5]), hint=KEEP_DTYPE),
        ),
        raises=(
            raises(
                f64([[1, 2, 3]]),
                f64([[1, 0], [0, 1]]),
                f64([0, 0]),
                why="X has 3 features but W has 2 rows",
            ),
            raises(
                f64([[1, 2]]),
                f64([[1, 0], [0, 1]]),
                f64([0, 0, 0]),
                why="b must have one entry per class (column of W)",
            ),
        ),
    ),
    Spec(
        "logit",
        (
            case(f64([0.5, 0.8, 0.2]), example=True, hint="logit(p) = log(p / (1 - p))"),
            case(f64([0.0, 1.0]), hint="logit(0) is -inf and logit(1) is inf"),
            case(
                f64([0.5 + 2.0**-30]),
                scale=0,
                example=True,
                hint="near 1/2, log(p / (1 - p)) loses digits: use log1p(2 (p - 1/2) / (1 - p))",
            ),
            case(f32([0.25, 0.75]), example=True, hint=KEEP_DTYPE),
        ),
        raises=(
            raises(f64([1.5]), why="1.5 is not a probability"),
            raises(f64([-0.1]), why="-0.1 is not a probability"),
            raises(f64([np.nan]), why="nan is not a probability"),
        ),
    ),
    Spec(
        "one_hot",
        (
            case(ints([0, 2, 1]), 3, example=True, hint="row i has a 1 in column labels[i]"),
            case(
                ints([[0], [1]]),
                2,
                example=True,
                hint="the class axis is added at the end: shape (2, 1, 2)",
            ),
        ),
        raises=(
            raises(ints([3]), 3, why="label 3 is not in [0, 3)"),
            raises(ints([-1]), 3, why="label -1 must not wrap round to the last class"),
            raises(f64([0.0, 1.0]), 2, why="labels must be integers"),
        ),
    ),
    Spec(
        "hardmax",
        (
            case(f64([0.5, 0.8]), example=True, hint="a 1 at the largest logit, 0 elsewhere"),
            case(
                f64([[3, 3, 1]]),
                example=True,
                hint="on a tie the first maximum wins, as with np.argmax",
            ),
            case(
                f64([[1, 5], [4, 2]]),
                axis=0,
                example=True,
                hint="axis=0 picks the largest entry of each column",
            ),
            case(f32([[2, 1]]), hint=KEEP_DTYPE),
        ),
    ),
)

CONTRACT = {
    "logit": (
        (
            case(0.8, hint="a plain float is a 0-d input", spec="a plain float works too"),
            case(
                f64([[0.1, 0.9], [0.2, 0.7]]),
                hint="logit works entry by entry, on any shape",
                spec="array-like of any shape",
            ),
            case(
                ints([0, 1]),
                quiet=True,
                hint=f"{INTEGERS}; logit(0) and logit(1) must not warn (np.errstate)",
                spec=("integers become float64", "**without a warning**"),
            ),
            case(
                f32([0.0, 1.0, 1e-20]),
                quiet=True,
                hint=f"{QUIET_INF}; {KEEP_DTYPE}",
                spec=("float32 stays float32", "`logit(0)` is `-inf` and `logit(1)` is `inf`"),
            ),
            case(
                f64([0.5 - 2.0**-20, 0.45, 0.6, 0.5]),
                scale=0,
                hint="near 1/2, log(p / (1 - p)) loses digits: use log1p(2 (p - 1/2) / (1 - p))",
                spec="near $p = 1/2$ use the `log1p` form",
            ),
        ),
        (
            raises(f32([[0.5, 1.01]]), why="1.01 is not a probability", spec="outside $[0, 1]$"),
            raises(f64([0.5, np.nan]), why="nan is not a probability", spec="or NaN"),
        ),
    ),
    "linear_logits": (
        (
            case(
                [1.0, 2.0],
                [[1.0, 0.0, -1.0], [0.0, 1.0, 1.0]],
                [0.0, 0.5, 0.0],
                hint="one sample of shape (d,) gives logits of shape (C,)",
                spec=(
                    "or one sample of shape `(d,)`",
                    "all array-likes",
                    "(or `(C,)` for one sample)",
                ),
            ),
            case(
                ints([[1, 2], [3, 4], [5, 6]]),
                ints([[1, -1], [0, 2]]),
                ints([1, 0]),
                hint=INTEGERS,
                spec="convert each argument with `as_float_array`",
            ),
            case(
                f32([[1000.0, -1000.0], [0.5, 0.25], [3.0, 1.0]]),
                f32([[0.5, 1.0, -1.0], [0.25, 0.0, 2.0]]),
                f32([0.0, -1.0, 0.5]),
                hint=KEEP_DTYPE,
                spec=("$XW + b$, of shape `(N, C)`", "Float32 stays float32"),
            ),
        ),
        (
            raises(
                f64([[1, 2]]),
                f64([1, 0]),
                f64([0]),
                why="W must be two-dimensional, (d, C)",
                spec="if `W` is not two-dimensional",
            ),
            raises(
                f64([[1, 2]]),
                f64([[1, 0, 0], [0, 1, 0]]),
                f64([[0], [0], [0]]),
                why="b of shape (3, 1) would broadcast to a (3, 3) result: b must be (C,)",
                spec="if `b.shape` is not `(C,)`",
            ),
            raises(
                f32([1, 2, 3]),
                f32([[1, 0], [0, 1]]),
                f32([0, 0]),
                why="one sample of 3 features but W has 2 rows",
                spec="if the last axis of `X` does not match the rows of `W`",
            ),
        ),
    ),
    "one_hot": (
        (
            case(
                ints([[0, 1], [2, 0]]),
                3,
                hint="labels of shape (2, 2) give shape (2, 2, 3)",
                spec="integer `labels` of any shape",
            ),
            case(
                ints(1),
                3,
                hint="a single label gives one row of shape (C,)",
                spec="a float64 array of shape `labels.shape + (C,)`",
            ),
            case(
                [2, 0],
                4,
                hint="return float64 (np.eye(C)[labels] is float64, == gives booleans)",
                spec="with a 1 in column `labels[...]` and 0 elsewhere",
            ),
        ),
        (
            raises(
                ints([[0, -1]]),
                2,
                why="label -1 must not wrap round to the last class",
                spec="**including $-1$**",
            ),
            raises(
                f32([0.5]),
                2,
                why="0.5 is not a class label",
                spec="if a label is not an integer in $[0, C)$",
            ),
        ),
    ),
    "hardmax": (
        (
            case(
                f64([[1, 5, 3], [4, 2, 0]]),
                axis=0,
                hint="with axis=0 each column has its own 1, in the row of its largest entry",
                spec="with a 1 at the **first** maximum along `axis`",
            ),
            case(
                f64([[[1, 2], [3, 0]], [[5, 5], [5, 6]]]),
                axis=1,
                hint="on a tie the first maximum along the axis wins, as with np.argmax",
                spec=("logits `z` of any shape", "the class axis"),
            ),
            case(
                ints([[1, 5, 5], [7, 0, 7]]),
                hint=INTEGERS,
                spec="integers become float64: use `as_float_array`",
            ),
            case(
                f32([[-inf, -1000.0, 1000.0], [0.0, -inf, -inf]]),
                hint=KEEP_DTYPE,
                spec="the same shape and float dtype as `z` (float32 stays float32",
            ),
        ),
        (),
    ),
}
