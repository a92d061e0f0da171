"""The system's Chromium, as the browser tests drive it through Playwright (never a download)."""

import os
import shutil

import pytest

from autograder.lessons import ROOT

CHROMIUM = next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
)
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
# Screenshots for a person to look at, not compared by any test.
ARTIFACTS = os.environ.get("COURSE_TEST_ARTIFACTS", str(ROOT / "tests" / "artifacts"))
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium executable on PATH (.ci/run installs Debian's chromium)"
)
