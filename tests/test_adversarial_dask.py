"""The adversarial corpus on the Dask path: `course grade --cluster` on a real local cluster.

The same cases, with the same expectations and the same tests as tests/test_adversarial.py
(imported from it, so collected here with this module's cases and cluster), graded on a
real ``dask scheduler`` and four ``dask worker`` processes started on this machine
(tests/dask_local.py). Grading all of them again would add about four minutes to CI,
so CI grades the attacks on what is new on the Dask path, the worker boundary (with
``COURSE_DASK_CORPUS=all`` in the environment, every case is graded here): a Dask
worker keeps a course of its own in its temp folder (with the reference notebooks and a
gradebook), runs many students one after another, and sends the graded notebook, the
feedback page and the messages back as data. The cases chosen:

- reading what the worker holds: the reference on disk, the other students' files, and
  the gradebooks (every one it can find, set to full marks);
- processes left behind and the worker itself attacked: a daemon escaping into a new
  session, SIGKILL to every process in reach and to the kernel's parent, a fork bomb,
  and a kernel that litters its home, temp and socket folders, starts a daemon and hangs;
- the kernel dying (``os._exit`` at import) and timeouts (an endless loop that swallows
  interrupts);
- files planted in the kernel's folder that come back to the parent: the notebook
  replaced by a link to a private file, to another student's file and to the gradebook,
  and a link, a named pipe and hard links beside it;
- what comes back as data: a tamper suspect decided on the worker from its own
  gradebook, and a 300,000-character message.

Refused submissions and the CSVs' cells are decided where ``course grade`` runs, the same
code on both paths, and are not repeated here.
"""

import os

import dask_local
import pytest
import test_adversarial
from adversarial import CASES
from test_adversarial import sandbox_processes

pytestmark = test_adversarial.pytestmark
WORKERS = test_adversarial.WORKERS  # why four: see there
# Twice the local pool's. Here four workers share two cores with their nannies and the
# scheduler, beside a fork bomb and kernels that walk the whole file system at import
# (write-gradebook-and-others); a cell of a kernel that hangs nothing took over 5 s, in CI
# and on a quiet machine, and over 10 s while pip ran beside it, failing its notebook run
# and so its expected verdict. The price: the hanging cases wait longer.
CELL_TIMEOUT = 2 * test_adversarial.CELL_TIMEOUT
AT_THE_WORKER_BOUNDARY = {
    "read-reference-file",
    "read-other-student",
    "write-gradebook-and-others",
    "escaping-daemon",
    "kill-everything",
    "fork-bomb",
    "kernel-litters-and-hangs",
    "os-exit-at-import",
    "loop-swallowing-interrupts",
    "kernel-notebook-links-to-bait",
    "kernel-notebook-links-to-canary",
    "kernel-notebook-links-to-gradebook",
    "kernel-plants-link-fifo-hardlink",
    "input-transformer",
    "huge-message",
}
CHOSEN = [
    case
    for case in CASES
    if case.name in AT_THE_WORKER_BOUNDARY or os.environ.get("COURSE_DASK_CORPUS") == "all"
]

# What tests/test_adversarial.py checks of every path, collected here, where the corpus is
# graded with this module's CHOSEN cases and `engine`.
pytest_generate_tests = test_adversarial.pytest_generate_tests
graded_cases, corpus = test_adversarial.graded_cases, test_adversarial.corpus
SHARED = (
    "test_each_case_ends_exactly_as_expected",
    "test_a_tamper_suspect_gives_both_verdicts_and_is_flagged_in_the_formgrader",
    "test_the_grade_is_the_canary_s_less_the_targeted_functions",
    "test_nothing_outside_the_students_folders_changed",
    "test_the_gradebook_holds_the_trusted_scores_and_nothing_else",
    "test_each_case_records_its_problem",
    "test_the_bait_is_never_copied",
    "test_the_planted_cells_ran_without_an_error",
    "test_the_kernels_folders_hold_only_what_nbgrader_wrote",
    "test_nothing_of_the_run_is_left_in_the_temp_folder",
    "test_the_csvs_read_the_same_in_csv_and_pandas",
    "test_a_huge_message_is_capped_and_a_later_run_reads_it",
    "test_the_canary_keeps_full_marks",
)
globals().update({name: getattr(test_adversarial, name) for name in SHARED})


def dask_workers(nannies):
    return [worker for nanny in nannies for worker in dask_local.worker_processes(nanny)]


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    """WORKERS Dask workers, with a temp folder of the test's own: (address, their nannies,
    the worker processes at the start, the temp folder)."""
    temp = tmp_path_factory.mktemp("workers-temp")
    folder = tmp_path_factory.mktemp("dask")
    with dask_local.cluster(folder, WORKERS, TMPDIR=str(temp)) as (address, nannies, _):
        yield address, nannies, dask_workers(nannies), temp


@pytest.fixture(scope="module")
def engine(workers):
    """The corpus is graded on the cluster."""
    return {"cluster": workers[0]}


def test_no_attack_killed_a_worker(corpus, workers):
    """The workers that graded are the ones that started: none was killed and replaced
    (Dask would have retried its task elsewhere, hiding it)."""
    _, nannies, started, _ = workers
    assert len(started) == WORKERS
    assert dask_workers(nannies) == started


def test_no_process_outlives_the_batch_on_the_workers(corpus, workers):
    _, nannies, _, _ = workers
    assert sandbox_processes([worker.pid for worker in dask_workers(nannies)]) == []


def test_nothing_of_the_run_is_left_in_the_workers_temp_folder(corpus, workers):
    """Each run's course (with the reference notebooks and a gradebook) is gone."""
    *_, temp = workers
    assert sorted(temp.iterdir()) == []
