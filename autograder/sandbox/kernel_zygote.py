"""A warm kernel zygote: each grading worker's notebooks start from one, already imported.

A fresh kernel spends about a second of every notebook before the first line of it
runs: ipykernel starts, then the lesson imports NumPy, SciPy, Matplotlib and
scikit-learn. The zygote is one fresh interpreter per grading worker, with a scrubbed
environment, that imports all of them once (:data:`WARM`) and then forks a new process
for each notebook. It never runs a learner's code and holds nothing of the run: no
seed, no reference, no course package but the sandbox's own modules. Each fork becomes
one kernel, exactly as :mod:`autograder.sandbox.kernel` makes one, and then runs ipykernel in
itself instead of starting a new Python:

1. nbgrader starts the kernel spec's process, ``python -m autograder.sandbox.kernel``, as for any
   kernel. Where its worker has a zygote (:data:`kernel.ZYGOTE_VARIABLE`), that process
   asks it for a kernel over a Unix socket (:func:`kernel.ask_the_zygote`): the connection
   file, its working folder, the kernel's environment and limits. It stays as the kernel's
   stand-in for nbgrader: an interrupt it receives goes to the kernel, and when it ends
   (nbgrader's shutdown, the watchdog, its worker's death) its socket closes, and the
   kernel is killed.
2. The zygote forks (:func:`serve`). The fork makes the same private copy of the
   submission's folder and enters the same sandbox (:func:`kernel.enter_sandbox`):
   namespaces, private root with the course's packages masked, unprivileged user,
   limits, a supervisor that removes the copy afterwards.
3. In the sandbox, the process drops everything it had of the zygote
   (:func:`become_kernel`): every descriptor, the course's modules, the environment (the
   kernel's, as :func:`kernel.environment` makes it), the signal handlers, the random
   states; then it runs ipykernel.

So nothing of one student reaches the next: every notebook has a process of its own,
forked from a zygote that no notebook ever ran in. Where there is no zygote (the
formgrader, a machine without namespaces), the kernel spec's process starts the kernel
itself, as before.
"""

import atexit
import importlib
import importlib.util
import json
import os
import random
import select
import signal
import socket
import subprocess
import sys
import tempfile
from contextlib import suppress
from pathlib import Path

from autograder.sandbox import jail, kernel

# What the lessons' notebooks import, and the kernel itself.
WARM = (
    "numpy",
    "scipy.special",
    "scipy.stats",
    # Not matplotlib_inline's backend: imported where IPython is not yet running, it would
    # never hook itself into the kernel's shell, and figures would print as "<Figure ...>"
    # instead of showing (pyplot imports it at the first plot, inside the kernel).
    "matplotlib.pyplot",
    "sklearn.datasets",
    "sklearn.linear_model",
    "sklearn.metrics",
    "sklearn.model_selection",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",  # debugpy, which every kernel imports as it starts
    "sqlite3",  # IPython's history, even in memory
    "pdb",
)
# The backend ipykernel chooses for a kernel, before a notebook imports Matplotlib: read
# by Matplotlib when it is imported, so it is set in the zygote's environment.
INLINE = "module://matplotlib_inline.backend_inline"
READY = 120  # seconds for the zygote's imports, on a loaded machine
MAX_REQUEST = 2**16  # bytes: a request is paths and a few variables


# -- the worker's side ------------------------------------------------------------------


class Zygote:
    """This worker's zygote process, its socket in a folder of its own."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="course-kernels-"))
        self.address = self.folder / "zygote"
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(self.address)],
            env=environment(),
            cwd="/",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # interrupts and kills meant for a kernel's group miss it
        )
        ready, _, _ = select.select([self.process.stdout], [], [], READY)
        if not ready or self.process.stdout.readline() != b"ready\n":
            self.close()
            raise RuntimeError("the kernel zygote did not start")

    def alive(self):
        return self.process.poll() is None

    def close(self):
        with suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        jail.remove_tree(self.folder)


ZYGOTE = []


def environment():
    """The zygote's environment: the kernel's, less what is the notebook's own, plus what the
    warm modules read when they are imported (one BLAS thread, joblib serial, the backend)."""
    kept = {name: os.environ[name] for name in kernel.KEEP if name in os.environ}
    for name in ("NBGRADER_EXECUTION", "JPY_PARENT_PID"):  # the notebook's, sent with it
        kept.pop(name, None)
    path = f"{Path(sys.executable).parent}:/usr/bin:/bin"
    home = str(Path.home())  # where Matplotlib's font list is
    temp = tempfile.gettempdir()  # where the kernels' private folders go: the worker's
    return {
        **kept,
        **kernel.QUIET,
        # A fork takes only the thread that forks: BLAS in the zygote must start no
        # thread of its own (the kernels get one BLAS thread anyway).
        **jail.ONE_THREAD,
        "MPLBACKEND": INLINE,
        "PATH": path,
        "HOME": home,
        "TMPDIR": temp,
    }


def ensure():
    """This worker's live zygote, started on first use (or after the watchdog killed it),
    named in the environment its kernels inherit; None where kernels start cold."""
    if ZYGOTE and ZYGOTE[0].alive():
        return ZYGOTE[0]
    stop()
    if not sys.platform.startswith("linux") or jail.missing_protections():
        return None  # a fork can only be sandboxed as the kernel is where every protection is
    try:
        ZYGOTE.append(Zygote())
    except RuntimeError:  # its kernels start cold, as the formgrader's do
        return None
    atexit.register(ZYGOTE[0].close)
    os.environ[kernel.ZYGOTE_VARIABLE] = str(ZYGOTE[0].address)
    return ZYGOTE[0]


def stop():
    """Stop this worker's zygote, if any: its kernels start cold until :func:`ensure`."""
    os.environ.pop(kernel.ZYGOTE_VARIABLE, None)
    while ZYGOTE:
        ZYGOTE.pop().close()


def folders():
    """The folders of this worker's live zygote, which emptying the temp folder keeps."""
    return {zygote.folder for zygote in ZYGOTE if zygote.alive()}


# -- the zygote -------------------------------------------------------------------------


def serve(address):
    """Import :data:`WARM`, say ready, then fork a kernel for each request on `address`."""
    jail.prctl(jail.PR_SET_PDEATHSIG, signal.SIGKILL)  # it goes with its worker
    del sys.path[0]  # the folder `-m` added, which `python -m ipykernel_launcher` removes
    for name in WARM:
        importlib.import_module(name)
    if len(os.listdir("/proc/self/task")) != 1:  # a fork takes only the thread that forks
        sys.exit("an import started a thread: the zygote cannot fork kernels safely")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    os.chmod(address, 0o600)  # the worker's user alone asks for kernels
    listener.listen()
    print("ready", flush=True)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)  # nothing forked from here holds the worker's pipe
    while True:
        asking, _ = listener.accept()
        if os.fork() == 0:
            listener.close()
            forked(asking)
        asking.close()
        reap()


def reap():
    """Collect the forks that have ended, so that none lingers as a zombie."""
    with suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def forked(asking):
    """In a fork: become the supervisor of a sandboxed kernel, or the kernel; never return."""
    status = 1
    try:
        os.setsid()  # a process group of its own, which the kernel's interrupts go to
        request = json.loads(asking.makefile("rb").readline(MAX_REQUEST))
        asking.sendall(f"{os.getpid()}\n".encode())
        hangup = asking.detach()  # the supervisor's now; no socket object closes it later
        os.environ.update(request["environment"])  # the notebook's own, and its limits
        os.chdir(request["cwd"])
        connection_file = Path(request["connection_file"])
        home = kernel.enter_sandbox(connection_file, request["worker"], hangup)
        status = become_kernel(home)
    finally:
        os._exit(status)


def become_kernel(home):
    """In the sandbox: drop what the zygote had, run ipykernel; its exit status."""
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    for name in [name for name in sys.modules if name.partition(".")[0] == "autograder"]:
        del sys.modules[name]  # a course module is only what the mask shows: nothing
    scrubbed = kernel.environment(home)
    os.environ.clear()
    os.environ.update(scrubbed)
    tempfile.tempdir = None  # found again from TMPDIR: the kernel's home
    signal.signal(signal.SIGINT, signal.default_int_handler)  # as a fresh interpreter's
    for number in (signal.SIGTERM, signal.SIGCHLD):
        signal.signal(number, signal.SIG_DFL)
    fresh_random_states()
    launcher = importlib.util.find_spec("ipykernel_launcher").origin
    sys.argv = [launcher, "-f", str(home / "connection.json")]
    from ipykernel import kernelapp

    try:
        kernelapp.launch_new_instance()
        status = 0
    except SystemExit as ending:
        status = ending.code if isinstance(ending.code, int) else 1
    atexit._run_exitfuncs()  # as the interpreter would at exit
    return status


def fresh_random_states():
    """New seeds from the system, as a fresh interpreter's: the zygote's are every fork's."""
    import numpy as np

    random.seed()
    np.random.seed()  # noqa: NPY002 - the legacy global state a notebook may use


if __name__ == "__main__":
    serve(sys.argv[1])
