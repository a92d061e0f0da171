"""The author's commands, ``course build``, ``course release``, ``course book`` and ``course docs``.

Each ``register`` adds its commands to the one parser of :mod:`autograder.cli`; the work
(nbgrader, Sphinx) is imported only when its command runs.
"""

import argparse

from autograder.authoring import EARLIER, course
from autograder.commandline import Commands, add_command, add_flag


def register(commands: Commands) -> None:
    build = add_command(
        commands,
        "build",
        run_build,
        "generate helpers/ and lessons/ from solutions/",
        ["course build", "course build --check      # what CI runs"],
        description="Generate the learner's helpers/ and lessons/ from solutions/, the "
        "single source of truth. Files you have edited are never replaced without --force.",
    )
    add_flag(build, "--check", "write nothing; exit 1 with a diff if a generated file drifted")
    add_flag(build, "--force", "also replace files you have edited (they are backed up first)")

    release = add_command(
        commands,
        "release",
        run_release,
        "lay out the nbgrader course in a directory",
        [
            "course release --course-dir ~/logits-course",
            "course release --course-dir ~/logits-course --earlier stubs --exchange ~/exchange",
        ],
        description="Write an nbgrader course, readable by you alone: nbgrader_config.py "
        "(naming the course id and the exchange students reach), source/ and release/ for "
        "every lesson, with no solution in either.",
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
    release.add_argument(
        "--exchange",
        metavar="DIR",
        help="nbgrader's exchange, outside the course, open to students (created if need "
        f"be; default: nbgrader's own, {course.EXCHANGE})",
    )
    release.add_argument(
        "--course-id",
        metavar="ID",
        help=f"the course id students give nbgrader (default: {course.COURSE_ID})",
    )

    book = add_command(
        commands,
        "book",
        run_book,
        "build the course as a static HTML textbook",
        ["course book", "course book --out ~/logits-book"],
        description="Execute the solution notebooks and build the course book: the five "
        "lessons with their solutions folded, search, and the API reference of helpers.",
    )
    book.add_argument(
        "--out",
        metavar="DIR",
        help="where the site goes: a new or empty folder, or an earlier book "
        "(default: _build/book in the repository)",
    )

    docs = add_command(
        commands,
        "docs",
        run_docs,
        "build the project's documentation as a static HTML site",
        ["course docs", "course docs --to ~/logits-docs"],
        description="Build docs/, the guides for each reader and the internals, into a "
        "site that needs no network; any warning fails the build.",
    )
    docs.add_argument(
        "--to",
        metavar="DIR",
        help="where the site goes: a new or empty folder, or an earlier docs site "
        "(default: _build/docs in the repository)",
    )


def run_build(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from autograder.authoring import build

    if args.check:
        return 1 if build.check() else 0
    return build.build(force=args.force)


def run_release(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from autograder.authoring import release

    return release.release(args.course_dir, args.earlier, args.exchange, args.course_id)


def run_book(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from autograder.authoring import book

    return book.book(args.out)


def run_docs(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from autograder.authoring import docs

    return docs.docs(args.to)
