"""Hidden cases: fresh random inputs for every graded function, drawn from a seeded generator.

Learners never see these inputs, so an answer cannot be hard-coded. The seed of a
submission is derived (:func:`seed_for`) from the run's secret and from the submission
itself: the student, the lesson and the digest of the helpers that are graded. A
student who learns their hidden inputs (say, from an exception message that echoes
them) gains nothing: changed helpers get other inputs. An appeal re-grades the same
files with the same secret (``course grade --seed``) and reproduces every number.
Only the trusted grader runs this module: no notebook kernel and no sandboxed child
can import it, and neither ever sees a seed.

Each generator returns cases in float64 and float32, of ordinary size and at the
extremes where naive formulas overflow.
"""

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.checks.cases_common import case
from solutions.helpers.judge import Case, loss_of_class_0, squared_norm

Rng = np.random.Generator
DType = type[np.floating[Any]]  # the float types the cases come in
Size = int | tuple[int, ...]  # an array's shape, as numpy's generators take it
Cases = tuple[Case, ...]

DTYPES: tuple[DType, ...] = (np.float64, np.float32)


def seed_for(secret: int, student: str, lesson: int, helpers_sha256: str) -> int:
    """The hidden cases' seed for one submission of one lesson: 128 bits of a SHA-256."""
    text = f"{secret}\0{student}\0{lesson}\0{helpers_sha256}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:16], "big")


def shape(rng: Rng) -> tuple[int, int]:
    """A small batch shape (n, C)."""
    return int(rng.integers(2, 7)), int(rng.integers(2, 6))


def logits(rng: Rng, size: Size, dtype: DType, scale: float = 5.0) -> np.ndarray:
    return (rng.standard_normal(size) * scale).astype(dtype)


def distributions(rng: Rng, size: Size, dtype: DType, zeros: bool = False) -> np.ndarray:
    """Rows summing to one; with `zeros`, some entries exactly 0."""
    x = rng.gamma(0.7, size=size)
    if zeros:
        x[rng.random(size) < 0.3] = 0
        x[..., 0] += x.sum(axis=-1) == 0  # never an all-zero row
    return (x / x.sum(axis=-1, keepdims=True)).astype(dtype)


def probabilities(rng: Rng, size: Size, dtype: DType) -> np.ndarray:
    """Values in [0, 1], some exactly 0 or 1."""
    p = rng.random(size)
    p[rng.random(size) < 0.15] = 0.0
    p[rng.random(size) < 0.15] = 1.0
    return p.astype(dtype)


def labels(rng: Rng, n: int, num_classes: int) -> np.ndarray:
    return rng.integers(0, num_classes, n)


def per_dtype(make: Callable[[Rng, DType], Cases]) -> Callable[[Rng], Cases]:
    """A generator of cases from make(rng, dtype), called once for each dtype."""

    def generate(rng: Rng) -> Cases:
        return tuple(c for dtype in DTYPES for c in make(rng, dtype))

    return generate


def linear_logits_cases(rng: Rng, dtype: DType) -> Cases:
    (n, c), d = shape(rng), int(rng.integers(1, 5))
    return (case(logits(rng, (n, d), dtype), logits(rng, (d, c), dtype), logits(rng, c, dtype)),)


def logit_cases(rng: Rng, dtype: DType) -> Cases:
    return (
        case(probabilities(rng, shape(rng), dtype)),
        case(dtype(0.5) + logits(rng, 4, dtype, 1e-3)),
    )


def one_hot_cases(rng: Rng, dtype: DType) -> Cases:
    n, c = shape(rng)
    return (case(labels(rng, n, c), c),)


def elementwise_logit_cases(rng: Rng, dtype: DType) -> Cases:
    return (case(logits(rng, shape(rng), dtype)), case(logits(rng, shape(rng), dtype, 1000.0)))


def axis_logit_cases(rng: Rng, dtype: DType) -> Cases:
    return (
        case(logits(rng, shape(rng), dtype)),
        case(logits(rng, shape(rng), dtype, 1000.0)),
        case(logits(rng, shape(rng), dtype), axis=0),
    )


def logsumexp_cases(rng: Rng, dtype: DType) -> Cases:
    return (*axis_logit_cases(rng, dtype), case(logits(rng, shape(rng), dtype), keepdims=True))


def probability_cases(rng: Rng, dtype: DType) -> Cases:
    return (case(probabilities(rng, shape(rng), dtype)), case(probabilities(rng, 5, dtype), base=2))


def distribution_cases(rng: Rng, dtype: DType) -> Cases:
    size = shape(rng)
    return (
        case(distributions(rng, size, dtype, zeros=True)),
        case(distributions(rng, size, dtype), base=2),
        case(distributions(rng, size[::-1], dtype).T.copy(), axis=0),
    )


def two_distribution_cases(rng: Rng, dtype: DType) -> Cases:
    size = shape(rng)
    p, q = distributions(rng, size, dtype, zeros=True), distributions(rng, size, dtype)
    return (case(p, q), case(q, p, base=2), case(p, distributions(rng, size, dtype, zeros=True)))


def joint_table_cases(rng: Rng, dtype: DType) -> Cases:
    rows, columns = shape(rng)
    independent = np.outer(distributions(rng, rows, dtype), distributions(rng, columns, dtype))
    joint = distributions(rng, rows * columns, dtype, zeros=True).reshape(rows, columns)
    return (case(joint), case(independent.astype(dtype), base=2))


def binary_cross_entropy_cases(rng: Rng, dtype: DType) -> Cases:
    size = shape(rng)
    return (case(probabilities(rng, size, dtype), rng.uniform(0.01, 0.99, size).astype(dtype)),)


def log_loss_cases(rng: Rng, dtype: DType) -> Cases:
    n, c = shape(rng)
    q = np.clip(distributions(rng, (n, c), dtype), 0, 1)
    return (
        case(labels(rng, n, c), q, labels=np.arange(c)),
        case(np.eye(c, dtype=np.int64)[labels(rng, n, c)], q, normalize=False),
    )


def dense_label_cases(rng: Rng, dtype: DType) -> Cases:
    size = shape(rng)
    return (
        case(distributions(rng, size, dtype, zeros=True), logits(rng, size, dtype)),
        case(distributions(rng, size, dtype), logits(rng, size, dtype, 1000.0)),
    )


def sparse_label_cases(rng: Rng, dtype: DType) -> Cases:
    n, c = shape(rng)
    return (
        case(labels(rng, n, c), logits(rng, (n, c), dtype)),
        case(labels(rng, n, c), logits(rng, (n, c), dtype, 1000.0)),
    )


def sigmoid_label_cases(rng: Rng, dtype: DType) -> Cases:
    size = shape(rng)
    return (
        case(probabilities(rng, size, dtype), logits(rng, size, dtype)),
        case(probabilities(rng, size, dtype), logits(rng, size, dtype, 1000.0)),
    )


def keras_cases(rng: Rng, dtype: DType) -> Cases:
    size = shape(rng)
    y = distributions(rng, size, dtype, zeros=True)
    return (
        case(y, logits(rng, size, dtype), from_logits=True),
        case(y, distributions(rng, size, dtype, zeros=True) * dtype(2)),
        case(y, distributions(rng, size, dtype), label_smoothing=0.2),
        # classes along axis 0: smoothed by that axis's size, as Keras 3.16 (3.15: the last's)
        case(y.T, distributions(rng, size, dtype).T, axis=0, label_smoothing=0.2),
    )


def torch_cases(rng: Rng, dtype: DType) -> Cases:
    n, c = shape(rng)
    target = labels(rng, n, c)
    target[0] = -100
    weight = rng.uniform(0.5, 2.0, c).astype(dtype)
    return (
        case(logits(rng, (n, c), dtype), target),
        case(logits(rng, (n, c), dtype), target, weight=weight, reduction="sum"),
        case(logits(rng, (n, c), dtype, 1000.0), labels(rng, n, c), reduction="none"),
        case(logits(rng, (n, c), dtype), distributions(rng, (n, c), dtype), label_smoothing=0.1),
    )


def bce_logits_cases(rng: Rng, dtype: DType) -> Cases:
    size = shape(rng)
    pos_weight = rng.uniform(0.5, 3.0, size[-1]).astype(dtype)
    return (
        case(logits(rng, size, dtype), probabilities(rng, size, dtype)),
        case(logits(rng, size, dtype, 1000.0), probabilities(rng, size, dtype), reduction="none"),
        case(logits(rng, size, dtype), probabilities(rng, size, dtype), pos_weight=pos_weight),
    )


def calibration_cases(rng: Rng, dtype: DType) -> Cases:
    n, c = 40, int(rng.integers(2, 6))
    q = distributions(rng, (n, c), dtype)
    return (
        case(labels(rng, n, c), q),
        case(labels(rng, n, c), q, n_bins=int(rng.integers(1, 11))),
    )


def gradient_cases(rng: Rng) -> Cases:
    # float64 only: numerical_gradient always works in float64
    return (
        case(squared_norm, logits(rng, shape(rng), np.float64)),
        case(loss_of_class_0, logits(rng, 4, np.float64)),
    )


HIDDEN: dict[str, Callable[[Rng], Cases]] = {
    "linear_logits": per_dtype(linear_logits_cases),
    "logit": per_dtype(logit_cases),
    "one_hot": per_dtype(one_hot_cases),
    "hardmax": per_dtype(axis_logit_cases),
    "sigmoid": per_dtype(elementwise_logit_cases),
    "log_sigmoid": per_dtype(elementwise_logit_cases),
    "softmax": per_dtype(axis_logit_cases),
    "log_softmax": per_dtype(axis_logit_cases),
    "logsumexp": per_dtype(logsumexp_cases),
    "self_information": per_dtype(probability_cases),
    "entropy": per_dtype(distribution_cases),
    "binary_entropy": per_dtype(probability_cases),
    "kl_divergence": per_dtype(two_distribution_cases),
    "js_divergence": per_dtype(two_distribution_cases),
    "mutual_information": per_dtype(joint_table_cases),
    "cross_entropy": per_dtype(two_distribution_cases),
    "binary_cross_entropy": per_dtype(binary_cross_entropy_cases),
    "log_loss": per_dtype(log_loss_cases),
    "softmax_cross_entropy_with_logits": per_dtype(dense_label_cases),
    "sparse_softmax_cross_entropy_with_logits": per_dtype(sparse_label_cases),
    "sigmoid_cross_entropy_with_logits": per_dtype(sigmoid_label_cases),
    "categorical_crossentropy": per_dtype(keras_cases),
    "cross_entropy_loss": per_dtype(torch_cases),
    "binary_cross_entropy_with_logits": per_dtype(bce_logits_cases),
    "softmax_cross_entropy_grad": per_dtype(dense_label_cases),
    "numerical_gradient": gradient_cases,
    "expected_calibration_error": per_dtype(calibration_cases),
}
