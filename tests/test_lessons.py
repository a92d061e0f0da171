"""The five lessons: solution notebooks run clean and validate; learner notebooks hide the answers.

Each notebook runs the way nbgrader runs it: in a folder of its own, next to a
``helpers/`` package: the reference for a solution notebook, the stubs for a learner's.
"""

import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.validator import Validator

from autograder.lessons import LESSONS, ROOT

WORKED_NUMBERS = {  # from ../shared/DESIGN.md, "Worked numbers the course reproduces"
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
            ).execute()
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


def autograded(nb):
    return [
        c
        for c in nb.cells
        if nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")
    ]


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
        first = cell.source.splitlines()[0]
        assert first.startswith("# ") and nbgrader_meta(cell)["grade_id"] in first, first
        assert "### BEGIN HIDDEN TESTS" in cell.source
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
def test_nbgrader_validate_passes_on_the_solution(slug, tmp_path):
    path = lesson_folder(
        tmp_path, ROOT / "solutions" / f"{slug}.ipynb", ROOT / "solutions" / "helpers"
    )
    assert Validator().validate(str(path)) == {}


@pytest.mark.parametrize("slug", SLUGS)
def test_every_test_fails_on_the_blank_lesson(slug, tmp_path):
    """nbgrader validate --invert: with the stubs, no autograded cell may pass."""
    path = lesson_folder(tmp_path, ROOT / "lessons" / f"{slug}.ipynb", ROOT / "helpers")
    assert Validator(invert=True).validate(str(path)) == {}
