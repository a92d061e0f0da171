"""The one command line: ``course <subcommand>``."""

import argparse
import sys


def lesson_numbers(text):
    """'1,3' -> [1, 3]; the lessons are numbered 1 to 5."""
    try:
        numbers = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of lesson numbers") from None
    if not numbers or not all(1 <= n <= 5 for n in numbers):
        raise argparse.ArgumentTypeError(f"lessons are numbered 1 to 5, not {text!r}")
    return numbers


# `--limit NAME=VALUE`: the sandbox's resource limits, by the names an instructor uses.
LIMIT_NAMES = {
    "cpu": "RLIMIT_CPU",
    "memory": "RLIMIT_AS",
    "processes": "RLIMIT_NPROC",
    "file-size": "RLIMIT_FSIZE",
    "open-files": "RLIMIT_NOFILE",
}
SIZE_SUFFIXES = {"K": 2**10, "M": 2**20, "G": 2**30}


def limit_option(text):
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


def due_option(text):
    """'2=2026-12-01 23:59 UTC' -> (2, that time in UTC); nbgrader's own date parser."""
    from nbgrader.utils import parse_utc

    number, _, when = text.partition("=")
    try:
        lesson = lesson_numbers(number)
        return lesson[0], parse_utc(when)
    except (ValueError, OverflowError, argparse.ArgumentTypeError):
        raise argparse.ArgumentTypeError(
            f"{text!r}: write LESSON=DATE, e.g. 2='2026-12-01 23:59 UTC' (no zone: UTC)"
        ) from None


def parse(argv):
    parser = argparse.ArgumentParser(
        prog="course", description="From Logits to Loss: the course tool."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="generate helpers/ and lessons/ from solutions/")
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 with a diff if any generated file has drifted",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="also replace files you have edited (they are backed up first)",
    )

    p = sub.add_parser("check", help="check your helpers against the public cases")
    p.add_argument("names", nargs="*", metavar="NAME", help="functions to check (default: all)")
    p.add_argument(
        "--lesson",
        type=int,
        action="append",
        default=[],
        metavar="N",
        help="only this lesson (repeatable)",
    )
    p.add_argument(
        "--reference",
        action="store_true",
        help="check the reference solutions instead of your helpers",
    )

    p = sub.add_parser("release", help="lay out the nbgrader course in a directory")
    p.add_argument(
        "--course-dir",
        required=True,
        metavar="DIR",
        help="where to write the course (outside this repository)",
    )
    p.add_argument(
        "--earlier",
        choices=("reference", "stubs"),
        default="reference",
        help="what each lesson's release holds of the lessons before it: their reference "
        "solutions (release lesson N only after lesson N-1's deadline), or stubs that "
        "students fill with their own earlier work (default: reference)",
    )
    p.add_argument(
        "--exchange",
        metavar="DIR",
        help="nbgrader's exchange, outside the course, open to students (created if need "
        "be; default: nbgrader's own, /srv/nbgrader/exchange)",
    )
    p.add_argument(
        "--course-id",
        metavar="ID",
        help="the course id students give nbgrader (default: logits-to-loss)",
    )

    p = sub.add_parser(
        "grade",
        help="grade a class's submissions with nbgrader",
        description="Grade every submission in SUBMISSIONS (nbgrader's submitted/ tree, or one "
        "folder or .zip per student) into OUT: grades.csv, checks.csv, submissions.csv, "
        "feedback/ and the nbgrader gradebook. With --course-dir, grade the course's "
        "submitted/ into its own gradebook, for its formgrader and release_feedback.",
    )
    p.add_argument("submissions", nargs="?", metavar="SUBMISSIONS", help="the submissions")
    p.add_argument("--out", metavar="OUT", help="where results go (default: DIR/grades)")
    p.add_argument("--course-dir", metavar="DIR", help="the course `course release` laid out")
    p.add_argument(
        "--lessons",
        type=lesson_numbers,
        default=[],
        metavar="N[,N...]",
        help="only these lessons, e.g. 1,3 (default: all)",
    )
    p.add_argument(
        "--workers", type=int, metavar="N", help="parallel workers (default: the number of CPUs)"
    )
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="grade on the Dask cluster whose scheduler is at ADDRESS, e.g. "
        "tcp://10.0.0.5:8786, instead of local workers (see the README)",
    )
    p.add_argument(
        "--timeout",
        type=int,
        default=30,
        metavar="SECONDS",
        help="per notebook cell; a whole notebook gets ten times this (default: 30)",
    )
    p.add_argument(
        "--db-url", metavar="URL", help="the gradebook (default: sqlite:///OUT/gradebook.db)"
    )
    p.add_argument(
        "--student",
        action="append",
        default=[],
        metavar="ID",
        help="re-grade only this student (repeatable); everyone else's grades stay",
    )
    p.add_argument(
        "--seed",
        type=int,
        help="the run's secret, for an appeal (default: the one OUT was graded with)",
    )
    p.add_argument(
        "--due",
        type=due_option,
        action="append",
        default=[],
        metavar="N=DATE",
        help="lesson N's due date, e.g. 2='2026-12-01 23:59 UTC' (repeatable); a submission's "
        "time is its timestamp.txt, as nbgrader's exchange writes it",
    )
    p.add_argument(
        "--late-policy",
        choices=("none", "zero"),
        default="none",
        help="what lateness costs: none (recorded in submissions.csv and the gradebook) or "
        "zero (a late lesson scores 0) (default: none)",
    )
    p.add_argument(
        "--roster",
        metavar="CSV",
        help="map an LMS download (Canvas, Moodle) to student ids: columns student_id and "
        "lms_id and/or name",
    )
    p.add_argument(
        "--limit",
        type=limit_option,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a sandbox limit for student code (repeatable): cpu=SECONDS, memory=2G, "
        "processes=64, file-size=64M, open-files=256",
    )

    p = sub.add_parser(
        "export",
        help="one row per student, for Canvas, Moodle or a spreadsheet",
        description="Turn OUT/grades.csv (one row per student and lesson) into one row per "
        "student, with a column per lesson and the total. Lessons not graded stay empty.",
    )
    p.add_argument("out", metavar="OUT", help="the folder course grade wrote")
    p.add_argument("--format", required=True, choices=("canvas", "moodle", "wide"))
    p.add_argument("--to", metavar="FILE", help="where to write (default: OUT/export-FORMAT.csv)")

    p = sub.add_parser(
        "feedback-zips",
        help="one zip of feedback pages per student, for an LMS upload",
        description="Write DIR/<student id>.zip for every student with feedback in "
        "OUT/feedback: their lessons' feedback pages, each one file that opens offline.",
    )
    p.add_argument("out", metavar="OUT", help="the folder course grade wrote")
    p.add_argument("--to", required=True, metavar="DIR", help="where the zips go")

    p = sub.add_parser("demo", help="grade a synthetic class of nine students, end to end")
    p.add_argument("--out", metavar="DIR", help="where to put the class and the results")

    p = sub.add_parser(
        "book",
        help="build the course as a static HTML textbook",
        description="Execute the solution notebooks and build the course book: the five "
        "lessons with their solutions folded, search, and the API reference of helpers.",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="where the site goes: a new or empty folder, or an earlier book "
        "(default: _build/book in the repository)",
    )

    p = sub.add_parser(
        "lab",
        help="start JupyterLab on the lessons",
        description="Start JupyterLab at the course root. Other options "
        "(e.g. --no-browser, --port 8889) are passed to JupyterLab.",
    )
    p.add_argument(
        "--course-dir",
        metavar="DIR",
        help="open the formgrader of a course laid out by `course release`",
    )
    return parser.parse_known_args(argv)


def main(argv=None):
    args, rest = parse(sys.argv[1:] if argv is None else argv)
    if rest and args.command != "lab":
        sys.exit(f"course {args.command}: unrecognised arguments: {' '.join(rest)}")
    try:
        return run(args, rest)
    except ValueError as exc:  # bad input, named: no traceback for it
        sys.exit(f"course {args.command}: {exc}")


def run(args, rest):
    # Import per command: `course check` must start fast, without nbgrader's imports.
    if args.command == "build":
        from . import build

        if args.check:
            return 1 if build.check() else 0
        return build.build(force=args.force)
    if args.command == "check":
        from . import selfcheck

        return selfcheck.main(args.names, args.lesson, args.reference)
    if args.command == "release":
        from . import release

        return release.release(args.course_dir, args.earlier, args.exchange, args.course_id)
    if args.command == "grade":
        from . import grading

        if (args.submissions is None) == (args.course_dir is None) or not (
            args.out or args.course_dir
        ):
            print("course grade: give SUBMISSIONS --out OUT, or --course-dir DIR", file=sys.stderr)
            return 2
        return grading.grade(
            args.submissions,
            args.out,
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
            course_dir=args.course_dir,
        )
    if args.command == "export":
        from . import export

        return export.export(args.out, args.format, args.to)
    if args.command == "feedback-zips":
        from . import feedback

        return feedback.main(args.out, args.to)
    if args.command == "book":
        from . import book

        return book.book(args.out)
    if args.command == "demo":
        from . import demo

        return demo.main(args.out)
    from . import lab

    return lab.main(rest, course_dir=args.course_dir)


if __name__ == "__main__":
    sys.exit(main())
