"""The adversarial corpus (tests/adversarial.py), graded by real `course grade` in one batch.

An honest canary student is graded first. Then every hostile or broken submission is
graded together, with the sandbox active, and the tests check that:

- each case ends with exactly its expected status per function, and a cheat earns
  nothing on the function it targets while the honest functions keep their points;
- nothing outside the students' own temporary folders changed: the repository, the
  course's source/, every submission as handed in, everything of the canary's, and a
  private bait file outside the course that kernels aim links at;
- the gradebook agrees with checks.csv, and nobody's scores were written by a student;
- no process a submission started outlives the batch, and nothing of the run is left
  in the temp folder;
- a submission refused as a whole (a broken zip, a folder too deep or too big, a name
  that is not a student id) is one row in submissions.csv and nothing else, and no CSV
  cell can start a spreadsheet formula.
"""

import csv
import hashlib
import json
import os
import stat
import sys
import tempfile

import pandas
import psutil
import pytest
from adversarial import CASES, make
from adversarial_archives import FORMULA_FOLDER, HYPERLINK, RERUN, unmake
from adversarial_kit import CANARY, FUNCTIONS, LESSON
from nbgrader.api import Gradebook

from autograder.grading import batch, gradebook, report
from autograder.lessons import LESSONS, ROOT
from autograder.sandbox import jail

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader, pytest.mark.sandbox]

ASSIGNMENT = "lesson-02"
# Seconds per cell: the hostile loops cost a few of these each, not a few times 30.
# 10 s, not 5: on two cores with four workers, honest cells beside the fork bomb and the
# file-system walk of write-gradebook-and-others took over 5 s, failing their notebook runs.
CELL_TIMEOUT = 10
# Workers grading the corpus. Most of its time is hostile cases waiting out a limit (an
# alarm, a cell timeout, a notebook's watchdog), not computing: four workers on two cores
# overlap those waits, and four sandbox users side by side are part of what is attacked.
WORKERS = 4
POINTS = gradebook.points(LESSONS[1])
BAIT = b"private: the bait some kernels aim links at, never to be read or changed\n"
# The cases this module's corpus grades (tests/test_adversarial_dask.py grades a part).
CHOSEN = CASES
# The case tests' arguments, and which cases of the module's CHOSEN each one runs on.
KINDS = {
    "graded_case": lambda case: not case.refused,
    "problem_case": lambda case: case.problem,
    "refused_case": lambda case: case.refused,
}
CSVS = ("grades.csv", "checks.csv", "submissions.csv")


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(2**20):
            digest.update(chunk)
    return digest.hexdigest()


def digests(folder, skip=("__pycache__", ".git", ".venv")):
    """{relative path: sha256} of every file under `folder`.

    An iterative walk: rglob and os.walk recurse once per level, and a case nests 2,200.
    Past the system's path length nothing can be opened by path, so nothing is hashed.
    """
    found, pending = {}, [folder]
    while pending:
        try:
            listing = list(os.scandir(pending.pop()))
        except OSError:  # the path is too long
            continue
        for item in (item for item in listing if item.name not in skip):
            if item.is_dir(follow_symlinks=False):
                pending.append(item.path)
            elif item.is_file(follow_symlinks=False):
                found[os.path.relpath(item.path, folder)] = sha256(item.path)
    return dict(sorted(found.items()))


def protected(submissions, out, bait):
    """Everything no submission may change: {name: digests}."""
    course = out / "course"
    return {
        "bait": (bait.read_bytes(), stat.S_IMODE(bait.stat().st_mode)),
        "repository": {
            sub: digests(ROOT / sub)
            for sub in ("solutions", "autograder", "helpers", "lessons", "tests")
        },
        "course source": digests(course / "source"),
        "course config": hashlib.sha256((course / "nbgrader_config.py").read_bytes()).hexdigest(),
        "submissions as handed in": digests(submissions),
        "canary staged": digests(course / "submitted" / CANARY),
        "canary autograded": digests(course / "autograded" / CANARY),
        "canary feedback": digests(out / "feedback" / CANARY),
        "canary rows": [row for row in read(out / "checks.csv") if row["student_id"] == CANARY],
        "canary gradebook": scores(out, CANARY),
    }


def read(path):
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def scores(out, student):
    """{grade cell: (auto, manual, override)} of the student's lesson 2 in the gradebook."""
    with Gradebook(gradebook.sqlite_url(out / "gradebook.db")) as gb:
        submission = gb.find_submission_notebook(LESSON, ASSIGNMENT, student)
        return {
            grade.name: (grade.auto_score, grade.manual_score, grade.extra_credit)
            for grade in submission.grades
        }


def sandbox_processes(workers):
    """Processes running as the sandbox user of any of the `workers` (their pids).

    Other grading runs on the machine have sandbox users of their own workers.
    """
    users = {jail.sandbox_user(pid) for pid in workers}
    return [
        p.info
        for p in psutil.process_iter(["pid", "uids", "cmdline"])
        if p.info["uids"].real in users
    ]


def pytest_generate_tests(metafunc):
    """A case test runs once for each case of its kind that the module's corpus grades."""
    for argument, kind in KINDS.items():
        if argument in metafunc.fixturenames:
            cases = [case for case in metafunc.module.CHOSEN if kind(case)]
            metafunc.parametrize(argument, cases, ids=lambda case: case.name)


@pytest.fixture(scope="module")
def graded_cases(request):
    """The graded cases of the module's corpus."""
    return [case for case in request.module.CHOSEN if not case.refused]


@pytest.fixture(scope="module")
def engine():
    """How the corpus is graded: grade()'s options, here the local pool of WORKERS."""
    return {"workers": WORKERS}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, request, engine):
    root = tmp_path_factory.mktemp("adversarial")
    submissions, out, bait, temp = root / "class", root / "results", root / "bait", root / "tmp"
    for folder in (submissions, temp):
        folder.mkdir()
    bait.write_bytes(BAIT)
    bait.chmod(0o600)
    make(submissions, bait)
    quiet = lambda *args: None  # noqa: E731
    timeout = request.module.CELL_TIMEOUT  # the Dask module's is its own
    options = {"lessons": [2], "cell_timeout": timeout, "say": quiet, **engine}
    # The run's temp folder is one of the test's own, so that other runs on the machine
    # cannot hide or fake what this one leaves.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(temp))
        patch.setattr(tempfile, "tempdir", str(temp))
        try:
            assert batch.grade(submissions, out, students=[CANARY], **options) == 0
            before = protected(submissions, out, bait)
            hostile = [case.student for case in request.module.CHOSEN]
            assert batch.grade(submissions, out, students=hostile, **options) == 0
            # A later run on the same OUT reads back what the batch wrote.
            rerun = [RERUN]
            assert batch.grade(submissions, out, students=rerun, **options) == 0
        finally:
            unmake(submissions)  # the deep folder, which holds no file to compare
    return submissions, out, before, bait, sorted(temp.iterdir())


def checks(out):
    return {(row["student_id"], row["function"]): row for row in read(out / "checks.csv")}


def test_the_corpus_covers_the_threats():
    assert list(FUNCTIONS) == LESSONS[1].functions  # the order the re-check child works in
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the full sandbox is Linux's")
def test_the_sandbox_is_active_on_linux():
    expected = [] if os.geteuid() == 0 else [jail.USER]
    assert jail.missing_protections() == expected


def test_each_case_ends_exactly_as_expected(corpus, graded_case):
    _, out, *_ = corpus
    case = graded_case
    rows = checks(out)
    found = {name: rows[case.name, name]["status"] for name in FUNCTIONS}
    assert found == {name: case.status(name) for name in FUNCTIONS}, case.threat
    for name in FUNCTIONS:
        # The score is the trusted re-check's, whatever the notebook's graded cell said.
        earned = float(rows[case.name, name]["score"])
        assert earned == (POINTS[name] if case.earns(name) else 0.0), name


def test_a_tamper_suspect_gives_both_verdicts_and_is_flagged_in_the_formgrader(corpus):
    _, out, *_ = corpus
    row = checks(out)["input-transformer", "softmax"]
    assert "the notebook's graded cell passed the public cases" in row["message"]
    assert "the trusted re-check failed them" in row["message"]
    with gradebook.open_gradebook(gradebook.sqlite_url(out / "gradebook.db")) as gb:
        flagged = {
            student: gradebook.submitted_notebook(gb, LESSONS[1], student).flagged
            for student in ("input-transformer", CANARY)
        }
    assert flagged == {"input-transformer": True, CANARY: False}


def test_the_grade_is_the_canary_s_less_the_targeted_functions(corpus, graded_cases):
    _, out, *_ = corpus
    grades = {row["student_id"]: float(row["score"]) for row in read(out / "grades.csv")}
    canary = grades[CANARY]
    for case in graded_cases:
        lost = sum(POINTS[name] for name in FUNCTIONS if not case.earns(name))
        if case.status("sigmoid") != "missing":
            # The written answer is graded by hand; none of these submissions has it yet.
            assert grades[case.name] == canary - lost, case.name


def test_nothing_outside_the_students_folders_changed(corpus):
    submissions, out, before, bait, _ = corpus
    after = protected(submissions, out, bait)
    for name in before:
        assert after[name] == before[name], name


def test_the_gradebook_holds_the_trusted_scores_and_nothing_else(corpus, graded_cases):
    _, out, *_ = corpus
    rows = checks(out)
    for case in graded_cases:
        if case.status("sigmoid") == "missing":
            continue
        stored = scores(out, case.name)
        for name in FUNCTIONS:
            auto, manual, extra = stored[name]
            assert manual is None and extra is None, (case.name, name)
            if auto is not None:  # a notebook that ran: its auto scores are the trusted ones
                assert auto == float(rows[case.name, name]["score"]), (case.name, name)


def test_no_process_outlives_the_batch(corpus):
    _, out, *_ = corpus
    workers = [int(db.stem) for db in (out / "course" / "workers").glob("*.db")]
    assert workers
    assert sandbox_processes(workers) == []


def test_each_case_records_its_problem(corpus, problem_case):
    _, out, *_ = corpus
    case = problem_case
    rows = [row for row in read(out / "submissions.csv") if row["student_id"] == case.name]
    problems = [row["problems"] for row in rows]
    assert any(case.problem in problem for problem in problems), (case.threat, problems)


def test_the_bait_is_never_copied(corpus):
    _, out, *_ = corpus
    for path in out.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert BAIT.strip() not in path.read_bytes(), path


def test_the_planted_cells_ran_without_an_error(corpus):
    """The attacks were made: a cell that failed would have planted nothing."""
    _, out, *_ = corpus
    ran = 0
    for path in (out / "course" / "autograded").glob(f"*/{ASSIGNMENT}/*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            if cell.get("id") == "planted":
                ran += 1
                assert [o for o in cell["outputs"] if o["output_type"] == "error"] == [], path
    assert ran == 4  # the notebook-as-link cases and the planted link, pipe and hard links


def test_the_kernels_folders_hold_only_what_nbgrader_wrote(corpus):
    _, out, *_ = corpus
    for path in (out / "course" / "autograded").rglob("*"):
        assert path.is_dir() or stat.S_ISREG(path.lstat().st_mode), path
        assert path.name not in ("litter.txt", "notes.txt", "copy.py", "same.ipynb"), path


def test_nothing_of_the_run_is_left_in_the_temp_folder(corpus):
    *_, left = corpus
    assert left == []


def test_each_refused_submission_is_one_row_and_nothing_else(corpus, refused_case):
    _, out, *_ = corpus
    case = refused_case
    rows = [row for row in read(out / "submissions.csv") if row["student_id"] == case.student]
    assert [row["lesson"] for row in rows] == [""], case.threat
    assert case.refused in rows[0]["problems"]
    for name in ("grades.csv", "checks.csv"):
        assert not [row for row in read(out / name) if row["student_id"] == case.student]
    assert not (out / "unpacked" / case.student).exists()  # nothing of it was kept
    assert not (out / "course" / "submitted" / case.student).exists()


def test_a_rejected_entry_is_never_recorded_under_its_name(corpus):
    _, out, *_ = corpus
    text = "".join((out / name).read_text(encoding="utf-8") for name in CSVS)
    assert FORMULA_FOLDER not in text


def formula_starts(text):
    """The parts of a cell that a spreadsheet splitting on , ; tab or a line would start
    a cell with, and that begin a formula (OWASP: = + - @ tab carriage return)."""
    for separator in ',;\t\r\n"':
        text = text.replace(separator, "\n")
    return [part for part in text.split("\n") if part.startswith(("=", "+", "-", "@"))]


def test_no_csv_cell_can_start_a_formula(corpus):
    _, out, *_ = corpus
    for name in CSVS:
        for row in read(out / name):
            for column, value in row.items():
                if column not in report.NUMERIC:
                    assert not formula_starts(value), (name, column, value)
    message = checks(out)["formula-message", "softmax"]["message"]
    # Shown in full; the formulas after ";" and a line break cannot start a cell.
    assert HYPERLINK in message
    assert ";'=1+1\n'-2+3,'@SUM(A1)" in message


def test_the_csvs_read_the_same_in_csv_and_pandas(corpus):
    _, out, *_ = corpus
    for name in CSVS:
        frame = pandas.read_csv(out / name, dtype=str, keep_default_na=False)
        assert frame.to_dict("records") == read(out / name), name
    for name, column in (("checks.csv", "score"), ("grades.csv", "max_score")):
        assert pandas.api.types.is_numeric_dtype(pandas.read_csv(out / name)[column])


def test_a_huge_message_is_capped_and_a_later_run_reads_it(corpus):
    _, out, *_ = corpus
    row = checks(out)[RERUN, "softmax"]
    assert row["status"] == "error"
    assert len(row["message"]) <= report.MAX_CELL
    assert "truncated" in row["message"]


def test_the_canary_keeps_full_marks(corpus):
    _, out, *_ = corpus
    rows = [row for row in read(out / "checks.csv") if row["student_id"] == CANARY]
    assert {row["status"] for row in rows} == {"passed"}
    assert sum(float(row["score"]) for row in rows) == sum(POINTS[name] for name in FUNCTIONS)
