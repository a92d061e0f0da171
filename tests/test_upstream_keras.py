"""Keras' own tests of CategoricalCrossentropy and BinaryCrossentropy, ported with their values.

Source: github.com/keras-team/keras, keras/src/losses/losses_test.py (CategoricalCrossentropyTest,
BinaryCrossentropyTest), at commit 3422977a5e38 (August 2026).

Mapping. ``CategoricalCrossentropy(...)(y_true, y_pred)`` is the mean over the batch of
:func:`categorical_crossentropy` (Keras' default reduction, "sum_over_batch_size"); a
`sample_weight` multiplies each example's loss before that mean, "sum" replaces the mean by
a sum and ``reduction=None`` keeps the per-example losses. The course has no Keras binary
loss: ``BinaryCrossentropy(from_logits=True)`` is the mean over the last axis, then over
the batch, of :func:`sigmoid_cross_entropy_with_logits`, and Keras' binary
``label_smoothing`` is ``y * (1 - a) + a / 2`` applied to the labels first.
``BinaryCrossentropy()`` on probabilities clips them to [1e-7, 1 - 1e-7]; the course's
:func:`binary_cross_entropy` deliberately does not (see its docstring), so those tests
clip first, as Keras does, and say so.

Keras checks most values to 3 decimals (assertAlmostEqual's default), and they are good
to no more: it truncates some ("0.3239" for 0.32397) and derives others by hand ("0.7449"
for 0.3239 * 2.3, where the loss is 0.74513). Those are compared with Keras' own
criterion, |actual - expected| < 1.5e-3; values Keras checks more tightly keep its bound.
"""

import numpy as np
import pytest
from upstream import assert_printed

from solutions.helpers import (
    binary_cross_entropy,
    categorical_crossentropy,
    sigmoid_cross_entropy_with_logits,
)

ONE_HOT_3 = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
# y_pred of CategoricalCrossentropyTest: the second row sums to 1.99; Keras divides by it.
Y_PRED = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]], dtype="float32")
LOGITS = np.array([[8.0, 1.0, 1.0], [0.0, 9.0, 1.0], [2.0, 3.0, 5.0]])
# Keras' default epsilon, the clip of its probabilities
EPSILON = 1e-7


def assert_keras(actual, expected):
    """Keras' assertAlmostEqual at its default 3 decimals (see the module docstring)."""
    np.testing.assert_almost_equal(actual, expected, decimal=3)


def keras_binary(y_true, logits, label_smoothing=0.0):
    """BinaryCrossentropy(from_logits=True) per example: smoothed labels, mean over axis -1."""
    y = np.asarray(y_true, dtype=np.float64) * (1 - label_smoothing) + 0.5 * label_smoothing
    return sigmoid_cross_entropy_with_logits(y, logits).mean(axis=-1)


def keras_binary_probabilities(y_true, y_pred):
    """BinaryCrossentropy() per example, with the clip Keras applies and the course does not."""
    clipped = np.clip(y_pred, EPSILON, 1 - EPSILON)
    return binary_cross_entropy(np.asarray(y_true, dtype=clipped.dtype), clipped).mean(axis=-1)


# --- CategoricalCrossentropyTest -------------------------------------------------------


def test_cce_all_correct_unweighted():
    # losses_test.py::CategoricalCrossentropyTest::test_all_correct_unweighted
    y_pred = np.eye(3, dtype="float32")
    assert_keras(categorical_crossentropy(ONE_HOT_3, y_pred).mean(), 0.0)
    logits = np.array([[10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 10.0]])
    # The loss is log(1 + 2 e^-10) = 9.1e-5: 0.0 to Keras' 3 decimals.
    assert_keras(categorical_crossentropy(ONE_HOT_3, logits, from_logits=True).mean(), 0.0)


def test_cce_unweighted():
    # losses_test.py::CategoricalCrossentropyTest::test_unweighted
    assert_keras(categorical_crossentropy(ONE_HOT_3, Y_PRED).mean(), 0.3239)
    assert_keras(categorical_crossentropy(ONE_HOT_3, LOGITS, from_logits=True).mean(), 0.0573)


def test_cce_scalar_weighted():
    # losses_test.py::CategoricalCrossentropyTest::test_scalar_weighted (sample_weight=2.3)
    assert_keras((categorical_crossentropy(ONE_HOT_3, Y_PRED) * 2.3).mean(), 0.7449)
    logit_loss = categorical_crossentropy(ONE_HOT_3, LOGITS, from_logits=True)
    assert_keras((logit_loss * 2.3).mean(), 0.1317)


def test_cce_sample_weighted():
    # losses_test.py::CategoricalCrossentropyTest::test_sample_weighted
    sample_weight = np.array([1.2, 3.4, 5.6])
    assert_keras((categorical_crossentropy(ONE_HOT_3, Y_PRED) * sample_weight).mean(), 1.0696)
    logit_loss = categorical_crossentropy(ONE_HOT_3, LOGITS, from_logits=True)
    assert_keras((logit_loss * sample_weight).mean(), 0.31829)


def test_cce_no_reduction():
    # losses_test.py::CategoricalCrossentropyTest::test_no_reduction
    got = categorical_crossentropy(ONE_HOT_3, LOGITS, from_logits=True)
    assert_printed(got, "0.001822", "0.000459", "0.169846")


@pytest.mark.parametrize("as_array", [np.array, np.asarray])
def test_cce_label_smoothing(as_array):
    # losses_test.py::CategoricalCrossentropyTest::test_label_smoothing and
    # test_label_smoothing_ndarray: the loss is 400 * 0.1 / 3 exactly, up to e^-200 terms.
    logits, y_true = as_array([[100.0, -100.0, -100.0]]), as_array([[1, 0, 0]])
    got = categorical_crossentropy(y_true, logits, from_logits=True, label_smoothing=0.1)
    # Keras checks to 3 decimals; the course's float64 log_softmax is exact to a few ulps of
    # the logits' size (200), far inside that.
    np.testing.assert_allclose(
        got.mean(), 400.0 * 0.1 / 3.0, rtol=0, atol=200 * 8 * np.finfo(float).eps
    )


def test_cce_label_smoothing_with_axis():
    # losses_test.py::CategoricalCrossentropyTest::test_label_smoothing_with_axis: classes on
    # axis 1 of (batch, classes, spatial); smoothing by 3, the size of that axis, not by 2,
    # the size of the last one (the Keras fix of August 2026, #23437).
    y_true = np.array([[[1, 0], [0, 1], [0, 0]], [[0, 1], [1, 0], [0, 0]]], dtype="float32")
    y_pred = np.array(
        [[[0.8, 0.1], [0.1, 0.8], [0.1, 0.1]], [[0.1, 0.8], [0.8, 0.1], [0.1, 0.1]]],
        dtype="float32",
    )
    got = categorical_crossentropy(y_true, y_pred, label_smoothing=0.1, axis=1)
    y_true_smoothed = y_true * (1.0 - 0.1) + (0.1 / 3)
    expected = np.mean(-np.sum(y_true_smoothed * np.log(y_pred), axis=1))
    # Upstream's decimal=5: float32 logs of numbers near 0.1 to 0.8, averaged.
    np.testing.assert_almost_equal(got.mean(), expected, decimal=5)


def test_cce_shape_mismatch():
    # losses_test.py::CategoricalCrossentropyTest::test_shape_mismatch
    # Upstream's y_true holds class indices 0, 1, 2 in a (3, 1) array: the course rejects
    # it as a distribution before it compares shapes; a ValueError either way.
    with pytest.raises(ValueError, match=r"same shape|probabilities"):
        categorical_crossentropy(np.array([[0], [1], [2]]), Y_PRED.astype(np.float64))


def test_cce_single_class():
    # losses_test.py::CategoricalCrossentropyTest::test_warning_for_invalid_shape: Keras warns
    # (SyntaxWarning) when the class axis has length 1. The course deliberately does not: one
    # class is a legal, if pointless, distribution, and its loss is the clip's -log(1 - 1e-7).
    # Warnings are errors in this suite, so this also checks that none is raised.
    got = categorical_crossentropy(np.array([[1.0], [1.0]]), np.array([[0.5], [0.5]]))
    np.testing.assert_allclose(got, -np.log(1 - EPSILON), rtol=4 * np.finfo(float).eps)


# --- BinaryCrossentropyTest ------------------------------------------------------------
BCE_Y_TRUE = np.array([[1, 0, 1], [0, 1, 1]])
BCE_LOGITS = np.array([[10.0, -10.0, 10.0], [10.0, 10.0, -10.0]])
BCE_Y_PRED = np.array([1, 1, 1, 0], dtype=np.float32).reshape([2, 2])
BCE_Y_TRUE_2X2 = np.array([1, 0, 1, 0]).reshape([2, 2])


def test_bce_all_correct_unweighted():
    # losses_test.py::BinaryCrossentropyTest::test_all_correct_unweighted
    y_true = np.eye(3, dtype="float32")
    assert_keras(keras_binary_probabilities(y_true, y_true).mean(), 0.0)
    logits = np.where(y_true == 1, 10.0, -10.0)
    assert_keras(keras_binary(y_true, logits).mean(), 0.0)


def test_bce_unweighted():
    # losses_test.py::BinaryCrossentropyTest::test_unweighted
    y_pred = np.array([[0.9, 0.1, 0.2], [0.3, 0.8, 0.1], [0.1, 0.2, 0.7]], dtype="float32")
    # Upstream's assertAllClose at rtol=atol=1e-6, on a float32 result
    np.testing.assert_allclose(
        keras_binary_probabilities(np.eye(3), y_pred).mean(), 0.20046903, rtol=1e-6, atol=1e-6
    )
    # A certain, wrong prediction: Keras' clip makes it cost -log(1e-7) = 16.1, not inf.
    assert_keras(keras_binary_probabilities(BCE_Y_TRUE_2X2, BCE_Y_PRED).mean(), 3.98559)
    assert_keras(keras_binary(BCE_Y_TRUE, BCE_LOGITS).mean(), 3.3333)


def test_bce_unclipped_is_infinite():
    # The other side of test_unweighted's 3.98559: without Keras' clip, the course's
    # binary_cross_entropy says that a certain, wrong prediction costs inf, deliberately.
    assert np.isinf(binary_cross_entropy(BCE_Y_TRUE_2X2.astype(np.float32), BCE_Y_PRED).mean())


def test_bce_weighted():
    # losses_test.py::BinaryCrossentropyTest::test_scalar_weighted and test_sample_weighted
    probability_loss = keras_binary_probabilities(BCE_Y_TRUE_2X2, BCE_Y_PRED)
    logit_loss = keras_binary(BCE_Y_TRUE, BCE_LOGITS)
    assert_keras((probability_loss * 2.3).mean(), 9.1668)
    assert_keras((logit_loss * 2.3).mean(), 7.666)
    assert_keras((probability_loss * np.array([1.2, 3.4])).mean(), 4.7827)
    assert_keras((logit_loss * np.array([4, 3])).mean(), 10.0)


def test_bce_no_reduction():
    # losses_test.py::BinaryCrossentropyTest::test_no_reduction (upstream atol=1e-3)
    np.testing.assert_allclose(keras_binary(BCE_Y_TRUE, BCE_LOGITS), [0.0, 6.666], atol=1e-3)


def test_bce_label_smoothing():
    # losses_test.py::BinaryCrossentropyTest::test_label_smoothing
    got = keras_binary(np.array([[1, 0, 1]]), np.array([[10.0, -10.0, -10.0]]), 0.1)
    # Upstream's (10 + 5 * 0.1) / 3 drops terms of size e^-10 = 4.5e-5.
    assert_keras(got.mean(), (10.0 + 5.0 * 0.1) / 3.0)


def test_bce_shape_mismatch():
    # losses_test.py::BinaryCrossentropyTest::test_shape_mismatch
    y_pred = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])
    with pytest.raises(ValueError, match="same shape"):
        binary_cross_entropy(np.array([[0.0], [1.0], [2.0]]) / 2, y_pred)


# Not ported: test_config (serialization) and test_dtype_arg (bfloat16, not a course dtype).
