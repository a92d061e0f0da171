"""One judge, one meaning of tamper_suspect, and hidden cases that depend on the submission.

``tamper_suspect`` means only that the notebook's graded cell and the trusted re-check
disagree on the *same* public cases; a function that fails only a hidden case is
``failed``. The hidden cases are drawn from the run's secret and the submission itself.
"""

import numpy as np
import pytest

from autograder.checks import catalogue
from autograder.checks.hidden import seed_for
from autograder.grading import gradebook, worker
from autograder.grading.records import Task
from autograder.lessons import LESSONS
from autograder.sandbox import trusted
from solutions.helpers.judge import Outcome

LESSON = LESSONS[1]
NAME = "softmax"
PUBLIC = len(catalogue.compiled()[NAME].items)


def status_of(outcome, kernel_passed):
    """The checks.csv status of `outcome` when the notebook's graded cell passed or not."""
    worth = gradebook.points(LESSON)
    outcomes = {name: Outcome(name, "passed", "", PUBLIC) for name in LESSON.functions}
    outcomes[NAME] = outcome
    kernel = {name: worth[name] for name in LESSON.functions}
    kernel[NAME] = worth[NAME] if kernel_passed else 0.0
    rows = worker.reconcile(Task("ada", LESSON.number, "ada"), outcomes, kernel)
    return next(row.status for row in rows if row.grade_id == NAME)


@pytest.mark.parametrize(
    ("outcome", "kernel_passed", "status"),
    [
        (Outcome(NAME, "passed", "", PUBLIC + 4), True, "passed"),
        # wrong on a hidden case only: the notebook could not have known
        (Outcome(NAME, "failed", "hidden", PUBLIC + 1), True, "failed"),
        (Outcome(NAME, "timeout", "slow on a hidden case", PUBLIC + 2), True, "timeout"),
        # wrong on a public case, and the notebook agrees
        (Outcome(NAME, "failed", "public", 2), False, "failed"),
        (Outcome(NAME, "error", "raised", 1), False, "error"),
        # a timeout among the public cases: no verdict on them, so no accusation
        (Outcome(NAME, "timeout", "hang", 1), True, "timeout"),
        # the two disagree on the same cases
        (Outcome(NAME, "failed", "public", 2), True, "tamper_suspect"),
        (Outcome(NAME, "passed", "", PUBLIC + 4), False, "tamper_suspect"),
    ],
    ids=[
        "agree-passed",
        "hidden-only-failure",
        "hidden-only-timeout",
        "agree-failed",
        "agree-error",
        "public-timeout",
        "kernel-passed-public-failed",
        "kernel-failed-public-passed",
    ],
)
def test_tamper_suspect_means_disagreement_on_the_same_cases(outcome, kernel_passed, status):
    assert status_of(outcome, kernel_passed) == status


def test_the_public_items_come_first_in_the_re_check():
    calls = trusted.plan([NAME], seed=1)
    public = catalogue.compiled()[NAME].items
    assert [item for _, item in calls[: len(public)]] == list(public)
    assert len(calls) > len(public)  # and the hidden cases after them


def hidden_inputs(seed):
    return [item.args[0] for _, item in trusted.plan([NAME], seed)[PUBLIC:]]


def test_hidden_inputs_change_with_the_submission_and_repeat_for_an_appeal():
    mine = seed_for(12345, "ada", 2, "a" * 64)
    assert seed_for(12345, "ada", 2, "a" * 64) == mine  # an appeal: same secret, same files
    others = [
        seed_for(12345, "ada", 2, "b" * 64),  # a resubmission with changed helpers
        seed_for(12345, "bob", 2, "a" * 64),  # another student with the same files
        seed_for(12345, "ada", 3, "a" * 64),  # another lesson
        seed_for(54321, "ada", 2, "a" * 64),  # another run's secret
    ]
    assert mine not in others and len(set(others)) == len(others)
    first, again = hidden_inputs(mine), hidden_inputs(mine)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    for seed in others:
        assert not any(
            a.shape == b.shape and np.array_equal(a, b)
            for a, b in zip(first, hidden_inputs(seed), strict=True)
        )


def test_hidden_expected_values_come_from_the_reference_in_the_grader():
    for _, item in trusted.plan([NAME], seed=7)[PUBLIC:]:
        assert item.expected is not None
        z = np.asarray(item.args[0], dtype=np.float64)
        axis = item.kwargs.get("axis", -1)
        shifted = np.exp(z - z.max(axis=axis, keepdims=True))
        want = shifted / shifted.sum(axis=axis, keepdims=True)
        # float32 inputs give float32 results: compare at float32's precision
        eps = np.finfo(item.expected.dtype).eps
        assert np.allclose(item.expected, want, rtol=64 * eps, atol=64 * eps)
