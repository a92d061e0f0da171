"""The five lessons, in course order, and the names each one goes by.

A lesson is known by its number (1 to 5) to people and the command line, by its
notebook (``solutions/01-logits.ipynb``, ``lessons/01-logits.ipynb``) to the author
and the student, by its nbgrader assignment (``lesson-01``) to the instructor, and by
its helpers module (``logits``) to everyone's code. Each of these names is derived
here, once.
"""

import importlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "lesson-{:02d}"  # nbgrader's assignment name of lesson N


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str  # the notebook's stem
    title: str
    module: str  # the helpers module the learner fills in

    @property
    def assignment(self) -> str:
        """The nbgrader assignment name, such as ``lesson-01``."""
        return ASSIGNMENT.format(self.number)

    @property
    def notebook(self) -> str:
        """The notebook's file name, such as ``01-logits.ipynb``."""
        return f"{self.slug}.ipynb"

    @property
    def functions(self) -> list[str]:
        """Names of the graded functions, in the order the module defines them."""
        reference = importlib.import_module(f"solutions.helpers.{self.module}")
        exported = set(importlib.import_module("solutions.helpers").__all__)
        return [
            name
            for name, obj in vars(reference).items()
            if name in exported and obj.__module__ == reference.__name__
        ]


LESSONS = (
    Lesson(1, "01-logits", "Logits", "logits"),
    Lesson(2, "02-sigmoid-vs-softmax", "Sigmoid versus softmax", "sigmoid_softmax"),
    Lesson(3, "03-entropy", "Entropy", "information"),
    Lesson(4, "04-kl-divergence", "KL divergence", "divergences"),
    Lesson(5, "05-cross-entropy", "Cross-entropy", "losses"),
)
NUMBERS = range(1, len(LESSONS) + 1)


class UnknownLesson(ValueError):
    """A lesson number outside 1 to 5."""


def chosen(numbers: Collection[int] = ()) -> list[Lesson]:
    """The lessons with these numbers, in course order; all of them for none.

    >>> [lesson.assignment for lesson in chosen([3, 1])]
    ['lesson-01', 'lesson-03']
    >>> chosen([7])
    Traceback (most recent call last):
    ...
    autograder.lessons.UnknownLesson: lessons are numbered 1 to 5, not 7
    """
    unknown = [str(n) for n in numbers if n not in NUMBERS]
    if unknown:
        raise UnknownLesson(f"lessons are numbered 1 to 5, not {', '.join(unknown)}")
    return [lesson for lesson in LESSONS if not numbers or lesson.number in numbers]
