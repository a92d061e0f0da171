"""Packaging and set-up: pyproject.toml, environment.yml, the README's commands and CI."""

import importlib.metadata
import re
import sys

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from autograder.lessons import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
README = (ROOT / "README.md").read_text()


def pip_requirements():
    project = PYPROJECT["project"]
    reqs = [
        Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    ]
    return {r.name.lower(): r.specifier for r in reqs}


def conda_requirements():
    """Conda's packages and, for those conda-forge lacks, the pip section's."""
    deps = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    specs = {}
    for dep in deps:
        if isinstance(dep, str) and dep.split()[0] not in ("python", "pip"):
            name, _, bounds = dep.partition(" ")
            specs[name.lower()] = SpecifierSet(bounds.replace(" ", ""))
        elif isinstance(dep, dict):
            reqs = [Requirement(r) for r in dep["pip"] if not r.startswith("-")]
            specs.update({r.name.lower(): r.specifier for r in reqs})
    return specs


def test_environment_yml_has_the_same_packages_as_pyproject():
    assert sorted(conda_requirements()) == sorted(pip_requirements())


def test_environment_yml_bounds_do_not_contradict_pyproject():
    conda = conda_requirements()
    for name, spec in pip_requirements().items():
        assert conda[name] == spec, f"{name}: pyproject says {spec}, environment.yml {conda[name]}"


def test_environment_yml_installs_the_project_with_pip():
    deps = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    assert "-e ." in pip_section


def test_distribution_ships_the_packages_and_the_course_command():
    assert PYPROJECT["project"]["name"] == "logits-to-loss"
    assert PYPROJECT["project"]["requires-python"] == ">=3.10"
    assert {"helpers", "solutions", "solutions.helpers", "autograder"} <= set(
        PYPROJECT["tool"]["setuptools"]["packages"]
    )
    scripts = importlib.metadata.entry_points(group="console_scripts")
    assert scripts["course"].value == "autograder.cli:main"


def quickstart_commands():
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^    (python3 -m venv .+)$", section, flags=re.M)


def test_readme_quickstart_opens_with_the_two_setup_commands():
    start, test = quickstart_commands()[:2]
    assert start.endswith("course lab") and "pip install -e ." in start
    assert '".[dev]"' in test and test.endswith("python -m pytest")


def test_ci_runs_exactly_the_readme_test_command():
    test_command = quickstart_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_command in ci_lines


def test_readme_is_under_1500_words():
    """Counted as `wc -w` counts: every run of non-space characters, code blocks included."""
    words = len(README.split())
    assert words < 1500, f"README.md has {words} words: move the detail into a page of docs/"
