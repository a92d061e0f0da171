"""What ``course grade`` leaves in OUT: the CSVs, the run's seed, the summary, the progress bar.

``grades.csv`` has a row per student and lesson, ``checks.csv`` a row per student,
lesson and graded function, ``submissions.csv`` a row per student and lesson saying
where the work came from, which code was graded (a digest of the helpers files), the
seed, how the notebook ran and what went wrong. A run rewrites only the rows in its
scope (its lessons, and its student with ``--student``), so re-running is idempotent
and re-grading one student leaves everyone else's rows as they were.

Every cell is hostile data on its way to a spreadsheet (see :func:`safe_cell`): printable,
capped at :data:`MAX_CELL` characters, and never the start of a formula. Every CSV an
earlier run wrote reads back, however large its cells.
"""

import csv
import json
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from autograder.grading import gradebook
from autograder.grading.records import REJECTED, Check, Graded, Problem, Task
from autograder.sandbox.printable import printable, shorten
from solutions.helpers.judge import Status

GRADES = ("student_id", "lesson", "score", "max_score", "needs_manual_grade")
CHECKS = ("student_id", "lesson", "grade_id", "function", "score", "max_score", "status", "message")
SUBMISSIONS = (
    "student_id",
    "lesson",
    "source",
    "helpers_sha256",
    "seed",
    "notebook_run",
    "feedback",
    "timestamp",
    "seconds_late",
    "problems",
)
# Statuses that are not a plain grading outcome: the summary lists them as problems.
FAULTS = (Status.ERROR, Status.TIMEOUT, Status.MISSING, Status.TAMPER_SUSPECT)
BINS = 5  # the distribution's bins: 0-20%, ..., 80-100%
BARS = " ▁▂▃▄▅▆▇█"
# OWASP's CSV-injection rule: a spreadsheet runs a cell that begins with one of = + - @,
# a tab or a carriage return as a formula. Such a cell is written with a single quote in
# front ("'=SUM(A1)"), which spreadsheets show as text. A spreadsheet that splits lines on
# ";" or a tab (as many locales do), or misreads quotes, could start a cell inside one of
# ours, so the same holds after a comma, semicolon, tab, line break or double quote.
FORMULA = re.compile(r"""(^|[,;\t\r\n"])(?=[=+\-@\t\r])""")
# Numbers stay numbers: a negative score is a number, not a formula.
NUMERIC = ("score", "max_score", "seed")
NUMBER = re.compile(r"-?(\d+(\.\d*)?(e[+-]?\d+)?|inf)|nan")
MAX_CELL = 2000  # characters: a message for a person, not a log
FIELD_LIMIT = 2**31 - 1  # csv's own cap on a cell read back (128 kB) is lifted to this


@dataclass
class Scope:
    """Which rows a run rewrites: its lessons, and only its students if any were named."""

    lessons: set[str]  # assignment names
    students: set[str] = field(default_factory=set)

    def covers(self, row: dict[str, str]) -> bool:
        if row["student_id"].startswith(REJECTED):  # every run lists SUBMISSIONS afresh
            return True
        lesson_ok = row["lesson"] in self.lessons or row["lesson"] == ""
        return lesson_ok and (not self.students or row["student_id"] in self.students)


class Results:
    """The rows of one run, stored into the course gradebook as they arrive."""

    grades: list[dict[str, str]]  # rows of GRADES
    checks: list[dict[str, str]]  # rows of CHECKS
    submissions: list[dict[str, str]]  # rows of SUBMISSIONS

    def __init__(self, seed: int, problems: Iterable[Problem], late_policy: str = "none") -> None:
        self.seed, self.late_policy = seed, late_policy
        self.problems = list(problems)
        self.grades, self.checks, self.submissions = [], [], []

    def add(
        self,
        task: Task,
        checks: Sequence[Check],
        gb: Gradebook,
        stored: bool = True,
        notebook_run: str = "",
        sha256: str = "",
        feedback: bool = False,
        problems: Iterable[str] = (),
    ) -> None:
        lesson = task.lesson
        if stored:
            auto = {check.grade_id: check.score for check in checks}
            suspect = any(check.status == Status.TAMPER_SUSPECT for check in checks)
            score, max_score, needs, late = gradebook.store(
                gb, lesson, task, auto, suspect, self.late_policy
            )
        else:
            score, max_score, needs = 0.0, gradebook.lesson_max_score(gb, lesson), False
            late = 0.0
        self.grades.append(
            {
                "student_id": task.student,
                "lesson": task.assignment,
                "score": f"{score:g}",
                "max_score": f"{max_score:g}",
                "needs_manual_grade": str(bool(needs)).lower(),
            }
        )
        self.checks += [check.row() for check in checks]
        self.submissions.append(
            {
                "student_id": task.student,
                "lesson": task.assignment,
                "source": task.source,
                "helpers_sha256": sha256,
                "seed": str(self.seed),
                "notebook_run": notebook_run,
                "feedback": "yes" if feedback else "no",
                "timestamp": task.timestamp.isoformat() if task.timestamp else "",
                "seconds_late": f"{late:g}" if task.timestamp else "",
                "problems": "; ".join(problems),
            }
        )

    def add_graded(self, graded: Graded, gb: Gradebook) -> None:
        self.add(
            graded.task,
            graded.checks,
            gb,
            notebook_run=graded.notebook_run,
            sha256=graded.helpers_sha256,
            feedback=graded.feedback,
            problems=graded.problems,
        )

    def write(self, out: Path, scope: Scope) -> None:
        for problem in self.problems:
            self.submissions.append(
                {
                    **dict.fromkeys(SUBMISSIONS, ""),
                    "student_id": problem.student,
                    "lesson": problem.lesson,
                    "seed": str(self.seed),
                    "problems": problem.message,
                }
            )
        update_csv(out / "grades.csv", GRADES, self.grades, scope)
        update_csv(out / "checks.csv", CHECKS, self.checks, scope)
        update_csv(out / "submissions.csv", SUBMISSIONS, self.submissions, scope)
        (out / "run.json").write_text(json.dumps({"seed": self.seed}, indent=1) + "\n")


def safe_cell(field: str, value: object) -> str:
    """A CSV cell that a spreadsheet shows as written and never runs (see FORMULA).

    Idempotent, so the rows a run keeps from an earlier one are written back unchanged.
    """
    text = str(value)
    if field in NUMERIC and NUMBER.fullmatch(text):
        return text
    return shorten(FORMULA.sub(r"\1'", printable(text, MAX_CELL)), MAX_CELL)


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    csv.field_size_limit(FIELD_LIMIT)  # an earlier version wrote cells of any size
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def update_csv(path: Path, fields: Sequence[str], rows: list[dict[str, str]], scope: Scope) -> None:
    """Replace the rows in scope by `rows`; keep the others; sort for stable diffs."""
    kept = [row for row in read_csv(path) if not scope.covers(row)]
    safe = [{name: safe_cell(name, row.get(name) or "") for name in fields} for row in kept + rows]
    merged = sorted(safe, key=lambda r: tuple(r[name] for name in fields[:3]))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fields)
        writer.writeheader()
        writer.writerows(merged)


def read_run(out: Path) -> dict[str, Any]:
    path = out / "run.json"
    return json.loads(path.read_text()) if path.exists() else {}


@contextmanager
def progress(total: int, say: Callable[[str], object]) -> Iterator[Callable[[str], None]]:
    """A progress bar over the submissions; yields advance(description)."""
    columns = (
        TextColumn("Grading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
    )
    with Progress(*columns) as bar:
        task = bar.add_task("grading", total=total, last="")
        yield lambda what: bar.update(task, advance=1, last=what)


def distribution(fractions: Iterable[float]) -> str:
    """Counts in BINS equal bins of [0, 1], as bars and numbers."""
    counts = [0] * BINS
    for x in fractions:
        counts[min(int(x * BINS), BINS - 1)] += 1
    top = max(counts) or 1
    bars = "".join(BARS[round(c / top * (len(BARS) - 1))] if c else "·" for c in counts)
    return f"{bars}  {'/'.join(map(str, counts))}"


def summary(out: Path, say: Callable[[str], object] = print) -> None:
    """Print, per lesson, the mean, median and distribution of scores, then the problems."""
    grades = read_csv(out / "grades.csv")
    table = Table(title=f"Grades in {out / 'grades.csv'}")
    for name in ("lesson", "students", "mean", "median", "distribution 0-20-...-100%"):
        table.add_column(name)
    for lesson in sorted({row["lesson"] for row in grades}):
        rows = [row for row in grades if row["lesson"] == lesson]
        fractions = [float(r["score"]) / float(r["max_score"]) for r in rows]
        scores = [float(r["score"]) for r in rows]
        table.add_row(
            f"{lesson} (/{rows[0]['max_score']})",
            str(len(rows)),
            f"{statistics.mean(scores):.2f}",
            f"{statistics.median(scores):.2f}",
            distribution(fractions),
        )
    console = Console(width=120)
    console.print(table)
    found = faults(out)
    if found:
        listing = Table(title="Problem submissions")
        for name in ("student", "lesson", "problem"):
            listing.add_column(name, overflow="fold")
        for (student, lesson), problems in sorted(found.items()):
            # Text, not markup: a student's "[/bold]" or "[link=...]" is shown as typed.
            listing.add_row(Text(student), Text(lesson or "-"), Text("\n".join(problems)))
        console.print(listing)
    else:
        say("No problem submissions.")
    say(f"Details: {out / 'checks.csv'}, {out / 'submissions.csv'}, feedback in {out / 'feedback'}")


def faults(out: Path) -> dict[tuple[str, str], list[str]]:
    """{(student, lesson): [what went wrong]}: recorded problems, then every fault status."""
    found: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for row in read_csv(out / "submissions.csv"):
        if row["problems"]:
            found[row["student_id"], row["lesson"]].append(row["problems"])
    functions: defaultdict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for row in read_csv(out / "checks.csv"):
        if row["status"] in FAULTS:
            key = (row["student_id"], row["lesson"], row["status"], row["message"])
            functions[key].append(row["function"])
    for (student, lesson, status, message), names in functions.items():
        which = names[0] if len(names) == 1 else f"{len(names)} functions"
        found[student, lesson].append(f"{status} ({which}): {message}")
    return found
