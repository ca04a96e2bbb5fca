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

Nearest-neighbour searches need the :data:`~explainer.embeddings.BROWSER_VOCAB_SIZE`
most frequent words whole: :data:`FREQUENT_FILE`, written by
:func:`explainer.embeddings.save_compact`, which :meth:`GloveRows.head` reads.
"""

from __future__ import annotations

import zlib
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
    load_compact,
    save_compact,
)
from explainer.types import Float32Array

__all__ = [
    "FREQUENT_FILE",
    "N_SHARDS",
    "GloveRows",
    "Shard",
    "decode_shard",
    "encode_shard",
    "require_words",
    "shard_name",
    "shard_of",
    "write_rows",
]

N_SHARDS = 1024
"""How many files the vocabulary is split into: about 390 words (80 KB) each."""

ROWS_DIR = "glove"
FREQUENT_FILE = f"{ROWS_DIR}/frequent-{BROWSER_VOCAB_SIZE}.npz"
"""The most frequent words whole, for nearest-neighbour searches (``save_compact`` format)."""

ROWS_WHAT = "the GloVe rows for your words"
FREQUENT_WHAT = f"the {BROWSER_VOCAB_SIZE:,} most frequent GloVe words"
_MAGIC = int.from_bytes(b"GLVR", "little")
_VERSION = 1
_HEADER = np.dtype("<u4")
_HEADER_FIELDS = 7


def shard_of(word: str, n_shards: int = N_SHARDS) -> int:
    """The shard holding ``word``: CRC-32 of its UTF-8 bytes, modulo ``n_shards``.

    >>> shard_of("mended")
    117
    """
    return zlib.crc32(word.encode("utf-8")) % n_shards


def shard_name(shard: int) -> str:
    """The data file name of a shard, e.g. ``glove/rows-0412.bin``."""
    return f"{ROWS_DIR}/rows-{shard:04d}.bin"


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


def write_rows(embeddings: Embeddings, dest: Path, n_shards: int = N_SHARDS) -> list[Path]:
    """Write every shard and :data:`FREQUENT_FILE` under ``dest`` (the site's data folder).

    Returns:
        The files written, shards first.
    """
    folder = dest / ROWS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for shard, rows in enumerate(shard_rows(embeddings.words, n_shards)):
        path = dest / shard_name(shard)
        path.write_bytes(encode_shard(embeddings, rows, shard, n_shards))
        written.append(path)
    written.append(save_compact(embeddings, dest / FREQUENT_FILE, BROWSER_VOCAB_SIZE))
    return written


class GloveRows:
    """The whole GloVe vocabulary, read shard by shard from :func:`explainer.datafiles.data_root`.

    It answers what the GloVe widgets ask of :class:`~explainer.embeddings.Embeddings`:
    ``word in rows``, ``len(rows)``, ``rows.dim``, ``rows.lookup(tokens)``,
    ``rows.head(n)`` (the most frequent words, for neighbour searches) and, for a
    vocabulary no larger than :data:`FREQUENT_FILE`, ``rows.nearest(...)``. Each answer
    reads the files it needs; a file not downloaded yet raises
    :class:`~explainer.datafiles.NeedFiles`. Shards once read are kept.
    """

    def __init__(self, n_shards: int = N_SHARDS) -> None:
        self.n_shards = n_shards
        self._shards: dict[int, Shard] = {}
        self._frequent: list[Embeddings] = []

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

    def head(self, n_words: int) -> Embeddings:
        """The ``n_words`` most frequent words, read from :data:`FREQUENT_FILE` (at most its size)."""
        if not 1 <= n_words <= BROWSER_VOCAB_SIZE:
            raise ValueError(f"n_words must be from 1 to {BROWSER_VOCAB_SIZE:,}, got {n_words}")
        if not self._frequent:
            (path,) = datafiles.require([FREQUENT_FILE], FREQUENT_WHAT)
            self._frequent.append(load_compact(path))
        frequent = self._frequent[0]
        return frequent if n_words >= len(frequent) else frequent.head(n_words)

    def nearest(self, vector: ArrayLike, k: int = 5, exclude: Iterable[str] = ()) -> list[tuple[str, float]]:
        """:meth:`Embeddings.nearest` over the whole vocabulary, when :data:`FREQUENT_FILE` holds it all.

        Raises:
            ValueError: the vocabulary is larger than that file (search ``head(n)`` instead).
        """
        if len(self) > BROWSER_VOCAB_SIZE:
            raise ValueError(
                f"only the {BROWSER_VOCAB_SIZE:,} most frequent words can be searched: use head()"
            )
        return self.head(len(self)).nearest(vector, k, exclude)


def require_words(vectors: object, words: Iterable[str]) -> None:
    """Fetch the rows of ``words`` in one request if ``vectors`` reads them from data files.

    For in-memory :class:`~explainer.embeddings.Embeddings` it does nothing; for
    :class:`GloveRows` it raises one :class:`~explainer.datafiles.NeedFiles` for all
    the missing shards instead of one per word.
    """
    if isinstance(vectors, GloveRows):
        vectors.require(words)
