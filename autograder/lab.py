"""``course lab``: start JupyterLab at the course root, on lessons/, after checking the set-up."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from .lessons import ROOT


def environment_problems(root=ROOT):
    """What would make the course misbehave in this Python environment, in plain words."""
    problems = []
    for package in ("jupyterlab", "nbgrader", "numpy", "scipy"):
        if importlib.util.find_spec(package) is None:
            problems.append(f"{package} is not installed in {sys.prefix}.")
    spec = importlib.util.find_spec("helpers")
    expected = root / "helpers" / "__init__.py"
    if spec is None or spec.origin is None:
        problems.append("`import helpers` finds nothing.")
    elif Path(spec.origin).resolve() != expected.resolve():
        problems.append(
            f"`import helpers` finds {spec.origin}, not this course's {expected}: "
            "your work would not be the code that runs."
        )
    return problems


def main(jupyter_args=(), course_dir=None, out=print):
    """Start JupyterLab on lessons/, or on the formgrader of a released course."""
    problems = environment_problems()
    if problems:
        out("The course cannot start in this environment:")
        for problem in problems:
            out(f"  - {problem}")
        out(f"Fix: from {ROOT}, run  python3 -m pip install -e .  (in the venv you use).")
        return 1
    root, landing = ROOT, "/lab/tree/lessons"
    if course_dir is not None:
        root, landing = Path(course_dir).resolve(), "/formgrader"
        if not (root / "nbgrader_config.py").exists():
            out(f"{root} has no nbgrader_config.py: lay the course out with `course release`.")
            return 1
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url={landing}",
        # The course works offline: no news feed, no update checks against the internet.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *jupyter_args,
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Containers and CI machines often run as root; Jupyter refuses that by default.
        out("Running as root: starting JupyterLab with --allow-root.")
        command.append("--allow-root")
    try:
        return subprocess.call(command, cwd=root)  # nbgrader reads its config from the cwd
    except KeyboardInterrupt:
        return 0
