"""Figures for chapter 9: attention over raw GloVe vectors.

Each drawing function takes the theme and, optionally, the example to draw
(by default the one :mod:`explainer.examples` computes from the real
vectors); each alt-text function describes the same data in words and numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from explainer.examples import (
    CatItExample,
    ContextComparison,
    ContextShift,
    ContextualisationExample,
    GloveAttention,
    KingQueenExample,
    cat_it_example,
    contextualisation_example,
    king_queen_example,
)
from explainer.figures.draw import heatmap, title, weight_bars
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FIGURES",
    "cat_it_alt",
    "contextualisation_alt",
    "draw_cat_it_bars",
    "draw_contextualisation_neighbours",
    "draw_king_queen_bars",
    "draw_king_queen_heatmap",
    "king_queen_bars_alt",
    "king_queen_heatmap_alt",
]

# (query, attention to use) for the bar view: king with self, then kingdom and queen without.
_BAR_QUERIES = (("king", "with_self"), ("kingdom", "no_self"), ("queen", "no_self"))


def _top(result: GloveAttention, query: str, n: int) -> str:
    """ "king 0.44, queen 0.16" — the ``n`` keys ``query`` weights most."""
    return ", ".join(f"{word} {weight:.2f}" for word, weight in result.ranked(query)[:n])


def draw_king_queen_heatmap(theme: Theme, example: KingQueenExample | None = None) -> Figure:
    """Two annotated heatmaps: weights with self-attention, and with it disabled."""
    ex = king_queen_example() if example is None else example
    fig = new_figure(theme, width=9.6, height=4.6, ncols=2)
    panels = ((ex.with_self, "with self-attention"), (ex.no_self, "self-attention disabled"))
    for ax, (result, name) in zip(fig.axes, panels, strict=True):
        heatmap(ax, result.weights, result.tokens, result.tokens, theme, hidden=~result.mask)
        title(ax, name, theme, loc="center")
    return fig


def king_queen_heatmap_alt(example: KingQueenExample | None = None) -> str:
    """Alt text for :func:`draw_king_queen_heatmap`, from the same numbers."""
    ex = king_queen_example() if example is None else example
    return (
        f'Two heatmaps of GloVe attention weights for "{ex.sentence}" (rows attend to columns). '
        f"With self-attention, king's largest weights are {_top(ex.with_self, 'king', 3)}. "
        f"With self-attention disabled (diagonal crossed out), kingdom's largest are "
        f"{_top(ex.no_self, 'kingdom', 2)} and queen's largest is {_top(ex.no_self, 'queen', 1)}."
    )


def _bar_view(ax: Axes, result: GloveAttention, query: str, theme: Theme, highlight: Sequence[str]) -> None:
    """One query's weights over the keys it may attend to, in sentence order."""
    row = result.position(query)
    keys = [j for j in range(len(result.tokens)) if result.mask[row, j]]
    labels = [result.tokens[j] for j in keys]
    chosen = [j for j, k in enumerate(keys) if result.tokens[k] in highlight]
    weights = result.weights[row, keys]  # (n_allowed,)
    xmax = min(1.0, math.ceil(float(weights.max()) * 10 + 0.5) / 10)  # shared headroom, never past 1
    weight_bars(ax, labels, weights, theme, highlight=chosen or None, xmax=xmax)


def draw_king_queen_bars(theme: Theme, example: KingQueenExample | None = None) -> Figure:
    """The terminal tool's bar view for king (with self), kingdom and queen (without)."""
    ex = king_queen_example() if example is None else example
    fig = new_figure(theme, width=9.6, height=3.4, ncols=len(_BAR_QUERIES))
    for ax, (query, which) in zip(fig.axes, _BAR_QUERIES, strict=True):
        result: GloveAttention = getattr(ex, which)
        top_two = [word for word, _ in result.ranked(query)[:2]]
        _bar_view(ax, result, query, theme, top_two)
        title(ax, f"{query} → ({which.replace('_', ' ')})", theme, loc="center")
        ax.set_xlabel("attention weight")
    return fig


def king_queen_bars_alt(example: KingQueenExample | None = None) -> str:
    """Alt text for :func:`draw_king_queen_bars`."""
    ex = king_queen_example() if example is None else example
    parts = [
        f"{query} ({which.replace('_', ' ')}): {_top(getattr(ex, which), query, 3)}"
        for query, which in _BAR_QUERIES
    ]
    return f'Bar charts of attention weights in "{ex.sentence}", largest first: ' + "; ".join(parts) + "."


def draw_cat_it_bars(theme: Theme, example: CatItExample | None = None) -> Figure:
    """Where "it" looks without self-attention; "cat" and the top key highlighted."""
    ex = cat_it_example() if example is None else example
    fig = new_figure(theme, width=6.4, height=3.6)
    ax = fig.axes[0]
    _bar_view(ax, ex.no_self, "it", theme, ("cat", ex.top_word))
    title(ax, '"it" → (self-attention disabled)', theme, loc="center")
    ax.set_xlabel("attention weight")
    return fig


def cat_it_alt(example: CatItExample | None = None) -> str:
    """Alt text for :func:`draw_cat_it_bars`."""
    ex = cat_it_example() if example is None else example
    return (
        f'Bar chart of the attention weights of "it" in "{ex.sentence}" with self-attention disabled. '
        f'"it" gives "cat" {ex.it_to_cat:.1%} and "{ex.top_word}" the most, {ex.top_weight:.1%}; '
        f"largest weights: {_top(ex.no_self, 'it', 4)}."
    )


def _neighbour_panel(ax: Axes, shift: ContextShift, other: ContextShift, theme: Theme) -> None:
    """Neighbours of one output; those absent from the other context's list are highlighted."""
    labels = [word for word, _ in shift.neighbours]
    others = {word for word, _ in other.neighbours}
    new = [i for i, word in enumerate(labels) if word not in others]
    weight_bars(ax, labels, [cos for _, cos in shift.neighbours], theme, highlight=new or None)
    title(ax, f'"{shift.word}" in "{shift.sentence}"', theme, loc="center")
    ax.set_xlabel("cosine similarity to the output vector")


def draw_contextualisation_neighbours(
    theme: Theme, example: ContextualisationExample | None = None
) -> Figure:
    """Nearest GloVe words to a word's attention output, in two contexts each.

    Neighbours that appear in only one of the two contexts are highlighted.
    """
    ex = contextualisation_example() if example is None else example
    fig = new_figure(theme, width=9.6, height=6.4, nrows=2, ncols=2)
    pairs = [(c.first, c.second) for c in (ex.dog, ex.bank)]
    pairs = [p for first, second in pairs for p in ((first, second), (second, first))]
    for ax, (shift, other) in zip(fig.axes, pairs, strict=True):
        _neighbour_panel(ax, shift, other, theme)
    return fig


def _describe_comparison(comparison: ContextComparison) -> str:
    def neighbours(shift: ContextShift) -> str:
        return ", ".join(word for word, _ in shift.neighbours[:5])

    changes = ", ".join(
        f"{group} {comparison.group_change(group):+.3f}" for group in comparison.first.group_cosines
    )
    return (
        f'"{comparison.word}" in "{comparison.first.sentence}": {neighbours(comparison.first)}; '
        f'in "{comparison.second.sentence}": {neighbours(comparison.second)} '
        f"(the two outputs have cosine {comparison.output_cosine:.3f}; mean cosine change to "
        f"food/river/money words: {changes})"
    )


def contextualisation_alt(example: ContextualisationExample | None = None) -> str:
    """Alt text for :func:`draw_contextualisation_neighbours`."""
    ex = contextualisation_example() if example is None else example
    return (
        "Four bar charts of the nearest GloVe words (cosine similarity) to a word's attention output; "
        "words found in only one of the two contexts are highlighted. "
        + _describe_comparison(ex.dog)
        + ". "
        + _describe_comparison(ex.bank)
        + "."
    )


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="king_queen_heatmap", draw=draw_king_queen_heatmap, alt=king_queen_heatmap_alt),
    FigureSpec(name="king_queen_bars", draw=draw_king_queen_bars, alt=king_queen_bars_alt),
    FigureSpec(name="cat_it_bars", draw=draw_cat_it_bars, alt=cat_it_alt),
    FigureSpec(
        name="contextualisation_neighbours",
        draw=draw_contextualisation_neighbours,
        alt=contextualisation_alt,
    ),
)
