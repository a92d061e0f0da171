"""Lesson 5, cross-entropy, its gradient and calibration: its public cases and bad inputs.

The functions: ``softmax_cross_entropy_grad``, ``numerical_gradient``,
``expected_calibration_error``. :mod:`autograder.checks.catalogue` says what `SPECS`
(the cases that teach the maths) and `CONTRACT` (the exercise's promises, quoted) hold,
and compiles them.
"""

from autograder.checks.cases_common import (
    AXIS,
    OVERFLOW,
    ROWS_APART,
    case,
    f32,
    f64,
    inf,
    ints,
    raises,
)
from solutions.helpers.judge import Spec, loss_of_class_0, squared_norm, twice

SPECS = (
    Spec(
        "softmax_cross_entropy_grad",
        (
            case(
                f64([[0, 1]]),
                f64([[0.5, 0.8]]),
                example=True,
                hint="the gradient is softmax(logits) - labels",
            ),
            case(f64([[1, 0, 0]]), f64([[1000.0, 0.0, 0.0]]), example=True, hint=OVERFLOW),
            case(
                f64([[0.2, 0.8], [0.5, 0.5]]),
                f64([[0.0, 1.0], [2.0, 2.0]]),
                example=True,
                hint="soft labels",
            ),
        ),
        raises=(raises(f64([[0, 1]]), f64([[0.5]]), why="labels and logits differ in shape"),),
    ),
    # Central differences divide rounding errors of size eps*|f| by h = 1e-5, so two
    # correct implementations may differ by about 1e5 ulps; a wrong formula by far more.
    Spec(
        "numerical_gradient",
        (
            case(
                squared_norm,
                f64([1.0, -2.0, 3.0]),
                example=True,
                hint="(f(x + h) - f(x - h)) / 2h, entry by entry",
            ),
            case(loss_of_class_0, f64([0.5, 0.8, -1.0]), hint="one partial derivative per entry"),
            case(
                squared_norm,
                f64([[1.0, 2.0], [3.0, 4.0]]),
                example=True,
                hint="the gradient has x's shape",
            ),
        ),
        raises=(
            raises(squared_norm, f64([1.0]), h=0.0, why="the step h must be positive"),
            raises(twice, f64([1.0, 2.0]), why="f returns an array, not a scalar"),
        ),
        ulps=1e6,
    ),
    Spec(
        "expected_calibration_error",
        (
            case(
                ints([0, 1, 1, 0]),
                f64([[0.75, 0.25], [0.25, 0.75], [0.75, 0.25], [0.5, 0.5]]),
                n_bins=2,
                example=True,
                hint="sum over bins of (bin size / N) |accuracy - confidence|; bin m is "
                "(m/B, (m+1)/B]",
            ),
            case(
                ints([2, 0, 1]),
                f64([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1], [0.5, 0.4, 0.1]]),
                n_bins=1,
                example=True,
                hint="with one bin the ECE is |accuracy - mean confidence|",
            ),
            case(
                ints([0, 1]),
                f64([[1.0, 0.0], [0.0, 1.0]]),
                example=True,
                hint="certain and right: accuracy 1 at confidence 1, ECE 0",
            ),
            case(
                ints([1, 0, 2, 2]),
                f64([[0.05, 0.9, 0.05], [0.2, 0.3, 0.5], [0.34, 0.33, 0.33], [0.1, 0.1, 0.8]]),
                hint="the confidence is the largest probability; the prediction its argmax",
            ),
        ),
        raises=(
            raises(ints([0, 2]), f64([[0.5, 0.5], [0.5, 0.5]]), why="label 2 is not in [0, 2)"),
            raises(ints([0]), f64([[0.5, 0.5], [0.5, 0.5]]), why="2 rows of q but 1 label"),
            raises(ints([0, 1]), f64([[0.5, 0.4], [0.5, 0.5]]), why="a row of q sums to 0.9"),
            raises(ints([0]), f64([[0.5, 0.5]]), n_bins=0, why="n_bins must be positive"),
        ),
    ),
)

CONTRACT = {
    "numerical_gradient": (
        (
            case(
                squared_norm,
                ints([1, -2, 3]),
                hint="work on a float64 copy of x: an integer x cannot take a step of 1e-5",
                spec="Work on a float64 **copy** of `x`",
            ),
            case(
                squared_norm,
                f32([0.5, -1.5]),
                hint="the estimate is float64, whatever x is: np.array(x, dtype=np.float64)",
                spec="`x` is any array-like",
            ),
            case(
                loss_of_class_0,
                [1000.0, 0.0, -1.0],
                hint="add and subtract h in one entry at a time",
                spec=(
                    "add and subtract `h` in that entry only",
                    "`f` takes an array shaped like `x` and returns a scalar",
                ),
            ),
            case(
                squared_norm,
                f64([[[1.0], [2.0]], [[3.0], [-4.0]]]),
                h=1e-4,
                hint="one partial derivative per entry of any shape: np.ndindex(x.shape)",
                spec="for every index (`np.ndindex(x.shape)`)",
            ),
        ),
        (
            raises(
                squared_norm,
                f64([1.0]),
                h=-1e-5,
                why="the step h must be positive",
                spec="if `h` is not positive",
            ),
            raises(
                twice,
                f64([[1.0]]),
                why="f returns an array, not a scalar",
                spec="if `f` does not return a scalar",
            ),
        ),
    ),
    "softmax_cross_entropy_grad": (
        (
            case(
                f32([[0.0, 1.0], [1.0, 0.0]]),
                f32([[200.0, 0.0], [0.0, 1.0]]),
                hint=ROWS_APART,
                spec="with your `softmax`",
            ),
            case(
                f64([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]),
                f64([[1000.0, 0.0], [0.0, 1.0], [-inf, 2.0]]),
                axis=0,
                hint=AXIS,
                spec=("Return `softmax(logits, axis) - labels`", "distributions along `axis`"),
            ),
        ),
        (
            raises(
                f64([[0.5, 0.6]]),
                f64([[0.0, 1.0]]),
                why="labels sum to 1.1: not a distribution",
                spec="Same arguments and checks as `softmax_cross_entropy_with_logits`",
            ),
            raises(
                f64([0.0, 1.0]),
                f64([[0.0, 1.0]]),
                why="labels and logits differ in shape (no broadcasting)",
                spec="same shapes",
            ),
        ),
    ),
    "expected_calibration_error": (
        (
            case(
                ints([1, 0, 1]),
                f64([[0.5, 0.5], [0.4, 0.6], [0.3, 0.7]]),
                n_bins=4,
                hint="on a tie the prediction is the first maximum (argmax)",
                spec="The prediction is `q.argmax(axis=1)`, the confidence `q.max(axis=1)`",
            ),
            case(
                ints([0, 1, 1, 0, 0]),
                f64([[1.0, 0.0], [0.25, 0.75], [0.5, 0.5], [0.75, 0.25], [0.5, 0.5]]),
                n_bins=4,
                hint="confidence 0.75 belongs to bin (0.5, 0.75], not [0.75, 1): searchsorted",
                spec=(
                    "($m/B < c \\le (m+1)/B$)",
                    "`np.bincount(bins, weights=..., minlength=n_bins)`",
                ),
            ),
            case(
                ints([2, 0]),
                f32([[0.1, 0.2, 0.7], [0.2, 0.5, 0.3]]),
                n_bins=3,
                hint="return a Python float: float(...)",
                spec="Return the ECE as a Python `float`",
            ),
        ),
        (
            raises(
                ints([0]),
                f64([0.5, 0.5]),
                why="q must be 2-D, (N, C)",
                spec="if `q` is not 2-D or its rows are not distributions",
            ),
            raises(
                ints([0, -1]),
                f64([[0.5, 0.5], [0.5, 0.5]]),
                why="label -1 must not wrap round to the last class",
                spec="if a label is not an integer in $[0, C)$",
            ),
            raises(
                ints([0, 1]),
                f64([[0.5, 0.5], [0.5, 0.5]]),
                n_bins=2.5,
                why="n_bins must be a positive integer",
                spec="if `n_bins` is not a positive integer",
            ),
            raises(
                ints([[0], [1]]),
                f64([[0.5, 0.5], [0.5, 0.5]]),
                why="labels must have shape (N,): one label per row",
                spec="if there is not one label per row",
            ),
        ),
    ),
}
