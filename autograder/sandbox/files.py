"""Copying files that the student side could have written: regular files only, never a link.

A submission, or a folder a learner's code ran in, may hold symbolic links, hard links,
named pipes or devices planted to make a privileged copy read, block on or write
something else. Everything here opens a file with ``O_NOFOLLOW | O_NONBLOCK`` and
checks, on the open descriptor, that it is a regular file with a single link, so that
no check can be raced by a rename between it and the open. Anything else is skipped
and named, for the caller to record.

Standard library only: :mod:`autograder.sandbox.kernel` uses it before ipykernel is imported.
"""

import os
import stat
from pathlib import Path

CHUNK = 2**20


def open_regular(path):
    """A read descriptor of `path` if it is a regular file, not a link; else None.

    A hard link is refused too: a second name for a file could be another student's
    copy or a file outside the course, and nothing a submission holds needs one.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:  # a link (ELOOP), a socket (ENXIO), gone or unreadable
        return None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
        os.close(fd)
        return None
    return fd


def copy_regular(source, target, limit=None):
    """Copy `source` to a new file `target` if it is a regular file; whether it was.

    `target` must not exist (``O_EXCL``), so a link planted there is never written
    through. Raises ValueError if `source` is over `limit` bytes.
    """
    fd = open_regular(source)
    if fd is None:
        return False
    with os.fdopen(fd, "rb") as read:
        size = os.fstat(read.fileno()).st_size
        if limit is not None and size > limit:
            raise ValueError(f"{Path(source).name} is over {limit // 2**20} MB")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        with os.fdopen(os.open(target, flags, 0o644), "wb") as write:
            while chunk := read.read(CHUNK):
                write.write(chunk)
    return True


def read_regular(path, limit):
    """The bytes of `path` if it is a regular file of at most `limit` bytes; else None."""
    fd = open_regular(path)
    if fd is None:
        return None
    with os.fdopen(fd, "rb") as read:
        if os.fstat(read.fileno()).st_size > limit:
            raise ValueError(f"{Path(path).name} is over {limit // 2**20} MB")
        return read.read(limit)


def copy_regular_tree(source, target):
    """Copy the regular files and folders under `source` into `target`; the skipped names.

    Links are never followed, not even to folders; pipes, sockets, devices and hard
    links are skipped.
    """
    skipped = []
    Path(target).mkdir(exist_ok=True)
    with os.scandir(source) as found:
        for entry in sorted(found, key=lambda e: e.name):
            into = os.path.join(target, entry.name)
            if entry.is_dir(follow_symlinks=False):
                skipped += copy_regular_tree(entry.path, into)
            elif not copy_regular(entry.path, into):
                skipped.append(entry.path)
    return skipped
