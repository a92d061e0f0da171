r"""Lesson 3: information and entropy, in nats or in bits."""

import numpy as np
from scipy.special import entr, xlog1py

from .validation import check_distribution, check_probabilities, in_base


def self_information(p, base=None):
    r"""The surprise of an outcome of probability `p`.

    Parameters
    ----------
    p : array_like
        Probabilities in [0, 1], any shape.
    base : float, optional
        The logarithm's base: None for nats (base e), 2 for bits.

    Returns
    -------
    ndarray, same shape and float dtype as `p`
        :math:`-\log p`: 0 for a certain outcome, ``inf`` for an impossible one.

    Raises
    ------
    ValueError
        If an entry of `p` is outside [0, 1], or `base` is not positive or is 1.

    Notes
    -----
    .. math:: I(p) = -\log_b p = \frac{-\ln p}{\ln b}

    Surprise adds up for independent events, because their probabilities
    multiply: :math:`I(ab) = I(a) + I(b)` for two events of probabilities a and b.

    See Also
    --------
    numpy.log : the anchor, ``-np.log(p)``.
    entropy : the expected surprise.

    Examples
    --------
    >>> self_information([1.0, 0.5, 0.25], base=2)
    array([-0.,  1.,  2.])
    """
    ### BEGIN SOLUTION
    p = check_probabilities(p)
    with np.errstate(divide="ignore"):  # -log 0 = inf is the right answer
        return in_base(-np.log(p), base)
    ### END SOLUTION


def entropy(p, axis=-1, base=None):
    r"""Shannon entropy of a discrete distribution, with :math:`0 \log 0 = 0`.

    Parameters
    ----------
    p : array_like
        Probabilities, each slice along `axis` summing to one.
    axis : int, default -1
        The axis holding the outcomes.
    base : float, optional
        None for nats, 2 for bits.

    Returns
    -------
    ndarray or scalar, float dtype of `p`
        :math:`H(p)`, reduced along `axis`; between 0 and :math:`\log C` for C
        outcomes.

    Raises
    ------
    ValueError
        If `p` is not a distribution along `axis`, or `base` is invalid.

    Notes
    -----
    .. math:: H(p) = -\sum_k p_k \log p_k = \mathbb{E}_{k \sim p}[-\log p_k]

    An outcome of probability 0 never happens, so it adds nothing:
    :math:`0 \log 0 = \lim_{t\to 0^+} t \log t = 0`. ``scipy.special.entr``
    applies this rule. ``scipy.stats.entropy`` differs from this function: it
    divides `p` by its sum first and reduces over ``axis=0`` by default, so
    ``scipy.stats.entropy(P)`` of a batch of rows is not the entropy of each row.

    See Also
    --------
    scipy.special.entr : the anchor, ``entr(p).sum(axis)``.

    Examples
    --------
    >>> entropy([0.5, 0.5], base=2)
    np.float64(1.0)
    >>> entropy([[1.0, 0.0], [0.25, 0.75]])
    array([0.        , 0.56233514])
    """
    ### BEGIN SOLUTION
    p = check_distribution(p, axis=axis)
    return in_base(entr(p).sum(axis=axis), base)
    ### END SOLUTION


def binary_entropy(p, base=None):
    r"""Entropy of a coin that shows heads with probability `p`.

    Parameters
    ----------
    p : array_like
        Probabilities of heads in [0, 1], any shape.
    base : float, optional
        None for nats, 2 for bits.

    Returns
    -------
    ndarray, same shape and float dtype as `p`
        :math:`H_b(p)`, 0 at p = 0 and p = 1, largest (1 bit) at p = 1/2.

    Raises
    ------
    ValueError
        If an entry of `p` is outside [0, 1], or `base` is invalid.

    Notes
    -----
    .. math:: H_b(p) = -p \log p - (1 - p) \log(1 - p)

    We write :math:`\log(1 - p)` as ``log1p(-p)``: for tiny `p`, ``1 - p``
    rounds to 1 and ``log`` would return 0, losing the whole second term.

    See Also
    --------
    entropy : the same quantity for the distribution ``[p, 1 - p]``.

    Examples
    --------
    >>> binary_entropy([0.5, 0.11], base=2)
    array([1.        , 0.49991596])
    """
    ### BEGIN SOLUTION
    p = check_probabilities(p)
    return in_base(entr(p) - xlog1py(1 - p, -p), base)
    ### END SOLUTION
