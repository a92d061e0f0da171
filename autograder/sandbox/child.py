"""The code that runs next to a learner's helpers, in a fresh fork, and the data it speaks.

The trusted grader never imports a learner's code. It writes the calls to make into a
private directory. This script, started once per worker by ``python -I -S`` with only
NumPy and SciPy importable (:func:`serve`, the zygote), forks a fresh process for each
such directory. The fork imports the learner's ``helpers`` from the directory's copy,
makes the calls and writes back plain data only: ``.npy`` files (read with
``allow_pickle=False``) and JSON. Whatever the learner's code does in here, what leaves
is numbers, which the parent judges itself.

This file needs nothing but the standard library and NumPy, so that it can run where
the course's own packages cannot be imported: the judge's file
(``solutions/helpers/judge.py``, standard library and NumPy only) is linked into the
zygote's package directory as ``course_judge``, so that the calls are made, and results
turned into plain data, by the same code as in a learner's own checks. The encoding
below (:func:`encode`, :func:`decode`) is shared by both sides.

Layout of the private directory::

    calls.json          {"calls": [{"function", "args", "kwargs"}, ...], "budget", "sandbox"}
    in/                 the input arrays
    root/               empty: the sandbox builds its private root on it
    work/helpers/       the copy of the learner's package (the working directory)
    out/import.json     where helpers came from, or why it did not import
    out/<i>.json        what call i did: result, warnings, error, the inputs after the call
"""

import json
import math
import os
import signal
import stat
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

try:  # in the grader, the course's own judge ...
    from solutions.helpers.judge import PROBES, Foreign, invoke, plain
except ImportError:  # ... which the zygote, with no course package, has as a file of its own
    from course_judge import PROBES, Foreign, invoke, plain


# What a record keeps, in characters or items: of a class's name, of an exception's
# classes (most derived first) and message, of the warnings and their messages. The
# trusted parent refuses a record over these bounds (trusted.RECORD_SCHEMA).
NAME, KINDS, MESSAGE, WARNINGS, WARNING = 100, 32, 2000, 5, 500


def encode(value, folder, stem):
    """A JSON-able description of `value`; arrays are saved as folder/<stem>.npy."""
    if type(value) in (list, tuple):
        items = [encode(v, folder, f"{stem}_{i}") for i, v in enumerate(value)]
        return {type(value).__name__: items}
    if type(value) is str:
        return {"json": value}
    if callable(value) and PROBES.get(getattr(value, "__name__", None)) is value:
        return {"probe": value.__name__}
    value = plain(value)
    if isinstance(value, Foreign):
        return {"foreign": value.type_name, "ndarray_subclass": value.ndarray_subclass}
    if isinstance(value, np.ndarray | np.generic):
        np.save(Path(folder) / f"{stem}.npy", np.asarray(value), allow_pickle=False)
        return {"npy": f"{stem}.npy", "scalar": isinstance(value, np.generic)}
    return {"json": value}


def decode(data, folder):
    """The value `data` describes, reading arrays from `folder` without unpickling."""
    if "npy" in data:
        array = load_array(folder, data["npy"])
        return array[()] if data.get("scalar") else array
    if "list" in data or "tuple" in data:
        kind = "list" if "list" in data else "tuple"
        items = [decode(item, folder) for item in data[kind]]
        return items if kind == "list" else tuple(items)
    if "probe" in data:
        return PROBES[data["probe"]]
    if "foreign" in data:
        return Foreign(str(data["foreign"]), bool(data.get("ndarray_subclass")))
    return data["json"]


# What the other side wrote is read as data, bounded: no honest array of these lessons
# comes near 64 MiB (the largest input is a few kB), and RLIMIT_FSIZE stops the child's
# own writes at the same size.
MAX_ARRAY = 64 * 2**20
# Opening a link or a named pipe fails or returns at once, instead of following or waiting.
READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
# Descriptors kept free for a call's record: it writes one file at a time.
SPARE_DESCRIPTORS = 4


class Unreadable(ValueError):
    """A file of the job's folder that is not the plain data it should be."""


def open_regular(folder, name):
    """A file object for `name`, a plain name in `folder`, if it is a regular file.

    The name is checked with lstat before anything opens it (a device or a pipe is never
    opened), opened without following a link and without waiting, and checked again on
    the open descriptor, so that nothing swapped in between is read.
    """
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        raise Unreadable(f"{name!r} is not a plain file name")
    path = os.path.join(folder, name)
    try:
        before = os.lstat(path)
        if not stat.S_ISREG(before.st_mode):
            raise Unreadable(f"{name} is not a regular file")
        fd = os.open(path, READ_FLAGS)
    except OSError as exc:
        raise Unreadable(f"{name} could not be opened: {exc.strerror}") from None
    found = os.fstat(fd)
    if (found.st_dev, found.st_ino) != (before.st_dev, before.st_ino) or found.st_nlink != 1:
        os.close(fd)
        raise Unreadable(f"{name} changed while it was opened, or is a hard link")
    return os.fdopen(fd, "rb")


def mib(size):
    return f"{size / 2**20:,.0f} MiB" if size >= 2**20 else f"{size} bytes"


def read_bounded(folder, name, cap):
    """The bytes of the regular file `name` in `folder`, if it holds at most `cap`."""
    with open_regular(folder, name) as f:
        data = f.read(cap + 1)
    if len(data) > cap:
        raise Unreadable(f"{name} is over {mib(cap)}")
    return data


def array_header(f, name):
    """(shape, fortran order, dtype) of an .npy file, read before any of its data."""
    try:
        version = npy_format.read_magic(f)
        if version == (1, 0):
            return npy_format.read_array_header_1_0(f)
        if version == (2, 0):
            return npy_format.read_array_header_2_0(f)
    except (ValueError, SyntaxError, TypeError) as exc:  # what numpy raises on a bad header
        raise Unreadable(f"{name} has no valid .npy header: {exc}") from None
    raise Unreadable(f"{name} is .npy version {version}, not 1.0 or 2.0")


def load_array(folder, name):
    """The array in `folder`/`name`, checked against its header before its data is read.

    No object dtype (that would need a pickle), at most :data:`MAX_ARRAY` bytes of data,
    and exactly as many bytes in the file as its header declares.
    """
    with open_regular(folder, name) as f:
        shape, fortran, dtype = array_header(f, name)
        if dtype.hasobject:
            raise Unreadable(f"{name} holds Python objects ({dtype})")
        count = math.prod(shape)
        size = count * dtype.itemsize
        if max(count, size) > MAX_ARRAY:  # the count too: a zero-size dtype has no bytes
            raise Unreadable(f"{name} declares {mib(size)} of data, over {mib(MAX_ARRAY)}")
        if any(not 0 <= n <= MAX_ARRAY for n in shape):  # not even a zero-size array's
            raise Unreadable(f"{name} declares a shape out of bounds: {shape}"[:200])
        if os.fstat(f.fileno()).st_size != f.tell() + size:
            raise Unreadable(f"{name} is not the size its header declares")
        data = np.fromfile(f, dtype=dtype, count=count)  # the file is positioned after the header
    return data.reshape(shape, order="F" if fortran else "C")


def write_json(path, data):
    """Write atomically, so that the parent never reads half a record."""
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(data))
    partial.replace(path)


class TookTooLong(BaseException):
    """Raised by the alarm; a BaseException so that `except Exception` cannot swallow it."""


def expire(signum, frame):
    raise TookTooLong


@contextmanager
def spare_descriptors(count=SPARE_DESCRIPTORS):
    """Hold `count` file descriptors while the learner's code runs, and free them after.

    A function that leaks every descriptor it may open (RLIMIT_NOFILE) would otherwise
    leave none for its own record: the call would look like a crash, not a result.
    """
    spare = [os.dup(0) for _ in range(count)]
    try:
        yield
    finally:
        for fd in spare:
            with suppress(OSError):  # the learner's code may have closed it already
                os.close(fd)


def after_call(value, folder, stem):
    """An input as the call left it, where the judge looks: arrays only.

    Whether a call changed its input is asked of arrays alone (a list a function
    mutates is its own copy's business); anything else is recorded as null, so that no
    array-like, however nested, needs a place in the record's format.
    """
    if type(value) is np.ndarray:
        return encode(value, folder, stem)
    return {"json": None}


def run_call(fn, number, call, folder):
    """Make one call and record what happened, the inputs after the call included."""
    args = [decode(a, folder / "in") for a in call["args"]]
    kwargs = {k: decode(v, folder / "in") for k, v in call["kwargs"].items()}
    with spare_descriptors():
        result, after, caught, error = invoke(fn, args, kwargs)
    out = folder / "out"
    record = {
        "result": None if result is None else encode(result, out, f"{number}_result"),
        "warnings": [[kind[:NAME], text[:WARNING]] for kind, text in caught[:WARNINGS]],
        "error": error
        and {"kinds": [k[:NAME] for k in error[0][:KINDS]], "message": error[1][:MESSAGE]},
        "inputs": [after_call(value, out, f"{number}_in{i}") for i, value in enumerate(after)],
    }
    write_json(out / f"{number}.json", record)


def run_calls(helpers, calls, folder, budget):
    """Make the calls in order, giving each function `budget` seconds in all.

    Every call gets a record, so that the first call without one is where the child
    stopped: ``skipped`` for the calls of a function that timed out or does not exist.
    A function that swallows the alarm is caught at its next call, by the clock.
    """
    signal.signal(signal.SIGALRM, expire)
    finished = set()  # functions that timed out or do not exist
    for number, call in enumerate(calls):
        name, out = call["function"], folder / "out" / f"{number}.json"
        if number == 0 or calls[number - 1]["function"] != name:
            signal.alarm(budget)
            deadline = time.monotonic() + budget
        fn = getattr(helpers, name, None)
        if name in finished:
            write_json(out, {"skipped": True})
        elif not callable(fn):
            finished.add(name)
            write_json(out, {"missing": True})
        elif time.monotonic() > deadline:
            finished.add(name)
            write_json(out, {"timeout": True})
        else:
            try:
                run_call(fn, number, call, folder)
            except TookTooLong:
                finished.add(name)
                write_json(out, {"timeout": True})
    signal.alarm(0)


def import_helpers(folder):
    """Import the copy of the learner's package, proving that it is the copy that loaded."""
    work = (folder / "work").resolve()
    sys.path.insert(0, str(work))
    try:
        import helpers
    except BaseException as exc:  # SyntaxError, SystemExit, anything the import runs
        return None, f"helpers failed to import: {type(exc).__name__}: {exc}"
    if getattr(helpers, "__file__", None) is None:
        return None, "helpers has no __init__.py, so it is not a package: restore the file"
    where = Path(helpers.__file__).resolve()
    if work / "helpers" not in where.parents:
        return None, f"helpers was imported from {where}, not from the submission"
    return helpers, str(where)


def main(folder, sandbox):
    """In a fresh fork: sandbox it, run the calls of `folder` and record them, then exit."""
    folder = Path(folder)
    os.setsid()  # a process group of its own, killed whole with anything it forks
    devnull = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):  # the learner's prints and floods go nowhere
        os.dup2(devnull, stream)
    job = json.loads((folder / "calls.json").read_text())
    sandbox.enter(job["sandbox"])  # what it cannot give, the grader warned of once
    os.environ["HOME"] = str(folder / "work")
    helpers, where = import_helpers(folder)
    record = {"ok": helpers is not None, "detail": where[:MESSAGE]}
    write_json(folder / "out" / "import.json", record)
    if helpers is not None:
        run_calls(helpers, job["calls"], folder, job["budget"])


def serve():
    """The zygote: NumPy and SciPy imported once, then one fork per folder read on stdin.

    It never imports a learner's code itself; each fork sandboxes itself and then does
    (:mod:`autograder.sandbox.jail`, linked into the zygote's only package directory as
    ``course_sandbox``), and the zygote reports `started PID` and `ended EXITCODE`.
    """
    import course_sandbox
    import scipy.special  # noqa: F401 - imported here so that no fork pays for it

    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            try:
                main(line.strip(), course_sandbox)
            finally:
                os._exit(0)  # the learner's atexit hooks and cleanups get no say
        print(f"started {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"ended {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    serve()
