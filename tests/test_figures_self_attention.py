"""Tests for explainer.figures.self_attention: the square and the rectangular weight heatmaps of chapter 6."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.examples import cross_attention_example, step_through_example
from explainer.figures import self_attention as figs
from explainer.figures.theme import THEMES, Theme

pytest.importorskip("matplotlib")


def _texts(fig: object) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]  # type: ignore[attr-defined]


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_cross_attention_heatmap_is_target_rows_by_source_columns(theme: Theme) -> None:
    ex = cross_attention_example()
    fig = figs.draw_cross_attention_weights(theme)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(ex.target_tokens)
    assert [t.get_text() for t in ax.get_xticklabels()] == list(ex.source_tokens)
    assert np.asarray(ax.images[0].get_array()).shape == (2, 4)
    assert sorted(_texts(fig)) == sorted(f"{w:.2f}" for w in ex.weights.ravel())
    assert "2 queries × 4 keys" in ax.get_title(loc="left")


def test_cross_attention_alt_names_both_sentences_and_every_weight() -> None:
    ex = cross_attention_example()
    alt = figs.cross_attention_weights_alt()
    assert "2 × 4" in alt and "le chat" in alt and "the cat sat down" in alt and "random" in alt
    for row in ex.weights:
        assert "[" + ", ".join(f"{w:.2f}" for w in row) + "]" in alt


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_step_through_heatmap_is_square(theme: Theme) -> None:
    ex = step_through_example()
    fig = figs.draw_step_through_weights(theme)
    assert np.asarray(fig.axes[0].images[0].get_array()).shape == ex.weights.shape == (4, 4)
    assert len(_texts(fig)) == ex.weights.size


def test_both_figures_are_registered() -> None:
    assert [spec.name for spec in figs.FIGURES] == ["step_through_weights", "cross_attention_weights"]
