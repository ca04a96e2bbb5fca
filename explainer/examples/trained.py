"""Chapter 10: what the heads of a trained transformer (all-MiniLM-L6-v2) do.

Every number here is measured by running :mod:`explainer.minilm` — the
6-layer, 12-head encoder in plain NumPy — on stated sentences. Layers and
heads are numbered from 1 in labels (``L4 H2`` is layer 4, head 2) and from 0
in arrays.

The experiments:

- :func:`it_noun_attention`: how much weight "it" puts on each noun, per
  head and per layer, next to a raw-embedding baseline (the model's own
  input embeddings as Q = K = V, no learned projections).
- :func:`referent_control`: change the adjective so the likely referent
  moves from the subject to the other noun, and see which heads move with it.
- :func:`head_jobs`: previous-token, next-token and modifier heads, found by
  measurement over a set of sentences.

The model is loaded lazily (the first call), so importing this module stays
cheap and works where the weights are not installed.

References:
    Clark et al. (2019), "What Does BERT Look At? An Analysis of BERT's
    Attention", arXiv:1906.04341.
    Jain and Wallace (2019), "Attention is not Explanation", arXiv:1902.10186.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from explainer.attention import no_self_mask, scaled_dot_product_attention
from explainer.examples.table import Table, TableFactory
from explainer.minilm.model import LayerWeights
from explainer.minilm.wordpiece import WordPiece

if TYPE_CHECKING:
    from explainer.minilm.model import MiniLM

__all__ = [
    "CONTROL_PAIRS",
    "CURATED_SENTENCES",
    "GRID_SENTENCES",
    "BrowserBudget",
    "HeadJobs",
    "HeadRank",
    "ItNounAttention",
    "ReferentControl",
    "ReferentPair",
    "browser_budget",
    "head_jobs",
    "it_noun_attention",
    "minilm_attention",
    "raw_embedding_attention",
    "referent_control",
    "trained_it_examples",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

CAT_SENTENCE = "The cat sat on the mat because it was tired"
ANIMAL_SENTENCE = "The animal didn't cross the street because it was too tired"
CONTROL_PAIRS: tuple[tuple[str, str, str, str], ...] = (
    (CAT_SENTENCE, "The cat sat on the mat because it was soft", "cat", "mat"),
    (ANIMAL_SENTENCE, "The animal didn't cross the street because it was too wide", "animal", "street"),
)
"""(sentence whose "it" is the subject, control whose "it" is the other noun, subject, other noun)."""

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


def _ranked(scores: FloatArray, k: int = 3) -> tuple[HeadRank, ...]:
    """The ``k`` heads with the largest ``scores`` (shape ``(layers, heads)``), best first."""
    order = np.argsort(-scores, axis=None, kind="stable")[:k]  # (k,)
    n_heads = scores.shape[1]
    return tuple(HeadRank(int(i // n_heads) + 1, int(i % n_heads) + 1, float(scores.flat[i])) for i in order)


@lru_cache(maxsize=64)
def minilm_attention(sentence: str) -> tuple[tuple[str, ...], FloatArray, FloatArray]:
    """Tokens, attention weights ``(layers, heads, n, n)`` and input embeddings ``(n, d)`` of a sentence."""
    from explainer.minilm import encode

    enc = encode(sentence)
    return enc.tokens, enc.attentions, enc.hidden_states[0]


def _index(tokens: tuple[str, ...], word: str, sentence: str) -> int:
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
    it = _index(tokens, "it", sentence)
    cols = [_index(tokens, noun, sentence) for noun in nouns]
    weights = attentions[:, :, it, cols]  # (layers, heads, n_nouns)
    _, no_self = raw_embedding_attention(sentence, no_self=True)  # (n, n)
    _, with_self = raw_embedding_attention(sentence, no_self=False)  # (n, n)
    return ItNounAttention(
        sentence=sentence,
        tokens=tokens,
        nouns=nouns,
        weights=weights,
        layer_means=weights.mean(axis=1),  # (layers, n_nouns)
        top_heads=tuple(_ranked(weights[:, :, j]) for j in range(len(nouns))),
        baseline=no_self[it, cols],  # (n_nouns,)
        baseline_self=float(with_self[it, it]),
        baseline_top=tokens[int(np.argmax(no_self[it]))],
    )


def trained_it_examples() -> tuple[ItNounAttention, ItNounAttention]:
    """The chapter's two sentences: "it" against (cat, mat) and (animal, street)."""
    cat = it_noun_attention(CAT_SENTENCE, ("cat", "mat"))
    animal = it_noun_attention(ANIMAL_SENTENCE, ("animal", "street"))
    return cat, animal


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
    return ReferentPair(a, b, pref_a, pref_b)


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
        f"{len(names)} of the {flips.size} heads move from the subject to the other noun in "
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
    strongest, sensitive = _ranked(subject_weight, k=1)[0], _ranked(shift, k=1)[0]
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
    modifier_wins: NDArray[np.int64]
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
        i, j = _index(tokens, first, sentence), _index(tokens, noun, sentence)
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
        top_previous=_ranked(previous),
        top_next=_ranked(following),
        top_modifier=_ranked(n2m - n2d),
        top_modifier_reverse=_ranked(m2n - d2n),
    )


# --- tables -----------------------------------------------------------------


def _heads_cell(ranks: tuple[HeadRank, ...]) -> str:
    return ", ".join(f"{r.label} ({r.score:.2f})" for r in ranks)


def it_top_heads_table() -> Table:
    """For each sentence and noun: the three heads putting most weight from "it" on it."""
    rows = []
    for ex in trained_it_examples():
        for j, noun in enumerate(ex.nouns):
            best_layer = int(np.argmax(ex.layer_means[:, j]))
            best = f"L{best_layer + 1} ({ex.layer_means[best_layer, j]:.2f})"
            heads = _heads_cell(ex.top_heads[j])
            rows.append((ex.sentence, f"it → {noun}", heads, best, f"{ex.baseline[j]:.2f}"))
    headers = ("sentence", "link", "top heads (weight)", "best layer mean", "raw embeddings")
    return Table(headers, tuple(rows))


def it_layer_means_table() -> Table:
    """Per-layer head averages of the weight from "it" to each noun, with the raw-embedding baseline."""
    examples = trained_it_examples()
    headers = ("layer", *(f"it → {noun}" for ex in examples for noun in ex.nouns))
    n_layers = examples[0].layer_means.shape[0]
    rows = [(f"L{i + 1}", *(f"{ex.layer_means[i, j]:.3f}" for ex in examples for j in range(len(ex.nouns))))
            for i in range(n_layers)]  # fmt: skip
    rows.append(("raw embeddings (no self)", *(f"{w:.3f}" for ex in examples for w in ex.baseline)))
    return Table(headers, tuple(rows))


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
    return Table(headers, tuple(rows))


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
    return Table(headers, tuple(rows))


def head_jobs_table() -> Table:
    """Heads with clear jobs, as measured by :func:`head_jobs`."""
    jobs = head_jobs()
    n_pairs = len(MODIFIER_PAIRS)

    def wins(r: HeadRank) -> str:
        return f"{jobs.modifier_wins[r.layer - 1, r.head - 1]} of {n_pairs}"

    over = f"mean over the words of {len(CURATED_SENTENCES)} sentences"
    rows = [
        ("previous word", _heads_cell(jobs.top_previous), over),
        ("next word", _heads_cell(jobs.top_next), over),
        ("noun → its modifier (dog → hot)", _heads_cell(jobs.top_modifier),
         "gain over noun → determiner (dog → a); wins: " + ", ".join(wins(r) for r in jobs.top_modifier)),
        ("modifier → its noun (hot → dog)", _heads_cell(jobs.top_modifier_reverse),
         "gain over determiner → noun (a → dog)"),
    ]  # fmt: skip
    return Table(("job", "heads (score)", "how the score is measured"), tuple(rows))


# --- can the model run in the reader's browser? -------------------------------


@dataclass(frozen=True)
class BrowserBudget:
    """What free sentence input in the browser would cost, measured.

    Attributes:
        fp32_mb: the weights as shipped (float32 safetensors file), MB.
        fp16_mb: every weight in float16, full vocabulary, MB.
        layers_fp16_mb: of which the six layers alone (no embeddings), MB.
        reduced_vocab: size of the reduced vocabulary.
        reduced_fp16_mb: float16 weights with the reduced vocabulary, MB.
        fp16_max_attention_error: largest |weight difference| between the
            float16 and the float32 model over :data:`GRID_SENTENCES`.
        fp16_max_hidden_error: the same for the last hidden states.
        changed_split_share: share of the next 20,000 most frequent GloVe
            words whose WordPiece split changes with the reduced vocabulary.
    """

    fp32_mb: float
    fp16_mb: float
    layers_fp16_mb: float
    reduced_vocab: int
    reduced_fp16_mb: float
    fp16_max_attention_error: float
    fp16_max_hidden_error: float
    changed_split_share: float


def _to_fp16(model: MiniLM) -> MiniLM:
    """The same model with every weight rounded to float16 (computation stays float64)."""

    def r(a: FloatArray) -> FloatArray:
        return np.asarray(a, dtype=np.float16).astype(np.float64)

    def rounded(w: LayerWeights) -> LayerWeights:
        fields = {k: (r(v[0]), r(v[1])) if isinstance(v, tuple) else r(v) for k, v in vars(w).items()}
        return LayerWeights(**fields)  # type: ignore[arg-type]

    layers = tuple(rounded(w) for w in model.layers)
    return replace(
        model,
        word_embeddings=np.asarray(model.word_embeddings, dtype=np.float16).astype(np.float32),
        position_embeddings=r(model.position_embeddings),
        token_type_embeddings=r(model.token_type_embeddings),
        ln_embeddings=(r(model.ln_embeddings[0]), r(model.ln_embeddings[1])),
        layers=layers,
    )


def _reduced_vocabulary(model: MiniLM, words: tuple[str, ...]) -> WordPiece:
    """Keep special tokens, single characters (and their ``##`` forms) and the pieces ``words`` need."""
    vocab = model.tokenizer.vocab
    needed = {p for w in words for p in model.tokenizer.tokenize(w)}
    keep = [
        t
        for t in vocab
        if t.startswith("[") or len(t) == 1 or (t.startswith("##") and len(t) == 3) or t in needed
    ]
    return WordPiece(tuple(keep))


def _weight_count(model: MiniLM, vocab_size: int) -> tuple[int, int]:
    """(parameters of the six layers, parameters of all embeddings with ``vocab_size`` rows)."""
    layer_params = sum(
        int(np.size(a))
        for w in model.layers
        for v in vars(w).values()
        for a in (v if isinstance(v, tuple) else (v,))
    )
    d = model.word_embeddings.shape[1]
    embed = vocab_size * d + model.position_embeddings.size + model.token_type_embeddings.size + 2 * d
    return layer_params, embed


@lru_cache(maxsize=1)
def browser_budget() -> BrowserBudget:
    """Measure download size and accuracy of a float16, reduced-vocabulary model."""
    from explainer.embeddings import default_embeddings
    from explainer.minilm import find_model_dir, load_minilm

    model = load_minilm()
    half = _to_fp16(model)
    errors = []
    for sentence in GRID_SENTENCES:
        full, small = model.encode(sentence), half.encode(sentence)
        errors.append(
            (
                np.abs(full.attentions - small.attentions).max(),
                np.abs(full.hidden_states[-1] - small.hidden_states[-1]).max(),
            )
        )
    words = default_embeddings().words
    reduced = _reduced_vocabulary(model, words[:20_000])
    others = words[20_000:40_000]
    changed = sum(reduced.tokenize(w) != model.tokenizer.tokenize(w) for w in others) / len(others)
    layers, embed_full = _weight_count(model, model.word_embeddings.shape[0])
    _, embed_small = _weight_count(model, len(reduced.vocab))
    mb = 1e-6
    return BrowserBudget(
        fp32_mb=(find_model_dir() / "model.safetensors").stat().st_size * mb,
        fp16_mb=2 * (layers + embed_full) * mb,
        layers_fp16_mb=2 * layers * mb,
        reduced_vocab=len(reduced.vocab),
        reduced_fp16_mb=2 * (layers + embed_small) * mb,
        fp16_max_attention_error=float(max(e[0] for e in errors)),
        fp16_max_hidden_error=float(max(e[1] for e in errors)),
        changed_split_share=changed,
    )


def browser_budget_table() -> Table:
    """Download size and accuracy of the options for running the model in the browser."""
    b = browser_budget()
    rows = (
        ("float32, full vocabulary (as shipped)", f"{b.fp32_mb:.1f} MB", "exact"),
        ("float16, full vocabulary", f"{b.fp16_mb:.1f} MB",
         f"attention within {b.fp16_max_attention_error:.1e}, "
         f"hidden states within {b.fp16_max_hidden_error:.1e}"),
        (f"float16, {b.reduced_vocab:,} word pieces", f"{b.reduced_fp16_mb:.1f} MB",
         f"as float16, but {b.changed_split_share:.0%} of less common words split differently"),
        ("of which the six layers alone", f"{b.layers_fp16_mb:.1f} MB", "needed whatever the vocabulary"),
    )  # fmt: skip
    return Table(("weights", "download", "accuracy"), rows)


TABLES: dict[str, TableFactory] = {
    "trained_it_top_heads": it_top_heads_table,
    "trained_it_layer_means": it_layer_means_table,
    "trained_control": control_table,
    "trained_control_summary": control_summary_table,
    "trained_head_jobs": head_jobs_table,
    "trained_browser_budget": browser_budget_table,
}
