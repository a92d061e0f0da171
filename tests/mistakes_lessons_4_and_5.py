"""The mistakes corpus (tests/mistakes.py), lessons 4 and 5: each entry is a mistake's
name, the graded function it gets wrong, the whole wrong function, and the words its
verdict must contain."""

ENTRIES = (
    # Lesson 4: KL divergence
    (
        "kl_arguments_swapped",
        "kl_divergence",
        """
        def kl_divergence(p, q, axis=-1, base=None):
            p, q = check_distribution(p, "p", axis), check_distribution(q, "q", axis)
            check_same_shape(p, q)
            return in_base(np.maximum(rel_entr(q, p).sum(axis=axis), 0), base)
        """,
        "KL(p||q) = sum p log(p / q)",
    ),
    (
        "kl_where_still_warns",
        "kl_divergence",
        """
        def kl_divergence(p, q, axis=-1, base=None):
            p, q = check_distribution(p, "p", axis), check_distribution(q, "q", axis)
            check_same_shape(p, q)
            terms = np.where(p > 0, p * np.log(p / q), 0)
            return in_base(terms.sum(axis=axis), base)
        """,
        "warned RuntimeWarning",
        "0 log 0 counts as 0",
    ),
    (
        "kl_forgets_base",
        "kl_divergence",
        """
        def kl_divergence(p, q, axis=-1, base=None):
            p, q = check_distribution(p, "p", axis), check_distribution(q, "q", axis)
            check_same_shape(p, q)
            return np.maximum(rel_entr(p, q).sum(axis=axis), 0)
        """,
        "in bits: divide by ln 2",
    ),
    (
        "kl_sums_without_axis",
        "kl_divergence",
        """
        def kl_divergence(p, q, axis=-1, base=None):
            p, q = check_distribution(p, "p", axis), check_distribution(q, "q", axis)
            check_same_shape(p, q)
            return in_base(np.maximum(rel_entr(p, q).sum(), 0), base)
        """,
        "returned shape (), expected (2,)",
        "one value per row",
    ),
    (
        "js_without_the_half",
        "js_divergence",
        """
        def js_divergence(p, q, axis=-1, base=None):
            m = (np.asarray(p) + np.asarray(q)) / 2
            return kl_divergence(p, m, axis, base) + kl_divergence(q, m, axis, base)
        """,
        "disjoint distributions: 1 bit",
    ),
    (
        "js_one_sided",
        "js_divergence",
        """
        def js_divergence(p, q, axis=-1, base=None):
            m = (np.asarray(p) + np.asarray(q)) / 2
            return kl_divergence(p, m, axis, base)
        """,
        "JS",
    ),
    (
        "js_ignores_axis",
        "js_divergence",
        """
        def js_divergence(p, q, axis=-1, base=None):
            m = (np.asarray(p) + np.asarray(q)) / 2
            return (kl_divergence(p, m, base=base) + kl_divergence(q, m, base=base)) / 2
        """,
        "raised ValueError",
        "along axis -1",
    ),
    (
        "mutual_information_swapped_marginals",
        "mutual_information",
        """
        def mutual_information(p_xy, base=None):
            p_xy = as_float_array(p_xy, "p_xy")
            if p_xy.ndim != 2:
                raise ValueError("p_xy must be two-dimensional")
            joint = check_distribution(p_xy.ravel(), "p_xy")
            product = np.outer(p_xy.sum(axis=0), p_xy.sum(axis=1)).ravel()
            return in_base(np.maximum(rel_entr(joint, product).sum(), 0), base)
        """,
        "row sums and column sums",
    ),
    (
        "mutual_information_upcasts_float32",
        "mutual_information",
        """
        def mutual_information(p_xy, base=None):
            p_xy = as_float_array(p_xy, "p_xy")
            if p_xy.ndim != 2:
                raise ValueError("p_xy must be two-dimensional")
            joint = check_distribution(p_xy.ravel(), "p_xy").astype(np.float64)
            product = np.outer(p_xy.sum(axis=1), p_xy.sum(axis=0)).ravel()
            return in_base(np.maximum(rel_entr(joint, product).sum(), 0), base)
        """,
        "returned float64, expected float32",
    ),
    # Lesson 5: cross-entropy
    (
        "cross_entropy_missing_minus",
        "cross_entropy",
        """
        def cross_entropy(p, q, axis=-1, base=None):
            p, q = check_distribution(p, "p", axis), check_distribution(q, "q", axis)
            check_same_shape(p, q)
            return in_base(xlogy(p, q).sum(axis=axis), base)
        """,
        "H(p, q) = -sum p log q",
    ),
    (
        "cross_entropy_p_log_q",
        "cross_entropy",
        """
        def cross_entropy(p, q, axis=-1, base=None):
            p, q = check_distribution(p, "p", axis), check_distribution(q, "q", axis)
            check_same_shape(p, q)
            with np.errstate(divide="ignore", invalid="ignore"):
                return in_base(-(p * np.log(q)).sum(axis=axis), base)
        """,
        "returned nan",
        "0 log 0 counts as 0",
    ),
    (
        "binary_cross_entropy_naive",
        "binary_cross_entropy",
        """
        def binary_cross_entropy(y, q):
            y, q = check_probabilities(y, "y"), check_probabilities(q, "q")
            check_same_shape(y, q, ("y", "q"))
            with np.errstate(divide="ignore", invalid="ignore"):
                return -(y * np.log(q) + (1 - y) * np.log(1 - q))
        """,
        "returned nan",
        "use xlogy/xlog1py",
    ),
    (
        "binary_cross_entropy_log_of_one_minus_q",
        "binary_cross_entropy",
        """
        def binary_cross_entropy(y, q):
            y, q = check_probabilities(y, "y"), check_probabilities(q, "q")
            check_same_shape(y, q, ("y", "q"))
            return -(xlogy(y, q) + xlogy(1 - y, 1 - q))
        """,
        "log(1 - q) rounds to 0 for tiny q",
    ),
    (
        "log_loss_clips_at_1e_15",
        "log_loss",
        """
        def log_loss(y_true, y_prob, normalize=True, labels=None):
            y_true, q = np.asarray(y_true), check_probabilities(y_prob, "y_prob")
            if q.ndim == 1:
                q = np.stack([1 - q, q], axis=1)
            if y_true.ndim == 1:
                classes = np.unique(y_true if labels is None else labels)
                if np.setdiff1d(y_true, classes).size or classes.size < 2:
                    raise ValueError("y_true does not fit the classes")
                y_true = (y_true[:, np.newaxis] == classes).astype(q.dtype)
            if y_true.shape != q.shape:
                raise ValueError("y_true and y_prob have different numbers of classes")
            check_distribution(q, "y_prob")
            losses = -xlogy(y_true, np.clip(q, 1e-15, 1 - 1e-15)).sum(axis=1)
            return float(losses.mean() if normalize else losses.sum())
        """,
        "clipped to [eps, 1 - eps]",
    ),
    (
        "log_loss_classes_in_given_order",
        "log_loss",
        """
        def log_loss(y_true, y_prob, normalize=True, labels=None):
            y_true, q = np.asarray(y_true), check_probabilities(y_prob, "y_prob")
            if q.ndim == 1:
                q = np.stack([1 - q, q], axis=1)
            if y_true.ndim == 1:
                classes = np.unique(y_true) if labels is None else np.asarray(labels)
                if np.setdiff1d(y_true, classes).size or classes.size < 2:
                    raise ValueError("y_true does not fit the classes")
                y_true = (y_true[:, np.newaxis] == classes).astype(q.dtype)
            if y_true.shape != q.shape:
                raise ValueError("y_true and y_prob have different numbers of classes")
            check_distribution(q, "y_prob")
            eps = np.finfo(q.dtype).eps
            losses = -xlogy(y_true, np.clip(q, eps, 1 - eps)).sum(axis=1)
            return float(losses.mean() if normalize else losses.sum())
        """,
        "np.unique(labels)",
    ),
    (
        "log_loss_always_the_mean",
        "log_loss",
        """
        def log_loss(y_true, y_prob, normalize=True, labels=None):
            y_true, q = np.asarray(y_true), check_probabilities(y_prob, "y_prob")
            if q.ndim == 1:
                q = np.stack([1 - q, q], axis=1)
            if y_true.ndim == 1:
                classes = np.unique(y_true if labels is None else labels)
                if np.setdiff1d(y_true, classes).size or classes.size < 2:
                    raise ValueError("y_true does not fit the classes")
                y_true = (y_true[:, np.newaxis] == classes).astype(q.dtype)
            if y_true.shape != q.shape:
                raise ValueError("y_true and y_prob have different numbers of classes")
            check_distribution(q, "y_prob")
            eps = np.finfo(q.dtype).eps
            return float(-xlogy(y_true, np.clip(q, eps, 1 - eps)).sum(axis=1).mean())
        """,
        "normalize=False sums",
    ),
    (
        "softmax_cross_entropy_log_of_softmax",
        "softmax_cross_entropy_with_logits",
        """
        def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
            labels = check_distribution(labels, "labels", axis)
            logits = as_float_array(logits, "logits")
            check_same_shape(labels, logits, ("labels", "logits"))
            with np.errstate(divide="ignore"):
                return -(labels * np.log(softmax(logits, axis=axis))).sum(axis=axis)
        """,
        "use log_softmax, which stays finite",
    ),
    (
        "softmax_cross_entropy_zero_times_minus_inf",
        "softmax_cross_entropy_with_logits",
        """
        def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
            labels = check_distribution(labels, "labels", axis)
            logits = as_float_array(logits, "logits")
            check_same_shape(labels, logits, ("labels", "logits"))
            with np.errstate(invalid="ignore"):
                return -(labels * log_softmax(logits, axis=axis)).sum(axis=axis)
        """,
        "returned nan",
        "a class with label 0 adds nothing",
    ),
    (
        "sparse_wraps_minus_one",
        "sparse_softmax_cross_entropy_with_logits",
        """
        def sparse_softmax_cross_entropy_with_logits(labels, logits):
            logits = as_float_array(logits, "logits")
            if logits.ndim == 0:
                raise ValueError("logits need a class axis")
            labels = np.asarray(labels)
            if labels.dtype.kind not in "iu" or (labels >= logits.shape[-1]).any():
                raise ValueError("label out of range")
            if labels.shape != logits.shape[:-1]:
                raise ValueError("shapes do not fit")
            log_q = log_softmax(logits)
            return -np.take_along_axis(log_q, labels[..., np.newaxis], axis=-1)[..., 0]
        """,
        "label -1 must not wrap round",
    ),
    (
        "sparse_global_max",
        "sparse_softmax_cross_entropy_with_logits",
        """
        def sparse_softmax_cross_entropy_with_logits(labels, logits):
            logits = as_float_array(logits, "logits")
            if logits.ndim == 0:
                raise ValueError("logits need a class axis")
            labels = check_class_labels(labels, logits.shape[-1])
            if labels.shape != logits.shape[:-1]:
                raise ValueError("shapes do not fit")
            shifted = logits - np.max(logits)
            with np.errstate(divide="ignore"):
                lse = np.log(np.exp(shifted).sum(axis=-1))
            return lse - np.take_along_axis(shifted, labels[..., np.newaxis], axis=-1)[..., 0]
        """,
        "each row needs its own maximum",
    ),
    (
        "sigmoid_cross_entropy_naive",
        "sigmoid_cross_entropy_with_logits",
        """
        def sigmoid_cross_entropy_with_logits(labels, logits):
            y, x = check_probabilities(labels, "labels"), as_float_array(logits, "logits")
            check_same_shape(y, x, ("labels", "logits"))
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                q = 1 / (1 + np.exp(-x))
                return -(y * np.log(q) + (1 - y) * np.log(1 - q))
        """,
        "it never overflows",
    ),
    (
        "sigmoid_cross_entropy_log_not_log1p",
        "sigmoid_cross_entropy_with_logits",
        """
        def sigmoid_cross_entropy_with_logits(labels, logits):
            y, x = check_probabilities(labels, "labels"), as_float_array(logits, "logits")
            check_same_shape(y, x, ("labels", "logits"))
            return np.maximum(x, 0) - x * y + np.log(1 + np.exp(-np.abs(x)))
        """,
        "use np.log1p",
    ),
    (
        "bce_with_logits_pos_weight_on_the_negative_term",
        "binary_cross_entropy_with_logits",
        """
        def binary_cross_entropy_with_logits(
            logits, target, weight=None, pos_weight=None, reduction="mean"
        ):
            check_reduction(reduction)
            x, y = as_float_array(logits, "logits"), check_probabilities(target, "target")
            check_same_shape(x, y, ("logits", "target"))
            pw = 1 if pos_weight is None else check_broadcasts(pos_weight, x.shape, "pos_weight")
            w = 1 if weight is None else check_broadcasts(weight, x.shape, "weight")
            losses = -w * (y * log_sigmoid(x) + pw * (1 - y) * log_sigmoid(-x))
            if reduction == "none":
                return losses
            return losses.mean() if reduction == "mean" else losses.sum()
        """,
        "pos_weight multiplies the positive term only",
    ),
    (
        "bce_with_logits_weighted_mean",
        "binary_cross_entropy_with_logits",
        """
        def binary_cross_entropy_with_logits(
            logits, target, weight=None, pos_weight=None, reduction="mean"
        ):
            check_reduction(reduction)
            x, y = as_float_array(logits, "logits"), check_probabilities(target, "target")
            check_same_shape(x, y, ("logits", "target"))
            pw = 1 if pos_weight is None else check_broadcasts(pos_weight, x.shape, "pos_weight")
            w = 1 if weight is None else check_broadcasts(weight, x.shape, "weight")
            losses = -w * (pw * y * log_sigmoid(x) + (1 - y) * log_sigmoid(-x))
            if reduction == "none":
                return losses
            if reduction == "sum":
                return losses.sum()
            return losses.sum() / np.broadcast_to(w, x.shape).sum()
        """,
        "the mean ignores it",
    ),
    (
        "categorical_crossentropy_forgets_from_logits",
        "categorical_crossentropy",
        """
        def categorical_crossentropy(
            y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
        ):
            y = check_distribution(y_true, "y_true", axis)
            q = as_float_array(y_pred, "y_pred")
            check_same_shape(y, q, ("y_true", "y_pred"))
            if not 0 <= label_smoothing <= 1:
                raise ValueError("label_smoothing must be in [0, 1]")
            y = (1 - label_smoothing) * y + label_smoothing / y.shape[axis]
            log_q = np.log(np.clip(q / q.sum(axis=axis, keepdims=True), 1e-7, 1 - 1e-7))
            return -(y * log_q).sum(axis=axis)
        """,
        "with logits: log_softmax",
    ),
    (
        "categorical_crossentropy_smooths_over_the_last_axis",
        "categorical_crossentropy",
        """
        def categorical_crossentropy(
            y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
        ):
            y = check_distribution(y_true, "y_true", axis)
            q = as_float_array(y_pred, "y_pred")
            check_same_shape(y, q, ("y_true", "y_pred"))
            if not 0 <= label_smoothing <= 1:
                raise ValueError("label_smoothing must be in [0, 1]")
            y = (1 - label_smoothing) * y + label_smoothing / y.shape[-1]
            if from_logits:
                log_q = log_softmax(q, axis=axis)
            else:
                if (q < 0).any():
                    raise ValueError("y_pred must be probabilities")
                log_q = np.log(np.clip(q / q.sum(axis=axis, keepdims=True), 1e-7, 1 - 1e-7))
            return -(y * np.where(y > 0, log_q, 0)).sum(axis=axis)
        """,
        "smooth with C = the size of the class axis",
    ),
    (
        "categorical_crossentropy_float64_clip",
        "categorical_crossentropy",
        """
        def categorical_crossentropy(
            y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
        ):
            y = check_distribution(y_true, "y_true", axis)
            q = as_float_array(y_pred, "y_pred")
            check_same_shape(y, q, ("y_true", "y_pred"))
            if not 0 <= label_smoothing <= 1:
                raise ValueError("label_smoothing must be in [0, 1]")
            y = (1 - label_smoothing) * y + label_smoothing / y.shape[axis]
            if from_logits:
                log_q = log_softmax(q, axis=axis)
            else:
                if (q < 0).any():
                    raise ValueError("y_pred must be probabilities")
                eps = np.float64(1e-7)
                log_q = np.log(np.clip(q / q.sum(axis=axis, keepdims=True), eps, 1 - eps))
            return -(y * np.where(y > 0, log_q, 0)).sum(axis=axis)
        """,
        "returned float64, expected float32",
    ),
    (
        "cross_entropy_loss_counts_ignored_targets",
        "cross_entropy_loss",
        """
        def cross_entropy_loss(
            logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0
        ):
            z = np.moveaxis(as_float_array(logits, "logits"), min(1, np.ndim(logits) - 1), -1)
            w = np.ones(z.shape[-1], z.dtype) if weight is None else as_float_array(weight)
            log_q = log_softmax(z)
            target = np.asarray(target)
            kept = target != ignore_index
            y = check_class_labels(np.where(kept, target, 0), z.shape[-1], "target")
            nll = -np.take_along_axis(log_q, y[..., np.newaxis], axis=-1)[..., 0]
            losses = np.where(kept, w[y] * nll, 0)
            if reduction == "none":
                return losses
            return losses.sum() if reduction == "sum" else losses.sum() / w[y].sum()
        """,
        "nor in the mean's denominator",
    ),
    (
        "cross_entropy_loss_plain_mean_with_weights",
        "cross_entropy_loss",
        """
        def cross_entropy_loss(
            logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0
        ):
            z = np.moveaxis(as_float_array(logits, "logits"), min(1, np.ndim(logits) - 1), -1)
            w = np.ones(z.shape[-1], z.dtype) if weight is None else as_float_array(weight)
            log_q = log_softmax(z)
            target = np.asarray(target)
            kept = target != ignore_index
            y = check_class_labels(np.where(kept, target, 0), z.shape[-1], "target")
            nll = -np.take_along_axis(log_q, y[..., np.newaxis], axis=-1)[..., 0]
            losses = np.where(kept, w[y] * nll, 0)
            if reduction == "none":
                return losses
            return losses.sum() if reduction == "sum" else losses.sum() / kept.sum()
        """,
        "divides by the sum of the targets' weights",
    ),
    (
        "cross_entropy_loss_wraps_minus_one",
        "cross_entropy_loss",
        """
        def cross_entropy_loss(
            logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0
        ):
            check_reduction(reduction)
            z = np.moveaxis(as_float_array(logits, "logits"), min(1, np.ndim(logits) - 1), -1)
            num_classes = z.shape[-1]
            w = np.ones(num_classes, z.dtype) if weight is None else as_float_array(weight)
            log_q = log_softmax(z)
            target = np.asarray(target)
            if target.dtype.kind == "f":
                y = np.moveaxis(target, min(1, target.ndim - 1), -1)
                y = (1 - label_smoothing) * y + label_smoothing / num_classes
                losses = -(w * y * log_q).sum(axis=-1)
                denominator = losses.size
            else:
                kept = target != ignore_index
                if (target >= num_classes).any():
                    raise ValueError("target out of range")
                y = np.where(kept, target, 0)
                nll = -np.take_along_axis(log_q, y[..., np.newaxis], axis=-1)[..., 0]
                losses = w[y] * nll
                if label_smoothing:
                    smooth = -(w * log_q).sum(axis=-1) / num_classes
                    losses = (1 - label_smoothing) * losses + label_smoothing * smooth
                losses = np.where(kept, losses, 0)
                denominator = np.where(kept, w[y], 0).sum()
            if reduction != "mean":
                return losses if reduction == "none" else losses.sum()
            return losses.sum() / denominator
        """,
        "must not wrap round",
    ),
    (
        "numerical_gradient_integer_x",
        "numerical_gradient",
        """
        def numerical_gradient(f, x, h=1e-5):
            if not h > 0:
                raise ValueError("h must be positive")
            x = np.array(x)
            grad = np.empty_like(x)
            for i in np.ndindex(x.shape):
                step = np.zeros_like(x)
                step[i] = h
                f_plus, f_minus = f(x + step), f(x - step)
                if np.ndim(f_plus) != 0:
                    raise ValueError("f must return a scalar")
                grad[i] = (f_plus - f_minus) / (2 * h)
            return grad
        """,
        "work on a float64 copy of x",
    ),
    (
        "numerical_gradient_forward_difference",
        "numerical_gradient",
        """
        def numerical_gradient(f, x, h=1e-5):
            if not h > 0:
                raise ValueError("h must be positive")
            x = np.array(x, dtype=np.float64)
            grad = np.empty_like(x)
            f_x = f(x)
            if np.ndim(f_x) != 0:
                raise ValueError("f must return a scalar")
            for i in np.ndindex(x.shape):
                step = np.zeros_like(x)
                step[i] = h
                grad[i] = (f(x + step) - f_x) / h
            return grad
        """,
        "(f(x + h) - f(x - h)) / 2h",
    ),
    (
        "numerical_gradient_steps_in_place",
        "numerical_gradient",
        """
        def numerical_gradient(f, x, h=1e-5):
            if not h > 0:
                raise ValueError("h must be positive")
            x = np.asarray(x, dtype=np.float64)
            grad = np.empty_like(x)
            for i in np.ndindex(x.shape):
                x[i] += h
                f_plus = f(x)
                x[i] -= 2 * h
                f_minus = f(x)
                if np.ndim(f_plus) != 0:
                    raise ValueError("f must return a scalar")
                grad[i] = (f_plus - f_minus) / (2 * h)
            return grad
        """,
        "changed its input in place",
    ),
    (
        "softmax_cross_entropy_grad_sign",
        "softmax_cross_entropy_grad",
        """
        def softmax_cross_entropy_grad(labels, logits, axis=-1):
            labels = check_distribution(labels, "labels", axis)
            logits = as_float_array(logits, "logits")
            check_same_shape(labels, logits, ("labels", "logits"))
            return labels - softmax(logits, axis=axis)
        """,
        "the gradient is softmax(logits) - labels",
    ),
    (
        "softmax_cross_entropy_grad_ignores_axis",
        "softmax_cross_entropy_grad",
        """
        def softmax_cross_entropy_grad(labels, logits, axis=-1):
            labels = check_distribution(labels, "labels", axis)
            logits = as_float_array(logits, "logits")
            check_same_shape(labels, logits, ("labels", "logits"))
            return softmax(logits) - labels
        """,
        "use the axis argument",
    ),
    (
        "ece_bins_closed_on_the_left",
        "expected_calibration_error",
        """
        def expected_calibration_error(labels, q, n_bins=15):
            q = check_distribution(q, "q")
            if q.ndim != 2:
                raise ValueError("q must be 2-D")
            labels = check_class_labels(labels, q.shape[1])
            if labels.shape != q.shape[:1]:
                raise ValueError("one label per row")
            if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
                raise ValueError("n_bins must be a positive integer")
            confidence, correct = q.max(axis=1), q.argmax(axis=1) == labels
            bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
            gaps = np.bincount(bins, weights=correct - confidence, minlength=n_bins)
            return float(np.abs(gaps).sum() / q.shape[0])
        """,
        "bin m is (m/B, (m+1)/B]",
    ),
    (
        "ece_overall_gap",
        "expected_calibration_error",
        """
        def expected_calibration_error(labels, q, n_bins=15):
            q = check_distribution(q, "q")
            if q.ndim != 2:
                raise ValueError("q must be 2-D")
            labels = check_class_labels(labels, q.shape[1])
            if labels.shape != q.shape[:1]:
                raise ValueError("one label per row")
            if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
                raise ValueError("n_bins must be a positive integer")
            correct = q.argmax(axis=1) == labels
            return float(abs(correct.mean() - q.max(axis=1).mean()))
        """,
        "sum over bins",
    ),
)
