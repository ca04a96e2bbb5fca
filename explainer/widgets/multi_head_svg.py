"""The multi-head viewer's diagram: split, attend, concatenate, mix — SVG built with :func:`explainer.html.h`.

One column of stages, :data:`WIDTH` units wide (about a phone's column, so the
text stays at its own size there). The d_model columns keep their place from
top to bottom: head ``i`` takes the same columns in the split, its box and the
concatenation, each in its colour (class ``mh-hI``, colours from
``assets/widgets/multi_head.css``) and labelled ``head I`` (or ``hI`` where a
head is one column wide), so colour is never the only channel. Weights are
squares whose area is the weight; the concatenation and the output show their
numbers to two decimals.
"""

from __future__ import annotations

import math

import numpy as np

from explainer.examples.multi_head import MultiHeadExample
from explainer.html import AttrValue, Element, h
from explainer.types import FloatArray
from explainer.widgets.common import fixed

__all__ = ["WIDTH", "diagram", "head_label", "head_span"]

WIDTH = 320
"""The diagram's width in SVG units (one unit is one CSS pixel on a phone)."""
_LEFT = 54  # x of the first column: token labels sit right-aligned before it
_COL = 33  # column width: "-0.53" at 10.5 units fits with a margin
_ROW = 18  # row height of a matrix
_BOX = 62  # height of a head's box in the attend stage


def head_span(i: int, d_k: int) -> str:
    """The columns head ``i`` (from 0) takes, counted from 1: ``d1–d4``, or ``d3`` for one column."""
    first, last = i * d_k + 1, (i + 1) * d_k
    return f"d{first}" if first == last else f"d{first}–d{last}"


def head_label(i: int, span: str) -> Element:
    """The heading of head ``i``'s weights: a swatch in its colour, its name and its columns."""
    return h(
        "p",
        {"class": "mh-label"},
        h("span", {"class": "mh-swatch", "aria-hidden": "true"}),
        h("strong", None, f"head {i + 1}"),
        f" · columns {span}",
    )


def _u(x: float) -> str:
    """A coordinate in SVG units, short: ``12``, ``12.5``, ``12.25``."""
    return format(round(x, 2) + 0.0, "g")


def _text(x: float, y: float, text: str, cls: str, anchor: str = "start") -> Element:
    attrs: dict[str, AttrValue] = {"x": _u(x), "y": _u(y), "class": cls}
    if anchor != "start":
        attrs["text-anchor"] = anchor
    return h("text", attrs, text)


def _rect(x: float, y: float, w: float, hgt: float, cls: str) -> Element:
    return h("rect", {"x": _u(x), "y": _u(y), "width": _u(w), "height": _u(hgt), "class": cls})


def _group(y: float, children: list[Element]) -> Element:
    return h("g", {"transform": f"translate(0 {y:g})"}, children)


def _head_name(i: int, d_k: int) -> str:
    """``head 2``, or ``h2`` where the head is one narrow column."""
    return f"head {i + 1}" if d_k > 1 else f"h{i + 1}"


def _split(ex: MultiHeadExample, d_k: int) -> tuple[list[Element], float]:
    """Stage 1: the d_model columns of Q, K and V, tinted and bracketed by head."""
    parts: list[Element] = [
        _text(0, 11, f"1  Split Q, K, V ({ex.x.shape[0]} × {ex.d_model}) by columns", "mh-step")
    ]
    parts.append(_text(_LEFT - 5, 33, "columns", "mh-small", "end"))
    for j in range(ex.d_model):
        head = j // d_k
        parts.append(_rect(_LEFT + j * _COL + 1, 20, _COL - 2, 18, f"mh-tint mh-h{head + 1}"))
        parts.append(_text(_LEFT + (j + 0.5) * _COL, 33, f"d{j + 1}", "mh-small", "middle"))
    for i in range(ex.n_heads):
        x0, x1 = _LEFT + i * d_k * _COL + 3, _LEFT + (i + 1) * d_k * _COL - 3
        path = f"M{x0} 42V47H{x1}V42"
        parts.append(h("path", {"d": path, "class": f"mh-line mh-h{i + 1}"}))
        parts.append(_text((x0 + x1) / 2, 60, _head_name(i, d_k), "mh-t", "middle"))
    return parts, 66


def _mini_map(weights: FloatArray, x: float, y: float, size: float) -> list[Element]:
    """A head's weights as squares of area ∝ weight, in a ``size``-unit square grid."""
    n_q, n_k = weights.shape
    cell = size / max(n_q, n_k)
    parts = [_rect(x, y, cell * n_k, cell * n_q, "mh-grid")]
    for (r, c), w in np.ndenumerate(weights):
        side = cell * 0.92 * math.sqrt(max(float(w), 0.0))
        cx, cy = x + (c + 0.5) * cell, y + (r + 0.5) * cell
        parts.append(_rect(cx - side / 2, cy - side / 2, side, side, "mh-w"))
    return parts


def _attend(ex: MultiHeadExample, d_k: int) -> tuple[list[Element], float]:
    """Stage 2: one box per head over its columns, its weights inside, an arrow down to its columns."""
    n = ex.head_weights.shape[1]
    parts: list[Element] = [_text(0, 11, f"2  Attend: each head its own {n} × {n} weights", "mh-step")]
    parts.append(_text(_LEFT - 5, 20 + _BOX / 2 + 4, "weights", "mh-small", "end"))
    for i in range(ex.n_heads):
        x0, width = _LEFT + i * d_k * _COL + 2, d_k * _COL - 4
        parts.append(_rect(x0, 20, width, _BOX, f"mh-box mh-h{i + 1}"))
        size = min(_BOX - 10, width - 6)
        parts += _mini_map(ex.head_weights[i], x0 + (width - size) / 2, 20 + (_BOX - size) / 2, size)
        tip = x0 + width / 2
        parts.append(h("path", {"d": f"M{tip - 5} {_BOX + 24}h10l-5 7z", "class": f"mh-arrow mh-h{i + 1}"}))
    return parts, _BOX + 34


def _matrix(values: FloatArray, tokens: tuple[str, ...], classes: list[str], y: float) -> list[Element]:
    """Rows of numbers to two decimals, one tinted cell per column (class per column)."""
    parts: list[Element] = []
    for r, row in enumerate(values.tolist()):
        top = y + r * _ROW
        parts.append(_text(_LEFT - 5, top + 13, tokens[r], "mh-t", "end"))
        for j, v in enumerate(row):
            parts.append(_rect(_LEFT + j * _COL + 1, top + 1, _COL - 2, _ROW - 2, classes[j]))
            parts.append(_text(_LEFT + (j + 0.5) * _COL, top + 13, fixed(v, 2), "mh-num", "middle"))
    return parts


def _concatenate(ex: MultiHeadExample, d_k: int) -> tuple[list[Element], float]:
    """Stage 3: the heads' outputs side by side, each in its own columns, labelled above."""
    shape = f"{ex.concatenated.shape[0]} × {ex.concatenated.shape[1]}"
    parts: list[Element] = [_text(0, 11, f"3  Concatenate the heads' outputs ({shape})", "mh-step")]
    for i in range(ex.n_heads):
        x0, x1 = _LEFT + i * d_k * _COL, _LEFT + (i + 1) * d_k * _COL
        parts.append(_text((x0 + x1) / 2, 27, _head_name(i, d_k), "mh-t", "middle"))
        parts.append(_rect(x0 + 1, 30, x1 - x0 - 2, 3, f"mh-bar mh-h{i + 1}"))
    classes = [f"mh-tint mh-h{j // d_k + 1}" for j in range(ex.d_model)]
    parts += _matrix(ex.concatenated, ex.tokens, classes, 36)
    return parts, 36 + len(ex.tokens) * _ROW + 8


def _mix(ex: MultiHeadExample, d_k: int) -> tuple[list[Element], float]:
    """Stage 4: W_O, row r tinted by the head whose column r it carries; squares of area ∝ |w|."""
    rows, cols = ex.w_o.shape
    parts: list[Element] = [_text(0, 11, f"4  Mix: multiply by W_O ({rows} × {cols})", "mh-step")]
    cell, top = 8.5, 20
    scale = float(np.max(np.abs(ex.w_o)))
    for r in range(rows):
        parts.append(_rect(_LEFT, top + r * cell, cols * cell, cell, f"mh-tint mh-h{r // d_k + 1}"))
        for c in range(cols):
            side = cell * 0.9 * math.sqrt(abs(float(ex.w_o[r, c])) / scale)
            cx, cy = _LEFT + (c + 0.5) * cell, top + (r + 0.5) * cell
            parts.append(_rect(cx - side / 2, cy - side / 2, side, side, "mh-w"))
    lines = (
        "Row r of W_O weighs column r",
        "of the concatenation. Each output",
        f"column adds up all {rows} rows,",
        "so it mixes every head.",
    )
    x = _LEFT + cols * cell + 12
    parts += [_text(x, top + 10 + 14 * k, line, "mh-t") for k, line in enumerate(lines)]
    parts.append(_text(_LEFT - 5, top + rows * cell / 2 + 4, "W_O", "mh-t", "end"))
    return parts, top + rows * cell + 10


def _output(ex: MultiHeadExample) -> tuple[list[Element], float]:
    """Stage 5: the output, one neutral colour: every column holds every head."""
    shape = f"{ex.output.shape[0]} × {ex.output.shape[1]}"
    parts: list[Element] = [_text(0, 11, f"=  Output ({shape}): all heads in every column", "mh-step")]
    for j in range(ex.d_model):
        parts.append(_text(_LEFT + (j + 0.5) * _COL, 29, f"d{j + 1}", "mh-small", "middle"))
    parts += _matrix(ex.output, ex.tokens, ["mh-tint mh-mixed"] * ex.d_model, 34)
    return parts, 34 + len(ex.tokens) * _ROW + 2


def diagram(ex: MultiHeadExample) -> Element:
    """The whole diagram for one number of heads, as an ``<svg role="img">`` (described by its caption)."""
    d_k = ex.d_model // ex.n_heads
    stages = [_split(ex, d_k), _attend(ex, d_k), _concatenate(ex, d_k), _mix(ex, d_k), _output(ex)]
    groups, y = [], 0.0
    for parts, height in stages:
        groups.append(_group(y, parts))
        y += height
    label = f"Diagram of {ex.n_heads}-head attention: split, attend, concatenate, mix (described below)"
    attrs = {"viewbox": f"0 0 {WIDTH} {y:g}", "role": "img", "aria-label": label, "class": "mh-svg"}
    return h("svg", attrs, groups)
