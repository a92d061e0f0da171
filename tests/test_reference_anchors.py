"""The reference against its anchor libraries, and the worked numbers of docs/architecture.md.

Anchors: scipy.special, scipy.stats, scipy.spatial, scikit-learn and NumPy itself, on
fixed-seed random inputs and on edge cases, in float32 and float64. Where an anchor
and the reference compute the same quantity by different roundings, the tolerance is
the sum of both error budgets (ours is derived in test_reference_precision.py).
"""

import math

import numpy as np
import pytest
import scipy.special as sc
from numerics import assert_close_ulps
from scipy.spatial.distance import jensenshannon
from scipy.stats import entropy as stats_entropy
from sklearn.metrics import log_loss as sk_log_loss
from sklearn.metrics import mutual_info_score

from solutions.helpers import (
    binary_entropy,
    cross_entropy,
    entropy,
    hardmax,
    js_divergence,
    kl_divergence,
    linear_logits,
    log_loss,
    log_sigmoid,
    log_softmax,
    logit,
    logsumexp,
    mutual_information,
    one_hot,
    self_information,
    sigmoid,
    softmax,
)

DTYPES = pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
AXES = pytest.mark.parametrize("axis", [-1, 0, 1])
# Rows with exact zeros: 0 log 0 = 0 and the q = 0 cases live here.
EDGE_ROWS = [[1.0, 0.0, 0.0, 0.0], [0.5, 0.5, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]]
# Logits at which naive formulas overflow, underflow or meet infinity.
EDGE_X = [0.0, 1.0, -1.0, 88.0, -88.0, 89.0, -89.0, 709.0, -709.0, 710.0, -710.0, 1e3, -1e3]
EDGE_X += [np.inf, -np.inf]


def normal(shape, dtype, seed=0, scale=5.0):
    return (scale * np.random.default_rng(seed).standard_normal(shape)).astype(dtype)


def distributions(shape, dtype, seed=0, edges=True):
    """Random rows on the simplex (last axis), then EDGE_ROWS if `edges`."""
    p = np.random.default_rng(seed).dirichlet(np.ones(shape[-1]), size=shape[:-1])
    return np.concatenate([p, EDGE_ROWS]).astype(dtype) if edges else p.astype(dtype)


def tiny(dtype):
    return float(np.finfo(dtype).smallest_normal)


# --- Lesson 2: softmax, log_softmax, logsumexp, sigmoid ------------------------------


@AXES
@DTYPES
def test_softmax_matches_scipy(dtype, axis):
    z = normal((3, 4, 5), dtype)
    got = softmax(z, axis=axis)
    assert got.dtype == dtype
    # Same algorithm (shift, exp, sum, divide), each within 3 ulps of the truth.
    assert_close_ulps(got, sc.softmax(z, axis=axis), 6)


@AXES
@DTYPES
def test_log_softmax_matches_scipy(dtype, axis):
    z = normal((3, 4, 5), dtype)
    got = log_softmax(z, axis=axis)
    assert got.dtype == dtype
    # scipy takes log(sum) where we take log1p: its error is eps absolute, not relative,
    # at the largest entry, whose log-probability can be near 0. Hence scale=1.
    assert_close_ulps(got, sc.log_softmax(z, axis=axis), 10, scale=1.0)


@pytest.mark.parametrize("keepdims", [False, True])
@AXES
@DTYPES
def test_logsumexp_matches_scipy(dtype, axis, keepdims):
    z = normal((3, 4, 5), dtype)
    got = logsumexp(z, axis=axis, keepdims=keepdims)
    assert got.dtype == dtype
    # Both separate the max term and use log1p (5 ulps each); max + log(...) cancels
    # when the max is negative, so the error is relative to max|z|.
    expected = sc.logsumexp(z, axis=axis, keepdims=keepdims)
    assert_close_ulps(got, expected, 10, scale=float(np.abs(z).max()))


NEG_INF_ROWS = [[0.0, -np.inf, 1.0], [-np.inf, 2.0, 2.0], [-np.inf, -np.inf, 3.0]]


@pytest.mark.parametrize(
    ("ours", "anchor", "ulps", "scale"),
    # Budgets and scales as in the three tests above; max|z| = 3 here.
    [
        (softmax, sc.softmax, 6, 0.0),
        (log_softmax, sc.log_softmax, 10, 1.0),
        (logsumexp, sc.logsumexp, 10, 3.0),
    ],
    ids=["softmax", "log_softmax", "logsumexp"],
)
@DTYPES
def test_minus_inf_entries_match_scipy(dtype, ours, anchor, ulps, scale):
    z = np.asarray(NEG_INF_ROWS, dtype)
    got = ours(z)
    assert got.dtype == dtype
    # -inf gets probability 0 and log-probability -inf; the rest as for finite rows.
    assert_close_ulps(got, anchor(z, axis=-1), ulps, scale=scale)


@pytest.mark.parametrize("x", [-1000.0, -20.0, 0.5, 20.0, 1000.0])
@DTYPES
def test_two_class_log_softmax_matches_log_expit(dtype, x):
    # log_softmax([x, 0])[0] = log_expit(x). Unlike scipy's log_softmax, which takes
    # log(1 + 2e-9) at x = 20 and keeps only 8 digits, log_expit is accurate here.
    got = log_softmax(np.asarray([x, 0.0], dtype))[0]
    assert_close_ulps(got, sc.log_expit(np.asarray(x, dtype)), 9)  # 5 ours, 4 log_expit


@DTYPES
def test_logsumexp_all_minus_inf_slice_matches_scipy(dtype):
    z = np.asarray([[-np.inf, -np.inf, -np.inf], [0.0, -np.inf, -np.inf]], dtype)
    got = logsumexp(z)
    np.testing.assert_array_equal(got, sc.logsumexp(z, axis=-1))
    np.testing.assert_array_equal(got, [-np.inf, 0.0])


def sigmoid_inputs(dtype):
    return np.concatenate([normal(50, dtype, scale=20.0), np.asarray(EDGE_X, dtype)])


@DTYPES
def test_sigmoid_matches_expit(dtype):
    x = sigmoid_inputs(dtype)
    got = sigmoid(x)
    assert got.dtype == dtype
    # 3 ulps each. scipy's float32 expit flushes results below the normal range to 0
    # (sigmoid(-89) is 2.2e-39); the mpmath tests check our subnormals, so here an
    # absolute error up to the smallest normal number is accepted.
    assert_close_ulps(got, sc.expit(x), 6, scale=tiny(dtype) / np.finfo(dtype).eps)


@DTYPES
def test_log_sigmoid_matches_log_expit(dtype):
    x = sigmoid_inputs(dtype)
    got = log_sigmoid(x)
    assert got.dtype == dtype
    # 4 ulps each (exp, log1p, one subtraction).
    assert_close_ulps(got, sc.log_expit(x), 8)


# --- Lesson 1: logit, one_hot, hardmax, linear_logits --------------------------------


@DTYPES
def test_logit_matches_scipy(dtype):
    p = np.random.default_rng(1).uniform(size=50)
    edges = [0.0, 1.0, 0.5, 0.3, 0.65, 1e-30, 1 - 1e-7, float(np.nextafter(dtype(1), dtype(0)))]
    p = np.concatenate([p, edges]).astype(dtype)
    got = logit(p)
    assert got.dtype == dtype
    # Same two formulas on both sides of the same switch; 4 ulps each. logit(0) = -inf,
    # logit(1) = inf in both.
    assert_close_ulps(got, sc.logit(p), 8)


@pytest.mark.parametrize(
    "labels", [[0, 2, 1, 2], [[0, 1], [2, 0]], 1], ids=["1-D", "2-D", "scalar"]
)
def test_one_hot_matches_eye(labels):
    got = one_hot(labels, 3)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, np.eye(3)[labels])


@pytest.mark.parametrize("axis", [-1, 0])
@DTYPES
def test_hardmax_matches_argmax(dtype, axis):
    # Ties in every row and column: the first index wins, as in np.argmax.
    z = np.asarray([[3.0, 3.0, 1.0], [0.0, 2.0, 2.0], [3.0, -1.0, 2.0]], dtype)
    got = hardmax(z, axis=axis)
    assert got.dtype == dtype
    expected = np.moveaxis(np.eye(3, dtype=dtype)[np.argmax(z, axis=axis)], -1, axis)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("x_shape", [(5, 3), (3,)], ids=["batch", "single"])
@DTYPES
def test_linear_logits_matches_matmul(dtype, x_shape):
    X, W, b = normal(x_shape, dtype, 1), normal((3, 4), dtype, 2), normal(4, dtype, 3)
    got = linear_logits(X, W, b)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, X @ W + b)  # the same expression: bit for bit


# --- Lesson 3: information and entropy -------------------------------------------------


@pytest.mark.parametrize("base", [None, 2])
@DTYPES
def test_entropy_matches_entr(dtype, base):
    p = distributions((6, 4), dtype)
    got = entropy(p, base=base)
    assert got.dtype == dtype
    # The same 4 entr terms, non-negative: a reordered sum moves it by < 2 ulps; base 2
    # is one division (0.5) on our side, one on the anchor's.
    expected = sc.entr(p).sum(axis=-1) / (1 if base is None else dtype(math.log(base)))
    assert_close_ulps(got, expected, 3)


@DTYPES
def test_entropy_axis_0_matches_entr(dtype):
    p = distributions((6, 4), dtype).T  # columns are the distributions
    assert_close_ulps(entropy(p, axis=0), sc.entr(p).sum(axis=0), 2)  # as above


def test_scipy_stats_entropy_reduces_axis_0_by_default():
    p = distributions((2, 3), np.float64, edges=False)
    assert stats_entropy(p).shape == (3,)  # one value per column, each renormalised
    assert entropy(p).shape == (2,)  # one per row: the course's convention
    assert_close_ulps(entropy(p), stats_entropy(p, axis=-1), 2)  # a reordered 3-term sum


def test_scipy_stats_entropy_normalises_where_we_refuse():
    p = np.asarray([0.2, 0.3, 0.5])
    # scipy divides by the sum first (one rounding each) ...
    assert_close_ulps(stats_entropy(2 * p), entropy(p), 4)
    # ... while an unnormalised row is a student's bug, so the reference says so.
    with pytest.raises(ValueError, match="sum to 1"):
        entropy(2 * p)


@pytest.mark.parametrize(("base", "log"), [(None, np.log), (2, np.log2)], ids=["nats", "bits"])
@DTYPES
def test_self_information_matches_minus_log(dtype, base, log):
    p = np.concatenate([np.random.default_rng(2).uniform(size=20), [1.0, 0.5, 1e-30]]).astype(dtype)
    got = self_information(p, base=base)
    assert got.dtype == dtype
    # log (1.5) and, for bits, a division by ln 2 (0.5 + 0.5); log2 itself is 1.5.
    assert_close_ulps(got, -log(p), 4)


@DTYPES
def test_self_information_of_zero_is_inf(dtype):
    got = self_information(np.asarray([0.0], dtype))
    np.testing.assert_array_equal(got, [np.inf])


@DTYPES
def test_binary_entropy_matches_entr(dtype):
    # Dyadic p, so that 1 - p is exact in the anchor too (for tiny p it is not: see
    # test_reference_precision.py).
    p = (np.arange(65) / 64).astype(dtype)
    got = binary_entropy(p)
    assert got.dtype == dtype
    # 5 ulps on our side (entr, xlog1py, sum); entr twice and a sum on scipy's (4.5).
    assert_close_ulps(got, sc.entr(p) + sc.entr(1 - p), 10)
    assert_close_ulps(binary_entropy(p, base=2), (sc.entr(p) + sc.entr(1 - p)) / math.log(2), 11)


# --- Lesson 4: divergences -------------------------------------------------------------


def kl_pairs(dtype):
    p, q = distributions((6, 4), dtype, 3), distributions((6, 4), dtype, 4)
    # q = 0 < p: infinite; p = 0 = q: 0; p = 0 < q: 0.
    p = np.concatenate([p, [[0.5, 0.5, 0.0, 0.0]], [[0.0, 1.0, 0.0, 0.0]]]).astype(dtype)
    q = np.concatenate([q, [[0.5, 0.0, 0.5, 0.0]], [[0.25, 0.75, 0.0, 0.0]]]).astype(dtype)
    return p, q


@pytest.mark.parametrize("base", [None, 2])
@DTYPES
def test_kl_divergence_matches_rel_entr(dtype, base):
    p, q = kl_pairs(dtype)
    got = kl_divergence(p, q, base=base)
    assert got.dtype == dtype
    terms = sc.rel_entr(p, q)
    ln_base = 1 if base is None else dtype(math.log(base))
    # The same terms in the same sum, of both signs: the sum order may move the result
    # by an ulp of the largest term (scale), and base 2 is one division on each side.
    scale = float(np.abs(terms[np.isfinite(terms)]).sum())
    assert_close_ulps(got, terms.sum(axis=-1) / ln_base, 3, scale=scale)
    assert got[-2] == np.inf


@pytest.mark.parametrize("base", [None, 2])
@DTYPES
def test_js_divergence_matches_jensenshannon_squared(dtype, base):
    p, q = kl_pairs(dtype)
    p = np.concatenate([p, [[1.0, 0.0, 0.0, 0.0]], p[:1]]).astype(dtype)  # disjoint; equal
    q = np.concatenate([q, [[0.0, 1.0, 0.0, 0.0]], p[:1]]).astype(dtype)
    got = js_divergence(p, q, base=base)
    assert got.dtype == dtype
    expected = jensenshannon(p, q, axis=-1, base=base) ** 2
    # Terms of both signs, each below 1 in total (scale 1): the mixture (0.5), the logs
    # of quotients (2.5) and their sums on each side; scipy also renormalises p and q
    # (0.5 each) and rounds in sqrt and in the square (1).
    assert_close_ulps(got, expected, 12, scale=1.0)


# --- Lesson 5: cross-entropy -------------------------------------------------------------


@pytest.mark.parametrize("base", [None, 2])
@DTYPES
def test_cross_entropy_matches_xlogy(dtype, base):
    p, q = kl_pairs(dtype)
    got = cross_entropy(p, q, base=base)
    assert got.dtype == dtype
    ln_base = 1 if base is None else dtype(math.log(base))
    # The same non-negative terms: a reordered 4-term sum (< 2) and the base's division.
    assert_close_ulps(got, -sc.xlogy(p, q).sum(axis=-1) / ln_base, 3)
    assert got[-2] == np.inf  # q = 0 < p
    assert np.isfinite(got[-1])  # p = 0 = q adds nothing, not NaN


ONE_HOT = [[0, 0, 1], [0, 1, 0], [1, 0, 0], [0, 1, 0]]
PROBS = [[0.3, 0.3, 0.4], [0.3, 0.4, 0.3], [0.1, 0.2, 0.7], [0.05, 0.9, 0.05]]
LOG_LOSS_CASES = {
    "one-hot": (ONE_HOT, PROBS, {}),
    "integer labels": ([2, 1, 0, 1], PROBS, {}),
    "string labels": (
        ["spam", "ham", "ham", "spam"],
        [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]],
        {},
    ),
    "labels= with a class absent": ([0, 2, 0, 2], PROBS, {"labels": [0, 1, 2]}),
    "1-D y_prob": ([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3], {}),
    "normalize=False": ([2, 1, 0, 1], PROBS, {"normalize": False}),
    "probabilities 0 and 1": ([0, 1, 1, 0], [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]], {}),
    "1-D 0 and 1": ([0, 1, 1], [0.0, 1.0, 0.0], {"normalize": False}),
}


@pytest.mark.parametrize("case", LOG_LOSS_CASES)
@DTYPES
def test_log_loss_matches_sklearn(dtype, case):
    y_true, y_prob, kwargs = LOG_LOSS_CASES[case]
    y_prob = np.asarray(y_prob, dtype)
    got = log_loss(y_true, y_prob, **kwargs)
    assert isinstance(got, float)
    # Positional: sklearn 1.9 renamed its second parameter y_pred -> y_proba.
    expected = sk_log_loss(y_true, y_prob, **kwargs)
    # Both clip to [eps, 1 - eps] of y_prob's dtype. Per sample: log (1.5) and a 3-term
    # sum; then the mean or sum over 4 samples (1.5). sklearn works in y_prob's dtype,
    # so its budget is the same as ours: 2 * 4.
    assert_close_ulps(np.float64(got), np.float64(expected), 8, dtype=dtype)


# --- docs/architecture.md, "Worked numbers the course reproduces" ---------------------------
# The stated numbers are float64 reprs: 1 ulp leaves room for another platform's libm.


def test_softmax_of_the_article_example():
    got = softmax([0.5, 0.8])
    assert repr(got) == "array([0.42555748, 0.57444252])"
    assert_close_ulps(got, sc.expit([-0.3, 0.3]), 3)  # softmax([a, b]) = expit([a-b, b-a])


def test_the_articles_softmax_is_not_a_softmax_of_those_logits():
    article = np.asarray([0.3553, 0.6447])
    # A softmax keeps the logits' difference as its log-ratio: 0.8 - 0.5 = 0.3 here
    # (two roundings in the probabilities, one in the quotient, log's one).
    p = softmax([0.5, 0.8])
    assert_close_ulps(np.log(p[1] / p[0]), 0.8 - 0.5, 4)
    # The article's ratio is about 0.6, twice that: it is not softmax([0.5, 0.8]).
    assert abs(np.log(article[1] / article[0]) - 0.3) > 0.25
    assert np.abs(p - article).max() > 0.07


@pytest.mark.parametrize(
    ("y_prob", "stated"),
    [
        ([[0.3, 0.3, 0.4], [0.3, 0.4, 0.3], [0.1, 0.2, 0.7]], 1.3783888522474517),
        ([[0.1, 0.2, 0.7], [0.1, 0.7, 0.2], [0.3, 0.4, 0.3]], 0.6391075640678003),
    ],
    ids=["y_pred_1", "y_pred_2"],
)
def test_log_loss_worked_examples(y_prob, stated):
    y_true = [[0, 0, 1], [0, 1, 0], [1, 0, 0]]
    assert_close_ulps(log_loss(y_true, y_prob), stated, 1, dtype=np.float64)
    assert_close_ulps(sk_log_loss(y_true, y_prob), stated, 1, dtype=np.float64)


@pytest.mark.parametrize(
    ("q", "base", "stated"),
    [
        ([0.5, 0.2, 0.3], None, 0.6931471805599453),  # ln 2 nats ...
        ([0.5, 0.2, 0.3], 2, 1.0),  # ... which is 1 bit
        ([0.7, 0.1, 0.2], None, 0.35667494393873245),
    ],
    ids=["ln 2", "1 bit", "-ln 0.7"],
)
def test_cross_entropy_worked_examples(q, base, stated):
    assert_close_ulps(cross_entropy([1.0, 0.0, 0.0], q, base=base), stated, 1)


@pytest.mark.parametrize(
    ("p", "q", "stated"),
    [
        ([0.5, 0.5], [0.9, 0.1], 0.5108256237659906),
        ([0.9, 0.1], [0.5, 0.5], 0.3680642071684971),
    ],
    ids=["KL(p||q)", "KL(q||p)"],
)
def test_kl_divergence_worked_examples(p, q, stated):
    assert_close_ulps(kl_divergence(p, q), stated, 1)


def test_sigmoid_is_the_two_class_softmax_worked_example():
    assert_close_ulps(sigmoid(1.3), 0.7858349830425586, 1)
    assert_close_ulps(softmax([1.3, 0.0])[0], 0.7858349830425586, 1)


def test_mutual_information_matches_sklearn_mutual_info_score():
    rng = np.random.default_rng(13)
    x, y = rng.integers(0, 4, 500), rng.integers(0, 3, 500)
    y[x == 3] = 0  # a dependence, and a row of the table with zeros
    counts = np.zeros((4, 3))
    np.add.at(counts, (x, y), 1)
    # Twelve terms below 1 in total (scale 1), each a quotient and a log on both sides.
    assert_close_ulps(
        mutual_information(counts / counts.sum()), mutual_info_score(x, y), 8, scale=1.0
    )
