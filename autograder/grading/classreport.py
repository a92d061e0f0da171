"""``course report OUT --to DIR``: what a class misunderstands, before the next lecture.

Read from what ``course grade`` left in OUT (``checks.csv``, ``grades.csv``,
``submissions.csv``, ``similarity.csv``), and written by it at the end of every run into
``OUT/report``:

- ``misconceptions.csv``: per lesson and function, the students who attempted it, passed
  and failed it, and each named mistake (:mod:`helpers.misconceptions`, the one
  vocabulary) with how many students hold it, ranked; failures no rule names count as
  ``unnamed``, so that the vocabulary grows where it is needed;
- ``index.html``: the same tables, the students who hold each mistake (linked to their
  feedback pages, for office hours), a figure per lesson (its mistakes by share) and one
  for the class (the scores per lesson), when the work came in and how much of it late,
  and the flags a person must look at (``tamper_suspect``, slow lessons, similar pairs,
  error rows).

The report is the instructor's: its folder is private and its files mode 600. With
``--anonymous`` it holds counts only, no student id, for showing the class. Every cell
is a student's data: the page is escaped by its template, carries no script and the
feedback's Content-Security-Policy (:func:`sanitize.with_policy`), and the CSV's cells
pass :func:`report.safe_cell`.
"""

import base64
import csv
import io
import os
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from autograder.authoring import course as course_layout
from autograder.errors import CourseError
from autograder.grading.pages import TEMPLATES
from autograder.grading.records import SLOW
from autograder.grading.report import read_csv, safe_cell
from autograder.grading.sanitize import with_policy
from solutions.helpers.judge import Status
from solutions.helpers.misconceptions import BY_ID, UNNAMED, mistake_of

if TYPE_CHECKING:  # Matplotlib is imported where a figure is drawn, not before
    from matplotlib.figure import Figure

TEMPLATE = "course-report/report.html.j2"
CSV = "misconceptions.csv"
FIELDS = ("lesson", "function", "mistake", "means", "students", "attempted", "share", "who")
NOT_ATTEMPTED = {Status.NOT_IMPLEMENTED, Status.MISSING}
PRIVATE_FILE = 0o600


@dataclass
class Function:
    """One graded function across the class: who tried it, who got it, what went wrong."""

    lesson: str
    name: str
    attempted: set[str] = field(default_factory=set)
    passed: set[str] = field(default_factory=set)
    wrong: set[str] = field(default_factory=set)
    mistakes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def ranked(self) -> list[tuple[str, set[str]]]:
        """(mistake id, its students), the most held first, ``unnamed`` last among equals."""
        return sorted(self.mistakes.items(), key=lambda item: (-len(item[1]), item[0] == UNNAMED))

    def share(self, students: set[str]) -> float:
        return len(students) / len(self.attempted) if self.attempted else 0.0


def tally(checks: Iterable[dict[str, str]]) -> dict[tuple[str, str], Function]:
    """{(lesson, function): Function} from the rows of checks.csv."""
    found: dict[tuple[str, str], Function] = {}
    for row in checks:
        key = (row["lesson"], row["function"])
        function = found.setdefault(key, Function(*key))
        student, status = row["student_id"], row["status"]
        if status in NOT_ATTEMPTED:
            continue
        function.attempted.add(student)
        mistake = mistake_of(status, row["message"])
        if status == Status.PASSED:
            function.passed.add(student)
        elif mistake is not None:
            function.wrong.add(student)
            function.mistakes[mistake].add(student)
    return found


def mistake_rows(functions: dict[tuple[str, str], Function], anonymous: bool) -> list[dict]:
    """The rows of misconceptions.csv: one per lesson, function and mistake, ranked."""
    rows = []
    for (lesson, name), function in sorted(functions.items()):
        for mistake, students in function.ranked():
            rows.append(
                {
                    "lesson": lesson,
                    "function": name,
                    "mistake": mistake,
                    "means": BY_ID[mistake].says if mistake in BY_ID else "no rule names it yet",
                    "students": len(students),
                    "attempted": len(function.attempted),
                    "share": f"{function.share(students):.3f}",
                    "who": "" if anonymous else " ".join(sorted(students)),
                }
            )
    return rows


def write_private(path: Path, data: bytes) -> None:
    """Write `path` as the instructor's alone (mode 600), replacing what was there."""
    with suppress(FileNotFoundError):
        path.unlink()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(descriptor, "wb") as f:
        f.write(data)


def csv_bytes(rows: list[dict]) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow({name: safe_cell(name, row[name]) for name in FIELDS})
    return text.getvalue().encode()


# -- across the term ------------------------------------------------------------------

FALL = 0.25  # a drop in a student's share of the points, lesson to lesson, worth a look


def recurring(functions: dict[tuple[str, str], Function]) -> list[dict]:
    """The named mistakes seen in more than one lesson: where, and who holds them in
    more than one (the same misconception, not yet mended)."""
    where: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for (lesson, _), function in functions.items():
        for mistake, students in function.mistakes.items():
            if mistake != UNNAMED:
                where[mistake][lesson] |= students
    found = []
    for mistake, lessons in sorted(where.items()):
        if len(lessons) > 1:
            count: dict[str, int] = defaultdict(int)
            for students in lessons.values():
                for student in students:
                    count[student] += 1
            found.append(
                {
                    "mistake": mistake,
                    "lessons": {
                        lesson: len(students) for lesson, students in sorted(lessons.items())
                    },
                    "again": sorted(student for student, n in count.items() if n > 1),
                }
            )
    return found


def falling(grades: list[dict[str, str]]) -> list[dict]:
    """Students whose share of the points fell by more than :data:`FALL` from one graded
    lesson to the next, in the lessons' order."""
    shares: dict[str, dict[str, float]] = defaultdict(dict)
    for row in grades:
        shares[row["student_id"]][row["lesson"]] = float(row["score"]) / float(row["max_score"])
    found = []
    for student, by_lesson in sorted(shares.items()):
        for before, after in pairwise(sorted(by_lesson)):
            if by_lesson[before] - by_lesson[after] > FALL:
                found.append(
                    {
                        "student": student,
                        "from": before,
                        "to": after,
                        "before": by_lesson[before],
                        "after": by_lesson[after],
                    }
                )
    return found


# -- the figures ---------------------------------------------------------------------


def png(figure: "Figure") -> str:
    """A Matplotlib figure as a data: URI, which the page's policy allows (img-src data:)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def mistakes_figure(lesson: str, functions: list[Function]) -> str:
    """One lesson's named mistakes, by the share of the students who attempted the function."""
    from matplotlib.figure import Figure

    bars = [
        (f"{function.name}: {mistake}", function.share(students))
        for function in functions
        for mistake, students in function.ranked()
    ]
    bars.sort(key=lambda bar: bar[1])
    figure = Figure(figsize=(7, 0.6 + 0.35 * max(len(bars), 1)))
    axes = figure.add_subplot()
    if bars:
        axes.barh([label for label, _ in bars], [share for _, share in bars], color="#b5473a")
    else:  # a lesson every student passed still has its figure, saying so
        axes.text(0.5, 0.5, "no mistakes", ha="center", va="center", transform=axes.transAxes)
        axes.set_yticks([])
    axes.set_xlim(0, 1)
    axes.set_xlabel("share of the students who attempted the function")
    axes.set_title(f"{lesson}: mistakes")
    return png(figure)


def scores_figure(grades: list[dict[str, str]]) -> str:
    """The class's scores per lesson, as a fraction of the lesson's points."""
    from matplotlib.figure import Figure

    lessons = sorted({row["lesson"] for row in grades})
    fractions = [
        [float(r["score"]) / float(r["max_score"]) for r in grades if r["lesson"] == lesson]
        for lesson in lessons
    ]
    figure = Figure(figsize=(7, 3.5))
    axes = figure.add_subplot()
    if lessons:
        axes.boxplot(fractions, tick_labels=lessons)
    axes.set_ylim(-0.05, 1.05)
    axes.set_ylabel("score / points")
    axes.set_title("scores per lesson")
    return png(figure)


# -- the rest of the page ------------------------------------------------------------


def timing(submissions: list[dict[str, str]]) -> list[dict]:
    """Per lesson: how many submissions, when the first, the median and the last came in,
    and how many were late."""
    found = []
    for lesson in sorted({row["lesson"] for row in submissions if row["lesson"]}):
        rows = [row for row in submissions if row["lesson"] == lesson]
        times = sorted(datetime.fromisoformat(r["timestamp"]) for r in rows if r["timestamp"])
        late = sum(1 for r in rows if r["seconds_late"] and float(r["seconds_late"]) > 0)
        found.append(
            {
                "lesson": lesson,
                "submissions": len(rows),
                "first": times[0].isoformat(" ", "minutes") if times else "",
                "median": statistics.median_low(times).isoformat(" ", "minutes") if times else "",
                "last": times[-1].isoformat(" ", "minutes") if times else "",
                "late": late,
            }
        )
    return found


def flags(out: Path, checks: list[dict[str, str]], submissions: list[dict[str, str]]) -> list:
    """What a person must look at: (student, lesson, why), in that order."""
    found = [
        (row["student_id"], row["lesson"], f"{row['function']}: {row['status']}: {row['message']}")
        for row in checks
        if row["status"] in (Status.TAMPER_SUSPECT, Status.ERROR)
    ]
    for row in submissions:
        for problem in filter(None, row["problems"].split("; ")):
            if problem.startswith(SLOW):
                found.append((row["student_id"], row["lesson"], problem))
    similar = out / "similarity.csv"
    for row in read_csv(similar) if similar.exists() else []:
        pair = f"{row['student_a']} and {row['student_b']}"
        found.append((pair, row["lesson"], f"similar ({row['kind']}): {row['functions']}"))
    return sorted(found)


def read_out(out: Path) -> tuple[list[dict[str, str]], ...]:
    """checks.csv, grades.csv and submissions.csv of a graded OUT."""
    names = ("checks.csv", "grades.csv", "submissions.csv")
    missing = [name for name in names if not (out / name).is_file()]
    if missing:
        raise CourseError(f"{out} holds no {', '.join(missing)}: run `course grade` into it first")
    return tuple(read_csv(out / name) for name in names)


def page(out: Path, to: Path, anonymous: bool) -> tuple[str, list[dict]]:
    """(the report's HTML, the rows of misconceptions.csv) for the graded OUT."""
    checks, grades, submissions = read_out(out)
    functions = tally(checks)
    rows = mistake_rows(functions, anonymous)
    by_lesson = defaultdict(list)
    for (lesson, _), function in sorted(functions.items()):
        by_lesson[lesson].append(function)

    def feedback_page(student: str, lesson: str) -> str | None:
        """The link from the report to a student's feedback page, where there is one."""
        path = out / "feedback" / student / f"{lesson}.html"
        return None if anonymous or not path.is_file() else quote(os.path.relpath(path, to))

    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True)
    )
    html = environment.get_template(TEMPLATE).render(
        lessons=[
            {"name": lesson, "functions": found, "figure": mistakes_figure(lesson, found)}
            for lesson, found in by_lesson.items()
        ],
        scores=scores_figure(grades),
        students=len({row["student_id"] for row in grades}),
        timing=timing(submissions),
        recurring=recurring(functions),
        falling=falling(grades),
        fall=FALL,
        flags=[] if anonymous else flags(out, checks, submissions),
        anonymous=anonymous,
        feedback_page=feedback_page,
        says=BY_ID,
        unnamed=UNNAMED,
    )
    return with_policy(html, ""), rows  # no script at all


def write(
    out: str | Path,
    to: str | Path | None = None,
    anonymous: bool = False,
    say: Callable[[str], object] = print,
) -> Path:
    """Write the class report of the graded `out` into `to` (OUT/report by default); the
    page's path."""
    out = Path(out).resolve()
    to = Path(to).resolve() if to is not None else out / "report"
    html, rows = page(out, to, anonymous)
    course_layout.private(to)
    write_private(to / CSV, csv_bytes(rows))
    write_private(to / "index.html", html.encode())
    say(f"Class report: {to / 'index.html'} (the mistakes per function: {to / CSV})")
    return to / "index.html"
