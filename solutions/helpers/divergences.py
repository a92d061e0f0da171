r"""Lesson 4: how far one distribution is from another: KL and Jensen-Shannon."""

import numpy as np
from scipy.special import rel_entr

from .validation import as_float_array, check_distribution, check_same_shape, in_base


def kl_divergence(p, q, axis=-1, base=None):
    r"""Kullback-Leibler divergence :math:`\mathrm{KL}(p \,\|\, q)`.

    Parameters
    ----------
    p : array_like
        The true distribution; slices along `axis` sum to one.
    q : array_like, same shape as `p`
        The model's (predicted, approximating) distribution.
    axis : int, default -1
        The axis holding the outcomes.
    base : float, optional
        None for nats, 2 for bits.

    Returns
    -------
    ndarray or scalar, float dtype of ``p`` and ``q``
        :math:`\mathrm{KL}(p \| q) \ge 0`, reduced along `axis`; ``inf`` where some
        :math:`q_k = 0 < p_k`.

    Raises
    ------
    ValueError
        If `p` and `q` differ in shape or are not distributions along `axis`.

    Notes
    -----
    .. math:: \mathrm{KL}(p \,\|\, q) = \sum_k p_k \log\frac{p_k}{q_k}
              = H(p, q) - H(p)

    Terms with :math:`p_k = 0` are 0; a term with :math:`q_k = 0 < p_k` is
    infinite: `q` calls impossible what `p` says happens. Gibbs' inequality
    makes the sum :math:`\ge 0`, zero only when p = q. Rounding can push the sum
    of nearly equal distributions a hair below zero, so we clip it at 0. The
    divergence is not symmetric: in general KL(p‖q) ≠ KL(q‖p).

    ``torch.nn.functional.kl_div(input, target)`` computes KL(target ‖ input)
    and expects ``input`` as *log*-probabilities: ``kl_div(q.log(), p)`` is
    KL(p‖q), with the arguments the other way round.

    See Also
    --------
    scipy.special.rel_entr : the anchor, ``rel_entr(p, q).sum(axis)``.
    cross_entropy : :math:`H(p, q) = H(p) + \mathrm{KL}(p \| q)`.

    Examples
    --------
    >>> kl_divergence([0.5, 0.5], [0.9, 0.1])
    np.float64(0.5108256237659906)
    >>> kl_divergence([0.9, 0.1], [0.5, 0.5])
    np.float64(0.3680642071684971)
    """
    ### BEGIN SOLUTION
    p, q = check_distribution(p, "p", axis), check_distribution(q, "q", axis)
    check_same_shape(p, q)
    return in_base(np.maximum(rel_entr(p, q).sum(axis=axis), 0), base)
    ### END SOLUTION


def js_divergence(p, q, axis=-1, base=None):
    r"""Jensen-Shannon divergence: a symmetric, bounded relative of KL.

    Parameters
    ----------
    p : array_like
        The true distribution; slices along `axis` sum to one.
    q : array_like, same shape as `p`
        The model's (predicted) distribution. JS is symmetric, so the roles of `p`
        and `q` can be swapped.
    axis : int, default -1
        The axis holding the outcomes.
    base : float, optional
        None for nats, 2 for bits (then the result is in [0, 1]).

    Returns
    -------
    ndarray or scalar, float dtype of ``p`` and ``q``
        :math:`\mathrm{JS}(p, q)`, between 0 and :math:`\log 2`; always finite.

    Raises
    ------
    ValueError
        If `p` and `q` differ in shape or are not distributions along `axis`.

    Notes
    -----
    With the mixture :math:`m = (p + q)/2`,

    .. math:: \mathrm{JS}(p, q) = \tfrac12 \mathrm{KL}(p \,\|\, m)
              + \tfrac12 \mathrm{KL}(q \,\|\, m).

    Wherever :math:`p_k > 0` we have :math:`m_k > 0`, so neither term can be
    infinite. JS is symmetric, and its square root is a metric.

    See Also
    --------
    scipy.spatial.distance.jensenshannon : the anchor; it returns
        :math:`\sqrt{\mathrm{JS}}`, so ``jensenshannon(p, q) ** 2``.
    kl_divergence

    Examples
    --------
    >>> js_divergence([1.0, 0.0], [0.0, 1.0], base=2)
    np.float64(1.0)
    """
    ### BEGIN SOLUTION
    p, q = check_distribution(p, "p", axis), check_distribution(q, "q", axis)
    check_same_shape(p, q)
    # With s = p + q = 2m, KL(p || m) = sum p log(2p / s) = sum rel_entr(2p, s) / 2.
    # Halving s instead could round a subnormal q_k / 2 to 0 and make JS infinite.
    s = p + q
    js = (rel_entr(2 * p, s) + rel_entr(2 * q, s)).sum(axis=axis) / 4
    return in_base(np.maximum(js, 0), base)
    ### END SOLUTION


def mutual_information(p_xy, base=None):
    r"""Mutual information of a pair (x, y): how far their joint distribution is from independence.

    Parameters
    ----------
    p_xy : array_like
        The true joint distribution of the pair as a two-dimensional table: entry
        ``[a, b]`` is the probability that x = a and y = b. All entries sum to one.
    base : float, optional
        None for nats, 2 for bits.

    Returns
    -------
    scalar, float dtype of `p_xy`
        :math:`I(x; y) \ge 0`, zero exactly when x and y are independent.

    Raises
    ------
    ValueError
        If `p_xy` is not two-dimensional or not a distribution, or `base` is invalid.

    Notes
    -----
    With the marginals :math:`p(x) = \sum_y p(x, y)` (row sums) and
    :math:`p(y) = \sum_x p(x, y)` (column sums),

    .. math:: I(x; y) = \mathrm{KL}\bigl(p(x, y) \,\|\, p(x)\,p(y)\bigr)
              = H(x) + H(y) - H(x, y).

    Wherever :math:`p(x, y) > 0` both marginals are positive, so the divergence is
    finite; it is at most :math:`\min(H(x), H(y))`. Estimated from counts (the
    plug-in estimate), it is biased upwards: independent samples rarely give 0.

    See Also
    --------
    sklearn.metrics.mutual_info_score : the anchor, from two arrays of labels.
    kl_divergence

    Examples
    --------
    >>> mutual_information([[0.5, 0.0], [0.0, 0.5]], base=2)
    np.float64(1.0)
    >>> mutual_information([[0.25, 0.25], [0.25, 0.25]])
    np.float64(0.0)
    """
    ### BEGIN SOLUTION
    p_xy = as_float_array(p_xy, "p_xy")
    if p_xy.ndim != 2:
        raise ValueError(f"p_xy must be a two-dimensional table; got shape {p_xy.shape}")
    joint = check_distribution(p_xy.ravel(), "p_xy")
    product = np.outer(p_xy.sum(axis=1), p_xy.sum(axis=0)).ravel()
    return in_base(np.maximum(rel_entr(joint, product).sum(), 0), base)
    ### END SOLUTION
