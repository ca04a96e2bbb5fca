"""Write the data files the widgets download on demand into the built site, with their manifest.

Build-time only (called by :mod:`explainer.sitebuild.plugin` after the runtime is
installed). Every producer writes its files into its own folder under
``<site>/data/``; then each folder gets a ``manifest.json`` listing its files'
sha256 and size, by name relative to ``data/`` (``data/glove/manifest.json``)::

    {"glove/rows-0000.bin": {"sha256": "9f2c…", "bytes": 81234}, …}

One manifest per folder, so a page that needs GloVe rows does not download the
MiniLM files' list. The Web Worker reads the manifest of a folder once, downloads
what a computation asks for (:class:`explainer.datafiles.NeedFiles`) and refuses a
file whose sha256 differs.

Producers:

- the GloVe rows (:func:`write_glove`): all 400,000 words in shards
  (:func:`explainer.glove_rows.write_rows`), cached by the code that writes them,
  since reading the vectors and writing 85 MB takes a few seconds;
- the MiniLM files (:func:`write_minilm`, from :mod:`explainer.sitebuild.minilm_files`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from explainer import embeddings, glove_rows, glove_shards
from explainer.datafiles import file_sha256

__all__ = [
    "DATA_DIR",
    "MANIFEST",
    "write_data",
    "write_glove",
    "write_glove_subset",
    "write_manifest",
    "write_minilm",
]

DATA_DIR = "data"
MANIFEST = "manifest.json"
log = logging.getLogger("mkdocs.plugins.explainer")

Producer = Callable[[Path, Path], list[Path]]
"""Writes its files under the data folder (first argument), caching under the source tree (second)."""


def write_glove(dest: Path, root: Path) -> list[Path]:
    """The GloVe shards and the frequent-words file; none if the GloVe package is not installed."""
    code = b"".join(Path(m.__file__ or "").read_bytes() for m in (glove_rows, glove_shards, embeddings))
    cached = root / ".cache" / "glove-rows" / hashlib.sha256(code).hexdigest()[:16]
    if not (cached / glove_rows.FREQUENT_FILE).is_file():
        try:
            vectors = embeddings.default_embeddings()
        except (ImportError, OSError) as error:  # the GloVe widgets then say their rows are missing
            log.warning(f"explainer: no GloVe rows in the site ({error})")
            return []
        for stale in cached.parent.glob("*"):  # 85 MB each: keep only the rows of this code
            shutil.rmtree(stale, ignore_errors=True)
        partial = cached.with_name(cached.name + ".partial")
        glove_rows.write_rows(vectors, partial)
        partial.rename(cached)
    shutil.copytree(cached, dest, dirs_exist_ok=True, copy_function=_link_or_copy)
    return sorted(p for p in (dest / glove_shards.ROWS_DIR).iterdir() if p.is_file())


def _link_or_copy(src: str, dst: str) -> None:
    """A hard link (instant, no second 85 MB) where the file system allows it, else a copy."""
    Path(dst).unlink(missing_ok=True)  # a previous build's file (or link): never write through it
    try:
        os.link(src, dst)
    except OSError:  # another device, or a file system without hard links
        shutil.copy2(src, dst)


def write_minilm(dest: Path, root: Path) -> list[Path]:
    """The MiniLM files, by :func:`explainer.sitebuild.minilm_files.write_minilm`."""
    from explainer.sitebuild import minilm_files

    return [dest / name for name in minilm_files.write_minilm(dest)]


PRODUCERS: tuple[Producer, ...] = (write_glove, write_minilm)


def write_manifest(folder: Path) -> Path:
    """Write ``folder/manifest.json``: each file below it -> sha256 and bytes, by name from ``data/``."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p != folder / MANIFEST)
    entries = {
        p.relative_to(folder.parent).as_posix(): {"sha256": file_sha256(p), "bytes": p.stat().st_size}
        for p in files
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(entries, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    return path


def write_data(site: Path, root: Path, producers: tuple[Producer, ...] = PRODUCERS) -> list[Path]:
    """Run every producer into ``site/data``, then write each folder's manifest (their paths, sorted).

    Raises:
        ValueError: a producer wrote a file outside a folder of its own.
    """
    data = site / DATA_DIR
    data.mkdir(parents=True, exist_ok=True)
    for produce in producers:
        produce(data, root)
    loose = sorted(p.name for p in data.iterdir() if not p.is_dir())
    if loose:
        raise ValueError(f"data files belong in a folder of their producer, not {data}: {loose}")
    return [write_manifest(folder) for folder in sorted(data.iterdir())]


def write_glove_subset(dest: Path, cache_dir: Path) -> Path | None:
    """Write the browser GloVe subset into ``dest``; ``None`` if the GloVe package is not installed.

    Uses :func:`explainer.embeddings.save_compact`; the result is cached by the
    digest of ``explainer/embeddings.py`` since reading the 400k vectors is slow.
    """
    source = Path(embeddings.__file__).read_bytes()
    key = hashlib.sha256(source).hexdigest()[:16]
    cached = cache_dir / key / "glove-browser.npz"
    if not cached.is_file():
        cached.parent.mkdir(parents=True, exist_ok=True)
        try:
            source_vectors = embeddings.load_glove_package()
            embeddings.save_compact(
                source_vectors, cached.with_suffix(".tmp.npz"), embeddings.BROWSER_VOCAB_SIZE
            )
        except (ImportError, OSError):  # GloVe package absent: the widgets say so
            return None
        cached.with_suffix(".tmp.npz").rename(cached)
    dest.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(cached, dest / cached.name))
