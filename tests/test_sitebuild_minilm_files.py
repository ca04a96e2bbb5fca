"""Tests for explainer.sitebuild.minilm_files: the compact model's files in the built site."""

from __future__ import annotations

import json
from pathlib import Path

from explainer.minilm.compact import ABOUT_FILE, MODEL_FILE, VOCAB_FILE, shard_name
from explainer.sitebuild.minilm_files import write_minilm


def test_writes_every_file_and_the_sizes_the_page_names(minilm_weights: None, tmp_path: Path) -> None:
    names = write_minilm(tmp_path)
    assert {MODEL_FILE, VOCAB_FILE, ABOUT_FILE, shard_name(0)} <= set(names)
    assert all((tmp_path / n).is_file() for n in names)
    about = json.loads((tmp_path / ABOUT_FILE).read_text(encoding="utf-8"))
    assert about["model_bytes"] == (tmp_path / MODEL_FILE).stat().st_size
    assert about["vocab_bytes"] == (tmp_path / VOCAB_FILE).stat().st_size
    assert about["all_bytes"] == sum((tmp_path / n).stat().st_size for n in names if n != ABOUT_FILE)
    assert about["first_sentence_bytes"] <= 22e6


def test_a_second_build_leaves_unchanged_files_alone(minilm_weights: None, tmp_path: Path) -> None:
    write_minilm(tmp_path)
    before = (tmp_path / MODEL_FILE).stat().st_mtime_ns
    (tmp_path / shard_name(3)).write_bytes(b"tampered")
    write_minilm(tmp_path)
    assert (tmp_path / MODEL_FILE).stat().st_mtime_ns == before
    assert len((tmp_path / shard_name(3)).read_bytes()) == 32 * 384 * 2  # a changed file is rewritten
