"""`course lab`: a real JupyterLab server at the course root, as a student and as an instructor.

The student's first hour is played in the system's Chromium through Playwright: lesson 1
opens, its cells run, a function not yet written says so in one line, and no
instructor tool or news question gets in the way. A screenshot of that screen is saved
to COURSE_TEST_ARTIFACTS (default: tests/artifacts/). `course` runs in Lab's terminals
even when the server's PATH does not hold the virtual environment.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest
import websocket
from chromium import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, needs_chromium
from playwright.sync_api import sync_playwright
from servers import running_jupyter

from autograder.lessons import LESSONS, ROOT
from autograder.student import lab

pytestmark = [pytest.mark.slow, pytest.mark.browser]

NEWS_QUESTION = "Would you like to get notified about official Jupyter news?"
INSTRUCTOR_WORDS = ("Formgrader", "Create Assignment", "Assignment List", "Error fetching courses")


def test_this_environment_is_ready():
    assert lab.environment_problems() == []


def test_a_helpers_package_from_elsewhere_is_refused_with_a_clear_message(tmp_path):
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "__init__.py").write_text("")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "lab", "--no-browser"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "`import helpers` finds" in run.stdout and "pip install -e ." in run.stdout


def test_the_server_finds_course_first_on_its_path_and_the_page_config(tmp_path):
    env = lab.server_environment(tmp_path, ["a:plugin"], environ={"PATH": "/usr/bin"})
    assert env["PATH"].split(os.pathsep) == [lab.scripts_folder(), "/usr/bin"]
    assert shutil.which("course", path=lab.scripts_folder())
    assert env["JUPYTER_CONFIG_PATH"] == str(tmp_path)
    page_config = json.loads((tmp_path / "labconfig" / "page_config.json").read_text())
    assert page_config == {"disabledExtensions": {"a:plugin": True}}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running `course lab`, reached with its token."""

    url: str
    token: str

    def request(self, path, data=None):
        """(final URL, body) of a GET, or of a POST when `data` is given."""
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=None if data is None else json.dumps(data).encode(),
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.geturl(), response.read().decode()

    def status(self, path):
        try:
            return urllib.request.urlopen(f"{self.url}{path}?token={self.token}", timeout=10).status
        except urllib.error.HTTPError as error:
            return error.code

    def page_config(self, path="/lab"):
        _, page = self.request(path)
        config = re.search(r'<script id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S)
        return json.loads(config.group(1))

    def terminal(self, command, until, timeout=60):
        """What a new Lab terminal prints when `command` is typed in it, up to the regex `until`."""
        _, created = self.request("/api/terminals", data={})
        name = json.loads(created)["name"]
        socket_url = self.url.replace("http", "ws", 1) + f"/terminals/websocket/{name}"
        connection = websocket.create_connection(
            socket_url, header=[f"Authorization: token {self.token}"], timeout=timeout
        )
        try:
            connection.send(json.dumps(["stdin", f"{command}\r"]))
            printed = ""
            while not re.search(until, printed):
                kind, *content = json.loads(connection.recv())
                printed += content[0] if kind == "stdout" else ""
            return printed
        finally:
            connection.close()


@pytest.fixture
def start_lab(tmp_path):
    """Start `course lab` with extra arguments, at `root` (default: this repository)."""
    servers = contextlib.ExitStack()

    def start(*args, root=ROOT, path=os.environ["PATH"]):
        port, token = free_port(), secrets.token_hex(16)
        env = {
            **os.environ,
            "PATH": path,
            # The code of `root`, for the server and the kernels it starts.
            "PYTHONPATH": str(root),
            "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
            # A new user: no settings yet, no news question answered.
            "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        }
        command = [
            sys.executable,
            "-m",
            "autograder.cli",
            "lab",
            *args,
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
        ]
        launched = running_jupyter(command, port, token, wait=90, cwd=root, env=env)
        return Server(servers.enter_context(launched), token)

    with servers:
        yield start


def test_lab_serves_the_course_root_with_nbgrader_and_opens_lesson_1(start_lab):
    server = start_lab()
    _, root = server.request("/api/contents/")
    names = {item["name"] for item in json.loads(root)["content"]}
    assert {"lessons", "helpers", "solutions"} <= names
    _, extensions = server.request("/lab/api/extensions")
    assert "jupyter-nbgrader" in {ext["name"] for ext in json.loads(extensions)}
    landing, _ = server.request("/")
    landing = urllib.parse.urlsplit(landing)
    assert landing.path == f"/lab/tree/lessons/{LESSONS[0].slug}.ipynb"
    assert urllib.parse.parse_qs(landing.query)["file-browser-path"] == ["/"], (
        "the file browser should show lessons/ beside helpers/"
    )


def test_the_student_lab_has_no_instructor_tools_and_no_news(start_lab):
    server = start_lab()
    disabled = server.page_config()["disabledExtensions"]
    for plugin in (*lab.INSTRUCTOR_PLUGINS, *lab.OFFLINE_PLUGINS):
        assert plugin in disabled
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    assert server.status("/formgrader") == 404


def test_lab_opens_the_formgrader_of_a_released_course(start_lab, tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "autograder" / "authoring" / "nbgrader_config.py", course)
    server = start_lab("--course-dir", str(course))
    landing, page = server.request("/")
    assert "/formgrader" in landing and "nbgrader" in page.lower()
    disabled = server.page_config()["disabledExtensions"]
    assert not set(lab.INSTRUCTOR_PLUGINS) & set(disabled), "the instructor keeps the tools"
    assert set(lab.OFFLINE_PLUGINS) <= set(disabled)


def test_course_runs_in_a_lab_terminal_without_an_activated_environment(start_lab):
    # No virtual environment on the PATH, and no terminal behind the server: Jupyter
    # would start a login shell, whose /etc/profile resets the PATH.
    system_path = os.pathsep.join(p for p in ("/usr/bin", "/bin") if os.path.isdir(p))
    assert shutil.which("course", path=system_path) is None, "course is installed system-wide"
    server = start_lab(path=system_path)
    printed = server.terminal("course check --lesson 1; echo exit=$?", until=r"exit=\d")
    for function in LESSONS[0].functions:
        assert re.search(rf"not yet implemented\s+{function}\b", printed), printed
    assert "command not found" not in printed


# --- the first hour, in Chromium ----------------------------------------------------------


@pytest.fixture
def fresh_clone(tmp_path):
    """The learner's files as a fresh clone has them: the course's code, stubs and lessons."""
    clone = tmp_path / "clone"
    for folder in ("autograder", "helpers", "lessons"):
        shutil.copytree(ROOT / folder, clone / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return clone


LISTED_BESIDE_LESSONS = """() => {
    const names = [...document.querySelectorAll('.jp-DirListing-itemName')].map(n => n.textContent);
    return names.includes('helpers') && names.includes('lessons');
}"""
STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
OUTPUTS = f"""() => [...document.querySelectorAll('.jp-OutputArea-output')].map(o => ({{
    text: o.textContent, error: o.matches("{STDERR}"),
}}))"""


@needs_chromium
def test_the_first_hour_of_lesson_1_in_chromium(start_lab, fresh_clone):
    server = start_lab(root=fresh_clone)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            outside = []
            local = (server.url, "data:", "blob:")
            page.on("request", lambda r: r.url.startswith(local) or outside.append(r.url))
            page.goto(f"{server.url}/?token={server.token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
            page.wait_for_function(LISTED_BESIDE_LESSONS, timeout=30_000)

            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            # Run All stops at the first cell that fails: the first call of a stub.
            page.wait_for_function(f"() => ({OUTPUTS})().some(o => o.error)", timeout=120_000)
            errors = [o["text"] for o in page.evaluate(OUTPUTS) if o["error"]]
            assert len(errors) == 1, errors
            message = re.fullmatch(
                r"(\w+) is not yet implemented: write it in helpers/logits\.py, "
                r"then run this cell again\.\s*",
                errors[0],
            )
            assert message and message.group(1) in LESSONS[0].functions, errors[0]
            everything = page.evaluate("() => document.body.textContent")
            for word in ("Traceback", "NotImplementedError", NEWS_QUESTION, *INSTRUCTOR_WORDS):
                assert word not in everything, f"{word!r} is on the student's screen"
            menus = page.locator(".lm-MenuBar-itemLabel").all_text_contents()
            assert "Nbgrader" not in menus
            assert outside == [], "the course works offline"
            os.makedirs(ARTIFACTS, exist_ok=True)
            page.locator(STDERR).first.scroll_into_view_if_needed()
            page.screenshot(path=os.path.join(ARTIFACTS, "lab-first-hour.png"))
        finally:
            browser.close()


def printed_url(server, lines, wait=90):
    """The first URL with a token the server prints; every line it prints goes to `lines`,
    until it ends (read by a thread of the server's, which the caller joins)."""
    found = threading.Event()

    def read():  # the whole output, so that the server never blocks on a full pipe
        for line in server.stdout:
            lines.append(line)
            if re.search(r"http://127\.0\.0\.1:\d+/\S*token=", line):
                found.set()

    server.reader = threading.Thread(target=read, daemon=True)
    server.reader.start()
    assert found.wait(wait), "".join(lines)
    line = next(line for line in lines if "token=" in line)
    return re.search(r"http://127\.0\.0\.1:\d+/\S+", line).group(0)


@needs_chromium
def test_the_url_course_lab_prints_logs_in_on_lesson_1_beside_helpers(tmp_path, fresh_clone):
    """A headless or remote student copies the link `course lab` prints, exactly as
    printed, with the token Jupyter made: it must log in, open lesson 1, and show
    lessons/ beside helpers/."""
    env = {
        **os.environ,
        "PYTHONPATH": str(fresh_clone),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
    }
    command = [sys.executable, "-m", "autograder.cli", "lab", "--no-browser"]
    command += [f"--port={free_port()}", "--ip=127.0.0.1"]
    server = subprocess.Popen(
        command,
        cwd=fresh_clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    try:
        url = printed_url(server, lines)
        assert url.count("?") == 1, url
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(url)
                page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
                page.wait_for_function(LISTED_BESIDE_LESSONS, timeout=30_000)
                assert f"/lab/tree/lessons/{LESSONS[0].notebook}" in page.url
                assert "Could not find path" not in page.evaluate("() => document.body.textContent")
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.reader.join(timeout=30)
        server.stdout.close()
