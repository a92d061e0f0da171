"""The student's commands, ``course check`` and ``course lab``: their arguments and runs.

Each ``register`` adds its commands to the one parser of :mod:`autograder.cli`; the work
is imported only when its command runs, so that ``course check`` starts fast.
"""

from solutions.helpers import checking


def register(commands):
    check = commands.add_parser(
        "check",
        help="check your helpers against the public cases",
        description="Check your helpers on the public cases, as the graded cells do "
        "(python -m helpers in a class).",
        epilog="examples:\n  course check\n  course check softmax logit\n"
        "  course check --lessons 2,3\n  course check --reference",
    )
    checking.add_arguments(check)
    check.add_argument(
        "--reference",
        action="store_true",
        help="check the reference solutions instead of your helpers",
    )
    check.set_defaults(run=run_check)

    lab = commands.add_parser(
        "lab",
        help="start JupyterLab on the lessons",
        description="Start JupyterLab at the course root. Other options "
        "(e.g. --no-browser, --port 8889) are passed to JupyterLab.",
        epilog="examples:\n  course lab\n  course lab --no-browser --port 8889\n"
        "  course lab --course-dir ~/logits-course      # the formgrader",
    )
    lab.add_argument(
        "--course-dir",
        metavar="DIR",
        help="open the formgrader of a course laid out by `course release`",
    )
    lab.set_defaults(run=run_lab, passes_on=True)


def run_check(args, parser):
    problem = checking.unknown_names(args.names)
    if problem:
        parser.error(problem)
    from autograder.student import selfcheck

    return selfcheck.main(args.names, args.lessons, args.reference)


def run_lab(args, parser):
    from autograder.student import lab

    return lab.main(args.rest, course_dir=args.course_dir)
