"""Benchmark the trusted re-check on the reference helpers: what reading the child's folder costs.

Two numbers, each the median of several repeats:

* the whole re-check of every lesson's functions, one lesson after another (the zygote
  started beforehand), wall-clock: what ``course grade`` pays per submission;
* the parent's reading of every record and array of one child run over all the functions
  (:func:`autograder.sandbox.trusted.read_record`: the regular-file checks, the size caps, the
  JSON schema, the ``.npy`` headers), per record: what the safe reader costs.

Run (under a minute)::

    .venv/bin/python benchmarks/bench_recheck.py [--repeat N]
"""

import argparse
import statistics
import time

from autograder.lessons import LESSONS, ROOT
from autograder.sandbox import jail, trusted

REFERENCE = ROOT / "solutions" / "helpers"


def whole_recheck():
    start = time.perf_counter()
    for lesson in LESSONS:
        outcomes = trusted.recheck(REFERENCE, lesson.functions, seed=0)
        assert {o.status for o in outcomes.values()} == {"passed"}, outcomes
    return time.perf_counter() - start


def read_every_record(folder, calls):
    start = time.perf_counter()
    for number, (_, item) in enumerate(calls):
        trusted.read_record(folder, number, item)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    whole_recheck()  # starts the zygote
    whole = statistics.median(whole_recheck() for _ in range(args.repeat))
    calls = trusted.plan([name for lesson in LESSONS for name in lesson.functions], seed=0)
    with trusted.job_folder() as folder:
        trusted.prepare(folder, REFERENCE, calls, jail.LIMITS)
        trusted.run_child(folder, time.monotonic() + 300)
        reading = statistics.median(read_every_record(folder, calls) for _ in range(args.repeat))
    print(f"re-check of all {len(LESSONS)} lessons: {whole:.2f} s (median of {args.repeat})")
    print(
        f"reading {len(calls)} records: {reading * 1e3:.0f} ms, "
        f"{reading / len(calls) * 1e6:.0f} us per record"
    )


if __name__ == "__main__":
    main()
