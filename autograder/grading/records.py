"""The plain data that passes between the stages of ``course grade``.

Intake (:mod:`~autograder.grading.submissions`) finds the work and records a
:class:`Problem` for what it cannot use; the batch (:mod:`~autograder.grading.batch`)
stages each lesson as a :class:`Task`; a worker, local (:mod:`~autograder.grading.worker`)
or on Dask (:mod:`~autograder.grading.cluster`), grades it into a :class:`Graded`, with one
:class:`Check` per graded function; the parent stores that in the gradebook and the
reports (:mod:`~autograder.grading.report`).

This module is the bottom of the package: it imports nothing of it, and every stage may
import it.
"""

from dataclasses import dataclass, field
from datetime import datetime

from autograder.lessons import LESSONS, Lesson

MAX_NOTEBOOK = 20 * 2**20  # bytes: a lesson notebook with its figures is under 2 MB
MAX_TIMESTAMP = 100  # bytes: nbgrader writes "2026-11-29 06:03:35.123456 UTC"
REJECTED = "rejected-entry-"  # the id of a SUBMISSIONS entry that is no student's
SLOW = "slow: "  # how a problem of a lesson that took far too long begins (submissions.csv)


@dataclass(frozen=True)
class Problem:
    """Something of a submission that could not be used, for submissions.csv."""

    student: str
    lesson: str  # an assignment name, or "" for the whole submission
    message: str


@dataclass(frozen=True)
class Task:
    """One student's staged work for one lesson, ready for a worker."""

    student: str
    number: int
    source: str  # the entry in SUBMISSIONS it came from
    timestamp: datetime | None = None  # when it was submitted, in UTC, if known
    # Hand grading of an earlier run, from the course gradebook, so that the feedback
    # the worker writes shows it: (grade id, score, extra credit), (comment id, text).
    hand_scores: tuple[tuple[str, float | None, float | None], ...] = ()
    comments: tuple[tuple[str, str | None], ...] = ()

    @property
    def lesson(self) -> Lesson:
        return LESSONS[self.number - 1]

    @property
    def assignment(self) -> str:
        return self.lesson.assignment


@dataclass(frozen=True)
class Check:
    """One row of checks.csv. The grade id of a function's test cell is its name."""

    student_id: str
    lesson: str
    grade_id: str
    score: float
    max_score: float
    status: str
    message: str

    def row(self) -> dict[str, str]:
        return {
            "student_id": self.student_id,
            "lesson": self.lesson,
            "grade_id": self.grade_id,
            "function": self.grade_id,
            "score": f"{self.score:g}",
            "max_score": f"{self.max_score:g}",
            "status": self.status,
            "message": self.message,
        }


@dataclass
class Graded:
    """What grading one task found: one check per function, and how the notebook ran.

    The same from a local worker and from a Dask worker: the parent stores it
    (:func:`autograder.grading.batch.store`) and writes every file of OUT from it.
    """

    task: Task
    checks: list[Check]
    notebook_run: str  # "ran", or why it did not
    helpers_sha256: str = ""
    feedback_html: str | None = None  # nbgrader's feedback page, neutralised
    problems: list[str] = field(default_factory=list)
    # The graded notebook, from a worker with a course of its own (a Dask worker), for the
    # parent's course (the formgrader shows it); None where the worker wrote it there itself.
    autograded: bytes | None = None

    @property
    def feedback(self) -> bool:
        return self.feedback_html is not None
