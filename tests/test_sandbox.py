"""The sandbox itself (autograder/sandbox/jail.py): what a process inside it can and cannot do.

Each test forks, sandboxes the fork with a policy, looks around from inside and sends
back what it saw. Root gets the full sandbox; an unprivileged user gets it through a
user namespace, without the change of user; without namespaces, the limits alone.
"""

import ctypes
import encodings.idna  # noqa: F401 - loaded before a sandbox that may not see the stdlib
import errno
import json
import os
import resource
import shutil
import socket
import sys
import tempfile
from pathlib import Path

import pytest

from autograder.lessons import ROOT
from autograder.sandbox import jail

pytestmark = [pytest.mark.sandbox]

LINUX = sys.platform.startswith("linux")
needs_linux = pytest.mark.skipif(not LINUX, reason="namespaces are Linux's")


def inside(policy, look, before=None):
    """Run look() in a sandboxed fork; return (missing protections, what look() returned)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            if before:
                before()
            missing = jail.enter(policy)
            os.write(write, json.dumps([missing, look()]).encode())
        except BaseException as exc:  # say why, for the assertion below
            os.write(write, json.dumps(["failed", repr(exc)]).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    assert data, "the sandboxed process sent nothing back"
    missing, seen = json.loads(data)
    assert missing != "failed", seen
    return missing, seen


@pytest.fixture
def job():
    """A job folder like the trusted child's: inputs read-only, work/ writable.

    Not under pytest's tmp_path, whose parent only its owner may enter: an unprivileged
    sandbox must reach the folder to bind it.
    """
    folder = Path(tempfile.mkdtemp(prefix="course-sandbox-test-"))
    for sub in ("root", "work", "in"):
        (folder / sub).mkdir()
    (folder / "in" / "secret-free.txt").write_text("inputs")
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def policy(job, system=None):
    return {
        "binds": (system or jail.system_binds()) + [[job, False], [job / "work", True]],
        "scratch": job / "root",
        "workdir": job / "work",
        "user": jail.sandbox_user(os.getpid()),
        "owned": [job / "work"],
        "limits": {**jail.LIMITS, "RLIMIT_NPROC": 16},
    }


def attempt(action):
    """What an action did: "ok", or the name of the errno it failed with."""
    try:
        action()
        return "ok"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc))


def write(path):
    with open(path, "w") as f:
        f.write("x")


def connect(address):
    socket.create_connection(address, timeout=2).close()


def unmount(path):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.umount2(str(path).encode(), 2) != 0:
        raise OSError(ctypes.get_errno(), "umount")


def looks(job):
    """Everything the tests ask of the inside, in one trip."""

    def look():
        return {
            "uid": os.getuid(),
            "pid": os.getpid(),
            "root": sorted(os.listdir("/")),
            "repository": os.path.exists(ROOT / "solutions"),
            "cwd": os.getcwd(),
            "write work": attempt(lambda: write(job / "work" / "x")),
            "write inputs": attempt(lambda: write(job / "in" / "x")),
            "write usr": attempt(lambda: write("/usr/x")),
            "write tmp": attempt(lambda: write("/tmp/x")),
            "read inputs": (job / "in" / "secret-free.txt").read_text(),
            "loopback": attempt(lambda: connect(("127.0.0.1", 22))),
            "umount": attempt(lambda: unmount("/usr")),
            "nproc": resource.getrlimit(resource.RLIMIT_NPROC)[0],
            "address space": resource.getrlimit(resource.RLIMIT_AS)[0],
        }

    return look


@needs_linux
@pytest.mark.skipif(os.geteuid() != 0, reason="the change of user needs root")
def test_as_root_the_sandbox_is_complete(job):
    missing, seen = inside(policy(job), looks(job))
    assert missing == []
    assert seen["uid"] == jail.sandbox_user(os.getpid())
    assert seen["pid"] == 1  # PID 1 of its own namespace: its processes die with it
    assert "work" not in seen["root"] and "home" not in seen["root"]
    assert seen["repository"] is False
    assert seen["cwd"] == str(job / "work")
    assert seen["read inputs"] == "inputs"
    assert seen["write work"] == "ok"
    assert {seen["write inputs"], seen["write usr"]} == {"EROFS"}
    assert seen["write tmp"] in {"EROFS", "ENOENT"}
    assert seen["loopback"] == "ENETUNREACH"
    assert seen["umount"] == "EPERM"
    assert seen["nproc"] == 16
    assert seen["address space"] == jail.LIMITS["RLIMIT_AS"]
    assert not (job / "work" / "x").exists() or (job / "work" / "x").read_text() == "x"


@needs_linux
def test_an_unprivileged_grader_gets_namespaces_without_the_change_of_user(job):
    if os.geteuid() == 0:
        unprivileged = os.setuid
        os.chown(job / "work", jail.NOBODY, jail.NOBODY)
        system = [[path, False] for path in jail.SYSTEM]  # this Python may live in /root
        missing, seen = inside(
            policy(job, system), looks(job), before=lambda: unprivileged(jail.NOBODY)
        )
    else:
        missing, seen = inside(policy(job), looks(job))
    assert missing == [jail.USER]
    assert seen["repository"] is False
    assert seen["loopback"] == "ENETUNREACH"
    assert seen["write usr"] == "EROFS" and seen["write work"] == "ok"
    assert seen["umount"] == "EPERM"  # every capability of the user namespace dropped


def test_without_namespaces_the_missing_protections_are_named(job, monkeypatch):
    def refuse(flags):
        raise OSError(errno.EPERM, "unshare refused")

    def look():
        return resource.getrlimit(resource.RLIMIT_NOFILE)[0]

    monkeypatch.setattr(jail, "unshare", refuse)
    missing, open_files = inside(policy(job), look)
    expected = [jail.NETWORK, jail.FILES, jail.PROCESSES]
    assert missing == (expected if os.geteuid() == 0 else [*expected, jail.USER])
    assert open_files == jail.LIMITS["RLIMIT_NOFILE"]


def test_binds_nested_in_another_are_dropped():
    binds = [["/usr", False], ["/usr/lib/python3", False], ["/usr/lib/x", True], ["/etc", False]]
    assert jail.without_nested(binds) == [["/usr", False], ["/usr/lib/x", True], ["/etc", False]]


def moved(job):
    """A policy showing job/copy at job/work: the nbgrader kernel's private copy."""
    (job / "copy").mkdir()
    (job / "copy" / "original.txt").write_text("the copy")
    (job / "work" / "original.txt").write_text("the grader's")
    found = policy(job)
    found["binds"] = [*found["binds"][:-1], [job / "work", True, job / "copy"]]
    return found


def writes_into_work(job):
    def look():
        write(job / "work" / "planted")
        return {"cwd": os.getcwd(), "read": (job / "work" / "original.txt").read_text()}

    return look


@needs_linux
def test_a_bind_can_show_a_private_copy_where_the_original_was(job):
    missing, seen = inside(moved(job), writes_into_work(job))
    assert jail.FILES not in missing
    assert seen == {"cwd": str(job / "work"), "read": "the copy"}
    assert (job / "copy" / "planted").exists() and not (job / "work" / "planted").exists()
    assert (job / "work" / "original.txt").read_text() == "the grader's"


def test_without_a_mount_namespace_the_private_copy_is_used_where_it_is(job, monkeypatch):
    def refuse(flags):
        raise OSError(errno.EPERM, "unshare refused")

    def look():
        write("planted")
        return os.getcwd()

    monkeypatch.setattr(jail, "unshare", refuse)
    _, cwd = inside(moved(job), look)
    assert cwd == str(job / "copy")
    assert (job / "copy" / "planted").exists() and not (job / "work" / "planted").exists()


def test_a_tree_of_any_depth_is_removed_without_following_links(tmp_path):
    outside, tree = tmp_path / "outside", tmp_path / "tree"
    outside.mkdir()
    (outside / "kept.txt").write_text("kept")
    tree.mkdir()
    folder = os.open(tree, os.O_RDONLY)
    for _ in range(1500):  # deeper than shutil.rmtree's recursion can go
        os.mkdir("d", dir_fd=folder)
        deeper = os.open("d", os.O_RDONLY, dir_fd=folder)
        os.close(folder)
        folder = deeper
    os.symlink(outside, "link", dir_fd=folder)
    os.close(folder)
    (tree / "link.txt").symlink_to(outside / "kept.txt")
    os.mkfifo(tree / "pipe")
    (tree / "locked" / "inside").mkdir(parents=True)
    (tree / "locked").chmod(0)
    jail.remove_tree(tree)
    assert not tree.exists()
    assert (outside / "kept.txt").read_text() == "kept"
