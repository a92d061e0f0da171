"""The instructor's term on one nbgrader course, safe on a machine students share.

``course release --course-dir C`` lays the course out, readable by the instructor
only, and names the course id and the exchange in its ``nbgrader_config.py``
(:mod:`autograder.authoring.course`); students fetch and submit through nbgrader's
exchange, outside C, with nbgrader's own permissions. ``course grade --course-dir C``
grades what ``nbgrader collect`` put in ``C/submitted/`` into C's gradebook, and
publishes each graded notebook, its trusted verdicts and its feedback into C, where the
formgrader and ``nbgrader release_feedback`` find them. The notebooks run in a grading
course of its own, ``C/grades/course``, so that ``C/submitted/`` stays exactly as the
students sent it: ``release_feedback`` and ``fetch_feedback`` match feedback to it.

nbgrader's own steps on C are safe by construction: ``source/`` holds the students'
stubs, never a reference helper, so "Generate" and ``generate_assignment`` publish no
solution; "Generate Feedback" runs the course's feedback path
(:mod:`autograder.grading.feedback`); and "Autograde" refuses, naming ``course grade``
(:class:`RefusedAutograde`), because nbgrader's autograde alone trusts the notebook's
own scores.
"""

from pathlib import Path
from typing import Any

from nbconvert.exporters import NotebookExporter
from nbgrader.converters.base import NbGraderException

from autograder.errors import CourseError
from autograder.grading import feedback, gradebook
from autograder.grading.records import Graded
from autograder.sandbox import files, jail

# Files of a submission that nbgrader's exchange wrote and its feedback steps read:
# when it was submitted, and the secret that names its feedback in the exchange.
EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")
MAX_EXCHANGE_FILE = 2**10  # bytes: a date, or a 32-character hex secret
REFUSAL = (
    "This course's notebooks are graded by `course grade --course-dir {root}`, not by "
    "nbgrader's autograde: autograde alone trusts the scores the student's own notebook "
    "reports. `course grade` runs it in the sandbox, re-checks every function outside the "
    "notebook and keeps your hand grades."
)


class RefusedAutograde(NotebookExporter):
    """The exporter the course's config gives nbgrader's Autograde: it refuses to start.

    nbgrader builds its exporter before it touches any submission, gradebook entry or
    graded notebook, so the refusal leaves the course as it was. ``course grade``'s own
    workers set nbgrader's exporter back (:func:`autograder.grading.gradebook.config`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        converter = kwargs["parent"]
        message = REFUSAL.format(root=converter.coursedir.root)
        converter.log.error(message)  # nbgrader's command line exits on the exception silently
        raise NbGraderException(message)


def grading_paths(course_dir: Path, out: Path | None, db_url: str | None) -> tuple[Path, Path, str]:
    """(SUBMISSIONS, OUT, gradebook URL) of ``course grade --course-dir C``: what
    ``nbgrader collect`` gathered, C/grades (unless OUT is given), C's gradebook."""
    if not (course_dir / "nbgrader_config.py").is_file():
        raise CourseError(f"{course_dir} is not a course: lay it out with `course release`")
    out = Path(out) if out else course_dir / "grades"
    return (
        course_dir / "submitted",
        out,
        db_url or gradebook.sqlite_url(course_dir / "gradebook.db"),
    )


def publish(course_dir: Path, grading_course: Path, graded: Graded) -> None:
    """Put one graded submission where nbgrader looks for it in the course: the graded
    notebook (the formgrader shows it, "Generate Feedback" reads it), the trusted
    verdicts, and the feedback page with the exchange's files (``release_feedback``)."""
    task = graded.task
    autograded = Path(course_dir) / "autograded" / task.student / task.assignment
    page = Path(course_dir) / "feedback" / task.student / task.assignment
    for folder in (autograded, page):
        jail.remove_tree(folder)
    ran = Path(grading_course) / "autograded" / task.student / task.assignment
    if not ran.is_dir():
        return
    autograded.parent.mkdir(parents=True, exist_ok=True)
    files.copy_regular_tree(ran, autograded)
    feedback.write_verdicts(course_dir, graded.checks)
    if graded.feedback_html is None:
        return
    page.mkdir(parents=True)
    (page / f"{task.lesson.slug}.html").write_text(graded.feedback_html)
    for name in EXCHANGE_FILES:
        text = files.read_regular(autograded / name, MAX_EXCHANGE_FILE)
        if text is not None:
            (page / name).write_bytes(text)
