"""Sphinx configuration of the course book; `course book` copies it into the staged sources."""

import sys
from pathlib import Path

# The staged sources hold the reference `helpers` package: the notebooks import it and
# the API reference documents it. Ahead of the installed stubs of the same name.
sys.path.insert(0, str(Path(__file__).resolve().parent))

project = "From Logits to Loss"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "numpydoc",
    "sphinx_design",
    "sphinx_copybutton",
    # MathJax 3 from a PyPI package, copied into _static/: the book never asks a CDN.
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",
]

myst_enable_extensions = ["dollarmath", "colon_fence"]

# Executed at build time; outputs are cached by the notebooks' code (course book names
# the cache after the reference helpers, so a changed helper runs everything again).
nb_execution_mode = "cache"
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_output_stderr = "warn"  # the lessons print nothing to stderr; -W turns any into an error

add_module_names = False  # helpers.softmax reads as softmax(z, axis=-1)

html_theme = "sphinx_book_theme"
html_title = project
html_favicon = "favicon.svg"  # else the browser asks the server for a /favicon.ico it lacks
# Without it a first visit logs a console error and falls back to "auto" (pydata theme).
html_context = {"default_mode": "auto"}
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": True,
}
# The copy button leaves out the prompts and outputs of doctest examples.
copybutton_prompt_text = r">>> |\.\.\. "
copybutton_prompt_is_regexp = True
