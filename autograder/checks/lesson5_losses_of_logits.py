"""Lesson 5, cross-entropy, the losses of logits: its public cases and bad inputs.

The functions: ``softmax_cross_entropy_with_logits``,
``sparse_softmax_cross_entropy_with_logits``, ``sigmoid_cross_entropy_with_logits``,
``binary_cross_entropy_with_logits``, ``cross_entropy_loss``.
:mod:`autograder.checks.catalogue` says what `SPECS` (the cases that teach the maths)
and `CONTRACT` (the exercise's promises, quoted) hold, and compiles them.
"""

from autograder.checks.cases_common import (
    INTEGERS,
    KEEP_DTYPE,
    OVERFLOW,
    ROWS_APART,
    case,
    f32,
    f64,
    inf,
    ints,
    raises,
)
from solutions.helpers.judge import Spec

SPECS = (
    Spec(
        "softmax_cross_entropy_with_logits",
        (
            case(
                f64([[0, 1]]),
                f64([[0.5, 0.8]]),
                example=True,
                hint="-sum labels * log_softmax(logits)",
            ),
            case(
                f64([[0, 1]]),
                f64([[1000.0, 0.0]]),
                example=True,
                hint="log(softmax) gave -inf: use log_softmax, which stays finite",
            ),
            case(
                f64([[0.3, 0.7], [0.5, 0.5]]),
                f64([[1.0, 2.0], [0.0, 0.0]]),
                example=True,
                hint="soft labels",
            ),
            case(
                f64([[1, 0]]),
                f64([[0.0, -inf]]),
                hint="a class with label 0 adds nothing, even at a logit of -inf",
            ),
        ),
        raises=(
            raises(f64([[0, 1]]), f64([[0.5, 0.8, 0.1]]), why="labels and logits differ in shape"),
        ),
    ),
    Spec(
        "sparse_softmax_cross_entropy_with_logits",
        (
            case(
                ints([1, 0]),
                f64([[0.5, 0.8], [0.5, 0.8]]),
                example=True,
                hint="-log_softmax(logits)[label]",
            ),
            case(ints([0]), f64([[-1000.0, 1000.0]]), example=True, hint=OVERFLOW),
        ),
        raises=(
            raises(ints([2]), f64([[0.5, 0.8]]), why="label 2 is not in [0, 2)"),
            raises(
                ints([-1]), f64([[0.5, 0.8]]), why="label -1 must not wrap round to the last class"
            ),
            raises(ints([0, 1]), f64([[0.5, 0.8]]), why="2 labels for 1 row of logits"),
            raises(ints(0), f64(1.0), why="0-d logits have no class axis"),
        ),
    ),
    Spec(
        "sigmoid_cross_entropy_with_logits",
        (
            case(
                f64([1, 0, 1]),
                f64([1000.0, 1000.0, 0.0]),
                example=True,
                hint="use max(x, 0) - x * y + log1p(exp(-|x|)): it never overflows",
            ),
            case(f64([0.3]), f64([-1000.0]), example=True, hint="soft labels: 0.3 * 1000"),
            case(f32([1, 0]), f32([2.0, -3.0]), hint=KEEP_DTYPE),
        ),
        raises=(raises(f64([1, 0]), f64([0.0]), why="labels and logits differ in shape"),),
    ),
    Spec(
        "cross_entropy_loss",
        (
            case(
                f64([[0.5, 0.8], [2.0, -1.0]]),
                ints([1, 0]),
                example=True,
                hint="the mean of -log_softmax[target]",
            ),
            case(
                f64([[0.5, 0.8], [2.0, -1.0]]),
                ints([1, 0]),
                reduction="none",
                hint="reduction='none' returns one loss per sample",
            ),
            case(
                f64([[0.5, 0.8], [2.0, -1.0]]),
                ints([1, -100]),
                example=True,
                hint="ignored targets count neither in the sum nor in the mean's denominator",
            ),
            case(
                f64([[0.5, 0.8], [2.0, -1.0]]),
                ints([1, 0]),
                weight=f64([1.0, 3.0]),
                example=True,
                hint="with weights, 'mean' divides by the sum of the targets' weights",
            ),
            case(
                f64([[0.5, 0.8], [2.0, -1.0]]),
                f64([[0.2, 0.8], [1.0, 0.0]]),
                example=True,
                hint="float targets are class probabilities",
            ),
            case(
                f64([[0.5, 0.8, 0.1]]),
                ints([1]),
                label_smoothing=0.1,
                example=True,
                hint="smoothing mixes in the uniform distribution: (1 - 0.1) * nll + 0.1 * mean",
            ),
            case(f64([[1000.0, 0.0]]), ints([1]), hint=OVERFLOW),
        ),
        raises=(
            raises(f64([[0.5, 0.8]]), ints([2]), why="target 2 is not in [0, 2)"),
            raises(f64([[0.5, 0.8]]), ints([1]), reduction="avg", why="reduction 'avg' is unknown"),
        ),
    ),
    Spec(
        "binary_cross_entropy_with_logits",
        (
            case(
                f64([0.0, 2.0]),
                f64([1.0, 0.0]),
                reduction="none",
                example=True,
                hint="element-wise losses",
            ),
            case(
                f64([0.0, 2.0]),
                f64([1.0, 0.0]),
                pos_weight=f64([3.0]),
                reduction="sum",
                example=True,
                hint="pos_weight multiplies the positive term only",
            ),
            case(
                f64([[0.0, 2.0]]),
                f64([[1.0, 0.0]]),
                weight=f64([2.0, 0.5]),
                example=True,
                hint="weight multiplies each element's loss; the mean ignores it",
            ),
            case(
                f64([1000.0, -1000.0]),
                f64([0.0, 1.0]),
                reduction="none",
                hint="log(sigmoid) underflowed: use log_sigmoid",
            ),
        ),
        raises=(raises(f64([0.0]), f64([1.0]), reduction="avg", why="reduction 'avg' is unknown"),),
    ),
)

CONTRACT = {
    "softmax_cross_entropy_with_logits": (
        (
            case(
                f32([[0.0, 1.0], [1.0, 0.0]]),
                f32([[200.0, 0.0], [0.0, 1.0]]),
                hint=ROWS_APART,
                spec="computed with your `log_softmax`",
            ),
            case(
                f64([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]]),
                f64([[1000.0, -inf], [0.0, 1.0], [-1000.0, 2.0]]),
                axis=0,
                hint="classes along axis 0: one loss per column",
                spec=("distributions along `axis`", "Return one loss per example"),
            ),
            case(
                f32([[1.0, 0.0, 0.0], [0.25, 0.75, 0.0]]),
                f32([[0.0, -inf, 1000.0], [2.0, 1.0, -inf]]),
                hint="0 * -inf is nan: classes with label 0 add nothing, np.where(labels > 0, ...)",
                spec="Classes with $p_k = 0$ add nothing, even at a logit of $-\\infty$",
            ),
            case(
                ints([[0, 1]]),
                ints([[3, 1]]),
                hint=INTEGERS,
                spec="any finite values",
            ),
        ),
        (
            raises(
                f64([[0.5, 0.6]]),
                f64([[0.0, 1.0]]),
                why="labels sum to 1.1: not a distribution",
                spec="checked with `check_distribution`",
            ),
            raises(
                f64([0.0, 1.0]),
                f64([[0.0, 1.0]]),
                why="labels and logits differ in shape (no broadcasting)",
                spec="same shape (`check_same_shape`)",
            ),
        ),
    ),
    "sparse_softmax_cross_entropy_with_logits": (
        (
            case(
                ints([1, 0]),
                f32([[200.0, 0.0], [0.0, 1.0]]),
                hint=ROWS_APART,
                spec="on your `log_softmax` picks one entry per row",
            ),
            case(
                ints([[0, 2], [1, 1]]),
                f64(
                    [[[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]], [[0.0, 0.0, 0.0], [-inf, 5.0, 1.0]]]
                ),
                hint="labels of shape (2, 2) pick from logits of shape (2, 2, 3)",
                spec=("`labels`: integers of shape `(...)`", "classes on the last axis"),
            ),
            case(
                ints(2),
                ints([1, 2, 3]),
                hint=INTEGERS,
                spec="Return $-\\log\\operatorname{softmax}(z)_{y}$ for each example",
            ),
        ),
        (
            raises(
                f64([0.0, 1.0]),
                f64([[0.5, 0.8], [0.5, 0.8]]),
                why="labels must be integers",
                spec="a label is not an integer in $[0, C)$",
            ),
            raises(
                ints([[0, 1]]),
                f64([[0.5, 0.8], [0.5, 0.8]]),
                why="labels of shape (1, 2) for logits of shape (2, 2)",
                spec="if the shapes do not fit",
            ),
        ),
    ),
    "sigmoid_cross_entropy_with_logits": (
        (
            case(
                f64([[1.0, 0.0], [0.0, 1.0]]),
                f64([[40.0, -40.0], [-1000.0, 1000.0]]),
                scale=0,
                hint="log(1 + exp(-|z|)) rounds away exp(-40): use np.log1p",
                spec="with `np.log1p`",
            ),
            case(
                f32([[1.0, 0.0, 0.5]]),
                f32([[-3.0, 1000.0, 0.0]]),
                hint=KEEP_DTYPE,
                spec="Return $\\max(z, 0) - zy + \\log(1 + e^{-|z|})$",
            ),
            case(
                ints([1, 0]),
                ints([-3, 3]),
                hint=INTEGERS,
                spec="Element-wise",
            ),
        ),
        (
            raises(
                f64([1.5]),
                f64([0.0]),
                why="label 1.5 is not in [0, 1]",
                spec="labels in $[0, 1]$ (`check_probabilities`)",
            ),
            raises(
                f64([[1.0, 0.0]]),
                f64([1.0, 0.0]),
                why="labels and logits differ in shape (no broadcasting)",
                spec="same shapes (`ValueError` otherwise)",
            ),
        ),
    ),
    "binary_cross_entropy_with_logits": (
        (
            case(
                f64([[0.0, 2.0], [-1.0, 3.0]]),
                f64([[1.0, 1.0], [1.0, 0.0]]),
                pos_weight=f64([1.0, 4.0]),
                reduction="none",
                hint="pos_weight holds one weight per label (last axis), on the positive term",
                spec="`pos_weight` against the last axis",
            ),
            case(
                f64([[0.0, 2.0], [-1.0, 3.0]]),
                f64([[1.0, 0.0], [0.5, 1.0]]),
                weight=f64([[2.0], [0.5]]),
                pos_weight=f64([3.0, 1.0]),
                reduction="sum",
                hint="weight multiplies each element's whole loss, pos_weight its positive term",
                spec="`weight` broadcasts against the elements",
            ),
            case(
                f64([-30.0, 30.0, -1000.0]),
                f64([0.0, 1.0, 0.0]),
                reduction="none",
                scale=0,
                hint="1 - sigmoid(z) rounds to 1: use log_sigmoid(-z) for the negative term",
                spec=("with your `log_sigmoid` (lesson 2) for both terms", "nothing cancels"),
            ),
            case(
                f32([[1000.0, -1000.0], [0.5, -0.5]]),
                f32([[0.0, 1.0], [1.0, 0.0]]),
                hint=f"{KEEP_DTYPE}; use log_sigmoid, which never overflows",
                spec="each stays accurate for any finite logit",
            ),
            case(
                ints([[1, -2]]),
                ints([[1, 0]]),
                pos_weight=ints([2, 3]),
                reduction="sum",
                hint=INTEGERS,
                spec="Compute $-w\\,[w_+\\, y\\log\\sigma(z) + (1 - y)\\log\\sigma(-z)]$",
            ),
        ),
        (
            raises(
                f64([[0.0, 1.0]]),
                f64([[1.0, 0.0]]),
                pos_weight=f64([1.0, 2.0, 3.0]),
                why="pos_weight of shape (3,) does not fit 2 labels",
                spec="(`check_broadcasts`)",
            ),
            raises(
                f64([0.0]),
                f64([1.5]),
                why="target 1.5 is not in [0, 1]",
                spec="targets in $[0, 1]$",
            ),
            raises(
                f64([0.0, 1.0]),
                f64([[1.0, 0.0]]),
                why="logits and target differ in shape (no broadcasting)",
                spec="`logits` and `target` have the same shape",
            ),
            raises(
                f64([0.0]),
                f64([1.0]),
                reduction=None,
                why="reduction must be 'mean', 'sum' or 'none'",
                spec='`reduction` is `"mean"`, `"sum"` or `"none"` (`check_reduction`)',
            ),
        ),
    ),
    "cross_entropy_loss": (
        (
            case(
                f64([[[0.5, 2.0], [0.8, -1.0]], [[1000.0, 0.0], [0.0, 1000.0]]]),
                ints([[1, 0], [0, 1]]),
                reduction="none",
                hint="logits of shape (N, C, d): the classes are on axis 1 (np.moveaxis)",
                spec="or `(N, C, d1, ...)`",
            ),
            case(
                f32([0.5, 0.8, -1000.0]),
                ints(1),
                hint="a single sample of shape (C,) has its classes on axis 0",
                spec="or axis 0 for a single sample `(C,)`",
            ),
            case(
                f32([[200.0, 0.0], [0.0, 1.0]]),
                ints([1, 0]),
                reduction="none",
                hint=ROWS_APART,
                spec="then use your `log_softmax`",
            ),
            case(
                f64([[0.5, 0.8, 0.1], [2.0, -1.0, 0.0], [1.0, 1.0, 1.0]]),
                ints([2, 0, 1]),
                weight=f64([1.0, 2.0, 4.0]),
                ignore_index=1,
                label_smoothing=0.2,
                hint="smoothing weights each class's term by w_k; the ignored target leaves the "
                "denominator",
                spec=(
                    "with smoothing",
                    "Targets equal to `ignore_index` give 0 and leave the denominator",
                    "divides by $\\sum_i w_{y_i}$ over the kept targets",
                ),
            ),
            case(
                f64([[0.5, 0.8], [2.0, -1.0]]),
                ints([-1, 0]),
                ignore_index=-1,
                reduction="sum",
                hint="ignore_index=-1 ignores the target -1: it must not pick the last class",
                spec="**Integer targets** (class indices, shape `(N,)`)",
            ),
            case(
                f64([[0.5, 0.8], [2.0, -1.0], [0.0, 0.0]]),
                f64([[0.2, 0.8], [1.0, 0.0], [0.5, 0.5]]),
                weight=f64([2.0, 1.0]),
                label_smoothing=0.1,
                hint="with float targets, 'mean' divides by N, not by a sum of weights",
                spec=(
                    "**Float targets** (probabilities, same shape as `logits`)",
                    "divides by $N$",
                ),
            ),
            case(
                f32([[0.5, 0.8], [2.0, -1.0]]),
                ints([1, 0]),
                weight=f32([1.0, 3.0]),
                reduction="sum",
                hint=KEEP_DTYPE,
                spec='`reduction`: `"mean"`, `"sum"` or `"none"`',
            ),
        ),
        (
            raises(
                f64([[0.5, 0.8]]),
                ints([-1]),
                why="target -1 is not ignore_index (-100), and it must not wrap round",
                spec="Any other target outside $[0, C)$ raises `ValueError`",
            ),
        ),
    ),
}
