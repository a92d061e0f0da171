"""`course docs`: the documentation site built offline, clean, its links, and a page in Chromium.

The site is built once per session by the `course docs` command (warnings are errors),
and once more by a plain `sphinx-build`. Sphinx's own `linkcheck` would ask the network,
so the links inside the site are checked here, on the built HTML: every relative href
and src names a file of the site, and every #fragment an id in that file.
"""

import html.parser
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from chromium import local_server, needs_chromium, offline_page

from autograder.cli import main
from autograder.lessons import ROOT

DOCS = ROOT / "docs"
LOADING = 60_000  # ms: the machine may be busy with other tests
slow = pytest.mark.slow


# --- links inside a built site -------------------------------------------------------------


class Links(html.parser.HTMLParser):
    """The ids of one HTML page, and the references (href, src) it makes."""

    def __init__(self):
        super().__init__()
        self.ids, self.references = set(), []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src") and value:
                self.references.append(value)


def parsed(page):
    links = Links()
    links.feed(page.read_text())
    return links


def broken_links(site):
    """Every reference of the site's pages that leaves the site or names nothing in it.

    The pages are the HTML files at the top of the site (_static holds the theme's
    templates, which are no pages).
    """
    pages = {page: parsed(page) for page in sorted(site.glob("*.html"))}
    broken = []
    for page, links in pages.items():
        for reference in links.references:
            url = urllib.parse.urlsplit(reference)
            if url.scheme in ("http", "https", "mailto"):
                continue  # a link out, which a reader may follow; never loaded (see below)
            if url.scheme or url.netloc:
                broken.append(f"{page.name}: {reference} is not inside the site")
                continue
            target = (page.parent / urllib.parse.unquote(url.path)).resolve() if url.path else page
            if not target.is_relative_to(site) or not target.is_file():
                broken.append(f"{page.name}: {reference} names no file of the site")
            elif url.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parsed(target).ids
                if url.fragment not in ids:
                    broken.append(f"{page.name}: {reference} names no id in {target.name}")
    return broken


def test_the_link_check_finds_a_missing_file_a_missing_anchor_and_a_way_out(tmp_path):
    (tmp_path / "a.html").write_text(
        '<p id="top"><a href="b.html#there">b</a> <a href="#top">up</a>'
        ' <a href="c.html">c</a> <a href="b.html#nowhere">?</a>'
        ' <img src="file:///elsewhere/logo.png"> <a href="https://example.org/">out</a></p>'
    )
    (tmp_path / "b.html").write_text('<h1 id="there">b</h1>')
    assert broken_links(tmp_path.resolve()) == [
        "a.html: c.html names no file of the site",
        "a.html: b.html#nowhere names no id in b.html",
        "a.html: file:///elsewhere/logo.png is not inside the site",
    ]


# --- the build -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site, built once by `course docs`, which fails on any warning."""
    out = tmp_path_factory.mktemp("docs") / "site"
    command = [sys.executable, "-m", "autograder.cli", "docs", "--to", str(out)]
    run = subprocess.run(command, capture_output=True, text=True)
    # It succeeds with nothing on stderr: no warning, and no other message either.
    assert (run.returncode, run.stderr) == (0, ""), run.stdout + run.stderr
    return out.resolve()


@slow
def test_every_docs_page_is_built_and_in_the_index(site):
    pages = sorted(page.stem for page in DOCS.glob("*.md"))
    assert {"students", "instructors", "self-learners", "grading", "security"} <= set(pages)
    assert {page.stem for page in site.glob("*.html")} >= set(pages)
    index = parsed(site / "index.html").references
    assert all(f"{page}.html" in index for page in pages if page != "index")


@slow
def test_every_link_inside_the_site_resolves(site):
    assert broken_links(site) == []


@slow
def test_included_files_are_shown_and_linked_as_their_pages(site):
    security = (site / "security.html").read_text()
    title = (ROOT / "autograder" / "SECURITY.md").read_text().splitlines()[0].lstrip("# ")
    assert title.split("`")[0] in security  # the file itself, not a copy of it
    contributing = parsed(site / "contributing.html").references
    # CONTRIBUTING.md's links to autograder/SECURITY.md and benchmarks/README.md, as on GitHub
    assert {"security.html", "benchmarks.html", "architecture.html"} <= set(contributing)


@slow
def test_the_site_loads_nothing_from_outside(site):
    loaded = re.compile(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="(https?:|//)[^"]*"')
    for page in site.glob("*.html"):
        assert not loaded.search(page.read_text()), page.name


@slow
def test_plain_sphinx_build_builds_the_same_pages(site, tmp_path):
    out = tmp_path / "plain"
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-W", str(DOCS), str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.glob("*.html")) == sorted(p.name for p in site.glob("*.html"))


def test_docs_refuses_a_folder_that_holds_other_files(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["docs", "--to", str(tmp_path)]) == 1
    assert "not empty and holds no earlier docs site" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "mine"


# --- a page in a real browser --------------------------------------------------------------


@pytest.fixture
def served(site):
    with local_server(site) as url:
        yield url


@slow
@pytest.mark.browser
@needs_chromium
def test_the_instructor_guide_renders_with_nothing_from_outside(served):
    with offline_page(served + "instructors.html", LOADING, site=served) as page:
        tab, requests, refused, errors = page
        tab.wait_for_load_state("networkidle", timeout=LOADING)
        heading = tab.get_by_role("heading", name="From a clone to graded CSVs")
        assert heading.is_visible()
        assert tab.locator("pre", has_text="course grade --course-dir ~/logits-course").count()
        navigation = tab.locator("nav.bd-links").inner_text()
        assert "The student guide" in navigation and "Grading internals" in navigation
        assert len(requests) > 5  # the theme's styles and scripts came from the server
        assert refused == [] and errors == []
        assert all(url.startswith(served) for url in requests), requests


def test_readme_points_into_pages_that_exist():
    readme = (ROOT / "README.md").read_text()
    pointed = re.findall(r"\]\(docs/([\w-]+\.md)(?:#[\w-]+)?\)", readme)
    assert {"students.md", "instructors.md", "self-learners.md"} <= set(pointed)
    assert all((DOCS / page).is_file() for page in pointed), pointed


def test_the_pages_say_what_the_readme_no_longer_does():
    """The README's guides moved here: the commands each reader runs are on their page."""
    pages = {path.stem: path.read_text() for path in Path(DOCS).glob("*.md")}
    assert "    course check softmax         # just one (or several) functions" in pages["students"]
    assert "       course grade --course-dir ~/logits-course\n" in pages["instructors"]
    assert "    .venv/bin/course book " in pages["self-learners"]


def cited_tests(text):
    """(file, test) for every test a text cites as `tests/test_f.py::test` (or without
    `tests/`) or, after such a citation, as `::test` (the same file)."""
    found, current = [], None
    for match in re.finditer(r"(?:tests/)?(test_\w+\.py)?::(\w+)", text):
        current = f"tests/{match.group(1)}" if match.group(1) else current
        found.append((current, match.group(2)))
    return found


def test_every_test_security_md_cites_exists():
    """A promise is only as good as the attack that tests it: each one cited is there."""
    import ast

    text = (ROOT / "autograder" / "SECURITY.md").read_text()
    cited = cited_tests(text)
    assert len(cited) > 50
    missing = []
    for file, name in cited:
        path = ROOT / file if file else None
        if path is None or not path.is_file():
            missing.append(f"{file}::{name}")
            continue
        tree = ast.parse(path.read_text())
        defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        if name not in defined:
            missing.append(f"{file}::{name}")
    assert missing == []
