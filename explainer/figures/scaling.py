"""Figures for chapter 4: why the scores are divided by √d_k.

- ``saturation_d100``: one query at d_k = 100, weights unscaled and scaled
  (:func:`explainer.examples.saturation_example`).
- ``variance_vs_dk``: Var(q·k) grows like d_k; scaled, it stays at 1
  (:func:`explainer.examples.variance_experiment`).
- ``saturation_vs_dk``: the largest weight and the gradient size against d_k
  (:func:`explainer.examples.saturation_curve`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explainer.examples import saturation_curve, saturation_example, variance_experiment
from explainer.figures.draw import grid, log2_axes, number_list, sci, title, weight_bars, weight_label
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "FIGURES",
    "draw_saturation_d100",
    "draw_saturation_vs_dk",
    "draw_variance_vs_dk",
    "saturation_d100_alt",
    "saturation_vs_dk_alt",
    "variance_vs_dk_alt",
]


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
        weight_bars(ax, labels, weights, theme, fmt=weight_label)
        title(ax, f"{name}: scores [{scores[0]:.0f}, {scores[1]:.0f}]", theme)
        ax.set_xlabel("weight", color=theme.fg)
    fig.axes[1].set_yticklabels([])
    return fig


def saturation_d100_alt() -> str:
    """Alt text for :func:`draw_saturation_d100`."""
    ex = saturation_example()
    return (
        f"Two bar charts for d_k = {ex.d_k}. Unscaled scores [{ex.unscaled_scores[0]:.0f}, "
        f"{ex.unscaled_scores[1]:.0f}] give weights [{sci(float(ex.unscaled_weights[0]))}, "
        f"{sci(float(ex.unscaled_weights[1]))}]: the close match is ignored. Scaled scores "
        f"[{ex.scaled_scores[0]:.0f}, {ex.scaled_scores[1]:.0f}] give weights "
        f"{number_list(ex.scaled_weights)}: the close match keeps a real share."
    )


def draw_variance_vs_dk(theme: Theme) -> Figure:
    """Empirical Var(q·k) against d_k, unscaled (grows like d_k) and scaled (stays at 1)."""
    ex = variance_experiment()
    fig = new_figure(theme, width=6.4, height=3.4)
    ax = fig.axes[0]
    dims = ex.dims.astype(float)  # (n_dims,)
    ax.plot(dims, dims, color=theme.muted, linestyle="--", linewidth=1, label="theory: Var = d_k")
    ax.plot(dims, ex.unscaled_variance, "o-", color=theme.accents[1], label="q·k (unscaled)")
    band = 2 * ex.scaled_standard_error  # (n_dims,)
    ax.fill_between(
        dims,
        1 - band,
        1 + band,
        color=theme.accents[0],
        alpha=0.18,
        linewidth=0,
        label="±2 standard errors around 1",
    )
    ax.plot(dims, ex.scaled_variance, "o-", color=theme.accents[0], label="q·k / √d_k (scaled)")
    log2_axes(ax, "xy")
    ax.set_xlabel("d_k (dimension of q and k)", color=theme.fg)
    ax.set_ylabel("variance of the score", color=theme.fg)
    grid(ax, theme, "both")
    title(ax, f"{ex.n_samples:,} random (q, k) pairs per d_k", theme)
    ax.legend(labelcolor=theme.fg, loc="upper left")
    return fig


def variance_vs_dk_alt() -> str:
    """Alt text for :func:`draw_variance_vs_dk`."""
    ex = variance_experiment()
    return (
        f"Log-log line chart of the variance of q·k against d_k from {ex.dims[0]} to {ex.dims[-1]}, "
        f"{ex.n_samples} random standard-normal pairs per d_k. Unscaled, the variance grows like d_k: "
        f"{number_list(ex.unscaled_variance, '.1f')}. Divided by √d_k it stays near 1: "
        f"{number_list(ex.scaled_variance)}."
    )


def draw_saturation_vs_dk(theme: Theme) -> Figure:
    """Largest weight and softmax-Jacobian norm against d_k, scaled and unscaled."""
    ex = saturation_curve()
    fig = new_figure(theme, width=8.0, height=3.2, ncols=2)
    dims = ex.dims.astype(float)  # (n_dims,)
    panels = (
        (ex.unscaled_max_weight, ex.scaled_max_weight, "largest weight (1 = one-hot)", 1.0 / ex.n_keys),
        (ex.unscaled_gradient, ex.scaled_gradient, "gradient size (Jacobian norm)", None),
    )
    for ax, (raw, scaled, name, uniform) in zip(fig.axes, panels, strict=True):
        ax.plot(dims, raw, "o-", color=theme.accents[1], label="unscaled")
        ax.plot(dims, scaled, "o-", color=theme.accents[0], label="scaled by 1/√d_k")
        if uniform is not None:
            ax.axhline(
                uniform, color=theme.muted, linestyle=":", linewidth=1, label=f"uniform (1/{ex.n_keys})"
            )
        log2_axes(ax, "x")
        ax.set_ylim(0, 1.05 if uniform is not None else None)
        ax.set_xlabel("d_k", color=theme.fg)
        grid(ax, theme, "both")
        title(ax, name, theme)
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


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="saturation_d100", draw=draw_saturation_d100, alt=saturation_d100_alt),
    FigureSpec(name="variance_vs_dk", draw=draw_variance_vs_dk, alt=variance_vs_dk_alt),
    FigureSpec(name="saturation_vs_dk", draw=draw_saturation_vs_dk, alt=saturation_vs_dk_alt),
)
