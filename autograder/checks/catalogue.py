"""The public cases of every graded function: what "correct" means, written once.

A :class:`~solutions.helpers.judge.Case` is a call whose result must match the
reference's on the same inputs; its ``hint`` is what a failure there usually means,
in the learner's words. A :class:`~solutions.helpers.judge.Raises` is a call that
must raise ``ValueError``. ``course build`` compiles these, with the reference's
results, into ``helpers/cases.json`` (:func:`compiled_json`): every check a learner
runs, and the public half of the trusted re-check, judge against those data. The
grader adds hidden cases of its own (:mod:`autograder.checks.hidden`).

Each lesson's cases live in its own module (``lesson1_logits`` ... ``lesson5_*``),
written with :mod:`autograder.checks.cases_common`; this module gathers them. A
lesson module holds two parts per function:

- ``SPECS``: the cases that teach the maths, the plainest first.
- ``CONTRACT``: the cases that hold the function to every bullet of its exercise cell
  (`spec` quotes the bullet; tests/test_catalogue.py checks that the quotes are
  verbatim and that no bullet goes untested): float32 and float64, integers, a batch
  and a non-default axis with every option, and the extremes the lessons teach. They
  come after the cases of ``SPECS`` so that a wrong formula is still named by its
  simplest case.
"""

import json
import warnings
from collections.abc import Iterable
from functools import cache
from typing import Any

from autograder.checks import (
    lesson1_logits,
    lesson2_sigmoid_softmax,
    lesson3_entropy,
    lesson4_divergences,
    lesson5_gradients_calibration,
    lesson5_losses_of_logits,
    lesson5_losses_of_probabilities,
)
from autograder.lessons import LESSONS
from solutions.helpers import judge
from solutions.helpers.judge import Case, Raises, Spec, to_json

BY_LESSON = (
    lesson1_logits,
    lesson2_sigmoid_softmax,
    lesson3_entropy,
    lesson4_divergences,
    lesson5_losses_of_probabilities,
    lesson5_losses_of_logits,
    lesson5_gradients_calibration,
)
SPECS = tuple(spec for module in BY_LESSON for spec in module.SPECS)
CONTRACT = {name: cases for module in BY_LESSON for name, cases in module.CONTRACT.items()}


def with_contract(spec: Spec) -> Spec:
    """`spec` with its contract's cases and bad inputs after its own."""
    cases, bad = CONTRACT[spec.name]
    return Spec(spec.name, (*spec.cases, *cases), (*spec.raises, *bad), spec.ulps)


CATALOGUE = {spec.name: with_contract(spec) for spec in SPECS}


def expected(name: str, item: Case) -> object:
    """The reference's result for a case: what the learner's must match.

    Warnings are errors here: a reference that warned on a public case would teach the
    opposite of what the judge demands.
    """
    from solutions import helpers as reference

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        done = judge.call(getattr(reference, name), item.args, item.kwargs)
    if done.error is not None or done.mutated:
        raise RuntimeError(f"the reference fails its own case {item}: {done.error}")
    return done.result


def with_expected(name: str, cases: Iterable[Case]) -> tuple[Case, ...]:
    return tuple(
        Case(c.args, c.kwargs, expected(name, c), c.hint, c.scale, c.quiet, c.example)
        for c in cases
    )


@cache
def compiled() -> dict[str, Spec]:
    """{name: Spec} with every public case's expected value computed by the reference."""
    return {
        name: Spec(name, with_expected(name, spec.cases), spec.raises, spec.ulps)
        for name, spec in CATALOGUE.items()
    }


def unset(value: object) -> bool:
    """Whether an optional field holds its default and can be left out of the JSON."""
    return value is None or value is False or value == ""


def case_json(item: Case | Raises) -> dict[str, Any]:
    data = {
        "args": [to_json(a) for a in item.args],
        "kwargs": {k: to_json(v) for k, v in item.kwargs.items()},
    }
    if isinstance(item, Raises):
        return {**data, "why": item.why}
    optional = {
        "hint": item.hint,
        "scale": item.scale,
        "quiet": item.quiet,
        "example": item.example,
    }
    return {
        **data,
        "expected": to_json(item.expected),
        # By identity: `0 in (False,)` is true, and a scale of 0 must not be dropped.
        **{key: value for key, value in optional.items() if not unset(value)},
    }


def compiled_json() -> str:
    """The text of ``helpers/cases.json``: the lessons, and every function's public cases."""
    specs = compiled()
    data = {
        "generated_from": "autograder/checks/catalogue.py and the reference in solutions/helpers",
        "lessons": [
            {
                "number": lesson.number,
                "title": lesson.title,
                "module": lesson.module,
                "functions": lesson.functions,
            }
            for lesson in LESSONS
        ],
        "functions": {
            name: {
                "ulps": specs[name].ulps,
                "cases": [case_json(c) for c in specs[name].cases],
                "raises": [case_json(r) for r in specs[name].raises],
            }
            for lesson in LESSONS
            for name in lesson.functions
        },
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"
