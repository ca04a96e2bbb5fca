"""The parts the step-through's pictures are drawn with: SVG grids of coloured cells, bars, strikes.

Every number drawn is read from :class:`~explainer.examples.self_attention.StepThroughExample`
and written with :data:`DECIMALS` decimals; every shape is read from its array. A cell's
colour follows its value (orange positive, blue negative, stronger further from 0, relative
to its matrix) and its number is written in it, so colour is never the only channel.

Motion is CSS (``step_through.css``): an element of class ``st-a`` appears, ``st-flash``
lights up, ``st-shrink`` and ``st-grow`` change a bar's length and ``st-strike`` draws a
strike-through, each at ``--i`` beats after its step is shown. A beat is :data:`BEAT_MS`
(the root writes it as ``--st-beat``). Without motion every element simply is in its final
state: the pictures are complete without CSS animation. A picture that follows the chosen
query row has one ``<g class="st-v" data-r=R>`` per row; the page shows one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from explainer.html import AttrValue, Child, Element, h
from explainer.types import FloatArray

__all__ = [
    "BAR",
    "BEAT_MS",
    "CH",
    "CW",
    "DECIMALS",
    "GAP",
    "LEFT",
    "TOP",
    "Picture",
    "bar",
    "beats",
    "empty",
    "grid",
    "grid_height",
    "grid_width",
    "highlight",
    "label",
    "num",
    "operator",
    "shape",
    "strike",
    "svg",
    "variant",
]

DECIMALS = 2
"""Decimals of every number drawn: X and W have one, so Q = X W is exact at two and checks by hand."""
BEAT_MS = 400
"""One beat of the animation: the time between two cells of a sweep."""

CW, CH = 40, 20  # one cell
GAP = 30  # between a grid and the next (an operator sits in the gap)
TOP = 18  # the name-and-shape line above a grid
LEFT = 48  # token names left of a grid
BAR = 110  # the longest bar

Picture = tuple[Element, int]
"""An ``<svg>`` and the number of beats its animation lasts."""


def num(x: float) -> str:
    """A number as drawn: :data:`DECIMALS` decimals, a real minus sign, no ``-0.00``.

    Example:
        >>> num(-0.5), num(-0.001), num(1.234)
        ('−0.50', '0.00', '1.23')
    """
    text = format(float(x), f".{DECIMALS}f")
    if text.startswith("-") and text.strip("-0."):
        return "−" + text[1:]
    return text.lstrip("-")


def beats(n: int) -> str:
    """The style attribute that delays an animation by ``n`` beats."""
    return f"--i:{n}"


def _text(x: float, y: float, text: str, cls: str | None = None) -> Element:
    return h("text", {"x": round(x), "y": round(y), "class": cls}, text)


def _cell(x: float, y: float, value: float, scale: float, cls: str = "") -> list[Element]:
    """A coloured cell with its number: the fill's strength is ``|value| / scale``."""
    strength = min(abs(value) / scale, 1.0) if scale > 0 else 0.0
    sign = "st-p" if value > 0 else "st-n"
    rect: dict[str, AttrValue] = {"x": round(x), "y": round(y), "width": CW, "height": CH}
    rect |= {"class": f"st-c {sign} {cls}".strip(), "fill-opacity": f"{0.08 + 0.55 * strength:.2f}"}
    return [h("rect", rect), _text(x + CW / 2, y + CH - 6, num(value), "st-t")]


def _scale(m: FloatArray) -> float:
    return float(np.max(np.abs(m))) if m.size else 0.0


def shape(m: FloatArray) -> str:
    return " × ".join(str(n) for n in m.shape)


def _spoken(name: str, m: FloatArray, rows: Sequence[str]) -> str:
    """What a screen reader says when a grid gets focus: its name, shape and numbers, row by row."""

    def said(v: float) -> str:
        return "minus infinity (masked)" if v == -np.inf else num(v)

    body = "; ".join(
        f"{r}: {', '.join(said(v) for v in row)}" for r, row in zip(rows, m.tolist(), strict=True)
    )
    return f"{name}, {shape(m)}. {body}"


def _masked_cell(x: float, y: float) -> list[Element]:
    """A masked entry: grey, with −∞ written in it."""
    rect = h("rect", {"x": round(x), "y": round(y), "width": CW, "height": CH, "class": "st-c st-x"})
    return [rect, _text(x + CW / 2, y + CH - 6, "−∞", "st-t")]


def grid(
    name: str,
    m: FloatArray,
    x: float,
    y: float,
    rows: Sequence[str] = (),
    delay: Callable[[int, int], int | None] | None = None,
    masked: np.ndarray | None = None,
    titled: bool = True,
) -> Element:
    """A matrix, shape ``(r, c)``: its name and shape above (at ``y``), the tokens ``rows`` at the left.

    It is one focusable group whose accessible name holds every number (they are written in the
    cells too). ``delay(r, c)`` is the beat a cell appears at (``None``: there from the start);
    ``masked`` (True = masked, shape ``(r, c)``) draws −∞ instead of a number; ``titled=False``
    leaves the name and shape to the accessible name only (a row drawn inside a bigger frame).
    """
    m2 = np.atleast_2d(m)  # (r, c)
    n_rows, n_cols = m2.shape
    hidden = np.zeros(m2.shape, dtype=bool) if masked is None else np.atleast_2d(masked)  # (r, c)
    scale = _scale(np.where(hidden, 0.0, m2))
    frame = {"x": round(x) - 2, "y": round(y) + TOP - 2, "width": CW * n_cols + 4, "height": CH * n_rows + 4}
    parts: list[Child | None] = [
        h("rect", {**frame, "class": "st-frame"}),
        _text(x, y + TOP - 6, f"{name}  {shape(m2)}", "st-name") if titled else None,
    ]
    timed: dict[int, list[Element]] = {}  # beat -> the cells appearing then: one animation per beat
    for r, row in enumerate(m2.tolist()):
        if r < len(rows):
            parts.append(_text(x - 6, y + TOP + r * CH + CH - 6, rows[r], "st-row"))
        for c, value in enumerate(row):
            cx, cy = x + c * CW, y + TOP + r * CH
            cell = _masked_cell(cx, cy) if hidden[r, c] else _cell(cx, cy, value, scale)
            when = delay(r, c) if delay else None
            if when is None:
                parts.extend(cell)
            else:
                timed.setdefault(when, []).extend(cell)
    parts += [h("g", {"class": "st-a", "style": beats(when)}, cells) for when, cells in sorted(timed.items())]
    spoken = _spoken(
        name, np.where(hidden, -np.inf, m2), list(rows) or [f"row {r + 1}" for r in range(n_rows)]
    )
    return h("g", {"class": "st-m", "tabindex": 0, "role": "img", "aria-label": spoken}, parts)


def empty(x: float, y: float, n_rows: int, n_cols: int) -> Element:
    """Outlines of cells still to be filled."""
    return h(
        "g",
        {"class": "st-empty"},
        (
            h("rect", {"x": round(x + c * CW), "y": round(y + r * CH), "width": CW, "height": CH})
            for r in range(n_rows)
            for c in range(n_cols)
        ),
    )


def grid_width(cols: int) -> int:
    return cols * CW


def grid_height(rows: int) -> int:
    return TOP + rows * CH


def operator(x: float, y: float, sign: str) -> Element:
    """An operator (×, =) centred in the gap before ``x``, at the height ``y`` of a row's middle."""
    return _text(x - GAP / 2, y + 5, sign, "st-op")


def highlight(x: float, y: float, w: float, hgt: float, cls: str, when: int | None = None) -> Element:
    """A rectangle drawn over cells: ``st-pick`` (the chosen row) or ``st-flash`` (lit at beat ``when``)."""
    attrs: dict[str, AttrValue] = {
        "x": round(x) - 2,
        "y": round(y) - 2,
        "width": round(w) + 4,
        "height": round(hgt) + 4,
        "class": cls,
    }
    return h("rect", {**attrs, "style": None if when is None else beats(when)})


def svg(width: int, height: int, label: str, children: Sequence[Child]) -> Element:
    """The picture's root: it scales with the column, never below 85% of its size (it scrolls instead)."""
    attrs = {
        "viewbox": f"0 0 {width} {height}",
        "class": "st-svg",
        "role": "group",
        "aria-label": label,
        "style": f"max-width:{round(width * 1.3)}px;min-width:{round(width * 0.85)}px",
    }
    return h("svg", attrs, children)


def variant(row: int, chosen: int, children: Sequence[Child]) -> Element:
    """The part of a picture that follows query row ``row``; only the chosen one is shown."""
    return h("g", {"class": "st-v st-on" if row == chosen else "st-v", "data-r": row}, children)


def bar(x0: float, y: float, value: float, unit: float, cls: str, when: int | None = None) -> Element:
    """A horizontal bar from the zero line ``x0``: ``value * unit`` long, rightwards when positive."""
    length = abs(value) * unit
    left = x0 if value >= 0 else x0 - length
    side = "st-r" if value >= 0 else "st-l"  # which end is the zero line, for the CSS transform-origin
    attrs = {"x": round(left, 1), "y": round(y) + 4, "width": round(length, 1), "height": CH - 8}
    return h(
        "rect",
        {**attrs, "class": f"st-bar {side} {cls}".strip(), "style": None if when is None else beats(when)},
    )


def strike(x1: float, x2: float, y: float, when: int) -> Element:
    """A line striking out a masked entry, drawn at beat ``when``."""
    return h(
        "path",
        {
            "d": f"M{round(x1)} {round(y)}H{round(x2)}",
            "pathlength": 1,
            "class": "st-strike",
            "style": beats(when),
        },
    )


def label(x: float, y: float, text: str, cls: str = "st-note") -> Element:
    """A line of text in a picture."""
    return _text(x, y, text, cls)
