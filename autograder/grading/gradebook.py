"""The nbgrader side of ``course grade``: the course directory, the gradebooks, feedback.

nbgrader is the engine: its ``generate_assignment`` records the grade cells, its
``autograde`` runs each notebook, its ``generate_feedback`` writes the HTML, and its
:class:`~nbgrader.api.Gradebook` holds the scores. They are driven through nbgrader's
Python API, so that a worker pays nbgrader's start-up once, not once per notebook.

nbgrader cannot autograde in parallel into one SQLite file (jupyter/nbgrader#174), so
each worker autogrades into a gradebook of its own, a copy of the empty template, and
the parent process alone writes the course's gradebook (SQLite or PostgreSQL).
"""

import functools
import hashlib
import json
import os
import shutil
import sys
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from sqlalchemy.exc import SAWarning
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder.authoring.release import write_course
from autograder.errors import CourseError
from autograder.grading import LATE_POLICIES
from autograder.grading.records import Task
from autograder.lessons import LESSONS, ROOT, Lesson

# Hand grading: {grade id: (manual score, extra credit)} and {grade id: comment}.
HandScores = dict[str, tuple[float | None, float | None]]
Comments = dict[str, str | None]


def with_alembic_on_path() -> None:
    """nbgrader runs `alembic` when it creates a gradebook (docs/architecture.md)."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def config(course_dir: Path, db_url: str, cell_timeout: int | None = None) -> Config:
    """The course's nbgrader_config.py, pointed at `db_url`.

    Nothing of the feedback is set here: the course's config names its preprocessors
    and exporter (:mod:`autograder.grading.feedback`), so the formgrader's buttons use them too.
    """
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    cfg.CourseDirectory.root = str(course_dir)
    cfg.CourseDirectory.db_url = db_url
    # The course's config refuses a bare autograde (autograder/term.py); here it is one
    # step of `course grade`, sandboxed and re-checked: nbgrader's own exporter.
    cfg.Autograde.exporter_class = "nbconvert.exporters.NotebookExporter"
    if cell_timeout is not None:
        cfg.Execute.timeout = cell_timeout
    return cfg


def api(course_dir: Path, db_url: str, cell_timeout: int | None = None) -> NbGraderAPI:
    cfg = config(course_dir, db_url, cell_timeout)
    return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)


def succeeded(result: dict[str, Any], what: str) -> None:
    if not result["success"]:
        raise CourseError(f"nbgrader {what} failed:\n{result.get('error') or result.get('log')}")


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def generate(course_dir: Path, db_url: str) -> None:
    """nbgrader generate_assignment for every lesson: the assignments and grade cells."""
    grader = api(course_dir, db_url)
    for lesson in LESSONS:
        succeeded(grader.generate_assignment(lesson.assignment), "generate")
    # The release/ this writes as a side effect would hold the reference solutions in .py
    # form, and it is not for students: `course release` is what makes theirs.
    shutil.rmtree(course_dir / "release", ignore_errors=True)


def fingerprint(folder: Path, pattern: str = "**/*") -> str:
    """One digest of the files under `folder` matching `pattern`: their names and contents."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.glob(pattern) if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def sqlite_path(db_url: str) -> Path | None:
    return Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite:///") else None


def prepare_course(course_dir: Path, db_url: str) -> Path:
    """Lay out the grading course, and record its assignments in a template and in `db_url`.

    Returns the template gradebook: the assignments and their grade cells, no students.
    Generating takes seconds, so it is redone only when the course's source changed,
    and a new SQLite gradebook starts as a copy of the template.
    """
    with_alembic_on_path()
    write_course(course_dir, db_url)
    source = fingerprint(course_dir / "source")
    record_path = course_dir / "prepared.json"
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    template = course_dir / "template.db"
    if record.get("template") != source or not template.exists():
        template.unlink(missing_ok=True)
        generate(course_dir, sqlite_url(template))
        record = {"template": source}
    key = hashlib.sha256(db_url.encode()).hexdigest()  # not the URL: it may hold a password
    path = sqlite_path(db_url)
    if path is not None and not path.exists():
        shutil.copyfile(template, path)
    elif record.get(key) != source:
        generate(course_dir, db_url)
    record[key] = source
    record_path.write_text(json.dumps(record, indent=1) + "\n")
    return template


@functools.cache  # asked once per graded submission; the notebook does not change
def points(lesson: Lesson) -> dict[str, float]:
    """{grade id: points} of the lesson's autograded cells and its hand-graded ones."""
    nb = nbformat.read(ROOT / "solutions" / lesson.notebook, as_version=4)
    cells = [c.metadata.nbgrader for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    return {c["grade_id"]: float(c["points"]) for c in cells}


def submitted_notebook(gb: Gradebook, lesson: Lesson, student: str) -> Any:
    """The student's notebook for `lesson` in the gradebook, or None."""
    try:
        return gb.find_submission_notebook(lesson.slug, lesson.assignment, student)
    except MissingEntry:
        return None


def kernel_scores(gb: Gradebook, lesson: Lesson, student: str) -> dict[str, float] | None:
    """{grade id: auto score} from the notebook run, or None if it left no submission."""
    nb = submitted_notebook(gb, lesson, student)
    return None if nb is None else {grade.name: grade.auto_score for grade in nb.grades}


def set_auto_scores(gb: Gradebook, lesson: Lesson, student: str, scores: dict[str, float]) -> None:
    """Write the trusted scores as the auto scores of the matching grade cells."""
    assignment = lesson.assignment
    for name, score in scores.items():
        grade = gb.find_grade(name, lesson.slug, assignment, student)
        grade.auto_score = score
        grade.needs_manual_grade = False
    gb.db.commit()


def set_hand_grades(
    gb: Gradebook, lesson: Lesson, student: str, scores: HandScores, comments: Comments
) -> None:
    """Write hand grading ({cell: (score, extra credit)}, {cell: comment}) into a gradebook."""
    nb = submitted_notebook(gb, lesson, student)
    for grade in nb.grades:
        if scores.get(grade.name, (None, None)) != (None, None):
            grade.manual_score, grade.extra_credit = scores[grade.name]
            grade.needs_manual_grade = False
    for comment in nb.comments:
        if comments.get(comment.name) is not None:
            comment.manual_comment = comments[comment.name]
    gb.db.commit()


def hand_graded(gb: Gradebook, lesson: Lesson, student: str) -> tuple[HandScores, Comments]:
    """Hand grading of an earlier run: ({cell: (score, extra credit)}, {cell: comment})."""
    nb = submitted_notebook(gb, lesson, student)
    if nb is None:
        return {}, {}
    scores = {g.name: (g.manual_score, g.extra_credit) for g in nb.grades}
    return scores, {c.name: c.manual_comment for c in nb.comments}


def add_submission(gb: Gradebook, assignment: str, student: str) -> None:
    """nbgrader's add_submission, quiet about its own ORM use.

    It builds the submission's rows before adding them to the session, which
    SQLAlchemy reports as a warning; the rows are added right after, and nbgrader's
    own autograde does the same.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Object of type", SAWarning)
        gb.add_submission(assignment, student)


def store(
    gb: Gradebook,
    lesson: Lesson,
    task: Task,
    auto_scores: dict[str, float],
    flagged: bool = False,
    late_policy: str = LATE_POLICIES[0],
) -> tuple[float, float, bool, float]:
    """(Re)write one submission in the course gradebook, keeping any grading done by hand.

    `flagged` sets the formgrader's "Flagged?" mark: a ``tamper_suspect`` for the
    instructor to look at. The submission's time is the task's; against the lesson's due
    date, `late_policy` decides the penalty. Returns (score less the penalty, max score,
    needs manual grade, seconds late).
    """
    student, assignment = task.student, lesson.assignment
    gb.update_or_create_student(student)
    scores, comments = hand_graded(gb, lesson, student)
    try:
        gb.remove_submission(assignment, student)
    except MissingEntry:
        pass
    add_submission(gb, assignment, student)
    nb = submitted_notebook(gb, lesson, student)
    for grade in nb.grades:
        grade.auto_score = auto_scores.get(grade.name)
        grade.manual_score, grade.extra_credit = scores.get(grade.name, (None, None))
        grade.needs_manual_grade = grade.name not in auto_scores and grade.manual_score is None
    for comment in nb.comments:
        comment.manual_comment = comments.get(comment.name)
    nb.flagged = flagged
    submission = gb.find_submission(assignment, student)
    submission.timestamp = task.timestamp
    gb.db.commit()
    late = submission.total_seconds_late
    nb.late_submission_penalty = nb.score if late > 0 and late_policy == "zero" else None
    gb.db.commit()
    score = submission.score - submission.late_submission_penalty
    return score, submission.max_score, submission.needs_manual_grade, late


def set_due_dates(gb: Gradebook, due: dict[int, datetime]) -> None:
    """Give each lesson number in `due` its due date (a datetime in UTC) in the gradebook."""
    for lesson in LESSONS:
        if lesson.number in due:
            gb.update_or_create_assignment(lesson.assignment, duedate=due[lesson.number])


def lesson_max_score(gb: Gradebook, lesson: Lesson) -> float:
    return gb.find_assignment(lesson.assignment).max_score


def open_gradebook(db_url: str) -> Gradebook:
    with_alembic_on_path()
    return Gradebook(db_url)
