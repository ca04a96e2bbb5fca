"""Tests for explainer.examples.trained_live: accuracy, sizes, a cell's computation, rollout, link norms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.examples.trained_heads import GRID_SENTENCES
from explainer.examples.trained_live import (
    BENCH_SENTENCE,
    HELD_OUT_SENTENCES,
    cell_computation,
    compact_accuracy,
    compact_encode,
    compact_minilm,
    download_table,
    rollout,
)
from explainer.minilm import Encoding, MiniLM
from explainer.types import FloatArray


def test_held_out_sentences_are_not_presets() -> None:
    assert not set(HELD_OUT_SENTENCES) & set(GRID_SENTENCES)


def test_accuracy_and_download_meet_the_goals(minilm_weights: None) -> None:
    a = compact_accuracy()
    assert 0 < a.max_attention_error <= 1e-3
    assert a.bench_pieces == 16
    assert a.first_sentence_bytes <= 22e6
    assert a.first_sentence_bytes == a.model_bytes + a.vocab_bytes + a.bench_shard_bytes
    assert a.table_bytes >= 30_522 * 384 * 2
    assert download_table().rows[-1][1] == f"{a.first_sentence_bytes / 1e6:.1f} MB"


def test_cell_computation_is_the_heads_own_weight(minilm_weights: None) -> None:
    enc = compact_encode(BENCH_SENTENCE)
    c = cell_computation(compact_minilm(), enc, layer=3, head=7, row=9, col=3)
    assert c.q.shape == c.k.shape == c.products.shape == (32,)
    assert c.score == pytest.approx(float(c.products.sum()), abs=1e-9)
    assert c.scaled_row[3] == c.score * (1.0 / np.sqrt(32))
    # the same arithmetic as the model's (explainer.minilm.exact): the very weights it computed
    np.testing.assert_array_equal(c.weights_row, enc.attentions[3, 7, 9])


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.integers(2, 6), st.integers(0, 2**32 - 1))
def test_rollout_rows_sum_to_one(layers: int, heads: int, n: int, seed: int) -> None:
    raw = np.random.default_rng(seed).random((layers, heads, n, n))
    weights = raw / raw.sum(axis=-1, keepdims=True)
    result = rollout(weights)
    assert result.shape == (n, n)
    np.testing.assert_allclose(result.sum(axis=-1), 1.0, atol=1e-12)


def test_rollout_of_one_layer_is_half_attention_half_residual() -> None:
    weights = np.array([[[[0.2, 0.8], [0.6, 0.4]]]])  # one layer, one head
    np.testing.assert_allclose(rollout(weights), (weights[0, 0] + np.eye(2)) / 2)


def test_rollout_of_identity_attention_is_identity() -> None:
    np.testing.assert_allclose(rollout(np.broadcast_to(np.eye(3), (2, 4, 3, 3))), np.eye(3))


def test_ablation_of_no_head_moves_nothing_and_of_heads_moves_something(minilm_weights: None) -> None:
    from explainer.examples.trained_live import ablation

    model, enc = compact_minilm(), compact_encode(BENCH_SENTENCE)
    assert ablation(model, enc, (), 2).token_cosine == pytest.approx(1.0, abs=1e-6)
    moved = ablation(model, enc, ((1, 1), (6, 12)), 11)
    assert 0.0 < moved.token_cosine < 0.9999 and 0.0 < moved.sentence_cosine < 0.9999
    every = tuple((layer, head) for layer in range(1, 7) for head in range(1, 13))
    assert ablation(model, enc, every, 11).token_cosine < moved.token_cosine  # no attention at all: further


def test_switching_a_head_off_removes_exactly_its_output(minilm_weights: None) -> None:
    model, enc = compact_minilm(), compact_encode(BENCH_SENTENCE)
    x = enc.hidden_states[0].astype(np.float32)
    keep = np.ones(12)
    keep[4] = 0.0
    full, _ = model.attend(x, model.layers[0])
    without, weights = model.attend(x, model.layers[0], keep)
    np.testing.assert_allclose(weights, enc.attentions[0], atol=1e-6)  # weights are still reported
    assert not np.allclose(full, without)


def _brute_force_contributions(model: MiniLM, enc: Encoding, row: int, col: int) -> FloatArray:
    """‖α_ij (x_j W_V + b_V)^h W_O^h‖ head by head, with plain slices and loops (the reference)."""
    layers, heads = enc.attentions.shape[:2]
    out = np.zeros((layers, heads))
    for layer in range(layers):
        w = model.layers[layer]
        x_j = enc.hidden_states[layer][col].astype(np.float64)  # (d,)
        d_k = w.w_v.shape[1] // heads
        for head in range(heads):
            cols = slice(head * d_k, (head + 1) * d_k)
            v_j = x_j @ w.w_v[:, cols].astype(np.float64) + w.b_v[cols]  # (d_k,)
            f_j = v_j @ w.w_o[cols, :].astype(np.float64)  # (d,)
            alpha = enc.attentions[layer, head, row, col]
            out[layer, head] = np.linalg.norm(alpha * f_j)
    return out


def test_link_contributions_match_a_loop_over_heads(minilm_weights: None) -> None:
    from explainer.examples.trained_live import link_contributions

    model, enc = compact_minilm(), compact_encode("the cat sat because it was tired")
    got = link_contributions(model, enc, 5, 2)
    assert got.shape == (6, 12)
    np.testing.assert_allclose(got, _brute_force_contributions(model, enc, 5, 2), rtol=1e-4, atol=1e-6)
    assert not np.allclose(got, link_contributions(model, enc, 5, 3))  # another key, other norms


def test_transformed_values_sum_to_each_heads_output_and_the_layers(minilm_weights: None) -> None:
    from explainer.examples.trained_live import transformed_values

    model, enc = compact_minilm(), compact_encode("the cat sat because it was tired")
    layer, row = 2, 5
    f = transformed_values(model, enc, layer)  # (h, n, d)
    alpha = enc.attentions[layer, :, row]  # (h, n)
    per_head = np.einsum("hj,hjd->hd", alpha, f)  # (h, d): Σ_j α_ij f_h(x_j)
    w = model.layers[layer]
    x = enc.hidden_states[layer].astype(np.float32)
    for head in (0, 7):
        keep = np.zeros(12)
        keep[head] = 1.0
        alone, _ = model.attend(x, w, keep)  # only that head, plus b_O
        np.testing.assert_allclose(per_head[head] + w.b_o, alone[row], atol=2e-4)
    whole, _ = model.attend(x, w)
    np.testing.assert_allclose(per_head.sum(axis=0) + w.b_o, whole[row], atol=5e-4)


def test_top_link_heads_are_ranked_by_norm_with_their_weight_rank() -> None:
    from explainer.examples.trained_live import top_link_heads

    weights = np.array([[0.9, 0.1, 0.5], [0.2, 0.7, 0.0]])
    norms = np.array([[0.3, 0.8, 0.5], [0.1, 0.4, 0.0]])
    top = top_link_heads(weights, norms, 3)
    assert [(t.layer, t.head) for t in top] == [(1, 2), (1, 3), (2, 2)]
    assert [t.weight_rank for t in top] == [5, 3, 2]  # weight alone orders them otherwise
    assert [t.weight for t in top] == [0.1, 0.5, 0.7] and top[0].norm == 0.8
    assert len(top_link_heads(weights, norms, 10)) == 6
