"""The heatmap explorer's second view: tokens in two columns joined by lines, and the same in words.

The lines view follows BertViz's head view (Vig 2019): queries on the left,
keys on the right, one line per allowed pair whose width and opacity grow with
the weight. Python draws every line (an SVG ``<path>`` in a ``<g data-q=ROW>``,
carrying ``data-k=COL``); ``heatmap_explorer.js`` only toggles classes when a
token is pointed at, focused or pressed, and the same tokens' rows and columns
in the heatmap light up. The words view is the text equivalent: each token's
largest weights.

References:
    Vig, "A Multiscale Visualization of Attention in the Transformer Model" (BertViz), ACL 2019 demos.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from explainer.html import Element, h
from explainer.widgets.common import fmt

__all__ = ["TOP_KEYS", "line_opacity", "line_width", "lines_view", "words_view"]

TOP_KEYS = 3
"""Keys named per token in the words view."""


def line_opacity(weight: float) -> str:
    """A line's ``stroke-opacity``: the weight itself, so a weight of 0.5 is a half-opaque line.

    Example:
        >>> line_opacity(0.5), line_opacity(0.0004)
        ('0.500', '0.000')
    """
    return f"{weight:.3f}"


def line_width(weight: float) -> str:
    """A line's ``stroke-width`` in CSS pixels: 1 for a weight near 0, 4 for a weight of 1.

    Example:
        >>> line_width(0.5)
        '2.50'
    """
    return f"{1 + 3 * weight:.2f}"


def _lines(i: int, ys: Sequence[str], weights: Sequence[float], allowed: Sequence[bool]) -> Element:
    """The lines from query ``i`` to every key it may attend to with a weight above 0."""
    paths = (
        h(
            "path",
            {
                "d": f"M0 {ys[i]}L1 {ys[j]}",
                "data-k": j,
                "stroke-width": line_width(w),
                "stroke-opacity": line_opacity(w),
            },
        )
        for j, w in enumerate(weights)
        if allowed[j] and w > 0
    )
    return h("g", {"data-q": i}, paths)


def _tokens(labels: Sequence[str], side: str) -> Element:
    """One column of token buttons; pressing one keeps its lines isolated (``aria-pressed``)."""
    attr, role = (
        ("data-q", "as a query: show only its lines")
        if side == "q"
        else ("data-k", "as a key: show only lines into it")
    )
    return h(
        "div",
        {"class": f"hx-tokens hx-tokens--{side}"},
        (
            h(
                "button",
                {
                    "type": "button",
                    "class": "hx-token",
                    attr: i,
                    "aria-label": f"{label} {role}",
                    "aria-pressed": "false",
                },
                label,
            )
            for i, label in enumerate(labels)
        ),
    )


def lines_view(labels: Sequence[str], weights: ArrayLike, allowed: ArrayLike) -> Element:
    """Queries (left) joined to keys (right) by one line per allowed pair.

    Args:
        labels: token labels, shape ``(n,)``.
        weights: attention weights, shape ``(n, n)``.
        allowed: boolean mask, shape ``(n, n)``; masked pairs get no line.
    """
    n = len(labels)
    w = np.asarray(weights, dtype=np.float64).tolist()  # (n, n)
    ok = np.broadcast_to(np.asarray(allowed, dtype=bool), (n, n)).tolist()  # (n, n)
    ys = [f"{i + 0.5:g}" for i in range(n)]  # row centres in the SVG's units: one unit per token
    svg = h(
        "svg",
        {"class": "hx-svg", "viewbox": f"0 0 1 {n}", "preserveaspectratio": "none", "aria-hidden": "true"},
        (_lines(i, ys, w[i], ok[i]) for i in range(n)),
    )
    caption = (
        "Lines: queries on the left, keys on the right; a line is wider and more opaque the larger its "
        "weight (masked pairs have none). Point at, focus or press a token to see only its lines."
    )
    return h(
        "figure",
        {"class": "hx-lines", "style": f"--n:{n}"},
        h("figcaption", None, caption),
        h("div", {"class": "hx-lines-body"}, _tokens(labels, "q"), svg, _tokens(labels, "k")),
    )


def words_view(labels: Sequence[str], weights: ArrayLike, allowed: ArrayLike) -> Element:
    """Each token's :data:`TOP_KEYS` largest weights in words, collapsed (kept as the reader leaves it)."""
    w = np.asarray(weights, dtype=np.float64)  # (n, n)
    ok = np.broadcast_to(np.asarray(allowed, dtype=bool), w.shape)  # (n, n)
    # Each row's allowed keys, largest weight first (ties keep key order); masked keys sort last.
    order = np.argsort(np.where(ok, -w, np.inf), axis=1, kind="stable")[:, :TOP_KEYS].tolist()
    w_rows, counts = w.tolist(), ok.sum(axis=1).tolist()  # Python floats format much faster
    items = []
    for i, label in enumerate(labels):
        if counts[i] == 0:
            items.append(h("li", None, f"{label}: may attend to nothing (all weights 0)"))
            continue
        row = w_rows[i]
        named = ", ".join(f"{labels[j]} {fmt(row[j], 3)}" for j in order[i][: counts[i]])
        items.append(h("li", None, f"{label} attends most to {named}"))
    return h(
        "details",
        {"class": "hx-words", "data-keep": "words"},
        h("summary", None, "In words: each token's largest weights"),
        h("ol", None, items),
    )
