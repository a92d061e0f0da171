"""The one command line, ``course <command>``, and its contract.

- Each audience's ``commands`` module registers its commands (arguments, help with an
  example, and the function that runs it); this module only assembles them.
- A usage error (an unknown option, function name or lesson, a missing argument) is
  argparse's: the usage line and the problem on stderr, exit status 2.
- A :class:`~autograder.errors.CourseError` (bad input the user can fix) is one line on
  stderr, ``course <command>: <problem>``, exit status 1.
- A reader that leaves early (``course check | head``) ends the command quietly, status 1.
- Anything else is a bug and keeps its traceback.
- Otherwise the command's own status: 0 when all went well, 1 when what was checked
  failed (``course check``, ``course build --check``).
"""

import argparse
import os
import sys
from importlib import metadata

from autograder.authoring import commands as authoring
from autograder.errors import CourseError
from autograder.grading import commands as grading
from autograder.student import commands as student

AUDIENCES = (student, authoring, grading)


def parser():
    course = argparse.ArgumentParser(
        prog="course",
        description="From Logits to Loss: the course tool.",
        epilog="Run `course COMMAND --help` for a command's options and examples.",
    )
    course.add_argument(
        "--version", action="version", version=f"%(prog)s {metadata.version('logits-to-loss')}"
    )
    commands = course.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for audience in AUDIENCES:
        audience.register(commands)
    return course, commands


def main(argv=None):
    course, commands = parser()
    args, rest = course.parse_known_args(sys.argv[1:] if argv is None else argv)
    chosen = commands.choices[args.command]
    if rest and not getattr(args, "passes_on", False):
        chosen.error(f"unrecognized arguments: {' '.join(rest)}")
    args.rest = rest
    try:
        status = args.run(args, chosen)
        sys.stdout.flush()  # where a reader that left early is met, if not before
        return status
    except CourseError as exc:
        print(f"course {args.command}: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader of our output left (`course check | head`): stop quietly, as `cat`
        # does. Python's own flush at exit would fail again, so stdout goes nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
