"""Figures for chapter 9: attention over raw GloVe vectors.

Each drawing function takes the theme and, optionally, the example to draw
(by default the one :mod:`explainer.examples` computes from the real
vectors); each alt-text function describes the same data in words and numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

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
from explainer.examples.context_map import ContextualMap, MapMove, contextual_map
from explainer.figures.draw import heatmap, title, weight_bars
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure, style_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FIGURES",
    "cat_it_alt",
    "contextualisation_alt",
    "contextualisation_map_alt",
    "draw_cat_it_bars",
    "draw_contextualisation_map",
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


# ---------------------------------------------------------------- the map

_GROUP_MARKERS = {"sentence": "o", "food": "s", "river": "^", "money": "D"}
_MOVE_STYLES = ("solid", (0, (4, 2)))  # first and second sentence of a pair: colour is not the only channel


def _place_words(ax: Axes, cmap: ContextualMap, theme: Theme) -> None:
    """Every word's point, marker shape and colour by group, and its name beside it."""
    starts = {move.shift.word for move in cmap.moves}
    for i, group in enumerate(_GROUP_MARKERS):
        chosen = [j for j, g in enumerate(cmap.groups) if g == group]
        colour = theme.muted if group == "sentence" else theme.accents[i]
        xy = cmap.points[chosen]  # (n_group, 2)
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=22,
            marker=_GROUP_MARKERS[group],
            color=colour,
            label=f"{group} words",
            zorder=2,
        )
    for word, (x, y) in zip(cmap.words, cmap.points.tolist(), strict=True):
        strong = word in starts
        ax.annotate(
            word,
            (x, y),
            xytext=(4, 3),
            textcoords="offset points",
            color=theme.fg,
            fontsize=10 if strong else 8,
            fontweight="bold" if strong else "normal",
        )


def _move_arrow(ax: Axes, move: MapMove, index: int, theme: Theme) -> None:
    """One move: an arrow from the raw word to its output, in its colour and line style."""
    props = {
        "arrowstyle": "-|>",
        "color": theme.ink[index],
        "linewidth": 1.6,
        "shrinkA": 0,
        "shrinkB": 0,
        "linestyle": _MOVE_STYLES[index % 2],
        "mutation_scale": 10,
    }
    ax.annotate("", xy=tuple(move.end), xytext=tuple(move.start), arrowprops=props, zorder=4)
    ax.scatter(
        move.end[0],
        move.end[1],
        s=28,
        facecolors="none",
        edgecolors=theme.ink[index],
        linewidths=1.2,
        zorder=5,
    )


def _move_text(move: MapMove) -> str:
    """ "the hot dog was": 1.49 in 50-D (31% of |dog|), 0.71 on the map — the arrow's lengths."""
    s = move.shift
    share = f"{s.moved_share:.0%} of |{s.word}|"
    return f'"{s.sentence}": {s.moved:.2f} in 50-D ({share}), {move.map_length:.2f} on the map'


def _end_label(ax: Axes, move: MapMove, index: int, upper: bool, theme: Theme) -> None:
    """The sentence beside an arrow's end, past the end in x and apart from the other end in y."""
    left = move.end[0] < move.start[0]
    ax.annotate(
        f'"{move.shift.sentence}"',
        tuple(move.end),
        xytext=(-7 if left else 7, 5 if upper else -11),
        textcoords="offset points",
        ha="right" if left else "left",
        color=theme.ink[index],
        fontsize=8,
    )


def _zoom(ax: Axes, cmap: ContextualMap, pair: tuple[int, int], theme: Theme) -> None:
    """Around one word: its two moves at the map's own scale, their lengths written under them."""
    moves = [cmap.moves[i] for i in pair]
    ends = np.array([moves[0].start, *(m.end for m in moves)])  # (3, 2)
    centre, half = ends.mean(axis=0), max(float(np.ptp(ends, axis=0).max()) * 0.75, 0.25)
    ax.update_datalim([centre - half, centre + half])  # limits from data, so equal aspect can widen them
    ax.set_aspect("equal", adjustable="datalim")  # the map's own scale, the box as wide as its column
    start, word = moves[0].start, moves[0].shift.word
    away = start - np.mean([m.end for m in moves], axis=0)  # (2,) the word's name goes opposite its arrows
    away = 12 * away / float(np.linalg.norm(away))
    ax.scatter(start[0], start[1], s=40, color=theme.fg, zorder=3)
    ax.annotate(
        word,
        tuple(start),
        xytext=tuple(away),
        textcoords="offset points",
        ha="center",
        va="center",
        color=theme.fg,
        fontsize=10,
        fontweight="bold",
    )
    top = max(m.end[1] for m in moves)
    for i, move in zip(pair, moves, strict=True):
        _move_arrow(ax, move, i, theme)
        _end_label(ax, move, i, move.end[1] == top, theme)
    ax.set_xlabel("\n".join(_move_text(m) for m in moves), fontsize=8, loc="left")
    title(ax, f'close-up of "{word}" (equal axes)', theme)


def draw_contextualisation_map(theme: Theme, example: ContextualMap | None = None) -> Figure:
    """The example's words on two principal axes, and how far attention moves "dog" and "bank"."""
    cmap = contextual_map() if example is None else example
    fig = new_figure(theme, width=9.6, height=6.0)
    fig.clear()
    grid_spec = fig.add_gridspec(2, 2, width_ratios=(1.2, 1.0))
    overview = fig.add_subplot(grid_spec[:, 0])
    zooms = [fig.add_subplot(grid_spec[r, 1]) for r in range(2)]
    for ax in (overview, *zooms):
        style_axes(ax, theme)
    _place_words(overview, cmap, theme)
    for i, move in enumerate(cmap.moves):
        _move_arrow(overview, move, i, theme)
    overview.set_aspect("equal", adjustable="datalim")
    overview.set_xlabel(f"axis 1 (keeps {cmap.explained[0]:.0%} of the spread)")
    overview.set_ylabel(f"axis 2 (keeps {cmap.explained[1]:.0%})")
    overview.legend(loc="best", labelcolor=theme.fg, fontsize=8)
    title(overview, "GloVe words on two principal axes", theme)
    _zoom(zooms[0], cmap, (0, 1), theme)
    _zoom(zooms[1], cmap, (2, 3), theme)
    return fig


def contextualisation_map_alt(example: ContextualMap | None = None) -> str:
    """Alt text for :func:`draw_contextualisation_map`, from the same numbers."""
    cmap = contextual_map() if example is None else example
    where = "; ".join(
        f"{w} ({x:.1f}, {y:.1f})" for w, (x, y) in zip(cmap.words, cmap.points.tolist(), strict=True)
    )
    moves = "; ".join(_move_text(m) for m in cmap.moves)
    return (
        f"A map of GloVe word vectors on their first two principal axes, which keep "
        f"{cmap.explained[0]:.0%} and {cmap.explained[1]:.0%} of the words' spread. Points: {where}. "
        f"Arrows from a word's own vector to its attention output, with the length of each move in all "
        f"50 dimensions and on the map: {moves}."
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
    FigureSpec(name="contextualisation_map", draw=draw_contextualisation_map, alt=contextualisation_map_alt),
)
