"""Every mistake of the corpus (tests/mistakes.py) fails `course check`, the graded cell and
the check cell, with a message that names it; the reference passes the same function."""

import importlib
import shutil
import sys
from collections import Counter

import pytest
from mistakes import MISTAKES, learner_module, lesson_of, module_source
from named_mistakes import NAMED

import solutions.helpers as reference
from autograder.lessons import LESSONS, ROOT
from solutions.helpers import checking, judge
from solutions.helpers.misconceptions import BY_ID, UNNAMED

FAILED = ("failed", "error", "timeout")
BY_NAME = {m.name: m for m in MISTAKES}


def spec_of(name):
    return checking.compiled()[1][name]


@pytest.fixture(params=sorted(BY_NAME), name="mistake")
def a_mistake(request):
    return BY_NAME[request.param]


def test_the_corpus_is_large_and_covers_every_lesson():
    per_lesson = Counter(lesson_of(m.function).number for m in MISTAKES)
    assert len(MISTAKES) >= 45 and len(BY_NAME) == len(MISTAKES)
    assert set(per_lesson) == {lesson.number for lesson in LESSONS}
    assert all(m.words for m in MISTAKES)


def test_course_check_fails_it_and_names_it(mistake):
    """(a) course check's verdict fails, with the mistake's words in its message."""
    outcome = checking.outcome_of(learner_module(mistake), spec_of(mistake.function))
    assert outcome.status in FAILED, f"{mistake.name} passed: {outcome.message}"
    for word in mistake.words:
        assert word in outcome.message


def test_course_check_names_the_mistake_as_the_class_report_counts_it(mistake):
    said = []
    checking.report(learner_module(mistake), names=[mistake.function], say=said.append)
    named = NAMED[mistake.name]
    if named == UNNAMED:
        assert not [line for line in said if "The mistake" in line], said
    else:
        assert f"      The mistake, {named}: {mistake.function} {BY_ID[named].says}." in said


def test_the_graded_cell_fails_with_the_same_message(mistake, monkeypatch):
    """(b) checking.check raises CheckFailed with course check's message."""
    module = learner_module(mistake)
    monkeypatch.setattr(checking, "learner", lambda: module)
    expected = checking.outcome_of(module, spec_of(mistake.function)).message
    with pytest.raises(checking.CheckFailed) as failed:
        checking.check(mistake.function)
    assert str(failed.value) == expected


def test_the_check_cell_never_calls_a_failure_exact_or_close(mistake, monkeypatch, capsys):
    """(c) checking.examples says "exact" or "close" only for a call the judge passes."""
    module = learner_module(mistake)
    monkeypatch.setattr(checking, "learner", lambda: module)
    checking.examples(mistake.function)
    out = capsys.readouterr().out
    spec = spec_of(mistake.function)
    fn = getattr(module, mistake.function)
    for case in (c for c in spec.cases if c.example):
        done = judge.call(fn, case.args, case.kwargs)
        if judge.judge_case(done, case, mistake.function, spec.ulps):
            line = (
                f"{judge.render_call(mistake.function, case.args, case.kwargs)} = "
                f"{judge.describe(done.result)}: "
            )
            assert f"{line}FAILED: " in out
            assert f"{line}exact" not in out and f"{line}close (" not in out
    outcome = checking.outcome_of(module, spec)
    label = judge.Status(outcome.status).label
    verdict = f"{mistake.function} {label}: {outcome.message}\n"
    named = NAMED[mistake.name]  # then the mistake's name, as the class report counts it
    if named != UNNAMED:
        verdict += f"The mistake, {named}: {mistake.function} {BY_ID[named].says}.\n"
    assert out.endswith(verdict), out


@pytest.mark.parametrize("name", sorted({m.function for m in MISTAKES}))
def test_the_reference_passes_what_the_mistakes_fail(name):
    """(d) The same public cases pass the reference: the failures are the mistakes'."""
    outcome = checking.outcome_of(reference, spec_of(name))
    assert outcome.status == "passed", outcome.message


def test_a_learner_module_differs_from_the_reference_in_one_function_only():
    mistake = BY_NAME["softmax_global_max"]
    module = learner_module(mistake)
    assert module.softmax is not reference.softmax
    others = [name for name in reference.__all__ if name != "softmax"]
    assert all(getattr(module, name) is getattr(reference, name) for name in others)


def test_module_source_replaces_exactly_one_definition(mistake):
    text = module_source(mistake)
    original = ROOT / "solutions" / "helpers" / f"{lesson_of(mistake.function).module}.py"
    assert mistake.source in text
    assert text.count(f"\ndef {mistake.function}(") == 1
    assert "BEGIN SOLUTION" in original.read_text()
    compile(text, "<module_source>", "exec")


@pytest.mark.parametrize("number", [lesson.number for lesson in LESSONS])
def test_a_submission_written_from_module_source_fails_the_same_way(number, tmp_path):
    """A helpers folder written from module_source imports and fails as in-process."""
    mistake = next(m for m in MISTAKES if lesson_of(m.function).number == number)
    package = f"helpers_mistake_{number}"
    shutil.copytree(ROOT / "solutions" / "helpers", tmp_path / package)
    (tmp_path / package / f"{lesson_of(mistake.function).module}.py").write_text(
        module_source(mistake)
    )
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module(package)
        written = checking.outcome_of(module, spec_of(mistake.function))
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]
    in_process = checking.outcome_of(learner_module(mistake), spec_of(mistake.function))
    assert (written.status, written.message) == (in_process.status, in_process.message)
