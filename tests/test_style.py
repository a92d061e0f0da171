"""The project keeps one style: ruff's lint and format, and mypy on the grader, as configured
in pyproject.toml."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.lessons import ROOT

RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed (it comes with the dev extra)")
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean(command):
    run = subprocess.run([RUFF, *command, "."], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


MYPY = shutil.which("mypy", path=str(Path(sys.executable).parent)) or shutil.which("mypy")


@pytest.mark.slow  # about half a minute: mypy reads NumPy's and nbgrader's code
@pytest.mark.skipif(MYPY is None, reason="mypy is not installed (it comes with the dev extra)")
def test_the_grader_type_checks():
    """checks/ and grading/: every function annotated, every annotation consistent."""
    run = subprocess.run([MYPY], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
