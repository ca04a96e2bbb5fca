"""Tests for explainer.sitebuild.wheel: the browser wheel, without the build-only subpackage."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from explainer.sitebuild import wheel

ROOT = Path(__file__).resolve().parents[1]


def test_source_digest_follows_the_sources(tmp_path: Path) -> None:
    (tmp_path / "explainer").mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    (tmp_path / "explainer" / "a.py").write_text("x = 1\n")
    before = wheel.source_digest(tmp_path)
    (tmp_path / "explainer" / "__pycache__").mkdir()
    (tmp_path / "explainer" / "__pycache__" / "a.pyc").write_bytes(b"cache")
    assert wheel.source_digest(tmp_path) == before
    (tmp_path / "explainer" / "a.py").write_text("x = 2\n")
    assert wheel.source_digest(tmp_path) != before


def test_wheel_build_is_reproducible_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "src"  # a frozen copy: the working tree may change while the test runs
    wheel._copy_sources(ROOT, source)
    first = wheel.build_explainer_wheel(source, tmp_path / "a")
    second = wheel.build_explainer_wheel(source, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()  # same sources, same bytes

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached wheel should have been reused")

    monkeypatch.setattr(subprocess, "run", no_build)
    assert wheel.build_explainer_wheel(source, tmp_path / "a") == first


def test_the_browser_wheel_leaves_the_build_subpackage_out(tmp_path: Path) -> None:
    source = tmp_path / "src"
    wheel._copy_sources(ROOT, source)
    assert not (source / "explainer" / "sitebuild").exists()
    built = wheel.build_explainer_wheel(source, tmp_path / "cache")
    names = zipfile.ZipFile(built).namelist()
    assert "explainer/attention.py" in names and "explainer/widgets/__init__.py" in names
    assert not [n for n in names if n.startswith("explainer/sitebuild/")]


def test_editing_build_code_keeps_the_browser_wheel(tmp_path: Path) -> None:
    (tmp_path / "explainer" / "sitebuild").mkdir(parents=True)
    (tmp_path / "explainer" / "a.py").write_text("x = 1\n")
    before = wheel.source_digest(tmp_path)
    (tmp_path / "explainer" / "sitebuild" / "plugin.py").write_text("# glue\n")
    assert wheel.source_digest(tmp_path) == before
