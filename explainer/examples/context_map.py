"""Chapter 9, contextualisation as a map: where "dog", "hot dog", "bank", "river bank", "savings bank" sit.

The GloVe vectors of every word the contextualisation example involves (the
words of its four sentences and the probe groups of
:data:`explainer.examples.glove.WORD_GROUPS`) are projected onto their first
two principal components, computed here with numpy's SVD. The attention
outputs of :func:`~explainer.examples.glove.contextualisation_example` go
through the same projection, so each move is an arrow from a word's raw
vector to its output.

Two facts the map keeps, and one it does not:

- The projection is linear and an output is a weighted average of its
  sentence's vectors, so an output's point is exactly that weighted average
  of the words' points (:func:`mixed_point` checks it).
- Directions on the map have no names of their own; "the food side" is a
  reading of which words happen to sit there.
- Distances are shortened: two axes keep only :attr:`ContextualMap.explained`
  of the words' spread. The true length of each move, in all 50 dimensions,
  is :attr:`~explainer.examples.glove.ContextShift.moved`.

This module imports NumPy and the package's core only (it runs in Pyodide).

References:
    Pearson (1901), "On lines and planes of closest fit to systems of points in space".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explainer.embeddings import Embeddings, default_embeddings, tokenize
from explainer.examples.common import frozen
from explainer.examples.glove import WORD_GROUPS, ContextShift, contextualisation_example
from explainer.examples.table import TableFactory
from explainer.types import FloatArray

__all__ = ["ContextualMap", "MapMove", "contextual_map", "mixed_point", "principal_axes"]

SENTENCE_GROUP = "sentence"
"""The group of the words that come from the example's sentences (not a probe group)."""


@dataclass(frozen=True, eq=False)
class MapMove:
    """One arrow of the map: a word's raw vector to its attention output in one sentence.

    Attributes:
        shift: the measured move (weights, output, its 50-D length ``moved``).
        start: the raw word's point, shape ``(2,)``.
        end: the output's point, shape ``(2,)``.
        map_length: the arrow's length on the map, ``‖end − start‖`` (shorter than ``shift.moved``).
    """

    shift: ContextShift
    start: FloatArray
    end: FloatArray
    map_length: float


@dataclass(frozen=True, eq=False)
class ContextualMap:
    """The 2-D map: every involved word's point, the two axes, and the four moves.

    Attributes:
        words: the words placed on the map, sentence words first.
        groups: each word's group: ``"sentence"`` or a key of ``WORD_GROUPS``.
        points: their points, shape ``(n_words, 2)``.
        mean: the mean the axes are measured from, shape ``(d,)``.
        axes: the two principal directions (unit rows), shape ``(2, d)``.
        explained: the share of the words' spread (variance) each axis keeps, shape ``(2,)``.
        moves: "dog" in "the dog was" and "the hot dog was", "bank" in "river bank" and "savings bank".
    """

    words: tuple[str, ...]
    groups: tuple[str, ...]
    points: FloatArray
    mean: FloatArray
    axes: FloatArray
    explained: FloatArray
    moves: tuple[MapMove, ...]

    def point(self, word: str) -> FloatArray:
        """The point of ``word``, shape ``(2,)``."""
        return self.points[self.words.index(word)]  # type: ignore[no-any-return]

    def project(self, vectors: FloatArray) -> FloatArray:
        """Vectors of shape ``(..., d)`` on the map, shape ``(..., 2)``."""
        return (np.asarray(vectors, dtype=np.float64) - self.mean) @ self.axes.T  # (..., 2)


def principal_axes(x: FloatArray, k: int = 2) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The mean, the first ``k`` principal directions and the share of variance each keeps.

    Each direction's sign is fixed so that its largest-magnitude entry is
    positive, so the same vectors always give the same map.

    Args:
        x: the vectors, shape ``(n, d)``, ``n > k``.
        k: how many directions.

    Returns:
        ``mean`` (``(d,)``), ``axes`` (``(k, d)``, orthonormal rows), ``explained`` (``(k,)``).

    Example:
        >>> mean, axes, explained = principal_axes(np.array([[0.0, 0.0], [2.0, 0.1], [4.0, 0.0]]), k=1)
        >>> axes.round(3).tolist(), float(explained[0]) > 0.99
        ([[1.0, 0.0]], True)
    """
    mean = x.mean(axis=0)  # (d,)
    _, s, vt = np.linalg.svd(x - mean, full_matrices=False)  # (r,), (r, d)
    axes = vt[:k]  # (k, d)
    signs = np.sign(axes[np.arange(k), np.argmax(np.abs(axes), axis=1)])  # (k,)
    return mean, axes * signs[:, None], (s[:k] ** 2) / np.sum(s**2)


def mixed_point(cmap: ContextualMap, move: MapMove) -> FloatArray:
    """The weighted average of the sentence words' points with the move's weights, shape ``(2,)``.

    It equals ``move.end``: projecting is linear, and the output is that average of the vectors.
    """
    weights = np.array([w for _, w in move.shift.weights])  # (n_tokens,)
    points = np.array([cmap.point(t) for t, _ in move.shift.weights])  # (n_tokens, 2)
    mixed: FloatArray = weights @ points  # (2,)
    return mixed


def _words(shifts: list[ContextShift]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The sentence words (in order of first use), then each probe group's words; and their groups."""
    sentence = list(dict.fromkeys(t for s in shifts for t in tokenize(s.sentence)))
    probes = [(w, g) for g, words in WORD_GROUPS.items() for w in words if w not in sentence]
    return (*sentence, *(w for w, _ in probes)), (*[SENTENCE_GROUP] * len(sentence), *(g for _, g in probes))


def contextual_map(embeddings: Embeddings | None = None) -> ContextualMap:
    """Project the example's words and the four attention outputs onto two principal axes.

    Args:
        embeddings: the vectors; ``None`` means the real GloVe vectors.
    """
    emb = default_embeddings() if embeddings is None else embeddings
    ex = contextualisation_example(emb)
    shifts = [ex.dog.first, ex.dog.second, ex.bank.first, ex.bank.second]
    words, groups = _words(shifts)
    x = emb.lookup(words).astype(np.float64)  # (n_words, d)
    mean, axes, explained = principal_axes(x)
    points = (x - mean) @ axes.T  # (n_words, 2)
    moves = []
    for shift in shifts:
        start, end = (np.asarray((v - mean) @ axes.T) for v in (shift.vector, shift.output))  # (2,) each
        moves.append(MapMove(shift, frozen(start), frozen(end), float(np.linalg.norm(end - start))))
    return ContextualMap(
        words=words,
        groups=groups,
        points=frozen(points),
        mean=frozen(mean),
        axes=frozen(axes),
        explained=frozen(explained),
        moves=tuple(moves),
    )


TABLES: dict[str, TableFactory] = {}
