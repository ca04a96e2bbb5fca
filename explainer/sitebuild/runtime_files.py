"""Where the browser runtime's files come from and go: names shared by the build's runtime modules.

Build-time only. :mod:`explainer.sitebuild.runtime` assembles the runtime and
:mod:`explainer.sitebuild.runtime_config` writes the worker's ``runtime.json``; both read these.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from explainer import embeddings

__all__ = [
    "ASSETS_DIR",
    "CDN_INDEX_URL",
    "CORE_FILES",
    "GLOVE_DIR",
    "PYODIDE_DIR",
    "PYODIDE_PYTHON",
    "PYODIDE_VERSION",
    "SITE_PACKAGES_ROOT",
    "STDLIB_ROOT",
    "Mode",
    "asset_source",
    "sha256_of",
]

PYODIDE_VERSION = "0.27.7"
CDN_INDEX_URL = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
PYODIDE_PYTHON = "3.12"
CORE_FILES = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
# Where Pyodide's file system holds the standard library and the wheels (tracebacks name these).
STDLIB_ROOT = f"/lib/python{PYODIDE_PYTHON.replace('.', '')}.zip/"
SITE_PACKAGES_ROOT = f"/lib/python{PYODIDE_PYTHON}/site-packages/"
PYODIDE_DIR = "pyodide"
ASSETS_DIR = "assets/widgets"
GLOVE_DIR = "assets/glove"
Mode = Literal["self-hosted", "cdn"]


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in blocks."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def asset_source(site_path: str) -> Path:
    """The package file behind ``assets/widgets/NAME`` of the site."""
    return Path(embeddings.__file__).resolve().parent / site_path
