"""``multi_head_viewer``: split d_model into heads, attend per head, concatenate, mix — as a diagram.

Chapter 8. Everything comes from :func:`explainer.examples.multi_head_example`
(d_model = 8 on "policy raises wages jobs"); the number of heads is one of
the divisors of d_model, and every choice is pre-rendered into the page
(``known``), so switching needs no runtime.

The output is a diagram drawn here as SVG (one column of stages, 320 units
wide, so it fits a phone's column at its own size): the d_model columns
split into heads, each head's own weights, the heads' outputs concatenated in
the same columns (each head's columns in its own colour and labelled), W_O,
and the mixed output. Then each head's weights as numbers, the two matrices
as tables, and the checks. The colours are ``--mh-1`` … ``--mh-8`` of
``assets/widgets/multi_head.css`` (Okabe–Ito based, one set per palette).
"""

from __future__ import annotations

from explainer.examples.multi_head import D_MODEL, MultiHeadExample, multi_head_example
from explainer.html import Element, h
from explainer.types import FloatArray
from explainer.widgets.base import EmbeddingsSource, Field, Output, State, WidgetError, WidgetSpec, reachable
from explainer.widgets.common import fixed, fmt, heatmap, matrix_table, plural, quote
from explainer.widgets.multi_head_svg import diagram, head_label, head_span

__all__ = ["HEAD_CHOICES", "SPEC"]

HEAD_CHOICES = tuple(str(n) for n in range(1, D_MODEL + 1) if D_MODEL % n == 0)


def _shape(m: FloatArray) -> str:
    """A matrix's shape as the page writes it, read from the array: ``4 × 8``."""
    return " × ".join(str(n) for n in m.shape)


def _agreement(difference: float) -> str:
    """How closely two computations agree, in words (floating point rarely gives exactly 0)."""
    return "exactly (largest difference 0)" if difference == 0 else f"to within {fmt(difference, 2)}"


def _check(ex: MultiHeadExample) -> str:
    text = (
        "The concatenation mixed by W_O matches the package's multi_head_attention "
        f"{_agreement(ex.package_difference)}."
    )
    if ex.n_heads == 1:
        text += (
            f" With one head it equals plain attention followed by W_O {_agreement(ex.one_head_difference)}."
        )
    return text


def _split_line(ex: MultiHeadExample) -> str:
    """How d_model is split: "2 heads of width d_k = 8 / 2 = 4; each …" (one head: no split)."""
    d_k = ex.d_model // ex.n_heads
    what = (
        "it uses the whole projections."
        if ex.n_heads == 1
        else "each attends on its own slice of the projections."
    )
    return f"{plural(ex.n_heads, 'head')} of width d_k = {ex.d_model} / {ex.n_heads} = {d_k}; {what}"


def _concat(n_heads: int) -> str:
    """``Concat(head₁, …, head_4)``, or ``Concat(head₁)`` for one head."""
    return "Concat(head₁)" if n_heads == 1 else f"Concat(head₁, …, head_{n_heads})"


def _head_maps(ex: MultiHeadExample) -> list[Element]:
    """One small heatmap per head, under a label in the head's colour that names its columns."""
    d_k = ex.d_model // ex.n_heads
    return [
        h(
            "div",
            {"class": f"explainer-head mh-h{i + 1}"},
            head_label(i, head_span(i, d_k)),
            heatmap(f"Head {i + 1} of {ex.n_heads} (d_k = {d_k})", ex.tokens, ex.tokens, ex.head_weights[i]),
        )
        for i in range(ex.n_heads)
    ]


def _row_text(values: FloatArray) -> str:
    return ", ".join(fixed(v, 2) for v in values.tolist())


def describe(ex: MultiHeadExample) -> str:
    """The diagram in words, with the numbers of its first row (its text description)."""
    d_k = ex.d_model // ex.n_heads
    spans = "; ".join(f"head {i + 1} {head_span(i, d_k)}" for i in range(ex.n_heads))
    first, n = ex.tokens[0], len(ex.tokens)
    return (
        f"Diagram, top to bottom. Split: Q, K and V ({_shape(ex.concatenated)} each) are cut into "
        f"{plural(ex.n_heads, 'group')} of {plural(d_k, 'column')} ({spans}). Attend: each head has its own "
        f"{n} × {n} weights (squares, area ∝ weight; the numbers "
        f"are below). Concatenate: each head's output fills its own columns again; the row of “{first}” is "
        f"{_row_text(ex.concatenated[0])}. Mix: W_O ({_shape(ex.w_o)}) gives every output column a share of "
        f"every head; the output row of “{first}” is {_row_text(ex.output[0])}."
    )


def _tables(ex: MultiHeadExample) -> Element:
    """The concatenation and the output as tables, in a disclosure the reader's choice keeps open."""
    cols = [f"d{j + 1}" for j in range(ex.d_model)]
    return h(
        "details",
        {"class": "mh-tables", "data-keep": "tables"},
        h("summary", None, "The two matrices as tables (3 significant digits)"),
        matrix_table(
            f"{_concat(ex.n_heads)}, shape {_shape(ex.concatenated)}", ex.concatenated, ex.tokens, cols
        ),
        matrix_table(f"Output = Concat(…) W_O, shape {_shape(ex.output)}", ex.output, ex.tokens, cols),
    )


def run(state: State, embeddings: EmbeddingsSource) -> Output:
    """The diagram of every stage, each head's weights, and the mixed output."""
    choice = str(state["n_heads"]).strip()
    if choice not in HEAD_CHOICES:
        raise WidgetError(
            f"{quote(choice)} heads is not possible: the number of heads must divide d_model = "
            f"{D_MODEL} ({', '.join(HEAD_CHOICES)})."
        )
    ex = multi_head_example(int(choice))
    body = (
        h("p", None, _split_line(ex)),
        h("figure", {"class": "mh-diagram"}, diagram(ex), h("figcaption", None, describe(ex))),
        h("div", {"class": "explainer-head-grid"}, _head_maps(ex)),
        _tables(ex),
        h("p", None, _check(ex)),
    )
    return Output(body)


SPEC = WidgetSpec(
    name="multi_head_viewer",
    title="Multi-head viewer",
    fields=(Field("n_heads", "Number of heads", "select", "2", options=tuple((n, n) for n in HEAD_CHOICES)),),
    run=run,
    needs_numpy_more=True,
    known=reachable,
    assets=("multi_head.css",),
)
