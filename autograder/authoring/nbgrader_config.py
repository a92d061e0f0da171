"""nbgrader configuration for a course laid out by `course release`.

`course release` copies this file into the course directory, where nbgrader, the
formgrader and `course grade` find it. Paths are relative to that directory, so the
course can be moved. Nothing here is a hand-kept list: the files that students'
copies keep at autograde are read from source/ each time nbgrader starts.
"""

import os
import tempfile
from pathlib import Path

from nbgrader.converters import Autograde
from nbgrader.preprocessors import CheckCellMetadata, Execute

HERE = Path(__file__).resolve().parent

c = get_config()  # noqa: F821 - nbgrader defines get_config when it loads this file

c.CourseDirectory.root = str(HERE)
c.CourseDirectory.db_url = f"sqlite:///{HERE / 'gradebook.db'}"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "__pycache__", "*.pyc"]

# nbgrader copies the instructor's files over the student's at autograde (#940): a
# wrong helper would then be graded as the reference. Every helpers file a lesson
# ships is the student's own work and must be kept.
c.Autograde.exclude_overwriting = {
    lesson.name: sorted(str(p.relative_to(lesson)) for p in (lesson / "helpers").glob("*.py"))
    for lesson in sorted((HERE / "source").glob("lesson-*"))
}

# Student code runs in the sandboxed kernel that `course release` installs
# (autograder/sandbox/kernel.py), in a network namespace of its own: so the kernel's sockets are
# files (ipc), not TCP ports. A short path, one folder per grading process.
c.Execute.kernel_name = "logits-to-loss-sandbox"
c.KernelManager.transport = "ipc"
c.KernelManager.ip = os.path.join(tempfile.gettempdir(), f"logits-kernels-{os.getpid()}", "k")

# Everything of a submission that a person opens is neutralised data (see SECURITY.md):
# autograde counts every output as it arrives (nbgrader's steps, with its Execute
# capped) and stores the notebook neutralised; the formgrader and the feedback render it
# neutralised again, with sanitised markdown.
steps = Autograde.class_traits()["autograde_preprocessors"].default()
steps = ["autograder.grading.sanitize.CappedExecute" if step is Execute else step for step in steps]
steps.insert(steps.index(CheckCellMetadata), "autograder.grading.sanitize.Neutralise")
c.Autograde.autograde_preprocessors = steps
# nbgrader's autograde alone would trust the notebook's own scores: it refuses, naming
# `course grade`, which runs it sandboxed and re-checks (autograder/grading/term.py).
c.Autograde.exporter_class = "autograder.grading.term.RefusedAutograde"
c.HTMLExporter.preprocessors = ["autograder.grading.sanitize.Neutralise"]
c.HTMLExporter.filters = {"markdown2html": "autograder.grading.sanitize.markdown_to_html"}

# Feedback, from `course grade` and from the formgrader's "Generate Feedback" alike
# (autograder/grading/feedback.py): nbgrader's hidden tests cleared and a failed test's
# traceback cut to its message, outputs neutralised, no path or library warning of this
# machine, each graded function's trusted verdict from the re-check (stored in
# verdicts/), and a page with its own offline MathJax and a Content-Security-Policy.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "autograder.grading.feedback.HideTestInternals",
    "autograder.grading.sanitize.Neutralise",
    "autograder.grading.feedback.HideMachinePaths",
    "autograder.grading.feedback.TrustedVerdicts",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
c.GenerateFeedback.exporter_class = "autograder.grading.sanitize.FeedbackExporter"
c.TrustedVerdicts.course_dir = str(HERE)
