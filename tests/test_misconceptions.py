"""The one vocabulary of named mistakes (helpers/misconceptions.py), and the class report
built on it (autograder/grading/classreport.py), on rows written here.

The report of real gradings is tested where the gradings are: the demo class in
tests/test_grade.py, the mistakes corpus in tests/test_mistakes_graded.py.
"""

import csv
import re
import stat

import pytest
from mistakes import MISTAKES, learner_module
from named_mistakes import NAMED

from autograder.errors import CourseError
from autograder.grading import classreport, feedback, report
from solutions.helpers import checking
from solutions.helpers.misconceptions import BY_ID, MISCONCEPTIONS, RULES, UNNAMED, name_of

BY_NAME = {m.name: m for m in MISTAKES}


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_each_mistake_of_the_corpus_has_its_name(name):
    mistake = BY_NAME[name]
    outcome = checking.outcome_of(learner_module(mistake), checking.compiled()[1][mistake.function])
    assert name_of(outcome.message) == NAMED[name], outcome.message


def test_the_table_covers_the_corpus_and_names_most_of_it():
    assert NAMED.keys() == BY_NAME.keys()
    assert set(NAMED.values()) - {UNNAMED} <= BY_ID.keys()
    unnamed = [name for name, named in NAMED.items() if named == UNNAMED]
    assert len(unnamed) <= len(NAMED) // 5, unnamed  # the vocabulary names four in five


def test_every_rule_names_a_known_mistake_and_every_mistake_has_a_rule():
    assert {id for id, _ in RULES} == {known.id for known in MISCONCEPTIONS}
    assert len(BY_ID) == len(MISCONCEPTIONS)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", known.id) for known in MISCONCEPTIONS)


def test_the_calls_arguments_are_data_not_words():
    """`axis=0` in the call shown is not the wrong axis; the same words after it are."""
    call = "softmax([1, 2], axis=0) returned [0.5, 0.5], expected [0.27, 0.73]"
    assert name_of(call) == UNNAMED
    assert name_of(call + ": with axis=0 each column sums to one") == "wrong-axis"


# -- the report, on rows written here --------------------------------------------------

HOSTILE = "<script>alert(1)</script>"  # a message is a student's data


def row(student, status, message="", lesson="lesson-02", function="softmax"):
    return {
        "student_id": student,
        "lesson": lesson,
        "grade_id": function,
        "function": function,
        "score": "2" if status == "passed" else "0",
        "max_score": "2",
        "status": status,
        "message": message,
    }


OVERFLOW = "softmax([1000, 0]) returned [nan, 0], expected [1, 0]: exp overflowed: subtract the max"
CHECKS = [
    row("ada", "passed"),
    row("ben", "failed", OVERFLOW),
    row("cy", "failed", OVERFLOW),
    row("dee", "failed", f"softmax([1]) returned {HOSTILE}, expected [1]"),
    row("eli", "not_implemented", "softmax is not yet implemented"),
    row("fay", "tamper_suspect", f"the notebook's graded cell passed {HOSTILE}"),
]


def test_the_tally_counts_who_attempted_passed_and_holds_each_mistake():
    function = classreport.tally(CHECKS)["lesson-02", "softmax"]
    assert function.attempted == {"ada", "ben", "cy", "dee", "fay"}  # eli wrote nothing
    assert function.passed == {"ada"} and function.wrong == {"ben", "cy", "dee"}
    assert function.ranked() == [("no-max-shift", {"ben", "cy"}), (UNNAMED, {"dee"})]
    assert function.share({"ben", "cy"}) == pytest.approx(2 / 5)


@pytest.fixture
def out(tmp_path):
    """A graded OUT as course grade leaves it, with a hostile student id and message."""
    folder = tmp_path / "out"
    folder.mkdir()
    hostile_id = "=HYPERLINK(1)"
    checks = [*CHECKS, row(hostile_id, "failed", OVERFLOW)]
    grades = [
        {
            "student_id": r["student_id"],
            "lesson": r["lesson"],
            "score": r["score"],
            "max_score": "2",
            "needs_manual_grade": "false",
        }
        for r in checks
    ]
    submissions = [
        {
            "student_id": r["student_id"],
            "lesson": r["lesson"],
            "source": "x",
            "helpers_sha256": "",
            "seed": "1",
            "notebook_run": "ran",
            "feedback": "yes",
            "timestamp": "2026-12-01T10:00:00+00:00",
            "seconds_late": "0",
            "problems": "slow: the notebook ran for 200 s of its 300 s"
            if r["student_id"] == "cy"
            else "",
        }
        for r in checks
    ]
    for name, fields, rows in (
        ("checks.csv", report.CHECKS, checks),
        ("grades.csv", report.GRADES, grades),
        ("submissions.csv", report.SUBMISSIONS, submissions),
    ):
        with (folder / name).open("w", newline="") as f:
            writer = csv.DictWriter(f, fields)
            writer.writeheader()
            writer.writerows(rows)
    (folder / "feedback" / "ben").mkdir(parents=True)  # ben's page only: cy's is gone
    (folder / "feedback" / "ben" / "lesson-02.html").write_text("<p>ben's feedback</p>")
    return folder


def test_the_report_names_the_mistakes_and_holds_nothing_a_student_could_run(out):
    page = classreport.write(out, say=lambda *args: None)
    html = page.read_text()
    assert page == out / "report" / "index.html"
    assert "no-max-shift" in html and "exponentiates without shifting" in html
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert "<script" not in html.lower()
    assert re.search(r"script-src\s*;", html), "the policy lets no script run"
    assert 'href="../feedback/ben/lesson-02.html"' in html  # for office hours
    assert "/cy/" not in html, "no link to a page that is not there"
    assert "fay" in html and "tamper_suspect" in html  # the flags for a person
    assert "slow: the notebook ran" in html
    assert html.count("data:image/png;base64,") == 2  # lesson 2's figure and the scores


def test_the_csv_counts_and_is_safe_in_a_spreadsheet(out):
    classreport.write(out, say=lambda *args: None)
    rows = report.read_csv(out / "report" / classreport.CSV)
    first = rows[0]
    assert (first["mistake"], first["students"], first["attempted"]) == ("no-max-shift", "3", "6")
    assert first["who"] == "'=HYPERLINK(1) ben cy"  # never the start of a formula
    assert [r["mistake"] for r in rows] == ["no-max-shift", UNNAMED]


def test_the_report_is_the_instructors_alone(out):
    page = classreport.write(out, say=lambda *args: None)
    assert stat.S_IMODE(page.parent.stat().st_mode) == 0o700
    for path in page.parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_the_anonymous_report_holds_counts_and_no_student_id(out, tmp_path):
    shown = tmp_path / "shown"
    classreport.write(out, shown, anonymous=True, say=lambda *args: None)
    text = "".join(path.read_text() for path in shown.iterdir())
    assert "no-max-shift" in text
    for student in ("ada", "ben", "cy", "dee", "eli", "fay", "HYPERLINK"):
        assert not re.search(rf"\b{student}\b", text), student


def test_a_folder_course_grade_did_not_write_is_refused_by_name(tmp_path):
    with pytest.raises(CourseError, match=r"checks\.csv"):
        classreport.write(tmp_path, say=lambda *args: None)


def test_the_feedback_names_the_mistake_with_the_same_words():
    """The student's page names the mistake as the instructor's report counts it."""
    hide = feedback.path_hider("ben", "lesson-02")
    shown = feedback.shown_verdict({"status": "failed", "message": OVERFLOW}, hide)
    assert shown["mistake"] == "no-max-shift" and shown["means"] == BY_ID["no-max-shift"].says
    unnamed = feedback.shown_verdict({"status": "failed", "message": "softmax(1) returned 2"}, hide)
    passed = feedback.shown_verdict({"status": "passed", "message": "12 cases"}, hide)
    assert "mistake" not in unnamed and "mistake" not in passed


def test_across_the_term_a_mistake_in_two_lessons_and_a_falling_score_are_shown():
    later = (
        "cross_entropy_loss([1000, 0]) returned nan, expected 0: exp overflowed: subtract the max"
    )
    checks = [*CHECKS, row("ben", "failed", later, "lesson-05", "cross_entropy_loss")]
    checks += [row("cy", "passed", "", "lesson-05", "cross_entropy_loss")]
    assert classreport.recurring(classreport.tally(checks)) == [
        {
            "mistake": "no-max-shift",
            "lessons": {"lesson-02": 2, "lesson-05": 1},
            "again": ["ben"],  # cy mended it
        }
    ]
    grades = [
        {"student_id": "ben", "lesson": "lesson-01", "score": "9", "max_score": "10"},
        {"student_id": "ben", "lesson": "lesson-02", "score": "5", "max_score": "10"},
        {"student_id": "cy", "lesson": "lesson-01", "score": "9", "max_score": "10"},
        {"student_id": "cy", "lesson": "lesson-02", "score": "7", "max_score": "10"},
    ]
    assert classreport.falling(grades) == [
        {"student": "ben", "from": "lesson-01", "to": "lesson-02", "before": 0.9, "after": 0.5}
    ]
