"""``course lab``: start JupyterLab at the course root on lesson 1, after checking the set-up.

Without ``--course-dir`` it is the student's Lab: nbgrader's instructor tools are
switched off, and ``course`` runs in its terminals whether or not a virtual
environment is activated. With ``--course-dir`` it opens the formgrader of a course
laid out by ``course release``.
"""

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from autograder.errors import CourseError
from autograder.lessons import ROOT
from autograder.student import landing as start_page

# nbgrader's instructor tools, of no use to a student outside a course directory: the
# formgrader, "Create Assignment" (which edits grading metadata), and the assignment and
# course lists, which look for an exchange that is not there ("Error fetching courses!").
# The Validate button stays: it runs a student's notebook as the grader would.
INSTRUCTOR_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:menu",  # it lists only the tools above
)
INSTRUCTOR_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
)
# The course works offline: no news feed, and so no "Jupyter news?" question; it is asked
# whatever --LabApp.news_url says, until someone answers it.
OFFLINE_PLUGINS = ("@jupyterlab/apputils-extension:announcements",)


def environment_problems(root=ROOT):
    """What would make the course misbehave in this Python environment, in plain words."""
    problems = []
    for package in ("jupyterlab", "nbgrader", "numpy", "scipy"):
        if importlib.util.find_spec(package) is None:
            problems.append(f"{package} is not installed in {sys.prefix}.")
    spec = importlib.util.find_spec("helpers")
    expected = root / "helpers" / "__init__.py"
    if spec is None or spec.origin is None:
        problems.append("`import helpers` finds nothing.")
    elif Path(spec.origin).resolve() != expected.resolve():
        problems.append(
            f"`import helpers` finds {spec.origin}, not this course's {expected}: "
            "your work would not be the code that runs."
        )
    return problems


def scripts_folder():
    """The folder of this environment's commands: `course`, `python`, `jupyter`."""
    folders = [sysconfig.get_path("scripts"), sysconfig.get_path("scripts", f"{os.name}_user")]
    return next((f for f in folders if shutil.which("course", path=f)), folders[0])


def server_environment(config_dir, disabled_plugins, environ=os.environ):
    """The server's environment, which its terminals and kernels inherit.

    `course` comes first on the PATH, as in an activated environment. The page
    config that switches `disabled_plugins` off is written into `config_dir`, which
    joins Jupyter's config path for this server only.
    """
    page_config = Path(config_dir) / "labconfig" / "page_config.json"
    page_config.parent.mkdir(parents=True, exist_ok=True)
    page_config.write_text(
        json.dumps({"disabledExtensions": dict.fromkeys(disabled_plugins, True)}, indent=1)
    )

    def first(folder, variable):
        return os.pathsep.join(filter(None, [str(folder), environ.get(variable)]))

    return {
        **environ,
        "PATH": first(scripts_folder(), "PATH"),
        "JUPYTER_CONFIG_PATH": first(config_dir, "JUPYTER_CONFIG_PATH"),
    }


def terminal_shell():
    """Lab's terminals run the user's shell, but never as a login shell.

    Jupyter starts a login shell (``-l``) when its server has no terminal, and a login
    shell's /etc/profile resets the PATH, losing `course`. On Windows, PowerShell
    keeps the PATH it is given.
    """
    if os.name == "nt":
        return []
    settings = {"shell_command": [os.environ.get("SHELL") or shutil.which("sh")]}
    return [f"--ServerApp.terminado_settings={settings!r}"]


def main(jupyter_args=(), course_dir=None, say=print):
    """Start JupyterLab on lesson 1, or on the formgrader of a released course."""
    problems = environment_problems()
    if problems:
        say("The course cannot start in this environment:")
        for problem in problems:
            say(f"  - {problem}")
        say(f"Fix: from {ROOT}, run  python3 -m pip install -e .  (in the venv you use).")
        return 1
    if course_dir is None:
        # Lesson 1 open, the file browser at the root: lessons/ and helpers/ side by side,
        # through a page whose printed URL logs in (autograder.student.landing).
        root, landing = ROOT, start_page.PATH
        disabled = INSTRUCTOR_PLUGINS + OFFLINE_PLUGINS
        servers = dict.fromkeys(INSTRUCTOR_SERVER_EXTENSIONS, False) | {start_page.__name__: True}
        mode = [f"--ServerApp.jpserver_extensions={servers!r}"]
    else:
        root, landing = Path(course_dir).resolve(), "/formgrader"
        disabled, mode = OFFLINE_PLUGINS, []
        if not (root / "nbgrader_config.py").exists():
            raise CourseError(f"{root} has no nbgrader_config.py: lay it out with `course release`")
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url={landing}",
        # The course works offline: no news feed, no update checks against the internet.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *mode,
        *terminal_shell(),
        *jupyter_args,
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Containers and CI machines often run as root; Jupyter refuses that by default.
        say("Running as root: starting JupyterLab with --allow-root.")
        command.append("--allow-root")
    with tempfile.TemporaryDirectory(prefix="course-lab-") as config_dir:
        # nbgrader reads its config from the cwd
        server = subprocess.Popen(command, cwd=root, env=server_environment(config_dir, disabled))
        return wait_for(server)


def wait_for(server):
    """The server's exit status, once it has shut down.

    A terminated `course lab` terminates its server, which then stops its kernels. Ctrl-C
    reaches the server too, which asks whether to shut down: wait for its answer.
    """
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    while True:
        try:
            return server.wait()
        except KeyboardInterrupt:
            continue
