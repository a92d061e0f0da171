"""`course release`: a complete nbgrader course, whose release holds no solution."""

import subprocess
import sys

import pytest
from nbgrader.api import Gradebook
from traitlets.config.loader import PyFileConfigLoader

from autograder import release
from autograder.lessons import LESSONS, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course_dir = tmp_path_factory.mktemp("course")
    exchange = tmp_path_factory.mktemp("exchange")
    assert release.release(course_dir, exchange=exchange, out=lambda message: None) == 0
    return course_dir


def assignment(lesson):
    return release.ASSIGNMENT.format(lesson.number)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_each_lesson_is_an_assignment_with_its_notebook_and_helpers(course, lesson):
    for stage in ("source", "release"):
        folder = course / stage / assignment(lesson)
        assert (folder / f"{lesson.slug}.ipynb").exists()
        assert (folder / "helpers" / "__init__.py").exists()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_the_release_holds_no_solution_code_and_no_hidden_test(course, lesson):
    released = course / "release" / assignment(lesson)
    text = (released / f"{lesson.slug}.ipynb").read_text()
    for secret in ("BEGIN SOLUTION", "HIDDEN TESTS", "autograder.notebook"):
        assert secret not in text
    own = (released / "helpers" / f"{lesson.module}.py").read_text()
    assert own == (ROOT / "helpers" / f"{lesson.module}.py").read_text(), "not the stub"
    assert release.leaks(released, lesson) == []


@pytest.mark.parametrize("lesson", LESSONS[1:4], ids=lambda lesson: lesson.slug)
def test_earlier_lessons_are_filled_in_and_the_rest_are_stubs(course, lesson):
    run = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "check"],
        cwd=course / "release" / assignment(lesson),
        capture_output=True,
        text=True,
        timeout=120,
    )
    earlier = sum(len(other.functions) for other in LESSONS if other.number < lesson.number)
    rest = sum(len(other.functions) for other in LESSONS) - earlier
    assert f"{earlier} passed, {rest} not yet implemented" in run.stdout, run.stdout


def test_earlier_stubs_release_no_solution_of_any_lesson(tmp_path):
    course = tmp_path / "course"
    assert release.release(course, "stubs", tmp_path / "exchange", out=lambda message: None) == 0
    last = LESSONS[-1]
    released = course / "release" / assignment(last)
    for lesson in LESSONS:
        module = f"{lesson.module}.py"
        stub = (ROOT / "helpers" / module).read_text()
        assert (released / "helpers" / module).read_text() == stub
    assert release.leaks(released, last, earlier="stubs") == []


def test_the_leak_check_knows_what_earlier_stubs_forbid(course):
    # The default release fills lesson 4's helpers with lessons 1-3's reference: allowed
    # there, a leak if the instructor asked for stubs.
    lesson = LESSONS[3]
    released = course / "release" / assignment(lesson)
    assert release.leaks(released, lesson) == []
    found = release.leaks(released, lesson, earlier="stubs")
    assert {line.split(":")[0].rsplit("/", 1)[-1] for line in found} == {
        "logits.py",
        "sigmoid_softmax.py",
        "information.py",
    }


def test_earlier_must_be_reference_or_stubs(tmp_path):
    with pytest.raises(ValueError, match="--earlier must be one of reference, stubs"):
        release.release(tmp_path, earlier="mine")


def test_students_helpers_are_never_overwritten_at_autograde(course):
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    kept = config.Autograde.exclude_overwriting
    for lesson in LESSONS:
        files = sorted(
            p.name for p in (course / "source" / assignment(lesson) / "helpers").glob("*.py")
        )
        assert kept[assignment(lesson)] == [f"helpers/{name}" for name in files]


def test_the_gradebook_knows_every_graded_cell(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert sorted(a.name for a in gradebook.assignments) == [assignment(x) for x in LESSONS]
        for lesson in LESSONS:
            notebook = gradebook.find_notebook(lesson.slug, assignment(lesson))
            autograded = {cell.name for cell in notebook.grade_cells if cell.cell_type == "code"}
            assert autograded == set(lesson.functions)


def test_the_course_must_live_outside_the_repository():
    with pytest.raises(ValueError, match="outside the repository"):
        release.release(ROOT / "course")
