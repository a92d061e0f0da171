"""The warm kernel zygote (autograder/sandbox/kernel_zygote.py): fast, and nothing of one student
reaches the next.

This test process stands in for a grading worker: it starts the zygote as a worker
does, and starts kernels through the sandboxed kernel spec as nbgrader does, with
jupyter_client. Student A's kernel changes everything it can reach (modules, NumPy
itself, builtins, the environment, files in its folder and home, the random states);
student B's kernel, forked from the same zygote, must see none of it.
"""

import json
import os
import signal
import sys
import tempfile
from pathlib import Path

import psutil
import pytest
from jupyter_client import KernelManager

from autograder.sandbox import jail, kernel, kernel_zygote

pytestmark = [
    pytest.mark.slow,
    pytest.mark.sandbox,
    pytest.mark.skipif(
        not sys.platform.startswith("linux") or bool(jail.missing_protections()),
        reason="the zygote forks kernels only where the sandbox is complete",
    ),
]

STARTUP = 120  # seconds for a kernel to answer, on a loaded machine
A_PLANTS = """
import builtins, json, os, random, sys
import numpy, sklearn
numpy.allclose = lambda *args, **kwargs: True
numpy.PLANTED = sklearn.PLANTED = builtins.PLANTED = "A"
sys.modules["helpers"] = numpy
os.environ["PLANTED"] = "A"
for folder in (".", os.environ["HOME"], os.environ["TMPDIR"]):
    with open(os.path.join(folder, "planted-by-a.txt"), "w") as f:
        f.write("A")
print(json.dumps([random.random(), numpy.random.random()]))
"""
B_LOOKS = """
import builtins, json, os, random, sys
import numpy, sklearn
print(json.dumps({
    "allclose": bool(numpy.allclose(1.0, 2.0)),
    "planted": [hasattr(m, "PLANTED") for m in (numpy, sklearn, builtins)],
    "helpers": "helpers" in sys.modules,
    "environment": "PLANTED" in os.environ,
    "files": sorted(
        name
        for folder in (".", os.environ["HOME"], os.environ["TMPDIR"])
        for name in os.listdir(folder)
        if "planted" in name
    ),
    "random": [random.random(), numpy.random.random()],
}))
"""
AT_START = """
import json, os, sys
print(json.dumps({
    "warm": [name in sys.modules for name in ("numpy", "matplotlib.pyplot", "sklearn")],
    "course": sorted(
        name for name in sys.modules if name.partition(".")[0] in ("autograder", "solutions")
    ),
    "uid": os.getuid(),
    "pid": os.getpid(),
    "environment": sorted(os.environ),
    "descriptors": len(os.listdir("/proc/self/fd")),
}))
"""


@pytest.fixture
def worker(monkeypatch):
    """This process as a grading worker: a temp folder of its own, a live zygote."""
    own = Path(tempfile.mkdtemp(prefix="course-zygote-test-"))
    monkeypatch.setenv("TMPDIR", str(own))
    monkeypatch.setattr(tempfile, "tempdir", str(own))
    monkeypatch.setenv(kernel.LIMITS_VARIABLE, json.dumps({"RLIMIT_CPU": 120}))
    monkeypatch.delenv(kernel.ZYGOTE_VARIABLE, raising=False)
    try:
        zygote = kernel_zygote.ensure()
        assert zygote is not None and zygote.alive()
        yield own, zygote
    finally:
        kernel_zygote.stop()
        jail.remove_tree(own)


def start_kernel(own, folder):
    manager = KernelManager(kernel_name=kernel.NAME, transport="ipc", ip=str(own / "sockets" / "k"))
    manager.start_kernel(cwd=str(folder))
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=STARTUP)
    return manager, client


def stop_kernel(manager, client):
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def run(client, code, timeout=STARTUP):
    """What `code` printed, and the names of the errors it raised."""
    printed, errors = [], []

    def hear(message):
        content = message["content"]
        if message["msg_type"] == "stream":
            printed.append(content["text"])
        elif message["msg_type"] == "error":
            errors.append(content["ename"])

    client.execute_interactive(code, output_hook=hear, timeout=timeout)
    return "".join(printed), errors


def in_kernel(own, folder, *cells):
    """What each cell printed, as JSON, in one fresh kernel."""
    manager, client = start_kernel(own, folder)
    try:
        seen = []
        for cell in cells:
            printed, errors = run(client, cell)
            assert not errors, errors
            seen.append(json.loads(printed))
        return seen
    finally:
        stop_kernel(manager, client)


@pytest.fixture
def submission(worker):
    own, _ = worker
    folder = own / "submitted"
    folder.mkdir()
    (folder / "notebook.ipynb").write_text("{}")
    return folder


def test_a_kernel_from_the_zygote_is_warm_sandboxed_and_holds_no_course_module(worker, submission):
    own, _ = worker
    (start,) = in_kernel(own, submission, AT_START)
    assert start["warm"] == [True, True, True]
    assert start["course"] == []
    assert start["pid"] == 1, "a PID namespace of its own"
    assert start["uid"] == jail.sandbox_user(os.getpid())
    assert set(start["environment"]) <= {
        *kernel.KEEP,
        *kernel.QUIET,
        *("PATH", "HOME", "TMPDIR", "MPLBACKEND"),
        # what ipykernel itself sets for its kernel, warm or cold
        *("CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "GIT_PAGER", "PAGER", "TERM"),
        "PYDEVD_USE_FRAME_EVAL",
    }


def test_nothing_of_one_student_reaches_the_next(worker, submission):
    own, zygote = worker
    (a_random,) = in_kernel(own, submission, A_PLANTS)
    (b,) = in_kernel(own, submission, B_LOOKS)
    assert zygote.alive(), "both kernels came from the same zygote"
    assert b["allclose"] is False
    assert b["planted"] == [False, False, False]
    assert b["helpers"] is False
    assert b["environment"] is False
    assert b["files"] == []
    assert [path.name for path in submission.iterdir()] == ["notebook.ipynb"]
    # Fresh seeds from the system in each fork: the chance that two draws are equal is 2**-53.
    assert b["random"][0] != a_random[0] and b["random"][1] != a_random[1]


def test_the_zygote_holds_nothing_of_the_grader(worker):
    _, zygote = worker
    environ = Path(f"/proc/{zygote.process.pid}/environ").read_bytes().split(b"\0")
    names = {entry.partition(b"=")[0].decode() for entry in environ if entry}
    assert names <= {*kernel.KEEP, *kernel.QUIET, "MPLBACKEND", "PATH", "HOME", "TMPDIR"}
    assert kernel.LIMITS_VARIABLE not in names and kernel.ZYGOTE_VARIABLE not in names


def sandboxed_processes():
    user = jail.sandbox_user(os.getpid())
    found = []
    for process in psutil.process_iter(["uids"]):
        if process.info["uids"] and process.info["uids"].real == user:
            found.append(process)
    return found


def test_an_interrupt_reaches_the_kernel_and_a_killed_stand_in_takes_it_down(worker, submission):
    own, _ = worker
    manager, client = start_kernel(own, submission)
    try:
        client.execute("import time; print('sleeping', flush=True); time.sleep(60)")
        while client.get_iopub_msg(timeout=STARTUP)["content"].get("text") != "sleeping\n":
            pass  # until the cell runs
        manager.interrupt_kernel()
        reply = client.get_shell_msg(timeout=STARTUP)["content"]
        assert (reply["status"], reply["ename"]) == ("error", "KeyboardInterrupt")
        for _ in range(3):  # ipykernel aborts a request that comes right after an error
            after = client.execute_interactive("after = 1", timeout=STARTUP)["content"]
            if after["status"] != "aborted":
                break
        assert after["status"] == "ok", "the kernel lives on after the interrupt"
        assert sandboxed_processes(), "the kernel runs as the sandbox's user"
        manager.provisioner.process.send_signal(signal.SIGKILL)  # the watchdog's way
        psutil.wait_procs(sandboxed_processes(), timeout=30)
        assert sandboxed_processes() == []
    finally:
        stop_kernel(manager, client)
