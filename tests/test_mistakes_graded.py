"""The mistakes corpus through the real grader: every mistake scores 0, never tamper_suspect.

A mistake's function fails in the notebook's graded cell and in the trusted re-check on
the same public cases, with one judge, so the two agree: ``failed``, ``error`` or
``timeout``, never ``tamper_suspect``. Mistakes of one lesson in different functions
share a submission, so the corpus is graded in a handful of them; every other function
of each submission is the reference's and must pass.
"""

import ast
import csv
import inspect
import textwrap

import pytest
from mistakes import MISTAKES, lesson_of, module_source
from named_mistakes import NAMED

from autograder.grading import batch, classreport, report
from autograder.grading.demo import reference_helpers, working_copy
from autograder.lessons import LESSONS
from solutions import helpers as reference

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader, pytest.mark.sandbox]

ZERO = {"failed", "error", "timeout"}


def uses(function):
    """The functions of its lesson that `function` calls, in the reference or a mistake."""
    lesson = lesson_of(function)
    sources = [inspect.getsource(getattr(reference, function))]
    sources += [m.source for m in MISTAKES if m.function == function]
    names = {
        node.id
        for text in sources
        for node in ast.walk(ast.parse(textwrap.dedent(text)))
        if isinstance(node, ast.Name)
    }
    return (names & set(lesson.functions)) - {function}


def independent(one, other):
    """Whether two mistakes can share a module: different functions, neither calling the
    other (a log_softmax that calls a wrong logsumexp is wrong too, for another reason)."""
    a, b = one.function, other.function
    return a != b and a not in uses(b) and b not in uses(a)


def batch_of(found, lesson, number):
    """The mistakes already in submission `number` of `lesson`."""
    return found.get((lesson.number, number), (lesson, []))[1]


def batches():
    """{student id: (lesson, [mistakes])}: each lesson's mistakes, packed into as few
    submissions as keep them independent of each other."""
    found = {}
    for wrong in MISTAKES:
        lesson = lesson_of(wrong.function)
        number = 0
        while not all(independent(wrong, m) for m in batch_of(found, lesson, number)):
            number += 1
        found.setdefault((lesson.number, number), (lesson, []))[1].append(wrong)
    return {f"mistakes-{n}-{k}": wrongs for (n, k), wrongs in sorted(found.items())}


BATCHES = batches()


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    """OUT of the corpus graded by `course grade`, one submission per batch."""
    root = tmp_path_factory.mktemp("mistakes")
    submissions, out = root / "class", root / "results"
    for student, (lesson, wrongs) in BATCHES.items():
        helpers = reference_helpers()
        helpers[f"{lesson.module}.py"] = module_source(*wrongs)
        others = {other.number for other in LESSONS} - {lesson.number}
        working_copy(submissions / student, helpers, skip=others)  # graded on its lesson only
    lessons = sorted({lesson.number for lesson, _ in BATCHES.values()})
    quiet = lambda *args: None  # noqa: E731
    assert batch.grade(submissions, out, lessons=lessons, say=quiet) == 0
    return out


@pytest.fixture(scope="module")
def graded(out):
    """{(student, function): its checks.csv row}, for the lesson each batch is graded on."""
    with (out / "checks.csv").open(newline="") as f:
        return {
            (row["student_id"], row["function"]): row
            for row in csv.DictReader(f)
            if row["lesson"] == f"lesson-{BATCHES[row['student_id']][0].number:02d}"
        }


def test_the_batches_hold_every_mistake_once():
    batched = [m.name for _, wrongs in BATCHES.values() for m in wrongs]
    assert sorted(batched) == sorted(m.name for m in MISTAKES)
    for _, wrongs in BATCHES.values():
        assert len({m.function for m in wrongs}) == len(wrongs)


@pytest.mark.parametrize("student", sorted(BATCHES))
def test_every_mistake_scores_zero_and_no_honest_function_is_touched(graded, student):
    lesson, wrongs = BATCHES[student]
    wrong = {m.function: m for m in wrongs}
    for name in lesson.functions:
        row = graded[student, name]
        assert row["status"] != "tamper_suspect", (name, row["message"])
        if name not in wrong:
            # the reference's, unless it calls a function the batch got wrong
            expected = "passed" if not uses(name) & set(wrong) else row["status"]
            assert row["status"] == expected, (name, row["message"])
            continue
        assert row["status"] in ZERO, (wrong[name].name, row["status"], row["message"])
        assert float(row["score"]) == 0.0
        # the message names the mistake, as course check's does
        for word in wrong[name].words:
            assert word in row["message"], (wrong[name].name, row["message"])


def test_the_class_report_counts_exactly_the_planted_mistakes(out):
    """Each planted mistake is named by its id (tests/named_mistakes.py), for the student
    who holds it; a function is wrong beside it only where it calls a planted one."""
    planted = {
        (lesson.assignment, m.function, student, NAMED[m.name])
        for student, (lesson, wrongs) in BATCHES.items()
        for m in wrongs
    }
    found = {
        (row["lesson"], row["function"], student, row["mistake"])
        for row in report.read_csv(out / "report" / classreport.CSV)
        for student in row["who"].split()
    }
    wrong = {(lesson, function, student) for lesson, function, student, _ in planted}
    knocked_on = {
        (lesson, function, student, mistake)
        for lesson, function, student, mistake in found - planted
        if (lesson, function, student) not in wrong
        and uses(function) & {m.function for m in BATCHES[student][1]}
    }
    assert found - knocked_on == planted
