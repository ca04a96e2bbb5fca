"""Tests for explainer.glove_rows: every GloVe word through sharded rows, identical to the source."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from explainer import glove_rows
from explainer.datafiles import NeedFiles, set_data_root
from explainer.embeddings import Embeddings, UnknownWordsError, load_compact
from explainer.glove_rows import (
    FREQUENT_FILE,
    GloveRows,
    decode_shard,
    encode_shard,
    require_words,
    shard_name,
    shard_of,
    write_rows,
)

WORDS = ("the", "cat", "sat", "on", "mat", "it", "was", "tired", "fisherman", "mended", "nets", "é", "naïve")
N_SHARDS = 4


@pytest.fixture
def tiny() -> Embeddings:
    return Embeddings(WORDS, np.random.default_rng(0).normal(size=(len(WORDS), 5)))


@pytest.fixture
def rows_dir(tmp_path: Path, tiny: Embeddings) -> Iterator[Path]:
    write_rows(tiny, tmp_path, N_SHARDS)
    set_data_root(tmp_path)
    yield tmp_path
    set_data_root(None)


def test_shard_of_is_crc32_of_the_utf8_word() -> None:
    for word in ("mended", "naïve", "", "u.s."):
        assert shard_of(word, 7) == zlib.crc32(word.encode("utf-8")) % 7
    assert shard_name(117) == "glove/rows-0117.bin"


def test_a_shard_round_trips_bit_for_bit(tiny: Embeddings) -> None:
    rows = [1, 4, 11]
    shard = decode_shard(encode_shard(tiny, rows, shard=2, n_shards=N_SHARDS))
    assert shard.words == ("cat", "mat", "é")
    assert shard.ranks.tolist() == rows
    assert (shard.shard, shard.n_shards, shard.vocab_size) == (2, N_SHARDS, len(WORDS))
    assert shard.vectors.dtype == np.float32
    np.testing.assert_array_equal(shard.vectors, tiny.vectors[rows])


def test_an_empty_shard_round_trips(tiny: Embeddings) -> None:
    shard = decode_shard(encode_shard(tiny, [], shard=0, n_shards=N_SHARDS))
    assert shard.words == () and shard.vectors.shape == (0, 5)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "only 0 bytes"), (b"PK\x03\x04" + bytes(40), "not a version-1 GloVe shard")],
)
def test_other_bytes_are_refused_by_name(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        decode_shard(data, "glove/rows-0001.bin")
    assert "glove/rows-0001.bin" in str(caught.value)


def test_a_truncated_shard_is_refused(tiny: Embeddings) -> None:
    data = encode_shard(tiny, [0, 1, 2], shard=0, n_shards=N_SHARDS)
    with pytest.raises(ValueError, match="cut short"):
        decode_shard(data[:60])


def test_write_rows_covers_every_word_once(rows_dir: Path, tiny: Embeddings) -> None:
    seen: list[str] = []
    for shard in range(N_SHARDS):
        read = decode_shard((rows_dir / shard_name(shard)).read_bytes())
        assert all(shard_of(w, N_SHARDS) == shard for w in read.words)
        assert read.ranks.tolist() == sorted(read.ranks.tolist())
        seen += read.words
    assert sorted(seen) == sorted(WORDS)
    np.testing.assert_array_equal(load_compact(rows_dir / FREQUENT_FILE).vectors, tiny.vectors)


def test_a_sentence_asks_for_exactly_its_shards_at_once(rows_dir: Path) -> None:
    (rows_dir / shard_name(shard_of("mended", N_SHARDS))).unlink()
    (rows_dir / shard_name(shard_of("cat", N_SHARDS))).unlink()
    rows = GloveRows(N_SHARDS)
    with pytest.raises(NeedFiles) as caught:
        rows.require(["the", "cat", "mended", "cat"])
    expected = sorted({shard_of("mended", N_SHARDS), shard_of("cat", N_SHARDS)})
    assert caught.value.files == tuple(shard_name(s) for s in expected)
    assert caught.value.what == "the GloVe rows for your words"


def test_lookup_equals_the_in_memory_vectors(rows_dir: Path, tiny: Embeddings) -> None:
    rows = GloveRows(N_SHARDS)
    tokens = ["the", "fisherman", "mended", "the", "nets", "naïve"]
    np.testing.assert_array_equal(rows.lookup(tokens), tiny.lookup(tokens))
    assert len(rows) == len(WORDS) and rows.dim == 5
    assert "mended" in rows and "zebra" not in rows and 3 not in rows


def test_unknown_words_are_named_with_the_whole_vocabulary_size(rows_dir: Path) -> None:
    with pytest.raises(UnknownWordsError, match=r"2 words are not in the 13-word vocabulary: 'zebra', 'xq'"):
        GloveRows(N_SHARDS).lookup(["the", "zebra", "xq", "zebra"])
    with pytest.raises(ValueError, match="no tokens"):
        GloveRows(N_SHARDS).lookup([])


def test_head_reads_the_frequent_file(rows_dir: Path, tiny: Embeddings) -> None:
    rows = GloveRows(N_SHARDS)
    assert rows.head(3).words == WORDS[:3]
    np.testing.assert_array_equal(rows.head(glove_rows.BROWSER_VOCAB_SIZE).vectors, tiny.vectors)
    with pytest.raises(ValueError, match="n_words must be from 1"):
        rows.head(0)


def test_head_asks_for_the_frequent_file(tmp_path: Path) -> None:
    set_data_root(tmp_path)
    try:
        with pytest.raises(NeedFiles) as caught:
            GloveRows(N_SHARDS).head(10)
    finally:
        set_data_root(None)
    assert caught.value.files == (FREQUENT_FILE,)


def test_a_shard_file_holding_another_shard_is_refused(rows_dir: Path, tiny: Embeddings) -> None:
    here = shard_of("the", N_SHARDS)
    other = encode_shard(tiny, [], shard=(here + 1) % N_SHARDS, n_shards=N_SHARDS)
    (rows_dir / shard_name(here)).write_bytes(other)
    with pytest.raises(ValueError, match="holds shard"):
        GloveRows(N_SHARDS).lookup(["the"])


def test_require_words_leaves_in_memory_embeddings_alone(tiny: Embeddings, tmp_path: Path) -> None:
    set_data_root(tmp_path)  # empty: a GloveRows would ask for files, Embeddings never does
    try:
        require_words(tiny, ["zebra"])
        with pytest.raises(NeedFiles):
            require_words(GloveRows(N_SHARDS), ["zebra"])
    finally:
        set_data_root(None)


@pytest.mark.glove
def test_every_real_glove_row_is_bit_identical(tmp_path: Path) -> None:
    """All 400,000 words: the shards hold exactly the package's float32 rows."""
    from explainer.embeddings import default_embeddings

    glove = default_embeddings()
    write_rows(glove, tmp_path)
    set_data_root(tmp_path)
    try:
        rows = GloveRows()
        rows.require(glove.words)
        assert len(rows) == 400_000
        np.testing.assert_array_equal(rows.lookup(glove.words), glove.vectors)
        np.testing.assert_array_equal(rows.head(20_000).vectors, glove.vectors[:20_000])
    finally:
        set_data_root(None)


def test_nearest_searches_the_whole_vocabulary_when_the_frequent_file_holds_it(
    rows_dir: Path, tiny: Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = tiny.vectors[3]
    assert GloveRows(N_SHARDS).nearest(query, k=4, exclude=["on"]) == tiny.nearest(query, k=4, exclude=["on"])
    monkeypatch.setattr(glove_rows, "BROWSER_VOCAB_SIZE", 5)
    with pytest.raises(ValueError, match="only the 5 most frequent words"):
        GloveRows(N_SHARDS).nearest(query)
