"""Copying what the student side wrote (sandbox/files.py): regular files only, no links."""

import os

import pytest

from autograder.sandbox import files


@pytest.fixture
def planted(tmp_path):
    """A folder holding a file, and a link, a pipe and a hard link aimed at files outside."""
    outside, folder = tmp_path / "outside", tmp_path / "folder"
    outside.mkdir()
    (folder / "sub").mkdir(parents=True)
    (outside / "private.txt").write_text("private")
    (folder / "sub" / "kept.py").write_text("x = 1\n")
    (folder / "link.txt").symlink_to(outside / "private.txt")
    (folder / "linked-folder").symlink_to(outside)
    os.mkfifo(folder / "pipe.txt")
    os.link(outside / "private.txt", folder / "hard.txt")
    return folder


def test_only_regular_files_are_copied_and_the_rest_is_named(planted, tmp_path):
    skipped = files.copy_regular_tree(planted, tmp_path / "copy")
    copied = sorted(str(p.relative_to(tmp_path / "copy")) for p in (tmp_path / "copy").rglob("*"))
    assert copied == ["sub", "sub/kept.py"]
    names = ("hard.txt", "link.txt", "linked-folder", "pipe.txt")
    assert sorted(skipped) == [str(planted / name) for name in names]


def test_a_copy_never_writes_through_a_link_at_its_target(planted, tmp_path):
    target = tmp_path / "target"
    target.symlink_to(tmp_path / "outside" / "private.txt")
    with pytest.raises(FileExistsError):
        files.copy_regular(planted / "sub" / "kept.py", target)
    assert (tmp_path / "outside" / "private.txt").read_text() == "private"


def test_a_read_is_capped(planted):
    assert files.read_regular(planted / "sub" / "kept.py", 100) == b"x = 1\n"
    assert files.read_regular(planted / "link.txt", 100) is None
    with pytest.raises(ValueError, match="over"):
        files.read_regular(planted / "sub" / "kept.py", 3)
