"""`course lab`: a real JupyterLab server at the course root, with nbgrader, on lessons/."""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from autograder import lab
from autograder.lessons import ROOT


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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def start_lab(tmp_path):
    """Start `course lab` with extra arguments; return a GET function for its API."""
    procs = []

    def start(*args):
        port, token = free_port(), secrets.token_hex(16)
        env = {
            **os.environ,
            "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
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
        proc = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        procs.append(proc)

        def get(path):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"token {token}"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.geturl(), response.read().decode()

        deadline = time.monotonic() + 90
        while True:
            try:
                get("/api/status")
                return get
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    pytest.fail(f"JupyterLab did not start:\n{proc.stdout.read()}")
                time.sleep(0.5)

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()


def test_lab_serves_the_course_root_with_nbgrader(start_lab):
    server = start_lab()
    _, root = server("/api/contents/")
    names = {item["name"] for item in json.loads(root)["content"]}
    assert {"lessons", "helpers", "solutions"} <= names
    _, lessons = server("/api/contents/lessons")
    assert json.loads(lessons)["type"] == "directory"
    _, extensions = server("/lab/api/extensions")
    assert "jupyter-nbgrader" in {ext["name"] for ext in json.loads(extensions)}
    landing, _ = server("/")
    assert landing.endswith("/lab/tree/lessons"), "JupyterLab should open on lessons/"


def test_lab_opens_the_formgrader_of_a_released_course(start_lab, tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "autograder" / "nbgrader_config.py", course)
    server = start_lab("--course-dir", str(course))
    landing, page = server("/")
    assert "/formgrader" in landing and "nbgrader" in page.lower()
