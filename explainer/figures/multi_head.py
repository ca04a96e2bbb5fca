"""Figure for chapter 8: each head's weights over the same sentence, side by side.

Data: :func:`explainer.examples.multi_head_example` with
:data:`MULTI_HEAD_FIGURE_HEADS` heads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from explainer.examples import multi_head_example
from explainer.figures.draw import colourbar, heatmap, title
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FIGURES", "MULTI_HEAD_FIGURE_HEADS", "draw_multi_head_heatmaps", "multi_head_heatmaps_alt"]

MULTI_HEAD_FIGURE_HEADS = 4
"""Heads shown side by side in ``multi_head_heatmaps`` (d_model = 8, so d_k = 2 each)."""


def draw_multi_head_heatmaps(theme: Theme) -> Figure:
    """Per-head weight heatmaps of the multi-head example, side by side."""
    ex = multi_head_example(MULTI_HEAD_FIGURE_HEADS)
    fig = new_figure(theme, width=12.0, height=3.6, ncols=ex.n_heads)
    images = []
    for h, ax in enumerate(fig.axes):
        ylabel = "query" if h == 0 else ""
        images.append(
            heatmap(ax, ex.head_weights[h], ex.tokens, ex.tokens, theme, ylabel=ylabel, xlabel="key")
        )
        if h:
            ax.set_yticklabels([])
        title(ax, f"head {h + 1}", theme)
    colourbar(fig, images[-1], fig.axes, theme)
    return fig


def multi_head_heatmaps_alt() -> str:
    """Alt text for :func:`draw_multi_head_heatmaps`."""
    ex = multi_head_example(MULTI_HEAD_FIGURE_HEADS)
    tops = "; ".join(
        f"head {h + 1}: {ex.tokens[1]} attends most to {ex.tokens[int(np.argmax(w[1]))]} ({w[1].max():.2f})"
        for h, w in enumerate(ex.head_weights)
    )
    return (
        f"{ex.n_heads} heatmaps, one per head (d_model = {ex.d_model}, d_k = {ex.d_model // ex.n_heads}), "
        f'of attention over "{" ".join(ex.tokens)}" with seeded random projections; the heads '
        f"weigh the same tokens differently. {tops}."
    )


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="multi_head_heatmaps", draw=draw_multi_head_heatmaps, alt=multi_head_heatmaps_alt),
)
