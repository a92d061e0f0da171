"""The class report's cost beside grading's: under 5 % of grading 300 students.

In one run:

1. a small class (every submission complete; every fourth student's KL swapped, every
   fifth's softmax naive, as in benchmarks/bench_grading.py) is graded by ``course
   grade`` with this machine's workers: seconds per submission (one student's five
   lessons), the report's own time taken out;
2. its CSVs are copied for 300 students (``OUT`` as ``course grade`` would leave it
   for a class of that size, every row a real verdict), and ``course report`` is timed
   on them, median of three;
3. the ratio: the report's seconds over 300 submissions' grading seconds at the rate
   measured in 1. Grading 300 students is not run here (it takes hours on two cores);
   its time is the measured rate times 300, which benchmarks/bench_grading.py shows
   grows linearly with the class.

Usage::

    python benchmarks/bench_report.py                  # 4 graded, 300 reported
    python benchmarks/bench_report.py --graded 2 --students 100     # a quick look
"""

import argparse
import contextlib
import csv
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_grading import make_class  # the same class, beside this script

from autograder.grading import batch, classreport

CSVS = ("checks.csv", "grades.csv", "submissions.csv")


def timed(function: Callable[..., object], *args: Any, **kwargs: Any) -> float:
    start = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - start


def scaled_out(out: Path, big: Path, students: int) -> None:
    """`big`: OUT's CSVs with each graded student's rows copied for `students` students."""
    big.mkdir()
    for name in CSVS:
        with (out / name).open(newline="") as f:
            reader = csv.DictReader(f)
            rows, fields = list(reader), list(reader.fieldnames or ())
        graded = sorted({row["student_id"] for row in rows})
        with (big / name).open("w", newline="") as f:
            writer = csv.DictWriter(f, fields)
            writer.writeheader()
            for number in range(students):
                like = graded[number % len(graded)]
                for row in rows:
                    if row["student_id"] == like:
                        writer.writerow({**row, "student_id": f"student{number:04d}"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graded", type=int, default=4, help="students graded for real")
    parser.add_argument("--students", type=int, default=300, help="students in the report")
    args = parser.parse_args()
    quiet = lambda *a: None  # noqa: E731
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        make_class(root / "class", args.graded)
        with contextlib.redirect_stdout(io.StringIO()):  # the grader's summary table
            grading = timed(batch.grade, root / "class", root / "out", say=quiet)
        small = timed(classreport.write, root / "out", root / "small-report", say=quiet)
        per_submission = (grading - small) / args.graded
        scaled_out(root / "out", root / "big", args.students)
        report = statistics.median(
            timed(classreport.write, root / "big", root / f"report-{n}", say=quiet)
            for n in range(3)
        )
    whole = per_submission * args.students
    print(
        f"| students | grading s / submission (measured on {args.graded}) | grading "
        f"{args.students} (rate x {args.students}) | course report | report / grading |"
    )
    print("|---|---|---|---|---|")
    print(
        f"| {args.students} | {per_submission:.1f} | {whole:.0f} s | {report:.2f} s "
        f"| {100 * report / whole:.2f} % |"
    )


if __name__ == "__main__":
    main()
