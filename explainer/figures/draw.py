"""Drawing helpers shared by every figure module, and the SVG writer.

- :func:`heatmap` draws an attention-weight matrix with readable labels and
  annotated cells whose text colour contrasts with the cell.
- :func:`weight_bars` draws one query's weights as horizontal bars.
- :func:`title`, :func:`grid`, :func:`log2_axes`, :func:`arrow`, :func:`vector`
  and :func:`colourbar` give every chapter's figures the same small touches;
  :func:`sci`, :func:`weight_label` and :func:`number_list` write numbers the
  same way in figures and alt text.
- :func:`to_svg` renders a :class:`~explainer.figures.spec.FigureSpec` to
  reproducible SVG bytes (same input, same bytes), which the site build and
  the tests use.

Nothing here touches pyplot: the helpers draw on an Axes they are given.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from explainer.figures.theme import Theme
from explainer.types import BoolArray, FloatArray

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.cm import ScalarMappable
    from matplotlib.figure import Figure
    from matplotlib.image import AxesImage
    from matplotlib.lines import Line2D

    from explainer.figures.spec import FigureSpec

__all__ = [
    "HOUSE_RC",
    "SVG_HASHSALT",
    "arrow",
    "colourbar",
    "contrast_text_colour",
    "grid",
    "heatmap",
    "log2_axes",
    "number_list",
    "sci",
    "title",
    "to_svg",
    "vector",
    "weight_bars",
    "weight_label",
]

SVG_HASHSALT = "attention-explained"
"""Fixed salt for matplotlib's SVG ids, so two renders give the same bytes."""

HOUSE_RC: dict[str, Any] = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "path",  # glyphs as paths: no font needed by the reader, stable bytes
    "svg.hashsalt": SVG_HASHSALT,
}
"""The house look for teaching figures: small type, no top/right spines."""


def _relative_luminance(rgb: Sequence[float]) -> float:
    """WCAG relative luminance of an sRGB colour with channels in [0, 1]."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb[:3]]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_text_colour(rgb: Sequence[float]) -> str:
    """Black or white, whichever reads better on a cell of colour ``rgb``.

    Args:
        rgb: the cell colour as (r, g, b[, a]) floats in [0, 1].

    Returns:
        ``"#000000"`` or ``"#ffffff"``, whichever has the higher WCAG
        contrast ratio against ``rgb``.

    Example:
        >>> contrast_text_colour((0.27, 0.0, 0.33))  # viridis' dark purple
        '#ffffff'
        >>> contrast_text_colour((0.99, 0.91, 0.14))  # viridis' yellow
        '#000000'
    """
    lum = _relative_luminance(rgb)
    against_black = (lum + 0.05) / 0.05
    against_white = 1.05 / (lum + 0.05)
    return "#000000" if against_black >= against_white else "#ffffff"


def _checked_matrix(weights: ArrayLike, n_rows: int, n_cols: int) -> FloatArray:
    """Weights as a finite 2-D float array matching the label counts."""
    w = np.asarray(weights, dtype=np.float64)  # (n_rows, n_cols)
    if w.ndim != 2:
        raise ValueError(f"heatmap needs a 2-D weight matrix, got shape {w.shape}")
    if w.shape != (n_rows, n_cols):
        raise ValueError(
            f"weights have shape {w.shape} but there are {n_rows} row and {n_cols} column labels"
        )
    if not np.all(np.isfinite(w)):
        raise ValueError("heatmap weights contain NaN or infinite values")
    return w


def heatmap(
    ax: Axes,
    weights: ArrayLike,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    theme: Theme,
    annotate: bool = True,
    *,
    vmin: float = 0.0,
    vmax: float = 1.0,
    fmt: str = ".2f",
    xlabel: str = "key (attended to)",
    ylabel: str = "query (attending)",
    hidden: ArrayLike | None = None,
) -> AxesImage:
    """Draw a weight matrix as a heatmap, one row per query, one column per key.

    The colour scale is fixed to ``[vmin, vmax]`` (``[0, 1]`` for attention
    weights) so heatmaps in different figures compare directly. Annotated
    values use black or white text, whichever contrasts with the cell.
    Column labels are rotated when they would otherwise collide.

    Args:
        ax: the Axes to draw on (styled with the theme already or not).
        weights: values to show, shape ``(n_rows, n_cols)``.
        row_labels: one label per row (queries).
        col_labels: one label per column (keys).
        theme: colours for the reading mode.
        annotate: write each value in its cell.
        vmin: value mapped to the bottom of the colour scale.
        vmax: value mapped to the top of the colour scale.
        fmt: format spec for annotations, e.g. ``".2f"``.
        xlabel: x-axis label ("" for none).
        ylabel: y-axis label ("" for none).
        hidden: optional boolean mask, shape ``(n_rows, n_cols)``; ``True``
            cells (e.g. masked-out positions) get a "×" instead of a number.

    Returns:
        The image, so a caller can add a colour bar with ``fig.colorbar``.

    Raises:
        ValueError: if the shapes disagree or values are not finite.
    """
    w = _checked_matrix(weights, len(row_labels), len(col_labels))  # (n_rows, n_cols)
    image = ax.imshow(w, cmap=theme.cmap, vmin=vmin, vmax=vmax, aspect="equal", interpolation="nearest")
    _label_heatmap_axes(ax, row_labels, col_labels, theme, xlabel, ylabel)
    if annotate:
        hide = np.zeros(w.shape, dtype=bool) if hidden is None else np.asarray(hidden, dtype=bool)
        _annotate_cells(ax, w, image.cmap, image.norm, fmt, hide)
    return image


def _label_heatmap_axes(
    ax: Axes, row_labels: Sequence[str], col_labels: Sequence[str], theme: Theme, xlabel: str, ylabel: str
) -> None:
    """Ticks, labels and thin cell separators for :func:`heatmap`."""
    ax.set_xticks(range(len(col_labels)), labels=list(col_labels))
    ax.set_yticks(range(len(row_labels)), labels=list(row_labels))
    longest = max((len(s) for s in col_labels), default=0)
    if longest * len(col_labels) > 24:  # roughly when labels start to touch
        ax.tick_params(axis="x", labelrotation=45)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
    ax.set_xlabel(xlabel, color=theme.muted)
    ax.set_ylabel(ylabel, color=theme.muted)
    ax.tick_params(length=0, colors=theme.fg, labelcolor=theme.fg)
    for spine in ax.spines.values():
        spine.set_visible(False)
    # Thin separators in the page colour would vanish on a transparent background; use the grid colour.
    ax.set_xticks(np.arange(len(col_labels) + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(len(row_labels) + 1) - 0.5, minor=True)
    ax.grid(which="minor", color=theme.grid, linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    ax.grid(which="major", visible=False)


def _annotate_cells(ax: Axes, w: FloatArray, cmap: object, norm: object, fmt: str, hide: BoolArray) -> None:
    """Write each cell's value (or "×" where hidden) in a contrasting colour."""
    n_rows, n_cols = w.shape
    size = 9 if max(n_rows, n_cols) <= 6 else 7
    for i in range(n_rows):
        for j in range(n_cols):
            cell_rgb = cmap(norm(w[i, j]))  # type: ignore[operator]
            text = "×" if hide[i, j] else format(w[i, j], fmt)
            ax.text(j, i, text, ha="center", va="center", fontsize=size, color=contrast_text_colour(cell_rgb))


def weight_bars(
    ax: Axes,
    labels: Sequence[str],
    weights: ArrayLike,
    theme: Theme,
    highlight: int | str | Sequence[int | str] | None = None,
    *,
    fmt: str | Callable[[float], str] = ".2f",
    xmax: float = 1.0,
) -> None:
    """Draw one query's weights as horizontal bars, first label at the top.

    Bars are in the theme's first accent colour, or in a muted colour when a
    ``highlight`` is given and the bar is not highlighted. Each bar carries
    its value at its end.

    Args:
        ax: the Axes to draw on.
        labels: one label per bar (the keys).
        weights: values, shape ``(n,)``, normally in ``[0, 1]``.
        theme: colours for the reading mode.
        highlight: bar(s) to emphasise, by index or label; ``None`` for none.
        fmt: format spec for the value labels, or a function from value to label.
        xmax: right end of the x axis (1 for weights).

    Raises:
        ValueError: on a length mismatch, non-finite values, or an unknown
            highlight.
    """
    w = np.asarray(weights, dtype=np.float64)  # (n,)
    if w.ndim != 1 or len(w) != len(labels):
        raise ValueError(
            f"weight_bars needs one weight per label: {len(labels)} labels, weights shape {w.shape}"
        )
    if not np.all(np.isfinite(w)):
        raise ValueError("weight_bars weights contain NaN or infinite values")
    chosen = _highlight_indices(labels, highlight)
    emphasised = [not chosen or i in chosen for i in range(len(w))]
    positions = np.arange(len(w))  # (n,)
    bars = ax.barh(positions, w, color=theme.accents[0], height=0.7)
    for bar, strong in zip(bars, emphasised, strict=True):
        if not strong:  # de-emphasised bars fade rather than change hue, so both themes read the same way
            bar.set_color(theme.muted)
            bar.set_alpha(0.55)
    ax.set_yticks(positions, labels=list(labels))
    ax.invert_yaxis()
    ax.set_xlim(0, xmax * 1.12)  # room for the value labels
    for pos, value in zip(positions, w, strict=True):
        label = fmt(float(value)) if callable(fmt) else format(value, fmt)
        ax.text(value + 0.01 * xmax, float(pos), label, va="center", ha="left", fontsize=8, color=theme.fg)
    ax.tick_params(axis="y", length=0, colors=theme.fg, labelcolor=theme.fg)
    ax.tick_params(axis="x", colors=theme.muted, labelcolor=theme.muted)
    ax.spines["left"].set_visible(False)


def _highlight_indices(labels: Sequence[str], highlight: int | str | Sequence[int | str] | None) -> set[int]:
    """Resolve ``highlight`` (index, label or a sequence of them) to indices."""
    if highlight is None:
        return set()
    items = [highlight] if isinstance(highlight, int | str) else list(highlight)
    chosen: set[int] = set()
    for item in items:
        if isinstance(item, str):
            if item not in labels:
                raise ValueError(f"highlight {item!r} is not one of the labels {list(labels)}")
            chosen.add(list(labels).index(item))
        elif 0 <= item < len(labels):
            chosen.add(int(item))
        else:
            raise ValueError(f"highlight index {item} is out of range for {len(labels)} labels")
    return chosen


def sci(x: float) -> str:
    """A number for alt text: plain when moderate, "2.1e-09" style when tiny or huge.

    Example:
        >>> sci(0.25), sci(2.06e-9), sci(0.0)
        ('0.25', '2.1e-09', '0.00')
    """
    return f"{x:.2g}" if (x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e5)) else f"{x:.2f}"


def weight_label(w: float) -> str:
    """A weight for a bar label: three decimals, or scientific notation when it would show as 0.000.

    Example:
        >>> weight_label(0.8808), weight_label(1e-23)
        ('0.881', '1.0e-23')
    """
    return f"{w:.3f}" if w == 0 or w >= 5e-4 else f"{w:.1e}"


def number_list(values: Sequence[float] | FloatArray, fmt: str = ".2f") -> str:
    """``[0.88, 0.12]`` style list for alt text.

    Example:
        >>> number_list([0.881, 0.119]), number_list([1.0, 2.5], ".1f")
        ('[0.88, 0.12]', '[1.0, 2.5]')
    """
    return "[" + ", ".join(format(float(v), fmt) for v in values) + "]"


def title(ax: Axes, text: str, theme: Theme, loc: Literal["left", "center", "right"] = "left") -> None:
    """Axes title in the theme's text colour, left-aligned unless ``loc`` says otherwise."""
    ax.set_title(text, color=theme.fg, loc=loc)


def grid(ax: Axes, theme: Theme, axis: Literal["both", "x", "y"] = "y") -> None:
    """Light reference grid behind the data."""
    ax.grid(True, axis=axis, color=theme.grid, linewidth=0.6)
    ax.set_axisbelow(True)


def log2_axes(ax: Axes, axes: str = "x") -> None:
    """Base-2 log scale on the named axes ("x", "y" or "xy"), labelled 1, 4, 16, ... not as powers."""
    from matplotlib.ticker import FuncFormatter

    plain = FuncFormatter(lambda value, _pos: f"{value:g}")
    for name in axes:
        axis = ax.xaxis if name == "x" else ax.yaxis
        (ax.set_xscale if name == "x" else ax.set_yscale)("log", base=2)
        axis.set_major_formatter(plain)


def arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    colour: str,
    width: float,
    zorder: float | None = None,
) -> None:
    """A straight arrow from ``start`` to ``end`` of the given line width (``zorder`` None: the default)."""
    props = {"arrowstyle": "-|>", "color": colour, "linewidth": width, "shrinkA": 0, "shrinkB": 0}
    ax.annotate("", xy=end, xytext=start, arrowprops=props, zorder=zorder)


def vector(ax: Axes, vec: FloatArray, colour: str, width: float, label: str) -> Line2D:
    """An arrow from the origin to ``vec`` (shape ``(2,)``); returns a legend handle for it.

    Thicker arrows are drawn above thinner ones, so a short thick vector stays
    visible on a longer thin one along the same line.
    """
    from matplotlib.lines import Line2D

    arrow(ax, (0, 0), (float(vec[0]), float(vec[1])), colour, width, zorder=3 + width)
    return Line2D([], [], color=colour, linewidth=width, label=label)


def colourbar(fig: Figure, image: ScalarMappable, axes: Axes | Sequence[Axes], theme: Theme) -> None:
    """A slim, themed colour bar for weights in [0, 1], beside ``axes``."""
    bar = fig.colorbar(image, ax=axes, shrink=0.8, fraction=0.05, pad=0.02)
    bar.outline.set_edgecolor(theme.muted)
    bar.ax.tick_params(colors=theme.fg, labelcolor=theme.fg, labelsize=8)
    bar.set_label("weight", color=theme.fg)


def to_svg(spec: FigureSpec, theme: Theme) -> bytes:
    """Draw ``spec`` in ``theme`` and return reproducible SVG bytes.

    The figure is drawn and saved inside the house rc context with a fixed
    ``svg.hashsalt`` and without a date, so the same code and data always give
    byte-identical output. The background stays transparent.

    Args:
        spec: the figure to draw.
        theme: the reading mode to draw it in.

    Returns:
        The UTF-8 SVG document.
    """
    from matplotlib import rc_context

    buffer = io.BytesIO()
    with rc_context(HOUSE_RC):  # type: ignore[arg-type]
        fig = spec.draw(theme)
        fig.savefig(buffer, format="svg", metadata={"Date": None}, transparent=True)
    return buffer.getvalue()
