"""The feedback a student gets: right, teaching, offline, and nothing of the grading machine.

A class of two is graded by real `course grade` on lesson 2: ada, the reference, and
dan, whose softmax is the naive ``exp(z) / sum(exp(z))``. Their feedback pages are then
read as text and opened in Chromium with the network cut. The course's own
``nbgrader_config.py`` is then run by real ``nbgrader generate_feedback``, as the
formgrader's button runs it, on a notebook with a hidden test planted in it.
"""

import csv
import html
import re
import sys
import tempfile
import zipfile

import nbformat
import pytest
from chromium import needs_chromium, offline_page

from autograder import cli
from autograder.authoring.release import nbgrader
from autograder.grading import batch, feedback, pages
from autograder.grading.demo import NAIVE_SOFTMAX, reference_helpers, working_copy
from autograder.lessons import LESSONS, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader, pytest.mark.browser]

LESSON = LESSONS[1]
ASSIGNMENT = "lesson-02"
STUDENTS = ("ada", "dan")
LOADING = 120_000  # ms: two shared cores take a while over a 3 MB page
TEX = r"\frac{1}{1+e^{-z}}"  # in lesson 2's markdown: the sigmoid's textbook form


# -- the path hider and the verdicts, on their own ----------------------------------------

FOLDER = "/srv/grading/results/course/autograded/dan/lesson-02"
JOBLIB = (
    f"{sys.prefix}/lib/python3.11/site-packages/joblib/_multiprocessing_helpers.py:44: "
    "UserWarning: [Errno 2] No such file or directory.  joblib will operate in serial mode\n"
    '  warnings.warn("%s.  joblib will operate in serial mode" % (e,))\n'
)
OWN_WARNING = (
    f"{FOLDER}/helpers/sigmoid_softmax.py:57: RuntimeWarning: overflow encountered in exp\n"
    "  e = np.exp(as_float_array(z))\n"
)


def test_paths_are_shortened_to_what_a_student_may_see():
    hide = feedback.path_hider("dan", "lesson-02")
    frame = f"File \x1b[0;32m{FOLDER}/helpers/sigmoid_softmax.py:87\x1b[0m, in softmax"
    assert hide(frame) == "File \x1b[0;32mhelpers/sigmoid_softmax.py:87\x1b[0m, in softmax"
    library = f"{sys.prefix}/lib/python3.11/site-packages/numpy/_core/numeric.py:232"
    assert hide(library) == "<python>/numpy/_core/numeric.py:232"
    cell = "/tmp/course-grade-x/worker-1/course-kernel-y/home/ipykernel_1/1949527909.py:6:"
    assert hide(cell) == "<cell>:6:"
    assert hide("'/home/instructor/secret/answers.pkl'") == "'<grader>/answers.pkl'"
    markup = feedback.path_hider("dan", "lesson-02", markup=True)
    assert markup(f"<td>{library}</td>") == "<td>&lt;python&gt;/numpy/_core/numeric.py:232</td>"
    for kept in ("https://example.org/a/b", "1/2/3", "helpers/logits.py", "km/h/x"):
        assert hide(kept) == kept


def test_library_warnings_go_and_the_students_own_stay_shortened():
    hide = feedback.path_hider("dan", "lesson-02")
    text = feedback.library_warnings(f"before\n{JOBLIB}{OWN_WARNING}after\n", hide)
    assert text == (
        "before\nhelpers/sigmoid_softmax.py:57: RuntimeWarning: overflow encountered in exp\n"
        "  e = np.exp(as_float_array(z))\nafter\n"
    )


def test_a_verdict_is_shown_as_inert_text(tmp_path):
    from autograder.grading.records import Check

    message = f"raised ValueError: <img src=x onerror=alert(1)> at {FOLDER}/helpers/x.py"
    rows = [Check("dan", "lesson-02", "softmax", 0.0, 2.0, "failed", message)]
    feedback.write_verdicts(tmp_path, rows)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('check("softmax")'), nbformat.v4.new_code_cell("1")]
    nb.cells[0].metadata.nbgrader = {"grade": True, "grade_id": "softmax", "points": 2}
    nb.cells[1].metadata.course_verdict = {"status": "passed", "html": "<script>x</script>"}
    resources = {"nbgrader": {"student": "dan", "assignment": "lesson-02"}}
    verdicts = feedback.TrustedVerdicts(course_dir=str(tmp_path))
    nb, _ = verdicts.preprocess(nb, resources)
    shown = nb.cells[0].metadata.course_verdict
    assert shown["status"] == "failed"
    assert "<img" not in shown["html"] and "&lt;img" in shown["html"]
    assert shown["html"].endswith("at helpers/x.py")
    assert "course_verdict" not in nb.cells[1].metadata, "a notebook's own verdict is dropped"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("feedback")
    submissions, out = root / "class", root / "results"
    working_copy(submissions / "ada", reference_helpers(), skip={1, 3, 4, 5})
    naive = reference_helpers({"sigmoid_softmax.py": [("softmax", NAIVE_SOFTMAX)]})
    working_copy(submissions / "dan", naive, skip={1, 3, 4, 5})
    assert batch.grade(submissions, out, lessons=[2], say=lambda *args: None) == 0
    return out


def page(out, student):
    return (out / "feedback" / student / f"{ASSIGNMENT}.html").read_text()


def visible_text(document):
    """What a reader sees: no script, no style, no tags, entities decoded."""
    document = re.sub(r"<(script|style)\b.*?</\1>", "", document, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", document))


def without_images(document):
    """The page without its inline images, whose base64 may spell anything ("cdn")."""
    return re.sub(r"data:image/[\w+.-]+;base64,[A-Za-z0-9+/=\s]+", "", document)


def checks(out):
    with (out / "checks.csv").open(newline="") as f:
        return {(row["student_id"], row["function"]): row for row in csv.DictReader(f)}


def test_the_class_is_graded_as_expected(out):
    rows = checks(out)
    assert rows["dan", "softmax"]["status"] == "failed"
    assert "subtract the max" in rows["dan", "softmax"]["message"]
    assert {rows["ada", name]["status"] for name in LESSON.functions} == {"passed"}


@pytest.mark.parametrize("student", STUDENTS)
def test_every_graded_cell_is_labelled_with_its_function(out, student):
    text = page(out, student)
    assert "Test cell" not in text
    for name in LESSON.functions:
        assert f'<a href="#{name}"><code>{name}</code></a>' in text, name


@pytest.mark.parametrize("student", STUDENTS)
def test_every_graded_function_shows_the_trusted_verdict(out, student):
    text, rows = page(out, student), checks(out)
    for name in LESSON.functions:
        status = rows[student, name]["status"]
        found = re.search(
            rf'data-function="{name}">\s*<b>Trusted check of <code>{name}</code>: ([\w ]+)</b>',
            text,
        )
        assert found and found[1] == status.replace("_", " "), name


def test_the_naive_softmax_page_teaches_what_the_judge_said(out):
    message = checks(out)["dan", "softmax"]["message"]
    assert "softmax([1000, 0]) returned nan" in message  # the hidden-safe public case
    text = visible_text(page(out, "dan"))
    assert message in text
    assert "exp overflowed: subtract the max of each row first" in text
    # and names the mistake as the class report counts it
    assert "The mistake, no-max-shift: the function exponentiates without shifting" in text


@pytest.mark.parametrize("student", STUDENTS)
def test_the_maths_is_inlined_and_nothing_is_fetched(out, student):
    text = page(out, student)
    assert "cdn" not in without_images(text).lower()
    loads = r"<(script|img|link|iframe)\b[^>]*\b(src|href)\s*=\s*(?![\"']?data:image/)"
    assert not re.search(loads, text, re.I), "every image inline, no script or style fetched"
    assert pages.offline_mathjax()[:2000] in text, "the MathJax of sphinx-mathjax-offline"
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text)[1]
    assert "http" not in policy and "'self'" not in policy and "unsafe-eval" not in policy
    assert "default-src 'none'" in policy


@pytest.mark.parametrize("student", STUDENTS)
def test_no_path_or_warning_of_the_grading_machine(out, student):
    text = page(out, student)
    machine = ["/work", sys.prefix, "site-packages", str(ROOT), str(out), tempfile.gettempdir()]
    for path in machine:
        assert path not in text, path
    # No library's warning (joblib's, with the environment's path, was one); a warning of
    # the student's own code would stay, shortened (see the unit test above).
    assert re.findall(r"^.*Warning\b.*$", visible_text(text), re.M) == []


def test_the_page_sizes_are_reasonable(out):
    sizes = {student: len(page(out, student).encode()) for student in STUDENTS}
    mathjax = len(pages.offline_mathjax().encode())
    print(f"feedback pages: {sizes} bytes, of which MathJax {mathjax}")
    assert all(size < 4 * 2**20 for size in sizes.values())


def test_one_zip_per_student_for_an_lms(out, tmp_path):
    assert cli.main(["feedback-zips", str(out), "--to", str(tmp_path / "zips")]) == 0
    zips = sorted((tmp_path / "zips").iterdir())
    assert [path.name for path in zips] == ["ada.zip", "dan.zip"]
    with zipfile.ZipFile(zips[1]) as zipped:
        assert zipped.namelist() == [f"dan/{ASSIGNMENT}.html"]
        assert zipped.read(f"dan/{ASSIGNMENT}.html").decode() == page(out, "dan")


# -- in Chromium, offline ----------------------------------------------------------------


@needs_chromium
def test_the_maths_is_typeset_offline_in_chromium(out):
    url = (out / "feedback" / "dan" / f"{ASSIGNMENT}.html").as_uri()
    with offline_page(url, LOADING) as (tab, requests, refused, errors):
        tab.wait_for_function(
            "() => document.querySelectorAll('mjx-container svg').length > 20", timeout=LOADING
        )
        typeset = tab.evaluate("() => document.querySelectorAll('mjx-container').length")
        shown = tab.inner_text("body")
    assert typeset > 20, "lesson 2's formulas are MathJax's output"
    assert TEX not in shown, "no formula is left as raw TeX"
    # Bootstrap's CSS names its icon fonts beside it: local files, which the policy stops
    # (font-src is data: only) and the route would refuse.
    assert requests[0] == url and set(refused) <= set(requests[1:])
    for other in requests[1:]:
        assert other.startswith("file:"), "nothing leaves the machine"
        assert re.search(r"/fonts/glyphicons-[\w-]+\.\w+$", other), other
    stopped = [e for e in errors if "Content Security Policy" in e and "glyphicons" not in e]
    assert stopped == [], "the policy stopped nothing of the page's own (MathJax runs)"


# -- the formgrader's Generate Feedback: the course's own config -------------------------

PLANTED = "SECRET-HIDDEN-CASE-7f3a"


def test_nbgraders_generate_feedback_with_the_course_config_is_the_same_safe_page(out):
    """`nbgrader generate_feedback`, as the formgrader's button runs it, in OUT/course."""
    course = out / "course"
    notebook = course / "autograded" / "dan" / ASSIGNMENT / LESSON.notebook
    text = notebook.read_text()
    # A hidden test region and a traceback quoting it, as nbgrader's own hidden tests give.
    hidden = f"### BEGIN HIDDEN TESTS\\nassert '{PLANTED}'\\n### END HIDDEN TESTS\\n"
    planted = text.replace('check(\\"softmax\\")', f'check(\\"softmax\\")\\n{hidden}', 1)
    assert planted != text
    notebook.chmod(0o644)
    notebook.write_text(planted)
    nbgrader(course, "generate_feedback", ASSIGNMENT, "--student", "dan", "--force")
    result = (course / "feedback" / "dan" / ASSIGNMENT / f"{LESSON.slug}.html").read_text()
    assert PLANTED not in result and "HIDDEN TESTS" not in result
    assert '<a href="#softmax"><code>softmax</code></a>' in result
    assert checks(out)["dan", "softmax"]["message"] in visible_text(result)
    assert pages.offline_mathjax()[:2000] in result
    assert "cdn" not in without_images(result).lower()
    for path in ("/work", sys.prefix, "site-packages", str(out)):
        assert path not in result, path
