"""Colours and figure scaffolding shared by every figure.

Each figure is drawn twice, once per theme, and the page shows the one that
matches the reader's palette (Material's ``#only-light`` / ``#only-dark``).
Backgrounds stay transparent so the page colour shows through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Theme:
    """Colours for one reading mode.

    Attributes:
        name: ``"light"`` or ``"dark"``.
        fg: text, axes and tick colour.
        muted: secondary text and reference lines.
        grid: grid lines.
        accents: categorical colours, distinguishable in both modes and for
            the common colour-vision deficiencies (Okabe-Ito based).
        cmap: sequential colormap for weights (0 to 1).
        ink: the accents for text, position for position: on the page's
            background (:attr:`page`) each has at least 4.5:1 contrast
            (WCAG 1.4.3). In the light theme they are the accents darkened
            in lightness only, so hue and order stay the same.
        page: the page colour the figure sits on (Material's default and
            slate backgrounds); figures are transparent, so their contrast
            is measured against it.
    """

    name: Literal["light", "dark"]
    fg: str
    muted: str
    grid: str
    accents: tuple[str, ...]
    cmap: str
    ink: tuple[str, ...]
    page: str


LIGHT = Theme(
    name="light",
    fg="#1f2328",
    muted="#57606a",
    grid="#d0d7de",
    accents=("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"),
    cmap="viridis",
    ink=("#0072B2", "#BE5400", "#00825F", "#BA4B89", "#996A00", "#1779B0"),
    page="#ffffff",
)
DARK = Theme(
    name="dark",
    fg="#e6edf3",
    muted="#9da7b3",
    grid="#3d444d",
    accents=("#56B4E9", "#E69F00", "#2BC4A0", "#E08BC0", "#F0E442", "#8FB8FF"),
    cmap="viridis",
    ink=("#56B4E9", "#E69F00", "#2BC4A0", "#E08BC0", "#F0E442", "#8FB8FF"),
    page="#1e2129",  # hsl(225deg 15% 14%), Material's slate --md-default-bg-color
)
THEMES = (LIGHT, DARK)


def new_figure(
    theme: Theme, width: float = 6.4, height: float = 3.6, nrows: int = 1, ncols: int = 1
) -> Figure:
    """A transparent Figure whose text and axes use the theme's colours.

    No pyplot state is touched: the Figure is created directly, so drawing
    figures is thread-safe and leaves nothing behind.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    fig.patch.set_alpha(0.0)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax in axes.flat:
        style_axes(ax, theme)
    return fig


def style_axes(ax: object, theme: Theme) -> None:
    """Apply the theme's colours to one Axes (transparent face, themed spines)."""
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    ax.set_facecolor("none")
    for spine in ax.spines.values():
        spine.set_color(theme.muted)
    ax.tick_params(colors=theme.fg, labelcolor=theme.fg)
    ax.xaxis.label.set_color(theme.fg)
    ax.yaxis.label.set_color(theme.fg)
    ax.title.set_color(theme.fg)
