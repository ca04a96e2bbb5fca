"""Figure for chapter 11: what changed, step by step, while the toy model trained.

- ``training_curves``: the loss, P(right ending) against P(the other noun's
  ending), and the weight from "it" to each noun, over every Adam step.

Data: :func:`explainer.examples.training_example`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from explainer.examples import training_example
from explainer.figures.draw import grid, title
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from explainer.types import FloatArray

__all__ = ["FIGURES", "draw_training_curves", "training_curves_alt"]


def _two_curves(
    ax: Axes, theme: Theme, curves: tuple[tuple[FloatArray, str], tuple[FloatArray, str]], name: str
) -> None:
    """The quantity that should grow (solid) and the one it competes with (dashed), titled, with a legend."""
    for (values, label), colour, style in zip(curves, theme.accents, ("-", "--"), strict=False):
        ax.plot(np.arange(len(values)), values, color=colour, linestyle=style, linewidth=1.8, label=label)
    grid(ax, theme, "both")
    title(ax, name, theme)
    ax.legend(labelcolor=theme.fg, loc="center right")


def draw_training_curves(theme: Theme) -> Figure:
    """Three panels over the steps: loss, held-out P(ending), held-out weight from "it"."""
    ex = training_example()
    fig = new_figure(theme, width=5.4, height=6.8, nrows=3)
    loss, probs, weights = fig.axes
    _two_curves(
        loss, theme, ((ex.loss, "training sentences"), (ex.held_out_loss, "held-out sentences")), "loss"
    )
    loss.set_ylim(bottom=0)
    _two_curves(
        probs,
        theme,
        ((ex.p_right, "right ending"), (ex.p_other, "the other noun's ending")),
        f"P(ending), mean over {len(ex.held_out_sentences)} held-out sentences",
    )
    chance = 1 / ex.probs_before.shape[1]
    probs.axhline(
        chance, color=theme.muted, linestyle=":", linewidth=1, label=f"chance (1/{round(1 / chance)})"
    )
    probs.legend(labelcolor=theme.fg, loc="center right")
    _two_curves(
        weights,
        theme,
        ((ex.weight_subject, "to the subject"), (ex.weight_other, "to the other noun")),
        'weight from "it", held-out sentences',
    )
    for ax in (probs, weights):
        ax.set_ylim(0, 1.02)
    weights.set_xlabel("Adam step", color=theme.fg)
    return fig


def training_curves_alt() -> str:
    """Alt text for :func:`draw_training_curves`."""
    ex = training_example()
    return (
        f"Three line charts over {ex.steps} Adam steps of the chapter-11 toy model. The loss on the "
        f"training sentences falls from {ex.loss[0]:.2f} to {ex.loss[-1]:.3f} (held-out sentences: "
        f"{ex.held_out_loss[0]:.2f} to {ex.held_out_loss[-1]:.3f}). On the {len(ex.held_out_sentences)} "
        f"held-out sentences, the mean probability of the right ending rises from {ex.p_right[0]:.2f} to "
        f"{ex.p_right[-1]:.3f}, that of the other noun's ending falls from {ex.p_other[0]:.2f} to "
        f'{ex.p_other[-1]:.3f}, and the weight from "it" to the subject rises from '
        f"{ex.weight_subject[0]:.2f} to {ex.weight_subject[-1]:.3f} while the weight to the other noun "
        f"falls from {ex.weight_other[0]:.2f} to {ex.weight_other[-1]:.3f}."
    )


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="training_curves", draw=draw_training_curves, alt=training_curves_alt),
)
