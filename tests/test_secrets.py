"""No course secret on the student side (docs/architecture.md, invariant 3), sought inside.

A student's code runs in two places at grading time: the notebook kernel (a cell the
student added) and the trusted re-check's child (the student's helpers). From both, a
search of every file it can reach looks for the course's secrets: lines of the reference
solutions, of the hidden-case generator and of a model answer, and the run's secret
seed. The needles are put into the student's code by the test, hex-encoded so that the
code itself does not hold them (a student would not know them; the test does, to look
for them). A control needle, a line of NumPy that both places see, proves that the
search works where it runs; the same search run here, outside the sandbox, finds every
secret where the repository and OUT keep them.

Then a release's lesson folder is used as a class uses it: in a Python that has the
course's third-party packages but not this project (no `solutions`, no `autograder`, no
repository `helpers`), its `python -m helpers` and its notebook's check and graded cells
work, first on the stubs, then on a finished module.
"""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import sysconfig
from contextlib import contextmanager
from pathlib import Path

import nbformat
import numpy as np
import pytest
from secret_scan import Scan

from autograder.authoring import markers, release
from autograder.grading import batch
from autograder.grading.demo import working_copy
from autograder.lessons import LESSONS, ROOT
from autograder.sandbox import trusted

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader, pytest.mark.sandbox]

LESSON = LESSONS[1]  # lesson 2: sigmoid versus softmax, five small functions
LESSON_MODULE = f"{LESSON.module}.py"
STUDENT = "mallory"
SCANNER = Path(__file__).with_name("secret_scan.py").read_text()
MARK = "SCAN-" + "FOUND"
WROTE = "KERNEL-" + "WROTE-HERE"  # never written whole in the code below, only in what it prints
KERNEL_BUDGET = 40  # seconds the kernel's search may take; the cell may take CELL_TIMEOUT
CELL_TIMEOUT = 120
CHILD_SLICE = 5  # seconds of search in each function's first call: under trusted.TIME_LIMIT
HIDDEN_LINE = "def seed_for(secret: int, student: str, lesson: int, helpers_sha256: str) -> int:"


# -- the needles ------------------------------------------------------------------------


def fresh_seed():
    """A run secret of 19 decimal digits: no file holds them by chance."""
    return secrets.randbits(62) | 1 << 62


def public_text():
    """Everything a student of lesson 2 holds legitimately: the release, the lessons."""
    texts = list(release.helpers_for(LESSON).values())
    texts += [path.read_text() for path in sorted((ROOT / "lessons").glob("*.ipynb"))]
    texts += [path.read_text() for path in sorted((ROOT / "helpers").glob("*.py"))]
    return "\n".join(texts)


def model_answer_line():
    """The longest line of lesson 2's model answer (a written, hand-graded answer)."""
    notebook = nbformat.read(ROOT / "solutions" / LESSON.notebook, as_version=4)
    answers = [
        cell.source
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "markdown"
    ]
    assert answers, "lesson 2 has no written answer"
    public = public_text()
    lines = [ln.strip() for text in answers for ln in text.splitlines() if ln.strip() not in public]
    return max(lines, key=len)


def secret_lines(module, count=3):
    """The `count` longest lines of `module`'s solution regions that no student holds."""
    public = public_text()
    lines = markers.solution_lines([ROOT / "solutions" / "helpers" / module])
    return sorted((ln for ln in lines if ln not in public), key=lambda ln: (-len(ln), ln))[:count]


def control_line():
    """A line of NumPy, which both the kernel and the child see: the search must find it."""
    lines = Path(np.__file__).read_text().splitlines()
    return max((ln.strip() for ln in lines), key=len)


def needles(seed):
    """{label: bytes}, the control first: what the student side must not find, but it."""
    found = {"control: numpy/__init__.py": control_line()}
    for module in ("sigmoid_softmax.py", "losses.py"):
        for number, line in enumerate(secret_lines(module)):
            found[f"reference {module} #{number}"] = line
    assert HIDDEN_LINE in (ROOT / "autograder" / "checks" / "hidden.py").read_text()
    found["hidden.py"] = HIDDEN_LINE
    found["model answer"] = model_answer_line()
    found["seed"] = str(seed)
    return {label: text.encode() for label, text in found.items()}


def hex_list(values):
    return "[" + ", ".join(f"bytes.fromhex({value.hex()!r})" for value in values) + "]"


def reported(outcome):
    """The JSON a scanning helpers function put in its exception, from the judge's message."""
    found = re.search(r"RuntimeError: (\{.*\})", outcome.message)
    assert found, outcome
    return json.loads(found[1])


# -- the search, outside the sandbox ----------------------------------------------------


def test_the_search_finds_every_secret_where_the_grader_keeps_it(tmp_path):
    """The control: without a sandbox, the same search finds what the student side must not."""
    seed = fresh_seed()
    wanted = needles(seed)
    (tmp_path / "run.json").write_text(json.dumps({"seed": seed}))  # as OUT/run.json holds it
    places = [ROOT / "solutions", ROOT / "autograder", tmp_path, Path(np.__file__).parent]
    found = set()
    for place in places:
        search = Scan(list(wanted.values()), place)
        assert search.run(60)
        found |= {number for number, _ in search.found}
    assert found == set(range(len(wanted))), [
        label for number, label in enumerate(wanted) if number not in found
    ]
    assert len(set(wanted.values())) == len(wanted)


# -- 1. from inside the notebook kernel, at grading time ---------------------------------

KERNEL_CELL = """\
{scanner}

import importlib
import json
import sys

NEEDLES = {needles}
for name in ("solutions", "autograder", "autograder.checks.hidden"):
    try:
        module = importlib.import_module(name)
        print("IMPORT", name, "imported", getattr(module, "__file__", None))
    except BaseException as exc:
        print("IMPORT", name, "failed", type(exc).__name__)
course = sorted(m for m in sys.modules if m.split(".")[0] in ("solutions", "autograder"))
print("LOADED", json.dumps(course))
print("ENVIRONMENT", json.dumps(dict(os.environ)))
search = Scan(NEEDLES)
finished = search.run({budget})
for number, path in search.found:
    print("SCAN-CONTROL" if number == 0 else "SCAN-" + "FOUND", number, path)
print("SCANNED", json.dumps({{"files": search.files, "finished": finished}}))

# What the kernel's descriptors lead to; it writes a marker into any file or pipe not its own.
for fd in sorted(map(int, os.listdir("/proc/self/fd"))):
    try:
        target = os.readlink(f"/proc/self/fd/{{fd}}")
    except OSError:
        continue
    print("DESCRIPTOR", fd, target)
    if target.startswith(("/", "pipe:")) and not target.startswith(os.environ["HOME"]):
        try:
            os.write(fd, ("\\n" + "KERNEL-" + "WROTE-HERE" + "\\n").encode())
        except OSError:
            pass
"""


def scanning_cell(wanted):
    source = KERNEL_CELL.format(
        scanner=SCANNER, needles=hex_list(wanted.values()), budget=KERNEL_BUDGET
    )
    return nbformat.v4.new_code_cell(source, id="scan-for-secrets")


@contextmanager
def streams_into(path):
    """This process's file descriptors 1 and 2, and so its workers', into `path`."""
    saved = [os.dup(1), os.dup(2)]
    try:
        with path.open("wb") as f:
            os.dup2(f.fileno(), 1)
            os.dup2(f.fileno(), 2)
            yield
    finally:
        for fd, copy in zip((1, 2), saved, strict=True):
            os.dup2(copy, fd)
            os.close(copy)


@pytest.fixture(scope="module")
def kernel_search(tmp_path_factory):
    """A student's lesson 2 whose added cell searches the kernel, graded by `course grade`."""
    seed = fresh_seed()
    wanted = needles(seed)
    folder = tmp_path_factory.mktemp("secrets")
    stubs = {
        path.name: path.read_text()
        for path in sorted((ROOT / "helpers").iterdir())
        if path.is_file()  # not __pycache__/
    }
    stubs = {name: text for name, text in stubs.items() if name.endswith((".py", ".json"))}
    student = folder / "class" / STUDENT
    working_copy(student, stubs)
    path = student / "lessons" / LESSON.notebook
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(2, scanning_cell(wanted))  # after the set-up cell
    nbformat.write(notebook, path)
    out = folder / "out"
    terminal = folder / "terminal"
    with streams_into(terminal):  # what the grader's terminal would show, workers included
        status = batch.grade(
            folder / "class",
            out,
            lessons=[LESSON.number],
            workers=1,
            seed=seed,
            cell_timeout=CELL_TIMEOUT,
            say=lambda *args: None,
        )
    assert status == 0
    assert json.loads((out / "run.json").read_text())["seed"] == seed
    graded = out / "course" / "autograded" / STUDENT / "lesson-02" / LESSON.notebook
    feedback = out / "feedback" / STUDENT / "lesson-02.html"
    cells = nbformat.read(graded, as_version=4).cells
    cell = next(c for c in cells if "NEEDLES = [bytes.fromhex(" in c.source)
    return {
        "terminal": terminal.read_bytes(),
        "logs": b"".join(path.read_bytes() for path in (out / "course").rglob("*.log")),
        "wanted": wanted,
        "seed": seed,
        "pages": {"autograded notebook": graded.read_text(), "feedback": feedback.read_text()},
        "cell": cell,
        "printed": "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream"),
    }


def printed_lines(search, word):
    return [
        ln.split(" ", 1)[1] for ln in search["printed"].splitlines() if ln.startswith(word + " ")
    ]


def test_the_kernel_search_ran_and_found_its_control(kernel_search):
    assert {o.output_type for o in kernel_search["cell"].outputs} == {"stream"}, kernel_search[
        "cell"
    ]
    scanned = json.loads(printed_lines(kernel_search, "SCANNED")[0])
    assert scanned["files"] > 10_000, scanned  # the system, Python and the course's packages
    assert printed_lines(kernel_search, "SCAN-CONTROL"), kernel_search["printed"][-2000:]


def test_no_course_secret_reaches_the_kernel(kernel_search):
    assert printed_lines(kernel_search, MARK) == []
    for page, text in kernel_search["pages"].items():
        assert MARK not in text, page
        for label, needle in list(kernel_search["wanted"].items())[1:]:
            assert needle.decode() not in text, f"{label} in the {page}"


def test_the_kernel_cannot_import_the_grader(kernel_search):
    imports = printed_lines(kernel_search, "IMPORT")
    assert [line.split()[:2] for line in imports] == [
        ["solutions", "failed"],
        ["autograder", "failed"],
        ["autograder.checks.hidden", "failed"],
    ], imports
    assert json.loads(printed_lines(kernel_search, "LOADED")[0]) == []


def test_the_kernel_holds_no_descriptor_of_the_grader(kernel_search):
    """Its standard streams were the worker's: its log, which the kernel could read back
    through /proc/self/fd, and the grader's terminal, where it could write escapes."""
    environment = json.loads(printed_lines(kernel_search, "ENVIRONMENT")[0])
    targets = [line.split(" ", 1)[1] for line in printed_lines(kernel_search, "DESCRIPTOR")]
    assert targets, kernel_search["printed"]
    files = [t for t in targets if t.startswith("/") and not t.startswith(environment["HOME"])]
    assert set(files) <= {"/dev/null"}, files
    assert WROTE.encode() not in kernel_search["terminal"]
    assert WROTE.encode() not in kernel_search["logs"]


def test_the_kernel_environment_holds_no_seed(kernel_search):
    environment = json.loads(printed_lines(kernel_search, "ENVIRONMENT")[0])
    shown = json.dumps(environment)
    for label, needle in list(kernel_search["wanted"].items())[1:]:
        assert needle.decode() not in shown, label
    assert not [name for name in environment if "SEED" in name.upper()]


# -- 2. from inside the re-check's child --------------------------------------------------

CHILD_MODULE = """\
{scanner}

import importlib
import json
import sys

NEEDLES = {needles}
SEED = {seed}.decode()
SEARCH = Scan(NEEDLES)
SEARCHED, FINISHED = set(), [False]


def report(name):
    \"\"\"Search a slice more on this function's first call; raise what was found so far.\"\"\"
    if name not in SEARCHED:
        SEARCHED.add(name)
        FINISHED[0] = SEARCH.run({budget})
    imports = {{}}
    for module in ("solutions", "autograder", "autograder.checks.hidden"):
        try:
            importlib.import_module(module)
            imports[module] = "imported"
        except BaseException as exc:
            imports[module] = type(exc).__name__
    found = [[number, path[-60:]] for number, path in SEARCH.found if number][:2]
    # The judge quotes at most 500 characters of this message: what matters comes first.
    raise RuntimeError(json.dumps({{
        "found": found,
        "seed": SEED in json.dumps(dict(os.environ)),
        "imports": imports,
        "loaded": sorted(m for m in sys.modules if m.split(".")[0] in ("solutions", "autograder")),
        "control": any(number == 0 for number, _ in SEARCH.found),
        "files": SEARCH.files,
        "done": FINISHED[0],
        "env": sorted(os.environ),
    }}, separators=(",", ":")))


def sigmoid(z):
    report("sigmoid")


def softmax(z, axis=-1):
    report("softmax")


def logsumexp(z, axis=-1, keepdims=False):
    report("logsumexp")


def log_softmax(z, axis=-1):
    report("log_softmax")


def log_sigmoid(z):
    report("log_sigmoid")
"""


def test_no_course_secret_reaches_the_re_check_child(tmp_path):
    seed = fresh_seed()  # the submission's own seed, which the parent alone holds
    wanted = needles(seed)
    helpers = tmp_path / "helpers"
    release.write_files(helpers, release.helpers_for(LESSON))
    module = CHILD_MODULE.format(
        scanner=SCANNER,
        needles=hex_list(wanted.values()),
        seed=f"bytes.fromhex({wanted['seed'].hex()!r})",
        budget=CHILD_SLICE,
    )
    (helpers / LESSON_MODULE).write_text(module)
    outcomes = trusted.recheck(helpers, LESSON.functions, seed)
    reports = {name: reported(outcome) for name, outcome in outcomes.items()}
    assert {outcome.status for outcome in outcomes.values()} == {"error"}, outcomes
    last = reports[LESSON.functions[-1]]
    for name, seen in reports.items():
        assert seen["found"] == [], (name, seen)
        assert seen["seed"] is False, (name, seen)
        assert set(seen["imports"].values()) == {"ModuleNotFoundError"}, (name, seen)
        assert seen["loaded"] == [], (name, seen)
    assert last["control"], last  # the search works in there: it finds NumPy
    assert last["files"] > 10_000, last
    assert not [name for name in last["env"] if "SEED" in name.upper()], last


# -- 3. a release's lesson folder, without the repository ----------------------------------

RUN_CELLS = """\
import json
import sys

import nbformat
from nbclient import NotebookClient

path, folder = sys.argv[1:]
notebook = nbformat.read(path, as_version=4)


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def wanted(cell):
    graded = cell.metadata.get("nbgrader", {}).get("grade", False)
    name = grade_id(cell)
    return cell.cell_type == "code" and (name == "setup" or name.startswith("check-") or graded)


probe = nbformat.v4.new_code_cell(
    "import importlib.util, sys\\n"
    "print(json.dumps([sys.executable, [importlib.util.find_spec(n) is None "
    "for n in ('solutions', 'autograder')]]))"
)
notebook.cells = [nbformat.v4.new_code_cell("import json"), probe]
notebook.cells += [cell for cell in nbformat.read(path, as_version=4).cells if wanted(cell)]
client = NotebookClient(notebook, kernel_name="python3", timeout=120, allow_errors=True)
client.execute(cwd=folder)
ran = []
for cell in notebook.cells:
    errors = [
        o.ename + ": " + o.evalue + "\\n" + "\\n".join(o.traceback)
        for o in cell.outputs
        if o.output_type == "error"
    ]
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    ran.append({"id": grade_id(cell), "text": text, "errors": errors})
print(json.dumps(ran))
"""


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory):
    """A Python with the course's third-party packages but not this project, and its env."""
    folder = tmp_path_factory.mktemp("bare")
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # A directory a .pth lists is added as it is: its own .pth files, the editable
    # install's finder among them, are not run, so this project stays out.
    (Path(site) / "course-packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    kernels = folder / "jupyter" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    spec = {
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (no course packages)",
        "language": "python",
    }
    (kernels / "kernel.json").write_text(json.dumps(spec))
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    env.update(JUPYTER_PATH=str(folder / "jupyter"), PYTHONNOUSERSITE="1")
    return python, env


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    exchange = tmp_path_factory.mktemp("exchange")
    assert release.release(course, exchange=exchange, say=lambda message: None) == 0
    return course / "release" / "lesson-02"


def run(python, env, folder, *args, timeout=300):
    return subprocess.run(
        [str(python), *map(str, args)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_cells(python, env, folder, tmp_path):
    script = tmp_path / "run_cells.py"
    script.write_text(RUN_CELLS)
    done = run(python, env, folder, script, folder / LESSON.notebook, folder)
    assert done.returncode == 0, done.stderr[-3000:]
    ran = json.loads(done.stdout.splitlines()[-1])
    executable, unimportable = json.loads(ran[1]["text"])
    assert executable == str(python)  # the kernel is the bare Python
    assert unimportable == [True, True]
    return ran[2:]


def test_a_release_works_without_the_repository(bare_python, released, tmp_path):
    python, env = bare_python
    folder = tmp_path / "lesson-02"
    shutil.copytree(released, folder)
    probe = run(
        python,
        env,
        tmp_path,
        "-c",
        "import importlib.util as u; print([u.find_spec(n) is None for n in "
        "('solutions', 'autograder', 'helpers')], u.find_spec('nbclient') is None)",
    )
    assert probe.stdout.split("\n")[0] == "[True, True, True] False", probe

    stubs = run(python, env, folder, "-m", "helpers")
    assert stubs.returncode == 1, stubs
    for name in LESSON.functions:
        assert re.search(rf"not yet implemented\s+{name}\n", stubs.stdout), stubs.stdout
    ran = run_cells(python, env, folder, tmp_path)
    assert {cell["id"] for cell in ran} >= {"setup", *LESSON.functions}
    assert any(cell["id"].startswith("check-") for cell in ran)
    assert not ran[0]["errors"], ran[0]
    assert "not yet implemented" in json.dumps(ran)
    for cell in ran:
        for error in cell["errors"]:
            assert "not yet implemented" in error, (cell["id"], error)

    finished = markers.without_markers((ROOT / "solutions" / "helpers" / LESSON_MODULE).read_text())
    (folder / "helpers" / LESSON_MODULE).write_text(finished)
    done = run(python, env, folder, "-m", "helpers", "--lesson", LESSON.number)
    assert done.returncode == 0, done.stdout
    assert f"{len(LESSON.functions)} passed" in done.stdout
    ran = run_cells(python, env, folder, tmp_path)
    for cell in ran:
        assert cell["errors"] == [], cell
        assert "FAILED" not in cell["text"] and "DIFFERENT" not in cell["text"], cell
