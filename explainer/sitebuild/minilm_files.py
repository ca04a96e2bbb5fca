"""The compact all-MiniLM-L6-v2 files the browser downloads, written from the installed weights.

:func:`write_minilm` writes the files of :func:`explainer.minilm.compact.compact_files`
(about 45 MB: the layers in float16 and the embedding table in 954 shards of 24 kB)
and ``minilm/about.json``, the sizes the page's download button names. The
site's data step (:mod:`explainer.sitebuild.datafiles`) calls it and lists every
file with its sha256 in the data manifest.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["about", "write_minilm"]


def about(files: dict[str, bytes]) -> dict[str, int]:
    """The download sizes a reader is told before agreeing, checked against the files themselves.

    Raises:
        RuntimeError: if the measured sizes and the files disagree (a build bug).
    """
    from explainer.examples.trained_live import compact_accuracy
    from explainer.minilm.compact import MODEL_FILE, VOCAB_FILE

    acc = compact_accuracy()
    if (len(files[MODEL_FILE]), len(files[VOCAB_FILE])) != (acc.model_bytes, acc.vocab_bytes):
        raise RuntimeError("the compact files differ from the sizes measured for the page")
    return {
        "first_sentence_bytes": acc.first_sentence_bytes,
        "model_bytes": acc.model_bytes,
        "vocab_bytes": acc.vocab_bytes,
        "shard_bytes": acc.shard_bytes,
        "all_bytes": sum(len(b) for b in files.values()),
    }


def write_minilm(dest: Path) -> list[str]:
    """Write the compact model under ``dest`` (the site's data folder).

    Returns:
        The names written, relative to ``dest`` (``minilm/...``), for the manifest.
    """
    from explainer.minilm import load_minilm
    from explainer.minilm.compact import ABOUT_FILE, compact_files

    files = compact_files(load_minilm())
    files[ABOUT_FILE] = json.dumps(about(files), sort_keys=True).encode("utf-8")
    for name, data in files.items():
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.stat().st_size != len(data) or path.read_bytes() != data:
            path.write_bytes(data)
    return sorted(files)
