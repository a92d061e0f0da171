"""Lesson 5, cross-entropy, the losses of probabilities: its public cases and bad inputs.

The functions: ``cross_entropy``, ``binary_cross_entropy``, ``log_loss``,
``categorical_crossentropy``. :mod:`autograder.checks.catalogue` says what `SPECS` (the
cases that teach the maths) and `CONTRACT` (the exercise's promises, quoted) hold, and
compiles them.
"""

from autograder.checks.cases_common import (
    AXIS,
    INTEGERS,
    KEEP_DTYPE,
    ROWS_APART,
    ZERO_LOG_ZERO,
    case,
    f32,
    f64,
    ints,
    raises,
)
from solutions.helpers.judge import Spec

SPECS = (
    Spec(
        "cross_entropy",
        (
            case(
                f64([1, 0, 0]),
                f64([0.5, 0.2, 0.3]),
                example=True,
                hint="H(p, q) = -sum p log q: here -ln 0.5",
            ),
            case(
                f64([1, 0, 0]),
                f64([0.7, 0.1, 0.2]),
                example=True,
                hint="a better model costs less: -ln 0.7",
            ),
            case(f64([1, 0, 0]), f64([0.5, 0.2, 0.3]), base=2, example=True, hint="in bits: 1"),
            case(f64([0, 1]), f64([1, 0]), hint="q = 0 for the true class costs infinitely much"),
            case(f64([1, 0]), f64([1, 0]), example=True, hint=ZERO_LOG_ZERO),
            case(
                f64([[1.0, 0.0], [0.5, 0.5]]),
                f64([[0.9, 0.1], [0.9, 0.1]]),
                example=True,
                hint="a batch of rows gives one H(p, q) per row",
            ),
        ),
        raises=(raises(f64([1, 0]), f64([0.5, 0.25, 0.25]), why="p and q have different shapes"),),
    ),
    Spec(
        "binary_cross_entropy",
        (
            case(
                f64([1, 0, 1]),
                f64([0.5, 0.2, 0.9]),
                example=True,
                hint="-[y log q + (1 - y) log(1 - q)]",
            ),
            case(
                f64([1, 0]),
                f64([1, 0]),
                example=True,
                hint="a certain, right prediction costs 0; 0 * log 0 gave nan: use xlogy/xlog1py",
            ),
            case(f64([1]), f64([0]), hint="a certain, wrong prediction costs inf"),
            case(
                f64([0]),
                f64([1e-17]),
                scale=0,
                example=True,
                hint="log(1 - q) rounds to 0 for tiny q: use xlog1py(1 - y, -q)",
            ),
        ),
        raises=(
            raises(f64([1, 0]), f64([0.5]), why="y and q have different shapes"),
            raises(f64([2.0]), f64([0.5]), why="a target of 2 is not in [0, 1]"),
        ),
    ),
    Spec(
        "log_loss",
        (
            case(
                ints([2, 1, 0]),
                f64([[0.1, 0.2, 0.7], [0.1, 0.7, 0.2], [0.3, 0.4, 0.3]]),
                example=True,
                hint="class labels give the same loss as their one-hot rows",
            ),
            case(
                ints([[0, 0, 1], [0, 1, 0], [1, 0, 0]]),
                f64([[0.3, 0.3, 0.4], [0.3, 0.4, 0.3], [0.1, 0.2, 0.7]]),
                hint="the blog post's first model: 1.3783888522474517",
            ),
            case(
                ints([[0, 0, 1], [0, 1, 0], [1, 0, 0]]),
                f64([[0.1, 0.2, 0.7], [0.1, 0.7, 0.2], [0.3, 0.4, 0.3]]),
                example=True,
                hint="the blog post's second model: 0.6391075640678003",
            ),
            case(
                ints([0, 1, 1]),
                f64([0.1, 0.8, 0.6]),
                example=True,
                hint="a 1-D y_prob is the probability of the positive class",
            ),
            case(
                ints([0, 1, 1]), f64([0.1, 0.8, 0.6]), normalize=False, hint="normalize=False sums"
            ),
            case(
                ints([2, 2]),
                f64([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]),
                labels=ints([0, 1, 2]),
                hint="labels= names every class, even those missing from y_true",
            ),
            case(
                ints([0, 1]),
                f64([[1.0, 0.0], [1.0, 0.0]]),
                example=True,
                hint="probabilities are clipped to [eps, 1 - eps], so the loss stays finite",
            ),
        ),
        raises=(
            raises(
                ints([1, 1]), f64([0.5, 0.5]), why="y_true shows only one class and labels is None"
            ),
            raises(ints([0, 1]), f64([1.5, 0.5]), why="1.5 is not a probability"),
            raises(
                ints([0, 3]),
                f64([[0.5, 0.5], [0.5, 0.5]]),
                labels=ints([0, 1]),
                why="y_true holds 3, which is not in labels: its row would count in the mean "
                "but add nothing to the sum",
            ),
        ),
    ),
    Spec(
        "categorical_crossentropy",
        (
            case(
                f64([[0, 1]]),
                f64([[0.5, 0.8]]),
                from_logits=True,
                example=True,
                hint="with logits: log_softmax",
            ),
            case(
                f64([[0, 1]]),
                f64([[1.0, 0.0]]),
                example=True,
                hint="Keras clips probabilities to [1e-7, 1 - 1e-7]",
            ),
            case(
                f64([[0, 1]]),
                f64([[1.0, 3.0]]),
                example=True,
                hint="Keras divides y_pred by its sum first",
            ),
            case(
                f64([[0, 1, 0]]),
                f64([[0.2, 0.7, 0.1]]),
                label_smoothing=0.1,
                example=True,
                hint="smoothing: y * (1 - 0.1) + 0.1 / 3",
            ),
        ),
        raises=(
            raises(
                f64([[0, 1]]),
                f64([[0.5, 0.5]]),
                label_smoothing=1.5,
                why="label_smoothing must be in [0, 1]",
            ),
        ),
    ),
)

CONTRACT = {
    "cross_entropy": (
        (
            case(
                f64([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]]),
                f64([[0.5, 0.2, 0.3], [0.7, 0.1, 0.2]]),
                hint="one value per row: reduce along the axis only",
                spec="(any number of rows)",
            ),
            case(
                f64([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]),
                f64([[0.5, 0.1], [0.25, 0.9], [0.25, 0.0]]),
                axis=0,
                base=2,
                hint=AXIS,
                spec=("reduced along `axis`", "`base=2` gives bits"),
            ),
            case(
                f32([[0.0, 1.0], [1.0, 0.0]]),
                f32([[1.0, 0.0], [1.0, 0.0]]),
                quiet=True,
                hint=f"q = 0 < p costs inf, p = 0 adds 0, no warning: use xlogy; {KEEP_DTYPE}",
                spec=(
                    "with $0 \\log 0 = 0$ and `inf` where $q_k = 0 < p_k$",
                    "without any warning",
                ),
            ),
            case(
                f32([0.5, 0.5]),
                f32([1e-20, 1.0]),
                hint=f"{KEEP_DTYPE}; the minus sign makes the loss positive",
                spec="Return $-\\sum_k p_k \\log q_k$",
            ),
        ),
        (
            raises(
                f64([[1.0, 0.0], [0.5, 0.5]]),
                f64([[0.5, 0.5], [0.5, 0.5]]),
                axis=0,
                why="the columns of p sum to 1.5 and 0.5: check along axis",
                spec="`p` and `q` are distributions along `axis`",
            ),
            raises(
                f64([1.0, 0.0]),
                f64([0.5, 0.6]),
                why="q sums to 1.1, not 1",
                spec="raise `ValueError` otherwise",
            ),
            raises(
                f64([[1.0, 0.0]]),
                f64([1.0, 0.0]),
                why="p and q have different shapes (no broadcasting)",
                spec="of the same shape",
            ),
        ),
    ),
    "binary_cross_entropy": (
        (
            case(
                f32([[1.0, 0.0], [1.0, 0.0]]),
                f32([[0.0, 1.0], [0.5, 0.25]]),
                quiet=True,
                hint=f"certain and wrong costs inf, with no warning: use xlogy; {KEEP_DTYPE}",
                spec=("`inf` where the prediction is certain and wrong", "no warnings"),
            ),
            case(
                f64([0.0, 1.0, 0.3]),
                f64([1e-20, 1.0, 0.5]),
                scale=0,
                hint="log(1 - q) rounds to 0 for tiny q: use xlog1py(1 - y, -q)",
                spec="Return $-[y\\log q + (1-y)\\log(1-q)]$ in nats",
            ),
            case(
                ints([[1, 0]]),
                f64([[0.9, 0.2]]),
                hint=INTEGERS,
                spec=("Element-wise", "any shape"),
            ),
        ),
        (
            raises(
                f64([[1.0, 0.0]]),
                f64([1.0, 0.0]),
                why="y and q have different shapes (no broadcasting)",
                spec="raise `ValueError` for a shape mismatch",
            ),
            raises(
                f32([1.0]),
                f32([1.5]),
                why="q = 1.5 is not a probability",
                spec="or a value outside $[0, 1]$",
            ),
        ),
    ),
    "log_loss": (
        (
            case(
                ints([30, 10, 20]),
                f64([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]]),
                hint="the columns follow the sorted classes: 10, 20, 30 (np.unique)",
                spec="class labels into one-hot rows over the sorted classes",
            ),
            case(
                ints([0, 1]),
                f32([1.0, 0.0]),
                hint="clip at np.finfo(q.dtype).eps: float32's eps is 1.19e-07",
                spec=("Clip with `eps = np.finfo(q.dtype).eps`", "return a Python `float`"),
            ),
            case(
                ints([1, 0]),
                f64([0.9, 0.2]),
                labels=ints([0, 1]),
                normalize=False,
                hint="a 1-D y_prob is the probability of the second class: columns (1 - p, p)",
                spec="Turn 1-D `y_prob` into two columns $(1 - p, p)$",
            ),
            case(
                ints([3, 3]),
                f64([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]),
                labels=ints([3, 1, 2]),
                hint="with labels=, the columns follow np.unique(labels), not y_true",
                spec="(`np.unique`, of `labels` if given)",
            ),
        ),
        (
            raises(
                ints([[0, 0, 1]]),
                f64([[0.5, 0.5]]),
                why="y_true has 3 classes but y_prob has 2 columns",
                spec="if the number of classes differs between `y_true` and `y_prob`",
            ),
            raises(
                ints([0, 1]),
                f64([[0.5, 0.4], [0.5, 0.5]]),
                why="a row of y_prob sums to 0.9",
                spec="a row does not sum to one",
            ),
            raises(
                ints([0, 1]),
                f64([-0.5, 0.5]),
                why="-0.5 is not a probability",
                spec="if a probability is outside $[0, 1]$",
            ),
        ),
    ),
    "categorical_crossentropy": (
        (
            case(
                f64([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]),
                f64([[0.5, 0.1], [0.25, 0.8], [0.25, 0.1]]),
                axis=0,
                label_smoothing=0.3,
                hint="smooth with C = the size of the class axis: here 3 classes along axis 0",
                spec=("with $C$ the size of `axis`", "Smooth first"),
            ),
            case(
                f32([[0.0, 1.0], [1.0, 0.0]]),
                f32([[200.0, 0.0], [0.0, 1.0]]),
                from_logits=True,
                hint=ROWS_APART,
                spec="your `log_softmax(y_pred, axis)`",
            ),
            case(
                f64([[0.0, 1.0], [1.0, 0.0]]),
                f64([[1000.0, 0.0], [-1000.0, 5.0]]),
                from_logits=True,
                axis=0,
                label_smoothing=0.2,
                hint="from_logits=True: log_softmax along the axis, then the smoothed labels",
                spec="`from_logits=True`",
            ),
            case(
                f32([[0.0, 1.0, 0.0]]),
                f32([[2.0, 0.0, 2.0]]),
                label_smoothing=0.1,
                hint="rescale, then clip into [1e-7, 1 - 1e-7] before the log",
                spec=(
                    "rescale the rows to sum to one, clip into $[10^{-7}, 1 - 10^{-7}]$",
                    "Return $-\\sum_k \\tilde p_k \\log q_k$ along `axis`",
                ),
            ),
        ),
        (
            raises(
                f64([[0.0, 1.0]]),
                f64([[-1.0, 2.0]]),
                why="negative y_pred are logits: pass from_logits=True",
                spec="also for negative `y_pred` when `from_logits` is False",
            ),
            raises(
                f64([[0.0, 1.0]]),
                f64([[0.5, 0.5]]),
                label_smoothing=-0.1,
                why="label_smoothing must be in [0, 1]",
                spec="`label_smoothing` in $[0, 1]$",
            ),
            raises(
                f64([[0.5, 0.6]]),
                f64([[0.5, 0.5]]),
                why="y_true sums to 1.1: not a distribution",
                spec="`y_true`: distributions along `axis`",
            ),
            raises(
                f64([[0.0, 1.0]]),
                f64([[0.5, 0.5, 0.0]]),
                why="y_true and y_pred differ in shape",
                spec="`y_pred` of the same shape",
            ),
        ),
    ),
}
