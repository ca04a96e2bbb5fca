"""Chapter 2, the dot product: one query scored against three keys.

The worked example of ``docs/dot-product.md`` (its figure and widget read it
too): q = [2, 3] against C = [11, 13], A = [1, 2] and B = [4, 6]. Chapter 3
takes these scores as its input. Arrays in the result are read-only.

This module imports NumPy and the example helpers only (it runs in Pyodide).

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762
    (section 3.2.1: the dot product as the score of a query against a key).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explainer.examples.common import frozen
from explainer.examples.table import TableFactory
from explainer.types import FloatArray

__all__ = ["DotProductExample", "dot_product_example"]


@dataclass(frozen=True)
class DotProductExample:
    """Chapter 2: one query scored against three keys by dot products.

    Attributes:
        query: the query q, shape ``(2,)``.
        key_names: the keys' names, ``("C", "A", "B")``.
        keys: the keys, one per row, shape ``(3, 2)``.
        terms: the products ``q[j] * key[j]`` before summing, shape ``(3, 2)``.
        scores: ``q · key`` for each key, shape ``(3,)``.
    """

    query: FloatArray
    key_names: tuple[str, ...]
    keys: FloatArray
    terms: FloatArray
    scores: FloatArray

    @property
    def best_key(self) -> str:
        """Name of the key with the highest score."""
        return self.key_names[int(np.argmax(self.scores))]


def dot_product_example() -> DotProductExample:
    """q = [2, 3] against C = [11, 13], A = [1, 2], B = [4, 6]: scores 61, 8, 26.

    Example:
        >>> dot_product_example().scores.tolist()
        [61.0, 8.0, 26.0]
    """
    query = np.array([2.0, 3.0])  # (2,)
    keys = np.array([[11.0, 13.0], [1.0, 2.0], [4.0, 6.0]])  # (3, 2)
    terms = keys * query  # (3, 2)
    scores = keys @ query  # (3,)
    return DotProductExample(
        query=frozen(query),
        key_names=("C", "A", "B"),
        keys=frozen(keys),
        terms=frozen(terms),
        scores=frozen(scores),
    )


TABLES: dict[str, TableFactory] = {}
