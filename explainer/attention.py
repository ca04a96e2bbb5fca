"""Scaled dot-product attention and multi-head attention in plain NumPy.

The one formula this package explains::

    Attention(Q, K, V) = softmax(Q Kᵀ / √d_k + M) V

Masks follow one convention everywhere: a boolean array where ``True`` means
"this query may attend to this key". Forbidden scores become ``-inf`` before
the softmax, so their weights are exactly ``0``.

**Fully masked rows.** A query row whose mask allows no key at all (for
example the first token under ``causal_mask(n) & no_self_mask(n)``) has no
distribution to normalise. Instead of the ``NaN`` that ``0 / 0`` would give,
such a row gets **all-zero weights and an all-zero output**; callers can find
those rows with :func:`fully_masked_rows`. This mirrors what fused attention
kernels do for empty rows, and it is tested.

This module imports NumPy and nothing else, so it runs unchanged in Pyodide.

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "causal_mask",
    "fully_masked_rows",
    "merge_heads",
    "multi_head_attention",
    "no_self_mask",
    "padding_mask",
    "scaled_dot_product_attention",
    "softmax",
    "softmax_jacobian",
    "split_heads",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _as_finite_float(name: str, x: ArrayLike) -> FloatArray:
    """Convert ``x`` to a float64 array and reject NaN or ±inf entries."""
    arr = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values; attention needs finite numbers")
    return arr


def softmax(x: ArrayLike, axis: int = -1) -> FloatArray:
    """Numerically stable softmax along ``axis``.

    The row maximum is subtracted before exponentiating, which changes nothing
    mathematically (the factor ``e^{-max}`` cancels) but keeps ``exp`` from
    overflowing. Entries equal to ``-inf`` get weight exactly ``0``. A slice
    that is entirely ``-inf`` gets all-zero weights (see the module docstring).

    Args:
        x: scores, any shape; ``-inf`` marks a forbidden entry. NaN and
            ``+inf`` are rejected.
        axis: the axis that is normalised to sum to 1.

    Returns:
        Weights with the shape of ``x``: non-negative, summing to 1 along
        ``axis`` (or all zero where every entry was ``-inf``).

    Raises:
        ValueError: if ``x`` contains NaN or ``+inf``, or is empty along ``axis``.

    Example:
        >>> softmax([61.0, 8.0, 26.0]).round(6).tolist()
        [1.0, 0.0, 0.0]
        >>> softmax([0.0, float("-inf")]).tolist()
        [1.0, 0.0]
    """
    scores = np.asarray(x, dtype=np.float64)
    if np.any(np.isnan(scores)) or np.any(scores == np.inf):
        raise ValueError("softmax input contains NaN or +inf")
    if scores.ndim == 0 or scores.shape[axis] == 0:
        raise ValueError("softmax needs at least one entry along the axis")
    row_max = np.max(scores, axis=axis, keepdims=True)
    # A row of only -inf has max -inf; shifting by 0 instead keeps exp() at 0, not NaN.
    shift = np.where(np.isfinite(row_max), row_max, 0.0)
    exps = np.exp(scores - shift)
    total = np.sum(exps, axis=axis, keepdims=True)
    weights: FloatArray = np.divide(exps, total, out=np.zeros_like(exps), where=total > 0)
    return weights


def softmax_jacobian(weights: ArrayLike) -> FloatArray:
    """Jacobian of the softmax at its output ``weights``: ``diag(w) - w wᵀ``.

    Its size measures how much gradient flows back through the softmax; it
    shrinks towards zero as the weights saturate to one-hot.

    Args:
        weights: softmax output, shape ``(..., n)``.

    Returns:
        Jacobian, shape ``(..., n, n)``.

    Example:
        >>> softmax_jacobian([0.5, 0.5]).tolist()
        [[0.25, -0.25], [-0.25, 0.25]]
    """
    w = np.asarray(weights, dtype=np.float64)
    diagonal = w[..., :, None] * np.eye(w.shape[-1])  # (..., n, n)
    return diagonal - w[..., :, None] * w[..., None, :]  # (..., n, n)


def causal_mask(n: int) -> BoolArray:
    """Mask letting token ``i`` attend to tokens ``0..i`` (itself and the past).

    Args:
        n: sequence length, at least 1.

    Returns:
        Boolean lower-triangular array, shape ``(n, n)``; ``True`` = may attend.

    Example:
        >>> causal_mask(3).astype(int).tolist()
        [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    _check_length(n)
    return np.tril(np.ones((n, n), dtype=bool))


def no_self_mask(n: int) -> BoolArray:
    """Mask forbidding each token from attending to itself.

    Args:
        n: sequence length, at least 1.

    Returns:
        Boolean array, shape ``(n, n)``, ``False`` on the diagonal only.

    Example:
        >>> no_self_mask(2).tolist()
        [[False, True], [True, False]]
    """
    _check_length(n)
    return ~np.eye(n, dtype=bool)


def padding_mask(lengths: ArrayLike, n: int) -> BoolArray:
    """Mask hiding padding keys in a batch of right-padded sequences.

    Sequence ``b`` holds ``lengths[b]`` real tokens followed by filler. Every
    query may attend to the real keys of its own sequence and to no filler key.

    Args:
        lengths: number of real tokens per sequence, shape ``(batch,)``, each
            between 1 and ``n``. A plain int means a batch of one.
        n: padded sequence length.

    Returns:
        Boolean array, shape ``(batch, 1, n)``: it broadcasts over the query
        axis of scores shaped ``(batch, n, n)``.

    Example:
        >>> padding_mask([2], 3).astype(int).tolist()
        [[[1, 1, 0]]]
    """
    _check_length(n)
    lens = np.atleast_1d(np.asarray(lengths))
    if lens.ndim != 1 or not np.issubdtype(lens.dtype, np.integer):
        raise ValueError("lengths must be an integer or a 1-D array of integers")
    if np.any(lens < 1) or np.any(lens > n):
        raise ValueError(f"every length must be between 1 and n={n}, got {lens.tolist()}")
    return (np.arange(n)[None, :] < lens[:, None])[:, None, :]  # (batch, 1, n)


def fully_masked_rows(mask: ArrayLike) -> BoolArray:
    """Which query rows of ``mask`` allow no key at all.

    Args:
        mask: boolean, shape ``(..., n_q, n_k)``; ``True`` = may attend.

    Returns:
        Boolean, shape ``(..., n_q)``.
    """
    empty: BoolArray = ~np.any(np.asarray(mask, dtype=bool), axis=-1)  # (..., n_q)
    return empty


def _check_length(n: int) -> None:
    if int(n) != n or n < 1:
        raise ValueError(f"sequence length must be a positive integer, got {n!r}")


def _check_qkv(q: FloatArray, k: FloatArray, v: FloatArray) -> None:
    for name, arr in (("q", q), ("k", k), ("v", v)):
        if arr.ndim < 2:
            raise ValueError(f"{name} must have at least 2 dimensions (..., n, d), got shape {arr.shape}")
        if arr.shape[-2] == 0 or arr.shape[-1] == 0:
            raise ValueError(f"{name} is empty (shape {arr.shape}); attention needs at least one token")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must share d_k: q has {q.shape[-1]}, k has {k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"k and v must have the same number of tokens: k has {k.shape[-2]}, v has {v.shape[-2]}"
        )


def _broadcast_mask(mask: ArrayLike, scores_shape: tuple[int, ...]) -> BoolArray:
    m = np.asarray(mask)
    if m.dtype != np.bool_:
        raise ValueError(f"mask must be boolean (True = may attend), got dtype {m.dtype}")
    try:
        return np.broadcast_to(m, scores_shape)
    except ValueError:
        raise ValueError(
            f"mask of shape {m.shape} does not broadcast to scores of shape {scores_shape}"
        ) from None


def scaled_dot_product_attention(
    q: ArrayLike,
    k: ArrayLike,
    v: ArrayLike,
    mask: ArrayLike | None = None,
    scale: float | None = None,
) -> tuple[FloatArray, FloatArray]:
    """``softmax(q kᵀ · scale + M) v``, returning the output and the weights.

    Args:
        q: queries, shape ``(..., n_q, d_k)``.
        k: keys, shape ``(..., n_k, d_k)``.
        v: values, shape ``(..., n_k, d_v)``.
        mask: boolean, broadcastable to ``(..., n_q, n_k)``; ``True`` means
            "may attend". ``None`` allows everything.
        scale: factor applied to the dot products. ``None`` means
            ``1 / √d_k``; ``1.0`` means unscaled.

    Returns:
        ``(output, weights)``: output shape ``(..., n_q, d_v)``, weights shape
        ``(..., n_q, n_k)``. Rows of ``weights`` sum to 1, except rows whose
        mask allows nothing: those are all zero, as is their output.

    Raises:
        ValueError: on mismatched or empty shapes, non-finite inputs, a
            non-boolean or non-broadcastable mask, or a non-finite scale.

    Example:
        >>> q = [[2.0, 3.0]]; k = [[11.0, 13.0], [1.0, 2.0], [4.0, 6.0]]
        >>> out, w = scaled_dot_product_attention(q, k, k, scale=1.0)
        >>> w.round(3).tolist()
        [[1.0, 0.0, 0.0]]
    """
    q_, k_, v_ = (_as_finite_float(name, a) for name, a in (("q", q), ("k", k), ("v", v)))
    _check_qkv(q_, k_, v_)
    d_k = q_.shape[-1]
    factor = 1.0 / np.sqrt(d_k) if scale is None else float(scale)
    if not np.isfinite(factor):
        raise ValueError(f"scale must be a finite number, got {scale!r}")
    scores = (q_ @ k_.swapaxes(-1, -2)) * factor  # (..., n_q, n_k)
    if mask is not None:
        allowed = _broadcast_mask(mask, scores.shape)
        scores = np.where(allowed, scores, -np.inf)  # (..., n_q, n_k)
    weights = softmax(scores, axis=-1)  # (..., n_q, n_k)
    return weights @ v_, weights  # (..., n_q, d_v), (..., n_q, n_k)


def split_heads(x: ArrayLike, n_heads: int) -> FloatArray:
    """Reshape ``(..., n, d_model)`` into ``(..., n_heads, n, d_model / n_heads)``.

    Example:
        >>> split_heads(np.arange(8.0).reshape(2, 4), 2)[1].tolist()
        [[2.0, 3.0], [6.0, 7.0]]
    """
    arr = np.asarray(x, dtype=np.float64)
    d_model = arr.shape[-1]
    if n_heads < 1 or d_model % n_heads:
        raise ValueError(f"d_model={d_model} is not divisible by n_heads={n_heads}")
    heads = arr.reshape(*arr.shape[:-1], n_heads, d_model // n_heads)  # (..., n, h, d_k)
    return np.swapaxes(heads, -3, -2)  # (..., h, n, d_k)


def merge_heads(x: ArrayLike) -> FloatArray:
    """Inverse of :func:`split_heads`: ``(..., h, n, d_k)`` to ``(..., n, h·d_k)``."""
    arr = np.asarray(x, dtype=np.float64)
    tokens_first = np.swapaxes(arr, -3, -2)  # (..., n, h, d_k)
    return tokens_first.reshape(*tokens_first.shape[:-2], -1)  # (..., n, h * d_k)


def multi_head_attention(
    x: ArrayLike,
    w_q: ArrayLike,
    w_k: ArrayLike,
    w_v: ArrayLike,
    w_o: ArrayLike,
    n_heads: int,
    mask: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Multi-head self-attention: ``Concat(head₁, …, head_h) W_O``.

    Each head attends with its own slice of ``d_k = d_model / n_heads``
    columns of the projections, so all heads together cost about as much as
    one full-width head.

    Args:
        x: token vectors, shape ``(..., n, d_model)``.
        w_q: query projection, shape ``(d_model, d_model)``, applied as ``x @ w_q``.
        w_k: key projection, shape ``(d_model, d_model)``.
        w_v: value projection, shape ``(d_model, d_model)``.
        w_o: output projection, shape ``(d_model, d_model)``.
        n_heads: number of heads; must divide ``d_model``.
        mask: boolean, broadcastable to ``(..., n_heads, n, n)``; a ``(n, n)``
            mask applies to every head.

    Returns:
        ``(output, weights)``: output shape ``(..., n, d_model)``, weights
        shape ``(..., n_heads, n, n)``.

    Raises:
        ValueError: on shape mismatches, non-finite values, or ``d_model``
            not divisible by ``n_heads``.
    """
    x_ = _as_finite_float("x", x)
    if x_.ndim < 2 or x_.shape[-2] == 0:
        raise ValueError(f"x must have shape (..., n, d_model) with n ≥ 1, got {x_.shape}")
    d_model = x_.shape[-1]
    projections = []
    for name, w in (("w_q", w_q), ("w_k", w_k), ("w_v", w_v), ("w_o", w_o)):
        w_ = _as_finite_float(name, w)
        if w_.shape != (d_model, d_model):
            raise ValueError(f"{name} must have shape ({d_model}, {d_model}), got {w_.shape}")
        projections.append(w_)
    wq, wk, wv, wo = projections
    if int(n_heads) != n_heads or n_heads < 1 or d_model % n_heads:
        raise ValueError(f"d_model={d_model} is not divisible by n_heads={n_heads}")
    q = split_heads(x_ @ wq, n_heads)  # (..., h, n, d_k)
    k = split_heads(x_ @ wk, n_heads)  # (..., h, n, d_k)
    v = split_heads(x_ @ wv, n_heads)  # (..., h, n, d_k)
    heads, weights = scaled_dot_product_attention(q, k, v, mask=mask)  # (..., h, n, d_k), (..., h, n, n)
    return merge_heads(heads) @ wo, weights  # (..., n, d_model), (..., h, n, n)
