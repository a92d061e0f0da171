"""The local pool of ``course grade``: worker processes on this machine.

Each process is a :mod:`~autograder.grading.worker`, started once
(:func:`~autograder.grading.worker.start_worker`) and given one task at a time.
"""

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any

from autograder.grading.records import Graded, Task
from autograder.grading.worker import failed, grade_task, start_worker


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
