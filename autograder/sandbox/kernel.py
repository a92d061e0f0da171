"""The nbgrader kernel, sandboxed: ``python -m autograder.sandbox.kernel -f CONNECTION_FILE``.

`course release` installs a kernel spec, :data:`NAME`, that starts this module instead
of ipykernel, and the course's ``nbgrader_config.py`` makes autograde use it, with its
sockets as files (``KernelManager.transport = "ipc"``) so that the kernel can live in a
network namespace of its own. This module reads the connection file, enters the
sandbox of :mod:`autograder.sandbox.jail` with what a kernel needs to see, scrubs the
environment, and only then becomes ipykernel. Where its grading worker has a warm
zygote (:mod:`autograder.sandbox.kernel_zygote`), a fork of that zygote does the same in its
place, and this process stands in for the kernel until it ends.

What the kernel sees: the system, the Python installation and the course's virtual
environment, read-only; a private copy of the submission's folder, at that folder's
path, its sockets and a fresh home, writable. Not the grader's packages (the reference,
the catalogue, the hidden cases: shown empty even where the environment holds them),
not the run's seed, not the gradebook, not the course's ``source/``, not another
student's work. The graded cells need none of it: they judge the public cases of the
submission's ``helpers/cases.json``, which the grader staged from the release. The
kernel's own score is never trusted anyway: the trusted re-check
(:mod:`autograder.sandbox.trusted`) decides, and compares it with its own on the same cases.

The copy is the seal between the kernel and nbgrader. After the kernel ends, nbgrader
(root, in CI) writes the graded notebook into the submission's folder, chmods every file
there and copies them into the feedback, following links. The kernel never had that
folder: what it writes, links or plants lands in the copy, which nothing reads back and
the kernel's supervisor removes. Its outputs reach nbgrader through the kernel protocol
only.
"""

import json
import os
import shutil
import signal
import socket
import sys
import tempfile
from contextlib import suppress
from pathlib import Path

from autograder.sandbox import files, jail

NAME = "logits-to-loss-sandbox"
# What the kernel's environment keeps: nbgrader's flag, the parent ipykernel watches,
# one BLAS thread. Nothing else of the grader's: no seed, no token, no path.
KEEP = ("NBGRADER_EXECUTION", "JPY_PARENT_PID", *jail.ONE_THREAD, "LANG", "LC_ALL")
# Set for the kernel, so that no library writes the grader's paths into the notebook:
# joblib (imported by scikit-learn) cannot make semaphores in the sandbox, and warns so,
# naming its own file in the course's environment, before it works serially; told to
# work serially, it says nothing.
QUIET = {"JOBLIB_MULTIPROCESSING": "0"}
# Where the limits for the kernel come from: JSON set by `course grade` for its workers.
LIMITS_VARIABLE = "COURSE_SANDBOX_LIMITS"
# Where the worker's warm kernel zygote listens (:mod:`autograder.sandbox.kernel_zygote`):
# set in the worker's environment, which nbgrader passes on to this process.
ZYGOTE_VARIABLE = "COURSE_KERNEL_ZYGOTE"
# The notebook's CPU time, generous: `course grade` also stops a notebook by the clock.
CPU_SECONDS = 600


def spec():
    """The kernel spec: this module in front of ipykernel."""
    return {
        "argv": [sys.executable, "-m", "autograder.sandbox.kernel", "-f", "{connection_file}"],
        "display_name": "Python 3 (logits-to-loss sandbox)",
        "language": "python",
        "interrupt_mode": "signal",
    }


def install():
    """Install the kernel spec into this environment (idempotent); return its folder.

    An environment that already holds it is not written to: an instructor may use one
    they cannot write, installed once by its owner.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    installed = Path(sys.prefix) / "share" / "jupyter" / "kernels" / NAME
    with suppress(OSError, ValueError):
        readable = installed.stat().st_mode & 0o005 == 0o005  # by every user of the environment
        if readable and json.loads((installed / "kernel.json").read_text()) == spec():
            return str(installed)
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp).chmod(0o755)  # the spec's folder keeps this mode: every user reads it
        (Path(tmp) / "kernel.json").write_text(json.dumps(spec(), indent=1))
        return KernelSpecManager().install_kernel_spec(tmp, NAME, prefix=sys.prefix)


def limits():
    chosen = json.loads(os.environ.get(LIMITS_VARIABLE) or "{}")
    return {**jail.LIMITS, "RLIMIT_CPU": CPU_SECONDS, **chosen}


def private_folder():
    """A fresh folder for one kernel: its home, its copy of the working folder, its root.

    Its mode lets the sandbox's user pass through to the parts it owns (where there is
    no mount namespace to show them), not list or read the rest.
    """
    private = Path(tempfile.mkdtemp(prefix="course-kernel-"))
    private.chmod(0o711)
    for name in ("home", "root"):
        (private / name).mkdir()
    files.copy_regular_tree(Path.cwd(), private / "work")
    return private


def policy(sockets, private, worker):
    """What the kernel sees; `sockets` is None when it is reached over TCP. The sandbox's
    user is the one of the grading process `worker` that asked for the kernel."""
    workdir, home = Path.cwd(), private / "home"
    mine = [path for path in (sockets, home) if path is not None]
    return {
        "binds": [
            *jail.system_binds(),
            [sys.prefix, False],
            *([path, True] for path in mine),
            [workdir, True, private / "work"],  # the copy, where the original was
        ],
        "masks": jail.course_packages(),
        "scratch": private / "root",
        "workdir": workdir,
        "user": jail.sandbox_user(worker),
        "owned": [*mine, workdir],
        "limits": limits(),
        "cleanup": [private],
    }


def environment(home):
    kept = {name: os.environ[name] for name in KEEP if name in os.environ}
    path = f"{Path(sys.executable).parent}:/usr/bin:/bin"
    return {**kept, **QUIET, "PATH": path, "HOME": str(home), "TMPDIR": str(home)}


def without_the_workers_streams():
    """Standard input, output and error on /dev/null, as the re-check's child has them."""
    # They were the worker's: its log (readable again through /proc/self/fd) and the terminal.
    devnull = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(devnull, stream)
    os.close(devnull)


def die_with_the_worker():
    """Be sent SIGTERM when the grading worker that started this kernel dies (killed, out
    of memory, a Dask worker's machine lost): as the sandbox's supervisor, this process
    then takes the kernel's whole namespace down, and no kernel outlives its worker."""
    if not sys.platform.startswith("linux"):
        return
    jail.prctl(jail.PR_SET_PDEATHSIG, signal.SIGTERM)
    parent = os.environ.get("JPY_PARENT_PID", "")
    if parent.isdigit() and os.getppid() != int(parent):  # it died before the line above
        sys.exit("the grading worker that started this kernel is gone")


def enter_sandbox(connection_file, worker, hangup=None):
    """Sandbox this process for the kernel of `connection_file`; return, in the sandboxed
    child, the kernel's home. `hangup`: a socket whose closing kills the kernel (the
    process that asked a warm zygote for it, :mod:`autograder.sandbox.kernel_zygote`)."""
    connection = json.loads(connection_file.read_text())
    # Over ipc the kernel's sockets are files in the folder the grader named, and the
    # kernel can have a network of its own; over TCP it must share the grader's.
    ipc = connection.get("transport") == "ipc"
    sockets = Path(connection["ip"]).parent if ipc else None
    if sockets is not None:
        sockets.mkdir(parents=True, exist_ok=True)
    private = private_folder()
    home = private / "home"
    cache = Path.home() / ".cache" / "matplotlib"
    if cache.is_dir():  # the font list, so that every kernel does not rebuild it
        shutil.copytree(cache, home / ".cache" / "matplotlib")
    # The grader's copy is private to the grader; the kernel's user reads this one.
    shutil.copyfile(connection_file, home / "connection.json")
    jail.enter({**policy(sockets, private, worker), "hangup": hangup}, network=ipc)
    without_the_workers_streams()
    return home


def ask_the_zygote(connection_file):
    """Have this worker's zygote start the kernel of `connection_file`, and stand in for it
    until it ends; then exit. Returns at once if there is no zygote to ask."""
    address = os.environ.get(ZYGOTE_VARIABLE)
    if not address:
        return
    asking = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        asking.connect(address)
    except OSError:  # it died: this kernel starts cold
        asking.close()
        return
    shared = (*KEEP, LIMITS_VARIABLE)
    request = {
        "connection_file": str(connection_file),
        "cwd": os.getcwd(),
        "worker": os.getppid(),
        "environment": {name: os.environ[name] for name in shared if name in os.environ},
    }
    asking.sendall(json.dumps(request).encode() + b"\n")
    answers = asking.makefile("rb")
    group = int(answers.readline(100) or 0)  # the supervisor's process group: the kernel's
    if group:
        signal.signal(signal.SIGINT, lambda *_: os.killpg(group, signal.SIGINT))
        answers.read()  # until the supervisor ends: the kernel has ended
    sys.exit(0 if group else "the kernel zygote did not start the kernel")


def main(argv):
    die_with_the_worker()
    connection_file = Path(argv[argv.index("-f") + 1]).resolve()
    ask_the_zygote(connection_file)  # returns only if this worker has no warm zygote
    home = enter_sandbox(connection_file, os.getppid())
    python = [sys.executable, "-m", "ipykernel_launcher", "-f", str(home / "connection.json")]
    os.execve(sys.executable, python, environment(home))


if __name__ == "__main__":
    main(sys.argv)
