"""The term's one course, in the small: where `course grade --course-dir` reads and writes,
the exchange's folder, and what publishing a graded submission puts in the course.

The whole term, with real users, nbgrader's exchange and the formgrader, is
tests/test_term.py.
"""

import stat

import pytest

from autograder.authoring import course
from autograder.cli import main
from autograder.errors import CourseError
from autograder.grading import term
from autograder.grading.records import Check, Graded, Task


def test_grade_takes_submissions_and_out_or_a_course(capsys):
    for argv in (["grade"], ["grade", "subs", "--course-dir", "c"]):
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        assert stopped.value.code == 2
        assert "grade SUBMISSIONS --out OUT, or a course with --course-dir DIR" in (
            capsys.readouterr().err
        )
    with pytest.raises(SystemExit) as stopped:
        main(["grade", "subs"])
    assert stopped.value.code == 2 and "SUBMISSIONS needs --out OUT" in capsys.readouterr().err


def test_a_course_grades_its_submitted_into_its_gradebook(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("")
    submissions, out, db_url = term.grading_paths(tmp_path, None, None)
    assert submissions == tmp_path / "submitted"
    assert out == tmp_path / "grades"
    assert db_url == f"sqlite:///{tmp_path / 'gradebook.db'}"
    assert term.grading_paths(tmp_path, tmp_path / "elsewhere", "postgresql://db")[1:] == (
        tmp_path / "elsewhere",
        "postgresql://db",
    )


def test_grading_a_folder_that_is_no_course_is_refused(tmp_path):
    with pytest.raises(CourseError, match="lay it out with `course release`"):
        term.grading_paths(tmp_path, None, None)


def test_the_exchange_is_made_open_with_the_sticky_bit(tmp_path):
    exchange = course.ensure_exchange(tmp_path / "srv" / "exchange", tmp_path / "course")
    assert stat.S_IMODE(exchange.stat().st_mode) == 0o1777


def test_private_is_the_owners_alone(tmp_path):
    assert stat.S_IMODE(course.private(tmp_path / "out").stat().st_mode) == 0o700


def graded(student="ada", html="<p>feedback</p>"):
    task = Task(student, 1, "ada")
    check = Check(student, "lesson-01", "logit", 2.0, 2.0, "passed", "")
    return Graded(task, [check], "ran", feedback_html=html)


def test_publishing_puts_the_graded_notebook_verdicts_and_feedback_in_the_course(tmp_path):
    course, grading = tmp_path / "course", tmp_path / "grading"
    ran = grading / "autograded" / "ada" / "lesson-01"
    (ran / "helpers").mkdir(parents=True)
    (ran / "01-logits.ipynb").write_text("{}")
    (ran / "helpers" / "logits.py").write_text("")
    (ran / "timestamp.txt").write_text("2026-11-29 09:00:00 UTC")
    (ran / "submission_secret.txt").write_text("0" * 32)
    term.publish(course, grading, graded())
    autograded = course / "autograded" / "ada" / "lesson-01"
    assert sorted(p.name for p in autograded.rglob("*")) == sorted(
        ["01-logits.ipynb", "helpers", "logits.py", "timestamp.txt", "submission_secret.txt"]
    )
    page = course / "feedback" / "ada" / "lesson-01"
    assert (page / "01-logits.html").read_text() == "<p>feedback</p>"
    # what nbgrader's release_feedback reads beside the page
    assert (page / "submission_secret.txt").read_text() == "0" * 32
    assert (page / "timestamp.txt").read_text() == "2026-11-29 09:00:00 UTC"
    assert (course / "verdicts" / "ada" / "lesson-01.json").exists()


def test_a_submission_that_did_not_run_leaves_nothing_stale_in_the_course(tmp_path):
    course, grading = tmp_path / "course", tmp_path / "grading"
    stale = course / "autograded" / "ada" / "lesson-01"
    stale.mkdir(parents=True)
    (course / "feedback" / "ada" / "lesson-01").mkdir(parents=True)
    term.publish(course, grading, graded(html=None))
    assert not stale.exists()
    assert not (course / "feedback" / "ada" / "lesson-01").exists()
