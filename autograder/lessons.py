"""The five lessons, in course order, and where each one's code lives."""

import importlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str  # notebook stem and nbgrader assignment name
    title: str
    module: str  # the helpers module the learner fills in

    @property
    def functions(self):
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
