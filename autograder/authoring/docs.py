"""``course docs [--to DIR]``: the project's documentation, ``docs/``, as an offline HTML site.

The same Sphinx toolchain as the course book, configured by ``docs/conf.py`` so that a
plain ``sphinx-build docs DIR`` builds the same site. This command is the strict build
CI runs: any warning fails it, once all are listed (``-W --keep-going``), and every
reference inside the site must resolve (``nitpicky``, set in the configuration).

DIR holds the site; Sphinx's doctrees sit in ``DIR/.course-docs/``, which is also how a
later build recognises a folder it may overwrite.
"""

import subprocess
import sys
from pathlib import Path

from autograder.authoring.book import prepare
from autograder.lessons import ROOT

SOURCE = ROOT / "docs"
DEFAULT_OUT = ROOT / "_build" / "docs"
WORK = ".course-docs"


def sphinx(out):
    """Build the site into `out` in a child process, as `sphinx-build` would; its exit status."""
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-W", "--keep-going"]
    command += ["-d", str(out / WORK / "doctrees"), str(SOURCE), str(out)]
    return subprocess.run(command).returncode


def docs(out=None, say=print):
    """Build the documentation into `out` (default: _build/docs); return an exit code."""
    out = Path(out or DEFAULT_OUT).resolve()
    prepare(out, WORK, "docs site")
    say(f"Building the documentation in {out}.")
    if sphinx(out):
        say("course docs: the build failed; see the warnings above.")
        return 1
    say(f"\nThe documentation is ready: {out / 'index.html'}")
    say(f"Open that file in a browser, or serve it: python3 -m http.server --directory {out}")
    return 0
