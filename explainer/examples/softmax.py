"""Chapter 3, softmax: the chapter 2 scores turned into weights, naively and max-shifted.

The worked example and table of ``docs/softmax.md``: e^61 is about 3·10²⁶,
which float64 still holds; the same scores times 20 overflow the naive
formula to NaN while the max-shifted form stays finite. Arrays in the result
are read-only.

This module imports NumPy and the attention core only (it runs in Pyodide).

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762
    (section 3.2.1: the softmax over a query's scores).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explainer.attention import softmax
from explainer.examples.common import frozen, naive_softmax
from explainer.examples.dot_product import dot_product_example
from explainer.examples.table import Table, TableFactory
from explainer.types import FloatArray

__all__ = ["SoftmaxExample", "softmax_example"]


@dataclass(frozen=True)
class SoftmaxExample:
    """Chapter 3: softmax of the chapter 2 scores, naive and max-shifted.

    Attributes:
        scores: the scores [61, 8, 26], shape ``(3,)``.
        exps: ``e^score``, shape ``(3,)`` (e^61 is about 3·10²⁶).
        total: ``Σ e^score``.
        weights: ``exps / total``, shape ``(3,)``.
        shift: the row maximum subtracted in the stable form (61).
        shifted_scores: ``scores - shift``, shape ``(3,)``; all ≤ 0.
        shifted_exps: ``e^(score - shift)``, shape ``(3,)``; all in (0, 1].
        shifted_total: ``Σ e^(score - shift)``.
        stable_weights: ``shifted_exps / shifted_total``, shape ``(3,)``.
        max_difference: largest ``|weights - stable_weights|`` (rounding only).
        package_weights: ``explainer.attention.softmax(scores)``, shape ``(3,)``.
        overflow_scores: the scores times 20, shape ``(3,)``, where ``e^x``
            overflows float64 (above about 709).
        overflow_naive: the naive formula on those: NaN where it overflowed.
        overflow_stable: the max-shifted formula on those: finite weights.
    """

    scores: FloatArray
    exps: FloatArray
    total: float
    weights: FloatArray
    shift: float
    shifted_scores: FloatArray
    shifted_exps: FloatArray
    shifted_total: float
    stable_weights: FloatArray
    max_difference: float
    package_weights: FloatArray
    overflow_scores: FloatArray
    overflow_naive: FloatArray
    overflow_stable: FloatArray


def softmax_example() -> SoftmaxExample:
    """Softmax of [61, 8, 26], by the definition and by the max-shifted form.

    Example:
        >>> ex = softmax_example()
        >>> round(float(ex.weights[0]), 12), ex.max_difference < 1e-15
        (1.0, True)
    """
    scores = dot_product_example().scores.copy()  # (3,)
    exps = np.exp(scores)  # (3,)
    shift = float(np.max(scores))
    shifted_exps = np.exp(scores - shift)  # (3,)
    weights = exps / exps.sum()  # (3,)
    stable = shifted_exps / shifted_exps.sum()  # (3,)
    overflow = scores * 20.0  # (3,)
    return SoftmaxExample(
        scores=frozen(scores),
        exps=frozen(exps),
        total=float(exps.sum()),
        weights=frozen(weights),
        shift=shift,
        shifted_scores=frozen(scores - shift),
        shifted_exps=frozen(shifted_exps),
        shifted_total=float(shifted_exps.sum()),
        stable_weights=frozen(stable),
        max_difference=float(np.max(np.abs(weights - stable))),
        package_weights=frozen(softmax(scores)),
        overflow_scores=frozen(overflow),
        overflow_naive=frozen(naive_softmax(overflow)),
        overflow_stable=frozen(softmax(overflow)),
    )


def softmax_table() -> Table:
    """Chapter 3: each score, its exponential, its shifted exponential and its weight."""
    ex = softmax_example()
    rows = tuple(
        (name, f"{s:.0f}", f"{e:.3e}", f"{se:.3e}", f"{w:.3e}")
        for name, s, e, se, w in zip(
            dot_product_example().key_names, ex.scores, ex.exps, ex.shifted_exps, ex.weights, strict=True
        )
    )
    return Table(headers=("key", "score x", "eˣ", "eˣ⁻ᵐᵃˣ", "weight"), rows=rows)


TABLES: dict[str, TableFactory] = {"softmax_table": softmax_table}
