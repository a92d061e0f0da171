"""``course sheets OUT --to DIR``: the written answers to grade by hand, beside the model answer.

Each lesson has questions answered in words, graded by hand (a markdown cell that is
both a grade and a solution in nbgrader's metadata). For each such question,
``DIR/lesson-0N.html`` shows the question, then for every student whose lesson was
graded into OUT: their answer beside the model answer (the cell's solution in
``solutions/NN-*.ipynb``), with the cell's grade id and points, to enter the grade in
the formgrader. A student who left the cell as released, emptied it or deleted it is
shown as having no answer.

A student's answer is read from the notebook staged for grading
(``OUT/course/submitted/<student>/lesson-0N/``), as hostile data: a regular file under a
size cap, its markdown rendered by nbconvert's renderer and passed through the nh3
sanitiser of :mod:`autograder.grading.sanitize`, any other cell shown as escaped text. The page
is one file that opens offline and prints: the maths is typeset by the MathJax the
feedback inlines, and its Content-Security-Policy lets only the page's own scripts run
and load nothing.
"""

import html
import warnings
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from nbformat import NotebookNode
from nbformat.warnings import DuplicateCellId

from autograder.errors import CourseError
from autograder.grading.pages import TEMPLATES, offline_mathjax
from autograder.grading.records import MAX_NOTEBOOK
from autograder.grading.sanitize import (
    as_text,
    clean,
    render_markdown,
    safe_attachments,
    with_policy,
)
from autograder.lessons import ROOT, Lesson, chosen
from autograder.sandbox import files

TEMPLATE = "course-sheets/sheet.html.j2"
MATHJAX = "course-feedback/mathjax.html.j2"  # the feedback's offline MathJax


@dataclass(frozen=True)
class Question:
    """One hand-graded written answer of a lesson, as the course's notebooks hold it."""

    grade_id: str
    points: float
    question_html: str  # the markdown cell before the answer, rendered
    model_html: str  # the solution's answer, rendered
    released: str  # the answer cell's text in the students' notebook: no answer yet


@dataclass(frozen=True)
class Answer:
    student: str
    html: str  # sanitised; "" if there is no answer
    missing: str  # why there is no answer, or ""


def is_written_answer(cell: NotebookNode) -> bool:
    """Whether `cell` is a hand-graded written answer: markdown, a grade and a solution."""
    grading = cell.metadata.get("nbgrader", {})
    return bool(cell.cell_type == "markdown" and grading.get("grade") and grading.get("solution"))


def questions(lesson: Lesson) -> list[Question]:
    """The lesson's hand-graded written questions, in notebook order.

    The question is the markdown cell just before the answer, as every lesson writes it.
    """
    solution = nbformat.read(ROOT / "solutions" / lesson.notebook, as_version=4)
    released = nbformat.read(ROOT / "lessons" / lesson.notebook, as_version=4)
    stubs = {grade_id(cell): cell.source for cell in released.cells if is_written_answer(cell)}
    found = []
    for index, cell in enumerate(solution.cells):
        if is_written_answer(cell):
            grading = cell.metadata.nbgrader
            before = solution.cells[index - 1].source if index else ""
            found.append(
                Question(
                    grading["grade_id"],
                    float(grading["points"]),
                    clean(render_markdown(before)),
                    clean(render_markdown(cell.source)),
                    stubs[grading["grade_id"]],
                )
            )
    return found


def grade_id(cell: NotebookNode) -> str | None:
    grading = cell.metadata.get("nbgrader")
    return grading.get("grade_id") if isinstance(grading, dict) else None


def read_notebook(path: Path) -> NotebookNode | None:
    """The notebook at `path`, or None if it is no regular file or no notebook."""
    data = files.read_regular(path, MAX_NOTEBOOK)  # None: gone, a link, a pipe, ...
    if data is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DuplicateCellId)  # repaired, as staging does
            return nbformat.reads(data.decode(), as_version=4)
    except Exception:  # any way a file can fail to be a notebook
        return None


def answer(student: str, nb: NotebookNode | None, question: Question) -> Answer:
    """The student's answer to `question` in their notebook `nb` (None: not readable)."""
    if nb is None:
        return Answer(student, "", "the notebook could not be read")
    cells = [cell for cell in nb.cells if grade_id(cell) == question.grade_id]
    if not cells:
        return Answer(student, "", "the answer cell was deleted")
    cell = cells[0]
    text = as_text(cell.get("source")) or ""
    if text.strip() in ("", question.released.strip()):
        return Answer(student, "", "no answer")
    if cell.cell_type == "markdown":
        attachments = safe_attachments(cell.get("attachments"))
        return Answer(student, clean(render_markdown(text, attachments)), "")
    return Answer(student, f"<pre>{html.escape(text)}</pre>", "")


def staged_notebook(course: Path, student: str, lesson: Lesson) -> Path:
    """Where `course grade` staged the student's notebook of `lesson`."""
    folder = course / "submitted" / student / lesson.assignment
    return folder / lesson.notebook


def students_of(course: Path, lesson: Lesson) -> list[str]:
    """The students whose notebook for `lesson` was staged for grading, sorted."""
    return sorted(
        folder.name
        for folder in (course / "submitted").iterdir()
        if folder.is_dir()
        and not folder.is_symlink()
        and staged_notebook(course, folder.name, lesson).is_file()
    )


def render(lesson: Lesson, rows: list[tuple[Question, list[Answer]]]) -> str:
    """The page of one lesson: [(Question, [Answer])], with its security policy."""
    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True)
    )
    # The script is the package's, inlined as it is (escaping would break it).
    environment.globals["offline_mathjax"] = lambda: Markup(offline_mathjax())
    scripts = environment.get_template(MATHJAX).module.mathjax()  # type: ignore[attr-defined]  # a macro of the template
    page = environment.get_template(TEMPLATE).render(
        lesson=lesson, rows=rows, assignment=lesson.assignment, scripts=scripts
    )
    return with_policy(page, str(scripts))


def write_sheets(out: str | Path, to: str | Path, numbers: Collection[int] = ()) -> list[Path]:
    """Write ``TO/lesson-0N.html`` for every lesson graded into OUT (or `numbers`); the pages."""
    course, to = Path(out) / "course", Path(to)
    if not (course / "submitted").is_dir():
        raise CourseError(f"{course / 'submitted'} does not exist: run `course grade` into {out}")
    to.mkdir(parents=True, exist_ok=True)
    pages = []
    for lesson in chosen(numbers):
        students = students_of(course, lesson)
        if not students:
            continue
        notebooks = {
            student: read_notebook(staged_notebook(course, student, lesson)) for student in students
        }
        rows = [
            (question, [answer(student, notebooks[student], question) for student in students])
            for question in questions(lesson)
        ]
        page = to / f"{lesson.assignment}.html"
        page.write_text(render(lesson, rows), encoding="utf-8")
        pages.append(page)
    return pages


def main(
    out: str | Path,
    to: str | Path,
    numbers: Collection[int] = (),
    say: Callable[[str], object] = print,
) -> int:
    pages = write_sheets(out, to, numbers)
    say(f"grading sheets written in {Path(to).resolve()}: {len(pages)}, one per lesson graded")
    return 0
