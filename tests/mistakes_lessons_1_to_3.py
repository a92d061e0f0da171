"""The mistakes corpus (tests/mistakes.py), lessons 1 to 3: each entry is a mistake's
name, the graded function it gets wrong, the whole wrong function, and the words its
verdict must contain."""

ENTRIES = (
    # Lesson 1: logits
    (
        "logit_log_of_ratio",
        "logit",
        """
        def logit(p):
            p = check_probabilities(p)
            with np.errstate(divide="ignore"):
                return np.log(p / (1 - p))
        """,
        "loses digits",
        "log1p",
    ),
    (
        "logit_warns_at_0_and_1",
        "logit",
        """
        def logit(p):
            p = check_probabilities(p)
            near_half = np.log1p(2 * (p - 0.5) / (1 - p))
            return np.where((p >= 0.3) & (p <= 0.65), near_half, np.log(p / (1 - p)))
        """,
        "warned RuntimeWarning",
        "must not warn",
    ),
    (
        "logit_upcasts_float32",
        "logit",
        """
        def logit(p):
            p = check_probabilities(p).astype(float)
            with np.errstate(divide="ignore"):
                near_half = np.log1p(2 * (p - 0.5) / (1 - p))
                return np.where((p >= 0.3) & (p <= 0.65), near_half, np.log(p / (1 - p)))
        """,
        "returned float64, expected float32",
    ),
    (
        "logit_lets_nan_through",
        "logit",
        """
        def logit(p):
            p = as_float_array(p, "p")
            if (p < 0).any() or (p > 1).any():
                raise ValueError("p must hold probabilities")
            with np.errstate(divide="ignore"):
                near_half = np.log1p(2 * (p - 0.5) / (1 - p))
                return np.where((p >= 0.3) & (p <= 0.65), near_half, np.log(p / (1 - p)))
        """,
        "should raise ValueError",
        "nan is not a probability",
    ),
    (
        "linear_logits_plain_asarray",
        "linear_logits",
        """
        def linear_logits(X, W, b):
            return np.asarray(X) @ np.asarray(W) + np.asarray(b)
        """,
        "returned integers",
        "as_float_array",
    ),
    (
        "linear_logits_bias_broadcasts",
        "linear_logits",
        """
        def linear_logits(X, W, b):
            X, W, b = as_float_array(X, "X"), as_float_array(W, "W"), as_float_array(b, "b")
            if W.ndim != 2 or X.shape[-1] != W.shape[0]:
                raise ValueError(f"X {X.shape} does not fit W {W.shape}")
            return X @ W + b
        """,
        "should raise ValueError",
        "b must be (C,)",
    ),
    (
        "one_hot_returns_integers",
        "one_hot",
        """
        def one_hot(labels, num_classes):
            labels = check_class_labels(labels, num_classes)
            return np.eye(num_classes, dtype=int)[labels]
        """,
        "returned integers",
        "return floats",
    ),
    (
        "one_hot_wraps_minus_one",
        "one_hot",
        """
        def one_hot(labels, num_classes):
            labels = np.asarray(labels)
            if labels.dtype.kind not in "iu" or (labels >= num_classes).any():
                raise ValueError("bad label")
            return np.eye(num_classes)[labels]
        """,
        "label -1 must not wrap round",
    ),
    (
        "hardmax_ignores_axis",
        "hardmax",
        """
        def hardmax(z, axis=-1):
            z = as_float_array(z, "z")
            out = np.zeros_like(z)
            np.put_along_axis(out, np.argmax(z, axis=-1, keepdims=True), 1, axis=-1)
            return out
        """,
        "with axis=0 each column has its own 1",
    ),
    (
        "hardmax_every_maximum",
        "hardmax",
        """
        def hardmax(z, axis=-1):
            z = as_float_array(z, "z")
            return (z == z.max(axis=axis, keepdims=True)).astype(z.dtype)
        """,
        "the first maximum wins",
    ),
    (
        "hardmax_upcasts_float32",
        "hardmax",
        """
        def hardmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            out = np.zeros_like(z)
            np.put_along_axis(out, np.argmax(z, axis=axis, keepdims=True), 1, axis=axis)
            return out
        """,
        "returned float64, expected float32",
        "keep float32 as float32",
    ),
    # Lesson 2: sigmoid versus softmax
    (
        "sigmoid_naive_overflows",
        "sigmoid",
        """
        def sigmoid(z):
            z = as_float_array(z, "z")
            return 1 / (1 + np.exp(-z))
        """,
        "warned RuntimeWarning: overflow",
        "exp(-|z|)",
    ),
    (
        "sigmoid_float64_constant",
        "sigmoid",
        """
        def sigmoid(z):
            z = as_float_array(z, "z")
            e = np.exp(-np.abs(z))
            one = np.float64(1.0)
            return np.where(z >= 0, one / (one + e), e / (one + e))
        """,
        "returned float64, expected float32",
    ),
    (
        "softmax_no_shift",
        "softmax",
        """
        def softmax(z, axis=-1):
            e = np.exp(as_float_array(z, "z"))
            return e / e.sum(axis=axis, keepdims=True)
        """,
        "returned nan",
        "subtract the max of each row",
    ),
    (
        "softmax_global_max",
        "softmax",
        """
        def softmax(z, axis=-1):
            z = as_float_array(z, "z")
            e = np.exp(z - np.max(z))
            return e / e.sum(axis=axis, keepdims=True)
        """,
        "returned nan ([[1, 0],\n [nan, nan]] (float32))",
        "each row needs its own maximum",
    ),
    (
        "softmax_sum_without_axis",
        "softmax",
        """
        def softmax(z, axis=-1):
            z = as_float_array(z, "z")
            e = np.exp(z - np.max(z, axis=axis, keepdims=True))
            return e / e.sum()
        """,
        "normalise each row separately",
    ),
    (
        "softmax_ignores_axis",
        "softmax",
        """
        def softmax(z, axis=-1):
            z = as_float_array(z, "z")
            e = np.exp(z - np.max(z, axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)
        """,
        "with axis=0 each column sums to one",
    ),
    (
        "softmax_shifts_in_place",
        "softmax",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z)
            z -= np.max(z, axis=axis, keepdims=True)
            return np.exp(z) / np.exp(z).sum(axis=axis, keepdims=True)
        """,
        "changed its input in place",
    ),
    (
        "logsumexp_naive",
        "logsumexp",
        """
        def logsumexp(z, axis=-1, keepdims=False):
            z = as_float_array(z, "z")
            return np.log(np.sum(np.exp(z), axis=axis, keepdims=keepdims))
        """,
        "factor out the max",
    ),
    (
        "logsumexp_global_max",
        "logsumexp",
        """
        def logsumexp(z, axis=-1, keepdims=False):
            z = as_float_array(z, "z")
            m = np.max(z)
            m = m if np.isfinite(m) else 0
            with np.errstate(divide="ignore"):
                return m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=keepdims))
        """,
        "each row needs its own maximum",
    ),
    (
        "logsumexp_ignores_keepdims",
        "logsumexp",
        """
        def logsumexp(z, axis=-1, keepdims=False):
            z = as_float_array(z, "z")
            m = np.max(z, axis=axis, keepdims=True)
            m = np.where(np.isfinite(m), m, 0)
            with np.errstate(divide="ignore"):
                out = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
            return np.squeeze(out, axis=axis)
        """,
        "keepdims=True keeps the reduced axis",
    ),
    (
        "log_softmax_log_of_softmax",
        "log_softmax",
        """
        def log_softmax(z, axis=-1):
            with np.errstate(divide="ignore"):
                return np.log(softmax(z, axis=axis))
        """,
        "log(softmax(z)) underflows to -inf",
    ),
    (
        "log_softmax_global_max",
        "log_softmax",
        """
        def log_softmax(z, axis=-1):
            z = as_float_array(z, "z")
            shifted = z - np.max(z)
            with np.errstate(divide="ignore"):
                return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
        """,
        "each row needs its own maximum",
    ),
    (
        "log_sigmoid_log_of_sigmoid",
        "log_sigmoid",
        """
        def log_sigmoid(z):
            with np.errstate(divide="ignore"):
                return np.log(sigmoid(z))
        """,
        "log(sigmoid(-1000)) is log(0)",
    ),
    (
        "log_sigmoid_log_not_log1p",
        "log_sigmoid",
        """
        def log_sigmoid(z):
            z = as_float_array(z, "z")
            return np.minimum(z, 0) - np.log(1 + np.exp(-np.abs(z)))
        """,
        "use log1p(exp(-|z|))",
    ),
    # Lesson 3: entropy
    (
        "self_information_divides_by_np_log",
        "self_information",
        """
        def self_information(p, base=None):
            p = check_probabilities(p)
            if base is not None and not (base > 0 and base != 1):
                raise ValueError(f"bad base {base}")
            with np.errstate(divide="ignore"):
                nats = -np.log(p)
            return nats if base is None else nats / np.log(base)
        """,
        "returned float64, expected float32",
        "math.log(base)",
    ),
    (
        "self_information_warns_at_zero",
        "self_information",
        """
        def self_information(p, base=None):
            return in_base(-np.log(check_probabilities(p)), base)
        """,
        "warned RuntimeWarning: divide by zero",
        "must not warn",
    ),
    (
        "self_information_no_check",
        "self_information",
        """
        def self_information(p, base=None):
            p = np.asarray(p)
            p = p.astype(float) if p.dtype.kind in "biu" else p
            with np.errstate(divide="ignore", invalid="ignore"):
                return in_base(-np.log(p), base)
        """,
        "should raise ValueError: 1.2 is not a probability",
    ),
    (
        "entropy_p_log_p",
        "entropy",
        """
        def entropy(p, axis=-1, base=None):
            p = check_distribution(p, axis=axis)
            with np.errstate(divide="ignore", invalid="ignore"):
                return in_base(-np.sum(p * np.log(p), axis=axis), base)
        """,
        "returned nan",
        "0 log 0 counts as 0",
    ),
    (
        "entropy_sums_without_axis",
        "entropy",
        """
        def entropy(p, axis=-1, base=None):
            p = check_distribution(p, axis=axis)
            return in_base(entr(p).sum(), base)
        """,
        "returned shape (), expected (2,)",
    ),
    (
        "entropy_checks_the_wrong_axis",
        "entropy",
        """
        def entropy(p, axis=-1, base=None):
            p = check_distribution(p)
            return in_base(entr(p).sum(axis=axis), base)
        """,
        "raised ValueError",
        "along axis -1",
    ),
    (
        "binary_entropy_log_of_one_minus_p",
        "binary_entropy",
        """
        def binary_entropy(p, base=None):
            p = check_probabilities(p)
            return in_base(entr(p) + entr(1 - p), base)
        """,
        "log(1 - p) rounds to 0",
        "log1p(-p)",
    ),
    (
        "binary_entropy_nan_at_the_ends",
        "binary_entropy",
        """
        def binary_entropy(p, base=None):
            p = check_probabilities(p)
            with np.errstate(divide="ignore", invalid="ignore"):
                return in_base(-p * np.log(p) - (1 - p) * np.log1p(-p), base)
        """,
        "returned nan",
        "0 log 0 counts as 0",
    ),
)
