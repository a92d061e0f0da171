"""Shared pytest configuration for the project's own tests."""

import os

import pytest
from hypothesis import HealthCheck, settings

from autograder.grading import demo

# CI runs a fixed, moderate number of examples so that the run stays short and
# reproducible; locally HYPOTHESIS_PROFILE=thorough digs deeper.
settings.register_profile(
    "ci",
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def inbox(tmp_path):
    """An empty folder of submissions, as an instructor downloads them."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def demo_seed():
    """The run's secret of the demo class below, given again to grade it elsewhere."""
    return 20261129


@pytest.fixture(scope="session")
def demo_class(tmp_path_factory, demo_seed):
    """(class, results): `course demo`'s nine students, graded once with local workers.

    tests/test_grade.py reads what the run left; tests/test_cluster.py grades the same
    class on a Dask cluster and compares. Tests that re-grade work on copies."""
    folder = tmp_path_factory.mktemp("demo")
    assert demo.main(folder, say=lambda *args: None, seed=demo_seed) == 0
    return folder / "class", folder / "results"
