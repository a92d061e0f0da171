"""The Dask path's cost: `course grade --cluster` on two local workers against the local pool.

The same synthetic class as ``bench_grading.py`` is graded three times on this machine,
at equal cores: by ``course grade --workers 2``, then twice by ``course grade --cluster``
against a real ``dask scheduler`` and two ``dask worker`` processes of one thread each
(the first cluster run pays for each worker's course and zygote, the second finds them
ready). The difference is what the engine costs: shipping each task's files and each
result, and the parent's writes of the graded notebooks.

Usage::

    python benchmarks/bench_cluster.py --size 10
"""

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_grading import BIN, make_class

START = 120  # seconds for the scheduler and workers to come up, on a loaded machine


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dask(folder, *arguments):
    log = (folder / f"{arguments[0]}-{time.monotonic_ns()}.log").open("w")
    command = [sys.executable, "-m", "dask", *arguments]
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for_workers(address, count):
    script = (
        "from distributed import Client\n"
        f"with Client({address!r}, timeout={START}) as client:\n"
        f"    client.wait_for_workers({count}, timeout={START})"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=2 * START)


def course_grade(submissions, out, *options):
    start = time.perf_counter()
    command = [str(BIN / "course"), "grade", str(submissions), "--out", str(out), *options]
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10, help="submissions in the class")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_class(folder / "class", args.size)
        address = f"tcp://127.0.0.1:{free_port()}"
        host = ("--host", "127.0.0.1", "--no-dashboard")
        started = [dask(folder, "scheduler", *host, "--port", address.rsplit(":", 1)[1])]
        try:
            for number in range(2):
                one = ("--nworkers", "1", "--nthreads", "1")
                started.append(
                    dask(
                        folder,
                        "worker",
                        address,
                        *host,
                        *one,
                        "--local-directory",
                        f"{tmp}/w{number}",
                    )
                )
            wait_for_workers(address, 2)
            local = course_grade(folder / "class", folder / "local", "--workers", "2")
            first = course_grade(folder / "class", folder / "first", "--cluster", address)
            second = course_grade(folder / "class", folder / "second", "--cluster", address)
        finally:
            for process in started:
                process.terminate()
            for process in started:
                process.wait(30)
    n = args.size
    print(f"{n} submissions x 5 lessons, 2 cores")
    print("| `course grade` | seconds | seconds per submission | against the local pool |")
    print("|---|---:|---:|---:|")
    for name, seconds in (
        ("local pool, 2 workers", local),
        ("Dask, 2 local workers, first run", first),
        ("Dask, 2 local workers, workers ready", second),
    ):
        print(f"| {name} | {seconds:.0f} | {seconds / n:.2f} | {seconds / local:.2f} |")


if __name__ == "__main__":
    main()
