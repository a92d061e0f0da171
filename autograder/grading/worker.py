"""One worker's grading of one student's lesson: the one path of local and Dask workers.

A worker process is given its own gradebook, nbgrader API and temp folder once
(:func:`start_worker`); then, for each :class:`~autograder.grading.records.Task`
(:func:`grade_task`):

1. it re-checks every graded function in a sandboxed child
   (:mod:`autograder.sandbox.trusted`): the score that counts;
2. it runs real ``nbgrader autograde`` into its own gradebook, under a per-notebook time
   limit; the kernel judges the public cases only, and holds no reference, no hidden case
   and no seed;
3. where the notebook's verdict on the public cases and the re-check's on the same cases
   differ, the status is ``tamper_suspect``; the trusted scores are written over the auto
   scores, and nbgrader writes the feedback, without hidden tests or their tracebacks;
4. it returns plain data, a :class:`~autograder.grading.records.Graded`, and its temp
   files go.

The local pool (:mod:`~autograder.grading.pool`) and the Dask path
(:mod:`~autograder.grading.cluster`) both run :func:`grade_task`; the parent stores what
it returns (:func:`autograder.grading.batch.store`).
"""

import json
import os
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar

import psutil
from sqlalchemy.exc import SAWarning

from autograder.checks.hidden import seed_for
from autograder.grading import feedback, gradebook
from autograder.grading.records import SLOW, Check, Graded, Task
from autograder.lessons import ROOT, Lesson
from autograder.sandbox import files, jail, kernel, kernel_zygote, trusted
from solutions.helpers.judge import Outcome, Status

T = TypeVar("T")
NOTEBOOK_TIMEOUTS = 10  # a whole notebook may take this many cell timeouts
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


def sha256_of(helpers: Path) -> str:
    """The digest of a package's .py files: which code was graded."""
    return gradebook.fingerprint(helpers, "*.py")


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
) -> list[Check]:
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
        rows.append(Check(task.student, task.assignment, name, score, worth[name], status, message))
    return rows


def write_feedback(task: Task, checks: list[Check]) -> str | None:
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
            f"{SLOW}the trusted re-check took {recheck_seconds:.0f} s, "
            f"the reference's {reference:.1f} s"
        )
    budget = WORKER["notebook_timeout"]
    if notebook_run == "ran" and notebook_seconds > budget * SLOW_NOTEBOOK:
        found.append(f"{SLOW}the notebook ran for {notebook_seconds:.0f} s of its {budget} s")
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


# -- a lesson that could not be graded ---------------------------------------------


def not_graded(task: Task, status: Status, message: str) -> list[Check]:
    """checks rows for a lesson whose functions could not be run at all."""
    worth = gradebook.points(task.lesson)
    return [
        Check(task.student, task.assignment, name, 0.0, worth[name], status, message)
        for name in task.lesson.functions
    ]


def failed(task: Task, message: str) -> Graded:
    """A lesson whose grading failed: an error for every function, the reason recorded."""
    return Graded(task, not_graded(task, Status.ERROR, message), message, problems=[message])
