"""The adversarial corpus: hostile or broken lesson-2 submissions, each with its exact outcome.

Every case starts from a correct working copy (the reference helpers, the learner's
notebooks) and changes one thing. Lesson 2's graded functions are sigmoid, log_sigmoid,
softmax, log_softmax and logsumexp; a case names the status each function must end with
in checks.csv, every other function must pass. A cheat that targets one function earns
nothing on it, and the honest functions beside it keep their points.

The attacks that look for other people's files search the whole filesystem for the
canary student's folder, the gradebook and the reference, so that they would find them
wherever the grader keeps them, if the sandbox let them see.
"""

from adversarial_archives import ARCHIVE_CASES
from adversarial_code import CODE_CASES
from adversarial_kernel import KERNEL_CASES, RECORD_CASES
from adversarial_kit import CANARY
from adversarial_pages import PAGE_CASES

from autograder.grading.demo import reference_helpers, working_copy

CASES = [*CODE_CASES, *PAGE_CASES, *KERNEL_CASES, *ARCHIVE_CASES, *RECORD_CASES]


def make(submissions, bait):
    """Write the canary and every case into `submissions`, one folder per student.

    `bait` is a private file outside the course that some cases aim at.
    """
    working_copy(submissions / CANARY, reference_helpers())
    for case in CASES:
        folder = submissions / case.name
        working_copy(folder, reference_helpers())
        case.build(folder, bait) if case.bait else case.build(folder)
        if case.pack:
            case.pack(folder)
