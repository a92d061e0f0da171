"""Property tests of the reference helpers, straight from the maths.

Every bound on the generated inputs is stated where it is chosen, and every
tolerance is a number of ulps of the dtype under test with the reason beside it.
"""

import math

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numerics import assert_close_ulps, eps

from solutions.helpers import (
    binary_cross_entropy,
    binary_entropy,
    cross_entropy,
    cross_entropy_loss,
    entropy,
    expected_calibration_error,
    hardmax,
    js_divergence,
    kl_divergence,
    log_sigmoid,
    log_softmax,
    logit,
    logsumexp,
    numerical_gradient,
    one_hot,
    self_information,
    sigmoid,
    sigmoid_cross_entropy_with_logits,
    softmax,
    softmax_cross_entropy_grad,
    softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits,
)

pytestmark = [pytest.mark.slow]

DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
SHAPES = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=6)


def reals(dtype, lo, hi):
    """Finite floats of `dtype` in [lo, hi], the bounds rounded to the dtype."""
    lo, hi = float(np.asarray(lo, dtype)), float(np.asarray(hi, dtype))
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=np.finfo(dtype).bits)


def arrays(dtype, lo, hi, shape=SHAPES):
    return hnp.arrays(dtype, shape, elements=reals(dtype, lo, hi))


def biggest(dtype):
    return float(np.finfo(dtype).max)


def probabilities(dtype, shape):
    """Entries in [0, 1], with the edges (0, the smallest subnormal, tiny, 1) drawn often."""
    info = np.finfo(dtype)
    edges = st.sampled_from([0.0, float(info.smallest_subnormal), float(info.tiny), 1.0])
    return hnp.arrays(dtype, shape, elements=st.one_of(edges, reals(dtype, 0, 1)))


@st.composite
def distributions(draw, dtype, shape):
    """Rows (last axis) that sum to one, zeros and subnormal masses included."""
    w = draw(probabilities(dtype, shape))
    w[..., 0] = np.where(w.sum(axis=-1) == 0, 1, w[..., 0])  # an all-zero row: put mass on 0
    return w / w.sum(axis=-1, keepdims=True)


@st.composite
def distribution_pairs(draw, dtype):
    shape = draw(SHAPES)
    return draw(distributions(dtype, shape)), draw(distributions(dtype, shape))


# ---------------------------------------------------------------- softmax family

# 1e4 is far past exp's overflow (709 in float64, 88 in float32), so the shift by the
# maximum is exercised, while z + c stays finite in both dtypes.
LARGE = 1e4


@DTYPES
@given(data=st.data())
def test_softmax_shift_invariance(dtype, data):
    z = data.draw(arrays(dtype, -LARGE, LARGE), label="z")
    c = dtype(data.draw(reals(dtype, -LARGE, LARGE), label="c"))
    # Rounding z + c and z - max(z) moves each logit by about eps * (|z| + |c|), an
    # absolute error in log-probabilities (and in probabilities, which are <= 1).
    size = np.abs(z).max() + abs(c)
    assert_close_ulps(softmax(z + c), softmax(z), 4, scale=size)
    assert_close_ulps(log_softmax(z + c), log_softmax(z), 4, scale=size)


@DTYPES
@given(data=st.data())
def test_logsumexp_shift(dtype, data):
    z = data.draw(arrays(dtype, -LARGE, LARGE), label="z")
    c = dtype(data.draw(reals(dtype, -LARGE, LARGE), label="c"))
    # As for softmax: the shifted logits carry eps * (|z| + |c|) absolute error.
    assert_close_ulps(logsumexp(z + c), logsumexp(z) + c, 4, scale=np.abs(z).max() + abs(c))


# Moderate logits, then any finite logits at all: the design promises no overflow,
# NaN or warning for finite logits of any size.
BOUNDS = pytest.mark.parametrize("bound", [LARGE, "max"], ids=["1e4", "any-finite"])


def logits(dtype, bound):
    """Logits in [-bound, bound]; for "max", with ±max drawn often, so spreads overflow."""
    if bound != "max":
        return arrays(dtype, -bound, bound)
    top = biggest(dtype)
    edges = st.sampled_from([-top, 0.0, top])
    return hnp.arrays(dtype, SHAPES, elements=st.one_of(edges, reals(dtype, -top, top)))


@DTYPES
@BOUNDS
@given(data=st.data())
def test_softmax_is_a_distribution(dtype, bound, data):
    z = data.draw(logits(dtype, bound), label="z")
    p = softmax(z)
    assert p.dtype == dtype
    assert ((p >= 0) & (p <= 1)).all()
    n = z.shape[-1]
    # Each entry carries ~2 roundings (exp, divide) and the sum adds n - 1 more.
    assert_close_ulps(p.sum(axis=-1), np.ones(z.shape[:-1], dtype), n + 2)


@DTYPES
@BOUNDS
@given(data=st.data())
def test_logsumexp_between_max_and_max_plus_log_n(dtype, bound, data):
    z = data.draw(logits(dtype, bound), label="z")
    lse, top, log_n = logsumexp(z), z.max(axis=-1), math.log(z.shape[-1])
    assert np.isfinite(lse).all()
    assert (lse >= top).all()
    # log n is added to a number of size |top|: one rounding of each.
    assert (lse - top <= log_n + 2 * eps(dtype) * (np.abs(top) + log_n)).all()


@DTYPES
@given(data=st.data())
def test_exp_log_softmax_is_softmax(dtype, data):
    # |z| <= 30: no probability falls below e^-60, far above float32's tiny (e^-87).
    z = data.draw(arrays(dtype, -30, 30), label="z")
    # log_softmax has an absolute error of about eps * |log p| <= eps * (ptp(z) + log n),
    # which exp turns into the same relative error.
    ulps = 4 + 2 * (np.ptp(z) + math.log(z.shape[-1]))
    assert_close_ulps(np.exp(log_softmax(z)), softmax(z), ulps)


@DTYPES
@given(data=st.data())
def test_softmax_of_x_and_zero_is_sigmoid(dtype, data):
    # Any finite x: softmax subtracts max(x, 0), which cannot overflow here.
    x = data.draw(arrays(dtype, -biggest(dtype), biggest(dtype), shape=(7,)), label="x")
    z = np.stack([x, np.zeros_like(x)], axis=-1)
    # Both compute e / (1 + e) or 1 / (1 + e) with e = exp(-|x|): a rounding or two apart.
    # scale=tiny: below the normal range an ulp is absolute (sigmoid(-740) is subnormal).
    assert_close_ulps(softmax(z)[..., 0], sigmoid(x), 2, scale=np.finfo(dtype).tiny)


@DTYPES
@given(data=st.data())
def test_log_sigmoid_is_log_of_sigmoid(dtype, data):
    # From just above log(tiny), where sigmoid is still a normal number, to any size.
    lo = math.log(np.finfo(dtype).tiny) + 1
    x = data.draw(arrays(dtype, lo, biggest(dtype)), label="x")
    # sigmoid's 2-ulp relative error becomes an absolute error of 2 eps in its log, and
    # log(sigmoid) rounds to 0 once sigmoid rounds to 1: compare absolutely near 0.
    assert_close_ulps(log_sigmoid(x), np.log(sigmoid(x)), 4, scale=1)


@DTYPES
@given(data=st.data())
def test_logit_inverts_sigmoid(dtype, data):
    # |x| <= 8: sigmoid(x) stays clear of 1 even in float32 (it rounds to 1 near 17).
    x = data.draw(arrays(dtype, -8, 8), label="x")
    # An error of eps * p in p = sigmoid(x) moves logit(p) by eps / (1 - p) = eps (1 + e^x):
    # 1 - p is formed from the rounded p.
    ulps = 2 * (1 + np.exp(np.abs(x).max()))
    assert_close_ulps(logit(sigmoid(x)), x, ulps, scale=1)


@DTYPES
@given(data=st.data())
def test_hardmax_is_the_zero_temperature_softmax(dtype, data):
    z = data.draw(arrays(dtype, -100, 100, shape=st.integers(2, 6)), label="z")
    # Make the maximum unique, with a gap of at least 1/2 to the runner-up.
    winner = data.draw(st.integers(0, z.size - 1), label="winner")
    z[winner] = z.max() + dtype(data.draw(st.floats(0.5, 10), label="gap"))
    gap = z[winner] - np.delete(z, winner).max()
    # At temperature gap / k every loser has probability <= e^-k; rounding z / T moves
    # the exponent by <= eps * |z| * k / gap, far less than 10% of k here.
    for k in (10, 100, 1000):
        p = softmax(z / (gap / dtype(k)))
        assert np.abs(p - hardmax(z)).max() <= (z.size - 1) * math.exp(-0.9 * k) + 4 * eps(dtype)


# ---------------------------------------------------------------- information


@DTYPES
@given(data=st.data())
def test_cross_entropy_is_entropy_plus_kl(dtype, data):
    p, q = data.draw(distribution_pairs(dtype), label="p, q")
    n = p.shape[-1]
    # Each of the 3n terms is within ~2 ulps; KL's terms of both signs cancel, so the
    # error is relative to H(p) + H(p, q) <= 2 H(p, q), and absolute near 0 (scale=1).
    assert_close_ulps(cross_entropy(p, q), entropy(p) + kl_divergence(p, q), 4 * n, scale=1)


@DTYPES
@given(data=st.data())
def test_kl_nonnegative_and_zero_on_the_diagonal(dtype, data):
    p, q = data.draw(distribution_pairs(dtype), label="p, q")
    assert (kl_divergence(p, q) >= 0).all()
    # Every term is p log(p / p) = p log 1 = 0 exactly.
    assert (kl_divergence(p, p) == 0).all()


@DTYPES
@given(data=st.data())
def test_js_symmetric_and_bounded(dtype, data):
    p, q = data.draw(distribution_pairs(dtype), label="p, q")
    js = js_divergence(p, q)
    # The mixture is the same both ways and the two halves are added in either order:
    # IEEE addition commutes, so the results are bit for bit equal.
    np.testing.assert_array_equal(js, js_divergence(q, p))
    n = p.shape[-1]
    # n terms per KL, each within ~2 ulps of log 2-sized sums.
    assert ((js >= 0) & (js <= math.log(2) * (1 + (n + 2) * eps(dtype)))).all()


@DTYPES
@given(data=st.data())
def test_entropy_bounded_by_log_n_reached_at_uniform(dtype, data):
    p = data.draw(distributions(dtype, SHAPES), label="p")
    n = p.shape[-1]
    h, h_max = entropy(p), entropy(np.full(n, 1 / n, dtype))
    # The uniform distribution's n terms of log(n) / n are summed with n roundings.
    assert_close_ulps(h_max, np.asarray(math.log(n), dtype), n + 2)
    assert (h >= 0).all()
    assert (h <= h_max * (1 + (n + 2) * eps(dtype))).all()


def _base_case(name, dtype, shape):
    """Inputs for an information measure, as a strategy of argument tuples."""
    if name in ("self_information", "binary_entropy"):
        return st.tuples(probabilities(dtype, shape))
    if name == "entropy":
        return st.tuples(distributions(dtype, shape))
    return st.tuples(distributions(dtype, shape), distributions(dtype, shape))


@DTYPES
@pytest.mark.parametrize(
    "f",
    [self_information, binary_entropy, entropy, kl_divergence, js_divergence, cross_entropy],
    ids=lambda f: f.__name__,
)
@given(data=st.data())
def test_bits_are_nats_over_ln_2(f, dtype, data):
    args = data.draw(_base_case(f.__name__, dtype, data.draw(SHAPES)), label="args")
    # One division by ln 2; the reference may round it once more, elsewhere.
    # scale=tiny: a subnormal result (entropy of [5e-324, 1]) is compared absolutely.
    expected = f(*args) / dtype(math.log(2))
    assert_close_ulps(f(*args, base=2), expected, 2, scale=np.finfo(dtype).tiny)


# ---------------------------------------------------------------- losses


@st.composite
def labels_and_logits(draw, dtype, bound):
    shape = draw(SHAPES)
    labels = draw(hnp.arrays(np.int64, shape[:-1], elements=st.integers(0, shape[-1] - 1)))
    return labels, draw(arrays(dtype, -bound, bound, shape=st.just(shape)))


@DTYPES
@given(data=st.data())
def test_sparse_equals_dense_one_hot(dtype, data):
    # ±1000: past exp's overflow, the regime the fused loss exists for.
    labels, z = data.draw(labels_and_logits(dtype, 1000), label="labels, logits")
    dense = softmax_cross_entropy_with_logits(one_hot(labels, z.shape[-1]).astype(dtype), z)
    # Both pick the same log_softmax entry; the dense sum adds only zeros to it.
    np.testing.assert_array_equal(sparse_softmax_cross_entropy_with_logits(labels, z), dense)


@DTYPES
@given(data=st.data())
def test_cross_entropy_loss_index_equals_one_hot_target(dtype, data):
    n, c, d = (data.draw(st.integers(1, 5), label=k) for k in "NCd")
    z = data.draw(arrays(dtype, -1000, 1000, shape=st.just((n, c, d))), label="logits")
    target = data.draw(hnp.arrays(np.int64, (n, d), elements=st.integers(0, c - 1)), "target")
    probs = np.moveaxis(one_hot(target, c), -1, 1).astype(dtype)  # classes on axis 1
    # The same non-negative per-sample losses, perhaps summed in another order: a sum
    # of n * d non-negative terms moves by at most that many ulps.
    for reduction in ("none", "sum", "mean"):
        assert_close_ulps(
            cross_entropy_loss(z, target, reduction=reduction),
            cross_entropy_loss(z, probs, reduction=reduction),
            n * d,
        )


@DTYPES
@given(data=st.data())
def test_sigmoid_cross_entropy_is_bce_of_sigmoid(dtype, data):
    # |x| <= 5: the probability route loses about e^|x| ulps, so only moderate x is sharp.
    x = data.draw(arrays(dtype, -5, 5), label="logits")
    y = data.draw(hnp.arrays(dtype, x.shape, elements=reals(dtype, 0, 1)), label="labels")
    # log(1 - sigmoid(x)) from a rounded sigmoid is off by eps * e^x absolute.
    ulps = 4 + 2 * np.exp(np.abs(x).max())
    assert_close_ulps(
        sigmoid_cross_entropy_with_logits(y, x), binary_cross_entropy(y, sigmoid(x)), ulps, scale=1
    )


@given(data=st.data())
def test_softmax_cross_entropy_grad_matches_numerical_gradient(data):
    # float64 only: the step h = 1e-5 is meaningless in float32. |z| <= 5 keeps f''' small.
    shape = data.draw(hnp.array_shapes(min_dims=2, max_dims=2, max_side=4), label="shape")
    y = data.draw(distributions(np.float64, shape), label="labels")
    z = data.draw(arrays(np.float64, -5, 5, shape=st.just(shape)), label="logits")

    def loss(v):
        return softmax_cross_entropy_with_logits(y, v).sum()

    # Central differences err by ~eps |f| / h + h^2 |f'''| ~ 2e-11 (1 + |f|), i.e. about
    # 1e5 ulps of float64 per unit of f; allow 10x that.
    assert_close_ulps(
        numerical_gradient(loss, z), softmax_cross_entropy_grad(y, z), 1e6, scale=1 + loss(z)
    )


@st.composite
def labelled_predictions(draw, dtype):
    """Labels and the model's rows q: N samples, C classes."""
    n, c = draw(st.integers(1, 30), label="N"), draw(st.integers(2, 5), label="C")
    labels = draw(hnp.arrays(np.int64, n, elements=st.integers(0, c - 1)), label="labels")
    return labels, draw(distributions(dtype, (n, c)), label="q")


@DTYPES
@given(data=st.data())
def test_calibration_error_is_the_binned_gap(dtype, data):
    labels, q = data.draw(labelled_predictions(dtype))
    n_bins = data.draw(st.integers(1, 20), label="n_bins")
    confidence, correct = q.max(axis=1).astype(np.float64), q.argmax(axis=1) == labels
    # The definition read literally: bin m holds m/B < c <= (m+1)/B, each bin weighs
    # its share of the samples. The edges m/B are computed as the reference does, so
    # a confidence on an edge falls in the same bin on both sides.
    edges = np.linspace(0, 1, n_bins + 1)
    expected = 0.0
    for m in range(n_bins):
        inside = (confidence > edges[m]) & (confidence <= edges[m + 1])
        if m == 0:
            inside |= confidence == 0
        if inside.any():
            gap = correct[inside].mean() - confidence[inside].mean()
            expected += inside.mean() * abs(gap)
    # The reference subtracts in q's dtype, then sums N terms of size <= 1: a few ulps
    # of that dtype per term, absolute.
    ece = expected_calibration_error(labels, q, n_bins=n_bins)
    assert_close_ulps(ece, expected, 4 * labels.size, dtype=dtype, scale=1)
    assert 0 <= ece <= 1


@DTYPES
@given(data=st.data())
def test_one_bin_calibration_error_is_accuracy_minus_confidence(dtype, data):
    labels, q = data.draw(labelled_predictions(dtype))
    accuracy = np.mean(q.argmax(axis=1) == labels)
    confidence = q.max(axis=1).astype(np.float64).mean()
    assert_close_ulps(
        expected_calibration_error(labels, q, n_bins=1),
        abs(accuracy - confidence),
        4 * labels.size,  # as above
        dtype=dtype,
        scale=1,
    )
