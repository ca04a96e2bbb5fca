"""``code_runner``: run NumPy example code in the page and show what it prints and draws.

:func:`execute` runs the code with its output captured; if the code made
matplotlib figures, each becomes an inline SVG image. A Python error is shown
as Python reports it (the lines of the reader's code only), never as a crash
of the widget.

:func:`highlighted` is the code as the page shows it before the reader edits:
line numbers and tokens with Pygments' class names, so Material's code colours
apply. The editor (CodeMirror, ``assets/widgets/code_runner.js``) replaces it
on the reader's first focus and gives its tokens the same classes.

**This executes arbitrary code.** In the browser it runs in the reader's own
Pyodide worker on code the reader typed; at build time only the page's own
default code runs. Never call it on untrusted input on a server.
"""

from __future__ import annotations

import base64
import contextlib
import io
import keyword
import logging
import os
import re
import sys
import tokenize
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from explainer.html import Element, h
from explainer.widgets.base import EmbeddingsSource, Field, Output, State, WidgetSpec

__all__ = ["DEFAULT_CODE", "SPEC", "Execution", "execute", "highlighted"]

FILENAME = "<your code>"
MAX_OUTPUT = 20_000  # characters of printed output kept
MATPLOTLIB_NOTES = (
    "FigureCanvasAgg is non-interactive",  # plt.show() in a page: the figures are shown below the output
    "Matplotlib is building the font cache",  # matplotlib's one-off note the first time it starts
)
"""Beginnings of matplotlib's own messages, which are not the reader's doing: left out of the output."""
DEFAULT_CODE = """\
import numpy as np
from explainer.attention import scaled_dot_product_attention

def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))  # subtract the row max: no overflow
    return e / e.sum(axis=-1, keepdims=True)

rng = np.random.default_rng(0)
x = rng.normal(size=(3, 4))                # 3 tokens, d_model = 4
w_q, w_k, w_v = rng.normal(size=(3, 4, 4)) / 2
q, k, v = x @ w_q, x @ w_k, x @ w_v        # (3, 4) each
scores = q @ k.T / np.sqrt(4)              # (3, 3)
weights = softmax(scores)                  # each row sums to 1
print(np.round(weights, 3))
print("output shape:", (weights @ v).shape)

_, package_weights = scaled_dot_product_attention(q, k, v)
print("same as the package:", np.allclose(weights, package_weights))
"""


@dataclass(frozen=True)
class Execution:
    """What running the code produced.

    Attributes:
        output: everything printed (stdout, stderr and warnings), possibly shortened.
        figures: SVG documents of the figures the code made.
        error: the Python error as text (user frames only), or ``None``.
        summary: a one-line description of the error, or ``None``.
    """

    output: str
    figures: tuple[bytes, ...]
    error: str | None
    summary: str | None


def _format_error(error: BaseException, source: list[str]) -> tuple[str, str]:
    """Traceback restricted to the reader's code, and a one-line summary."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == FILENAME]
    lines = ["Traceback (most recent call last):"] if frames else []
    for frame in frames:
        number = frame.lineno or 0
        text = source[number - 1].strip() if 0 < number <= len(source) else ""
        lines.append(f"  line {number}, in {frame.name}: {text}")
    if isinstance(error, SyntaxError) and error.filename == FILENAME:
        lines.append(f"  line {error.lineno}: {(error.text or '').strip()}")
    lines.extend(traceback.format_exception_only(type(error), error)[-1:])
    where = frames[-1].lineno if frames else getattr(error, "lineno", None)
    summary = f"Your code raised {type(error).__name__}: {error}" + (f" (line {where})." if where else ".")
    return "\n".join(line.rstrip("\n") for line in lines), summary


def _figures(namespace: dict[str, Any]) -> tuple[bytes, ...]:
    """SVGs of the open pyplot figures and of Figure objects left in the namespace (then closed)."""
    found: list[Any] = []
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        found += [pyplot.figure(num) for num in pyplot.get_fignums()]
    figure_module = sys.modules.get("matplotlib.figure")
    if figure_module is not None:
        found += [v for v in namespace.values() if isinstance(v, figure_module.Figure)]
    unique = list({id(f): f for f in found}.values())
    images = []
    for fig in unique:
        buffer = io.BytesIO()
        import matplotlib

        with matplotlib.rc_context({"svg.hashsalt": "explainer"}):
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        images.append(buffer.getvalue())
    if pyplot is not None:
        pyplot.close("all")
    return tuple(images)


@contextlib.contextmanager
def _without_matplotlib_notes() -> Iterator[None]:
    """Drop :data:`MATPLOTLIB_NOTES`, as warnings or as log records; the reader's own warnings stay.

    Must run inside ``warnings.catch_warnings()``, which restores the filters afterwards.
    """
    for text in MATPLOTLIB_NOTES:
        warnings.filterwarnings("ignore", message=re.escape(text), category=UserWarning)

    def keep(record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(MATPLOTLIB_NOTES)

    logger = logging.getLogger("matplotlib.font_manager")  # the font cache note is logged, not warned
    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


def execute(code: str) -> Execution:
    """Run ``code`` as a script with its output captured.

    Sets ``MPLBACKEND=agg`` (if unset) first, so pyplot never needs a screen or
    a DOM (a Web Worker has neither).

    Args:
        code: Python source.

    Returns:
        The printed output, the figures and the error (if any).
    """
    os.environ.setdefault("MPLBACKEND", "agg")
    buffer = io.StringIO()
    namespace: dict[str, Any] = {"__name__": "__main__"}
    error: BaseException | None = None
    with (
        warnings.catch_warnings(record=True) as caught,
        contextlib.redirect_stdout(buffer),
        contextlib.redirect_stderr(buffer),
    ):
        warnings.simplefilter("default")
        with _without_matplotlib_notes():
            try:
                exec(compile(code, FILENAME, "exec"), namespace)
            except BaseException as exc:  # SystemExit, KeyboardInterrupt too: the page must survive exit()
                error = exc
    output = buffer.getvalue() + "".join(f"{w.category.__name__}: {w.message}\n" for w in caught)
    if len(output) > MAX_OUTPUT:
        output = output[:MAX_OUTPUT] + f"\n… (output shortened to its first {MAX_OUTPUT:,} characters)"
    figures = _figures(namespace)
    if error is None:
        return Execution(output, figures, None, None)
    text, summary = _format_error(error, code.splitlines())
    return Execution(output, figures, text, summary)


def _image(svg: bytes, number: int) -> Element:
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return h(
        "figure",
        {"class": "explainer-run-figure"},
        h("img", {"src": uri, "alt": f"Figure {number} drawn by the code above"}),
        h("figcaption", None, f"Figure {number}"),
    )


def run(state: State, embeddings: EmbeddingsSource) -> Output:
    """Run the code in ``state["code"]``."""
    code = str(state["code"])
    if not code.strip():
        return Output((), "The code box is empty: type some Python, then run it.")
    result = execute(code)
    body: list[Element | str] = []
    if result.output:
        body.append(h("pre", {"class": "explainer-stdout", "aria-label": "Printed output"}, result.output))
    elif result.error is None and not result.figures:
        body.append(h("p", {"class": "explainer-hint"}, "The code ran and printed nothing."))
    body += [_image(svg, i + 1) for i, svg in enumerate(result.figures)]
    if result.error is not None:
        body.append(h("pre", {"class": "explainer-traceback", "aria-label": "Python error"}, result.error))
    return Output(tuple(body), result.summary)


_TOKEN_CLASSES = {
    tokenize.NUMBER: "mi",
    tokenize.STRING: "s2",
    tokenize.COMMENT: "c1",
    **{
        getattr(tokenize, n): "s2"
        for n in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
        if hasattr(tokenize, n)
    },
}
"""Pygments' short class for each kind of token that is not a name or an operator."""
_WORD_CLASSES = {"and": "ow", "or": "ow", "not": "ow", "in": "ow", "is": "ow", "del": "ow"}
_WORD_CLASSES |= {"True": "kc", "False": "kc", "None": "kc"}
_PUNCTUATION = frozenset("()[]{},;")


def _token_class(token: tokenize.TokenInfo, previous: str) -> str | None:
    """Pygments' class for a token, as the editor's Lezer parser tags it (see code_editor_entry.js)."""
    text = token.string
    if token.type == tokenize.NAME:
        if text in _WORD_CLASSES:
            return _WORD_CLASSES[text]
        return "k" if keyword.iskeyword(text) else {"def": "nf", "class": "nc"}.get(previous, "n")
    if token.type == tokenize.OP:
        return None if text == ":" else "p" if text in _PUNCTUATION else "o"
    return _TOKEN_CLASSES.get(token.type)


def _tokens(code: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, class)`` character ranges of the highlighted tokens; stops quietly at broken code."""
    starts = [0]  # where each line begins (tokenize counts lines split at "\n" only, as here)
    for line in code.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    previous = ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            css = _token_class(token, previous)
            if css and token.string:
                (row, col), (end_row, end_col) = token.start, token.end
                yield starts[row - 1] + col, starts[end_row - 1] + end_col, css
            previous = token.string
    except (tokenize.TokenError, SyntaxError):  # an unfinished string or bracket: the rest stays plain
        return


def highlighted(code: str) -> Element:
    """The code as highlighted, read-only text with line numbers (hidden from assistive technology,
    which reads the form's textarea instead).

    Example:
        >>> html = highlighted("x = 1").html
        >>> html[html.index("explainer-code-text") + 21 :]
        '<span class="n">x</span> <span class="o">=</span> <span class="mi">1</span></span></span>'
    """
    code = code.replace("\r\n", "\n")
    parts: list[Element | str] = []
    done = 0
    for start, end, css in _tokens(code):
        parts += [code[done:start], h("span", {"class": css}, code[start:end])]
        done = end
    parts.append(code[done:])
    lines = "\n".join(str(n) for n in range(1, code.count("\n") + 2))
    return h(
        "span",
        {"class": "explainer-code-view highlight", "aria-hidden": "true"},
        h("span", {"class": "explainer-code-gutter"}, lines),
        h("span", {"class": "explainer-code-text"}, parts),
    )


SPEC = WidgetSpec(
    name="code_runner",
    title="Run the NumPy code",
    fields=(
        Field(
            "code",
            "Python code (NumPy; matplotlib works too)",
            "textarea",
            DEFAULT_CODE,
            hint="Tab indents; Esc then Tab moves on; Ctrl+Enter (⌘+Enter) runs.",
            rows=18,
        ),
    ),
    run=run,
    submit_label="Run",
    loading="Loading Python and NumPy to run your code",
    needs_numpy_more=True,
    assets=("code_runner.css", "code_runner.js"),
)
