"""Where the seconds of grading go: one `course grade` worker, step by step, on a small class.

A class of complete submissions (the reference's helpers) is staged as ``course grade``
stages it, then graded in this process by the worker's own code (:func:`worker.grade_task`,
the path local and Dask workers share), with each step's function wrapped in a timer.
Inside nbgrader's autograde the kernel's start, its start-up until it answers, each
cell's execution and the kernel's shutdown are timed by wrapping nbclient's methods;
the rest of autograde is nbgrader's own work (reading, preprocessing, its gradebook).
Then the parent's side: storing each lesson in the course gradebook and the CSV rows.

Beside it, what a fresh interpreter pays to import what the lessons' notebooks import,
which every kernel pays again unless it is forked warm.

Usage (one worker, so the numbers are per core)::

    python benchmarks/profile_grading.py              # 2 submissions x 5 lessons
    python benchmarks/profile_grading.py --students 4
    python benchmarks/profile_grading.py --cold       # every kernel a fresh interpreter
"""

import argparse
import functools
import inspect
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench_grading import plain_course
from nbclient import NotebookClient

from autograder.grading import batch, feedback, gradebook, report, worker
from autograder.grading.records import Task
from autograder.lessons import LESSONS
from autograder.sandbox import jail, kernel_zygote, trusted

SECONDS = defaultdict(float)
CALLS = defaultdict(int)

# What a lesson's kernel imports, in the order its cells do, each timed on top of the last.
IMPORTS = {
    "Python itself": "pass",
    "ipykernel": "import ipykernel.kernelapp",
    "NumPy": "import numpy",
    "SciPy (special, stats)": "import scipy.special, scipy.stats",
    "Matplotlib (pyplot, inline backend)": (
        "import matplotlib.pyplot, matplotlib_inline.backend_inline"
    ),
    "scikit-learn (the lessons' modules)": (
        "import sklearn.linear_model, sklearn.datasets, sklearn.metrics, sklearn.model_selection"
    ),
}


def timing(step, function):
    """`function`, its seconds added to SECONDS[step]; async functions stay async."""
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def timed_async(*args, **kwargs):
            start = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                SECONDS[step] += time.perf_counter() - start
                CALLS[step] += 1

        return timed_async

    @functools.wraps(function)
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            SECONDS[step] += time.perf_counter() - start
            CALLS[step] += 1

    return timed


def wrap(owner, name, step):
    setattr(owner, name, timing(step, getattr(owner, name)))


# (owner, attribute, step); a step inside another is subtracted from it in the table.
WRAPPED = [
    (trusted, "recheck", "trusted re-check (sandboxed child)"),
    (batch, "run_notebook", "autograde, whole"),
    (NotebookClient, "start_new_kernel", "autograde: kernel process start"),
    (NotebookClient, "start_new_kernel_client", "autograde: kernel start-up until ready"),
    (NotebookClient, "execute_cell", "autograde: cells executed"),
    (NotebookClient, "_cleanup_kernel", "autograde: kernel shutdown"),
    (batch, "write_feedback", "feedback HTML (generate_feedback)"),
    (feedback, "write_verdicts", "feedback: verdicts stored"),
    (gradebook, "kernel_scores", "worker gradebook: scores read and written"),
    (gradebook, "set_auto_scores", "worker gradebook: scores read and written"),
    (gradebook, "set_hand_grades", "worker gradebook: scores read and written"),
    (batch, "sha256_of", "digests of helpers"),
    (batch, "clear_temp", "clean-up (leftovers killed, temp emptied)"),
    (batch, "store", "parent: stored in the course gradebook, CSV rows"),
]
INSIDE = {
    "autograde, whole": [
        "autograde: kernel process start",
        "autograde: kernel start-up until ready",
        "autograde: cells executed",
        "autograde: kernel shutdown",
    ],
    "feedback HTML (generate_feedback)": ["feedback: verdicts stored"],
}


def import_seconds(repeat=3):
    """{what: seconds} a fresh interpreter takes to import it, after the rows above it."""
    program = "import time, sys\n"
    for what, statement in IMPORTS.items():
        program += f"t = time.perf_counter(); {statement}\n"
        program += f"print({what!r}, time.perf_counter() - t, sep='\\t')\n"
    best = {}
    for _ in range(repeat):
        start = time.perf_counter()
        lines = subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        best["whole interpreter, start to exit"] = min(
            best.get("whole interpreter, start to exit", 1e9), time.perf_counter() - start
        )
        for line in lines:
            what, seconds = line.split("\t")
            best[what] = min(best.get(what, 1e9), float(seconds))
    return best


def grade_class(folder, students):
    """Grade `students` x 5 lessons in this process as one worker; the tasks graded."""
    course = plain_course(folder, students)
    out = folder / "out"
    template = gradebook.prepare_course(course, gradebook.sqlite_url(course / "gradebook.db"))
    temp = tempfile.mkdtemp(prefix="course-profile-")
    worker.start_worker(course, template, 1, jail.CELL_TIMEOUT, {}, temp, log=False)
    for owner, name, step in WRAPPED:
        wrap(owner, name, step)
    results = report.Results(1, [], "none")
    tasks = [
        Task(f"s{number:03d}", lesson.number, f"s{number:03d}")
        for number in range(students)
        for lesson in LESSONS
    ]
    for lesson in LESSONS:  # the slow flag's reference re-check: once per lesson and worker
        worker.reference_seconds(lesson)
    SECONDS.clear()
    CALLS.clear()
    start = time.perf_counter()
    with gradebook.open_gradebook(gradebook.sqlite_url(course / "gradebook.db")) as gb:
        for task in tasks:
            batch.store(worker.grade_task(task), gb, results, out, course)
    return time.perf_counter() - start, len(tasks)


def table(total, notebooks):
    print("| step | seconds | per notebook | share |\n|---|---:|---:|---:|")
    accounted = 0.0
    for step in dict.fromkeys(step for _, _, step in WRAPPED):
        if step.startswith("feedback:") or step.startswith("autograde:"):
            continue
        own = SECONDS[step] - sum(SECONDS[inner] for inner in INSIDE.get(step, ()))
        accounted += SECONDS[step]
        label = "autograde: the rest (nbgrader's own work)" if step == "autograde, whole" else step
        if step == "autograde, whole":
            for inner in INSIDE[step]:
                row(inner, SECONDS[inner], notebooks, total)
        row(label, own, notebooks, total)
        if step in INSIDE and step != "autograde, whole":
            for inner in INSIDE[step]:
                row(f"  of which {inner}", SECONDS[inner], notebooks, total)
    row(
        "everything else (the worker's own Python, the progress)",
        total - accounted,
        notebooks,
        total,
    )
    row("**total**", total, notebooks, total)


def row(label, seconds, notebooks, total):
    print(f"| {label} | {seconds:.1f} | {seconds / notebooks:.3f} | {seconds / total:.0%} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2)
    parser.add_argument("--cold", action="store_true", help="no kernel zygote: as before it")
    args = parser.parse_args()
    if args.cold:
        kernel_zygote.ensure = lambda: None
    print("A fresh interpreter's imports, best of 3 (seconds):\n")
    print("| import | seconds |\n|---|---:|")
    for what, seconds in import_seconds().items():
        print(f"| {what} | {seconds:.3f} |")
    with tempfile.TemporaryDirectory() as tmp:
        total, notebooks = grade_class(Path(tmp), args.students)
    print(
        f"\nOne worker, {args.students} submissions x {len(LESSONS)} lessons"
        f" = {notebooks} notebooks:\n"
    )
    table(total, notebooks)


if __name__ == "__main__":
    main()
