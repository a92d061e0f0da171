"""What student code finds in its environment: nothing of the grader's.

The grader's environment may hold tokens (a Jupyter token, cloud credentials, a
database URL with its password) and paths of the grading machine. The re-check child
and the nbgrader kernel each start from a short list of their own.
"""

import pytest

from autograder.sandbox import kernel, trusted

pytestmark = [pytest.mark.slow, pytest.mark.sandbox]

SECRETS = {
    "JUPYTER_TOKEN": "token-of-the-instructor",
    "AWS_SECRET_ACCESS_KEY": "key-of-the-instructor",
    "COURSE_TEST_POSTGRES_URL": "postgresql://course:password@localhost/course",
    "VIRTUAL_ENV": "/home/instructor/.venv",
}


def test_the_re_check_child_sees_no_variable_of_the_grader(monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    env = trusted.scrubbed_environment()
    assert set(env) == {
        "PATH",
        "LANG",
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
    }
    assert not set(SECRETS.values()) & set(env.values())


def test_the_kernel_keeps_only_what_it_needs(monkeypatch, tmp_path):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    env = kernel.environment(tmp_path)
    assert set(env) <= {*kernel.KEEP, *kernel.QUIET, "PATH", "HOME", "TMPDIR"}
    assert not set(SECRETS.values()) & set(env.values())
    assert env["HOME"] == env["TMPDIR"] == str(tmp_path)
