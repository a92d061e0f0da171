"""How long `course book` takes: a cold build (every notebook executed), then a rebuild.

The goal is a whole book in under 3 minutes on a 2-core machine. The rebuild takes the
executed notebooks from the book's cache, as an author's second build does.

Usage::

    python benchmarks/bench_book.py
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def build(out):
    start = time.perf_counter()
    command = [sys.executable, "-m", "autograder.cli", "book", "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main():
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "book"
        cold, cached = build(out), build(out)
    print(f"{os.cpu_count()} CPUs")
    print("| course book | seconds | goal |")
    print("|---|---:|---|")
    print(f"| cold: every notebook executed | {cold:.1f} | < 180 {'✓' if cold < 180 else '✗'} |")
    print(f"| rebuild, notebooks from the cache | {cached:.1f} | |")


if __name__ == "__main__":
    main()
