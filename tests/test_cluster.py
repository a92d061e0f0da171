"""`course grade --cluster`: a real Dask scheduler and four real `dask worker` processes.

The scheduler and the workers are started here, on 127.0.0.1, as the instructor guide tells an
instructor to start them; no mock and no in-process cluster. `course demo`'s class of
nine (a missing notebook, a swapped function, an overflow, a syntax error, an endless
loop, no helpers at all, an LMS zip, untouched stubs) is graded on the cluster with the
seed of its local run (tests/conftest.py's ``demo_class``, which tests/test_grade.py
reads); during the cluster run one Dask worker process is killed while it grades. The
CSVs must be byte for byte the same, the gradebooks must hold the same scores, and
every student must have their rows.
"""

import csv
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from pathlib import Path

import dask_local
import psutil
import pytest
from nbgrader.api import Gradebook

from autograder.grading import cluster, gradebook
from autograder.grading.records import Task
from autograder.sandbox import jail

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader, pytest.mark.sandbox]

# Dask workers: a worker mostly waits on its kernel, so four share two cores well.
WORKERS = 4


def course_grade(submissions, out, *options):
    """Run `course grade` as an instructor does; the seconds it took."""
    command = [sys.executable, "-m", "autograder.cli", "grade", str(submissions)]
    command += ["--out", str(out), *options]
    start = time.monotonic()
    done = subprocess.run(
        command, env=dask_local.environment(), capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return time.monotonic() - start


def grading_a_notebook(worker):
    """Whether `worker` is mid-task: a notebook kernel of its own is running."""
    with suppress(psutil.Error):
        for process in worker.children(recursive=True):
            if "autograder.sandbox.kernel -f" in " ".join(process.cmdline()):  # not the zygote
                return True
    return False


class Killer(threading.Thread):
    """Kills one Dask worker process (SIGKILL, as the OOM killer would) while it grades."""

    def __init__(self, nannies):
        super().__init__(daemon=True)
        self.nannies, self.seen, self.killed = nannies, set(), None
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(0.2):
            for nanny in self.nannies:
                for worker in dask_local.worker_processes(nanny):
                    with suppress(psutil.Error):
                        self.seen.update(worker.children(recursive=True))
                    if self.killed is None and grading_a_notebook(worker):
                        time.sleep(1)  # well inside the task: its notebook is running
                        worker.kill()
                        self.killed = worker.pid


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers on 127.0.0.1: (address, nannies, logs)."""
    with dask_local.cluster(tmp_path_factory.mktemp("dask"), WORKERS) as started:
        yield started


@pytest.fixture(scope="module")
def graded(tmp_path_factory, dask_cluster, demo_class, demo_seed):
    """The demo class graded on the cluster with a worker killed mid-task, and locally."""
    address, nannies, logs = dask_cluster
    classroom, local = demo_class
    out = tmp_path_factory.mktemp("cluster") / "results"
    # The product's default cell timeout, not the demo's 10 s: four workers on two cores,
    # one of them killed and restarted, run each notebook about 2.3 times slower than the
    # local pool does (lesson 5's took 20 s here), and on a slower machine an honest cell
    # went past 10 s (CI failed on it). No CSV compared here holds the cell timeout.
    options = ["--seed", str(demo_seed), "--timeout", str(jail.CELL_TIMEOUT)]
    killer = Killer(nannies)
    killer.start()
    try:
        seconds = course_grade(classroom, out, *options, "--cluster", address)
    finally:
        killer.stopping.set()
        killer.join()
        # What the killed worker was running dies with it, within a few seconds.
        _, alive = psutil.wait_procs([p for p in killer.seen if p.is_running()], timeout=10)
        leftovers = []
        for process in alive:
            with suppress(psutil.Error):
                leftovers.append(process.cmdline()[:4])
        for process in alive:
            with suppress(psutil.Error):
                process.kill()
        psutil.wait_procs(alive, timeout=10)
    print(f"\ncluster ({WORKERS} Dask workers, one killed mid-task): {seconds:.1f} s")
    return local, out, killer.killed, logs, leftovers


def read(path):
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def rows_of(out, name):
    """The rows of OUT/`name` by their key (student, lesson and, in checks.csv, function)."""
    key = ("student_id", "lesson", "function") if name == "checks.csv" else ("student_id", "lesson")
    return {tuple(row.get(column) for column in key): row for row in read(out / name)}


@pytest.mark.parametrize("name", ["checks.csv", "grades.csv"])
def test_a_cluster_run_writes_the_same_csv_as_a_local_run(graded, name):
    local, cluster, *_ = graded
    assert (cluster / name).read_bytes() == (local / name).read_bytes()


def scores(out):
    with Gradebook(gradebook.sqlite_url(out / "gradebook.db")) as gb:
        return {
            (grade.student.id, grade.assignment.name, grade.notebook.name, grade.name): (
                grade.auto_score,
                grade.manual_score,
                grade.max_score,
                grade.needs_manual_grade,
            )
            for assignment in gb.assignments
            for submission in assignment.submissions
            for notebook in submission.notebooks
            for grade in notebook.grades
        }


def test_the_gradebooks_hold_the_same_scores(graded):
    local, cluster, *_ = graded
    assert scores(cluster) == scores(local)
    assert len(scores(local)) > 0


def test_the_class_is_graded_as_it_should_be(graded):
    """Real grading ran on the workers: each student's one mistake is where it should be."""
    _, cluster, *_ = graded
    rows = rows_of(cluster, "checks.csv")
    assert {r["status"] for k, r in rows.items() if k[0] in ("ada", "hana")} == {"passed"}
    assert rows["chloe", "lesson-04", "kl_divergence"]["status"] == "failed"
    assert {r["status"] for k, r in rows.items() if k[:2] == ("eve", "lesson-02")} == {"error"}
    assert rows["finn", "lesson-03", "binary_entropy"]["status"] == "timeout"
    assert {r["status"] for k, r in rows.items() if k[:2] == ("ivy", "lesson-01")} == {
        "not_implemented"
    }


def test_a_killed_worker_costs_a_retry_not_a_student(graded):
    local, cluster, killed, logs, _ = graded
    assert killed is not None, "no worker was caught grading a notebook"
    for name in ("checks.csv", "submissions.csv"):
        assert rows_of(cluster, name).keys() == rows_of(local, name).keys()
    assert not [r for r in read(cluster / "checks.csv") if "grading failed" in r["message"]]
    # The scheduler saw the worker go while it held a task, and gave the task to another.
    worker_logs = "".join(log.read_text() for log in logs.glob("worker-*.log"))
    assert "Worker process" in worker_logs


def test_nothing_the_killed_worker_ran_outlives_the_batch(graded):
    """Its notebook's kernel (the sandbox's supervisor and the namespace under it) goes
    with it: the supervisor gets SIGTERM when its worker dies; the re-check's zygote
    exits when its pipe closes."""
    _, _, killed, _, leftovers = graded
    assert leftovers == []
    # Its run folder (a course, with the reference notebooks) is removed by the others.
    assert not list(Path(tempfile.gettempdir()).glob(f"{cluster.PREFIX}*/worker-{killed}"))


def test_the_parent_writes_the_feedback_and_the_graded_notebooks(graded):
    local, cluster, *_ = graded

    def written(out):
        pages = {page.relative_to(out) for page in (out / "feedback").rglob("*.html")}
        graded = out / "course" / "autograded"
        return pages, {notebook.relative_to(graded) for notebook in graded.rglob("*.ipynb")}

    # Where a notebook did not run, there is no page and no graded notebook: say why first.
    ran = {key: row["notebook_run"] for key, row in rows_of(local, "submissions.csv").items()}
    runs = rows_of(cluster, "submissions.csv").items()
    assert {
        key: row["notebook_run"] for key, row in runs if ran[key] == "ran" != row["notebook_run"]
    } == {}
    pages, notebooks = written(cluster)
    assert (pages, notebooks) == written(local)
    assert len(pages) > 30 and len(notebooks) > 30  # most of nine students' five lessons


def test_a_task_that_fails_on_every_try_is_that_submission_s_error_row(
    graded, dask_cluster, demo_seed, monkeypatch
):
    """Workers whose course is not the grader's refuse the task on every try; the batch ends
    with that lesson's error row."""
    address, _, _ = dask_cluster
    local, *_ = graded
    monkeypatch.setattr(cluster.gradebook, "fingerprint", lambda *_: "another version")
    task = Task("ada", 1, "ada")
    done = []
    course, say = local / "course", lambda *_: None
    cluster.run([task], address, course, demo_seed, 30, {}, done.append, say=say)
    [row] = done
    assert row.task == task and row.notebook_run.startswith("grading failed on every try")
    assert {check.status for check in row.checks} == {"error"}
    assert "course differs from the grader's" in row.checks[0].message


def staged(folder, helpers):
    folder.mkdir(parents=True)
    (folder / "01-logits.ipynb").write_text('{"cells": []}')
    (folder / "timestamp.txt").write_text("2026-11-29 06:03:35.123456 UTC")
    (folder / "helpers").mkdir()
    for name, text in helpers.items():
        (folder / "helpers" / name).write_text(text)


def job_of(files):
    return cluster.Job(Task("ada", 1, "ada"), files, "run", 0, "source", 30, ())


def test_a_job_carries_the_staged_files_and_a_worker_lays_them_out_as_they_were(tmp_path):
    course = tmp_path / "course"
    helpers = {"__init__.py": "", "logits.py": "def logit(p):\n    return p\n"}
    staged(course / "submitted" / "ada" / "lesson-01", helpers)
    job = job_of(cluster.staged_files(course, Task("ada", 1, "ada")))
    assert [name for name, _ in job.files] == [
        "01-logits.ipynb",
        "timestamp.txt",
        "helpers/__init__.py",
        "helpers/logits.py",
    ]
    again = tmp_path / "worker" / "submitted" / "ada" / "lesson-01"
    (again / "leftover.txt").parent.mkdir(parents=True)
    (again / "leftover.txt").write_text("from an earlier try")
    cluster.unpack(job, again)
    assert gradebook.fingerprint(again) == gradebook.fingerprint(
        course / "submitted" / "ada" / "lesson-01"
    )


@pytest.mark.parametrize(
    "name",
    [
        "../01-logits.ipynb",
        "helpers/../../x.py",
        "/etc/cron.d/x",
        "helpers/sub/x.py",
        "helpers/x.txt",
        "notes.txt",
        "helpers/..",
    ],
)
def test_a_worker_refuses_a_file_staging_never_makes(tmp_path, name):
    with pytest.raises(ValueError, match="staging never makes"):
        cluster.unpack(job_of(((name, b"x"),)), tmp_path / "folder")
    assert not (tmp_path / "x.py").exists() and not (tmp_path / "01-logits.ipynb").exists()
