r"""The sandbox around a learner's code: namespaces, a private root, an unprivileged user.

:func:`enter` turns the calling process into a supervisor and returns in a fresh child
that is, where Linux allows it:

- in a **network namespace** of its own, with no interface up: no connection leaves;
- in a **PID namespace**, as its PID 1: it sees only its own processes, and when it ends
  or is killed, everything it forked dies with it (no escape by ``setsid``);
- in a **mount namespace** whose root is a private tmpfs holding only what the policy
  binds there: the system's ``/usr``, ``/lib`` and ``/etc``, the Python installation,
  NumPy and SciPy, and the job's own folder. Everything else (the repository, the
  course's ``source/``, the gradebook, other students' work, home directories) is not
  hidden but absent. Only the folders the policy marks writable are writable;
- an **unprivileged user**: ``nobody`` when the grader is root, otherwise the grader's
  own user in a user namespace, with every capability dropped;
- under **resource limits** (CPU, address space, processes, file size, open files).

Where a protection is unavailable (no namespaces on macOS or in a locked-down
container), :func:`enter` applies what it can and reports the rest by name; the grader
prints one warning listing them (:func:`missing_protections`).

This module uses nothing but the standard library: it runs inside the grading zygote,
where only NumPy and SciPy can be imported, and in front of the nbgrader kernel.

A policy is plain JSON::

    {"binds": [[path, writable], ...],   # what the private root holds; [path, writable,
                                         #   source] shows the folder `source` at `path`
     "masks": [path, ...],               # folders inside binds to show empty
     "scratch": path,                    # an empty folder to build the root on
     "workdir": path,                    # the working directory inside
     "user": uid, "owned": [path, ...],  # the user to become if root, and what it owns
     "limits": {"RLIMIT_AS": bytes, ...},
     "cleanup": [path, ...],             # removed once the sandboxed process has ended
     "hangup": fd}                       # optional: a socket whose end kills the process
"""

import contextlib
import ctypes
import functools
import itertools
import os
import platform
import resource
import select
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38
# glibc has no pivot_root(); its system call number depends on the architecture.
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}
NOBODY = 65534
# Each grading worker's sandboxes run as a user of their own, so that a fork bomb that
# exhausts one user's process limit cannot starve another student's kernel or child.
USER_BASE = 100_000

# The protections, by the name the warning uses.
NETWORK = "no network (network namespace)"
FILES = "a private filesystem (mount namespace)"
PROCESSES = "a private process tree (PID namespace)"
USER = "an unprivileged user"
ALL = (NETWORK, FILES, PROCESSES, USER)

# Where the system keeps what any process needs: read-only in every sandbox.
SYSTEM = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc")
DEVICES = ("/dev/null", "/dev/zero", "/dev/random", "/dev/urandom")

# Resource limits, configurable per run. The address space leaves room for NumPy and
# SciPy (about 0.5 GiB mapped) and any honest computation in this course.
# BLAS and OpenMP at one thread in every sandboxed process: two kernels on two cores
# otherwise fight over them, and a student's matrix product cannot take a whole machine.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

CELL_TIMEOUT = 30  # seconds per notebook cell, as nbgrader's default

LIMITS = {
    "RLIMIT_CPU": 60,
    "RLIMIT_AS": 2 * 2**30,
    "RLIMIT_NPROC": 64,
    "RLIMIT_FSIZE": 64 * 2**20,
    "RLIMIT_NOFILE": 256,
    "RLIMIT_CORE": 0,
}


def libc():
    return ctypes.CDLL(None, use_errno=True)


def call(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def mount(source, target, fstype, flags, data=None):
    encode = [None if s is None else str(s).encode() for s in (source, target, fstype, data)]
    source, target, fstype, data = encode
    call(libc().mount(source, target, fstype, ctypes.c_ulong(flags), data), f"mount {target}")


def unshare(flags):
    call(libc().unshare(ctypes.c_int(flags)), "unshare")


def prctl(option, value):
    call(libc().prctl(option, ctypes.c_ulong(value), 0, 0, 0), "prctl")


# -- namespaces -----------------------------------------------------------------------


def isolate(network=True):
    """Enter a new PID namespace, and a network one; the protections this gives.

    The mount namespace comes later, in the supervised child (:func:`build_root`), so
    that the supervisor keeps the grader's view of the files it cleans up.
    """
    flags = CLONE_NEWPID | (CLONE_NEWNET if network else 0)
    got = (FILES, PROCESSES, *([NETWORK] if network else []))
    if not sys.platform.startswith("linux"):
        return ()
    if os.geteuid() == 0:
        try:
            unshare(flags)
            return got
        except OSError:
            pass  # a container without CAP_SYS_ADMIN: try as an unprivileged user
    uid, gid = os.geteuid(), os.getegid()
    try:
        unshare(CLONE_NEWUSER | flags)
    except OSError:
        return ()
    # A process that changed its user is not dumpable, and only a dumpable one may
    # write its own id maps.
    prctl(PR_SET_DUMPABLE, 1)
    # Inside, the same ids as outside; the capabilities this brings are dropped later.
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    return got


def kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:  # it has ended already
        pass


def remove_tree(path):
    """Remove `path` and everything under it, never following a link, however deep.

    ``shutil.rmtree`` recurses once per level, and raises RecursionError on a folder
    that student code nested a thousand deep. Here each folder that is not empty has its
    contents renamed up into the top folder, through descriptors (no path grows), and
    everything is removed from there. A supervisor cannot start ``rm`` instead: its PID
    namespace is dead once its child has ended.
    """
    try:
        top = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:  # a file, a link or a pipe: only the name goes; or it is gone
        with contextlib.suppress(OSError):
            os.unlink(path)
        return
    try:
        seen, fresh = None, itertools.count()
        while (names := sorted(os.listdir(top))) and names != seen:  # stop if stuck
            seen = names
            for name in names:
                remove_entry(top, name, fresh)
    finally:
        os.close(top)
    with contextlib.suppress(OSError):
        os.rmdir(path)


def remove_entry(top, name, fresh):
    """Remove `name` from the folder `top`, or lift its contents into `top` to remove later.

    A lifted entry is renamed by the counter `fresh`: its name does not grow with depth.
    """
    with contextlib.suppress(OSError):
        if not stat.S_ISDIR(os.stat(name, dir_fd=top, follow_symlinks=False).st_mode):
            os.unlink(name, dir_fd=top)
            return
        with contextlib.suppress(OSError):
            os.rmdir(name, dir_fd=top)
            return
        os.chmod(name, 0o700, dir_fd=top)  # a folder its owner locked: this grader owns it too
        inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=top)
        try:
            for entry in os.listdir(inner):
                os.rename(entry, f"lifted-{next(fresh)}", src_dir_fd=inner, dst_dir_fd=top)
        finally:
            os.close(inner)


def supervise(cleanup, hangup=None):
    """Fork; the child (PID 1 of the new namespace) returns, this process never does.

    The supervisor waits, and on SIGTERM kills the child, which takes down every
    process in the namespace: the grader stops a submission by signalling this
    trusted process, never one the learner's code controls. It kills the child too when
    the socket `hangup` (if any) closes: the process that asked for the sandbox is gone.
    Then it removes `cleanup`.
    """
    pid = os.fork()
    if pid == 0:
        if hangup is not None:  # the learner's side never holds the asker's socket
            os.close(hangup)
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a kernel interrupt is for the child
    signal.signal(signal.SIGTERM, lambda *_: kill(pid))
    if hangup is None:
        _, status = os.waitpid(pid, 0)
    else:
        status = wait_unless_hung_up(pid, hangup)
    for path in cleanup:
        remove_tree(path)
    code = os.waitstatus_to_exitcode(status)
    os._exit(code if code >= 0 else 128 - code)  # killed by signal N: 128 + N, as a shell says


def wait_unless_hung_up(pid, hangup):
    """Wait for the child `pid`, killing it if the socket `hangup` closes first; its status.

    The child is reaped only once it has ended, so the pid it is killed by is its own.
    (No thread: a process that made a PID namespace cannot start one.)
    """
    ended = os.pidfd_open(pid)  # readable once the child has ended
    listening = [ended, hangup]
    while ended not in select.select(listening, [], [])[0]:
        try:
            heard = os.read(hangup, 4096)
        except OSError:
            heard = b""
        if not heard:  # the one who asked is gone
            kill(pid)
            listening = [ended]
    return os.waitpid(pid, 0)[1]


# -- the private root -----------------------------------------------------------------


def remount_flags(path):
    """The flags a bind of `path` must keep: a user namespace may not clear them."""
    known = {os.ST_NOSUID: MS_NOSUID, os.ST_NODEV: MS_NODEV, os.ST_NOEXEC: MS_NOEXEC}
    current = os.statvfs(path).f_flag
    return sum(flag for st, flag in known.items() if current & st)


def bind(path, root, writable, source=None):
    """Show `source` (by default `path`) at `path` under `root`, read-only unless `writable`."""
    target, source = root / path.relative_to("/"), source or path
    if path.is_symlink():  # /lib -> usr/lib on a merged /usr: keep the link itself
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_symlink():
            target.symlink_to(os.readlink(path))
        return
    if path.is_dir():
        target.mkdir(parents=True, exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()
    mount(source, target, None, MS_BIND | MS_REC)
    flags = MS_REMOUNT | MS_BIND | MS_NOSUID | remount_flags(source)
    mount(None, target, None, flags | (0 if writable else MS_RDONLY))


def pivot(root):
    """Make `root` the filesystem root and detach the old one entirely."""
    os.chdir(root)
    number = SYS_PIVOT_ROOT[platform.machine()]
    call(libc().syscall(ctypes.c_long(number), b".", b"."), "pivot_root")
    call(libc().umount2(b".", ctypes.c_int(MNT_DETACH)), "umount the old root")
    os.chdir("/")


def mask(path, root):
    """Cover `path`, if the root shows it, with an empty read-only folder."""
    target = root / Path(path).relative_to("/")
    if target.is_dir():
        mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=0755")


def build_root(binds, scratch, masks=()):
    """A tmpfs root on `scratch` holding only `binds`, less `masks`; then pivot into it."""
    unshare(CLONE_NEWNS)
    mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing we mount reaches the host
    root = Path(scratch)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    for path, writable, *source in binds:
        if os.path.lexists(path):
            bind(Path(path), root, writable, *source)
    for path in masks:
        mask(path, root)
    (root / "proc").mkdir(exist_ok=True)
    try:  # a process list of its own; some containers refuse a new /proc, and Python
        mount("proc", root / "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except OSError:  # does not need one
        pass
    mount(None, root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "mode=0755")
    pivot(root)


# -- the user -------------------------------------------------------------------------


def drop_capabilities():
    """Give up every capability (a user namespace's creator holds them all inside)."""

    class Header(ctypes.Structure):
        _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))

    class Data(ctypes.Structure):
        _fields_ = (
            ("effective", ctypes.c_uint32),
            ("permitted", ctypes.c_uint32),
            ("inheritable", ctypes.c_uint32),
        )

    header = Header(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3: two 32-bit sets
    call(libc().capset(ctypes.byref(header), (Data * 2)()), "capset")


def sandbox_user(worker):
    """The unprivileged user id of the sandboxes that the process `worker` starts."""
    return USER_BASE + worker % USER_BASE


def switch_user(uid, owned):
    """As root: hand `owned` to `uid` and become it, with no groups and no capabilities."""
    for path in owned:
        for folder, _, files in os.walk(path):
            for name in [folder, *(os.path.join(folder, f) for f in files)]:
                os.lchown(name, uid, uid)
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def become_unprivileged(policy):
    """Become the policy's user if root, else keep the user but no capabilities."""
    if os.geteuid() == 0:
        try:
            switch_user(policy.get("user", NOBODY), policy.get("owned", ()))
        except OSError:  # a container whose user namespace maps only the first 65536 ids
            switch_user(NOBODY, policy.get("owned", ()))
        return True
    try:
        drop_capabilities()
    except (OSError, AttributeError):
        pass  # not Linux: there were none to drop
    return False


def limit_resources(limits):
    """Lower the soft and hard limits; a limit can never be raised again."""
    for name, value in limits.items():
        kind = getattr(resource, name, None)
        if kind is None:  # RLIMIT_NPROC is missing on some platforms
            continue
        hard = resource.getrlimit(kind)[1]
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (value, value))


# -- the whole -----------------------------------------------------------------------


def enter(policy, network=True):
    """Sandbox this process as `policy` says; return the protections that are missing.

    Returns in a child process when a PID namespace was made (the caller becomes its
    supervisor and never returns); otherwise in the caller itself. Without `network`
    the process keeps the grader's network (a kernel reached over TCP).
    """
    got = set(isolate(network))
    if PROCESSES in got:
        supervise(policy.get("cleanup", ()), policy.get("hangup"))
    if FILES in got:
        build_root(policy["binds"], policy["scratch"], policy.get("masks", ()))
    else:  # the folders a bind would move are used where they are
        binds = policy["binds"]
        owned = [outside(path, binds) for path in policy.get("owned", ())]
        policy = {**policy, "workdir": outside(policy["workdir"], binds), "owned": owned}
    if become_unprivileged(policy):
        got.add(USER)
    os.chdir(policy["workdir"])
    limit_resources(policy["limits"])
    if PROCESSES in got:  # if the supervisor dies, so does this process
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if sys.platform.startswith("linux"):
        prctl(PR_SET_NO_NEW_PRIVS, 1)  # no setuid program can give privileges back
    return [name for name in ALL if name not in got]


def outside(path, binds):
    """Where `path` is without a mount namespace: in the source of a bind that moves it."""
    for target, _, *source in binds:
        if source and Path(path).is_relative_to(target):
            return Path(source[0]) / Path(path).relative_to(target)
    return Path(path)


def python_paths():
    """The Python installation (not a virtual environment's packages), read by every sandbox."""
    return sorted({sys.base_prefix, sys.base_exec_prefix})


def without_nested(binds):
    """`binds` without those inside an earlier one: binding them again adds nothing."""
    kept = []
    for path, writable in binds:
        inside = any(Path(path).is_relative_to(outer) for outer, _ in kept)
        if writable or not inside:
            kept.append([str(path), writable])
    return kept


def course_packages():
    """The folders of the reference and the grader: shown empty if a bind includes them."""
    grader = Path(__file__).resolve().parent.parent  # autograder/, all of it
    return [str(grader), str(grader.parent / "solutions")]


def system_binds():
    """The read-only part of every policy: the system, devices and Python itself."""
    paths = (*SYSTEM, *DEVICES, *python_paths())
    return without_nested([[path, path == "/dev/null"] for path in paths])


def probe():
    """Sandbox a throwaway fork of this process; the protections it could not have."""
    read, write = os.pipe()
    scratch = Path(tempfile.mkdtemp(prefix="course-probe-"))
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            policy = {"binds": system_binds(), "limits": {}, "workdir": "/", "scratch": scratch}
            os.write(write, "\n".join(enter(policy)).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        found = pipe.read()
    os.waitpid(pid, 0)
    scratch.rmdir()
    return [name for name in found.split("\n") if name]


@functools.cache
def missing_protections():
    """What the sandbox cannot provide on this machine, found by a fresh interpreter."""
    command = [sys.executable, "-I", "-S", __file__]
    found = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return [name for name in found.splitlines() if name]


if __name__ == "__main__":
    print("\n".join(probe()))
