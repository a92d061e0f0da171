"""Find each student's work in what an instructor downloaded, whatever its shape.

``course grade SUBMISSIONS`` accepts:

- nbgrader's own ``submitted/<student>/<assignment>/`` tree;
- one folder or one ``.zip`` per student, named by student id, as an LMS download gives
  them, holding the student's working copy: ``lessons/*.ipynb`` beside ``helpers/``
  (the repository's layout), ``lesson-0N/`` folders (a release's layout), or the
  notebooks beside ``helpers/``.

A folder or zip wrapped in extra top-level folders is unwrapped. Anything that cannot
be read (a zip that is not a zip, an empty folder, an unsafe archive) is recorded as a
:class:`Problem` and skipped; nothing here is fatal to the batch.
"""

import re
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .lessons import LESSONS
from .release import ASSIGNMENT

STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]*")
JUNK = {"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"}  # what archivers and OSes add
MAX_UNPACKED = 256 * 2**20  # bytes per student: the course's files are well under 5 MB
MAX_MEMBERS = 10_000


@dataclass(frozen=True)
class Work:
    """One student's files for one lesson, wherever they were found (None if absent)."""

    student: str
    lesson: object  # a lessons.Lesson
    notebook: Path | None
    helpers: Path | None
    source: Path  # the entry in SUBMISSIONS it came from


@dataclass(frozen=True)
class Problem:
    student: str
    lesson: str  # an assignment name, or "" for the whole submission
    message: str


def entries(folder):
    return sorted(p for p in folder.iterdir() if p.name not in JUNK and not p.name.startswith("."))


def is_layout(folder):
    """Whether `folder` is a working copy itself rather than a wrapper around one."""
    names = {p.name for p in entries(folder)}
    lesson_folders = {ASSIGNMENT.format(lesson.number) for lesson in LESSONS}
    return bool(names & ({"helpers", "lessons"} | lesson_folders)) or any(
        name.endswith(".ipynb") for name in names
    )


def unwrap(folder):
    """Descend through folders that hold nothing but one folder."""
    while not is_layout(folder):
        inside = entries(folder)
        if len(inside) != 1 or not inside[0].is_dir() or inside[0].is_symlink():
            break
        folder = inside[0]
    return folder


def unsafe_member(info):
    """Why a zip member must not be extracted, or None."""
    path = PurePosixPath(info.filename.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        return f"it holds a path outside the archive ({info.filename})"
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"it holds a symbolic link ({info.filename})"
    return None


def unpack(archive, destination):
    """Extract a student's zip safely; raise ValueError naming what is wrong with it."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            if len(members) > MAX_MEMBERS:
                raise ValueError(f"{archive.name} holds {len(members)} files, over {MAX_MEMBERS}")
            if sum(m.file_size for m in members) > MAX_UNPACKED:
                raise ValueError(f"{archive.name} unpacks to over {MAX_UNPACKED // 2**20} MB")
            for member in members:
                reason = unsafe_member(member)
                if reason:
                    raise ValueError(f"{archive.name} is not safe to unpack: {reason}")
            if destination.exists():
                shutil.rmtree(destination)
            zipped.extractall(destination)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise ValueError(f"{archive.name} is not a valid zip file ({exc})") from None
    return destination


def regular(path):
    """A file or folder of the submission itself: links could point at anyone's files."""
    return path.exists() and not path.is_symlink()


def find_notebook(folder, lesson):
    """The lesson's notebook in `folder`: its own name, or the one renamed copy of it."""
    exact = folder / f"{lesson.slug}.ipynb"
    if exact.is_file() and regular(exact):
        return exact
    renamed = [p for p in folder.glob(f"{lesson.slug[:3]}*.ipynb") if p.is_file() and regular(p)]
    return renamed[0] if len(renamed) == 1 else None


def lesson_files(root, lesson):
    """(notebook, helpers folder) of one lesson in a working copy, None where absent."""
    own = root / ASSIGNMENT.format(lesson.number)
    if own.is_dir() and regular(own):
        notebooks, helpers = own, own / "helpers"
    elif (root / "lessons").is_dir() and regular(root / "lessons"):
        notebooks, helpers = root / "lessons", root / "helpers"
    else:
        notebooks, helpers = root, root / "helpers"
    helpers = helpers if helpers.is_dir() and regular(helpers) else None
    return find_notebook(notebooks, lesson), helpers


def student_of(entry):
    """The student id an entry is named by, or a Problem."""
    if entry.is_symlink():
        return Problem(entry.name, "", f"{entry.name} is a symbolic link; not followed")
    if entry.is_file() and entry.suffix.lower() != ".zip":
        return Problem(entry.stem, "", f"{entry.name} is neither a folder nor a .zip")
    student = entry.stem if entry.is_file() else entry.name
    if not STUDENT_ID.fullmatch(student):
        return Problem(
            student,
            "",
            f"{entry.name}: a student id may hold only letters, digits and . _ @ + -; rename it",
        )
    return student


def discover(submissions, unpack_dir, students=None):
    """([Work], [Problem]) for every student in `submissions` (or only `students`)."""
    submissions, unpack_dir = Path(submissions), Path(unpack_dir)
    if not submissions.is_dir():
        raise ValueError(f"{submissions} is not a folder of submissions")
    found, problems, seen = [], [], {}
    for entry in entries(submissions):
        student = student_of(entry)
        if isinstance(student, Problem):
            problems.append(student)
            continue
        if students and student not in students:
            continue
        if student in seen:
            problems.append(
                Problem(student, "", f"{entry.name} and {seen[student]} both claim {student}")
            )
            continue
        seen[student] = entry.name
        try:
            folder = unpack(entry, unpack_dir / student) if entry.is_file() else entry
        except (ValueError, OSError) as exc:
            problems.append(Problem(student, "", str(exc)))
            continue
        root = unwrap(folder)
        if not entries(root):
            problems.append(Problem(student, "", f"{entry.name} is empty"))
            continue
        for lesson in LESSONS:
            notebook, helpers = lesson_files(root, lesson)
            found.append(Work(student, lesson, notebook, helpers, entry))
    return found, problems
