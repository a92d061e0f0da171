"""The catalogue and the exercises say the same thing: every promise of an exercise cell
is tested by a public case, and every case quotes a promise the exercise makes.

A case's ``spec`` quotes a phrase of one bullet of its function's exercise cell in
solutions/0N-*.ipynb (the cell whose grade_id starts with ``exercise-`` or ``ex-``),
compared with runs of white space collapsed, since the markdown wraps its lines. A
reworded bullet fails (a), a new bullet with no case fails (b).
"""

import json
import re

import numpy as np
import pytest

from autograder.checks.catalogue import CATALOGUE
from autograder.lessons import ROOT

# Bullets no case can test, each with the reason. Hint bullets are skipped everywhere:
# they suggest a way, they promise nothing.
DESCRIPTIVE = {
    # (function, the bullet's first words): why no case quotes it
}


def flat(text):
    return " ".join(text.split())


def exercise_cells():
    """{function name: the markdown of its exercise cell}."""
    found = {}
    for path in sorted((ROOT / "solutions").glob("0*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            if cell["cell_type"] == "markdown" and grade_id.startswith(("exercise-", "ex-")):
                source = "".join(cell["source"])
                name = re.search(r"^### Exercise [\d.]+ — `(\w+)`", source, re.M).group(1)
                assert name not in found, f"two exercise cells for {name}"
                found[name] = source
    return found


def bullets(markdown):
    """The top-level bullets of a cell, each as one line with its white space collapsed."""
    items, current = [], None
    for line in markdown.splitlines():
        if line.startswith("- "):
            current = [line[2:]]
            items.append(current)
        elif current is not None and line.startswith("  ") and line.strip():
            current.append(line)
        else:
            current = None
    return [flat(" ".join(item)) for item in items]


CELLS = exercise_cells()


def quotes(name):
    """(phrase, item) for every phrase the cases and bad inputs of `name` quote."""
    return [(phrase, item) for item in CATALOGUE[name].items for phrase in item.spec]


def test_every_graded_function_has_one_exercise_cell():
    assert sorted(CELLS) == sorted(CATALOGUE)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_quote_is_in_the_exercise(name):
    """(a) A quoted phrase stands, word for word, in one bullet of the function's exercise."""
    listed = bullets(CELLS[name])
    for phrase, item in quotes(name):
        assert any(flat(phrase) in bullet for bullet in listed), (
            f"{name}: the case {item.args!r:.60} quotes {phrase!r}, which no bullet of its "
            "exercise cell says"
        )


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_bullet_is_tested(name):
    """(b) Every bullet of the exercise, but hints and the listed ones, is quoted by a case."""
    quoted = [flat(phrase) for phrase, _ in quotes(name)]
    for bullet in bullets(CELLS[name]):
        if bullet.startswith("**Hint**") or (name, " ".join(bullet.split()[:3])) in DESCRIPTIVE:
            continue
        assert any(phrase in bullet for phrase in quoted), (
            f"{name}: no public case tests the bullet {bullet!r}; add a case with spec='...' "
            "quoting it in its lesson's module of autograder/checks/"
        )


def test_the_allowed_exceptions_are_still_bullets():
    for name, start in DESCRIPTIVE:
        assert any(" ".join(b.split()[:3]) == start for b in bullets(CELLS[name])), (name, start)


def test_bullets_are_read_whole():
    """A wrapped bullet is one bullet, and a paragraph after the list ends it."""
    text = "- **Takes** `p`: one\n  two\n- three\n\nIt should give four"
    assert bullets(text) == ["**Takes** `p`: one two", "three"]


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_the_contract_covers_both_float_dtypes(name):
    """Every function meets float32 and float64 inputs among its public cases."""
    dtypes = {
        value.dtype
        for case in CATALOGUE[name].cases
        for value in (*case.args, *case.kwargs.values())
        if isinstance(value, np.ndarray)
    }
    wanted = {np.dtype(np.float64), np.dtype(np.float32)}
    if name in ("one_hot",):  # labels are integers: float input must raise, and does
        wanted = {np.dtype(np.int64)}
    assert wanted <= dtypes, f"{name}: no public case in {wanted - dtypes}"


def test_a_scale_of_zero_survives_compilation():
    """scale=0 (full relative accuracy) must reach cases.json: 0 == False in Python."""
    from solutions.helpers import checking

    compiled = checking.compiled()[1]
    for name, spec in CATALOGUE.items():
        for written, read in zip(spec.cases, compiled[name].cases, strict=True):
            assert read.scale == written.scale, (name, written.args)
            assert read.quiet == written.quiet and read.hint == written.hint, (name, written.args)
    assert any(case.scale == 0 for spec in CATALOGUE.values() for case in spec.cases)
