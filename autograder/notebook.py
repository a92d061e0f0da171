"""The hidden half of a lesson's autograded test cell.

``grade("softmax")`` runs the learner's ``helpers.softmax`` on the catalogue's public
cases and on hidden random ones, compares every result with the reference, and raises
AssertionError with a message the learner can act on. Warnings are caught, never
printed: nbgrader scores a cell 0 for any output on stderr, even from a correct function.
"""

import importlib
import os
import secrets
from pathlib import Path

import numpy as np

from .hidden import HIDDEN
from .selfcheck import check_function

SEED_VARIABLE = "COURSE_GRADING_SEED"


def grading_seed():
    """The run's seed: fixed by the grader through the environment, else fresh."""
    return int(os.environ.get(SEED_VARIABLE) or secrets.randbits(32))


def submitted_helpers():
    """The learner's package; at autograde, proven to be the submission's own copy.

    nbgrader runs the notebook in the submission's folder, first on sys.path, but a
    submission without helpers/ would silently import an installed one instead.
    """
    learner = importlib.import_module("helpers")
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        where = Path(getattr(learner, "__file__", None) or "?").resolve()
        assert Path.cwd().resolve() / "helpers" in where.parents, (
            f"helpers was imported from {where}, not from this submission"
        )
    return learner


def grade(name, seed=None):
    """Assert that the learner's `name` matches the reference on public and hidden cases."""
    learner = submitted_helpers()
    reference = importlib.import_module("solutions.helpers")
    rng = np.random.default_rng(grading_seed() if seed is None else seed)
    outcome = check_function(learner, reference, name, HIDDEN[name](rng))
    assert outcome.status == "passed", outcome.message
    print(f"{name}: every public and hidden case passed ({outcome.message})")
