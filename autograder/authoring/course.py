"""The course directory and nbgrader's exchange, on a machine students share.

The course (its ``source/`` with the solution notebooks, the gradebook, ``grades/`` and
every collected submission) is the instructor's alone; students reach it only through
nbgrader's exchange, outside it, open to everyone with the sticky bit.
"""

import stat
from pathlib import Path

from autograder.errors import CourseError

COURSE_ID = "logits-to-loss"
# nbgrader's own default exchange: with it, students set only the course id.
EXCHANGE = "/srv/nbgrader/exchange"
PRIVATE = 0o700  # the course, its source/, gradebook and grades: the instructor's alone
# Anyone may add a course to the exchange (nbgrader then sets each course's folders'
# modes); the sticky bit stops a student renaming or removing the instructor's course
# folder and planting a fake one with its own "release".
EXCHANGE_MODE = 0o1777


def private(folder):
    """Make `folder` (created if need be) the instructor's alone."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(PRIVATE)
    return folder


def ensure_exchange(root, course_dir):
    """Create nbgrader's exchange root at `root` if need be, open to every student."""
    root = Path(root).resolve()
    if root == course_dir or course_dir in root.parents:
        raise CourseError(
            f"the exchange {root} must be outside {course_dir}, which only you can read"
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
        if stat.S_IMODE(root.stat().st_mode) & EXCHANGE_MODE != EXCHANGE_MODE:
            root.chmod(EXCHANGE_MODE)
    except PermissionError:
        raise CourseError(
            f"students cannot use the exchange {root}: as its owner or root, run  "
            f"install -d -m 1777 {root}  (or choose another with --exchange DIR)"
        ) from None
    return root
