"""Figure for chapter 6: the weight matrix A of the step-through example.

Data: :func:`explainer.examples.step_through_example`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explainer.examples import step_through_example
from explainer.figures.draw import colourbar, heatmap, number_list, title
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FIGURES", "draw_step_through_weights", "step_through_weights_alt"]


def draw_step_through_weights(theme: Theme) -> Figure:
    """The 3 × 3 weight matrix A of the step-through example."""
    ex = step_through_example()
    fig = new_figure(theme, width=4.4, height=3.4)
    ax = fig.axes[0]
    image = heatmap(ax, ex.weights, ex.tokens, ex.tokens, theme)
    title(ax, "A = softmax(Q Kᵀ / √d_k)", theme)
    colourbar(fig, image, ax, theme)
    return fig


def step_through_weights_alt() -> str:
    """Alt text for :func:`draw_step_through_weights`."""
    ex = step_through_example()
    rows = "; ".join(
        f"{tok} attends {number_list(row)}" for tok, row in zip(ex.tokens, ex.weights, strict=True)
    )
    return f'Heatmap of the 3 × 3 attention weights for "{" ".join(ex.tokens)}", rows are queries: {rows}.'


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="step_through_weights", draw=draw_step_through_weights, alt=step_through_weights_alt),
)
