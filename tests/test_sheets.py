"""`course sheets`: the written answers to grade by hand, each beside the model answer.

A class of three is graded by real `course grade` on lesson 1: ada answers the written
question (with maths), mallory answers it with markup meant to run in the instructor's
browser, and ben leaves it as released. The sheet is read as text, then opened in
Chromium with the network cut.
"""

import html
import re

import nbformat
import pytest
from chromium import needs_chromium, offline_page

from autograder import cli
from autograder.grading import batch, pages, sheets
from autograder.grading.demo import reference_helpers, working_copy
from autograder.lessons import LESSONS, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

LESSON = LESSONS[0]
ASSIGNMENT = "lesson-01"
GRADE_ID = "logit-is-not-a-probability"
POINTS = 2
ADA = r"A logit is a log-odds, $z = \log\frac{p}{1-p}$, so it can be any real number."
PWNED = "document.title='pwned'"
MALLORY = (
    f"Nothing to see.<script>{PWNED}</script>\n\n"
    f'<img src="x" onerror="{PWNED}"> <svg onload="{PWNED}"><circle r="5"/></svg>\n\n'
    f'[a link](javascript:{PWNED}) <iframe src="/api/contents"></iframe>'
)
LOADING = 120_000  # ms: two shared cores take a while over a 2 MB page


def with_answer(folder, text):
    """`folder`'s lesson 1 notebook with `text` as its written answer."""
    path = folder / "lessons" / f"{LESSON.slug}.ipynb"
    nb = nbformat.read(path, as_version=4)
    [cell] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == GRADE_ID]
    cell.source = text
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    """The lesson 1 sheet of the graded class, as text."""
    root = tmp_path_factory.mktemp("sheets")
    submissions, out = root / "class", root / "results"
    for student in ("ada", "ben", "mallory"):
        working_copy(submissions / student, reference_helpers(), skip={2, 3, 4, 5})
    with_answer(submissions / "ada", ADA)
    with_answer(submissions / "mallory", MALLORY)
    assert batch.grade(submissions, out, lessons=[1], say=lambda *args: None) == 0
    assert cli.main(["sheets", str(out), "--to", str(root / "sheets")]) == 0
    assert [p.name for p in (root / "sheets").iterdir()] == [f"{ASSIGNMENT}.html"]
    return root / "sheets" / f"{ASSIGNMENT}.html"


def students(text):
    """{student: the HTML of their part of the sheet}."""
    parts = re.split(r'<article class="student" data-student="([^"]+)">', text)[1:]
    return {
        student: part.split("</article>")[0]
        for student, part in zip(parts[::2], parts[1::2], strict=True)
    }


def model_answer():
    nb = nbformat.read(ROOT / "solutions" / f"{LESSON.slug}.ipynb", as_version=4)
    [cell] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == GRADE_ID]
    return cell.source


def test_every_student_s_answer_is_beside_the_model_answer(sheet):
    parts = students(sheet.read_text())
    assert sorted(parts) == ["ada", "ben", "mallory"]
    opening = html.escape(model_answer().split("\n")[0], quote=False)
    for student, part in parts.items():
        mine, model = part.split('<div class="model-answer">')
        assert opening in model, student
        assert opening not in mine, student
        assert f"grade id {GRADE_ID}: ____ / {POINTS} points" in part


def test_the_question_and_its_points_head_the_answers(sheet):
    text = sheet.read_text()
    assert f"Question <code>{GRADE_ID}</code> ({POINTS} points)" in text
    assert "Why can't a logit be read as a probability?" in html.unescape(text)


def test_an_answer_is_shown_with_its_maths_for_mathjax(sheet):
    ada = students(sheet.read_text())["ada"]
    assert r"$z = \log\frac{p}{1-p}$" in ada
    assert "no-answer" not in ada


def test_a_student_with_no_answer_is_shown_as_such(sheet):
    ben = students(sheet.read_text())["ben"].split('<div class="model-answer">')[0]
    assert '<p class="no-answer">No answer.</p>' in ben
    assert "YOUR ANSWER HERE" not in ben


def test_nothing_of_a_student_s_markup_can_run(sheet):
    text = sheet.read_text()
    mallory = students(text)["mallory"]
    assert "Nothing to see." in mallory
    for live in ("<script", "onerror", "onload", "<svg", "<iframe", "javascript:", "/api/"):
        assert live not in mallory.lower(), live
    # The page's own scripts are the MathJax configuration and MathJax, allowed by hash.
    assert len(re.findall(r"<script\b", text)) == 2
    assert pages.offline_mathjax()[:2000] in text
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text)[1]
    assert "default-src 'none'" in policy and "unsafe-inline'" not in policy.split("style-src")[0]


def notebook_with(cell):
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell]
    return nb


@pytest.fixture(scope="module")
def question():
    [found] = sheets.questions(LESSON)
    return found


def test_the_lesson_s_question_comes_from_the_course_s_notebooks(question):
    assert (question.grade_id, question.points) == (GRADE_ID, POINTS)
    assert "Why can" in question.question_html and "probability" in question.question_html
    assert question.released == "YOUR ANSWER HERE"


@pytest.mark.parametrize(
    ("nb", "missing"),
    [
        (None, "the notebook could not be read"),
        (
            notebook_with(nbformat.v4.new_markdown_cell("no grade id")),
            "the answer cell was deleted",
        ),
    ],
    ids=["unreadable", "deleted"],
)
def test_an_answer_that_is_not_there_says_why(question, nb, missing):
    assert sheets.answer("zoe", nb, question) == sheets.Answer("zoe", "", missing)


def test_an_answer_turned_into_code_is_shown_as_escaped_text(question):
    cell = nbformat.v4.new_code_cell(f"<script>{PWNED}</script>")
    cell.metadata.nbgrader = {"grade_id": GRADE_ID}
    shown = sheets.answer("zoe", notebook_with(cell), question)
    assert shown.html == f"<pre>&lt;script&gt;{html.escape(PWNED)}&lt;/script&gt;</pre>"


@needs_chromium
@pytest.mark.browser
def test_in_chromium_offline_the_maths_is_typeset_and_no_student_script_runs(sheet):
    with offline_page(sheet.as_uri(), LOADING) as (tab, _, refused, errors):
        tab.wait_for_function(
            "() => document.querySelectorAll('mjx-container svg').length > 3", timeout=LOADING
        )
        for link in tab.query_selector_all("a"):  # a javascript: link would run if followed
            link.click()
        title = tab.title()
        shown = tab.inner_text("article[data-student=ada]")
    assert title == f"{ASSIGNMENT}: written answers to grade", "no script of mallory's ran"
    assert r"\frac{p}{1-p}" not in shown, "ada's maths is MathJax's output"
    assert refused == [], "the page loads nothing"
    assert [e for e in errors if "Content Security Policy" in e] == []
