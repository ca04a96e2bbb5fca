"""The standard library split in two archives: the compiled modules a session imports, and the rest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from explainer.sitebuild.stdlib_split import (
    HOT_NAME,
    MORE_NAME,
    START_UP_FILES,
    add_start_up_stand_ins,
    split_stdlib,
    worker_config,
)


def _archive(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in entries.items():
            z.writestr(name, body)
    return path


def test_source_modules_move_to_the_second_archive_and_nothing_is_lost(tmp_path: Path) -> None:
    full = _archive(
        tmp_path / "full.zip",
        {
            "json/": b"",
            "json/__init__.pyc": b"compiled json",
            "email/": b"",
            "email/__init__.pyc": b"compiled email",
            "email/mime/": b"",  # only source below it: an empty directory would be a namespace package
            "email/mime/__init__.py": b"",
            "email/mime/text.py": b"# text",
            "mailbox.py": b"# mailbox",
            "email/architecture.rst": b"data stays",
        },
    )
    modules = split_stdlib(full, tmp_path / HOT_NAME, tmp_path / MORE_NAME)
    hot = zipfile.ZipFile(tmp_path / HOT_NAME)
    more = zipfile.ZipFile(tmp_path / MORE_NAME)
    assert hot.namelist() == [
        "json/",
        "json/__init__.pyc",
        "email/",
        "email/__init__.pyc",
        "email/architecture.rst",
    ]
    assert more.namelist() == ["email/mime/__init__.py", "email/mime/text.py", "mailbox.py"]
    assert more.read("mailbox.py") == b"# mailbox" and hot.read("json/__init__.pyc") == b"compiled json"
    assert modules == ["email.mime", "email.mime.text", "mailbox"]


def test_runtime_json_names_both_archives_and_the_modules_of_the_second(tmp_path: Path) -> None:
    full = _archive(tmp_path / "full.zip", {"a.pyc": b"", "b.py": b"", "c/__init__.py": b""})
    split_stdlib(full, tmp_path / HOT_NAME, tmp_path / MORE_NAME)
    config = worker_config(tmp_path, "../../pyodide/")
    assert json.loads(json.dumps(config)) == {
        "stdlib_url": "../../pyodide/python_stdlib_hot.zip",
        "stdlib_more": {"url": "../../pyodide/python_stdlib_more.zip", "modules": ["b", "c"]},
    }


def test_start_up_stand_ins_are_in_place_before_anything_imports(tmp_path: Path) -> None:
    """The added sitecustomize defers STDLIB_DEFERRED: tarfile imports as a stand-in, and loads on a read."""
    stdlib = tmp_path / "stdlib.zip"
    zipfile.ZipFile(stdlib, "w").close()
    add_start_up_stand_ins(stdlib)
    assert sorted(zipfile.ZipFile(stdlib).namelist()) == sorted(START_UP_FILES)
    code = "import sys, tarfile; print(type(sys.modules['tarfile']).__name__, tarfile.TarFile.__name__)"
    env = {**os.environ, "PYTHONPATH": str(stdlib)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["StandIn", "TarFile"]
    with pytest.raises(ValueError, match="already has"):
        add_start_up_stand_ins(stdlib)
