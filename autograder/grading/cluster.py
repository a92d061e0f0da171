"""``course grade SUBMISSIONS --out OUT --cluster ADDRESS``: grading on a Dask cluster.

The per-student-lesson work goes to a Dask distributed scheduler at ADDRESS; there is
no scheduler of our own. A task is a :class:`Job`: everything one student's lesson
needs, and nothing shared on disk. The staged files as bytes (the notebook, the
``helpers`` files, ``timestamp.txt``), the lesson, the run's secret (the worker derives
the submission's hidden seed from it, :func:`autograder.checks.hidden.seed_for`), the hand
grades the feedback shows, the limits and the timeout.

A worker lays out a private nbgrader course of its own, once per run, in its temp folder
(:func:`gradebook.prepare_course`, as the parent does), writes the job's files into its
``submitted/`` tree and grades them with :func:`worker.grade_task`, the very function a
local worker runs, in the same sandbox. It returns plain data
(:class:`~autograder.grading.records.Graded`): the checks rows, how the notebook ran, the
helpers' digest, the problems, the feedback page and the graded notebook. The parent
alone writes the gradebook, the CSVs and the feedback, with :func:`batch.store`, as in a
local run; the same input and ``--seed`` give byte-identical ``checks.csv`` and
``grades.csv``.

A worker that dies mid-task costs a retry: the scheduler gives the task to another
worker (up to its ``distributed.scheduler.allowed-failures``, 3 by default), and a task
that raises is retried :data:`RETRIES` times. A task that fails on every try is that
submission's error row (:func:`worker.failed`), and the batch finishes.

The run's secret travels with every task: use a cluster on a network you trust, or
Dask's TLS (``tls://`` addresses). Workers need this package, the same version as the
grader's (a task refuses a worker whose course differs), and, for the full sandbox,
Linux and root (:mod:`autograder.sandbox.jail`).
"""

import os
import tempfile
import threading
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import psutil

from autograder.authoring import release
from autograder.grading import gradebook, worker
from autograder.grading.records import MAX_NOTEBOOK, MAX_TIMESTAMP, Graded, Task
from autograder.sandbox import files, jail, kernel_zygote, trusted
from autograder.sandbox.printable import printable

if TYPE_CHECKING:  # distributed is imported when a cluster is used, not before
    from distributed import Client, Future

RETRIES = 2  # a task that raises is tried this many times more
CONNECT = 30  # seconds to reach the scheduler
# Tasks handed to the scheduler at once, per worker thread: enough to keep every worker
# busy, and the parent does not hold a whole class's files in memory at once.
AHEAD = 2
MIN_AHEAD = 4
MAX_HELPERS_FILE = 2**20  # bytes: a helpers module is a few kB
PREFIX = "course-worker-"  # a Dask worker's folder for one run, in its temp folder
MISMATCH = (
    "this worker's course differs from the grader's: install the same version of "
    "logits-to-loss on the workers as where `course grade` runs"
)


@dataclass(frozen=True)
class Job:
    """One student's staged lesson, with everything a worker needs to grade it."""

    task: Task
    files: tuple[tuple[str, bytes], ...]  # (path in the submitted folder, its bytes)
    run: str  # this grading run's id: a worker lays out one course per run
    secret: int  # the run's secret: the hidden seeds derive from it
    source: str  # the digest of the grader's course source/: the worker's must match
    cell_timeout: int
    limits: tuple[tuple[str, int], ...]  # (sandbox limit name, value)


# -- the parent side -------------------------------------------------------------------


def staged_files(course: Path, task: Task) -> tuple[tuple[str, bytes], ...]:
    """The files the parent staged for `task`, as (path in the folder, bytes)."""
    folder = course / "submitted" / task.student / task.assignment
    wanted = [
        (folder / task.lesson.notebook, MAX_NOTEBOOK),
        (folder / "timestamp.txt", MAX_TIMESTAMP),
        *((path, MAX_HELPERS_FILE) for path in sorted((folder / "helpers").glob("*.py"))),
    ]
    found = []
    for path, limit in wanted:
        data = files.read_regular(path, limit) if os.path.lexists(path) else None
        if data is not None:
            found.append((path.relative_to(folder).as_posix(), data))
    return tuple(found)


def ahead(client: "Client") -> int:
    return max(MIN_AHEAD, AHEAD * sum(client.nthreads().values()))


def warn_unprotected(client: "Client", say: Callable[[str], object]) -> None:
    """Say which protections of the sandbox the workers connected now cannot give."""
    found = client.run(jail.missing_protections)
    missing = sorted({name for names in found.values() for name in names}, key=jail.ALL.index)
    if not found:
        say(f"No worker is connected to {client.scheduler.address} yet: waiting for one.")
    elif missing:
        say(
            f"warning: on some workers student code will run without {', '.join(missing)}; "
            "the trusted re-check still decides every score (see autograder/SECURITY.md)"
        )


def outcome(future: "Future", task: Task) -> Graded:
    """What grading `task` found, or its error row if it failed on every try."""
    try:
        return future.result()
    except Exception as exc:  # a task that failed on every try is that submission's
        message = printable(f"{type(exc).__name__}: {exc}", 300)
        return worker.failed(task, f"grading failed on every try: {message}")


def run(
    tasks: list[Task],
    address: str,
    course: Path,
    secret: int,
    cell_timeout: int,
    limits: dict[str, int] | None,
    on_done: Callable[[Graded], None],
    say: Callable[[str], object] = print,
) -> None:
    """Grade `tasks` on the Dask cluster at `address`; on_done(Graded) for each, here."""
    from distributed import Client, as_completed

    job: dict[str, Any] = {
        "run": uuid.uuid4().hex,
        "secret": secret,
        "source": gradebook.fingerprint(course / "source"),
        "cell_timeout": cell_timeout,
        "limits": tuple(sorted((limits or {}).items())),
    }
    with Client(address, timeout=CONNECT, set_as_default=False) as client:
        warn_unprotected(client, say)
        waiting, futures, finished = iter(tasks), {}, as_completed(loop=client.loop)

        def submit() -> bool:
            task = next(waiting, None)
            if task is None:
                return False
            future = client.submit(
                grade_remote,
                Job(task, staged_files(course, task), **job),
                key=f"course-grade-{job['run']}-{task.student}-{task.assignment}",
                retries=RETRIES,
                pure=False,
            )
            futures[future] = task
            finished.add(future)
            return True

        while len(futures) < ahead(client) and submit():
            pass
        for future in finished:
            graded = outcome(future, futures.pop(future))
            future.release()
            on_done(graded)
            while len(futures) < ahead(client) and submit():
                pass
        with suppress(Exception):  # a worker that is gone has nothing left to remove
            client.run(forget_run, job["run"])


# -- the worker side -------------------------------------------------------------------

RUN: dict[str, Any] = {}  # this worker process's run: its id, temp folder, course and course digest
# One task at a time per worker process: its grading state (worker.WORKER, the temp
# folder, the children it kills) is the process's. Run workers with --nthreads 1 and
# as many processes (--nworkers) as cores.
LOCK = threading.Lock()


def grade_remote(job: Job) -> Graded:
    """A Dask task: grade one staged lesson in this worker's own course; plain data back."""
    with LOCK:
        course = course_for(job)
        task = job.task
        unpack(job, course / "submitted" / task.student / task.assignment)
        graded = worker.grade_task(task)
        graded_folder = course / "autograded" / task.student / task.assignment
        notebook = graded_folder / task.lesson.notebook
        if graded.notebook_run == "ran" and os.path.lexists(notebook):
            graded.autograded = files.read_regular(notebook, MAX_NOTEBOOK)
        return graded


def course_for(job: Job) -> Path:
    """This worker's course for the job's run, laid out on the run's first task."""
    if RUN.get("run") != job.run:
        forget()
        temp = Path(tempfile.mkdtemp(prefix=PREFIX))
        before = (os.environ.get("TMPDIR"), tempfile.tempdir)
        try:
            course, url = temp / "course", gradebook.sqlite_url(temp / "course.db")
            release.write_course(course, url)  # the source first: a mismatch fails fast
            source = gradebook.fingerprint(course / "source")
            if source != job.source:
                raise RuntimeError(MISMATCH)
            template = gradebook.prepare_course(course, url)
            start = (course, template, job.secret, job.cell_timeout, dict(job.limits), temp)
            worker.start_worker(*start, log=False)
        except BaseException:
            restore(before)
            jail.remove_tree(temp)
            raise
        RUN.update(run=job.run, temp=temp, course=course, source=source, before=before)
    if RUN["source"] != job.source:
        raise RuntimeError(MISMATCH)
    return RUN["course"]


def unpack(job: Job, folder: Path) -> None:
    """Write the job's files into `folder` (emptied first); only the names staging makes."""
    jail.remove_tree(folder)
    (folder / "helpers").mkdir(parents=True)
    allowed = {job.task.lesson.notebook, "timestamp.txt"}
    for name, data in job.files:
        parts = PurePosixPath(name).parts
        helper = len(parts) == 2 and parts[0] == "helpers" and parts[1].endswith(".py")
        if not (name in allowed or helper) or "\0" in name or ".." in parts:
            raise ValueError(f"a job holds a file staging never makes: {name[:100]!r}")
        (folder / Path(*parts)).write_bytes(data)


def forget_run(run: str | None = None) -> bool:
    """Remove this worker's course and temp folder (of `run`, or whichever it holds), and
    stop its zygotes; run by the parent on every worker at the end of a run. Never
    waits for a task: a busy worker keeps its folder until its next run's first task."""
    if not LOCK.acquire(blocking=False):
        return False
    try:
        return forget(run)
    finally:
        LOCK.release()
        remove_dead_workers_folders()


def remove_dead_workers_folders() -> None:
    """Remove the run folders of this machine's Dask workers that died (killed mid-task,
    out of memory): they hold a course, with its reference notebooks."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        owners = [entry.name.removeprefix("worker-") for entry in folder.glob("worker-*")]
        pids = [int(pid) for pid in owners if pid.isdigit()]
        if pids and not any(psutil.pid_exists(pid) for pid in pids):
            jail.remove_tree(folder)


def forget(run: str | None = None) -> bool:
    if not RUN or (run is not None and RUN["run"] != run):
        return False
    for zygote in trusted.ZYGOTE:
        with suppress(OSError, ValueError):
            zygote.close()
    trusted.ZYGOTE.clear()
    kernel_zygote.stop()  # its socket is in the run's folder
    worker.WORKER.clear()
    restore(RUN["before"])
    jail.remove_tree(RUN["temp"])
    RUN.clear()
    return True


def restore(before: tuple[str | None, str | None]) -> None:
    """This process's temp folder as it was before a run (start_worker changes it)."""
    tmpdir, tempfile.tempdir = before
    if tmpdir is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = tmpdir
