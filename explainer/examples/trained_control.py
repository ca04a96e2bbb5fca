"""Chapter 10: the referent control — do all-MiniLM-L6-v2's heads follow what "it" means?

The second experiment of ``docs/trained-heads.md``: change the adjective so
the likely referent of "it" moves from the subject to the other noun
(:data:`~explainer.examples.trained_heads.CONTROL_PAIRS`), and see which of
the 72 heads move with it. The verdicts the page prints are computed here
from the weights, never written by hand.

Every weight comes from :func:`~explainer.examples.trained_heads.minilm_attention`,
so the model loads on the first measurement, not on import.

References:
    Clark et al. (2019), "What Does BERT Look At? An Analysis of BERT's
    Attention", arXiv:1906.04341.
    Jain and Wallace (2019), "Attention is not Explanation", arXiv:1902.10186.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from explainer.examples.table import Table, TableFactory
from explainer.examples.trained_heads import (
    CONTROL_PAIRS,
    HeadRank,
    ItNounAttention,
    it_noun_attention,
    minilm_attention,
    rank_heads,
)
from explainer.types import BoolArray, FloatArray

__all__ = ["ReferentControl", "ReferentPair", "referent_control"]


@dataclass(frozen=True, eq=False)
class ReferentPair:
    """One sentence and its control, measured in every head.

    Attributes:
        original: "it" most plausibly means the subject (…because it was tired).
        control: the adjective makes the other noun the likely referent.
        preference_original: weight(it→subject) − weight(it→other), ``(layers, heads)``.
        preference_control: the same in the control sentence.
    """

    original: ItNounAttention
    control: ItNounAttention
    preference_original: FloatArray
    preference_control: FloatArray


@dataclass(frozen=True, eq=False)
class ReferentControl:
    """The control experiment over all pairs and all 72 heads.

    Attributes:
        pairs: one :class:`ReferentPair` per entry of :data:`CONTROL_PAIRS`.
        margin: a head "prefers" a noun when its weight exceeds the other's by more than this.
        flips: heads that prefer the subject in the original and the other
            noun in the control, in every pair, ``(layers, heads)``.
        flips_per_pair: the same count for each pair alone.
        follows_subject: heads that prefer the subject in all sentences, ``(layers, heads)``.
        strongest: the head with the largest mean weight from "it" to the subject in the originals.
        most_sensitive: the head whose subject-minus-other preference drops
            most, on average, from original to control.
        verdict: what the heads do overall, computed from ``flips``.
        strongest_verdict: what ``strongest`` does in the controls.
        sensitive_verdict: what ``most_sensitive`` does in the controls.
        strongest_from_all: per pair, the mean weight every word (not only
            "it") gives the subject in ``strongest``, original sentence.
    """

    pairs: tuple[ReferentPair, ...]
    margin: float
    flips: BoolArray
    flips_per_pair: tuple[int, ...]
    follows_subject: BoolArray
    strongest: HeadRank
    most_sensitive: HeadRank
    verdict: str
    strongest_verdict: str
    sensitive_verdict: str
    strongest_from_all: tuple[float, ...]


def _pair(original: str, control: str, subject: str, other: str) -> ReferentPair:
    a = it_noun_attention(original, (subject, other))
    b = it_noun_attention(control, (subject, other))
    pref_a = a.weights[:, :, 0] - a.weights[:, :, 1]  # (layers, heads)
    pref_b = b.weights[:, :, 0] - b.weights[:, :, 1]  # (layers, heads)
    return ReferentPair(original=a, control=b, preference_original=pref_a, preference_control=pref_b)


def _head_verdict(pairs: tuple[ReferentPair, ...], head: HeadRank, margin: float) -> str:
    """Say what one head does in the controls, from its weights."""
    i, j = head.layer - 1, head.head - 1
    moves = [
        f"{p.original.nouns[0]} {p.original.weights[i, j, 0]:.2f} → {p.control.weights[i, j, 0]:.2f}, "
        f"{p.original.nouns[1]} {p.original.weights[i, j, 1]:.2f} → {p.control.weights[i, j, 1]:.2f}"
        for p in pairs
    ]
    flipped = sum(bool(p.preference_control[i, j] < -margin) for p in pairs)
    dropped = all(p.control.weights[i, j, 0] <= p.original.weights[i, j, 0] * 2 / 3 for p in pairs)
    if flipped == len(pairs):
        what = "it moves to the new referent in every pair, so it tracks the antecedent, not just the subject"
    elif dropped:
        what = (
            "its weight on the subject falls by at least a third in every control, but it prefers the "
            f"other noun in only {flipped} of {len(pairs)} controls: it reacts to the adjective without "
            "reliably following the referent"
        )
    else:
        what = "it keeps most of its weight on the subject whatever the adjective: it follows the subject"
    return f"{head.label} ({'; '.join(moves)}): {what}."


def _from_all_words(ex: ItNounAttention, head: HeadRank) -> float:
    """Mean weight the words of ``ex`` (``[CLS]``/``[SEP]`` excluded) give its first noun in ``head``."""
    _, attentions, _ = minilm_attention(ex.sentence)
    column = attentions[head.layer - 1, head.head - 1, 1:-1, ex.tokens.index(ex.nouns[0])]  # (n - 2,)
    return float(column.mean())


def _all_pairs(n: int) -> str:
    return "both pairs" if n == 2 else f"all {n} pairs"


def _overall_verdict(flips: BoolArray, n_pairs: int, margin: float) -> str:
    """Summarise how many heads move with the referent in every pair."""
    names = [f"L{i + 1} H{j + 1}" for i, j in zip(*np.nonzero(flips), strict=True)]
    if not names:
        return (
            f"None of the {flips.size} heads prefers the subject in the original and the other noun in the "
            f"control in {_all_pairs(n_pairs)} (margin {margin:.2f}): by this test no single head links "
            '"it" to the likely antecedent.'
        )
    return (
        f"{len(names)} of the {flips.size} heads {'moves' if len(names) == 1 else 'move'} from the subject "
        "to the other noun in "
        f"{_all_pairs(n_pairs)} (margin {margin:.2f}): {', '.join(names)}."
    )


@lru_cache(maxsize=4)
def referent_control(margin: float = 0.02) -> ReferentControl:
    """Run the control experiment on :data:`CONTROL_PAIRS`."""
    pairs = tuple(_pair(*p) for p in CONTROL_PAIRS)
    flips_each = [(p.preference_original > margin) & (p.preference_control < -margin) for p in pairs]
    follows = [(p.preference_original > margin) & (p.preference_control > margin) for p in pairs]
    subject_weight = np.mean([p.original.weights[:, :, 0] for p in pairs], axis=0)  # (layers, heads)
    shift = np.mean([p.preference_original - p.preference_control for p in pairs], axis=0)  # (layers, heads)
    strongest, sensitive = rank_heads(subject_weight, k=1)[0], rank_heads(shift, k=1)[0]
    flips = np.logical_and.reduce(flips_each)  # (layers, heads)
    return ReferentControl(
        pairs=pairs,
        margin=margin,
        flips=flips,
        flips_per_pair=tuple(int(f.sum()) for f in flips_each),
        follows_subject=np.logical_and.reduce(follows),
        strongest=strongest,
        most_sensitive=sensitive,
        verdict=_overall_verdict(flips, len(pairs), margin),
        strongest_verdict=_head_verdict(pairs, strongest, margin),
        sensitive_verdict=_head_verdict(pairs, sensitive, margin),
        strongest_from_all=tuple(_from_all_words(p.original, strongest) for p in pairs),
    )


# --- tables -----------------------------------------------------------------


def control_table() -> Table:
    """The strongest subject head and the most adjective-sensitive head, in every sentence of the control."""
    ctrl = referent_control()
    heads = (ctrl.strongest, ctrl.most_sensitive)
    rows = []
    for pair in ctrl.pairs:
        for ex, referent in ((pair.original, pair.original.nouns[0]), (pair.control, pair.control.nouns[1])):
            cells = [f"{ex.weights[h.layer - 1, h.head - 1, k]:.2f}" for h in heads for k in (0, 1)]
            mean = ex.weights.mean(axis=(0, 1))  # (2,)
            rows.append((ex.sentence, referent, *cells, f"{mean[0]:.3f}", f"{mean[1]:.3f}"))
    head_cols = [f"{h.label}: it → {side}" for h in heads for side in ("subject", "other")]
    mean_cols = ("72-head mean: it → subject", "72-head mean: it → other")
    headers = ("sentence", "likely referent", *head_cols, *mean_cols)
    return Table(headers=headers, rows=tuple(rows))


def control_summary_table() -> Table:
    """How many of the 72 heads prefer which noun, before and after the adjective changes."""
    ctrl = referent_control()
    m = ctrl.margin
    rows = []
    for pair in ctrl.pairs:
        a, b = pair.preference_original, pair.preference_control
        counts = [((a > m) & (b > m)).sum(), ((a > m) & (b < -m)).sum(), ((a < -m) & (b < -m)).sum()]
        rest = a.size - sum(counts)
        name = f"{pair.original.nouns[0]} / {pair.original.nouns[1]}"
        rows.append((name, *(str(int(c)) for c in counts), str(int(rest))))
    both = (str(int(ctrl.follows_subject.sum())), str(int(ctrl.flips.sum())), "", "")
    rows.append(("both pairs", *both))
    headers = ("pair", "subject in both", "flips with the referent", "other noun in both", "mixed or none")
    return Table(headers=headers, rows=tuple(rows))


TABLES: dict[str, TableFactory] = {
    "trained_control": control_table,
    "trained_control_summary": control_summary_table,
}
