"""The heatmaps' colour scale: viridis computed here, with a number colour that keeps its contrast.

A weight in ``[0, 1]`` gets its colour from :data:`VIRIDIS` (matplotlib's
viridis, the colour map of the site's figures, so a widget and the figure beside
it agree); the number written on it is black or white, whichever contrasts more
(WCAG 2 relative luminance). Colour is never alone: the heatmaps also write the
number and draw a square whose area is the weight.

References:
    WCAG 2.2, "contrast ratio" and "relative luminance":
    https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio
"""

from __future__ import annotations

import functools

from explainer.html import Element, h

__all__ = [
    "SCALE_STEPS",
    "VIRIDIS",
    "colour_legend",
    "colour_styles",
    "contrast_ratio",
    "relative_luminance",
    "text_colour",
    "weight_colour",
]

VIRIDIS = (
    "#440154", "#470d60", "#48186a", "#482374", "#472d7b", "#453681", "#424086", "#3f4989", "#3b528b",
    "#375a8d", "#33638d", "#2f6a8e", "#2c728e", "#297a8e", "#26818e", "#23898e", "#21908c", "#1f988b",
    "#1f9f88", "#21a685", "#28ae80", "#31b57b", "#3ebc74", "#4cc26c", "#5dc963", "#6ece58", "#82d34c",
    "#96d83f", "#abdc32", "#c0df24", "#d5e21a", "#eae51a", "#fde725",
)  # fmt: skip
"""Viridis (the figures' ``Theme.cmap``) sampled at 0, 1/32, …, 1: colour-blind safe, lighter as it rises."""
SCALE_STEPS = 256
"""Colours a heatmap distinguishes: weights are rounded to the nearest 1/255 for their colour only."""


def _rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` or ``#rgb`` as three bytes."""
    digits = colour[1:] if len(colour) == 7 else "".join(c * 2 for c in colour[1:4])
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb`` (or ``#rgb``).

    Example:
        >>> relative_luminance("#ffffff"), relative_luminance("#000000")
        (1.0, 0.0)
    """
    linear = [c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in _rgb(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` (or ``#rgb``) colours, from 1 to 21.

    Example:
        >>> round(contrast_ratio("#000000", "#ffffff"), 1)
        21.0
    """
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def weight_colour(weight: float) -> str:
    """The colour of a weight in ``[0, 1]`` (clipped): viridis, linearly between its stops.

    Example:
        >>> weight_colour(0.0), weight_colour(1.0), weight_colour(0.5)
        ('#440154', '#fde725', '#21918c')
    """
    x = min(max(float(weight), 0.0), 1.0) * (len(VIRIDIS) - 1)
    i = min(int(x), len(VIRIDIS) - 2)
    low, high, t = _rgb(VIRIDIS[i]), _rgb(VIRIDIS[i + 1]), x - i
    return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(low, high, strict=True))


def text_colour(background: str) -> str:
    """Black or white, whichever has the higher contrast on ``background``.

    Either one has at least 4.58:1 on any colour, above WCAG's 4.5:1 for small text.

    Example:
        >>> text_colour("#440154"), text_colour("#fde725")
        ('#fff', '#000')
    """
    return (
        "#000" if contrast_ratio(background, "#000000") >= contrast_ratio(background, "#ffffff") else "#fff"
    )


@functools.cache
def colour_styles() -> tuple[str, ...]:
    """For each step of the scale, the cell's background and text colour as inline CSS."""
    colours = (weight_colour(step / (SCALE_STEPS - 1)) for step in range(SCALE_STEPS))
    return tuple(f";background:{c};color:{text_colour(c)}" for c in colours)


def colour_legend() -> Element:
    """The key to a coloured heatmap: the scale from 0 to 1, and what else shows the weight."""
    gradient = "background:linear-gradient(to right," + ",".join(VIRIDIS[::4]) + ")"
    return h(
        "p",
        {"class": "explainer-scale"},
        h("span", {"class": "explainer-scale-end"}, "0"),
        h("span", {"class": "explainer-scale-bar", "style": gradient, "aria-hidden": "true"}),
        h("span", {"class": "explainer-scale-end"}, "1"),
        " Colour (viridis, dark to light), the square's area and the number each show the weight; "
        "× marks a masked pair.",
    )
