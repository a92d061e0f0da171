"""Find each student's work in what an instructor downloaded, whatever its shape.

``course grade SUBMISSIONS`` accepts:

- nbgrader's own ``submitted/<student>/<assignment>/`` tree;
- one folder or one ``.zip`` per student, named by student id, as an LMS download gives
  them, holding the student's working copy: ``lessons/*.ipynb`` beside ``helpers/``
  (the repository's layout), ``lesson-0N/`` folders (a release's layout), or the
  notebooks beside ``helpers/``.

A folder or zip wrapped in extra top-level folders is unwrapped. Everything here is
hostile data: a zip is unpacked as it streams, within limits it cannot lie about (bytes
written, not the sizes its headers declare), and a folder is held to the same limits,
measured with ``lstat`` before anything of it is read; links are never followed.
Anything that cannot be read is recorded as a :class:`Problem` for that entry alone, an
entry whose name is not a student id under a label derived from it, never the name
itself; nothing here is fatal to the batch.

Where a lesson has no ``timestamp.txt``, the dates of a zip's entries, and of the files
of a Moodle or Canvas download, say when it was submitted (:attr:`Work.dated`): each
file unpacked from a zip gets its entry's date as its modification time, the entry's
Info-ZIP extended timestamp (Unix time, UTC) where it has one, else its DOS date and
time, read as UTC because a zip does not say its zone; a date that is no date leaves
the file undated (modification time 0).
"""

import functools
import hashlib
import lzma
import os
import re
import shutil
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from autograder.errors import CourseError
from autograder.grading import lms
from autograder.grading.records import REJECTED, Problem
from autograder.lessons import LESSONS, Lesson
from autograder.sandbox.printable import printable

# A student id names a folder in nbgrader's tree, a gradebook row, a URL in the
# formgrader and a CSV cell: ASCII letters or digits at both ends (so never a hidden
# file, "..", a glob or a formula), a few separators inside, short enough for any
# filesystem and for nbgrader's 128-character id column.
STUDENT_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._@+-]{0,62}[A-Za-z0-9])?")
JUNK = {"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"}  # what archivers and OSes add
# The limits of one submission, zip or folder. The course's files are well under 5 MB,
# about 40 of them, 3 folders deep; an LMS wraps them in a few more folders.
MAX_UNPACKED = 256 * 2**20  # bytes, counted as written (a zip) or by apparent size (a folder)
MAX_MEMBERS = 10_000  # files, folders and links
MAX_DEPTH = 32  # folders
MAX_RATIO = 100  # a zip unpacking to more than this times its own size is a bomb
CHUNK = 2**20  # bytes decompressed at a time
# Broken compressed data, as zipfile and the decompressors report it.
CORRUPT = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError)
EXTENDED_TIMESTAMP = 0x5455  # Info-ZIP's "UT" extra field: flags, then Unix times, UTC
UNDATED = 0  # the modification time of a file whose zip entry has no valid date


@dataclass(frozen=True)
class Work:
    """One student's files for one lesson, wherever they were found (None if absent)."""

    student: str
    lesson: Lesson
    notebook: Path | None
    helpers: Path | None
    source: Path  # the entry in SUBMISSIONS it came from
    # Whether its files' modification times are when they were submitted: a zip's entry
    # dates, or the file dates of a Moodle or Canvas download.
    dated: bool = False


# How an entry of a download is identified: (student id, its entry, whether its files' dates
# say when it was submitted).
Identified = tuple[str, Path, bool]


class Budget:
    """What one submission may hold, spent as it is read: entries, depth and bytes."""

    def __init__(self, name: str, max_bytes: int = MAX_UNPACKED, too_big: str = "") -> None:
        self.name, self.max_bytes = name, max_bytes
        self.too_big = too_big or f"{name} holds over {max_bytes // 2**20} MB"
        self.entries = self.bytes = 0

    def enter(self, depth: int) -> None:
        """Count one file, folder or link, `depth` folders down."""
        self.entries += 1
        if self.entries > MAX_MEMBERS:
            raise ValueError(f"{self.name} holds over {MAX_MEMBERS:,} files and folders")
        if depth > MAX_DEPTH:
            raise ValueError(f"{self.name} is nested over {MAX_DEPTH} folders deep")

    def spend(self, size: int) -> None:
        self.bytes += size
        if self.bytes > self.max_bytes:
            raise ValueError(self.too_big)


def rejected_label(name: str) -> str:
    """The id a rejected entry is recorded under: derived from its name, never the name."""
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{REJECTED}{digest[:12]}"


def describe(name: str) -> str:
    """A raw entry or member name as a person may read it: printable, short, quoted."""
    return f'"{printable(name, limit=60, mark="…")}"'


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name not in JUNK and not p.name.startswith("."))


def is_layout(folder: Path) -> bool:
    """Whether `folder` is a working copy itself rather than a wrapper around one."""
    names = {p.name for p in entries(folder)}
    lesson_folders = {lesson.assignment for lesson in LESSONS}
    return bool(names & ({"helpers", "lessons"} | lesson_folders)) or any(
        name.endswith(".ipynb") for name in names
    )


def unwrap(folder: Path) -> Path:
    """Descend through folders that hold nothing but one folder."""
    while not is_layout(folder):
        inside = entries(folder)
        if len(inside) != 1 or not inside[0].is_dir() or inside[0].is_symlink():
            break
        folder = inside[0]
    return folder


def measure(folder: Path) -> None:
    """Refuse a folder submission over a zip's limits, before anything of it is read.

    An iterative walk with ``lstat``: a link or a special file counts as an entry and is
    never followed (staging copies regular files only), and a sparse file counts by the
    size a copy of it would take.
    """
    budget = Budget(folder.name)
    pending: list[tuple[str | Path, int]] = [(folder, 0)]
    while pending:
        path, depth = pending.pop()
        with os.scandir(path) as listing:
            for item in listing:
                budget.enter(depth + 1)
                if item.is_dir(follow_symlinks=False):
                    pending.append((item.path, depth + 1))
                elif item.is_file(follow_symlinks=False):
                    budget.spend(item.stat(follow_symlinks=False).st_size)


def member_parts(archive: Path, info: zipfile.ZipInfo, budget: Budget) -> tuple[str, ...]:
    """The path parts of a zip member, once it is known to be safe to write."""
    path = PurePosixPath(info.filename.replace("\\", "/"))
    where = f"{archive.name} is not safe to unpack"
    if path.is_absolute() or ".." in path.parts:
        raise ValueError(
            f"{where}: it holds a path outside the archive ({describe(info.filename)})"
        )
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ValueError(f"{where}: it holds a symbolic link ({describe(info.filename)})")
    if info.flag_bits & 0x1:
        raise ValueError(f"{archive.name} is encrypted: ask for it again without a password")
    budget.enter(len(path.parts))
    return path.parts


def extract(zipped: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: Budget) -> None:
    """Write one member, counting the bytes as they come out: its header may lie. The file
    is dated as its entry is (:func:`member_time`)."""
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipped.open(info) as source, target.open("xb") as sink:  # "x": never through a link
        while chunk := source.read(CHUNK):
            budget.spend(len(chunk))
            sink.write(chunk)
    when = member_time(info)
    seconds = UNDATED if when is None else when.timestamp()
    os.utime(target, (seconds, seconds), follow_symlinks=False)


def member_time(info: zipfile.ZipInfo) -> datetime | None:
    """When a zip member was last changed, in UTC; None if its header holds no valid date.

    Its extended timestamp if it has one (Unix time); else its DOS date and time, which
    name no zone: read as UTC.
    """
    extra = info.extra
    while len(extra) >= 4:
        kind, size = struct.unpack("<HH", extra[:4])
        body, extra = extra[4 : 4 + size], extra[4 + size :]
        if kind == EXTENDED_TIMESTAMP and len(body) >= 5 and body[0] & 1:  # bit 0: mtime
            return datetime.fromtimestamp(struct.unpack("<i", body[1:5])[0], timezone.utc)
    try:
        return datetime(*info.date_time, tzinfo=timezone.utc)
    except ValueError:  # month 0, day 0, hour 31, ...: DOS fields that are no date
        return None


def zip_budget(archive: Path) -> Budget:
    size = archive.stat().st_size
    if size > MAX_UNPACKED:
        raise ValueError(f"{archive.name} is over {MAX_UNPACKED // 2**20} MB")
    if MAX_RATIO * size < MAX_UNPACKED:
        bomb = f"{archive.name} unpacks to over {MAX_RATIO} times its own size: a zip bomb"
        return Budget(archive.name, MAX_RATIO * size, bomb)
    too_big = f"{archive.name} unpacks to over {MAX_UNPACKED // 2**20} MB"
    return Budget(archive.name, MAX_UNPACKED, too_big)


def extract_all(archive: Path, destination: Path) -> None:
    budget = zip_budget(archive)
    try:
        zipped = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise ValueError(f"{archive.name} is not a valid zip file ({exc})") from None
    with zipped:
        members = [(info, member_parts(archive, info, budget)) for info in zipped.infolist()]
        destination.mkdir(parents=True)
        for info, parts in members:
            try:
                extract(zipped, info, destination.joinpath(*parts), budget)
            except NotImplementedError:
                # zipfile's own table of method names, which its type stubs leave out
                names = zipfile.compressor_names  # type: ignore[attr-defined]
                method = names.get(info.compress_type, "unknown")
                raise ValueError(
                    f"{archive.name} uses a compression method this grader cannot read "
                    f"({info.compress_type}: {method}): ask for a standard zip"
                ) from None
            except CORRUPT as exc:
                raise ValueError(
                    f"{archive.name} is corrupt: {describe(info.filename)} cannot be "
                    f"unpacked ({exc})"
                ) from None


def unpack(archive: Path, destination: Path) -> Path:
    """Extract a student's zip safely; raise ValueError naming what is wrong with it.

    Nothing of a refused zip is left behind.
    """
    shutil.rmtree(destination, ignore_errors=True)
    try:
        extract_all(archive, destination)
    except BaseException:
        shutil.rmtree(destination, ignore_errors=True)
        raise
    return destination


def regular(path: Path) -> bool:
    """A file or folder of the submission itself: links could point at anyone's files."""
    return path.exists() and not path.is_symlink()


def find_notebook(folder: Path, lesson: Lesson) -> Path | None:
    """The lesson's notebook in `folder`: its own name, or the one renamed copy of it."""
    exact = folder / lesson.notebook
    if exact.is_file() and regular(exact):
        return exact
    renamed = [p for p in folder.glob(f"{lesson.slug[:3]}*.ipynb") if p.is_file() and regular(p)]
    return renamed[0] if len(renamed) == 1 else None


def lesson_files(root: Path, lesson: Lesson) -> tuple[Path | None, Path | None]:
    """(notebook, helpers folder) of one lesson in a working copy, None where absent."""
    own = root / lesson.assignment
    if own.is_dir() and regular(own):
        notebooks, helpers = own, own / "helpers"
    elif (root / "lessons").is_dir() and regular(root / "lessons"):
        notebooks, helpers = root / "lessons", root / "helpers"
    else:
        notebooks, helpers = root, root / "helpers"
    usable = helpers if helpers.is_dir() and regular(helpers) else None
    return find_notebook(notebooks, lesson), usable


def student_id(entry: Path) -> str:
    """The student id an entry is named by; ValueError if it is not a student's entry."""
    mode = entry.lstat().st_mode
    if stat.S_ISLNK(mode):
        raise ValueError(f"entry {describe(entry.name)} is a symbolic link; not followed")
    if stat.S_ISREG(mode) and entry.suffix.lower() == ".zip":
        student = entry.stem
    elif stat.S_ISDIR(mode):
        student = entry.name
    else:
        raise ValueError(f"entry {describe(entry.name)} is neither a folder nor a .zip")
    check_student_id(student, f"entry {describe(entry.name)} is not named by a student id")
    return student


def check_student_id(student: str, problem: str) -> None:
    """ValueError(`problem`, and what a student id is) unless `student` is one."""
    if not STUDENT_ID.fullmatch(student):
        raise ValueError(
            f"{problem} (up to 64 letters, digits and . _ @ + -, a letter or digit at each "
            "end); rename it, or map it to one with --roster"
        )


def works_of(student: str, entry: Path, unpack_dir: Path, dated: bool = False) -> list[Work]:
    """Every lesson's Work in one student's entry; ValueError if it cannot be used.

    A zip's files are dated by its entries; a folder's if `dated` (an LMS's download).
    """
    if entry.is_dir():
        measure(entry)
        folder = entry
    else:
        folder, dated = unpack(entry, unpack_dir / student), True
    root = unwrap(folder)
    if not entries(root):
        raise ValueError(f"{entry.name} is empty")
    return [Work(student, lesson, *lesson_files(root, lesson), entry, dated) for lesson in LESSONS]


def files_date(work: Work) -> datetime | None:
    """When a lesson's files were last changed: the newest of its notebook and its own
    module (the files the lesson grades); None if neither has a date. A naive datetime in
    UTC, as nbgrader's ``parse_utc`` gives a ``timestamp.txt``'s."""
    own = None if work.helpers is None else work.helpers / f"{work.lesson.module}.py"
    times = [
        path.lstat().st_mtime
        for path in (work.notebook, own)
        if path is not None and os.path.lexists(path) and not path.is_symlink()
    ]
    dated = [seconds for seconds in times if seconds > UNDATED]
    return datetime.fromtimestamp(max(dated), timezone.utc).replace(tzinfo=None) if dated else None


def explain(name: str, exc: BaseException) -> str:
    """What went wrong with the entry `name`, for the instructor."""
    if isinstance(exc, ValueError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{describe(name)} could not be read: {exc.strerror or exc}"
    return f"{describe(name)} could not be read ({type(exc).__name__}: {exc})"


def candidates(
    submissions: Path, unpack_dir: Path, roster: lms.Roster
) -> Iterator[tuple[str, Callable[[], Identified]]]:
    """(its name, how to find its student id and entry) for every entry of `submissions`.

    A Canvas download's files are gathered first, one entry per student
    (:mod:`autograder.grading.lms`); a Moodle folder is named through the roster; anything else
    is named by its student id.
    """
    listed = entries(submissions)
    canvas = lms.canvas_files(listed)
    gathered = {entry for uploads in canvas.values() for entry, _ in uploads}
    for entry in listed:
        if entry not in gathered:
            yield entry.name, functools.partial(lms_student, entry, roster)
    for (lms_id, name), uploads in canvas.items():
        gather = functools.partial(canvas_student, lms_id, name, uploads, roster, unpack_dir)
        yield uploads[0][0].name, gather


def canvas_student(
    lms_id: str, name: str, uploads: list[lms.Upload], roster: lms.Roster, unpack_dir: Path
) -> Identified:
    """(student id, entry, dated) of one student's Canvas uploads, gathered into one entry:
    the download's file dates are the uploads'."""
    student = roster.student(lms_id, name)
    shown = describe(uploads[0][0].name)
    check_student_id(student, f"the roster's id for {shown} is no student id")
    # Gathered by LMS id (digits), not student id: two LMS entries that a roster maps to
    # one student are refused as duplicates without one overwriting the other's folder.
    gathered = lms.gather_canvas(uploads, unpack_dir / "canvas" / lms_id, MAX_UNPACKED)
    return student, gathered, True


def lms_student(entry: Path, roster: lms.Roster) -> Identified:
    """(student id, entry, dated) of an entry named by a student id or as Moodle names it;
    a Moodle folder's file dates are the uploads'."""
    if lms.unnamed(entry):
        own = entry.name.rsplit("_", 1)[1]
        raise ValueError(
            f'{describe(entry.name)} is skipped: Canvas names this upload "{own}", which is '
            "no file's name; ask the student to upload it again under its own name"
        )
    student = lms.moodle_student(entry, roster)
    if student is None:
        return student_id(entry), entry, False
    check_student_id(student, f"the roster's id for {describe(entry.name)} is no student id")
    return student, entry, True


def discover(
    submissions: str | Path,
    unpack_dir: str | Path,
    students: Collection[str] | None = None,
    roster: lms.Roster | None = None,
) -> tuple[list[Work], list[Problem]]:
    """([Work], [Problem]) for every student in `submissions` (or only `students`).

    `roster` (an :class:`lms.Roster`) names the students of an LMS download. Entries
    that are not a student's are always listed: their rows belong to no student.
    """
    submissions, unpack_dir = Path(submissions), Path(unpack_dir)
    roster = roster or lms.Roster()
    if not submissions.is_dir():
        raise CourseError(f"{submissions} is not a folder of submissions")
    found: list[Work] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for name, identify in candidates(submissions, unpack_dir, roster):
        student = rejected_label(name)  # until the entry proves to be a student's
        try:
            student, entry, dated = identify()
            if students and student not in students:
                continue
            # Two entries whose ids differ only in case would share one folder on macOS.
            if student.casefold() in seen:
                raise ValueError(f"{name} and {seen[student.casefold()]} both claim it")
            seen[student.casefold()] = name
            found += works_of(student, entry, unpack_dir, dated)
        except Exception as exc:  # whatever one entry holds, it costs that entry alone
            problems.append(Problem(student, "", explain(name, exc)))
    return found, problems
