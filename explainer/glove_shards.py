"""Which file holds a GloVe word's row: standard library only, for the browser's first request.

The vocabulary is split into :data:`N_SHARDS` files by a hash of the word
(:mod:`explainer.glove_rows` writes and reads them). This module only names them, without
numpy, so the worker's Python can ask for the rows of a typed sentence
(:func:`sentence_rows`) as soon as it starts, and download them while the widget's
modules (numpy among them) import.
"""

from __future__ import annotations

import zlib

from explainer.tokens import tokenize

__all__ = ["N_SHARDS", "ROWS_DIR", "ROWS_WHAT", "sentence_rows", "shard_name", "shard_of"]

N_SHARDS = 1024
"""How many files the vocabulary is split into: about 390 words (80 KB) each."""

ROWS_DIR = "glove"
ROWS_WHAT = "the GloVe rows for your words"


def shard_of(word: str, n_shards: int = N_SHARDS) -> int:
    """The shard holding ``word``: CRC-32 of its UTF-8 bytes, modulo ``n_shards``.

    >>> shard_of("mended")
    117
    """
    return zlib.crc32(word.encode("utf-8")) % n_shards


def shard_name(shard: int) -> str:
    """The data file name of a shard, e.g. ``glove/rows-0412.bin``."""
    return f"{ROWS_DIR}/rows-{shard:04d}.bin"


def sentence_rows(sentence: str, max_tokens: int) -> list[str]:
    """The row files of ``sentence``'s words, each once, in order of name.

    A sentence with no token or more than ``max_tokens`` has none: the widget says what is
    wrong with it, and downloads nothing.

    >>> sentence_rows("The old fisherman, the old fisherman", 64)  # the, old, fisherman and the comma
    ['glove/rows-0229.bin', 'glove/rows-0486.bin', 'glove/rows-0625.bin', 'glove/rows-0878.bin']
    >>> sentence_rows("word " * 65, 64)
    []
    """
    tokens = tokenize(sentence)
    return sorted({shard_name(shard_of(t)) for t in tokens}) if 0 < len(tokens) <= max_tokens else []
