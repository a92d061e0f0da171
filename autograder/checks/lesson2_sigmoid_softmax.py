"""Lesson 2, sigmoid versus softmax: its public cases and bad inputs.

The functions: ``sigmoid``, ``log_sigmoid``, ``softmax``, ``log_softmax``,
``logsumexp``. :mod:`autograder.checks.catalogue` says what `SPECS` (the cases that
teach the maths) and `CONTRACT` (the exercise's promises, quoted) hold, and compiles
them.
"""

from autograder.checks.cases_common import (
    AXIS,
    INTEGERS,
    KEEP_DTYPE,
    OVERFLOW,
    ROWS_APART,
    case,
    f32,
    f64,
    inf,
    ints,
)
from solutions.helpers.judge import Spec

SPECS = (
    Spec(
        "sigmoid",
        (
            case(f64([0.0, 1.3, -1.3]), example=True, hint="sigmoid(z) = 1 / (1 + exp(-z))"),
            case(
                f64([1000.0, -1000.0]),
                example=True,
                hint="exp overflowed: use e = exp(-|z|), which is at most 1",
            ),
            case(f64([inf, -inf]), hint="sigmoid(inf) is 1 and sigmoid(-inf) is 0"),
            case(
                f32([88.0, 89.0, -89.0]),
                example=True,
                hint="float32 exp overflows past 88: use exp(-|z|)",
            ),
        ),
    ),
    Spec(
        "log_sigmoid",
        (
            case(f64([0.0, 1.3, -1.3]), example=True, hint="log_sigmoid(z) = -log(1 + exp(-z))"),
            case(
                f64([-1000.0]),
                example=True,
                hint="log(sigmoid(-1000)) is log(0): use min(z, 0) - log1p(exp(-|z|))",
            ),
            case(f64([1000.0]), hint="exp(-z) overflowed for z = -1000 or log lost the digits"),
            case(
                f64([40.0]),
                scale=0,
                example=True,
                hint="log(1 + 4e-18) rounds to 0: use log1p(exp(-|z|))",
            ),
            case(f32([-100.0, 20.0]), hint=KEEP_DTYPE),
        ),
    ),
    Spec(
        "softmax",
        (
            case(f64([0.5, 0.8]), example=True, hint="the cat/dog logits: exp(z) / sum(exp(z))"),
            case(
                f64([[1, 2, 3], [1, 1, 1]]),
                example=True,
                hint="normalise each row separately: sum over axis=-1 with keepdims=True",
            ),
            case(f64([1000.0, 0.0]), example=True, hint=OVERFLOW),
            case(
                f64([-1000.0, -1000.0]),
                example=True,
                hint="exp underflowed to 0 / 0: subtract the max first",
            ),
            case(f64([0.0, -inf]), hint="a logit of -inf has probability 0"),
            case(
                f64([[1, 2], [3, 5]]),
                axis=0,
                example=True,
                hint="with axis=0 each column sums to one",
            ),
            case(
                f32([89.0, 0.0]),
                example=True,
                hint="float32 exp overflows past 88: subtract the max first",
            ),
        ),
    ),
    Spec(
        "log_softmax",
        (
            case(f64([0.5, 0.8]), example=True, hint="log_softmax(z) = z - logsumexp(z)"),
            case(
                f32([0.0, -200.0]),
                example=True,
                hint="log(softmax(z)) underflows to -inf: use (z - max) - log(sum(exp(z - max)))",
            ),
            case(f64([1000.0, 0.0]), example=True, hint=OVERFLOW),
            case(
                f64([[1, 2], [3, 5]]),
                axis=0,
                example=True,
                hint="with axis=0 work down each column",
            ),
        ),
    ),
    Spec(
        "logsumexp",
        (
            case(
                f64([1000.0, 1000.0]),
                example=True,
                hint="exp overflowed: factor out the max, m + log(sum(exp(z - m)))",
            ),
            case(
                f64([[0.0, -inf]]),
                keepdims=True,
                example=True,
                hint="keepdims=True keeps the reduced axis, with length 1",
            ),
            case(
                f64([[1, 2, 3], [4, 5, 6]]),
                axis=0,
                example=True,
                hint="with axis=0 reduce each column",
            ),
            case(
                f64([-inf, -inf]),
                hint="the log of an empty sum is -inf; shifting by -inf gives nan",
            ),
            case(
                f32([89.0, 0.0]),
                example=True,
                hint="float32 exp overflows past 88: factor out the max",
            ),
        ),
    ),
)

CONTRACT = {
    "sigmoid": (
        (
            case(
                ints([[0, 2], [-3, 1000]]),
                hint=INTEGERS,
                spec=("integers become float64, float32 stays float32", "of any shape"),
            ),
            case(
                f32([[1000.0, -1000.0], [inf, -inf]]),
                hint="exp overflowed: use e = exp(-|z|), which is at most 1, for either sign",
                spec=("never overflow and never warn", "$\\pm 1000$ and $\\pm\\infty$ included"),
            ),
            case(
                [-1.0, 0.5],
                hint="a list is array-like: np.asarray it first",
                spec=("an array of the same shape and dtype", "with values in $[0, 1]$"),
            ),
        ),
        (),
    ),
    "softmax": (
        (
            case(
                f32([[200.0, 0.0], [0.0, 1.0]]),
                hint=ROWS_APART,
                spec="subtract the maximum along `axis` (with `keepdims=True`)",
            ),
            case(
                f64([[1000.0, 0.0], [-1000.0, -999.0]]),
                hint=ROWS_APART,
                spec="logits of ±1000",
            ),
            case(
                f64([[[0.0, 1.0], [1000.0, 2.0]], [[-inf, 3.0], [4.0, 5.0]]]),
                axis=1,
                hint=AXIS,
                spec=("logits of any shape", "and `axis`, the class axis"),
            ),
            case(
                f64([[0.0, -inf], [-inf, 0.0], [5.0, 5.0]]),
                axis=0,
                hint="a logit of -inf has probability 0; shift by the max of each column",
                spec="A logit of `-inf` gets probability 0",
            ),
            case(
                ints([[1, 2, 3]]),
                hint=INTEGERS,
                spec="summing to one along `axis`",
            ),
            case(
                f32([[89.0, 1.0], [-89.0, 0.0]]),
                hint="float32 exp overflows past 88: subtract the max of each row first",
                spec=("or 89 in float32", "an array of the same shape and dtype"),
            ),
        ),
        (),
    ),
    "logsumexp": (
        (
            case(
                f32([[200.0, 0.0], [0.0, 1.0]]),
                hint=ROWS_APART,
                spec="in the float dtype of `z`",
            ),
            case(
                f64([[1000.0, -1000.0], [-inf, -inf], [-inf, 3.0]]),
                hint="a slice of only -inf gives -inf, and -inf entries add nothing, with no nan",
                spec=(
                    "`-inf` for a slice made only of `-inf`",
                    "not overflow, not warn, and not return `nan` for finite or `-inf` input",
                ),
            ),
            case(
                f64([[[0.0, 1.0], [2.0, 3.0]], [[1000.0, 1000.0], [-inf, 5.0]]]),
                axis=1,
                keepdims=True,
                hint="reduce the axis given, keeping it with length 1",
                spec=("the `axis` to reduce", "keep the reduced axis with length 1"),
            ),
            case(
                ints([[1, 2], [3, 4]]),
                axis=0,
                hint=INTEGERS,
                spec=("`z` of any shape", "$\\log\\sum_k e^{z_k}$ along `axis`"),
            ),
            case(
                f32([[0.0, -inf], [-inf, -inf]]),
                axis=0,
                keepdims=True,
                hint="-inf entries contribute nothing (exp(-inf) = 0); do not shift by -inf",
                spec="(`-inf` entries contribute nothing)",
            ),
        ),
        (),
    ),
    "log_softmax": (
        (
            case(
                f32([[200.0, 0.0], [0.0, 1.0]]),
                hint=ROWS_APART,
                spec="Subtract the maximum first",
            ),
            case(
                f64([[0.0, -800.0], [-inf, 0.0]]),
                hint="log(softmax(z)) gave -inf where exp underflowed: compute z - max - log(sum)",
                spec="never compute `np.log(softmax(z))`",
            ),
            case(
                f64([[[0, 1], [1000, 2]], [[-5, 3], [4, 5]]]),
                axis=1,
                hint=AXIS,
                spec=("logits of any shape, and the class `axis`", "along `axis`"),
            ),
            case(
                ints([[1, 2, 3], [0, 0, 0]]),
                axis=0,
                hint=INTEGERS,
                spec=("same shape and dtype as `z`", "every entry $\\le 0$"),
            ),
            case(
                f32([[1000.0, 0.0], [-1000.0, 1.0]]),
                axis=0,
                hint=OVERFLOW,
                spec="`logsumexp(shifted, axis=axis, keepdims=True)`",
            ),
        ),
        (),
    ),
    "log_sigmoid": (
        (
            case(
                ints([[-1000, 0], [3, 40]]),
                hint=INTEGERS,
                spec="logits of any shape (start with `as_float_array`)",
            ),
            case(
                f32([[-1000.0, 1000.0], [-inf, inf]]),
                hint="log(sigmoid) underflowed to log(0): use min(z, 0) - log1p(exp(-|z|))",
                spec=("exact at $z = -1000$", "same shape and dtype, every entry $\\le 0$"),
            ),
            case(
                f32([17.0, 40.0]),
                scale=0,
                hint="log(1 + e) rounds e away: use log1p(exp(-|z|))",
                spec=("keeps full precision at $z = 40$", "never compute `np.log(sigmoid(z))`"),
            ),
        ),
        (),
    ),
}
