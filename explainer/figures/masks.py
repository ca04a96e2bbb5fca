"""Figure for chapter 7: the same sentence under each mask, forbidden cells marked ×.

The panels sit in rows of three (the last one is the trap, causal + no self,
whose first row is fully masked), so each heatmap stays large enough to read.

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


PER_ROW = 3  # panels per row of the figure


def draw_mask_weights(theme: Theme) -> Figure:
    """Every mask kind, in rows of :data:`PER_ROW` panels; forbidden cells are marked ×."""
    rows = -(-len(MASK_KINDS) // PER_ROW)  # ceiling division
    fig = new_figure(theme, width=9.6, height=3.4 * rows, nrows=rows, ncols=PER_ROW)
    used, spare = fig.axes[: len(MASK_KINDS)], fig.axes[len(MASK_KINDS) :]
    images = []
    for i, (ax, kind) in enumerate(zip(used, MASK_KINDS, strict=True)):
        ex = mask_example(kind)
        first_column = i % PER_ROW == 0
        ylabel = "query" if first_column else ""
        images.append(
            heatmap(ax, ex.weights, ex.tokens, ex.tokens, theme, hidden=~ex.mask, ylabel=ylabel, xlabel="key")
        )
        if not first_column:
            ax.set_yticklabels([])
        title(ax, MASK_LABELS[kind], theme)
    for ax in spare:
        ax.set_axis_off()
    colourbar(fig, images[-1], used, theme)
    return fig


def mask_weights_alt() -> str:
    """Alt text for :func:`draw_mask_weights`."""
    parts, empty = [], []
    for kind in MASK_KINDS:
        ex = mask_example(kind)
        masked = int((~ex.mask).sum())
        parts.append(f"{MASK_LABELS[kind]}: {masked} cells masked, first row {number_list(ex.weights[0])}")
        empty += [f"row {i + 1} under {MASK_LABELS[kind]}" for i in ex.empty_rows]
    sums = "every row sums to 1" + (f", except {', '.join(empty)}, fully masked and all 0" if empty else "")
    return (
        f'{len(MASK_KINDS)} heatmaps of attention weights over "{" ".join(ex.tokens)}", one per mask; '
        f"masked cells are marked × and have weight exactly 0, and {sums}. " + "; ".join(parts) + "."
    )


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="mask_weights", draw=draw_mask_weights, alt=mask_weights_alt),
)
