"""Figure for chapter 3: the dot-product scores next to their softmax weights.

Data: :func:`explainer.examples.softmax_example` (the scores of chapter 2's
keys, named by :func:`explainer.examples.dot_product_example`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from explainer.examples import dot_product_example, softmax_example
from explainer.figures.draw import sci, title, weight_bars, weight_label
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FIGURES", "draw_softmax_scores", "softmax_scores_alt"]


def draw_softmax_scores(theme: Theme) -> Figure:
    """Scores [61, 8, 26] next to their softmax weights."""
    ex = softmax_example()
    names = dot_product_example().key_names
    fig = new_figure(theme, width=8.0, height=2.6, ncols=2)
    left, right = fig.axes
    weight_bars(left, list(names), ex.scores, theme, fmt=".0f", xmax=70.0)
    title(left, "scores", theme)
    weight_bars(right, list(names), ex.weights, theme, fmt=weight_label)
    title(right, "softmax weights (sum to 1)", theme)
    right.set_xlabel("weight", color=theme.fg)
    return fig


def softmax_scores_alt() -> str:
    """Alt text for :func:`draw_softmax_scores`."""
    ex = softmax_example()
    names = dot_product_example().key_names
    pairs = ", ".join(
        f"{n}: score {s:.0f} → weight {sci(float(w))}"
        for n, s, w in zip(names, ex.scores, ex.weights, strict=True)
    )
    return (
        f"Two bar charts: the scores and their softmax. {pairs}. Softmax is essentially one-hot on "
        f"{names[int(np.argmax(ex.weights))]}: the other weights are too small to see."
    )


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="softmax_scores", draw=draw_softmax_scores, alt=softmax_scores_alt),
)
