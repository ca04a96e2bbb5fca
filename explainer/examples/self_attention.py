"""Chapter 6, self-attention in matrix form: every matrix on three words with 4-d vectors.

The worked example of ``docs/self-attention.md`` and its step-through widget:
seeded token vectors X and projections W_Q, W_K, W_V (one decimal each, so a
reader can check them by hand), then Q, K, V, the scores, the weights and the
output, with the shape of each. Arrays in the result are read-only.

This module imports NumPy and the attention core only (it runs in Pyodide).

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762
    (section 3.2.1, equation 1: Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from explainer.attention import scaled_dot_product_attention
from explainer.examples.common import check_int, frozen
from explainer.examples.table import Table, TableFactory
from explainer.types import BoolArray, FloatArray

__all__ = ["StepThroughExample", "step_through_example"]


@dataclass(frozen=True)
class StepThroughExample:
    """Chapter 6: every matrix of self-attention on 3 words with 4-dim vectors.

    Attributes:
        tokens: the three words.
        x: token vectors X, shape ``(3, 4)`` (seeded, rounded to one decimal).
        w_q: query projection W_Q, shape ``(4, 4)`` (seeded, one decimal).
        w_k: key projection W_K, shape ``(4, 4)``.
        w_v: value projection W_V, shape ``(4, 4)``.
        q: ``X W_Q``, shape ``(3, 4)``.
        k: ``X W_K``, shape ``(3, 4)``.
        v: ``X W_V``, shape ``(3, 4)``.
        scores: ``S = Q Kᵀ``, shape ``(3, 3)``.
        scaled_scores: ``S / √d_k``, shape ``(3, 3)``.
        mask: all True (no mask in this example), shape ``(3, 3)``.
        weights: ``A = softmax(S / √d_k)`` row-wise, shape ``(3, 3)``.
        output: ``Z = A V``, shape ``(3, 4)``.
    """

    tokens: tuple[str, ...]
    x: FloatArray
    w_q: FloatArray
    w_k: FloatArray
    w_v: FloatArray
    q: FloatArray
    k: FloatArray
    v: FloatArray
    scores: FloatArray
    scaled_scores: FloatArray
    mask: BoolArray
    weights: FloatArray
    output: FloatArray

    @property
    def d_k(self) -> int:
        """Width of the queries and keys."""
        return int(self.q.shape[-1])


def step_through_example(seed: int = 1) -> StepThroughExample:
    """Self-attention on "cats chase mice" with seeded X and projections.

    Args:
        seed: seed for ``np.random.default_rng``, ≥ 0. The default, 1, gives
            weights that visibly differ from row to row.

    Example:
        >>> ex = step_through_example()
        >>> ex.weights.shape, bool(np.allclose(ex.weights.sum(axis=1), 1))
        ((3, 3), True)
    """
    rng = np.random.default_rng(check_int("seed", seed, 0))
    # One decimal keeps every input readable on the page and checkable by hand.
    x = rng.standard_normal((3, 4)).round(1) + 0.0  # (3, 4); "+ 0.0" turns -0.0 into 0.0
    w_q, w_k, w_v = (rng.normal(0.0, 0.5, (4, 4)).round(1) + 0.0 for _ in range(3))  # (4, 4) each
    q, k, v = x @ w_q, x @ w_k, x @ w_v  # (3, 4) each
    scores = q @ k.T  # (3, 3)
    mask = np.ones((3, 3), dtype=bool)  # (3, 3)
    output, weights = scaled_dot_product_attention(q, k, v, mask=mask)  # (3, 4), (3, 3)
    return StepThroughExample(
        tokens=("cats", "chase", "mice"),
        x=frozen(x),
        w_q=frozen(w_q),
        w_k=frozen(w_k),
        w_v=frozen(w_v),
        q=frozen(q),
        k=frozen(k),
        v=frozen(v),
        scores=frozen(scores),
        scaled_scores=frozen(scores / math.sqrt(4)),
        mask=frozen(mask, np.bool_),
        weights=frozen(weights),
        output=frozen(output),
    )


def step_through_shapes() -> Table:
    """The shape of every matrix in :func:`step_through_example`."""
    ex = step_through_example()
    steps = (
        ("tokens", "X", ex.x),
        ("queries", "Q = X W_Q", ex.q),
        ("keys", "K = X W_K", ex.k),
        ("values", "V = X W_V", ex.v),
        ("scores", "S = Q Kᵀ", ex.scores),
        ("scaled scores", "S / √d_k", ex.scaled_scores),
        ("weights", "A = softmax(S / √d_k)", ex.weights),
        ("output", "Z = A V", ex.output),
    )
    rows = tuple((name, f"`{formula}`", " × ".join(map(str, a.shape))) for name, formula, a in steps)
    return Table(headers=("step", "formula", "shape"), rows=rows)


TABLES: dict[str, TableFactory] = {"step_through_shapes": step_through_shapes}
