r"""The one judge: what "correct" means for a graded function, and what a wrong answer teaches.

This is not an exercise. Every place that checks your functions uses this module and
the public cases in ``cases.json`` beside it: the lessons' check and graded cells,
``course check`` (``python -m helpers`` in a class), and the instructor's
trusted grader, which adds hidden cases of its own. So a function that passes here
passes the public cases at grading time too, with the same message when it does not.

A case is judged in this order, and the first problem found is the verdict:

1. the call raised (a stub not yet written is ``not_implemented``);
2. the call changed one of its inputs in place;
3. the result's kind, shape and dtype (float32 stays float32);
4. NaNs and infinities in the same places as the expected value's;
5. every finite entry within ``ulps`` units in the last place of the dtype,
   relative to ``|expected|`` plus the inputs' size;
6. no warning where the answer is finite, nor where the exercise promises none.

It needs nothing but the standard library and NumPy, so that it runs wherever a
learner's code runs, without any of the course's grading code.
"""

import copy
import json
import math
import warnings
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import numpy as np

# Allowed error, in units of the dtype's epsilon, relative to |expected| plus the
# size of the inputs. A stable formula different from the reference's (log(p) -
# log1p(-p) for logit, say) differs by a few roundings per operation; 64 leaves room
# for that while any overflow, lost sign or wrong constant is off by far more. The
# input size enters because a backward-stable result is exact for inputs perturbed
# by eps*|z|: log_softmax(z) carries an absolute error near eps*max|z| even where
# the result itself is small.
DEFAULT_ULPS = 64
CASES = Path(__file__).with_name("cases.json")


class Status(str, Enum):
    """A graded function's status: the one vocabulary of the checks, the CSVs and the pages.

    A string too (``Status.PASSED == "passed"``), so that it reads back from JSON and
    CSV as written. ``TAMPER_SUSPECT`` is the grader's alone: the notebook's graded cell
    and the trusted re-check disagreed on the same public cases.
    """

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    NOT_IMPLEMENTED = "not_implemented"
    MISSING = "missing"
    TAMPER_SUSPECT = "tamper_suspect"

    def __str__(self):
        return self.value

    @property
    def label(self):
        """How a learner's report shows it: the problems in capitals."""
        return {Status.PASSED: "passed", Status.NOT_IMPLEMENTED: "not yet implemented"}.get(
            self, self.value.upper().replace("_", " ")
        )


# -- the functions some cases pass as arguments (numerical_gradient's f) ---------------


def squared_norm(v):
    """f(v) = sum of v**2, whose gradient is 2v."""
    return float(np.sum(np.square(v)))


def loss_of_class_0(z):
    """f(z) = -log softmax(z)[0], whose gradient is softmax(z) - [1, 0, ...]."""
    top = np.max(z)
    return float(top + np.log(np.sum(np.exp(z - top))) - z[0])


def twice(v):
    """f(v) = 2v: an array, not the scalar a gradient needs."""
    return v * 2


PROBES = {f.__name__: f for f in (squared_norm, loss_of_class_0, twice)}


# -- what a call did ---------------------------------------------------------------------


@dataclass(frozen=True)
class Foreign:
    """A returned value that is not plain data (a list, an ndarray subclass, ...), by name only."""

    type_name: str
    ndarray_subclass: bool = False


def plain(value):
    """`value` if it is plain data (an ndarray, a NumPy or Python number), else a Foreign."""
    if isinstance(value, Foreign):
        return value
    if type(value) is np.ndarray and value.dtype.kind != "O":
        return value
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        return value
    if value is None or type(value) in (bool, int, float):
        return value
    return Foreign(type(value).__name__[:100], isinstance(value, np.ndarray))


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

    A check in a notebook makes calls in its own process; the trusted grader reads them
    back, as data, from a sandboxed child. Both are judged by the same functions below.
    """

    result: object = None
    warnings: tuple = ()  # (category name, message) pairs
    mutated: bool = False
    error: Raised | None = None


def invoke(fn, args, kwargs):
    """Call fn on deep copies of the inputs, catching what it raises and warns.

    Returns the result as plain data (None if it raised), the input copies after the
    call, the warnings as (category, message) pairs, and the exception as (its class
    names, most derived first; its message), or None.
    """
    args_in, kwargs_in = copy.deepcopy(args), copy.deepcopy(kwargs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, error = plain(fn(*args_in, **kwargs_in)), None
        except Exception as exc:  # the learner's code may raise anything
            result, error = None, ([kind.__name__ for kind in type(exc).__mro__], str(exc))
    found = [(w.category.__name__, str(w.message)) for w in caught]
    return result, [*args_in, *kwargs_in.values()], found, error


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


# -- the cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A call whose result must match `expected`; `hint` says what a failure usually means.

    `scale` is the size errors are measured against besides ``|expected|``: 0 demands
    full relative accuracy, None takes the inputs' size. `quiet` is the exercise's
    promise of no warning even where the answer is infinite. `example` marks the
    cases the lesson's check cell shows.
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    expected: object = None
    hint: str = ""
    scale: float | None = None
    quiet: bool = False
    example: bool = False


@dataclass(frozen=True)
class Raises:
    """A call that must raise ValueError; `why` is the reason, in the learner's words."""

    args: tuple
    kwargs: dict
    why: str


@dataclass(frozen=True)
class Spec:
    """A graded function's public cases, its bad inputs, and its tolerance in ulps."""

    name: str
    cases: tuple
    raises: tuple = ()
    ulps: float = DEFAULT_ULPS

    @property
    def items(self):
        """Everything the function is judged on, in order: the cases, then the bad inputs."""
        return (*self.cases, *self.raises)


# The compiled cases are JSON, so that they read the same everywhere and diff in git.
# Floats are written by repr, which round-trips exactly; non-finite ones as strings.


def to_json(value):
    """A JSON-able, exact description of an input or an expected value."""
    if isinstance(value, np.ndarray | np.generic):
        array = np.asarray(value)
        values = [v if math.isfinite(v) else repr(v) for v in array.ravel().tolist()]
        kind = "scalar" if isinstance(value, np.generic) else "array"
        return {kind: str(array.dtype), "shape": list(array.shape), "values": values}
    if callable(value):
        return {"probe": value.__name__}
    if isinstance(value, float) and not math.isfinite(value):
        return {"float": repr(value)}
    return value


def from_json(data):
    """The value `to_json` described."""
    if not isinstance(data, dict):
        return data
    if "probe" in data:
        return PROBES[data["probe"]]
    if "float" in data:
        return float(data["float"])
    kind = "scalar" if "scalar" in data else "array"
    values = [float(v) if isinstance(v, str) else v for v in data["values"]]
    array = np.array(values, dtype=data[kind]).reshape(data["shape"])
    return array[()] if kind == "scalar" else array


def spec_from_json(name, data):
    cases = tuple(
        Case(
            tuple(from_json(a) for a in item["args"]),
            {k: from_json(v) for k, v in item["kwargs"].items()},
            from_json(item["expected"]),
            item.get("hint", ""),
            item.get("scale"),
            item.get("quiet", False),
            item.get("example", False),
        )
        for item in data["cases"]
    )
    raises = tuple(
        Raises(
            tuple(from_json(a) for a in item["args"]),
            {k: from_json(v) for k, v in item["kwargs"].items()},
            item["why"],
        )
        for item in data["raises"]
    )
    return Spec(name, cases, raises, data["ulps"])


def load_cases(path=CASES):
    """(the lessons, {function name: Spec}) from a compiled cases file, in lesson order."""
    data = json.loads(Path(path).read_text())
    specs = {name: spec_from_json(name, spec) for name, spec in data["functions"].items()}
    return data["lessons"], specs


# -- the verdict -------------------------------------------------------------------------


def short(x):
    """A float in 8 significant digits, or in full where 8 would hide a difference."""
    text = f"{x:.8g}"
    return text if type(x)(text) == x or np.isnan(x) else str(x)


def describe(value, limit=6):
    """A short, readable rendering of a value for messages.

    >>> describe(np.float32([0.5, 1.0]))
    '[0.5, 1] (float32)'
    >>> describe(np.zeros((3, 4)))
    '<float64 array of shape (3, 4)>'
    """
    if isinstance(value, np.ndarray) and value.size > limit:
        return f"<{value.dtype} array of shape {value.shape}>"
    if isinstance(value, np.ndarray):
        text = np.array2string(value, separator=", ", formatter={"float_kind": short})
        plain_dtype = value.dtype == np.float64 or value.dtype.kind in "biu"
        return text if plain_dtype else f"{text} ({value.dtype})"
    if isinstance(value, np.generic):
        return f"{value.item()!r} ({value.dtype})"
    if callable(value):
        return getattr(value, "__name__", repr(value))
    return repr(value)


def render_call(name, args, kwargs):
    """How a call reads in a message: ``softmax([0.5, 0.8], axis=0)``."""
    parts = [describe(a) for a in args]
    parts += [f"{key}={describe(value)}" for key, value in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def input_scale(*values):
    """The largest finite magnitude among the floating inputs, at least 1."""
    sizes = [1.0]
    for value in values:
        if isinstance(value, np.ndarray | float | np.floating) and np.size(value):
            finite = np.abs(np.asarray(value, dtype=np.float64))
            finite = finite[np.isfinite(finite)]
            sizes.append(float(finite.max()) if finite.size else 1.0)
    return max(sizes)


def type_problem(actual, expected):
    """Why `actual` is not the kind of value `expected` is, or None."""
    python_float = isinstance(expected, float) and not isinstance(expected, np.floating)
    if actual is None:
        return "returned None; did you forget `return`?"
    if isinstance(actual, Foreign) and actual.ndarray_subclass:
        return f"returned a {actual.type_name}, an ndarray subclass; return a plain NumPy array"
    if isinstance(actual, Foreign):
        kind = "a Python float" if python_float else "a NumPy array (np.asarray helps)"
        return f"returned a {actual.type_name}; return {kind}"
    if python_float and not (type(actual) in (float, int) or isinstance(actual, np.floating)):
        return f"returned a {type(actual).__name__}; return a Python float"
    if type(actual) is bool or isinstance(actual, np.bool_):
        return "returned a boolean; return numbers"
    return None


def dtype_problem(actual, expected):
    """Why `actual`'s dtype is not `expected`'s, in words that fit the mistake."""
    if expected.dtype.kind == "f" and actual.dtype.kind in "biu":
        return f"returned integers ({actual.dtype}), expected {expected.dtype}: return floats"
    if expected.dtype == np.float32 and actual.dtype == np.float64:
        return (
            "returned float64, expected float32: keep float32 as float32 "
            "(a np.float64 constant or dtype=float upcasts it)"
        )
    return f"returned {actual.dtype}, expected {expected.dtype}"


def value_problem(actual, expected, ulps=DEFAULT_ULPS, scale=1.0):
    """Why the value `actual` does not match `expected`, or None if it does.

    >>> value_problem(np.array([np.nan, 0.0]), np.array([1.0, 0.0]))
    'returned nan ([nan, 0]) where the answer is [1, 0]'
    >>> value_problem(np.float32([0.5]), np.float32([0.5])) is None
    True
    """
    problem = type_problem(actual, expected)
    if problem:
        return problem
    a, e = np.asarray(actual), np.asarray(expected)
    if a.shape != e.shape:
        return f"returned shape {a.shape}, expected {e.shape}"
    if isinstance(expected, np.ndarray | np.generic) and a.dtype != e.dtype:
        return dtype_problem(a, e)
    if a.dtype.kind not in "fiu":
        return f"returned values of dtype {a.dtype}; return numbers"
    if (np.isnan(a) & ~np.isnan(e)).any():
        return f"returned nan ({describe(actual)}) where the answer is {describe(expected)}"
    if (np.isnan(e) & ~np.isnan(a)).any():
        return f"returned {describe(actual)} where the answer is undefined: {describe(expected)}"
    if (np.isinf(a) & ~np.isinf(e)).any() or (np.isinf(e) & (a != e)).any():
        return f"returned {describe(actual)}, expected {describe(expected)} (infinities differ)"
    finite = np.isfinite(e)
    eps = np.finfo(e.dtype if e.dtype.kind == "f" else np.float64).eps
    error = np.abs(a[finite].astype(np.float64) - e[finite].astype(np.float64))
    if (error > ulps * eps * (np.abs(e[finite]) + scale)).any():
        return f"returned {describe(actual)}, expected {describe(expected)}"
    return None


def not_implemented(done, name):
    if done.error is not None and done.error.is_a("NotImplementedError"):
        return Status.NOT_IMPLEMENTED, f"{name} is not yet implemented"
    return None


def judge_case(done, case, name, ulps=DEFAULT_ULPS):
    """The problem with one call of a case, as (status, message), or None if it passed."""
    shown = render_call(name, case.args, case.kwargs)
    hint = f": {case.hint}" if case.hint else ""
    if done.error is not None:
        return not_implemented(done, name) or (Status.ERROR, f"{shown} raised {done.error}")
    if done.mutated:
        return Status.FAILED, f"{shown} changed its input in place: work on a copy instead"
    scale = case.scale if case.scale is not None else input_scale(*case.args, *case.kwargs.values())
    problem = value_problem(done.result, case.expected, ulps=ulps, scale=scale)
    if problem:
        return Status.FAILED, f"{shown} {problem}{hint}"
    if done.warnings and (case.quiet or np.all(np.isfinite(case.expected))):
        return Status.FAILED, "{} warned {}: {}{}".format(shown, *done.warnings[0], hint)
    return None


def judge_raises(done, bad, name):
    """The problem with a call that should have raised ValueError, or None."""
    shown = render_call(name, bad.args, bad.kwargs)
    if done.error is None:
        return (
            Status.FAILED,
            f"{shown} returned {describe(done.result)}; it should raise ValueError: {bad.why}",
        )
    if not done.error.is_a("ValueError"):
        problem = not_implemented(done, name)
        return problem or (Status.FAILED, f"{shown} raised {done.error}; raise ValueError: {bad.why}")
    return None


def judge_item(done, item, name, ulps=DEFAULT_ULPS):
    """The problem with one call of a case or a bad input, or None."""
    if isinstance(item, Raises):
        return judge_raises(done, item, name)
    return judge_case(done, item, name, ulps)


@dataclass(frozen=True)
class Outcome:
    """A function's verdict: its :class:`Status`, and what to do about it.

    `judged` counts the items judged before the verdict: where a problem stopped it.
    """

    function: str
    status: Status
    message: str = ""
    judged: int = 0


def judge(spec, calls):
    """The Outcome of (item, Call) pairs in the order of ``spec.items`` plus any extra
    items; it stops at the first problem, and `calls` may be lazy, so nothing after the
    first problem is called."""
    count = 0
    for item, done in calls:
        count += 1
        problem = judge_item(done, item, spec.name, spec.ulps)
        if problem:
            return Outcome(spec.name, *problem, count)
    return Outcome(spec.name, Status.PASSED, f"{count} cases", count)
