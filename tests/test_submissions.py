"""Reading what an instructor downloaded: zips, folders and entry names, as hostile data.

Each test hands `discover` one kind of bad entry beside an honest student, and checks
that the bad one becomes exactly one recorded problem, the honest one is found, and
nothing of the bad one is left in the unpack folder.
"""

import os
import stat
import zipfile

import pytest
from adversarial_archives import (
    FORMULA_FOLDER,
    corrupt,
    encrypt,
    method,
    nested,
    sparse_helpers,
    unnest,
    zipped,
)

from autograder.grading import records, submissions
from autograder.grading.demo import reference_helpers, working_copy
from autograder.grading.submissions import discover, rejected_label
from autograder.lessons import LESSONS

HONEST = "honest"
SPARSE_BEYOND_LIMIT = 2 * submissions.MAX_UNPACKED


@pytest.fixture
def inbox(tmp_path):
    """A folder of submissions holding one honest student."""
    folder = tmp_path / "inbox"
    working_copy(folder / HONEST, reference_helpers())
    return folder


def student(inbox, name):
    """A correct working copy named `name` in the inbox; its folder."""
    working_copy(inbox / name, reference_helpers())
    return inbox / name


def only_problem(inbox, tmp_path):
    """Discover the inbox: the honest student is found, and the one problem is returned."""
    works, problems = discover(inbox, tmp_path / "unpacked")
    assert {work.student for work in works} == {HONEST}
    assert len(problems) == 1, problems
    return problems[0]


def write_zip(path, members):
    """A zip of {name: bytes, or (bytes, unix mode)}."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            data, mode = content if isinstance(content, tuple) else (content, None)
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if mode is not None:
                info.external_attr = mode << 16
            archive.writestr(info, data)


def test_an_honest_zip_is_unpacked_and_found(inbox, tmp_path):
    zipped()(student(inbox, "zoe"))
    works, problems = discover(inbox, tmp_path / "unpacked")
    assert not problems
    zoe = [work for work in works if work.student == "zoe"]
    assert len(zoe) == len(LESSONS) and all(work.notebook and work.helpers for work in zoe)


@pytest.mark.parametrize(
    ("pack", "expected"),
    [
        (zipped(encrypt), "zoe.zip is encrypted"),
        (zipped(method(99)), "cannot read (99"),  # AES, as 7-Zip writes it
        (zipped(method(9)), "cannot read (9: deflate64)"),
        (zipped(corrupt), "zoe.zip is corrupt"),
    ],
    ids=["encrypted", "aes-method", "deflate64", "corrupt-deflate"],
)
def test_an_unreadable_zip_is_one_clear_problem(inbox, tmp_path, pack, expected):
    pack(student(inbox, "zoe"))
    problem = only_problem(inbox, tmp_path)
    assert (problem.student, problem.lesson) == ("zoe", "")
    assert expected in problem.message
    assert not (tmp_path / "unpacked" / "zoe").exists()


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({"../../outside.txt": b"zip slip"}, "outside the archive"),
        ({"/etc/outside.txt": b"absolute"}, "outside the archive"),
        ({"link.py": (b"/etc/passwd", stat.S_IFLNK | 0o777)}, "symbolic link"),
        ({"/".join(["d"] * 40) + "/x.py": b""}, "nested over 32 folders deep"),
        # 64 MB of zeros squeeze into 64 kB: refused as the bytes come out, long before.
        ({"zeros.py": bytes(64 * 2**20)}, "over 100 times its own size: a zip bomb"),
    ],
    ids=["dot-dot", "absolute", "link", "deep", "bomb"],
)
def test_an_unsafe_zip_is_refused_before_anything_leaks(inbox, tmp_path, members, expected):
    write_zip(inbox / "zoe.zip", members)
    problem = only_problem(inbox, tmp_path)
    assert expected in problem.message
    assert not (tmp_path / "unpacked" / "zoe").exists()
    assert not (tmp_path / "outside.txt").exists()


def test_a_zip_over_the_byte_limit_is_refused(inbox, tmp_path, monkeypatch):
    monkeypatch.setattr(submissions, "MAX_UNPACKED", 2**20)
    # Four letters at random: a zip a third of the size, far from a bomb's ratio.
    text = bytes(ord("a") + (b & 3) for b in os.urandom(2**20 + 1))
    write_zip(inbox / "zoe.zip", {"a.py": text})
    assert "unpacks to over 1 MB" in only_problem(inbox, tmp_path).message


def test_a_zip_with_too_many_members_is_refused(inbox, tmp_path, monkeypatch):
    monkeypatch.setattr(submissions, "MAX_MEMBERS", 100)  # the honest folder holds fewer
    write_zip(inbox / "zoe.zip", {f"{i}.py": b"" for i in range(101)})
    assert "over 100 files and folders" in only_problem(inbox, tmp_path).message


def test_a_deep_folder_is_refused_without_recursion(inbox, tmp_path):
    """2,200 folders deep: deeper than a path may be long, and than Python may recurse."""
    nested(student(inbox, "zoe"))
    try:
        problem = only_problem(inbox, tmp_path)
    finally:
        unnest(inbox / "zoe")
    assert (problem.student, problem.message) == ("zoe", "zoe is nested over 32 folders deep")


def test_a_sparse_file_counts_by_its_apparent_size(inbox, tmp_path):
    folder = student(inbox, "zoe")
    sparse_helpers(folder)
    assert (folder / "helpers" / "padding.py").stat().st_blocks * 512 < 2**20  # no disk
    assert only_problem(inbox, tmp_path).message == "zoe holds over 256 MB"
    assert not (tmp_path / "unpacked").exists()  # refused before anything was copied


def test_a_folder_with_too_many_files_is_refused(inbox, tmp_path, monkeypatch):
    monkeypatch.setattr(submissions, "MAX_MEMBERS", 5)
    student(inbox, "zoe")
    works, problems = discover(inbox, tmp_path / "unpacked")
    assert not works
    assert {problem.student for problem in problems} == {"zoe", HONEST}
    assert all("over 5 files and folders" in problem.message for problem in problems)


def test_links_and_pipes_in_a_folder_are_never_followed_or_opened(inbox, tmp_path):
    """A link to a huge file counts as one entry, not its target's size; a pipe is not read."""
    folder = student(inbox, "zoe")
    huge = tmp_path / "huge"
    with huge.open("wb") as f:
        f.truncate(SPARSE_BEYOND_LIMIT)
    (folder / "helpers" / "link.py").symlink_to(huge)
    os.mkfifo(folder / "helpers" / "pipe.py")
    works, problems = discover(inbox, tmp_path / "unpacked")
    assert not problems
    assert {work.student for work in works} == {HONEST, "zoe"}


@pytest.mark.parametrize(
    "name", ["ada", "ada.lovelace", "a", "j.doe@example.org", "x+1", "A-9", "a" * 64]
)
def test_student_ids(name):
    assert submissions.STUDENT_ID.fullmatch(name)


@pytest.mark.parametrize(
    "name",
    [
        "=HYPERLINK(x)",
        "-1",
        "+a",
        "@a",
        ".hidden",
        "..",
        "a.",
        "bad name",
        "a/b",
        "a" * 65,
        "ādá",
        "a*",
        "a[1]",
        "a\nb",
        "a\u202eb",
    ],
)
def test_not_student_ids(name):
    assert not submissions.STUDENT_ID.fullmatch(name)


@pytest.mark.parametrize(
    "name", [FORMULA_FOLDER, "bad name", "-rf", "é\u202etxt.exe", "x" * 200, "\x1b[31mred"]
)
def test_a_rejected_entry_is_recorded_under_a_label_never_its_name(inbox, tmp_path, name):
    """The label is the row's id; the message describes the name: printable and short."""
    student(inbox, name)
    problem = only_problem(inbox, tmp_path)
    assert problem.student == rejected_label(name)
    assert submissions.STUDENT_ID.fullmatch(problem.student)
    assert problem.message.startswith("entry ") and "rename it" in problem.message
    assert problem.message.isprintable()
    assert len(problem.message) < 250


def test_a_label_is_stable_and_tells_entries_apart():
    assert rejected_label("bad name") == rejected_label("bad name")
    assert rejected_label("bad name") != rejected_label("bad  name")
    assert rejected_label("bad name").startswith(records.REJECTED)


@pytest.mark.parametrize("kind", ["link", "pipe", "file"])
def test_an_entry_that_is_no_folder_or_zip_is_rejected(inbox, tmp_path, kind):
    entry = inbox / "zoe"
    if kind == "link":
        entry.symlink_to(inbox / HONEST)
    elif kind == "pipe":
        os.mkfifo(entry)
    else:
        entry.write_text("notes")
    problem = only_problem(inbox, tmp_path)
    assert problem.student == rejected_label("zoe")
    reason = "symbolic link" if kind == "link" else "neither a folder nor a .zip"
    assert reason in problem.message


def test_ids_that_differ_only_in_case_are_one_student(inbox, tmp_path):
    """They would share one folder on a filesystem that ignores case."""
    student(inbox, "Zoe")
    student(inbox, "zoe")
    works, problems = discover(inbox, tmp_path / "unpacked")
    assert {work.student for work in works} == {HONEST, "Zoe"}
    assert problems == [submissions.Problem("zoe", "", "zoe and Zoe both claim it")]


def test_any_failure_of_one_entry_is_that_entry_s_problem(inbox, tmp_path, monkeypatch):
    """Whatever goes wrong unpacking one entry, the others are still found."""
    original = submissions.works_of

    def failing(student, entry, unpack_dir, dated):
        if student == "zoe":
            raise RecursionError("something nobody foresaw")
        return original(student, entry, unpack_dir, dated)

    monkeypatch.setattr(submissions, "works_of", failing)
    student(inbox, "zoe")
    problem = only_problem(inbox, tmp_path)
    assert problem.message == '"zoe" could not be read (RecursionError: something nobody foresaw)'
