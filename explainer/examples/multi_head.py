"""Chapter 8, multi-head attention: split d_model into heads, attend per head, mix.

The worked example of ``docs/multi-head.md`` and its widget: "policy raises
wages jobs" with d_model = 8 split into 1, 2, 4 or 8 heads, checked against
the package's :func:`~explainer.attention.multi_head_attention` and, for one
head, against plain attention. Arrays in the result are read-only.

This module imports NumPy and the attention core only (it runs in Pyodide).

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762
    (section 3.2.2: MultiHead(Q, K, V) = Concat(head₁, …, head_h) W_O).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from explainer.attention import merge_heads, multi_head_attention, scaled_dot_product_attention, split_heads
from explainer.examples.common import check_int, frozen
from explainer.examples.table import TableFactory
from explainer.types import FloatArray

__all__ = ["D_MODEL", "MultiHeadExample", "multi_head_example"]

D_MODEL = 8
"""The model width of the chapter-8 example; the number of heads must divide it."""


@dataclass(frozen=True)
class MultiHeadExample:
    """Chapter 8: multi-head self-attention on "policy raises wages jobs", d_model = 8.

    Attributes:
        n_heads: number of heads h.
        d_model: model width (8).
        tokens: the four tokens.
        x: token vectors, shape ``(4, 8)``.
        w_q: query projection, shape ``(8, 8)``.
        w_k: key projection, shape ``(8, 8)``.
        w_v: value projection, shape ``(8, 8)``.
        w_o: output projection W_O, shape ``(8, 8)``.
        head_weights: per-head weights, shape ``(h, 4, 4)``.
        head_outputs: per-head outputs, shape ``(h, 4, 8 / h)``.
        concatenated: ``Concat(head₁, …, head_h)``, shape ``(4, 8)``.
        output: ``concatenated @ W_O``, shape ``(4, 8)``.
        package_difference: largest gap between ``output`` and
            ``explainer.attention.multi_head_attention`` (should be ~1e-16).
        one_head_difference: largest gap between 1-head multi-head attention
            and plain attention of ``X W_Q, X W_K, X W_V`` followed by W_O.
    """

    n_heads: int
    d_model: int
    tokens: tuple[str, ...]
    x: FloatArray
    w_q: FloatArray
    w_k: FloatArray
    w_v: FloatArray
    w_o: FloatArray
    head_weights: FloatArray
    head_outputs: FloatArray
    concatenated: FloatArray
    output: FloatArray
    package_difference: float
    one_head_difference: float


def _one_head_difference(x: FloatArray, w: tuple[FloatArray, ...]) -> float:
    """Max gap between ``multi_head_attention(n_heads=1)`` and plain attention + W_O."""
    w_q, w_k, w_v, w_o = w
    one_head, _ = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=1)  # (n, d_model)
    plain, _ = scaled_dot_product_attention(x @ w_q, x @ w_k, x @ w_v)  # (n, d_model)
    return float(np.max(np.abs(one_head - plain @ w_o)))


def multi_head_example(n_heads: int = 2, seed: int = 0) -> MultiHeadExample:
    """Split d_model = 8 into ``n_heads`` heads, attend per head, concatenate, mix.

    Args:
        n_heads: 1, 2, 4 or 8 (must divide d_model = 8).
        seed: seed for ``np.random.default_rng``, ≥ 0.

    Raises:
        ValueError: if ``n_heads`` does not divide 8, or on a bad seed.

    Example:
        >>> ex = multi_head_example(2)
        >>> ex.head_weights.shape, ex.one_head_difference < 1e-12
        ((2, 4, 4), True)
    """
    d_model = D_MODEL
    n_heads = check_int("n_heads", n_heads, 1, d_model)
    if d_model % n_heads:
        raise ValueError(f"n_heads must divide d_model={d_model} (1, 2, 4 or 8), got {n_heads}")
    rng = np.random.default_rng(check_int("seed", seed, 0))
    x = rng.standard_normal((4, d_model))  # (4, d_model)
    w_q, w_k, w_v, w_o = (rng.standard_normal((d_model, d_model)) / math.sqrt(d_model) for _ in range(4))
    q, k, v = (split_heads(x @ m, n_heads) for m in (w_q, w_k, w_v))  # (h, 4, d_k) each
    heads, head_weights = scaled_dot_product_attention(q, k, v)  # (h, 4, d_k), (h, 4, 4)
    concatenated = merge_heads(heads)  # (4, d_model)
    output = concatenated @ w_o  # (4, d_model)
    package_output, _ = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=n_heads)  # (4, d_model)
    return MultiHeadExample(
        n_heads=n_heads,
        d_model=d_model,
        tokens=("policy", "raises", "wages", "jobs"),
        x=frozen(x),
        w_q=frozen(w_q),
        w_k=frozen(w_k),
        w_v=frozen(w_v),
        w_o=frozen(w_o),
        head_weights=frozen(head_weights),
        head_outputs=frozen(heads),
        concatenated=frozen(concatenated),
        output=frozen(output),
        package_difference=float(np.max(np.abs(output - package_output))),
        one_head_difference=_one_head_difference(x, (w_q, w_k, w_v, w_o)),
    )


TABLES: dict[str, TableFactory] = {}
