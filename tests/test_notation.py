"""The course's one notation (issue 13 §3), checked as far as a machine can check it.

Lesson 1 and the book's front page print the same table of symbols. The reference
helpers' docstrings use its letters: z for logits, p for the true distribution, q for the
model's, C classes and N samples in shapes, and never K or n for a count. The lessons' maths
never writes K for the number of classes.
"""

import ast
import re
from itertools import takewhile

import nbformat
import pytest

from autograder.lessons import ROOT

HELPERS = ROOT / "solutions" / "helpers"
FRONT_PAGE = ROOT / "autograder" / "authoring" / "book" / "index.md"
LESSON_1 = ROOT / "solutions" / "01-logits.ipynb"
MODULES = [
    "logits",
    "sigmoid_softmax",
    "information",
    "divergences",
    "losses",
]
LESSONS = [
    "01-logits",
    "02-sigmoid-vs-softmax",
    "03-entropy",
    "04-kl-divergence",
    "05-cross-entropy",
]
# Public argument names that mirror an anchor library's API (TensorFlow, PyTorch, Keras,
# scikit-learn) keep their names; the docstring's Notes must then say which symbol they are.
ANCHOR_NAMES = {"logits", "labels", "target", "y_true", "y_pred", "y_prob"}
# Names a count may not have: the table says C classes, N samples, d features.
FORBIDDEN_COUNTS = re.compile(
    r"\bn_(classes|samples|features|labels)\b|\b[Kn] (classes|outcomes|samples)\b|\blog [Kn]\b"
)
SHAPE = re.compile(r"shape \(([^)]*)\)")
SHAPE_LETTERS = re.compile(r"N|C|d|d\d+|\d+|\.\.\.|")
MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
CAPITAL_K = re.compile(r"(?<![\\A-Za-z])K(?![A-Za-z])")  # K alone, not in KL or \Kappa


def public_docstrings(module):
    tree = ast.parse((HELPERS / f"{module}.py").read_text())
    return {
        node.name: ast.get_docstring(node)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    }


def section(doc, title):
    """The body of one numpydoc section: from its underlined title to the next one."""
    match = re.search(rf"^{title}\n-+\n(.*?)(?=^\w[\w ]*\n-+\n|\Z)", doc, flags=re.M | re.S)
    return match.group(1) if match else ""


def parameters(doc):
    """{name: its type and description}; "p, q : ..." gives both names the same text."""
    described, names = {}, []
    for line in section(doc, "Parameters").splitlines():
        if line and not line.startswith(" "):
            head, _, kind = line.partition(" : ")
            names = [name.strip() for name in head.split(",")]
            described.update(dict.fromkeys(names, kind))
        else:
            for name in names:
                described[name] += " " + line.strip()
    return described


def parameter_violations(function, doc):
    notes = section(doc, "Notes")
    for name, text in parameters(doc).items():
        # A bool such as Keras's from_logits holds no logits: it says whether another argument does.
        says_logits = (
            not text.startswith("bool")
            and re.search(r"\blogits\b", text, flags=re.I)
            and "from_logits" not in text
        )
        if name == "p" and re.search(r"predict|model", text, flags=re.I):
            yield f"{function}: p is the truth, but its description says {text!r}"
        if name == "q" and not re.search(r"predict|model", text, flags=re.I):
            yield f"{function}: q is the model's distribution, but its description says {text!r}"
        if says_logits and name not in {"z", "Z"} | ANCHOR_NAMES:
            yield f"{function}: logits are z or Z, not {name!r}"
        if name in ANCHOR_NAMES and not re.search(rf"``{name}``[^.]*\b[zZpqy]\b", notes):
            yield f"{function}: the Notes must say which symbol ``{name}`` is"


def count_violations(function, doc):
    for match in FORBIDDEN_COUNTS.finditer(doc):
        yield f"{function}: {match.group(0)!r}; the table says C classes, N samples, d features"
    for match in SHAPE.finditer(doc):
        letters = [item.strip() for item in match.group(1).split(",")]
        if not all(SHAPE_LETTERS.fullmatch(letter) for letter in letters):
            yield f"{function}: {match.group(0)!r} uses letters outside N, C, d"


@pytest.mark.parametrize("module", MODULES)
def test_reference_docstrings_use_the_table_letters(module):
    violations = [
        violation
        for function, doc in public_docstrings(module).items()
        for violation in (*parameter_violations(function, doc), *count_violations(function, doc))
    ]
    assert not violations, "\n".join(violations)


def notation_rows(markdown):
    """The rows of the table headed "| symbol | meaning |", separator excluded."""
    lines = markdown[markdown.index("| symbol | meaning |") :].splitlines()
    return list(takewhile(lambda line: line.startswith("|"), lines))[2:]


def lesson_markdown(slug):
    nb = nbformat.read(ROOT / "solutions" / f"{slug}.ipynb", as_version=4)
    return "\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def test_lesson_1_and_the_front_page_print_the_same_table():
    in_lesson, on_front_page = (
        notation_rows(lesson_markdown("01-logits")),
        notation_rows(FRONT_PAGE.read_text()),
    )
    symbols = {symbol for row in in_lesson for symbol in MATH.findall(row.split("|")[1])}
    assert {("", letter) for letter in "xXWbzZpqyCNdT"} <= symbols, symbols
    assert in_lesson == on_front_page


@pytest.mark.parametrize("slug", LESSONS)
def test_lessons_never_write_K_for_the_number_of_classes(slug):
    markdown = lesson_markdown(slug)
    with_k = [m.group(0) for m in MATH.finditer(markdown) if CAPITAL_K.search(m.group(0))]
    in_prose = [m.group(0) for m in FORBIDDEN_COUNTS.finditer(MATH.sub("", markdown))]
    assert not with_k and not in_prose, (with_k, in_prose)
