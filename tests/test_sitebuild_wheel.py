"""Tests for explainer.sitebuild.wheel: the browser wheel, without the build-only subpackage."""

from __future__ import annotations

import base64
import hashlib
import importlib
import importlib.util
import io
import marshal
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from explainer.sitebuild import wheel

ROOT = Path(__file__).resolve().parents[1]
NODE_PYODIDE = ROOT / "node_modules" / "pyodide"


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


def a_zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in files.items():
            archive.writestr(zipfile.ZipInfo(name, (2020, 1, 2, 3, 4, 6)), body)
    return out.getvalue()


SOURCES = {
    "pkg/__init__.py": b"ANSWER = 6 * 7\n",
    "pkg/data.txt": b"not Python\n",
    "pkg-1.0.dist-info/RECORD": b"pkg/__init__.py,sha256=x,15\n",
}


def test_compile_archive_replaces_sources_by_unchecked_bytecode(tmp_path: Path) -> None:
    compiled = wheel.compile_archive(a_zip(SOURCES), "/site/")
    archive = zipfile.ZipFile(io.BytesIO(compiled))
    assert archive.namelist() == ["pkg/__init__.pyc", "pkg/data.txt", "pkg-1.0.dist-info/RECORD"]
    assert archive.getinfo("pkg/__init__.pyc").date_time == (2020, 1, 2, 3, 4, 6)
    assert archive.read("pkg/data.txt") == b"not Python\n"
    pyc = archive.read("pkg/__init__.pyc")
    assert pyc[:4] == importlib.util.MAGIC_NUMBER  # this interpreter's: the build runs it in Pyodide
    assert pyc[4:8] == b"\x01\x00\x00\x00"  # PEP 552: hash-based, never checked against a source
    code = marshal.loads(pyc[16:])
    assert code.co_filename == "/site/pkg/__init__.py"  # where tracebacks say the file is
    namespace: dict[str, object] = {}
    exec(code, namespace)
    assert namespace["ANSWER"] == 42
    assert wheel.compile_archive(a_zip(SOURCES), "/site/") == compiled  # same input, same bytes


def test_compiled_archives_import_without_their_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "compiled.zip"
    path.write_bytes(wheel.compile_archive(a_zip(SOURCES), "/site/"))
    monkeypatch.syspath_prepend(str(path))
    module = importlib.import_module("pkg")
    assert module.ANSWER == 42
    sys.modules.pop("pkg")


def record_digest(body: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=").decode()


def test_compile_archive_rewrites_the_wheel_record() -> None:
    archive = zipfile.ZipFile(io.BytesIO(wheel.compile_archive(a_zip(SOURCES), "/")))
    lines = archive.read("pkg-1.0.dist-info/RECORD").decode().splitlines()
    body = archive.read("pkg/__init__.pyc")
    assert lines == [
        f"pkg/__init__.pyc,sha256={record_digest(body)},{len(body)}",
        f"pkg/data.txt,sha256={record_digest(b'not Python' + bytes([10]))},11",
        "pkg-1.0.dist-info/RECORD,,",
    ]


def test_compile_archive_reports_a_syntax_error() -> None:
    with pytest.raises(SyntaxError):
        wheel.compile_archive(a_zip({"bad.py": b"def (:\n"}), "/")


@pytest.mark.skipif(
    shutil.which("node") is None or not (NODE_PYODIDE / "pyodide.js").is_file(), reason="no Node or npm ci"
)
def test_compile_in_pyodide_writes_pyodides_bytecode_and_caches_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "pkg.whl"
    archive.write_bytes(a_zip(SOURCES))
    wheel.compile_in_pyodide({archive: "/lib/python3.12/site-packages/"}, NODE_PYODIDE, tmp_path / "cache")
    pyc = zipfile.ZipFile(archive).read("pkg/__init__.pyc")
    assert pyc[:4] == b"\xcb\r\r\n"  # CPython 3.12 (Pyodide 0.27), whatever Python runs this test

    def no_node(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached bytecode should have been reused")

    again = tmp_path / "again" / "pkg.whl"
    again.parent.mkdir()
    again.write_bytes(a_zip(SOURCES))
    monkeypatch.setattr(subprocess, "run", no_node)
    wheel.compile_in_pyodide({again: "/lib/python3.12/site-packages/"}, NODE_PYODIDE, tmp_path / "cache")
    assert again.read_bytes() == archive.read_bytes()
