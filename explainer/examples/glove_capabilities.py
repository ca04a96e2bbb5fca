"""Chapter 9: what attention over raw GloVe vectors can and cannot do, measured.

The capability table of ``docs/embeddings.md``: each capability is tested by
probes (sentences in :mod:`explainer.examples.glove`) run through
:func:`~explainer.examples.glove.glove_attention`, and its verdict follows
from how many probes hit. Every claim the page makes about a capability comes
from these numbers.

Every function takes ``embeddings=None``, meaning the real GloVe 6B 50-d
vectors (:func:`explainer.embeddings.default_embeddings`).

References:
    Pennington, Socher and Manning (2014), GloVe, EMNLP.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explainer.embeddings import Embeddings, cosine_similarity, default_embeddings
from explainer.examples.glove import (
    COREFERENCE_PROBES,
    LOOKALIKE_PROBES,
    NEGATION_PROBES,
    SIMILARITY_PROBES,
    VERB_OBJECT_PROBES,
    glove_attention,
)
from explainer.examples.table import Table, TableFactory

__all__ = ["AttentionProbe", "CapabilityRow", "NegationProbe", "capability_rows", "capability_table"]


@dataclass(frozen=True)
class AttentionProbe:
    """Does ``query`` attend most to ``target`` (self-attention off)?

    Attributes:
        sentence, query, target: the test.
        weight: the weight from query to target.
        rank: 1 if target gets the largest weight among the allowed keys.
        n_keys: how many keys the query may attend to.
        top_word, top_weight: the key with the largest weight.
    """

    sentence: str
    query: str
    target: str
    weight: float
    rank: int
    n_keys: int
    top_word: str
    top_weight: float

    @property
    def hit(self) -> bool:
        """True when the target is the query's most-attended key."""
        return self.rank == 1


@dataclass(frozen=True)
class NegationProbe:
    """Does "not" turn ``word`` towards ``antonym``? (Output vectors, self allowed.)

    Attributes:
        plain, negated: the two sentences, e.g. "i am happy" / "i am not happy".
        word, antonym: e.g. "happy" / "sad".
        plain_to_antonym: cosine(output of word in plain, antonym vector).
        negated_to_antonym: cosine(output of word in negated, antonym vector).
        negated_to_word: cosine(output of word in negated, word vector).
        plain_to_negated: cosine between the two outputs.
    """

    plain: str
    negated: str
    word: str
    antonym: str
    plain_to_antonym: float
    negated_to_antonym: float
    negated_to_word: float
    plain_to_negated: float

    @property
    def hit(self) -> bool:
        """True when the negated output is closer to the antonym than to the word."""
        return self.negated_to_antonym > self.negated_to_word


@dataclass(frozen=True)
class CapabilityRow:
    """One row of the capability table: a capability, its probes, a verdict.

    The verdict follows from the probes: ``works`` if every probe is a hit,
    ``partly`` if some are, ``fails`` if none is.
    """

    capability: str
    test: str
    probes: tuple[AttentionProbe, ...] | tuple[NegationProbe, ...]

    @property
    def hits(self) -> int:
        """How many probes succeeded."""
        return sum(p.hit for p in self.probes)

    @property
    def verdict(self) -> str:
        """``works``, ``partly`` or ``fails``, from :attr:`hits`."""
        if self.hits == len(self.probes):
            return "works"
        return "partly" if self.hits else "fails"


def _attention_probe(sentence: str, query: str, target: str, embeddings: Embeddings | None) -> AttentionProbe:
    result = glove_attention(sentence, no_self=True, embeddings=embeddings)
    ranked = result.ranked(query)
    weight = result.weight(query, target)
    rank = 1 + len({w for _, w in ranked if w > weight})
    top_word, top_weight = ranked[0]
    return AttentionProbe(
        sentence=sentence,
        query=query,
        target=target,
        weight=weight,
        rank=rank,
        n_keys=len(ranked),
        top_word=top_word,
        top_weight=top_weight,
    )


def _negation_probe(
    plain: str, negated: str, word: str, antonym: str, embeddings: Embeddings | None
) -> NegationProbe:
    emb = default_embeddings() if embeddings is None else embeddings
    plain_att = glove_attention(plain, embeddings=emb)
    negated_att = glove_attention(negated, embeddings=emb)
    out_plain = plain_att.output[plain_att.position(word)]  # (d,)
    out_negated = negated_att.output[negated_att.position(word)]  # (d,)
    word_vec, antonym_vec = emb.lookup([word, antonym]).astype(np.float64)  # (d,), (d,)
    return NegationProbe(
        plain=plain,
        negated=negated,
        word=word,
        antonym=antonym,
        plain_to_antonym=cosine_similarity(out_plain, antonym_vec),
        negated_to_antonym=cosine_similarity(out_negated, antonym_vec),
        negated_to_word=cosine_similarity(out_negated, word_vec),
        plain_to_negated=cosine_similarity(out_plain, out_negated),
    )


def capability_rows(embeddings: Embeddings | None = None) -> tuple[CapabilityRow, ...]:
    """Measure each capability of CONTENT.md's table with real probes.

    Attention probes run with self-attention off and count a hit when the
    target is the query's most-attended key. Negation probes count a hit when
    the output of the word in "… not WORD" is closer to the antonym than to
    the word itself.
    """
    by_attention = (
        ("Semantic similarity (king ↔ queen)", "word attends most to its related word", SIMILARITY_PROBES),
        ("Verb–object", "verb attends most to its object", VERB_OBJECT_PROBES),
        ("Coreference (it → cat)", "“it” attends most to the noun it refers to", COREFERENCE_PROBES),
        (
            "Pronoun ↔ look-alike noun (she → woman)",
            "pronoun attends most to a similar noun",
            LOOKALIKE_PROBES,
        ),
    )
    negation = CapabilityRow(
        capability="Negation (not happy)",
        test="“not WORD” ends closer to the antonym than to WORD",
        probes=tuple(_negation_probe(*spec, embeddings) for spec in NEGATION_PROBES),
    )
    rows = (
        CapabilityRow(capability=c, test=t, probes=tuple(_attention_probe(*s, embeddings) for s in specs))
        for c, t, specs in by_attention
    )
    return (*rows, negation)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _describe(probe: AttentionProbe | NegationProbe) -> str:
    if isinstance(probe, AttentionProbe):
        text = f"{probe.query}→{probe.target} {probe.weight:.2f} ({_ordinal(probe.rank)} of {probe.n_keys}"
        return text + ")" if probe.hit else text + f"; top: {probe.top_word} {probe.top_weight:.2f})"
    return (
        f"not {probe.word}: cos to {probe.word} {probe.negated_to_word:.2f}, "
        f"to {probe.antonym} {probe.negated_to_antonym:.2f}"
    )


def _summary(row: CapabilityRow) -> str:
    return f"{row.hits} of {len(row.probes)}: " + "; ".join(map(_describe, row.probes))


def capability_table(embeddings: Embeddings | None = None) -> Table:
    """The capability table of chapter 9, each row measured (see :func:`capability_rows`)."""
    rows = tuple(
        (row.capability, row.test, _summary(row), row.verdict) for row in capability_rows(embeddings)
    )
    return Table(headers=("Capability", "Test", "Measured", "Verdict"), rows=rows)


TABLES: dict[str, TableFactory] = {"capability_table": capability_table}
