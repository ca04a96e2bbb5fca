"""Tests for explainer.datafiles: naming the files a computation needs, reading them once there."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from explainer import datafiles
from explainer.datafiles import NeedFiles, data_root, file_sha256, require, set_data_root, valid_name


@pytest.fixture
def root(tmp_path: Path) -> Iterator[Path]:
    set_data_root(tmp_path)
    yield tmp_path
    set_data_root(None)


def test_require_names_every_missing_file_once_in_order(root: Path) -> None:
    (root / "a").mkdir()
    (root / "a" / "present.bin").write_bytes(b"x")
    with pytest.raises(NeedFiles) as caught:
        require(["a/missing-2.bin", "a/present.bin", "a/missing-1.bin", "a/missing-2.bin"], "the test rows")
    assert caught.value.files == ("a/missing-2.bin", "a/missing-1.bin")
    assert caught.value.what == "the test rows"
    assert "a/missing-1.bin" in str(caught.value)


def test_require_returns_the_paths_in_order_once_all_are_there(root: Path) -> None:
    for name in ("b.bin", "a.bin"):
        (root / name).write_bytes(name.encode())
    assert require(["b.bin", "a.bin"]) == [root / "b.bin", root / "a.bin"]
    assert require([]) == []


def test_need_files_passes_through_except_exception() -> None:
    """The widgets turn every Exception into a message; a file request must get past them."""
    with pytest.raises(NeedFiles):
        try:
            raise NeedFiles(["x.bin"])
        except Exception:  # the point of the test
            pytest.fail("NeedFiles was caught as an Exception")


@pytest.mark.parametrize("name", ["", "/etc/passwd", "../up.bin", "a/../../b", "a//b", "./a", "a\\b"])
def test_names_outside_the_data_folder_are_refused(name: str, root: Path) -> None:
    with pytest.raises(ValueError, match="not a data file name"):
        require([name])


def test_valid_names_are_returned_unchanged() -> None:
    assert valid_name("minilm/weights.bin") == "minilm/weights.bin"


def test_data_root_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datafiles.DATA_ROOT_ENV, raising=False)
    assert data_root() == Path.home() / ".cache" / "explainer" / "data"
    monkeypatch.setattr(datafiles.sys, "platform", "emscripten")
    assert data_root() == datafiles.PYODIDE_DATA_ROOT
    monkeypatch.setenv(datafiles.DATA_ROOT_ENV, str(tmp_path / "env"))
    assert data_root() == tmp_path / "env"
    set_data_root(tmp_path / "chosen")
    try:
        assert data_root() == tmp_path / "chosen"
    finally:
        set_data_root(None)
    assert data_root() == tmp_path / "env"


def test_file_sha256_matches_hashlib(tmp_path: Path) -> None:
    data = bytes(range(256)) * 5000
    (tmp_path / "f").write_bytes(data)
    assert file_sha256(tmp_path / "f") == hashlib.sha256(data).hexdigest()
