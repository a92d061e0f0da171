r"""The helpers you build through the course, one module per lesson.

=====================  =========================================================
module                 lesson
=====================  =========================================================
``logits``             1. Logits: raw scores, log-odds, one-hot and hardmax
``sigmoid_softmax``    2. Sigmoid versus softmax, log-sum-exp and log-softmax
``information``        3. Entropy: surprise and Shannon entropy
``divergences``        4. KL divergence, Jensen-Shannon and mutual information
``losses``             5. Cross-entropy, from probabilities and from logits
=====================  =========================================================

Every function is also importable from the package itself:
``from helpers import softmax``. Three modules are given to you, ready to use:
``validation`` (input checks), ``judge`` (what "correct" means, with the public cases
in ``cases.json``) and ``checking`` (``examples``, ``check`` and ``compare``, used by
the lessons' cells, and ``python -m helpers``, which checks every function).
"""

# The lessons' tools for the check cells, the graded cells and the demos, not exercises.
from .checking import check, compare, examples  # noqa: F401
from .divergences import js_divergence, kl_divergence, mutual_information
from .information import binary_entropy, entropy, self_information
from .logits import hardmax, linear_logits, logit, one_hot
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    categorical_crossentropy,
    cross_entropy,
    cross_entropy_loss,
    expected_calibration_error,
    log_loss,
    numerical_gradient,
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_grad,
    softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits,
)
from .sigmoid_softmax import log_sigmoid, log_softmax, logsumexp, sigmoid, softmax

__all__ = [
    # Lesson 1: logits
    "logit",
    "linear_logits",
    "one_hot",
    "hardmax",
    # Lesson 2: sigmoid versus softmax
    "sigmoid",
    "softmax",
    "logsumexp",
    "log_softmax",
    "log_sigmoid",
    # Lesson 3: entropy
    "self_information",
    "entropy",
    "binary_entropy",
    # Lesson 4: KL divergence
    "kl_divergence",
    "js_divergence",
    "mutual_information",
    # Lesson 5: cross-entropy
    "cross_entropy",
    "binary_cross_entropy",
    "log_loss",
    "softmax_cross_entropy_with_logits",
    "sparse_softmax_cross_entropy_with_logits",
    "sigmoid_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits",
    "categorical_crossentropy",
    "cross_entropy_loss",
    "numerical_gradient",
    "softmax_cross_entropy_grad",
    "expected_calibration_error",
]
