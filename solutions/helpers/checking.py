r"""Compare what your function returns with what it should return, and say how close it is.

This is not an exercise: the lessons' "check" cells use it to show you, for each
example, whether your answer is exact, close (within rounding) or different.
"""

import numpy as np


def compare(label, actual, expected, rtol=1e-7, atol=1e-12):
    r"""Print whether `actual` is exactly, nearly or not `expected`; return True if close.

    Parameters
    ----------
    label : str
        What is being compared, e.g. ``"softmax([0.5, 0.8])"``.
    actual, expected : array_like
        Your result and the value it should have; the shapes must agree.
    rtol, atol : float
        "Close" means ``|actual - expected| <= atol + rtol * |expected|``, with
        infinities and NaNs in the same places. The default tolerates values
        that are printed to 8 significant digits.

    Returns
    -------
    bool
        True if exact or close.

    Examples
    --------
    >>> compare("0.1 + 0.2", 0.1 + 0.2, 0.3)
    0.1 + 0.2: close (max difference 5.6e-17)
    True
    >>> compare("shape", [1.0, 2.0], [1.0])
    shape: DIFFERENT shape (2,), expected (1,)
    False
    """
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.shape != expected.shape:
        verdict, ok = f"DIFFERENT shape {actual.shape}, expected {expected.shape}", False
    elif np.array_equal(actual, expected, equal_nan=True):
        verdict, ok = "exact", True
    else:
        ok = bool(np.allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True))
        with np.errstate(invalid="ignore"):  # inf - inf where both are inf
            gap = np.abs(actual.astype(float) - expected.astype(float))
        worst = np.nanmax(gap) if np.isfinite(gap).any() else np.nan
        verdict = "close" if ok else f"DIFFERENT: got {actual}, expected {expected}"
        verdict += f" (max difference {worst:.2g})"
    print(f"{label}: {verdict}")
    return ok
