"""Shared pytest configuration for the project's own tests."""

import os

import pytest
from hypothesis import HealthCheck, settings

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
