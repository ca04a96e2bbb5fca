"""Tests for explainer.examples.self_attention: the worked example and shape table of chapter 6."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.attention import causal_mask, scaled_dot_product_attention, softmax
from explainer.examples import self_attention
from explainer.examples.self_attention import cross_attention_example, step_through_example


def test_step_through_shapes_and_formulas() -> None:
    ex = step_through_example()
    assert ex.tokens == ("cats", "chase", "small", "mice")
    assert ex.x.shape == (4, 4) and ex.w_q.shape == (4, 4)
    np.testing.assert_allclose(ex.q, ex.x @ ex.w_q)
    np.testing.assert_allclose(ex.scores, ex.q @ ex.k.T)
    np.testing.assert_allclose(ex.scaled_scores, ex.scores / 2.0)  # √d_k = √4
    np.testing.assert_array_equal(ex.mask, causal_mask(4))
    np.testing.assert_allclose(ex.weights, softmax(np.where(ex.mask, ex.scaled_scores, -np.inf)))
    assert np.all(ex.weights[~ex.mask] == 0.0)  # masked weights are exactly 0
    np.testing.assert_allclose(ex.weights.sum(axis=1), 1.0)
    np.testing.assert_allclose(ex.output, ex.weights @ ex.v)
    out, weights = scaled_dot_product_attention(ex.q, ex.k, ex.v, mask=causal_mask(4))
    np.testing.assert_allclose(out, ex.output)
    np.testing.assert_allclose(weights, ex.weights)
    # Inputs are shown with one decimal, so they must really have one decimal.
    np.testing.assert_array_equal(ex.x, ex.x.round(1))
    assert not np.signbit(ex.w_v[ex.w_v == 0]).any()  # no "-0.0" on the page


def test_step_through_reference_loop() -> None:
    """Each query row against the keys it may see, one at a time, as the step-through draws it."""
    ex = step_through_example(seed=9)
    for i, q in enumerate(ex.q):
        seen = range(i + 1)  # causal: itself and the words before it
        scores = np.array([q @ ex.k[j] / np.sqrt(len(q)) for j in seen])
        weights = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
        np.testing.assert_allclose(ex.weights[i, : i + 1], weights)
        np.testing.assert_allclose(ex.output[i], sum(w * ex.v[j] for w, j in zip(weights, seen, strict=True)))


def test_step_through_seed_changes_the_numbers() -> None:
    assert not np.array_equal(step_through_example(1).x, step_through_example(2).x)
    with pytest.raises(ValueError, match="seed"):
        step_through_example(-1)


def test_shape_table_shows_computed_shapes() -> None:
    assert "step_through_shapes" in self_attention.TABLES
    rows = self_attention.TABLES["step_through_shapes"]().rows
    assert ("scores", "`S = Q Kᵀ`", "4 × 4") in rows and ("causal mask", "`M`", "4 × 4") in rows


def test_cross_attention_has_rectangular_weights_and_target_rows() -> None:
    ex = cross_attention_example()
    n_q, n_k = len(ex.target_tokens), len(ex.source_tokens)
    assert (n_q, n_k) == (2, 4) and ex.target_tokens == ("le", "chat")
    d_model = ex.x_target.shape[1]
    assert ex.x_target.shape == (n_q, d_model) and ex.x_source.shape == (n_k, d_model)
    assert ex.q.shape == (n_q, ex.d_k) and ex.k.shape == (n_k, ex.d_k) and ex.v.shape[0] == n_k
    assert ex.scores.shape == ex.weights.shape == (n_q, n_k)
    assert ex.output.shape == (n_q, ex.v.shape[1])
    np.testing.assert_allclose(ex.q, ex.x_target @ ex.w_q)  # queries from the target ...
    np.testing.assert_allclose(ex.k, ex.x_source @ ex.w_k)  # ... keys and values from the source
    np.testing.assert_allclose(ex.v, ex.x_source @ ex.w_v)
    np.testing.assert_allclose(ex.scores, ex.q @ ex.k.T / np.sqrt(ex.d_k))
    np.testing.assert_allclose(ex.weights, softmax(ex.scores))
    np.testing.assert_allclose(ex.weights.sum(axis=1), 1.0)
    np.testing.assert_allclose(ex.output, ex.weights @ ex.v)
    for a in (ex.x_target, ex.x_source, ex.w_q, ex.w_k, ex.w_v):
        np.testing.assert_array_equal(a, a.round(1))  # one decimal, as the page says
        assert not np.signbit(a[a == 0]).any() and not a.flags.writeable


def test_cross_attention_reference_loop() -> None:
    ex = cross_attention_example(seed=3)
    for i, q in enumerate(ex.q):
        scores = np.array([q @ k / np.sqrt(len(q)) for k in ex.k])
        weights = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
        np.testing.assert_allclose(ex.output[i], sum(w * v for w, v in zip(weights, ex.v, strict=True)))


def test_self_attention_is_cross_attention_with_one_sequence() -> None:
    ex = step_through_example()
    out, weights = scaled_dot_product_attention(ex.x @ ex.w_q, ex.x @ ex.w_k, ex.x @ ex.w_v, mask=ex.mask)
    np.testing.assert_allclose(weights, ex.weights)
    np.testing.assert_allclose(out, ex.output)


def test_cross_attention_seed() -> None:
    assert not np.array_equal(cross_attention_example(0).weights, cross_attention_example(1).weights)
    with pytest.raises(ValueError, match="seed"):
        cross_attention_example(-1)


def test_cross_attention_shape_table_reads_the_arrays() -> None:
    rows = {row[0]: row[1:] for row in self_attention.TABLES["cross_attention_shapes"]().rows}
    assert rows["queries"] == ("`Q = X_target W_Q`", "2 × 3")
    assert rows["keys"] == ("`K = X_source W_K`", "4 × 3")
    assert rows["weights"] == ("`A = softmax(S)`", "2 × 4")
    assert rows["output"] == ("`Z = A V`", "2 × 3")
