"""The five lessons: solution notebooks run clean and validate; learner notebooks hide the answers.

Each notebook runs the way nbgrader runs it: in a folder of its own, next to a
``helpers/`` package: the reference for a solution notebook, the stubs for a learner's.
Each exercise ends the same way: a check cell, ``examples("f")``, then a graded cell,
a comment and ``check("f")``: the judge on the catalogue's public cases, nothing
written by hand.
"""

import os
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.validator import Validator

from autograder.checks.catalogue import CATALOGUE
from autograder.lessons import LESSONS, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

WORKED_NUMBERS = {  # from docs/architecture.md, "Worked numbers the course reproduces"
    "02-sigmoid-vs-softmax": ["0.42555748", "0.57444252", "0.7858349830425586"],
    "04-kl-divergence": ["0.5108256237659906", "0.3680642071684971"],
    "05-cross-entropy": [
        "1.3783888522474517",
        "0.6391075640678003",
        "0.6931471805599453",
        "0.35667494393873245",
    ],
}
MIN_FIGURES = {"05-cross-entropy": 5}
SLUGS = [lesson.slug for lesson in LESSONS]


def lesson_folder(tmp_path, notebook, helpers):
    """A folder like an nbgrader assignment: the notebook beside a helpers package."""
    shutil.copy(notebook, tmp_path / notebook.name)
    shutil.copytree(helpers, tmp_path / "helpers")
    return tmp_path / notebook.name


def beside(folder):
    """A kernel's environment that imports the folder's helpers, as nbgrader's does.

    An inherited PYTHONPATH naming a clone of the course would put its helpers/ first.
    """
    return {**os.environ, "PYTHONPATH": str(folder)}


@pytest.fixture(scope="session")
def executed(tmp_path_factory):
    """Each solution notebook, executed once, top to bottom, in a fresh kernel."""
    cache = {}

    def run(slug):
        if slug not in cache:
            folder = tmp_path_factory.mktemp(slug)
            path = lesson_folder(
                folder, ROOT / "solutions" / f"{slug}.ipynb", ROOT / "solutions" / "helpers"
            )
            nb = nbformat.read(path, as_version=4)
            NotebookClient(
                nb,
                timeout=120,
                kernel_name="python3",
                resources={"metadata": {"path": str(folder)}},
            ).execute(env=beside(folder))
            cache[slug] = nb
        return cache[slug]

    return run


def outputs(nb):
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def output_text(nb):
    parts = []
    for out in outputs(nb):
        parts.append(out.get("text", ""))
        parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


def is_autograded(cell):
    return bool(nbgrader_meta(cell).get("grade") and not nbgrader_meta(cell).get("solution"))


def autograded(nb):
    return [c for c in nb.cells if is_autograded(c)]


@pytest.mark.parametrize("slug", SLUGS)
def test_both_versions_exist(slug):
    assert (ROOT / "solutions" / f"{slug}.ipynb").exists()
    assert (ROOT / "lessons" / f"{slug}.ipynb").exists()


@pytest.mark.parametrize("slug", SLUGS)
def test_no_outputs_are_kept_in_git(slug):
    nb = nbformat.read(ROOT / "solutions" / f"{slug}.ipynb", as_version=4)
    assert not outputs(nb) and not any(c.get("execution_count") for c in nb.cells)


@pytest.mark.parametrize("slug", SLUGS)
def test_solution_runs_without_errors_or_stderr(slug, executed):
    for out in outputs(executed(slug)):
        assert out.output_type != "error", f"{out.get('ename')}: {out.get('evalue')}"
        assert not (out.output_type == "stream" and out.name == "stderr"), out.text


@pytest.mark.parametrize("slug", SLUGS)
def test_every_idea_has_a_figure(slug, executed):
    figures = [o for o in outputs(executed(slug)) if "image/png" in o.get("data", {})]
    assert len(figures) >= MIN_FIGURES.get(slug, 3)


@pytest.mark.parametrize("slug", WORKED_NUMBERS)
def test_worked_numbers_appear_in_the_outputs(slug, executed):
    text = output_text(executed(slug))
    for number in WORKED_NUMBERS[slug]:
        assert number in text, f"{number} is not printed by any cell of {slug}"


def test_capstone_reaches_90_percent_test_accuracy(executed):
    match = re.search(
        r"capstone test accuracy: ([0-9.]+)", output_text(executed("05-cross-entropy"))
    )
    assert match, "the capstone must print 'capstone test accuracy: <value>'"
    assert float(match.group(1)) >= 0.90


@pytest.mark.parametrize("slug", SLUGS)
def test_graded_cells_have_points_and_meaningful_unique_ids(slug):
    nb = nbformat.read(ROOT / "solutions" / f"{slug}.ipynb", as_version=4)
    lesson = next(lesson for lesson in LESSONS if lesson.slug == slug)
    ids = [nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c)]
    assert len(ids) == len(set(ids)), "duplicate grade ids"
    tests = autograded(nb)
    # In the module's order: helpers/<module>.py reads in the order of the exercises.
    assert [nbgrader_meta(c)["grade_id"] for c in tests] == lesson.functions
    for cell in tests:
        assert nbgrader_meta(cell)["points"] > 0 and nbgrader_meta(cell)["locked"]
        name = nbgrader_meta(cell)["grade_id"]
        first, *rest = cell.source.splitlines()
        assert first.startswith(f"# {name}: "), first  # what the public cases check
        assert rest == [f'check("{name}")'], cell.source  # no asserts, no hidden block
    written = [c for c in nb.cells if c.cell_type == "markdown" and nbgrader_meta(c).get("grade")]
    assert written and all(nbgrader_meta(c)["points"] > 0 for c in written), "a written question"


@pytest.mark.parametrize("slug", SLUGS)
def test_lesson_follows_the_course_rhythm(slug):
    nb = nbformat.read(ROOT / "solutions" / f"{slug}.ipynb", as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in ("Learning goals", "Summary", "Exercises"):
        assert re.search(rf"^#+ .*{heading}", markdown, flags=re.M | re.I), heading
    assert "course check" in markdown


@pytest.mark.parametrize("slug", SLUGS)
def test_learner_notebook_has_no_solutions_hidden_tests_or_outputs(slug):
    nb = nbformat.read(ROOT / "lessons" / f"{slug}.ipynb", as_version=4)
    text = nbformat.writes(nb)
    for secret in ("BEGIN SOLUTION", "HIDDEN TESTS", "autograder.notebook"):
        assert secret not in text
    assert not outputs(nb)
    solution = nbformat.read(ROOT / "solutions" / f"{slug}.ipynb", as_version=4)
    answers = [
        c.source
        for c in solution.cells
        if c.cell_type == "markdown" and nbgrader_meta(c).get("solution")
    ]
    assert all(answer not in text for answer in answers), "a written answer leaked"


@pytest.mark.parametrize("slug", SLUGS)
def test_nbgrader_validate_passes_on_the_solution(slug, tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    path = lesson_folder(
        tmp_path, ROOT / "solutions" / f"{slug}.ipynb", ROOT / "solutions" / "helpers"
    )
    assert Validator().validate(str(path)) == {}


@pytest.mark.parametrize("slug", SLUGS)
def test_every_test_fails_on_the_blank_lesson(slug, tmp_path, monkeypatch):
    """nbgrader validate --invert: with the stubs, no autograded cell may pass."""
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    path = lesson_folder(tmp_path, ROOT / "lessons" / f"{slug}.ipynb", ROOT / "helpers")
    assert Validator(invert=True).validate(str(path)) == {}


def check_cells(nb):
    """The check cells, each with the function of the graded cell that follows it."""
    pairs = []
    for i, cell in enumerate(nb.cells):
        if nbgrader_meta(cell).get("grade_id", "").startswith("check-"):
            graded = next(c for c in nb.cells[i + 1 :] if is_autograded(c))
            pairs.append((i, cell, nbgrader_meta(graded)["grade_id"]))
    return pairs


@pytest.mark.parametrize("slug", SLUGS)
def test_each_exercise_shows_its_examples_before_its_graded_cell(slug):
    """The rhythm: "It should give X", the check cell, then the graded cell."""
    nb = nbformat.read(ROOT / "solutions" / f"{slug}.ipynb", as_version=4)
    lesson = next(lesson for lesson in LESSONS if lesson.slug == slug)
    pairs = check_cells(nb)
    assert [name for _, _, name in pairs] == lesson.functions
    for i, cell, name in pairs:
        assert cell.cell_type == "code" and cell.source == f'examples("{name}")', cell.source
        prose = nb.cells[i - 1]
        words = " ".join(prose.source.split())
        assert prose.cell_type == "markdown" and "It should give" in words, name
        assert words.endswith(
            "— the cell below shows each example and whether every public case passes, "
            "the graded cell's cases included:"
        ), name
        assert "compare(" not in cell.source


@pytest.mark.parametrize("slug", SLUGS)
def test_every_function_has_an_example_in_the_catalogue(slug):
    lesson = next(lesson for lesson in LESSONS if lesson.slug == slug)
    for name in lesson.functions:
        assert any(case.example for case in CATALOGUE[name].cases), f"{name} has no example"


def cell_text(cell):
    return "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")


@pytest.mark.parametrize("slug", SLUGS)
def test_the_reference_passes_every_example_and_every_graded_cell(slug, executed):
    nb = executed(slug)
    text = output_text(nb)
    assert "FAILED" not in text and "not yet implemented" not in text
    for i, _, name in check_cells(nb):
        printed = cell_text(nb.cells[i])
        assert f"{name}: all " in printed and " public cases pass" in printed, printed
    for cell in autograded(nb):
        name = nbgrader_meta(cell)["grade_id"]
        assert cell_text(cell).startswith(f"{name}: all "), cell_text(cell)


@pytest.mark.parametrize("slug", SLUGS)
def test_with_the_stubs_each_check_cell_says_where_to_write_the_function(slug, tmp_path):
    """Run the set-up cell and the check cells of the learner's notebook beside the stubs."""
    path = lesson_folder(tmp_path, ROOT / "lessons" / f"{slug}.ipynb", ROOT / "helpers")
    nb = nbformat.read(path, as_version=4)
    lesson = next(lesson for lesson in LESSONS if lesson.slug == slug)
    setup = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == "setup")
    checks = [cell for _, cell, _ in check_cells(nb)]
    nb.cells = [setup, *checks]
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute(env=beside(tmp_path))
    assert not setup.outputs
    for cell, name in zip(checks, lesson.functions, strict=True):
        # One print, which a loaded kernel may still send as several stream messages.
        assert all(o.output_type == "stream" and o.name == "stdout" for o in cell.outputs)
        assert "".join(o.text for o in cell.outputs) == (
            f"{name} is not yet implemented: write it in helpers/{lesson.module}.py, "
            "then run this cell again.\n"
        )


NOT_YET = re.compile(r"^(\w+) is not yet implemented: write it in helpers/\w+\.py", re.M)


def printed_and_raised(cell):
    """Everything a cell showed: its stdout and stderr, and each error's rendering."""
    parts = [cell_text(cell)]
    for out in cell.outputs:
        if out.output_type == "error":
            parts.append("\n".join(out.traceback) or f"{out.ename}: {out.evalue}")
    return "\n".join(parts)


@pytest.fixture(scope="session")
def run_all_with_the_stubs(tmp_path_factory):
    """Each learner notebook run top to bottom beside the stubs, errors kept: Run All.

    The learner who opens lesson N has written the earlier lessons' functions: their
    modules are the reference; this lesson's and the later ones' are the stubs.
    """
    cache = {}

    def run(slug):
        if slug not in cache:
            folder = tmp_path_factory.mktemp(f"lessons-stubs-{slug}")
            path = lesson_folder(folder, ROOT / "lessons" / f"{slug}.ipynb", ROOT / "helpers")
            number = next(lesson.number for lesson in LESSONS if lesson.slug == slug)
            for done in LESSONS[: number - 1]:
                module = f"{done.module}.py"
                shutil.copy(ROOT / "solutions" / "helpers" / module, folder / "helpers" / module)
            nb = nbformat.read(path, as_version=4)
            NotebookClient(
                nb,
                timeout=120,
                kernel_name="python3",
                allow_errors=True,  # a learner's Run All stops at an error; we look past it
                resources={"metadata": {"path": str(folder)}},
            ).execute(env=beside(folder))
            cache[slug] = nb
        return cache[slug]

    return run


@pytest.mark.parametrize("slug", SLUGS)
def test_with_the_stubs_no_cell_calls_a_function_before_its_exercise(slug, run_all_with_the_stubs):
    """A cell may meet an unwritten function only at or after that function's exercise.

    Otherwise Run All halts there, before the exercise that asks for it. The errors
    allowed: the one-line "not yet implemented" of a function already asked for, and,
    once a cell has stopped so, a NameError for a name that cell never got to define.
    """
    nb = run_all_with_the_stubs(slug)
    lesson = next(lesson for lesson in LESSONS if lesson.slug == slug)
    exercise_at = {name: i - 1 for i, _, name in check_cells(nb)}  # the prose, then the check
    assert sorted(exercise_at) == sorted(lesson.functions)
    asked, stopped = set(), False
    for index, cell in enumerate(nb.cells):
        asked |= {name for name, at in exercise_at.items() if at <= index}
        if cell.cell_type != "code":
            continue
        named = NOT_YET.findall(printed_and_raised(cell))
        early = [name for name in named if name not in asked]
        assert not early, f"cell {index} calls {early} before its exercise:\n{cell.source}"
        for out in (o for o in cell.outputs if o.output_type == "error"):
            knock_on = stopped and out.ename == "NameError"
            assert named or knock_on, f"cell {index}: {out.ename}: {out.evalue}\n{cell.source}"
            stopped = True
