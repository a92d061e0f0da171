"""The trusted re-check: the score that counts, computed outside the notebook kernel.

For one submission and lesson, the parent writes every call to make (the public
cases, the hidden cases drawn from the run's seed, the bad inputs) into a private
directory, starts :mod:`autograder.child` there in a fresh interpreter that can import
only the copy of the learner's ``helpers`` plus NumPy and SciPy, and reads back plain
data. It never imports the learner's code: it decodes ``.npy`` files without
unpickling, checks type, shape, dtype, NaN/inf positions, warnings and mutated inputs,
and compares with the reference it computes itself, through the same judge as
``course check``.

A function that hangs is cut off by the child's alarm; a child that stops making
progress (the alarm swallowed) is killed with its whole process group; a child that
dies mid-way is followed by another on the functions it never reached. Children are
forked from a per-process zygote that has NumPy and SciPy imported and has never run
a learner's code.
"""

import atexit
import importlib.util
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import suppress
from pathlib import Path

import numpy as np

from solutions import helpers as reference

from . import child, sandbox
from .child import TookTooLong, decode, encode
from .hidden import HIDDEN
from .selfcheck import TIME_LIMIT, Call, Outcome, Raised, changed, items, judge, timed_out

# The packages a learner's helpers may import besides the standard library.
ALLOWED_PACKAGES = ("numpy", "scipy")
# Seconds for a fresh interpreter to import NumPy and the learner's package.
STARTUP = 10
# How a child ended, by its exit status (a signal N shows as -N, or as 128 + N when the
# sandbox's supervisor reports it): the CPU limit counts as running out of time.
ENDINGS = {0: "finished", -signal.SIGXCPU: "stalled", 128 + signal.SIGXCPU: "stalled"}
# Seconds a stopped child's supervisor has to end it before its process group is killed.
STOP_GRACE = 2
# Records larger than this are not read: no honest result comes near it.
MAX_RECORD = 64 * 2**20
# The zygote's first code: only the directory of allowed packages joins the standard library.
BOOT = (
    "import runpy, sys; sys.path.append(sys.argv[-1]); "
    "runpy.run_path(sys.argv[1], run_name='__main__')"
)


class Stopped(Exception):
    """The child ended before this call finished."""


def plan(names, seed):
    """(function, item) for every call, in judging order; hidden cases from `seed`."""
    return [
        (name, item)
        for name in names
        for item in items(name, HIDDEN[name](np.random.default_rng(seed)))
    ]


def encode_calls(folder, calls):
    encoded = []
    for number, (name, item) in enumerate(calls):
        args = [encode(a, folder / "in", f"{number}_{i}") for i, a in enumerate(item.args)]
        kwargs = {k: encode(v, folder / "in", f"{number}_{k}") for k, v in item.kwargs.items()}
        encoded.append({"function": name, "args": args, "kwargs": kwargs})
    return encoded


def allowed_packages():
    """The folders of the allowed packages and of the libraries their wheels bundle."""
    for package in ALLOWED_PACKAGES:
        found = Path(importlib.util.find_spec(package).origin).parent
        for path in (found, found.with_name(f"{package}.libs")):
            if path.exists():
                yield path


def link_allowed_packages(site):
    """A directory where only the allowed packages and the sandbox module resolve."""
    for path in allowed_packages():
        (site / path.name).symlink_to(path)
    (site / "course_sandbox.py").symlink_to(sandbox.__file__)
    site.chmod(0o755)  # readable by the sandbox's unprivileged user


def policy(folder, site, limits):
    """The child's sandbox: the system, Python, NumPy and SciPy read-only, its folder."""
    packages = [[path, False] for path in (site, *allowed_packages())]
    mine = [[folder, False], [folder / "work", True], [folder / "out", True]]
    return {
        "binds": [*sandbox.system_binds(), *packages, *mine],
        "masks": sandbox.course_packages(),
        "scratch": folder / "root",
        "workdir": folder / "work",
        "user": sandbox.sandbox_user(os.getpid()),
        "owned": [folder / "work", folder / "out"],
        "limits": limits,
    }


def prepare(folder, helpers_dir, calls, limits):
    """Lay out the child's private directory: the package copy, the inputs, the calls."""
    for sub in ("in", "out", "root", "work/helpers"):
        (folder / sub).mkdir(parents=True)
    folder.chmod(0o755)  # the sandbox's user reads its inputs; the grader alone writes them
    for path in sorted(Path(helpers_dir).glob("*.py")):
        if path.is_file() and not path.is_symlink():
            shutil.copyfile(path, folder / "work" / "helpers" / path.name)
    job = {
        "calls": encode_calls(folder, calls),
        "budget": TIME_LIMIT,
        "sandbox": policy(folder, zygote().site, limits),
    }
    (folder / "calls.json").write_text(json.dumps(job, default=str))


def scrubbed_environment():
    """Nothing of the grader's environment: no tokens, no paths, one thread for BLAS."""
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


class Zygote:
    """The process that forks the children: started once, so no child pays for NumPy's import.

    It is a fresh ``python -I -S`` whose only packages are NumPy and SciPy (a private
    directory of links to them), with a scrubbed environment; see :func:`child.serve`.
    """

    def __init__(self):
        self.packages = tempfile.TemporaryDirectory(prefix="course-site-")
        self.site = Path(self.packages.name)
        link_allowed_packages(self.site)
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", BOOT, child.__file__, self.site],
            env=scrubbed_environment(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
        )

    def start(self, folder):
        self.process.stdin.write(f"{folder}\n".encode())
        return int(self.read(None).split()[1])  # "started PID"

    def read(self, timeout):
        """The zygote's next line, or None if none came within `timeout` seconds."""
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the grading zygote exited")
        return line.decode()

    def close(self):
        self.process.stdin.close()
        self.process.wait()
        self.process.stdout.close()
        self.packages.cleanup()


ZYGOTE = []


def zygote():
    """This process's zygote, started on first use and stopped at exit."""
    if not ZYGOTE or ZYGOTE[0].process.poll() is not None:
        ZYGOTE[:] = [Zygote()]
        atexit.register(ZYGOTE[0].close)
    return ZYGOTE[0]


def records(folder):
    return len(list((folder / "out").glob("*.json")))


def kill_group(pid):
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def stop(forks, pid):
    """Stop a child that makes no progress, and everything it started.

    Its supervisor kills the child's PID namespace on SIGTERM; without namespaces the
    child itself gets it, and then its process group is killed.
    """
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if forks.read(STOP_GRACE) is None:
        kill_group(pid)
        forks.read(None)


def run_child(folder):
    """Fork a child on `folder`; wait while it makes progress; say how it ended."""
    forks = zygote()
    pid = forks.start(folder)
    seen = -1
    while True:
        line = forks.read(TIME_LIMIT + STARTUP)
        if line is not None:
            kill_group(pid)  # anything it forked and left behind
            return ENDINGS.get(int(line.split()[1]), "died")
        progress = records(folder)
        if progress == seen:
            stop(forks, pid)
            return "stalled"
        seen = progress


def read_record(folder, number, item):
    """The Call that call `number` made, as the child recorded it."""
    path = folder / "out" / f"{number}.json"
    if not path.exists():
        raise Stopped
    if path.stat().st_size > MAX_RECORD:
        return Call(error=Raised(("Error",), "the result was too large to read"))
    data = json.loads(path.read_text())
    if data.get("missing"):
        raise LookupError
    if data.get("timeout"):
        raise TookTooLong
    out = folder / "out"
    result = decode(data["result"], out) if data.get("result") else None
    error = data.get("error")
    if error:
        error = Raised(tuple(str(k) for k in error["kinds"]) or ("Error",), str(error["message"]))
    after = [decode(value, out) for value in data["inputs"]]
    mutated = changed([*item.args, *item.kwargs.values()], after)
    caught = tuple((str(kind), str(message)) for kind, message in data["warnings"])
    return Call(result, caught, mutated, error)


def judge_recorded(folder, calls, name):
    """The function's outcome from the child's records; None where the records stop."""
    recorded = (
        (item, read_record(folder, number, item))
        for number, (function, item) in enumerate(calls)
        if function == name
    )
    try:
        return judge(name, getattr(reference, name), recorded)
    except LookupError:
        return Outcome(name, "missing", f"helpers has no function named {name}")
    except TookTooLong:
        return timed_out(name)
    except Stopped:
        return None
    except (ValueError, KeyError, TypeError, OSError) as exc:
        return Outcome(name, "error", f"{name}'s result could not be read: {exc}")


def import_problem(folder, names, ending):
    """Outcomes for every function when the package itself did not import, else None."""
    path = folder / "out" / "import.json"
    if path.exists():
        data = json.loads(path.read_text())
        if data["ok"]:
            return None
        message = str(data["detail"])
    elif ending == "stalled":
        message = f"importing helpers did not finish within {TIME_LIMIT + STARTUP} s"
    else:
        message = "importing helpers ended the Python process (sys.exit or a crash)"
    return {name: Outcome(name, "error", message) for name in names}


def recheck(helpers_dir, names, seed, limits=None):
    """{name: Outcome} for the learner's functions `names` in `helpers_dir`, judged here.

    `limits` overrides :data:`sandbox.LIMITS`; the CPU limit defaults to the time the
    functions are allowed, plus the start-up.
    """
    outcomes = {}
    pending = list(names)
    while pending:
        calls = plan(pending, seed)
        cpu = {"RLIMIT_CPU": TIME_LIMIT * len(pending) + STARTUP}
        with tempfile.TemporaryDirectory(prefix="course-recheck-") as tmp:
            folder = Path(tmp)
            prepare(folder, helpers_dir, calls, {**sandbox.LIMITS, **cpu, **(limits or {})})
            ending = run_child(folder)
            failed_import = import_problem(folder, pending, ending)
            if failed_import:
                return {**outcomes, **failed_import}
            outcomes.update(judge_run(folder, calls, pending, ending))
        pending = [name for name in pending if name not in outcomes]
    return outcomes


def first_unrecorded(folder, calls):
    """The function of the first call the child left without a record: where it stopped."""
    for number, (name, _) in enumerate(calls):
        if not (folder / "out" / f"{number}.json").exists():
            return name
    return None


def judge_run(folder, calls, names, ending):
    """Outcomes of one child run. The child works in order, so the function it stopped
    in is the one that hung or crashed it; the functions after it never ran, and go to
    a fresh child."""
    culprit = first_unrecorded(folder, calls)
    outcomes = {}
    for name in names:
        outcome = judge_recorded(folder, calls, name)
        if outcome is None and ending == "stalled":
            outcome = timed_out(name)
        elif outcome is None:
            outcome = Outcome(name, "error", f"{name} ended the Python process (sys.exit?)")
        outcomes[name] = outcome
        if name == culprit:
            break
    return outcomes
