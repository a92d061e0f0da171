r"""The lessons' notebook tools: the check cells, the graded cells, and the set-up cell.

This is not an exercise. Each function you write is judged on the public cases in
``cases.json`` by :mod:`helpers.judge`, the same judge the grader uses:

- a lesson's check cell runs :func:`examples`, which shows the exercise's examples and
  whether every public case passes;
- its graded cell runs :func:`check`, which fails with the judge's message;
- ``python -m helpers`` (``course check`` in a clone of the course) checks
  every function at once.

Each lesson's set-up cell runs ``%load_ext helpers.checking``, which reloads your
``helpers`` whenever you save a file and turns a function you have not written yet
into one line that says where to write it. :func:`compare` is for the demos: it says
whether two values are exactly, nearly or not equal.
"""

import argparse
import importlib
import re
import signal
import traceback
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np

from . import judge, misconceptions
from .judge import Status

TIME_LIMIT = 10  # seconds per function: generous for these tiny inputs, short for a hang
HERE = Path(__file__).parent  # helpers/, the learner's package
# The file IPython compiles a notebook cell into: ipykernel's /tmp/ipykernel_<pid>/<n>.py,
# or IPython's own <ipython-input-...>.
CELL = r"ipykernel_\d+[/\\]\d+\.py$|^<ipython-input-"


class TookTooLong(BaseException):
    """Raised by the alarm; a BaseException so that `except Exception` cannot swallow it."""


def expire(signum, frame):
    raise TookTooLong


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


@cache
def compiled():
    """The compiled public cases beside the judge: (the lessons, {name: Spec}), read once."""
    return judge.load_cases()


def module_of(name):
    """The helpers module the learner writes `name` in."""
    lessons, _ = compiled()
    return next(lesson["module"] for lesson in lessons if name in lesson["functions"])


def learner():
    """The package these tools belong to: the learner's helpers."""
    return importlib.import_module(__package__)


def run(fn, spec, extra=()):
    """The Outcome of `fn` on every item of `spec`, then `extra`, in this process."""
    calls = ((item, judge.call(fn, item.args, item.kwargs)) for item in (*spec.items, *extra))
    try:
        with time_limit(TIME_LIMIT):
            return judge.judge(spec, calls)
    except TookTooLong:
        return timed_out(spec.name)


def timed_out(name):
    message = f"{name} ran for over {TIME_LIMIT} s: an infinite loop?"
    return judge.Outcome(name, Status.TIMEOUT, message)


def outcome_of(module, spec):
    """The Outcome of the function `spec` names in `module` (the learner's package)."""
    fn = getattr(module, spec.name, None)
    if not callable(fn):
        return judge.Outcome(spec.name, Status.MISSING, f"helpers has no function named {spec.name}")
    return run(fn, spec)


def where_to_write(name):
    return f"{name} is not yet implemented: write it in helpers/{module_of(name)}.py"


class CheckFailed(AssertionError):
    """A graded cell's verdict: one line, the judge's message, without a traceback."""

    def _render_traceback_(self):  # IPython shows this instead of a traceback
        return [str(self)]


def check(name):
    """The graded cell's check: every public case of `name`; raise CheckFailed if one fails.

    Parameters
    ----------
    name : str
        A graded function, e.g. ``"softmax"``.

    Raises
    ------
    CheckFailed
        With the judge's message: the failing call, what it returned, and the usual fix.
    """
    spec = compiled()[1][name]
    outcome = outcome_of(learner(), spec)
    if outcome.status == Status.NOT_IMPLEMENTED:
        raise CheckFailed(where_to_write(name) + ", then run this cell again.")
    if outcome.status != Status.PASSED:
        raise CheckFailed(outcome.message)
    print(f"{name}: all {outcome.judged} public cases pass")


def verdict(done, case, name, ulps):
    """One example's line: exact or close only when the judge passes the call."""
    problem = judge.judge_case(done, case, name, ulps)
    if problem:
        return f"FAILED: {problem[1]}"
    actual, expected = np.asarray(done.result), np.asarray(case.expected)
    if np.array_equal(actual, expected, equal_nan=True):
        return "exact"
    return f"close ({difference(actual, expected)})"


def examples(name):
    """The check cell: the exercise's examples, each judged, then all the public cases.

    Prints one line per example and one for the whole function; never raises, so that
    the cells below still run. "exact" and "close" appear only for results the graded
    cell accepts.
    """
    spec = compiled()[1][name]
    fn = getattr(learner(), name, None)
    outcome = outcome_of(learner(), spec)
    if outcome.status == Status.NOT_IMPLEMENTED:
        print(where_to_write(name) + ", then run this cell again.")
        return
    if outcome.status == Status.MISSING:
        print(outcome.message)
        return
    if outcome.status == Status.TIMEOUT:  # each example would hang the cell the same way
        print(f"{name} {Status(outcome.status).label}: {outcome.message}")
        return
    for case in (c for c in spec.cases if c.example):
        shown = judge.render_call(name, case.args, case.kwargs)
        try:
            with time_limit(TIME_LIMIT):  # one the public cases did not reach may hang
                done = judge.call(fn, case.args, case.kwargs)
        except TookTooLong:
            print(f"{shown}: {timed_out(name).message}")
            continue
        print(f"{shown} = {judge.describe(done.result)}: {verdict(done, case, name, spec.ulps)}")
    if outcome.status == Status.PASSED:
        print(f"{name}: all {outcome.judged} public cases pass; the graded cell runs the same")
    else:
        print(f"{name} {Status(outcome.status).label}: {outcome.message}")
        print_mistake(outcome, print)


def print_mistake(outcome, say, indent=""):
    """Say the name of the mistake behind a wrong verdict, as the feedback and the class
    report name it (:mod:`helpers.misconceptions`); nothing where no rule names it."""
    known = misconceptions.named(outcome.status, outcome.message)
    if known is not None:
        say(f"{indent}The mistake, {known.id}: {outcome.function} {known.says}.")


def report(module, names=(), lessons=(), say=print):
    """Check the named functions of `module` (default: all), lesson by lesson; exit status.

    What ``python -m helpers`` and ``course check`` print.
    """
    catalogue, specs = compiled()
    counts = dict.fromkeys(Status, 0)
    say(f"Checking {Path(module.__file__).parent}")
    for lesson in catalogue:
        wanted = [n for n in lesson["functions"] if not names or n in names]
        if not wanted or (lessons and lesson["number"] not in lessons):
            continue
        say(f"\nLesson {lesson['number']}: {lesson['title']}")
        for name in wanted:
            outcome = outcome_of(module, specs[name])
            counts[outcome.status] += 1
            label = Status(outcome.status).label
            detail = f" ({outcome.message})" if outcome.status == Status.PASSED else ""
            say(f"  {label:<20} {name}{detail}")
            if outcome.status not in (Status.PASSED, Status.NOT_IMPLEMENTED):
                say(f"      {outcome.message}")
                print_mistake(outcome, say, indent="      ")
    say("\n" + ", ".join(f"{n} {s.label}" for s, n in counts.items() if n))
    return 0 if counts[Status.PASSED] == sum(counts.values()) else 1


EXAMPLES = """\
examples:
  python -m helpers                  every function
  python -m helpers softmax logit    just these
  python -m helpers --lessons 2,3    lessons 2 and 3
"""


def lesson_numbers(text):
    """'1,3' -> [1, 3]: the ``--lessons`` of every command, checked against the course's.

    >>> lesson_numbers("1,3")
    [1, 3]
    >>> lesson_numbers("7")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: lessons are numbered 1 to 5, not '7'
    """
    numbers = [lesson["number"] for lesson in compiled()[0]]
    try:
        chosen = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of lesson numbers") from None
    if not chosen or not set(chosen) <= set(numbers):
        raise argparse.ArgumentTypeError(
            f"lessons are numbered {numbers[0]} to {numbers[-1]}, not {text!r}"
        )
    return chosen


def add_arguments(parser):
    """The arguments of ``python -m helpers``, which ``course check`` shares."""
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help="graded functions to check (default: all)"
    )
    parser.add_argument(
        "--lessons",
        "--lesson",
        type=lesson_numbers,
        action="extend",
        default=[],
        metavar="N[,N...]",
        help="only these lessons, e.g. 2 or 1,3 (default: all)",
    )


def usage_problem(names, lessons=()):
    """A usage error's words for names that are not graded functions, or that the chosen
    `lessons` do not grade (which would check nothing), or None."""
    catalogue, specs = compiled()
    unknown = [name for name in names if name not in specs]
    if unknown:
        return f"no graded function named {', '.join(unknown)}; the graded functions are: " + (
            ", ".join(specs)
        )
    lesson_of = {name: lesson["number"] for lesson in catalogue for name in lesson["functions"]}
    outside = [name for name in names if lessons and lesson_of[name] not in lessons]
    if outside:
        where = ", ".join(f"{name} is in lesson {lesson_of[name]}" for name in outside)
        chosen = ",".join(map(str, sorted(lessons)))
        return f"{where}, not in --lessons {chosen}: add its lesson, or leave --lessons out"
    return None


def main(argv=None):
    """``python -m helpers [NAME ...] [--lessons N[,N...]]``: check your helpers."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers",
        description="Check your helpers on the public cases, as the graded cells do.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    problem = usage_problem(args.names, args.lessons)
    if problem:
        parser.error(problem)
    try:
        module = learner()
    except Exception as exc:  # a syntax error or crash in the learner's files
        print(f"Could not import helpers: {type(exc).__name__}: {exc}")
        return 1
    return report(module, args.names, args.lessons)


def compare(label, actual, expected, rtol=1e-7, atol=1e-12):
    r"""Print whether `actual` is exactly, nearly or not `expected`; return True if close.

    Parameters
    ----------
    label : str
        What is being compared, e.g. ``"softmax([0.5, 0.8])"``.
    actual, expected : array_like
        Your result and the value it should have; the shapes must agree.
    rtol, atol : float
        "Close" means ``|actual - expected| <= atol + rtol * |expected|``, with
        infinities and NaNs in the same places. The default tolerates values
        that are printed to 8 significant digits.

    Returns
    -------
    bool
        True if exact or close.

    Examples
    --------
    >>> compare("0.1 + 0.2", 0.1 + 0.2, 0.3)
    0.1 + 0.2: close (max difference 5.6e-17)
    True
    >>> compare("shape", [1.0, 2.0], [1.0])
    shape: DIFFERENT shape (2,), expected (1,)
    False
    >>> compare("z", [np.nan, 0.0], [1.0, 0.0])
    z: DIFFERENT: got [nan  0.], expected [1. 0.] (nan at index 0, where the answer is a number)
    False
    """
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.shape != expected.shape:
        verdict, ok = f"DIFFERENT shape {actual.shape}, expected {expected.shape}", False
    elif np.array_equal(actual, expected, equal_nan=True):
        verdict, ok = "exact", True
    else:
        ok = bool(np.allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True))
        verdict = "close" if ok else f"DIFFERENT: got {actual}, expected {expected}"
        verdict += f" ({difference(actual, expected)})"
    print(f"{label}: {verdict}")
    return ok


def difference(actual, expected):
    """Where NaNs stand in one array and not in the other, or else the largest difference.

    A NaN has no distance to a number, so a largest difference would skip it and could
    read 0 for ``[nan, 0]`` against ``[1, 0]``.
    """
    nan_got, nan_expected = np.isnan(actual), np.isnan(expected)
    if (nan_got & ~nan_expected).any():
        return f"nan{at(nan_got & ~nan_expected)}, where the answer is a number"
    if (nan_expected & ~nan_got).any():
        return f"a number{at(nan_expected & ~nan_got)}, where the answer is nan"
    with np.errstate(invalid="ignore"):  # inf - inf where both are the same infinity
        gap = np.abs(actual.astype(float) - expected.astype(float))
    return f"max difference {np.nanmax(gap):.2g}"


def at(mask, shown=4):
    """Where `mask` is True, as you would index it: " at index 0", " at indices (0, 1), (2, 0)"."""
    if mask.ndim == 0:
        return ""
    found = [i.item() if mask.ndim == 1 else tuple(i.tolist()) for i in np.argwhere(mask)]
    listed = ", ".join(map(str, found[:shown])) + (", ..." if len(found) > shown else "")
    return f" at {'index' if len(found) == 1 else 'indices'} {listed}"


def load_ipython_extension(ipython):
    """Set up a lesson's notebook: ``%reload_ext helpers.checking`` in its first code cell.

    ``%reload_ext`` loads it the first time, and running the cell again says nothing
    (``%load_ext`` would say the extension is already loaded).

    - ``%autoreload``: every cell runs your latest saved ``helpers``, without a restart.
      Whole modules are reloaded (``--full``): by default IPython 9 recompiles only the
      functions you changed, so a function below an edit keeps its old line numbers and
      its traceback points at the wrong lines. An IPython without ``--full`` always
      reloads whole modules.
    - A function you have not written yet fails in one line that names it and its file.
    """
    from IPython.core.error import UsageError  # here: only a notebook needs IPython

    ipython.extension_manager.load_extension("autoreload")  # quiet if already loaded
    try:
        ipython.run_line_magic("autoreload", "2 --full")
    except UsageError:
        ipython.run_line_magic("autoreload", "2")
    ipython.set_custom_exc((NotImplementedError, NameError), show_in_one_line)


def show_in_one_line(shell, etype, value, tb, tb_offset=None):
    """IPython's handler for NotImplementedError and NameError: one line, where it says all.

    A NotImplementedError raised by a function of helpers/ is a function not yet written;
    a NameError raised by a cell itself is, in a lesson, most often a name that a cell
    above defines but that stopped early. Raised anywhere else, both keep their traceback.
    """
    line = one_line(etype, value, traceback.extract_tb(tb)[-1])
    if line:  # IPython prints an exception through its _render_traceback_, if it has one
        value._render_traceback_ = lambda: [line]
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)


def one_line(etype, value, where):
    """The one line for an exception raised at frame `where`, or None for its traceback."""
    if issubclass(etype, NotImplementedError) and Path(where.filename).parent == HERE:
        return (
            f"{where.name} is not yet implemented: write it in "
            f"helpers/{Path(where.filename).name}, then run this cell again."
        )
    if issubclass(etype, NameError) and re.search(CELL, where.filename):
        return (
            f"NameError: {value}. If a cell above defines it, run that cell first: "
            "it may have stopped at a function not yet written."
        )
    return None
