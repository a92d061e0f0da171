"""The one reader of nbgrader's solution markers in the reference helpers.

A solution region of ``solutions/helpers/*.py`` lies between a ``### BEGIN SOLUTION``
line and a ``### END SOLUTION`` line. nbgrader's ``ClearSolutions`` turns it into a
stub (:func:`autograder.authoring.build.helper_stub`); everything else that needs the
regions (the filled-in earlier lessons of a release, the book's solution toggles, the
leak search, the demo class's edited students, the similarity report's reference)
reads them here.
"""

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
# What must never reach a student: nbgrader's markers, in notebooks and helpers alike.
ALL = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def is_marker(line):
    return line.strip() in (BEGIN, END)


def regions(lines):
    """(first, last) line indices of each solution region's code, markers excluded."""
    found, start = [], None
    for number, line in enumerate(lines):
        if line.strip() == BEGIN:
            start = number + 1
        elif line.strip() == END and start is not None:
            found.append((start, number - 1))
            start = None
    return found


def without_markers(source):
    """The reference with its solution code kept and the marker lines dropped.

    >>> source = "def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION\\n"
    >>> without_markers(source)
    'def f():\\n    return 1\\n'
    """
    return "".join(line for line in source.splitlines(True) if not is_marker(line))


def solution_lines(paths):
    """The solution lines of these reference files long enough to be telling elsewhere."""
    telling = set()
    for path in paths:
        lines = path.read_text().splitlines()
        for first, last in regions(lines):
            telling.update(s for s in map(str.strip, lines[first : last + 1]) if len(s) > 20)
    return telling


def replace_solution(source, function, body):
    """`source` with the solution of `function` (its first region) replaced by `body`.

    >>> source = "def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION\\n"
    >>> print(replace_solution(source, "f", "    return 2\\n"), end="")
    def f():
        ### BEGIN SOLUTION
        return 2
        ### END SOLUTION
    """
    lines = source.splitlines(True)
    defined = [i for i, line in enumerate(lines) if line.lstrip().startswith(f"def {function}(")]
    after = [(first, last) for first, last in regions(lines) if defined and first > defined[0]]
    if not after:
        raise ValueError(f"no solution region for {function}")
    first, last = after[0]
    return "".join(lines[:first]) + body.rstrip("\n") + "\n" + "".join(lines[last + 1 :])
