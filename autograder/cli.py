"""The one command line: ``course <subcommand>``."""

import argparse
import sys


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

        return release.release(args.course_dir)
    from . import lab

    return lab.main(rest, course_dir=args.course_dir)


if __name__ == "__main__":
    sys.exit(main())
