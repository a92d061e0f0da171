"""Dtype-tied comparisons shared by the project's tests.

A tolerance is always a number of units in the last place (ulps) of the dtype under
test, never an absolute ``decimal=``: the same test then means the same thing in
float32 and float64. Every caller states its `ulps` and says why in a comment.
"""

import numpy as np


def eps(dtype):
    """Machine epsilon of a floating dtype (2.2e-16 for float64, 1.2e-7 for float32)."""
    return float(np.finfo(dtype).eps)


def assert_close_ulps(actual, expected, ulps, *, dtype=None, scale=0.0):
    """Assert ``actual`` matches ``expected`` to within ``ulps`` units of the dtype.

    Elementwise ``|actual - expected| <= ulps * eps * max(|expected|, scale)``.
    ``scale`` is the size of the inputs, for quantities whose error grows with
    the input rather than the output (``log_softmax(z)`` is computed from
    ``z - max(z)``, so its error is about ``eps * max|z|`` even where the
    result is small). Infinities and NaNs must sit in the same places, and
    ``dtype`` (default: the dtype of ``actual``) must match ``expected``'s.
    """
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    dtype = actual.dtype if dtype is None else np.dtype(dtype)
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    finite = np.isfinite(expected)
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected), "NaN positions differ")
    np.testing.assert_array_equal(
        np.where(finite, 0, np.nan_to_num(actual, nan=0)),
        np.where(finite, 0, np.nan_to_num(expected, nan=0)),
        "infinities differ",
    )
    a = actual[finite].astype(np.float64)
    e = expected[finite].astype(np.float64)
    bound = ulps * eps(dtype) * np.maximum(np.abs(e), scale)
    bad = np.abs(a - e) > bound
    if bad.any():
        i = np.argmax(np.abs(a - e) - bound)
        raise AssertionError(
            f"{bad.sum()} of {bad.size} values differ by more than {ulps} ulps of {dtype}; "
            f"worst: {a[i]!r} vs {e[i]!r} "
            f"(allowed error {bound[i]:.3g}, got {abs(a[i] - e[i]):.3g})"
        )
