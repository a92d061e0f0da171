"""Submissions downloaded from an LMS, and the roster that names their students.

An LMS names what it downloads after its own idea of a student, not after the course's
student ids. Two layouts are recognised, as the LMSs write them:

- **Moodle**, "Download all submissions" (one folder per submission):
  ``<Full Name>_<participant id>_assignsubmission_file_/`` holding the files the student
  uploaded (``..._assignsubmission_onlinetext_`` for online text);
- **Canvas**, "Download Submissions": every uploaded file on its own, flat, named
  ``<name>[_late]_<user id>_<submission id>_<file name>``, where ``<name>`` is the
  student's sortable name lower-cased without spaces or punctuation, ``late`` marks a
  late submission, and a re-uploaded file gets ``-1``, ``-2``, … before its extension.
  A student who uploaded one zip has one file; one who uploaded the notebook and the
  ``.py`` files has several, gathered here into one folder: notebooks at its top,
  ``.py`` files in ``helpers/``. An upload whose own name is ``.`` or ``..`` (a name
  Canvas keeps, which no file can have) is left out: a skipped entry of its own.

A roster (``course grade --roster CSV``) maps them to student ids: a header row with
``student_id`` and ``lms_id`` (Moodle's participant id, Canvas' user id) or ``name``
(compared without case, spaces or punctuation, in its own order or family name
first), or both; the LMS id wins where both are given. Without a roster, an LMS
entry's student id is its LMS id. An entry the roster does not know is refused, by
name, and costs no one else.
"""

import csv
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.errors import CourseError
from autograder.sandbox import files

MOODLE = re.compile(r"(?P<name>.+)_(?P<lms_id>\d+)_assignsubmission_[a-z]+_?")
CANVAS = re.compile(
    r"(?P<name>[a-z0-9]+)(?P<late>_late)?_(?P<lms_id>\d+)_(?P<submission>\d+)_(?P<file>.+)",
    re.IGNORECASE,
)
# Canvas' mark of a re-uploaded file, before the extension: "logits-1.py".
REUPLOADED = re.compile(r"-\d+(?=\.[A-Za-z0-9]+$)")
NO_FILE_NAME = {".", ".."}  # an upload's own name that would name a folder, not a file
MAX_ROSTER = 2**20  # bytes: a roster of thousands of students is well under this
# A Canvas upload: its entry in the download, and the file name the student gave it.
Upload = tuple[Path, str]


@dataclass(frozen=True)
class Roster:
    """Student ids by LMS id and by normalised name."""

    by_id: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)

    def student(self, lms_id: str, name: str) -> str:
        """The student id of an LMS entry; its LMS id if there is no roster."""
        if not self.by_id and not self.by_name:
            return lms_id
        found = self.by_id.get(lms_id) or self.by_name.get(normalised(name))
        if found is None:
            raise ValueError(f"{name} (LMS id {lms_id}) is not in the roster")
        return found


def normalised(name: str) -> str:
    """A name as Canvas writes it: lower case, letters and digits only."""
    return "".join(c for c in name.casefold() if c.isalnum())


def name_keys(name: str) -> list[str]:
    """How an LMS may write a roster's name: as given, and family name first, as Canvas'
    sortable name does ("Grace Hopper" is also "hoppergrace")."""
    words = name.split()
    keys = {normalised(name), normalised(" ".join(words[-1:] + words[:-1]))}
    return sorted(key for key in keys if key)


def read_roster(path: str | Path) -> Roster:
    """The Roster in a CSV file; ValueError naming what is wrong with it."""
    text = files.read_regular(Path(path), MAX_ROSTER)
    if text is None:
        raise CourseError(f"the roster {path} is not a regular file of at most 1 MB")
    rows = list(csv.DictReader(text.decode("utf-8-sig").splitlines()))
    columns = set(rows[0]) if rows else set()
    if "student_id" not in columns or not columns & {"lms_id", "name"}:
        raise CourseError(f"the roster {path} needs a student_id column and lms_id or name")
    roster = Roster()
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        keys = [(roster.by_id, (row.get("lms_id") or "").strip())]
        keys += [(roster.by_name, key) for key in name_keys(row.get("name") or "")]
        for index, key in keys:
            if key and index.setdefault(key, row["student_id"].strip()) != row["student_id"]:
                raise CourseError(f"the roster {path}, line {number}: {key} names two students")
    return roster


def moodle_student(entry: Path, roster: Roster) -> str | None:
    """The student id of a Moodle submission folder, or None if it is not one."""
    match = MOODLE.fullmatch(entry.name)
    if match is None or not entry.is_dir() or entry.is_symlink():
        return None
    return roster.student(match["lms_id"], match["name"])


def upload_order(upload: Upload) -> tuple[str, int]:
    """Oldest first: "logits.py", then "logits-1.py", "logits-2.py", … (Canvas' re-uploads)."""
    entry, name = upload
    match = CANVAS.fullmatch(entry.name)
    assert match is not None  # canvas_files keeps only the entries it matches
    again = REUPLOADED.search(match["file"])
    return name, int(again.group()[1:]) if again else 0


def canvas_files(entries: Iterable[Path]) -> dict[tuple[str, str], list[Upload]]:
    """{(LMS id, name): [(entry, its own file name)]} of the Canvas-named regular files
    whose own name is a file's."""
    found: dict[tuple[str, str], list[Upload]] = {}
    for entry in entries:
        match = CANVAS.fullmatch(entry.name)
        if match and entry.is_file() and not entry.is_symlink() and not unnamed(entry):
            key = (match["lms_id"], match["name"])
            found.setdefault(key, []).append((entry, REUPLOADED.sub("", match["file"])))
    return {key: sorted(uploads, key=upload_order) for key, uploads in found.items()}


def unnamed(entry: Path) -> bool:
    """Whether `entry` is a Canvas upload whose own name is no file's ("." or "..")."""
    match = CANVAS.fullmatch(entry.name)
    return match is not None and match["file"] in NO_FILE_NAME


def gather_canvas(uploads: list[Upload], folder: Path, limit: int) -> Path:
    """One student's Canvas uploads as one entry: the zip if that is all, else a folder.

    Where a file was uploaded again, the latest upload is the one kept, with its date. A
    file over `limit` bytes is refused before it is copied (ValueError).
    """
    if len(uploads) == 1 and uploads[0][1].lower().endswith(".zip"):
        return uploads[0][0]
    shutil.rmtree(folder, ignore_errors=True)  # an earlier run's gathering: ours to replace
    latest = {name: entry for entry, name in uploads}  # sorted oldest first
    for name, entry in latest.items():
        into = folder / "helpers" if name.endswith(".py") else folder
        into.mkdir(parents=True, exist_ok=True)
        if files.copy_regular(entry, into / name, limit):  # never through a link
            when = entry.lstat().st_mtime_ns
            os.utime(into / name, ns=(when, when), follow_symlinks=False)
    return folder
