"""LMS downloads: Moodle's and Canvas' naming schemes, mapped to student ids by a roster.

The fixtures copy the LMSs' own naming: Moodle's "Download all submissions" gives a
folder ``<Full Name>_<participant id>_assignsubmission_file_`` per student; Canvas'
"Download Submissions" gives every uploaded file flat, as
``<sortablename>[_late]_<user id>_<submission id>_<file name>``, with ``-1`` before the
extension of a file uploaded again.
"""

import csv
import os
import shutil
import zipfile
from datetime import datetime, timezone

import pytest

from autograder.errors import CourseError
from autograder.grading import batch, gradebook, lms
from autograder.grading.demo import reference_helpers, working_copy
from autograder.grading.submissions import discover
from autograder.lessons import LESSONS, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

LESSON = LESSONS[0]


def write_roster(path, rows, columns=("student_id", "lms_id", "name")):
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


ROSTER = [
    {"student_id": "s1001", "lms_id": "4242", "name": "Ada Lovelace"},
    {"student_id": "s1002", "lms_id": "5151", "name": "Émile Borel"},
    {"student_id": "s1003", "lms_id": "", "name": "Grace Hopper"},
]


def moodle_folder(inbox, full_name, participant):
    """A Moodle submission folder holding the student's working copy as uploaded."""
    folder = inbox / f"{full_name}_{participant}_assignsubmission_file_"
    working_copy(folder, reference_helpers())
    return folder


def canvas_uploads(inbox, sortable, user, submission, late=False, files=None):
    """A student's files as Canvas names them, flat in the download folder."""
    late = "_late" if late else ""
    for name, text in (files or {}).items():
        (inbox / f"{sortable}{late}_{user}_{submission}_{name}").write_text(text)


def lesson_one_files(edit=""):
    helpers = reference_helpers()
    notebook = (ROOT / "lessons" / LESSON.notebook).read_text()
    return {LESSON.notebook: notebook, **helpers, "logits.py": helpers["logits.py"] + edit}


def test_a_moodle_folder_is_its_student_through_the_roster(inbox, tmp_path):
    moodle_folder(inbox, "Ada Lovelace", "4242")
    moodle_folder(inbox, "Émile Borel", "5151")
    roster = lms.read_roster(write_roster(tmp_path / "roster.csv", ROSTER))
    works, problems = discover(inbox, tmp_path / "unpacked", roster=roster)
    assert problems == []
    assert {work.student for work in works} == {"s1001", "s1002"}
    assert all(work.notebook is not None and work.helpers is not None for work in works)


def test_without_a_roster_the_lms_id_is_the_student_id(inbox, tmp_path):
    moodle_folder(inbox, "Ada Lovelace", "4242")
    works, problems = discover(inbox, tmp_path / "unpacked")
    assert problems == [] and {work.student for work in works} == {"4242"}


def test_canvas_files_are_gathered_per_student_and_the_latest_upload_wins(inbox, tmp_path):
    files = lesson_one_files()
    canvas_uploads(inbox, "lovelaceada", 4242, 901, files=files)
    # Grace uploaded logits.py twice (Canvas: logits-1.py) and was late; the roster knows
    # her by name only.
    canvas_uploads(inbox, "hoppergrace", 777, 902, late=True, files=files)
    canvas_uploads(inbox, "hoppergrace", 777, 902, late=True, files={"logits-1.py": "# again\n"})
    roster = lms.read_roster(write_roster(tmp_path / "roster.csv", ROSTER))
    works, problems = discover(inbox, tmp_path / "unpacked", roster=roster)
    assert problems == []
    lesson_one = {work.student: work for work in works if work.lesson is LESSON}
    assert set(lesson_one) == {"s1001", "s1003"}
    assert lesson_one["s1003"].notebook.name == LESSON.notebook
    assert (lesson_one["s1003"].helpers / "logits.py").read_text() == "# again\n"
    assert (lesson_one["s1001"].helpers / "logits.py").read_text() == files["logits.py"]


def test_a_canvas_zip_is_the_student_s_entry(inbox, tmp_path):
    copy = tmp_path / "copy"
    working_copy(copy, reference_helpers())
    shutil.make_archive(str(tmp_path / "work"), "zip", copy)
    shutil.copy(tmp_path / "work.zip", inbox / "lovelaceada_4242_901_lesson-work.zip")
    roster = lms.read_roster(write_roster(tmp_path / "roster.csv", ROSTER))
    works, problems = discover(inbox, tmp_path / "unpacked", roster=roster)
    assert problems == [] and {work.student for work in works} == {"s1001"}
    assert zipfile.is_zipfile(inbox / "lovelaceada_4242_901_lesson-work.zip")


def test_an_lms_entry_missing_from_the_roster_costs_that_entry_alone(inbox, tmp_path):
    moodle_folder(inbox, "Ada Lovelace", "4242")
    moodle_folder(inbox, "Mallory Intruder", "9999")
    roster = lms.read_roster(write_roster(tmp_path / "roster.csv", ROSTER))
    works, problems = discover(inbox, tmp_path / "unpacked", roster=roster)
    assert {work.student for work in works} == {"s1001"}
    assert [p.message for p in problems] == ["Mallory Intruder (LMS id 9999) is not in the roster"]
    assert problems[0].student.startswith("rejected-entry-")  # never the raw name


@pytest.mark.parametrize(
    ("rows", "columns", "problem"),
    [
        ([{"student_id": "a"}], ("student_id",), "needs a student_id column and lms_id or name"),
        (
            [{"student_id": "a", "lms_id": "1"}, {"student_id": "b", "lms_id": "1"}],
            ("student_id", "lms_id"),
            "line 3: 1 names two students",
        ),
    ],
    ids=["no-lms-column", "one-lms-id-two-students"],
)
def test_a_bad_roster_is_refused_with_its_reason(tmp_path, rows, columns, problem):
    path = write_roster(tmp_path / "roster.csv", rows, columns)
    with pytest.raises(CourseError, match=problem):
        lms.read_roster(path)


def test_a_roster_id_that_is_no_student_id_is_refused(inbox, tmp_path):
    moodle_folder(inbox, "Ada Lovelace", "4242")
    rows = [{"student_id": "=cmd|' /C calc'!A0", "lms_id": "4242", "name": ""}]
    roster = lms.read_roster(write_roster(tmp_path / "roster.csv", rows))
    works, problems = discover(inbox, tmp_path / "unpacked", roster=roster)
    assert works == [] and "is no student id" in problems[0].message


@pytest.fixture(scope="module")
def download(tmp_path_factory):
    """A Moodle and Canvas download graded once through a roster: (inbox, OUT, options).

    One Moodle folder on time, one Canvas student late with a wrong hardmax; lesson 1 is
    due at noon and lateness costs every point. The Moodle folder has nbgrader's
    timestamp.txt; the Canvas files have none, and their download's file dates say when.
    """
    root = tmp_path_factory.mktemp("download")
    inbox = root / "inbox"
    inbox.mkdir()
    ada = moodle_folder(inbox, "Ada Lovelace", "4242")
    (ada / "lessons" / "timestamp.txt").write_text("2026-12-01 11:59:00.000000 UTC")
    wrong = "\n\ndef hardmax(z, axis=-1):\n    return z\n"
    canvas_uploads(inbox, "borelemile", 5151, 903, late=True, files=lesson_one_files(wrong))
    one_pm = datetime(2026, 12, 1, 13, 0, tzinfo=timezone.utc).timestamp()
    for upload in inbox.glob("borelemile_*"):
        os.utime(upload, (one_pm, one_pm))
    roster = write_roster(root / "roster.csv", ROSTER)
    due = {1: datetime(2026, 12, 1, 12, 0)}
    quiet = lambda *args: None  # noqa: E731
    options = {"roster": roster, "due": due, "late_policy": "zero", "say": quiet, "lessons": [1]}
    assert batch.grade(inbox, root / "out", **options) == 0
    return inbox, root / "out", options


def test_moodle_and_canvas_downloads_are_graded_through_a_roster_with_due_dates(download):
    _, out, _ = download
    checks = {(r["student_id"], r["function"]): r["status"] for r in read(out / "checks.csv")}
    assert {student for student, _ in checks} == {"s1001", "s1002"}
    assert checks["s1001", "hardmax"] == "passed"
    assert checks["s1002", "hardmax"] == "failed"
    assert checks["s1002", "logit"] == "passed"
    submitted = {r["student_id"]: r for r in read(out / "submissions.csv")}
    assert submitted["s1001"]["seconds_late"] == "0"
    assert submitted["s1002"]["seconds_late"] == "3600"
    assert submitted["s1002"]["timestamp"].startswith("2026-12-01T13:00:00")
    grades = {r["student_id"]: float(r["score"]) for r in read(out / "grades.csv")}
    assert grades["s1001"] > 0 and grades["s1002"] == 0  # late: every point lost
    with gradebook.open_gradebook(gradebook.sqlite_url(out / "gradebook.db")) as gb:
        stored = gb.find_submission("lesson-01", "s1002")
        assert stored.total_seconds_late == 3600 and stored.late_submission_penalty > 0


def read(path):
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def test_a_re_grade_keeps_the_hand_grade_and_shows_it_in_the_feedback(download):
    """Grade the written answer by hand in the gradebook, re-grade: the feedback the
    student gets holds the hand grade and its comment, and grades.csv counts it."""
    inbox, out, options = download
    answer, comment = "logit-is-not-a-probability", "Clear, and the even odds are right."
    with gradebook.open_gradebook(gradebook.sqlite_url(out / "gradebook.db")) as gb:
        notebook = gradebook.submitted_notebook(gb, LESSON, "s1001")
        next(g for g in notebook.grades if g.name == answer).manual_score = 1.5
        next(c for c in notebook.comments if c.name == answer).manual_comment = comment
        gb.db.commit()
    before = {r["student_id"]: float(r["score"]) for r in read(out / "grades.csv")}["s1001"]
    assert batch.grade(inbox, out, students=["s1001"], **options) == 0
    after = {r["student_id"]: float(r["score"]) for r in read(out / "grades.csv")}["s1001"]
    assert after == before + 1.5
    feedback = (out / "feedback" / "s1001" / "lesson-01.html").read_text()
    assert comment in feedback
    assert f"{after:g} / " in feedback or f"{after} / " in feedback, "the total with the hand grade"


def test_two_canvas_students_mapped_to_one_id_are_refused_without_mixing_files(inbox, tmp_path):
    rows = [
        {"student_id": "s1001", "lms_id": "4242", "name": ""},
        {"student_id": "s1001", "lms_id": "4343", "name": ""},  # the roster's mistake
    ]
    canvas_uploads(inbox, "lovelaceada", 4242, 901, files={"logits.py": "# ada's\n"})
    canvas_uploads(inbox, "byronada", 4343, 902, files={"logits.py": "# someone else's\n"})
    roster = lms.read_roster(write_roster(tmp_path / "roster.csv", rows))
    works, problems = discover(inbox, tmp_path / "unpacked", roster=roster)
    assert {work.student for work in works} == {"s1001"}
    assert len(problems) == 1 and "both claim it" in problems[0].message
    kept = {(work.helpers / "logits.py").read_text() for work in works if work.helpers}
    # The first in the download's order is kept, with its own file: the refused one's
    # gathering did not land on top of it.
    assert kept == {"# someone else's\n"}


@pytest.mark.parametrize("name", [".", ".."])
def test_a_canvas_upload_named_dot_or_dot_dot_is_a_skipped_entry_alone(inbox, tmp_path, name):
    """Canvas keeps an upload's own name after its prefix; "." and ".." name no file."""
    files = lesson_one_files()
    canvas_uploads(inbox, "lovelaceada", 4242, 901, files=files)
    canvas_uploads(inbox, "lovelaceada", 4242, 901, files={name: "# not a file's name\n"})
    works, problems = discover(inbox, tmp_path / "unpacked")
    lesson_one = [work for work in works if work.lesson is LESSON]
    assert [work.student for work in lesson_one] == ["4242"]  # graded on the rest of her files
    assert (lesson_one[0].helpers / "logits.py").read_text() == files["logits.py"]
    [problem] = problems
    assert problem.message == (
        f'"lovelaceada_4242_901_{name}" is skipped: Canvas names this upload "{name}", '
        "which is no file's name; ask the student to upload it again under its own name"
    )
    assert problem.student.startswith("rejected-entry-")  # never the raw name
    # Nothing of it was written, in her gathered folder or beside it.
    assert [p.name for p in (tmp_path / "unpacked" / "canvas").iterdir()] == ["4242"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inbox", "unpacked"]
