"""Chapter 6, self-attention in matrix form: every matrix on three words with 4-d vectors.

The worked examples of ``docs/self-attention.md`` and its step-through widget:
four words with seeded token vectors X and projections W_Q, W_K, W_V (one
decimal each, so a reader can check them by hand), then Q, K, V, the scores,
the causal mask, the weights and the output, with the shape of each. The
chapter closes with cross-attention: two target words query four source words,
so the weight matrix is 2 × 4. Arrays in the results are read-only.

This module imports NumPy and the attention core only (it runs in Pyodide).

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762
    (section 3.2.1, equation 1: Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V;
    section 3.2.3: encoder-decoder attention).
    Bahdanau, Cho and Bengio (2014), "Neural Machine Translation by Jointly
    Learning to Align and Translate", arXiv:1409.0473 (a decoder attending over
    its source sentence).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from explainer.attention import causal_mask, scaled_dot_product_attention
from explainer.examples.common import check_int, frozen
from explainer.examples.table import Table, TableFactory
from explainer.types import BoolArray, FloatArray

__all__ = [
    "STEP_THROUGH_SEED",
    "STEP_THROUGH_TOKENS",
    "CrossAttentionExample",
    "StepThroughExample",
    "cross_attention_example",
    "step_through_example",
]


def _read_only(**arrays: FloatArray) -> dict[str, Any]:
    """Read-only copies of the arrays, by name, for an example's constructor."""
    return {name: frozen(a) for name, a in arrays.items()}


@dataclass(frozen=True)
class AttentionMatrices:
    """What every worked example of this chapter keeps: projections, Q, K, V, weights, output.

    Attributes:
        w_q, w_k, w_v: the projections W_Q, W_K, W_V, shape ``(d_model, d_k)``.
        q: the queries, shape ``(n_q, d_k)``.
        k: the keys, shape ``(n_k, d_k)``.
        v: the values, shape ``(n_k, d_v)``.
        weights: ``A``, each row summing to 1, shape ``(n_q, n_k)``.
        output: ``Z = A V``, shape ``(n_q, d_v)``.
    """

    w_q: FloatArray
    w_k: FloatArray
    w_v: FloatArray
    q: FloatArray
    k: FloatArray
    v: FloatArray
    weights: FloatArray
    output: FloatArray

    @property
    def d_k(self) -> int:
        """Width of the queries and keys."""
        return int(self.q.shape[-1])


@dataclass(frozen=True)
class StepThroughExample(AttentionMatrices):
    """Chapter 6: every matrix of causal self-attention on 4 words with 4-dim vectors.

    Attributes:
        tokens: the four words.
        x: token vectors X, shape ``(4, 4)`` (seeded, rounded to one decimal).
        w_q: query projection W_Q, shape ``(4, 4)`` (seeded, one decimal).
        w_k: key projection W_K, shape ``(4, 4)``.
        w_v: value projection W_V, shape ``(4, 4)``.
        q: ``X W_Q``, shape ``(4, 4)``.
        k: ``X W_K``, shape ``(4, 4)``.
        v: ``X W_V``, shape ``(4, 4)``.
        scores: ``S = Q Kᵀ``, shape ``(4, 4)``.
        scaled_scores: ``S / √d_k``, shape ``(4, 4)`` (before the mask).
        mask: the causal mask, True = may attend (a word sees itself and the words before it), ``(4, 4)``.
        weights: ``A = softmax(S / √d_k + M)`` row-wise, masked weights exactly 0, shape ``(4, 4)``.
        output: ``Z = A V``, shape ``(4, 4)``.
    """

    tokens: tuple[str, ...]
    x: FloatArray
    scores: FloatArray
    scaled_scores: FloatArray
    mask: BoolArray


STEP_THROUGH_TOKENS = ("cats", "chase", "small", "mice")
"""The sentence of the step-through example."""
STEP_THROUGH_SEED = 4
"""The step-through example's default seed: its weights visibly differ from row to row."""


def step_through_example(seed: int = STEP_THROUGH_SEED) -> StepThroughExample:
    """Causal self-attention on "cats chase small mice" with seeded X and projections.

    Args:
        seed: seed for ``np.random.default_rng``, ≥ 0 (default :data:`STEP_THROUGH_SEED`).

    Example:
        >>> ex = step_through_example()
        >>> ex.weights.shape, bool(np.allclose(ex.weights.sum(axis=1), 1)), float(ex.weights[0, 1])
        ((4, 4), True, 0.0)
    """
    rng = np.random.default_rng(check_int("seed", seed, 0))
    n, d_model, d_k = len(STEP_THROUGH_TOKENS), 4, 4
    # One decimal keeps every input readable on the page and checkable by hand.
    x = rng.standard_normal((n, d_model)).round(1) + 0.0  # (n, d_model); "+ 0.0" turns -0.0 into 0.0
    w_q, w_k, w_v = (rng.normal(0.0, 0.5, (d_model, d_k)).round(1) + 0.0 for _ in range(3))  # (d_model, d_k)
    q, k, v = x @ w_q, x @ w_k, x @ w_v  # (n, d_k) each
    scores = q @ k.T  # (n, n)
    mask = causal_mask(n)  # (n, n), True = may attend
    output, weights = scaled_dot_product_attention(q, k, v, mask=mask)  # (n, d_k), (n, n)
    return StepThroughExample(
        tokens=STEP_THROUGH_TOKENS,
        mask=frozen(mask, np.bool_),
        **_read_only(x=x, w_q=w_q, w_k=w_k, w_v=w_v, q=q, k=k, v=v, weights=weights, output=output),
        **_read_only(scores=scores, scaled_scores=scores / math.sqrt(d_k)),
    )


def _shape_table(steps: tuple[tuple[str, str, FloatArray | BoolArray], ...]) -> Table:
    """One row per step: its name, its formula (as code) and the shape read from its array."""
    rows = tuple((name, f"`{formula}`", " × ".join(map(str, a.shape))) for name, formula, a in steps)
    return Table(headers=("step", "formula", "shape"), rows=rows)


def step_through_shapes() -> Table:
    """The shape of every matrix in :func:`step_through_example`."""
    ex = step_through_example()
    return _shape_table(
        (
            ("tokens", "X", ex.x),
            ("queries", "Q = X W_Q", ex.q),
            ("keys", "K = X W_K", ex.k),
            ("values", "V = X W_V", ex.v),
            ("scores", "S = Q Kᵀ", ex.scores),
            ("scaled scores", "S / √d_k", ex.scaled_scores),
            ("causal mask", "M", ex.mask),
            ("weights", "A = softmax(S / √d_k + M)", ex.weights),
            ("output", "Z = A V", ex.output),
        )
    )


@dataclass(frozen=True)
class CrossAttentionExample(AttentionMatrices):
    """Chapter 6: cross-attention, 2 target words querying 4 source words.

    The vectors and projections are seeded random numbers rounded to one
    decimal, not learned: the weights say nothing about the translation.

    Attributes:
        target_tokens: the words that ask, the decoder's ("le chat").
        source_tokens: the words that answer, the encoder's ("the cat sat down").
        x_target: target vectors X_target, shape ``(n_q, d_model)``.
        x_source: source vectors X_source, shape ``(n_k, d_model)``.
        w_q, w_k, w_v: projections, shape ``(d_model, d_k)`` each (here d_v = d_k).
        q: ``X_target W_Q``, shape ``(n_q, d_k)``.
        k: ``X_source W_K``, shape ``(n_k, d_k)``.
        v: ``X_source W_V``, shape ``(n_k, d_v)``.
        scores: ``S = Q Kᵀ / √d_k``, shape ``(n_q, n_k)``.
        weights: ``A = softmax(S)`` row-wise, shape ``(n_q, n_k)``.
        output: ``Z = A V``, shape ``(n_q, d_v)``: one row per target word.
    """

    target_tokens: tuple[str, ...]
    source_tokens: tuple[str, ...]
    x_target: FloatArray
    x_source: FloatArray
    scores: FloatArray


def cross_attention_example(seed: int = 0) -> CrossAttentionExample:
    """French "le chat" (the queries) attending over English "the cat sat down" (keys and values).

    Both sentences get seeded random 5-d vectors; W_Q, W_K, W_V are seeded
    random 5 × 3 matrices. Everything is rounded to one decimal.

    Args:
        seed: seed for ``np.random.default_rng``, ≥ 0.

    Example:
        >>> ex = cross_attention_example()
        >>> ex.q.shape, ex.k.shape, ex.weights.shape, ex.output.shape
        ((2, 3), (4, 3), (2, 4), (2, 3))
    """
    rng = np.random.default_rng(check_int("seed", seed, 0))
    target, source = ("le", "chat"), ("the", "cat", "sat", "down")
    d_model, d_k = 5, 3
    x_target = rng.standard_normal((len(target), d_model)).round(1) + 0.0  # (n_q, d_model)
    x_source = rng.standard_normal((len(source), d_model)).round(1) + 0.0  # (n_k, d_model)
    w_q, w_k, w_v = (rng.normal(0.0, 0.5, (d_model, d_k)).round(1) + 0.0 for _ in range(3))  # (d_model, d_k)
    q = x_target @ w_q  # (n_q, d_k): the queries come from the target ...
    k, v = x_source @ w_k, x_source @ w_v  # (n_k, d_k), (n_k, d_v): ... keys and values from the source
    output, weights = scaled_dot_product_attention(q, k, v)  # (n_q, d_v), (n_q, n_k)
    return CrossAttentionExample(
        target_tokens=target,
        source_tokens=source,
        scores=frozen(q @ k.T / math.sqrt(d_k)),  # (n_q, n_k)
        **_read_only(x_target=x_target, x_source=x_source, w_q=w_q, w_k=w_k, w_v=w_v),
        **_read_only(q=q, k=k, v=v, weights=weights, output=output),
    )


def cross_attention_shapes() -> Table:
    """The shape of every matrix in :func:`cross_attention_example`."""
    ex = cross_attention_example()
    return _shape_table(
        (
            ("target tokens (queries' side)", "X_target", ex.x_target),
            ("source tokens (keys' side)", "X_source", ex.x_source),
            ("projections", "W_Q, W_K, W_V", ex.w_q),
            ("queries", "Q = X_target W_Q", ex.q),
            ("keys", "K = X_source W_K", ex.k),
            ("values", "V = X_source W_V", ex.v),
            ("scaled scores", "S = Q Kᵀ / √d_k", ex.scores),
            ("weights", "A = softmax(S)", ex.weights),
            ("output", "Z = A V", ex.output),
        )
    )


TABLES: dict[str, TableFactory] = {
    "step_through_shapes": step_through_shapes,
    "cross_attention_shapes": cross_attention_shapes,
}
