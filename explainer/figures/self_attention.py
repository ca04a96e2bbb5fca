"""Figures for chapter 6: the weight matrices of the self- and cross-attention examples.

- ``step_through_weights``: the square weights of :func:`explainer.examples.step_through_example`.
- ``cross_attention_weights``: the 2 × 4 weights of :func:`explainer.examples.cross_attention_example`,
  target words (queries) in rows, source words (keys) in columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explainer.examples import cross_attention_example, step_through_example
from explainer.figures.draw import colourbar, heatmap, number_list, title
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "FIGURES",
    "cross_attention_weights_alt",
    "draw_cross_attention_weights",
    "draw_step_through_weights",
    "step_through_weights_alt",
]


def draw_step_through_weights(theme: Theme) -> Figure:
    """The square weight matrix A of the step-through example (masked cells are exactly 0)."""
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
    shape = " × ".join(map(str, ex.weights.shape))
    return f'Heatmap of the {shape} attention weights for "{" ".join(ex.tokens)}", rows are queries: {rows}.'


def draw_cross_attention_weights(theme: Theme) -> Figure:
    """The 2 × 4 weight matrix A of the cross-attention example: one row per target word."""
    ex = cross_attention_example()
    fig = new_figure(theme, width=5.6, height=2.6)
    ax = fig.axes[0]
    image = heatmap(
        ax,
        ex.weights,
        ex.target_tokens,
        ex.source_tokens,
        theme,
        xlabel="key: source word (English)",
        ylabel="query: target word\n(French)",
    )
    n_q, n_k = ex.weights.shape
    title(ax, f"A = softmax(Q Kᵀ / √d_k): {n_q} queries × {n_k} keys", theme)
    colourbar(fig, image, ax, theme)
    return fig


def cross_attention_weights_alt() -> str:
    """Alt text for :func:`draw_cross_attention_weights`."""
    ex = cross_attention_example()
    n_q, n_k = ex.weights.shape
    rows = "; ".join(
        f"{tok} attends {number_list(row)}" for tok, row in zip(ex.target_tokens, ex.weights, strict=True)
    )
    return (
        f'Heatmap of the {n_q} × {n_k} cross-attention weights: rows are the target words "'
        f'{" ".join(ex.target_tokens)}" (queries), columns the source words "{" ".join(ex.source_tokens)}" '
        f"(keys), with seeded random projections: {rows}."
    )


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="step_through_weights", draw=draw_step_through_weights, alt=step_through_weights_alt),
    FigureSpec(
        name="cross_attention_weights", draw=draw_cross_attention_weights, alt=cross_attention_weights_alt
    ),
)
