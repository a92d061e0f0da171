"""The public cases of every graded function: what "correct" means, written once.

A :class:`~solutions.helpers.judge.Case` is a call whose result must match the
reference's on the same inputs; its ``hint`` is what a failure there usually means,
in the learner's words. A :class:`~solutions.helpers.judge.Raises` is a call that
must raise ``ValueError``. ``course build`` compiles these, with the reference's
results, into ``helpers/cases.json`` (:func:`compiled_json`): every check a learner
runs, and the public half of the trusted re-check, judge against those data. The
grader adds hidden cases of its own (:mod:`autograder.hidden`).
"""

import json
import warnings
from functools import cache

import numpy as np

from solutions.helpers import judge
from solutions.helpers.judge import (
    Case,
    Raises,
    Spec,
    loss_of_class_0,
    squared_norm,
    to_json,
    twice,
)

from .lessons import LESSONS

inf = np.inf


def f64(values):
    return np.array(values, dtype=np.float64)


def f32(values):
    return np.array(values, dtype=np.float32)


def ints(values):
    return np.array(values, dtype=np.int64)


def case(*args, hint="", scale=None, quiet=False, example=False, **kwargs):
    """A public case; its expected value is the reference's, filled in by :func:`compiled`."""
    return Case(args, kwargs, None, hint, scale, quiet, example)


def raises(*args, why, **kwargs):
    return Raises(args, kwargs, why)


OVERFLOW = "exp overflowed: subtract the max of each row first"
ZERO_LOG_ZERO = "0 log 0 counts as 0: use scipy.special.xlogy (or entr) instead of p * np.log(p)"
KEEP_DTYPE = "keep float32 as float32: avoid np.float64 constants and dtype=float"

SPECS = (
    # Lesson 1: logits
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
    # Lesson 2: sigmoid versus softmax
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
    # Lesson 3: entropy
    Spec(
        "self_information",
        (
            case(
                f64([1.0, 0.5, 0.25]), base=2, example=True, hint="in bits: -log2(p), so 0, 1 and 2"
            ),
            case(f64([0.5]), example=True, hint="in nats by default: -ln(0.5) = ln 2"),
            case(f64([0.0]), hint="an impossible outcome is infinitely surprising"),
        ),
        raises=(
            raises(f64([1.2]), why="1.2 is not a probability"),
            raises(f64([0.5]), base=1, why="there is no logarithm in base 1"),
        ),
    ),
    Spec(
        "entropy",
        (
            case(f64([0.5, 0.5]), base=2, example=True, hint="a fair coin carries 1 bit"),
            case(f64([[1.0, 0.0], [0.25, 0.75]]), example=True, hint=ZERO_LOG_ZERO),
            case(
                f64([0.25, 0.25, 0.25, 0.25]),
                example=True,
                hint="the uniform distribution on 4 outcomes: ln 4",
            ),
            case(
                f64([[0.5, 1.0], [0.5, 0.0]]),
                axis=0,
                hint="with axis=0 each column is a distribution",
            ),
        ),
        raises=(
            raises(f64([0.5, 0.6]), why="p sums to 1.1, not 1"),
            raises(f64([-0.1, 1.1]), why="-0.1 is not a probability"),
        ),
    ),
    Spec(
        "binary_entropy",
        (
            case(
                f64([1e-20]),
                scale=0,
                example=True,
                hint="log(1 - p) is 0 for tiny p: use log1p(-p)",
            ),
            case(f64([0.5]), base=2, example=True, hint="a fair coin carries 1 bit"),
            case(f64([0.0, 1.0]), example=True, hint=ZERO_LOG_ZERO),
            case(f64([0.11, 0.9]), example=True, hint="H(p) = -p log p - (1 - p) log(1 - p)"),
        ),
        raises=(raises(f64([2.0]), why="2 is not a probability"),),
    ),
    # Lesson 4: KL divergence
    Spec(
        "kl_divergence",
        (
            case(
                f64([[0.5, 0.5], [0.9, 0.1]]),
                f64([[0.9, 0.1], [0.5, 0.5]]),
                example=True,
                hint="a batch of rows gives one KL per row",
            ),
            case(
                f64([0.5, 0.5]), f64([0.9, 0.1]), example=True, hint="KL(p||q) = sum p log(p / q)"
            ),
            case(
                f64([0.9, 0.1]),
                f64([0.5, 0.5]),
                example=True,
                hint="KL is not symmetric: swap p and q, get 0.368",
            ),
            case(f64([1.0, 0.0]), f64([0.5, 0.5]), example=True, hint=ZERO_LOG_ZERO),
            case(f64([0.5, 0.5]), f64([1.0, 0.0]), hint="q = 0 where p > 0 makes KL infinite"),
            case(
                f64([0.5, 0.5]),
                f64([0.9, 0.1]),
                base=2,
                example=True,
                hint="in bits: divide by ln 2",
            ),
        ),
        raises=(
            raises(f64([0.5, 0.5]), f64([0.2, 0.3, 0.5]), why="p and q have different shapes"),
            raises(f64([0.5, 0.6]), f64([0.5, 0.5]), why="p does not sum to 1"),
        ),
    ),
    Spec(
        "js_divergence",
        (
            case(
                f64([1.0, 0.0]),
                f64([0.0, 1.0]),
                base=2,
                example=True,
                hint="disjoint distributions: 1 bit",
            ),
            case(
                f64([0.5, 0.5]),
                f64([0.9, 0.1]),
                example=True,
                hint="JS = (KL(p||m) + KL(q||m)) / 2, m = (p + q) / 2",
            ),
            case(f64([0.9, 0.1]), f64([0.5, 0.5]), example=True, hint="JS is symmetric"),
        ),
        raises=(raises(f64([1.0, 0.0]), f64([1.0]), why="p and q have different shapes"),),
    ),
    Spec(
        "mutual_information",
        (
            case(
                f64([[0.5, 0.0], [0.0, 0.5]]),
                base=2,
                example=True,
                hint="x decides y: I = H(y) = 1 bit",
            ),
            case(
                f64([[0.25, 0.25], [0.25, 0.25]]),
                example=True,
                hint="independent: p(x, y) = p(x) p(y), so 0",
            ),
            case(
                f64([[0.3, 0.1], [0.2, 0.4]]),
                hint="KL(p(x, y) || p(x) p(y)), with the row sums and column sums as marginals",
            ),
            case(f32([[0.3, 0.1], [0.2, 0.4]]), example=True, hint=KEEP_DTYPE),
        ),
        raises=(
            raises(f64([0.5, 0.5]), why="a joint table has two dimensions"),
            raises(f64([[0.5, 0.5], [0.5, 0.5]]), why="the table sums to 2, not 1"),
        ),
    ),
    # Lesson 5: cross-entropy
    Spec(
        "cross_entropy",
        (
            case(
                f64([[1, 0], [0.5, 0.5]]),
                f64([[0.9, 0.1], [0.9, 0.1]]),
                example=True,
                hint="a batch of rows gives one H(p, q) per row",
            ),
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
        ),
        raises=(raises(f64([1, 0]), f64([0.5, 0.25, 0.25]), why="p and q have different shapes"),),
    ),
    Spec(
        "binary_cross_entropy",
        (
            case(
                f64([0]),
                f64([1e-17]),
                scale=0,
                example=True,
                hint="log(1 - q) is 0 for tiny q: use log1p(-q) (xlog1py)",
            ),
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
                hint="the article's first model: 1.3783888522474517",
            ),
            case(
                ints([[0, 0, 1], [0, 1, 0], [1, 0, 0]]),
                f64([[0.1, 0.2, 0.7], [0.1, 0.7, 0.2], [0.3, 0.4, 0.3]]),
                example=True,
                hint="the article's second model: 0.6391075640678003",
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

CATALOGUE = {spec.name: spec for spec in SPECS}


def expected(name, item):
    """The reference's result for a case: what the learner's must match.

    Warnings are errors here: a reference that warned on a public case would teach the
    opposite of what the judge demands.
    """
    from solutions import helpers as reference

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        done = judge.call(getattr(reference, name), item.args, item.kwargs)
    if done.error is not None or done.mutated:
        raise RuntimeError(f"the reference fails its own case {item}: {done.error}")
    return done.result


def with_expected(name, cases):
    return tuple(
        Case(c.args, c.kwargs, expected(name, c), c.hint, c.scale, c.quiet, c.example)
        for c in cases
    )


@cache
def compiled():
    """{name: Spec} with every public case's expected value computed by the reference."""
    return {
        name: Spec(name, with_expected(name, spec.cases), spec.raises, spec.ulps)
        for name, spec in CATALOGUE.items()
    }


def case_json(item):
    data = {
        "args": [to_json(a) for a in item.args],
        "kwargs": {k: to_json(v) for k, v in item.kwargs.items()},
    }
    if isinstance(item, Raises):
        return {**data, "why": item.why}
    optional = {
        "hint": item.hint,
        "scale": item.scale,
        "quiet": item.quiet,
        "example": item.example,
    }
    return {
        **data,
        "expected": to_json(item.expected),
        **{key: value for key, value in optional.items() if value not in ("", None, False)},
    }


def compiled_json():
    """The text of ``helpers/cases.json``: the lessons, and every function's public cases."""
    specs = compiled()
    data = {
        "generated_from": "autograder/catalogue.py and the reference in solutions/helpers",
        "lessons": [
            {
                "number": lesson.number,
                "title": lesson.title,
                "module": lesson.module,
                "functions": lesson.functions,
            }
            for lesson in LESSONS
        ],
        "functions": {
            name: {
                "ulps": specs[name].ulps,
                "cases": [case_json(c) for c in specs[name].cases],
                "raises": [case_json(r) for r in specs[name].raises],
            }
            for lesson in LESSONS
            for name in lesson.functions
        },
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"
