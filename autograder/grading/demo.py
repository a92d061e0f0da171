"""``course demo``: a synthetic class of nine students, graded end to end by ``course grade``.

Each student is built from the reference and the stubs, to show one thing the grader
must get right:

=======  ===========================================================================
ada      everything right (a folder in the repository's layout)
ben      everything right, but lesson 3's notebook is missing
chloe    kl_divergence with its arguments swapped: loses exactly that function
dan      a naive softmax, exp without the max shift: overflows at large logits
eve      a syntax error in sigmoid_softmax.py: lesson 2 cannot import
finn     an infinite loop in binary_entropy: a timeout, and the batch goes on
gus      the notebooks, but no helpers/ folder at all
hana     everything right, as an LMS zip wrapped in an extra top-level folder
ivy      a fresh clone that reached lesson 1 and filled in nothing: not_implemented
=======  ===========================================================================
"""

import shutil
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path

from autograder.authoring.build import helper_stub
from autograder.authoring.markers import regions, replace_solution, without_markers
from autograder.lessons import LESSONS, ROOT

SWAPPED_KL = """\
    p, q = check_distribution(p, "p", axis), check_distribution(q, "q", axis)
    return in_base(rel_entr(q, p).sum(axis=axis), base)
"""
NAIVE_SOFTMAX = """\
    e = np.exp(as_float_array(z))
    return e / e.sum(axis=axis, keepdims=True)
"""
ENDLESS = """\
    while True:
        pass
"""
DEMO_TIMEOUT = 10  # seconds per cell: finn's loop costs three of them, not three times 30


def reference_helpers(
    edits: Mapping[str, Iterable[tuple[str, str]]] | None = None,
) -> dict[str, str]:
    """{file name: text} of a helpers package with every lesson filled in, then edited."""
    edits = edits or {}
    files = {}
    for path in sorted((ROOT / "solutions" / "helpers").glob("*.py")):
        text = path.read_text()
        for function, body in edits.get(path.name, ()):
            text = replace_solution(text, function, body)
        solved = regions(text.splitlines())
        files[path.name] = without_markers(text) if solved else helper_stub(path)
    return files


def working_copy(
    folder: Path, helpers: Mapping[str, str] | None, skip: Collection[int] = ()
) -> None:
    """A student's clone: lessons/*.ipynb from the course, helpers/ as given (None: none)."""
    (folder / "lessons").mkdir(parents=True)
    for lesson in LESSONS:
        if lesson.number not in skip:
            name = lesson.notebook
            shutil.copyfile(ROOT / "lessons" / name, folder / "lessons" / name)
    if helpers is not None:
        (folder / "helpers").mkdir()
        for name, text in helpers.items():
            (folder / "helpers" / name).write_text(text)


def zip_folder(folder: Path, archive: Path, top: str) -> None:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(folder.rglob("*")):
            zipped.write(path, Path(top) / path.relative_to(folder))


def make_class(submissions: Path) -> None:
    """Write the nine students into `submissions`."""
    perfect = reference_helpers()
    working_copy(submissions / "ada", perfect)
    working_copy(submissions / "ben", perfect, skip={3})
    chloe = {"divergences.py": [("kl_divergence", SWAPPED_KL)]}
    working_copy(submissions / "chloe", reference_helpers(chloe))
    dan = {"sigmoid_softmax.py": [("softmax", NAIVE_SOFTMAX)]}
    working_copy(submissions / "dan", reference_helpers(dan))
    eve = dict(perfect)
    eve["sigmoid_softmax.py"] += "\n\ndef forgotten(z:\n    return z\n"
    working_copy(submissions / "eve", eve)
    finn = {"information.py": [("binary_entropy", ENDLESS)]}
    working_copy(submissions / "finn", reference_helpers(finn))
    working_copy(submissions / "gus", None)
    with tempfile.TemporaryDirectory() as tmp:
        working_copy(Path(tmp), perfect)
        zip_folder(Path(tmp), submissions / "hana.zip", "hana-logits-to-loss")
    stubs = {p.name: helper_stub(p) for p in sorted((ROOT / "solutions" / "helpers").glob("*.py"))}
    working_copy(submissions / "ivy", stubs, skip={2, 3, 4, 5})


def main(
    out: str | Path | None = None, say: Callable[[str], object] = print, seed: int | None = None
) -> int:
    """Write the class into OUT/class and grade it into OUT/results; the exit status.

    `seed` is the run's secret (a fresh one by default), given to compare two runs."""
    from autograder.grading.batch import grade

    folder = Path(out) if out else Path(tempfile.mkdtemp(prefix="course-demo-"))
    submissions, results = folder / "class", folder / "results"
    if submissions.exists():
        shutil.rmtree(submissions)
    submissions.mkdir(parents=True)
    make_class(submissions)
    say(f"A class of nine in {submissions}; grading it into {results} ...")
    status = grade(submissions, results, cell_timeout=DEMO_TIMEOUT, seed=seed, say=say)
    say(f"\nTo see it in the formgrader: course lab --course-dir {results / 'course'}")
    return status
