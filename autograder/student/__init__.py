"""The student's commands: ``course check`` (`selfcheck`) and ``course lab`` (`lab`).

They start fast and import no part of the grader: what a student runs to check themselves
is the notebook's own ``helpers.checking``, so it cannot disagree with the graded cells.
"""
