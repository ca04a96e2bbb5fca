"""Figures for chapter 10: the heads of all-MiniLM-L6-v2, measured.

Every figure draws numbers from chapter 10's examples (:func:`explainer.examples.trained_it_examples`,
:func:`~explainer.examples.referent_control`, :func:`~explainer.examples.head_jobs`), and every
alt text states the same numbers in words. Layers and heads are labelled from
1 (``L4 H2``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from explainer.examples import (
    CAT_SENTENCE,
    MODIFIER_PAIRS,
    HeadRank,
    ReferentPair,
    head_jobs,
    minilm_attention,
    referent_control,
    trained_it_examples,
)
from explainer.figures.draw import heatmap
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure
from explainer.types import FloatArray

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FIGURES",
    "control_alt",
    "draw_control",
    "draw_head_examples",
    "draw_head_jobs",
    "draw_it_grid",
    "draw_it_layer_means",
    "head_examples_alt",
    "head_jobs_alt",
    "it_grid_alt",
    "it_layer_means_alt",
]


def _layer_head_heatmap(
    ax: Axes, values: FloatArray, theme: Theme, title: str, vmin: float = 0.0, vmax: float = 1.0
) -> None:
    """A layer × head heatmap (rows L1..L6, columns H1..H12), annotated."""
    layers, heads = values.shape
    rows, cols = [f"L{i + 1}" for i in range(layers)], [f"H{j + 1}" for j in range(heads)]
    heatmap(ax, values, rows, cols, theme, vmin=vmin, vmax=vmax, xlabel="head", ylabel="layer")
    ax.set_title(title, color=theme.fg, fontsize=9)


def draw_it_grid(theme: Theme) -> Figure:
    """Weight from "it" to each noun, in all 72 heads, for the two sentences."""
    examples = trained_it_examples()
    fig = new_figure(theme, width=12.0, height=6.8, nrows=2, ncols=2)
    for row, ex in enumerate(examples):
        for col, noun in enumerate(ex.nouns):
            ax = fig.axes[2 * row + col]
            _layer_head_heatmap(ax, ex.weights[:, :, col], theme, f"it → {noun}\n{ex.sentence}")
    return fig


def it_grid_alt() -> str:
    """Alt text for :func:`draw_it_grid`."""
    parts = []
    for ex in trained_it_examples():
        for noun, ranks in zip(ex.nouns, ex.top_heads, strict=True):
            parts.append(f"it → {noun}: largest in {', '.join(f'{r.label} ({r.score:.2f})' for r in ranks)}")
    return (
        'Four layer-by-head heatmaps of all-MiniLM-L6-v2\'s attention weight from "it" to a noun, '
        "6 layers by 12 heads each. " + "; ".join(parts) + "."
    )


def draw_it_layer_means(theme: Theme) -> Figure:
    """Per-layer head average of it → noun, with the raw-embedding baseline dashed."""
    fig = new_figure(theme, width=9.6, height=3.6, ncols=2)
    for ax, ex in zip(fig.axes, trained_it_examples(), strict=True):
        layers = np.arange(1, ex.layer_means.shape[0] + 1)
        for j, noun in enumerate(ex.nouns):
            colour = theme.accents[j]
            ax.plot(layers, ex.layer_means[:, j], marker="o", color=colour, label=f"it → {noun}")
            baseline_label = f"raw embeddings → {noun}"
            ax.axhline(ex.baseline[j], color=colour, linestyle="--", linewidth=1, label=baseline_label)
        ax.set_xlabel("layer")
        ax.set_ylabel("mean weight over 12 heads")
        ax.set_xticks(layers)
        ax.set_title(ex.sentence, color=theme.fg, fontsize=9)
        ax.grid(color=theme.grid, linewidth=0.5)
        ax.legend(labelcolor=theme.fg, fontsize=8)
    return fig


def it_layer_means_alt() -> str:
    """Alt text for :func:`draw_it_layer_means`."""
    parts = []
    for ex in trained_it_examples():
        for j, noun in enumerate(ex.nouns):
            means = ", ".join(f"{w:.2f}" for w in ex.layer_means[:, j])
            parts.append(f"it → {noun} by layer: {means} (raw embeddings {ex.baseline[j]:.2f})")
    return "Line charts of the mean attention weight over the 12 heads, per layer. " + "; ".join(parts) + "."


def _control_panel(ax: Axes, pair: ReferentPair, marked: tuple[HeadRank, ...], theme: Theme) -> None:
    """Each head's subject preference in the original (x) and the control sentence (y); ``marked`` named."""
    x, y = pair.preference_original.ravel(), pair.preference_control.ravel()  # (72,), (72,)
    ax.scatter(x, y, s=14, color=theme.muted, alpha=0.7)
    for k, head in enumerate(marked):
        i, j = head.layer - 1, head.head - 1
        px, py = pair.preference_original[i, j], pair.preference_control[i, j]
        ax.scatter([px], [py], s=40, color=theme.accents[k + 1])
        ax.annotate(
            head.label,
            (px, py),
            textcoords="offset points",
            xytext=(-6, 4),
            ha="right",
            color=theme.fg,
            fontsize=8,
        )
    ax.axhline(0, color=theme.grid, linewidth=0.8)
    ax.axvline(0, color=theme.grid, linewidth=0.8)
    subject, other = pair.original.nouns
    ax.set_xlabel(f'"…{pair.original.sentence.split()[-1]}": it→{subject} − it→{other}')
    ax.set_ylabel(f'"…{pair.control.sentence.split()[-1]}": it→{subject} − it→{other}')
    for note_y, va, note in (
        (0.02, "bottom", "flips with\nthe referent"),
        (0.98, "top", "stays on\nthe subject"),
    ):
        ax.text(0.98, note_y, note, transform=ax.transAxes, ha="right", va=va, color=theme.muted, fontsize=8)


def draw_control(theme: Theme) -> Figure:
    """Each head's subject preference before (x) and after (y) the adjective change."""
    ctrl = referent_control()
    fig = new_figure(theme, width=9.6, height=4.2, ncols=2)
    for ax, pair in zip(fig.axes, ctrl.pairs, strict=True):
        _control_panel(ax, pair, (ctrl.strongest, ctrl.most_sensitive), theme)
        ax.set_title(f"{pair.original.nouns[0]} / {pair.original.nouns[1]}", color=theme.fg)
    return fig


def control_alt() -> str:
    """Alt text for :func:`draw_control`."""
    ctrl = referent_control()
    return (
        "Two scatter plots, one dot per head (72): x is how much more weight 'it' gives the subject than "
        "the other noun in the original sentence, y the same in the control sentence whose adjective "
        "points to the other noun. Heads that flip in each pair: "
        f"{', '.join(map(str, ctrl.flips_per_pair))}. "
        f"{ctrl.verdict} {ctrl.strongest_verdict} {ctrl.sensitive_verdict}"
    )


def draw_head_jobs(theme: Theme) -> Figure:
    """Previous-word score and modifier gain for all 72 heads."""
    jobs = head_jobs()
    fig = new_figure(theme, width=12.0, height=3.4, ncols=2)
    _layer_head_heatmap(fig.axes[0], jobs.previous, theme, "weight on the previous word")
    gain = jobs.noun_to_modifier - jobs.noun_to_determiner  # (layers, heads)
    gain_title = "noun → modifier, minus noun → determiner"
    _layer_head_heatmap(fig.axes[1], gain, theme, gain_title, vmin=-0.4, vmax=0.4)
    return fig


def head_jobs_alt() -> str:
    """Alt text for :func:`draw_head_jobs`."""
    jobs = head_jobs()

    def best(ranks: tuple[HeadRank, ...]) -> str:
        return ", ".join(f"{r.label} ({r.score:.2f})" for r in ranks)

    return (
        "Two layer-by-head heatmaps. Left: mean weight a word puts on the word before it; highest in "
        f"{best(jobs.top_previous)}. Right: weight from a noun to its modifier (hot dog) minus the weight "
        f"to a determiner (a dog); highest in {best(jobs.top_modifier)}."
    )


def _example_heads() -> tuple[tuple[str, HeadRank, str], ...]:
    """(sentence, head, title) for the three single-head heatmaps."""
    jobs, ctrl = head_jobs(), referent_control()
    return (
        (CAT_SENTENCE, jobs.top_previous[0], "previous word"),
        (CAT_SENTENCE, ctrl.strongest, "strongest it → subject"),
        (MODIFIER_PAIRS[0][0], jobs.top_modifier[0], "noun ↔ modifier"),
    )


def draw_head_examples(theme: Theme) -> Figure:
    """Full token-by-token weights of three heads with clear jobs."""
    fig = new_figure(theme, width=15.0, height=5.4, ncols=3)
    for ax, (sentence, head, title) in zip(fig.axes, _example_heads(), strict=True):
        tokens, attentions, _ = minilm_attention(sentence)
        heatmap(ax, attentions[head.layer - 1, head.head - 1], tokens, tokens, theme, fmt=".1f")
        ax.set_title(f"{head.label}: {title}", color=theme.fg)
    return fig


def head_examples_alt() -> str:
    """Alt text for :func:`draw_head_examples`."""
    parts = []
    for sentence, head, title in _example_heads():
        tokens, attentions, _ = minilm_attention(sentence)
        w = attentions[head.layer - 1, head.head - 1]  # (n, n)
        word = tokens.index("it") if "it" in tokens else tokens.index("dog")
        top = int(np.argmax(w[word]))
        gives = f"{tokens[word]} gives {tokens[top]} {w[word, top]:.2f}"
        parts.append(f'{head.label} ({title}) on "{sentence}": {gives}')
    return "Three token-by-token attention heatmaps. " + "; ".join(parts) + "."


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(name="trained_it_grid", draw=draw_it_grid, alt=it_grid_alt),
    FigureSpec(name="trained_it_layer_means", draw=draw_it_layer_means, alt=it_layer_means_alt),
    FigureSpec(name="trained_control", draw=draw_control, alt=control_alt),
    FigureSpec(name="trained_head_jobs", draw=draw_head_jobs, alt=head_jobs_alt),
    FigureSpec(name="trained_head_examples", draw=draw_head_examples, alt=head_examples_alt),
)
