"""``heatmap_explorer``: GloVe self-attention of a typed sentence, cell by cell.

The weights come from :func:`explainer.examples.glove.glove_attention`
(Q = K = V = the raw GloVe vectors). Selecting a cell (hidden field ``cell``,
``"ROW,COL"``, counted from 0 like ``data-row``/``data-col``) shows how its
weight is computed: the dot-product terms, the scaled score, the softmax
numerator and denominator, and the weight. The reader sees rows, columns and
dimensions counted from 1. The two ``<details>`` carry ``data-keep``, so a
reader's open or closed choice survives the next computation.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from explainer.html import Element, h
from explainer.types import FloatArray
from explainer.widgets.base import EmbeddingsSource, Field, Output, State, WidgetSpec, reachable
from explainer.widgets.common import bars, fmt, heatmap, plural, row_sums_text
from explainer.widgets.glove_common import attend

if TYPE_CHECKING:
    from explainer.examples.glove import GloveAttention

__all__ = ["SPEC", "cell_computation", "parse_cell"]

DEFAULT_SENTENCE = "The king and queen ruled the kingdom"
TOP_KEYS = 3  # keys listed per token in the bar view
EXP_LIMIT = 700.0  # e^x overflows a float64 just above x = 709
OPEN_BARS_UP_TO = 10  # longer sentences show the bar view collapsed, so the page stays short


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


def _terms_table(q: FloatArray, k: FloatArray, query: str, key: str) -> Element:
    """Every product q_d · k_d in a collapsed table."""
    products = q * k  # (d,)
    rows = (
        h(
            "tr",
            None,
            h("th", {"scope": "row"}, str(d + 1)),  # dimensions counted from 1, as the reader counts
            h("td", None, fmt(q[d])),
            h("td", None, fmt(k[d])),
            h("td", None, fmt(products[d])),
        )
        for d in range(q.shape[0])
    )
    head = h(
        "tr", None, (h("th", {"scope": "col"}, t) for t in ("d", f"q ({query})", f"k ({key})", "q·k term"))
    )
    return h(
        "details",
        {"class": "explainer-terms", "data-keep": "terms"},
        h("summary", None, f"All {plural(q.shape[0], 'product')} q_d × k_d"),
        h(
            "div",
            {"class": "explainer-scroll"},
            h("table", {"class": "explainer-matrix"}, h("thead", None, head), h("tbody", None, rows)),
        ),
    )


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


def cell_computation(r: GloveAttention, row: int, col: int) -> Element:
    """The computation of one weight ``r.weights[row, col]``, step by step."""
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
        _terms_table(r.vectors[row], r.vectors[col], query, key),
    )


def _token_bars(r: GloveAttention) -> Element:
    """For each token, its largest weights as bars."""
    items = []
    for i, token in enumerate(r.tokens):
        allowed = np.flatnonzero(r.mask[i])  # (n_allowed,)
        if allowed.size == 0:
            items.append(h("li", None, h("p", None, f"{token}: may attend to nothing (all weights 0)")))
            continue
        order = allowed[np.argsort(-r.weights[i, allowed], kind="stable")][:TOP_KEYS]
        labels = [f"{r.tokens[j]} ({j + 1})" for j in order]
        items.append(h("li", None, bars(f"{token} ({i + 1}) attends most to", labels, r.weights[i, order])))
    return h(
        "details",
        {"class": "explainer-token-bars", "data-keep": "bars", "open": len(r.tokens) <= OPEN_BARS_UP_TO},
        h("summary", None, "Per-token bars: each token's largest weights"),
        h("ol", None, items),
    )


def run(state: State, embeddings: EmbeddingsSource) -> Output:
    """Attention of ``state["sentence"]``, its heatmap and the selected cell."""
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
    sums = row_sums_text(r.tokens, np.flatnonzero(r.fully_masked).tolist())
    caption = f"Attention weights of {plural(n, 'token')}: row = query, column = key; {sums}."
    body: list[Element | str] = [heatmap(caption, labels, labels, r.weights, r.mask, cell, selectable=True)]
    if r.fully_masked.any():
        empty = ", ".join(labels[i] for i in np.flatnonzero(r.fully_masked))
        body.append(
            h(
                "p",
                {"class": "explainer-message explainer-message--note"},
                f"No key is allowed for {empty}: its weights are all 0 (see the Masks chapter).",
            )
        )
    if cell is None:
        body.append(h("p", {"class": "explainer-hint"}, "Select a cell to see how its weight is computed."))
    else:
        body.append(cell_computation(r, *cell))
    body.append(_token_bars(r))
    return Output(tuple(body), att.note, {"cell": "" if cell is None else f"{cell[0]},{cell[1]}"})


SPEC = WidgetSpec(
    name="heatmap_explorer",
    title="Attention heatmap explorer",
    fields=(
        Field("sentence", "Sentence", "text", DEFAULT_SENTENCE),
        Field("no_self", "No self-attention (a token may not attend to itself)", "checkbox", False),
        Field("causal", "Causal (a token sees only itself and earlier tokens)", "checkbox", False),
        Field("scale", "Divide scores by √d", "checkbox", True),
        Field("cell", "Selected cell", "hidden", ""),
    ),
    run=run,
    needs_embeddings=True,
    known=reachable,
    loading="Loading Python and the GloVe word vectors for your sentence",
)
