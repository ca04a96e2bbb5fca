"""The views of :mod:`explainer.widgets.minilm_live` below its grid: one head enlarged, one weight explained.

- :func:`enlarged`: the chosen head's weights as a heatmap and, in a disclosure,
  as lines (BertViz's head view, drawn by :mod:`explainer.widgets.heatmap_lines`).
- :func:`cell_view`: that head's real computation of one weight.
- :func:`link_heads`: the heads that carry one link most, by Kobayashi et al.'s
  norm ``‖α_ij f_h(x_j)‖`` (:func:`explainer.examples.trained_live.link_contributions`).
- :func:`switch`, :func:`heads_switch` and :func:`ablation_view`: heads switched
  off, and how far that moves the outputs.
- :func:`rollout_view`: attention rollout from one token back to the input.

Every view is pure: the encoding in, HTML out.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from explainer.html import Element, h
from explainer.widgets.common import bars, fixed, fmt, heatmap, plural, table
from explainer.widgets.heatmap_lines import lines_view

if TYPE_CHECKING:
    from explainer.minilm import Encoding, MiniLM

__all__ = [
    "ablation_view",
    "cell_view",
    "enlarged",
    "heads_switch",
    "labels",
    "link_heads",
    "off_text",
    "rollout_view",
    "switch",
]

TOP_HEADS = 5
"""How many heads :func:`link_heads` lists for a chosen link."""


def off_text(off: tuple[tuple[int, int], ...]) -> str:
    return ",".join(f"{layer}-{head}" for layer, head in off)


def cell_view(model: MiniLM, enc: Encoding, chosen: tuple[int, int], cell: tuple[int, int]) -> Element:
    """That head's real computation of one weight: query, key, products, score, ÷√d_k, softmax."""
    from explainer.examples.trained_live import cell_computation

    row, col = cell
    c = cell_computation(model, enc, chosen[0] - 1, chosen[1] - 1, row, col)
    d_k = c.q.shape[0]
    query, key = enc.tokens[row], enc.tokens[col]
    terms = (
        h(
            "tr",
            None,
            h("th", {"scope": "row"}, str(d + 1)),
            h("td", None, fixed(c.q[d], 3)),
            h("td", None, fixed(c.k[d], 3)),
            h("td", None, fixed(c.products[d], 3)),
        )
        for d in range(d_k)
    )
    products = table(
        f"The {d_k} numbers of the query ({query}) and key ({key}), biases included, and their products",
        "explainer-matrix",
        ["d", f"q ({query})", f"k ({key})", "q·k term"],
        terms,
    )
    steps = h(
        "p",
        {"class": "ml-steps"},
        f"score = sum of the products = {fmt(c.score)}; ÷ √{d_k} = {fmt(c.score / math.sqrt(d_k))}; "
        f"softmax over the row of {query}: weight {fmt(float(c.weights_row[col]))}.",
    )
    softmax = bars(
        f"Softmax over the row of {query} (scores ÷ √{d_k} turned into weights)",
        list(enc.tokens),
        c.weights_row,
    )
    return h(
        "section",
        {"class": "ml-cell"},
        h("h4", None, f"How L{chosen[0]} H{chosen[1]} weighs {query} → {key}"),
        products,
        steps,
        softmax,
    )


def labels(tokens: tuple[str, ...]) -> list[str]:
    """Token labels with the position added to repeated ones, so every button has its own name."""
    return [f"{t} ({i + 1})" if tokens.count(t) > 1 else t for i, t in enumerate(tokens)]


def enlarged(enc: Encoding, chosen: tuple[int, int], cell: tuple[int, int] | None) -> Element:
    """The chosen head as a heatmap and, in a disclosure kept open or closed by the loader, as lines."""
    weights = enc.attentions[chosen[0] - 1, chosen[1] - 1]  # (n, n)
    big = heatmap(
        f"Layer {chosen[0]}, head {chosen[1]}: each row is one query token's weights; "
        "choose a cell to see how it is computed",
        enc.tokens,
        enc.tokens,
        weights,
        selected=cell,
        selectable=True,
    )
    lines = h(
        "details",
        {"class": "ml-lines", "data-keep": "lines"},
        h("summary", None, f"L{chosen[0]} H{chosen[1]} as lines (BertViz's head view)"),
        h("div", {"class": "hx-views"}, lines_view(labels(enc.tokens), weights, True)),
    )
    return h("div", {"class": "hx ml-enlarged"}, big, lines)


def link_heads(
    model: MiniLM, enc: Encoding, cell: tuple[int, int], off: tuple[tuple[int, int], ...]
) -> Element:
    """The heads that add the most to ``cell``'s link, by ``‖α f(x)‖``, and a switch for all of them."""
    from explainer.examples.trained_live import link_contributions, top_link_heads

    row, col = cell
    query, key = enc.tokens[row], enc.tokens[col]
    weights = enc.attentions[:, :, row, col]  # (layers, heads)
    top = top_link_heads(weights, link_contributions(model, enc, row, col), TOP_HEADS)
    total = weights.size
    rows = (
        h(
            "tr",
            None,
            h("td", None, str(rank)),
            h(
                "td",
                None,
                h(
                    "button",
                    {
                        "type": "button",
                        "class": "ml-switch",
                        "data-set": f"layer={t.layer}&head={t.head}",
                        "aria-label": f"Enlarge layer {t.layer}, head {t.head}",
                    },
                    f"L{t.layer} H{t.head}",
                ),
            ),
            h("td", None, fixed(t.norm, 3)),
            h("td", None, fixed(t.weight, 3)),
            h("td", None, f"{t.weight_rank} of {total}"),
        )
        for rank, t in enumerate(top, start=1)
    )
    heads = tuple(sorted((t.layer, t.head) for t in top))
    ranked = table(
        f"The {plural(len(top), 'head')} adding most to {query} through {key}, of all {total}",
        "explainer-matrix ml-top",
        ["rank", "head", "‖α\u00a0f(x)‖", "weight\u00a0α", "rank by weight"],
        rows,
    )
    largest = np.argsort(-weights, axis=None, kind="stable")[: len(top)]  # flat indices, by weight alone
    by_weight = tuple(
        sorted((int(i) // weights.shape[1] + 1, int(i) % weights.shape[1] + 1) for i in largest)
    )
    switches = [heads_switch(f"these {len(heads)} heads", heads, off)]
    if by_weight != heads:  # the test of weight against weight × norm: ablate either set
        switches.append(heads_switch(f"the {len(by_weight)} with the largest weights", by_weight, off))
    return h(
        "section",
        {"class": "ml-link"},
        h("h4", None, f"Which heads carry {query} → {key} most"),
        h(
            "p",
            None,
            f"Through this link each head adds α f(x) to the output of {query}: the weight times the value "
            f"of {key} sent through that head's share of the output projection. Ranked by the length of "
            "that vector (Kobayashi et al. 2020), a head with a small weight but a long vector can come "
            "before one with a large weight.",
        ),
        ranked,
        h(
            "p",
            {"class": "ml-caveat"},
            "This measures how much a head adds, not proof that the model needs it: "
            "switching the heads off tests that.",
        ),
        h("p", {"class": "ml-switches"}, switches),
    )


def heads_switch(what: str, heads: tuple[tuple[int, int], ...], off: tuple[tuple[int, int], ...]) -> Element:
    """A button that switches exactly ``heads`` off, or every head back on when they are the ones off."""
    if off == heads:
        return h(
            "button", {"type": "button", "class": "ml-switch", "data-set": "off="}, f"Switch {what} back on"
        )
    label = f"Switch {what} off (ablation)"
    return h("button", {"type": "button", "class": "ml-switch", "data-set": f"off={off_text(heads)}"}, label)


def rollout_view(enc: Encoding, token: int) -> Element:
    """Attention rollout from one token's final vector back to the input tokens."""
    from explainer.examples.trained_live import rollout

    flow = rollout(enc.attentions)[token]  # (n,)
    caption = (
        f"Attention rollout (Abnar and Zuidema 2020, residual included): how much the final vector of "
        f"{enc.tokens[token]} draws on each input token, through all {enc.attentions.shape[0]} layers"
    )
    return bars(caption, list(enc.tokens), flow)


def switch(chosen: tuple[int, int], off: tuple[tuple[int, int], ...]) -> Element:
    """A button that switches the enlarged head off (or back on), and one that restores every head."""
    label = f"L{chosen[0]} H{chosen[1]}"
    is_off = chosen in off
    toggled = tuple(sorted(set(off) ^ {chosen}))
    button = h(
        "button",
        {"type": "button", "class": "ml-switch", "data-set": f"off={off_text(toggled)}"},
        f"Switch {label} back on" if is_off else f"Switch {label} off (ablation)",
    )
    restore = h(
        "button", {"type": "button", "class": "ml-switch", "data-set": "off="}, "Switch every head on"
    )
    return h("p", {"class": "ml-switches"}, button, " ", restore if off else None)


def ablation_view(model: MiniLM, enc: Encoding, off: tuple[tuple[int, int], ...], token: int) -> Element:
    """How far the outputs move with the heads ``off``: cosine with the intact model, computed now."""
    from explainer.examples.trained_live import ablation

    a = ablation(model, enc, off, token)
    names = ", ".join(f"L{layer} H{head}" for layer, head in off)
    return h(
        "section",
        {"class": "ml-ablation"},
        h("h4", None, f"Ablation: {plural(len(off), 'head')} switched off ({names})"),
        h(
            "p",
            None,
            f"The final vector of {enc.tokens[token]} keeps a cosine of {a.token_cosine:.4f} with the intact "
            f"model's; the sentence embedding (the mean of all final vectors) keeps {a.sentence_cosine:.4f}. "
            "1 means unmoved. The weights above are the intact model's.",
        ),
    )
