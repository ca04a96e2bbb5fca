"""Tests for explainer.examples.trained_heads: the model's attention and "it" → noun (chapter 10)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from explainer.examples import tables
from explainer.examples import trained_heads as ex

pytestmark = pytest.mark.usefixtures("minilm_weights")


def test_importing_the_core_pulls_in_no_matplotlib() -> None:
    code = (
        "import sys, explainer.minilm, explainer.examples.trained_heads, explainer.examples.trained_control, "
        "explainer.examples.trained_head_jobs, explainer.examples.trained_budget; "
        "print('matplotlib' in sys.modules)"
    )
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


def test_unknown_word_gives_a_clear_message() -> None:
    with pytest.raises(ValueError, match="not a single word piece"):
        ex.it_noun_attention("The cat sat", ("dog",))


def test_tables_are_registered_and_well_formed() -> None:
    registered = tables()
    for name in ("trained_it_top_heads", "trained_it_layer_means"):
        table = registered[name]()
        assert table.rows and all(len(r) == len(table.headers) for r in table.rows)


def test_curated_grid_renders() -> None:
    # The head-grid widget draws GRID_SENTENCES; its own tests live in test_widgets_head_grid.py.
    from explainer.widgets.head_grid import curated_head_grid

    html = curated_head_grid()
    assert html.count('class="hg-h"') == 72 * len(ex.GRID_SENTENCES)
