"""Benchmark ``course check``: every public case of every graded function, on the reference.

The goal is under 1 s for all functions, so that a learner runs it after every save.
Three numbers, each the median of several repeats, measured side by side:

* ``python -c pass``: the interpreter alone, which no command can avoid;
* ``python -m helpers`` in a copy of the learner's folder (the reference's modules in
  place of the stubs), end to end: start-up, NumPy and SciPy imports, the compiled
  cases read, every function judged; what a student in a class waits for;
* the judging alone, in this process (:func:`solutions.helpers.checking.report`).

Run (about half a minute)::

    .venv/bin/python benchmarks/bench_check.py [--repeat N]
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.lessons import ROOT
from solutions import helpers as reference
from solutions.helpers import checking

GOAL = 1.0  # seconds for every function


def wall(command, cwd):
    start = time.perf_counter()
    run = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    assert run.returncode == 0, run.stdout + run.stderr
    return seconds


def judging_alone():
    start = time.perf_counter()
    assert checking.report(reference, say=lambda line: None) == 0
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        # A finished learner's folder: the reference's files, under the learner's name.
        shutil.copytree(ROOT / "solutions" / "helpers", Path(folder) / "helpers")
        rows = {
            "python -c pass": lambda: wall([sys.executable, "-c", "pass"], folder),
            "python -m helpers (all functions)": lambda: wall(
                [sys.executable, "-m", "helpers"], folder
            ),
            "judging alone, in-process": judging_alone,
        }
        times = {label: [] for label in rows}
        for _ in range(args.repeat):  # interleaved, so that load hits every row alike
            for label, measure in rows.items():
                times[label].append(measure())
    _, specs = checking.compiled()
    count = sum(len(spec.items) for spec in specs.values())
    print(f"{len(specs)} functions, {count} public cases and bad inputs; median of {args.repeat}")
    print("| what | seconds | goal |")
    print("|---|---|---|")
    for label, found in times.items():
        median = statistics.median(found)
        goal = "" if label == "python -c pass" else f"≤ {GOAL:g} {'✓' if median <= GOAL else '✗'}"
        print(f"| {label} | {median:.3f} | {goal} |")


if __name__ == "__main__":
    main()
