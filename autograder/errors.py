"""The one exception the command line turns into a one-line message.

A :class:`CourseError` is a problem the person at the keyboard can fix, named in words
they can act on: a folder that is not there, a roster without its columns, an nbgrader
step that failed. ``course`` prints it to stderr as ``course <command>: <message>`` and
exits with status 1. Anything else that escapes a command is a bug, and keeps its
traceback. Usage errors (an unknown option, function or lesson) are argparse's, with
status 2; one submission's problem is that submission's row, never an exception here.
"""


class CourseError(Exception):
    """A problem with the user's input or setting, named in one line."""
