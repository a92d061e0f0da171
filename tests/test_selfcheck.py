"""`course check`: the learner's self-check, its verdicts and its teaching messages."""

import os
import subprocess
import sys
import types

import numpy as np
import pytest

import solutions.helpers as reference
from autograder.checks.catalogue import CATALOGUE
from autograder.lessons import LESSONS, ROOT
from solutions.helpers import checking


def course(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_catalogue_covers_every_graded_function_once():
    graded = [name for lesson in LESSONS for name in lesson.functions]
    assert sorted(graded) == sorted(CATALOGUE) == sorted(reference.__all__)


def test_reference_passes_every_case():
    run = course("check", "--reference")
    assert run.returncode == 0, run.stdout
    assert f"{len(CATALOGUE)} passed" in run.stdout
    assert "FAILED" not in run.stdout and "ERROR" not in run.stdout


def test_fresh_stubs_are_all_not_yet_implemented():
    run = course("check")
    assert run.returncode == 1
    assert f"{len(CATALOGUE)} not yet implemented" in run.stdout
    assert run.stdout.index("Lesson 1: Logits") < run.stdout.index("Lesson 5: Cross-entropy")


def test_named_functions_only():
    run = course("check", "softmax", "--reference")
    assert run.returncode == 0 and "1 passed" in run.stdout and "sigmoid" not in run.stdout


def test_unknown_name_is_a_usage_error():
    run = course("check", "sofmax")
    assert run.returncode == 2 and "no graded function named sofmax" in run.stderr
    assert run.stderr.startswith("usage: course check")


def test_a_function_outside_the_chosen_lessons_is_a_usage_error_not_a_silent_pass():
    """It would check nothing and exit 0; both commands say where the function is."""
    run = course("check", "softmax", "--lessons", "1")
    assert run.returncode == 2 and run.stdout == ""
    assert "softmax is in lesson 2, not in --lessons 1" in run.stderr
    assert course("check", "softmax", "--lessons", "1,2", "--reference").returncode == 0
    helpers = subprocess.run(
        [sys.executable, "-m", "helpers", "softmax", "--lessons", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert helpers.returncode == 2 and "softmax is in lesson 2" in helpers.stderr


def test_a_reader_that_leaves_early_ends_the_check_quietly():
    """`course check | head`: the reader closes after its first line; no traceback."""
    command = [sys.executable, "-m", "autograder.cli", "check", "--reference"]
    unbuffered = {**os.environ, "PYTHONUNBUFFERED": "1"}  # each line written as it comes
    run = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=unbuffered
    )
    assert run.stdout.readline().startswith("Checking ")
    run.stdout.close()  # the 30 lines of verdicts still to come have nowhere to go
    errors = run.stderr.read()
    run.stderr.close()
    assert run.wait(timeout=60) == 1
    assert errors == ""


def test_a_learner_package_that_does_not_import_is_reported(tmp_path):
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "__init__.py").write_text("def softmax(z:\n")
    run = course("check", cwd=tmp_path)
    assert run.returncode == 1 and "Could not import helpers: SyntaxError" in run.stdout


def test_the_package_in_the_current_folder_is_the_one_checked(tmp_path):
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "__init__.py").write_text("from solutions.helpers import *\n")
    run = course("check", cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert f"Checking {tmp_path / 'helpers'}" in run.stdout


def outcome_of(name, fn):
    return checking.outcome_of(types.SimpleNamespace(**{name: fn}), checking.compiled()[1][name])


def naive_softmax(z, axis=-1):
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum(axis=axis, keepdims=True)


def noisy_softmax(z, axis=-1):
    np.log(np.zeros(1))  # right answer, but a RuntimeWarning a grader would see on stderr
    return reference.softmax(z, axis)


def shifting_in_place(z, axis=-1):
    z = np.asarray(z)
    z -= z.max(axis=axis, keepdims=True)
    return np.exp(z) / np.exp(z).sum(axis=axis, keepdims=True)


def wrapping_one_hot(labels, num_classes):
    return np.eye(num_classes)[labels]


def float64_sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    return np.exp(-np.logaddexp(0, -x))


def forever(*args, **kwargs):
    while True:
        pass


def listy_softmax(z, axis=-1):
    return reference.softmax(z, axis).tolist()


@pytest.mark.parametrize(
    ("name", "fn", "status", "words"),
    [
        ("softmax", naive_softmax, "failed", ["returned nan", "subtract the max of each row"]),
        ("softmax", noisy_softmax, "failed", ["warned RuntimeWarning: divide by zero"]),
        ("softmax", shifting_in_place, "failed", ["changed its input in place"]),
        ("softmax", listy_softmax, "failed", ["returned a list"]),
        ("one_hot", wrapping_one_hot, "failed", ["raise ValueError", "label 3 is not in [0, 3)"]),
        ("sigmoid", float64_sigmoid, "failed", ["returned float64, expected float32"]),
        ("logit", lambda p: 1 / 0, "error", ["raised ZeroDivisionError"]),
    ],
    ids=["overflow", "warning", "mutation", "list", "wrap-around", "dtype", "crash"],
)
def test_failures_say_what_went_wrong(name, fn, status, words):
    outcome = outcome_of(name, fn)
    assert outcome.status == status
    for word in words:
        assert word in outcome.message


def test_nan_is_named_with_the_cure():
    message = outcome_of("softmax", naive_softmax).message
    assert message.startswith("softmax([1000, 0]) returned nan ([nan, 0]) where the answer is")
    assert message.endswith("exp overflowed: subtract the max of each row first")


def test_a_hang_is_a_timeout_not_a_hang(monkeypatch):
    monkeypatch.setattr(checking, "TIME_LIMIT", 1)
    assert outcome_of("sigmoid", forever).status == "timeout"


def test_the_check_cell_stops_an_endless_function_with_course_checks_message(monkeypatch, capsys):
    """It ran on and on in a notebook; now it says what `course check` says."""
    monkeypatch.setattr(checking, "TIME_LIMIT", 1)
    monkeypatch.setattr(checking, "learner", lambda: types.SimpleNamespace(sigmoid=forever))
    checking.examples("sigmoid")
    assert (
        capsys.readouterr().out == "sigmoid TIMEOUT: sigmoid ran for over 1 s: an infinite loop?\n"
    )


def stops_on_rows(z, axis=-1):
    """Wrong on a vector, endless on a matrix: the judge stops at the first case, so only
    the check cell's second example meets the loop."""
    while np.ndim(z) > 1:
        pass
    return np.zeros_like(np.asarray(z, dtype=float))


def test_an_example_the_public_cases_did_not_reach_cannot_hang_the_check_cell(monkeypatch, capsys):
    monkeypatch.setattr(checking, "TIME_LIMIT", 1)
    monkeypatch.setattr(checking, "learner", lambda: types.SimpleNamespace(softmax=stops_on_rows))
    checking.examples("softmax")
    out = capsys.readouterr().out
    assert "softmax([[1, 2, 3],\n [1, 1, 1]]): softmax ran for over 1 s: an infinite loop?" in out
    assert out.splitlines()[-1].startswith("softmax FAILED: softmax([0.5, 0.8]) returned [0, 0]")


def test_the_reference_passes_in_process():
    for name in CATALOGUE:
        assert outcome_of(name, getattr(reference, name)).status == "passed", name
