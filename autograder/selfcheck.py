"""``course check``: run the catalogue's public cases against the learner's ``helpers``.

Each function gets one status (passed, failed, error, timeout, not_implemented) and,
unless it passed, one message that says what went wrong and what usually fixes it.
"""

import copy
import importlib
import signal
import sys
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .catalogue import CATALOGUE
from .compare import describe, input_scale, value_problem
from .lessons import LESSONS

TIME_LIMIT = 10  # seconds per function: generous for these tiny inputs, short for a hang


@dataclass
class Outcome:
    function: str
    status: str  # passed, failed, error, timeout or not_implemented
    message: str = ""


class TookTooLong(Exception):
    pass


@contextmanager
def time_limit(seconds):
    """Raise TookTooLong in the main thread after `seconds` (POSIX; no limit elsewhere)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum, frame):
        raise TookTooLong

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


def call(fn, args, kwargs):
    """Call fn on copies of the inputs; return (result, warnings, mutated, exception)."""
    args_in, kwargs_in = copy.deepcopy(args), copy.deepcopy(kwargs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, error = fn(*args_in, **kwargs_in), None
        except TookTooLong:
            raise
        except Exception as exc:  # the learner's code may raise anything
            result, error = None, exc
    before = [*args, *kwargs.values()]
    after = [*args_in, *kwargs_in.values()]
    mutated = any(
        isinstance(old, np.ndarray) and not np.array_equal(old, new, equal_nan=True)
        for old, new in zip(before, after, strict=True)
    )
    return result, caught, mutated, error


def run_case(fn, reference, name, case):
    """The problem with one case, as (status, message), or None if it passed."""
    shown = render_call(name, case.args, case.kwargs)
    result, caught, mutated, error = call(fn, case.args, case.kwargs)
    if isinstance(error, NotImplementedError):
        return "not_implemented", f"{name} is not implemented yet"
    if error is not None:
        return "error", f"{shown} raised {type(error).__name__}: {error}"
    if mutated:
        return "failed", f"{shown} changed its input in place: work on a copy instead"
    expected, _, _, _ = call(reference, case.args, case.kwargs)
    scale = case.scale if case.scale is not None else input_scale(*case.args, *case.kwargs.values())
    problem = value_problem(result, expected, ulps=CATALOGUE[name].ulps, scale=scale)
    if not problem and caught and np.all(np.isfinite(expected)):
        problem = f"warned {caught[0].category.__name__}: {caught[0].message}"
    if problem:
        return "failed", f"{shown} {problem}" + (f": {case.hint}" if case.hint else "")
    return None


def run_raises(fn, name, bad):
    shown = render_call(name, bad.args, bad.kwargs)
    result, _, _, error = call(fn, bad.args, bad.kwargs)
    if isinstance(error, NotImplementedError):
        return "not_implemented", f"{name} is not implemented yet"
    if error is None:
        return (
            "failed",
            f"{shown} returned {describe(result)}; it should raise ValueError: {bad.why}",
        )
    if not isinstance(error, ValueError):
        return "failed", (
            f"{shown} raised {type(error).__name__}: {error}; raise ValueError instead: {bad.why}"
        )
    return None


def check_function(module, reference, name, extra_cases=()):
    """Run every public case of `name`, then `extra_cases`; stop at the first problem."""
    spec = CATALOGUE[name]
    fn = getattr(module, name, None)
    if fn is None:
        return Outcome(name, "error", f"helpers has no function named {name}")
    try:
        with time_limit(TIME_LIMIT):
            for case in (*spec.cases, *extra_cases):
                problem = run_case(fn, getattr(reference, name), name, case)
                if problem:
                    return Outcome(name, *problem)
            for bad in spec.raises:
                problem = run_raises(fn, name, bad)
                if problem:
                    return Outcome(name, *problem)
    except TookTooLong:
        return Outcome(name, "timeout", f"{name} ran for over {TIME_LIMIT} s: an infinite loop?")
    count = len(spec.cases) + len(extra_cases) + len(spec.raises)
    return Outcome(name, "passed", f"{count} cases")


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
