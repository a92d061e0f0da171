"""``course grade SUBMISSIONS --out OUT``: grade a whole class, in parallel, with real nbgrader.

For every student and lesson:

1. the work is found (:mod:`autograder.grading.submissions`) and staged as nbgrader's
   ``submitted/<student>/<assignment>/``, other lessons' modules replaced by the release's
   so that a lesson is graded on its own functions only;
2. a worker grades it (:mod:`autograder.grading.worker`): the trusted re-check, then
   ``nbgrader autograde``, their verdicts reconciled; on this machine's pool
   (:mod:`autograder.grading.pool`) or on Dask (:mod:`autograder.grading.cluster`);
3. the parent, the only writer of OUT and of the course gradebook, stores what the worker
   returned (:func:`store`): the feedback page, the graded notebook, the rows.

The stages pass plain data (:mod:`autograder.grading.records`) and import only the stages
below them: this module is the top of the grading, and nothing of it imports this one
but the command line and the demo.

Nothing a submission does can stop the batch: every failure becomes a status or a
recorded problem for that student and lesson.
"""

import os
import secrets
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import datetime
from pathlib import Path

import nbformat
from nbformat.warnings import DuplicateCellId
from nbgrader.api import Gradebook
from nbgrader.utils import parse_utc

from autograder.authoring import course as course_layout
from autograder.authoring.release import helpers_for, outside_repository
from autograder.errors import CourseError
from autograder.grading import (
    LATE_POLICIES,
    classreport,
    gradebook,
    lms,
    report,
    similarity,
    term,
)
from autograder.grading.pool import run_pool
from autograder.grading.records import MAX_NOTEBOOK, MAX_TIMESTAMP, Graded, Problem, Task
from autograder.grading.submissions import Work, discover, files_date
from autograder.grading.worker import failed, not_graded
from autograder.lessons import LESSONS, Lesson, chosen
from autograder.sandbox import files, jail
from autograder.sandbox.printable import printable
from solutions.helpers.judge import Status


def stage(work: Work, course_dir: Path) -> list[str]:
    """Copy one lesson's work to nbgrader's submitted/ tree; the files it skipped.

    Only regular files are copied, never through a link (:mod:`autograder.sandbox.files`): a
    link, pipe or hard link in a submission is skipped and named. Raises ValueError if
    the work is unusable.
    """
    lesson, handed_in = work.lesson, work.notebook
    if handed_in is None:
        raise ValueError(f"{lesson.assignment} has no notebook to stage")
    folder = course_dir / "submitted" / work.student / lesson.assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    text = files.read_regular(handed_in, MAX_NOTEBOOK)
    if text is None:
        raise ValueError(f"{handed_in.name} is not a regular file")
    try:
        with warnings.catch_warnings():
            # nbformat repairs duplicate cell ids and says so; the repaired copy is graded.
            warnings.simplefilter("ignore", DuplicateCellId)
            notebook = nbformat.reads(text.decode(), as_version=4)
    except Exception as exc:  # any way a file can fail to be a notebook
        raise ValueError(f"{handed_in.name} is not a valid notebook: {exc}") from None
    nbformat.write(notebook, folder / lesson.notebook)
    copies = [(handed_in.parent / name, folder) for name in term.EXCHANGE_FILES]
    if work.helpers is not None:
        (folder / "helpers").mkdir()
        copies += [(path, folder / "helpers") for path in sorted(work.helpers.glob("*.py"))]
    skipped = [
        path.name
        for path, into in copies
        if os.path.lexists(path) and not files.copy_regular(path, into / path.name)
    ]
    if work.helpers is not None:
        released = helpers_for(lesson)
        for name in course_files(released, lesson):
            (folder / "helpers" / name).write_text(released[name])
    return skipped


def course_files(released: dict[str, str], lesson: Lesson) -> list[str]:
    """The helpers files staged from the release, whatever the submission holds: other
    lessons' modules, the given ones (the judge and its tools, which the notebook's
    graded cells run, so that a stale or edited copy cannot make an honest notebook
    disagree with the re-check) and the public cases. The lesson's own module and
    ``__init__.py`` stay the student's."""
    own = {f"{lesson.module}.py", "__init__.py"}
    return [name for name in released if name not in own]


def write_autograded(course: Path, task: Task, notebook: bytes, page: str | None) -> None:
    """The graded notebook a worker with a course of its own sent back, in the parent's
    course as nbgrader would have left it: the staged files, the notebook graded, and
    its feedback page (the formgrader shows them)."""
    folder = course / "autograded" / task.student / task.assignment
    jail.remove_tree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    files.copy_regular_tree(course / "submitted" / task.student / task.assignment, folder)
    (folder / task.lesson.notebook).write_bytes(notebook)
    if page is not None:
        path = course / "feedback" / task.student / task.assignment / f"{task.lesson.slug}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page)


def write_feedback_page(out: Path, task: Task, page: str) -> None:
    """OUT/feedback/<student>/<assignment>.html, from the page the worker sent back."""
    target = out / "feedback" / task.student / f"{task.assignment}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page)


def store(
    graded: Graded,
    gb: Gradebook,
    results: report.Results,
    out: Path | None = None,
    course: Path | None = None,
    term_course: Path | None = None,
) -> None:
    """Store one lesson: its feedback in `out` and, if a worker graded it in a course of its
    own, its graded notebook in `course`; then the gradebook and the rows, and with
    `term_course` (``--course-dir``) the graded notebook, verdicts and feedback there. If
    the gradebook refuses it, the rows say so and the gradebook is left as it was.

    The only writer of OUT, for local and Dask workers alike."""
    try:
        if out is not None and graded.feedback_html is not None:
            write_feedback_page(out, graded.task, graded.feedback_html)
        if course is not None and graded.autograded is not None:
            write_autograded(course, graded.task, graded.autograded, graded.feedback_html)
        if term_course is not None and course is not None:
            term.publish(term_course, course, graded)
        results.add_graded(graded, gb)
    except Exception as exc:  # storing one submission must not stop the rest
        gb.db.rollback()  # whatever of it was half-written
        error = failed(graded.task, f"its scores could not be stored: {type(exc).__name__}: {exc}")
        results.add(
            error.task,
            error.checks,
            gb,
            stored=False,
            notebook_run=error.notebook_run,
            problems=error.problems,
        )


def admit(work: Work, task: Task, course: Path, gb: Gradebook, results: report.Results) -> bool:
    """Stage one lesson's work for grading (True), or record why there is nothing to grade."""
    if work.notebook is None:
        message = f"{task.assignment} was not submitted: no {work.lesson.notebook}"
        with suppress(gradebook.MissingEntry):
            gb.remove_submission(task.assignment, task.student)
        results.add(task, not_graded(task, Status.MISSING, message), gb, stored=False)
        return False
    skipped = stage(work, course)
    if skipped:
        message = f"not a regular file, not copied: {', '.join(skipped)}"
        results.problems.append(Problem(task.student, task.assignment, message))
    if work.helpers is None:
        checks = not_graded(task, Status.MISSING, "no helpers/ folder in the submission")
        results.add(task, checks, gb, notebook_run="not run: no helpers/")
        return False
    return True


def submitted_at(work: Work, problems: list[Problem]) -> datetime | None:
    """When `work` was submitted, in UTC, from its ``timestamp.txt``, else from its files'
    dates where they say it (:attr:`autograder.grading.submissions.Work.dated`); None if unknown.

    A timestamp that does not parse is recorded as a problem, and the work counts as
    undated rather than late.
    """
    path = None if work.notebook is None else work.notebook.parent / "timestamp.txt"
    if path is None or not os.path.lexists(path):
        return files_date(work) if work.dated and work.notebook else None
    try:
        text = files.read_regular(path, MAX_TIMESTAMP)
        return None if text is None else parse_utc(text.decode().strip())
    except (ValueError, UnicodeDecodeError, OverflowError) as exc:
        assignment = work.lesson.assignment
        message = f"timestamp.txt is not a date and time ({printable(str(exc), 100)})"
        problems.append(Problem(work.student, assignment, message))
        return None


def choose_seed(out: Path, seed: int | None) -> int:
    """The given seed, else the one this OUT was graded with, else a fresh secret one."""
    if seed is not None:
        return seed
    return report.read_run(out).get("seed") or secrets.randbits(63)  # fits a CSV's int64


def grade(
    submissions: Path | None,
    out: Path | None,
    lessons: Iterable[int] = (),
    workers: int | None = None,
    cell_timeout: int = jail.CELL_TIMEOUT,
    db_url: str | None = None,
    students: Iterable[str] = (),
    seed: int | None = None,
    limits: dict[str, int] | None = None,
    roster: str | Path | None = None,
    due: dict[int, datetime] | None = None,
    late_policy: str = LATE_POLICIES[0],
    cluster: str | None = None,
    course_dir: Path | None = None,
    say: Callable[[str], object] = print,
) -> int:
    """Grade every submission in `submissions` into `out`; return the exit status.

    `limits` overrides the sandbox's resource limits (:data:`jail.LIMITS`); `roster`
    is the path of a CSV that maps an LMS download's names to student ids (:mod:`lms`).
    `due` gives lesson numbers their due dates (UTC datetimes); a submission's time is
    its ``timestamp.txt`` (nbgrader's exchange writes one), and `late_policy`
    (:data:`LATE_POLICIES`) says what lateness costs. `cluster` is the address
    of a Dask scheduler (:mod:`autograder.grading.cluster`) to grade on instead of local workers.
    With `course_dir`, a course laid out by ``course release``, `submissions` is its
    ``submitted/``, `out` is its ``grades/`` unless given, the gradebook its own, and each
    graded submission is published there (:mod:`autograder.grading.term`).
    """
    term_course = None if course_dir is None else Path(course_dir).resolve()
    if term_course is not None:
        submissions, out, db_url = term.grading_paths(term_course, out, db_url)
    if submissions is None or out is None:
        raise CourseError("grade SUBMISSIONS --out OUT, or a course with --course-dir")
    if late_policy not in LATE_POLICIES:
        raise CourseError(f"the late policy must be one of {', '.join(LATE_POLICIES)}")
    submissions, out = Path(submissions).resolve(), outside_repository(out)
    if not submissions.is_dir():
        raise CourseError(f"{submissions} is not a folder of submissions")
    if out == submissions or submissions in out.parents or out in submissions.parents:
        raise CourseError("SUBMISSIONS and --out must be separate folders")
    course_layout.private(out)
    seed = choose_seed(out, seed)
    db_url = db_url or gradebook.sqlite_url(out / "gradebook.db")
    numbers = sorted(set(lessons)) or [lesson.number for lesson in LESSONS]
    course = out / "course"
    unprotected = [] if cluster else jail.missing_protections()  # a cluster's: its workers'
    if unprotected:
        say(
            f"warning: student code will run without {', '.join(unprotected)} here; "
            "the trusted re-check still decides every score (see autograder/SECURITY.md)"
        )
    names = lms.read_roster(roster) if roster else None  # a bad roster stops us before the work
    say(f"Preparing the nbgrader course in {course} ...")
    template = gradebook.prepare_course(course, db_url)
    works, problems = discover(submissions, out / "unpacked", set(students), names)
    missing = set(students) - {work.student for work in works} - {p.student for p in problems}
    if missing:
        raise CourseError(f"no submission for {', '.join(sorted(missing))} in {submissions}")
    results = report.Results(seed, problems, late_policy)
    with gradebook.open_gradebook(db_url) as gb:
        gradebook.set_due_dates(gb, due or {})
        tasks = []
        for work in (w for w in works if w.lesson.number in numbers):
            when = submitted_at(work, results.problems)
            scores, comments = gradebook.hand_graded(gb, work.lesson, work.student)
            hand = tuple((name, *given) for name, given in scores.items())
            found = (work.student, work.lesson.number, work.source.name, when)
            task = Task(*found, hand, tuple(comments.items()))
            try:
                if admit(work, task, course, gb, results):
                    tasks.append(task)
            except Exception as exc:  # whatever one submission holds, it costs that lesson
                reason = f"{exc}" if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
                store(failed(task, f"it could not be staged: {reason}"), gb, results)
        # The run's temp folder: the workers' own are inside, and it goes with the run.
        temp = tempfile.mkdtemp(prefix="course-grade-")
        start = (course, template, seed, cell_timeout, limits or {}, temp)
        try:
            with report.progress(len(tasks), say) as advance:

                def done(graded: Graded) -> None:
                    store(graded, gb, results, out, course, term_course)
                    advance(f"{graded.task.student} {graded.task.assignment}")

                order = sorted(tasks, key=lambda t: -t.number)
                if cluster:
                    from autograder.grading import cluster as dask_cluster

                    dask_cluster.run(order, cluster, course, seed, cell_timeout, limits, done, say)
                else:
                    run_pool(order, workers or os.cpu_count() or 1, start, done)
        finally:
            jail.remove_tree(temp)
    scope = report.Scope({lesson.assignment for lesson in chosen(numbers)}, set(students))
    results.write(out, scope)
    report.summary(out, say)
    similarity.report(out, course, say)
    classreport.write(out, say=say)
    return 0
