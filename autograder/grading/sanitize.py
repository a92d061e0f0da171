"""Student work shown to a person: neutralised data, never live code.

A submission's notebook reaches people in two pages: the formgrader, which renders the
autograded notebook in the instructor's authenticated Jupyter session, and the feedback
HTML. Both are built by nbconvert's templates, which insert markdown, raw cells and
``text/html``, ``image/svg+xml`` and ``application/javascript`` outputs as they are,
and some output metadata into attributes unescaped. So everything of the student's
passes through here first:

- :func:`clean` is an allow-list HTML sanitiser (``nh3``, the ammonia binding): no
  script, style, event handler, form, frame, id or class; links only to ``http``,
  ``https`` and ``mailto``; images only inline (``data:image/...``), so that nothing a
  student wrote makes the page send a request, least of all to the Jupyter API.
- :func:`markdown_to_html` replaces nbconvert's ``markdown2html`` filter: it renders
  with nbconvert's own renderer, then sanitises the HTML the browser will see. The
  stored markdown stays as the student wrote it, because a written answer is a grade
  cell whose checksum covers its source.
- :class:`Neutralise` rebuilds every output from an allow-list of MIME types and safe
  metadata; ``application/javascript`` becomes inert text, SVG an ``<img>`` (where a
  browser runs no script), HTML and markdown sanitised HTML. It runs when autograde
  writes the notebook and again whenever the formgrader or feedback renders one.
- :class:`CappedExecute` bounds a notebook's total output while it runs.
- :class:`FeedbackExporter` renders the feedback page with the course's template
  (:mod:`autograder.grading.feedback`) and adds a Content-Security-Policy to it, in case
  something were ever missed.
"""

import base64
import copy
import hashlib
import re
from pathlib import Path
from typing import Any, TypeGuard

import nbformat
import nbgrader
import nh3
from jinja2 import Environment, FileSystemLoader, PrefixLoader, pass_context
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.runtime import Context
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, default
from traitlets.config import Config

from autograder.grading.pages import TEMPLATE, TEMPLATES, offline_mathjax

# A notebook's outputs, all cells and MIME types together. The five lessons' solutions
# produce 0.54 MB at most (see SECURITY.md); 2 MB leaves room for a student's own plots.
MAX_OUTPUT_BYTES = 2 * 2**20
# What of an output past the cap still counts: an error or stderr decides the notebook's
# own score of a test cell, so it is kept, shortened to this many characters.
KEPT_CHARACTERS = 2000
TRUNCATED = (
    "[output truncated by the grader: this notebook's outputs passed {cap} MB; "
    "the rest of this cell's output was not kept]"
)

INLINE_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*\Z")
BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*\Z")
GRADE_ID = re.compile(r"[A-Za-z0-9_-]+\Z")  # every grade id of the course; nothing to escape
RASTER = ("image/png", "image/jpeg", "image/gif")  # shown as <img src="data:...">
TEXT = ("text/plain", "text/latex")  # the templates escape these
LANGUAGE = {"name": "python", "pygments_lexer": "ipython3"}


def keep_url(element: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: a `src` only inline, `data:` for nothing else."""
    if attribute == "src":
        return value if INLINE_IMAGE.match(value) else None
    if value.strip().lower().startswith("data:"):
        return None
    return value


def clean(html: str) -> str:
    """`html` with only inert content left: text, structure, links, inline images."""
    return nh3.clean(
        html,
        url_schemes={"http", "https", "mailto", "data"},
        url_relative="deny",  # /api/..., files/...: the Jupyter server's own URLs
        attribute_filter=keep_url,
    )


def render_markdown(source: str, attachments: dict[str, dict[str, str]] | None = None) -> str:
    """HTML of a markdown text, by nbconvert's own renderer; not yet sanitised."""
    renderer = IPythonRenderer(escape=False, attachments=attachments, exclude_anchor_links=True)
    return MarkdownWithMath(renderer=renderer).render(source)


@pass_context
def markdown_to_html(context: Context, source: str) -> str:
    """The ``markdown2html`` filter of the formgrader and feedback: rendered, then cleaned."""
    cell = context.get("cell", {})
    return clean(render_markdown(source, safe_attachments(cell.get("attachments"))))


def safe_attachments(attachments: dict[str, Any] | None) -> dict[str, dict[str, str]]:
    """A cell's attachments, raster images only; markdown embeds them as data: URLs."""
    kept = {}
    for name, bundle in (attachments or {}).items():
        images = {mime: data for mime, data in bundle.items() if mime in RASTER and is_base64(data)}
        if images and isinstance(name, str):
            kept[name] = images
    return kept


def is_base64(data: object) -> TypeGuard[str]:
    return isinstance(data, str) and BASE64.match(data) is not None


def as_text(value: object) -> str | None:
    """A MIME bundle's value as one string (nbformat allows a list of lines), or None."""
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "".join(value)
    return value if isinstance(value, str) else None


def neutral_bundle(data: dict[str, Any]) -> dict[str, str]:
    """A display's MIME bundle, reduced to what renders without running anything."""
    kept, removed = {}, []
    for mime, value in data.items():
        text = as_text(value)
        if text is None:
            removed.append(mime)
        elif mime in TEXT:
            kept[mime] = text
        elif mime in RASTER and is_base64(text):
            kept[mime] = text
        elif mime == "text/html":
            kept["text/html"] = clean(text)
        elif mime == "text/markdown":
            kept.setdefault("text/html", clean(render_markdown(text)))
        elif mime == "image/svg+xml":
            # An SVG shown as an image runs no script and loads nothing.
            svg = base64.b64encode(text.encode()).decode()
            kept.setdefault("text/html", f'<img src="data:image/svg+xml;base64,{svg}">')
        else:
            removed.append(mime)
    script = as_text(data.get("application/javascript"))
    if script is not None:  # its text, not its default repr, says what it would have done
        kept["text/plain"] = f"[JavaScript output, shown as text and not run]\n{script}"
    elif removed and "text/plain" not in kept:
        kept["text/plain"] = f"[output not shown: {', '.join(map(str, removed))}]"
    return kept


def image_sizes(metadata: dict[str, Any], data: dict[str, str]) -> dict[str, dict[str, int]]:
    """Output metadata: only integer widths and heights of the images kept."""
    sizes = {}
    for mime in RASTER:
        given = metadata.get(mime) if mime in data else None
        if isinstance(given, dict):
            size = {k: v for k, v in given.items() if k in ("width", "height") and is_count(v)}
            if size:
                sizes[mime] = size
    return sizes


def is_count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def neutral_output(output: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """One output rebuilt from its safe parts."""
    kind = output.get("output_type")
    if kind == "stream":
        name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
        return nbformat.v4.new_output("stream", name=name, text=as_text(output.get("text")) or "")
    if kind == "error":
        traceback = [line for line in output.get("traceback", []) if isinstance(line, str)]
        return nbformat.v4.new_output(
            "error",
            ename=str(output.get("ename", "")),
            evalue=str(output.get("evalue", "")),
            traceback=traceback,
        )
    if kind in ("display_data", "execute_result"):
        data = neutral_bundle(output.get("data") or {})
        rebuilt = nbformat.v4.new_output(
            kind, data=data, metadata=image_sizes(output.get("metadata") or {}, data)
        )
        if kind == "execute_result":
            rebuilt.execution_count = count_or_none(output.get("execution_count"))
        return rebuilt
    return nbformat.v4.new_output("stream", name="stdout", text="[an unknown output not shown]")


def count_or_none(value: object) -> int | None:
    return value if is_count(value) else None


def neutral_metadata(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Cell metadata: nbgrader's alone, and only with a grade id safe in an attribute."""
    grading = cell.metadata.get("nbgrader")
    if isinstance(grading, dict) and GRADE_ID.match(str(grading.get("grade_id", "x"))):
        return nbformat.NotebookNode(nbgrader=grading)
    return nbformat.NotebookNode()


def neutralise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Make a notebook safe to render, in place: outputs, raw cells, metadata, attachments.

    Sources of code and markdown cells are left as they are (a checksum covers them):
    code is escaped by the templates' highlighter, markdown by :func:`markdown_to_html`.
    """
    nb.metadata = nbformat.NotebookNode(
        {key: nb.metadata[key] for key in ("kernelspec",) if isinstance(nb.metadata.get(key), dict)}
    )
    nb.metadata.language_info = nbformat.NotebookNode(LANGUAGE)
    for cell in nb.cells:
        cell.metadata = neutral_metadata(cell)
        if "attachments" in cell:
            cell.attachments = safe_attachments(cell.attachments)
        if cell.cell_type == "raw":
            cell.source = clean(as_text(cell.source) or "")
        if cell.cell_type == "code":
            cell.outputs = [neutral_output(output) for output in cell.get("outputs", [])]
            cell.execution_count = count_or_none(cell.get("execution_count"))
    return nb


class Neutralise(Preprocessor):
    """nbconvert preprocessor: :func:`neutralise` before anything is written or rendered."""

    enabled = Bool(True, help="nbconvert's preprocessors are off unless enabled").tag(config=True)

    def preprocess(
        self, nb: nbformat.NotebookNode, resources: dict[str, Any]
    ) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
        return neutralise(nb), resources


# -- the cap on output, while the notebook runs ------------------------------------------

METERED = {"stream", "display_data", "execute_result", "update_display_data", "error"}


def size_of(value: object) -> int:
    """Characters in a message's content: its strings, however deeply nested."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(size_of(k) + size_of(v) for k, v in value.items())
    if isinstance(value, list):
        return sum(map(size_of, value))
    return 8


class CappedExecute(Execute):
    """nbgrader's Execute, keeping at most `max_output_bytes` of output per notebook.

    Every output message is counted as it arrives, display data and widget messages
    included, so the grader never holds more than the cap of one notebook's output
    (nbgrader itself caps only stream lines, after the run). Past the cap, an output is
    dropped and its cell gets one visible note; an error, or text on stderr, is kept
    shortened, because it decides the notebook's own score of a test cell.
    """

    max_output_bytes = Integer(MAX_OUTPUT_BYTES, help="output kept per notebook").tag(config=True)
    output_bytes: int  # counted so far in this notebook
    noted: set[tuple[int, str]]  # (cell index, "note" or message type) already kept past the cap

    def reset_execution_trackers(self) -> None:
        super().reset_execution_trackers()
        self.output_bytes, self.noted = 0, set()

    def process_message(
        self, msg: dict[str, Any], cell: nbformat.NotebookNode, cell_index: int
    ) -> nbformat.NotebookNode | None:
        kind = msg["msg_type"]
        if kind in METERED or kind.startswith("comm"):
            self.output_bytes += size_of(msg["content"]) + sum(map(len, msg.get("buffers") or []))
            if self.output_bytes > self.max_output_bytes:
                return self.over_cap(msg, cell, cell_index)
        return super().process_message(msg, cell, cell_index)

    def over_cap(
        self, msg: dict[str, Any], cell: nbformat.NotebookNode, cell_index: int
    ) -> nbformat.NotebookNode | None:
        """Past the cap: per cell, one note, one shortened error and one shortened stderr."""
        content, kind = msg["content"], msg["msg_type"]
        decides_score = kind == "error" or (kind == "stream" and content.get("name") == "stderr")
        if kind not in ("stream", "display_data", "execute_result", "error"):
            return None  # updates and widget messages: the last state kept is the one shown
        if (cell_index, "note") not in self.noted:
            self.noted.add((cell_index, "note"))
            note = TRUNCATED.format(cap=self.max_output_bytes // 2**20)
            cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=note + "\n"))
        if decides_score and (cell_index, kind) not in self.noted:
            self.noted.add((cell_index, kind))
            return super().process_message({**msg, "content": shorten(content)}, cell, cell_index)
        return None


def shorten(content: dict[str, Any]) -> dict[str, Any]:
    """An error's or a stream's content, cut to :data:`KEPT_CHARACTERS` characters."""
    cut = {**content, "traceback": ["[traceback not kept: past the cap on output]"]}
    for key in ("name", "text", "ename", "evalue"):
        cut[key] = str(content.get(key, ""))[:KEPT_CHARACTERS]
    return cut


# -- the feedback page's Content-Security-Policy -----------------------------------------

SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
NBGRADER_TEMPLATES = (
    Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"
)


class KeptBytecode(BytecodeCache):
    """Compiled templates, kept in memory for a worker's life: nbgrader makes a new
    exporter, and so a new Jinja environment, for every page. Jinja checks each kept
    template against its source's checksum before using it."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.kept:
            bucket.bytecode_from_string(self.kept[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = KeptBytecode()


class FeedbackExporter(HTMLExporter):
    """The feedback HTML: the course's template, with a Content-Security-Policy.

    Its template is always the course's (:mod:`autograder.grading.pages`), whatever the
    ``HTMLExporter`` configuration nbgrader sets: it extends nbgrader's feedback
    template (reached as ``nbgrader/feedback/index.html.j2``) and inlines an offline
    MathJax. The policy is defence in depth behind :class:`Neutralise`: the page may
    run the inline scripts its template writes (found by rendering an empty notebook,
    and allowed by hash), load images and fonts only inline, and connect nowhere.
    """

    def __init__(self, config: Config | None = None, **kw: Any) -> None:
        forced = Config()
        forced.FeedbackExporter.template_name = TEMPLATE
        forced.FeedbackExporter.extra_template_basedirs = [str(TEMPLATES), str(NBGRADER_TEMPLATES)]
        config = copy.deepcopy(config) if config is not None else Config()
        config.merge(forced)
        super().__init__(config=config, **kw)

    @default("extra_loaders")
    def _nbgrader_templates(self) -> list[PrefixLoader]:
        return [PrefixLoader({"nbgrader": FileSystemLoader(str(NBGRADER_TEMPLATES))})]

    def _create_environment(self) -> Environment:
        environment = super()._create_environment()
        environment.globals["offline_mathjax"] = offline_mathjax
        environment.bytecode_cache = COMPILED_TEMPLATES
        return environment

    # nbconvert's base Exporter declares a notebook returned; its HTML exporters return the
    # page's text and ignore the same mismatch.
    def from_notebook_node(  # type: ignore[override]
        self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        html, resources = super().from_notebook_node(nb, resources, **kw)
        blank = nbformat.v4.new_notebook(metadata=copy.deepcopy(nb.metadata))
        template_html, _ = super().from_notebook_node(blank, copy.deepcopy(resources), **kw)
        return with_policy(html, template_html), resources


def policy(trusted_html: str) -> str:
    """A page's Content-Security-Policy: only the inline scripts of `trusted_html` (the
    page's own, allowed by hash) run; images and fonts only inline; nothing is loaded."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in SCRIPT.findall(trusted_html)
        if body.strip()
    )
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
        "font-src data:; img-src data:; base-uri 'none'; form-action 'none'"
    )


def with_policy(page: str, trusted_html: str) -> str:
    """`page` with the :func:`policy` of `trusted_html` first in its head."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(trusted_html)}">'
    return page.replace("<head>", f"<head>\n{meta}", 1)
