"""The public cases of every graded function: what "correct" means, written once.

A :class:`~solutions.helpers.judge.Case` is a call whose result must match the
reference's on the same inputs; its ``hint`` is what a failure there usually means,
in the learner's words. A :class:`~solutions.helpers.judge.Raises` is a call that
must raise ``ValueError``. ``course build`` compiles these, with the reference's
results, into ``helpers/cases.json`` (:func:`compiled_json`): every check a learner
runs, and the public half of the trusted re-check, judge against those data. The
grader adds hidden cases of its own (:mod:`autograder.checks.hidden`).
"""

import json
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from autograder.lessons import LESSONS
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
    """A public case; its expected value is the reference's, filled in by :func:`compiled`.

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
            case(f64([0.5]), base=2, example=True, hint="a fair coin carries 1 bit"),
            case(f64([0.0, 1.0]), example=True, hint=ZERO_LOG_ZERO),
            case(f64([0.11, 0.9]), example=True, hint="H(p) = -p log p - (1 - p) log(1 - p)"),
            case(
                f64([1e-20]),
                scale=0,
                example=True,
                hint="for tiny p, log(1 - p) rounds to 0: use log1p(-p) (xlog1py)",
            ),
        ),
        raises=(raises(f64([2.0]), why="2 is not a probability"),),
    ),
    # Lesson 4: KL divergence
    Spec(
        "kl_divergence",
        (
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
            case(
                f64([[0.5, 0.5], [0.9, 0.1]]),
                f64([[0.9, 0.1], [0.5, 0.5]]),
                example=True,
                hint="one value per row: a batch of rows gives one KL per row",
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

# -- The contract: each exercise's promises, quoted ----------------------------------------
#
# The cases above teach the maths; these hold each function to every bullet of its
# exercise cell (`spec` quotes the bullet; tests/test_catalogue.py checks that the quotes
# are verbatim and that no bullet goes untested): float32 and float64, integers, a batch
# and a non-default axis with every option, and the extremes the lessons teach. They come
# after the cases above so that a wrong formula is still named by its simplest case.

ROWS_APART = "each row needs its own maximum: rows whose maxima differ by 200 lost every digit"
INTEGERS = "integers become float64: start with as_float_array (or check_probabilities)"
AXIS = "use the axis argument: this case's answer depends on it"
QUIET_INF = "the answer is infinite, but the exercise promises no warning: silence it or avoid it"

CONTRACT = {
    # Lesson 1: logits
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
    # Lesson 2: sigmoid versus softmax
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
    # Lesson 3: entropy
    "self_information": (
        (
            case(
                [0.5, 0.25],
                base=2,
                hint="a list is array-like: check_probabilities turns it into an array",
                spec="any shape (a list, a scalar or an array)",
            ),
            case(0.5, hint="a scalar works too", spec="probabilities in $[0, 1]$"),
            case(
                ints([[1, 0]]),
                quiet=True,
                hint=f"{INTEGERS}; -log 0 = inf must not warn (np.errstate)",
                spec=(
                    "turns integers into float64",
                    "$p = 0$ must give `inf` **without a warning**",
                ),
            ),
            case(
                f32([0.0, 0.5, 1e-20]),
                base=2,
                quiet=True,
                hint=f"{KEEP_DTYPE}: divide by math.log(base), a Python float (in_base does)",
                spec=("float32 input stays float32", "or in the unit of `base`"),
            ),
            case(
                f64([[0.1], [1e-20]]),
                base=10,
                hint="in base 10: -log10(p)",
                spec="Return $-\\log p$ in nats",
            ),
        ),
        (
            raises(f32([-0.5]), why="-0.5 is not a probability", spec="for anything outside"),
            raises(
                f64([0.5]),
                base=-2,
                why="a logarithm's base must be positive",
                spec="for a base that is not positive or is 1",
            ),
        ),
    ),
    "entropy": (
        (
            case(
                f64([[0.5, 1.0, 0.0], [0.5, 0.0, 1.0]]),
                axis=0,
                base=2,
                hint=AXIS,
                spec="each slice along `axis` is one distribution",
            ),
            case(
                f32([[1.0, 0.0], [0.5, 0.5], [1e-20, 1.0]]),
                base=2,
                hint=f"{KEEP_DTYPE}; {ZERO_LOG_ZERO}",
                spec=(
                    "Apply $0 \\log 0 = 0$ with no `nan` and no warning",
                    "Float32 stays float32",
                ),
            ),
            case(
                f64([[[0.25, 0.75], [1.0, 0.0]], [[0.5, 0.5], [0.9, 0.1]]]),
                hint="sum over the axis only: one entropy per slice",
                spec=("summed along `axis`", "gives `N` entropies"),
            ),
            case(
                ints([0, 1, 0]),
                base=3,
                hint=INTEGERS,
                spec=("a single distribution gives a scalar", "in nats or in the unit of `base`"),
            ),
        ),
        (
            raises(
                f64([[1.0, 0.0], [0.5, 0.5]]),
                axis=0,
                why="the columns sum to 1.5 and 0.5: check the slices along axis",
                spec="a slice does not sum to one",
            ),
            raises(f32([[1.5, -0.5]]), why="1.5 is not a probability", spec="an entry is outside"),
        ),
    ),
    "binary_entropy": (
        (
            case(
                f64([[1e-20, 0.5], [0.9, 1.0]]),
                scale=0,
                hint="for tiny p, log(1 - p) rounds to 0: use log1p(-p) (xlog1py)",
                spec="for tiny $p$ compute $\\log(1 - p)$ as `log1p(-p)`",
            ),
            case(
                f32([[0.0, 1.0], [0.5, 0.25]]),
                base=2,
                hint=f"{KEEP_DTYPE}; {ZERO_LOG_ZERO}",
                spec=("give exactly $0$ with no warning", "Float32 stays float32"),
            ),
            case(
                ints([0, 1]),
                hint=INTEGERS,
                spec=("elementwise, same shape as `p`", "in the unit of `base`"),
            ),
        ),
        (
            raises(
                f32([[0.5, -0.5]]),
                why="-0.5 is not a probability",
                spec=("probabilities of heads in $[0, 1]$, any shape", "outside $[0, 1]$"),
            ),
        ),
    ),
    # Lesson 4: KL divergence
    "kl_divergence": (
        (
            case(
                f64([[0.5, 0.5], [0.9, 0.1]]),
                f64([[0.9, 0.1], [0.5, 0.5]]),
                hint="a 2-D batch gives one value per row",
                spec=("one value per row for a 2-D batch", "a scalar for 1-D input"),
            ),
            case(
                f64([[0.5, 1.0], [0.5, 0.0]]),
                f64([[0.9, 0.5], [0.1, 0.5]]),
                axis=0,
                base=2,
                hint=AXIS,
                spec=("each slice along `axis` sums to one", "reduced along `axis`"),
            ),
            case(
                f32([0.5, 0.5, 0.0]),
                f32([1.0, 0.0, 0.0]),
                quiet=True,
                hint="q = 0 < p makes KL inf, without a warning: use rel_entr",
                spec="a term with $q_k = 0 < p_k$ makes the result `inf`",
            ),
            case(
                f32([[1.0, 0.0], [0.25, 0.75]]),
                f32([[0.5, 0.5], [1e-20, 1.0]]),
                base=2,
                hint=f"{KEEP_DTYPE}; {ZERO_LOG_ZERO}",
                spec=(
                    "Terms with $p_k = 0$ count 0",
                    "float32 input stays float32",
                    "`base=2` bits",
                ),
            ),
            case(
                f64([0.6720976591387724, 0.28466864239501943, 0.04323369846620814]),
                f64([0.6720976592538707, 0.2846686422614195, 0.04323369848470988]),
                hint="KL is never negative: clip the rounding error at 0",
                spec="clip the result at 0",
            ),
            case(
                ints([0, 1]),
                ints([0, 1]),
                hint=INTEGERS,
                spec="**No warning** on any input",
            ),
        ),
        (
            raises(
                f64([[0.5, 0.5], [0.5, 0.5]]),
                f64([[0.5, 0.5], [0.6, 0.6]]),
                why="a row of q sums to 1.2",
                spec="are not distributions",
            ),
            raises(
                f64([[1.0, 0.0], [0.5, 0.5]]),
                f64([[0.5, 0.5], [0.5, 0.5]]),
                axis=0,
                why="the columns of p sum to 1.5 and 0.5: check along axis",
                spec="distributions of the same shape",
            ),
            raises(
                f64([0.5, 0.5]),
                f64([[0.5, 0.5], [0.5, 0.5]]),
                why="p and q have different shapes (no broadcasting)",
                spec="differ in shape",
            ),
        ),
    ),
    "js_divergence": (
        (
            case(
                f64([[1.0, 0.5], [0.0, 0.5]]),
                f64([[0.0, 0.9], [1.0, 0.1]]),
                axis=0,
                base=2,
                hint=AXIS,
                spec=("reduced along `axis`, in nats or in `base`", "pass `axis` and `base` on"),
            ),
            case(
                f32([[1.0, 0.0], [0.5, 0.5]]),
                f32([[0.0, 1.0], [0.9, 0.1]]),
                hint=f"{KEEP_DTYPE}; {ZERO_LOG_ZERO}",
                spec=("Always finite, symmetric, between 0 and $\\ln 2$", "float32 stays float32"),
            ),
            case(
                f64([1e-20, 1.0]),
                f64([1.0, 0.0]),
                hint="JS = (KL(p||m) + KL(q||m)) / 2: finite even where q = 0",
                spec="Form the mixture $m = (p + q) / 2$",
            ),
        ),
        (
            raises(
                f64([[0.5, 0.5]]),
                f64([[0.5, 0.4]]),
                why="q sums to 0.9, not 1",
                spec="(`ValueError` on a shape mismatch or a non-distribution)",
            ),
        ),
    ),
    "mutual_information": (
        (
            case(
                f64([[0.1, 0.2, 0.3], [0.3, 0.1, 0.0]]),
                base=2,
                hint="x has 2 values and y 3: the row sums are p(x), the column sums p(y)",
                spec=(
                    "the marginals are the row sums and the column sums",
                    "a scalar, in nats or in `base`",
                ),
            ),
            case(
                f32([[0.5, 0.0], [0.25, 0.25]]),
                hint=f"{KEEP_DTYPE}; {ZERO_LOG_ZERO}",
                spec=("float32 stays float32, and no warning on zeros", "a two-dimensional table"),
            ),
            case(
                ints([[0, 0], [1, 0]]),
                hint=INTEGERS,
                spec="all its entries sum to one",
            ),
        ),
        (
            raises(
                f64([[[0.5, 0.5]]]),
                why="a joint table has two dimensions, not 3",
                spec="if `p_xy` is not two-dimensional",
            ),
            raises(
                f64([[0.5, -0.5], [0.5, 0.5]]),
                why="-0.5 is not a probability",
                spec="its entries are not a distribution",
            ),
        ),
    ),
    # Lesson 5: cross-entropy
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


def with_contract(spec: Spec) -> Spec:
    """`spec` with its contract's cases and bad inputs after its own."""
    cases, bad = CONTRACT[spec.name]
    return Spec(spec.name, (*spec.cases, *cases), (*spec.raises, *bad), spec.ulps)


CATALOGUE = {spec.name: with_contract(spec) for spec in SPECS}


def expected(name: str, item: Case) -> object:
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


def with_expected(name: str, cases: Iterable[Case]) -> tuple[Case, ...]:
    return tuple(
        Case(c.args, c.kwargs, expected(name, c), c.hint, c.scale, c.quiet, c.example)
        for c in cases
    )


@cache
def compiled() -> dict[str, Spec]:
    """{name: Spec} with every public case's expected value computed by the reference."""
    return {
        name: Spec(name, with_expected(name, spec.cases), spec.raises, spec.ulps)
        for name, spec in CATALOGUE.items()
    }


def unset(value: object) -> bool:
    """Whether an optional field holds its default and can be left out of the JSON."""
    return value is None or value is False or value == ""


def case_json(item: Case | Raises) -> dict[str, Any]:
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
        # By identity: `0 in (False,)` is true, and a scale of 0 must not be dropped.
        **{key: value for key, value in optional.items() if not unset(value)},
    }


def compiled_json() -> str:
    """The text of ``helpers/cases.json``: the lessons, and every function's public cases."""
    specs = compiled()
    data = {
        "generated_from": "autograder/checks/catalogue.py and the reference in solutions/helpers",
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
