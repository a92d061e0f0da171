"""The instructor's side: ``course grade`` and what surrounds it.

Intake (`submissions`, `lms`), the batch on local workers (`batch`) or on Dask
(`cluster`), the gradebook (`gradebook`), the reports (`report`, `export`,
`similarity`), the feedback pages (`feedback`, `sanitize`, ``templates/``) and the
demo class (`demo`). It uses :mod:`autograder.sandbox` to run students' code and
:mod:`autograder.authoring` to stage the release; nothing imports it but the CLI.
"""

# The choices of its commands, here so that the command line offers them without
# importing nbgrader.
LATE_POLICIES = ("none", "zero")  # what lateness costs: nothing, or the lesson's score
EXPORT_FORMATS = ("canvas", "moodle", "wide")
