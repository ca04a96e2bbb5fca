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
