"""Figure for chapter 5: the output is a blend of the values, on the segment between them.

Data: :func:`explainer.examples.value_blend_example`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explainer.examples import value_blend_example
from explainer.figures.draw import grid, number_list, vector
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FIGURES", "draw_value_blend", "value_blend_alt"]


def draw_value_blend(theme: Theme) -> Figure:
    """Two value vectors, the segment between them (their hull) and the blended output."""
    ex = value_blend_example()
    fig = new_figure(theme, width=5.2, height=3.6)
    ax = fig.axes[0]
    v1, v2 = ex.values
    hull = "every possible blend (the hull)"
    ax.plot([v1[0], v2[0]], [v1[1], v2[1]], color=theme.muted, linestyle="--", linewidth=1.2, label=hull)
    for i, (v, w) in enumerate(zip(ex.values, ex.weights, strict=True), start=1):
        ax.annotate(
            "",
            xy=tuple(v),
            xytext=(0, 0),
            arrowprops={"arrowstyle": "-|>", "color": theme.accents[i], "linewidth": 1.6},
        )
        ax.text(
            v[0] + 0.12,
            v[1] + 0.12,
            f"v{i} = [{v[0]:.0f}, {v[1]:.0f}]\nweight {w:.2f}",
            color=theme.ink[i],
            fontsize=9,
        )
    out = ex.output  # (2,)
    vector(ax, out, theme.accents[0], 1.0, "")
    ax.plot([out[0]], [out[1]], "o", color=theme.accents[0], markersize=8, label="output Σ wᵢ vᵢ", zorder=5)
    ax.text(
        out[0] + 0.25,
        out[1] - 0.25,
        f"[{out[0]:.2f}, {out[1]:.2f}]",
        color=theme.ink[0],
        fontsize=9,
        va="top",
    )
    ax.set_xlim(-0.3, 5.2)
    ax.set_ylim(-0.3, 4.0)
    ax.set_aspect("equal")
    grid(ax, theme, "both")
    ax.legend(labelcolor=theme.fg, loc="upper right")
    return fig


def value_blend_alt() -> str:
    """Alt text for :func:`draw_value_blend`."""
    ex = value_blend_example()
    (a, b), (c, d) = ex.values
    return (
        f"Two value vectors v1 = [{a:.0f}, {b:.0f}] and v2 = [{c:.0f}, {d:.0f}] drawn as arrows, joined by a "
        f"dashed segment. With weights {number_list(ex.weights)} the output {ex.weights[0]:.2f}·v1 + "
        f"{ex.weights[1]:.2f}·v2 = {number_list(ex.output)} lies on that segment, {ex.position:.0%} of the "
        f"way from v1 to v2."
    )


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="value_blend", draw=draw_value_blend, alt=value_blend_alt),
)
