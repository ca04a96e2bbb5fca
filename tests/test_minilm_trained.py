"""Tests for chapter 10's examples and figures (explainer.examples.trained, explainer.figures.trained)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from explainer.examples import tables
from explainer.examples import trained as ex


@pytest.fixture(scope="module", autouse=True)
def _needs_weights() -> None:
    from explainer.minilm import find_model_dir

    try:
        find_model_dir()
    except FileNotFoundError as err:
        pytest.skip(str(err))


def test_importing_the_core_pulls_in_no_matplotlib() -> None:
    code = "import sys, explainer.minilm, explainer.examples.trained; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_it_noun_weights_are_the_model_weights() -> None:
    cat, animal = ex.trained_it_examples()
    tokens, attentions, _ = ex.minilm_attention(cat.sentence)
    it, noun = tokens.index("it"), tokens.index("cat")
    np.testing.assert_array_equal(cat.weights[:, :, 0], attentions[:, :, it, noun])
    assert cat.weights.shape == animal.weights.shape == (6, 12, 2)
    np.testing.assert_allclose(cat.layer_means, cat.weights.mean(axis=1))
    top = cat.top_heads[0]
    assert [r.score for r in top] == sorted((r.score for r in top), reverse=True)
    assert top[0].score == pytest.approx(cat.weights[:, :, 0].max())


def test_raw_embedding_baseline_has_no_self_weight() -> None:
    tokens, weights = ex.raw_embedding_attention(ex.CAT_SENTENCE)
    assert np.all(np.diag(weights) == 0.0)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0)
    cat = ex.trained_it_examples()[0]
    assert cat.baseline[0] == pytest.approx(weights[tokens.index("it"), tokens.index("cat")])


def test_control_verdict_agrees_with_the_numbers() -> None:
    ctrl = ex.referent_control()
    assert ctrl.flips.shape == ctrl.follows_subject.shape == (6, 12)
    assert ("None of the 72 heads" in ctrl.verdict) == (not ctrl.flips.any())
    assert "both pairs" in ctrl.verdict
    i, j = ctrl.strongest.layer - 1, ctrl.strongest.head - 1
    for pair in ctrl.pairs:
        w_orig, w_ctrl = pair.original.weights[i, j], pair.control.weights[i, j]
        assert f"{w_orig[0]:.2f} → {w_ctrl[0]:.2f}" in ctrl.strongest_verdict
        np.testing.assert_allclose(
            pair.preference_control, pair.control.weights[..., 0] - pair.control.weights[..., 1]
        )
    follows = "follows the subject" in ctrl.strongest_verdict
    keeps = all(p.control.weights[i, j, 0] > p.control.weights[i, j, 1] + ctrl.margin for p in ctrl.pairs)
    assert (
        follows <= keeps
    )  # the page may only say "follows the subject" where it prefers the subject throughout


def test_head_jobs_find_a_previous_word_head() -> None:
    jobs = ex.head_jobs()
    best = jobs.top_previous[0]
    assert best.score == pytest.approx(jobs.previous.max())
    assert best.score > 0.9  # a real, near-perfect previous-word head exists in this model
    assert jobs.modifier_wins.min() >= 0 and jobs.modifier_wins.max() <= len(ex.MODIFIER_PAIRS)


def test_unknown_word_gives_a_clear_message() -> None:
    with pytest.raises(ValueError, match="not a single word piece"):
        ex.it_noun_attention("The cat sat", ("dog",))


def test_tables_are_registered_and_well_formed() -> None:
    registered = tables()
    names = ("trained_it_top_heads", "trained_it_layer_means", "trained_control", "trained_control_summary")
    for name in (*names, "trained_head_jobs"):
        table = registered[name]()
        assert table.rows and all(len(r) == len(table.headers) for r in table.rows)
    counts = registered["trained_control_summary"]().rows[0][1:]
    assert sum(int(c) for c in counts) == 72


@pytest.mark.glove
def test_browser_budget_is_consistent() -> None:
    b = ex.browser_budget()
    assert b.layers_fp16_mb < b.reduced_fp16_mb < b.fp16_mb < b.fp32_mb
    assert 0 < b.fp16_max_attention_error < 0.01
    assert 0.0 <= b.changed_split_share <= 1.0


def test_figures_draw_in_both_themes_with_numeric_alt_text() -> None:
    pytest.importorskip("matplotlib")
    from explainer.figures import THEMES, registry
    from explainer.figures.draw import to_svg
    from explainer.figures.trained import FIGURES

    assert {f.name for f in FIGURES} <= set(registry())
    for spec in FIGURES:
        alt = spec.alt()
        assert any(ch.isdigit() for ch in alt), spec.name
        for theme in THEMES:
            assert to_svg(spec, theme).startswith(b"<?xml")


def test_curated_grid_renders() -> None:
    from explainer.minilm.view import curated_head_grid

    html = curated_head_grid()
    assert html.count('class="hg-h"') == 72 * len(ex.GRID_SENTENCES)
