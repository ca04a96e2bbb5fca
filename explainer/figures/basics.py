"""Figures for chapters 2-8 and 12 (and the home page's overview picture).

Every drawing function takes a :class:`~explainer.figures.theme.Theme` and
returns a new Figure; every alt-text function describes the same data in words
and numbers. All data comes from :mod:`explainer.examples.basics`, except the
measured times of ``cost_time_memory``, which come from the benchmark's
committed result file (see :func:`load_benchmark`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from explainer.examples.basics import (
    MASK_KINDS,
    cost_example,
    dot_product_example,
    mask_example,
    multi_head_example,
    saturation_curve,
    saturation_example,
    softmax_example,
    step_through_example,
    value_blend_example,
    variance_experiment,
)
from explainer.figures.draw import heatmap, weight_bars
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["BENCHMARK_JSON", "DATA_FILES", "FIGURES", "load_benchmark"]

BENCHMARK_JSON = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "attention_core.json"
"""Measured attention timings written by ``benchmarks/bench_attention.py`` (committed)."""

DATA_FILES: tuple[Path, ...] = (BENCHMARK_JSON,)
"""Files outside the package that figures here read: a figure cache must hash them too."""

OVERVIEW_QUERY = 2
"""Which token of the step-through example the overview picture follows ("mice")."""

MULTI_HEAD_FIGURE_HEADS = 4
"""Heads shown side by side in ``multi_head_heatmaps`` (d_model = 8, so d_k = 2 each)."""


def _sci(x: float) -> str:
    """A number for alt text: plain when moderate, "2.1e-09" style when tiny or huge."""
    return f"{x:.2g}" if (x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e5)) else f"{x:.2f}"


def _weight_label(w: float) -> str:
    """A weight for a bar label: three decimals, or scientific notation when it would show as 0.000."""
    return f"{w:.3f}" if w == 0 or w >= 5e-4 else f"{w:.1e}"


def _list(values: Sequence[float] | np.ndarray, fmt: str = ".2f") -> str:
    """``[0.88, 0.12]`` style list for alt text."""
    return "[" + ", ".join(format(float(v), fmt) for v in values) + "]"


def _title(ax: Axes, text: str, theme: Theme) -> None:
    """Left-aligned axes title in the theme's text colour."""
    ax.set_title(text, color=theme.fg, loc="left")


def _grid(ax: Axes, theme: Theme, axis: str = "y") -> None:
    """Light reference grid behind the data."""
    ax.grid(True, axis=axis, color=theme.grid, linewidth=0.6)  # type: ignore[arg-type]
    ax.set_axisbelow(True)


def _log2(ax: Axes, axes: str = "x") -> None:
    """Base-2 log scale on the named axes, labelled with plain numbers (1, 4, 16, ...) not powers."""
    from matplotlib.ticker import FuncFormatter

    plain = FuncFormatter(lambda value, _pos: f"{value:g}")
    for name in axes:
        axis = ax.xaxis if name == "x" else ax.yaxis
        (ax.set_xscale if name == "x" else ax.set_yscale)("log", base=2)
        axis.set_major_formatter(plain)


# --- Home page: the whole idea in one picture ----------------------------------------------


def _box(ax: Axes, x: float, y: float, w: float, h: float, text: str, colour: str, theme: Theme) -> None:
    """A rounded box centred at (x, y) with centred text."""
    from matplotlib.patches import FancyBboxPatch

    patch = FancyBboxPatch(
        (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
        facecolor="none", edgecolor=colour, linewidth=1.6,
    )  # fmt: skip
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", color=theme.fg, fontsize=10)


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], colour: str, width: float) -> None:
    """A straight arrow from ``start`` to ``end`` of the given line width."""
    ax.annotate(
        "", xy=end, xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": width, "shrinkA": 0, "shrinkB": 0},
    )  # fmt: skip


def _mini_bars(
    ax: Axes, x: float, y: float, vector: np.ndarray, scale: float, colour: str, alpha: float
) -> None:
    """A tiny bar chart of ``vector`` (shape ``(d,)``) centred at (x, y); bars go up or down from y."""
    from matplotlib.patches import Rectangle

    width = 0.2
    left = x - width * len(vector) / 2
    for i, value in enumerate(vector):
        height = float(value) * scale
        ax.add_patch(Rectangle((left + i * width, min(y, y + height)), width * 0.8, abs(height),
                               facecolor=colour, alpha=alpha, linewidth=0))  # fmt: skip
    ax.plot([left - 0.05, left + width * len(vector)], [y, y], color=colour, linewidth=0.6, alpha=0.6)


def draw_attention_overview(theme: Theme) -> Figure:
    """Query → compare with keys → scores → softmax weights → blend of values → output."""
    ex = step_through_example()
    qi = OVERVIEW_QUERY
    n = len(ex.tokens)
    fig = new_figure(theme, width=9.6, height=3.6)
    ax = fig.axes[0]
    ax.set_xlim(0, 12.4)
    ax.set_ylim(-0.3, n + 0.75)
    ax.axis("off")
    rows = [n - 1 - i + 0.35 for i in range(n)]  # y of each key row, first token on top
    heads = ("query", "1. compare with\nevery key", "2. score\nq·k / √d_k", "3. softmax:\nweights",
             "4. values vᵢ, shaded\nby their weight", "output")  # fmt: skip
    for x, head in zip((0.9, 3.0, 5.0, 7.0, 9.3, 11.4), heads, strict=True):
        ax.text(x, n + 0.45, head, ha="center", va="center", color=theme.muted, fontsize=9)
    q_colour, k_colour, v_colour = theme.accents[0], theme.accents[1], theme.accents[2]
    centre = sum(rows) / n
    _box(ax, 0.9, centre, 1.4, 0.75, f"“{ex.tokens[qi]}”", q_colour, theme)
    scale = 0.32 / float(np.max(np.abs(ex.v)))
    for i, y in enumerate(rows):
        weight = float(ex.weights[qi, i])
        _arrow(ax, (1.65, centre), (2.3, y), theme.muted, 0.9)
        _box(ax, 3.0, y, 1.3, 0.6, f"“{ex.tokens[i]}”", k_colour, theme)
        ax.text(
            5.0, y, f"{ex.scaled_scores[qi, i]:+.2f}", ha="center", va="center", color=theme.fg, fontsize=10
        )
        ax.barh(y, weight * 1.8, left=6.1, height=0.42, color=q_colour)
        ax.text(6.15 + weight * 1.8, y, f" {weight:.2f}", va="center", ha="left", color=theme.fg, fontsize=10)
        _mini_bars(ax, 9.3, y, ex.v[i], scale, v_colour, 0.25 + 0.75 * weight)
        _arrow(ax, (9.85, y), (10.75, centre), theme.muted, 0.5 + 4.0 * weight)
    _mini_bars(ax, 11.4, centre, ex.output[qi], scale, q_colour, 1.0)
    ax.text(11.4, centre - 0.62, "Σ weight × value", ha="center", va="center", color=theme.muted, fontsize=8)
    ax.text(
        7.0, -0.15, f"weights sum to {ex.weights[qi].sum():.2f}", ha="center", color=theme.muted, fontsize=8
    )
    formula = "output = Σᵢ softmax(q·kᵢ / √d_k) vᵢ"
    ax.text(0.1, -0.15, formula, ha="left", color=theme.fg, fontsize=9)
    return fig


def attention_overview_alt() -> str:
    """Alt text for :func:`draw_attention_overview`, from the same numbers."""
    ex = step_through_example()
    qi = OVERVIEW_QUERY
    parts = ", ".join(
        f"{tok}: score {ex.scaled_scores[qi, i]:+.2f}, weight {ex.weights[qi, i]:.2f}"
        for i, tok in enumerate(ex.tokens)
    )
    return (
        f'Diagram of attention for the query "{ex.tokens[qi]}" in "{" ".join(ex.tokens)}": the query is '
        f"compared with every key by a scaled dot product, softmax turns the scores into weights that sum "
        f"to 1, and the output is the weighted blend of the value vectors (arrow thickness follows the "
        f"weight). Keys: {parts}."
    )


# --- Chapter 2: dot products ---------------------------------------------------------------


def _vector(ax: Axes, vec: np.ndarray, colour: str, width: float, label: str) -> Any:
    """An arrow from the origin to ``vec`` (shape ``(2,)``); returns a legend handle for it."""
    from matplotlib.lines import Line2D

    arrow = {"arrowstyle": "-|>", "color": colour, "linewidth": width, "shrinkA": 0, "shrinkB": 0}
    ax.annotate("", xy=(float(vec[0]), float(vec[1])), xytext=(0, 0), arrowprops=arrow, zorder=3 + width)
    return Line2D([], [], color=colour, linewidth=width, label=label)


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
            _vector(ax, key, colour, 1.6, f"{name} = [{key[0]:.0f}, {key[1]:.0f}], q·{name} = {score:.0f}")
        )
    # q = [2, 3] lies along B = [4, 6]: drawn last and thicker so it stays visible on top of B.
    handles.insert(
        0, _vector(ax, ex.query, theme.accents[0], 2.6, f"q = [{ex.query[0]:.0f}, {ex.query[1]:.0f}]")
    )
    for name, vec, colour in zip(("q", *ex.key_names), (ex.query, *ex.keys), theme.ink[:4], strict=True):
        dx, dy, ha = _TIP_LABELS[name]
        ax.text(
            vec[0] + dx, vec[1] + dy, name, color=colour, fontsize=11, fontweight="bold", ha=ha, va="bottom"
        )
    ax.set_xlim(-0.5, 15.5)
    ax.set_ylim(-0.5, 15)
    ax.set_aspect("equal")
    _grid(ax, theme, "both")
    ax.legend(handles=handles, labelcolor=theme.fg, loc="upper left", fontsize=8, handlelength=1.2)
    _title(ax, "query and keys", theme)
    weight_bars(bars, [f"q·{name}" for name in ex.key_names], ex.scores, theme, fmt=".0f", xmax=70.0)
    for patch, colour in zip(bars.patches, colours, strict=True):
        patch.set_color(colour)
    bars.set_xlabel("dot product (score)", color=theme.fg)
    _title(bars, "scores: larger = more similar", theme)
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


# --- Chapter 3: softmax --------------------------------------------------------------------


def draw_softmax_scores(theme: Theme) -> Figure:
    """Scores [61, 8, 26] next to their softmax weights."""
    ex = softmax_example()
    names = dot_product_example().key_names
    fig = new_figure(theme, width=8.0, height=2.6, ncols=2)
    left, right = fig.axes
    weight_bars(left, list(names), ex.scores, theme, fmt=".0f", xmax=70.0)
    _title(left, "scores", theme)
    weight_bars(right, list(names), ex.weights, theme, fmt=_weight_label)
    _title(right, "softmax weights (sum to 1)", theme)
    right.set_xlabel("weight", color=theme.fg)
    return fig


def softmax_scores_alt() -> str:
    """Alt text for :func:`draw_softmax_scores`."""
    ex = softmax_example()
    names = dot_product_example().key_names
    pairs = ", ".join(
        f"{n}: score {s:.0f} → weight {_sci(float(w))}"
        for n, s, w in zip(names, ex.scores, ex.weights, strict=True)
    )
    return (
        f"Two bar charts: the scores and their softmax. {pairs}. Softmax is essentially one-hot on "
        f"{names[int(np.argmax(ex.weights))]}: the other weights are too small to see."
    )


# --- Chapter 4: scaling --------------------------------------------------------------------


def draw_saturation_d100(theme: Theme) -> Figure:
    """Weights of the perfect and the close match, unscaled vs scaled, d_k = 100."""
    ex = saturation_example()
    fig = new_figure(theme, width=8.0, height=2.4, ncols=2)
    labels = ["k₁ (perfect match)", "k₂ (close match)"]
    panels = (
        (ex.unscaled_scores, ex.unscaled_weights, "unscaled"),
        (ex.scaled_scores, ex.scaled_weights, f"scaled (÷ √{ex.d_k})"),
    )
    for ax, (scores, weights, name) in zip(fig.axes, panels, strict=True):
        weight_bars(ax, labels, weights, theme, fmt=_weight_label)
        _title(ax, f"{name}: scores [{scores[0]:.0f}, {scores[1]:.0f}]", theme)
        ax.set_xlabel("weight", color=theme.fg)
    fig.axes[1].set_yticklabels([])
    return fig


def saturation_d100_alt() -> str:
    """Alt text for :func:`draw_saturation_d100`."""
    ex = saturation_example()
    return (
        f"Two bar charts for d_k = {ex.d_k}. Unscaled scores [{ex.unscaled_scores[0]:.0f}, "
        f"{ex.unscaled_scores[1]:.0f}] give weights [{_sci(float(ex.unscaled_weights[0]))}, "
        f"{_sci(float(ex.unscaled_weights[1]))}]: the close match is ignored. Scaled scores "
        f"[{ex.scaled_scores[0]:.0f}, {ex.scaled_scores[1]:.0f}] give weights {_list(ex.scaled_weights)}: "
        f"the close match keeps a real share."
    )


def draw_variance_vs_dk(theme: Theme) -> Figure:
    """Empirical Var(q·k) against d_k, unscaled (grows like d_k) and scaled (stays at 1)."""
    ex = variance_experiment()
    fig = new_figure(theme, width=6.4, height=3.4)
    ax = fig.axes[0]
    dims = ex.dims.astype(float)
    ax.plot(dims, dims, color=theme.muted, linestyle="--", linewidth=1, label="theory: Var = d_k")
    ax.plot(dims, ex.unscaled_variance, "o-", color=theme.accents[1], label="q·k (unscaled)")
    band = 2 * ex.scaled_standard_error
    ax.fill_between(dims, 1 - band, 1 + band, color=theme.accents[0], alpha=0.18, linewidth=0,
                    label="±2 standard errors around 1")  # fmt: skip
    ax.plot(dims, ex.scaled_variance, "o-", color=theme.accents[0], label="q·k / √d_k (scaled)")
    _log2(ax, "xy")
    ax.set_xlabel("d_k (dimension of q and k)", color=theme.fg)
    ax.set_ylabel("variance of the score", color=theme.fg)
    _grid(ax, theme, "both")
    _title(ax, f"{ex.n_samples:,} random (q, k) pairs per d_k", theme)
    ax.legend(labelcolor=theme.fg, loc="upper left")
    return fig


def variance_vs_dk_alt() -> str:
    """Alt text for :func:`draw_variance_vs_dk`."""
    ex = variance_experiment()
    return (
        f"Log-log line chart of the variance of q·k against d_k from {ex.dims[0]} to {ex.dims[-1]}, "
        f"{ex.n_samples} random standard-normal pairs per d_k. Unscaled, the variance grows like d_k: "
        f"{_list(ex.unscaled_variance, '.1f')}. Divided by √d_k it stays near 1: "
        f"{_list(ex.scaled_variance)}."
    )


def draw_saturation_vs_dk(theme: Theme) -> Figure:
    """Largest weight and softmax-Jacobian norm against d_k, scaled and unscaled."""
    ex = saturation_curve()
    fig = new_figure(theme, width=8.0, height=3.2, ncols=2)
    dims = ex.dims.astype(float)
    panels = (
        (ex.unscaled_max_weight, ex.scaled_max_weight, "largest weight (1 = one-hot)", 1.0 / ex.n_keys),
        (ex.unscaled_gradient, ex.scaled_gradient, "gradient size (Jacobian norm)", None),
    )
    for ax, (raw, scaled, title, uniform) in zip(fig.axes, panels, strict=True):
        ax.plot(dims, raw, "o-", color=theme.accents[1], label="unscaled")
        ax.plot(dims, scaled, "o-", color=theme.accents[0], label="scaled by 1/√d_k")
        if uniform is not None:
            ax.axhline(
                uniform, color=theme.muted, linestyle=":", linewidth=1, label=f"uniform (1/{ex.n_keys})"
            )
        _log2(ax, "x")
        ax.set_ylim(0, 1.05 if uniform is not None else None)
        ax.set_xlabel("d_k", color=theme.fg)
        _grid(ax, theme, "both")
        _title(ax, title, theme)
    fig.axes[0].legend(labelcolor=theme.fg, loc="upper left")
    fig.axes[1].set_ylim(bottom=0)
    return fig


def saturation_vs_dk_alt() -> str:
    """Alt text for :func:`draw_saturation_vs_dk`."""
    ex = saturation_curve()
    return (
        f"Two line charts against d_k from {ex.dims[0]} to {ex.dims[-1]}, means over {ex.n_trials} random "
        f"queries and {ex.n_keys} keys. Unscaled, the largest weight climbs from "
        f"{ex.unscaled_max_weight[0]:.2f} to {ex.unscaled_max_weight[-1]:.2f} and the gradient size falls "
        f"from {ex.unscaled_gradient[0]:.2f} to {ex.unscaled_gradient[-1]:.2f}. Scaled, the largest weight "
        f"stays between {ex.scaled_max_weight.min():.2f} and {ex.scaled_max_weight.max():.2f} and the "
        f"gradient size between {ex.scaled_gradient.min():.2f} and {ex.scaled_gradient.max():.2f}."
    )


# --- Chapter 5: blending -------------------------------------------------------------------


def draw_value_blend(theme: Theme) -> Figure:
    """Two value vectors, the segment between them (their hull) and the blended output."""
    ex = value_blend_example()
    fig = new_figure(theme, width=5.2, height=3.6)
    ax = fig.axes[0]
    v1, v2 = ex.values
    ax.plot([v1[0], v2[0]], [v1[1], v2[1]], color=theme.muted, linestyle="--", linewidth=1.2,
            label="every possible blend (the hull)")  # fmt: skip
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
    out = ex.output
    _vector(ax, out, theme.accents[0], 1.0, "")
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
    _grid(ax, theme, "both")
    ax.legend(labelcolor=theme.fg, loc="upper right")
    return fig


def value_blend_alt() -> str:
    """Alt text for :func:`draw_value_blend`."""
    ex = value_blend_example()
    (a, b), (c, d) = ex.values
    return (
        f"Two value vectors v1 = [{a:.0f}, {b:.0f}] and v2 = [{c:.0f}, {d:.0f}] drawn as arrows, joined by a "
        f"dashed segment. With weights {_list(ex.weights)} the output {ex.weights[0]:.2f}·v1 + "
        f"{ex.weights[1]:.2f}·v2 = {_list(ex.output)} lies on that segment, {ex.position:.0%} of the way "
        f"from v1 to v2."
    )


# --- Chapters 6-8: heatmaps ----------------------------------------------------------------


def _colourbar(fig: Figure, image: Any, axes: Any, theme: Theme) -> None:
    """A slim, themed colour bar for weights in [0, 1]."""
    bar = fig.colorbar(image, ax=axes, shrink=0.8, fraction=0.05, pad=0.02)
    bar.outline.set_edgecolor(theme.muted)
    bar.ax.tick_params(colors=theme.fg, labelcolor=theme.fg, labelsize=8)
    bar.set_label("weight", color=theme.fg)


def draw_step_through_weights(theme: Theme) -> Figure:
    """The 3 × 3 weight matrix A of the step-through example."""
    ex = step_through_example()
    fig = new_figure(theme, width=4.4, height=3.4)
    ax = fig.axes[0]
    image = heatmap(ax, ex.weights, ex.tokens, ex.tokens, theme)
    _title(ax, "A = softmax(Q Kᵀ / √d_k)", theme)
    _colourbar(fig, image, ax, theme)
    return fig


def step_through_weights_alt() -> str:
    """Alt text for :func:`draw_step_through_weights`."""
    ex = step_through_example()
    rows = "; ".join(f"{tok} attends {_list(row)}" for tok, row in zip(ex.tokens, ex.weights, strict=True))
    return f'Heatmap of the 3 × 3 attention weights for "{" ".join(ex.tokens)}", rows are queries: {rows}.'


_MASK_TITLES = {
    "none": "no mask",
    "causal": "causal",
    "padding": "padding (“jobs” is filler)",
    "no_self": "no self",
}


def draw_mask_weights(theme: Theme) -> Figure:
    """The four mask kinds side by side; forbidden cells are marked ×."""
    fig = new_figure(theme, width=12.0, height=3.6, ncols=len(MASK_KINDS))
    image = None
    for i, (ax, kind) in enumerate(zip(fig.axes, MASK_KINDS, strict=True)):
        ex = mask_example(kind)
        image = heatmap(ax, ex.weights, ex.tokens, ex.tokens, theme, hidden=~ex.mask,
                        ylabel="query" if i == 0 else "", xlabel="key")  # fmt: skip
        if i:
            ax.set_yticklabels([])
        _title(ax, _MASK_TITLES[kind], theme)
    _colourbar(fig, image, fig.axes, theme)
    return fig


def mask_weights_alt() -> str:
    """Alt text for :func:`draw_mask_weights`."""
    parts = []
    for kind in MASK_KINDS:
        ex = mask_example(kind)
        parts.append(
            f"{_MASK_TITLES[kind]}: {int((~ex.mask).sum())} cells masked, first row {_list(ex.weights[0])}"
        )
    ex = mask_example("causal")
    return (
        f'Four heatmaps of attention weights over "{" ".join(ex.tokens)}", one per mask; masked cells are '
        f"marked × and have weight exactly 0, and every row sums to 1. " + "; ".join(parts) + "."
    )


def draw_multi_head_heatmaps(theme: Theme) -> Figure:
    """Per-head weight heatmaps of the multi-head example, side by side."""
    ex = multi_head_example(MULTI_HEAD_FIGURE_HEADS)
    fig = new_figure(theme, width=12.0, height=3.6, ncols=ex.n_heads)
    image = None
    for h, ax in enumerate(fig.axes):
        image = heatmap(ax, ex.head_weights[h], ex.tokens, ex.tokens, theme,
                        ylabel="query" if h == 0 else "", xlabel="key")  # fmt: skip
        if h:
            ax.set_yticklabels([])
        _title(ax, f"head {h + 1}", theme)
    _colourbar(fig, image, fig.axes, theme)
    return fig


def multi_head_heatmaps_alt() -> str:
    """Alt text for :func:`draw_multi_head_heatmaps`."""
    ex = multi_head_example(MULTI_HEAD_FIGURE_HEADS)
    tops = "; ".join(
        f"head {h + 1}: {ex.tokens[1]} attends most to {ex.tokens[int(np.argmax(w[1]))]} ({w[1].max():.2f})"
        for h, w in enumerate(ex.head_weights)
    )
    return (
        f"{ex.n_heads} heatmaps, one per head (d_model = {ex.d_model}, d_k = {ex.d_model // ex.n_heads}), "
        f'of attention over "{" ".join(ex.tokens)}" with seeded random projections; the heads '
        f"weigh the same tokens differently. {tops}."
    )


# --- Chapter 12: cost ----------------------------------------------------------------------


def load_benchmark(path: Path = BENCHMARK_JSON) -> dict[str, Any]:
    """Read the committed benchmark results.

    Raises:
        FileNotFoundError: if the file is missing, saying how to create it.
    """
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; run `python benchmarks/bench_attention.py` to create it")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _timing_series(bench: dict[str, Any]) -> list[tuple[str, list[int], list[float]]]:
    """(label, ns, median CPU seconds) for every implementation the benchmark measured.

    CPU time rather than wall time: on a shared machine, wall time also counts the
    time the process waited for a core.
    """
    series = []
    for name, label in (("explainer", "explainer (NumPy)"), ("naive_loop", "naive Python loop"),
                        ("torch_sdpa", "torch SDPA (CPU)")):  # fmt: skip
        rows = [r for r in bench["results"] if r["cpu"].get(name) is not None]
        if rows:
            series.append((label, [r["n"] for r in rows], [r["cpu"][name] for r in rows]))
    return series


def draw_cost_time_memory(theme: Theme) -> Figure:
    """Measured time (benchmark file) and peak memory (tracemalloc) of attention against n."""
    from matplotlib.ticker import FuncFormatter

    bench, cost = load_benchmark(), cost_example()
    fig = new_figure(theme, width=9.0, height=3.6, ncols=2)
    time_ax, mem_ax = fig.axes
    for (label, lengths, secs), colour in zip(_timing_series(bench), theme.accents, strict=False):
        time_ax.plot(lengths, np.array(secs) * 1e3, "o-", color=colour, label=label)
    ns = np.array(bench["ns"], dtype=float)  # (m,)
    last = bench["results"][-1]["cpu"]["explainer"] * 1e3
    ref = last * (ns / ns[-1]) ** 2  # (m,) an n² line through the package's last point
    time_ax.plot(ns, ref, color=theme.muted, linestyle="--", linewidth=1, label="∝ n²")
    time_ax.set_ylabel("CPU time per call (ms)", color=theme.fg)
    _title(time_ax, f"time, d_k = {bench['d_k']} (median of {bench['repeats']})", theme)
    mem_ax.plot(
        cost.ns, cost.peak_bytes / 2**20, "o-", color=theme.accents[0], label="measured peak (tracemalloc)"
    )
    mem_ax.plot(cost.ns, cost.weight_bytes_float64 / 2**20, "s--", color=theme.accents[1],
                label="n × n weights, float64")  # fmt: skip
    mem_ax.set_ylabel("memory (MiB)", color=theme.fg)
    _title(mem_ax, f"memory, d_k = {cost.d_k}", theme)
    for ax in fig.axes:
        _log2(ax, "x")
        ax.set_yscale("log")
        # Plain numbers (0.1, 1, 10) rather than mathtext powers: clearer, and mathtext's first
        # render in a process lays out a hair differently from later ones, breaking byte-identical SVGs.
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:g}"))
        ax.set_xlabel("sequence length n", color=theme.fg)
        _grid(ax, theme, "both")
    time_ax.legend(labelcolor=theme.fg, loc="lower right")
    mem_ax.legend(labelcolor=theme.fg, loc="upper left")
    fig.suptitle(_benchmark_note(bench), color=theme.muted, fontsize=8, x=0.01, ha="left")
    return fig


def _benchmark_note(bench: dict[str, Any]) -> str:
    """Which run the timings come from: date, machine and interpreter."""
    machine = bench["machine"]
    load = machine.get("load_average_1min")
    busy = "" if load is None else f", load average {load:g}"
    return (
        f"Times: benchmarks/bench_attention.py run of {bench['date']} with {machine['torch']},\n"
        f"on {machine['summary']}{busy}."
    )


def cost_time_memory_alt() -> str:
    """Alt text for :func:`draw_cost_time_memory`."""
    bench, cost = load_benchmark(), cost_example()
    timings = "; ".join(
        f"{label} from {secs[0] * 1e3:.3g} ms at n = {ns[0]} to {secs[-1] * 1e3:.3g} ms at n = {ns[-1]}"
        for label, ns, secs in _timing_series(bench)
    )
    return (
        f"Two log-log charts against sequence length n. Left, measured CPU time per attention call, "
        f"median of {bench['repeats']} runs: {timings}. {_benchmark_note(bench).replace(chr(10), ' ')} "
        f"Right, peak memory of the package's attention measured with tracemalloc, from "
        f"{cost.peak_bytes[0] / 2**20:.2f} MiB at n = {cost.ns[0]} to {cost.peak_bytes[-1] / 2**20:.1f} MiB "
        f"at n = {cost.ns[-1]}, growing like the n × n weight matrix "
        f"({cost.weight_bytes_float64[-1] / 2**20:.0f} MiB in float64 at n = {cost.ns[-1]})."
    )


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("attention_overview", draw_attention_overview, attention_overview_alt),
    FigureSpec("dot_product_vectors", draw_dot_product_vectors, dot_product_vectors_alt),
    FigureSpec("softmax_scores", draw_softmax_scores, softmax_scores_alt),
    FigureSpec("saturation_d100", draw_saturation_d100, saturation_d100_alt),
    FigureSpec("variance_vs_dk", draw_variance_vs_dk, variance_vs_dk_alt),
    FigureSpec("saturation_vs_dk", draw_saturation_vs_dk, saturation_vs_dk_alt),
    FigureSpec("value_blend", draw_value_blend, value_blend_alt),
    FigureSpec("step_through_weights", draw_step_through_weights, step_through_weights_alt),
    FigureSpec("mask_weights", draw_mask_weights, mask_weights_alt),
    FigureSpec("multi_head_heatmaps", draw_multi_head_heatmaps, multi_head_heatmaps_alt),
    FigureSpec("cost_time_memory", draw_cost_time_memory, cost_time_memory_alt),
)
