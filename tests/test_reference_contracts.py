"""The contract every reference helper keeps, checked function by function.

Each function in ``solutions.helpers.__all__`` has representative valid calls
(extremes included) and integer-input calls; each one whose docstring has a Raises
section has bad calls. A new function without entries fails the completeness tests.
"""

import inspect
import math
import warnings
from typing import NamedTuple

import numpy as np
import pytest

from solutions import helpers
from solutions.helpers import softmax_cross_entropy_with_logits


class Call(NamedTuple):
    id: str
    args: tuple
    kwargs: dict


def call(id, *args, **kwargs):
    return Call(id, args, kwargs)


def f64(x):
    return np.array(x, dtype=np.float64)


def sum_of_squares(v):
    return np.sum(v**2)


# Shared inputs: float64 arrays (cast to float32 below), extremes in every one, and all
# of them representable in float32 so that casting cannot overflow.
Z = f64([[1000.0, -1000.0, 0.0], [0.5, 0.8, -0.3]])  # logits far past exp's overflow
Y = f64([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])  # distributions with exact 0 and 1
Q = f64([[0.1, 0.9, 0.0], [0.25, 0.25, 0.5]])  # positive wherever Y is
LABELS = np.array([1, 2])
P = f64([0.0, 1e-30, 0.3, 0.5, 1.0])  # probabilities, ends included
T = f64([[0.0, 1.0, 0.5], [1.0, 0.0, 0.25]])  # binary targets, shaped like Z
HUGE = f64([[3e38, -3e38, 0.0]])
ONE_HOT0 = f64([[1.0, 0.0, 0.0]])

VALID = {
    "linear_logits": [
        call(
            "batch",
            f64([[1000.0, -1000.0], [0.5, 2.0]]),
            f64([[1, 0, -1], [0, 1, 1]]),
            f64([0.0, 0.5, 0.0]),
        ),
        call("one-sample", f64([0.5, 2.0]), f64([[1, 0, -1], [0, 1, 1]]), f64([0.0, 0.5, 0.0])),
    ],
    "logit": [call("inside", f64([1e-30, 0.3, 0.5, 0.65, 0.8, 1 - 2**-20]))],
    "one_hot": [call("labels", LABELS, 3), call("2-D", np.array([[0], [2]]), 3)],
    "hardmax": [call("rows", Z), call("axis0", Z, axis=0), call("tie", f64([3.0, 3.0, 1.0]))],
    "sigmoid": [call("extremes", f64([-1000.0, -1e-30, 0.0, 1000.0]))],
    "log_sigmoid": [call("extremes", f64([-1000.0, -1e-30, 0.0, 1000.0]))],
    "softmax": [call("rows", Z), call("axis0", Z, axis=0), call("-inf", f64([[0.0, -np.inf]]))],
    "log_softmax": [call("rows", Z), call("axis0", Z, axis=0)],
    "logsumexp": [
        call("rows", Z),
        call("axis0-keepdims", Z, axis=0, keepdims=True),
        call("-inf", f64([[0.0, -np.inf]])),
    ],
    "self_information": [call("nats", P[1:]), call("bits", P[1:], base=2)],
    "entropy": [call("rows", Y), call("axis0", Y.T, axis=0), call("bits", Y, base=2)],
    "binary_entropy": [call("ends", P), call("bits", P, base=2)],
    "kl_divergence": [call("rows", Y, Q), call("bits", Y, Q, base=2)],
    "js_divergence": [call("disjoint", f64([1.0, 0.0]), f64([0.0, 1.0])), call("rows", Y, Q)],
    "mutual_information": [
        call("joint", f64([[0.3, 0.1], [0.2, 0.4]])),
        call("bits", Y / 2, base=2),
    ],
    "cross_entropy": [call("rows", Y, Q), call("bits", Y, Q, base=2)],
    "binary_cross_entropy": [call("ends", f64([0.0, 1.0, 1.0, 0.3]), f64([0.0, 1.0, 0.5, 0.2]))],
    "log_loss": [
        call("labels", np.array([0, 1, 1]), f64([0.0, 1.0, 0.6])),  # clipped: finite
        call("one-hot", f64([[1, 0, 0], [0, 1, 0]]), Q),
        call("sum-labels", np.array([2, 2]), Q, normalize=False, labels=[0, 1, 2]),
    ],
    "softmax_cross_entropy_with_logits": [
        call("rows", Y, Z),
        call("axis0", Y.T, Z.T, axis=0),
        call("-inf-where-label-0", f64([[1.0, 0.0]]), f64([[0.0, -np.inf]])),
    ],
    "sparse_softmax_cross_entropy_with_logits": [call("rows", LABELS, Z)],
    "sigmoid_cross_entropy_with_logits": [call("extremes", T, Z)],
    "categorical_crossentropy": [
        call("logits", Y, Z, from_logits=True),
        call("probabilities", Y, Q),
        call("smoothed", Y, Z, from_logits=True, label_smoothing=0.1),
    ],
    "cross_entropy_loss": [
        call("index", Z, LABELS),
        call("probability", Z, Y),
        call(
            "options", Z, LABELS, weight=f64([1.0, 2.0, 0.5]), label_smoothing=0.2, reduction="none"
        ),
        call("ignored", Z, np.array([-1, 0]), ignore_index=-1, reduction="sum"),
        call("spatial", Z[:, :, None], LABELS[:, None]),
        call("one-sample", Z[0], np.array(1)),
    ],
    "binary_cross_entropy_with_logits": [
        call("mean", Z, T),
        call(
            "weights",
            Z,
            T,
            weight=f64([[1.0], [2.0]]),
            pos_weight=f64([1.0, 3.0, 0.5]),
            reduction="sum",
        ),
        call("none", Z, T, reduction="none"),
    ],
    "softmax_cross_entropy_grad": [call("rows", Y, Z), call("axis0", Y.T, Z.T, axis=0)],
    "numerical_gradient": [
        call("quadratic", sum_of_squares, f64([1.0, -2.0])),
        call("loss", lambda z: softmax_cross_entropy_with_logits(Y, z).sum(), Z),
    ],
    "expected_calibration_error": [
        call("bins", LABELS, Q),
        call("one-bin", LABELS, Q, n_bins=1),
        call("one-hot", np.array([1, 0]), Y),  # a confidence of exactly 1: the last bin
    ],
}

# Finite logits whose spread (6e38) overflows float32, yet every answer is finite
# (log_softmax's -6e38 is not, in float32, so it is left out). Only the no-warning
# test uses them, so that one overflow does not fail every test.
HUGE_CASES = [
    pytest.param(name, call(id, *args, **kwargs), id=f"{name}-{id}")
    for name, id, args, kwargs in [
        ("hardmax", "huge", (HUGE,), {}),
        ("sigmoid", "huge", (HUGE,), {}),
        ("log_sigmoid", "huge", (HUGE,), {}),
        ("softmax", "huge", (HUGE,), {}),
        ("logsumexp", "huge", (HUGE,), {}),
        ("softmax_cross_entropy_with_logits", "huge", (ONE_HOT0, HUGE), {}),
        ("sparse_softmax_cross_entropy_with_logits", "huge", (np.array([0]), HUGE), {}),
        ("sigmoid_cross_entropy_with_logits", "huge", (T[:1], HUGE), {}),
        ("categorical_crossentropy", "huge", (ONE_HOT0, HUGE), {"from_logits": True}),
        ("cross_entropy_loss", "huge-index", (HUGE, np.array([0])), {}),
        ("cross_entropy_loss", "huge-probability", (HUGE, ONE_HOT0), {"reduction": "sum"}),
        ("binary_cross_entropy_with_logits", "huge", (HUGE, T[:1]), {"reduction": "none"}),
        ("softmax_cross_entropy_grad", "huge", (ONE_HOT0, HUGE), {}),
    ]
]

# Integer-valued inputs, which must come back as float64.
INTEGER = {
    "linear_logits": call("ints", np.array([[1, 2]]), np.array([[1, 0], [0, 1]]), np.array([0, 1])),
    "logit": call("ends", np.array([0, 1])),
    "one_hot": call("labels", np.array([0, 2]), 3),
    "hardmax": call("tie", np.array([[3, 3, 1]])),
    "sigmoid": call("ints", np.array([-1000, 0, 1000])),
    "log_sigmoid": call("ints", np.array([-1000, 0, 1000])),
    "softmax": call("ints", np.array([[1000, -1000, 0]])),
    "log_softmax": call("ints", np.array([[1000, -1000, 0]])),
    "logsumexp": call("ints", np.array([[1000, -1000, 0]])),
    "self_information": call("ones", np.array([1, 1])),
    "entropy": call("one-hot", np.array([[0, 1], [1, 0]])),
    "binary_entropy": call("ends", np.array([0, 1])),
    "kl_divergence": call("one-hot", np.array([0, 1]), np.array([0, 1])),
    "js_divergence": call("one-hot", np.array([1, 0]), np.array([0, 1])),
    "mutual_information": call("one-hot", np.array([[0, 1], [0, 0]])),
    "cross_entropy": call("one-hot", np.array([0, 1]), np.array([0, 1])),
    "binary_cross_entropy": call("ends", np.array([0, 1]), np.array([0, 1])),
    "log_loss": call("ints", np.array([0, 1]), np.array([[1, 0], [0, 1]])),
    "softmax_cross_entropy_with_logits": call("ints", np.array([[0, 1]]), np.array([[3, -2]])),
    "sparse_softmax_cross_entropy_with_logits": call("ints", np.array([1]), np.array([[3, -2]])),
    "sigmoid_cross_entropy_with_logits": call("ints", np.array([0, 1]), np.array([3, -2])),
    "categorical_crossentropy": call(
        "ints", np.array([[0, 1]]), np.array([[3, -2]]), from_logits=True
    ),
    "cross_entropy_loss": call("ints", np.array([[3, -2]]), np.array([1]), reduction="none"),
    "binary_cross_entropy_with_logits": call(
        "ints", np.array([3, -2]), np.array([0, 1]), reduction="none"
    ),
    "softmax_cross_entropy_grad": call("ints", np.array([[0, 1]]), np.array([[3, -2]])),
    "numerical_gradient": call("ints", sum_of_squares, np.array([1, -2])),
    "expected_calibration_error": call("ints", np.array([0, 1]), np.array([[1, 0], [1, 0]])),
}

# What float32 input gives where it is not float32, as the docstrings document it.
METRICS = ("log_loss", "expected_calibration_error")  # one Python float, as scikit-learn's
FLOAT32_OUT = {"one_hot": np.float64, "numerical_gradient": np.float64} | dict.fromkeys(
    METRICS, float
)


def cast(value, dtype):
    """A copy of an array, float64 turned into `dtype`: the shared tables stay pristine."""
    if isinstance(value, np.ndarray):
        return value.astype(dtype if value.dtype == np.float64 else value.dtype)
    return value


def run(name, c, dtype=np.float64):
    args = [cast(a, dtype) for a in c.args]
    kwargs = {k: cast(v, dtype) for k, v in c.kwargs.items()}
    return getattr(helpers, name)(*args, **kwargs)


def out_dtype(out):
    return float if type(out) is float else np.asarray(out).dtype.type


CASES = [
    pytest.param(name, c, id=f"{name}-{c.id}")
    for name in helpers.__all__
    for c in VALID.get(name, [])
]
DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])


def test_every_function_has_valid_and_integer_calls():
    assert set(VALID) == set(helpers.__all__)
    assert set(INTEGER) == set(helpers.__all__)


@DTYPES
@pytest.mark.parametrize(("name", "c"), CASES + HUGE_CASES)
def test_no_warning_and_finite_on_finite_answers(name, c, dtype):
    # Explicit, so the check holds even outside this project's filterwarnings=error.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = run(name, c, dtype)
    assert np.isfinite(out).all()


@DTYPES
@pytest.mark.parametrize(("name", "c"), CASES)
def test_inputs_not_mutated(name, c, dtype):
    args = [cast(a, dtype) for a in c.args]
    kwargs = {k: cast(v, dtype) for k, v in c.kwargs.items()}
    passed = [*args, *kwargs.values()]
    snapshots = [np.copy(a) if isinstance(a, np.ndarray) else None for a in passed]
    getattr(helpers, name)(*args, **kwargs)
    for after, before in zip(passed, snapshots, strict=True):
        if before is not None:
            np.testing.assert_array_equal(after, before)


@pytest.mark.parametrize(("name", "c"), CASES)
def test_float32_stays_float32(name, c):
    out = run(name, c, np.float32)
    assert out_dtype(out) is FLOAT32_OUT.get(name, np.float32)


@pytest.mark.parametrize("name", helpers.__all__)
def test_integers_become_float64(name):
    out = run(name, INTEGER[name])
    assert out_dtype(out) is (float if name in METRICS else np.float64)


# ---------------------------------------------------------------- bad input

OUTSIDE = "must hold probabilities in \\[0, 1\\]"
NAN = math.nan
D2, D3 = f64([0.5, 0.5]), f64([0.2, 0.3, 0.5])  # valid distributions of two sizes


def bad(name, id, match, *args, **kwargs):
    return pytest.param(name, args, kwargs, match, id=f"{name}-{id}")


BAD = [
    # Probabilities outside [0, 1] or NaN.
    bad("logit", "above-1", "p " + OUTSIDE, f64([0.5, 1.5])),
    bad("logit", "negative", "p " + OUTSIDE, f64([-0.1])),
    bad("logit", "nan", "p " + OUTSIDE, f64([NAN])),
    bad("self_information", "negative", "p " + OUTSIDE, f64([-0.1])),
    bad("binary_entropy", "nan", "p " + OUTSIDE, f64([NAN])),
    bad("entropy", "negative", "p " + OUTSIDE, f64([1.5, -0.5])),
    bad("entropy", "nan", "p " + OUTSIDE, f64([NAN, 1.0])),
    bad("kl_divergence", "q-negative", "q " + OUTSIDE, D2, f64([1.5, -0.5])),
    bad("js_divergence", "p-nan", "p " + OUTSIDE, f64([NAN, 1.0]), D2),
    bad("cross_entropy", "q-above-1", "q " + OUTSIDE, D2, f64([1.5, -0.5])),
    bad("binary_cross_entropy", "y-above-1", "y " + OUTSIDE, f64([1.2]), f64([0.5])),
    bad("binary_cross_entropy", "q-nan", "q " + OUTSIDE, f64([1.0]), f64([NAN])),
    bad("log_loss", "negative", "y_prob " + OUTSIDE, np.array([0, 1]), f64([[1.5, -0.5]] * 2)),
    bad(
        "sigmoid_cross_entropy_with_logits",
        "label-above-1",
        "labels " + OUTSIDE,
        f64([1.5]),
        f64([0.0]),
    ),
    bad(
        "binary_cross_entropy_with_logits",
        "target-negative",
        "target " + OUTSIDE,
        f64([0.0]),
        f64([-0.5]),
    ),
    bad(
        "categorical_crossentropy",
        "negative-y_pred",
        "y_pred must hold probabilities",
        D2[None],
        f64([[1.5, -0.5]]),
    ),
    bad(
        "cross_entropy_loss",
        "probability-target-nan",
        "target " + OUTSIDE,
        f64([[0.0, 1.0]]),
        f64([[NAN, 1.0]]),
    ),
    # Distributions that do not sum to 1.
    bad("entropy", "unnormalised", "p must sum to 1", f64([0.5, 0.4])),
    bad("kl_divergence", "unnormalised", "q must sum to 1", D2, f64([0.5, 0.6])),
    bad("js_divergence", "unnormalised", "p must sum to 1", f64([0.2, 0.2]), D2),
    bad("mutual_information", "unnormalised", "p_xy must sum to 1", f64([[0.5, 0.5], [0.5, 0.5]])),
    bad("mutual_information", "one-dimensional", "two-dimensional", D2),
    bad("cross_entropy", "unnormalised", "p must sum to 1", f64([0.9, 0.9]), D2),
    bad("expected_calibration_error", "unnormalised", "q must sum to 1", LABELS, Q * 0.9),
    bad(
        "log_loss",
        "unnormalised",
        "y_prob must sum to 1",
        np.array([0, 1]),
        f64([[0.5, 0.4], [0.5, 0.5]]),
    ),
    bad(
        "softmax_cross_entropy_with_logits",
        "unnormalised",
        "labels must sum to 1",
        f64([[0.5, 0.4]]),
        f64([[0.0, 0.0]]),
    ),
    bad(
        "categorical_crossentropy",
        "unnormalised",
        "y_true must sum to 1",
        f64([[0.5, 0.4]]),
        f64([[0.5, 0.5]]),
    ),
    bad(
        "softmax_cross_entropy_grad",
        "unnormalised",
        "labels must sum to 1",
        f64([[1.0, 1.0]]),
        f64([[0.0, 0.0]]),
    ),
    # Class labels outside [0, C), -1 included: NumPy would wrap it to the last class.
    bad("one_hot", "minus-1", r"\[0, 3\)", np.array([0, -1]), 3),
    bad("one_hot", "C", r"\[0, 3\)", np.array([3]), 3),
    bad("sparse_softmax_cross_entropy_with_logits", "minus-1", r"\[0, 3\)", np.array([-1, 0]), Z),
    bad("sparse_softmax_cross_entropy_with_logits", "C", r"\[0, 3\)", np.array([0, 3]), Z),
    bad("cross_entropy_loss", "minus-1", r"\[0, 3\)", Z, np.array([-1, 0])),
    bad("cross_entropy_loss", "C", r"\[0, 3\)", Z, np.array([3, 0])),
    bad("expected_calibration_error", "C", r"\[0, 3\)", np.array([3, 0]), Q),
    # Labels that are not integers.
    bad("one_hot", "float", "integer", f64([0.0, 1.0]), 3),
    bad("sparse_softmax_cross_entropy_with_logits", "float", "integer", f64([0.0, 1.0]), Z),
    # Shapes that do not fit.
    bad("kl_divergence", "p-vs-q", "same shape", D2, D3),
    bad("js_divergence", "p-vs-q", "same shape", D2, D3),
    bad("cross_entropy", "p-vs-q", "same shape", D2, D3),
    bad("binary_cross_entropy", "y-vs-q", "same shape", f64([0.0, 1.0]), f64([0.5])),
    bad("expected_calibration_error", "labels-vs-rows", "labels of shape", LABELS[:1], Q),
    bad("expected_calibration_error", "q-1-D", "shape \\(N, C\\)", np.array(0), D2),
    bad("softmax_cross_entropy_with_logits", "labels-vs-logits", "same shape", Y, Z[:, :2]),
    bad(
        "sparse_softmax_cross_entropy_with_logits",
        "labels-vs-logits",
        "shape",
        np.array([0, 1, 2]),
        Z,
    ),
    bad("sigmoid_cross_entropy_with_logits", "labels-vs-logits", "same shape", T, Z[0]),
    bad("categorical_crossentropy", "y_true-vs-y_pred", "same shape", Y, Q[:1]),
    bad("cross_entropy_loss", "index-target", "shape", Z, np.array([0, 1, 2])),
    bad("cross_entropy_loss", "probability-target", "same shape", Z, Y[:, :2]),
    bad("binary_cross_entropy_with_logits", "target-vs-logits", "same shape", Z, T[:1]),
    bad("softmax_cross_entropy_grad", "labels-vs-logits", "same shape", Y, Z.T),
    bad(
        "log_loss",
        "columns-vs-classes",
        "3 classes but y_prob has 2 columns",
        np.array([0, 1, 2]),
        f64([[0.5, 0.5]] * 3),
    ),
    bad("log_loss", "one-hot-vs-columns", "classes", f64([[1, 0, 0]]), f64([[0.5, 0.5]])),
    bad(
        "linear_logits",
        "X-vs-W",
        "shape",
        f64([[1.0, 2.0, 3.0]]),
        f64([[1, 0], [0, 1]]),
        f64([0, 0]),
    ),
    bad("linear_logits", "b", "shape", f64([[1.0, 2.0]]), f64([[1, 0], [0, 1]]), f64([0, 0, 0])),
    bad("linear_logits", "W-1-D", "shape", f64([[1.0, 2.0]]), f64([1, 0]), f64([0])),
    # log_loss that cannot tell how many classes there are.
    bad("log_loss", "single-class", "only the class", np.array([1, 1]), f64([0.9, 0.8])),
    # Options.
    bad("cross_entropy_loss", "reduction", "reduction", Z, LABELS, reduction="avg"),
    bad("binary_cross_entropy_with_logits", "reduction", "reduction", Z, T, reduction="max"),
    bad(
        "categorical_crossentropy",
        "smoothing-negative",
        "label_smoothing",
        Y,
        Q,
        label_smoothing=-0.1,
    ),
    bad("categorical_crossentropy", "smoothing-nan", "label_smoothing", Y, Q, label_smoothing=NAN),
    bad(
        "cross_entropy_loss", "smoothing-above-1", "label_smoothing", Z, LABELS, label_smoothing=1.5
    ),
    bad("cross_entropy_loss", "weight-shape", "weight", Z, LABELS, weight=f64([1.0, 2.0])),
    bad("binary_cross_entropy_with_logits", "weight-shape", "weight", Z, T, weight=f64([1.0, 2.0])),
    bad(
        "binary_cross_entropy_with_logits",
        "pos_weight-shape",
        "pos_weight",
        Z,
        T,
        pos_weight=f64([1.0, 2.0]),
    ),
    bad("numerical_gradient", "h-zero", "h must be positive", sum_of_squares, D2, h=0.0),
    bad("numerical_gradient", "h-negative", "h must be positive", sum_of_squares, D2, h=-1e-5),
    bad("numerical_gradient", "h-nan", "h must be positive", sum_of_squares, D2, h=NAN),
    bad("numerical_gradient", "f-vector", "scalar", lambda v: v**2, D2),
    *(
        bad("expected_calibration_error", f"n_bins-{n}", "n_bins", LABELS, Q, n_bins=n)
        for n in (0, -3, 2.5, True)
    ),
]
BASES = [(0, "zero"), (1, "one"), (-2, "negative")]
BAD += [
    bad(name, f"base-{label}", "base", *args, base=base)
    for name, args in [
        ("self_information", (D2,)),
        ("entropy", (D2,)),
        ("binary_entropy", (D2,)),
        ("kl_divergence", (D2, D2)),
        ("js_divergence", (D2, D2)),
        ("mutual_information", (f64([[0.5, 0.0], [0.0, 0.5]]),)),
        ("cross_entropy", (D2, D2)),
    ]
    for base, label in BASES
]


def test_every_documented_raise_is_exercised():
    documented = {
        name
        for name in helpers.__all__
        if "\nRaises\n------" in inspect.getdoc(getattr(helpers, name))
    }
    assert documented <= {p.values[0] for p in BAD}


@pytest.mark.parametrize(("name", "args", "kwargs", "match"), BAD)
def test_bad_input_raises_value_error(name, args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        getattr(helpers, name)(*args, **kwargs)
