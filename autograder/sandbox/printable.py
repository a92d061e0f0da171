"""Text from the student side, made safe to print: no control characters, bounded.

A message can quote what a student's code raised or named, so it may hold terminal
escapes, bidi overrides or NULs, and be of any length. Whatever reaches a CSV, a
terminal or a page goes through :func:`printable` first.
"""

TRUNCATED = "…(truncated)"


def shorten(text: str, limit: int, mark: str = TRUNCATED) -> str:
    """`text` cut to `limit` characters, ending in `mark` if it was longer.

    >>> shorten("abcdefgh", 5, "…")
    'abcd…'
    """
    return text if len(text) <= limit else text[: limit - len(mark)] + mark


def printable(text: str, limit: int, mark: str = TRUNCATED) -> str:
    """`text` cut to `limit` characters, ending in `mark` if it was longer, with control
    and invisible characters (escapes, bidi overrides, NULs) replaced.

    >>> printable("red\\x1b[31m\\u202eok", 100)
    'red\\ufffd[31m\\ufffdok'
    """
    head = text[: limit + 1]  # enough to tell whether it was longer
    return shorten(
        "".join(c if c.isprintable() or c in "\n\t" else "\ufffd" for c in head), limit, mark
    )
