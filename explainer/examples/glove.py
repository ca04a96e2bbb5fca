"""Chapter 9: attention over raw GloVe vectors (Q = K = V = the embeddings).

Without learned projections, the score between two tokens is the dot product
of their GloVe vectors, scaled by 1/√50. This module computes that attention
(:func:`glove_attention`) and the worked examples of ``docs/embeddings.md``
built on it: the royal sentence, where "it" looks, and how context moves a
word's output vector. It also owns every sentence the chapter measures,
including the capability probes of :mod:`explainer.examples.glove_capabilities`,
so :func:`glove_example_words` can list every word the chapter looks up.

Every function takes ``embeddings=None``, meaning the real GloVe 6B 50-d
vectors (:func:`explainer.embeddings.default_embeddings`). Nearest-neighbour
searches use the :data:`~explainer.embeddings.BROWSER_VOCAB_SIZE` most
frequent words, so the widgets (which only have that subset) show the same
neighbours as the pages.

References:
    Pennington, Socher and Manning (2014), GloVe, EMNLP.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explainer.attention import causal_mask, fully_masked_rows, no_self_mask, scaled_dot_product_attention
from explainer.embeddings import (
    BROWSER_VOCAB_SIZE,
    Embeddings,
    cosine_similarity,
    default_embeddings,
    tokenize,
)
from explainer.examples.table import TableFactory
from explainer.types import BoolArray, FloatArray

__all__ = [
    "CatItExample",
    "ContextComparison",
    "ContextShift",
    "ContextualisationExample",
    "GloveAttention",
    "KingQueenExample",
    "cat_it_example",
    "contextualisation_example",
    "glove_attention",
    "glove_example_words",
    "king_queen_example",
]

KING_QUEEN_SENTENCE = "The king and queen ruled the kingdom"
CAT_IT_SENTENCE = "The cat sat on the mat because it was tired"

# The capability probes (measured in glove_capabilities): (sentence, query, target) ...
SIMILARITY_PROBES = (
    (KING_QUEEN_SENTENCE, "king", "queen"),
    (KING_QUEEN_SENTENCE, "queen", "king"),
    ("The cat chased the dog", "cat", "dog"),
)
VERB_OBJECT_PROBES = (
    ("The chef cooked the pasta", "cooked", "pasta"),
    ("She ate an apple", "ate", "apple"),
    ("He drove the car", "drove", "car"),
    ("They read the book", "read", "book"),
    ("The dog chased the ball", "chased", "ball"),
    ("She played the piano", "played", "piano"),
    ("He wrote a letter", "wrote", "letter"),
)
COREFERENCE_PROBES = (
    (CAT_IT_SENTENCE, "it", "cat"),
    ("The trophy did not fit in the suitcase because it was too big", "it", "trophy"),
    ("The animal did not cross the street because it was too tired", "it", "animal"),
)
LOOKALIKE_PROBES = (
    ("The woman said that she was tired", "she", "woman"),
    ("The man said that he was tired", "he", "man"),
)
# ... and (plain sentence, negated sentence, word, antonym).
NEGATION_PROBES = (
    ("I am happy", "I am not happy", "happy", "sad"),
    ("This is good", "This is not good", "good", "bad"),
    ("The answer is true", "The answer is not true", "true", "false"),
    ("The room is warm", "The room is not warm", "warm", "cold"),
)

WORD_GROUPS: dict[str, tuple[str, ...]] = {
    "food": ("food", "eat", "sandwich", "meal"),
    "river": ("river", "water", "shore", "stream"),
    "money": ("money", "loan", "deposit", "cash"),
}
"""Probe words whose mean cosine to an output vector measures where it moved."""

_CONTEXT_PAIRS = (("dog", "the dog was", "the hot dog was"), ("bank", "river bank", "savings bank"))


@dataclass(frozen=True, eq=False)
class GloveAttention:
    """Self-attention of one sentence with Q = K = V = its GloVe vectors.

    Attributes:
        sentence: the input text.
        tokens: its tokens, shape ``(n,)``.
        vectors: their embeddings as float64, shape ``(n, d)``.
        raw_scores: ``X Xᵀ``, shape ``(n, n)``.
        scale: ``1/√d``, or ``1.0`` when unscaled.
        scaled_scores: ``raw_scores · scale`` before masking, shape ``(n, n)``.
        mask: ``True`` = may attend, shape ``(n, n)``.
        weights: softmax of the masked scaled scores, shape ``(n, n)``.
        output: ``weights @ vectors``, shape ``(n, d)``.
        fully_masked: rows that may attend to nothing (all-zero weights), ``(n,)``.
        no_self, causal, scaled: the options used.
    """

    sentence: str
    tokens: tuple[str, ...]
    vectors: FloatArray
    raw_scores: FloatArray
    scale: float
    scaled_scores: FloatArray
    mask: BoolArray
    weights: FloatArray
    output: FloatArray
    fully_masked: BoolArray
    no_self: bool
    causal: bool
    scaled: bool

    def position(self, word: str) -> int:
        """Index of the first occurrence of ``word`` among the tokens."""
        if word not in self.tokens:
            raise ValueError(f"{word!r} is not one of the tokens {list(self.tokens)}")
        return self.tokens.index(word)

    def weight(self, query: str, key: str) -> float:
        """Weight from the first ``query`` token to the first ``key`` token."""
        return float(self.weights[self.position(query), self.position(key)])

    def ranked(self, query: str) -> list[tuple[str, float]]:
        """The keys ``query`` may attend to with their weights, largest first."""
        row = self.position(query)
        allowed = np.flatnonzero(self.mask[row])  # (n_allowed,)
        order = allowed[np.argsort(-self.weights[row, allowed], kind="stable")]  # (n_allowed,)
        return [(self.tokens[j], float(self.weights[row, j])) for j in order]


def glove_attention(
    sentence: str,
    *,
    no_self: bool = False,
    causal: bool = False,
    scaled: bool = True,
    embeddings: Embeddings | None = None,
) -> GloveAttention:
    """Tokenise ``sentence`` and run self-attention on its raw embeddings.

    Args:
        sentence: text; tokenised with :func:`explainer.embeddings.tokenize`.
        no_self: forbid each token from attending to itself.
        causal: let each token attend only to itself and earlier tokens.
        scaled: divide scores by √d (``d = 50`` for GloVe 6B 50-d).
        embeddings: the vectors; ``None`` means the real GloVe vectors.

    Returns:
        Every step of the computation (see :class:`GloveAttention`).

    Raises:
        ValueError: if the sentence has no tokens.
        explainer.embeddings.UnknownWordsError: naming every unknown word.
    """
    emb = default_embeddings() if embeddings is None else embeddings
    tokens = tuple(tokenize(sentence))
    if not tokens:
        raise ValueError("the sentence is empty: type at least one word")
    x = emb.lookup(tokens).astype(np.float64)  # (n, d)
    n, d = x.shape
    mask = np.ones((n, n), dtype=bool)  # (n, n)
    if no_self:
        mask &= no_self_mask(n)
    if causal:
        mask &= causal_mask(n)
    scale = 1.0 / np.sqrt(d) if scaled else 1.0
    raw = x @ x.T  # (n, n)
    output, weights = scaled_dot_product_attention(x, x, x, mask=mask, scale=scale)  # (n, d), (n, n)
    return GloveAttention(
        sentence=sentence,
        tokens=tokens,
        vectors=x,
        raw_scores=raw,
        scale=float(scale),
        scaled_scores=raw * scale,
        mask=mask,
        weights=weights,
        output=output,
        fully_masked=fully_masked_rows(mask),
        no_self=no_self,
        causal=causal,
        scaled=scaled,
    )


@dataclass(frozen=True, eq=False)
class KingQueenExample:
    """ "The king and queen ruled the kingdom", with and without self-attention."""

    sentence: str
    with_self: GloveAttention
    no_self: GloveAttention


def king_queen_example(embeddings: Embeddings | None = None) -> KingQueenExample:
    """The royal sentence of chapter 9, attended with and without the diagonal."""
    return KingQueenExample(
        sentence=KING_QUEEN_SENTENCE,
        with_self=glove_attention(KING_QUEEN_SENTENCE, embeddings=embeddings),
        no_self=glove_attention(KING_QUEEN_SENTENCE, no_self=True, embeddings=embeddings),
    )


@dataclass(frozen=True, eq=False)
class CatItExample:
    """Where "it" looks in "The cat sat on the mat because it was tired".

    Attributes:
        sentence: the sentence.
        no_self: attention with self-attention disabled (the page's view).
        with_self: attention with the diagonal allowed, for comparison.
        it_to_cat: weight from "it" to "cat" without self.
        top_word, top_weight: the key "it" weights most without self.
    """

    sentence: str
    no_self: GloveAttention
    with_self: GloveAttention
    it_to_cat: float
    top_word: str
    top_weight: float


def cat_it_example(embeddings: Embeddings | None = None) -> CatItExample:
    """Measure how much "it" attends to "cat" when Q = K = V = GloVe."""
    no_self = glove_attention(CAT_IT_SENTENCE, no_self=True, embeddings=embeddings)
    with_self = glove_attention(CAT_IT_SENTENCE, embeddings=embeddings)
    top_word, top_weight = no_self.ranked("it")[0]
    it_to_cat = no_self.weight("it", "cat")
    return CatItExample(
        sentence=CAT_IT_SENTENCE,
        no_self=no_self,
        with_self=with_self,
        it_to_cat=it_to_cat,
        top_word=top_word,
        top_weight=top_weight,
    )


# ---------------------------------------------------------------- contextualisation


@dataclass(frozen=True, eq=False)
class ContextShift:
    """The attention output of one word in one sentence.

    Attributes:
        sentence, word: where and which.
        weights: the word's attention weights, one ``(token, weight)`` per token.
        vector: the word's own (raw) GloVe vector, shape ``(d,)``.
        output: the output vector, shape ``(d,)``.
        cos_to_word: cosine between the output and the word's own vector.
        moved: how far attention moved the word, ``‖output − vector‖`` (all ``d`` dimensions).
        moved_share: ``moved`` as a share of the word's own length, ``‖vector‖``.
        group_cosines: mean cosine of the output to each group of :data:`WORD_GROUPS`.
        neighbours: nearest words to the output (sentence words excluded).
    """

    sentence: str
    word: str
    weights: tuple[tuple[str, float], ...]
    vector: FloatArray
    output: FloatArray
    cos_to_word: float
    moved: float
    moved_share: float
    group_cosines: dict[str, float]
    neighbours: tuple[tuple[str, float], ...]


@dataclass(frozen=True, eq=False)
class ContextComparison:
    """The same word in two sentences: ``first`` (plain/one sense) and ``second``."""

    word: str
    first: ContextShift
    second: ContextShift
    output_cosine: float

    def group_change(self, group: str) -> float:
        """How much the mean cosine to ``group`` rises from ``first`` to ``second``."""
        return self.second.group_cosines[group] - self.first.group_cosines[group]


@dataclass(frozen=True, eq=False)
class ContextualisationExample:
    """ "the dog was" vs "the hot dog was"; "river bank" vs "savings bank"."""

    dog: ContextComparison
    bank: ContextComparison


def _context_shift(sentence: str, word: str, emb: Embeddings, vocab: Embeddings, k: int) -> ContextShift:
    result = glove_attention(sentence, embeddings=emb)
    row = result.position(word)
    output = result.output[row]  # (d,)
    groups = {
        name: float(np.mean([cosine_similarity(output, v) for v in emb.lookup(words).astype(np.float64)]))
        for name, words in WORD_GROUPS.items()
    }
    weights = tuple(zip(result.tokens, result.weights[row].tolist(), strict=True))
    neighbours = tuple(vocab.nearest(output, k=k, exclude=result.tokens))
    vector = result.vectors[row]  # (d,)
    moved = float(np.linalg.norm(output - vector))
    return ContextShift(
        sentence=sentence,
        word=word,
        weights=weights,
        vector=vector,
        output=output,
        cos_to_word=cosine_similarity(output, vector),
        moved=moved,
        moved_share=moved / float(np.linalg.norm(vector)),
        group_cosines=groups,
        neighbours=neighbours,
    )


def contextualisation_example(embeddings: Embeddings | None = None, k: int = 8) -> ContextualisationExample:
    """Measure how much context moves a word's output vector.

    Args:
        embeddings: the vectors; ``None`` means the real GloVe vectors.
        k: neighbours per output, searched among the first
            :data:`~explainer.embeddings.BROWSER_VOCAB_SIZE` words.
    """
    emb = default_embeddings() if embeddings is None else embeddings
    vocab = emb.head(BROWSER_VOCAB_SIZE)
    comparisons = []
    for word, first, second in _CONTEXT_PAIRS:
        a, b = (_context_shift(s, word, emb, vocab, k) for s in (first, second))
        output_cosine = cosine_similarity(a.output, b.output)
        comparisons.append(ContextComparison(word=word, first=a, second=b, output_cosine=output_cosine))
    dog, bank = comparisons
    return ContextualisationExample(dog=dog, bank=bank)


def glove_example_words() -> frozenset[str]:
    """Every word the site's GloVe examples look up (all must be in the browser subset)."""
    sentences = [KING_QUEEN_SENTENCE, CAT_IT_SENTENCE, *(s for pair in _CONTEXT_PAIRS for s in pair[1:])]
    for specs in (SIMILARITY_PROBES, VERB_OBJECT_PROBES, COREFERENCE_PROBES, LOOKALIKE_PROBES):
        sentences += [spec[0] for spec in specs]
    sentences += [" ".join(spec) for spec in NEGATION_PROBES]
    words = {t for s in sentences for t in tokenize(s)}
    return frozenset(words | {w for group in WORD_GROUPS.values() for w in group})


TABLES: dict[str, TableFactory] = {}
