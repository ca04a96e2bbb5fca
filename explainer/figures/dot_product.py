"""Figure for chapter 2: the query and three keys as arrows, and their dot products.

Data: :func:`explainer.examples.dot_product_example`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explainer.examples import dot_product_example
from explainer.figures.draw import grid, title, vector, weight_bars
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FIGURES", "dot_product_vectors_alt", "draw_dot_product_vectors"]

# Where each arrow's short name sits relative to its tip: (dx, dy, ha), chosen so no two collide.
_TIP_LABELS = {
    "q": (-0.3, 0.3, "right"),
    "C": (0.3, 0.0, "left"),
    "A": (-0.3, 0.0, "right"),
    "B": (0.3, 0.0, "left"),
}


def draw_dot_product_vectors(theme: Theme) -> Figure:
    """The query and keys C, A, B as arrows in 2-D, and their dot-product scores."""
    ex = dot_product_example()
    fig = new_figure(theme, width=8.0, height=3.6, ncols=2)
    ax, bars = fig.axes
    colours = theme.accents[1:4]
    handles = []
    for name, key, score, colour in zip(ex.key_names, ex.keys, ex.scores, colours, strict=True):
        handles.append(
            vector(ax, key, colour, 1.6, f"{name} = [{key[0]:.0f}, {key[1]:.0f}], q·{name} = {score:.0f}")
        )
    # q = [2, 3] lies along B = [4, 6]: drawn last and thicker so it stays visible on top of B.
    handles.insert(
        0, vector(ax, ex.query, theme.accents[0], 2.6, f"q = [{ex.query[0]:.0f}, {ex.query[1]:.0f}]")
    )
    for name, vec, colour in zip(("q", *ex.key_names), (ex.query, *ex.keys), theme.ink[:4], strict=True):
        dx, dy, ha = _TIP_LABELS[name]
        ax.text(
            vec[0] + dx, vec[1] + dy, name, color=colour, fontsize=11, fontweight="bold", ha=ha, va="bottom"
        )
    ax.set_xlim(-0.5, 15.5)
    ax.set_ylim(-0.5, 15)
    ax.set_aspect("equal")
    grid(ax, theme, "both")
    ax.legend(handles=handles, labelcolor=theme.fg, loc="upper left", fontsize=8, handlelength=1.2)
    title(ax, "query and keys", theme)
    weight_bars(bars, [f"q·{name}" for name in ex.key_names], ex.scores, theme, fmt=".0f", xmax=70.0)
    for patch, colour in zip(bars.patches, colours, strict=True):
        patch.set_color(colour)
    bars.set_xlabel("dot product (score)", color=theme.fg)
    title(bars, "scores: larger = more similar", theme)
    return fig


def dot_product_vectors_alt() -> str:
    """Alt text for :func:`draw_dot_product_vectors`."""
    ex = dot_product_example()
    keys = "; ".join(
        f"{n} = [{k[0]:.0f}, {k[1]:.0f}] scores {s:.0f}"
        for n, k, s in zip(ex.key_names, ex.keys, ex.scores, strict=True)
    )
    return (
        f"Left: arrows from the origin for the query q = [{ex.query[0]:.0f}, {ex.query[1]:.0f}] "
        f"and the keys. "
        f"Right: bars of the dot products q·key. {keys}. Key {ex.best_key}, longest and most aligned "
        f"with q, gets the highest score."
    )


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="dot_product_vectors", draw=draw_dot_product_vectors, alt=dot_product_vectors_alt),
)
