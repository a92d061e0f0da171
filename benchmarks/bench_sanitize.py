"""What neutralising a notebook costs, and how much output an honest notebook has.

Each solution notebook is executed once (as the book does), then, per notebook:

- its total output, counted as `CappedExecute` counts it: the basis of the cap
  (`sanitize.MAX_OUTPUT_BYTES`);
- the time `neutralise` takes, plus sanitising the HTML of every markdown cell, which
  is what the formgrader and the feedback add to nbconvert's own rendering.

Usage::

    python benchmarks/bench_sanitize.py
"""

import copy
import time

import nbformat
from nbclient import NotebookClient

from autograder.grading import sanitize
from autograder.lessons import LESSONS, ROOT

REPEATS = 10


def executed(lesson):
    path = ROOT / "solutions" / lesson.notebook
    nb = nbformat.read(path, as_version=4)
    resources = {"metadata": {"path": str(path.parent)}}
    NotebookClient(nb, timeout=300, kernel_name="python3", resources=resources).execute()
    return nb


def output_size(nb):
    return sum(sanitize.size_of(o) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def sanitising_time(nb):
    """Seconds to neutralise `nb` and clean its markdown's HTML, the mean of REPEATS."""
    markdown = [sanitize.render_markdown(c.source) for c in nb.cells if c.cell_type == "markdown"]
    copies = [copy.deepcopy(nb) for _ in range(REPEATS)]
    start = time.perf_counter()
    for each in copies:
        sanitize.neutralise(each)
        for html in markdown:
            sanitize.clean(html)
    return (time.perf_counter() - start) / REPEATS


def main():
    cap = sanitize.MAX_OUTPUT_BYTES / 2**20
    print(f"| notebook | output (MB; the cap is {cap:g}) | sanitising (ms) |")
    print("|---|---:|---:|")
    for lesson in LESSONS:
        nb = executed(lesson)
        size, seconds = output_size(nb) / 2**20, sanitising_time(nb)
        print(f"| {lesson.slug} | {size:.2f} | {seconds * 1000:.1f} |")


if __name__ == "__main__":
    main()
