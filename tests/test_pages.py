"""What a person opens of a hostile submission, in real Chromium: nothing of it is live.

The canary and the page attacks of tests/adversarial.py (PAGE_CASES: script in markdown
and in the written answer, event handlers, HTML, Javascript and SVG outputs, output
metadata, a display flood) are graded by real `course grade`. Then the real formgrader
of OUT/course is served as `course lab --course-dir` serves it (Jupyter on localhost,
with a token), and Chromium opens, for every hostile submission, its formgrader pages
and its feedback HTML, and checks that:

- no script of the submission ran: the flag its payload sets stays unset;
- no request went from the payload to the Jupyter API (it tries fetch, XHR and images);
- the honest content still renders: the lesson's plots load, its maths is there;
- the formgrader still works: a hand grade typed into the page reaches the gradebook.
"""

import csv
import json
import os
import secrets
import sys
from contextlib import suppress

import pytest
from adversarial_kit import CANARY, LESSON
from adversarial_pages import FLOOD_MB, HANDLERS, PAGE_CASES, PAYLOAD, SCRIPT_TAG
from nbgrader.api import Gradebook
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright
from servers import running_jupyter
from test_book import CHROMIUM, CHROMIUM_ARGS, needs_chromium
from test_lab import free_port

from autograder.grading import batch, gradebook, sanitize
from autograder.grading.demo import reference_helpers, working_copy
from autograder.lessons import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader, pytest.mark.browser]

ASSIGNMENT = "lesson-02"
HOSTILE = [case.name for case in PAGE_CASES]
LOADING = 120_000  # ms a page may take to load: two shared cores render a 1 MB page slowly
SETTLING = 15_000  # ms for a loaded page's scripts to send what they would
MATHS = r"\frac{1}{1+e^{-z}}"  # from lesson 2's markdown: the sigmoid's textbook form


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    submissions, out = root / "class", root / "results"
    working_copy(submissions / CANARY, reference_helpers())
    for case in PAGE_CASES:
        working_copy(submissions / case.name, reference_helpers())
        case.build(submissions / case.name)
    # nbgrader's own cell timeout: these notebooks must run to the end, plots and all.
    options = {"lessons": [2], "say": lambda *args: None}
    assert batch.grade(submissions, out, students=[CANARY, *HOSTILE], **options) == 0
    return out


def autograded(out, student):
    return out / "course" / "autograded" / student / ASSIGNMENT / f"{LESSON}.ipynb"


def feedback(out, student):
    return out / "feedback" / student / f"{ASSIGNMENT}.html"


def read(path):
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def test_the_maths_the_pages_must_show_is_in_lesson_2():
    # Otherwise a change of notation in the lesson reads as "the maths is missing".
    assert MATHS in (ROOT / "lessons" / f"{LESSON}.ipynb").read_text()


def test_every_page_attack_is_graded_like_the_canary(out):
    rows = read(out / "checks.csv")
    assert {row["student_id"] for row in rows} == {CANARY, *HOSTILE}
    assert {row["status"] for row in rows} == {"passed"}, "the payloads cost no points"
    runs = {row["student_id"]: row["notebook_run"] for row in read(out / "submissions.csv")}
    assert runs == dict.fromkeys([CANARY, *HOSTILE], "ran"), "every notebook ran to the end"


def test_the_stored_notebooks_hold_no_live_output(out):
    for student in HOSTILE:
        nb = json.loads(autograded(out, student).read_text())
        outputs = json.dumps([cell.get("outputs", []) for cell in nb["cells"]])
        live = ('"application/javascript":', '"image/svg+xml":', "<script", "onerror", "onload")
        for marker in (*live, "filenames", '"width": "'):
            assert marker not in outputs, (student, marker)


def test_a_display_flood_is_cut_to_the_cap_with_a_note(out):
    cap = sanitize.MAX_OUTPUT_BYTES
    notebook, page = autograded(out, "display-flood"), feedback(out, "display-flood")
    # The notebook adds its sources to the output it kept; the page adds its markup.
    assert notebook.stat().st_size < 2 * cap, "the graded notebook stays near the cap"
    assert page.stat().st_size < 3 * cap, "the feedback page stays near the cap"
    assert "output truncated by the grader" in notebook.read_text()
    assert FLOOD_MB * 2**20 > 20 * cap, "the flood is far over the cap"


def test_the_feedback_page_carries_a_content_security_policy(out):
    page = feedback(out, "script-in-markdown").read_text()
    assert 'http-equiv="Content-Security-Policy"' in page
    assert "default-src 'none'" in page


# -- the pages in Chromium -----------------------------------------------------------------


@pytest.fixture(scope="module")
def formgrader(out, tmp_path_factory):
    """`course lab --course-dir OUT/course` on localhost: its base URL and token."""
    port, token = free_port(), secrets.token_hex(16)
    home = tmp_path_factory.mktemp("jupyter")
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
    }
    command = [sys.executable, "-m", "autograder.cli", "lab", "--course-dir", str(out / "course")]
    command += ["--no-browser", f"--port={port}", "--ip=127.0.0.1"]
    command += [f"--IdentityProvider.token={token}"]
    with running_jupyter(command, port, token, wait=90, env=env) as base:
        yield base, token


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One page in a fresh browser context, every request it made recorded.

    Requests that would leave the machine (the formgrader's MathJax from a CDN) are
    aborted: the test is offline, and the maths must be there even so.
    """

    def __init__(self, chromium, url, token=None):
        self.context = chromium.new_context()
        self.requests, self.blocked = [], []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.on("requestfailed", self.record_blocked)
        self.context.route("**/*", self.local_only)
        self.page = self.context.new_page()
        if token is not None:  # log in: the token sets the session cookie, as a person would
            base = url.split("/formgrader")[0]
            self.page.goto(f"{base}/formgrader?token={token}", timeout=LOADING)
        self.page.goto(url, timeout=LOADING)  # until "load": its images and scripts are in
        # Then a while for what its scripts would send. A page is judged on every request
        # it made (payload_requests), whether or not its network went idle: on a loaded
        # machine Chromium's "networkidle" came late or never (CI failed on it twice).
        with suppress(PlaywrightTimeout):
            self.page.wait_for_load_state("networkidle", timeout=SETTLING)

    def record_blocked(self, request):
        if request.failure == "csp":  # stopped by the page's policy: it never left the browser
            self.blocked.append(request.url)

    @staticmethod
    def local_only(route):
        url = route.request.url
        local = url.startswith(("file:", "data:", "http://127.0.0.1"))
        route.continue_() if local else route.abort()

    def script_ran(self):
        return self.page.evaluate(
            """() => {
                let stored = null;
                try { stored = localStorage.getItem('pwned'); } catch (e) {}
                return window.PWNED !== undefined || stored !== null;
            }"""
        )

    def payload_requests(self):
        sent = [url for url in self.requests if url not in self.blocked]
        return [url for url in sent if "/api/contents" in url or "pwned" in url]

    def images_loaded(self):
        return self.page.evaluate(
            "() => Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length"
        )

    def text(self):
        return self.page.content()


def submission_id(out, student):
    with Gradebook(gradebook.sqlite_url(out / "gradebook.db")) as gb:
        return gb.find_submission_notebook(LESSON, ASSIGNMENT, student).id


def pages(out, formgrader, student):
    """(name, url, token) of every page showing `student`'s lesson 2 to a person."""
    base, token = formgrader
    return [
        ("formgrade", f"{base}/formgrader/submissions/{submission_id(out, student)}/", token),
        ("submissions", f"{base}/formgrader/manage_students/{student}/{ASSIGNMENT}", token),
        ("feedback", feedback(out, student).as_uri(), None),
    ]


def maths_shown(visit, name):
    """The lesson's maths is there: as TeX in the formgrader (its MathJax comes from a CDN,
    which the test cuts off), typeset by the page's own inlined MathJax in the feedback."""
    if name != "feedback":
        return MATHS in visit.text()
    visit.page.wait_for_function(
        "() => document.querySelectorAll('mjx-container svg').length > 0", timeout=LOADING
    )
    return True


def assert_inert(visit, where):
    assert not visit.script_ran(), f"a script of the submission ran in {where}"
    assert visit.payload_requests() == [], f"the payload reached the Jupyter API from {where}"


@needs_chromium
@pytest.mark.parametrize("student", HOSTILE)
def test_no_script_of_a_hostile_submission_runs_in_any_page(out, formgrader, browser, student):
    for name, url, token in pages(out, formgrader, student):
        visit = Visit(browser, url, token)
        try:
            assert_inert(visit, f"{name} of {student}")
            if name == "submissions":  # the list of notebooks shows no notebook content
                continue
            assert maths_shown(visit, name), f"the maths is missing in {name} of {student}"
            if student != "display-flood":  # there, the plots come after the cap: notes instead
                assert visit.images_loaded() > 0, f"no plot rendered in {name} of {student}"
        finally:
            visit.context.close()
    assert not (out / "course" / "pwned-fetch.txt").exists()
    assert not (out / "course" / "pwned-xhr.txt").exists()


@needs_chromium
def test_a_javascript_output_is_shown_as_text(out, formgrader, browser):
    _, url, token = pages(out, formgrader, "javascript-output")[0]
    visit = Visit(browser, url, token)
    try:
        assert "shown as text and not run" in visit.text()
        assert "localStorage.setItem" in visit.text()
    finally:
        visit.context.close()


@needs_chromium
def test_hand_grading_still_works_on_a_neutralised_notebook(out, formgrader, browser):
    student = "script-in-markdown"
    _, url, token = pages(out, formgrader, student)[0]
    visit = Visit(browser, url, token)
    try:
        score = visit.page.locator("input.score#answer-sigmoid-or-softmax")
        score.fill("1.5")
        score.press("Tab")  # the formgrader saves a grade when its field loses focus
        visit.page.wait_for_load_state("networkidle")
        assert_inert(visit, "the formgrade page while grading")
    finally:
        visit.context.close()
    with Gradebook(gradebook.sqlite_url(out / "gradebook.db")) as gb:
        grade = gb.find_grade("answer-sigmoid-or-softmax", LESSON, ASSIGNMENT, student)
        assert grade.manual_score == 1.5


@needs_chromium
def test_the_formgrader_neutralises_a_notebook_stored_live(out, formgrader, browser):
    """A notebook autograded without `Neutralise` (by hand, say) is neutralised when shown."""
    path = autograded(out, CANARY)
    nb = json.loads(path.read_text())
    live = {"application/javascript": PAYLOAD, "text/plain": "js"}
    html = {"text/html": SCRIPT_TAG + HANDLERS, "text/plain": "html"}
    cell = next(cell for cell in nb["cells"] if cell["cell_type"] == "code")
    cell["outputs"] += [
        {"output_type": "display_data", "data": data, "metadata": {}} for data in (live, html)
    ]
    path.chmod(0o644)
    path.write_text(json.dumps(nb))
    _, url, token = pages(out, formgrader, CANARY)[0]
    visit = Visit(browser, url, token)
    try:
        assert_inert(visit, "the formgrade page of a notebook stored live")
        assert "shown as text and not run" in visit.text()
    finally:
        visit.context.close()


@needs_chromium
def test_the_feedback_policy_blocks_a_script_the_sanitiser_would_have_missed(
    out, browser, tmp_path
):
    page = feedback(out, "script-in-markdown").read_text()
    missed = SCRIPT_TAG + HANDLERS
    planted = tmp_path / "feedback.html"
    planted.write_text(page.replace("<body>", f"<body>{missed}", 1))
    visit = Visit(browser, planted.as_uri())
    try:
        assert_inert(visit, "a feedback page with a script planted after sanitising")
        assert maths_shown(visit, "feedback") and visit.images_loaded() > 0
    finally:
        visit.context.close()
