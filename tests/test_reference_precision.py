"""The reference at extreme inputs, against values computed with mpmath at 50 digits.

Each expected value is computed here from the exact binary value of the input (the
float32 or float64 the function receives), then rounded once to the dtype under test,
so a tolerance of k ulps means "k roundings' worth of error" and nothing else. The
mpmath recipe is the lambda passed to `exact` or `exact_rows`.

Tolerances count the roundings of each formula. NumPy's float64 exp, log and log1p
are within 1 eps; its float32 SIMD versions within 1.5 eps (measured on 20 000
random arguments); a correctly rounded +, -, *, / costs 0.5 eps. Results below the
normal range are compared with `scale=tiny(dtype)`: a subnormal keeps only an absolute
accuracy of a few steps of the smallest subnormal.
"""

import numpy as np
import pytest
from mpmath import mp
from numerics import assert_close_ulps

from solutions.helpers import (
    binary_cross_entropy_with_logits,
    binary_entropy,
    kl_divergence,
    log_sigmoid,
    log_softmax,
    logit,
    logsumexp,
    sigmoid,
    sigmoid_cross_entropy_with_logits,
    softmax,
    softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits,
)

DPS = 50
DTYPES = pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
# exp(x) is finite at the first and overflows at the second (scipy.special's habit).
THRESHOLDS = {np.float32: (88.0, 89.0), np.float64: (709.0, 710.0)}


def tiny(dtype):
    return float(np.finfo(dtype).smallest_normal)


def exact(f, *xs, dtype):
    """f, an mpmath function of scalars, on the exact values of `xs`, rounded to `dtype`."""
    xs = np.broadcast_arrays(*(np.asarray(x, dtype) for x in xs))
    with mp.workdps(DPS):
        out = [
            float(f(*(mp.mpf(float(v)) for v in vs)))
            for vs in zip(*(x.ravel() for x in xs), strict=True)
        ]
    # Through float64 to dtype: a second rounding, but far below one ulp of float32.
    return np.array(out).reshape(xs[0].shape).astype(dtype)


def exact_rows(f, z):
    """f, an mpmath function from a row (list) to a list, on each row of `z`; rounded."""
    flat = z.reshape(-1, z.shape[-1])
    with mp.workdps(DPS):
        out = [[float(v) for v in f([mp.mpf(float(x)) for x in row])] for row in flat]
    return np.array(out).astype(z.dtype).reshape(*z.shape[:-1], -1)


def mp_logsumexp(row):
    """log sum exp(row), the max taken out so that 1 + 1e-87 survives 50 digits."""
    m = max(row)
    if m == -mp.inf:
        return m
    rest = list(row)
    rest.remove(m)
    return m + mp.log1p(mp.fsum(mp.exp(x - m) for x in rest))


def mp_log_softmax(row):
    lse = mp_logsumexp(row)
    return [x - lse for x in row]


@DTYPES
def test_naive_exp_overflows_between_the_thresholds(dtype):
    below, above = THRESHOLDS[dtype]
    assert np.isfinite(np.exp(dtype(below)))
    with pytest.warns(RuntimeWarning, match="overflow"):
        assert np.exp(dtype(above)) == np.inf


def threshold_cases(dtype):
    below, above = THRESHOLDS[dtype]
    return [below, above, -below, -above]


X_SIGMOID = [-1000.0, -104.0, -30.0, -1.0, -1e-9, 0.0, 1e-9, 1.0, 17.0, 30.0, 37.0, 1000.0]
THRESHOLD_CASES = [(dt, x) for dt in THRESHOLDS for x in threshold_cases(dt)]
SIGMOID_CASES = [(dt, x) for dt in THRESHOLDS for x in X_SIGMOID] + THRESHOLD_CASES


def case_id(case):
    return str(case) if not isinstance(case, type) else case.__name__


@pytest.mark.parametrize(("dtype", "x"), SIGMOID_CASES, ids=case_id)
def test_sigmoid(dtype, x):
    got = sigmoid(np.asarray(x, dtype))
    assert got.dtype == dtype
    # exp (1.5; 1/(1+e) damps it, e/(1+e) passes it on), 1 + e (0.5), the division (0.5).
    assert_close_ulps(
        got, exact(lambda v: 1 / (1 + mp.exp(-v)), x, dtype=dtype), 3, scale=tiny(dtype)
    )


@pytest.mark.parametrize(("dtype", "x"), SIGMOID_CASES, ids=case_id)
def test_log_sigmoid(dtype, x):
    got = log_sigmoid(np.asarray(x, dtype))
    assert got.dtype == dtype
    # exp (1.5) passes through log1p(e) ~ e unchanged, log1p (1.5), min(x, 0) - ... (0.5).
    assert_close_ulps(got, exact(lambda v: -mp.log1p(mp.exp(-v)), x, dtype=dtype), 4)


def logit_cases(dtype):
    one = dtype(1)
    below_one, above_zero = np.nextafter(one, dtype(0)), np.nextafter(dtype(0), one)
    near_half = [0.5 - 2.0**-20, 0.5 - 1e-8, 0.5, 0.5 + 1e-8, 0.5 + 2.0**-20]
    edges = [0.29, 0.3, 0.31, 0.64, 0.65, 0.66]  # both sides of the switch to log1p
    return [0.0, above_zero, 1e-30, 1e-8, *edges, *near_half, 1 - 1e-6, below_one, 1.0]


@pytest.mark.parametrize(
    ("dtype", "p"), [(dt, float(p)) for dt in THRESHOLDS for p in logit_cases(dt)], ids=case_id
)
def test_logit(dtype, p):
    got = logit(np.asarray(p, dtype))
    assert got.dtype == dtype
    # Near 1/2: 1 - p (0.5), the division (0.5), log1p (1.5). Elsewhere the ratio's two
    # roundings shift the log by 1 eps, which |logit| >= 0.6 outside [0.3, 0.65] turns
    # into <= 1.7 ulps, plus log's 1.5.
    assert_close_ulps(got, exact(lambda v: mp.log(v) - mp.log1p(-v), p, dtype=dtype), 4)


SOFTMAX_ROWS = {
    "[0.5, 0.8]": [0.5, 0.8],
    "[1000, 1000]": [1000.0, 1000.0],
    "[1000, 0]": [1000.0, 0.0],
    "[0, -200]": [0.0, -200.0],
    "[-1000, -1000.5]": [-1000.0, -1000.5],
    "[1e4, 1e4-1, 1e4-3]": [1e4, 1e4 - 1, 1e4 - 3],
    "[-1e4, 0, 1e4]": [-1e4, 0.0, 1e4],
    "[-inf, 0, 1]": [-np.inf, 0.0, 1.0],
}
ROW_CASES = [(dt, row) for dt in THRESHOLDS for row in SOFTMAX_ROWS] + [
    (dt, f"thresholds {t}") for dt in THRESHOLDS for t in ("up", "down", "both")
]


def softmax_row(dtype, name):
    """A named row; the threshold rows sit where naive exp overflows (or underflows)."""
    below, above = THRESHOLDS[dtype]
    rows = {"thresholds up": [below, above], "thresholds down": [-below, -above]}
    rows["thresholds both"] = [above, above, -above]
    return np.asarray(SOFTMAX_ROWS.get(name) or rows[name], dtype)


@pytest.mark.parametrize(("dtype", "name"), ROW_CASES, ids=case_id)
def test_softmax(dtype, name):
    z = softmax_row(dtype, name)
    got = softmax(z)
    assert got.dtype == dtype
    # z - max is exact in every row (Sterbenz, or one operand 0); then exp (1.5), a sum
    # of at most 3 positive terms (1) and the division (0.5).
    expected = exact_rows(lambda r: [mp.exp(x - mp_logsumexp(r)) for x in r], z)
    assert_close_ulps(got, expected, 3, scale=tiny(dtype))


@pytest.mark.parametrize(("dtype", "name"), ROW_CASES, ids=case_id)
def test_log_softmax(dtype, name):
    z = softmax_row(dtype, name)
    got = log_softmax(z)
    assert got.dtype == dtype
    # logsumexp of the shifted row (<= 4.5, see test_logsumexp) and one subtraction of
    # two numbers of the same sign (0.5): no cancellation, so relative to the result.
    assert_close_ulps(got, exact_rows(mp_log_softmax, z), 5)


def test_log_softmax_float32_keeps_minus_200():
    # The lesson's example: softmax underflows to 0 here, log_softmax must not.
    got = log_softmax(np.float32([0, -200]))
    np.testing.assert_array_equal(got, np.float32([0, -200]))
    assert got.dtype == np.float32


@pytest.mark.parametrize(("dtype", "name"), ROW_CASES, ids=case_id)
def test_logsumexp(dtype, name):
    z = softmax_row(dtype, name)
    got = logsumexp(z)
    assert got.dtype == dtype
    # exp (1.5), the sum (1) and /n (0.5) reach log1p damped, log1p (1.5), log n (1) and
    # the final additions of terms of one sign (1): 4.5 when max(z) and the rest agree
    # in sign. All rows here do, except [-inf, 0, 1] which has max 1 > 0.
    assert_close_ulps(got, exact_rows(lambda r: [mp_logsumexp(r)], z)[..., 0], 5)


@DTYPES
def test_logsumexp_all_minus_inf(dtype):
    got = logsumexp(np.full((2, 3), -np.inf, dtype))
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, [-np.inf, -np.inf])


@pytest.mark.parametrize("offset", [-1e6, -1e4, -1e2, 1e2, 1e4, 1e6])
@DTYPES
def test_log_softmax_and_logsumexp_large_random_rows(dtype, offset):
    # Rows spread by a few units around a large offset: the exponentials all overflow
    # or all underflow, but the answer is moderate.
    z = (offset + 3 * np.random.default_rng(7).standard_normal((4, 6))).astype(dtype)
    # max(z) + log(...) may cancel when the max is negative: the error is eps * max|z|
    # absolute there, not relative to a small result (budget as in test_logsumexp).
    scale = float(np.abs(z).max())
    expected = exact_rows(lambda r: [mp_logsumexp(r)], z)[..., 0]
    assert_close_ulps(logsumexp(z), expected, 5, scale=scale)
    # z - max(z) is exact (Sterbenz); then as test_log_softmax, relative to the result.
    assert_close_ulps(log_softmax(z), exact_rows(mp_log_softmax, z), 5)


@DTYPES
def test_logsumexp_cancelling_to_nearly_zero(dtype):
    # max = -ln 2 (rounded) and log n = ln 2: the exact answer is the rounding error of
    # ln 2 in the dtype, and any method loses it to the final addition.
    z = np.full(2, -np.log(2), dtype)
    got = logsumexp(z)
    expected = exact_rows(lambda r: [mp_logsumexp(r)], z)[..., 0]
    assert_close_ulps(got, expected, 2, scale=float(np.abs(z).max()))


LOGIT_PAIRS = [(x, y) for x in (-1000.0, -30.0, 30.0, 1000.0) for y in (0.0, 1.0, 0.25)]
BCE_CASES = [(dt, x, y) for dt in THRESHOLDS for x, y in LOGIT_PAIRS]


def mp_bce(y, x):
    """-[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))], with no cancellation in mpmath."""
    return y * mp.log1p(mp.exp(-x)) + (1 - y) * mp.log1p(mp.exp(x))


@pytest.mark.parametrize(("dtype", "x", "y"), BCE_CASES, ids=case_id)
def test_sigmoid_cross_entropy_with_logits(dtype, x, y):
    got = sigmoid_cross_entropy_with_logits(np.asarray(y, dtype), np.asarray(x, dtype))
    assert got.dtype == dtype
    # x y is exact for these y; max(x, 0) - x y (0.5), log1p(exp) (3) and the sum of
    # two non-negative terms (0.5).
    assert_close_ulps(got, exact(mp_bce, y, x, dtype=dtype), 4)


@pytest.mark.parametrize(("dtype", "x", "y"), BCE_CASES, ids=case_id)
def test_binary_cross_entropy_with_logits(dtype, x, y):
    got = binary_cross_entropy_with_logits(
        np.asarray(x, dtype), np.asarray(y, dtype), reduction="none"
    )
    assert got.dtype == dtype
    # Same loss as sigmoid_cross_entropy_with_logits: the same budget.
    assert_close_ulps(got, exact(mp_bce, y, x, dtype=dtype), 4)


def test_the_docstrings_numbers_for_target_0_at_minus_30_and_minus_40():
    """binary_cross_entropy_with_logits' Notes: 4.25e-18 at -40, which (1 - y)z - log s(z) loses."""

    def folded(z):  # (1 - y) z - log sigmoid(z) with y = 0, in float64
        return z + np.log1p(np.exp(-z))

    at_40, at_30 = (
        binary_cross_entropy_with_logits(np.array([z]), np.array([0.0]), reduction="none")[0]
        for z in (-40.0, -30.0)
    )
    assert f"{at_40:.2e}" == "4.25e-18" and folded(-40.0) == 0.0
    assert f"{1 - folded(-30.0) / at_30:.1%}" == "1.3%"


SPARSE_CASES = {
    "[1e4, 0, -1e4] label 0": ([1e4, 0.0, -1e4], 0),
    "[1e4, 0, -1e4] label 1": ([1e4, 0.0, -1e4], 1),
    "[1e4, 0, -1e4] label 2": ([1e4, 0.0, -1e4], 2),
    "[1e4, 1e4-1] label 1": ([1e4, 1e4 - 1], 1),
    "[-1e4, -1e4] label 0": ([-1e4, -1e4], 0),
    "[30, 0] label 0": ([30.0, 0.0], 0),
    "[0, -200] label 0": ([0.0, -200.0], 0),
    "[1000, 0] label 1": ([1000.0, 0.0], 1),
}


@pytest.mark.parametrize("name", SPARSE_CASES)
@DTYPES
def test_sparse_softmax_cross_entropy_with_logits(dtype, name):
    row, label = SPARSE_CASES[name]
    z = np.asarray([row], dtype)
    got = sparse_softmax_cross_entropy_with_logits([label], z)
    assert got.dtype == dtype
    expected = exact_rows(lambda r: [mp_logsumexp(r) - r[label]], z)[..., 0]
    # -log_softmax(z)[label]: the log_softmax budget.
    assert_close_ulps(got, expected, 5)


@pytest.mark.parametrize("name", SPARSE_CASES)
@DTYPES
def test_softmax_cross_entropy_with_logits_one_hot(dtype, name):
    row, label = SPARSE_CASES[name]
    z = np.asarray([row], dtype)
    labels = np.eye(len(row), dtype=dtype)[[label]]
    got = softmax_cross_entropy_with_logits(labels, z)
    assert got.dtype == dtype
    # One-hot: the products by 1 and the sum with zeros are exact; log_softmax's budget.
    assert_close_ulps(got, exact_rows(lambda r: [mp_logsumexp(r) - r[label]], z)[..., 0], 5)


@pytest.mark.parametrize("row", [[1e4, -1e4], [1e4, 1e4 - 1], [-1e4, 0.0]], ids=str)
@DTYPES
def test_softmax_cross_entropy_with_logits_soft_labels(dtype, row):
    y, z = np.asarray([[0.25, 0.75]], dtype), np.asarray([row], dtype)
    got = softmax_cross_entropy_with_logits(y, z)
    assert got.dtype == dtype
    expected = exact_rows(lambda r: [-mp.fdot([0.25, 0.75], mp_log_softmax(r))], z)
    # log_softmax (5), the products (0.5) and a sum of two non-negative terms (0.5).
    assert_close_ulps(got, expected[..., 0], 6)


def binary_entropy_cases(dtype):
    return [1e-30, 1e-20, 1e-8, 0.11, 0.5, 1 - 1e-6, float(np.nextafter(dtype(1), dtype(0)))]


@pytest.mark.parametrize(
    ("dtype", "p"), [(dt, p) for dt in THRESHOLDS for p in binary_entropy_cases(dt)], ids=case_id
)
def test_binary_entropy(dtype, p):
    # At p = 1e-20, 1 - p rounds to 1 and a naive log(1 - p) drops the -(1-p) log(1-p)
    # ~ p term: 2 % of the answer. log1p(-p) keeps it.
    got = binary_entropy(np.asarray(p, dtype))
    assert got.dtype == dtype
    expected = exact(lambda v: -v * mp.log(v) - (1 - v) * mp.log1p(-v), p, dtype=dtype)
    # entr: log (1.5) and a product (0.5); xlog1py: 1 - p (0.5), log1p (1.5), a product
    # (0.5); then the sum of two non-negative terms (0.5).
    assert_close_ulps(got, expected, 5)


@pytest.mark.parametrize("d", [2.0**-6, 2.0**-12, 2.0**-20], ids=lambda d: f"2**{np.log2(d):.0f}")
@DTYPES
def test_kl_divergence_nearly_equal(dtype, d):
    # Exactly representable in float32 too, and both rows sum to exactly one.
    p, q = np.asarray([0.5, 0.5], dtype), np.asarray([0.5 + d, 0.5 - d], dtype)
    got = kl_divergence(p, q)
    assert got.dtype == dtype
    with mp.workdps(DPS):
        pairs = zip(map(mp.mpf, p.tolist()), map(mp.mpf, q.tolist()), strict=True)
        terms = [a * mp.log(a / b) for a, b in pairs]
        expected, scale = mp.fsum(terms), float(mp.fsum(map(abs, terms)))
    # KL ~ 2 d^2 is the sum of two terms of size ~d and opposite signs; like scipy's
    # rel_entr(p, q).sum() the error is relative to the terms (rel_entr: log of a
    # quotient, 2.5, times p, 0.5; the sum, 0.5), not to the tiny result.
    assert_close_ulps(got, np.asarray(float(expected), dtype), 4, scale=scale)
    assert got >= 0
