"""Judge one result against the reference's, and say what is wrong in a learner's words.

Everything here works on plain values (arrays, NumPy scalars, Python numbers, and
:class:`~autograder.child.Foreign` for anything else), so
the same judgement serves ``course check`` and the grader, which receives the
learner's results as ``.npy`` files and never imports their code.
"""

import numpy as np

from .child import Foreign

# Allowed error, in units of the dtype's epsilon, relative to |expected| plus the
# size of the inputs. A stable formula different from the reference's (log(p) -
# log1p(-p) for logit, say) differs by a few roundings per operation; 64 leaves room
# for that while any overflow, lost sign or wrong constant is off by far more. The
# input size enters because a backward-stable result is exact for inputs perturbed
# by eps*|z|: log_softmax(z) carries an absolute error near eps*max|z| even where
# the result itself is small.
DEFAULT_ULPS = 64


def short(x):
    """A float in 8 significant digits, or in full where 8 would hide a difference."""
    text = f"{x:.8g}"
    return text if type(x)(text) == x or np.isnan(x) else str(x)


def describe(value, limit=6):
    """A short, readable rendering of a value for messages."""
    if isinstance(value, np.ndarray) and value.size > limit:
        return f"<{value.dtype} array of shape {value.shape}>"
    if isinstance(value, np.ndarray):
        text = np.array2string(value, separator=", ", formatter={"float_kind": short})
        plain = value.dtype == np.float64 or value.dtype.kind in "biu"
        return text if plain else f"{text} ({value.dtype})"
    if isinstance(value, np.generic):
        return f"{value.item()!r} ({value.dtype})"
    return repr(value)


def input_scale(*values):
    """The largest finite magnitude among the floating inputs, at least 1."""
    sizes = [1.0]
    for value in values:
        if isinstance(value, np.ndarray | float | np.floating) and np.size(value):
            finite = np.abs(np.asarray(value, dtype=np.float64))
            finite = finite[np.isfinite(finite)]
            sizes.append(float(finite.max()) if finite.size else 1.0)
    return max(sizes)


def type_problem(actual, expected):
    """Why `actual` is not the kind of value `expected` is, or None."""
    python_float = isinstance(expected, float) and not isinstance(expected, np.floating)
    if actual is None:
        return "returned None; did you forget `return`?"
    if isinstance(actual, Foreign) and actual.ndarray_subclass:
        return f"returned a {actual.type_name}, an ndarray subclass; return a plain NumPy array"
    if isinstance(actual, Foreign):
        kind = "a Python float" if python_float else "a NumPy array (np.asarray helps)"
        return f"returned a {actual.type_name}; return {kind}"
    if python_float and not (type(actual) in (float, int) or isinstance(actual, np.floating)):
        return f"returned a {type(actual).__name__}; return a Python float"
    if type(actual) is bool or isinstance(actual, np.bool_):
        return "returned a boolean; return numbers"
    return None


def value_problem(actual, expected, ulps=DEFAULT_ULPS, scale=1.0):
    """Why the value `actual` does not match `expected`, or None if it does."""
    problem = type_problem(actual, expected)
    if problem:
        return problem
    a, e = np.asarray(actual), np.asarray(expected)
    if a.shape != e.shape:
        return f"returned shape {a.shape}, expected {e.shape}"
    if isinstance(expected, np.ndarray | np.generic) and a.dtype != e.dtype:
        return f"returned {a.dtype}, expected {e.dtype}: keep the input's float dtype"
    if a.dtype.kind not in "fiu":
        return f"returned values of dtype {a.dtype}; return numbers"
    if (np.isnan(a) & ~np.isnan(e)).any():
        return f"returned nan ({describe(actual)})"
    if (np.isnan(e) & ~np.isnan(a)).any():
        return f"returned {describe(actual)} where the answer is undefined: {describe(expected)}"
    if (np.isinf(a) & ~np.isinf(e)).any() or (np.isinf(e) & (a != e)).any():
        return f"returned {describe(actual)}, expected {describe(expected)} (infinities differ)"
    finite = np.isfinite(e)
    eps = np.finfo(e.dtype if e.dtype.kind == "f" else np.float64).eps
    error = np.abs(a[finite].astype(np.float64) - e[finite].astype(np.float64))
    if (error > ulps * eps * (np.abs(e[finite]) + scale)).any():
        return f"returned {describe(actual)}, expected {describe(expected)}"
    return None
