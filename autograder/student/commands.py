"""The student's commands, ``course check`` and ``course lab``: their arguments and runs.

Each ``register`` adds its commands to the one parser of :mod:`autograder.cli`; the work
is imported only when its command runs, so that ``course check`` starts fast.
"""

import argparse

from autograder.commandline import Commands, add_command, add_flag
from solutions.helpers import checking


def register(commands: Commands) -> None:
    check = add_command(
        commands,
        "check",
        run_check,
        "check your helpers against the public cases",
        ["course check", "course check softmax logit", "course check --lessons 2,3"],
        description="Check your helpers on the public cases, as the graded cells do "
        "(python -m helpers in a class).",
    )
    checking.add_arguments(check)
    add_flag(check, "--reference", "check the reference solutions instead of your helpers")

    lab = add_command(
        commands,
        "lab",
        run_lab,
        "start JupyterLab on the lessons",
        ["course lab", "course lab --no-browser --port 8889", "course lab --course-dir ~/course"],
        description="Start JupyterLab at the course root, or with --course-dir on the "
        "formgrader of a course. Other options (--no-browser, --port 8889) go to JupyterLab.",
    )
    lab.add_argument(
        "--course-dir",
        metavar="DIR",
        help="open the formgrader of a course laid out by `course release`",
    )
    lab.set_defaults(passes_on=True)


def run_check(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    problem = checking.usage_problem(args.names, args.lessons)
    if problem:
        parser.error(problem)
    from autograder.student import selfcheck

    return selfcheck.main(args.names, args.lessons, args.reference)


def run_lab(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from autograder.student import lab

    return lab.main(args.rest, course_dir=args.course_dir)
