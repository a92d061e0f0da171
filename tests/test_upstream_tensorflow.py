"""TensorFlow's own tests of its softmax cross-entropy ops, ported with their values.

Source: github.com/tensorflow/tensorflow,
- tensorflow/python/kernel_tests/nn_ops/xent_op_test_base.py (XentOpTestBase), for
  :func:`softmax_cross_entropy_with_logits` and its gradient :func:`softmax_cross_entropy_grad`;
- tensorflow/python/kernel_tests/nn_ops/sparse_xent_op_test_base.py (SparseXentOpTestBase),
  for :func:`sparse_softmax_cross_entropy_with_logits`.

Both ops take ``labels=`` then ``logits=``, as the course's functions do. Several upstream
tests compare the op with a NumPy reference, ``_npXent``: the softmax, then
``-sum(labels * log(probs + 1e-20))``, and ``probs - labels`` for the gradient. It is
rewritten below as :func:`np_xent`. TensorFlow compares with it by
``assertAllCloseAccordingToType``: rtol = atol = 1e-6 for float32 and float64.
"""

import numpy as np
import pytest

from solutions.helpers import (
    numerical_gradient,
    one_hot,
    softmax_cross_entropy_grad,
    softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits,
)

# assertAllCloseAccordingToType's bound for float32 and float64 alike
ACCORDING_TO_TYPE = {"rtol": 1e-6, "atol": 1e-6}
# testNpXent's logits, and its hand-computed values, rounded by TensorFlow to 3 or 4 decimals
# and checked at rtol = atol = 1e-3
NP_XENT_LOGITS = [[1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0]]
HAND_COMPUTED = {"rtol": 1e-3, "atol": 1e-3}
# testGradient's logits (3 x 4), in float64
GRADIENT_LOGITS = np.array(
    [0.1, 0.2, 0.3, 0.4, 0.1, 0.4, 0.9, 1.6, 0.1, 0.8, 2.7, 6.4], dtype=np.float64
).reshape(3, 4)


def np_xent(labels, logits, axis=-1):
    """TensorFlow's _npXent: the loss and its gradient, from a plain softmax."""
    e = np.exp(logits - np.max(logits, axis=axis, keepdims=True))
    probs = e / e.sum(axis=axis, keepdims=True)
    return -np.sum(labels * np.log(probs + 1.0e-20), axis=axis), probs - labels


def check_against_np_xent(labels, logits, axis=-1):
    loss, gradient = np_xent(labels, logits, axis)
    got = softmax_cross_entropy_with_logits(labels, logits, axis=axis)
    assert got.dtype == logits.dtype
    np.testing.assert_allclose(got, loss, **ACCORDING_TO_TYPE)
    got_gradient = softmax_cross_entropy_grad(labels, logits, axis=axis)
    np.testing.assert_allclose(got_gradient, gradient, **ACCORDING_TO_TYPE)


# --- XentOpTestBase --------------------------------------------------------------------


def test_xent_np_xent():
    # xent_op_test_base.py::XentOpTestBase::testNpXent (hard target 3; soft targets 1 and 2)
    labels = np.array([[0.0, 0.0, 0.0, 1.0], [0.0, 0.5, 0.5, 0.0]])
    logits = np.array(NP_XENT_LOGITS)
    np.testing.assert_allclose(
        softmax_cross_entropy_grad(labels, logits),
        [[0.25, 0.25, 0.25, -0.75], [0.0321, -0.4129, -0.2632, 0.6439]],
        **HAND_COMPUTED,
    )
    np.testing.assert_allclose(
        softmax_cross_entropy_with_logits(labels, logits), [1.3862, 1.9401], **HAND_COMPUTED
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_xent_float_and_double(dtype):
    # xent_op_test_base.py::XentOpTestBase::testFloat and testDouble (via _testXent2D)
    labels = np.array([[0.0, 0.0, 0.0, 1.0], [0.0, 0.5, 0.5, 0.0]]).astype(dtype)
    check_against_np_xent(labels, np.array(NP_XENT_LOGITS).astype(dtype))


def test_xent_single_class():
    # xent_op_test_base.py::XentOpTestBase::testSingleClass: with one class the loss is 0.
    # Its labels -1 and 0 are not distributions; TensorFlow takes them (gradients 2 and 1),
    # the course deliberately refuses them. The two rows of label 1 are ported.
    labels, logits = np.array([[1.0], [1.0]]), np.array([[0.0], [1.0]])
    np.testing.assert_array_equal(softmax_cross_entropy_with_logits(labels, logits), [0.0, 0.0])
    np.testing.assert_array_equal(softmax_cross_entropy_grad(labels, logits), [[0.0], [0.0]])
    for bad in ([[-1.0]], [[0.0]]):
        with pytest.raises(ValueError):
            softmax_cross_entropy_with_logits(np.array(bad), np.array([[1.0]]))


def test_xent_labels_broadcast():
    # xent_op_test_base.py::XentOpTestBase::testLabelsBroadcast: TensorFlow broadcasts one row
    # of labels against two rows of logits. The course deliberately demands equal shapes: a
    # batch of labels that does not match the batch of logits is far more often a bug.
    labels = np.array([[0.0, 0.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match="same shape"):
        softmax_cross_entropy_with_logits(labels, np.array(NP_XENT_LOGITS))


def test_xent_shape_mismatch():
    # xent_op_test_base.py::XentOpTestBase::testShapeMismatch
    with pytest.raises(ValueError, match="same shape"):
        softmax_cross_entropy_with_logits(
            [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], [[0.0, 1.0], [2.0, 3.0]]
        )


def test_xent_gradient():
    # xent_op_test_base.py::XentOpTestBase::testGradient: the analytic gradient of the summed
    # loss against finite differences, within TensorFlow's 5e-8. The course's central
    # differences at h = 1e-5 err by about h^2 |f'''| + eps |f| / h, some 1e-10 here.
    labels = np.array([0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.0, 0.5]).reshape(3, 4)
    analytic = softmax_cross_entropy_grad(labels, GRADIENT_LOGITS)
    numeric = numerical_gradient(
        lambda z: softmax_cross_entropy_with_logits(labels, z).sum(), GRADIENT_LOGITS
    )
    assert np.abs(analytic - numeric).max() < 5e-8


def test_xent_3d():
    # xent_op_test_base.py::XentOpTestBase::test3D, with dim=-1. Its labels are distributions
    # along the last axis only; TensorFlow also runs them with dim=0 and dim=1, where they
    # sum to 0, 1.5 or 2, which the course deliberately refuses.
    labels = np.array(
        [
            [[0.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 0.0]],
            [[0.0, 0.5, 0.5, 0.0], [0.5, 0.5, 0.0, 0.0]],
            [[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]],
        ]
    ).astype(np.float32)
    logits = np.array(
        [
            [[1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0]],
            [[2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0]],
            [[5.0, 4.0, 3.0, 2.0], [1.0, 2.0, 3.0, 4.0]],
        ]
    ).astype(np.float32)
    check_against_np_xent(labels, logits, axis=-1)
    for axis in (0, 1):
        with pytest.raises(ValueError, match="sum to 1"):
            softmax_cross_entropy_with_logits(labels, logits, axis=axis)


def test_xent_zero_dimension():
    # xent_op_test_base.py::XentOpTestBase::testZeroDimension: an empty batch, an empty loss
    labels = logits = np.zeros([0, 2, 4]).astype(np.float32)
    got = softmax_cross_entropy_with_logits(labels, logits)
    np.testing.assert_array_equal(got, np_xent(labels, logits)[0])
    assert got.shape == (0, 2)


# Not ported from XentOpTestBase: testHalf and testBfloat16 (not course dtypes),
# testGradientLabelWithV2 (the gradient with respect to the labels) and testSecondGradient
# (second derivatives): the course differentiates with respect to the logits only, once.


# --- SparseXentOpTestBase --------------------------------------------------------------


def check_sparse_against_np_xent(labels, logits):
    loss, gradient = np_xent(one_hot(labels, logits.shape[-1]), logits)
    got = sparse_softmax_cross_entropy_with_logits(labels, logits)
    assert got.dtype == logits.dtype
    np.testing.assert_allclose(got, loss, **ACCORDING_TO_TYPE)
    # The sparse op's gradient is the dense one's with one-hot labels.
    dense = one_hot(labels, logits.shape[-1]).astype(logits.dtype)
    np.testing.assert_allclose(
        softmax_cross_entropy_grad(dense, logits), gradient, **ACCORDING_TO_TYPE
    )


@pytest.mark.parametrize("label_dtype", [np.int32, np.int64])
def test_sparse_single_class(label_dtype):
    # sparse_xent_op_test_base.py::SparseXentOpTestBase::testSingleClass
    labels = np.array([0, 0, 0]).astype(label_dtype)
    logits = np.array([[1.0], [-1.0], [0.0]]).astype(np.float32)
    np.testing.assert_array_equal(
        sparse_softmax_cross_entropy_with_logits(labels, logits), [0, 0, 0]
    )
    dense = one_hot(labels, 1).astype(np.float32)
    np.testing.assert_array_equal(softmax_cross_entropy_grad(dense, logits), [[0.0], [0.0], [0.0]])


def test_sparse_invalid_label():
    # sparse_xent_op_test_base.py::SparseXentOpTestBase::testInvalidLabelCPU: labels 4 and -1
    # for 4 classes. (On a GPU TensorFlow returns nan instead: testInvalidLabelGPU.)
    labels = [4, 3, 0, -1]
    logits = [
        [1.0, 1.0, 1.0, 1.0],
        [1.0, 1.0, 1.0, 1.0],
        [1.0, 2.0, 3.0, 4.0],
        [1.0, 2.0, 3.0, 4.0],
    ]
    with pytest.raises(ValueError, match="found 4"):
        sparse_softmax_cross_entropy_with_logits(labels, logits)


def test_sparse_np_xent():
    # sparse_xent_op_test_base.py::SparseXentOpTestBase::testNpXent (targets 3 and 0)
    labels, logits = np.array([3, 0]), np.array(NP_XENT_LOGITS)
    dense = one_hot(labels, 4).astype(np.float64)
    np.testing.assert_allclose(
        softmax_cross_entropy_grad(dense, logits),
        [[0.25, 0.25, 0.25, -0.75], [-0.968, 0.087, 0.237, 0.6439]],
        **HAND_COMPUTED,
    )
    np.testing.assert_allclose(
        sparse_softmax_cross_entropy_with_logits(labels, logits), [1.3862, 3.4420], **HAND_COMPUTED
    )


@pytest.mark.parametrize(
    ("labels", "logits"),
    [
        # testShapeMismatch: labels of rank 2 for logits of rank 2
        ([[0, 2]], [[0.0, 1.0], [2.0, 3.0], [2.0, 3.0]]),
        # testScalar: 0-d logits have no class axis
        (0, 1.0),
        # testLabelsPlaceholderScalar: one 0-d label for a batch of one row
        (0, [[7.0]]),
        # testScalarHandling: labels squeezed from (1, 1) to () for logits of shape (1, 3)
        (np.zeros((1, 1), dtype=np.int32).squeeze(), np.zeros((1, 3))),
    ],
    ids=["testShapeMismatch", "testScalar", "testLabelsPlaceholderScalar", "testScalarHandling"],
)
def test_sparse_shape_errors(labels, logits):
    # sparse_xent_op_test_base.py::SparseXentOpTestBase: the four tests named in the ids
    with pytest.raises(ValueError):
        sparse_softmax_cross_entropy_with_logits(labels, logits)


def test_sparse_vector():
    # sparse_xent_op_test_base.py::SparseXentOpTestBase::testVector: one example, one class
    got = sparse_softmax_cross_entropy_with_logits(0, [1.0])
    assert got.shape == () and got == 0.0


@pytest.mark.parametrize(("dtype", "labels"), [(np.float32, [3, 0]), (np.float64, [0, 3])])
@pytest.mark.parametrize("label_dtype", [np.int32, np.int64])
def test_sparse_float_and_double(dtype, labels, label_dtype):
    # sparse_xent_op_test_base.py::SparseXentOpTestBase::testFloat and testDouble (_testXent)
    logits = np.array(NP_XENT_LOGITS).astype(dtype)
    check_sparse_against_np_xent(np.array(labels).astype(label_dtype), logits)


def test_sparse_empty():
    # sparse_xent_op_test_base.py::SparseXentOpTestBase::testEmpty
    got = sparse_softmax_cross_entropy_with_logits(np.zeros((0,), dtype=np.int32), np.zeros((0, 3)))
    assert got.shape == (0,)


def test_sparse_gradient():
    # sparse_xent_op_test_base.py::SparseXentOpTestBase::testGradient, within 5e-8 as there
    labels = np.array([3, 0, 1])
    dense = one_hot(labels, 4).astype(np.float64)
    numeric = numerical_gradient(
        lambda z: sparse_softmax_cross_entropy_with_logits(labels, z).sum(), GRADIENT_LOGITS
    )
    assert np.abs(softmax_cross_entropy_grad(dense, GRADIENT_LOGITS) - numeric).max() < 5e-8


@pytest.mark.parametrize(
    ("labels", "logits"),
    [
        ([[3], [0]], [[[1.0, 1.0, 1.0, 1.0]], [[1.0, 2.0, 3.0, 4.0]]]),
        (
            [[3, 2], [0, 3]],
            [
                [[1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0]],
                [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]],
            ],
        ),
    ],
    ids=["testHighDim", "testHighDim2"],
)
def test_sparse_high_dim(labels, logits):
    # sparse_xent_op_test_base.py::SparseXentOpTestBase::testHighDim and testHighDim2
    # (_testHighDim): a batch of shape (2, 1) or (2, 2), logits in float32 as TensorFlow's
    check_sparse_against_np_xent(np.array(labels), np.array(logits, dtype=np.float32))


# Not ported from SparseXentOpTestBase: testHalf and testBfloat16 (not course dtypes),
# testSecondGradient (second derivatives) and testInvalidLabelGPU (a GPU's nan).
