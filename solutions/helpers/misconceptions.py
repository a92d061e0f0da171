r"""The mistakes the course names: one vocabulary for every verdict.

This module is given to you, already written. The judge (:mod:`helpers.judge`) says
what went wrong in a message; this module gives that message the name of the
misconception behind it, a stable id such as ``no-max-shift`` or
``kl-argument-order``. The instructor's class report counts the ids, so that the
mistakes a class makes most are the ones taught again.

A message is named by the first of :data:`RULES` whose pattern it holds, read after
the call it describes (the call's arguments are data, not words). A failure that
matches none is :data:`UNNAMED`.
"""

import re
from dataclasses import dataclass

from .judge import Status

UNNAMED = "unnamed"
# The verdicts a mistake is named for: a function that was attempted and got it wrong.
WRONG = (Status.FAILED, Status.ERROR, Status.TIMEOUT)
# Where the judge's message leaves the call it shows and says what happened.
AFTER_THE_CALL = re.compile(r"\) (?=returned |raised |changed |warned )")


@dataclass(frozen=True)
class Misconception:
    """A named mistake: its stable id, and what it means in a sentence."""

    id: str
    says: str


MISCONCEPTIONS = (
    Misconception("does-not-import", "does not import: a syntax error, or an import that fails"),
    Misconception("too-slow", "runs past the time allowed: an endless loop, or far too slow"),
    Misconception("mutated-input", "changes its input in place instead of working on a copy"),
    Misconception(
        "dtype-promoted",
        "returns the wrong dtype: float32 upcast to float64, or integers where floats belong",
    ),
    Misconception("missing-validation", "accepts an input it should reject with ValueError"),
    Misconception(
        "wrong-axis",
        "reduces or normalises along the wrong axis, drops keepdims, or returns the wrong shape",
    ),
    Misconception("kl-argument-order", "swaps KL's arguments: KL(p || q) is not KL(q || p)"),
    Misconception(
        "log-of-probability",
        "takes the log of a softmax or sigmoid instead of log_softmax or log_sigmoid",
    ),
    Misconception(
        "no-max-shift",
        "exponentiates without shifting each row by its maximum: exp overflows, or 0 / 0",
    ),
    Misconception("lost-digits", "loses digits near 0 or 1: log(1 + x) where log1p(x) keeps them"),
    Misconception("log-zero", "computes 0 log 0 as nan: it counts as 0 (xlogy, entr, rel_entr)"),
    Misconception("wrong-base", "forgets the base: bits divide the natural log by ln 2"),
    Misconception("clipping", "clips probabilities at the wrong bound, or not at all"),
    Misconception(
        "probabilities-not-logits", "treats logits as probabilities, or probabilities as logits"
    ),
    Misconception(
        "weights", "weights the wrong terms, or divides a weighted sum by the wrong total"
    ),
    Misconception(
        "impossible-event",
        "gets the cost of an impossible event wrong: it is infinite, without a warning",
    ),
    Misconception("input-kinds", "handles arrays but not scalars, lists or a single sample"),
    Misconception("unwanted-warning", "warns where the exercise promises no warning"),
)
BY_ID = {known.id: known for known in MISCONCEPTIONS}
# (id, pattern), in order: the first pattern found in what the judge says names the
# message. What stopped the whole module comes first (no import, no end), then the
# judge's own findings (an input changed, a dtype, a missing ValueError, a shape); then
# the cases' hints, the specific before the general.
RULES = tuple(
    (id, re.compile(pattern))
    for id, pattern in (
        ("does-not-import", r"^helpers failed to import"),
        ("too-slow", r"^\w+ ran for over "),
        ("mutated-input", r"changed its input in place"),
        ("dtype-promoted", r"^returned (float64, expected float32|integers \(|values of dtype)"),
        ("missing-validation", r"should raise ValueError|; raise ValueError"),
        ("wrong-axis", r"^returned shape "),
        ("kl-argument-order", r"KL is not symmetric|swap p and q"),
        (
            "log-of-probability",
            r"log\((softmax|sigmoid)|use log_(softmax|sigmoid)|1 - sigmoid\(z\)",
        ),
        ("no-max-shift", r"max first|max of each|the max,|own maximum|overflow|exp underflowed"),
        ("lost-digits", r"\blog1p\b|loses digits|lost the digits|rounds to [01]|rounds (e )?away"),
        ("log-zero", r"0 log 0|0 \* log 0|0 \* -inf|xlogy|xlog1py|\bentr\b|rel_entr|label 0 adds"),
        ("wrong-base", r"in bits|in base|divide by ln 2"),
        ("clipping", r"\bclip"),
        ("probabilities-not-logits", r"with logits|from_logits|log_softmax\(logits\)"),
        ("weights", r"weight|ignored targets"),
        ("wrong-axis", r"\baxis\b|keepdims|each row|each column|per row|separately|per slice"),
        ("impossible-event", r"costs inf|makes KL inf|infinitely|is -inf and|impossible"),
        ("input-kinds", r"array-like|0-d input|a scalar works|plain float|single (sample|label)"),
        ("unwanted-warning", r"^warned |promises no warning"),
    )
)


def what_happened(message):
    """The part of a judge's message after the call it shows.

    >>> what_happened("softmax([1, 2], axis=0) returned [0.5, 0.5], expected [0.27, 0.73]")
    'returned [0.5, 0.5], expected [0.27, 0.73]'
    """
    found = AFTER_THE_CALL.search(message)
    return message[found.end() :] if found else message


def name_of(message):
    """The id of the misconception a failed verdict's `message` shows, or :data:`UNNAMED`.

    Parameters
    ----------
    message : str
        The judge's message for a failed function, as ``course check``, the graded
        cell and ``checks.csv`` give it.

    Returns
    -------
    str
        An id of :data:`MISCONCEPTIONS`, or ``"unnamed"``.

    Examples
    --------
    >>> name_of("softmax([1000, 0]) returned [nan, 0], expected [1, 0]: "
    ...         "exp overflowed: subtract the max of each row first")
    'no-max-shift'
    >>> name_of("kl_divergence([0.5, 0.5], [0.9, 0.1]) returned 0.368, expected 0.511: "
    ...         "KL is not symmetric: swap p and q, get 0.368")
    'kl-argument-order'
    >>> name_of("entropy([0.5, 0.5]) returned 0.7, expected 0.69")
    'unnamed'
    """
    told = what_happened(message)
    return next((id for id, pattern in RULES if pattern.search(told)), UNNAMED)


def mistake_of(status, message):
    """The id of the mistake behind a verdict, or None where it is not a wrong answer.

    >>> mistake_of("passed", "12 cases") is None
    True
    >>> mistake_of("timeout", "entropy ran for over 10 s: an infinite loop?")
    'too-slow'
    """
    return name_of(message) if status in WRONG else None


def named(status, message):
    """The :class:`Misconception` a wrong verdict shows, or None (right, or no rule names it).

    >>> named("failed", "kl_divergence([0.5, 0.5], [0.9, 0.1]) returned 0.368, expected "
    ...       "0.511: KL is not symmetric").id
    'kl-argument-order'
    """
    return BY_ID.get(mistake_of(status, message))
