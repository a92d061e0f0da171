r"""Lesson 1: logits, the raw scores a classifier produces before any probability."""

import numpy as np

from .validation import as_float_array, check_class_labels, check_probabilities


def logit(p):
    r"""Log-odds of a probability: the inverse of the sigmoid.

    Parameters
    ----------
    p : array_like
        Probabilities in [0, 1], any shape: each the probability of one event.

    Returns
    -------
    ndarray
        The logits :math:`z = \log\frac{p}{1-p}`, same shape and float dtype as `p`. ``logit(0)`` is
        ``-inf`` and ``logit(1)`` is ``inf``.

    Raises
    ------
    ValueError
        If an entry of `p` is outside [0, 1] or NaN.

    Notes
    -----
    The odds of an event are :math:`p / (1 - p)`, and the logit is their logarithm
    (a *log*-odds *unit*, by analogy with probit):

    .. math:: \operatorname{logit}(p) = \log\frac{p}{1-p}, \qquad
              \sigma(\operatorname{logit}(p)) = p.

    Near :math:`p = 1/2` the ratio is close to 1 and ``log`` loses digits, so for
    p in [0.3, 0.65] we write the ratio as :math:`1 + s` with
    :math:`s = 2(p - 1/2)/(1 - p)` and use ``log1p(s)``. SciPy's ``logit`` switches
    at the same points but computes :math:`\operatorname{log1p}(2d) -
    \operatorname{log1p}(-2d)` with :math:`d = p - 1/2`, which is
    :math:`2 \operatorname{artanh}(2p - 1)`.

    See Also
    --------
    scipy.special.logit : the anchor.
    sigmoid : its inverse.

    Examples
    --------
    >>> logit([0.5, 0.8, 0.0, 1.0])
    array([0.        , 1.38629436,       -inf,        inf])
    """
    ### BEGIN SOLUTION
    p = check_probabilities(p)
    # p / (1 - p) is 0 or inf at the ends: those infinities are the right answer.
    with np.errstate(divide="ignore"):
        near_half = np.log1p(2 * (p - 0.5) / (1 - p))
        return np.where((p >= 0.3) & (p <= 0.65), near_half, np.log(p / (1 - p)))
    ### END SOLUTION


def linear_logits(X, W, b):
    r"""Raw class scores of a linear layer: one row of logits per sample.

    Parameters
    ----------
    X : array_like, shape (N, d)
        The features: N samples of d numbers, one sample per row. A single sample
        :math:`x` of shape (d,) works too.
    W : array_like, shape (d, C)
        Weights: column ``k`` scores class ``k``, for the C classes k = 0, ..., C-1.
    b : array_like, shape (C,)
        Biases, one per class.

    Returns
    -------
    ndarray, shape (N, C)
        The logits :math:`Z = XW + b` (shape (C,) for one sample: :math:`z = xW + b`).
        Any real value is possible.

    Raises
    ------
    ValueError
        If the shapes do not fit together.

    Notes
    -----
    Row :math:`i` holds :math:`Z_{ik} = \sum_j X_{ij} W_{jk} + b_k`. The logits are
    unnormalised: nothing makes them positive or sum to one. Lesson 2 turns them
    into probabilities.

    See Also
    --------
    numpy.matmul : the anchor; ``X @ W + b``.

    Examples
    --------
    >>> linear_logits([[1.0, 2.0]], [[1.0, 0.0, -1.0], [0.0, 1.0, 1.0]], [0.0, 0.5, 0.0])
    array([[1. , 2.5, 1. ]])
    """
    ### BEGIN SOLUTION
    X, W, b = as_float_array(X, "X"), as_float_array(W, "W"), as_float_array(b, "b")
    if W.ndim != 2 or X.shape[-1:] != W.shape[:1] or b.shape != W.shape[1:]:
        raise ValueError(
            f"shapes do not fit: X {X.shape} @ W {W.shape} + b {b.shape} needs "
            "X (N, d), W (d, C) and b (C,)"
        )
    return X @ W + b
    ### END SOLUTION


def one_hot(labels, num_classes):
    r"""Encode integer class labels as rows of zeros with a single one.

    Parameters
    ----------
    labels : array_like of int, shape (...)
        Class labels y in [0, C): the classes are k = 0, ..., C-1.
    num_classes : int
        The number of classes C.

    Returns
    -------
    ndarray of float64, shape (..., C)
        ``out[..., k]`` is 1.0 where ``labels == k`` and 0.0 elsewhere.

    Raises
    ------
    ValueError
        If a label is not an integer in [0, num_classes).

    Notes
    -----
    The one-hot row :math:`p` of the label :math:`y` is the true distribution that
    puts all its mass on class :math:`y`: :math:`p_k = [k = y]`. Cross-entropy
    compares a predicted distribution :math:`q` with exactly these rows. (``labels``
    keeps NumPy's and TensorFlow's name; it holds the labels y.)

    See Also
    --------
    numpy.eye : the anchor, ``np.eye(C)[labels]``, which silently accepts -1.

    Examples
    --------
    >>> one_hot([0, 2], 3)
    array([[1., 0., 0.],
           [0., 0., 1.]])
    """
    ### BEGIN SOLUTION
    labels = check_class_labels(labels, num_classes)
    return (labels[..., np.newaxis] == np.arange(num_classes)).astype(np.float64)
    ### END SOLUTION


def hardmax(z, axis=-1):
    r"""One-hot encoding of the largest logit: the "hard" maximum that softmax smooths.

    Parameters
    ----------
    z : array_like
        Logits, any shape; the C classes lie along `axis`.
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray, same shape and float dtype as `z`
        1 at the first position of the maximum along `axis`, 0 elsewhere.

    Notes
    -----
    :math:`\operatorname{hardmax}(z)_k = [k = \arg\max_j z_j]`, taking the first
    index on ties. It is the limit of :math:`\operatorname{softmax}(z / T)` as the
    temperature :math:`T \to 0^+` when the maximum is unique.

    See Also
    --------
    numpy.argmax : the anchor (also ``tf.reduce_max`` for the value itself).
    softmax : the smooth version.

    Examples
    --------
    >>> hardmax([0.5, 0.8])
    array([0., 1.])
    >>> hardmax([[3, 3, 1]])
    array([[1., 0., 0.]])
    """
    ### BEGIN SOLUTION
    z = as_float_array(z, "z")
    winners = np.argmax(z, axis=axis, keepdims=True)
    out = np.zeros_like(z)
    np.put_along_axis(out, winners, 1, axis=axis)
    return out
    ### END SOLUTION
