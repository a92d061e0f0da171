"""A real Dask cluster on this machine, started as the instructor guide says to start one.

A ``dask scheduler`` and single-threaded ``dask worker`` processes on 127.0.0.1, each its
own process group with its output in a log; no mock and no in-process cluster. Shared by
tests/test_cluster.py and tests/test_adversarial_dask.py.
"""

import os
import socket
import subprocess
import sys
from contextlib import contextmanager

import psutil

from autograder.lessons import ROOT

START = 120  # seconds for the scheduler and its workers to come up on a busy machine


def environment(**extra):
    """This checkout first on the path, for the CLI and for the workers alike."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, **extra}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dask(*arguments, log, **env):
    """A `dask` command line, as its own process group, its output in `log`, with `env`
    added to its environment."""
    command = [sys.executable, "-m", "dask", *arguments]
    with log.open("w") as output:
        return subprocess.Popen(
            command,
            env=environment(**env),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_for_workers(address, count):
    script = (
        "from distributed import Client\n"
        f"with Client({address!r}, timeout={START}) as client:\n"
        f"    client.wait_for_workers({count}, timeout={START})"
    )
    subprocess.run([sys.executable, "-c", script], env=environment(), check=True, timeout=2 * START)


def stop(processes):
    """Terminate, then kill what does not end within 30 s, whole process groups."""
    for process in reversed(processes):
        process.terminate()
    for process in reversed(processes):
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


@contextmanager
def cluster(folder, workers, **env):
    """A scheduler and `workers` single-threaded workers, their logs and spaces in `folder`,
    with `env` added to the workers' environment: (address, their nannies, folder)."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    host = ["--host", "127.0.0.1", "--no-dashboard"]
    scheduler = dask("scheduler", *host, "--port", str(port), log=folder / "scheduler.log")
    started = [scheduler]
    try:
        for number in range(workers):
            options = [*host, "--nworkers", "1", "--nthreads", "1"]
            space = ["--local-directory", str(folder / f"worker-{number}")]
            log = folder / f"worker-{number}.log"
            started.append(dask("worker", address, *options, *space, log=log, **env))
        wait_for_workers(address, workers)
        yield address, [psutil.Process(p.pid) for p in started[1:]], folder
    finally:
        stop(started)


def worker_processes(nanny):
    """The Dask worker processes a `dask worker` (its nanny) spawned."""
    try:
        return [p for p in nanny.children() if "spawn_main" in " ".join(p.cmdline())]
    except psutil.Error:
        return []
