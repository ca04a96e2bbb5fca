"""A 2-D coordinate plane drawn as SVG: the picture the vector widgets share.

The dot-product playground (chapters 2-3) draws its query and keys as arrows
here and the blending slider (chapter 5) its values and their blend. A
:class:`Plane` maps data coordinates to SVG user units at the *same* scale on
both axes (angles and lengths are what a dot product is about), with the
origin always in view and grid lines at a round step. The root ``<svg>``
carries the mapping (``data-origin-x``, ``data-origin-y``, ``data-scale``) and
a keyboard step (``data-step``, half a grid step), so a page script can turn a pointer position
into data coordinates; the numbers themselves are always computed here.

Attribute names are lower case (``viewbox``): the HTML parser gives SVG
attributes their camel case, and :func:`explainer.html.h` accepts only lower case.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from explainer.html import Child, Element, h

__all__ = ["Plane", "arrow", "at", "grid", "label", "nice_step", "plane_for", "svg"]

PAD = 26.0
"""Room around the plotted box for tick labels and arrow labels, in user units."""


def nice_step(span: float, lines: int = 8) -> float:
    """A round grid step (1, 2 or 5 times a power of ten) giving about ``lines`` lines over ``span``.

    Example:
        >>> nice_step(13), nice_step(0.4), nice_step(0)
        (2.0, 0.05, 1.0)
    """
    if not span > 0 or not math.isfinite(span):
        return 1.0
    raw = span / lines
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)


@dataclass(frozen=True)
class Plane:
    """The data box ``[x_lo, x_hi] × [y_lo, y_hi]`` drawn at ``scale`` user units per data unit.

    Attributes:
        x_lo: left edge of the box (data units); x_hi, y_lo, y_hi likewise.
        step: grid spacing (data units).
        scale: user units per data unit, the same on both axes.
    """

    x_lo: float
    x_hi: float
    y_lo: float
    y_hi: float
    step: float
    scale: float

    @property
    def width(self) -> float:
        """The SVG's width in user units (box and padding)."""
        return (self.x_hi - self.x_lo) * self.scale + 2 * PAD

    @property
    def height(self) -> float:
        """The SVG's height in user units (box and padding)."""
        return (self.y_hi - self.y_lo) * self.scale + 2 * PAD


def at(plane: Plane, x: float, y: float) -> tuple[float, float]:
    """User coordinates of the data point ``(x, y)`` (SVG's y grows downwards)."""
    return PAD + (x - plane.x_lo) * plane.scale, PAD + (plane.y_hi - y) * plane.scale


def plane_for(points: Iterable[Sequence[float]], size: float = 260.0) -> Plane:
    """The smallest plane with round edges that shows the origin and every point.

    Args:
        points: 2-D points, each ``(x, y)``.
        size: the longer side of the box in user units.

    Example:
        >>> p = plane_for([(2, 3), (11, 13)])
        >>> (p.x_lo, p.x_hi, p.y_lo, p.y_hi, p.step)
        (0.0, 12.0, 0.0, 14.0, 2.0)
    """
    xs, ys = zip(*((float(x), float(y)) for x, y in points), (0.0, 0.0), strict=True)
    step = nice_step(max(max(xs) - min(xs), max(ys) - min(ys)))
    x_lo, x_hi = step * math.floor(min(xs) / step), step * math.ceil(max(xs) / step)
    y_lo, y_hi = step * math.floor(min(ys) / step), step * math.ceil(max(ys) / step)
    x_hi, y_hi = max(x_hi, x_lo + step), max(y_hi, y_lo + step)  # never an empty box
    scale = size / max(x_hi - x_lo, y_hi - y_lo)
    return Plane(x_lo, x_hi, y_lo, y_hi, step, scale)


def _n(value: float) -> str:
    """A user-unit coordinate for an attribute: one decimal, no ``-0``."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _tick(value: float) -> str:
    """A grid value for a label, without float noise (``0.30000000000000004`` is 0.3) or ``-0``.

    Example:
        >>> _tick(0.1 + 0.2), _tick(-0.0), _tick(2.5e-12)
        ('0.3', '0', '2.5e-12')
    """
    return format(value + 0.0, ".6g")


def grid(plane: Plane) -> Element:
    """Grid lines at every step, the two axes (thicker) and a number at each end of them."""
    left, top = at(plane, plane.x_lo, plane.y_hi)
    right, bottom = at(plane, plane.x_hi, plane.y_lo)
    ox, oy = at(plane, 0.0, 0.0)
    count = round((plane.x_hi - plane.x_lo) / plane.step), round((plane.y_hi - plane.y_lo) / plane.step)
    xs = (at(plane, plane.x_lo + i * plane.step, 0.0)[0] for i in range(count[0] + 1))
    ys = (at(plane, 0.0, plane.y_lo + i * plane.step)[1] for i in range(count[1] + 1))
    path = "".join(f"M{_n(x)} {_n(top)}V{_n(bottom)}" for x in xs)
    path += "".join(f"M{_n(left)} {_n(y)}H{_n(right)}" for y in ys)
    axes = f"M{_n(left)} {_n(oy)}H{_n(right)}M{_n(ox)} {_n(top)}V{_n(bottom)}"
    ticks = [
        label(plane.x_lo, 0.0, _tick(plane.x_lo), plane, dy=14, cls="pl-tick"),
        label(plane.x_hi, 0.0, _tick(plane.x_hi), plane, dy=14, cls="pl-tick"),
        label(0.0, plane.y_hi, _tick(plane.y_hi), plane, dx=-4, cls="pl-tick pl-tick--y"),
        label(0.0, plane.y_lo, _tick(plane.y_lo), plane, dx=-4, dy=-4, cls="pl-tick pl-tick--y"),
    ]
    return h(
        "g",
        {"class": "pl-grid", "aria-hidden": "true"},
        h("path", {"class": "pl-lines", "d": path}),
        h("path", {"class": "pl-axes", "d": axes}),
        ticks if plane.x_lo < 0 or plane.y_lo < 0 else ticks[1:3],
    )


def label(
    x: float, y: float, text: str, plane: Plane, *, dx: float = 0, dy: float = 0, cls: str = "pl-label"
) -> Element:
    """A text label at data point ``(x, y)``, moved by ``(dx, dy)`` user units."""
    ux, uy = at(plane, x, y)
    return h("text", {"class": cls, "x": _n(ux + dx), "y": _n(uy + dy)}, text)


def arrow(plane: Plane, x: float, y: float, cls: str, head: float = 9.0) -> Element:
    """An arrow from the origin to ``(x, y)``: a shaft and a filled head (a dot for the zero vector)."""
    ox, oy = at(plane, 0.0, 0.0)
    tx, ty = at(plane, x, y)
    length = math.hypot(tx - ox, ty - oy)
    if length < 1e-9:
        return h("circle", {"class": cls, "cx": _n(tx), "cy": _n(ty), "r": "3"})
    ux, uy = (tx - ox) / length, (ty - oy) / length  # unit direction on screen
    size = min(head, length)
    bx, by = tx - ux * size, ty - uy * size  # where the head meets the shaft
    wing = size * 0.45
    corners = ((tx, ty), (bx - uy * wing, by + ux * wing), (bx + uy * wing, by - ux * wing))
    points = " ".join(f"{_n(cx)},{_n(cy)}" for cx, cy in corners)
    return h(
        "g",
        {"class": cls},
        h("path", {"d": f"M{_n(ox)} {_n(oy)}L{_n(bx)} {_n(by)}"}),
        h("polygon", {"points": points}),
    )


def svg(plane: Plane, name: str, css_class: str, children: Iterable[Child]) -> Element:
    """The root ``<svg>``: its view box, accessible name and the mapping a page script reads."""
    ox, oy = at(plane, 0.0, 0.0)
    attrs = {
        "class": f"pl-plane {css_class}",
        "viewbox": f"0 0 {_n(plane.width)} {_n(plane.height)}",
        "role": "group",
        "aria-label": name,
        "data-origin-x": _n(ox),
        "data-origin-y": _n(oy),
        "data-scale": repr(plane.scale),
        "data-step": _tick(plane.step / 2),
    }
    return h("svg", attrs, grid(plane), children)
