"""Similar submissions: graded functions identical to another student's or to the reference.

``course grade`` writes ``OUT/similarity.csv`` after every run, from every submission
staged in ``OUT/course/submitted``. Each graded function gets two fingerprints, read
from the staged text and never imported:

- its exact text (``identical``);
- its syntax tree with the docstring dropped and every local name (arguments,
  assigned names, loop and comprehension variables) renamed in order of first use
  (``same after renaming``), so that renaming variables or reformatting does not hide
  a copy.

Stubs (a body that only raises ``NotImplementedError``) are not compared. Two
submissions of one lesson are flagged when they share a fingerprint on at least
:func:`threshold` of the lesson's graded functions; the reference solution takes part
as ``(reference)``, so a pasted solution is flagged too. Short functions have few honest
variants, which is why one shared function is never enough. A flag is for the
instructor to judge, never an automatic penalty.
"""

import ast
import csv
import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from autograder.authoring.markers import without_markers
from autograder.grading.report import safe_cell
from autograder.lessons import LESSONS, ROOT, Lesson
from autograder.sandbox import files

REFERENCE = "(reference)"
FIELDS = ("lesson", "student_a", "student_b", "kind", "functions")
MAX_SOURCE = 2**20  # bytes: a helpers module is a few kB; anything larger is not compared
# {function: (digest of its text, digest of its shape)} of one submission
Fingerprints = dict[str, tuple[str, str]]


@dataclass(frozen=True)
class Flag:
    lesson: str
    student_a: str
    student_b: str
    kind: str  # "identical" or "same after renaming"
    functions: tuple[str, ...]


def threshold(count: int) -> int:
    """How many of a lesson's `count` graded functions two submissions must share."""
    return max(2, math.ceil(0.75 * count)) if count > 1 else 1


def without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    is_doc = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    return body[1:] if is_doc else body


def is_stub(function: ast.FunctionDef) -> bool:
    """Whether the function's body, past its docstring, only raises NotImplementedError."""
    body = without_docstring(function.body)
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    raised = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"


def local_names(function: ast.FunctionDef) -> list[str]:
    """The names bound inside `function`, in order of first appearance."""
    bound = [arg.arg for arg in ast.walk(function.args) if isinstance(arg, ast.arg)]
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.append(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.append(node.name)
    return list(dict.fromkeys(bound))


class Renamer(ast.NodeTransformer):
    def __init__(self, names: Iterable[str]) -> None:
        self.names = {name: f"v{i}" for i, name in enumerate(names)}

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self.names.get(node.id, node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg = self.names.get(node.arg, node.arg)
        node.annotation = None
        return node


def shape_of(function: ast.FunctionDef) -> str:
    """A digest of the function's tree, docstring dropped and local names renamed."""
    function.body = without_docstring(function.body) or [ast.Pass()]
    function.name, function.returns, function.decorator_list = "f", None, []
    tree = Renamer(local_names(function)).visit(function)
    return hashlib.sha256(ast.dump(tree, include_attributes=False).encode()).hexdigest()


def fingerprints(source: str, names: Collection[str]) -> Fingerprints:
    """{name: (text digest, shape digest)} of the implemented functions `names` in `source`."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}  # a module that does not parse is graded as such; nothing to compare
    found: Fingerprints = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in names and not is_stub(node):
            # A node from ast.parse knows its position, so its segment is never None.
            name, text = node.name, ast.get_source_segment(source, node) or ""
            text = "\n".join(line.rstrip() for line in text.split("\n"))
            try:
                shape = shape_of(node)  # renames the node: its name was read first
            except RecursionError:
                continue
            found[name] = (hashlib.sha256(text.encode()).hexdigest(), shape)
    return found


def read_module(path: Path) -> str | None:
    """The text of a staged module, or None if it is missing, not a regular file or too large."""
    try:
        data = files.read_regular(path, MAX_SOURCE)
    except ValueError:  # over MAX_SOURCE
        return None
    return None if data is None else data.decode(errors="replace")


def submissions_of(course: str | Path, lesson: Lesson) -> dict[str, Fingerprints]:
    """{student: {function: fingerprints}} of one lesson, the reference included."""
    names = set(lesson.functions)
    reference = ROOT / "solutions" / "helpers" / f"{lesson.module}.py"
    found = {REFERENCE: fingerprints(without_markers(reference.read_text()), names)}
    assignment = lesson.assignment
    for folder in sorted((Path(course) / "submitted").glob(f"*/{assignment}")):
        source = read_module(folder / "helpers" / f"{lesson.module}.py")
        if source is not None:
            found[folder.parent.name] = fingerprints(source, names)
    return found


def flags_of(lesson: Lesson, submissions: dict[str, Fingerprints]) -> list[Flag]:
    """The pairs of one lesson's submissions that share enough functions."""
    # (student a, student b) -> {function: kind}
    shared: defaultdict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for name in lesson.functions:
        by_shape: defaultdict[str, list[str]] = defaultdict(list)
        for student, prints in submissions.items():
            if name in prints:
                by_shape[prints[name][1]].append(student)
        for group in by_shape.values():
            for a, b in combinations(sorted(group, key=lambda s: (s != REFERENCE, s)), 2):
                same_text = submissions[a][name][0] == submissions[b][name][0]
                shared[a, b][name] = "identical" if same_text else "same after renaming"
    needed = threshold(len(lesson.functions))
    assignment = lesson.assignment
    return [
        Flag(
            assignment,
            a,
            b,
            "identical" if set(kinds.values()) == {"identical"} else "same after renaming",
            tuple(name for name in lesson.functions if name in kinds),
        )
        for (a, b), kinds in sorted(shared.items())
        if len(kinds) >= needed
    ]


def find(course: str | Path) -> list[Flag]:
    """Every flag, lesson by lesson, over everything staged in `course`."""
    return [flag for lesson in LESSONS for flag in flags_of(lesson, submissions_of(course, lesson))]


def write(out: str | Path, flags: Iterable[Flag]) -> None:
    """Write OUT/similarity.csv: one row per flagged pair and lesson."""
    with (Path(out) / "similarity.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, FIELDS)
        writer.writeheader()
        for flag in flags:
            row = {**flag.__dict__, "functions": " ".join(flag.functions)}
            writer.writerow({name: safe_cell(name, row[name]) for name in FIELDS})


def report(out: str | Path, course: str | Path, say: Callable[[str], object] = print) -> list[Flag]:
    """Find the flags, write similarity.csv, and say how many there are."""
    flags = find(course)
    write(out, flags)
    if not flags:
        say("No similar submissions.")
        return flags
    pasted = sum(flag.student_a == REFERENCE for flag in flags)
    say(
        f"Similar submissions: {len(flags)} flagged pairs of lessons, {pasted} of them "
        f"matching the reference; see {Path(out) / 'similarity.csv'} (for you to judge)."
    )
    return flags
