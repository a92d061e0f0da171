"""Check solutions.helpers against golden vectors from PyTorch, TensorFlow and Keras.

The vectors live in anchors/golden.json, written by anchors/generate_golden.py (its
docstring says how to rerun it), so this test needs neither framework installed.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from numerics import assert_close_ulps

from solutions import helpers

GOLDEN = json.loads((Path(__file__).parent / "anchors" / "golden.json").read_text())
RECORDS = GOLDEN["records"]

# Tolerances in ulps of the record's dtype. The frameworks' float32 kernels evaluate
# exp, log and log1p with their own vectorised approximations (SLEEF, Eigen), good to
# a ulp or two each, and sum in another order, so each function gets a few ulps per
# rounding step on its path; float64 kernels are tighter but are held to the same count.
ULPS = {
    "softmax": 4,  # exp, a sum of C terms, a division
    "log_softmax": 4,  # z - max(z) and a log of a sum: relative to max|z| (see scale)
    "logsumexp": 4,  # as log_softmax
    "sigmoid": 4,  # exp, an addition, a division
    "log_sigmoid": 4,  # exp, log1p, an addition
    "binary_cross_entropy": 4,  # two logs and an addition of same-sign terms
    "kl_divergence": 8,  # C logs and a sum whose terms cancel: relative to max|log q|
    "softmax_cross_entropy_grad": 4,  # softmax minus labels: relative to 1 (see scale)
    # Losses from logits: log_softmax or log_sigmoid, a weighted sum over classes and
    # possibly a reduction over samples, relative to max|logits| (see scale).
    "cross_entropy_loss": 8,
    "binary_cross_entropy_with_logits": 8,
    "softmax_cross_entropy_with_logits": 8,
    "sparse_softmax_cross_entropy_with_logits": 8,
    "sigmoid_cross_entropy_with_logits": 8,
    "categorical_crossentropy": 8,
}


def decode(value):
    if isinstance(value, dict) and "dtype" in value:
        return np.array(value["data"], dtype=value["dtype"]).reshape(value["shape"])
    return value


def finite_max(a):
    a = np.abs(np.asarray(a, dtype=np.float64))
    return float(a[np.isfinite(a)].max(initial=0.0))


def scale(function, kw):
    """The size of the inputs, for results whose error grows with it (assert_close_ulps)."""
    if function in ("log_softmax", "logsumexp"):
        return finite_max(kw["z"])  # the error of z - max(z) is eps * |z|
    if function == "kl_divergence":
        # p log p - p log q cancel: the error is eps times the size of log q, not of KL.
        with np.errstate(divide="ignore"):
            return finite_max(np.log(kw["q"][kw["p"] > 0]))
    if function == "softmax_cross_entropy_grad":
        return 1.0  # softmax and labels are up to 1 and cancel in their difference
    if function == "categorical_crossentropy" and not kw["from_logits"]:
        return 1.0  # q / sum(q) is exact to eps relative, so log q to eps absolute
    # Losses from logits carry log_softmax's (or log_sigmoid's) error of eps * max|z|;
    # the weights in the records are at most 4, which the ulps below absorb.
    return finite_max(kw.get("logits", kw.get("y_pred", 0.0)))


def record_id(r):
    return f"{r['framework']}-{r['function']}-{r['case']}-{r['expected']['dtype']}"


@pytest.mark.parametrize("record", RECORDS, ids=[record_id(r) for r in RECORDS])
def test_matches_framework(record):
    kw = {k: decode(v) for k, v in record["kwargs"].items()}
    expected = decode(record["expected"])
    actual = np.asarray(getattr(helpers, record["function"])(**kw))
    dtype = next(v.dtype for v in kw.values() if isinstance(v, np.ndarray) and v.dtype.kind == "f")
    assert actual.dtype == expected.dtype == dtype
    if "documented_difference" in record:
        # torch clamps log(0) at -100 where we return inf; everything else must agree.
        clamped = expected == 100
        assert clamped.any() and np.isposinf(actual[clamped]).all(), actual
        actual, expected = actual[~clamped], expected[~clamped]
    # Below the smallest normal number the frameworks return 0 (TF runs with
    # flush-to-zero, torch's vectorised exp underflows early, and its float32
    # 1 / (1 + exp(89)) is 1 / inf) where we return the subnormal: a difference below
    # finfo.tiny, where relative ulps mean nothing.
    tiny = np.finfo(dtype).tiny
    actual = np.where(np.abs(actual) < tiny, 0, actual)
    expected = np.where(np.abs(expected) < tiny, 0, expected)
    scale_ = scale(record["function"], kw)
    assert_close_ulps(actual, expected, ULPS[record["function"]], dtype=dtype, scale=scale_)


def test_records_cover_every_framework_and_dtype():
    seen = {(r["framework"], r["expected"]["dtype"]) for r in RECORDS}
    frameworks = ("torch", "tensorflow", "keras")
    assert seen == {(f, d) for f in frameworks for d in ("float32", "float64")}
    assert GOLDEN["versions"]["keras_backend"] == "tensorflow"
