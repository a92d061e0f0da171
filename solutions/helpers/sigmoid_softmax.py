r"""Lesson 2: sigmoid versus softmax, and how to compute them without overflow."""

import numpy as np

from .validation import as_float_array


def sigmoid(z):
    r"""The logistic sigmoid, computed without overflow for any input.

    Parameters
    ----------
    z : array_like
        Logits, any shape: each one binary logit.

    Returns
    -------
    ndarray, same shape and float dtype as `z`
        :math:`q = \sigma(z) = 1 / (1 + e^{-z})`, in [0, 1]: the model's probability
        of class 1.

    Notes
    -----
    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}} = \frac{e^{z}}{1 + e^{z}}

    The first form overflows in :math:`e^{-z}` for very negative :math:`z`, the
    second in :math:`e^{z}` for very positive :math:`z`. With
    :math:`e = e^{-|z|} \le 1` we use the first form for :math:`z \ge 0` and the
    second for :math:`z < 0`, and nothing ever overflows.

    See Also
    --------
    scipy.special.expit : the anchor.
    softmax : its generalisation, :math:`\sigma(z) = \operatorname{softmax}([z, 0])_0`.

    Examples
    --------
    >>> sigmoid([0.0, 1.3, -1000.0, 1000.0])
    array([0.5       , 0.78583498, 0.        , 1.        ])
    """
    ### BEGIN SOLUTION
    z = as_float_array(z, "z")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    ### END SOLUTION


def softmax(z, axis=-1):
    r"""Turn logits into a probability distribution along `axis`.

    Parameters
    ----------
    z : array_like
        Logits, any shape, the C classes along `axis`; ``-inf`` entries are allowed
        and get probability 0.
    axis : int, default -1
        The class axis, as in ``tf.nn.softmax``. (``scipy.special.softmax``
        normalises over *all* entries when ``axis=None``, its default.)

    Returns
    -------
    ndarray, same shape and float dtype as `z`
        The model's distribution :math:`q = \operatorname{softmax}(z)`: non-negative,
        summing to one along `axis`.

    Notes
    -----
    .. math:: q_k = \operatorname{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}}
              = \frac{e^{z_k - m}}{\sum_j e^{z_j - m}}, \qquad m = \max_j z_j

    Subtracting the maximum changes nothing mathematically, but then every
    exponent is :math:`\le 0`, so ``exp`` cannot overflow, and the largest term
    is exactly 1, so the sum cannot underflow to zero.

    See Also
    --------
    scipy.special.softmax : the anchor (pass ``axis=-1``); also ``tf.nn.softmax``.
    log_softmax : its logarithm, computed directly.
    sigmoid : the two-class case.

    Examples
    --------
    >>> softmax([0.5, 0.8])
    array([0.42555748, 0.57444252])
    >>> softmax([1000.0, 0.0])
    array([1., 0.])
    """
    ### BEGIN SOLUTION
    z = as_float_array(z, "z")
    with np.errstate(over="ignore"):  # a gap wider than the largest float gives -inf: fine
        e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
    ### END SOLUTION


def logsumexp(z, axis=-1, keepdims=False):
    r"""The logarithm of the sum of exponentials, without overflow or lost digits.

    Parameters
    ----------
    z : array_like
        Logits, any shape; ``-inf`` entries contribute nothing.
    axis : int, default -1
        The axis to reduce.
    keepdims : bool, default False
        Keep the reduced axis with length one, for broadcasting against `z`.

    Returns
    -------
    ndarray or scalar, float dtype of `z`
        :math:`\log \sum_k e^{z_k}` along `axis`; ``-inf`` for a slice of ``-inf``
        or an empty axis (the log of an empty sum), and `z` itself for a 0-d `z`.

    Notes
    -----
    .. math:: \operatorname{logsumexp}(z) = z_j
              + \operatorname{log1p}\Big(\sum_{k \ne j} e^{z_k - z_j}\Big),
              \qquad j = \arg\max_k z_k

    It lies between :math:`\max_k z_k` and :math:`\max_k z_k + \log C`.

    The maximal term contributes exactly :math:`e^0 = 1`. Taking it out of the sum
    and adding it back through ``log1p`` keeps full relative accuracy when the
    other terms are tiny (``log(1 + 1e-20)`` would round to 0), as SciPy does.

    See Also
    --------
    scipy.special.logsumexp : the anchor; also ``tf.reduce_logsumexp``.
    log_softmax

    Examples
    --------
    >>> logsumexp([1000.0, 1000.0])
    np.float64(1000.6931471805599)
    >>> logsumexp([[0.0, -np.inf]], keepdims=True)
    array([[0.]])
    """
    ### BEGIN SOLUTION
    z = as_float_array(z, "z")
    if z.ndim == 0 or z.shape[axis] == 0:  # one term (log e^z = z), or none (log 0 = -inf)
        return np.max(z, axis=axis if z.ndim else None, keepdims=keepdims, initial=-np.inf)[()]
    j = np.argmax(z, axis=axis, keepdims=True)
    top = np.take_along_axis(z, j, axis=axis)
    # Shift by 0, not by the maximum, where it is infinite: never inf - inf. A gap
    # wider than the largest float gives -inf, and exp(-inf) = 0 is the right term.
    with np.errstate(over="ignore"):
        others = z - np.where(np.isfinite(top), top, 0)
    np.exp(others, out=others)  # in place: one temporary the size of z
    np.put_along_axis(others, j, 0, axis=axis)  # the maximal term, exactly 1, is log1p's 1
    out = top + np.log1p(others.sum(axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)[()]
    ### END SOLUTION


def log_softmax(z, axis=-1):
    r"""The logarithm of the softmax, computed directly and without overflow.

    Parameters
    ----------
    z : array_like
        Logits, any shape, the C classes along `axis`.
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray, same shape and float dtype as `z`
        :math:`\log q = \log \operatorname{softmax}(z)`, every entry :math:`\le 0`.

    Notes
    -----
    .. math:: \log q_k = z_k - \operatorname{logsumexp}(z)
              = (z_k - m) - \log\sum_j e^{z_j - m}

    ``np.log(softmax(z))`` fails where a probability underflows: in float32,
    ``softmax([0, -200])[1]`` is 0 and its log is ``-inf``, while the true
    log-probability is -200.

    See Also
    --------
    scipy.special.log_softmax : the anchor; also ``tf.nn.log_softmax``.
    logsumexp

    Examples
    --------
    >>> log_softmax(np.float32([0, -200]))
    array([   0., -200.], dtype=float32)
    """
    ### BEGIN SOLUTION
    z = as_float_array(z, "z")
    with np.errstate(over="ignore"):  # a gap wider than the largest float gives -inf: fine
        shifted = z - np.max(z, axis=axis, keepdims=True)
    # The maximum of `shifted` is 0, so logsumexp(shifted) is log1p of the other
    # terms, with no large number to round away the small ones.
    return shifted - logsumexp(shifted, axis=axis, keepdims=True)
    ### END SOLUTION


def log_sigmoid(z):
    r"""The logarithm of the sigmoid, accurate where the sigmoid itself underflows.

    Parameters
    ----------
    z : array_like
        Logits, any shape: each one binary logit.

    Returns
    -------
    ndarray, same shape and float dtype as `z`
        :math:`\log \sigma(z) = -\log(1 + e^{-z})`, always :math:`\le 0`.

    Notes
    -----
    .. math:: \log \sigma(z) = \min(z, 0) - \log\left(1 + e^{-|z|}\right)

    ``np.log(sigmoid(-1000))`` is ``log(0) = -inf``, but the true value is
    -1000: the formula above never forms the tiny sigmoid, and ``log1p`` keeps
    the digits of :math:`\log(1 + \text{small})`.

    See Also
    --------
    scipy.special.log_expit : the anchor.
    sigmoid

    Examples
    --------
    >>> log_sigmoid([-1000.0, 0.0])
    array([-1.00000000e+03, -6.93147181e-01])
    """
    ### BEGIN SOLUTION
    z = as_float_array(z, "z")
    return np.minimum(z, 0) - np.log1p(np.exp(-np.abs(z)))
    ### END SOLUTION
