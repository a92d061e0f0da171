"""The corpus's attacks on the kernel's folder and on the re-check's records: links,
pipes, leftovers and daemons, and records a child rewrites (tests/adversarial.py)."""

from adversarial_kit import (
    CANARY,
    CORRECT_SOFTMAX,
    FUNCTIONS,
    LESSON,
    MODULE,
    Case,
    appending,
    notebook_edit,
    with_softmax,
)

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


# Sleeps only outside the notebook kernel, whose cells have the corpus's cell timeout
# (a few seconds): there the functions would time out rather than be slow.
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
# that keeps writing, then cells shorter than the corpus's cell timeout, until the
# notebook's watchdog (10 cell timeouts) kills the kernel and its supervisor.
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


KERNEL_CASES = [
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

RECORD_CASES = [
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
