"""Tests for explainer.examples.self_attention: the worked example and shape table of chapter 6."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.attention import scaled_dot_product_attention, softmax
from explainer.examples import self_attention
from explainer.examples.self_attention import step_through_example


def test_step_through_shapes_and_formulas() -> None:
    ex = step_through_example()
    assert len(ex.tokens) == 3
    assert ex.x.shape == (3, 4) and ex.w_q.shape == (4, 4)
    np.testing.assert_allclose(ex.q, ex.x @ ex.w_q)
    np.testing.assert_allclose(ex.scores, ex.q @ ex.k.T)
    np.testing.assert_allclose(ex.scaled_scores, ex.scores / 2.0)  # √d_k = √4
    np.testing.assert_allclose(ex.weights, softmax(ex.scaled_scores))
    np.testing.assert_allclose(ex.output, ex.weights @ ex.v)
    assert ex.mask.all()
    out, weights = scaled_dot_product_attention(ex.q, ex.k, ex.v)
    np.testing.assert_allclose(out, ex.output)
    np.testing.assert_allclose(weights, ex.weights)
    # Inputs are shown with one decimal, so they must really have one decimal.
    np.testing.assert_array_equal(ex.x, ex.x.round(1))
    assert not np.signbit(ex.w_v[ex.w_v == 0]).any()  # no "-0.0" on the page


def test_step_through_seed_changes_the_numbers() -> None:
    assert not np.array_equal(step_through_example(1).x, step_through_example(2).x)
    with pytest.raises(ValueError, match="seed"):
        step_through_example(-1)


def test_shape_table_shows_computed_shapes() -> None:
    assert "step_through_shapes" in self_attention.TABLES
    assert ("scores", "`S = Q Kᵀ`", "3 × 3") in self_attention.TABLES["step_through_shapes"]().rows
