"""``course release --course-dir DIR``: lay out a complete nbgrader course outside the repository.

Each lesson becomes an nbgrader assignment ``lesson-0N``: its solution notebook, and a
``helpers/`` package in which this lesson's functions are stubs, earlier lessons' are
filled in so that a lesson is graded on its own functions only (or stubs, with
``--earlier stubs``), and later lessons' are stubs. nbgrader copies ``.py`` files byte
for byte (jupyter/nbgrader#1237), so ``source/`` holds the helpers exactly as students
get them, stripped with the same nbgrader logic that ``course build`` uses: whoever
runs nbgrader's own "Generate" on the course publishes no solution. The release is
then checked for leaks. The course is the instructor's alone; the exchange, outside
it, is the students' way in (:mod:`autograder.authoring.course`).
"""

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograder.authoring import EARLIER, course, markers
from autograder.authoring.build import helper_stub
from autograder.checks.catalogue import compiled_json
from autograder.errors import CourseError
from autograder.lessons import LESSONS, ROOT
from autograder.sandbox import kernel

FILLED = """\
# helpers/{name}: lesson {number}, filled in with the reference so that lesson {lesson}
# is graded on its own functions only.
"""


@functools.cache  # staging a class asks for the same package once per student
def helpers_for(lesson, earlier=EARLIER[0]):
    """{file name: text} of the helpers package of `lesson` as students get it.

    Its own module is a stub; earlier lessons' modules are the reference, or with
    ``earlier="stubs"`` stubs like the later lessons'. Shared between callers: read it,
    do not change it.
    """
    modules = {other.module: other.number for other in LESSONS}
    files = {}
    for path in sorted((ROOT / "solutions" / "helpers").glob("*.py")):
        number = modules.get(path.stem)
        if number is not None and number < lesson.number and earlier == "reference":
            files[path.name] = FILLED.format(name=path.name, number=number, lesson=lesson.number)
            files[path.name] += markers.without_markers(path.read_text())
        else:  # given modules, this lesson's, later lessons' and stubbed earlier ones
            files[path.name] = helper_stub(path)
    files["cases.json"] = compiled_json()  # the public cases the lesson's cells judge
    return files


def write_files(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)


def nbgrader(course_dir, *args):
    """Run nbgrader in the course directory, with this environment's alembic on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    run = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course_dir,
        env=env,
        capture_output=True,
        text=True,
    )
    if run.returncode:
        raise CourseError(f"nbgrader {' '.join(args)} failed:\n{run.stdout}{run.stderr}")
    return run


def leaks(folder, lesson, earlier=EARLIER[0]):
    """Where solution markers, or solution code that must not be there, survive in `folder`.

    Earlier lessons' modules are filled in on purpose, unless `earlier` is "stubs", and
    are then not searched for code.
    """
    first = 1 if earlier == "stubs" else lesson.number
    filled = {f"{other.module}.py" for other in LESSONS if other.number < first}
    telling = markers.solution_lines(
        ROOT / "solutions" / "helpers" / f"{other.module}.py"
        for other in LESSONS
        if other.number >= first
    )
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".py", ".ipynb"):
            text = path.read_text()
            found += [f"{path}: {marker}" for marker in markers.ALL if marker in text]
            if path.suffix == ".py" and path.name not in filled:
                found += [
                    f"{path}: {ln.strip()}" for ln in text.splitlines() if ln.strip() in telling
                ]
    return found


def outside_repository(folder):
    folder = Path(folder).resolve()
    if folder == ROOT or ROOT in folder.parents:
        raise CourseError(f"{folder} must be outside the repository")
    return folder


def write_course(course_dir, db_url=None, earlier=EARLIER[0], exchange=None, course_id=None):
    """The instructor's side of the course: nbgrader_config.py and source/<assignment>/.

    With `db_url`, the config points the formgrader at that gradebook instead of the
    course directory's own gradebook.db; with `exchange`, nbgrader's exchange is there.
    """
    course_dir.mkdir(parents=True, exist_ok=True)
    kernel.install()
    config = Path(__file__).with_name("nbgrader_config.py").read_text()
    config += "\n# The course's id, as students name it to nbgrader's exchange.\n"
    config += f"c.CourseDirectory.course_id = {course_id or course.COURSE_ID!r}\n"
    if exchange:
        config += "# Where students fetch and submit (`course release --exchange`).\n"
        config += f"c.Exchange.root = {str(exchange)!r}\n"
    if db_url:
        config += "# The gradebook `course grade` writes.\n"
        config += f"c.CourseDirectory.db_url = {db_url!r}\n"
    (course_dir / "nbgrader_config.py").write_text(config)
    for lesson in LESSONS:
        source = course_dir / "source" / lesson.assignment
        if source.exists():
            shutil.rmtree(source)
        write_files(source / "helpers", helpers_for(lesson, earlier))
        shutil.copy(ROOT / "solutions" / lesson.notebook, source)


def release(course_dir, earlier=EARLIER[0], exchange=None, course_id=None, say=print):
    """Write nbgrader_config.py and source/, run generate_assignment, check release/.

    `earlier` says what each release holds of the lessons before it: "reference" (their
    solutions, so that a lesson runs on its own; release lesson N only after lesson
    N-1's deadline) or "stubs" (students copy in their own earlier work). The course
    directory is made the instructor's alone, and the `exchange` root, outside it, is
    created open to students if need be; the config names it and `course_id`. Both have
    nbgrader's defaults (:data:`course.EXCHANGE`) and this course's (:data:`course.COURSE_ID`).
    """
    if earlier not in EARLIER:
        raise CourseError(f"--earlier must be one of {', '.join(EARLIER)}, not {earlier!r}")
    course_dir = outside_repository(course_dir)
    exchange = course.ensure_exchange(exchange or course.EXCHANGE, course_dir)
    course_id = course_id or course.COURSE_ID
    course.private(course_dir)
    write_course(course_dir, earlier=earlier, exchange=exchange, course_id=course_id)
    for lesson in LESSONS:
        name = lesson.assignment
        nbgrader(course_dir, "generate_assignment", name, "--force")
        released = course_dir / "release" / name
        problems = leaks(released, lesson, earlier)
        if problems:
            raise CourseError("solution code survived in the release:\n" + "\n".join(problems))
        say(f"released {name}: {lesson.title} -> {released} (earlier lessons: {earlier})")
    where = "" if str(exchange) == course.EXCHANGE else f" --Exchange.root={exchange}"
    say(f"Release a lesson, in {course_dir}:  nbgrader release_assignment lesson-01")
    say(f"Students fetch it:  nbgrader fetch_assignment lesson-01 --course {course_id}{where}")
    return 0
