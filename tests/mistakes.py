r"""A corpus of realistic student mistakes, one wrong function each, with the words its
verdict must contain.

Each :class:`Mistake` is data: the graded function it gets wrong, the wrong
implementation as the source text of a whole function (written against the same imports
as the reference module of its lesson), and the words the judge's message must contain:
what a learner reads must name the mistake. Two ways to run one:

- :func:`learner_module`, in this process: the reference package with that one function
  replaced (tests/test_mistakes.py);
- :func:`module_source`, the full text of the lesson's ``helpers`` module with the
  function replaced, to write a submission folder for the course grader.

The mistakes themselves are in tests/mistakes_lessons_1_to_3.py and
tests/mistakes_lessons_4_and_5.py, as plain tuples: here they become :class:`Mistake`.
"""

import ast
import inspect
import textwrap
import types
from dataclasses import dataclass

from mistakes_lessons_1_to_3 import ENTRIES as LESSONS_1_TO_3
from mistakes_lessons_4_and_5 import ENTRIES as LESSONS_4_AND_5

import solutions.helpers as reference
from autograder.lessons import LESSONS


@dataclass(frozen=True)
class Mistake:
    name: str  # an identifier, unique in the corpus
    function: str  # the graded function it gets wrong
    source: str  # the whole wrong function, `def function(...)` included
    words: tuple  # what the verdict's message must contain


def mistake(name, function, source, *words):
    return Mistake(name, function, textwrap.dedent(source).strip() + "\n", words)


def lesson_of(function):
    """The lesson that grades `function`."""
    return next(lesson for lesson in LESSONS if function in lesson.functions)


def reference_module(function):
    """The reference module (solutions.helpers.<module>) that defines `function`."""
    return getattr(reference, lesson_of(function).module)


def module_source(*mistakes):
    """The text of the lesson's helpers module with each mistake's function replaced by it.

    The mistakes must be of one lesson and of different functions. Everything else
    (imports, the other functions, docstrings) stays the reference's, so a submission
    folder written from it differs from the reference in those functions only.
    """
    source = inspect.getsource(reference_module(mistakes[0].function))
    for wrong in mistakes:
        found = next(
            node
            for node in ast.parse(source).body
            if isinstance(node, ast.FunctionDef) and node.name == wrong.function
        )
        start = min([found.lineno, *(d.lineno for d in found.decorator_list)])
        lines = source.splitlines(keepends=True)
        source = "".join([*lines[: start - 1], wrong.source, *lines[found.end_lineno :]])
    return source


def learner_module(mistake):
    """A module like the reference package, with `mistake.function` replaced by the mistake.

    The mistake is compiled with its lesson module's globals, so it calls the same
    imported names (np, check_probabilities, log_softmax, ...) a learner's file would.
    """
    namespace = dict(vars(reference_module(mistake.function)))
    exec(compile(mistake.source, f"<mistake {mistake.name}>", "exec"), namespace)
    module = types.ModuleType(f"mistake_{mistake.name}")
    module.__dict__.update(vars(reference))
    setattr(module, mistake.function, namespace[mistake.function])
    return module


MISTAKES = tuple(mistake(*entry) for entry in (*LESSONS_1_TO_3, *LESSONS_4_AND_5))
