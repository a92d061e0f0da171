"""Grading speed: `course grade` against plain sequential `nbgrader autograde`, side by side.

A synthetic class (every submission complete; every fourth student has one wrong
function and every fifth a naive softmax) is graded two ways, on the same input:

1. plain nbgrader: the course laid out by `course release`, the class in its
   ``submitted/`` tree, then ``nbgrader autograde lesson-0N`` for each lesson in turn,
   which is what an instructor runs without this project;
2. ``course grade <that submitted/ tree> --out OUT`` into a fresh OUT: the same
   autograde of every notebook, plus the trusted re-check of every function, the
   feedback HTML, the CSVs and the merged gradebook.

It prints seconds, seconds per submission (a submission is one student's five
lessons) and the ratio, then how `course grade` grows with the size of the class.

Plain nbgrader runs the stock ``python3`` kernel over TCP, as it does without this
project; ``course grade`` runs every notebook in the sandboxed kernel. The cost of the
trusted re-check is measured on its own too: every function of every submission of
the same class, re-checked one after another in one process.

Usage::

    python benchmarks/bench_grading.py                 # 20 side by side; 10, 20, 40 growth
    python benchmarks/bench_grading.py --compare 4 --sizes 2 4    # a quick look
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from autograder.authoring import release
from autograder.grading import batch, demo
from autograder.grading.submissions import discover
from autograder.lessons import LESSONS
from autograder.sandbox import trusted

BIN = Path(sys.executable).parent
CPU = Counter()  # processor seconds by program: nbgrader, course


def make_class(folder, size):
    """`size` working copies in the repository's layout."""
    perfect = demo.reference_helpers()
    wrong = demo.reference_helpers({"divergences.py": [("kl_divergence", demo.SWAPPED_KL)]})
    naive = demo.reference_helpers({"sigmoid_softmax.py": [("softmax", demo.NAIVE_SOFTMAX)]})
    for number in range(size):
        helpers = wrong if number % 4 == 3 else naive if number % 5 == 4 else perfect
        demo.working_copy(folder / f"s{number:03d}", helpers)


def plain_course(folder, size):
    """A `course release` course with the class staged in submitted/, as course grade would."""
    course = folder / "course"
    release.release(course, exchange=folder / "exchange", say=lambda *args: None)
    make_class(folder / "class", size)
    works, problems = discover(folder / "class", folder / "unpacked")
    assert not problems, problems
    for work in works:
        batch.stage(work, course)
    return course


def processor_seconds():
    """User and system seconds of every finished child of this process, and theirs."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run(command, cwd):
    """Run `command`; its wall-clock seconds. The processor seconds it and everything it
    started used are added to CPU[command's program]: on a machine others load, the wall
    clock of each side depends on the load, the processor seconds much less."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    start, used = time.perf_counter(), processor_seconds()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    CPU[Path(command[0]).name] += processor_seconds() - used
    return time.perf_counter() - start


# What plain nbgrader uses, in place of the sandboxed kernel the course's config names,
# and its own exporter, where the course's refuses a bare autograde (autograder/term.py).
STOCK_NBGRADER = [
    "--Autograde.exporter_class=nbconvert.exporters.NotebookExporter",
    "--Execute.kernel_name=python3",
    "--KernelManager.transport=tcp",
    "--KernelManager.ip=127.0.0.1",
]


def plain_nbgrader(course):
    return sum(
        run(
            [
                str(BIN / "nbgrader"),
                "autograde",
                lesson.assignment,
                *STOCK_NBGRADER,
            ],
            course,
        )
        for lesson in LESSONS
    )


def recheck_alone(course):
    """Seconds to re-check every function of every staged submission, one at a time."""
    start = time.perf_counter()
    for helpers in sorted((course / "submitted").glob("*/lesson-*/helpers")):
        lesson = LESSONS[int(helpers.parent.name[-2:]) - 1]
        trusted.recheck(helpers, lesson.functions, seed=0)
    return time.perf_counter() - start


def course_grade(course, out, workers):
    command = [str(BIN / "course"), "grade", str(course / "submitted"), "--out", str(out)]
    return run(command + (["--workers", str(workers)] if workers else []), course)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=int, default=20, help="class size graded both ways")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 40])
    parser.add_argument("--workers", type=int, help="passed to course grade (default: its own)")
    args = parser.parse_args()
    workers = args.workers or os.cpu_count()
    print(f"{os.cpu_count()} CPUs; course grade with {workers} workers\n")
    timings = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted({args.compare, *args.sizes}):
            course = plain_course(Path(tmp) / f"class-{size}", size)
            if size == args.compare:
                timings["plain", size] = plain_nbgrader(course)
                timings["recheck", size] = recheck_alone(course)
            before = CPU["course"]
            timings["course", size] = course_grade(course, Path(tmp) / f"out-{size}", args.workers)
            timings["course cpu", size] = CPU["course"] - before
    n = args.compare
    plain, ours = timings["plain", n], timings["course", n]
    print(f"{n} submissions x {len(LESSONS)} lessons")
    print("| grader | seconds | seconds per submission | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| plain sequential nbgrader autograde | {plain:.0f} | {plain / n:.2f} | 1.00 |")
    row = f"{ours:.0f} | {ours / n:.2f} | {ours / plain:.2f}"
    print(f"| course grade (with re-check, feedback) | {row} |")
    check = timings["recheck", n]
    row = f"{check:.0f} | {check / n:.2f} | {check / plain:.2f}"
    print(f"| of which: the trusted re-check alone, sequential | {row} |")
    plain_cpu, ours_cpu = CPU["nbgrader"], timings["course cpu", n]
    print(
        f"\nProcessor seconds (user + system, every process): plain {plain_cpu:.0f}, "
        f"course grade {ours_cpu:.0f}, ratio {ours_cpu / plain_cpu:.2f}; with the cores "
        f"shared perfectly, a wall-clock ratio of {ours_cpu / plain_cpu / workers:.2f}\n"
    )
    print("\nGrowth of course grade")
    print("| submissions | seconds | seconds per submission |")
    print("|---:|---:|---:|")
    for size in sorted(args.sizes):
        seconds = timings["course", size]
        print(f"| {size} | {seconds:.0f} | {seconds / size:.2f} |")


if __name__ == "__main__":
    main()
