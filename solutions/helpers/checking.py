r"""The lessons' notebook tools: ``compare`` for the check cells, and the set-up cell's extension.

This is not an exercise. The lessons' "check" cells use :func:`compare` to show you,
for each example, whether your answer is exact, close (within rounding) or different.
Each lesson's set-up cell runs ``%load_ext helpers.checking``, which reloads your
``helpers`` whenever you save a file and turns a function you have not written yet
into one line that says where to write it.
"""

import traceback
from pathlib import Path

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
    >>> compare("z", [np.nan, 0.0], [1.0, 0.0])
    z: DIFFERENT: got [nan  0.], expected [1. 0.] (nan at index 0, where the answer is a number)
    False
    """
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.shape != expected.shape:
        verdict, ok = f"DIFFERENT shape {actual.shape}, expected {expected.shape}", False
    elif np.array_equal(actual, expected, equal_nan=True):
        verdict, ok = "exact", True
    else:
        ok = bool(np.allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True))
        verdict = "close" if ok else f"DIFFERENT: got {actual}, expected {expected}"
        verdict += f" ({difference(actual, expected)})"
    print(f"{label}: {verdict}")
    return ok


def difference(actual, expected):
    """Where NaNs stand in one array and not in the other, or else the largest difference.

    A NaN has no distance to a number, so a largest difference would skip it and could
    read 0 for ``[nan, 0]`` against ``[1, 0]``.
    """
    nan_got, nan_expected = np.isnan(actual), np.isnan(expected)
    if (nan_got & ~nan_expected).any():
        return f"nan{at(nan_got & ~nan_expected)}, where the answer is a number"
    if (nan_expected & ~nan_got).any():
        return f"a number{at(nan_expected & ~nan_got)}, where the answer is nan"
    with np.errstate(invalid="ignore"):  # inf - inf where both are the same infinity
        gap = np.abs(actual.astype(float) - expected.astype(float))
    return f"max difference {np.nanmax(gap):.2g}"


def at(mask, shown=4):
    """Where `mask` is True, as you would index it: " at index 0", " at indices (0, 1), (2, 0)"."""
    if mask.ndim == 0:
        return ""
    found = [i.item() if mask.ndim == 1 else tuple(i.tolist()) for i in np.argwhere(mask)]
    listed = ", ".join(map(str, found[:shown])) + (", ..." if len(found) > shown else "")
    return f" at {'index' if len(found) == 1 else 'indices'} {listed}"


def load_ipython_extension(ipython):
    """Set up a lesson's notebook: ``%load_ext helpers.checking`` in its first code cell.

    - ``%autoreload``: every cell runs your latest saved ``helpers``, without a restart.
      Whole modules are reloaded (``--full``): by default IPython 9 recompiles only the
      functions you changed, so a function below an edit keeps its old line numbers and
      its traceback points at the wrong lines. An IPython without ``--full`` always
      reloads whole modules.
    - A function you have not written yet fails in one line that names it and its file.
    """
    from IPython.core.error import UsageError  # here: only a notebook needs IPython

    ipython.run_line_magic("load_ext", "autoreload")
    try:
        ipython.run_line_magic("autoreload", "2 --full")
    except UsageError:
        ipython.run_line_magic("autoreload", "2")
    ipython.set_custom_exc((NotImplementedError,), show_not_implemented)


def show_not_implemented(shell, etype, value, tb, tb_offset=None):
    """IPython's handler for NotImplementedError: one line if a function of helpers/ raised it.

    That is a function not yet written. A NotImplementedError from anywhere else keeps
    its full traceback.
    """
    where = traceback.extract_tb(tb)[-1]
    if Path(where.filename).parent == Path(__file__).parent:
        line = (
            f"{where.name} is not yet implemented: write it in "
            f"helpers/{Path(where.filename).name}, then run this cell again."
        )
        # IPython prints an exception through its _render_traceback_, if it has one.
        value._render_traceback_ = lambda: [line]
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
