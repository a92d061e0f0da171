"""The system's Chromium, as the browser tests drive it through Playwright (never a download)."""

import contextlib
import functools
import http.server
import os
import shutil
import threading

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


@contextlib.contextmanager
def offline_page(url, loading, site=None):
    """A tab of the system's Chromium on `url`, a local page, with every other request
    refused, except those under `site` (a URL prefix) if given: yields (tab, requests,
    refused, console errors)."""
    from playwright.sync_api import sync_playwright

    requests, refused, errors = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.on("request", lambda request: requests.append(request.url))

            def only_the_page(route):  # the network, and every other file, cut off
                if route.request.url == url or (site and route.request.url.startswith(site)):
                    route.continue_()
                else:
                    refused.append(route.request.url)
                    route.abort()

            context.route("**/*", only_the_page)
            tab = context.new_page()
            tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            tab.goto(url, timeout=loading)
            yield tab, requests, refused, errors
        finally:
            browser.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # one line per request would bury pytest's output
        pass


@contextlib.contextmanager
def local_server(directory):
    """`directory` served on 127.0.0.1, on a free port, as `python3 -m http.server` serves
    it: yields its URL, ending in a slash."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
