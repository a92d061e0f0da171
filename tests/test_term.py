"""A whole term on a shared machine: one instructor and two students, each a separate uid.

Real nbgrader exchange, real `course release`, `course grade --course-dir` and the real
formgrader, in the order the instructor guide's "From a clone to graded CSVs" gives: the
instructor releases two lessons; the students fetch them, write helper functions and
submit; the instructor collects and grades, grades a written answer by hand in the
formgrader (Chromium), re-grades and releases the feedback, which the students fetch;
then exports for Canvas. Along the way every formgrader button nbgrader offers on the
course is pressed (through its HTTP API) and must do nothing unsafe, and each student
tries to read what is not theirs.

The users are created with `useradd` and removed afterwards: the test needs root.
"""

import csv
import html
import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import nbformat
import psutil
import pytest
from chromium import CHROMIUM, CHROMIUM_ARGS, needs_chromium
from nbgrader.api import Gradebook
from playwright.sync_api import sync_playwright
from servers import running_jupyter
from test_lab import free_port

from autograder.authoring import markers, release
from autograder.grading import gradebook
from autograder.lessons import LESSONS, ROOT
from autograder.sandbox import kernel

pytestmark = [
    pytest.mark.slow,
    pytest.mark.nbgrader,
    pytest.mark.sandbox,
    pytest.mark.browser,
    pytest.mark.skipif(
        os.geteuid() != 0 or not all(map(shutil.which, ("useradd", "setpriv", "unshare"))),
        reason="creates an instructor's and two students' accounts and runs commands as "
        "them: needs root, useradd, and util-linux's setpriv and unshare",
    ),
    needs_chromium,
]

COURSE_ID = "logits-to-loss"
FIRST, SECOND = LESSONS[0], LESSONS[1]
WRITTEN = "logit-is-not-a-probability"  # lesson 1's written answer, graded by hand
ANSWER = "A logit is any real number; a probability lies between 0 and 1."
COMMENT = "Right: the sigmoid maps one to the other."
HAND_POINTS = 2.0
LOADING = 120_000  # ms a page may take to settle on two shared cores
TIMEOUT = 900  # s for one command: `course grade` of a lesson on a loaded machine
# Where the users' commands reach this Python (:func:`user_command`): an empty scratch
# folder, the closed folder and its child holding Python; empty if Python is open to all.
REACH = []


def assignment(lesson):
    return lesson.assignment


def reference(lesson):
    """The reference module of `lesson` as a student who solved it would write it."""
    return markers.without_markers(
        (ROOT / "solutions" / "helpers" / f"{lesson.module}.py").read_text()
    )


# A wrong hardmax: the trusted re-check fails it, with a message that teaches.
WRONG_HARDMAX = "\n\ndef hardmax(z, axis=-1):\n    return np.zeros_like(np.asarray(z, float))\n"

# -- the people --------------------------------------------------------------------------


def create_user(name):
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True)
    entry = pwd.getpwnam(name)
    Path(entry.pw_dir).chmod(0o700)  # a home of one's own, as on a shared machine
    return entry


def remove_user(entry):
    leftovers = [p for p in psutil.process_iter(["uids"]) if p.info["uids"].real == entry.pw_uid]
    for process in leftovers:  # this test's own processes, started as this user
        process.kill()
    psutil.wait_procs(leftovers, timeout=30)
    subprocess.run(["userdel", "--remove", entry.pw_name], check=False, capture_output=True)


def reachable(path):
    """Whether every user can reach `path`: each folder above it lets others through."""
    return all(folder.stat().st_mode & 0o001 for folder in Path(path).resolve().parents)


def closed_folder():
    """(the folder others cannot pass, its child holding this Python) when this Python
    lives where other users cannot reach it (pyenv's, in root's home); None if it can be
    reached."""
    python = Path(sys.base_prefix).resolve()
    closed = [folder for folder in python.parents if not folder.stat().st_mode & 0o001]
    if not closed:
        return None
    if len(closed) > 1:
        pytest.skip(f"{python} is behind more than one folder other users cannot pass")
    return closed[0], closed[0] / python.relative_to(closed[0]).parts[0]


# Run as root in a mount namespace of the command's own: the closed folder is covered
# by an open, empty one holding only the Python installation, then the user is switched.
# Nothing outside that command sees the change.
COVER = """\
set -e
mount --rbind "$3" "$1"
mount -t tmpfs -o mode=0755 course-test "$2"
mkdir -p "$3"
mount --move "$1" "$3"
shift 3
exec "$@"
"""


def user_command(entry, command):
    """`command`, run as the user `entry` (where this Python can be reached: :data:`COVER`)."""
    switch = ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups"]
    switch += map(str, command)
    if not REACH:
        return switch
    namespace = ["unshare", "--mount", "--propagation", "private", "sh", "-c", COVER, "sh"]
    return [*namespace, *map(str, REACH), *switch]


def environment(entry):
    bin_dir = str(Path(sys.executable).parent)
    return {
        "HOME": entry.pw_dir,
        "USER": entry.pw_name,
        "LOGNAME": entry.pw_name,
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
    }


def as_user(entry, *command, cwd=None, check=True, stdin=None):
    """Run `command` as the user `entry`, in their home unless `cwd`; its CompletedProcess."""
    run = subprocess.run(
        user_command(entry, command),
        env=environment(entry),
        cwd=cwd or entry.pw_dir,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    if check and run.returncode:
        pytest.fail(f"{' '.join(map(str, command))} as {entry.pw_name}:\n{run.stdout}{run.stderr}")
    return run


def course_cli(entry, *args, **kwargs):
    return as_user(entry, sys.executable, "-m", "autograder.cli", *args, **kwargs)


def nbgrader(entry, *args, **kwargs):
    return as_user(entry, sys.executable, "-m", "nbgrader", *args, **kwargs)


def write_as(entry, path, text):
    script = "import pathlib, sys; pathlib.Path(sys.argv[1]).write_text(sys.stdin.read())"
    as_user(entry, sys.executable, "-c", script, str(path), stdin=text)


READER = """\
import json, os, sys
readable = []
for root in json.loads(sys.argv[1]):
    for folder, _, names in os.walk(root):
        for path in [folder] + [os.path.join(folder, name) for name in names]:
            try:
                os.listdir(path) if os.path.isdir(path) else open(path, "rb").read(1)
                readable.append(path)
            except OSError:
                pass
print(json.dumps(readable))
"""


def readable(entry, *paths):
    """Which of `paths`, and of everything under them, the user `entry` can read."""
    run = as_user(entry, sys.executable, "-c", READER, json.dumps(list(map(str, paths))))
    return {Path(path) for path in json.loads(run.stdout)}


# -- the term, up to the first grading ------------------------------------------------------


@pytest.fixture(scope="module")
def people():
    if not reachable(ROOT):
        pytest.skip(f"the other users cannot reach {ROOT}")
    if not reachable(sys.prefix):
        pytest.skip(f"the other users cannot reach {sys.prefix}")
    base = Path(tempfile.mkdtemp(prefix="ltl-term-"))
    base.chmod(0o755)
    closed = closed_folder()
    if closed is not None:
        (base / "python").mkdir()
        REACH[:] = [base / "python", *closed]
    # The course's environment is installed by its owner, kernel spec included; the
    # instructor uses it and cannot write it.
    kernel.install()
    suffix = f"{os.getpid() % 100000}"
    entries = {role: create_user(f"ltl{suffix}{role}") for role in ("i", "a", "b")}
    exchange = base / "exchange"
    subprocess.run(["install", "-d", "-m", "1777", str(exchange)], check=True)  # as the guide says
    yield SimpleNamespace(
        instructor=entries["i"], ada=entries["a"], bob=entries["b"], exchange=exchange
    )
    for entry in entries.values():
        remove_user(entry)
    shutil.rmtree(base, ignore_errors=True)


def student_work(people, student, lesson):
    """Fetch `lesson`, write its helpers and (Ada) the written answer, submit."""
    options = ["--course", COURSE_ID, f"--Exchange.root={people.exchange}"]
    nbgrader(student, "fetch_assignment", assignment(lesson), *options)
    folder = Path(student.pw_dir) / assignment(lesson)
    module = folder / "helpers" / f"{lesson.module}.py"
    if student is people.ada:
        write_as(student, module, reference(lesson))
        notebook = nbformat.read(folder / f"{lesson.slug}.ipynb", as_version=4)
        for cell in notebook.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == WRITTEN:
                cell.source = ANSWER
        write_as(student, folder / f"{lesson.slug}.ipynb", nbformat.writes(notebook))
    elif lesson is FIRST:  # Bob: lesson 1 with a wrong hardmax, lesson 2 left as stubs
        write_as(student, module, reference(lesson) + WRONG_HARDMAX)
    nbgrader(student, "submit", assignment(lesson), *options)


@pytest.fixture(scope="module")
def term(people):
    """Release, fetch, work, submit, collect and grade: the course, as the instructor left it."""
    instructor = people.instructor
    course = Path(instructor.pw_dir) / "course"
    course_cli(instructor, "release", "--course-dir", course, "--exchange", people.exchange)
    for lesson in (FIRST, SECOND):
        nbgrader(instructor, "release_assignment", assignment(lesson), cwd=course)
    for student in (people.ada, people.bob):
        for lesson in (FIRST, SECOND):
            student_work(people, student, lesson)
    for lesson in (FIRST, SECOND):
        nbgrader(instructor, "collect", assignment(lesson), cwd=course)
    course_cli(instructor, "grade", "--course-dir", course, "--lessons", "1,2", "--workers", "2")
    return SimpleNamespace(**vars(people), course=course)


def model_answer():
    """The first line of lesson 1's model answer to the written question."""
    notebook = nbformat.read(ROOT / "solutions" / f"{FIRST.slug}.ipynb", as_version=4)
    cell = next(
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == WRITTEN
    )
    return cell.source.splitlines()[0]


def grade_of(course, student, lesson, grade_id):
    with Gradebook(gradebook.sqlite_url(course / "gradebook.db")) as gb:
        grade = gb.find_grade(grade_id, lesson.slug, assignment(lesson), student.pw_name)
        return grade.auto_score, grade.manual_score


def submission_id(course, student, lesson):
    with Gradebook(gradebook.sqlite_url(course / "gradebook.db")) as gb:
        return gb.find_submission_notebook(lesson.slug, assignment(lesson), student.pw_name).id


# -- the formgrader ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def formgrader(term):
    """`course lab --course-dir COURSE` as the instructor, on localhost: (base URL, token)."""
    port, token = free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "autograder.cli", "lab", "--course-dir", str(term.course)]
    command += [
        "--no-browser",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
    ]
    launch = user_command(term.instructor, command)
    with running_jupyter(
        launch, port, token, env=environment(term.instructor), cwd=term.course
    ) as base:
        yield base, token


def press(formgrader, path):
    """POST to the formgrader's API, as its button does: nbgrader's result dict."""
    base, token = formgrader
    request = urllib.request.Request(
        f"{base}/formgrader/api/{path}",
        data=b"",
        method="POST",
        headers={"Authorization": f"token {token}"},
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return json.loads(response.read())


def grade_by_hand_in_chromium(term, formgrader):
    """Open Ada's lesson 1 in the formgrader, give the written answer its points and a
    comment, as a person would."""
    base, token = formgrader
    url = f"{base}/formgrader/submissions/{submission_id(term.course, term.ada, FIRST)}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route(
                "**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort()
            )
            page.goto(f"{base}/formgrader?token={token}", timeout=LOADING)
            page.goto(url, timeout=LOADING)
            page.wait_for_load_state("networkidle", timeout=LOADING)
            score = page.locator(f"input.score#{WRITTEN}")
            score.fill(str(HAND_POINTS))
            score.press("Tab")  # the formgrader saves a grade when its field loses focus
            comment = page.locator(f"textarea.comment#{WRITTEN}-comment")
            comment.fill(COMMENT)
            comment.press("Tab")
            page.wait_for_load_state("networkidle", timeout=LOADING)
        finally:
            browser.close()


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def press_every_button(term, formgrader):
    """Each formgrader button on lesson 1, in an order a person might press them; what each
    did, for the tests to judge. ("assign" is the Generate button.)"""
    lesson, ada = assignment(FIRST), term.ada.pw_name
    graded = term.course / "autograded" / ada / lesson

    def state():
        return snapshot(graded), grade_of(term.course, term.ada, FIRST, "logit")

    pressed = {"autograde_before": state()}
    pressed["autograde"] = press(formgrader, f"submission/{lesson}/{ada}/autograde")
    pressed["autograde_left"] = state()
    for button in ("assign", "unrelease", "release", "collect", "generate_feedback"):
        pressed[button] = press(formgrader, f"assignment/{lesson}/{button}")
    page = term.course / "feedback" / term.bob.pw_name / lesson / f"{FIRST.slug}.html"
    pressed["feedback_page"] = page.read_text()
    pressed["release_feedback"] = press(formgrader, f"assignment/{lesson}/release_feedback")
    return pressed


@pytest.fixture(scope="module")
def finished(term, formgrader):
    """The rest of the term: hand grading, the buttons, a re-grade, feedback to the
    students through the exchange, and the Canvas export."""
    grade_by_hand_in_chromium(term, formgrader)
    hand = grade_of(term.course, term.ada, FIRST, WRITTEN)
    pressed = press_every_button(term, formgrader)
    instructor = term.instructor
    course_cli(
        instructor, "grade", "--course-dir", term.course, "--lessons", "1,2", "--workers", "2"
    )
    # nbgrader's own command, as the formgrader's button: the course's safe feedback path
    nbgrader(instructor, "generate_feedback", assignment(SECOND), cwd=term.course)
    for lesson in (FIRST, SECOND):
        nbgrader(instructor, "release_feedback", assignment(lesson), cwd=term.course)
    options = ["--course", COURSE_ID, f"--Exchange.root={term.exchange}"]
    for student in (term.ada, term.bob):
        nbgrader(student, "fetch_feedback", assignment(FIRST), *options)
    course_cli(instructor, "export", term.course / "grades", "--format", "canvas")
    return SimpleNamespace(**vars(term), hand=hand, pressed=pressed)


def fetched_feedback(finished, student):
    pages = sorted((Path(student.pw_dir) / assignment(FIRST) / "feedback").glob("*/*.html"))
    assert len(pages) == 1, pages
    return pages[0].read_text()


def checks(finished):
    with (finished.course / "grades" / "checks.csv").open() as f:
        return list(csv.DictReader(f))


# -- what must hold --------------------------------------------------------------------------


def test_the_course_is_private_and_the_exchange_open(term):
    assert term.course.stat().st_mode & 0o777 == 0o700
    assert term.exchange.stat().st_mode & 0o7777 == 0o1777


def test_no_student_can_read_the_course_or_find_another_students_submission(term):
    secret = [term.course / "source", term.course / "gradebook.db", term.course / "grades"]
    secret += [term.course / "submitted" / term.bob.pw_name]
    assert readable(term.ada, *secret) == set()
    # nbgrader's inbound: students drop submissions in and cannot list it; each
    # submission's folder, readable for the instructor's collect, has a random part in
    # its name, so that no other student can find it.
    inbound = term.exchange / COURSE_ID / "inbound"
    assert readable(term.ada, inbound) == set()
    bobs = [p.name for p in inbound.iterdir() if p.name.startswith(term.bob.pw_name + "+")]
    assert len(bobs) == 2 and all(len(name.rsplit("+", 1)[1]) >= 12 for name in bobs)


def test_nothing_a_student_can_reach_holds_a_solution_or_a_hidden_test(term):
    reach = readable(term.ada, term.exchange)
    outbound = term.exchange / COURSE_ID / "outbound"
    for lesson in (FIRST, SECOND):
        released = outbound / assignment(lesson)
        assert released / f"{lesson.slug}.ipynb" in reach
        assert release.leaks(released, lesson) == []
    others = [p for p in reach if p.is_file() and p.stat().st_uid != term.ada.pw_uid]
    assert others, "the student reaches the release"
    for path in others:
        text = path.read_text(errors="replace")
        for secret in (*markers.ALL, model_answer()):
            assert secret not in text, path


def test_the_first_grading_gives_the_trusted_scores(term):
    with (term.course / "grades" / "submissions.csv").open() as f:
        runs = {(row["student_id"], row["lesson"]): row for row in csv.DictReader(f)}
    assert len(runs) == 4
    for row in runs.values():
        assert (row["notebook_run"], row["feedback"], row["problems"]) == ("ran", "yes", ""), row
    assert grade_of(term.course, term.ada, FIRST, "hardmax") == (2.0, None)
    assert grade_of(term.course, term.bob, FIRST, "hardmax") == (0.0, None)
    assert grade_of(term.course, term.bob, SECOND, "softmax") == (0.0, None)


def test_a_hand_grade_typed_in_the_formgrader_reaches_the_gradebook(finished):
    assert finished.hand == (None, HAND_POINTS)


def test_the_formgraders_autograde_refuses_and_changes_nothing(finished):
    pressed = finished.pressed
    assert not pressed["autograde"]["success"]
    assert "course grade --course-dir" in pressed["autograde"]["log"]
    assert pressed["autograde_left"] == pressed["autograde_before"]


def test_the_formgraders_generate_and_release_publish_no_solution(finished):
    for button in ("assign", "unrelease", "release", "collect"):
        assert finished.pressed[button]["success"], finished.pressed[button]
    released = finished.exchange / COURSE_ID / "outbound" / assignment(FIRST)
    assert release.leaks(released, FIRST) == []
    assert release.leaks(finished.course / "release" / assignment(FIRST), FIRST) == []


def test_the_formgraders_feedback_buttons_give_the_safe_page(finished):
    assert finished.pressed["generate_feedback"]["success"]
    assert finished.pressed["release_feedback"]["success"]
    folder = finished.course / "feedback" / finished.bob.pw_name / assignment(SECOND)
    by_command = (folder / f"{SECOND.slug}.html").read_text()
    for text in (finished.pressed["feedback_page"], by_command):
        assert all(secret not in text for secret in (*markers.ALL, model_answer()))
        assert "default-src 'none'" in text  # the course's own feedback exporter


def test_the_regrade_keeps_the_hand_grade(finished):
    assert grade_of(finished.course, finished.ada, FIRST, WRITTEN) == (None, HAND_POINTS)


def test_the_feedback_students_fetch_shows_the_hand_grade_and_teaching_messages(finished):
    ada = fetched_feedback(finished, finished.ada)
    assert COMMENT in ada
    assert ANSWER in ada
    assert "(Score: 8.0 / 8.0)" in ada, "Ada's lesson 1 with the hand grade"
    bob = fetched_feedback(finished, finished.bob)
    wrong = next(
        row
        for row in checks(finished)
        if row["student_id"] == finished.bob.pw_name and row["function"] == "hardmax"
    )
    assert wrong["status"] == "failed"
    assert wrong["message"] in html.unescape(bob)  # the judge's teaching message
    for page in (ada, bob):
        assert all(secret not in page for secret in (*markers.ALL, model_answer()))


def test_the_canvas_export_has_one_row_per_student_with_the_right_totals(finished):
    with (finished.course / "grades" / "export-canvas.csv").open() as f:
        rows = [row for row in csv.DictReader(f) if row["Student"] != "Points Possible"]
    totals = {row["SIS Login ID"]: float(row["Final Points"]) for row in rows}
    first = sum(gradebook.points(FIRST).values())  # every autograded point and the hand grade
    second = sum(
        points
        for name, points in gradebook.points(SECOND).items()
        if name != "answer-sigmoid-or-softmax"
    )
    wrong = gradebook.points(FIRST)["hardmax"] + gradebook.points(FIRST)[WRITTEN]
    assert totals == {finished.ada.pw_name: first + second, finished.bob.pw_name: first - wrong}
