"""``course grade SUBMISSIONS --out OUT``: grade a whole class, in parallel, with real nbgrader.

For every student and lesson:

1. the work is found (:mod:`autograder.grading.submissions`) and staged as nbgrader's
   ``submitted/<student>/<assignment>/``, other lessons' modules replaced by the release's
   so that a lesson is graded on its own functions only;
2. a worker re-checks every graded function in a sandboxed child
   (:mod:`autograder.sandbox.trusted`): the score that counts;
3. the worker runs real ``nbgrader autograde`` into a gradebook of its own, under a
   per-notebook time limit; its kernel judges the public cases only, and holds no
   reference, no hidden case and no seed;
4. where the notebook's verdict on the public cases and the re-check's on the same
   cases differ, the status is ``tamper_suspect``; the trusted scores are written over
   the auto scores and nbgrader
   writes the feedback, without hidden tests or their tracebacks;
5. the parent, the only writer of the course gradebook, stores the submission.

Nothing a submission does can stop the batch: every failure becomes a status or a
recorded problem for that student and lesson.
"""

import json
import os
import secrets
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

import nbformat
import psutil
from nbformat.warnings import DuplicateCellId
from nbgrader.api import Gradebook
from nbgrader.utils import parse_utc
from sqlalchemy.exc import SAWarning

from autograder.authoring import course as course_layout
from autograder.authoring.release import helpers_for, outside_repository
from autograder.checks.hidden import seed_for
from autograder.errors import CourseError
from autograder.grading import LATE_POLICIES, feedback, gradebook, lms, report, similarity, term
from autograder.grading.submissions import Problem, Work, discover, files_date
from autograder.lessons import LESSONS, ROOT, Lesson, chosen
from autograder.sandbox import files, jail, kernel, kernel_zygote, trusted
from autograder.sandbox.printable import printable
from solutions.helpers.judge import Outcome, Status

T = TypeVar("T")
NOTEBOOK_TIMEOUTS = 10  # a whole notebook may take this many cell timeouts
MAX_NOTEBOOK = 20 * 2**20  # bytes: a lesson notebook with its figures is under 2 MB
MAX_TIMESTAMP = 100  # bytes: nbgrader writes "2026-11-29 06:03:35.123456 UTC"
# bytes of a feedback page: the notebook's output is capped at 2 MB, the page adds the
# template and the neutralised cells around it
MAX_FEEDBACK = 64 * 2**20
KILL_WAIT = 10  # seconds for killed processes to be gone before their files are removed
# A lesson is flagged slow when its trusted re-check takes over SLOW_FACTOR times the
# reference's plus SLOW_MARGIN seconds (start-up noise on a loaded machine), or its
# notebook over SLOW_NOTEBOOK of the watchdog's budget. An honest lesson takes about
# 0.1 s to re-check and 12 s to run; functions that each sleep just under their limit,
# 50 s and 5 minutes.
SLOW_FACTOR, SLOW_MARGIN, SLOW_NOTEBOOK = 10, 10, 0.5


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


@dataclass
class Graded:
    """What grading one task found: one check per function, and how the notebook ran.

    Plain data, the same from a local worker and from a Dask worker: the parent stores it
    (:func:`store`) and writes every file of OUT from it.
    """

    task: Task
    checks: list[report.Check]
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


def sha256_of(helpers: Path) -> str:
    """The digest of a package's .py files: which code was graded."""
    return gradebook.fingerprint(helpers, "*.py")


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


# -- the worker side ------------------------------------------------------------------

WORKER: dict[str, Any] = {}


def start_worker(
    course_dir: Path,
    template: Path,
    seed: int,
    cell_timeout: int,
    limits: dict[str, int],
    temp: str | Path,
    log: bool = True,
) -> None:
    """Give this worker process its own gradebook, nbgrader API and temp folder, once.

    With `log`, this process's standard error goes to a log beside its gradebook (a
    local worker's, so that the terminal keeps the progress bar); a Dask worker keeps its
    own, where its logs go.
    """
    # Everything this worker and what it starts (nbgrader's kernels, their sockets and
    # homes, the re-check's folders) put in the temp folder lands in a folder of the run's
    # own, emptied after each submission and removed with the run.
    own = Path(temp) / f"worker-{os.getpid()}"
    own.mkdir()
    os.environ["TMPDIR"] = tempfile.tempdir = str(own)
    database = course_dir / "workers" / f"{os.getpid()}.db"
    database.parent.mkdir(exist_ok=True)
    shutil.copyfile(template, database)
    # nbgrader, SQLAlchemy and every kernel write to this process's stderr: keep the
    # terminal for the progress bar, and the chatter in a log beside the gradebook.
    if log:
        with database.with_suffix(".log").open("a") as chatter:
            os.dup2(chatter.fileno(), 2)
    warnings.simplefilter("ignore", SAWarning)  # see gradebook.add_submission
    os.environ.update(jail.ONE_THREAD)
    kernel_limits = {"RLIMIT_CPU": cell_timeout * NOTEBOOK_TIMEOUTS, **limits}
    os.environ[kernel.LIMITS_VARIABLE] = json.dumps(kernel_limits)
    WORKER.update(
        limits=limits,
        course=course_dir,
        seed=seed,
        url=gradebook.sqlite_url(database),
        api=gradebook.api(course_dir, gradebook.sqlite_url(database), cell_timeout),
        notebook_timeout=cell_timeout * NOTEBOOK_TIMEOUTS,
    )
    # Every output is in once the last cell is idle: the kernel is then killed, not asked
    # to exit (a second per notebook, cold). Its supervisor still removes its private copy
    # when it comes from the zygote; otherwise clear_temp does, after the submission.
    WORKER["api"].config.Execute.shutdown_kernel = "immediate"


def kill(processes: list[psutil.Process]) -> None:
    """SIGKILL `processes` and wait until they are gone (a killed process may linger)."""
    for process in processes:
        with suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(processes, timeout=KILL_WAIT)


def kill_children() -> None:
    kill(psutil.Process().children(recursive=True))


def kill_leftovers() -> None:
    """Kill whatever still runs as this worker's sandbox user: a submission's leftovers.

    Only when the grader is root; otherwise the sandboxes' PID namespaces do this.
    """
    if os.geteuid() != 0:
        return
    user = jail.sandbox_user(os.getpid())
    leftovers = []
    for process in psutil.process_iter(["uids"]):
        with suppress(psutil.Error, TypeError):
            if process.info["uids"].real == user:
                leftovers.append(process)
    kill(leftovers)


def clear_temp() -> None:
    """Empty this worker's temp folder of what a submission left there, once it is dead.

    A kernel stopped by the watchdog is killed with its supervisor, which never gets to
    remove its folders; whatever a kernel wrote into its home or socket folder goes too.
    Only the live zygotes' folders stay (the re-check's packages, the kernels' socket).
    The removal never follows a link and only unlinks pipes.
    """
    kill_leftovers()
    keep = {zygote.site for zygote in trusted.ZYGOTE if zygote.process.poll() is None}
    keep |= kernel_zygote.folders()
    for entry in Path(tempfile.gettempdir()).iterdir():
        if entry not in keep:
            jail.remove_tree(entry)


def run_notebook(task: Task) -> str:
    """Run nbgrader autograde on one submission; "ran", or why not."""
    limit, fired = WORKER["notebook_timeout"], threading.Event()
    kernel_zygote.ensure()  # the kernel forks from it, warm

    def stop() -> None:  # a kernel that ignores interrupts, or a notebook of endless slow cells
        fired.set()
        kill_children()

    timer = threading.Timer(limit, stop)
    timer.start()
    try:
        result = WORKER["api"].autograde(task.assignment, task.student, force=True, create=True)
    finally:
        timer.cancel()
    if fired.is_set():
        return f"stopped after {limit} s"
    if not result["success"]:
        lines = (result.get("error") or result.get("log") or "unknown error").strip().splitlines()
        return f"failed: {lines[-1][:300]}"
    return "ran"


def reconcile(
    task: Task, outcomes: dict[str, Outcome], kernel: dict[str, float] | None
) -> list[report.Check]:
    """checks.csv rows: the trusted outcome, flagged where the notebook's verdict on the
    public cases differs from the re-check's on the same cases.

    The graded cell judges the public cases only, with the judge the re-check uses, so
    an honest notebook always agrees; failing a hidden case is ``failed``, never
    ``tamper_suspect``.
    """
    worth = gradebook.points(task.lesson)
    rows = []
    for name in task.lesson.functions:
        outcome = outcomes[name]
        score = worth[name] if outcome.status == Status.PASSED else 0.0
        status, message = outcome.status, outcome.message
        ran = None if kernel is None else kernel.get(name)
        public = trusted.public_verdict(outcome)
        if ran is not None and public is not None and (ran == worth[name]) != public:
            status = Status.TAMPER_SUSPECT
            message = (
                f"the notebook's graded cell {'passed' if ran else 'failed'} the public "
                f"cases, the trusted re-check {'passed' if public else 'failed'} them"
                + ("" if outcome.status == Status.PASSED else f": {outcome.message}")
            )
        rows.append(
            report.Check(task.student, task.assignment, name, score, worth[name], status, message)
        )
    return rows


def write_feedback(task: Task, checks: list[report.Check]) -> str | None:
    """nbgrader's feedback HTML for `task`, as text; None if there is none.

    The trusted verdicts (`checks`, the rows checks.csv gets) are stored in the course
    first, where the feedback path of the course's config reads them (:mod:`feedback`).
    The parent writes the page to OUT/feedback/<student>/<assignment>.html (:func:`store`).
    """
    course, slug = WORKER["course"], task.lesson.slug
    feedback.write_verdicts(course, checks)
    result = WORKER["api"].generate_feedback(task.assignment, task.student)
    html = course / "feedback" / task.student / task.assignment / f"{slug}.html"
    if not result["success"]:
        return None
    page = files.read_regular(html, MAX_FEEDBACK)
    return None if page is None else page.decode()


def timed(function: Callable[..., T], *args: Any) -> tuple[T, float]:
    """(function(*args), the wall-clock seconds it took)."""
    start = time.monotonic()
    return function(*args), time.monotonic() - start


def recheck_timed(helpers: Path, lesson: Lesson, seed: int) -> tuple[dict[str, Outcome], float]:
    return timed(trusted.recheck, helpers, lesson.functions, seed, WORKER["limits"])


def reference_seconds(lesson: Lesson) -> float:
    """How long the trusted re-check of the reference takes here: once per lesson and worker."""
    measured = WORKER.setdefault("reference_seconds", {})
    if lesson.number not in measured:
        reference = ROOT / "solutions" / "helpers"
        measured[lesson.number] = recheck_timed(reference, lesson, WORKER["seed"])[1]
    return measured[lesson.number]


def slowness(
    task: Task, recheck_seconds: float, notebook_run: str, notebook_seconds: float
) -> list[str]:
    """Problems for a lesson that took far longer than it should, within its budget.

    The re-check is compared with the reference re-checked on the same calls in the
    same sandbox; the notebook, which has no reference run, with its watchdog budget.
    """
    found, reference = [], reference_seconds(task.lesson)
    if recheck_seconds > SLOW_FACTOR * reference + SLOW_MARGIN:
        found.append(
            f"slow: the trusted re-check took {recheck_seconds:.0f} s, "
            f"the reference's {reference:.1f} s"
        )
    budget = WORKER["notebook_timeout"]
    if notebook_run == "ran" and notebook_seconds > budget * SLOW_NOTEBOOK:
        found.append(f"slow: the notebook ran for {notebook_seconds:.0f} s of its {budget} s")
    return found


def grade_task(task: Task) -> Graded:
    """Everything a worker does for one student and lesson, as plain data (:class:`Graded`);
    then its temp files go. The one grading path of local and Dask workers alike."""
    try:
        return grade_staged(task)
    finally:
        clear_temp()


def grade_staged(task: Task) -> Graded:
    course = WORKER["course"]
    staged = course / "submitted" / task.student / task.assignment / "helpers"
    digest = sha256_of(staged)
    seed = seed_for(WORKER["seed"], task.student, task.number, digest)
    outcomes, recheck_seconds = recheck_timed(staged, task.lesson, seed)
    notebook_run, notebook_seconds = timed(run_notebook, task)
    graded = Graded(task, [], notebook_run, digest)
    graded.problems += slowness(task, recheck_seconds, notebook_run, notebook_seconds)
    ran = course / "autograded" / task.student / task.assignment / "helpers"
    if graded.notebook_run == "ran" and sha256_of(ran) != graded.helpers_sha256:
        graded.problems.append("the notebook ran on helpers other than the submission's")
    with gradebook.open_gradebook(WORKER["url"]) as gb:
        kernel = None
        if graded.notebook_run == "ran":
            kernel = gradebook.kernel_scores(gb, task.lesson, task.student)
        graded.checks = reconcile(task, outcomes, kernel)
        if kernel is not None:
            scores = {check.grade_id: check.score for check in graded.checks}
            gradebook.set_auto_scores(gb, task.lesson, task.student, scores)
            hand = {name: (score, extra) for name, score, extra in task.hand_scores}
            gradebook.set_hand_grades(gb, task.lesson, task.student, hand, dict(task.comments))
    if kernel is not None:
        graded.feedback_html = write_feedback(task, graded.checks)
    if graded.notebook_run != "ran":
        graded.problems.append(f"the notebook run {graded.notebook_run}")
    return graded


# -- the parent side ------------------------------------------------------------------


def not_graded(task: Task, status: Status, message: str) -> list[report.Check]:
    """checks rows for a lesson whose functions could not be run at all."""
    worth = gradebook.points(task.lesson)
    return [
        report.Check(task.student, task.assignment, name, 0.0, worth[name], status, message)
        for name in task.lesson.functions
    ]


def failed(task: Task, message: str) -> Graded:
    """A lesson whose grading failed: an error for every function, the reason recorded."""
    return Graded(task, not_graded(task, Status.ERROR, message), message, problems=[message])


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


def run_pool(
    tasks: list[Task], workers: int, start: tuple[Any, ...], on_done: Callable[[Graded], None]
) -> None:
    """Grade tasks in worker processes; a worker that dies costs a retry, not the batch."""
    remaining, tries = list(tasks), dict.fromkeys(tasks, 0)
    while remaining:
        with ProcessPoolExecutor(workers, get_context("spawn"), start_worker, start) as pool:
            futures = {pool.submit(grade_task, task): task for task in remaining}
            remaining = []
            for future in as_completed(futures):
                task = futures[future]
                try:
                    graded = future.result()
                except BrokenProcessPool:
                    tries[task] += 1
                    if tries[task] < 2:
                        remaining.append(task)
                        continue
                    graded = failed(task, "grading crashed twice on this submission")
                except Exception as exc:  # one submission's failure in a worker is its own
                    graded = failed(task, f"grading failed: {type(exc).__name__}: {exc}")
                on_done(graded)


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
    return 0
