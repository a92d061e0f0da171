"""helpers.checking: the lessons' set-up cell, in a real IPython kernel, and `compare`.

A learner edits helpers/ while the kernel runs: each cell must run the saved code, a
traceback must point at the line that failed, and a function not yet written must
fail in one line that names it and its file. A check cell's `compare` must never call
a NaN a match.
"""

import os
import re
import shutil

import nbformat
import numpy as np
import pytest
from jupyter_client.manager import start_new_kernel

from autograder.lessons import LESSONS, ROOT
from solutions.helpers.checking import compare

pytestmark = [pytest.mark.slow]

SETUP = "%reload_ext helpers.checking\nimport helpers"
WHERE_IT_FAILED = """\
import traceback
try:
    helpers.linear_logits(1.0, 1.0, 1.0)
except TypeError as error:
    print(traceback.extract_tb(error.__traceback__)[-1].lineno)
"""


@pytest.fixture
def kernel(tmp_path):
    """A kernel in a lesson's folder, beside a fresh copy of the learner's helpers/."""
    shutil.copytree(ROOT / "helpers", tmp_path / "helpers")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env=env)
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def run(client, code):
    """The outputs of one cell, as the notebook would show them."""
    messages = []
    client.execute_interactive(code, timeout=60, output_hook=messages.append)
    shown = ("stream", "error", "execute_result")
    return [msg["content"] for msg in messages if msg["msg_type"] in shown]


def save(path, old, new):
    """Replace `old` by `new` in `path`, as an editor saves it: a later modification time."""
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not once in {path.name}"
    before = path.stat().st_mtime
    path.write_text(text.replace(old, new))
    os.utime(path, (before + 1, before + 1))  # autoreload compares times: make this one newer
    return text.replace(old, new)


def line_of(text, fragment):
    return text.splitlines().index(fragment) + 1


def test_a_function_not_yet_written_fails_in_one_line(kernel):
    run(kernel, SETUP)
    [error] = run(kernel, "helpers.logit(0.5)")
    assert error["ename"] == "NotImplementedError"
    line = "logit is not yet implemented: write it in helpers/logits.py, then run this cell again."
    assert error["traceback"] == [line]
    assert f"    {line}\n" in (ROOT / "lessons" / "README.md").read_text(), "the README shows it"


def test_a_name_a_failed_cell_would_have_defined_fails_in_one_line(kernel):
    run(kernel, SETUP)
    [stopped] = run(kernel, "Z = helpers.linear_logits(1, 2, 3)")  # the cell that stops early
    assert stopped["ename"] == "NotImplementedError"
    [later] = run(kernel, "Z.shape")  # and the next cell, which needs its Z
    assert later["ename"] == "NameError"
    assert later["traceback"] == [
        "NameError: name 'Z' is not defined. If a cell above defines it, run that cell "
        "first: it may have stopped at a function not yet written."
    ]


def test_a_name_error_inside_a_helper_keeps_its_traceback(kernel, tmp_path):
    run(kernel, SETUP)
    stub = 'raise NotImplementedError("write logit in helpers/logits.py")'
    save(tmp_path / "helpers" / "logits.py", stub, "return undefined_name")
    [error] = run(kernel, "helpers.logit(0.5)")
    assert error["ename"] == "NameError" and len(error["traceback"]) > 1, "the learner's bug"


def test_running_the_setup_cell_again_says_nothing(kernel):
    assert run(kernel, SETUP) == []
    assert run(kernel, SETUP) == [], "no 'already loaded' for a cell run twice"
    [error] = run(kernel, "helpers.logit(0.5)")  # and the extension works as before
    assert len(error["traceback"]) == 1, error["traceback"]


def test_other_not_implemented_errors_keep_their_traceback(kernel):
    run(kernel, SETUP)
    [error] = run(kernel, "raise NotImplementedError('not a stub')")
    assert len(error["traceback"]) > 1 and "not a stub" in error["traceback"][-1]


def test_a_traceback_after_an_edit_above_points_at_the_failing_line(kernel, tmp_path):
    """IPython 9's default autoreload recompiles only what changed, and leaves stale lines."""
    logits = tmp_path / "helpers" / "logits.py"
    run(kernel, SETUP)
    failing = '    return X + "a"  # a TypeError'
    stub = '    raise NotImplementedError("write linear_logits in helpers/logits.py")'
    text = save(logits, stub, failing)
    [printed] = run(kernel, WHERE_IT_FAILED)
    assert printed["text"].strip() == str(line_of(text, failing))

    # Write logit, above linear_logits, in more lines than its stub: linear_logits moves down.
    body = "\n".join(["    q = p / (1 - p)", "    q = q * 1", "    q = q + 0", "    return q"])
    stub = '    raise NotImplementedError("write logit in helpers/logits.py")'
    moved = save(logits, stub, body)
    assert line_of(moved, failing) > line_of(text, failing)
    [printed] = run(kernel, WHERE_IT_FAILED)
    assert printed["text"].strip() == str(line_of(moved, failing))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_lesson_sets_up_through_helpers_checking(lesson):
    for folder in ("solutions", "lessons"):
        nb = nbformat.read(ROOT / folder / lesson.notebook, as_version=4)
        setup = next(cell for cell in nb.cells if cell.cell_type == "code")
        assert re.search(r"^%reload_ext helpers\.checking$", setup.source, re.M), folder
        # A later `%autoreload 2` would undo the extension's --full.
        assert not re.search(r"^%autoreload", setup.source, re.M), folder


def test_the_lessons_readme_names_each_notebook_and_its_helpers_file():
    readme = (ROOT / "lessons" / "README.md").read_text()
    for lesson in LESSONS:
        assert f"| `{lesson.slug}.ipynb` | `{lesson.module}.py` |" in readme


@pytest.mark.parametrize(
    "actual, expected, says",
    [
        ([np.nan, 0.0], [1.0, 0.0], "(nan at index 0, where the answer is a number)"),
        ([1.0, 0.0], [1.0, np.nan], "(a number at index 1, where the answer is nan)"),
        (np.nan, 2.0, "(nan, where the answer is a number)"),
        ([[np.nan, 1.0], [np.nan, 2.0]], [[0.0, 1.0], [3.0, 2.0]], "at indices (0, 0), (1, 0),"),
        ([np.inf, np.nan, 1.0], [np.inf, np.nan, 1.5], "(max difference 0.5)"),
    ],
)
def test_compare_says_where_nans_are_and_never_calls_them_a_match(capsys, actual, expected, says):
    assert compare("x", actual, expected) is False
    printed = capsys.readouterr().out
    assert "DIFFERENT" in printed and says in printed and "max difference 0\n" not in printed
