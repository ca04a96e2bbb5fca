"""The browser wheel: the ``explainer`` package without its build-only subpackage.

Readers' browsers download this wheel, so it carries what runs there (the
numpy core, examples, widgets, the browser entry point) and leaves out
:mod:`explainer.sitebuild` (MkDocs glue, KaTeX, runtime assembly). It is pure
Python, so ``python -m build`` makes the same ``py3-none-any`` wheel that
``pyodide build`` would, offline.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from explainer.sitebuild import DistError
from explainer.sitebuild.figcache import source_hash

__all__ = ["BUILD_ONLY", "build_explainer_wheel", "source_digest"]

BUILD_ONLY = "sitebuild"
"""The subpackage the browser wheel leaves out: it only runs while the site builds."""
# Fixed wheel timestamps, so two builds of the same source give the same bytes (and sha256).
_SOURCE_DATE_EPOCH = "315532800"
_PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE")


def source_digest(root: Path) -> str:
    """sha256 over what goes into the browser wheel (its cache key): the package and project files."""
    digest = hashlib.sha256(source_hash(root / "explainer", skip=(BUILD_ONLY,)).encode())
    for name in _PROJECT_FILES:
        path = root / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
    return digest.hexdigest()[:16]


def build_explainer_wheel(root: Path, cache_dir: Path) -> Path:
    """Build (or reuse) the pure-Python ``explainer`` wheel for the current sources.

    The wheel is built by ``python -m build --wheel --no-isolation`` from a copy of
    the sources (so the tree gets no ``build/``), and cached under
    ``cache_dir/<source digest>/`` so ``mkdocs serve`` rebuilds stay fast.
    """
    target = cache_dir / source_digest(root)
    cached = sorted(target.glob("explainer-*-py3-none-any.whl"))
    if cached:
        return cached[0]
    with tempfile.TemporaryDirectory(prefix="explainer-wheel-") as tmp:
        src = Path(tmp) / "src"
        _copy_sources(root, src)
        env = {**os.environ, "SOURCE_DATE_EPOCH": _SOURCE_DATE_EPOCH}
        cmd = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--skip-dependency-check"]
        done = subprocess.run(
            [*cmd, "--outdir", str(Path(tmp) / "dist"), str(src)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wheels = sorted((Path(tmp) / "dist").glob("explainer-*-py3-none-any.whl"))
        if done.returncode != 0 or not wheels:
            raise DistError(
                f"building the explainer wheel failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
            )
        target.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy2(wheels[0], target / wheels[0].name))


def _copy_sources(root: Path, dest: Path) -> None:
    """Copy what the browser wheel is built from into ``dest``: not the build-only subpackage, no caches."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", BUILD_ONLY)
    shutil.copytree(root / "explainer", dest / "explainer", ignore=ignore)
    for name in _PROJECT_FILES:
        if (root / name).is_file():
            shutil.copy2(root / name, dest / name)
