"""The figure cache: SVG bytes keyed by what could change them.

A figure's key hashes its name, the theme, the source of the ``explainer``
package (every file except this build glue, so an edit to any drawing code
or example redraws), the bytes of every data file the figure declares it
reads (``FigureSpec.inputs``: after ``make bench`` the cost figure redraws)
and the matplotlib version. Entries live in memory (they
survive ``mkdocs serve`` rebuilds, because the plugin instance does) and on
disk under ``.cache/figures/`` (they survive restarts). A disabled cache
draws every time; the reproducibility test uses that.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["GLUE_PARTS", "FigureCache", "figure_key", "folder_digest", "source_hash"]

GLUE_PARTS = ("sitebuild",)
"""Parts of the package that only glue the build together; editing them keeps the cache."""


def _package_files(package_dir: Path, skip: Iterable[str]) -> list[Path]:
    """Every file of the package that can change a figure, in a stable order."""
    skipped = set(skip)
    files = []
    for path in sorted(package_dir.rglob("*")):
        parts = path.relative_to(package_dir).parts
        if not path.is_file() or "__pycache__" in parts or parts[0] in skipped:
            continue
        files.append(path)
    return files


def source_hash(package_dir: Path, skip: Iterable[str] = GLUE_PARTS) -> str:
    """SHA-256 over the relative paths and bytes of the package's files.

    Args:
        package_dir: the ``explainer`` package directory.
        skip: top-level entries (files or folders) to leave out.

    Returns:
        64 hex digits; any edit, addition or removal changes it.
    """
    digest = hashlib.sha256()
    for path in _package_files(package_dir, skip):
        digest.update(path.relative_to(package_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def figure_key(
    name: str, theme: str, code_hash: str, matplotlib_version: str, inputs: Iterable[Path] = ()
) -> str:
    """The cache key of one figure rendering (hex SHA-256).

    Args:
        inputs: the data files the figure reads; a missing file hashes as absent.

    Example:
        >>> key = figure_key("softmax_scores", "dark", "abc", "3.9.0")
        >>> key == figure_key("softmax_scores", "dark", "abc", "3.9.0"), len(key)
        (True, 64)
        >>> key == figure_key("softmax_scores", "light", "abc", "3.9.0")
        False
    """
    digest = hashlib.sha256("\0".join((name, theme, code_hash, matplotlib_version)).encode())
    for path in inputs:
        data = path.read_bytes() if path.is_file() else b"(absent)"
        digest.update(b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


class FigureCache:
    """SVG bytes by key, in memory and on disk.

    Args:
        directory: where entries are stored (created on first write).
        enabled: when False, :meth:`get_or_draw` always draws and stores nothing.
    """

    def __init__(self, directory: Path, enabled: bool = True) -> None:
        self.directory = directory
        self.enabled = enabled
        self._memory: dict[str, bytes] = {}
        self.hits = 0
        self.misses = 0

    def get_or_draw(self, key: str, draw: Callable[[], bytes]) -> bytes:
        """The cached bytes for ``key``, or ``draw()``'s result (then stored)."""
        if not self.enabled:
            self.misses += 1
            return draw()
        if key in self._memory:
            self.hits += 1
            return self._memory[key]
        path = self.directory / f"{key}.svg"
        if path.is_file():
            self.hits += 1
            self._memory[key] = path.read_bytes()
            return self._memory[key]
        self.misses += 1
        data = draw()
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)  # atomic: a half-written file is never read back
        self._memory[key] = data
        return data


def folder_digest(folder: Path) -> str:
    """A digest of the JSON files in ``folder``: tables that read them are recomputed when it changes."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
