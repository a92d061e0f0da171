"""The trusted re-check: the score that counts, computed outside the notebook kernel.

For one submission and lesson, the parent writes every call to make (the public
cases and bad inputs of ``helpers/cases.json``, then hidden cases drawn from the
submission's own seed, :func:`autograder.checks.hidden.seed_for`) into a private
directory, starts :mod:`autograder.sandbox.child` there in a fresh interpreter that can import
only the copy of the learner's ``helpers`` plus NumPy and SciPy, and reads back plain
data. It never imports the learner's code: it decodes ``.npy`` files without
unpickling, checks type, shape, dtype, NaN/inf positions, warnings and mutated inputs,
and compares with the reference it computes itself, through the same judge as
``course check``.

A function that hangs is cut off by the child's alarm; a child that stops making
progress (the alarm swallowed) is killed with its whole process group; a child that
dies mid-way is followed by another on the functions it never reached; the whole
re-check of a submission has a wall-clock budget. Children are forked from a
per-process zygote that has NumPy and SciPy imported and has never run a learner's code.

The learner's code runs in the child and can write anything into ``out/``: every file
read from there is hostile data. It is read only if it is a regular file (never through
a link, never a pipe), within a size cap, and a record only if it fits
:data:`RECORD_SCHEMA`; an array's header is checked before its data is read
(:func:`child.load_array`). A file that is not so is that function's ``error``, or the
lesson's for ``import.json``, with a message that says so.
"""

import atexit
import importlib.util
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from autograder.checks import catalogue
from autograder.checks.hidden import HIDDEN
from autograder.sandbox import child, files, jail
from autograder.sandbox.child import PROBES, Unreadable, decode, encode, read_bounded
from autograder.sandbox.printable import printable
from solutions.helpers import judge
from solutions.helpers.checking import TIME_LIMIT, TookTooLong, timed_out
from solutions.helpers.judge import Call, Case, Outcome, Raised, Status, changed

# The packages a learner's helpers may import besides the standard library.
ALLOWED_PACKAGES = ("numpy", "scipy")
# Seconds for a fresh interpreter to import NumPy and the learner's package.
STARTUP = 10
# How a child ended, by its exit status (a signal N shows as -N, or as 128 + N when the
# sandbox's supervisor reports it): the CPU limit counts as running out of time.
ENDINGS = {0: "finished", -signal.SIGXCPU: "stalled", 128 + signal.SIGXCPU: "stalled"}
# Seconds a stopped child's supervisor has to end it before its process group is killed.
STOP_GRACE = 2
# Seconds past a function's alarm for its record to appear (a starved process on a busy
# machine): a child with no new record for TIME_LIMIT + STALL_MARGIN has swallowed it.
STALL_MARGIN = 5
# Seconds a child may take before its first record (importing the learner's package).
FIRST_RECORD = STARTUP + TIME_LIMIT + STALL_MARGIN
# Seconds between two looks at the child's progress.
POLL = 1
# Records larger than this are not read: an honest one is a few kB (its arrays are in
# .npy files, its messages capped by the child), and the schema's bounds fit in 64 kB.
MAX_RECORD = 2**20
# Characters of a message that leaves this module: enough for a call, its inputs and
# what went wrong; a report stays readable whatever a learner's exception says.
MAX_MESSAGE = 500
# The zygote's first code: only the directory of allowed packages joins the standard library.
BOOT = (
    "import runpy, sys; sys.path.append(sys.argv[-1]); "
    "runpy.run_path(sys.argv[1], run_name='__main__')"
)


# -- what the child may write back ------------------------------------------------------

# An array the child wrote: a plain name of its own in out/ (no folder, no "..").
ARRAY_NAME = r"^[0-9]+_[A-Za-z0-9_]{1,100}\.npy$"
# Inputs per call: the catalogue's functions take at most 4.
MAX_INPUTS = 16


def exactly(**properties):
    """A JSON object with these properties, all of them required, and no other."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def text(length):
    return {"type": "string", "maxLength": length}


def array_of(item, most):
    return {"type": "array", "items": item, "maxItems": most}


NULL = {"type": "null"}
# The kinds below are told apart by their required keys, so at most one can fit: "anyOf"
# says the same as "oneOf" and stops at the first that fits: half the cost of reading.
# The vocabulary of child.encode: an array, a JSON value, a foreign object, a probe...
LEAVES = [
    exactly(npy={"type": "string", "pattern": ARRAY_NAME}, scalar={"type": "boolean"}),
    exactly(json={"type": ["string", "number", "boolean", "null"], "maxLength": child.MESSAGE}),
    exactly(foreign=text(child.NAME), ndarray_subclass={"type": "boolean"}),
    exactly(probe={"enum": sorted(PROBES)}),
]
# ... or a list or tuple of those, one level deep: no input of the catalogue nests.
VALUE = {
    "anyOf": [
        *LEAVES,
        exactly(list=array_of({"anyOf": LEAVES}, MAX_INPUTS)),
        exactly(tuple=array_of({"anyOf": LEAVES}, MAX_INPUTS)),
    ]
}
WARNING = {
    "type": "array",
    "prefixItems": [text(child.NAME), text(child.WARNING)],
    "minItems": 2,
    "maxItems": 2,
}
ERROR = exactly(
    kinds={**array_of(text(child.NAME), child.KINDS), "minItems": 1},
    message=text(child.MESSAGE),
)
# out/<i>.json: what call i did, or why the child made no call.
RECORD_SCHEMA = {
    "anyOf": [
        exactly(
            result={"anyOf": [NULL, VALUE]},
            warnings=array_of(WARNING, child.WARNINGS),
            error={"anyOf": [NULL, ERROR]},
            inputs=array_of(VALUE, MAX_INPUTS),
        ),
        *(exactly(**{reason: {"const": True}}) for reason in ("missing", "timeout", "skipped")),
    ]
}
# out/import.json: where helpers came from, or why it did not import.
IMPORT_SCHEMA = exactly(ok={"type": "boolean"}, detail=text(child.MESSAGE))
RECORD = Draft202012Validator(RECORD_SCHEMA)
IMPORT = Draft202012Validator(IMPORT_SCHEMA)


def read_json(folder, name, validator):
    """The JSON in `folder`/`name`, read as hostile data; Unreadable unless it fits."""
    raw = read_bounded(folder, name, MAX_RECORD)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested past Python's stack
        raise Unreadable(f"{name} is not JSON: {str(exc)[:200]}") from None
    problem = best_match(validator.iter_errors(data))
    if problem is not None:
        raise Unreadable(f"{name} does not fit the record format: {schema_problem(problem)}")
    return data


JSON_KINDS = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}


def schema_problem(error):
    """What a jsonschema error found, in a few words, without quoting a huge value."""
    where = error.json_path
    if error.validator in ("anyOf", "type"):
        found = JSON_KINDS.get(type(error.instance), "a value")
        return f"{where} is {found} of a kind not allowed there"
    if error.validator in ("required", "additionalProperties"):
        return f"{where}: {error.message[:200]}"
    return f"{where} breaks the rule {error.validator} = {error.validator_value!r}"


class Stopped(Exception):
    """The child ended before this call finished."""


def hidden_cases(name, seed):
    """The hidden cases of `name` drawn from `seed`, with the reference's results."""
    drawn = HIDDEN[name](np.random.default_rng(seed))
    return tuple(
        Case(c.args, c.kwargs, catalogue.expected(name, c), c.hint, c.scale, c.quiet) for c in drawn
    )


def plan(names, seed):
    """(function, item) for every call, in judging order: the public items, which a
    learner's own check judges too, then the hidden cases drawn from `seed`."""
    public = catalogue.compiled()
    return [
        (name, item) for name in names for item in (*public[name].items, *hidden_cases(name, seed))
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
    (site / "course_sandbox.py").symlink_to(jail.__file__)
    (site / "course_judge.py").symlink_to(judge.__file__)
    site.chmod(0o755)  # readable by the sandbox's unprivileged user


def policy(folder, site, limits):
    """The child's sandbox: the system, Python, NumPy and SciPy read-only, its folder."""
    packages = [[path, False] for path in (site, *allowed_packages())]
    mine = [[folder, False], [folder / "work", True], [folder / "out", True]]
    return {
        "binds": [*jail.system_binds(), *packages, *mine],
        "masks": jail.course_packages(),
        "scratch": folder / "root",
        "workdir": folder / "work",
        "user": jail.sandbox_user(os.getpid()),
        "owned": [folder / "work", folder / "out"],
        "limits": limits,
    }


def prepare(folder, helpers_dir, calls, limits):
    """Lay out the child's private directory: the package copy, the inputs, the calls."""
    for sub in ("in", "out", "root", "work/helpers"):
        (folder / sub).mkdir(parents=True)
    folder.chmod(0o755)  # the sandbox's user reads its inputs; the grader alone writes them
    for path in sorted(Path(helpers_dir).glob("*.py")):
        files.copy_regular(path, folder / "work" / "helpers" / path.name)  # never a link
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
        **jail.ONE_THREAD,
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


def progress(folder):
    """What changes in out/ whenever the child writes a record: its modification time.

    One stat, however many files the child floods out/ with; a child can fake it, which
    the wall-clock budget answers. None if out/ is gone (a child running as the grader's
    own user can remove it): no progress.
    """
    try:
        return (folder / "out").stat().st_mtime_ns
    except OSError:
        return None


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


def run_child(folder, deadline):
    """Fork a child on `folder`; wait while it makes progress; say how it ended.

    It is stopped as "stalled" once out/ has not changed for as long as a call may take
    (the start-up too, before its first record), and as "overtime" past `deadline` (a
    time.monotonic()), progress or not: files in out/ are the child's to fake.
    """
    forks = zygote()
    pid = forks.start(folder)
    seen, quiet_until = progress(folder), time.monotonic() + FIRST_RECORD
    while True:
        line = forks.read(max(0, min(POLL, deadline - time.monotonic())))
        if line is not None:
            kill_group(pid)  # anything it forked and left behind
            return ENDINGS.get(int(line.split()[1]), "died")
        now, current = time.monotonic(), progress(folder)
        if current != seen:
            seen, quiet_until = current, now + TIME_LIMIT + STALL_MARGIN
        if now >= deadline or now >= quiet_until:
            stop(forks, pid)
            return "overtime" if now >= deadline else "stalled"


def recorded(folder, name):
    """Whether out/`name` exists as anything at all: a link or a pipe counts, and is refused."""
    return os.path.lexists(folder / "out" / name)


def read_record(folder, number, item):
    """The Call that call `number` made, as the child recorded it; Unreadable if malformed."""
    out, name = folder / "out", f"{number}.json"
    if not recorded(folder, name):
        raise Stopped
    data = read_json(out, name, RECORD)
    if data.get("missing"):
        raise LookupError
    if data.get("timeout"):
        raise TookTooLong
    if data.get("skipped"):  # the child skips only the calls after a missing or timeout
        raise Unreadable(f"{name} says the call was skipped, though nothing before it ended")
    inputs = [*item.args, *item.kwargs.values()]
    if len(data["inputs"]) != len(inputs):
        raise Unreadable(f"{name} holds {len(data['inputs'])} inputs, not {len(inputs)}")
    result = None if data["result"] is None else decode(data["result"], out)
    error = data["error"] and Raised(tuple(data["error"]["kinds"]), data["error"]["message"])
    after = [decode(value, out) for value in data["inputs"]]
    caught = tuple(tuple(warning) for warning in data["warnings"])
    return Call(result, caught, changed(inputs, after), error)


def judge_recorded(folder, calls, name):
    """The function's outcome from the child's records; None where the records stop."""
    reached = []  # the items read so far: a timeout's place tells public from hidden

    def recorded():
        for number, (function, item) in enumerate(calls):
            if function == name:
                reached.append(item)
                yield item, read_record(folder, number, item)

    try:
        return judge.judge(catalogue.compiled()[name], recorded())
    except LookupError:
        return Outcome(name, Status.MISSING, f"helpers has no function named {name}")
    except TookTooLong:
        return Outcome(name, Status.TIMEOUT, timed_out(name).message, len(reached))
    except Stopped:
        return None
    except Unreadable as exc:
        return Outcome(name, Status.ERROR, f"the re-check's record for {name} was malformed: {exc}")
    except (ValueError, KeyError, TypeError, OSError) as exc:
        return Outcome(name, Status.ERROR, f"{name}'s result could not be read: {exc}")


def why_not_imported(folder, ending):
    """Why the package did not import, or None if it did."""
    if not recorded(folder, "import.json"):
        if ending in ("stalled", "overtime"):
            return f"importing helpers did not finish within {FIRST_RECORD} s"
        return "importing helpers ended the Python process (sys.exit or a crash)"
    try:
        data = read_json(folder / "out", "import.json", IMPORT)
    except Unreadable as exc:
        return f"the re-check's record of importing helpers was malformed: {exc}"
    return None if data["ok"] else data["detail"]


def import_problem(folder, names, ending):
    """Outcomes for every function when the package itself did not import, else None."""
    message = why_not_imported(folder, ending)
    if message is None:
        return None
    return {name: Outcome(name, Status.ERROR, message) for name in names}


@contextmanager
def job_folder():
    """A private folder for one child, removed afterwards whatever the child left in it."""
    folder = Path(tempfile.mkdtemp(prefix="course-recheck-"))
    try:
        yield folder
    finally:
        jail.remove_tree(folder)  # at any depth, never following a link


def wall_clock_budget(count):
    """Seconds the whole re-check of `count` functions may take: twice what they may use."""
    return 2 * (TIME_LIMIT * count + STARTUP)


def out_of_time(name, budget):
    message = f"the re-check of this submission ran out of its {budget} s before {name} was judged"
    return Outcome(name, Status.TIMEOUT, message)


def recheck(helpers_dir, names, seed, limits=None, budget=None):
    """{name: Outcome} for the learner's functions `names` in `helpers_dir`, judged here.

    `limits` overrides :data:`sandbox.LIMITS`; the CPU limit defaults to the time the
    functions are allowed, plus the start-up. `budget` is the wall-clock seconds of the
    whole re-check (default :func:`wall_clock_budget`): a function still unjudged then
    timed out. Every message is :func:`printable`, at most MAX_MESSAGE long.
    """
    budget = budget or wall_clock_budget(len(names))
    deadline = time.monotonic() + budget
    outcomes = {}
    pending = list(names)
    while pending and time.monotonic() < deadline:
        calls = plan(pending, seed)
        cpu = {"RLIMIT_CPU": TIME_LIMIT * len(pending) + STARTUP}
        with job_folder() as folder:
            prepare(folder, helpers_dir, calls, {**jail.LIMITS, **cpu, **(limits or {})})
            ending = run_child(folder, deadline)
            failed_import = import_problem(folder, pending, ending)
            if failed_import:
                outcomes.update(failed_import)
                break
            outcomes.update(judge_run(folder, calls, pending, ending, budget))
        pending = [name for name in pending if name not in outcomes]
    outcomes.update((name, out_of_time(name, budget)) for name in names if name not in outcomes)
    return {
        name: Outcome(name, outcome.status, printable(outcome.message, MAX_MESSAGE), outcome.judged)
        for name, outcome in outcomes.items()
    }


def public_verdict(outcome):
    """Whether the function passed its public items, as a learner's own check judges
    them: True, False, or None where the re-check did not get to a verdict on them."""
    public = len(catalogue.compiled()[outcome.function].items)
    if outcome.status == Status.PASSED or outcome.judged > public:
        return True
    if outcome.status == Status.TIMEOUT:
        return None
    return False


def first_unrecorded(folder, calls):
    """The function of the first call the child left without a record: where it stopped."""
    for number, (name, _) in enumerate(calls):
        if not recorded(folder, f"{number}.json"):
            return name
    return None


def judge_run(folder, calls, names, ending, budget):
    """Outcomes of one child run. The child works in order, so the function it stopped
    in is the one that hung or crashed it; the functions after it never ran, and go to
    a fresh child."""
    culprit = first_unrecorded(folder, calls)
    outcomes = {}
    for name in names:
        outcome = judge_recorded(folder, calls, name)
        if outcome is None and ending == "overtime":
            outcome = out_of_time(name, budget)
        elif outcome is None and ending == "stalled":
            outcome = timed_out(name)
        elif outcome is None:
            outcome = Outcome(name, Status.ERROR, f"{name} ended the Python process (sys.exit?)")
        outcomes[name] = outcome
        if name == culprit:
            break
    return outcomes
