"""Figures for chapter 7b, word order: position encodings and what they change.

Data: :func:`explainer.examples.sinusoidal_example`,
:func:`explainer.examples.learned_positions` (the all-MiniLM-L6-v2 weights)
and :func:`explainer.examples.repeated_word_example` (the GloVe vectors).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from explainer.examples import learned_positions, repeated_word_example, sinusoidal_example, token_labels
from explainer.figures.draw import colourbar, grid, heatmap, number_list, title
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FIGURES",
    "draw_position_similarity",
    "draw_repeated_word_heatmaps",
    "draw_sinusoidal_distance",
    "draw_sinusoidal_heatmap",
    "position_similarity_alt",
    "repeated_word_heatmaps_alt",
    "sinusoidal_distance_alt",
    "sinusoidal_heatmap_alt",
]

_MARKERS = ("o", "s", "^", "D")


def _legend(ax: Axes, theme: Theme) -> None:
    """A legend whose text follows the theme."""
    ax.legend(labelcolor=theme.fg)


def draw_sinusoidal_heatmap(theme: Theme) -> Figure:
    """The sinusoidal encoding as an image: one row per position, one column per dimension."""
    pe = sinusoidal_example().encoding  # (n, d)
    fig = new_figure(theme, width=6.4, height=4.6)
    ax = fig.axes[0]
    image = ax.imshow(pe, cmap=theme.cmap, vmin=-1.0, vmax=1.0, aspect="auto", interpolation="nearest")
    ax.set_xlabel("dimension (even: sine, odd: cosine)")
    ax.set_ylabel("position")
    title(ax, f"sinusoidal encoding, {pe.shape[0]} positions × d = {pe.shape[1]}", theme)
    colourbar(fig, image, ax, theme)
    assert image.colorbar is not None
    image.colorbar.set_label("PE value", color=theme.fg)  # the shared bar says "weight"
    return fig


def sinusoidal_heatmap_alt() -> str:
    """Alt text for :func:`draw_sinusoidal_heatmap`."""
    pe = sinusoidal_example().encoding  # (n, d)
    return (
        f"A {pe.shape[0]} × {pe.shape[1]} image of the sinusoidal position encoding, values from −1 to 1. "
        f"Position 0 is {number_list(pe[0, :4], '.0f')} and so on, sine 0 and cosine 1 in every pair; "
        f"the first columns change fast down the positions (position 1 starts {number_list(pe[1, :2])}), "
        f"the last columns hardly change (position {pe.shape[0] - 1} ends {number_list(pe[-1, -2:])})."
    )


def draw_sinusoidal_distance(theme: Theme) -> Figure:
    """``PE(p) · PE(p + k)`` against ``k`` for each start ``p``: the curves lie on top of each other."""
    ex = sinusoidal_example()
    fig = new_figure(theme, width=6.4, height=3.6)
    ax = fig.axes[0]
    for i, (p, dots) in enumerate(zip(ex.starts, ex.dot_products, strict=True)):
        ax.plot(
            ex.distances,
            dots,
            color=theme.accents[i],
            marker=_MARKERS[i % len(_MARKERS)],
            markevery=(i * 2, 8),  # staggered, so every curve shows although they coincide
            linewidth=1.4,
            label=f"p = {p}",
        )
    ax.set_xlabel("distance k")
    ax.set_ylabel("PE(p) · PE(p + k)")
    title(ax, f"one curve whatever p is (d = {ex.encoding.shape[1]})", theme)
    grid(ax, theme)
    _legend(ax, theme)
    return fig


def sinusoidal_distance_alt() -> str:
    """Alt text for :func:`draw_sinusoidal_distance`."""
    ex = sinusoidal_example()
    curve = ex.dot_products[0]
    return (
        f"Line chart of the dot product PE(p) · PE(p + k) against the distance k = 0 to "
        f"{int(ex.distances[-1])}, for p = {', '.join(str(p) for p in ex.starts)}. The {len(ex.starts)} "
        f"curves coincide (largest difference {ex.max_spread:.1e}): {curve[0]:.1f} at k = 0, "
        f"{curve[1]:.1f} at k = 1, {curve[8]:.1f} at k = 8, {curve[-1]:.1f} at k = {int(ex.distances[-1])}."
    )


def draw_position_similarity(theme: Theme) -> Figure:
    """Mean cosine against distance, learned vs sinusoidal; and the learned positions' lengths."""
    ex = learned_positions()
    fig = new_figure(theme, width=8.8, height=3.6, ncols=2)
    left, right = fig.axes
    left.plot(
        ex.distances, ex.learned_cosine, color=theme.accents[0], marker="o", markevery=4, label="learned"
    )
    label = f"sinusoidal, d = {ex.shape[1]}"
    left.plot(ex.distances, ex.sinusoidal_cosine, color=theme.accents[1], linestyle="--", label=label)
    left.axhline(0, color=theme.muted, linewidth=0.8)
    left.set_xlabel("distance k")
    left.set_ylabel("mean cosine of p and p + k")
    title(left, "how alike are positions k apart?", theme)
    grid(left, theme)
    _legend(left, theme)
    right.plot(np.arange(ex.shape[0]), ex.norms, color=theme.accents[0], linewidth=1.0)
    right.annotate(
        f"position 0: {ex.norms[0]:.2f}",
        (0, float(ex.norms[0])),
        xytext=(12, -4),
        textcoords="offset points",
        va="top",
        color=theme.fg,
    )
    right.set_xlabel("position")
    right.set_ylabel("length ‖P[p]‖")
    title(right, f"learned positions' lengths (median {ex.median_norm:.2f})", theme)
    grid(right, theme)
    return fig


def position_similarity_alt() -> str:
    """Alt text for :func:`draw_position_similarity`."""
    ex = learned_positions()
    pairs = "; ".join(
        f"k = {k}: learned {ex.cosine_at(k)[0]:.2f}, sinusoidal {ex.cosine_at(k)[1]:.2f}"
        for k in (1, 2, 8, 64)
    )
    learned_rise, sinusoidal_rise = ex.largest_rise()
    return (
        f"Two charts of all-MiniLM-L6-v2's {ex.shape[0]} × {ex.shape[1]} learned position table. Left: the "
        f"mean cosine similarity of positions k apart, for k = 0 to {int(ex.distances[-1])}, next to a "
        f"sinusoidal table of the same shape; {pairs}. Both fall with distance, the learned one with bumps: "
        f"its largest rise from one k to the next is {learned_rise:.2f}, the sinusoidal one's "
        f"{sinusoidal_rise:.3f}. Right: each position's length; position 0 has {ex.norms[0]:.2f}, the "
        f"median is {ex.median_norm:.2f}."
    )


def draw_repeated_word_heatmaps(theme: Theme) -> Figure:
    """GloVe attention over the repeated-word sentence, without and with positions."""
    ex = repeated_word_example()
    fig = new_figure(theme, width=8.0, height=3.8, ncols=2)
    panels = ((ex.plain.weights, "GloVe alone"), (ex.positioned, f"GloVe + {ex.scale:.2f} · PE"))
    labels = token_labels(ex.tokens)
    images = []
    for i, (ax, (weights, name)) in enumerate(zip(fig.axes, panels, strict=True)):
        ylabel = "query" if i == 0 else ""
        images.append(heatmap(ax, weights, labels, labels, theme, xlabel="key", ylabel=ylabel))
        title(ax, name, theme, loc="center")
    colourbar(fig, images[-1], fig.axes, theme)
    return fig


def repeated_word_heatmaps_alt() -> str:
    """Alt text for :func:`draw_repeated_word_heatmaps`."""
    ex = repeated_word_example()
    a, b = ex.copies
    rows = [(ex.plain.weights, "GloVe alone"), (ex.positioned, "with positions")]
    described = "; ".join(
        f"{name}, {ex.word} {a} row {number_list(w[a])} and {ex.word} {b} row {number_list(w[b])}"
        for w, name in rows
    )
    return (
        f'Two heatmaps of attention weights over "{" ".join(ex.tokens)}" (rows attend to columns), '
        f"without and with scaled sinusoidal positions added to the GloVe vectors. {described}. "
        f"The two {ex.word} rows differ by at most {ex.row_difference[0]:.2f} without positions and "
        f"{ex.row_difference[1]:.2f} with them."
    )


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="sinusoidal_heatmap", draw=draw_sinusoidal_heatmap, alt=sinusoidal_heatmap_alt),
    FigureSpec(name="sinusoidal_distance", draw=draw_sinusoidal_distance, alt=sinusoidal_distance_alt),
    FigureSpec(name="position_similarity", draw=draw_position_similarity, alt=position_similarity_alt),
    FigureSpec(
        name="repeated_word_heatmaps", draw=draw_repeated_word_heatmaps, alt=repeated_word_heatmaps_alt
    ),
)
