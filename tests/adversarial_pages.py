"""The corpus's script and floods in what a person opens: the formgrader and the
feedback (tests/adversarial.py; the browser test is tests/test_pages.py)."""

from adversarial_kit import (
    Case,
    both,
    grade_cell,
    notebook_edit,
)

# -- issue 11: script and floods in what a person opens ---------------------------------
# What a student's script would do in the instructor's page: set a flag, then use the
# instructor's session (its _xsrf cookie) to write files through the Jupyter API, by
# fetch and by XHR. The browser test (tests/test_pages.py) opens these submissions'
# formgrader and feedback pages and watches for both.
PAYLOAD = (
    "window.PWNED = 1; localStorage.setItem('pwned', '1');"
    "var t = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1];"
    "var h = {'Content-Type': 'application/json', 'X-XSRFToken': t};"
    "var b = JSON.stringify({type: 'file', format: 'text', content: 'pwned'});"
    "fetch('/api/contents/pwned-fetch.txt', {method: 'PUT', headers: h, body: b});"
    "var x = new XMLHttpRequest(); x.open('PUT', '/api/contents/pwned-xhr.txt');"
    "x.setRequestHeader('X-XSRFToken', t); x.send(b);"
)
SCRIPT_TAG = f"<script>{PAYLOAD}</script>"
HANDLERS = (
    f'<img src="x" onerror="{PAYLOAD}">'
    f'<svg onload="{PAYLOAD}"></svg>'
    f'<a href="javascript:{PAYLOAD}">click</a>'
    '<img src="/api/contents/pwned-img.txt">'
    f'<iframe srcdoc="{SCRIPT_TAG.replace(chr(34), "&quot;")}"></iframe>'
)
SVG = f'<svg xmlns="http://www.w3.org/2000/svg" onload="{PAYLOAD}"><script>{PAYLOAD}</script></svg>'
ONE_PIXEL = (  # a 1x1 PNG, base64
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAD"
    "hgGAWjR9awAAAABJRU5ErkJggg=="
)
FLOOD_MB = 160
FLOOD = f"for _ in range({FLOOD_MB}):\n    display({{'text/plain': 'x' * 2**20}}, raw=True)\n"


def adding_cells(*cells):
    """A notebook edit that inserts `cells` (type, source) after the set-up cell."""

    def edit(notebook):
        new = [
            {"cell_type": kind, "id": f"added-{i}", "metadata": {}, "source": source}
            for i, (kind, source) in enumerate(cells)
        ]
        for cell in new:
            if cell["cell_type"] == "code":
                cell.update(outputs=[], execution_count=None)
        notebook["cells"][2:2] = new

    return notebook_edit(edit)


def answering(text):
    """A notebook edit that writes `text` as the written answer (a hand-graded cell)."""

    def edit(notebook):
        grade_cell(notebook, "answer-sigmoid-or-softmax")["source"] = text

    return notebook_edit(edit)


def displaying(expression):
    """A code cell that displays what `expression` builds, after IPython.display's import."""
    return ("code", f"from IPython.display import *\ndisplay({expression})\n")


PAGE_CASES = [
    Case(
        "script-in-markdown",
        "a <script> in a markdown cell and in the written answer",
        both(
            adding_cells(("markdown", f"Some notes.\n\n{SCRIPT_TAG}\n")),
            answering(f"Independent sigmoids for multi-label problems.\n\n{SCRIPT_TAG}\n"),
        ),
    ),
    Case(
        "event-handlers-in-markdown",
        "<img onerror>, <svg onload>, a javascript: link, an API image and an iframe in markdown",
        both(
            adding_cells(("markdown", f"A figure: {HANDLERS}\n")),
            answering(f"Softmax for one class among many. {HANDLERS}\n"),
        ),
    ),
    Case(
        "html-output-script",
        "a text/html output holding a <script> and event handlers",
        adding_cells(displaying(f"HTML({SCRIPT_TAG + HANDLERS!r})")),
    ),
    Case(
        "javascript-output",
        "a Javascript output (application/javascript)",
        adding_cells(displaying(f"Javascript({PAYLOAD!r})")),
    ),
    Case(
        "svg-output-script",
        "an image/svg+xml output holding a <script> and an onload handler",
        adding_cells(displaying(f"{{'image/svg+xml': {SVG!r}}}, raw=True")),
    ),
    Case(
        "output-metadata-injection",
        "a PNG whose width metadata carries an onerror handler, and a filename on the API",
        adding_cells(
            displaying(
                f"{{'image/png': {ONE_PIXEL!r}}}, raw=True, metadata={{'image/png': "
                "{'width': '1 onerror=window.PWNED=1'}, "
                "'filenames': {'image/png': '/api/contents/pwned-file.png'}}"
            )
        ),
    ),
    Case(
        "display-flood",
        f"{FLOOD_MB} MB of display_data, 1 MB at a time, before the graded cells",
        adding_cells(("code", FLOOD)),
    ),
]
