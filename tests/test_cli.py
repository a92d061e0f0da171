"""The command line's contract (autograder/cli.py), command by command.

0 when all went well; 1 with one line ``course <command>: <problem>`` on stderr for a
problem the user can fix (a CourseError); 2 with the usage line for a usage error;
any other exception keeps its traceback. Each command is run on good and bad input.
"""

import subprocess
import sys

import pytest

from autograder import cli
from autograder.lessons import LESSONS, ROOT

COMMANDS = (
    "check",
    "lab",
    "build",
    "release",
    "book",
    "grade",
    "export",
    "feedback-zips",
    "sheets",
    "demo",
)


@pytest.fixture
def out(tmp_path):
    """A folder as `course grade` leaves it: grades and one feedback page."""
    folder = tmp_path / "out"
    (folder / "feedback" / "ada").mkdir(parents=True)
    (folder / "feedback" / "ada" / "lesson-01.html").write_text("<html></html>")
    header = "student_id,lesson,score,max_score,needs_manual_grade\n"
    (folder / "grades.csv").write_text(header + "ada,lesson-01,3.0,4.0,False\n")
    return folder


def run(argv, capsys):
    """(exit status, stdout, stderr) of `course argv`, in this process."""
    try:
        status = cli.main(argv)
    except SystemExit as stop:  # argparse's way out: --help, --version, usage errors
        status = stop.code
    printed = capsys.readouterr()
    return status, printed.out, printed.err


GOOD = {
    "version": ["--version"],
    "check the reference": ["check", "--reference"],
    "check two lessons": ["check", "--reference", "--lessons", "1,3"],
    "check one function": ["check", "--reference", "softmax", "--lesson", "2"],
    "build --check": ["build", "--check"],
    "export": ["export", "{out}", "--format", "canvas", "--to", "{tmp}/canvas.csv"],
    "feedback zips": ["feedback-zips", "{out}", "--to", "{tmp}/zips"],
}


@pytest.mark.parametrize("argv", GOOD.values(), ids=GOOD.keys())
def test_good_input_exits_0(argv, out, tmp_path, capsys):
    argv = [a.format(out=out, tmp=tmp_path) for a in argv]
    status, _, err = run(argv, capsys)
    assert (status, err) == (0, "")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command, capsys):
    status, printed, _ = run([command, "--help"], capsys)
    assert status == 0 and f"usage: course {command}" in printed
    assert "example" in printed and f"course {command}" in printed.split("example")[1]


USAGE = {
    "no command": [],
    "unknown command": ["grades"],
    "unknown option": ["check", "--bogus"],
    "unknown function": ["check", "sofmax"],
    "lesson 7": ["check", "--reference", "--lesson", "7"],
    "lesson 0 of 1,0": ["check", "--lessons", "1,0"],
    "lessons not numbers": ["grade", "{tmp}", "--out", "{tmp}/o", "--lessons", "two"],
    "build's unknown option": ["build", "--bogus"],
    "release without its folder": ["release"],
    "release's unknown earlier": ["release", "--course-dir", "{tmp}/c", "--earlier", "none"],
    "grade without --out": ["grade", "{tmp}"],
    "grade's zero limit": ["grade", "{tmp}", "--out", "{tmp}/o", "--limit", "cpu=0"],
    "grade's unknown limit": ["grade", "{tmp}", "--out", "{tmp}/o", "--limit", "gpu=1"],
    "a due date of lesson 9": ["grade", "{tmp}", "--out", "{tmp}/o", "--due", "9=2026-12-01"],
    "a due date that is no date": ["grade", "{tmp}", "--out", "{tmp}/o", "--due", "2=soon"],
    "an unknown late policy": ["grade", "{tmp}", "--out", "{tmp}/o", "--late-policy", "weekly"],
    "an unknown export format": ["export", "{out}", "--format", "blackboard"],
    "feedback zips without --to": ["feedback-zips", "{out}"],
    "book's unknown option": ["book", "--bogus"],
    "demo's unknown option": ["demo", "--bogus"],
}


@pytest.mark.parametrize("argv", USAGE.values(), ids=USAGE.keys())
def test_a_usage_error_exits_2_with_the_usage_line(argv, out, tmp_path, capsys):
    argv = [a.format(out=out, tmp=tmp_path) for a in argv]
    status, printed, err = run(argv, capsys)
    assert status == 2 and printed == ""
    assert err.startswith("usage: course") and "error: " in err and "Traceback" not in err


PROBLEMS = {
    "grade: no such folder": (["grade", "{tmp}/nowhere", "--out", "{tmp}/o"], "not a folder"),
    "grade: out inside the submissions": (
        ["grade", "{tmp}", "--out", "{tmp}/o"],
        "SUBMISSIONS and --out must be separate folders",
    ),
    "grade: an unreadable roster": (
        ["grade", "{out}", "--out", "{tmp}/o", "--roster", "{tmp}/none.csv"],
        "roster",
    ),
    "release inside the repository": (
        ["release", "--course-dir", str(ROOT / "course-here")],
        "outside the repository",
    ),
    "export without grades": (["export", "{tmp}", "--format", "wide"], "has no grades"),
    "feedback zips without feedback": (["feedback-zips", "{tmp}", "--to", "{tmp}/z"], "exist"),
    "book into a file": (["book", "--out", "{out}/grades.csv"], "is a file"),
    "lab on a folder that is no course": (["lab", "--course-dir", "{tmp}"], "course release"),
}


@pytest.mark.parametrize("argv, words", PROBLEMS.values(), ids=PROBLEMS.keys())
def test_a_problem_the_user_can_fix_is_one_line_and_exits_1(argv, words, out, tmp_path, capsys):
    argv = [a.format(out=out, tmp=tmp_path) for a in argv]
    status, _, err = run(argv, capsys)
    command = argv[0]
    assert status == 1, err
    assert err.startswith(f"course {command}: ") and words in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (ROOT / "course-here").exists()


def test_a_bug_keeps_its_traceback(monkeypatch, capsys):
    """Only a CourseError is turned into a line: a ValueError from a bug is not hidden."""

    def broken(args, parser):
        raise ValueError("an internal bug")

    monkeypatch.setattr("autograder.student.commands.run_check", broken)
    with pytest.raises(ValueError, match="an internal bug"):
        cli.main(["check"])


def test_check_and_grade_read_lessons_alike(capsys):
    """One parser of lesson numbers: what check refuses, grade refuses in the same words."""
    _, _, check = run(["check", "--lessons", "6"], capsys)
    _, _, grade = run(["grade", "x", "--out", "y", "--lessons", "6"], capsys)
    words = f"lessons are numbered 1 to {len(LESSONS)}, not '6'"
    assert words in check and words in grade


@pytest.mark.slow  # three fresh interpreters
def test_the_installed_command_keeps_the_contract(tmp_path):
    """Through the `course` script itself: the statuses reach the shell."""

    def course(*args):
        return subprocess.run(
            [sys.executable, "-m", "autograder.cli", *args], capture_output=True, text=True
        )

    assert course("--version").returncode == 0
    usage = course("check", "--lesson", "7")
    assert usage.returncode == 2 and usage.stderr.startswith("usage: course check")
    problem = course("export", str(tmp_path), "--format", "wide")
    assert problem.returncode == 1 and problem.stderr.startswith("course export: ")
