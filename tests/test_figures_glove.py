"""Tests for explainer.figures.glove: each figure draws in both themes; alt text follows the data."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from explainer.embeddings import Embeddings
from explainer.examples import (
    cat_it_example,
    contextualisation_example,
    glove_example_words,
    king_queen_example,
)
from explainer.examples.context_map import contextual_map
from explainer.figures import glove as figs
from explainer.figures import registry
from explainer.figures.draw import to_svg
from explainer.figures.theme import THEMES, Theme

RESULTS = Path(__file__).parents[1] / "benchmarks" / "results"

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def emb() -> Embeddings:
    words = (*tuple(sorted(glove_example_words())), "zebra", "violin", "orbit", "cloud", "pencil", "lantern")
    return Embeddings(words, np.random.default_rng(11).normal(size=(len(words), 8)))


def _texts(fig: object) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]  # type: ignore[attr-defined]


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_king_queen_heatmap_annotates_every_cell(emb: Embeddings, theme: Theme) -> None:
    ex = king_queen_example(emb)
    fig = figs.draw_king_queen_heatmap(theme, ex)
    assert len(fig.axes) == 2
    texts = _texts(fig)
    assert len(texts) == 2 * 7 * 7
    assert texts.count("×") == 7  # the no-self diagonal
    assert f"{ex.with_self.weights[1, 1]:.2f}" in texts
    assert [ax.get_title() for ax in fig.axes] == ["with self-attention", "self-attention disabled"]


def test_king_queen_heatmap_alt_quotes_the_top_weights(emb: Embeddings) -> None:
    ex = king_queen_example(emb)
    alt = figs.king_queen_heatmap_alt(ex)
    word, weight = ex.with_self.ranked("king")[0]
    assert f"{word} {weight:.2f}" in alt and ex.sentence in alt


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_king_queen_bars(emb: Embeddings, theme: Theme) -> None:
    ex = king_queen_example(emb)
    fig = figs.draw_king_queen_bars(theme, ex)
    assert [ax.get_title() for ax in fig.axes] == [
        "king → (with self)",
        "kingdom → (no self)",
        "queen → (no self)",
    ]
    assert [len(ax.patches) for ax in fig.axes] == [7, 6, 6]  # the masked self is left out
    assert all(ax.get_xlim()[1] <= 1.0 * 1.12 + 1e-9 for ax in fig.axes)
    alt = figs.king_queen_bars_alt(ex)
    assert alt.count("(no self)") == 2 and f"{ex.no_self.ranked('queen')[0][1]:.2f}" in alt


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_cat_it_bars(emb: Embeddings, theme: Theme) -> None:
    ex = cat_it_example(emb)
    fig = figs.draw_cat_it_bars(theme, ex)
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["the", "cat", "sat", "on", "the", "mat", "because", "was", "tired"]
    widths = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(widths[1], ex.it_to_cat)
    alt = figs.cat_it_alt(ex)
    assert f"{ex.it_to_cat:.1%}" in alt and ex.top_word in alt


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_contextualisation_neighbours(emb: Embeddings, theme: Theme) -> None:
    ex = contextualisation_example(emb)
    fig = figs.draw_contextualisation_neighbours(theme, ex)
    assert len(fig.axes) == 4
    assert fig.axes[1].get_title() == '"dog" in "the hot dog was"'
    first = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert first == [w for w, _ in ex.dog.first.neighbours]
    alt = figs.contextualisation_alt(ex)
    assert f"{ex.bank.output_cosine:.3f}" in alt and "savings bank" in alt
    assert re.search(r"food [+-]\d\.\d{3}", alt)


def test_neighbour_highlight_marks_words_unique_to_one_context(emb: Embeddings) -> None:
    from matplotlib.figure import Figure

    ex = contextualisation_example(emb)
    ax = Figure().subplots()
    figs._neighbour_panel(ax, ex.dog.first, ex.dog.second, THEMES[0])
    others = {w for w, _ in ex.dog.second.neighbours}
    faded = [p.get_alpha() is not None for p in ax.patches]
    unique = [w not in others for w, _ in ex.dog.first.neighbours]
    assert faded == ([not u for u in unique] if any(unique) else [False] * len(unique))


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_contextualisation_map_draws_the_examples_points_and_moves(emb: Embeddings, theme: Theme) -> None:
    cmap = contextual_map(emb)
    fig = figs.draw_contextualisation_map(theme, cmap)
    overview, *zooms = fig.axes
    assert len(zooms) == 2
    labels = [t.get_text() for t in overview.texts if t.get_text()]
    assert labels == list(cmap.words)
    for text in overview.texts:
        if text.get_text():
            np.testing.assert_allclose(text.xy, cmap.point(text.get_text()))
    arrows = [t for t in overview.texts if not t.get_text()]
    assert len(arrows) == len(cmap.moves)
    for arrow, move in zip(arrows, cmap.moves, strict=True):
        np.testing.assert_allclose(arrow.xy, move.end)
        np.testing.assert_allclose(arrow.xyann, move.start)
    assert f"{cmap.explained[0]:.0%}" in overview.get_xlabel()
    for zoom, pair in zip(zooms, ((0, 1), (2, 3)), strict=True):
        for move in (cmap.moves[i] for i in pair):
            assert f'"{move.shift.sentence}": {move.shift.moved:.2f} in 50-D' in zoom.get_xlabel()
            assert f"{move.map_length:.2f} on the map" in zoom.get_xlabel()


def test_contextualisation_map_alt_gives_every_point_and_both_lengths(emb: Embeddings) -> None:
    cmap = contextual_map(emb)
    alt = figs.contextualisation_map_alt(cmap)
    assert f"keep {cmap.explained[0]:.0%} and {cmap.explained[1]:.0%}" in alt
    x, y = cmap.point("bank")
    assert f"bank ({x:.1f}, {y:.1f})" in alt
    for move in cmap.moves:
        assert f"{move.shift.moved:.2f} in 50-D ({move.shift.moved_share:.0%} of |{move.shift.word}|)" in alt


def test_figures_are_registered() -> None:
    names = {spec.name for spec in figs.FIGURES}
    assert names == {
        "king_queen_heatmap",
        "king_queen_bars",
        "cat_it_bars",
        "contextualisation_neighbours",
        "contextualisation_map",
    }
    assert names <= set(registry(RESULTS))


@pytest.mark.glove
@pytest.mark.parametrize("spec", figs.FIGURES, ids=lambda s: s.name)
def test_real_figures_render_to_svg_with_alt_text(spec: object) -> None:
    for theme in THEMES:
        svg = to_svg(spec, theme)  # type: ignore[arg-type]
        assert svg.startswith(b"<?xml") and b"<svg" in svg
    alt = spec.alt()  # type: ignore[attr-defined]
    assert len(alt) > 80 and re.search(r"\d\.\d\d", alt)


@pytest.mark.glove
def test_real_alt_texts_state_the_measured_claims() -> None:
    assert "king's largest weights are king 0.44, queen 0.16, kingdom 0.15" in figs.king_queen_heatmap_alt()
    assert '"it" gives "cat" 3.7% and "because" the most, 22.8%' in figs.cat_it_alt()
