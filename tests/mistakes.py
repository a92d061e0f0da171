r"""A corpus of realistic student mistakes, one wrong function each, with the words its
verdict must contain.

Each :class:`Mistake` is data: the graded function it gets wrong, the wrong
implementation as the source text of a whole function (written against the same imports
as the reference module of its lesson), and the words the judge's message must contain:
what a learner reads must name the mistake. Two ways to run one:

- :func:`learner_module`, in this process: the reference package with that one function
  replaced (tests/test_mistakes.py);
- :func:`module_source`, the full text of the lesson's ``helpers`` module with the
  function replaced, to write a submission folder for the course grader.
"""

import ast
import inspect
import textwrap
import types
from dataclasses import dataclass

import solutions.helpers as reference
from autograder.lessons import LESSONS


@dataclass(frozen=True)
class Mistake:
    name: str  # an identifier, unique in the corpus
    function: str  # the graded function it gets wrong
    source: str  # the whole wrong function, `def function(...)` included
    words: tuple  # what the verdict's message must contain


def mistake(name, function, source, *words):
    return Mistake(name, function, textwrap.dedent(source).strip() + "\n", words)


def lesson_of(function):
    """The lesson that grades `function`."""
    return next(lesson for lesson in LESSONS if function in lesson.functions)


def reference_module(function):
    """The reference module (solutions.helpers.<module>) that defines `function`."""
    return getattr(reference, lesson_of(function).module)


def module_source(*mistakes):
    """The text of the lesson's helpers module with each mistake's function replaced by it.

    The mistakes must be of one lesson and of different functions. Everything else
    (imports, the other functions, docstrings) stays the reference's, so a submission
    folder written from it differs from the reference in those functions only.
    """
    source = inspect.getsource(reference_module(mistakes[0].function))
    for wrong in mistakes:
        found = next(
            node
            for node in ast.parse(source).body
            if isinstance(node, ast.FunctionDef) and node.name == wrong.function
        )
        start = min([found.lineno, *(d.lineno for d in found.decorator_list)])
        lines = source.splitlines(keepends=True)
        source = "".join([*lines[: start - 1], wrong.source, *lines[found.end_lineno :]])
    return source


def learner_module(mistake):
    """A module like the reference package, with `mistake.function` replaced by the mistake.

    The mistake is compiled with its lesson module's globals, so it calls the same
    imported names (np, check_probabilities, log_softmax, ...) a learner's file would.
    """
    namespace = dict(vars(reference_module(mistake.function)))
    exec(compile(mistake.source, f"<mistake {mistake.name}>", "exec"), namespace)
    module = types.ModuleType(f"mistake_{mistake.name}")
    module.__dict__.update(vars(reference))
    setattr(module, mistake.function, namespace[mistake.function])
    return module


MISTAKES = (
    # Lesson 1: logits
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
        "linear_logits_plain_asarray",
        "linear_logits",
        """
        def linear_logits(X, W, b):
            return np.asarray(X) @ np.asarray(W) + np.asarray(b)
        """,
        "returned integers",
        "as_float_array",
    ),
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
        "hardmax_every_maximum",
        "hardmax",
        """
        def hardmax(z, axis=-1):
            z = as_float_array(z, "z")
            return (z == z.max(axis=axis, keepdims=True)).astype(z.dtype)
        """,
        "the first maximum wins",
    ),
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
        "logsumexp_naive",
        "logsumexp",
        """
        def logsumexp(z, axis=-1, keepdims=False):
            z = as_float_array(z, "z")
            return np.log(np.sum(np.exp(z), axis=axis, keepdims=keepdims))
        """,
        "factor out the max",
    ),
    mistake(
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
    mistake(
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
    mistake(
        "log_softmax_log_of_softmax",
        "log_softmax",
        """
        def log_softmax(z, axis=-1):
            with np.errstate(divide="ignore"):
                return np.log(softmax(z, axis=axis))
        """,
        "log(softmax(z)) underflows to -inf",
    ),
    mistake(
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
    mistake(
        "log_sigmoid_log_of_sigmoid",
        "log_sigmoid",
        """
        def log_sigmoid(z):
            with np.errstate(divide="ignore"):
                return np.log(sigmoid(z))
        """,
        "log(sigmoid(-1000)) is log(0)",
    ),
    mistake(
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
    mistake(
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
    mistake(
        "self_information_warns_at_zero",
        "self_information",
        """
        def self_information(p, base=None):
            return in_base(-np.log(check_probabilities(p)), base)
        """,
        "warned RuntimeWarning: divide by zero",
        "must not warn",
    ),
    mistake(
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
    mistake(
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
    mistake(
        "entropy_sums_without_axis",
        "entropy",
        """
        def entropy(p, axis=-1, base=None):
            p = check_distribution(p, axis=axis)
            return in_base(entr(p).sum(), base)
        """,
        "returned shape (), expected (2,)",
    ),
    mistake(
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
    mistake(
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
    mistake(
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
    # Lesson 4: KL divergence
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
        "js_without_the_half",
        "js_divergence",
        """
        def js_divergence(p, q, axis=-1, base=None):
            m = (np.asarray(p) + np.asarray(q)) / 2
            return kl_divergence(p, m, axis, base) + kl_divergence(q, m, axis, base)
        """,
        "disjoint distributions: 1 bit",
    ),
    mistake(
        "js_one_sided",
        "js_divergence",
        """
        def js_divergence(p, q, axis=-1, base=None):
            m = (np.asarray(p) + np.asarray(q)) / 2
            return kl_divergence(p, m, axis, base)
        """,
        "JS",
    ),
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
    mistake(
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
