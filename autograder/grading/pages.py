"""The course's page templates and the offline MathJax they inline.

The feedback page (:mod:`~autograder.grading.feedback`, rendered by
:class:`~autograder.grading.sanitize.FeedbackExporter`) and the printable sheets
(:mod:`~autograder.grading.sheets`) are rendered from ``templates/``; both typeset their
maths with the MathJax of the ``sphinx-mathjax-offline`` package the book uses, inlined,
so that a page is one file that renders offline, from disk or an LMS.
"""

import functools
import re
from importlib import metadata
from pathlib import Path

TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE = "course-feedback"  # the feedback page's template, in TEMPLATES
MATHJAX_PACKAGE = "sphinx-mathjax-offline"
# MathJax 3's TeX input with SVG output: one self-contained file (its fonts are SVG
# paths), where the CHTML output would fetch web fonts from beside the script.
MATHJAX_FILE = "sphinx-mathjax-offline/static/mathjax/tex-svg.js"
# Addresses MathJax names for optional speech-rule data it never loads here; the page
# names no remote host at all (the Content-Security-Policy would block them anyway).
REMOTE = re.compile(r"https://cdn\.jsdelivr\.net/npm/")


@functools.cache
def offline_mathjax() -> str:
    """The text of the MathJax script the page inlines, from the installed package."""
    path = Path(str(metadata.distribution(MATHJAX_PACKAGE).locate_file(MATHJAX_FILE)))
    script = REMOTE.sub("./offline/", path.read_text(encoding="utf-8"))
    if "</script" in script.lower():  # it could not be inlined as it is
        raise ValueError(f"{path} cannot be inlined in a <script> element")
    return script
