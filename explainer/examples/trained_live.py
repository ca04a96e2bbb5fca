"""Chapter 10, live: all-MiniLM-L6-v2 in compact form, what it costs to download and how exact it is.

The browser runs the compact model of :mod:`explainer.minilm.compact`
(float16 matrices, embedding rows in shards). This module measures it against
the full model on :data:`HELD_OUT_SENTENCES` sentences (none of them is a preset of the
page), counts the bytes a first sentence downloads, and computes what the
live explorer shows beside the weights: one head's computation for one cell,
the attention rollout, which heads carry one link most (weight times the norm
of the transformed value) and what switching heads off changes.

References:
    Abnar and Zuidema (2020), "Quantifying Attention Flow in Transformers",
    arXiv:2005.00928 (attention rollout, with the residual term).
    Kobayashi, Kuribayashi, Yokoi and Inui (2020), "Attention is Not Only a Weight:
    Analyzing Transformers with Vector Norms", EMNLP 2020, arXiv:2004.10102 (the norm
    ``‖α_ij f(x_j)‖`` of what key ``j`` adds to query ``i``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from explainer.attention import split_heads
from explainer.examples.table import Table, TableFactory
from explainer.types import FloatArray

if TYPE_CHECKING:
    from explainer.minilm import Encoding, MiniLM

__all__ = [
    "HELD_OUT_SENTENCES",
    "Ablation",
    "CellComputation",
    "CompactAccuracy",
    "LinkContribution",
    "ablation",
    "cell_computation",
    "compact_accuracy",
    "compact_encode",
    "compact_minilm",
    "download_table",
    "link_contributions",
    "live_model",
    "rollout",
    "top_link_heads",
    "transformed_values",
]

HELD_OUT_SENTENCES: tuple[str, ...] = (
    "The trophy didn't fit in the suitcase because it was too big",
    "The old fisherman mended his nets at dawn",
    "The city councilmen refused the demonstrators a permit because they feared violence",
    "Paris is the capital of France and its largest city",
    "I poured water from the bottle into the cup until it was full",
    "Joan made sure to thank Susan for all the help she had given",
    "The delivery truck zoomed by the school bus because it was going so fast",
    "Unbelievably, the zookeeper's giraffe outran everyone!",
)
"""Sentences the compact model is checked on: none is a preset of the page (Winograd schemas among them)."""

BENCH_SENTENCE = "The trophy didn't fit in the suitcase because it was too big"
"""The benchmark's sentence: 16 word pieces with ``[CLS]`` and ``[SEP]``."""


@lru_cache(maxsize=1)
def compact_minilm() -> MiniLM:
    """The compact model built from the installed weights (the numbers the browser reads from files)."""
    from explainer.minilm import load_minilm
    from explainer.minilm.compact import compact_from_full

    return compact_from_full(load_minilm())


def live_model() -> MiniLM:
    """The compact model: built from the installed weights, or read from the data folder without them.

    Raises:
        NeedFiles: (from :mod:`explainer.datafiles`) when the data folder lacks the model's files.
    """
    from explainer.minilm import find_model_dir

    try:
        find_model_dir()
    except FileNotFoundError:
        return _files_model()
    return compact_minilm()


_FILES_MODEL: list[MiniLM] = []  # the model read from the data folder, once per process


def _files_model() -> MiniLM:
    """The compact model read from the data folder, kept after the first successful read."""
    if not _FILES_MODEL:
        from explainer.minilm.compact import load_compact

        _FILES_MODEL.append(load_compact())
    return _FILES_MODEL[0]


@lru_cache(maxsize=32)
def compact_encode(sentence: str) -> Encoding:
    """The compact model's forward pass over ``sentence`` (cached: a reader clicks many heads)."""
    return live_model().encode(sentence)


@dataclass(frozen=True)
class CompactAccuracy:
    """The compact model against the full one, and the download it costs.

    Attributes:
        sentences: the held-out sentences compared.
        max_attention_error: largest |attention weight difference| over every head and sentence.
        max_hidden_error: the same for the last layer's hidden states.
        model_bytes: the layers file (float16 matrices, float32 vectors).
        vocab_bytes: the WordPiece vocabulary.
        shard_rows: embedding rows per shard.
        shard_bytes: one shard of embedding rows; ``n_shards`` of them hold the whole table.
        n_shards: number of shards.
        bench_pieces: word pieces of :data:`BENCH_SENTENCE`, ``[CLS]`` and ``[SEP]`` included.
        bench_shard_bytes: the shards that sentence fetches.
    """

    sentences: tuple[str, ...]
    max_attention_error: float
    max_hidden_error: float
    model_bytes: int
    vocab_bytes: int
    shard_rows: int
    shard_bytes: int
    n_shards: int
    bench_pieces: int
    bench_shard_bytes: int

    @property
    def first_sentence_bytes(self) -> int:
        """Everything the first typed sentence downloads: layers, vocabulary and its shards."""
        return self.model_bytes + self.vocab_bytes + self.bench_shard_bytes

    @property
    def table_bytes(self) -> int:
        """The whole embedding table in float16 (what a sentence does *not* download)."""
        return self.shard_bytes * self.n_shards


@lru_cache(maxsize=1)
def compact_accuracy() -> CompactAccuracy:
    """Compare the compact and the full model on :data:`HELD_OUT_SENTENCES`; size the compact files."""
    from explainer.minilm import load_minilm
    from explainer.minilm.compact import SHARD_ROWS, model_file, shard_names, vocab_file

    full, compact = load_minilm(), compact_minilm()
    att, hid = 0.0, 0.0
    for sentence in HELD_OUT_SENTENCES:
        a, b = full.encode(sentence), compact.encode(sentence)
        att = max(att, float(np.abs(a.attentions - b.attentions).max()))
        hid = max(hid, float(np.abs(a.hidden_states[-1] - b.hidden_states[-1]).max()))
    vocab_size, d_model = full.word_embeddings.shape
    bench_ids = compact.tokenizer.encode(BENCH_SENTENCE)[1]
    shard = SHARD_ROWS * d_model * 2
    return CompactAccuracy(
        sentences=HELD_OUT_SENTENCES,
        max_attention_error=att,
        max_hidden_error=hid,
        model_bytes=len(model_file(full)),
        vocab_bytes=len(vocab_file(full)),
        shard_rows=SHARD_ROWS,
        shard_bytes=shard,
        n_shards=-(-vocab_size // SHARD_ROWS),
        bench_pieces=len(bench_ids),
        bench_shard_bytes=shard * len(shard_names(bench_ids)),
    )


@dataclass(frozen=True)
class CellComputation:
    """How one head computes one weight: query row ``row`` against key column ``col``.

    Attributes:
        q: the query of token ``row``, biases included, shape ``(d_k,)``.
        k: the key of token ``col``, shape ``(d_k,)``.
        products: ``q * k``, shape ``(d_k,)``; their sum is ``score``.
        score: ``q · k``.
        scaled_row: every score of the row divided by ``√d_k``, shape ``(n,)``.
        weights_row: the softmax of ``scaled_row``, shape ``(n,)``; ``weights_row[col]`` is the weight.
    """

    q: FloatArray
    k: FloatArray
    products: FloatArray
    score: float
    scaled_row: FloatArray
    weights_row: FloatArray


def cell_computation(
    model: MiniLM, enc: Encoding, layer: int, head: int, row: int, col: int
) -> CellComputation:
    """Recompute head ``(layer, head)`` (from 0) for query ``row`` and key ``col`` from its layer's input.

    The projections go through the model's own :func:`~explainer.minilm.model.linear`, in the
    model's dtype; the scores and the softmax in float64, with the model's own arithmetic
    (:func:`_arithmetic`), so the weight shown is the weight the model computed, bit for bit.
    """
    from explainer.minilm.model import linear

    matmul, softmax = _arithmetic(model)
    w = model.layers[layer]
    d_k = w.w_q.shape[1] // model.n_heads
    cols = slice(head * d_k, (head + 1) * d_k)
    x = enc.hidden_states[layer].astype(model.position_embeddings.dtype)  # (n, d): the layer's input
    q = linear(x, w.w_q, w.b_q)[row, cols].astype(np.float64)  # (d_k,)
    keys = linear(x, w.w_k, w.b_k)[:, cols].astype(np.float64)  # (n, d_k)
    scores = matmul(q[None, :], keys.T)[0]  # (n,)
    scaled = scores * (1.0 / np.sqrt(d_k))  # (n,)
    return CellComputation(
        q=q,
        k=keys[col],
        products=q * keys[col],
        score=float(scores[col]),
        scaled_row=scaled,
        weights_row=softmax(scaled),
    )


def _arithmetic(model: MiniLM) -> tuple[Callable[..., FloatArray], Callable[..., FloatArray]]:
    """``(matmul, softmax)`` as ``model`` computes its attention: the compact model's exact ones
    (:mod:`explainer.minilm.exact`, the same bits at build time and in the browser), else NumPy's."""
    from explainer.attention import softmax
    from explainer.minilm import exact

    if model.attention is exact.attention:
        return exact.product, exact.softmax
    return np.matmul, softmax


def rollout(attentions: FloatArray) -> FloatArray:
    """Attention rollout with the residual term: ``R = Â_L ⋯ Â_1``, ``Â = (mean_heads A + I) / 2``.

    Args:
        attentions: weights, shape ``(layers, heads, n, n)``.

    Returns:
        ``(n, n)``: row ``i`` is how much token ``i``'s final vector draws on each input token;
        every row sums to 1.

    Example:
        >>> rollout(np.full((2, 1, 2, 2), 0.5)).tolist()
        [[0.625, 0.375], [0.375, 0.625]]
    """
    n = attentions.shape[-1]
    result = np.eye(n)  # (n, n)
    for layer in attentions:  # (heads, n, n), first layer first
        mixed = (layer.mean(axis=0) + np.eye(n)) / 2.0  # (n, n): the residual keeps half of each token
        mixed = mixed / mixed.sum(axis=-1, keepdims=True)  # rows sum to 1
        result = mixed @ result  # (n, n)
    return result


def download_table() -> Table:
    """What the live explorer downloads, and how close the compact model stays to the full one."""
    a = compact_accuracy()
    mb = 1e-6
    rows = (
        ("the six layers (float16 matrices, float32 vectors)", f"{a.model_bytes * mb:.1f} MB", "once"),
        ("the WordPiece vocabulary", f"{a.vocab_bytes * mb:.2f} MB", "once"),
        (
            f"embedding rows, in {a.n_shards:,} shards of {a.shard_bytes / 1e3:.1f} kB",
            f"{a.bench_shard_bytes * mb:.2f} MB for a {a.bench_pieces}-piece sentence",
            f"only the shards a sentence needs (all of them: {a.table_bytes * mb:.1f} MB)",
        ),
        ("first typed sentence, in all", f"{a.first_sentence_bytes * mb:.1f} MB", "then kept by the browser"),
    )
    return Table(headers=("file", "size", "downloaded"), rows=rows)


TABLES: dict[str, TableFactory] = {"trained_live_download": download_table}


@dataclass(frozen=True)
class Ablation:
    """How far switching heads off moves the model's outputs (cosine with the intact model's).

    Attributes:
        off: the heads switched off, ``(layer, head)`` counted from 1.
        token: the index of the token whose final vector is compared.
        token_cosine: cosine between that token's final vector with and without the heads.
        sentence_cosine: the same for the sentence embedding (the mean of the final vectors,
            the pooling all-MiniLM-L6-v2 is trained with).
    """

    off: tuple[tuple[int, int], ...]
    token: int
    token_cosine: float
    sentence_cosine: float


def ablation(model: MiniLM, enc: Encoding, off: tuple[tuple[int, int], ...], token: int) -> Ablation:
    """Run ``enc``'s sentence again with the heads ``off`` (counted from 1) contributing nothing."""
    from explainer.embeddings import cosine_similarity

    layers, heads = enc.attentions.shape[:2]
    keep = np.ones((layers, heads))  # (layers, heads)
    for layer, head in off:
        keep[layer - 1, head - 1] = 0.0
    ablated = model.forward(list(enc.ids), keep)[0][-1]  # (n, d): the last layer's output
    intact = enc.hidden_states[-1]  # (n, d)
    return Ablation(
        off=off,
        token=token,
        token_cosine=float(cosine_similarity(intact[token], ablated[token])),
        sentence_cosine=float(cosine_similarity(intact.mean(axis=0), ablated.mean(axis=0))),
    )


def transformed_values(model: MiniLM, enc: Encoding, layer: int) -> FloatArray:
    """Every head's transformed value of every token of ``layer`` (from 0): ``f_h(x_j) = v_j^h W_O^h``.

    ``v_j^h`` is head ``h``'s slice of ``x_j W_V + b_V`` (bias included) and ``W_O^h`` its slice
    (``d_k`` rows) of the output projection. The head's output for query ``i`` is then
    ``Σ_j α_ij f_h(x_j)``, and the layer's attention output is the sum over heads plus ``b_O``
    (Kobayashi et al. 2020, eq. 5).

    Returns:
        shape ``(heads, n, d_model)``, float64.
    """
    from explainer.minilm.model import linear

    w = model.layers[layer]
    x = enc.hidden_states[layer].astype(model.position_embeddings.dtype)  # (n, d): the layer's input
    v = split_heads(linear(x, w.w_v, w.b_v), model.n_heads)  # (h, n, d_k), float64, biases included
    w_o = np.asarray(w.w_o, dtype=np.float64).reshape(model.n_heads, v.shape[-1], -1)  # (h, d_k, d)
    matmul, _ = _arithmetic(model)
    return np.asarray(matmul(v, w_o))  # (h, n, d)


def link_contributions(model: MiniLM, enc: Encoding, row: int, col: int) -> FloatArray:
    """Every head's contribution of key ``col`` to query ``row``: ``‖α_ij f_h(x_j)‖``, one forward pass.

    Returns:
        shape ``(layers, heads)``: the norm of the vector head ``(layer, head)`` (from 0) adds to
        token ``row``'s output for key ``col``; a measure of contribution, not a causal test.
    """
    layers = range(len(model.layers))
    f_col = np.stack([transformed_values(model, enc, layer)[:, col] for layer in layers])  # (layers, h, d)
    norms = np.sqrt(np.sum(f_col * f_col, axis=-1))  # (layers, heads): ‖f_h(x_col)‖, NumPy's pairwise sum
    return np.asarray(enc.attentions[:, :, row, col] * norms)  # (layers, heads)


@dataclass(frozen=True)
class LinkContribution:
    """One head's share in one link, by weight and by weight times norm.

    Attributes:
        layer: counted from 1. head: counted from 1.
        weight: the attention weight ``α_ij``.
        norm: ``‖α_ij f(x_j)‖``, the length of what the head adds to query ``i`` through key ``j``.
        weight_rank: the head's place (from 1) among all heads ranked by weight alone.
    """

    layer: int
    head: int
    weight: float
    norm: float
    weight_rank: int


def top_link_heads(weights: FloatArray, norms: FloatArray, count: int) -> tuple[LinkContribution, ...]:
    """The ``count`` heads with the largest norms, largest first, each with its rank by weight alone.

    Args:
        weights: ``α_ij`` of every head, shape ``(layers, heads)``.
        norms: ``‖α_ij f(x_j)‖`` of every head, shape ``(layers, heads)``.
        count: heads to return.

    Example:
        >>> top = top_link_heads(np.array([[0.9, 0.1]]), np.array([[0.2, 0.5]]), 1)
        >>> (top[0].head, top[0].weight_rank)
        (2, 2)
    """
    heads = weights.shape[1]
    by_norm = np.argsort(-norms, axis=None, kind="stable")[:count]  # flat indices, largest first
    by_weight = np.argsort(-weights, axis=None, kind="stable")  # (layers * heads,)
    rank = np.empty_like(by_weight)
    rank[by_weight] = np.arange(1, by_weight.size + 1)  # flat index -> place by weight, from 1
    return tuple(
        LinkContribution(
            layer=int(i) // heads + 1,
            head=int(i) % heads + 1,
            weight=float(weights.flat[i]),
            norm=float(norms.flat[i]),
            weight_rank=int(rank[i]),
        )
        for i in by_norm
    )
