"""What the adversarial corpus (tests/adversarial.py) builds its cases with: the lesson
attacked, the canary, the correct and wrong softmax, the builders that change one thing
of a working copy, and the search the attacks use."""

import json
import pickle
import py_compile
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading.demo import reference_helpers

CANARY = "canary"  # an honest student graded first; no attack may change anything of theirs
LESSON = "02-sigmoid-vs-softmax"
FUNCTIONS = ("sigmoid", "softmax", "logsumexp", "log_softmax", "log_sigmoid")  # module order
MODULE = "sigmoid_softmax.py"

CORRECT_SOFTMAX = """\
    z = as_float_array(z, "z")
    with np.errstate(over="ignore"):
        e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
"""
WRONG_SOFTMAX = """\
    z = as_float_array(z, "z")
    return np.zeros_like(z)
"""
# Searches run from the root; a sandbox that shows nothing makes them find nothing.
FIND = """\
import os
import sqlite3


def walk():
    for folder, subfolders, files in os.walk("/"):
        subfolders[:] = [s for s in subfolders if s not in ("proc", "sys", "dev")]
        yield folder, subfolders, files


def find(name):
    for folder, subfolders, files in walk():
        if name in files or name in subfolders:
            return os.path.join(folder, name)
    return None


def course_gradebook():
    for folder, _, files in walk():
        for name in files:
            try:
                db = sqlite3.connect(f"file:{os.path.join(folder, name)}?mode=ro", uri=True)
                if db.execute("SELECT 1 FROM student WHERE id = 'canary'").fetchone():
                    return True
            except sqlite3.Error:
                pass
    return False
"""


@dataclass
class Case:
    name: str
    threat: str
    build: object  # build(folder): turn the correct working copy in `folder` into the case
    expected: dict = field(default_factory=dict)  # function -> status; the rest "passed"
    all_functions: str = ""  # the status of every function, when the package cannot import
    # issue 11: build(folder, bait) aims at the test's bait, a private file outside the course
    bait: bool = False
    problem: str = ""  # text the student's problems in submissions.csv must hold
    # A submission refused as a whole before grading has no per-function statuses: its
    # one row in submissions.csv holds `refused`, and it has no other rows anywhere.
    refused: str = ""
    pack: object = None  # pack(folder): turn the built folder into what is handed in
    label: str = ""  # the id its rows are under, if not its name (a rejected entry's)
    # Its tamper_suspect functions failed in the notebook and passed the re-check, whose
    # score counts: they keep their points, flagged.
    re_check_passes: bool = False

    def status(self, function):
        return self.all_functions or self.expected.get(function, "passed")

    def earns(self, function):
        """Whether the function keeps its points: the re-check passed it, flagged or not."""
        status = self.status(function)
        return status == "passed" or (status == "tamper_suspect" and self.re_check_passes)

    @property
    def student(self):
        return self.label or self.name


def helpers_of(folder):
    return folder / "helpers"


def with_softmax(body, prelude=""):
    """A build that gives softmax this body, with `prelude` at the top of the module."""

    def build(folder):
        text = reference_helpers({MODULE: [("softmax", body)]})[MODULE]
        (helpers_of(folder) / MODULE).write_text(prelude + "\n" + text)

    return build


def appending(name, code):
    """A build that appends `code` to helpers/<name>."""

    def build(folder):
        path = helpers_of(folder) / name
        path.write_text(path.read_text() + "\n" + code)

    return build


def both(*builds):
    def build(folder):
        for step in builds:
            step(folder)

    return build


def notebook_edit(edit):
    """A build that edits the lesson's notebook (a JSON dict) in place."""

    def build(folder):
        path = folder / "lessons" / f"{LESSON}.ipynb"
        notebook = json.loads(path.read_text())
        edit(notebook)
        path.write_text(json.dumps(notebook))

    return build


def grade_cell(notebook, grade_id):
    return next(
        c
        for c in notebook["cells"]
        if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id
    )


def empty_softmax_test(notebook):
    grade_cell(notebook, "softmax")["source"] = "pass  # nothing to see here"


def unlock_and_empty_softmax_test(notebook):
    cell = grade_cell(notebook, "softmax")
    cell["metadata"]["nbgrader"]["locked"] = False
    cell["source"] = "pass"


def delete_softmax_test(notebook):
    notebook["cells"].remove(grade_cell(notebook, "softmax"))


def duplicate_ids(notebook):
    for cell in notebook["cells"]:
        cell["id"] = "same"


def print_passed(notebook):
    cell = grade_cell(notebook, "check-softmax")
    cell["source"] = 'print("All tests passed")\n' + "".join(cell["source"])


def remove(relative):
    def build(folder):
        target = folder / relative
        shutil.rmtree(target) if target.is_dir() else target.unlink()

    return build


def planted_pyc(folder):
    """A compiled correct module beside a wrong source, where Python might prefer it."""
    correct = folder / "correct.py"
    correct.write_text(reference_helpers()[MODULE])
    cache = helpers_of(folder) / "__pycache__"
    cache.mkdir()
    for tag in ("cpython-310", "cpython-311", "cpython-312", "cpython-313"):
        py_compile.compile(str(correct), str(cache / f"sigmoid_softmax.{tag}.pyc"))
    correct.unlink()
    with_softmax(WRONG_SOFTMAX)(folder)


def planted_pickle(folder):
    """Answers in a pickle, which the helpers load; the copy graded holds only .py files."""
    (helpers_of(folder) / "answers.pkl").write_bytes(pickle.dumps({"softmax": [0.5, 0.5]}))
    body = """\
    import os
    import pickle

    here = os.path.dirname(__file__)
    with open(os.path.join(here, "answers.pkl"), "rb") as f:
        return np.asarray(pickle.load(f)["softmax"])
"""
    with_softmax(body)(folder)


def planted_sitecustomize(folder):
    """Startup hooks that would patch NumPy's asserts, in every place a Python might look."""
    patch = "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None\n"
    for place in (helpers_of(folder), folder, folder / "lessons"):
        (place / "sitecustomize.py").write_text(patch)
        (place / "usercustomize.py").write_text(patch)
    with_softmax(WRONG_SOFTMAX)(folder)


def symlinked_module(folder):
    """The module is a link to the reference: links are never followed."""
    target = helpers_of(folder) / MODULE
    target.unlink()
    reference = Path(__file__).resolve().parent.parent / "solutions" / "helpers" / MODULE
    target.symlink_to(reference)


SUCCEEDS_IF = """\
    try:
        found = {probe}
    except BaseException:
        found = None
    if not found:
        return np.zeros_like(as_float_array(z, "z"))
{correct}"""


def cheat_if(probe):
    """softmax is right only if `probe` (an expression) finds what the sandbox hides."""
    return with_softmax(SUCCEEDS_IF.format(probe=probe, correct=CORRECT_SOFTMAX), prelude=FIND)


VANDAL = """
import os as _os
import sqlite3 as _sqlite3

for _folder, _subfolders, _files in _os.walk("/"):
    _subfolders[:] = [s for s in _subfolders if s not in ("proc", "sys", "dev")]
    for _name in _files:
        _path = _os.path.join(_folder, _name)
        try:
            if _name.endswith(".db"):
                _db = _sqlite3.connect(_path)
                _db.execute("UPDATE grade SET manual_score = 100, auto_score = 100")
                _db.commit()
            elif "canary" in _path or _name.endswith((".ipynb", ".py", ".json", ".csv")):
                with open(_path, "a") as _f:
                    _f.write("vandalised")
        except Exception:
            pass
"""
