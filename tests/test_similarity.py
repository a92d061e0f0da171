"""Similarity flags: identical and renamed copies, stubs ignored, the reference taking part."""

import csv

import pytest

from autograder.authoring.build import helper_stub
from autograder.grading import similarity
from autograder.grading.demo import reference_helpers
from autograder.lessons import LESSONS, ROOT

LESSON = LESSONS[3]  # KL divergence: kl_divergence, js_divergence, mutual_information
MODULE = f"{LESSON.module}.py"
ASSIGNED = LESSON.assignment

OWN = '''\
import numpy as np
from scipy.special import rel_entr


def kl_divergence(p, q, axis=-1, base=None):
    """Mine."""
    p, q = np.asarray(p), np.asarray(q)
    total = rel_entr(p, q).sum(axis=axis)
    return total if base is None else total / np.log(base)


def js_divergence(p, q, axis=-1, base=None):
    m = (np.asarray(p) + np.asarray(q)) / 2
    return (kl_divergence(p, m, axis, base) + kl_divergence(q, m, axis, base)) / 2


def mutual_information(p_xy, base=None):
    p_xy = np.asarray(p_xy)
    outer = p_xy.sum(axis=1, keepdims=True) * p_xy.sum(axis=0, keepdims=True)
    return kl_divergence(p_xy.ravel(), outer.ravel(), base=base)
'''
# The same code, variables renamed and reformatted, docstring changed.
RENAMED = '''\
import numpy as np
from scipy.special import rel_entr


def kl_divergence(a, b, axis=-1, base=None):
    """Copied, honestly."""
    a, b = np.asarray(a), np.asarray(b)
    s = rel_entr(a, b).sum(axis = axis)
    return s if base is None else s / np.log(base)


def js_divergence(a, b, axis=-1, base=None):
    mid = (np.asarray(a) + np.asarray(b)) / 2
    return (kl_divergence(a, mid, axis, base) + kl_divergence(b, mid, axis, base)) / 2


def mutual_information(joint, base=None):
    joint = np.asarray(joint)
    product = joint.sum(axis=1, keepdims=True) * joint.sum(axis=0, keepdims=True)
    return kl_divergence(joint.ravel(), product.ravel(), base=base)
'''
# Written differently: another algorithm for both functions.
DIFFERENT = """\
import numpy as np


def kl_divergence(p, q, axis=-1, base=None):
    p, q = np.asarray(p, float), np.asarray(q, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p / q), 0.0)
    return np.sum(terms, axis=axis) / (1.0 if base is None else np.log(base))


def js_divergence(p, q, axis=-1, base=None):
    m = 0.5 * (np.asarray(p, float) + np.asarray(q, float))
    return 0.5 * kl_divergence(p, m, axis, base) + 0.5 * kl_divergence(q, m, axis, base)
"""


def stage(course, student, text):
    folder = course / "submitted" / student / ASSIGNED / "helpers"
    folder.mkdir(parents=True)
    (folder / MODULE).write_text(text)


def flags_between(course):
    return {
        (flag.student_a, flag.student_b): flag
        for flag in similarity.find(course)
        if flag.lesson == ASSIGNED
    }


@pytest.fixture
def course(tmp_path):
    return tmp_path / "course"


def test_an_identical_copy_is_flagged_as_identical(course):
    stage(course, "amy", OWN)
    stage(course, "bob", OWN)
    flag = flags_between(course)["amy", "bob"]
    assert flag.kind == "identical"
    assert flag.functions == ("kl_divergence", "js_divergence", "mutual_information")


def test_renamed_variables_and_new_formatting_do_not_hide_a_copy(course):
    stage(course, "amy", OWN)
    stage(course, "bob", RENAMED)
    assert flags_between(course)["amy", "bob"].kind == "same after renaming"


def test_different_code_is_not_flagged(course):
    stage(course, "amy", OWN)
    stage(course, "bob", DIFFERENT)
    assert ("amy", "bob") not in flags_between(course)


def test_stubs_are_never_similar(course):
    stub = helper_stub(ROOT / "solutions" / "helpers" / MODULE)
    stage(course, "amy", stub)
    stage(course, "bob", stub)
    assert flags_between(course) == {}


def test_one_shared_function_is_not_enough(course):
    half = OWN.split("def js_divergence")[0] + DIFFERENT.split("\n\n\n", 2)[-1]
    stage(course, "amy", OWN)
    stage(course, "bob", half)
    assert ("amy", "bob") not in flags_between(course)


def test_a_pasted_reference_is_flagged_against_the_reference(course):
    stage(course, "amy", reference_helpers()[MODULE])
    flag = flags_between(course)[similarity.REFERENCE, "amy"]
    assert flag.kind == "identical"


def test_a_module_that_does_not_parse_is_skipped(course):
    stage(course, "amy", OWN)
    stage(course, "bob", OWN + "\ndef broken(:\n")
    stage(course, "cat", "(" * 200_000)  # deep enough to exhaust the parser
    assert flags_between(course) == {}


def test_similarity_csv_lists_each_flag_once(course, tmp_path):
    stage(course, "amy", OWN)
    stage(course, "bob", RENAMED)
    said = []
    flags = similarity.report(tmp_path, course, said.append)
    with (tmp_path / "similarity.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["student_a"], r["student_b"], r["kind"]) for r in rows] == [
        (f.student_a, f.student_b, f.kind) for f in flags
    ]
    assert ("amy", "bob", "same after renaming") in {
        (r["student_a"], r["student_b"], r["kind"]) for r in rows
    }
    assert "for you to judge" in said[0]


@pytest.mark.parametrize(("count", "needed"), [(1, 1), (2, 2), (4, 3), (5, 4), (11, 9)])
def test_the_threshold_grows_with_the_lesson(count, needed):
    assert similarity.threshold(count) == needed
