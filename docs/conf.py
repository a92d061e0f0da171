"""Sphinx configuration of the project's documentation; `course docs` builds it.

The same toolchain as the course book (MyST, sphinx-book-theme, MathJax from a PyPI
package), and like the book it asks no network for anything, to build or to read.
Every ``docs/*.md`` is a page; the pages that include a file kept elsewhere in the
repository (``autograder/SECURITY.md``, ``CONTRIBUTING.md``, ``benchmarks/README.md``)
are how the site shows that file, which stays the one source.
"""

import posixpath
import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPOSITORY = DOCS.parent

project = "From Logits to Loss"

extensions = [
    "myst_parser",
    "sphinx_copybutton",
    # MathJax 3 from a PyPI package, copied into _static/: the site never asks a CDN.
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",
]

myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3  # [the nbgrader course](#the-nbgrader-course), as on GitHub
nitpicky = True  # every reference inside the site must resolve
exclude_patterns = ["_build"]

html_theme = "sphinx_book_theme"
html_title = project
html_favicon = str(REPOSITORY / "autograder" / "authoring" / "book" / "favicon.svg")
html_context = {"default_mode": "auto"}  # as the book: no console error on a first visit
html_theme_options = {"home_page_in_toc": True, "navigation_with_keys": True}
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True

INCLUDE = re.compile(r"^```\{include\} (\S+)$", re.M)
CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)  # a fence or a code span: no links inside
LINK = re.compile(r"\]\(([^)\s#:]+)(#[^)\s]*)?\)")  # a relative markdown link, maybe with #anchor


def pages_of_included_files():
    """Each repository file a page includes, as a path from the repository, and that page."""
    pages = {}
    for page in sorted(DOCS.glob("*.md")):
        for included in INCLUDE.findall(page.read_text()):
            pages[(DOCS / included).resolve().relative_to(REPOSITORY).as_posix()] = page.name
    return pages


PAGES = pages_of_included_files()


def site_links(text, folder):
    """`text` with its links to repository files that are pages here aimed at those pages.

    `folder` is where the text lives, from the repository: a link means what it means on
    GitHub, and the site follows it to the same content. The text is rendered in a page
    of docs/, so every link becomes relative to docs/ (a file that is no page is then
    MyST's download link, and a missing one a warning).
    """

    def aim(link):
        target = posixpath.normpath(posixpath.join(folder, link[1]))
        target = f"docs/{PAGES[target]}" if target in PAGES else target
        return f"]({posixpath.relpath(target, 'docs')}{link[2] or ''})"

    pieces = CODE.split(text)  # prose, code, prose, code, ...: only the prose has links
    pieces[::2] = [LINK.sub(aim, prose) for prose in pieces[::2]]
    return "".join(pieces)


def on_source_read(app, docname, source):
    source[0] = site_links(source[0], "docs")


def on_include_read(app, relative_path, parent_docname, content):
    folder = (DOCS / relative_path).resolve().parent.relative_to(REPOSITORY).as_posix()
    content[0] = site_links(content[0], folder)


def setup(app):
    app.connect("source-read", on_source_read)
    app.connect("include-read", on_include_read)
