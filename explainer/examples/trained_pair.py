"""Chapter 10, your own control pair: two sentences one word apart, every head's preference in each.

The referent control of :mod:`explainer.examples.trained_control` on a pair the
reader types. A head's *preference* is weight(pronoun → noun A) − weight(pronoun →
noun B); :func:`pair_preference` measures it in all 72 heads of both sentences
with the compact model (:func:`~explainer.examples.trained_live.compact_encode`,
the model the browser runs), counts the heads whose preference changes sign and
ranks the heads by how far their preference moves.

A word the tokenizer splits into several word pieces is measured at its first
piece (:class:`WordPlace`), and a word that occurs twice at its first
occurrence, as :func:`~explainer.examples.trained_heads.token_index` does.

References:
    Clark et al. (2019), "What Does BERT Look At? An Analysis of BERT's
    Attention", arXiv:1906.04341.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

import numpy as np

from explainer.examples.trained_heads import HeadRank, rank_heads
from explainer.minilm.wordpiece import basic_tokenize
from explainer.types import BoolArray, FloatArray

if TYPE_CHECKING:
    from explainer.minilm import Encoding

__all__ = [
    "MARGIN",
    "PairPreference",
    "WordPlace",
    "pair_preference",
    "word_changes",
    "word_groups",
    "word_place",
]

MARGIN = 0.02
"""A preference counts when it exceeds this: the default of :func:`~explainer.examples.referent_control`."""

Change = tuple[tuple[str, ...], tuple[str, ...]]


def word_changes(a: str, b: str) -> tuple[Change, ...]:
    """Where the words of ``a`` and ``b`` differ, as the model reads them (lower case, punctuation apart).

    Returns:
        One ``(words of a, words of b)`` per changed stretch; a pair one word apart gives one
        change with one word on each side.

    Example:
        >>> word_changes("The cat was tired", "The cat was soft")
        ((('tired',), ('soft',)),)
        >>> word_changes("The cat was tired", "A cat was tired.")
        ((('the',), ('a',)), ((), ('.',)))
        >>> word_changes("The cat", "the CAT")
        ()
    """
    words_a, words_b = basic_tokenize(a), basic_tokenize(b)
    ops = SequenceMatcher(a=words_a, b=words_b, autojunk=False).get_opcodes()
    return tuple(
        (tuple(words_a[i1:i2]), tuple(words_b[j1:j2])) for tag, i1, i2, j1, j2 in ops if tag != "equal"
    )


def word_groups(tokens: Sequence[str]) -> list[tuple[int, tuple[str, ...]]]:
    """The word pieces of an encoding grouped by word: (index of the first piece, the pieces).

    ``[CLS]`` and ``[SEP]`` are left out; a piece starting with ``##`` continues the word
    before it (a word's first piece never does: ``#`` is punctuation, a word of its own).

    Example:
        >>> word_groups(["[CLS]", "the", "tired", "##ness", "[SEP]"])
        [(1, ('the',)), (2, ('tired', '##ness'))]
    """
    groups: list[tuple[int, list[str]]] = []
    for i, piece in enumerate(tokens[1:-1], start=1):
        if piece.startswith("##") and groups:
            groups[-1][1].append(piece)
        else:
            groups.append((i, [piece]))
    return [(i, tuple(pieces)) for i, pieces in groups]


@dataclass(frozen=True)
class WordPlace:
    """Where a word sits in an encoding.

    Attributes:
        word: the word as the model reads it (lower case, accents stripped).
        index: the token index of its first word piece (``[CLS]`` is 0): the column measured.
        pieces: the word pieces it became (``("[UNK]",)`` when the vocabulary lacks it).
        count: how many times it occurs in the sentence (the first is measured).
    """

    word: str
    index: int
    pieces: tuple[str, ...]
    count: int


def word_place(sentence: str, tokens: Sequence[str], word: str) -> WordPlace | None:
    """The first occurrence of ``word`` among the words of ``sentence`` (encoded as ``tokens``), or ``None``.

    Example:
        >>> word_place("The cat's tiredness", ["[CLS]", "the", "cat", "'", "s", "tired", "##ness", "[SEP]"],
        ...            "Tiredness")
        WordPlace(word='tiredness', index=5, pieces=('tired', '##ness'), count=1)
    """
    given = basic_tokenize(word)
    if len(given) != 1:
        raise ValueError(f"{word!r} is not one word")
    wanted = given[0]
    words, groups = basic_tokenize(sentence), word_groups(tokens)
    if len(words) != len(groups):
        raise ValueError(f"{len(words)} words but {len(groups)} word groups in {tokens}")
    found = [g for w, g in zip(words, groups, strict=True) if w == wanted]
    if not found:
        return None
    return WordPlace(word=wanted, index=found[0][0], pieces=found[0][1], count=len(found))


@dataclass(frozen=True, eq=False)
class PairPreference:
    """Every head's preference for noun A over noun B, from the pronoun, in both sentences.

    Attributes:
        sentences: the two sentences.
        tokens: the word pieces of each, ``[CLS]`` and ``[SEP]`` included.
        places: per sentence, where the pronoun, noun A and noun B sit.
        preference: weight(pronoun → A) − weight(pronoun → B), shape ``(2, layers, heads)``.
        margin: a preference counts when it exceeds this.
    """

    sentences: tuple[str, str]
    tokens: tuple[tuple[str, ...], tuple[str, ...]]
    places: tuple[tuple[WordPlace, WordPlace, WordPlace], tuple[WordPlace, WordPlace, WordPlace]]
    preference: FloatArray
    margin: float

    @property
    def to_b(self) -> BoolArray:
        """Heads preferring A in the first sentence and B in the second, ``(layers, heads)``."""
        first, second = self.preference  # (layers, heads) each
        return (first > self.margin) & (second < -self.margin)  # type: ignore[no-any-return]

    @property
    def to_a(self) -> BoolArray:
        """Heads preferring B in the first sentence and A in the second, ``(layers, heads)``."""
        first, second = self.preference  # (layers, heads) each
        return (first < -self.margin) & (second > self.margin)  # type: ignore[no-any-return]

    @property
    def flips(self) -> int:
        """How many heads change sign between the sentences, beyond the margin on both sides."""
        return int(self.to_b.sum() + self.to_a.sum())

    def moved(self, k: int = 5) -> tuple[HeadRank, ...]:
        """The ``k`` heads whose preference moves most (score: second minus first), largest move first."""
        change = self.preference[1] - self.preference[0]  # (layers, heads)
        ranks = rank_heads(np.abs(change), k)
        return tuple(HeadRank(r.layer, r.head, float(change[r.layer - 1, r.head - 1])) for r in ranks)


def _places(sentence: str, tokens: Sequence[str], words: Sequence[str]) -> tuple[WordPlace, ...]:
    places = tuple(word_place(sentence, tokens, w) for w in words)
    missing = [w for w, p in zip(words, places, strict=True) if p is None]
    if missing:
        raise ValueError(f"{', '.join(missing)} not among the words of {sentence!r}")
    return places  # type: ignore[return-value]


def pair_preference(
    sentences: tuple[str, str],
    words: tuple[str, str, str],
    encode: Callable[[str], Encoding],
    margin: float = MARGIN,
) -> PairPreference:
    """Measure every head's preference for noun A over noun B, from the pronoun, in both sentences.

    Args:
        sentences: the sentence and its control.
        words: the pronoun, noun A and noun B; each must be a word of both sentences.
        encode: the forward pass, e.g. :func:`~explainer.examples.trained_live.compact_encode`.
        margin: a preference counts when it exceeds this.

    Raises:
        ValueError: if a word is not in a sentence.
    """
    encodings = [encode(s) for s in sentences]
    places = [_places(s, e.tokens, words) for s, e in zip(sentences, encodings, strict=True)]
    preference = np.stack(
        [
            e.attentions[:, :, it.index, a.index] - e.attentions[:, :, it.index, b.index]  # (layers, heads)
            for e, (it, a, b) in zip(encodings, places, strict=True)
        ]
    )  # (2, layers, heads)
    return PairPreference(
        sentences=sentences,
        tokens=(encodings[0].tokens, encodings[1].tokens),
        places=(places[0], places[1]),  # type: ignore[arg-type]
        preference=preference,
        margin=margin,
    )
