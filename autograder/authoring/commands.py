"""The author's commands, ``course build``, ``course release`` and ``course book``.

Each ``register`` adds its commands to the one parser of :mod:`autograder.cli`; the work
(nbgrader, Sphinx) is imported only when its command runs.
"""

from autograder.authoring import EARLIER


def register(commands):
    build = commands.add_parser(
        "build",
        help="generate helpers/ and lessons/ from solutions/",
        description="Generate the learner's helpers/ and lessons/ from solutions/, the "
        "single source of truth. Files you have edited are never replaced without --force.",
        epilog="examples:\n  course build\n  course build --check      # what CI runs",
    )
    build.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 with a diff if any generated file has drifted",
    )
    build.add_argument(
        "--force",
        action="store_true",
        help="also replace files you have edited (they are backed up first)",
    )
    build.set_defaults(run=run_build)

    release = commands.add_parser(
        "release",
        help="lay out the nbgrader course in a directory",
        description="Write an nbgrader course: nbgrader_config.py, source/ and release/ "
        "for every lesson, with the solutions stripped and checked gone.",
        epilog="example:\n  course release --course-dir ~/logits-course --earlier stubs",
    )
    release.add_argument(
        "--course-dir",
        required=True,
        metavar="DIR",
        help="where to write the course (outside this repository)",
    )
    release.add_argument(
        "--earlier",
        choices=EARLIER,
        default=EARLIER[0],
        help="what each lesson's release holds of the lessons before it: their reference "
        "solutions (release lesson N only after lesson N-1's deadline), or stubs that "
        "students fill with their own earlier work (default: %(default)s)",
    )
    release.set_defaults(run=run_release)

    book = commands.add_parser(
        "book",
        help="build the course as a static HTML textbook",
        description="Execute the solution notebooks and build the course book: the five "
        "lessons with their solutions folded, search, and the API reference of helpers.",
        epilog="examples:\n  course book\n  course book --out ~/logits-book",
    )
    book.add_argument(
        "--out",
        metavar="DIR",
        help="where the site goes: a new or empty folder, or an earlier book "
        "(default: _build/book in the repository)",
    )
    book.set_defaults(run=run_book)


def run_build(args, parser):
    from autograder.authoring import build

    if args.check:
        return 1 if build.check() else 0
    return build.build(force=args.force)


def run_release(args, parser):
    from autograder.authoring import release

    return release.release(args.course_dir, args.earlier)


def run_book(args, parser):
    from autograder.authoring import book

    return book.book(args.out)
