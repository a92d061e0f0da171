"""``course grade SUBMISSIONS --out OUT``: grade a whole class, in parallel, with real nbgrader.

For every student and lesson:

1. the work is found (:mod:`autograder.submissions`) and staged as nbgrader's
   ``submitted/<student>/<assignment>/``, other lessons' modules replaced by the release's
   so that a lesson is graded on its own functions only;
2. a worker re-checks every graded function in a sandboxed child
   (:mod:`autograder.trusted`): the score that counts;
3. the worker runs real ``nbgrader autograde`` into a gradebook of its own, with the
   run's seed in the kernel's environment, under a per-notebook time limit;
4. where the notebook's score and the trusted one differ, the status is
   ``tamper_suspect``; the trusted scores are written over the auto scores and nbgrader
   writes the feedback, without hidden tests or their tracebacks;
5. the parent, the only writer of the course gradebook, stores the submission.

Nothing a submission does can stop the batch: every failure becomes a status or a
recorded problem for that student and lesson.
"""

import json
import os
import secrets
import shutil
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import nbformat
import psutil
from nbformat.warnings import DuplicateCellId
from sqlalchemy.exc import SAWarning

from . import gradebook, kernel, report, sandbox
from .lessons import LESSONS
from .notebook import SEED_VARIABLE
from .release import ASSIGNMENT, helpers_for, outside_repository
from .submissions import discover
from .trusted import recheck

CELL_TIMEOUT = 30  # seconds per cell: nbgrader's default
NOTEBOOK_TIMEOUTS = 10  # a whole notebook may take this many cell timeouts
MAX_NOTEBOOK = 20 * 2**20  # bytes: a lesson notebook with its figures is under 2 MB
# Two kernels on two cores: one BLAS thread each, or they fight over the cores.
ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Task:
    """One student's staged work for one lesson, ready for a worker."""

    student: str
    number: int
    source: str  # the entry in SUBMISSIONS it came from

    @property
    def lesson(self):
        return LESSONS[self.number - 1]

    @property
    def assignment(self):
        return ASSIGNMENT.format(self.number)


@dataclass
class Graded:
    """What grading one task found: one check per function, and how the notebook ran."""

    task: Task
    checks: list
    notebook_run: str  # "ran", or why it did not
    helpers_sha256: str = ""
    feedback: bool = False
    problems: list = field(default_factory=list)


def sha256_of(helpers):
    """The digest of a package's .py files: which code was graded."""
    return gradebook.fingerprint(helpers, "*.py")


def stage(work, course_dir):
    """Copy one lesson's work to nbgrader's submitted/ tree; raise ValueError if unusable."""
    lesson = work.lesson
    folder = course_dir / "submitted" / work.student / ASSIGNMENT.format(lesson.number)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if work.notebook.stat().st_size > MAX_NOTEBOOK:
        raise ValueError(f"{work.notebook.name} is over {MAX_NOTEBOOK // 2**20} MB")
    try:
        with warnings.catch_warnings():
            # nbformat repairs duplicate cell ids and says so; the repaired copy is graded.
            warnings.simplefilter("ignore", DuplicateCellId)
            notebook = nbformat.read(work.notebook, as_version=4)
    except Exception as exc:  # any way a file can fail to be a notebook
        raise ValueError(f"{work.notebook.name} is not a valid notebook: {exc}") from None
    nbformat.write(notebook, folder / f"{lesson.slug}.ipynb")
    if (work.notebook.parent / "timestamp.txt").is_file():
        shutil.copyfile(work.notebook.parent / "timestamp.txt", folder / "timestamp.txt")
    if work.helpers is not None:
        (folder / "helpers").mkdir()
        for path in sorted(work.helpers.glob("*.py")):
            if path.is_file() and not path.is_symlink():
                shutil.copyfile(path, folder / "helpers" / path.name)
        released = helpers_for(lesson, "release")
        for other in LESSONS:
            if other is not lesson:
                name = f"{other.module}.py"
                (folder / "helpers" / name).write_text(released[name])
    return folder


# -- the worker side ------------------------------------------------------------------

WORKER = {}


def start_worker(course_dir, template, out, seed, cell_timeout, limits):
    """Give this worker process its own gradebook and nbgrader API, once."""
    database = course_dir / "workers" / f"{os.getpid()}.db"
    database.parent.mkdir(exist_ok=True)
    shutil.copyfile(template, database)
    # nbgrader, SQLAlchemy and every kernel write to this process's stderr: keep the
    # terminal for the progress bar, and the chatter in a log beside the gradebook.
    log = database.with_suffix(".log").open("a")
    os.dup2(log.fileno(), 2)
    warnings.simplefilter("ignore", SAWarning)  # see gradebook.add_submission
    os.environ[SEED_VARIABLE] = str(seed)
    os.environ.update(dict.fromkeys(ONE_THREAD, "1"))
    kernel_limits = {"RLIMIT_CPU": cell_timeout * NOTEBOOK_TIMEOUTS, **limits}
    os.environ[kernel.LIMITS_VARIABLE] = json.dumps(kernel_limits)
    WORKER.update(
        limits=limits,
        course=course_dir,
        out=out,
        seed=seed,
        url=gradebook.sqlite_url(database),
        api=gradebook.api(course_dir, gradebook.sqlite_url(database), cell_timeout),
        notebook_timeout=cell_timeout * NOTEBOOK_TIMEOUTS,
    )


def kill_children():
    for process in psutil.Process().children(recursive=True):
        with suppress(psutil.Error):
            process.kill()


def kill_leftovers():
    """Kill whatever still runs as this worker's sandbox user: a submission's leftovers.

    Only when the grader is root; otherwise the sandboxes' PID namespaces do this.
    """
    if os.geteuid() != 0:
        return
    user = sandbox.sandbox_user(os.getpid())
    for process in psutil.process_iter(["uids"]):
        with suppress(psutil.Error, TypeError):
            if process.info["uids"].real == user:
                process.kill()


def run_notebook(task):
    """Run nbgrader autograde on one submission; "ran", or why not."""
    limit, fired = WORKER["notebook_timeout"], threading.Event()

    def stop():  # a kernel that ignores interrupts, or a notebook of endless slow cells
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


def reconcile(task, outcomes, kernel):
    """checks.csv rows: the trusted outcome, flagged where the notebook's score differs."""
    worth = gradebook.points(task.lesson)
    rows = []
    for name in task.lesson.functions:
        outcome = outcomes[name]
        score = worth[name] if outcome.status == "passed" else 0.0
        status, message = outcome.status, outcome.message
        ran = None if kernel is None else kernel.get(name)
        if ran is not None and ran != score:
            status = "tamper_suspect"
            message = (
                f"the notebook run scored {ran:g}/{worth[name]:g}, "
                f"the trusted re-check {score:g}/{worth[name]:g}"
                + ("" if outcome.status == "passed" else f": {outcome.message}")
            )
        rows.append(
            report.Check(task.student, task.assignment, name, score, worth[name], status, message)
        )
    return rows


def write_feedback(task):
    """nbgrader's feedback HTML, copied to OUT/feedback/<student>/<assignment>.html."""
    result = WORKER["api"].generate_feedback(task.assignment, task.student)
    course, slug = WORKER["course"], task.lesson.slug
    html = course / "feedback" / task.student / task.assignment / f"{slug}.html"
    if not result["success"] or not html.exists():
        return False
    target = WORKER["out"] / "feedback" / task.student / f"{task.assignment}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(html, target)
    return True


def grade_task(task):
    """Everything a worker does for one student and lesson."""
    course = WORKER["course"]
    staged = course / "submitted" / task.student / task.assignment / "helpers"
    outcomes = recheck(staged, task.lesson.functions, WORKER["seed"], WORKER["limits"])
    graded = Graded(task, [], run_notebook(task), sha256_of(staged))
    kill_leftovers()
    ran = course / "autograded" / task.student / task.assignment / "helpers"
    if graded.notebook_run == "ran" and sha256_of(ran) != graded.helpers_sha256:
        graded.problems.append("the notebook ran on helpers other than the submission's")
    with gradebook.open_gradebook(WORKER["url"]) as gb:
        kernel = None
        if graded.notebook_run == "ran":
            kernel = gradebook.kernel_scores(gb, task.lesson, task.student)
        graded.checks = reconcile(task, outcomes, kernel)
        if kernel is not None:
            trusted = {check.grade_id: check.score for check in graded.checks}
            gradebook.set_auto_scores(gb, task.lesson, task.student, trusted)
    if kernel is not None:
        graded.feedback = write_feedback(task)
    if graded.notebook_run != "ran":
        graded.problems.append(f"the notebook run {graded.notebook_run}")
    return graded


# -- the parent side ------------------------------------------------------------------


def not_graded(task, status, message):
    """checks rows for a lesson whose functions could not be run at all."""
    worth = gradebook.points(task.lesson)
    return [
        report.Check(task.student, task.assignment, name, 0.0, worth[name], status, message)
        for name in task.lesson.functions
    ]


def failed(task, message):
    """A lesson whose grading failed: an error for every function, the reason recorded."""
    return Graded(task, not_graded(task, "error", message), message, problems=[message])


def store(graded, gb, results):
    """Store one lesson in the gradebook and in the rows; if the gradebook refuses it, the
    rows say so and the gradebook is left as it was."""
    try:
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


def run_pool(tasks, workers, start, on_done):
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


def admit(work, task, course, gb, results):
    """Stage one lesson's work for grading (True), or record why there is nothing to grade."""
    if work.notebook is None:
        message = f"{task.assignment} was not submitted: no {work.lesson.slug}.ipynb"
        with suppress(gradebook.MissingEntry):
            gb.remove_submission(task.assignment, task.student)
        results.add(task, not_graded(task, "missing", message), gb, stored=False)
        return False
    stage(work, course)
    if work.helpers is None:
        checks = not_graded(task, "missing", "no helpers/ folder in the submission")
        results.add(task, checks, gb, notebook_run="not run: no helpers/")
        return False
    return True


def choose_seed(out, seed):
    """The given seed, else the one this OUT was graded with, else a fresh secret one."""
    if seed is not None:
        return seed
    return report.read_run(out).get("seed") or secrets.randbits(32)


def grade(
    submissions,
    out,
    lessons=(),
    workers=None,
    cell_timeout=CELL_TIMEOUT,
    db_url=None,
    students=(),
    seed=None,
    limits=None,
    say=print,
):
    """Grade every submission in `submissions` into `out`; return the exit status.

    `limits` overrides the sandbox's resource limits (:data:`sandbox.LIMITS`).
    """
    submissions, out = Path(submissions).resolve(), outside_repository(out)
    if not submissions.is_dir():
        raise ValueError(f"{submissions} is not a folder of submissions")
    if out == submissions or submissions in out.parents or out in submissions.parents:
        raise ValueError("SUBMISSIONS and --out must be separate folders")
    out.mkdir(parents=True, exist_ok=True)
    seed = choose_seed(out, seed)
    db_url = db_url or gradebook.sqlite_url(out / "gradebook.db")
    numbers = sorted(set(lessons)) or [lesson.number for lesson in LESSONS]
    course = out / "course"
    unprotected = sandbox.missing_protections()
    if unprotected:
        say(
            f"warning: student code will run without {', '.join(unprotected)} here; "
            "the trusted re-check still decides every score (see autograder/SECURITY.md)"
        )
    say(f"Preparing the nbgrader course in {course} ...")
    template = gradebook.prepare_course(course, db_url)
    works, problems = discover(submissions, out / "unpacked", set(students))
    missing = set(students) - {work.student for work in works} - {p.student for p in problems}
    if missing:
        raise ValueError(f"no submission for {', '.join(sorted(missing))} in {submissions}")
    results = report.Results(seed, problems)
    with gradebook.open_gradebook(db_url) as gb:
        tasks = []
        for work in (w for w in works if w.lesson.number in numbers):
            task = Task(work.student, work.lesson.number, work.source.name)
            try:
                if admit(work, task, course, gb, results):
                    tasks.append(task)
            except Exception as exc:  # whatever one submission holds, it costs that lesson
                reason = f"{exc}" if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
                store(failed(task, f"it could not be staged: {reason}"), gb, results)
        start = (course, template, out, seed, cell_timeout, limits or {})
        with report.progress(len(tasks), say) as advance:

            def done(graded):
                store(graded, gb, results)
                advance(f"{graded.task.student} {graded.task.assignment}")

            run_pool(sorted(tasks, key=lambda t: -t.number), workers or os.cpu_count(), start, done)
    scope = report.Scope(set(map(ASSIGNMENT.format, numbers)), set(students))
    results.write(out, scope)
    report.summary(out, say)
    return 0
