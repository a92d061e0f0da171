r"""Input checks shared by every lesson.

These are not exercises: they are given to you, already written, so that every
function in the course rejects bad input the same way, with a message that says
what is wrong. Call them at the top of your own functions.

Every check raises :class:`ValueError` and returns the input as a NumPy array:
integers and booleans become float64, float32 stays float32.
"""

import math

import numpy as np


def as_float_array(x, name="x"):
    r"""Return `x` as a floating-point NumPy array without copying float input.

    Parameters
    ----------
    x : array_like
        Numbers of any shape.
    name : str
        The argument's name, used in the error message.

    Returns
    -------
    ndarray
        float32 and float64 input keeps its dtype; integers and booleans become
        float64.

    Raises
    ------
    ValueError
        If `x` holds something other than real numbers (strings, complex, objects).

    Examples
    --------
    >>> as_float_array([1, 2]).dtype
    dtype('float64')
    >>> as_float_array(np.float32([1, 2])).dtype
    dtype('float32')
    """
    x = np.asarray(x)
    if x.dtype.kind in "biu":
        return x.astype(np.float64)
    if x.dtype.kind != "f":
        raise ValueError(f"{name} must hold real numbers, got an array of dtype {x.dtype}")
    return x


def check_probabilities(p, name="p"):
    r"""Return `p` as a float array after checking that every entry is in [0, 1].

    Raises
    ------
    ValueError
        If an entry is NaN, negative or greater than one.

    Examples
    --------
    >>> check_probabilities([0.0, 0.5, 1.0])
    array([0. , 0.5, 1. ])
    """
    p = as_float_array(p, name)
    if p.size and not (p.min() >= 0 and p.max() <= 1):  # NaN fails both comparisons
        bad = p[np.isnan(p) | (p < 0) | (p > 1)].flat[0]
        raise ValueError(f"{name} must hold probabilities in [0, 1]; found {bad!r}")
    return p


def check_distribution(p, name="p", axis=-1):
    r"""Return `p` as a float array after checking that it is a distribution.

    Every entry must be in [0, 1] and every slice along `axis` must sum to one, up
    to :math:`\sqrt{\varepsilon}` of the dtype: the rounding error of a sum of
    many float32 probabilities stays far below that, a forgotten normalisation
    does not.

    Raises
    ------
    ValueError
        If an entry is outside [0, 1] or a slice does not sum to one.

    Examples
    --------
    >>> check_distribution([[0.2, 0.8], [0.5, 0.5]])
    array([[0.2, 0.8],
           [0.5, 0.5]])
    """
    p = check_probabilities(p, name)
    totals = p.sum(axis=axis)
    off = np.abs(totals - 1) > math.sqrt(np.finfo(p.dtype).eps)
    if off.any():
        raise ValueError(
            f"{name} must sum to 1 along axis {axis}, but a slice sums to "
            f"{totals[off].flat[0]:.6g}; divide by its sum first"
        )
    return p


def check_same_shape(a, b, names=("p", "q")):
    r"""Raise ValueError unless arrays `a` and `b` have exactly the same shape.

    Examples
    --------
    >>> check_same_shape(np.zeros(3), np.ones(3))
    """
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got {a.shape} and {b.shape}"
        )


def check_broadcasts(a, shape, name):
    r"""Return `a` as a float array after checking that it broadcasts to `shape`.

    Raises
    ------
    ValueError
        If `a` cannot be stretched to `shape` by NumPy's broadcasting rules.

    Examples
    --------
    >>> check_broadcasts([2.0, 3.0], (4, 2), "pos_weight")
    array([2., 3.])
    """
    a = as_float_array(a, name)
    try:
        np.broadcast_to(a, shape)
    except ValueError:
        raise ValueError(f"{name} of shape {a.shape} does not broadcast to shape {shape}") from None
    return a


def check_class_labels(labels, num_classes, name="labels"):
    r"""Return integer class labels after checking they are in [0, num_classes).

    Raises
    ------
    ValueError
        If the labels are not integers or one is outside [0, num_classes). NumPy
        would silently wrap a label of -1 round to the last class; we refuse it.

    Examples
    --------
    >>> check_class_labels([0, 2, 1], 3)
    array([0, 2, 1])
    """
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integer class indices, got dtype {labels.dtype}")
    outside = (labels < 0) | (labels >= num_classes)
    if outside.any():
        raise ValueError(
            f"{name} must be in [0, {num_classes}) for {num_classes} classes; "
            f"found {labels[outside].flat[0]}"
        )
    return labels


def check_reduction(reduction):
    r"""Raise ValueError unless `reduction` is "mean", "sum" or "none".

    Examples
    --------
    >>> check_reduction("sum")
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f'reduction must be "mean", "sum" or "none", got {reduction!r}')


def check_base(base):
    r"""Raise ValueError unless `base` is None (nats) or a positive number other than 1.

    Examples
    --------
    >>> check_base(2)
    """
    if base is not None and not (base > 0 and base != 1):
        raise ValueError(f"base must be positive and not 1 (2 for bits, e for nats), got {base!r}")


def in_base(nats, base):
    r"""Convert an amount of information from nats to units of `base`.

    ``math.log`` returns a Python float, so float32 input stays float32.

    Examples
    --------
    >>> float(in_base(np.log(2), 2))
    1.0
    """
    check_base(base)
    return nats if base is None else nats / math.log(base)
