"""`course export`: one row per student, lessons not graded left empty, the right totals."""

import csv

import pytest

from autograder import cli
from autograder.grading import export
from autograder.lessons import LESSONS

# Two students: amy graded on lessons 1 and 2 (lesson 2 waiting for a hand grade), bob
# on lesson 1 only, where he submitted nothing and scored 0.
GRADES = [
    {"student_id": "amy", "lesson": "lesson-01", "score": "6.5", "max_score": "8",
     "needs_manual_grade": "false"},
    {"student_id": "amy", "lesson": "lesson-02", "score": "9", "max_score": "12",
     "needs_manual_grade": "true"},
    {"student_id": "bob", "lesson": "lesson-01", "score": "0", "max_score": "8",
     "needs_manual_grade": "false"},
]  # fmt: skip


@pytest.fixture
def out(tmp_path):
    with (tmp_path / "grades.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, GRADES[0])
        writer.writeheader()
        writer.writerows(GRADES)
    return tmp_path


def exported(out, fmt):
    assert cli.main(["export", str(out), "--format", fmt]) == 0
    with (out / f"export-{fmt}.csv").open(newline="") as f:
        return list(csv.reader(f))


def test_canvas_has_its_identity_columns_points_possible_and_a_read_only_total(out):
    header, possible, amy, bob = exported(out, "canvas")
    lessons = [f"Lesson {lesson.number}: {lesson.title}" for lesson in LESSONS]
    assert header == [*export.CANVAS_IDENTITY, *lessons, "Final Points"]
    assert possible == ["Points Possible", "", "", "", "", "8", "12", "", "", "", ""]
    assert amy == ["", "", "", "amy", "", "6.5", "9", "", "", "", "15.5"]
    assert bob == ["", "", "", "bob", "", "0", "", "", "", "", "0"]


def test_moodle_has_a_username_and_a_course_total(out):
    header, amy, bob = exported(out, "moodle")
    assert header[0] == "Username" and header[-1] == "Course total"
    assert amy == ["amy", "6.5", "9", "", "", "", "15.5"]
    assert bob == ["bob", "0", "", "", "", "", "0"]


def test_wide_says_which_lessons_wait_for_a_hand_grade(out):
    header, amy, bob = exported(out, "wide")
    assert header == [
        "student_id", "lesson-01", "lesson-02", "lesson-03", "lesson-04", "lesson-05",
        "total", "max_total", "needs_manual_grade",
    ]  # fmt: skip
    assert amy == ["amy", "6.5", "9", "", "", "", "15.5", "20", "lesson-02"]
    assert bob == ["bob", "0", "", "", "", "", "0", "8", ""]


def test_a_lesson_not_graded_is_empty_not_zero(out):
    _, _, bob = exported(out, "wide")
    graded_zero, not_graded = bob[1], bob[2]
    assert graded_zero == "0"
    assert not_graded == ""


def test_an_out_without_grades_is_named(tmp_path, capsys):
    assert cli.main(["export", str(tmp_path), "--format", "wide"]) == 1
    assert "has no grades: run course grade first" in capsys.readouterr().err


def test_an_unknown_format_is_a_usage_error(out, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["export", str(out), "--format", "blackboard"])
    assert stopped.value.code == 2
    assert "invalid choice: 'blackboard'" in capsys.readouterr().err


def test_to_writes_where_asked(out, tmp_path):
    target = tmp_path / "for-canvas.csv"
    assert cli.main(["export", str(out), "--format", "canvas", "--to", str(target)]) == 0
    assert target.read_text().startswith("Student,ID,SIS User ID,SIS Login ID,Section,")


def test_no_exported_cell_starts_a_formula(out):
    # grades.csv can be edited by hand before an export; the export is as safe as it.
    rows = [{**GRADES[0], "student_id": "=HYPERLINK(A1)"}]
    with (out / "grades.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, GRADES[0])
        writer.writeheader()
        writer.writerows(rows)
    _, student = exported(out, "wide")
    assert student[0] == "'=HYPERLINK(A1)"
