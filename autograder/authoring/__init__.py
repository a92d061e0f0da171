"""The author's side: ``course build`` (`build`), ``course release`` (`release`, with the
course's `nbgrader_config` template) and ``course book`` (`book`).

Everything here derives from ``solutions/``, the single source of truth, through
nbgrader's own preprocessors; `markers` is the one reader of its solution markers.
Imports :mod:`autograder.checks` (to compile the cases) and, for the release's kernel
spec, :mod:`autograder.sandbox.kernel`; never :mod:`autograder.grading`.
"""

# What a lesson's release holds of the lessons before it (``course release --earlier``).
EARLIER = ("reference", "stubs")
