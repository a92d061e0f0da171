"""`course build`: stubs from solutions/, drift detection, and never losing a learner's work."""

import importlib
import shutil

import nbformat
import numpy as np
import pytest
from nbgrader import utils as nbgrader_utils

from autograder.authoring import build
from autograder.authoring.markers import solution_lines
from autograder.checks.catalogue import CATALOGUE
from autograder.lessons import ROOT


@pytest.fixture
def course(tmp_path):
    """A throwaway copy of the course's sources and generated files."""
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    shutil.copytree(ROOT / "helpers", tmp_path / "helpers")
    if (ROOT / "lessons").exists():
        shutil.copytree(ROOT / "lessons", tmp_path / "lessons")
    return tmp_path


def test_generated_files_match_solutions():
    drift = []
    assert build.check(ROOT, say=drift.append) == 0, "\n".join(drift)


@pytest.mark.parametrize(
    ("dtype", "ulps", "same"),
    [
        # A CPU's SIMD log1p may round a float32 result one float32 ulp apart: no drift.
        ("float32", 1, True),
        ("float32", 100, False),
        ("float64", 1, True),
        # One float32 ulp on a float64 array is 2**29 of its own: a real change.
        ("float64", 2**29, False),
    ],
)
def test_compiled_values_may_differ_in_the_last_bits_of_their_own_dtype(dtype, ulps, same):
    value = np.array(1.3132616875182228, dtype)  # logsumexp([0, 1])
    moved = value * (1 + ulps * np.finfo(dtype).eps)  # `ulps` ulps up, for 1 <= value < 2
    on_disk = {"array": dtype, "shape": [1], "values": [float(value)]}
    built = {**on_disk, "values": [float(moved)]}
    assert build.close_data(on_disk, built) is same


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_stub_raises_not_implemented(name):
    helpers = importlib.import_module("helpers")
    case = CATALOGUE[name].cases[0]
    with pytest.raises(NotImplementedError):
        getattr(helpers, name)(*case.args, **case.kwargs)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_stub_names_its_function_and_file(name):
    helpers = importlib.import_module("helpers")
    function = getattr(helpers, name)
    case = CATALOGUE[name].cases[0]
    with pytest.raises(NotImplementedError) as raised:
        function(*case.args, **case.kwargs)
    filename = function.__module__.rsplit(".", 1)[-1] + ".py"
    assert str(raised.value) == f"write {name} in helpers/{filename}"


@pytest.mark.parametrize(
    "source", sorted((ROOT / "solutions" / "helpers").glob("*.py")), ids=lambda p: p.name
)
def test_stubs_hold_no_solution_code(source):
    stub = (ROOT / "helpers" / source.name).read_text()
    assert "BEGIN SOLUTION" not in stub and "END SOLUTION" not in stub
    leaked = solution_lines([source]) & {line.strip() for line in stub.splitlines()}
    assert not leaked, f"solution lines survive in helpers/{source.name}: {leaked}"


def test_stubs_open_with_a_header_naming_their_source():
    for stub in (ROOT / "helpers").glob("*.py"):
        first, second = stub.read_text().splitlines()[:2]
        assert first.startswith(f"# helpers/{stub.name}:")
        assert (
            f"from solutions/helpers/{stub.name}" in second and "course check" in stub.read_text()
        )


def test_build_refuses_to_overwrite_learner_work_without_force(course):
    target = course / "helpers" / "logits.py"
    stub = '    raise NotImplementedError("write linear_logits in helpers/logits.py")'
    learner = target.read_text().replace(stub, "    return 42", 1)
    assert learner != target.read_text()
    target.write_text(learner)
    messages = []
    assert build.build(course, say=messages.append) == 1
    assert target.read_text() == learner, "the learner's file was touched"
    assert any("helpers/logits.py" in m for m in messages)

    assert build.build(course, force=True, say=messages.append) == 0
    assert target.read_text() == (ROOT / "helpers" / "logits.py").read_text()
    backups = list((course / ".course-backup").rglob("logits.py"))
    assert [b.read_text() for b in backups] == [learner], "the learner's version was not kept"


def test_changed_solutions_are_reported_then_regenerated(course):
    source = course / "solutions" / "helpers" / "logits.py"
    source.write_text(source.read_text().replace("Raw class scores", "Raw scores"))
    diff = []
    assert build.check(course, say=diff.append) == 1
    assert "helpers/logits.py" in diff[0] and '+    r"""Raw scores' in diff[0]
    # the old stub is pristine, so a plain build may replace it
    assert build.build(course, say=lambda m: None) == 0
    assert build.check(course, say=diff.append) == 0


def test_a_file_without_a_source_is_drift(course):
    (course / "helpers" / "leftover.py").write_text("x = 1\n")
    messages = []
    assert build.check(course, say=messages.append) == 1
    assert "helpers/leftover.py" in messages[0]


def _solution_notebook():
    def meta(**grade):
        return {
            "nbgrader": {
                "schema_version": 3,
                "locked": False,
                "points": 0,
                "solution": False,
                "grade": False,
                "task": False,
                **grade,
            }
        }

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A lesson", metadata=meta(locked=True, grade_id="intro")),
        nbformat.v4.new_code_cell(
            "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
            metadata=meta(solution=True, grade_id="double"),
            outputs=[nbformat.v4.new_output("stream", text="secret output")],
        ),
        nbformat.v4.new_code_cell(
            "assert double(1) == 2\n### BEGIN HIDDEN TESTS\nassert double(5) == 10\n"
            "### END HIDDEN TESTS",
            metadata=meta(grade=True, locked=True, points=1, grade_id="double_test"),
        ),
    ]
    return nb


def test_learner_notebooks_lose_solutions_hidden_tests_and_outputs(course):
    nbformat.write(_solution_notebook(), course / "solutions" / "99-demo.ipynb")
    assert build.build(course, say=lambda m: None) == 0
    text = (course / "lessons" / "99-demo.ipynb").read_text()
    for secret in ("return 2 * x", "double(5)", "HIDDEN TESTS", "SOLUTION", "secret output"):
        assert secret not in text
    assert "raise NotImplementedError()" in text and "assert double(1) == 2" in text
    assert build.check(course, say=lambda m: None) == 0


def test_locked_cells_cannot_be_edited_or_deleted_in_jupyterlab(course):
    nbformat.write(_solution_notebook(), course / "solutions" / "99-demo.ipynb")
    build.build(course, say=lambda m: None)
    intro, answer, test = nbformat.read(course / "lessons" / "99-demo.ipynb", as_version=4).cells
    for locked in (intro, test):  # a locked cell, and a grade cell (locked by nbgrader)
        assert locked.metadata["editable"] is False and locked.metadata["deletable"] is False
    assert answer.metadata["deletable"] is False, "the graded answer must stay"
    assert answer.metadata.get("editable", True), "the learner writes the answer"


@pytest.mark.parametrize("path", sorted((ROOT / "lessons").glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_lesson_locks_what_nbgrader_locks(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if nbgrader_utils.is_locked(cell):
            assert cell.metadata.get("editable") is False, cell.metadata["nbgrader"]["grade_id"]
            assert cell.metadata.get("deletable") is False, cell.metadata["nbgrader"]["grade_id"]


def test_running_a_lesson_is_not_work_but_answering_it_is(course):
    nbformat.write(_solution_notebook(), course / "solutions" / "99-demo.ipynb")
    build.build(course, say=lambda m: None)
    path = course / "lessons" / "99-demo.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].execution_count = 3
    nbformat.write(nb, path)
    assert build.is_pristine(path), "outputs and execution counts are not the learner's work"
    nb.cells[1].source = "def double(x):\n    return x + x"
    nbformat.write(nb, path)
    assert not build.is_pristine(path)
    assert build.build(course, say=lambda m: None) == 1
    assert "return x + x" in path.read_text()
