"""The instructor's commands: ``course grade``, ``export``, ``feedback-zips``, ``sheets``,
``report`` and ``demo``.

Each ``register`` adds its commands to the one parser of :mod:`autograder.cli`; the work
(nbgrader, the sandbox, Dask) is imported only when its command runs. Every default
shown in ``--help`` is the constant the work itself uses.
"""

import argparse
import os
from datetime import datetime
from pathlib import Path

from autograder.commandline import Commands, add_command
from autograder.grading import EXPORT_FORMATS, LATE_POLICIES
from autograder.sandbox.jail import CELL_TIMEOUT, LIMITS
from solutions.helpers.checking import lesson_numbers

# `--limit NAME=VALUE`: the sandbox's resource limits, by the names an instructor uses.
LIMIT_NAMES = {
    "cpu": "RLIMIT_CPU",
    "memory": "RLIMIT_AS",
    "processes": "RLIMIT_NPROC",
    "file-size": "RLIMIT_FSIZE",
    "open-files": "RLIMIT_NOFILE",
}
SIZE_SUFFIXES = {"K": 2**10, "M": 2**20, "G": 2**30}


def limit_option(text: str) -> tuple[str, int]:
    """'memory=4G' -> ('RLIMIT_AS', 4 * 2**30); seconds, bytes (K, M, G) or counts."""
    name, _, value = text.partition("=")
    if name not in LIMIT_NAMES:
        known = ", ".join(LIMIT_NAMES)
        raise argparse.ArgumentTypeError(f"{name!r} is not a limit: use one of {known}")
    scale = SIZE_SUFFIXES.get(value[-1:].upper(), 1)
    digits = value[:-1] if scale > 1 else value
    if not digits.isdigit() or int(digits) == 0:
        raise argparse.ArgumentTypeError(f"{text!r}: the value must be a positive whole number")
    return LIMIT_NAMES[name], int(digits) * scale


def shown_limit(name: str) -> str:
    """A default limit as --limit writes it: 'memory=2G'."""
    value = LIMITS[LIMIT_NAMES[name]]
    for suffix, scale in reversed(SIZE_SUFFIXES.items()):
        if value >= scale and value % scale == 0:
            return f"{name}={value // scale}{suffix}"
    return f"{name}={value}"


def due_option(text: str) -> tuple[int, datetime]:
    """'2=2026-12-01 23:59 UTC' -> (2, that time in UTC); nbgrader's own date parser."""
    from nbgrader.utils import parse_utc

    number, _, when = text.partition("=")
    try:
        return lesson_numbers(number)[0], parse_utc(when)
    except (ValueError, OverflowError, argparse.ArgumentTypeError):
        raise argparse.ArgumentTypeError(
            f"{text!r}: write LESSON=DATE, e.g. 2='2026-12-01 23:59 UTC' (no zone: UTC)"
        ) from None


LESSONS_HELP = "only these lessons, e.g. 1,3 (default: all)"


def add_lessons(parser: argparse.ArgumentParser, help: str = LESSONS_HELP) -> None:
    """``--lessons N[,N...]``, parsed as ``course check`` and ``python -m helpers`` do."""
    parser.add_argument(
        "--lessons", type=lesson_numbers, action="extend", default=[], metavar="N[,N...]", help=help
    )


def add_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", metavar="OUT", help="the folder course grade wrote")


def register(commands: Commands) -> None:
    register_grade(commands)
    export = add_command(
        commands,
        "export",
        run_export,
        "one row per student, for Canvas, Moodle or a spreadsheet",
        ["course export ~/logits-grades --format canvas"],
        description="Turn OUT/grades.csv (one row per student and lesson) into one row per "
        "student, with a column per lesson and the total. Lessons not graded stay empty.",
    )
    add_out(export)
    export.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    export.add_argument("--to", metavar="FILE", help="where to (default: OUT/export-FORMAT.csv)")

    zips = add_command(
        commands,
        "feedback-zips",
        run_feedback_zips,
        "one zip of feedback pages per student, for an LMS upload",
        ["course feedback-zips ~/logits-grades --to ~/logits-feedback"],
        description="Write DIR/<student id>.zip for every student with feedback in "
        "OUT/feedback: their lessons' feedback pages, each one file that opens offline.",
    )
    add_out(zips)
    zips.add_argument("--to", required=True, metavar="DIR", help="where the zips go")

    sheets = add_command(
        commands,
        "sheets",
        run_sheets,
        "the written answers to grade by hand, beside the model answer",
        ["course sheets ~/logits-grades --to ~/logits-sheets --lessons 2"],
        description="Write DIR/lesson-0N.html for every lesson graded into OUT: each written "
        "question, and every student's answer beside the model answer, with the grade id and "
        "points to enter in the formgrader. One file per lesson that opens offline and prints.",
    )
    add_out(sheets)
    sheets.add_argument("--to", required=True, metavar="DIR", help="where the sheets go")
    add_lessons(sheets, "only these lessons, e.g. 1,3 (default: every lesson graded)")

    class_report = add_command(
        commands,
        "report",
        run_report,
        "what the class misunderstands: the named mistakes per function, and who holds them",
        ["course report ~/logits-grades", "course report ~/logits-grades --to ~/show --anonymous"],
        description="Write DIR/index.html and DIR/misconceptions.csv from what course grade "
        "left in OUT (course grade writes them into OUT/report after every run): per lesson "
        "and function, who attempted, passed and failed it, and each named mistake with how "
        "many students hold it. One private page that opens offline.",
    )
    add_out(class_report)
    class_report.add_argument(
        "--to", metavar="DIR", help="where the report goes (default: OUT/report)"
    )
    class_report.add_argument(
        "--anonymous", action="store_true", help="counts only, no student id: to show the class"
    )

    demo = add_command(
        commands,
        "demo",
        run_demo,
        "grade a synthetic class of nine students, end to end",
        ["course demo", "course demo --out ~/logits-demo"],
    )
    demo.add_argument("--out", metavar="DIR", help="where to put the class and the results")


def register_grade(commands: Commands) -> None:
    grade = add_command(
        commands,
        "grade",
        run_grade,
        "grade a class's submissions with nbgrader",
        [
            "course grade --course-dir ~/logits-course",
            "course grade --course-dir ~/logits-course --lessons 1,2 \\\n"
            "      --due 2='2026-12-01 23:59 UTC' --late-policy zero",
            "course grade ~/Downloads/submissions --out ~/logits-grades",
            "course grade ~/Downloads/canvas --out ~/logits-grades --roster roster.csv",
            "course grade ~/Downloads/submissions --out ~/logits-grades --student ada",
        ],
        description="Grade a course's submitted/ (--course-dir, what nbgrader collect "
        "gathered) into its own gradebook, for its formgrader and release_feedback; or "
        "SUBMISSIONS (one folder or .zip per student, an LMS download) into OUT: "
        "grades.csv, checks.csv, submissions.csv, feedback/ and the nbgrader gradebook.",
    )
    grade.add_argument(
        "submissions", nargs="?", metavar="SUBMISSIONS", help="a folder of submissions"
    )
    grade.add_argument("--out", metavar="OUT", help="where results go (default: DIR/grades)")
    grade.add_argument(
        "--course-dir", metavar="DIR", help="the course `course release` laid out, instead"
    )
    add_lessons(grade)
    grade.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help=f"parallel workers (default: the number of CPUs, {os.cpu_count()} here)",
    )
    grade.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="grade on the Dask cluster whose scheduler is at ADDRESS, e.g. "
        "tcp://10.0.0.5:8786, instead of local workers (see docs/instructors.md)",
    )
    grade.add_argument(
        "--timeout",
        type=int,
        default=CELL_TIMEOUT,
        metavar="SECONDS",
        help="per notebook cell; a whole notebook gets ten times this (default: %(default)s)",
    )
    grade.add_argument(
        "--db-url", metavar="URL", help="the gradebook (default: sqlite:///OUT/gradebook.db)"
    )
    grade.add_argument(
        "--student",
        action="append",
        default=[],
        metavar="ID",
        help="re-grade only this student (repeatable); everyone else's grades stay",
    )
    grade.add_argument(
        "--seed",
        type=int,
        help="the run's secret, for an appeal (default: the one OUT was graded with)",
    )
    grade.add_argument(
        "--due",
        type=due_option,
        action="append",
        default=[],
        metavar="N=DATE",
        help="lesson N's due date, e.g. 2='2026-12-01 23:59 UTC' (repeatable); a submission's "
        "time is its timestamp.txt, as nbgrader's exchange writes it",
    )
    grade.add_argument(
        "--late-policy",
        choices=LATE_POLICIES,
        default=LATE_POLICIES[0],
        help="what lateness costs: none (recorded in submissions.csv and the gradebook) or "
        "zero (a late lesson scores 0) (default: %(default)s)",
    )
    grade.add_argument(
        "--roster",
        metavar="CSV",
        help="map an LMS download (Canvas, Moodle) to student ids: columns student_id and "
        "lms_id and/or name",
    )
    grade.add_argument(
        "--limit",
        type=limit_option,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a sandbox limit for student code (repeatable); the defaults: cpu=the time "
        f"allowed, {', '.join(shown_limit(name) for name in list(LIMIT_NAMES)[1:])}",
    )


def run_grade(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if (args.submissions is None) == (args.course_dir is None):
        parser.error("grade SUBMISSIONS --out OUT, or a course with --course-dir DIR")
    if args.submissions is not None and args.out is None:
        parser.error("SUBMISSIONS needs --out OUT: where the results go")
    from autograder.grading import batch

    return batch.grade(
        None if args.submissions is None else Path(args.submissions),
        None if args.out is None else Path(args.out),
        lessons=args.lessons,
        workers=args.workers,
        cell_timeout=args.timeout,
        db_url=args.db_url,
        students=args.student,
        seed=args.seed,
        limits=dict(args.limit),
        roster=args.roster,
        due=dict(args.due),
        late_policy=args.late_policy,
        cluster=args.cluster,
        course_dir=None if args.course_dir is None else Path(args.course_dir),
    )


def run_export(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from autograder.grading import export

    return export.export(args.out, args.format, args.to)


def run_feedback_zips(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from autograder.grading import feedback

    return feedback.main(args.out, args.to)


def run_report(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from autograder.grading import classreport

    classreport.write(args.out, args.to, args.anonymous)
    return 0


def run_demo(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from autograder.grading import demo

    return demo.main(args.out)


def run_sheets(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from autograder.grading import sheets

    return sheets.main(args.out, args.to, args.lessons)
