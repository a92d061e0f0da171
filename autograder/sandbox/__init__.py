"""Where student code runs, and the trusted re-check that decides every score.

`jail` (namespaces, an unprivileged user, resource limits), `kernel` (the nbgrader
kernel inside it), `child` (the re-check's sandboxed process), `trusted` (its parent,
which judges the child's records) and `files` (reading back what the student side
wrote, regular files only). `jail`, `files` and `child` import the standard library
and NumPy only: they run before, or inside, the sandbox. The threat model and the test
behind each protection: ``autograder/SECURITY.md``.
"""
