"""`course grade` and `course demo`, end to end: real nbgrader, a real SQLite gradebook.

One demo class (nine students, each showing one way a submission goes right or
wrong) is graded once for the module; the tests read what it left behind. Smaller
runs then re-grade one student, feed malformed input, and use PostgreSQL.
"""

import csv
import html
import os
import re
import shutil
import zipfile

import pytest
from chromium import ARTIFACTS, needs_chromium, offline_page
from nbgrader.api import Gradebook

from autograder.grading import batch, classreport, demo, gradebook, worker
from autograder.grading.records import Task
from autograder.grading.submissions import discover, rejected_label
from autograder.lessons import LESSONS

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader, pytest.mark.sandbox]

LOADING = 120_000  # ms: two shared cores take a while over a page with six figures
FUNCTIONS = {lesson.assignment: lesson.functions for lesson in LESSONS}
POINTS = {lesson.assignment: gradebook.points(lesson) for lesson in LESSONS}


def read(path):
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def checks_of(out, student):
    return {
        (row["lesson"], row["function"]): row
        for row in read(out / "checks.csv")
        if row["student_id"] == student
    }


def autograded_points(assignment):
    return sum(POINTS[assignment][name] for name in FUNCTIONS[assignment])


@pytest.fixture(scope="module")
def graded(demo_class):
    return demo_class


def test_a_correct_submission_scores_full_marks(graded):
    _, out = graded
    checks = checks_of(out, "ada")
    assert len(checks) == sum(map(len, FUNCTIONS.values()))
    assert {row["status"] for row in checks.values()} == {"passed"}
    for row in read(out / "grades.csv"):
        if row["student_id"] == "ada":
            # The written answers wait for the instructor; every autograded point is earned.
            assert float(row["score"]) == autograded_points(row["lesson"])
            assert float(row["max_score"]) == sum(POINTS[row["lesson"]].values())
            assert row["needs_manual_grade"] == "true"


def test_one_wrong_function_loses_exactly_its_points(graded):
    _, out = graded
    ada, chloe = checks_of(out, "ada"), checks_of(out, "chloe")
    differ = {key for key in ada if ada[key]["score"] != chloe[key]["score"]}
    assert differ == {("lesson-04", "kl_divergence")}
    assert chloe["lesson-04", "kl_divergence"]["status"] == "failed"
    assert "expected 0.5108256237659906" in chloe["lesson-04", "kl_divergence"]["message"]
    grades = {(r["student_id"], r["lesson"]): float(r["score"]) for r in read(out / "grades.csv")}
    assert (
        grades["ada", "lesson-04"] - grades["chloe", "lesson-04"]
        == POINTS["lesson-04"]["kl_divergence"]
    )


def test_stubs_score_zero_as_not_implemented(graded):
    _, out = graded
    checks = checks_of(out, "ivy")
    assert {row["status"] for key, row in checks.items() if key[0] == "lesson-01"} == {
        "not_implemented"
    }
    assert {row["score"] for key, row in checks.items() if key[0] == "lesson-01"} == {"0"}
    assert {row["status"] for key, row in checks.items() if key[0] != "lesson-01"} == {"missing"}


def test_a_naive_softmax_fails_on_large_logits(graded):
    _, out = graded
    row = checks_of(out, "dan")["lesson-02", "softmax"]
    assert row["status"] == "failed"
    assert "softmax([1000, 0]) returned nan" in row["message"]
    assert "subtract the max" in row["message"]


@pytest.mark.parametrize(
    ("student", "lesson", "status", "message"),
    [
        ("eve", "lesson-02", "error", "SyntaxError"),
        ("gus", "lesson-01", "missing", "no helpers/ folder"),
        ("ben", "lesson-03", "missing", "was not submitted"),
    ],
)
def test_faults_get_their_status_for_the_whole_lesson(graded, student, lesson, status, message):
    _, out = graded
    rows = [row for key, row in checks_of(out, student).items() if key[0] == lesson]
    assert {row["status"] for row in rows} == {status}
    assert all(message in row["message"] for row in rows)


def test_an_infinite_loop_times_out_and_the_rest_is_graded(graded):
    _, out = graded
    checks = checks_of(out, "finn")
    assert checks["lesson-03", "binary_entropy"]["status"] == "timeout"
    others = {row["status"] for key, row in checks.items() if key[1] != "binary_entropy"}
    assert others == {"passed"}


def test_faults_never_touch_the_other_students(graded):
    """Every student's every function scores what ada's does, but where they differ on purpose."""
    _, out = graded
    ada = checks_of(out, "ada")
    on_purpose = {
        "ben": {("lesson-03", f) for f in FUNCTIONS["lesson-03"]},
        "chloe": {("lesson-04", "kl_divergence")},
        "dan": {("lesson-02", "softmax")},
        "eve": {("lesson-02", f) for f in FUNCTIONS["lesson-02"]},
        "finn": {("lesson-03", "binary_entropy")},
        "hana": set(),
    }
    for student, expected in on_purpose.items():
        checks = checks_of(out, student)
        assert {key for key in ada if checks[key]["score"] != ada[key]["score"]} == expected


def test_a_zip_wrapped_in_a_folder_is_unwrapped(graded):
    _, out = graded
    rows = [r for r in read(out / "submissions.csv") if r["student_id"] == "hana"]
    assert {r["source"] for r in rows} == {"hana.zip"}
    assert {r["notebook_run"] for r in rows} == {"ran"}


def test_honest_submissions_are_never_tamper_suspects(graded):
    _, out = graded
    assert "tamper_suspect" not in {row["status"] for row in read(out / "checks.csv")}


def test_copies_of_the_reference_are_flagged_for_the_instructor(graded):
    _, out = graded
    flags = {
        (row["lesson"], row["student_a"], row["student_b"]): row
        for row in read(out / "similarity.csv")
    }
    # ada and hana hand in the reference itself, so every lesson flags them.
    for lesson in FUNCTIONS:
        assert flags[lesson, "(reference)", "ada"]["kind"] == "identical"
        assert flags[lesson, "ada", "hana"]["functions"].split() == FUNCTIONS[lesson]
    # ivy filled in nothing: stubs are never similar.
    assert not any("ivy" in key for key in flags)
    # chloe swapped kl_divergence's arguments: lesson 4 shares too few functions to flag.
    assert ("lesson-04", "(reference)", "chloe") not in flags


def test_the_code_graded_is_the_students_own(graded):
    """The digest of the helpers the notebook ran matches the submission's, and nbgrader
    kept chloe's wrong kl_divergence rather than the instructor's copy."""
    classroom, out = graded
    rows = {(r["student_id"], r["lesson"]): r for r in read(out / "submissions.csv")}
    ran = out / "course" / "autograded" / "chloe" / "lesson-04" / "helpers"
    assert worker.sha256_of(ran) == rows["chloe", "lesson-04"]["helpers_sha256"]
    assert "rel_entr(q, p)" in (ran / "divergences.py").read_text()
    own = classroom / "chloe" / "helpers" / "divergences.py"
    assert (ran / "divergences.py").read_bytes() == own.read_bytes()
    assert not rows["chloe", "lesson-04"]["problems"]


def test_the_gradebook_holds_the_trusted_scores(graded):
    _, out = graded
    with Gradebook(gradebook.sqlite_url(out / "gradebook.db")) as gb:
        wrong = gb.find_grade("kl_divergence", "04-kl-divergence", "lesson-04", "chloe")
        right = gb.find_grade("js_divergence", "04-kl-divergence", "lesson-04", "chloe")
        assert (wrong.auto_score, right.auto_score) == (0, POINTS["lesson-04"]["js_divergence"])
        assert wrong.max_score == POINTS["lesson-04"]["kl_divergence"]
        submission = gb.find_submission("lesson-02", "dan")
        assert submission.score == autograded_points("lesson-02") - POINTS["lesson-02"]["softmax"]


HIDDEN = re.compile(r"BEGIN HIDDEN TESTS|autograder|grade\(\s*(&quot;|\")")


def test_feedback_shows_outcomes_but_never_hidden_tests(graded):
    _, out = graded
    pages = sorted((out / "feedback").rglob("*.html"))
    assert len(pages) == 9 * 5 - 5 - 4 - 1  # gus has no helpers, ivy one lesson, ben lacks one
    for page in pages:
        text = page.read_text()
        assert not HIDDEN.search(text), page
    chloe = html.unescape(
        re.sub(r"<[^>]+>", "", (out / "feedback/chloe/lesson-04.html").read_text())
    )
    # The graded cell's verdict, the judge's one line, and the trusted score; no traceback.
    assert re.search(r"Grade cell: kl_divergence\s+Score: 0\.0 / 2\.0", chloe)
    assert re.search(r"kl_divergence\(\[0\.5, 0\.5\], \[0\.9, 0\.1\]\) returned", chloe)
    assert "expected 0.5108256237659906" in chloe
    assert "most recent call last" not in chloe


def test_regrading_one_student_leaves_everyone_else_untouched(graded, tmp_path):
    classroom, out = graded
    copy = tmp_path / "out"
    shutil.copytree(out, copy, symlinks=True)
    before = {name: read(copy / name) for name in ("grades.csv", "checks.csv")}
    fixed = demo.reference_helpers()["divergences.py"]
    student = tmp_path / "class" / "chloe"
    shutil.copytree(classroom / "chloe", student)
    (student / "helpers" / "divergences.py").write_text(fixed)
    batch.grade(
        tmp_path / "class", copy, lessons=[4], students=["chloe"], workers=1, say=lambda *a: None
    )
    for name, rows in before.items():
        after = read(copy / name)
        others = [r for r in rows if r["student_id"] != "chloe"]
        assert [r for r in after if r["student_id"] != "chloe"] == others
        chloe_before = [
            r for r in rows if r["student_id"] == "chloe" and r["lesson"] != "lesson-04"
        ]
        assert [
            r for r in after if r["student_id"] == "chloe" and r["lesson"] != "lesson-04"
        ] == chloe_before
    assert checks_of(copy, "chloe")["lesson-04", "kl_divergence"]["status"] == "passed"


def test_regrading_the_same_input_is_idempotent(graded, tmp_path):
    classroom, out = graded
    copy = tmp_path / "out"
    shutil.copytree(out, copy, symlinks=True)
    said = []
    batch.grade(classroom, copy, lessons=[1], students=["ada"], workers=1, say=said.append)
    for name in ("grades.csv", "checks.csv", "submissions.csv", "run.json"):
        assert (copy / name).read_text() == (out / name).read_text(), name
    # The class report is the whole class's again, and course grade ends by pointing at it.
    assert said[-1].startswith(f"Class report: {copy / 'report' / 'index.html'}")
    assert (copy / "report" / classreport.CSV).read_text() == (
        out / "report" / classreport.CSV
    ).read_text()


def test_the_class_report_names_each_planted_mistake_and_nothing_else(graded):
    """The demo's mistakes, each by its id, for the student who made it; ivy's stubs are
    not attempted, and every other function passed."""
    _, out = graded
    rows = read(out / "report" / classreport.CSV)
    found = {(r["lesson"], r["function"], r["mistake"]): r["who"] for r in rows}
    assert found == {
        ("lesson-02", "softmax", "no-max-shift"): "dan",
        ("lesson-04", "kl_divergence", "kl-argument-order"): "chloe",
        ("lesson-03", "binary_entropy", "too-slow"): "finn",
        **{("lesson-02", name, "does-not-import"): "eve" for name in FUNCTIONS["lesson-02"]},
    }
    attempted = {(r["lesson"], r["function"]): r["attempted"] for r in rows}
    # Lesson 2: everyone but ivy (stubs) and gus (no helpers/); lesson 4 the same.
    assert attempted["lesson-02", "softmax"] == attempted["lesson-04", "kl_divergence"] == "7"


@needs_chromium
def test_the_class_report_opens_offline_with_its_figures(graded):
    _, out = graded
    url = (out / "report" / "index.html").as_uri()
    with offline_page(url, LOADING) as (tab, requests, refused, errors):
        figures = tab.evaluate(
            "() => [...document.images].map(i => i.complete && i.naturalWidth > 300)"
        )
        links = tab.evaluate("() => [...document.links].map(a => a.getAttribute('href'))")
        scripts = tab.evaluate("() => document.scripts.length")
        # The README's picture of the report (docs/report-example.png) is this screenshot.
        os.makedirs(ARTIFACTS, exist_ok=True)
        tab.locator("#lesson-02").screenshot(path=os.path.join(ARTIFACTS, "report.png"))
    assert figures == [True] * 6  # the scores, and one per lesson
    assert requests == [url] and refused == [] and errors == []
    assert scripts == 0
    assert "../feedback/dan/lesson-02.html" in links
    for link in links:
        assert (out / "report" / link).resolve().is_file(), link


def test_malformed_entries_are_recorded_and_skipped(graded, tmp_path):
    classroom, _ = graded
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notzip.zip").write_text("this is not a zip file")
    (inbox / "empty").mkdir()
    (inbox / "bad name").mkdir()
    broken = inbox / "broken"
    shutil.copytree(classroom / "ivy", broken)
    (broken / "lessons" / "01-logits.ipynb").write_text("{ not json")
    with zipfile.ZipFile(inbox / "escape.zip", "w") as zipped:
        zipped.writestr("../../outside.txt", "zip slip")
    shutil.copytree(classroom / "ivy", inbox / "ivy")
    out = tmp_path / "out"
    assert batch.grade(inbox, out, lessons=[1], workers=1, say=lambda *a: None) == 0
    problems = {
        (r["student_id"], r["lesson"]): r["problems"] for r in read(out / "submissions.csv")
    }
    assert "not a valid zip file" in problems["notzip", ""]
    assert "is empty" in problems["empty", ""]
    assert "rename it" in problems[rejected_label("bad name"), ""]
    assert "not a valid notebook" in problems["broken", "lesson-01"]
    assert "outside the archive" in problems["escape", ""]
    assert not (tmp_path / "outside.txt").exists()
    # A lesson that cannot be staged is an error for each function, not a gap.
    broken = checks_of(out, "broken")
    assert {row["status"] for row in broken.values()} == {"error"}
    assert all("not a valid notebook" in row["message"] for row in broken.values())
    grades = {r["student_id"]: float(r["score"]) for r in read(out / "grades.csv")}
    assert grades == {"ivy": grades["ivy"], "broken": 0.0}


def test_links_in_a_submission_are_not_followed(graded, tmp_path):
    """A link could point at another student's work, or at the grader's files."""
    classroom, _ = graded
    student = tmp_path / "inbox" / "mallory"
    (student / "lessons").mkdir(parents=True)
    (student / "lessons" / "01-logits.ipynb").symlink_to(classroom / "ada/lessons/01-logits.ipynb")
    (student / "helpers").symlink_to(classroom / "ada" / "helpers")
    works, problems = discover(tmp_path / "inbox", tmp_path / "unpacked")
    assert not problems
    assert {(w.notebook, w.helpers) for w in works} == {(None, None)}


POSTGRES = os.environ.get("COURSE_TEST_POSTGRES_URL")


@pytest.mark.skipif(
    not POSTGRES,
    reason="no PostgreSQL server: set COURSE_TEST_POSTGRES_URL (.ci/run starts one and sets it)",
)
def test_the_gradebook_can_be_postgresql(graded, tmp_path):
    classroom, _ = graded
    out = tmp_path / "out"
    batch.grade(
        classroom,
        out,
        lessons=[4],
        students=["chloe"],
        workers=1,
        db_url=POSTGRES,
        say=lambda *a: None,
    )
    with Gradebook(POSTGRES) as gb:
        wrong = gb.find_grade("kl_divergence", "04-kl-divergence", "lesson-04", "chloe")
        assert wrong.auto_score == 0
        submission = gb.find_submission("lesson-04", "chloe")
        # Every function but chloe's swapped kl_divergence; the written answer waits.
        right = [name for name in FUNCTIONS["lesson-04"] if name != "kl_divergence"]
        assert submission.score == sum(POINTS["lesson-04"][name] for name in right)
    assert not (out / "gradebook.db").exists()


def test_a_lesson_far_slower_than_the_reference_is_flagged(monkeypatch):
    """The rule alone, on measured times: the corpus's slow-but-correct case runs it for real."""
    monkeypatch.setitem(worker.WORKER, "notebook_timeout", 300)
    monkeypatch.setitem(worker.WORKER, "reference_seconds", {2: 0.1})
    task = Task("learner", 2, "learner")
    assert worker.slowness(task, 1.0, "ran", 12.0) == []  # honest, on a loaded machine
    slow = worker.slowness(task, 50.0, "ran", 290.0)  # every function just under its limit
    assert [problem.split(":")[0] for problem in slow] == ["slow", "slow"]
    assert "50 s" in slow[0] and "0.1 s" in slow[0] and "290 s of its 300 s" in slow[1]
    # A notebook the watchdog stopped is recorded as such, not as slow.
    assert worker.slowness(task, 1.0, "stopped after 300 s", 300.0) == []
