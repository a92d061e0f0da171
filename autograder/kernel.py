"""The nbgrader kernel, sandboxed: ``python -m autograder.kernel -f CONNECTION_FILE``.

`course release` installs a kernel spec, :data:`NAME`, that starts this module instead
of ipykernel, and the course's ``nbgrader_config.py`` makes autograde use it, with its
sockets as files (``KernelManager.transport = "ipc"``) so that the kernel can live in a
network namespace of its own. This module reads the connection file, enters the
sandbox of :mod:`autograder.sandbox` with what a kernel needs to see, scrubs the
environment, and only then becomes ipykernel.

What the kernel sees: the system, the Python installation and the course's virtual
environment, read-only; the grader's packages, read-only, because the hidden tests
compare with the reference inside the kernel; the submission's own folder, its
sockets and a fresh home, writable. Not the gradebook, not the course's ``source/``,
not another student's work. The kernel's own score is never trusted anyway: the
trusted re-check (:mod:`autograder.trusted`) decides.
"""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from . import sandbox
from .lessons import ROOT

NAME = "logits-to-loss-sandbox"
# What the kernel's environment keeps: nbgrader's flag, the parent ipykernel watches,
# the run's seed, one BLAS thread.
KEEP = (
    "NBGRADER_EXECUTION",
    "JPY_PARENT_PID",
    "COURSE_GRADING_SEED",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "LANG",
    "LC_ALL",
)
# Where the limits for the kernel come from: JSON set by `course grade` for its workers.
LIMITS_VARIABLE = "COURSE_SANDBOX_LIMITS"
# The notebook's CPU time, generous: `course grade` also stops a notebook by the clock.
CPU_SECONDS = 600


def spec():
    """The kernel spec: this module in front of ipykernel."""
    return {
        "argv": [sys.executable, "-m", "autograder.kernel", "-f", "{connection_file}"],
        "display_name": "Python 3 (logits-to-loss sandbox)",
        "language": "python",
        "interrupt_mode": "signal",
    }


def install():
    """Install the kernel spec into this environment (idempotent); return its folder."""
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "kernel.json").write_text(json.dumps(spec(), indent=1))
        return KernelSpecManager().install_kernel_spec(tmp, NAME, prefix=sys.prefix)


def limits():
    chosen = json.loads(os.environ.get(LIMITS_VARIABLE) or "{}")
    return {**sandbox.LIMITS, "RLIMIT_CPU": CPU_SECONDS, **chosen}


def grader_packages():
    """The course's own packages, unless the environment's folder already holds them."""
    here = [ROOT / "autograder", ROOT / "solutions"]
    return [path for path in here if not path.is_relative_to(sys.prefix)]


def policy(sockets, home):
    """What the kernel sees; `sockets` is None when it is reached over TCP."""
    workdir, scratch = Path.cwd(), Path(tempfile.mkdtemp(prefix="course-kernel-root-"))
    mine = [path for path in (sockets, home, workdir) if path is not None]
    packages = [[path, False] for path in (sys.prefix, *grader_packages())]
    return {
        "binds": [*sandbox.system_binds(), *packages, *([path, True] for path in mine)],
        "scratch": scratch,
        "workdir": workdir,
        "user": sandbox.sandbox_user(os.getppid()),
        "owned": mine,
        "limits": limits(),
        "cleanup": [home, scratch],
    }


def environment(home):
    kept = {name: os.environ[name] for name in KEEP if name in os.environ}
    return {**kept, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(home)}


def main(argv):
    connection_file = Path(argv[argv.index("-f") + 1]).resolve()
    connection = json.loads(connection_file.read_text())
    # Over ipc the kernel's sockets are files in the folder the grader named, and the
    # kernel can have a network of its own; over TCP it must share the grader's.
    ipc = connection.get("transport") == "ipc"
    sockets = Path(connection["ip"]).parent if ipc else None
    if sockets is not None:
        sockets.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="course-kernel-home-", dir=sockets))
    cache = Path.home() / ".cache" / "matplotlib"
    if cache.is_dir():  # the font list, so that every kernel does not rebuild it
        shutil.copytree(cache, home / ".cache" / "matplotlib")
    # The grader's copy is private to the grader; the kernel's user reads this one.
    shutil.copyfile(connection_file, home / "connection.json")
    sandbox.enter(policy(sockets, home), network=ipc)
    python = [sys.executable, "-m", "ipykernel_launcher", "-f", str(home / "connection.json")]
    os.execve(sys.executable, python, environment(home))


if __name__ == "__main__":
    main(sys.argv)
