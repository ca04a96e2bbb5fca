"""Tests for explainer.minilm.compact: the files the browser downloads read back to the same model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from explainer.datafiles import NeedFiles, require, set_data_root
from explainer.minilm.compact import (
    MAX_PIECES,
    MODEL_FILE,
    SHARD_ROWS,
    VOCAB_FILE,
    ShardedRows,
    compact_files,
    compact_from_full,
    load_compact,
    shard_name,
    shard_names,
)
from explainer.minilm.model import MiniLM

SENTENCE = "The trophy didn't fit in the suitcase because it was too big"


@pytest.fixture(scope="module")
def full(minilm_weights: None) -> MiniLM:
    from explainer.minilm import load_minilm

    return load_minilm()


@pytest.fixture(scope="module")
def folder(full: MiniLM, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("data")
    for name, data in compact_files(full).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def test_shard_names_cover_each_id_once_in_order() -> None:
    ids = [0, SHARD_ROWS - 1, SHARD_ROWS, 5 * SHARD_ROWS + 3, 1]
    assert shard_names(ids) == [shard_name(0), shard_name(1), shard_name(5)]


def test_sharded_rows_reads_only_the_shards_a_sentence_needs(tmp_path: Path) -> None:
    table = np.arange(10 * 4, dtype=np.float16).reshape(10, 4)  # 10 rows of 4
    reads: list[list[str]] = []
    for index in range(-(-10 // SHARD_ROWS)):
        path = tmp_path / shard_name(index)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(table[index * SHARD_ROWS : (index + 1) * SHARD_ROWS].tobytes())

    def read(names: list[str]) -> list[Path]:
        reads.append(list(names))
        return [tmp_path / n for n in names]

    rows = ShardedRows(read, 10, 4)
    np.testing.assert_array_equal(rows[[3, 0, 9]], table[[3, 0, 9]])
    rows[[1, 2]]
    assert reads == [[shard_name(0)]]  # the second lookup reads nothing: the shard is kept


def test_files_read_back_to_the_in_memory_compact_model(full: MiniLM, folder: Path) -> None:
    """Presets (built in memory) and the browser (reading files) compute identical numbers."""
    from_files = load_compact(lambda names: [folder / n for n in names])
    in_memory = compact_from_full(full)
    a, b = from_files.encode(SENTENCE), in_memory.encode(SENTENCE)
    assert a.tokens == b.tokens
    np.testing.assert_array_equal(a.attentions, b.attentions)
    np.testing.assert_array_equal(a.hidden_states, b.hidden_states)


def test_compact_model_stays_within_a_thousandth_of_the_full_one(full: MiniLM) -> None:
    a, b = full.encode(SENTENCE), compact_from_full(full).encode(SENTENCE)
    error = np.abs(a.attentions - b.attentions).max()
    assert 0 < error <= 1e-3  # rounded (not identical), yet close


def test_matrices_are_float16_and_the_file_is_about_21_mb(full: MiniLM) -> None:
    from explainer.minilm.safetensors import parse_safetensors

    files = compact_files(full)
    tensors = parse_safetensors(files[MODEL_FILE])
    assert tensors["layer.0.w_q"].dtype == np.float16 and tensors["layer.0.b_q"].dtype == np.float32
    assert tensors["position"].shape == (MAX_PIECES + 2, 384)
    assert 20e6 < len(files[MODEL_FILE]) < 22e6
    assert files[VOCAB_FILE].decode("utf-8").splitlines() == list(full.tokenizer.vocab)
    assert len(files[shard_name(0)]) == SHARD_ROWS * 384 * 2


def test_missing_files_are_asked_for_by_name(tmp_path: Path) -> None:
    set_data_root(tmp_path)
    try:
        with pytest.raises(NeedFiles) as need:
            load_compact()
        assert need.value.files == (MODEL_FILE, VOCAB_FILE)
        assert "layers" in need.value.what
    finally:
        set_data_root(None)


def test_missing_shards_are_asked_for_after_the_layers(folder: Path, tmp_path: Path) -> None:
    for name in (MODEL_FILE, VOCAB_FILE):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    set_data_root(tmp_path)
    try:
        model = load_compact()
        with pytest.raises(NeedFiles) as need:
            model.encode("the cat")
        ids = model.tokenizer.encode("the cat")[1]
        assert list(need.value.files) == shard_names(ids)
        assert require([MODEL_FILE])  # the layers stay where they are
    finally:
        set_data_root(None)
