"""``course check``: the learner's self-check, with the lessons' own judge and public cases.

It prints what ``python -m helpers`` prints in a class, where the course is not
installed: both are :func:`solutions.helpers.checking.report` on the compiled cases,
so a function that passes here passes the graded cells' public cases too. The
arguments are that command's too (:func:`solutions.helpers.checking.add_arguments`).
"""

import importlib
import sys
from pathlib import Path

from solutions.helpers import checking


def import_helpers(use_reference):
    """The package to check: the reference, or the learner's helpers (cwd's first)."""
    if use_reference:
        return importlib.import_module("solutions.helpers")
    if (Path.cwd() / "helpers" / "__init__.py").exists():
        sys.path.insert(0, str(Path.cwd()))
    return importlib.import_module("helpers")


def main(names=(), lessons=(), use_reference=False, say=print):
    """Check the named functions (default: all) of these lessons; return the exit status."""
    try:
        module = import_helpers(use_reference)
    except Exception as exc:  # a syntax error or crash in the learner's files
        say(f"Could not import helpers: {type(exc).__name__}: {exc}")
        say("Fix that first: until helpers imports, no function can be checked.")
        return 1
    return checking.report(module, names, lessons, say)
