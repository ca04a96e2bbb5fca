"""Chapter 10: heads of all-MiniLM-L6-v2 with a clear, measurable job.

The third experiment of ``docs/trained-heads.md``: previous-token and
next-token heads, measured over
:data:`~explainer.examples.trained_heads.CURATED_SENTENCES`, and heads that
link a noun with its modifier ("hot dog"), measured against the same nouns
after a determiner ("a dog") as the control.

Every weight comes from :func:`~explainer.examples.trained_heads.minilm_attention`,
so the model loads on the first measurement, not on import.

References:
    Clark et al. (2019), "What Does BERT Look At? An Analysis of BERT's
    Attention", arXiv:1906.04341 (previous/next-token heads).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from explainer.examples.table import Table, TableFactory
from explainer.examples.trained_heads import (
    CURATED_SENTENCES,
    HeadRank,
    heads_cell,
    minilm_attention,
    rank_heads,
    token_index,
)
from explainer.types import FloatArray, IntArray

__all__ = ["MODIFIER_PAIRS", "HeadJobs", "head_jobs"]

MODIFIER_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("She bought a hot dog at the game", "hot", "dog"),
    ("We walked along the river bank at dawn", "river", "bank"),
    ("He opened a savings bank account", "savings", "bank"),
    ("They ate ice cream after dinner", "ice", "cream"),
    ("My grandmother baked an apple pie", "apple", "pie"),
    ("He drove a red car to work", "red", "car"),
    ("The old man drank coffee", "old", "man"),
    ("She washed the coffee cup", "coffee", "cup"),
)
"""(sentence, modifier, noun): the modifier comes right before its noun."""

DETERMINER_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("She bought a dog at the game", "a", "dog"),
    ("We walked along the bank at dawn", "the", "bank"),
    ("He opened a bank account", "a", "bank"),
    ("They ate the cream after dinner", "the", "cream"),
    ("My grandmother baked the pie", "the", "pie"),
    ("He drove a car to work", "a", "car"),
    ("The man drank coffee", "the", "man"),
    ("She washed the cup", "the", "cup"),
)
"""The same nouns preceded by a determiner instead: the control for :data:`MODIFIER_PAIRS`."""


@dataclass(frozen=True, eq=False)
class HeadJobs:
    """Heads with a clear, measurable job.

    Attributes:
        previous: mean weight a word puts on the word before it, ``(layers, heads)``,
            over the words of :data:`CURATED_SENTENCES` (``[CLS]``/``[SEP]`` excluded).
        next: mean weight a word puts on the word after it, ``(layers, heads)``.
        noun_to_modifier: mean weight from the noun to its modifier ("dog" → "hot").
        noun_to_determiner: the same noun's weight on a determiner in the
            same place ("dog" → "a"), the control.
        modifier_to_noun: mean weight from the modifier to its noun ("hot" → "dog").
        determiner_to_noun: the control for ``modifier_to_noun``.
        modifier_wins: in how many pairs the noun→modifier weight beats the
            control, ``(layers, heads)``.
        top_previous, top_next: the three best heads for each job.
        top_modifier: ranked by ``noun_to_modifier − noun_to_determiner``.
        top_modifier_reverse: ranked by ``modifier_to_noun − determiner_to_noun``.
    """

    previous: FloatArray
    next: FloatArray
    noun_to_modifier: FloatArray
    noun_to_determiner: FloatArray
    modifier_to_noun: FloatArray
    determiner_to_noun: FloatArray
    modifier_wins: IntArray
    top_previous: tuple[HeadRank, ...]
    top_next: tuple[HeadRank, ...]
    top_modifier: tuple[HeadRank, ...]
    top_modifier_reverse: tuple[HeadRank, ...]


def _offset_weight(sentence: str, offset: int) -> FloatArray:
    """Mean weight from each word to the word ``offset`` places away, ``(layers, heads)``."""
    _, attentions, _ = minilm_attention(sentence)
    n = attentions.shape[-1]
    queries = [i for i in range(1, n - 1) if 1 <= i + offset <= n - 2]  # words only, no [CLS]/[SEP]
    return np.asarray(np.mean([attentions[:, :, i, i + offset] for i in queries], axis=0))  # (layers, heads)


def _link_weights(pairs: tuple[tuple[str, str, str], ...]) -> tuple[FloatArray, FloatArray]:
    """Weights noun→first word and first word→noun for each pair, each ``(pairs, layers, heads)``."""
    back, forward = [], []
    for sentence, first, noun in pairs:
        tokens, attentions, _ = minilm_attention(sentence)
        i, j = token_index(tokens, first, sentence), token_index(tokens, noun, sentence)
        back.append(attentions[:, :, j, i])  # (layers, heads)
        forward.append(attentions[:, :, i, j])  # (layers, heads)
    return np.stack(back), np.stack(forward)


@lru_cache(maxsize=1)
def head_jobs() -> HeadJobs:
    """Measure previous-token, next-token and modifier heads."""
    previous = np.mean([_offset_weight(s, -1) for s in CURATED_SENTENCES], axis=0)  # (layers, heads)
    following = np.mean([_offset_weight(s, +1) for s in CURATED_SENTENCES], axis=0)  # (layers, heads)
    mod_back, mod_fwd = _link_weights(MODIFIER_PAIRS)  # (pairs, layers, heads) each
    det_back, det_fwd = _link_weights(DETERMINER_PAIRS)  # (pairs, layers, heads) each
    n2m, n2d, m2n, d2n = (a.mean(axis=0) for a in (mod_back, det_back, mod_fwd, det_fwd))
    return HeadJobs(
        previous=previous,
        next=following,
        noun_to_modifier=n2m,
        noun_to_determiner=n2d,
        modifier_to_noun=m2n,
        determiner_to_noun=d2n,
        modifier_wins=(mod_back > det_back).sum(axis=0),
        top_previous=rank_heads(previous),
        top_next=rank_heads(following),
        top_modifier=rank_heads(n2m - n2d),
        top_modifier_reverse=rank_heads(m2n - d2n),
    )


def head_jobs_table() -> Table:
    """Heads with clear jobs, as measured by :func:`head_jobs`."""
    jobs = head_jobs()
    n_pairs = len(MODIFIER_PAIRS)

    def wins(r: HeadRank) -> str:
        return f"{jobs.modifier_wins[r.layer - 1, r.head - 1]} of {n_pairs}"

    over = f"mean over the words of {len(CURATED_SENTENCES)} sentences"
    rows = [
        ("previous word", heads_cell(jobs.top_previous), over),
        ("next word", heads_cell(jobs.top_next), over),
        (
            "noun → its modifier (dog → hot)",
            heads_cell(jobs.top_modifier),
            "gain over noun → determiner (dog → a); wins: " + ", ".join(wins(r) for r in jobs.top_modifier),
        ),
        (
            "modifier → its noun (hot → dog)",
            heads_cell(jobs.top_modifier_reverse),
            "gain over determiner → noun (a → dog)",
        ),
    ]
    return Table(headers=("job", "heads (score)", "how the score is measured"), rows=tuple(rows))


TABLES: dict[str, TableFactory] = {"trained_head_jobs": head_jobs_table}
