"""Figure for chapter 1 (and the home page): the whole idea of attention in one picture.

One query of the step-through example (:func:`explainer.examples.step_through_example`)
is compared with every key, its scores become softmax weights, and the output
is the weighted blend of the values; arrow thickness follows the weight.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from explainer.examples import step_through_example
from explainer.figures.draw import arrow
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure
from explainer.types import FloatArray

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["FIGURES", "OVERVIEW_QUERY", "attention_overview_alt", "draw_attention_overview"]

OVERVIEW_QUERY = 3
"""Which token of the step-through example the overview picture follows ("mice", the last word:
under the example's causal mask it is the one that sees every key)."""

_COLUMN_HEADS = (
    "query",
    "1. compare with\nevery key",
    "2. score\nq·k / √d_k",
    "3. softmax:\nweights",
    "4. values vᵢ, shaded\nby their weight",
    "output",
)
"""The picture's column headings, left to right."""

_COLUMN_X = (0.9, 3.0, 5.0, 7.0, 9.3, 11.4)
"""Where each column of the picture is centred."""


def _box(ax: Axes, x: float, y: float, w: float, h: float, text: str, colour: str, theme: Theme) -> None:
    """A rounded box centred at (x, y) with centred text."""
    from matplotlib.patches import FancyBboxPatch

    patch = FancyBboxPatch(
        (x - w / 2, y - h / 2),
        w,
        h,
        boxstyle="round,pad=0.02,rounding_size=0.12",
        facecolor="none",
        edgecolor=colour,
        linewidth=1.6,
    )
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", color=theme.fg, fontsize=10)


def _mini_bars(
    ax: Axes, x: float, y: float, vector: FloatArray, scale: float, colour: str, alpha: float
) -> None:
    """A tiny bar chart of ``vector`` (shape ``(d,)``) centred at (x, y); bars go up or down from y."""
    from matplotlib.patches import Rectangle

    width = 0.2
    left = x - width * len(vector) / 2
    for i, value in enumerate(vector):
        height = float(value) * scale
        bar = Rectangle(
            (left + i * width, min(y, y + height)),
            width * 0.8,
            abs(height),
            facecolor=colour,
            alpha=alpha,
            linewidth=0,
        )
        ax.add_patch(bar)
    ax.plot([left - 0.05, left + width * len(vector)], [y, y], color=colour, linewidth=0.6, alpha=0.6)


def draw_attention_overview(theme: Theme) -> Figure:
    """Query → compare with keys → scores → softmax weights → blend of values → output."""
    ex = step_through_example()
    qi = OVERVIEW_QUERY
    n = len(ex.tokens)
    fig = new_figure(theme, width=9.6, height=3.6)
    ax = fig.axes[0]
    ax.set_xlim(0, 12.4)
    ax.set_ylim(-0.3, n + 0.75)
    ax.axis("off")
    rows = [n - 1 - i + 0.35 for i in range(n)]  # y of each key row, first token on top
    for x, head in zip(_COLUMN_X, _COLUMN_HEADS, strict=True):
        ax.text(x, n + 0.45, head, ha="center", va="center", color=theme.muted, fontsize=9)
    q_colour, k_colour, v_colour = theme.accents[0], theme.accents[1], theme.accents[2]
    centre = sum(rows) / n
    _box(ax, 0.9, centre, 1.4, 0.75, f"“{ex.tokens[qi]}”", q_colour, theme)
    scale = 0.32 / float(np.max(np.abs(ex.v)))
    for i, y in enumerate(rows):
        weight = float(ex.weights[qi, i])
        arrow(ax, (1.65, centre), (2.3, y), theme.muted, 0.9)
        _box(ax, 3.0, y, 1.3, 0.6, f"“{ex.tokens[i]}”", k_colour, theme)
        ax.text(
            5.0, y, f"{ex.scaled_scores[qi, i]:+.2f}", ha="center", va="center", color=theme.fg, fontsize=10
        )
        ax.barh(y, weight * 1.8, left=6.1, height=0.42, color=q_colour)
        ax.text(6.15 + weight * 1.8, y, f" {weight:.2f}", va="center", ha="left", color=theme.fg, fontsize=10)
        _mini_bars(ax, 9.3, y, ex.v[i], scale, v_colour, 0.25 + 0.75 * weight)
        arrow(ax, (9.85, y), (10.75, centre), theme.muted, 0.5 + 4.0 * weight)
    _mini_bars(ax, 11.4, centre, ex.output[qi], scale, q_colour, 1.0)
    ax.text(11.4, centre - 0.62, "Σ weight × value", ha="center", va="center", color=theme.muted, fontsize=8)
    ax.text(
        7.0, -0.15, f"weights sum to {ex.weights[qi].sum():.2f}", ha="center", color=theme.muted, fontsize=8
    )
    formula = "output = Σᵢ softmax(q·kᵢ / √d_k) vᵢ"
    ax.text(0.1, -0.15, formula, ha="left", color=theme.fg, fontsize=9)
    return fig


def attention_overview_alt() -> str:
    """Alt text for :func:`draw_attention_overview`, from the same numbers."""
    ex = step_through_example()
    qi = OVERVIEW_QUERY
    parts = ", ".join(
        f"{tok}: score {ex.scaled_scores[qi, i]:+.2f}, weight {ex.weights[qi, i]:.2f}"
        for i, tok in enumerate(ex.tokens)
    )
    return (
        f'Diagram of attention for the query "{ex.tokens[qi]}" in "{" ".join(ex.tokens)}": the query is '
        f"compared with every key by a scaled dot product, softmax turns the scores into weights that sum "
        f"to 1, and the output is the weighted blend of the value vectors (arrow thickness follows the "
        f"weight). Keys: {parts}."
    )


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="attention_overview", draw=draw_attention_overview, alt=attention_overview_alt),
)
