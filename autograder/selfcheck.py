"""``course check``: run the catalogue's public cases against the learner's ``helpers``.

Each function gets one status (passed, failed, error, timeout, not_implemented, missing)
and, unless it passed, one message that says what went wrong and what usually fixes it.
"""

import importlib
import signal
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .catalogue import CATALOGUE, Raises
from .child import TookTooLong, expire, invoke
from .compare import describe, input_scale, value_problem
from .lessons import LESSONS

TIME_LIMIT = 10  # seconds per function: generous for these tiny inputs, short for a hang


@dataclass
class Outcome:
    function: str
    status: str  # passed, failed, error, timeout, not_implemented or missing
    message: str = ""


@dataclass(frozen=True)
class Raised:
    """An exception a call raised, by the names of its classes (most derived first)."""

    kinds: tuple
    message: str

    def is_a(self, kind):
        return kind in self.kinds

    def __str__(self):
        return f"{self.kinds[0]}: {self.message}"


@dataclass(frozen=True)
class Call:
    """What one call did: its result as plain data, its warnings, whether it changed its inputs.

    ``course check`` makes calls in this process; the trusted grader reads them back
    from a sandboxed child. Both are judged by the same functions below.
    """

    result: object = None
    warnings: tuple = ()  # (category name, message) pairs
    mutated: bool = False
    error: Raised | None = None


@contextmanager
def time_limit(seconds):
    """Raise TookTooLong in the main thread after `seconds` (POSIX; no limit elsewhere)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def render_call(name, args, kwargs):
    parts = [getattr(a, "__name__", None) or describe(a) for a in args]
    parts += [f"{key}={describe(value)}" for key, value in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def changed(before, after):
    """Whether any input array differs after the call from what was passed in."""
    return any(
        isinstance(old, np.ndarray)
        and not (isinstance(new, np.ndarray) and np.array_equal(old, new, equal_nan=True))
        for old, new in zip(before, after, strict=True)
    )


def call(fn, args, kwargs):
    """Call fn on copies of the inputs, in this process, and record what it did."""
    result, after, caught, error = invoke(fn, args, kwargs)
    return Call(
        result,
        tuple(caught),
        changed([*args, *kwargs.values()], after),
        None if error is None else Raised(tuple(error[0]), error[1]),
    )


def judge_case(done, expected, name, case):
    """The problem with one call of a case, as (status, message), or None if it passed."""
    shown = render_call(name, case.args, case.kwargs)
    if done.error is not None and done.error.is_a("NotImplementedError"):
        return "not_implemented", f"{name} is not implemented yet"
    if done.error is not None:
        return "error", f"{shown} raised {done.error}"
    if done.mutated:
        return "failed", f"{shown} changed its input in place: work on a copy instead"
    scale = case.scale if case.scale is not None else input_scale(*case.args, *case.kwargs.values())
    problem = value_problem(done.result, expected, ulps=CATALOGUE[name].ulps, scale=scale)
    if not problem and done.warnings and np.all(np.isfinite(expected)):
        problem = "warned {}: {}".format(*done.warnings[0])
    if problem:
        return "failed", f"{shown} {problem}" + (f": {case.hint}" if case.hint else "")
    return None


def judge_raises(done, name, bad):
    """The problem with a call that should have raised ValueError, or None."""
    shown = render_call(name, bad.args, bad.kwargs)
    if done.error is not None and done.error.is_a("NotImplementedError"):
        return "not_implemented", f"{name} is not implemented yet"
    if done.error is None:
        return (
            "failed",
            f"{shown} returned {describe(done.result)}; it should raise ValueError: {bad.why}",
        )
    if not done.error.is_a("ValueError"):
        return "failed", f"{shown} raised {done.error}; raise ValueError instead: {bad.why}"
    return None


def items(name, extra_cases=()):
    """Everything `name` is checked on, in order: public cases, extra cases, bad inputs."""
    spec = CATALOGUE[name]
    return (*spec.cases, *extra_cases, *spec.raises)


def judge(name, reference, calls):
    """The outcome of (item, Call) pairs, in the order of :func:`items`; stops at a problem.

    `calls` may be lazy: nothing after the first problem is called.
    """
    count = 0
    for item, done in calls:
        count += 1
        if isinstance(item, Raises):
            problem = judge_raises(done, name, item)
        else:
            expected = call(reference, item.args, item.kwargs).result
            problem = judge_case(done, expected, name, item)
        if problem:
            return Outcome(name, *problem)
    return Outcome(name, "passed", f"{count} cases")


def timed_out(name):
    return Outcome(name, "timeout", f"{name} ran for over {TIME_LIMIT} s: an infinite loop?")


def check_function(module, reference, name, extra_cases=()):
    """Run every public case of `name`, then `extra_cases`, in this process."""
    fn = getattr(module, name, None)
    if not callable(fn):
        return Outcome(name, "missing", f"helpers has no function named {name}")
    calls = ((item, call(fn, item.args, item.kwargs)) for item in items(name, extra_cases))
    try:
        with time_limit(TIME_LIMIT):
            return judge(name, getattr(reference, name), calls)
    except TookTooLong:
        return timed_out(name)


def import_helpers(use_reference):
    """The package to check: the reference, or the learner's helpers (cwd's first)."""
    if use_reference:
        return importlib.import_module("solutions.helpers")
    if (Path.cwd() / "helpers" / "__init__.py").exists():
        sys.path.insert(0, str(Path.cwd()))
    return importlib.import_module("helpers")


LABELS = {
    "passed": "passed",
    "failed": "FAILED",
    "error": "ERROR",
    "timeout": "TIMEOUT",
    "not_implemented": "not yet implemented",
    "missing": "MISSING",
}


def main(names=(), lessons=(), use_reference=False, out=print):
    """Check the named functions (default: all); return the exit status."""
    unknown = [name for name in names if name not in CATALOGUE]
    if unknown:
        out(f"No graded function named {', '.join(unknown)}. Known: {', '.join(CATALOGUE)}")
        return 2
    reference = importlib.import_module("solutions.helpers")
    try:
        module = import_helpers(use_reference)
    except Exception as exc:  # a syntax error or crash in the learner's files
        out(f"Could not import helpers: {type(exc).__name__}: {exc}")
        out("Fix that first: until helpers imports, no function can be checked.")
        return 1
    out(f"Checking {Path(module.__file__).parent}")
    counts = dict.fromkeys(LABELS, 0)
    for lesson in LESSONS:
        wanted = [n for n in lesson.functions if (not names or n in names)]
        if not wanted or (lessons and lesson.number not in lessons):
            continue
        out(f"\nLesson {lesson.number}: {lesson.title}")
        for name in wanted:
            outcome = check_function(module, reference, name)
            counts[outcome.status] += 1
            detail = outcome.message if outcome.status == "passed" else ""
            out(f"  {LABELS[outcome.status]:<20} {name} {f'({detail})' if detail else ''}".rstrip())
            if outcome.status not in ("passed", "not_implemented"):
                out(f"      {outcome.message}")
    out("\n" + ", ".join(f"{n} {LABELS[s]}" for s, n in counts.items() if n))
    return 0 if counts["passed"] == sum(counts.values()) else 1
