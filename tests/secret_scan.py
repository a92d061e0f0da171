"""A search of every file a process can reach, for course secrets.

Standard library only: `tests/test_secrets.py` runs this file's source as it is in a
notebook cell added by a student (inside the sandboxed kernel), in a learner's helpers
(inside the re-check's child) and in the test process itself, to prove that it finds
the secrets where they are.

It walks from a folder without following links, skips ``/proc``, ``/sys`` and ``/dev``,
reads every regular file of at most 2 MB, and tolerates every error. It can be run in
slices (:meth:`Scan.run` resumes where the last slice stopped), and it searches the
system's largest folder, ``/usr``, last, so that a budget cuts that one short first.
"""

import os
import time

SKIP = ("/proc", "/sys", "/dev")
LAST = ("/usr",)
MOST = 2 * 2**20


class Scan:
    """Which of `needles` (bytes) the files under `top` hold: `found`, [(number, path)]."""

    def __init__(self, needles, top="/"):
        self.needles, self.stack, self.entries = list(needles), [str(top)], []
        self.found, self.files = [], 0

    def run(self, seconds):
        """Search for up to `seconds` more; whether the search is complete."""
        deadline = time.monotonic() + seconds
        while self.stack or self.entries:
            if time.monotonic() > deadline:
                return False
            if self.entries:
                self.visit(self.entries.pop())
            else:
                self.entries = self.listing(self.stack.pop())
        return True

    @staticmethod
    def listing(folder):
        try:
            with os.scandir(folder) as found:
                entries = list(found)
        except OSError:
            return []
        # Popped from the end, pushed on the stack in that order: LAST is searched last.
        return sorted(entries, key=lambda entry: entry.path in LAST)

    def visit(self, entry):
        try:
            if entry.is_dir(follow_symlinks=False):
                if entry.path not in SKIP:
                    self.stack.append(entry.path)
                return
            if not entry.is_file(follow_symlinks=False):
                return
            if entry.stat(follow_symlinks=False).st_size > MOST:
                return
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            with open(fd, "rb") as f:
                data = f.read(MOST + 1)
        except OSError:
            return
        self.files += 1
        self.found += [(n, entry.path) for n, needle in enumerate(self.needles) if needle in data]
