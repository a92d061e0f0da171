"""``course export OUT --format canvas|moodle|wide``: one row per student, for an LMS.

``grades.csv`` has a row per student and lesson. An LMS imports a row per student,
with a column per assignment. The conventions followed:

- **canvas**: the columns of a Canvas gradebook export, ``Student``, ``ID``,
  ``SIS User ID``, ``SIS Login ID``, ``Section``, then one column per lesson, then
  ``Final Points``. The student id goes in ``SIS Login ID``, by which Canvas matches
  rows on import. A second row, ``Points Possible``, gives each column's maximum, as
  Canvas' own export does. ``Final Points`` is one of Canvas' read-only columns: it
  shows the total and is ignored on import, so that the total never becomes an
  assignment of its own. A lesson column whose name Canvas does not know becomes a new
  assignment when imported.
- **moodle**: ``Username``, one column per lesson, then ``Course total``. On Moodle's
  CSV import, map ``Username`` to the user's username and each lesson to its grade
  item; leave ``Course total`` unmapped, since Moodle computes its own.
- **wide**: ``student_id``, one column per lesson, ``total``, ``max_total`` and
  ``needs_manual_grade`` (the lessons still waiting for a written answer's grade).

A lesson that was not graded for a student stays empty, never 0: an empty cell leaves
the LMS's grade as it was. A lesson that was graded and scored 0 (not submitted, for
example) exports as 0. The total adds the graded lessons only.
"""

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

from autograder.errors import CourseError
from autograder.grading.report import read_csv, safe_cell
from autograder.lessons import LESSONS, Lesson

CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
Row = dict[str, str]  # a row of grades.csv
Sheet = tuple[list[str], list[list[str]]]  # an export's header and rows


def column(lesson: Lesson) -> str:
    """A lesson's column title: its number and title, as an LMS shows an assignment."""
    return f"Lesson {lesson.number}: {lesson.title}"


def number(value: float | None) -> str:
    """A score as the CSVs write it: 7 rather than 7.0, empty for None."""
    return "" if value is None else f"{value:g}"


def by_student(grades: Iterable[Row]) -> dict[str, dict[str, Row]]:
    """{student: {assignment: row}} from grades.csv's rows."""
    table: dict[str, dict[str, Row]] = {}
    for row in grades:
        table.setdefault(row["student_id"], {})[row["lesson"]] = row
    return dict(sorted(table.items()))


def lesson_maxima(grades: Iterable[Row]) -> dict[str, float]:
    """{assignment: max score}, from any graded row of that lesson."""
    return {row["lesson"]: float(row["max_score"]) for row in grades}


def student_scores(rows: dict[str, Row]) -> tuple[list[str], float, float, list[str]]:
    """The lessons' marks (empty where not graded), the total, its maximum, and the lessons
    still waiting for a hand grade, of one student's grades.csv `rows`."""
    marks, total, maximum, waiting = [], 0.0, 0.0, []
    for lesson in LESSONS:
        row = rows.get(lesson.assignment)
        marks.append(number(None if row is None else float(row["score"])))
        if row is not None:
            total += float(row["score"])
            maximum += float(row["max_score"])
            if row["needs_manual_grade"] == "true":
                waiting.append(lesson.assignment)
    return marks, total, maximum, waiting


def canvas(grades: list[Row]) -> Sheet:
    header = [*CANVAS_IDENTITY, *map(column, LESSONS), "Final Points"]
    maxima = lesson_maxima(grades)
    possible = [maxima.get(lesson.assignment) for lesson in LESSONS]
    rows = [["Points Possible", "", "", "", "", *map(number, possible), ""]]
    for student, lessons in by_student(grades).items():
        marks, total, _, _ = student_scores(lessons)
        rows.append(["", "", "", student, "", *marks, number(total)])
    return header, rows


def moodle(grades: list[Row]) -> Sheet:
    header = ["Username", *map(column, LESSONS), "Course total"]
    rows = []
    for student, lessons in by_student(grades).items():
        marks, total, _, _ = student_scores(lessons)
        rows.append([student, *marks, number(total)])
    return header, rows


def wide(grades: list[Row]) -> Sheet:
    header = [
        "student_id",
        *(lesson.assignment for lesson in LESSONS),
        "total",
        "max_total",
        "needs_manual_grade",
    ]
    rows = []
    for student, lessons in by_student(grades).items():
        marks, total, maximum, waiting = student_scores(lessons)
        rows.append([student, *marks, number(total), number(maximum), " ".join(waiting)])
    return header, rows


BUILDERS = {"canvas": canvas, "moodle": moodle, "wide": wide}


def export(
    out: str | Path,
    fmt: str,
    to: str | Path | None = None,
    say: Callable[[str], object] = print,
) -> int:
    """Write OUT's grades in format `fmt` to `to` (default OUT/export-FMT.csv); return 0."""
    out = Path(out)
    grades = read_csv(out / "grades.csv")
    if not grades:
        raise CourseError(f"{out / 'grades.csv'} has no grades: run course grade first")
    header, rows = BUILDERS[fmt](grades)
    target = Path(to) if to else out / f"export-{fmt}.csv"
    with target.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        # Every cell as report writes it: never the start of a spreadsheet formula.
        for row in rows:
            writer.writerow([safe_cell(name, cell) for name, cell in zip(header, row, strict=True)])
    waiting = {row["student_id"] for row in grades if row["needs_manual_grade"] == "true"}
    say(f"{len(by_student(grades))} students written to {target}")
    if waiting:
        say(
            f"note: {len(waiting)} students have written answers not yet graded by hand; "
            "their scores will rise once you grade them in the formgrader and re-run course grade"
        )
    return 0
