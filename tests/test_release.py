"""`course release`: a complete nbgrader course, whose release holds no solution."""

import shutil
import stat
import subprocess
import sys

import pytest
from nbgrader.api import Gradebook
from traitlets.config.loader import PyFileConfigLoader

from autograder.authoring import release
from autograder.errors import CourseError
from autograder.lessons import LESSONS, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    return tmp_path_factory.mktemp("exchange")


@pytest.fixture(scope="module")
def course(tmp_path_factory, exchange):
    course_dir = tmp_path_factory.mktemp("course")
    assert release.release(course_dir, exchange=exchange, say=lambda message: None) == 0
    return course_dir


def assignment(lesson):
    return lesson.assignment


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_each_lesson_is_an_assignment_with_its_notebook_and_helpers(course, lesson):
    for stage in ("source", "release"):
        folder = course / stage / assignment(lesson)
        assert (folder / lesson.notebook).exists()
        assert (folder / "helpers" / "__init__.py").exists()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_the_release_holds_no_solution_code_and_no_hidden_test(course, lesson):
    released = course / "release" / assignment(lesson)
    text = (released / lesson.notebook).read_text()
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
    assert release.release(course, "stubs", tmp_path / "exchange", say=lambda message: None) == 0
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
    with pytest.raises(CourseError, match="--earlier must be one of reference, stubs"):
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
    with pytest.raises(CourseError, match="outside the repository"):
        release.release(ROOT / "course")


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_the_course_is_the_instructors_alone_and_the_exchange_everyones(course, exchange):
    assert mode(course) == 0o700
    # nbgrader's exchange root: anyone adds to it, no one removes another's course (sticky)
    assert mode(exchange) == 0o1777
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    assert config.CourseDirectory.course_id == "logits-to-loss"
    assert config.Exchange.root == str(exchange)


def test_the_exchange_cannot_be_inside_the_course(tmp_path):
    with pytest.raises(CourseError, match="must be outside"):
        release.release(tmp_path, exchange=tmp_path / "exchange")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_source_holds_the_students_helpers_so_nbgraders_generate_publishes_none(course, lesson):
    source = course / "source" / assignment(lesson) / "helpers"
    assert release.leaks(source, lesson) == []
    for name in ("judge.py", "cases.json", f"{lesson.module}.py"):
        assert (source / name).read_text() == (
            course / "release" / source.relative_to(course / "source") / name
        ).read_text()


def test_a_bare_autograde_refuses_and_names_course_grade(course):
    lesson = LESSONS[0]
    submitted = course / "submitted" / "ada" / assignment(lesson)
    shutil.copytree(course / "release" / assignment(lesson), submitted)
    try:
        run = subprocess.run(
            [sys.executable, "-m", "nbgrader", "autograde", assignment(lesson)],
            cwd=course,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode != 0
        assert f"course grade --course-dir {course}" in run.stdout + run.stderr
        assert not (course / "autograded").exists()
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
            assert gradebook.students == []
    finally:
        shutil.rmtree(course / "submitted")
