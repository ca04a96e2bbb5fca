"""Chapter 10: what the heads of a trained transformer (all-MiniLM-L6-v2) do, "it" first.

Every number here is measured by running :mod:`explainer.minilm` — the
6-layer, 12-head encoder in plain NumPy — on stated sentences. Layers and
heads are numbered from 1 in labels (``L4 H2`` is layer 4, head 2) and from 0
in arrays.

This module owns the chapter's sentences, the model's attention over them
(:func:`minilm_attention`, cached) and the first experiment of
``docs/trained-heads.md``: :func:`it_noun_attention`, how much weight "it"
puts on each noun, per head and per layer, next to a raw-embedding baseline
(the model's own input embeddings as Q = K = V, no learned projections). The
other experiments build on it: :mod:`explainer.examples.trained_control`
(the referent control), :mod:`explainer.examples.trained_head_jobs`
(previous-token, next-token and modifier heads) and
:mod:`explainer.examples.trained_budget` (running the model in the browser).

The model is loaded lazily (the first call), so importing this module stays
cheap and works where the weights are not installed.

References:
    Clark et al. (2019), "What Does BERT Look At? An Analysis of BERT's
    Attention", arXiv:1906.04341.
    Jain and Wallace (2019), "Attention is not Explanation", arXiv:1902.10186.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from explainer.attention import no_self_mask, scaled_dot_product_attention
from explainer.examples.table import Table, TableFactory
from explainer.types import FloatArray

__all__ = [
    "CAT_SENTENCE",
    "CONTROL_PAIRS",
    "CURATED_SENTENCES",
    "GRID_SENTENCES",
    "HeadRank",
    "ItNounAttention",
    "it_noun_attention",
    "minilm_attention",
    "raw_embedding_attention",
    "trained_it_examples",
]

CAT_SENTENCE = "The cat sat on the mat because it was tired"
ANIMAL_SENTENCE = "The animal didn't cross the street because it was too tired"
CONTROL_PAIRS: tuple[tuple[str, str, str, str], ...] = (
    (CAT_SENTENCE, "The cat sat on the mat because it was soft", "cat", "mat"),
    (ANIMAL_SENTENCE, "The animal didn't cross the street because it was too wide", "animal", "street"),
)
"""(sentence whose "it" is the subject, control whose "it" is the other noun, subject, other noun)."""

CURATED_SENTENCES: tuple[str, ...] = (
    CAT_SENTENCE,
    ANIMAL_SENTENCE,
    CONTROL_PAIRS[0][1],
    CONTROL_PAIRS[1][1],
    "She bought a hot dog at the game",
    "We walked along the river bank at dawn",
    "He opened a savings bank account",
    "The king and queen ruled the kingdom",
    "Policy raises wages but may cost jobs",
    "The keys to the cabinet are on the table",
)
"""Sentences for the previous/next-token measurement."""

GRID_SENTENCES: tuple[str, ...] = CURATED_SENTENCES[:6]
"""Sentences of the interactive layer × head grid (the chapter's own, plus two modifier cases)."""


@dataclass(frozen=True)
class HeadRank:
    """One head and the score it was ranked by (layer and head counted from 1)."""

    layer: int
    head: int
    score: float

    @property
    def label(self) -> str:
        """``"L4 H2"`` style name."""
        return f"L{self.layer} H{self.head}"


def rank_heads(scores: FloatArray, k: int = 3) -> tuple[HeadRank, ...]:
    """The ``k`` heads with the largest ``scores`` (shape ``(layers, heads)``), best first.

    Example:
        >>> [r.label for r in rank_heads(np.array([[0.1, 0.9], [0.5, 0.2]]), k=2)]
        ['L1 H2', 'L2 H1']
    """
    order = np.argsort(-scores, axis=None, kind="stable")[:k]  # (k,)
    n_heads = scores.shape[1]
    return tuple(
        HeadRank(layer=int(i // n_heads) + 1, head=int(i % n_heads) + 1, score=float(scores.flat[i]))
        for i in order
    )


@lru_cache(maxsize=64)
def minilm_attention(sentence: str) -> tuple[tuple[str, ...], FloatArray, FloatArray]:
    """Tokens, attention weights ``(layers, heads, n, n)`` and input embeddings ``(n, d)`` of a sentence."""
    from explainer.minilm import encode

    enc = encode(sentence)
    return enc.tokens, enc.attentions, enc.hidden_states[0]


def token_index(tokens: tuple[str, ...], word: str, sentence: str) -> int:
    """Index of ``word`` among the word pieces of ``sentence``; a clear ValueError if it is not one."""
    if word not in tokens:
        raise ValueError(f"{word!r} is not a single word piece of {sentence!r} (tokens: {list(tokens)})")
    return tokens.index(word)


def raw_embedding_attention(sentence: str, no_self: bool = True) -> tuple[tuple[str, ...], FloatArray]:
    """Attention with Q = K = V = the model's input embeddings, scaled by 1/√384.

    The input embeddings are what layer 1 receives: word + position +
    token-type embeddings after LayerNorm. No learned projection is involved.

    Returns:
        Tokens and weights, shape ``(n, n)``.
    """
    tokens, _, x = minilm_attention(sentence)  # x: (n, d)
    mask = no_self_mask(len(tokens)) if no_self else None
    _, weights = scaled_dot_product_attention(x, x, x, mask=mask)  # (n, n)
    return tokens, weights


@dataclass(frozen=True, eq=False)
class ItNounAttention:
    """How much weight "it" gives each noun, in every head of the trained model.

    Attributes:
        sentence: the input text.
        tokens: its word pieces, ``[CLS]`` and ``[SEP]`` included.
        nouns: the nouns measured.
        weights: weight from "it" to each noun, shape ``(layers, heads, n_nouns)``.
        layer_means: the head average per layer, shape ``(layers, n_nouns)``.
        top_heads: per noun, the three heads giving it the most weight.
        baseline: raw-embedding attention from "it" to each noun, self
            excluded, shape ``(n_nouns,)``.
        baseline_self: raw-embedding weight of "it" on itself when self is allowed.
        baseline_top: the token raw-embedding attention (self excluded) favours most.
    """

    sentence: str
    tokens: tuple[str, ...]
    nouns: tuple[str, ...]
    weights: FloatArray
    layer_means: FloatArray
    top_heads: tuple[tuple[HeadRank, ...], ...]
    baseline: FloatArray
    baseline_self: float
    baseline_top: str


@lru_cache(maxsize=16)
def it_noun_attention(sentence: str, nouns: tuple[str, ...]) -> ItNounAttention:
    """Measure the weight from "it" to each of ``nouns`` in every head.

    Raises:
        ValueError: if "it" or a noun is not a single word piece of the sentence.
    """
    tokens, attentions, _ = minilm_attention(sentence)
    it = token_index(tokens, "it", sentence)
    cols = [token_index(tokens, noun, sentence) for noun in nouns]
    weights = attentions[:, :, it, cols]  # (layers, heads, n_nouns)
    _, no_self = raw_embedding_attention(sentence, no_self=True)  # (n, n)
    _, with_self = raw_embedding_attention(sentence, no_self=False)  # (n, n)
    return ItNounAttention(
        sentence=sentence,
        tokens=tokens,
        nouns=nouns,
        weights=weights,
        layer_means=weights.mean(axis=1),  # (layers, n_nouns)
        top_heads=tuple(rank_heads(weights[:, :, j]) for j in range(len(nouns))),
        baseline=no_self[it, cols],  # (n_nouns,)
        baseline_self=float(with_self[it, it]),
        baseline_top=tokens[int(np.argmax(no_self[it]))],
    )


def trained_it_examples() -> tuple[ItNounAttention, ItNounAttention]:
    """The chapter's two sentences: "it" against (cat, mat) and (animal, street)."""
    cat = it_noun_attention(CAT_SENTENCE, ("cat", "mat"))
    animal = it_noun_attention(ANIMAL_SENTENCE, ("animal", "street"))
    return cat, animal


# --- tables -----------------------------------------------------------------


def heads_cell(ranks: tuple[HeadRank, ...]) -> str:
    """Ranked heads as a table cell: ``"L4 H2 (0.31), L5 H7 (0.22)"``."""
    return ", ".join(f"{r.label} ({r.score:.2f})" for r in ranks)


def it_top_heads_table() -> Table:
    """For each sentence and noun: the three heads putting most weight from "it" on it."""
    rows = []
    for ex in trained_it_examples():
        for j, noun in enumerate(ex.nouns):
            best_layer = int(np.argmax(ex.layer_means[:, j]))
            best = f"L{best_layer + 1} ({ex.layer_means[best_layer, j]:.2f})"
            heads = heads_cell(ex.top_heads[j])
            rows.append((ex.sentence, f"it → {noun}", heads, best, f"{ex.baseline[j]:.2f}"))
    headers = ("sentence", "link", "top heads (weight)", "best layer mean", "raw embeddings")
    return Table(headers=headers, rows=tuple(rows))


def it_layer_means_table() -> Table:
    """Per-layer head averages of the weight from "it" to each noun, with the raw-embedding baseline."""
    examples = trained_it_examples()
    headers = ("layer", *(f"it → {noun}" for ex in examples for noun in ex.nouns))
    n_layers = examples[0].layer_means.shape[0]
    rows = [
        (f"L{i + 1}", *(f"{ex.layer_means[i, j]:.3f}" for ex in examples for j in range(len(ex.nouns))))
        for i in range(n_layers)
    ]
    rows.append(("raw embeddings (no self)", *(f"{w:.3f}" for ex in examples for w in ex.baseline)))
    return Table(headers=headers, rows=tuple(rows))


TABLES: dict[str, TableFactory] = {
    "trained_it_top_heads": it_top_heads_table,
    "trained_it_layer_means": it_layer_means_table,
}
