"""The step-through's eight pictures, drawn from the example's numbers with :mod:`.step_svg`.

One function per step; each takes the example and the query row shown first (the others are
drawn too, hidden, one ``<g class="st-v" data-r=R>`` per row) and returns the ``<svg>`` and
the number of beats its animation lasts. Every number is the example's, to
:data:`~explainer.widgets.step_svg.DECIMALS` decimals.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from explainer.examples.self_attention import StepThroughExample
from explainer.html import Child, h
from explainer.widgets.step_svg import (
    BAR,
    CH,
    CW,
    GAP,
    LEFT,
    TOP,
    Picture,
    bar,
    empty,
    grid,
    grid_height,
    grid_width,
    highlight,
    label,
    num,
    operator,
    shape,
    strike,
    svg,
    variant,
)

__all__ = ["PICTURES"]


def _tokens(ex: StepThroughExample, chosen: int) -> Picture:
    """X: one row per word, the rows appearing one after the other."""
    n, d = ex.x.shape
    body = grid("X", ex.x, LEFT, 0, ex.tokens, delay=lambda r, c: r)
    return svg(LEFT + grid_width(d) + 8, grid_height(n) + 6, "X, the words as rows of numbers", [body]), n


_PROJECTIONS = (("W_Q", "q", "w_q", "q"), ("W_K", "k", "w_k", "k"), ("W_V", "v", "w_v", "v"))
"""Each projection: its name, the letter of its output, and the example's fields for both."""


def _projection(ex: StepThroughExample, chosen: int) -> Picture:
    """Row x_i times W_Q, W_K and W_V: q_i, k_i, v_i fill in column by column as each W column lights up."""
    n, d = ex.x.shape
    line = grid_height(d) + 18
    xs = (LEFT, LEFT + grid_width(d) + GAP, LEFT + 2 * (grid_width(d) + GAP))
    shared: list[Child] = []
    for k, (w_name, _, w_field, _) in enumerate(_PROJECTIONS):
        w = getattr(ex, w_field)  # (d_model, d_k)
        middle = k * line + TOP + grid_height(d) / 2 - TOP / 2
        shared += [
            grid(w_name, w, xs[1], k * line),
            operator(xs[1], middle, "×"),
            operator(xs[2], middle, "="),
        ]
        shared += [
            highlight(xs[1] + c * CW, k * line + TOP, CW, d * CH, "st-flash", c) for c in range(w.shape[1])
        ]
    variants = []
    for r in range(n):
        parts = []
        for k, (w_name, letter, _, out_field) in enumerate(_PROJECTIONS):
            top = k * line + (d - 1) * CH / 2  # the one-row grids sit level with the middle of W
            parts.append(grid(f"x{r + 1}", ex.x[r], xs[0], top, (ex.tokens[r],)))
            out = getattr(ex, out_field)[r]  # (d_k,)
            parts.append(grid(f"{letter}{r + 1} = x{r + 1} {w_name}", out, xs[2], top, delay=lambda _, c: c))
        variants.append(variant(r, chosen, parts))
    size = (xs[2] + grid_width(d) + 8, 3 * line)
    return svg(*size, "A row of X times each projection", [*shared, *variants]), d


def _scores(ex: StepThroughExample, chosen: int) -> Picture:
    """The chosen query row meets every key in turn; each score appears as its dot product completes."""
    n, d = ex.q.shape
    xs = (LEFT, LEFT + grid_width(d) + GAP, LEFT + 2 * (grid_width(d) + GAP))
    middle = grid_height(n) / 2 + TOP / 2
    shared: list[Child] = [
        grid("Q", ex.q, xs[0], 0, ex.tokens),
        grid("K (a key per row)", ex.k, xs[1], 0),
        operator(xs[1], middle, "·"),
        operator(xs[2], middle, "→"),
        label(xs[2], TOP - 6, f"S = Q Kᵀ  {shape(ex.scores)}", "st-name"),
        empty(xs[2], TOP, n, n),
    ]
    shared += [highlight(xs[1], TOP + j * CH, grid_width(d), CH, "st-flash", j) for j in range(n)]
    variants = []
    for r in range(n):
        pick = highlight(xs[0], TOP + r * CH, grid_width(d), CH, "st-pick")
        row = grid(f"row {r + 1} of S", ex.scores[r], xs[2], r * CH, delay=lambda _, c: c, titled=False)
        variants.append(variant(r, chosen, [pick, row]))
    size = (xs[2] + grid_width(n) + 8, grid_height(n) + 6)
    return svg(*size, "One query row against every key", [*shared, *variants]), n


def _bar_frame(ex: StepThroughExample, heads: tuple[str, str, str], x0: float) -> list[Child]:
    """Token names, the zero line and the three column heads of a bar picture."""
    n = len(ex.tokens)
    parts: list[Child] = [
        label(LEFT - 6, TOP + j * CH + CH - 6, tok, "st-row") for j, tok in enumerate(ex.tokens)
    ]
    parts.append(h("path", {"d": f"M{round(x0)} {TOP - 2}V{TOP + n * CH + 2}", "class": "st-zero"}))
    for x, text in zip((LEFT + 46, x0, x0 + BAR + 54), heads, strict=True):
        parts.append(label(x, TOP - 6, text, "st-name st-mid"))
    return parts


def _scale_step(ex: StepThroughExample, chosen: int) -> Picture:
    """Dividing by √d_k shrinks the chosen row's scores: each bar shrinks to half (for d_k = 4)."""
    n, root = len(ex.tokens), float(np.sqrt(ex.d_k))
    x0 = LEFT + 100 + BAR
    parts = _bar_frame(ex, ("row of S", f"÷ √{ex.d_k} = {num(root)}", "S / √d_k"), x0)
    variants = []
    for r in range(n):
        unit = BAR / max(float(np.max(np.abs(ex.scores[r]))), 1e-12)
        raw = ex.scores[r].tolist()
        bars = [bar(x0, TOP + j * CH, v, unit, "st-ghost") for j, v in enumerate(raw)]  # where each bar began
        bars += [bar(x0, TOP + j * CH, v / root, unit, "st-shrink", 0) for j, v in enumerate(raw)]
        texts = [
            label(LEFT + 46, TOP + j * CH + CH - 6, num(v), "st-t")
            for j, v in enumerate(ex.scores[r].tolist())
        ]
        texts += [
            label(x0 + BAR + 54, TOP + j * CH + CH - 6, num(v), "st-t st-a")
            for j, v in enumerate(ex.scaled_scores[r].tolist())
        ]
        variants.append(variant(r, chosen, [*bars, *texts]))
    shrinking = h("g", {"style": f"--f:{root:g}"}, variants)  # each bar starts √d_k times as long
    return svg(x0 + BAR + 90, grid_height(n) + 6, "The scores shrink", [*parts, shrinking]), 3


def _mask_step(ex: StepThroughExample, chosen: int) -> Picture:
    """The causal mask strikes out the keys after the query: their scores become −∞."""
    n = len(ex.tokens)
    x0 = LEFT + 100 + BAR
    parts = _bar_frame(ex, ("S / √d_k", "kept or masked", "+ M"), x0)
    variants = []
    for r in range(n):
        unit = BAR / max(float(np.max(np.abs(ex.scaled_scores[r]))), 1e-12)
        row: list[Child] = []
        for j, v in enumerate(ex.scaled_scores[r].tolist()):
            y, allowed = TOP + j * CH, bool(ex.mask[r, j])
            row += [
                label(LEFT + 46, y + CH - 6, num(v), "st-t"),
                bar(x0, y, v, unit, "" if allowed else "st-gone"),
            ]
            row.append(
                label(
                    x0 + BAR + 54,
                    y + CH - 6,
                    "kept" if allowed else "−∞ masked",
                    "st-t" if allowed else "st-t st-a",
                )
            )
            if not allowed:
                row.append(strike(LEFT + 20, x0 + BAR + 20, y + CH / 2, j - r - 1))
        variants.append(variant(r, chosen, row))
    return svg(
        x0 + BAR + 100, grid_height(n) + 6, "The mask strikes out the future", [*parts, *variants]
    ), n - 1


def _softmax_step(ex: StepThroughExample, chosen: int) -> Picture:
    """Softmax turns the row into bars of weights that sum to 1; masked keys get exactly 0."""
    n = len(ex.tokens)
    x0, unit = LEFT + 8, 2 * BAR
    parts: list[Child] = [
        label(LEFT - 6, TOP + j * CH + CH - 6, tok, "st-row") for j, tok in enumerate(ex.tokens)
    ]
    parts.append(h("path", {"d": f"M{x0} {TOP - 2}V{TOP + n * CH + 2}", "class": "st-zero"}))
    parts.append(label(x0, TOP - 6, f"A, row of weights  1 × {n}", "st-name"))
    variants = []
    for r in range(n):
        row: list[Child] = []
        for j, a in enumerate(ex.weights[r].tolist()):
            y, allowed = TOP + j * CH, bool(ex.mask[r, j])
            row.append(bar(x0, y, a, unit, "st-grow", j))
            text = num(a) if allowed else f"{num(a)} (masked)"
            row.append(label(x0 + a * unit + 6, y + CH - 6, text, "st-w st-a" if allowed else "st-w"))
        row.append(label(x0, TOP + n * CH + 16, f"sum = {num(float(ex.weights[r].sum()))}", "st-sum st-a"))
        variants.append(variant(r, chosen, row))
    return svg(x0 + unit + 90, grid_height(n) + 26, "Softmax: bars that sum to 1", [*parts, *variants]), n + 1


def _blend_step(ex: StepThroughExample, chosen: int) -> Picture:
    """Each value row, scaled by its weight, then the rows summed into z_i."""
    n, d = ex.v.shape
    x = LEFT + 120
    variants = []
    for r in range(n):
        scaled = ex.weights[r][:, None] * ex.v  # (n, d_v): row j is a_rj v_j
        row: list[Child] = [grid(f"a{r + 1}j × vj", scaled, x, 0, delay=lambda j, _: j)]
        for j, a in enumerate(ex.weights[r].tolist()):
            y = TOP + j * CH + CH - 6
            row.append(label(x - 6, y, f"{num(a)} × v{j + 1} ({ex.tokens[j]})", "st-row"))
        z_top = grid_height(n) + 10
        row.append(operator(x, z_top + TOP + CH / 2, "Σ"))
        row.append(grid(f"z{r + 1} = Σ a{r + 1}j vj", ex.output[r], x, z_top, delay=lambda *_: n))
        variants.append(variant(r, chosen, row))
    return svg(
        x + grid_width(d) + 8, 2 * grid_height(n) - (n - 1) * CH + 16, "Values scaled and summed", variants
    ), n + 1


def _all_rows(ex: StepThroughExample, chosen: int) -> Picture:
    """Every row at once: S / √d_k with the mask, A, Z = A V, each appearing whole."""
    n, d = ex.v.shape
    xs = (LEFT, LEFT + grid_width(n) + GAP, LEFT + 2 * (grid_width(n) + GAP))
    middle = grid_height(n) / 2 + TOP / 2
    parts = [
        grid("S / √d_k + M", ex.scaled_scores, xs[0], 0, ex.tokens, lambda *_: 0, masked=~ex.mask),
        operator(xs[1], middle, "→"),
        grid("A = softmax", ex.weights, xs[1], 0, delay=lambda *_: 1),
        operator(xs[2], middle, "→"),
        grid("Z = A V", ex.output, xs[2], 0, delay=lambda *_: 2),
    ]
    return svg(xs[2] + grid_width(d) + 8, grid_height(n) + 6, "Every row at once", parts), 3


PICTURES: tuple[Callable[[StepThroughExample, int], Picture], ...] = (
    _tokens,
    _projection,
    _scores,
    _scale_step,
    _mask_step,
    _softmax_step,
    _blend_step,
    _all_rows,
)
"""The eight steps' pictures, in order; each takes the example and the query row shown first."""
