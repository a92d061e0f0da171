"""``course book [--out DIR]``: the course as a static HTML textbook, built with Sphinx.

The five solution notebooks are staged for the book, executed by myst-nb and rendered
with sphinx-book-theme, next to a landing page and an API reference generated from the
reference docstrings. What a reader sees differs from the instructor's notebook in two
ways: each autograded test cell, the grader's business (hidden tests included), gives
way to the reference solution of its function, and the model answers to the written
questions are folded away, so that a reader can try first.

OUT holds the site; its working files (the staged sources, Sphinx's doctrees and the
execution cache) sit in ``OUT/.course-book/``, which is also how a later build
recognises a folder it may overwrite.
"""

import ast
import importlib
import inspect
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder.authoring.build import fingerprint
from autograder.authoring.markers import without_markers
from autograder.errors import CourseError
from autograder.lessons import LESSONS, ROOT

DEFAULT_OUT = ROOT / "_build" / "book"
TEMPLATES = Path(__file__).with_name("book")
WORK = ".course-book"
FOLD = """\
:::{{dropdown}} {title}
:class-container: solution

{body}
:::
"""
SOLUTION = """\
```python
{code}```

The docstring, with the maths and examples, is in the API reference: {{py:func}}`helpers.{name}`.\
"""


def solution_code(name):
    """The reference implementation of `name`, without its docstring or solution markers."""
    source = inspect.getsource(getattr(importlib.import_module("solutions.helpers"), name))
    lines = source.splitlines(True)
    function = ast.parse(source).body[0]
    if ast.get_docstring(function) is not None:  # the API reference shows it, typeset
        del lines[function.body[0].lineno - 1 : function.body[0].end_lineno]
    return without_markers("".join(lines))


def folded(cell, title, body):
    """A markdown cell in place of `cell`, holding `body` behind a toggle named `title`."""
    return nbformat.v4.new_markdown_cell(FOLD.format(title=title, body=body), id=cell.id)


def book_cell(cell):
    """What the book shows for one cell of a solution notebook."""
    meta = cell.metadata.get("nbgrader", {})
    if cell.cell_type == "code" and meta.get("grade"):
        name = meta["grade_id"]  # an autograded test's id is its function's name
        code = SOLUTION.format(code=solution_code(name), name=name)
        return folded(cell, f"Show solution: `{name}`", code)
    if meta.get("solution"):
        return folded(cell, "Show the model answer", cell.source)
    return cell


def book_notebook(path):
    """A solution notebook as the book shows it: solutions folded, no grader's tests."""
    nb = nbformat.read(path, as_version=4)
    nb.cells = [book_cell(cell) for cell in nb.cells]
    return nb


def api_reference():
    """The API page, in reStructuredText: autodoc reads docstrings only there."""
    parts = [
        "API reference\n=============\n\n.. currentmodule:: helpers\n\n"
        "Every function you write in the course, lesson by lesson, with its reference "
        "docstring. Each one can be imported from the package itself, for example "
        "``from helpers import softmax``.\n"
    ]
    for lesson in LESSONS:
        heading = f"Lesson {lesson.number}: {lesson.title}"
        parts.append(f"\n{heading}\n{'-' * len(heading)}\n\nFrom :doc:`{lesson.slug}`.\n")
        parts += [f"\n.. autofunction:: {name}\n" for name in lesson.functions]
    parts.append(
        "\nGiven to you\n------------\n\nThe check cells' comparison, and the input checks "
        "your functions can use, from ``helpers/validation.py``.\n\n"
        ".. autofunction:: compare\n\n.. automodule:: helpers.validation\n   :members:\n"
    )
    return "".join(parts)


def stage(source):
    """Write the book's Sphinx sources into `source`; return the reference helpers' fingerprint."""
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(TEMPLATES, source, ignore=shutil.ignore_patterns("__pycache__"))
    helpers = source / "helpers"
    helpers.mkdir()
    texts = []
    for path in sorted((ROOT / "solutions" / "helpers").glob("*.py")):
        texts.append(without_markers(path.read_text()))
        (helpers / path.name).write_text(texts[-1])
    cases = ROOT / "solutions" / "helpers" / "cases.json"  # what the check cells judge against
    texts.append(cases.read_text())
    (helpers / cases.name).write_text(texts[-1])
    (source / "api.rst").write_text(api_reference())
    for lesson in LESSONS:
        nb = book_notebook(ROOT / "solutions" / lesson.notebook)
        nbformat.write(nb, source / lesson.notebook)
    return fingerprint("".join(texts))


def prepare(out, work=WORK, site="book"):
    """Check that `out` is new, empty or an earlier `site`, and clear that site's pages.

    An earlier build is recognised by its working folder `work`, which is kept.
    """
    if out.exists() and not out.is_dir():
        raise CourseError(f"{out} is a file; the {site} needs a folder")
    found = sorted(out.iterdir()) if out.exists() else []
    if found and not (out / work).is_dir():
        raise CourseError(
            f"{out} is not empty and holds no earlier {site}: name a new or empty one"
        )
    for path in found:
        if path.name == work:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def sphinx(source, out, cache):
    """Run Sphinx in a child process, so that the staged `helpers` stays out of this one.

    Its stderr is shown only if the build fails: any warning fails it (-W), so on success
    all it holds is each kernel's start-up notice.
    """
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-W", "--keep-going"]
    command += ["-d", str(out / WORK / "doctrees"), "-D", f"nb_execution_cache_path={cache}"]
    run = subprocess.run([*command, str(source), str(out)], stderr=subprocess.PIPE, text=True)
    if run.returncode:
        sys.stderr.write(run.stderr)
    return run.returncode


def book(out=None, say=print):
    """Build the book into `out` (default: _build/book in the repository); return an exit code."""
    out = Path(out or DEFAULT_OUT).resolve()
    prepare(out)
    work = out / WORK
    helpers = stage(work / "source")
    for old in (work / "cache").glob("*"):
        if old.name != helpers:  # outputs computed with other reference helpers
            shutil.rmtree(old)
    say(f"Building the book in {out}: the lessons run once, then come from the cache.")
    if sphinx(work / "source", out, work / "cache" / helpers):
        say("course book: the build failed; see the messages above.")
        return 1
    say(f"\nThe book is ready: {out / 'index.html'}")
    say("Open that file in a browser, or serve the folder and open http://localhost:8000:")
    say(f"    python3 -m http.server --directory {out}")
    return 0
