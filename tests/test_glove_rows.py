"""Tests for explainer.glove_rows: every GloVe word through sharded rows, identical to the source."""

from __future__ import annotations

import shutil
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer import glove_rows
from explainer.datafiles import NeedFiles, set_data_root
from explainer.embeddings import Embeddings, UnknownWordsError, load_compact
from explainer.glove_rows import (
    FREQUENT_FILE,
    NEAR_INDEX,
    GloveRows,
    NearIndex,
    decode_shard,
    encode_shard,
    near_index,
    near_name,
    nearest_frequent,
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
        head = glove.head(20_000)
        queries = [glove.lookup(["bank"])[0], glove.lookup(["mended", "nets"]).mean(axis=0)]
        got = rows.nearest_frequent(queries, 8, ["bank", "nets"])
        for query, near in zip(queries, got, strict=True):
            assert_same_neighbours(near, head.nearest(query, 8, ["bank", "nets"]))
    finally:
        set_data_root(None)


def test_a_small_vocabulary_is_searched_whole_through_the_index(rows_dir: Path, tiny: Embeddings) -> None:
    query = tiny.vectors[3]
    (got,) = GloveRows(N_SHARDS).nearest_frequent([query], k=4, exclude=["on"])
    assert_same_neighbours(got, tiny.nearest(query, k=4, exclude=["on"]))


def assert_same_neighbours(got: list[tuple[str, float]], want: list[tuple[str, float]]) -> None:
    """The same words in the same order; cosines to float32 rounding (BLAS sums a subset differently)."""
    assert [w for w, _ in got] == [w for w, _ in want]
    np.testing.assert_allclose([c for _, c in got], [c for _, c in want], rtol=0, atol=1e-6)


def fetch_like_the_worker(
    compute: Callable[[], object], served: Path, local: Path
) -> tuple[object, list[str]]:
    """Run ``compute`` as the browser does: copy what a NeedFiles names from ``served``, ask again."""
    asked: list[str] = []
    set_data_root(local)
    try:
        for _ in range(4):  # the worker's MAX_ROUNDS
            try:
                return compute(), asked
            except NeedFiles as need:
                asked += need.files
                for name in need.files:
                    (local / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(served / name, local / name)
        raise AssertionError(f"still asking after 4 rounds: {asked}")
    finally:
        set_data_root(None)


def clustered(seed: int, n: int = 1500, dim: int = 12) -> Embeddings:
    """Words in a few directions, as real embeddings are, so neighbours are close and searches narrow."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(20, dim))
    vectors = centres[rng.integers(0, 20, n)] + rng.normal(scale=0.4, size=(n, dim))
    return Embeddings(tuple(f"w{i}" for i in range(n)), vectors.astype(np.float32))


def test_a_neighbour_search_reads_the_index_and_a_few_clusters_not_the_frequent_file(tmp_path: Path) -> None:
    emb = clustered(0)
    write_rows(emb, tmp_path / "served", N_SHARDS)
    queries = [emb.vectors[7], emb.vectors[:3].mean(axis=0)]
    rows = GloveRows(N_SHARDS)
    got, asked = fetch_like_the_worker(
        lambda: rows.nearest_frequent(queries, 8, ["w7", "w1"]), tmp_path / "served", tmp_path / "local"
    )
    assert isinstance(got, list)
    for query, near in zip(queries, got, strict=True):
        assert_same_neighbours(near, emb.nearest(query, 8, ["w7", "w1"]))
    assert FREQUENT_FILE not in asked and NEAR_INDEX in asked
    clusters = [n for n in asked if n.startswith("glove-near/0")]
    assert 0 < len(clusters) < len(emb) // glove_rows.NEAR_CLUSTER_WORDS / 2  # not most of them
    asked_again = fetch_like_the_worker(
        lambda: rows.nearest_frequent(queries, 8, ["w7", "w1"]), tmp_path / "served", tmp_path / "local"
    )[1]
    assert asked_again == []  # files once read are kept


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12), st.integers(0, 5))
def test_the_index_finds_exactly_the_nearest_words(seed: int, k: int, n_excluded: int) -> None:
    emb = clustered(seed, n=400, dim=6)
    index, clusters = near_index(emb, len(emb))
    rng = np.random.default_rng(seed)
    query = rng.normal(size=6)
    excluded = [f"w{i}" for i in rng.integers(0, len(emb), n_excluded)]
    read = index.clusters_to_read(query, k, [int(w[1:]) for w in excluded])
    rows = sorted(r for c in read for r in clusters[c])
    subset = Embeddings(tuple(emb.words[r] for r in rows), emb.vectors[rows])
    assert_same_neighbours(subset.nearest(query, k, excluded), emb.nearest(query, k, excluded))


def test_the_index_round_trips_and_bounds_every_cosine() -> None:
    emb = clustered(1, n=300, dim=8)
    index, clusters = near_index(emb, len(emb))
    back = NearIndex.from_bytes(index.to_bytes())
    for name in ("starts", "ranks", "scale", "error", "codes"):
        np.testing.assert_array_equal(getattr(back, name), getattr(index, name))
    assert sorted(r for c in clusters for r in c) == list(range(len(emb)))
    vectors = emb.vectors[back.ranks].astype(np.float64)  # (n, d)
    units = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)  # (n, d)
    approx = back.codes * back.scale[:, None].astype(np.float64)  # (n, d)
    assert np.all(np.linalg.norm(units - approx, axis=1) <= back.error)
    with pytest.raises(ValueError, match="not a neighbour index"):
        NearIndex.from_bytes(index.to_bytes()[:-1])


def test_nearest_frequent_leaves_in_memory_embeddings_in_memory(tiny: Embeddings, tmp_path: Path) -> None:
    set_data_root(tmp_path)  # empty: nothing may be asked for
    try:
        assert nearest_frequent(tiny, [tiny.vectors[0]], 3, ["the"]) == [
            tiny.nearest(tiny.vectors[0], 3, ["the"])
        ]
    finally:
        set_data_root(None)
    assert near_name(42) == "glove-near/0042.bin"
