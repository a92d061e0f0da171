r"""Lesson 5: cross-entropy, from probabilities and from logits, as the frameworks define it."""

import numpy as np
from scipy.special import xlog1py, xlogy

from .sigmoid_softmax import log_sigmoid, log_softmax, logsumexp, softmax
from .validation import (
    as_float_array,
    check_broadcasts,
    check_class_labels,
    check_distribution,
    check_probabilities,
    check_reduction,
    check_same_shape,
    in_base,
)


def cross_entropy(p, q, axis=-1, base=None):
    r"""Cross-entropy :math:`H(p, q)`: the average surprise under `q` of outcomes drawn from `p`.

    Parameters
    ----------
    p : array_like, shape (..., C) with the classes along `axis`
        The true distribution :math:`p` (often one-hot); slices along `axis` sum
        to one.
    q : array_like, same shape as `p`
        The model's distribution :math:`q`.
    axis : int, default -1
        The axis holding the C classes.
    base : float, optional
        None for nats, 2 for bits.

    Returns
    -------
    ndarray or scalar, float dtype of ``p`` and ``q``
        :math:`H(p, q) \ge H(p)`, reduced along `axis`; ``inf`` where some
        :math:`q_k = 0 < p_k`.

    Raises
    ------
    ValueError
        If `p` and `q` differ in shape or are not distributions along `axis`.

    Notes
    -----
    .. math:: H(p, q) = -\sum_k p_k \log q_k = H(p) + \mathrm{KL}(p \,\|\, q)

    Note the minus sign: every :math:`\log q_k \le 0`, and the loss is
    :math:`\ge 0`. The sum runs over the classes :math:`k = 0, \dots, C-1`.
    With a one-hot `p` for class :math:`y` it is just :math:`-\log q_y`: the
    negative log-likelihood of the label under the model. Terms with
    :math:`p_k = 0` are 0, even where :math:`q_k = 0`.

    See Also
    --------
    scipy.special.xlogy : the anchor, ``-xlogy(p, q).sum(axis)``.
    kl_divergence, entropy

    Examples
    --------
    >>> cross_entropy([1.0, 0.0, 0.0], [0.5, 0.2, 0.3], base=2)
    np.float64(1.0)
    >>> cross_entropy([1.0, 0.0, 0.0], [0.7, 0.1, 0.2])
    np.float64(0.35667494393873245)
    """
    ### BEGIN SOLUTION
    p, q = check_distribution(p, "p", axis), check_distribution(q, "q", axis)
    check_same_shape(p, q)
    return in_base(-xlogy(p, q).sum(axis=axis), base)
    ### END SOLUTION


def binary_cross_entropy(y, q):
    r"""Element-wise binary cross-entropy between targets `y` and probabilities `q`.

    Parameters
    ----------
    y : array_like
        Targets in [0, 1] (usually the labels 0 or 1), any shape.
    q : array_like, same shape as `y`
        The model's probabilities of class 1, :math:`q = \sigma(z)`.

    Returns
    -------
    ndarray, same shape as `y`
        :math:`-[y \log q + (1 - y)\log(1 - q)]`, in nats; ``inf`` where the
        prediction is certain and wrong.

    Raises
    ------
    ValueError
        If `y` and `q` differ in shape or hold values outside [0, 1].

    Notes
    -----
    .. math:: \ell(y, q) = -y \log q - (1 - y) \log(1 - q)

    It is :math:`H([1-y, y], [1-q, q])`, and the negative log-likelihood of a
    Bernoulli model that gives class 1 the probability :math:`q`.
    ``torch.nn.functional.binary_cross_entropy`` clamps each log at -100, so a
    certain, wrong prediction costs 100 there and ``inf`` here. To start from
    logits, use :func:`sigmoid_cross_entropy_with_logits`, which never forms
    ``q``.

    See Also
    --------
    torch.nn.BCELoss : the anchor, with ``reduction="none"``.
    cross_entropy

    Examples
    --------
    >>> binary_cross_entropy([1.0, 0.0, 1.0], [0.5, 0.2, 0.0])
    array([0.69314718, 0.22314355,        inf])
    """
    ### BEGIN SOLUTION
    y, q = check_probabilities(y, "y"), check_probabilities(q, "q")
    check_same_shape(y, q, ("y", "q"))
    return -(xlogy(y, q) + xlog1py(1 - y, -q))
    ### END SOLUTION


def log_loss(y_true, y_prob, normalize=True, labels=None):
    r"""Mean cross-entropy of predicted probabilities, as ``sklearn.metrics.log_loss``.

    Parameters
    ----------
    y_true : array_like, shape (N,) or (N, C)
        Class labels :math:`y`, or one-hot (indicator) rows :math:`p`.
    y_prob : array_like, shape (N, C) or (N,)
        The model's probabilities :math:`q`, columns in the sorted order of the
        classes. A 1-D `y_prob` holds the probability of the second (positive)
        class. scikit-learn calls this argument ``y_proba`` since 1.9 (``y_pred``
        before).
    normalize : bool, default True
        Return the mean over samples; if False, the sum.
    labels : array_like, optional
        All the class labels, for when `y_true` does not show every class.

    Returns
    -------
    float
        The log loss in nats.

    Raises
    ------
    ValueError
        If a probability is outside [0, 1], a row does not sum to one, the
        number of classes in `y_true` (or `labels`) and `y_prob` differ, or
        `y_true` holds a value that is not in `labels`.

    Notes
    -----
    .. math:: \mathcal{L} = -\frac1N \sum_{i=0}^{N-1} \sum_{k=0}^{C-1} p_{ik}\log
              \operatorname{clip}(q_{ik}, \epsilon_{\mathrm{mach}}, 1 - \epsilon_{\mathrm{mach}})

    with :math:`p_{ik}` the one-hot rows of the labels and
    :math:`\epsilon_{\mathrm{mach}}` the machine epsilon of `y_prob`'s dtype,
    so a certain, wrong prediction costs about 36 nats in float64, not ``inf``.
    scikit-learn only warns when rows do not sum to one; we raise. (``y_true``,
    ``y_prob`` and ``labels`` keep scikit-learn's names: ``y_true`` holds the labels
    :math:`y` or the rows :math:`p`, ``y_prob`` the model's :math:`q`, and
    ``labels`` the values :math:`y` can take.)

    See Also
    --------
    sklearn.metrics.log_loss : the anchor.
    cross_entropy : the same quantity for one sample, without clipping.

    Examples
    --------
    >>> log_loss([[0, 0, 1], [0, 1, 0], [1, 0, 0]],
    ...          [[.1, .2, .7], [.1, .7, .2], [.3, .4, .3]])
    0.6391075640678003
    >>> log_loss([0, 1, 1], [0.1, 0.8, 0.6])
    0.2797765635793423
    """
    ### BEGIN SOLUTION
    y_true, q = np.asarray(y_true), check_probabilities(y_prob, "y_prob")
    if q.ndim == 1:
        q = np.stack([1 - q, q], axis=1)
    if y_true.ndim == 1:
        classes = np.unique(y_true if labels is None else labels)
        unknown = np.setdiff1d(y_true, classes)
        if unknown.size:  # its one-hot row would be all zeros, yet count in the mean
            raise ValueError(
                f"y_true contains values {set(unknown.tolist())} not belonging to the "
                f"passed labels {np.asarray(labels).tolist()}."
            )
        if classes.size < 2:
            raise ValueError(f"y_true has only the class {classes}; pass all classes as labels")
        y_true = (y_true[:, np.newaxis] == classes).astype(q.dtype)
    if y_true.shape != q.shape:
        raise ValueError(
            f"y_true has {y_true.shape[-1]} classes but y_prob has {q.shape[-1]} "
            f"columns (shapes {y_true.shape} and {q.shape})"
        )
    check_distribution(q, "y_prob")
    eps = np.finfo(q.dtype).eps
    losses = -xlogy(y_true, np.clip(q, eps, 1 - eps)).sum(axis=1)
    return float(losses.mean() if normalize else losses.sum())
    ### END SOLUTION


def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
    r"""Per-example cross-entropy between `labels` and the softmax of `logits`.

    Parameters
    ----------
    labels : array_like, shape (..., C) with the classes along `axis`
        The true distributions :math:`p` (one-hot or soft), slices along `axis`
        summing to one.
    logits : array_like, same shape as `labels`
        The logits :math:`z`.
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray, shape of `logits` without `axis`
        :math:`H(p, \operatorname{softmax}(z))` in nats: one loss per example
        (TensorFlow too returns one per example; ``tf.reduce_mean`` makes the
        scalar a model trains on).

    Raises
    ------
    ValueError
        If the shapes differ or `labels` is not a distribution along `axis`.

    Notes
    -----
    .. math:: \ell(p, z) = -\sum_k p_k \log\operatorname{softmax}(z)_k
              = \operatorname{logsumexp}(z) - \sum_k p_k z_k

    Fusing the softmax into the loss is what makes it stable:
    ``-log(softmax(z))`` is ``inf`` once a probability underflows, while
    ``log_softmax`` stays finite for any finite logits. Classes with
    :math:`p_k = 0` add nothing, even at a logit of ``-inf``. (``labels`` and
    ``logits`` keep TensorFlow's names: they hold :math:`p` and :math:`z`.)

    See Also
    --------
    tf.nn.softmax_cross_entropy_with_logits : the anchor.
    log_softmax, cross_entropy

    Examples
    --------
    >>> softmax_cross_entropy_with_logits([[0.0, 1.0]], [[1000.0, 0.0]])
    array([1000.])
    """
    ### BEGIN SOLUTION
    labels = check_distribution(labels, "labels", axis)
    logits = as_float_array(logits, "logits")
    check_same_shape(labels, logits, ("labels", "logits"))
    # -sum y (z - lse) = lse * sum y - sum y z, with z shifted by its max for accuracy;
    # vecdot sums the products without storing them.
    with np.errstate(over="ignore"):  # a gap wider than the largest float gives -inf
        shifted = logits - np.max(logits, axis=axis, keepdims=True)
    lse = logsumexp(shifted, axis=axis)
    np.copyto(shifted, 0, where=labels == 0)  # a class with label 0 adds 0, even at -inf
    return lse * labels.sum(axis=axis) - np.vecdot(labels, shifted, axis=axis)
    ### END SOLUTION


def sparse_softmax_cross_entropy_with_logits(labels, logits):
    r"""Per-example cross-entropy from integer class labels and logits.

    Parameters
    ----------
    labels : array_like of int, shape (...)
        The true class :math:`y` of each example, in [0, C).
    logits : array_like, shape (..., C)
        The logits :math:`z`, classes along the last axis.

    Returns
    -------
    ndarray, shape (...)
        :math:`-\log \operatorname{softmax}(z)_y` for each example, in nats.

    Raises
    ------
    ValueError
        If the shapes do not match or a label is not an integer in [0, C). A
        label of -1 would otherwise pick the last class without a word.

    Notes
    -----
    .. math:: \ell(y, z) = -\log\operatorname{softmax}(z)_y
              = \operatorname{logsumexp}(z) - z_y

    It equals :func:`softmax_cross_entropy_with_logits` with one-hot labels,
    without ever building the one-hot rows. (``labels`` and ``logits`` keep
    TensorFlow's names: they hold :math:`y` and :math:`z`.)

    See Also
    --------
    tf.nn.sparse_softmax_cross_entropy_with_logits : the anchor.
    softmax_cross_entropy_with_logits

    Examples
    --------
    >>> sparse_softmax_cross_entropy_with_logits([1, 0], [[0.5, 0.8], [0.5, 0.8]])
    array([0.55435524, 0.85435524])
    """
    ### BEGIN SOLUTION
    logits = as_float_array(logits, "logits")
    if logits.ndim == 0:
        raise ValueError("logits cannot be a scalar: they need a class axis, shape (..., C)")
    labels = check_class_labels(labels, logits.shape[-1])
    if labels.shape != logits.shape[:-1]:
        raise ValueError(
            f"labels of shape {labels.shape} need logits of shape {labels.shape} + (C,), "
            f"got {logits.shape}"
        )
    with np.errstate(over="ignore"):  # a gap wider than the largest float gives -inf
        shifted = logits - np.max(logits, axis=-1, keepdims=True)
    picked = np.take_along_axis(shifted, labels[..., np.newaxis], axis=-1)[..., 0]
    return logsumexp(shifted) - picked
    ### END SOLUTION


def sigmoid_cross_entropy_with_logits(labels, logits):
    r"""Element-wise binary cross-entropy from logits, stable for any finite logit.

    Parameters
    ----------
    labels : array_like, any shape, typically (N, C)
        Targets :math:`y` in [0, 1]. In a multi-label problem the C columns are
        independent labels, each a binary problem of its own.
    logits : array_like, same shape as `labels`
        The logits :math:`z`, one per label.

    Returns
    -------
    ndarray, same shape as `logits`
        :math:`-[y \log\sigma(z) + (1 - y)\log(1 - \sigma(z))]` in nats.

    Raises
    ------
    ValueError
        If the shapes differ or a label is outside [0, 1].

    Notes
    -----
    With :math:`\log\sigma(z) = -\log(1 + e^{-z})` and
    :math:`\log(1-\sigma(z)) = -z - \log(1 + e^{-z})` the loss becomes
    :math:`z - zy + \log(1 + e^{-z})`. To keep the exponent :math:`\le 0` for
    either sign of :math:`z`, TensorFlow writes it

    .. math:: \ell(y, z) = \max(z, 0) - z y + \log\left(1 + e^{-|z|}\right).

    Its derivative with respect to :math:`z` is :math:`\sigma(z) - y`.
    (``labels`` and ``logits`` keep TensorFlow's names: they hold :math:`y` and
    :math:`z`.)

    See Also
    --------
    tf.nn.sigmoid_cross_entropy_with_logits : the anchor.
    binary_cross_entropy_with_logits : the PyTorch version, with weights.

    Examples
    --------
    >>> sigmoid_cross_entropy_with_logits([1.0, 0.0, 1.0], [1000.0, 1000.0, 0.0])
    array([0.00000000e+00, 1.00000000e+03, 6.93147181e-01])
    """
    ### BEGIN SOLUTION
    y, x = check_probabilities(labels, "labels"), as_float_array(logits, "logits")
    check_same_shape(y, x, ("labels", "logits"))
    return np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))
    ### END SOLUTION


def binary_cross_entropy_with_logits(
    logits, target, weight=None, pos_weight=None, reduction="mean"
):
    r"""Sigmoid cross-entropy with PyTorch's weights, for multi-label problems.

    Parameters
    ----------
    logits : array_like, any shape, typically (N, C)
        The logits :math:`z`. In a multi-label problem the C columns (the last
        axis) are independent labels, each a binary problem of its own.
    target : array_like, same shape as `logits`
        Targets :math:`y` in [0, 1].
    weight : array_like, optional
        A weight :math:`w` broadcast against each element's loss.
    pos_weight : array_like, shape (C,), optional
        A weight :math:`w_+` on the positive term of each of the C labels: above
        1 it raises recall, below 1 precision.
    reduction : {"mean", "sum", "none"}, default "mean"
        How to combine the element-wise losses.

    Returns
    -------
    ndarray or scalar
        The element-wise losses for ``"none"``, else their plain mean or sum.

    Raises
    ------
    ValueError
        If the shapes do not fit, a target is outside [0, 1], or `reduction` is
        invalid.

    Notes
    -----
    With :math:`1 - \sigma(z) = \sigma(-z)` and positive weight :math:`w_+`,

    .. math:: \ell = -w\,[w_+\, y \log\sigma(z) + (1 - y)\log\sigma(-z)].

    Both terms are :math:`\le 0`, so nothing cancels, and :func:`log_sigmoid`
    keeps each one accurate for any finite logit: at :math:`z = -40` with target
    0 the loss is :math:`4.25 \times 10^{-18}`, which a formula such as
    :math:`(1 - y)z - \log\sigma(z)` rounds to 0 (at :math:`z = -30` it is already
    1.3 % low). The mean is over all
    elements, ignoring `weight`. (``logits`` and ``target`` keep PyTorch's
    names: they hold :math:`z` and :math:`y`.)

    See Also
    --------
    torch.nn.BCEWithLogitsLoss : the anchor.
    sigmoid_cross_entropy_with_logits : the unweighted, unreduced case.

    Examples
    --------
    >>> binary_cross_entropy_with_logits([0.0, 2.0], [1.0, 0.0], reduction="none")
    array([0.69314718, 2.12692801])
    >>> binary_cross_entropy_with_logits([0.0, 2.0], [1.0, 0.0], pos_weight=[3.0], reduction="sum")
    np.float64(4.206369552722808)
    """
    ### BEGIN SOLUTION
    check_reduction(reduction)
    x, y = as_float_array(logits, "logits"), check_probabilities(target, "target")
    check_same_shape(x, y, ("logits", "target"))
    pw = 1 if pos_weight is None else check_broadcasts(pos_weight, x.shape, "pos_weight")
    w = 1 if weight is None else check_broadcasts(weight, x.shape, "weight")
    losses = -w * (pw * y * log_sigmoid(x) + (1 - y) * log_sigmoid(-x))
    return losses if reduction == "none" else losses.mean() if reduction == "mean" else losses.sum()
    ### END SOLUTION


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    r"""Per-example categorical cross-entropy as Keras computes it.

    Parameters
    ----------
    y_true : array_like
        The true distributions :math:`p` (one-hot or soft) along `axis`.
    y_pred : array_like, same shape as `y_true`
        The model's probabilities :math:`q`, or logits :math:`z` if
        `from_logits` is True. Probabilities are renormalised to sum to one and
        clipped to :math:`[10^{-7}, 1 - 10^{-7}]`.
    from_logits : bool, default False
        Whether `y_pred` holds logits.
    label_smoothing : float in [0, 1], default 0
        The smoothing :math:`\varepsilon`: the targets become
        :math:`\tilde p = (1 - \varepsilon) p + \varepsilon / C`.
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray, shape of `y_pred` without `axis`
        The loss of each example, in nats.

    Raises
    ------
    ValueError
        If the shapes differ, `y_true` is not a distribution, probabilities are
        negative, or `label_smoothing` is outside [0, 1].

    Notes
    -----
    .. math:: \ell = -\sum_k \tilde p_k \log \operatorname{clip}\Big(
              \frac{q_k}{\sum_j q_j}, 10^{-7}, 1 - 10^{-7}\Big)

    With ``from_logits=True`` the log-probabilities come from
    :func:`log_softmax` and nothing is clipped. We smooth with the size of
    `axis`, the number of classes, whichever axis holds them, as Keras does from
    3.16 on (keras-team/keras#23437). Keras 3.0 to 3.15 divide by the length of
    the *last* axis whatever `axis` is, so with the classes on another axis and
    ``label_smoothing > 0`` those versions give a different loss.
    (``y_true`` and ``y_pred`` keep Keras's names: they hold :math:`p` and
    :math:`q`, or :math:`z` with ``from_logits=True``.)

    See Also
    --------
    keras.losses.categorical_crossentropy : the anchor.
    softmax_cross_entropy_with_logits

    Examples
    --------
    >>> categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.8]], from_logits=True)
    array([0.55435524])
    >>> categorical_crossentropy([[0.0, 1.0]], [[1.0, 0.0]])
    array([16.11809565])
    """
    ### BEGIN SOLUTION
    y = check_distribution(y_true, "y_true", axis)
    q = as_float_array(y_pred, "y_pred")
    check_same_shape(y, q, ("y_true", "y_pred"))
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    y = (1 - label_smoothing) * y + label_smoothing / y.shape[axis]
    if from_logits:
        log_q = log_softmax(q, axis=axis)
    else:
        if (q < 0).any():
            raise ValueError(
                "y_pred must hold probabilities (>= 0); pass from_logits=True for logits"
            )
        log_q = np.log(np.clip(q / q.sum(axis=axis, keepdims=True), 1e-7, 1 - 1e-7))
    return -(y * np.where(y > 0, log_q, 0)).sum(axis=axis)  # 0 log 0 = 0
    ### END SOLUTION


def cross_entropy_loss(
    logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0
):
    r"""Softmax cross-entropy with PyTorch's options: class weights, ignored targets, smoothing.

    Parameters
    ----------
    logits : array_like, shape (N, C) or (C,) or (N, C, d1, ...)
        The logits :math:`z`, classes along axis 1 (axis 0 for a single sample).
    target : array_like
        Either integer class indices of shape (N,) (or () or (N, d1, ...)), or
        floating class probabilities of the same shape as `logits`.
    weight : array_like, shape (C,), optional
        A rescaling weight for each class.
    ignore_index : int, default -100
        Index targets equal to this contribute nothing, to the sum or the mean.
    reduction : {"mean", "sum", "none"}, default "mean"
        How to combine the per-sample losses.
    label_smoothing : float in [0, 1], default 0
        Mix the targets with the uniform distribution over the C classes.

    Returns
    -------
    ndarray or scalar
        The per-sample losses for ``"none"``, else their (weighted) mean or sum.

    Raises
    ------
    ValueError
        If a target index is outside [0, C) and not `ignore_index`, the shapes do
        not fit, or an option is invalid.

    Notes
    -----
    For an index target :math:`y_i` with log-probabilities :math:`\log q_i`,
    class weights :math:`w` (`weight`) and label smoothing :math:`\varepsilon`:

    .. math:: \ell_i = -w_{y_i}\Big[(1 - \varepsilon)\log q_{i, y_i}
              + \frac{\varepsilon}{C}\sum_k \frac{w_k}{w_{y_i}} \log q_{i,k}\Big]

    and ``"mean"`` divides the sum by :math:`\sum_i w_{y_i}` over the targets
    that are not ignored: a weighted mean, not a mean over samples. With
    probability targets :math:`p_i`, smoothed to :math:`\tilde p_i`,
    :math:`\ell_i = -\sum_k w_k \tilde p_{i,k} \log q_{i,k}` and ``"mean"``
    divides by the number of samples N. If every target is
    ignored, the mean is NaN, as in PyTorch. (``logits`` and ``target`` keep
    PyTorch's names: they hold :math:`z` and the labels :math:`y` or the true
    distributions :math:`p`.)

    See Also
    --------
    torch.nn.functional.cross_entropy : the anchor (``torch.nn.CrossEntropyLoss``).
    sparse_softmax_cross_entropy_with_logits : the unweighted, unreduced case.

    Examples
    --------
    >>> cross_entropy_loss([[0.5, 0.8], [2.0, -1.0]], [1, 0])
    np.float64(0.3014712980211346)
    >>> cross_entropy_loss([[0.5, 0.8], [2.0, -1.0]], [1, -100], reduction="none")
    array([0.55435524, 0.        ])
    """
    ### BEGIN SOLUTION
    check_reduction(reduction)
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    # Move the class axis last, where the rest of this module expects it.
    z = np.moveaxis(as_float_array(logits, "logits"), min(1, np.ndim(logits) - 1), -1)
    num_classes = z.shape[-1]
    w = np.ones(num_classes, z.dtype) if weight is None else as_float_array(weight, "weight")
    if w.shape != (num_classes,):
        raise ValueError(f"weight must have shape ({num_classes},), got {w.shape}")
    log_q = log_softmax(z)
    target = np.asarray(target)
    if target.dtype.kind == "f":  # class probabilities
        y = np.moveaxis(check_probabilities(target, "target"), min(1, target.ndim - 1), -1)
        check_same_shape(y, z, ("target", "logits"))
        y = (1 - label_smoothing) * y + label_smoothing / num_classes
        losses = -(w * y * np.where(y > 0, log_q, 0)).sum(axis=-1)  # 0 log 0 = 0
        denominator = losses.size
    else:  # class indices
        if target.shape != z.shape[:-1]:
            raise ValueError(f"index targets need shape {z.shape[:-1]}, got {target.shape}")
        kept = target != ignore_index
        y = check_class_labels(np.where(kept, target, 0), num_classes, "target")
        nll = -np.take_along_axis(log_q, y[..., np.newaxis], axis=-1)[..., 0]
        losses = w[y] * nll
        if label_smoothing:  # only then: a logit of -inf makes the smoothing term inf
            smooth = -(w * log_q).sum(axis=-1) / num_classes
            losses = (1 - label_smoothing) * losses + label_smoothing * smooth
        losses = np.where(kept, losses, 0)
        denominator = np.where(kept, w[y], 0).sum()
    if reduction != "mean":
        return losses if reduction == "none" else losses.sum()
    with np.errstate(invalid="ignore"):  # 0 / 0 when every target is ignored
        return losses.sum() / denominator
    ### END SOLUTION


def numerical_gradient(f, x, h=1e-5):
    r"""Estimate the gradient of a scalar function by central differences.

    Parameters
    ----------
    f : callable
        Takes an array shaped like `x` and returns a scalar.
    x : array_like
        Where to take the gradient. Never modified.
    h : float, default 1e-5
        The step. The error is about
        :math:`h^2 |f'''| + \epsilon_{\mathrm{mach}} |f| / h`, so
        :math:`h \approx \epsilon_{\mathrm{mach}}^{1/3} \approx 10^{-5}` balances
        the two in float64.

    Returns
    -------
    ndarray of float64, same shape as `x`
        :math:`\partial f / \partial x_i` for every entry. The estimate is always
        taken in float64, where the step `h` is meaningful.

    Raises
    ------
    ValueError
        If `h` is not positive or `f` does not return a scalar.

    Notes
    -----
    .. math:: \frac{\partial f}{\partial x_i} \approx
              \frac{f(x + h e_i) - f(x - h e_i)}{2h}

    One pair of evaluations per entry of `x`: fine for checking a gradient on a
    small example, far too slow for training.

    See Also
    --------
    scipy.optimize.approx_fprime : the anchor (one-sided differences).
    softmax_cross_entropy_grad

    Examples
    --------
    >>> numerical_gradient(lambda v: (v ** 2).sum(), [1.0, -2.0]).round(6)
    array([ 2., -4.])
    """
    ### BEGIN SOLUTION
    if not h > 0:
        raise ValueError(f"the step h must be positive, got {h}")
    x = np.array(x, dtype=np.float64)  # a copy: the caller's x is never touched
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        f_plus, f_minus = f(x + step), f(x - step)
        if np.ndim(f_plus) != 0:
            raise ValueError(f"f must return a scalar, got shape {np.shape(f_plus)}")
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
    ### END SOLUTION


def softmax_cross_entropy_grad(labels, logits, axis=-1):
    r"""Gradient of the summed softmax cross-entropy with respect to the logits.

    Parameters
    ----------
    labels : array_like
        The true distributions :math:`p` along `axis`, as for
        :func:`softmax_cross_entropy_with_logits`.
    logits : array_like, same shape as `labels`
        The logits :math:`z`.
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray, same shape as `logits`
        :math:`\partial L / \partial z` for
        :math:`L = \sum_i \ell(p_i, z_i)`: ``softmax(logits) - labels``, that
        is :math:`q - p`.

    Raises
    ------
    ValueError
        If the shapes differ or `labels` is not a distribution along `axis`.

    Notes
    -----
    With :math:`\ell = \operatorname{logsumexp}(z) - \sum_k p_k z_k` and
    :math:`\partial \operatorname{logsumexp}(z) / \partial z_j = \operatorname{softmax}(z)_j`,

    .. math:: \frac{\partial \ell}{\partial z_j}
              = \operatorname{softmax}(z)_j \sum_k p_k - p_j
              = q_j - p_j

    because :math:`p` sums to one: the prediction minus the truth, each entry
    in [-1, 1], so the gradient never explodes. (``labels`` and ``logits`` keep
    TensorFlow's names: they hold :math:`p` and :math:`z`.)

    See Also
    --------
    torch.autograd.grad : the anchor, differentiating ``cross_entropy(..., reduction="sum")``.
    numerical_gradient : to check it.

    Examples
    --------
    >>> softmax_cross_entropy_grad([[0.0, 1.0]], [[0.5, 0.8]])
    array([[ 0.42555748, -0.42555748]])
    """
    ### BEGIN SOLUTION
    labels = check_distribution(labels, "labels", axis)
    logits = as_float_array(logits, "logits")
    check_same_shape(labels, logits, ("labels", "logits"))
    return softmax(logits, axis=axis) - labels
    ### END SOLUTION


def expected_calibration_error(labels, q, n_bins=15):
    r"""Expected calibration error: how far the model's confidence is from its accuracy.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        The true class :math:`y_i` of each sample, in [0, C).
    q : array_like, shape (N, C)
        The model's distributions :math:`q_i`, rows summing to one.
    n_bins : int, default 15
        The number of equal-width confidence bins on [0, 1].

    Returns
    -------
    float
        The ECE, in [0, 1]: 0 for a perfectly calibrated model.

    Raises
    ------
    ValueError
        If `q` is not a 2-D array of distributions, `labels` does not hold one
        class in [0, C) per row, or `n_bins` is not a positive integer.

    Notes
    -----
    Each sample is predicted as :math:`\hat y_i = \arg\max_k q_{ik}` (the first
    maximum on a tie) with confidence :math:`c_i = \max_k q_{ik}`. With
    :math:`B` = `n_bins`, bin :math:`m = 0, \dots, B-1` holds the samples with
    :math:`m/B < c_i \le (m+1)/B` (bin 0 also holds :math:`c_i = 0`), as
    ``sklearn.calibration.calibration_curve`` bins them. Then

    .. math:: \mathrm{ECE} = \sum_{m=0}^{B-1} \frac{|B_m|}{N}
              \big|\operatorname{acc}(B_m) - \operatorname{conf}(B_m)\big|
              = \frac1N \sum_{m=0}^{B-1}
              \Big|\sum_{i \in B_m} \big([\hat y_i = y_i] - c_i\big)\Big|

    (Naeini et al., 2015; Guo et al., 2017), where empty bins add nothing. A
    model is calibrated when, among the samples it predicts with confidence
    :math:`c`, a fraction :math:`c` is right; cross-entropy is a proper scoring
    rule and rewards that, accuracy does not. (``labels``, named as in the
    other helpers, holds the true classes :math:`y`.)

    See Also
    --------
    sklearn.calibration.calibration_curve : the per-bin accuracies and confidences.
    log_loss

    Examples
    --------
    >>> q = [[0.75, 0.25], [0.25, 0.75], [0.75, 0.25], [0.5, 0.5]]
    >>> expected_calibration_error([0, 1, 1, 0], q, n_bins=2)
    0.1875
    >>> expected_calibration_error([0, 1], [[1.0, 0.0], [0.0, 1.0]])
    0.0
    """
    ### BEGIN SOLUTION
    q = check_distribution(q, "q")
    if q.ndim != 2:
        raise ValueError(f"q must have shape (N, C), got {q.shape}")
    labels = check_class_labels(labels, q.shape[1])
    if labels.shape != q.shape[:1]:
        raise ValueError(
            f"{q.shape[0]} rows of q need labels of shape ({q.shape[0]},), got {labels.shape}"
        )
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
    confidence, correct = q.max(axis=1), q.argmax(axis=1) == labels
    edges = np.linspace(0, 1, n_bins + 1)
    bins = np.searchsorted(edges[1:-1], confidence)  # bin m: edges[m] < c <= edges[m + 1]
    gaps = np.bincount(bins, weights=correct - confidence, minlength=n_bins)
    return float(np.abs(gaps).sum() / q.shape[0])
    ### END SOLUTION
