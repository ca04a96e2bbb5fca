"""Tests for explainer.figures.word_order: each figure draws in both themes; alt text states the numbers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from explainer.examples import learned_positions, repeated_word_example, sinusoidal_example, token_labels
from explainer.figures import registry
from explainer.figures import word_order as figs
from explainer.figures.draw import to_svg
from explainer.figures.theme import THEMES, Theme

pytest.importorskip("matplotlib")

ROOT = Path(__file__).parents[1]
NAMES = [spec.name for spec in figs.FIGURES]


def test_every_figure_is_on_the_chapter_page_and_in_the_registry() -> None:
    page = (ROOT / "docs" / "word-order.md").read_text(encoding="utf-8")
    assert set(NAMES) <= set(re.findall(r"figure: (\w+)", page))
    names = list(registry(ROOT / "benchmarks" / "results"))
    assert names[names.index("mask_weights") + 1 : names.index("mask_weights") + 1 + len(NAMES)] == NAMES


@pytest.mark.usefixtures("minilm_weights")
@pytest.mark.parametrize("name", NAMES)
def test_figure_draws_in_both_themes(name: str) -> None:
    spec = registry(ROOT / "benchmarks" / "results")[name]
    light, dark = (to_svg(spec, theme) for theme in THEMES)
    assert light != dark and THEMES[1].fg.encode() in dark


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_sinusoidal_figures_show_the_encoding_and_one_line_per_start(theme: Theme) -> None:
    ex = sinusoidal_example()
    heat = figs.draw_sinusoidal_heatmap(theme)
    assert np.asarray(heat.axes[0].images[0].get_array()).shape == ex.encoding.shape
    lines = figs.draw_sinusoidal_distance(theme).axes[0].get_lines()
    assert [line.get_label() for line in lines] == [f"p = {p}" for p in ex.starts]


def test_sinusoidal_alt_texts_state_the_measured_numbers() -> None:
    ex = sinusoidal_example()
    assert "[0, 1, 0, 1]" in figs.sinusoidal_heatmap_alt()
    alt = figs.sinusoidal_distance_alt()
    assert f"largest difference {ex.max_spread:.1e}" in alt and "32.0 at k = 0" in alt


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_repeated_word_heatmaps_label_each_position(theme: Theme) -> None:
    ex = repeated_word_example()
    fig = figs.draw_repeated_word_heatmaps(theme)
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 2
    for ax in panels:
        assert tuple(t.get_text() for t in ax.get_yticklabels()) == token_labels(ex.tokens)


def test_repeated_word_alt_states_the_row_differences() -> None:
    ex = repeated_word_example()
    alt = figs.repeated_word_heatmaps_alt()
    assert f"at most {ex.row_difference[0]:.2f} without positions" in alt
    assert f"{ex.row_difference[1]:.2f} with them" in alt


@pytest.mark.usefixtures("minilm_weights")
def test_position_similarity_alt_states_the_measured_numbers() -> None:
    ex = learned_positions()
    alt = figs.position_similarity_alt()
    assert f"k = 1: learned {ex.neighbour_cosine:.2f}" in alt
    assert f"position 0 has {ex.norms[0]:.2f}" in alt and f"median is {ex.median_norm:.2f}" in alt
