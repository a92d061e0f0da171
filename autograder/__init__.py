"""The course tool behind the ``course`` command: build, check, lab."""
