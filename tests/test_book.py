"""`course book`: the notebooks as the book shows them, the build, and the site in Chromium.

The book is built once per session, from a cold start, into a temporary folder. The
browser tests drive the system's Chromium headless through Playwright (never a
downloaded browser), with the site served on localhost, and fail on any request that
leaves it. A full-page screenshot of lesson 2 is saved to COURSE_TEST_ARTIFACTS
(default: tests/artifacts/).
"""

import os
import pathlib
import re
import subprocess
import sys
import typing

import nbformat
import pytest
from chromium import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, local_server, needs_chromium
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from autograder.authoring import book
from autograder.cli import main
from autograder.lessons import LESSONS, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SLUGS = [lesson.slug for lesson in LESSONS]
PAGES = ["index", *SLUGS, "api", "genindex", "py-modindex", "search"]

# --- the notebooks as the book shows them ----------------------------------------------


def nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("lesson", LESSONS, ids=SLUGS)
def test_each_graded_test_gives_way_to_its_folded_solution(lesson):
    source = nbformat.read(ROOT / "solutions" / lesson.notebook, as_version=4)
    shown = book.book_notebook(ROOT / "solutions" / lesson.notebook)
    assert len(shown.cells) == len(source.cells)
    for before, after in zip(source.cells, shown.cells, strict=True):
        if before.cell_type == "code" and nbgrader(before).get("grade"):
            name = nbgrader(before)["grade_id"]
            assert after.cell_type == "markdown" and after.id == before.id
            assert after.source.startswith(f":::{{dropdown}} Show solution: `{name}`")
            assert f"def {name}(" in after.source
        elif nbgrader(before).get("solution"):
            assert after.source.startswith(":::{dropdown} Show the model answer")
            assert before.source in after.source
        else:
            assert after == before


@pytest.mark.parametrize("lesson", LESSONS, ids=SLUGS)
def test_the_book_holds_no_grader_plumbing(lesson):
    text = nbformat.writes(book.book_notebook(ROOT / "solutions" / lesson.notebook))
    for secret in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "autograder"):
        assert secret not in text


def test_solution_code_is_the_reference_without_docstring_or_markers():
    code = book.solution_code("softmax")
    assert code.startswith("def softmax(z, axis=-1):\n")
    assert '"""' not in code and "SOLUTION" not in code
    assert code.rstrip().endswith("return e / e.sum(axis=axis, keepdims=True)")
    compile(code, "softmax", "exec")


def test_api_reference_documents_every_function_in_course_order():
    names = re.findall(r"^\.\. autofunction:: (\w+)$", book.api_reference(), flags=re.M)
    assert names == [name for lesson in LESSONS for name in lesson.functions] + ["compare"]


# --- where the book may be written ---------------------------------------------------------


def test_out_that_is_a_file_is_refused_and_kept(tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    assert main(["book", "--out", str(target)]) == 1
    assert re.match(r"^course book: .*is a file", capsys.readouterr().err)
    assert target.read_text() == "mine"


def test_out_that_holds_other_files_is_refused_and_kept(tmp_path, capsys):
    (tmp_path / "thesis.tex").write_text("mine")
    assert main(["book", "--out", str(tmp_path)]) == 1
    assert "not empty and holds no earlier book" in capsys.readouterr().err
    assert (tmp_path / "thesis.tex").read_text() == "mine"


def test_an_earlier_book_is_cleared_but_its_execution_cache_kept(tmp_path):
    (tmp_path / book.WORK / "cache" / "abc").mkdir(parents=True)
    (tmp_path / "_static").mkdir()
    (tmp_path / "old-page.html").write_text("stale")
    book.prepare(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [book.WORK]
    assert (tmp_path / book.WORK / "cache" / "abc").is_dir()


# --- the build ---------------------------------------------------------------------------


class Built(typing.NamedTuple):
    out: pathlib.Path
    stdout: str


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The book, built once from a cold start by the `course book` command."""
    out = tmp_path_factory.mktemp("book") / "site"
    run = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "book", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return Built(out, run.stdout)


def test_book_says_how_to_open_it(site):
    # How long the build takes is measured in benchmarks/bench_book.py, not here.
    assert str(site.out / "index.html") in site.stdout and "http.server" in site.stdout


def test_book_has_every_page_and_its_own_mathjax(site):
    assert sorted(p.stem for p in site.out.glob("*.html")) == sorted(PAGES)
    assert (site.out / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert len(list((site.out / "_images").glob("*.png"))) >= 15  # the lessons' figures


def test_lessons_ran_with_the_reference_helpers(site):
    """The worked numbers are printed by cells that call helpers: the stubs would raise."""
    lesson_2 = (site.out / "02-sigmoid-vs-softmax.html").read_text()
    assert "0.42555748" in lesson_2 and "NotImplementedError" not in lesson_2


# --- the site in a real browser ------------------------------------------------------------


@pytest.fixture(scope="module")  # closed before the other test modules run
def base_url(site):
    with local_server(site.out) as url:
        yield url


@pytest.fixture(scope="module")  # closed before the other test modules run
def browser():
    if CHROMIUM is None:
        pytest.skip("no Chromium executable on PATH (.ci/run installs Debian's chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A page opened in a fresh context, with every request and console error recorded."""

    def __init__(self, browser, url, local):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.requests, self.problems = [], []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.on("requestfailed", self.check_failure)
        self.context.on("response", self.check_response)
        self.page = self.context.new_page()
        self.page.on("console", self.check_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.local = local
        self.open(url)

    def check_failure(self, request):
        # Leaving a page cancels what it still loads (its icon, say): not a failure.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed ({request.failure}): {request.url}")

    def check_response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def check_console(self, message):
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def open(self, url):
        self.page.goto(url, wait_until="load")
        if self.page.evaluate("() => !!document.querySelector('.math')"):
            try:
                self.page.wait_for_function("() => window.MathJax?.startup?.promise", timeout=15000)
            except PlaywrightTimeout:
                raise AssertionError(f"MathJax never started on {url}: {self.outside()}") from None
            self.page.evaluate("() => MathJax.startup.promise")

    def outside(self):
        """Requests for anything but the site itself (or data: URLs, which never leave)."""
        return [url for url in self.requests if not url.startswith((self.local, "data:"))]

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, base_url):
    visits = []

    def open_page(page, local=base_url):
        """`page` is a page's name, or a whole URL whose site starts with `local`."""
        url = page if "://" in page else f"{base_url}{page}.html"
        visits.append(Visit(browser, url, local))
        return visits[-1]

    yield open_page
    for opened in visits:
        opened.close()


UNTYPESET = """() => {
    const math = [...document.querySelectorAll('.math')];
    const clone = document.body.cloneNode(true);
    clone.querySelectorAll('pre, code, script, style, mjx-container').forEach(e => e.remove());
    return {
        math: math.length,
        typeset: document.querySelectorAll('mjx-container').length,
        raw: math.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent),
        errors: [...document.querySelectorAll('mjx-merror')].map(e => e.textContent),
        text: clone.textContent,
    };
}"""
BROKEN_IMAGES = "() => [...document.images].filter(i => i.naturalWidth === 0).map(i => i.src)"


@needs_chromium
@pytest.mark.parametrize("name", PAGES)
def test_page_renders_offline_with_typeset_math_and_loaded_images(visit, name):
    page = visit(name)
    assert not page.problems
    assert not page.outside(), "requests left the local site"
    math = page.page.evaluate(UNTYPESET)
    if name in (*SLUGS, "index", "api"):
        assert math["math"] and math["typeset"] >= math["math"]
    assert not math["raw"] and not math["errors"]
    leftovers = re.findall(r"\$[^$\n]+\$|\\\(|\\\[", math["text"])
    assert not leftovers, f"TeX shown as text: {leftovers[:5]}"
    assert not page.page.evaluate(BROKEN_IMAGES)


@needs_chromium
def test_lessons_come_in_course_order(visit):
    page = visit("index")
    toc = page.page.locator(".bd-sidebar-primary nav a.reference").all_inner_texts()
    lessons = [text for text in toc if text.startswith("Lesson")]
    assert len(lessons) == len(LESSONS)
    for text, lesson in zip(lessons, LESSONS, strict=True):
        assert text.startswith(f"Lesson {lesson.number} — {lesson.title}")
    for lesson in LESSONS:  # and "next" walks through them in the same order
        page.page.locator("a.right-next").click()
        page.page.wait_for_load_state("load")
        heading = page.page.locator("h1").first.inner_text()
        assert heading.startswith(f"Lesson {lesson.number} — {lesson.title}")
    page.page.locator("a.right-next").click()
    assert page.page.locator("h1").first.inner_text().startswith("API reference")
    assert not page.problems and not page.outside()


@needs_chromium
def test_show_solution_toggles_the_reference_code(visit):
    page = visit("02-sigmoid-vs-softmax").page
    toggles = page.locator("details.solution")
    assert toggles.count() == len(LESSONS[1].functions) + 1  # and the model answer
    first = toggles.first
    code = first.locator("pre")
    assert first.locator("summary").inner_text().strip() == "Show solution: sigmoid"
    assert not code.is_visible()
    first.locator("summary").click()
    assert code.is_visible() and "def sigmoid(z):" in code.inner_text()
    first.locator("summary").click()
    assert not code.is_visible()


@needs_chromium
def test_search_finds_a_function(visit, base_url):
    page = visit(f"{base_url}search.html?q=logsumexp")
    results = page.page.locator("#search-results li a")
    results.first.wait_for()
    assert any("api.html" in link.get_attribute("href") for link in results.all())
    assert not page.problems and not page.outside()


@needs_chromium
def test_a_lesson_opened_as_a_file_renders_without_a_server(visit, site):
    page = visit((site.out / "02-sigmoid-vs-softmax.html").as_uri(), local=site.out.as_uri())
    math = page.page.evaluate(UNTYPESET)
    assert math["typeset"] >= math["math"] > 0 and not math["raw"]
    assert not page.page.evaluate(BROKEN_IMAGES)
    assert not page.problems and not page.outside()


@needs_chromium
def test_screenshot_of_lesson_2(visit):
    page = visit("02-sigmoid-vs-softmax").page
    page.locator("details.solution summary").first.click()  # one solution unfolded
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, "lesson-2.png")
    page.screenshot(path=path, full_page=True)
    assert os.path.getsize(path) > 100_000
