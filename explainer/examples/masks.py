"""Chapter 7, masks: causal, padding and no-self masks, and the fully masked row.

The worked example and table of ``docs/masks.md`` (and its mask explorer):
self-attention over "policy raises wages jobs" under one mask kind, plus the
trap of a row that may attend to nothing, where a naive softmax gives NaN and
the package gives zeros. Arrays in the result are read-only.

This module imports NumPy and the attention core only (it runs in Pyodide).

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762
    (section 3.2.3: masking illegal connections by setting their scores to −∞).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np

from explainer.attention import (
    causal_mask,
    fully_masked_rows,
    no_self_mask,
    padding_mask,
    scaled_dot_product_attention,
)
from explainer.examples.common import check_int, frozen, naive_softmax
from explainer.examples.table import Table, TableFactory
from explainer.types import BoolArray, FloatArray

__all__ = ["MASK_KINDS", "MASK_LABELS", "MaskExample", "mask_example"]

MaskKind = Literal["causal", "padding", "no_self", "none", "causal_no_self"]

MASK_KINDS: tuple[MaskKind, ...] = ("none", "causal", "padding", "no_self", "causal_no_self")
"""The mask kinds of chapter 7, in the order the pages show them; the last is the chapter's trap."""

MASK_LABELS: dict[MaskKind, str] = {
    "none": "no mask",
    "causal": "causal",
    "padding": "padding (“jobs” is filler)",
    "no_self": "no self",
    "causal_no_self": "causal + no self",
}
"""What the figure and the widget call each kind."""


@dataclass(frozen=True)
class MaskExample:
    """Chapter 7: self-attention over "policy raises wages jobs" with one mask kind.

    Attributes:
        kind: "causal", "padding" (the last token is filler), "no_self", "none" or
            "causal_no_self" (the strict past: the first token may attend to nothing).
        tokens: the four tokens.
        x: token vectors, shape ``(4, 6)``.
        w_q: query projection, shape ``(6, 4)`` (normal / √6).
        w_k: key projection, shape ``(6, 4)``.
        w_v: value projection, shape ``(6, 4)``.
        mask: True = may attend, shape ``(4, 4)``.
        scores: scaled scores before masking, shape ``(4, 4)``.
        weights: attention weights, shape ``(4, 4)``; masked entries exactly 0.
        row_sums: each row's sum, shape ``(4,)``; 1, or 0 for a fully masked row.
        context: the output ``A V``, shape ``(4, 4)``.
        empty_rows: indices (from 0) of the rows this kind's mask leaves fully masked.
        trap_mask: causal AND no-self (the "causal_no_self" kind), shape ``(4, 4)``; row 0 allows nothing.
        trap_naive_row: naive softmax of row 0 under that mask (all NaN), shape ``(4,)``.
        trap_weights: the package's weights under that mask, shape ``(4, 4)``; row 0 all 0.
        trap_context: the package's output under that mask, shape ``(4, 4)``; row 0 all 0.
        trap_rows: indices of fully masked rows.
    """

    kind: MaskKind
    tokens: tuple[str, ...]
    x: FloatArray
    w_q: FloatArray
    w_k: FloatArray
    w_v: FloatArray
    mask: BoolArray
    scores: FloatArray
    weights: FloatArray
    row_sums: FloatArray
    context: FloatArray
    empty_rows: tuple[int, ...]
    trap_mask: BoolArray
    trap_naive_row: FloatArray
    trap_weights: FloatArray
    trap_context: FloatArray
    trap_rows: tuple[int, ...]


def _mask_of_kind(kind: str, n: int) -> BoolArray:
    """The ``(n, n)`` mask of one kind; "padding" treats the last token as filler."""
    if kind == "causal":
        return causal_mask(n)
    if kind == "no_self":
        return no_self_mask(n)
    if kind == "padding":
        return np.broadcast_to(padding_mask([n - 1], n)[0], (n, n)).copy()  # (n, n)
    if kind == "none":
        return np.ones((n, n), dtype=bool)
    if kind == "causal_no_self":
        return causal_mask(n) & no_self_mask(n)  # (n, n): the strict past; row 0 allows nothing
    raise ValueError(f"unknown mask kind {kind!r}; choose one of {', '.join(MASK_KINDS)}")


def _indices(rows: BoolArray) -> tuple[int, ...]:
    """The indices of the ``True`` entries of ``rows``, shape ``(n,)``."""
    return tuple(int(i) for i in np.flatnonzero(rows))


def mask_example(kind: str = "causal", seed: int = 0) -> MaskExample:
    """Masked self-attention on "policy raises wages jobs" (seeded X and projections).

    Args:
        kind: one of :data:`MASK_KINDS`.
        seed: seed for ``np.random.default_rng``, ≥ 0.

    Raises:
        ValueError: on an unknown kind or a bad seed.

    Example:
        >>> ex = mask_example("causal")
        >>> ex.weights[0].tolist()[1:], ex.context.shape, ex.trap_rows
        ([0.0, 0.0, 0.0], (4, 4), (0,))
        >>> mask_example("causal_no_self").empty_rows, mask_example("causal").empty_rows
        ((0,), ())
    """
    mask = _mask_of_kind(kind, 4)  # (4, 4)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    x = rng.standard_normal((4, 6))  # (4, 6)
    w_q, w_k, w_v = (rng.standard_normal((6, 4)) / math.sqrt(6) for _ in range(3))  # (6, 4) each
    q, k, v = x @ w_q, x @ w_k, x @ w_v  # (4, 4) each
    context, weights = scaled_dot_product_attention(q, k, v, mask=mask)  # (4, 4), (4, 4)
    scores = q @ k.T / math.sqrt(4)  # (4, 4)
    trap = _mask_of_kind("causal_no_self", 4)  # (4, 4)
    trap_context, trap_weights = scaled_dot_product_attention(q, k, v, mask=trap)  # (4, 4), (4, 4)
    naive_row = naive_softmax(np.where(trap[0], scores[0], -np.inf))  # (4,)
    return MaskExample(
        kind=cast(MaskKind, kind),
        tokens=("policy", "raises", "wages", "jobs"),
        x=frozen(x),
        w_q=frozen(w_q),
        w_k=frozen(w_k),
        w_v=frozen(w_v),
        mask=frozen(mask, np.bool_),
        scores=frozen(scores),
        weights=frozen(weights),
        row_sums=frozen(weights.sum(axis=1)),
        context=frozen(context),
        empty_rows=_indices(fully_masked_rows(mask)),
        trap_mask=frozen(trap, np.bool_),
        trap_naive_row=frozen(naive_row),
        trap_weights=frozen(trap_weights),
        trap_context=frozen(trap_context),
        trap_rows=_indices(fully_masked_rows(trap)),
    )


def mask_rows() -> Table:
    """The causal example's weights, one row per query, with each row's sum."""
    ex = mask_example("causal")
    rows = tuple(
        (token, *(format(float(w), ".3f") for w in row), format(float(total), ".3f"))
        for token, row, total in zip(ex.tokens, ex.weights, ex.row_sums, strict=True)
    )
    return Table(headers=("query ↓ / key →", *ex.tokens, "row sum"), rows=rows)


TABLES: dict[str, TableFactory] = {"mask_rows": mask_rows}
