"""What "correct" means: the public cases (`catalogue`) and the hidden ones (`hidden`).

Both are data for the one judge, ``solutions/helpers/judge.py``. Imports only the
reference and the judge from ``solutions/``, and :mod:`autograder.lessons`; nothing else
of the grader, so that the student's tools, the author's build and the instructor's
grading all read the same cases. See ``docs/architecture.md``.
"""
