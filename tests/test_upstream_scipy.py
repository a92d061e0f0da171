"""SciPy's own tests of logsumexp, softmax, log_softmax, logit, expit, log_expit and entropy,
ported to the course's functions with SciPy's expected values.

Source: github.com/scipy/scipy, as shipped in the scipy 1.17.1 wheel:
- scipy/special/tests/test_logsumexp.py (TestLogSumExp, TestSoftmax, TestLogSoftmax;
  the log_softmax tests once lived in test_log_softmax.py);
- scipy/special/tests/test_logit.py (TestLogit, TestExpit, TestLogExpit);
- scipy/stats/tests/test_entropy.py (TestEntropy).

Mapping: SciPy reduces over *all* entries when ``axis=None`` (its default for logsumexp,
softmax and log_softmax) and accepts a tuple of axes; the course reduces over one axis,
-1 by default. A reduction over all entries is ported as one over the flattened array.
``scipy.stats.entropy(pk, qk)`` is :func:`kl_divergence`; it divides `pk` and `qk` by
their sums and reduces over axis 0 by default, while the course demands distributions
and reduces over axis -1: unnormalised upstream inputs are normalised here, explicitly.
"""

import math

import numpy as np
import pytest
from numerics import assert_close_ulps
from upstream import assert_printed

from solutions.helpers import (
    entropy,
    kl_divergence,
    log_sigmoid,
    log_softmax,
    logit,
    logsumexp,
    sigmoid,
    softmax,
)

# SciPy's log_softmax expectations for arange(4), computed with mpmath at 200 digits.
LOG_SOFTMAX_ARANGE4 = [
    -3.4401896985611953,
    -2.4401896985611953,
    -1.4401896985611953,
    -0.44018969856119533,
]
# SciPy's softmax expectations for arange(4), computed with mpmath at 200 digits.
SOFTMAX_ARANGE4 = [
    0.03205860328008499,
    0.08714431874203256,
    0.23688281808991013,
    0.6439142598879722,
]


def normalised(p, axis=-1):
    p = np.asarray(p, dtype=np.float64)
    return p / p.sum(axis=axis, keepdims=True)


# --- logsumexp: TestLogSumExp ----------------------------------------------------------
# logsumexp's error is about eps times the largest input (it works with z - max z), so
# the bound is a few ulps of the inputs' size, passed as `scale`.


def test_logsumexp_large_inputs():
    # test_logsumexp.py::TestLogSumExp::test_logsumexp (arange(200) and [1000, 1000])
    a = np.arange(200.0)
    assert_close_ulps(logsumexp(a), np.log(np.sum(np.exp(a))), 4, scale=200)
    assert_close_ulps(logsumexp(np.array([1000.0, 1000.0])), 1000.0 + math.log(2.0), 2)


def test_logsumexp_many_equal_integers():
    # test_logsumexp.py::TestLogSumExp::test_logsumexp: full((1000,), 10000), an int array
    b = np.full((1000,), 10000)
    # log1p sums 999 ones: each addition rounds by at most eps/2 of the running total.
    assert_close_ulps(logsumexp(b), 10000.0 + math.log(1000), 4)


@pytest.mark.parametrize("axis", [0, 1, None])
def test_logsumexp_many_tiny_terms(axis):
    # test_logsumexp.py::TestLogSumExp::test_logsumexp: exp(logsumexp(log X)) == sum(X)
    x = np.array([1e-40] * 1000000)
    X, logX = np.stack([x, x]), np.stack([np.log(x), np.log(x)])
    # axis=None (SciPy: all entries) is the flattened array for the course.
    got = logsumexp(logX.ravel()) if axis is None else logsumexp(logX, axis=axis)
    expected = X.sum() if axis is None else X.sum(axis=axis)
    # A million additions in log1p (pairwise, so ~log2(1e6) roundings deep) and exp of
    # a result near -85, whose absolute error eps * 85 becomes a relative one.
    assert_close_ulps(np.exp(got), expected, 2000)


@pytest.mark.parametrize(
    ("z", "expected"),
    [([np.inf], np.inf), ([-np.inf], -np.inf), ([np.nan], np.nan), ([-np.inf, -np.inf], -np.inf)],
)
def test_logsumexp_special_values(z, expected):
    # test_logsumexp.py::TestLogSumExp::test_logsumexp ("Handling special values properly")
    assert_close_ulps(logsumexp(np.array(z)), expected, 0)


def test_logsumexp_different_magnitudes_keepdims_and_all_axes():
    # test_logsumexp.py::TestLogSumExp::test_logsumexp ("different magnitudes on the axes")
    a = np.array([[1e10, 1e-10], [-1e10, -np.inf]])
    ref = np.array([1e10, -1e10])
    assert_close_ulps(logsumexp(a, axis=-1), ref, 1)
    assert_close_ulps(logsumexp(a, axis=-1, keepdims=True), ref[:, np.newaxis], 1)
    # axis=(-1, -2) reduces every entry: the flattened array.
    assert_close_ulps(logsumexp(a.ravel()), 1e10, 1)


def test_logsumexp_shape():
    # test_logsumexp.py::TestLogSumExp::test_logsumexp_shape (axis=2; without SciPy's
    # weights b, which the course does not have, and its tuple axis (1, 3))
    assert logsumexp(np.ones((1, 2, 3, 4)), axis=2).shape == (1, 2, 4)


def test_logsumexp_array_like():
    # test_logsumexp.py::TestLogSumExp::test_array_like
    assert_close_ulps(logsumexp([1000, 1000]), 1000.0 + math.log(2.0), 2)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
def test_logsumexp_dtypes(dtype):
    # test_logsumexp.py::TestLogSumExp::test_dtypes_a (without complex: the course's logits
    # are real). Integers give float64, floats keep their dtype.
    got = logsumexp(np.array([1000.0, 1000.0], dtype=dtype))
    expected_dtype = np.float64 if dtype.startswith("int") else np.dtype(dtype)
    assert got.dtype == expected_dtype
    assert_close_ulps(got, np.asarray(1000.0 + math.log(2.0), expected_dtype), 2)


def test_logsumexp_gh18295():
    # test_logsumexp.py::TestLogSumExp::test_gh18295: no precision lost when one term dominates
    a = np.array([0.0, -40.0])
    assert_close_ulps(logsumexp(a), np.logaddexp(a[0], a[1]), 2)


@pytest.mark.parametrize("x", [-np.inf, np.inf])
@pytest.mark.parametrize("y", [-np.inf, np.inf])
def test_logsumexp_gh22601_infinite_elements(x, y):
    # test_logsumexp.py::TestLogSumExp::test_gh22601_infinite_elements (the real cases;
    # upstream silences the RuntimeWarnings of its naive reference, hence the errstate)
    with np.errstate(divide="ignore", over="ignore"):
        ref = np.log(np.sum(np.exp(np.array([x, y]))))
    assert_close_ulps(logsumexp(np.array([x, y])), ref, 0)


def test_logsumexp_no_writeback():
    # test_logsumexp.py::TestLogSumExp::test_no_writeback
    a = np.array([5.0, 4.0])
    logsumexp(a)
    np.testing.assert_array_equal(a, [5.0, 4.0])


def test_logsumexp_empty():
    # test_logsumexp.py::TestLogSumExp::test_logsumexp ("Test with zero-size array")
    assert logsumexp(np.array([])) == -np.inf


# --- softmax: TestSoftmax --------------------------------------------------------------
# SciPy asserts rtol=1e-13 (about 450 ulps of float64); the course's softmax is a shift,
# an exp, a sum and a division, each correctly rounded: a few ulps of the result.


def test_softmax_fixtures():
    # test_logsumexp.py::TestSoftmax::test_softmax_fixtures
    assert_close_ulps(softmax(np.array([1000.0, 0.0, 0.0, 0.0])), [1.0, 0.0, 0.0, 0.0], 0)
    assert_close_ulps(softmax(np.array([1.0, 1.0])), [0.5, 0.5], 0)
    assert_close_ulps(softmax(np.array([0.0, 1.0])), np.array([1.0, np.e]) / (1 + np.e), 4)
    x = np.arange(4, dtype=np.float64)
    assert_close_ulps(softmax(x), SOFTMAX_ARANGE4, 4)
    # Translation: shifting every logit by 100 changes nothing (beyond rounding the shift).
    assert_close_ulps(softmax(x + 100), SOFTMAX_ARANGE4, 4)
    # axis=None (all entries, shape kept) is the flattened array, reshaped.
    assert_close_ulps(
        softmax(x.reshape(2, 2).ravel()).reshape(2, 2), np.reshape(SOFTMAX_ARANGE4, (2, 2)), 4
    )


def test_softmax_multi_axes():
    # test_logsumexp.py::TestSoftmax::test_softmax_multi_axes
    x2 = np.array([[1000.0, 0.0], [1000.0, 0.0]])
    assert_close_ulps(softmax(x2, axis=0), [[0.5, 0.5], [0.5, 0.5]], 0)
    assert_close_ulps(softmax(x2, axis=1), [[1.0, 0.0], [1.0, 0.0]], 0)
    x = np.array([[-25.0, 0.0, 25.0, 50.0], [1.0, 325.0, 749.0, 750.0]])
    expected = np.array(
        [
            [
                2.678636961770877e-33,
                1.9287498479371314e-22,
                1.3887943864771144e-11,
                0.999999999986112,
            ],
            [0.0, 1.9444526359919372e-185, 0.2689414213699951, 0.7310585786300048],
        ]
    )
    # exp(z - max) of an argument near -75 carries its rounding, eps * 75, as relative error.
    assert_close_ulps(softmax(x, axis=1), expected, 200)
    assert_close_ulps(softmax(x.T, axis=0), expected.T, 200)
    # A tuple axis (1, 2) of a (2, 2, 2) array: each leading slice flattened.
    assert_close_ulps(
        softmax(x.reshape(2, 4), axis=1).reshape(2, 2, 2), expected.reshape(2, 2, 2), 200
    )


def test_softmax_int_and_array_like():
    # test_logsumexp.py::TestSoftmax::test_softmax_int_array and test_softmax_array_like
    assert_close_ulps(softmax(np.array([1000, 0, 0, 0])), [1.0, 0.0, 0.0, 0.0], 0)
    assert_close_ulps(softmax([1000, 0, 0, 0]), [1.0, 0.0, 0.0, 0.0], 0)


def test_softmax_scalar():
    # test_logsumexp.py::TestSoftmax::test_softmax_scalar
    assert_close_ulps(softmax(1000), 1.0, 0)


# --- log_softmax: TestLogSoftmax -------------------------------------------------------
# The course computes (z - max) - log1p(...): its error is about eps * max|z|, hence scale.


def test_log_softmax_basic_int_and_array_like():
    # test_logsumexp.py::TestLogSoftmax::test_log_softmax_basic, _int_array, _array_like
    for z in (np.array([1000.0, 1.0]), np.array([1000, 1]), [1000, 1]):
        assert_close_ulps(log_softmax(z), [0.0, -999.0], 2, scale=1000)


def test_log_softmax_scalar():
    # test_logsumexp.py::TestLogSoftmax::test_log_softmax_scalar
    assert_close_ulps(log_softmax(1.0), 0.0, 0)


@pytest.mark.parametrize("offset", [0, 100])
def test_log_softmax_translation(offset):
    # test_logsumexp.py::TestLogSoftmax::test_log_softmax_translation
    x = np.arange(4, dtype=np.float64) + offset
    assert_close_ulps(log_softmax(x), LOG_SOFTMAX_ARANGE4, 4, scale=4 + offset)


def test_log_softmax_noneaxis():
    # test_logsumexp.py::TestLogSoftmax::test_log_softmax_noneaxis (axis=None: flattened)
    x = np.arange(4, dtype=np.float64).reshape(2, 2)
    got = log_softmax(x.ravel()).reshape(2, 2)
    assert_close_ulps(got, np.reshape(LOG_SOFTMAX_ARANGE4, (2, 2)), 4, scale=4)


@pytest.mark.parametrize(
    ("axis", "expected"),
    [(0, np.log(0.5) * np.ones((2, 2))), (1, [[0.0, -999.0], [0.0, -999.0]])],
)
def test_log_softmax_axes(axis, expected):
    # test_logsumexp.py::TestLogSoftmax::test_axes
    x = np.array([[1000.0, 1.0], [1000.0, 1.0]])
    assert_close_ulps(log_softmax(x, axis=axis), expected, 2, scale=1000)


def test_log_softmax_2d_and_3d():
    # test_logsumexp.py::TestLogSoftmax::test_log_softmax_2d_axis1, _2d_axis0, _3d
    x = np.arange(8, dtype=np.float64).reshape(2, 4)
    expected = np.array([LOG_SOFTMAX_ARANGE4, LOG_SOFTMAX_ARANGE4])
    assert_close_ulps(log_softmax(x, axis=1), expected, 4, scale=8)
    assert_close_ulps(log_softmax(x.T, axis=0), expected.T, 4, scale=8)
    # A tuple axis (1, 2) of a (2, 2, 2) array: each leading slice flattened.
    got = log_softmax(x.reshape(2, 2, 2).reshape(2, 4), axis=1).reshape(2, 2, 2)
    assert_close_ulps(got, expected.reshape(2, 2, 2), 4, scale=8)


# --- logit, sigmoid (expit), log_sigmoid (log_expit): test_logit.py -------------------


@pytest.mark.parametrize(
    ("dtype", "extra", "expected"),
    [
        (
            np.float32,
            [0.0001, 0.49999, 0.50001],
            [-np.inf, -2.0794415, -1.2527629, -6.9314712e-01, -2.2314353e-01, 2.2314365e-01,
             6.9314724e-01, 1.2527630, 2.0794415, np.inf, -9.2102404, -4.0054321e-05,
             4.0054321e-05],
        ),
        (
            np.float64,
            [1e-8, 0.4999999999999, 0.50000000001],
            [-np.inf, -2.079441541679836, -1.252762968495368, -0.6931471805599454,
             -0.22314355131420985, 0.22314355131420985, 0.6931471805599452, 1.2527629684953674,
             2.0794415416798353, np.inf, -18.420680733952366, -3.999023334699814e-13,
             4.000000330961484e-11],
        ),
    ],
    ids=["float32", "float64"],
)  # fmt: skip
def test_logit(dtype, extra, expected):
    # test_logit.py::TestLogit::test_float32 and test_float64 (check_logit_out): the dtype
    # is kept, and upstream's bound is 16 ulps of it.
    a = np.concatenate((np.linspace(0, 1, 10, dtype=dtype), np.array(extra, dtype=dtype)))
    got = logit(a)
    assert got.dtype == dtype
    assert_close_ulps(got, np.array(expected, dtype=dtype), 16)


def test_logit_outside_unit_interval():
    # test_logit.py::TestLogit::test_nan: SciPy returns nan for -3, -2, 2 and 3. The course
    # deliberately raises ValueError instead: a "probability" outside [0, 1] is a bug in
    # the caller, and a nan would only surface later, far from it.
    for p in (-3.0, -2.0, 2.0, 3.0):
        with pytest.raises(ValueError, match="probabilit"):
            logit(np.array([p]))


@pytest.mark.parametrize(
    ("dtype", "printed"),
    [
        ("f4", ["0.01798621", "0.04265125", "0.09777259", "0.20860852", "0.39068246",
                "0.60931754", "0.79139149", "0.9022274", "0.95734876", "0.98201376"]),
        ("f8", ["0.01798621", "0.04265125", "0.0977726", "0.20860853", "0.39068246",
                "0.60931754", "0.79139147", "0.9022274", "0.95734875", "0.98201379"]),
    ],
)  # fmt: skip
def test_sigmoid_values(dtype, printed):
    # test_logit.py::TestExpit::test_float32 and test_float64 (check_expit_out). The values
    # are printed to 8 decimals and upstream compares at atol=1.5e-7, about three half-units
    # of that last place: the float32 column is float32 results, rounded.
    got = sigmoid(np.linspace(-4, 4, 10).astype(dtype))
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, np.array(printed, dtype=np.float64), rtol=0, atol=1.5e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [88, 89, 709, 710, 11356, 11357])
def test_sigmoid_large(dtype, n):
    # test_logit.py::TestExpit::test_large (without longdouble, not a course dtype)
    n = np.array(n, dtype=dtype)
    np.testing.assert_allclose(sigmoid(n), 1.0, atol=1e-20)
    np.testing.assert_allclose(sigmoid(-n), 0.0, atol=1e-20)
    assert sigmoid(n).dtype == dtype and sigmoid(-n).dtype == dtype


def test_log_sigmoid_large():
    # test_logit.py::TestLogExpit::test_large_negative and test_large_positive (exact)
    x = np.array([-10000.0, -750.0, -500.0, -35.0])
    np.testing.assert_array_equal(log_sigmoid(x), x)
    np.testing.assert_array_equal(log_sigmoid(np.array([750.0, 1000.0, 10000.0])), [-0.0] * 3)


def test_log_sigmoid_float64():
    # test_logit.py::TestLogExpit::test_basic_float64 (mpmath values; upstream rtol=1e-15,
    # about 4.5 ulps: the course's min(x, 0) - log1p(exp(-|x|)) rounds three times)
    x = np.array([-32, -20, -10, -3, -1, -0.1, -1e-9, 0, 1e-9, 0.1, 1, 10, 100, 500, 710, 725, 735])
    expected = [
        -32.000000000000014, -20.000000002061153, -10.000045398899218, -3.048587351573742,
        -1.3132616875182228, -0.7443966600735709, -0.6931471810599453, -0.6931471805599453,
        -0.6931471800599454, -0.6443966600735709, -0.3132616875182228, -4.539889921686465e-05,
        -3.720075976020836e-44, -7.124576406741286e-218, -4.47628622567513e-309,
        -1.36930634e-315, -6.217e-320,
    ]  # fmt: skip
    # The last two are subnormal: printed to the few digits their bits hold.
    np.testing.assert_allclose(log_sigmoid(x), expected, rtol=1e-15)


def test_log_sigmoid_float32():
    # test_logit.py::TestLogExpit::test_basic_float32 (upstream rtol=5e-7, about 4 ulps)
    x = np.array([-32, -20, -10, -3, -1, -0.1, -1e-9, 0, 1e-9, 0.1, 1, 10, 100], dtype=np.float32)
    expected = np.array(
        [-32.0, -20.0, -10.000046, -3.0485873, -1.3132616, -0.7443967, -0.6931472, -0.6931472,
         -0.6931472, -0.64439666, -0.3132617, -4.5398898e-05, -3.8e-44],
        dtype=np.float32,
    )  # fmt: skip
    got = log_sigmoid(x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=5e-7)


# --- entropy and KL: scipy/stats/tests/test_entropy.py::TestEntropy ---------------------
PK = [[0.1, 0.2], [0.6, 0.3], [0.3, 0.5]]  # columns are distributions
QK = [[0.2, 0.1], [0.3, 0.6], [0.5, 0.3]]


def test_entropy_positive():
    # TestEntropy::test_entropy_positive (ticket #497): KL(p||p) is exactly 0, KL(p||q) > 0
    pk, qk = np.array([0.5, 0.2, 0.3]), np.array([0.1, 0.25, 0.65])
    assert kl_divergence(pk, pk) == 0.0
    assert kl_divergence(pk, qk) > 0.0


def test_entropy_base():
    # TestEntropy::test_entropy_base: ones(16), normalised, holds 4 bits; the same KL in
    # nats and in bits differ by a factor ln 2. Upstream bounds both at 1e-5.
    pk = normalised(np.ones(16))
    assert abs(entropy(pk, base=2.0) - 4.0) < 1e-5
    qk = normalised(np.where(np.arange(16) < 8, 2.0, 1.0))
    ratio = kl_divergence(pk, qk) / kl_divergence(pk, qk, base=2.0)
    assert abs(ratio - math.log(2.0)) < 1e-5


def test_entropy_unnormalised_input_raises():
    # TestEntropy::test_entropy_base and test_entropy_zero pass counts (ones(16), [0, 1, 2])
    # that SciPy divides by their sum. The course deliberately raises: its entropy is of a
    # distribution, and silently normalising would hide a forgotten softmax.
    for counts in (np.ones(16), np.array([0.0, 1.0, 2.0])):
        with pytest.raises(ValueError, match=r"sum to 1|probabilities"):
            entropy(counts)


def test_entropy_zero():
    # TestEntropy::test_entropy_zero (PR-479): [0, 1, 2], normalised; 0 log 0 = 0
    assert_close_ulps(entropy(normalised([0.0, 1.0, 2.0])), 0.63651416829481278, 4)


def test_entropy_2d():
    # TestEntropy::test_entropy_2d: KL of each column (SciPy's default axis 0)
    assert_printed(kl_divergence(PK, QK, axis=0), "0.1933259", "0.18609809")


def test_entropy_2d_zero():
    # TestEntropy::test_entropy_2d_zero: q = 0 where p > 0 gives inf; p = 0 adds nothing.
    # The first column of qk (and then of pk) sums to 0.8 (0.9): SciPy normalises it.
    qk = normalised([[0.0, 0.1], [0.3, 0.6], [0.5, 0.3]], axis=0)
    got = kl_divergence(PK, qk, axis=0)
    assert got[0] == np.inf
    assert_printed(got[1], "0.18609809")
    pk = normalised([[0.0, 0.2], [0.6, 0.3], [0.3, 0.5]], axis=0)
    assert_printed(kl_divergence(pk, qk, axis=0), "0.17403988", "0.18609809")


def test_entropy_nondefault_axis():
    # TestEntropy::test_entropy_base_2d_nondefault_axis and test_entropy_2d_nondefault_axis:
    # the rows of PK and QK, which SciPy normalises (they sum to 0.3, 0.9 and 0.8).
    pk, qk = normalised(PK, axis=1), normalised(QK, axis=1)
    assert_printed(entropy(pk, axis=1), "0.63651417", "0.63651417", "0.66156324")
    assert_printed(kl_divergence(pk, qk, axis=1), "0.23104906", "0.23104906", "0.12770641")


def test_entropy_axis_and_transpose():
    # TestEntropy::test_base_entropy_with_axis_0_is_equal_to_default, ..._transposed and
    # test_entropy_transposed. The course's default axis is -1, not 0, so the upstream
    # identities become: axis=0 on PK is axis=-1 on its transpose, bit for bit.
    pk, qk = np.array(PK), np.array(QK)
    np.testing.assert_array_equal(entropy(pk, axis=0), entropy(pk.T))
    np.testing.assert_array_equal(kl_divergence(pk, qk, axis=0), kl_divergence(pk.T, qk.T))


def test_entropy_shape_errors():
    # TestEntropy::test_entropy_raises_value_error, test_entropy_shape_mismatch and
    # test_entropy_broadcasting. SciPy broadcasts pk against qk; the course deliberately
    # demands equal shapes, so the broadcasting case raises too. (Upstream's (2, 2) qk is
    # not a distribution along axis 0 either; that is the course's first complaint.)
    with pytest.raises(ValueError, match=r"same shape|sum to 1"):
        kl_divergence(PK, [[0.1, 0.2], [0.6, 0.3]], axis=0)
    x = normalised(np.random.default_rng(74187315492831452).random(3))
    with pytest.raises(ValueError, match="same shape"):
        kl_divergence(x, np.full((2, 3), 1 / 3))


def test_entropy_invalid_base():
    # TestEntropy::test_input_validation: a negative base
    with pytest.raises(ValueError, match="base"):
        entropy(normalised(np.ones(10)), base=-2)
