"""The packages of autograder/ depend one way, and the sandbox's own files import little.

docs/architecture.md gives the split and why; these tests keep it true. Every import is
read from the source, lazy ones inside functions included.
"""

import ast
import sys

import pytest

from autograder.lessons import ROOT

PACKAGES = ("checks", "student", "authoring", "grading", "sandbox")
# What each package may import of the others: the data flows checks -> authoring ->
# sandbox -> grading, and the student's tools stand apart.
ALLOWED = {
    "checks": set(),
    "student": set(),
    "authoring": {"checks", "sandbox"},
    "sandbox": {"checks"},
    "grading": {"checks", "authoring", "sandbox"},
}
# Files that run before the sandbox exists or inside it, where the course's packages are
# masked: the standard library, NumPy, and what each names here.
MINIMAL = {
    "autograder/sandbox/jail.py": set(),
    "autograder/sandbox/files.py": set(),
    "autograder/sandbox/child.py": {
        "scipy",
        "solutions",
        "course_judge",
        "course_sandbox",
        "helpers",  # the learner's own
    },
    "solutions/helpers/judge.py": set(),
}


def imported(path):
    """Every module `path` imports, as dotted names, relative imports resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(filter(None, (base, node.module)))
            names += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return names


def package_of(name):
    parts = name.split(".")
    return parts[1] if parts[0] == "autograder" and len(parts) > 1 else None


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_only_the_packages_before_it(package):
    wrong = []
    for path in sorted((ROOT / "autograder" / package).rglob("*.py")):
        for name in imported(path):
            other = package_of(name)
            if other in PACKAGES and other != package and other not in ALLOWED[package]:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, "\n".join(wrong)


def module_of(name):
    """The source file of the dotted module `name` in this repository, or None."""
    path = ROOT.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def cycle_in(graph):
    """One import cycle of `graph` ({module: modules it imports}) as a list, or None."""
    state = {}  # "open" while its imports are being followed, "done" after

    def visit(node, path):
        state[node] = "open"
        for other in sorted(graph[node]):
            if state.get(other) == "open":
                return [*path[path.index(other) :], other]
            if other not in state and (found := visit(other, [*path, other])):
                return found
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node, [node])):
            return found
    return None


@pytest.mark.parametrize("package", PACKAGES)
def test_no_two_modules_of_a_package_import_each_other_even_through_others(package):
    """Inside a package the imports point one way too: a stage imports the stages below it."""
    folder = ROOT / "autograder" / package
    graph = {}
    for path in sorted(folder.rglob("*.py")):
        found = {module_of(name) for name in imported(path)}
        graph[path] = {other for other in found if other and folder in other.parents} - {path}
    cycle = cycle_in(graph)
    assert cycle is None, " -> ".join(str(p.relative_to(ROOT)) for p in cycle)


def test_the_cycle_finder_finds_a_cycle_through_three_modules():
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": set()}) is None


LONGEST = 800  # lines: a file a newcomer can read through
# Files allowed past LONGEST for now, and why; each must still need it.
LONG_FOR_NOW = {
    "solutions/helpers/losses.py": "lesson 5's module, split with lesson 5 (issue 27, step 4)",
}


def test_no_source_file_is_over_800_lines():
    """helpers/ and lessons/ are generated from solutions/, so they are not counted."""
    lengths = {
        path.relative_to(ROOT).as_posix(): len(path.read_text().splitlines())
        for folder in ("autograder", "solutions", "tests", "benchmarks")
        for path in sorted((ROOT / folder).rglob("*.py"))
    }
    long = {path: lines for path, lines in lengths.items() if lines > LONGEST}
    assert long.keys() <= LONG_FOR_NOW.keys(), long
    assert long.keys() == LONG_FOR_NOW.keys(), "an exemption no file needs: remove it"


def test_the_student_tools_import_nothing_of_the_grader():
    """`course check` is the notebook's own checking: it cannot disagree with a graded cell."""
    for path in sorted((ROOT / "autograder" / "student").rglob("*.py")):
        grader = {n for n in imported(path) if package_of(n) in PACKAGES}
        assert grader <= {"autograder.student"} | {
            n for n in grader if n.startswith("autograder.student.")
        }, path


@pytest.mark.parametrize("relative", MINIMAL)
def test_what_runs_in_the_sandbox_imports_the_standard_library_and_numpy(relative):
    allowed = {"numpy", "autograder"} | MINIMAL[relative] | set(sys.stdlib_module_names)
    roots = {name.split(".")[0] for name in imported(ROOT / relative)}
    assert roots <= allowed, roots - allowed
    # and of the course's own code, only the jail (a sibling) or the judge
    course = {n for n in imported(ROOT / relative) if n.startswith(("autograder.", "solutions."))}
    assert course <= {
        "autograder.sandbox",
        "autograder.sandbox.jail",
        "solutions.helpers.judge",
        *(f"solutions.helpers.judge.{n}" for n in ("PROBES", "Foreign", "invoke", "plain")),
    }, course


def test_the_architecture_document_names_every_package():
    text = (ROOT / "docs" / "architecture.md").read_text()
    assert all(f"`autograder/{package}/`" in text for package in PACKAGES)
    on_disk = {p.name for p in (ROOT / "autograder").iterdir() if (p / "__init__.py").exists()}
    assert on_disk == set(PACKAGES)
