"""Every GloVe word in the browser: the vocabulary in shards by a hash of the word.

The browser cannot download all 400,000 vectors (80 MB) for one sentence. The
build splits them into :data:`N_SHARDS` files by a hash of the word
(:func:`shard_of`), so a sentence fetches only the shards of its own words, and
:class:`GloveRows` reads them through :func:`explainer.datafiles.require`: a missing
shard is a :class:`~explainer.datafiles.NeedFiles` request, which the worker fulfils.
Each shard holds its words' float32 vectors exactly as the source has them, so the
browser computes the same numbers as the build and the terminal tool.

A shard file (``glove/rows-0012.bin``), little-endian::

    header   7 x uint32   magic "GLVR", version 1, shard, n_shards, vocab_size, dim, n_words
    ranks    uint32[n]    each word's row in GloVe (its frequency rank), ascending
    vectors  float32[n, dim]
    words    UTF-8, the n words joined by "\\n"

Neighbour searches run over the :data:`~explainer.embeddings.BROWSER_VOCAB_SIZE` most
frequent words without downloading them all (3.7 MB): :data:`NEAR_INDEX` holds each one's
direction in 8 bits with a bound on its error, which narrows a search to a few dozen
candidates, read exactly from files of about 32 similar words (``glove-near/0042.bin``, shard
format): the same neighbours as a search over all of them (:meth:`GloveRows.nearest_frequent`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from explainer import datafiles
from explainer.embeddings import (
    BROWSER_VOCAB_SIZE,
    Embeddings,
    UnknownWordsError,
    save_compact,
)
from explainer.glove_shards import N_SHARDS, ROWS_DIR, ROWS_WHAT, shard_name, shard_of
from explainer.types import Float32Array

__all__ = [
    "FREQUENT_FILE",
    "NEAR_INDEX",
    "N_SHARDS",
    "GloveRows",
    "NearIndex",
    "Shard",
    "decode_shard",
    "encode_shard",
    "near_name",
    "nearest_frequent",
    "require_words",
    "shard_name",
    "shard_of",
    "write_rows",
]

FREQUENT_FILE = f"{ROWS_DIR}/frequent-{BROWSER_VOCAB_SIZE}.npz"
"""The most frequent words whole (``save_compact`` format); the widgets read :data:`NEAR_INDEX` instead."""

NEAR_DIR = "glove-near"  # a folder of its own: its manifest is read only by neighbour searches
NEAR_INDEX = f"{NEAR_DIR}/index.bin"
"""Every frequent word's unit vector in 8 bits, grouped by cluster (:class:`NearIndex`)."""
NEAR_CLUSTER_WORDS = 32  # words per cluster file (glove-near/0042.bin), on average

NEAR_WHAT = "the index of the most frequent GloVe words"
NEAR_ROWS_WHAT = "the GloVe rows of the nearest words"
_SLACK = 1e-5  # a float32 cosine is this close to the exact one: the bounds leave room for it
_NEAR_MAGIC = int.from_bytes(b"GLVN", "little")
_MAGIC = int.from_bytes(b"GLVR", "little")
_VERSION = 1
_HEADER = np.dtype("<u4")
_HEADER_FIELDS = 7


@dataclass(frozen=True, eq=False)
class Shard:
    """One shard's words and vectors.

    Attributes:
        shard, n_shards: which shard this is, of how many.
        vocab_size: words in the whole vocabulary (all shards).
        words: this shard's words, shape ``(n,)``, in frequency order.
        ranks: each word's row in the whole vocabulary, shape ``(n,)``.
        vectors: float32, shape ``(n, dim)``.
        index: word -> position in this shard.
    """

    shard: int
    n_shards: int
    vocab_size: int
    words: tuple[str, ...]
    ranks: np.ndarray
    vectors: Float32Array
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", dict(zip(self.words, range(len(self.words)), strict=True)))


def encode_shard(embeddings: Embeddings, rows: Sequence[int], shard: int, n_shards: int) -> bytes:
    """The bytes of one shard file holding ``embeddings``' rows ``rows`` (ascending)."""
    words = [embeddings.words[r] for r in rows]
    if any("\n" in w for w in words):
        raise ValueError("a word contains a newline; a shard cannot store it")
    header = [_MAGIC, _VERSION, shard, n_shards, len(embeddings), embeddings.dim, len(rows)]
    ranks = np.asarray(rows, dtype=_HEADER)  # (n,)
    vectors = np.ascontiguousarray(embeddings.vectors[ranks], dtype="<f4")  # (n, dim)
    return b"".join(
        (
            np.asarray(header, dtype=_HEADER).tobytes(),
            ranks.tobytes(),
            vectors.tobytes(),
            "\n".join(words).encode("utf-8"),
        )
    )


def decode_shard(data: bytes, name: str = "shard") -> Shard:
    """Read a shard file's bytes (``ValueError`` naming ``name`` if they are not one)."""
    size = _HEADER.itemsize * _HEADER_FIELDS
    if len(data) < size:
        raise ValueError(f"{name} is not a GloVe shard (only {len(data)} bytes)")
    magic, version, shard, n_shards, vocab_size, dim, n = (
        int(x) for x in np.frombuffer(data, _HEADER, _HEADER_FIELDS)
    )
    if magic != _MAGIC or version != _VERSION:
        raise ValueError(f"{name} is not a version-{_VERSION} GloVe shard")
    vectors_at = size + 4 * n
    words_at = vectors_at + 4 * n * dim
    if len(data) < words_at:
        raise ValueError(f"{name} is cut short ({len(data)} bytes, its header promises more)")
    ranks = np.frombuffer(data, _HEADER, n, offset=size)  # (n,)
    vectors = np.frombuffer(data, "<f4", n * dim, offset=vectors_at).reshape(n, dim)  # (n, dim)
    words = tuple(data[words_at:].decode("utf-8").split("\n")) if n else ()
    if len(words) != n:
        raise ValueError(f"{name} lists {len(words)} words for {n} vectors")
    return Shard(shard, n_shards, vocab_size, words, ranks, vectors.astype(np.float32, copy=False))


def shard_rows(words: Sequence[str], n_shards: int = N_SHARDS) -> list[list[int]]:
    """For each shard, the rows of ``words`` it holds, ascending."""
    rows: list[list[int]] = [[] for _ in range(n_shards)]
    for row, word in enumerate(words):
        rows[shard_of(word, n_shards)].append(row)
    return rows


def near_name(cluster: int) -> str:
    """The file of one cluster of frequent words, e.g. ``glove-near/0042.bin`` (shard format)."""
    return f"{NEAR_DIR}/{cluster:04d}.bin"


@dataclass(frozen=True, eq=False)
class NearIndex:
    """Every frequent word's unit vector as ``codes · scale`` (8 bits), grouped by cluster. File: 5 uint32
    (magic "GLVN", n_clusters, n, dim, 0), then each attribute in order, little-endian.

    Attributes:
        starts: uint32, where each cluster's entries begin: cluster ``c`` is ``starts[c]:starts[c + 1]``.
        ranks: uint32, each entry's row in GloVe (its frequency rank), shape ``(n,)``.
        scale, error: float32, shape ``(n,)``; ``‖unit vector − codes · scale‖ <= error``.
        codes: int8, shape ``(n, dim)``.
    """

    starts: np.ndarray
    ranks: np.ndarray
    scale: np.ndarray
    error: np.ndarray
    codes: np.ndarray

    def to_bytes(self) -> bytes:
        n, dim = self.codes.shape
        header = np.array([_NEAR_MAGIC, len(self.starts) - 1, n, dim, 0], dtype="<u4")
        arrays = (self.starts.astype("<u4"), self.ranks.astype("<u4"), self.scale.astype("<f4"))
        return b"".join(a.tobytes() for a in (header, *arrays, self.error.astype("<f4"), self.codes))

    @classmethod
    def from_bytes(cls, data: bytes) -> NearIndex:
        magic, n_clusters, n, dim, _ = (int(x) for x in np.frombuffer(data, "<u4", 5))
        if magic != _NEAR_MAGIC or len(data) != 20 + 4 * (n_clusters + 1) + 12 * n + n * dim:
            raise ValueError(f"{NEAR_INDEX} is not a neighbour index of the right size")
        at = np.cumsum([20, 4 * (n_clusters + 1), 4 * n, 4 * n, 4 * n])  # where each array begins
        starts = np.frombuffer(data, "<u4", n_clusters + 1, at[0])
        ranks = np.frombuffer(data, "<u4", n, int(at[1]))
        scale, error = (np.frombuffer(data, "<f4", n, int(o)) for o in at[2:4])
        return cls(starts, ranks, scale, error, np.frombuffer(data, np.int8, n * dim, at[4]).reshape(n, dim))

    def clusters_to_read(self, vector: ArrayLike, k: int, excluded: Iterable[int]) -> list[int]:
        """The clusters holding every word that can be among the ``k`` nearest to ``vector``.

        Each entry's cosine lies within ``approx ± (error + slack)``. The ``k``-th largest lower
        bound (``excluded`` ranks left out) is a cosine at least ``k`` words reach, so a word
        whose upper bound falls below it cannot be among the ``k`` nearest.
        """
        v = np.asarray(vector, dtype=np.float32).astype(np.float64)  # (dim,), as Embeddings.cosine
        if not np.isfinite(norm := float(np.linalg.norm(v))) or norm == 0.0:
            raise ValueError("cosine similarity needs a finite, non-zero vector")
        approx = (self.codes @ (v / norm)) * self.scale  # (n,)
        allowed = ~np.isin(self.ranks, np.fromiter(excluded, dtype=np.int64))  # (n,)
        lower = (approx - self.error - _SLACK)[allowed]  # (n_allowed,)
        threshold = np.partition(lower, -k)[-k] if len(lower) > k else -np.inf
        entries = np.flatnonzero(allowed & (approx + self.error + _SLACK >= threshold))  # (m,)
        return sorted({int(c) for c in np.searchsorted(self.starts, entries, side="right") - 1})


def _clusters(units: np.ndarray, n_clusters: int, rounds: int = 8) -> np.ndarray:
    """Spherical k-means (seeded): each row's cluster, ``(n,)``. Similar words together: fewer files read."""
    centres = units[np.random.default_rng(0).choice(len(units), n_clusters, replace=False)]  # (C, d)
    for _ in range(rounds):
        label = np.argmax(units @ centres.T, axis=1)  # (n,)
        sums = np.zeros_like(centres)  # (C, d)
        np.add.at(sums, label, units)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)  # (C, 1)
        centres = np.where(norms > 0, sums / np.maximum(norms, 1e-30), centres)  # (C, d)
    return np.asarray(np.argmax(units @ centres.T, axis=1))  # (n,)


def near_index(embeddings: Embeddings, n_words: int) -> tuple[NearIndex, list[list[int]]]:
    """The index of the first ``n_words`` words and each cluster's rows (ascending)."""
    vectors = np.asarray(embeddings.vectors[:n_words], dtype=np.float64)  # (n, d)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)  # (n, 1)
    units = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)  # (n, d)
    label = _clusters(units, max(1, n_words // NEAR_CLUSTER_WORDS))  # (n,)
    order = np.argsort(label, kind="stable")  # (n,): grouped by cluster, by rank within one
    scale = (np.abs(units).max(axis=1) / 127.0).astype(np.float32)  # (n,)
    scale[scale == 0] = 1.0
    codes = np.rint(units / scale[:, None].astype(np.float64)).astype(np.int8)  # (n, d)
    error = np.linalg.norm(units - codes * scale[:, None].astype(np.float64), axis=1)  # (n,)
    starts = np.searchsorted(label[order], np.arange(label.max() + 2))  # (C + 1,)
    error32 = np.nextafter(error[order].astype(np.float32), np.float32(np.inf))  # (n,): rounded up
    index = NearIndex(starts, order, scale[order], error32, codes[order])
    return index, [order[a:b].tolist() for a, b in itertools.pairwise(starts)]


def write_rows(embeddings: Embeddings, dest: Path, n_shards: int = N_SHARDS) -> list[Path]:
    """Write every shard, :data:`NEAR_INDEX` with its clusters and :data:`FREQUENT_FILE` under ``dest``.

    Returns:
        The files written, shards first.
    """
    for folder in (ROWS_DIR, NEAR_DIR):
        (dest / folder).mkdir(parents=True, exist_ok=True)
    written = []
    for shard, rows in enumerate(shard_rows(embeddings.words, n_shards)):
        path = dest / shard_name(shard)
        path.write_bytes(encode_shard(embeddings, rows, shard, n_shards))
        written.append(path)
    index, clusters = near_index(embeddings, min(len(embeddings), BROWSER_VOCAB_SIZE))
    (dest / NEAR_INDEX).write_bytes(index.to_bytes())
    for cluster, rows in enumerate(clusters):
        (dest / near_name(cluster)).write_bytes(encode_shard(embeddings, rows, cluster, len(clusters)))
    written += [dest / NEAR_INDEX, *(dest / near_name(c) for c in range(len(clusters)))]
    written.append(save_compact(embeddings, dest / FREQUENT_FILE, BROWSER_VOCAB_SIZE))
    return written


class GloveRows:
    """The whole GloVe vocabulary, read shard by shard from :func:`explainer.datafiles.data_root`.

    It answers what the GloVe widgets ask of :class:`~explainer.embeddings.Embeddings`:
    ``word in rows``, ``len(rows)``, ``rows.dim``, ``rows.lookup(tokens)``, and neighbour
    searches among the most frequent words (:meth:`nearest_frequent`). Each answer reads the
    files it needs; a file not downloaded yet raises :class:`~explainer.datafiles.NeedFiles`.
    Files once read are kept.
    """

    def __init__(self, n_shards: int = N_SHARDS) -> None:
        self.n_shards = n_shards
        self._shards: dict[int, Shard] = {}
        self._near: dict[str, Shard] = {}
        self._index: list[NearIndex] = []

    def __repr__(self) -> str:
        return f"GloveRows({len(self._shards)} of {self.n_shards} shards read)"

    def require(self, words: Iterable[str]) -> None:
        """Read the shards of ``words``; one :class:`NeedFiles` names every shard still missing."""
        self._load(sorted({shard_of(w, self.n_shards) for w in words}))

    def _load(self, shards: Sequence[int]) -> None:
        wanted = [s for s in shards if s not in self._shards]
        paths = datafiles.require([shard_name(s) for s in wanted], ROWS_WHAT)
        for shard, path in zip(wanted, paths, strict=True):
            read = decode_shard(path.read_bytes(), shard_name(shard))
            if (read.shard, read.n_shards) != (shard, self.n_shards):
                raise ValueError(f"{shard_name(shard)} holds shard {read.shard} of {read.n_shards}")
            self._shards[shard] = read

    def _shard(self, word: str) -> Shard:
        shard = shard_of(word, self.n_shards)
        self._load([shard])
        return self._shards[shard]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word in self._shard(word).index

    def _any_shard(self) -> Shard:
        if not self._shards:
            self._load([0])
        return next(iter(self._shards.values()))

    def __len__(self) -> int:
        return self._any_shard().vocab_size

    @property
    def dim(self) -> int:
        """The vector dimension ``d``."""
        return int(self._any_shard().vectors.shape[1])

    def lookup(self, tokens: Iterable[str]) -> Float32Array:
        """The vectors of ``tokens``, stacked, shape ``(n, d)``, as :meth:`Embeddings.lookup`.

        Raises:
            NeedFiles: shards not downloaded yet (all of them at once).
            UnknownWordsError: naming every token that has no vector.
            ValueError: if ``tokens`` is empty.
        """
        tokens = list(tokens)
        if not tokens:
            raise ValueError("no tokens to look up")
        self.require(tokens)
        unknown = [t for t in tokens if t not in self]
        if unknown:
            raise UnknownWordsError(unknown, len(self))
        rows = [self._shard(t) for t in tokens]
        return np.stack([s.vectors[s.index[t]] for s, t in zip(rows, tokens, strict=True)])  # (n, d)

    def nearest_frequent(
        self, vectors: Sequence[ArrayLike], k: int, exclude: Iterable[str] = ()
    ) -> list[list[tuple[str, float]]]:
        """For each vector, ``head(BROWSER_VOCAB_SIZE).nearest(vector, k, exclude)``, reading only
        :data:`NEAR_INDEX` and the clusters of the candidates (all of them in one request)."""
        exclude = list(exclude)
        self.require(exclude)
        if not self._index:
            (path,) = datafiles.require([NEAR_INDEX], NEAR_WHAT)
            self._index.append(NearIndex.from_bytes(path.read_bytes()))
        ranks = [int(s.ranks[s.index[w]]) for w in exclude if w in (s := self._shard(w)).index]
        wanted = [self._index[0].clusters_to_read(v, k, ranks) for v in vectors]
        names = sorted({near_name(c) for clusters in wanted for c in clusters} - set(self._near))
        for name, path in zip(names, datafiles.require(names, NEAR_ROWS_WHAT), strict=True):
            self._near[name] = decode_shard(path.read_bytes(), name)
        pairs = zip(vectors, wanted, strict=True)  # no cluster: every frequent word was excluded
        return [
            self._candidates(clusters).nearest(v, k, exclude) if clusters else [] for v, clusters in pairs
        ]

    def _candidates(self, clusters: Iterable[int]) -> Embeddings:
        """The words of ``clusters``, in frequency order (ties rank as in the whole vocabulary)."""
        shards = [self._near[near_name(c)] for c in clusters]
        ranks = np.concatenate([s.ranks for s in shards])  # (m,)
        order = np.argsort(ranks)  # (m,)
        words = [w for s in shards for w in s.words]
        return Embeddings(tuple(words[i] for i in order), np.concatenate([s.vectors for s in shards])[order])


def nearest_frequent(
    vectors: Embeddings | GloveRows, queries: Sequence[ArrayLike], k: int, exclude: Iterable[str] = ()
) -> list[list[tuple[str, float]]]:
    """The ``k`` nearest of the :data:`~explainer.embeddings.BROWSER_VOCAB_SIZE` most frequent words
    to each query, from in-memory :class:`Embeddings` or, reading only what it needs, :class:`GloveRows`."""
    if isinstance(vectors, GloveRows):
        return vectors.nearest_frequent(queries, k, exclude)
    vocab = vectors if len(vectors) <= BROWSER_VOCAB_SIZE else vectors.head(BROWSER_VOCAB_SIZE)
    return [vocab.nearest(q, k, exclude) for q in queries]


def require_words(vectors: object, words: Iterable[str]) -> None:
    """Fetch the rows of ``words`` in one request if ``vectors`` reads them from data files.

    For in-memory :class:`~explainer.embeddings.Embeddings` it does nothing; for
    :class:`GloveRows` it raises one :class:`~explainer.datafiles.NeedFiles` for all
    the missing shards instead of one per word.
    """
    if isinstance(vectors, GloveRows):
        vectors.require(words)
