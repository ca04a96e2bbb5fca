"""``heatmap_explorer``: GloVe self-attention of a typed sentence, as a heatmap and as lines.

The weights come from :func:`explainer.examples.glove.glove_attention`
(Q = K = V = the raw GloVe vectors). Two views show them: a heatmap (colour,
the number and a square whose area is the weight) and, for sentences of up to
:data:`LINES_UP_TO` tokens, the lines view of BertViz's head view (queries left,
keys right, one line per pair whose width and opacity grow with the weight).
Pointing at or focusing a token (``heatmap_explorer.js``) isolates its lines and
highlights its row or column in both views.

Selecting a cell (hidden field ``cell``, ``"ROW,COL"``, counted from 0 like
``data-row``/``data-col``) shows how its weight is computed: the dot product,
the scaled score, the softmax numerator and denominator, and the weight. The
table of every product q_d × k_d is shown on request (hidden field ``terms``),
so the panel of every cell stays small enough for the page to ship it: the
cells of a short sentence's first toggles are known states (see
:func:`known_states`). The reader sees rows, columns and dimensions counted
from 1.

References:
    Vig, "A Multiscale Visualization of Attention in the Transformer Model" (BertViz), ACL 2019 demos.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from explainer.embeddings import tokenize
from explainer.html import Element, h
from explainer.types import FloatArray
from explainer.widgets.base import EmbeddingsSource, Field, Output, State, WidgetSpec, reachable
from explainer.widgets.colour import colour_legend
from explainer.widgets.common import fmt, heatmap, plural, row_sums_text
from explainer.widgets.glove_common import attend
from explainer.widgets.heatmap_lines import lines_view, words_view

if TYPE_CHECKING:
    from explainer.examples.glove import GloveAttention

__all__ = ["KNOWN_CELLS_UP_TO", "LINES_UP_TO", "SPEC", "cell_computation", "known_states", "parse_cell"]

DEFAULT_SENTENCE = "The king and queen ruled the kingdom"
EXP_LIMIT = 700.0  # e^x overflows a float64 just above x = 709
LINES_UP_TO = 12
"""Longest sentence (tokens) drawn as lines: 144 lines still read; longer ones show the heatmap alone."""
KNOWN_CELLS_UP_TO = 8
"""Longest sentence whose cells (for the page's first toggles) ship with the page as known states."""


def parse_cell(text: str, n: int) -> tuple[int, int] | None:
    """``"ROW,COL"`` as a pair of indices below ``n``; anything else is ``None``.

    Example:
        >>> parse_cell("2,3", 4), parse_cell("2,9", 4), parse_cell("x", 4)
        ((2, 3), None, None)
    """
    parts = text.split(",")
    if len(parts) != 2 or not all(p.strip().isascii() and p.strip().isdigit() for p in parts):
        return None
    row, col = int(parts[0]), int(parts[1])
    return (row, col) if row < n and col < n else None


def _terms(q: FloatArray, k: FloatArray, query: str, key: str, shown: bool) -> Element:
    """Every product q_d · k_d in a table (when ``shown``), or the button that asks for it."""
    d = q.shape[0]
    if not shown:
        ask = f"Show all {plural(d, 'product')} q_d × k_d"
        return h("button", {"type": "button", "class": "explainer-terms-toggle", "data-set": "terms=1"}, ask)
    products = q * k  # (d,)
    rows = (
        h(
            "tr",
            None,
            h("th", {"scope": "row"}, str(i + 1)),  # dimensions counted from 1, as the reader counts
            h("td", None, fmt(q[i])),
            h("td", None, fmt(k[i])),
            h("td", None, fmt(products[i])),
        )
        for i in range(d)
    )
    head = h(
        "tr", None, (h("th", {"scope": "col"}, t) for t in ("d", f"q ({query})", f"k ({key})", "q·k term"))
    )
    hide = h(
        "button", {"type": "button", "class": "explainer-terms-toggle", "data-set": "terms="}, "Hide them"
    )
    table = h("table", {"class": "explainer-matrix"}, h("thead", None, head), h("tbody", None, rows))
    return h("div", {"class": "explainer-terms"}, hide, h("div", {"class": "explainer-scroll"}, table))


def _softmax_steps(score: float, row_scores: FloatArray, query: str, weight: float) -> list[Element]:
    """Numerator, denominator and weight of one softmax entry; ``row_scores`` are the allowed ones."""
    top = float(np.max(row_scores))
    shift = top if top > EXP_LIMIT else 0.0  # e^s would overflow: show the max-shifted form instead
    power = "e^s" if shift == 0.0 else f"e^(s − {fmt(shift)})"
    numerator = math.exp(score - shift)
    denominator = float(np.sum(np.exp(row_scores - shift)))
    keys = f"over the {plural(row_scores.size, 'key')} {query} may attend to"
    return [
        h("li", None, f"Softmax numerator {power} = {fmt(numerator)}"),
        h("li", None, f"Denominator: the sum of {power} {keys} = {fmt(denominator)}"),
        h("li", None, f"Weight = {fmt(numerator)} ÷ {fmt(denominator)} = {fmt(weight, 6)}"),
    ]


def _factor(x: float) -> str:
    """A number inside a product: negatives in parentheses, so "+ (-0.6)×(-1.3)" reads clearly."""
    text = fmt(x, 3)
    return f"({text})" if text.startswith("-") else text


def _score_steps(r: GloveAttention, row: int, col: int) -> list[Element]:
    """The dot product (first terms and total) and the scaled score."""
    q, k = r.vectors[row], r.vectors[col]  # (d,), (d,)
    d = q.shape[0]
    first = " + ".join(f"{_factor(q[i])}×{_factor(k[i])}" for i in range(min(3, d)))
    total = fmt(float(np.sum(q * k)))
    scale_text = f"÷ √{d}" if r.scaled else "(unscaled)"
    raw, score = fmt(float(r.raw_scores[row, col])), fmt(float(r.scaled_scores[row, col]))
    return [
        h("li", None, f"Dot product q·k = {first} + … ({d} terms) = {total}"),
        h("li", None, f"Scaled score s = {raw} {scale_text} = {score}"),
    ]


def cell_computation(r: GloveAttention, row: int, col: int, terms: bool = False) -> Element:
    """The computation of one weight ``r.weights[row, col]``, step by step; ``terms``: every product too."""
    query, key = r.tokens[row], r.tokens[col]
    weight = float(r.weights[row, col])
    steps = _score_steps(r, row, col)
    allowed = r.mask[row]  # (n,)
    if not allowed[col]:
        masked = "This pair is masked: its score becomes −∞ before the softmax, so the weight is exactly 0."
        steps.append(h("li", None, masked))
    else:
        steps += _softmax_steps(
            float(r.scaled_scores[row, col]), r.scaled_scores[row][allowed], query, weight
        )
    title = h(
        "p",
        {"class": "explainer-cell-title"},
        f"How “{query}” (row {row + 1}) attends to “{key}” (column {col + 1}): weight {fmt(weight, 6)}",
    )
    return h(
        "section",
        {"class": "explainer-computation", "aria-label": "Computation of the selected weight"},
        title,
        h("ol", None, steps),
        _terms(r.vectors[row], r.vectors[col], query, key, terms),
    )


def _views(r: GloveAttention, labels: list[str], cell: tuple[int, int] | None) -> Element:
    """The heatmap and, for short sentences, the lines view, side by side where they fit."""
    n = len(labels)
    sums = row_sums_text(r.tokens, np.flatnonzero(r.fully_masked).tolist())
    caption = f"Attention weights of {plural(n, 'token')}: row = query, column = key; {sums}."
    table = heatmap(caption, labels, labels, r.weights, r.mask, cell, selectable=True, colour=True)
    if n > LINES_UP_TO:
        note = f"The lines view draws sentences of up to {LINES_UP_TO} tokens; this one has {n}."
        return h("div", {"class": "hx-views"}, table, h("p", {"class": "explainer-hint"}, note))
    return h("div", {"class": "hx-views"}, table, lines_view(labels, r.weights, r.mask))


def run(state: State, embeddings: EmbeddingsSource) -> Output:
    """Attention of ``state["sentence"]``: both views, the selected cell's computation, the words."""
    att = attend(
        str(state["sentence"]),
        embeddings,
        no_self=state["no_self"] is True,
        causal=state["causal"] is True,
        scaled=state["scale"] is True,
    )
    r = att.result
    n = len(r.tokens)
    cell = parse_cell(str(state["cell"]), n)
    labels = [f"{t} ({i + 1})" if r.tokens.count(t) > 1 else t for i, t in enumerate(r.tokens)]
    body: list[Element | str] = [_views(r, labels, cell), colour_legend()]
    if r.fully_masked.any():
        empty = ", ".join(labels[i] for i in np.flatnonzero(r.fully_masked))
        body.append(
            h(
                "p",
                {"class": "explainer-message explainer-message--note"},
                f"No key is allowed for {empty}: its weights are all 0 (see the Masks chapter).",
            )
        )
    terms = cell is not None and state["terms"] == "1"
    if cell is None:
        body.append(h("p", {"class": "explainer-hint"}, "Select a cell to see how its weight is computed."))
    else:
        body.append(cell_computation(r, *cell, terms=terms))
    body.append(words_view(labels, r.weights, r.mask))
    fixed = {"cell": "" if cell is None else f"{cell[0]},{cell[1]}", "terms": "1" if terms else ""}
    return Output((h("div", {"class": "hx"}, body),), att.note, fixed)


def known_states(spec: WidgetSpec, state: State) -> list[State]:
    """The toggles' combinations, and every cell of the page's own toggles for a short sentence.

    A reader reaches each of them with a click and no typing. Cells are listed for sentences of
    up to :data:`KNOWN_CELLS_UP_TO` tokens (counted before unknown words are dropped), which keeps
    a page's known states within its budget; the products table (``terms``) is never known.
    """
    states = reachable(spec, {**state, "terms": ""})
    n = len(tokenize(str(state["sentence"])))
    if n <= KNOWN_CELLS_UP_TO:
        states += [{**state, "cell": f"{i},{j}", "terms": ""} for i in range(n) for j in range(n)]
    return states


SPEC = WidgetSpec(
    name="heatmap_explorer",
    title="Attention heatmap explorer",
    fields=(
        Field("sentence", "Sentence", "text", DEFAULT_SENTENCE),
        Field("no_self", "No self-attention (a token may not attend to itself)", "checkbox", False),
        Field("causal", "Causal (a token sees only itself and earlier tokens)", "checkbox", False),
        Field("scale", "Divide scores by √d", "checkbox", True),
        Field("cell", "Selected cell", "hidden", ""),
        Field("terms", "Show every product of the selected cell", "hidden", ""),
    ),
    run=run,
    known=known_states,
    loading="Loading Python and the GloVe word vectors for your sentence",
    assets=("heatmap_explorer.css", "heatmap_explorer.js"),
)
