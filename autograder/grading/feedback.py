"""The feedback page a student gets: the trusted verdicts, offline maths, nothing of the grader.

nbgrader's ``generate_feedback`` writes the page, through nbconvert's configurable
machinery; the course's ``nbgrader_config.py`` (written by ``course release`` and
``course grade``) names every piece, so the formgrader's "Generate Feedback" button
gives the same page as ``course grade``:

- preprocessors, in order: nbgrader's :class:`~nbgrader.preprocessors.GetGrades` and
  :class:`~nbgrader.preprocessors.ClearHiddenTests`, then :class:`HideTestInternals`
  (a failed test shows its message, not its traceback),
  :class:`~autograder.grading.sanitize.Neutralise`, :class:`HideMachinePaths` (no path, user
  or library warning of the grading machine) and :class:`TrustedVerdicts` (each
  graded function's verdict from the trusted re-check: its status and teaching
  message, the rows ``checks.csv`` gets);
- the exporter, :class:`~autograder.grading.sanitize.FeedbackExporter`, whose template
  (``autograder/grading/templates/course-feedback``) extends nbgrader's feedback template:
  each autograded cell is labelled with its function's name and shows its verdict
  beside nbgrader's own output, and the maths is typeset by a MathJax inlined from the
  ``sphinx-mathjax-offline`` package the book uses (:mod:`~autograder.grading.pages`), so
  that the page is one file that renders offline, from disk or an LMS.

The verdicts are stored per submission in the course, ``verdicts/<student>/<lesson>.json``,
by the trusted side (:func:`write_verdicts`), after the notebook's kernel is gone: they
are the re-check's, which covers the hidden cases too.
"""

import html
import json
import os
import re
import sysconfig
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from autograder.errors import CourseError
from autograder.grading.records import Check
from autograder.grading.sanitize import clean
from solutions.helpers.judge import Status
from solutions.helpers.misconceptions import named

VERDICTS = "verdicts"
MAX_MESSAGE = 2000  # characters of a verdict's message: checks.csv's cap on a cell


# -- the verdicts ------------------------------------------------------------------------


def verdicts_path(course_dir: str | Path, student: str, assignment: str) -> Path:
    return Path(course_dir) / VERDICTS / student / f"{assignment}.json"


def write_verdicts(course_dir: str | Path, checks: Iterable[Check]) -> None:
    """Store the trusted verdicts (the rows of checks.csv) of one submission."""
    checks = list(checks)
    if not checks:
        return
    path = verdicts_path(course_dir, checks[0].student_id, checks[0].lesson)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = {
        check.grade_id: {
            "status": check.status,
            "message": check.message,
            "score": check.score,
            "max_score": check.max_score,
        }
        for check in checks
    }
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(rows, indent=1) + "\n")
    os.replace(temporary, path)


def read_verdicts(course_dir: str | Path, student: str, assignment: str) -> dict[str, Any]:
    """{grade id: verdict} of one submission; {} if none was stored."""
    path = verdicts_path(course_dir, student, assignment)
    if not path.is_file() or path.is_symlink():
        return {}
    try:
        rows = json.loads(path.read_text())
    except (ValueError, OSError):
        return {}
    return rows if isinstance(rows, dict) else {}


class TrustedVerdicts(NbGraderPreprocessor):
    """Each autograded cell gets its function's trusted verdict, as inert HTML.

    The verdict goes into the cell's ``course_verdict`` metadata, which the template
    shows; whatever a notebook held under that name is dropped first, and the message
    (student-influenced: it may quote what their code raised) is made printable,
    stripped of the grader's paths, escaped as text and sanitised.
    """

    course_dir = Unicode("", help="the course directory, holding verdicts/").tag(config=True)

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        given = resources.get("nbgrader", {})
        folder = self.course_dir or os.getcwd()
        verdicts = read_verdicts(folder, given.get("student", ""), given.get("assignment", ""))
        hide = path_hider(given.get("student", ""), given.get("assignment", ""))
        for cell in nb.cells:
            cell.metadata.pop("course_verdict", None)
            verdict = verdicts.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
            if utils.is_grade(cell) and cell.cell_type == "code" and isinstance(verdict, dict):
                cell.metadata["course_verdict"] = shown_verdict(verdict, hide)
        return nb, resources


def shown_verdict(verdict: dict[str, Any], hide: Callable[[str], str]) -> dict[str, str]:
    status = str(verdict.get("status", ""))
    status = status if status in {s.value for s in Status} else Status.ERROR.value
    text = "".join(
        c if c.isprintable() or c == "\n" else "\ufffd" for c in str(verdict.get("message", ""))
    )
    text = hide(text[:MAX_MESSAGE])
    shown = {"status": status, "html": clean(html.escape(text)) if text else ""}
    known = named(status, text)
    if known is not None:  # the class report's name for it: one vocabulary
        shown |= {"mistake": known.id, "means": known.says}
    return shown


# -- no path or warning of the grading machine --------------------------------------------

# An absolute path, not part of a URL, a fraction or a word: "/x/y" with two parts at least;
# in a traceback, it may follow a colour code ("\x1b[0;32m/usr/...").
ABSOLUTE = re.compile(
    r"(?:(?P<colour>\x1b\[[\d;]*m)|(?<![\w.:/)\]~-]))(?P<path>/(?:[\w.@+~-]+/)+[\w.@+~-]*)"
)
# The file an IPython cell runs from, in the kernel's temp folder.
CELL_FILE = re.compile(r"ipykernel_\d+/\d+\.py\Z")
LIBRARY = re.compile(r"/(?:site|dist)-packages/(.*)\Z")
# A warning as Python prints it: "FILE:LINE: CategoryWarning: message", then the line.
WARNING = re.compile(r"^(?P<file>\S.*?):(?P<line>\d+): (?P<kind>\w*Warning): .*$")


def standard_library() -> list[str]:
    paths = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib")}
    return sorted((p for p in paths if p), key=len, reverse=True)


def path_hider(student: str, assignment: str, markup: bool = False) -> Callable[[str], str]:
    """A function that shortens every absolute path in a text to what a student may see.

    The student's own folder becomes relative (``helpers/sigmoid_softmax.py``); a
    cell's file ``<cell>``; a library ``<python>/numpy/...``; anything else of the
    grading machine ``<grader>/name``. With `markup`, for HTML, the brackets are escaped.
    """
    lt, gt = ("&lt;", "&gt;") if markup else ("<", ">")
    own = re.compile(
        rf"/(?:autograded|submitted|feedback)/{re.escape(student)}/"
        rf"{re.escape(assignment)}/(.*)\Z"
    )
    stdlib = standard_library()

    def short(path: str) -> str:
        if student and (found := own.search(path)):
            return found[1]
        if CELL_FILE.search(path):
            return f"{lt}cell{gt}"
        if found := LIBRARY.search(path):
            return f"{lt}python{gt}/{found[1]}"
        for root in stdlib:
            if path.startswith(root + "/"):
                return f"{lt}python{gt}/{path[len(root) + 1 :]}"
        return f"{lt}grader{gt}/{path.rstrip('/').rsplit('/', 1)[-1]}"

    return lambda text: ABSOLUTE.sub(lambda m: (m["colour"] or "") + short(m["path"]), text)


def library_warnings(text: str, hide: Callable[[str], str]) -> str:
    """Stream text without the warnings raised inside libraries (the grading machine's
    noise, such as joblib's about semaphores), and with every path shortened.

    A warning raised at the student's own code (their helpers or a cell) stays: it is
    part of what they have to fix.
    """
    kept, skip_source = [], False
    for line in text.splitlines(True):
        if skip_source and line.startswith("  "):  # the source line Python prints under it
            continue
        skip_source = False
        found = WARNING.match(line.rstrip("\n"))
        if found and hide(found["file"]).startswith(("<python>", "<grader>")):
            skip_source = True
            continue
        kept.append(line)
    return hide("".join(kept))


class HideMachinePaths(NbGraderPreprocessor):
    """Outputs without the grading machine's paths, user names or library warnings.

    Tracebacks, warnings and printed paths show the student's folder relative and
    everything else shortened (:func:`path_hider`); a warning raised inside a library
    is dropped (:func:`library_warnings`).
    """

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        given = resources.get("nbgrader", {})
        student, assignment = given.get("student", ""), given.get("assignment", "")
        hide = path_hider(student, assignment)
        hide_html = path_hider(student, assignment, markup=True)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            kept = []
            for output in cell.get("outputs", []):
                if output.output_type == "stream":
                    output.text = library_warnings(output.text, hide)
                    if not output.text:
                        continue
                elif output.output_type == "error":
                    output.evalue = hide(output.evalue)
                    output.traceback = [hide(line) for line in output.traceback]
                elif "data" in output:
                    for mime, hider in (("text/plain", hide), ("text/html", hide_html)):
                        if isinstance(output.data.get(mime), str):
                            output.data[mime] = hider(output.data[mime])
                kept.append(output)
            cell.outputs = kept
        return nb, resources


class HideTestInternals(NbGraderPreprocessor):
    """In feedback, a failed test shows its message, never its traceback.

    The traceback of a graded cell quotes the hidden test's source and the grader's
    frames; the message (the AssertionError from ``grade``) is written for the student.
    """

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        if utils.is_grade(cell):
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


# -- returning feedback: one zip per student ---------------------------------------------


def feedback_zips(out: str | Path, to: str | Path) -> list[Path]:
    """Write ``TO/<student>.zip`` holding that student's feedback pages; return the zips.

    The pages are ``OUT/feedback/<student>/<lesson>.html``, as ``course grade`` writes
    them; an LMS's bulk upload of feedback files takes one file per student.
    """
    source, to = Path(out) / "feedback", Path(to)
    if not source.is_dir():
        raise CourseError(f"{source} does not exist: run `course grade` into {out} first")
    to.mkdir(parents=True, exist_ok=True)
    written = []
    for folder in sorted(p for p in source.iterdir() if p.is_dir() and not p.is_symlink()):
        pages = sorted(p for p in folder.glob("*.html") if p.is_file() and not p.is_symlink())
        if not pages:
            continue
        archive = to / f"{folder.name}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for page in pages:
                zipped.write(page, f"{folder.name}/{page.name}")
        written.append(archive)
    return written


def main(out: str | Path, to: str | Path, say: Callable[[str], object] = print) -> int:
    written = feedback_zips(out, to)
    say(f"{len(written)} feedback zips in {Path(to).resolve()}, one per student")
    return 0
