"""PyTorch's reference functions for CrossEntropyLoss and BCEWithLogitsLoss, on PyTorch's cases.

Source: github.com/pytorch/pytorch,
- torch/testing/_internal/common_nn.py: ``cross_entropy_loss_reference`` (through
  ``cross_entropy_loss_prob_target_reference``, ``cross_entropy_loss_indices_target_reference``
  and ``nlllossNd_reference``), registered as ``loss_reference_fns['CrossEntropyLoss']``;
  and the BCEWithLogitsLoss references of ``bce_with_logistic_no_reduce_test``,
  ``bce_with_logistic_legacy_enum_test`` and ``bce_with_logistic_no_reduce_scalar_test``;
- torch/testing/_internal/common_modules.py: ``module_inputs_torch_nn_CrossEntropyLoss`` and
  ``module_inputs_torch_nn_BCEWithLogitsLoss``, the cases (shapes, options, input ranges)
  PyTorch checks its modules on, with ``bce_withlogitsloss_reference_fn``.

PyTorch's cases are random tensors, checked against those reference functions, so the
upstream "expected values" are the reference functions themselves: they are rewritten in
NumPy below, one sample at a time as upstream writes them, and run in float64 on the same
inputs as the course's vectorised functions. ``make_tensor`` draws floats uniformly from
[-9, 9) unless told otherwise; a fixed seed replaces PyTorch's. The course's arguments are
PyTorch's: ``cross_entropy_loss(logits, target, weight, ignore_index, reduction,
label_smoothing)`` and ``binary_cross_entropy_with_logits(logits, target, weight,
pos_weight, reduction)``.

Tolerance: torch.testing's default for each dtype, the one PyTorch's module tests use
(rtol 1.3e-6 and atol 1e-5 for float32, rtol 1e-7 and atol 1e-7 for float64).
"""

import numpy as np
import pytest
from scipy.special import log_softmax as scipy_log_softmax

from solutions.helpers import binary_cross_entropy_with_logits, cross_entropy_loss

TORCH_TOLERANCE = {
    np.float32: {"rtol": 1.3e-6, "atol": 1e-5},
    np.float64: {"rtol": 1e-7, "atol": 1e-7},
}
DTYPES = pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
REDUCTIONS = ["mean", "sum", "none"]
C = 3  # module_inputs_torch_nn_CrossEntropyLoss: three classes everywhere
# (index-target input shape, target shape) of module_inputs_torch_nn_CrossEntropyLoss
INDEX_SHAPES = {
    "4d": ((2, 3, 5, 5), (2, 5, 5)),
    "3d": ((2, 3, 5), (2, 5)),
    "2d": ((2, 3), (2,)),
    "higher_dim": ((2, 3, 5, 5, 2, 2), (2, 5, 5, 2, 2)),
}
# input shapes of its probability-target cases (the target is a softmax over axis 1)
PROB_SHAPES = {"4d": (5, 3, 4, 2), "3d": (5, 3, 4), "2d": (5, 3), "higher_dim": (2, 3, 5, 5, 2, 2)}
# its option sets; 'weights' is make_weight((3,)), drawn per test
OPTIONS = {
    "": {},
    "weights": {"weight": True},
    "ignore_index": {"ignore_index": 1},
    "label_smoothing": {"label_smoothing": 0.15},
    "ignore_index_label_smoothing": {"ignore_index": 1, "label_smoothing": 0.15},
}


def make_tensor(rng, shape, dtype, low=-9.0, high=9.0):
    """torch.testing.make_tensor for floats: uniform on [low, high)."""
    return rng.uniform(low, high, shape).astype(dtype)


def reduce(losses, reduction, denominator):
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.sum() / denominator


def reference_prob_target(logits, target, weight, reduction, label_smoothing):
    """cross_entropy_loss_prob_target_reference: -sum_c w_c y_c log q_c, mean over samples."""
    log_q = scipy_log_softmax(logits.astype(np.float64), axis=1)
    w = np.ones(C) if weight is None else weight.astype(np.float64)
    w = w.reshape((1, C) + (1,) * (logits.ndim - 2))
    y = target * (1 - label_smoothing) + label_smoothing / C
    losses = -(log_q * y * w).sum(axis=1)
    return reduce(losses, reduction, losses.size)


def reference_index_target(logits, target, weight, ignore_index, reduction, label_smoothing):
    """cross_entropy_loss_indices_target_reference: nlllossNd_reference, one position at a time,
    then (with smoothing) (1 - a) * nll + a / C * the smoothing term, reduced alike."""
    log_q = scipy_log_softmax(logits.astype(np.float64), axis=1)
    w = np.ones(C) if weight is None else weight.astype(np.float64)
    nll, smooth, total_weight, kept = np.zeros(target.shape), np.zeros(target.shape), 0.0, 0
    for position in np.ndindex(target.shape):
        t = target[position]
        if t == ignore_index:
            continue
        row = log_q[(position[0], slice(None), *position[1:])]
        nll[position] = -row[t] * w[t]
        smooth[position] = -(row * w).sum()
        total_weight += w[t]
        kept += 1
    nll_loss = reduce(nll, reduction, total_weight)
    if label_smoothing == 0.0:
        return nll_loss
    # Upstream divides the smoothing sum by the targets' total weight when there are
    # weights, else by the number of targets kept.
    smooth_loss = reduce(smooth, reduction, total_weight if weight is not None else kept)
    return (1 - label_smoothing) * nll_loss + smooth_loss * (label_smoothing / C)


def options(rng, dtype, desc):
    kwargs = dict(OPTIONS[desc])
    if kwargs.pop("weight", False):
        kwargs["weight"] = make_tensor(rng, (C,), dtype)
    return kwargs


def assert_torch_close(got, expected, dtype):
    np.testing.assert_allclose(got, expected, **TORCH_TOLERANCE[dtype])


@DTYPES
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("desc", OPTIONS)
@pytest.mark.parametrize("shape", INDEX_SHAPES)
def test_cross_entropy_index_target(dtype, reduction, desc, shape):
    # common_modules.py::module_inputs_torch_nn_CrossEntropyLoss, "{shape}_{desc}_{reduction}",
    # against common_nn.py::cross_entropy_loss_reference (index targets)
    rng = np.random.default_rng(list(INDEX_SHAPES).index(shape))
    input_shape, target_shape = INDEX_SHAPES[shape]
    logits = make_tensor(rng, input_shape, dtype)
    target = rng.integers(0, C, target_shape)
    kwargs = options(rng, dtype, desc)
    expected = reference_index_target(
        logits,
        target,
        kwargs.get("weight"),
        kwargs.get("ignore_index", -100),
        reduction,
        kwargs.get("label_smoothing", 0.0),
    )
    got = cross_entropy_loss(logits, target, reduction=reduction, **kwargs)
    assert_torch_close(got, expected, dtype)


@DTYPES
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("desc", ["", "weights", "label_smoothing"])
@pytest.mark.parametrize("shape", PROB_SHAPES)
def test_cross_entropy_prob_target(dtype, reduction, desc, shape):
    # common_modules.py::module_inputs_torch_nn_CrossEntropyLoss,
    # "{shape}_prob_target_{desc}_{reduction}" (only the option sets without ignore_index),
    # against common_nn.py::cross_entropy_loss_reference (probability targets)
    rng = np.random.default_rng(10 + list(PROB_SHAPES).index(shape))
    logits = make_tensor(rng, PROB_SHAPES[shape], dtype)
    target = scipy_log_softmax(make_tensor(rng, PROB_SHAPES[shape], dtype), axis=1)
    target = np.exp(target).astype(dtype)
    kwargs = options(rng, dtype, desc)
    expected = reference_prob_target(
        logits, target, kwargs.get("weight"), reduction, kwargs.get("label_smoothing", 0.0)
    )
    got = cross_entropy_loss(logits, target, reduction=reduction, **kwargs)
    assert_torch_close(got, expected, dtype)


@DTYPES
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("desc", ["", "weights", "label_smoothing"])
def test_cross_entropy_no_batch_dim(dtype, reduction, desc):
    # common_modules.py::module_inputs_torch_nn_CrossEntropyLoss, "no_batch_dim_{desc}_{reduction}":
    # input (3,) and a 0-d target give what the batch of one gives (no_batch_dim_reference_fn)
    rng = np.random.default_rng(20)
    logits, target = make_tensor(rng, (C,), dtype), rng.integers(0, C, ())
    kwargs = options(rng, dtype, desc)
    batched = cross_entropy_loss(
        logits[np.newaxis], target[np.newaxis], reduction=reduction, **kwargs
    )
    got = cross_entropy_loss(logits, target, reduction=reduction, **kwargs)
    expected = batched[0] if reduction == "none" else batched
    assert_torch_close(got, expected, dtype)
    assert np.shape(got) == ()


# --- BCEWithLogitsLoss -----------------------------------------------------------------


def reference_bce_with_logits(logits, target, weight=None, reduction="mean"):
    """bce_withlogitsloss_reference_fn: (1 - t) x + m + log(e^-m + e^(-x - m)), m = max(-x, 0)."""
    x, t = logits.astype(np.float64), target.astype(np.float64)
    m = np.maximum(-x, 0)
    result = (1 - t) * x + m + np.log(np.exp(-m) + np.exp(-x - m))
    if weight is not None:
        result = result * weight
    return reduce(result, reduction, x.size)


BCE_CASES = {
    "": {},
    "reduction_sum": {"reduction": "sum"},
    "reduction_mean": {"reduction": "mean"},
    "reduction_none": {"reduction": "none"},
    "weights": {"weight": (10,)},
    "scalar_weights": {"weight": ()},
}


@DTYPES
@pytest.mark.parametrize("desc", BCE_CASES)
def test_bce_with_logits_module_inputs(dtype, desc):
    # common_modules.py::module_inputs_torch_nn_BCEWithLogitsLoss, case "{desc}": input
    # (15, 10) in [0.01, 0.99), 0/1 targets, against its bce_withlogitsloss_reference_fn
    rng = np.random.default_rng(30)
    logits = make_tensor(rng, (15, 10), dtype, low=1e-2, high=1 - 1e-2)
    target = (make_tensor(rng, (15, 10), dtype) > 0).astype(dtype)
    kwargs = dict(BCE_CASES[desc])
    if "weight" in kwargs:
        kwargs["weight"] = make_tensor(rng, kwargs["weight"], dtype)
    expected = reference_bce_with_logits(logits, target, **kwargs)
    assert_torch_close(binary_cross_entropy_with_logits(logits, target, **kwargs), expected, dtype)


@pytest.mark.parametrize("shape", [(15, 10), ()], ids=["no_reduce", "no_reduce_scalar"])
def test_bce_with_logits_no_reduce(shape):
    # common_nn.py::bce_with_logistic_no_reduce_test, bce_with_logistic_legacy_enum_test (the
    # same, through the legacy reduce=False) and bce_with_logistic_no_reduce_scalar_test:
    # -(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))), x in [0.028, 0.972], in float64
    rng = np.random.default_rng(40)
    x = np.clip(rng.random(shape), 2.8e-2, 1 - 2.8e-2)
    t = (rng.standard_normal(shape) > 0).astype(np.float64)
    sigmoid = 1 / (1 + np.exp(-x))  # x is in [0, 1]: the naive sigmoid is accurate there
    expected = -(t * np.log(sigmoid) + (1 - t) * np.log(1 - sigmoid))
    got = binary_cross_entropy_with_logits(x, t, reduction="none")
    assert_torch_close(got, expected, np.float64)


def test_bce_with_logits_targets_outside_unit_interval():
    # common_nn.py: classification_criterion_no_batch's BCEWithLogitsLoss case draws its
    # targets from randn, so some are negative or above 1, which PyTorch accepts. The course
    # deliberately refuses a target outside [0, 1]: it is not a probability, and the loss
    # of such a target is unbounded below.
    with pytest.raises(ValueError, match="probabilities"):
        binary_cross_entropy_with_logits(np.zeros(9), np.linspace(-1.5, 1.5, 9))


# Not ported: pos_weight, which PyTorch's reference does not model ("TODO: add pos_weight to
# the definition here"), and the gradient and C++-parity checks of PyTorch's module tests.
