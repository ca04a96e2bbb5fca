"""Tests for explainer.examples.trained_live: accuracy, sizes, a cell's computation, rollout."""

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
    assert c.score == pytest.approx(float(c.products.sum()), abs=1e-12)
    assert c.scaled_row[3] == pytest.approx(c.score / np.sqrt(32), abs=1e-12)
    np.testing.assert_allclose(c.weights_row, enc.attentions[3, 7, 9], atol=1e-12)


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
