"""How long each lesson takes to read: words / 150 + code lines / 15, in minutes.

150 words a minute is a careful reading pace for technical prose with formulas; 15 lines
of code a minute allows for reading each line and its output. A lesson's time is that of
its solution notebook, the text the learner reads (the learner's copy has the same prose
and only shorter code). Run ``python tests/reading_time.py`` for the table.
"""

import nbformat

from autograder.lessons import LESSONS, ROOT, Lesson

WORDS_PER_MINUTE = 150
CODE_LINES_PER_MINUTE = 15
LONGEST = 75  # minutes: about 1 h 15, the most a lesson may ask in one sitting


def counts(lesson: Lesson) -> tuple[int, int]:
    """The words of the lesson's markdown cells and the non-blank lines of its code cells."""
    nb = nbformat.read(ROOT / "solutions" / lesson.notebook, as_version=4)
    words = sum(len(c.source.split()) for c in nb.cells if c.cell_type == "markdown")
    lines = sum(
        1
        for c in nb.cells
        if c.cell_type == "code"
        for line in c.source.splitlines()
        if line.strip()
    )
    return words, lines


def minutes(lesson: Lesson) -> float:
    words, lines = counts(lesson)
    return words / WORDS_PER_MINUTE + lines / CODE_LINES_PER_MINUTE


def table() -> str:
    rows = ["| lesson | words | code lines | reading time |", "|---|---|---|---|"]
    for lesson in LESSONS:
        words, lines = counts(lesson)
        hours, rest = divmod(round(minutes(lesson)), 60)
        name = f"{lesson.number}. {lesson.title}"
        rows.append(f"| {name} | {words} | {lines} | {hours} h {rest:02d} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
