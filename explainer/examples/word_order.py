"""Chapter 7b, word order: attention ignores it until positions are added.

The worked examples of ``docs/word-order.md``:

- :func:`permutation_example`: shuffle the rows of X and attention's output
  rows and weights are shuffled the same way, nothing else changes
  (permutation equivariance), on chapter 7's "policy raises wages jobs".
- :func:`repeated_word_example`: over raw GloVe vectors, both "cat"s of
  "the cat and the cat" get identical weights and outputs; with positions
  added to the vectors, they no longer do.
- :func:`sinusoidal_encoding` and :func:`sinusoidal_example`: the fixed
  sine/cosine positions of the Transformer, whose dot product depends on the
  distance between two positions only.
- :func:`learned_positions`: the 512 × 384 position table all-MiniLM-L6-v2
  learned, measured against the sinusoidal one.

This module imports NumPy, the attention core and the GloVe loader (it runs
in Pyodide); the MiniLM weights are loaded on first use of
:func:`learned_positions` only.

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762
    (section 3.5: positional encoding).
    Devlin et al. (2019), "BERT", arXiv:1810.04805 (learned position embeddings).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from explainer.attention import scaled_dot_product_attention
from explainer.embeddings import Embeddings
from explainer.examples.common import check_int, frozen
from explainer.examples.glove import GloveAttention, glove_attention
from explainer.examples.masks import mask_example
from explainer.examples.table import Table, TableFactory
from explainer.types import FloatArray

__all__ = [
    "FINE_TUNING_LENGTH",
    "LearnedPositions",
    "PermutationExample",
    "RepeatedWordExample",
    "SinusoidalExample",
    "learned_positions",
    "permutation_example",
    "repeated_word_example",
    "sinusoidal_encoding",
    "sinusoidal_example",
    "token_labels",
]

PERMUTATION = (2, 0, 3, 1)
"""Row ``i`` of the shuffled sentence is row ``PERMUTATION[i]`` of the original."""

REPEATED_SENTENCE = "the cat and the cat"
FINE_TUNING_LENGTH = 128
"""Longest input (word pieces) all-MiniLM-L6-v2 was fine-tuned on, per its model card."""
SIMILARITY_DISTANCES = (1, 2, 4, 8, 16, 32, 64)
"""The distances the position-similarity table lists."""


# ---------------------------------------------------------------- attention ignores order


@dataclass(frozen=True, eq=False)
class PermutationExample:
    """Chapter 7's unmasked attention, on the original and on shuffled rows.

    Attributes:
        tokens: the original order; ``permuted_tokens`` the shuffled one.
        permutation: row ``i`` of the shuffled X is row ``permutation[i]`` of X.
        weights, output: attention on X, shapes ``(4, 4)`` and ``(4, 4)``.
        permuted_weights, permuted_output: attention on the shuffled X.
        max_output_difference: largest ``|Z' - P Z|``.
        max_weight_difference: largest ``|A' - P A Pᵀ|``.
    """

    tokens: tuple[str, ...]
    permuted_tokens: tuple[str, ...]
    permutation: tuple[int, ...]
    weights: FloatArray
    output: FloatArray
    permuted_weights: FloatArray
    permuted_output: FloatArray
    max_output_difference: float
    max_weight_difference: float


def permutation_example(permutation: tuple[int, ...] = PERMUTATION, seed: int = 0) -> PermutationExample:
    """Attention on "policy raises wages jobs" and on the same rows shuffled.

    Args:
        permutation: an ordering of ``0..3``.
        seed: the seed of chapter 7's X and projections.

    Example:
        >>> ex = permutation_example()
        >>> ex.permuted_tokens, ex.max_output_difference < 1e-15
        (('wages', 'policy', 'jobs', 'raises'), True)
    """
    base = mask_example("none", seed)
    order = [int(i) for i in permutation]
    if sorted(order) != list(range(len(base.tokens))):
        raise ValueError(f"permutation must order 0..{len(base.tokens) - 1} once each, got {permutation}")
    x_perm = base.x[order]  # (4, 6)
    q, k, v = x_perm @ base.w_q, x_perm @ base.w_k, x_perm @ base.w_v  # (4, 4) each
    output, weights = scaled_dot_product_attention(q, k, v)  # (4, 4), (4, 4)
    expected_weights = base.weights[order][:, order]  # (4, 4): P A Pᵀ
    return PermutationExample(
        tokens=base.tokens,
        permuted_tokens=tuple(base.tokens[i] for i in order),
        permutation=tuple(order),
        weights=base.weights,
        output=base.context,
        permuted_weights=frozen(weights),
        permuted_output=frozen(output),
        max_output_difference=float(np.max(np.abs(output - base.context[order]))),
        max_weight_difference=float(np.max(np.abs(weights - expected_weights))),
    )


# ---------------------------------------------------------------- sinusoidal positions


def sinusoidal_encoding(n_positions: int, d_model: int) -> FloatArray:
    """The Transformer's fixed positions: ``PE(pos, 2i) = sin(pos / 10000^(2i/d))``, cos at ``2i+1``.

    Args:
        n_positions: how many positions (rows), ≥ 1.
        d_model: the width, even and ≥ 2.

    Returns:
        The encoding, shape ``(n_positions, d_model)``.

    Example:
        >>> sinusoidal_encoding(2, 4).round(4).tolist()
        [[0.0, 1.0, 0.0, 1.0], [0.8415, 0.5403, 0.01, 1.0]]
    """
    n = check_int("n_positions", n_positions, 1)
    d = check_int("d_model", d_model, 2)
    if d % 2:
        raise ValueError(f"d_model must be even (sine and cosine come in pairs), got {d}")
    positions = np.arange(n, dtype=np.float64)[:, None]  # (n, 1)
    frequencies = 1.0 / 10000.0 ** (np.arange(0, d, 2) / d)  # (d/2,)
    angles = positions * frequencies  # (n, d/2)
    encoding = np.empty((n, d))  # (n, d)
    encoding[:, 0::2] = np.sin(angles)
    encoding[:, 1::2] = np.cos(angles)
    return encoding


@dataclass(frozen=True, eq=False)
class SinusoidalExample:
    """The sinusoidal encoding and the dot products of its rows.

    Attributes:
        encoding: ``PE``, shape ``(n_positions, d_model)``.
        starts: the positions ``p`` the dot products start from.
        distances: ``k = 0, 1, ...``, shape ``(n_distances,)``.
        dot_products: ``PE(p) · PE(p + k)``, shape ``(len(starts), n_distances)``.
        closed_form: ``Σ_i cos(k / 10000^(2i/d))``, shape ``(n_distances,)``.
        max_spread: largest difference between two starts at one distance.
        max_closed_form_error: largest ``|dot_products - closed_form|``.
    """

    encoding: FloatArray
    starts: tuple[int, ...]
    distances: FloatArray
    dot_products: FloatArray
    closed_form: FloatArray
    max_spread: float
    max_closed_form_error: float


def sinusoidal_example(
    n_positions: int = 64, d_model: int = 64, starts: tuple[int, ...] = (0, 8, 16, 32)
) -> SinusoidalExample:
    """``PE(p) · PE(p + k)`` for a few starts ``p``: one curve, whatever ``p`` is."""
    encoding = sinusoidal_encoding(n_positions, d_model)  # (n, d)
    n_distances = n_positions - max(starts)
    if min(starts) < 0 or n_distances < 1:
        raise ValueError(f"starts must lie in 0..{n_positions - 1}, got {starts}")
    distances = np.arange(n_distances, dtype=np.float64)  # (K,)
    dots = np.stack([encoding[p : p + n_distances] @ encoding[p] for p in starts])  # (S, K)
    frequencies = 1.0 / 10000.0 ** (np.arange(0, d_model, 2) / d_model)  # (d/2,)
    closed = np.cos(distances[:, None] * frequencies).sum(axis=1)  # (K,)
    return SinusoidalExample(
        encoding=frozen(encoding),
        starts=tuple(starts),
        distances=frozen(distances),
        dot_products=frozen(dots),
        closed_form=frozen(closed),
        max_spread=float(np.max(dots.max(axis=0) - dots.min(axis=0))),
        max_closed_form_error=float(np.max(np.abs(dots - closed))),
    )


# ---------------------------------------------------------------- learned positions (MiniLM)


def mean_cosine_by_distance(table: FloatArray, max_distance: int) -> FloatArray:
    """Mean cosine of rows ``p`` and ``p + k`` of ``table`` (shape ``(n, d)``), ``k = 0..max_distance``."""
    unit = table / np.linalg.norm(table, axis=1, keepdims=True)  # (n, d)
    cosines = unit @ unit.T  # (n, n)
    return np.array([np.diagonal(cosines, k).mean() for k in range(max_distance + 1)])  # (K + 1,)


@dataclass(frozen=True, eq=False)
class LearnedPositions:
    """all-MiniLM-L6-v2's position embeddings next to a sinusoidal table of the same shape.

    Attributes:
        shape: the table's shape, ``(512, 384)``.
        distances: ``k = 0..max_distance``, shape ``(K + 1,)``.
        learned_cosine: mean cosine of positions ``p`` and ``p + k`` over all ``p``, shape ``(K + 1,)``.
        sinusoidal_cosine: the same for ``sinusoidal_encoding(512, 384)``, shape ``(K + 1,)``.
        norms: each learned position's length, shape ``(512,)``.
        neighbour_cosine: ``learned_cosine`` at ``k = 1``.
        median_norm: the median of ``norms``.
    """

    shape: tuple[int, int]
    distances: FloatArray
    learned_cosine: FloatArray
    sinusoidal_cosine: FloatArray
    norms: FloatArray
    neighbour_cosine: float
    median_norm: float

    def cosine_at(self, k: int) -> tuple[float, float]:
        """(learned, sinusoidal) mean cosine at distance ``k``."""
        return float(self.learned_cosine[k]), float(self.sinusoidal_cosine[k])

    def largest_rise(self) -> tuple[float, float]:
        """(learned, sinusoidal) largest step up from ``k`` to ``k + 1``: 0 for a curve that only falls."""
        return float(np.max(np.diff(self.learned_cosine))), float(np.max(np.diff(self.sinusoidal_cosine)))

    def mean_norm(self, start: int, stop: int) -> float:
        """Mean length of the learned positions ``start`` to ``stop - 1``."""
        return float(np.mean(self.norms[start:stop]))


@lru_cache(maxsize=1)
def learned_positions(max_distance: int = 64) -> LearnedPositions:
    """Measure the learned position table (loads the installed MiniLM weights once).

    Raises:
        FileNotFoundError: with the install command, if the weights are missing.
    """
    from explainer.minilm import load_minilm

    table = load_minilm().position_embeddings  # (512, 384)
    n, d = table.shape
    learned = mean_cosine_by_distance(table, max_distance)  # (K + 1,)
    sinusoidal = mean_cosine_by_distance(sinusoidal_encoding(n, d), max_distance)  # (K + 1,)
    norms = np.linalg.norm(table, axis=1)  # (n,)
    return LearnedPositions(
        shape=(int(n), int(d)),
        distances=frozen(np.arange(max_distance + 1)),
        learned_cosine=frozen(learned),
        sinusoidal_cosine=frozen(sinusoidal),
        norms=frozen(norms),
        neighbour_cosine=float(learned[1]),
        median_norm=float(np.median(norms)),
    )


# ---------------------------------------------------------------- a repeated word, without and with positions


@dataclass(frozen=True, eq=False)
class RepeatedWordExample:
    """GloVe attention over a sentence with a repeated word, without and with positions.

    Attributes:
        word: the repeated word; ``copies`` its first two positions.
        plain: Q = K = V = X, the GloVe vectors, exactly as chapter 9 computes it.
        rms: the root-mean-square entry of X.
        scale: ``√2 · rms``, so ``scale · PE`` has entries of the same RMS as X.
        positioned: weights of Q = K = V = X + scale · PE, shape ``(n, n)``.
        positioned_output: its output, shape ``(n, d)``.
        row_difference, output_difference: largest difference between the two
            copies' weight rows and output vectors, as (without, with) positions.
    """

    word: str
    copies: tuple[int, int]
    plain: GloveAttention
    rms: float
    scale: float
    positioned: FloatArray
    positioned_output: FloatArray
    row_difference: tuple[float, float]
    output_difference: tuple[float, float]

    @property
    def tokens(self) -> tuple[str, ...]:
        """The sentence's tokens."""
        return self.plain.tokens

    def weight(self, query: int, key: int, *, with_positions: bool) -> float:
        """The weight from token ``query`` to token ``key`` (indices)."""
        weights = self.positioned if with_positions else self.plain.weights
        return float(weights[query, key])

    def neighbour_weight(self, query: int, *, with_positions: bool) -> float:
        """The total weight from token ``query`` to the tokens right before and after it."""
        keys = [j for j in (query - 1, query + 1) if 0 <= j < len(self.tokens)]
        return sum(self.weight(query, j, with_positions=with_positions) for j in keys)


def _repeated(tokens: tuple[str, ...], word: str) -> tuple[int, int]:
    """The first two positions of ``word``."""
    where = [i for i, token in enumerate(tokens) if token == word]
    if len(where) < 2:
        raise ValueError(f"{word!r} must occur twice among {list(tokens)}")
    return where[0], where[1]


def _gap(rows: FloatArray, a: int, b: int) -> float:
    """Largest entry of ``|rows[a] - rows[b]|``."""
    return float(np.max(np.abs(rows[a] - rows[b])))


def repeated_word_example(
    sentence: str = REPEATED_SENTENCE, word: str = "cat", embeddings: Embeddings | None = None
) -> RepeatedWordExample:
    """GloVe attention (as chapter 9), then the same with scaled sinusoidal positions added to X."""
    plain = glove_attention(sentence, embeddings=embeddings)
    a, b = _repeated(plain.tokens, word)
    x = plain.vectors  # (n, d)
    rms = float(np.sqrt(np.mean(x**2)))
    scale = float(np.sqrt(2.0) * rms)  # each PE row has RMS 1/√2: sin² + cos² = 1 per pair
    y = x + scale * sinusoidal_encoding(*x.shape)  # (n, d)
    output, weights = scaled_dot_product_attention(y, y, y)  # (n, d), (n, n)
    return RepeatedWordExample(
        word=word,
        copies=(a, b),
        plain=plain,
        rms=rms,
        scale=scale,
        positioned=frozen(weights),
        positioned_output=frozen(output),
        row_difference=(_gap(plain.weights, a, b), _gap(weights, a, b)),
        output_difference=(_gap(plain.output, a, b), _gap(output, a, b)),
    )


# ---------------------------------------------------------------- tables


def position_similarity_table() -> Table:
    """Mean cosine of positions ``k`` apart: MiniLM's learned table and a sinusoidal one."""
    ex = learned_positions()
    rows = tuple((str(k), *(format(c, ".2f") for c in ex.cosine_at(k))) for k in SIMILARITY_DISTANCES)
    return Table(headers=("distance k", "learned (MiniLM)", f"sinusoidal (d = {ex.shape[1]})"), rows=rows)


def token_labels(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Tokens numbered from 1 as readers count, ``("the 1", "cat 2", ...)``, so repeated words differ.

    The space is a no-break space, so a label never wraps inside a table cell.
    """
    return tuple(f"{token}\u00a0{i}" for i, token in enumerate(tokens, start=1))


def repeated_word_table() -> Table:
    """Where each copy of the repeated word looks among the repeated tokens, without and with positions."""
    ex = repeated_word_example()
    labels = token_labels(ex.tokens)
    keys = [j for j, token in enumerate(ex.tokens) if ex.tokens.count(token) > 1]
    rows = tuple(
        (
            f"{labels[i]} → {labels[j]}",
            str(abs(j - i)),
            *(f"{ex.weight(i, j, with_positions=p):.3f}" for p in (False, True)),
        )
        for i in ex.copies
        for j in keys
    )
    return Table(headers=("query → key", "apart", "GloVe alone", "with positions"), rows=rows)


TABLES: dict[str, TableFactory] = {
    "position_similarity": position_similarity_table,
    "repeated_word_weights": repeated_word_table,
}
