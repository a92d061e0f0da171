"""scikit-learn's own tests of log_loss, ported to the course's log_loss with their values.

Source: github.com/scikit-learn/scikit-learn, sklearn/metrics/tests/test_classification.py
as shipped in the scikit-learn 1.9.1 wheel. The course's `y_prob` is scikit-learn's
`y_proba` (renamed in 1.9); the course has no `sample_weight`.
"""

import re

import numpy as np
import pytest
from numerics import assert_close_ulps
from scipy.stats import bernoulli
from upstream import assert_printed

from solutions.helpers import log_loss

# scikit-learn compares with assert_allclose's default rtol=1e-7; the course computes the
# same clipped sum of logs in another order: a few ulps per sample, summed over 6.
ULPS = 16


def test_log_loss_binary_symbolic_labels():
    # test_classification.py::test_log_loss (binary case with symbolic labels, "no" < "yes")
    y_true = ["no", "no", "no", "yes", "yes", "yes"]
    y_proba = np.array(
        [[0.5, 0.5], [0.1, 0.9], [0.01, 0.99], [0.9, 0.1], [0.75, 0.25], [0.001, 0.999]]
    )
    loss_true = -np.mean(bernoulli.logpmf(np.array(y_true) == "yes", y_proba[:, 1]))
    assert_close_ulps(log_loss(y_true, y_proba), loss_true, ULPS)


def test_log_loss_multiclass():
    # test_classification.py::test_log_loss (multiclass case, and the doubled sum)
    y_true = [1, 0, 2]
    y_proba = [[0.2, 0.7, 0.1], [0.6, 0.2, 0.2], [0.6, 0.1, 0.3]]
    assert_printed(log_loss(y_true, y_proba, normalize=True), "0.6904911")
    # Upstream checks 0.6904911 * 6 at rtol=1e-7; "0.6904911" is itself rounded, so its
    # error, six times over, is the bound.
    assert abs(log_loss(y_true * 2, y_proba * 2, normalize=False) - 0.6904911 * 6) <= 6 * 5e-8


def test_log_loss_string_labels():
    # test_classification.py::test_log_loss ("case when y_true is a string array object")
    y_true = ["ham", "spam", "spam", "ham"]
    y_proba = [[0.3, 0.7], [0.6, 0.4], [0.4, 0.6], [0.7, 0.3]]
    assert_printed(log_loss(y_true, y_proba), "0.7469410")


def test_log_loss_class_count_mismatch():
    # test_classification.py::test_log_loss ("raise error if number of classes are not equal")
    with pytest.raises(ValueError):
        log_loss([1, 0, 2], [[0.3, 0.7], [0.6, 0.4], [0.4, 0.6]])


def test_log_loss_value_not_in_labels():
    # test_classification.py::test_log_loss ("raise error if labels do not contain all values
    # of y_true"), with scikit-learn's own message
    error_str = "y_true contains values {'b'} not belonging to the passed labels ['a', 'c', 'd']."
    with pytest.raises(ValueError, match=re.escape(error_str)):
        log_loss(
            ["a", "b", "c"],
            [[0.9, 0.1, 0.0], [0.1, 0.9, 0.0], [0.1, 0.1, 0.8]],
            labels=["a", "c", "d"],
        )


def test_log_loss_labels_option():
    # test_classification.py::test_log_loss ("test labels option")
    y_true = [2, 2]
    y_score = np.array([[0.1, 0.9], [0.1, 0.9]])
    # One class only: scikit-learn's message asks for labels, so does the course's (in
    # other words).
    with pytest.raises(ValueError, match="labels"):
        log_loss(y_true, [[0.2, 0.8], [0.6, 0.4]])
    # 3 rows of probabilities for 2 samples
    with pytest.raises(ValueError):
        log_loss(y_true, [[0.2, 0.8], [0.6, 0.4], [0.7, 0.3]])
    assert_close_ulps(log_loss(y_true, y_score, labels=[1, 2]), -np.mean(np.log(y_score[:, 1])), 4)
    # "ensure labels work when len(np.unique(y_true)) != y_proba.shape[1]"
    y_score2 = [[0.7, 0.1, 0.2], [0.2, 0.7, 0.1], [0.1, 0.7, 0.2]]
    assert_close_ulps(log_loss([1, 2, 2], y_score2, labels=[1, 2, 3]), -np.log(0.7), 4)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_log_loss_eps(dtype):
    # test_classification.py::test_log_loss_eps: the clipping eps follows y_prob's dtype,
    # so a certain, wrong prediction still costs a finite amount (gh-24315)
    loss = log_loss(np.array([0, 1], dtype=dtype), np.array([1, 0], dtype=dtype))
    assert np.isfinite(loss)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_log_loss_not_probabilities(dtype):
    # test_classification.py::test_log_loss_not_probabilities_warning: scikit-learn only
    # warns when rows do not sum to one. The course deliberately raises, as its docstring
    # says: a row that is not a distribution is a bug (a forgotten softmax), not a loss.
    y_proba = np.array([[0.2, 0.7], [0.6, 0.3], [0.4, 0.7], [0.8, 0.3]], dtype=dtype)
    with pytest.raises(ValueError, match="sum to 1"):
        log_loss(np.array([0, 1, 1, 0]), y_proba)


@pytest.mark.parametrize(
    ("y_true", "y_proba"),
    [
        ([0, 1, 0], [0, 1, 0]),
        ([0, 1, 0], [[1, 0], [0, 1], [1, 0]]),
        ([0, 1, 2], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]),
    ],
)
def test_log_loss_perfect_predictions(y_true, y_proba):
    # test_classification.py::test_log_loss_perfect_predictions: 0, up to the clipping
    assert log_loss(y_true, y_proba) == pytest.approx(0)


def test_log_loss_unordered_labels():
    # test_classification.py::test_log_loss_warnings: scikit-learn sorts the labels and warns
    # that it did. The course sorts them too, as its docstring says ("columns in the sorted
    # order of the classes"), without a warning: the same loss as with sorted labels.
    y_true, y_proba = ["eggs", "spam", "ham"], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    unordered = log_loss(y_true, y_proba, labels=["spam", "eggs", "ham"])
    assert unordered == log_loss(y_true, y_proba, labels=["eggs", "ham", "spam"])


# Not ported: test_log_loss_pandas_input (the course takes arrays and lists, and pandas is
# not one of its dependencies) and test_log_loss_y_pred_deprecation (scikit-learn's renaming
# of an argument).
