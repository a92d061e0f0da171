"""When a submission was made, where it has no timestamp.txt: the dates its files carry.

A zip's entries are dated (their DOS date and time, read as UTC, or Info-ZIP's extended
timestamp, Unix time), and so are the files of a Moodle or Canvas download. A lesson's
time is the newest of its notebook and its own module. The zips here are real zips
written with set dates; the downloads' files get theirs with ``os.utime``.
"""

import os
import struct
import zipfile
from datetime import datetime, timezone

from autograder.grading import batch
from autograder.grading.demo import reference_helpers
from autograder.grading.submissions import discover
from autograder.lessons import LESSONS, ROOT

LESSON = LESSONS[0]  # 01-logits: its own module is logits.py
NOTEBOOK = f"lessons/{LESSON.slug}.ipynb"
OWN_MODULE = f"helpers/{LESSON.module}.py"
OTHER_MODULE = "helpers/entropy.py"  # another lesson's: never dates lesson 1


def utc(*fields):
    """A time in UTC as nbgrader keeps one: naive."""
    return datetime(*fields)


def extended_timestamp(when):
    """Info-ZIP's "UT" extra field holding the modification time `when`."""
    return struct.pack("<HHBi", 0x5455, 5, 1, int(seconds(when)))


def working_copy_members():
    """{path in the zip: bytes} of a student's working copy, lesson 1 only."""
    helpers = {f"helpers/{name}": text.encode() for name, text in reference_helpers().items()}
    return {NOTEBOOK: (ROOT / "lessons" / f"{LESSON.slug}.ipynb").read_bytes(), **helpers}


def write_zip(path, dates, extra=None, members=None):
    """A zip of a working copy; each member dated `dates[name]` (a DOS date and time
    tuple) or 2026-11-20 00:00; `extra[name]`: its extra field."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (members or working_copy_members()).items():
            info = zipfile.ZipInfo(name, date_time=dates.get(name, (2026, 11, 20, 0, 0, 0)))
            info.extra = (extra or {}).get(name, b"")
            archive.writestr(info, data)
    return path


def lesson_one_time(inbox, tmp_path):
    """The time discover and grading give the one student's lesson 1, and the problems."""
    works, problems = discover(inbox, tmp_path / "unpacked")
    [work] = [work for work in works if work.lesson is LESSON]
    return batch.submitted_at(work, problems), problems


def test_a_zip_s_newest_lesson_file_dates_the_lesson_read_as_utc(inbox, tmp_path):
    dates = {
        NOTEBOOK: (2026, 12, 1, 11, 30, 0),
        OWN_MODULE: (2026, 12, 1, 13, 0, 4),
        OTHER_MODULE: (2026, 12, 9, 9, 0, 0),  # later lessons' work does not make this late
    }
    write_zip(inbox / "ada.zip", dates)
    assert lesson_one_time(inbox, tmp_path) == (utc(2026, 12, 1, 13, 0, 4), [])


def test_an_extended_timestamp_is_the_exact_time(inbox, tmp_path):
    exact = utc(2026, 12, 1, 12, 0, 1)
    # The DOS time says 14:00 (a machine at UTC+2, say); the extended timestamp is UTC.
    dates = {name: (2026, 12, 1, 14, 0, 0) for name in (NOTEBOOK, OWN_MODULE)}
    extra = {NOTEBOOK: extended_timestamp(exact)}
    write_zip(inbox / "ada.zip", dates, extra)
    # The module's DOS time, read as UTC, is the newest: 14:00; with both extended, 12:00:01.
    assert lesson_one_time(inbox, tmp_path)[0] == utc(2026, 12, 1, 14, 0, 0)
    extra[OWN_MODULE] = extended_timestamp(exact)
    write_zip(inbox / "ada.zip", dates, extra)
    assert lesson_one_time(inbox, tmp_path)[0] == exact


def test_timestamp_txt_wins_over_the_zip_s_dates(inbox, tmp_path):
    members = {**working_copy_members(), "lessons/timestamp.txt": b"2026-12-01 10:00:00 UTC"}
    write_zip(inbox / "ada.zip", {OWN_MODULE: (2026, 12, 3, 0, 0, 0)}, members=members)
    assert lesson_one_time(inbox, tmp_path)[0] == utc(2026, 12, 1, 10, 0, 0)


def test_an_entry_whose_date_is_no_date_leaves_the_lesson_undated(inbox, tmp_path):
    no_date = (2026, 0, 0, 0, 0, 0)  # month and day 0: DOS fields that are no date
    write_zip(inbox / "ada.zip", {NOTEBOOK: no_date, OWN_MODULE: no_date})
    assert lesson_one_time(inbox, tmp_path) == (None, [])


def seconds(when):
    return when.replace(tzinfo=timezone.utc).timestamp()


def dated_copy(folder, when):
    """`folder`'s files all dated `when`, as unpacking an LMS's download leaves them."""
    for path in folder.rglob("*"):
        os.utime(path, (seconds(when), seconds(when)))


def unzip(archive, folder):
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(folder)


def test_a_moodle_folder_s_file_dates_date_it(inbox, tmp_path):
    folder = inbox / "Ada Lovelace_4242_assignsubmission_file_"
    unzip(write_zip(tmp_path / "work.zip", {}), folder)
    dated_copy(folder, utc(2026, 12, 1, 12, 30, 0))
    assert lesson_one_time(inbox, tmp_path) == (utc(2026, 12, 1, 12, 30, 0), [])


def test_canvas_files_keep_their_dates_when_gathered(inbox, tmp_path):
    when = utc(2026, 12, 1, 12, 45, 0)
    for name, data in working_copy_members().items():
        upload = inbox / f"lovelaceada_4242_901_{name.rsplit('/', 1)[-1]}"
        upload.write_bytes(data)
        os.utime(upload, (seconds(when), seconds(when)))
    assert lesson_one_time(inbox, tmp_path) == (when, [])


def test_a_folder_named_by_student_id_is_not_dated_by_its_files(inbox, tmp_path):
    """Its files' dates are wherever they were last copied: no submission time."""
    unzip(write_zip(tmp_path / "work.zip", {}), inbox / "ada")
    dated_copy(inbox / "ada", utc(2026, 12, 1, 12, 30, 0))
    assert lesson_one_time(inbox, tmp_path) == (None, [])
