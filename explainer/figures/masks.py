"""Figure for chapter 7: the same sentence under each mask, forbidden cells marked ×.

Data: :func:`explainer.examples.mask_example` for each of
:data:`explainer.examples.MASK_KINDS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explainer.examples import MASK_KINDS, MASK_LABELS, mask_example
from explainer.figures.draw import colourbar, heatmap, number_list, title
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FIGURES", "draw_mask_weights", "mask_weights_alt"]


def draw_mask_weights(theme: Theme) -> Figure:
    """The four mask kinds side by side; forbidden cells are marked ×."""
    fig = new_figure(theme, width=12.0, height=3.6, ncols=len(MASK_KINDS))
    images = []
    for i, (ax, kind) in enumerate(zip(fig.axes, MASK_KINDS, strict=True)):
        ex = mask_example(kind)
        ylabel = "query" if i == 0 else ""
        images.append(
            heatmap(ax, ex.weights, ex.tokens, ex.tokens, theme, hidden=~ex.mask, ylabel=ylabel, xlabel="key")
        )
        if i:
            ax.set_yticklabels([])
        title(ax, MASK_LABELS[kind], theme)
    colourbar(fig, images[-1], fig.axes, theme)
    return fig


def mask_weights_alt() -> str:
    """Alt text for :func:`draw_mask_weights`."""
    parts = []
    for kind in MASK_KINDS:
        ex = mask_example(kind)
        masked = int((~ex.mask).sum())
        parts.append(f"{MASK_LABELS[kind]}: {masked} cells masked, first row {number_list(ex.weights[0])}")
    ex = mask_example("causal")
    return (
        f'Four heatmaps of attention weights over "{" ".join(ex.tokens)}", one per mask; masked cells are '
        f"marked × and have weight exactly 0, and every row sums to 1. " + "; ".join(parts) + "."
    )


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="mask_weights", draw=draw_mask_weights, alt=mask_weights_alt),
)
