"""all-MiniLM-L6-v2 in the compact form the browser downloads: float16 weights, embedding rows in shards.

The site build writes, under the site's data folder (names relative to it):

- ``minilm/model-f16.safetensors``: every weight except the word embeddings,
  matrices in float16 and vectors in float32 (the six layers, the first ``MAX_PIECES + 2`` position rows,
  the segment embedding and the LayerNorms), with the configuration in the
  file's metadata;
- ``minilm/vocab.txt``: the WordPiece vocabulary, one piece per line;
- ``minilm/about.json``: the sizes of the download, for the page to name them;
- ``minilm/rows-NNNN.f16``: the word-embedding table in float16, split into
  shards of :data:`SHARD_ROWS` consecutive rows, so a sentence fetches only
  the few shards holding its word pieces.

:func:`compact_from_full` builds the same compact model in memory from the
installed weights (rounding is deterministic, so the values are identical);
the build computes the page's preset sentences with it, and
:func:`load_compact` reads the files back (in the browser's Web Worker), so a
preset and the same sentence typed in the browser give the same numbers.
Both compute in float64; the compact model's products and softmax are exact
(:mod:`explainer.minilm.exact`), so the build and the browser give the same bits.

Example:
    >>> shard_names([101, 2000, 2001, 102])
    ['minilm/rows-0003.f16', 'minilm/rows-0062.f16']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from explainer.minilm import exact
from explainer.minilm.model import LayerWeights, MiniLM
from explainer.minilm.safetensors import dump_safetensors, parse_safetensors
from explainer.minilm.wordpiece import WordPiece

__all__ = [
    "ABOUT_FILE",
    "MAX_PIECES",
    "MODEL_FILE",
    "SHARD_ROWS",
    "VOCAB_FILE",
    "ShardedRows",
    "compact_files",
    "compact_from_full",
    "compact_tensors",
    "load_compact",
    "model_file",
    "shard_name",
    "shard_names",
    "vocab_file",
]

MODEL_FILE = "minilm/model-f16.safetensors"
VOCAB_FILE = "minilm/vocab.txt"
ABOUT_FILE = "minilm/about.json"
"""The download's sizes (JSON, written by the build), so the page names them before fetching."""
SHARD_ROWS = 32
"""Rows per embedding shard: 32 x 384 float16 numbers, 24,576 bytes."""
MAX_PIECES = 64
"""Word pieces a reader may type; ``[CLS]`` and ``[SEP]`` come on top."""

Reader = Callable[[Sequence[str]], list[Path]]
"""Names relative to the data folder -> their paths; raises ``NeedFiles`` for missing ones."""
F16 = NDArray[np.float16]


def shard_name(index: int) -> str:
    """The file holding rows ``index * SHARD_ROWS`` up to the next shard."""
    return f"minilm/rows-{index:04d}.f16"


def shard_names(ids: Sequence[int]) -> list[str]:
    """The shards holding the embedding rows of ``ids``, each once, in order."""
    return [shard_name(i) for i in sorted({int(t) // SHARD_ROWS for t in ids})]


def _half(a: Any) -> F16:
    return np.asarray(a, dtype=np.float16)


def _store(a: Any) -> NDArray[Any]:
    """Matrices in float16; vectors (biases, LayerNorm gains: 0.3% of the bytes) in float32.

    Rounding the vectors too would double the largest attention-weight error (measured:
    about 1.2e-3 instead of 8e-4 on the held-out sentences) for 60 kB saved.
    """
    array = np.asarray(a)
    return array.astype(np.float16 if array.ndim == 2 else np.float32)


def compact_tensors(model: MiniLM) -> dict[str, NDArray[Any]]:
    """Every weight except the word embeddings, as stored (see :func:`_store`), by name."""
    tensors = {
        "position": _store(model.position_embeddings[: MAX_PIECES + 2]),  # (66, d)
        "token_type": _store(model.token_type_embeddings[:1]),  # (1, d): one segment only
        "ln_embeddings.gain": _store(model.ln_embeddings[0]),  # (d,)
        "ln_embeddings.bias": _store(model.ln_embeddings[1]),  # (d,)
    }
    for i, layer in enumerate(model.layers):
        for key, value in vars(layer).items():
            if isinstance(value, tuple):  # a LayerNorm: (gain, bias)
                tensors[f"layer.{i}.{key}.gain"], tensors[f"layer.{i}.{key}.bias"] = map(_store, value)
            else:  # matrices as PyTorch stores them, (d_out, d_in): see explainer.minilm.model.linear
                tensors[f"layer.{i}.{key}"] = _store(value.T if value.ndim == 2 else value)
    return tensors


def _metadata(model: MiniLM) -> dict[str, str]:
    vocab_size, d_model = model.word_embeddings.shape
    config = {"layers": len(model.layers), "n_heads": model.n_heads, "eps": model.eps}
    return {
        **{k: json.dumps(v) for k, v in config.items()},
        "vocab_size": str(vocab_size),
        "d_model": str(d_model),
    }


def model_file(model: MiniLM) -> bytes:
    """The bytes of :data:`MODEL_FILE`: :func:`compact_tensors` with the configuration as metadata."""
    return dump_safetensors(compact_tensors(model), _metadata(model))


def vocab_file(model: MiniLM) -> bytes:
    """The bytes of :data:`VOCAB_FILE`: one word piece per line, in id order."""
    return ("\n".join(model.tokenizer.vocab) + "\n").encode("utf-8")


def compact_files(model: MiniLM) -> dict[str, bytes]:
    """Every file of the compact model, by name relative to the data folder (about 45 MB in all)."""
    files = {MODEL_FILE: model_file(model), VOCAB_FILE: vocab_file(model)}
    table = _half(model.word_embeddings)  # (vocab, d)
    for index in range(-(-table.shape[0] // SHARD_ROWS)):
        files[shard_name(index)] = table[index * SHARD_ROWS : (index + 1) * SHARD_ROWS].tobytes()
    return files


class ShardedRows:
    """The word-embedding table, read shard by shard as sentences need rows.

    Indexing with a list of ids returns their rows, shape ``(n, d_model)``, float16; the
    shards come from ``read`` (which raises ``NeedFiles`` in the browser until they are
    downloaded) and are kept once read.
    """

    def __init__(self, read: Reader, vocab_size: int, d_model: int) -> None:
        self._read, self.shape = read, (vocab_size, d_model)
        self._shards: dict[str, F16] = {}

    def __getitem__(self, ids: Sequence[int]) -> F16:
        missing = [n for n in shard_names(ids) if n not in self._shards]
        for name, path in zip(missing, self._read(missing) if missing else [], strict=True):
            self._shards[name] = np.frombuffer(path.read_bytes(), dtype="<f2").reshape(-1, self.shape[1])
        rows = [self._shards[shard_name(int(t) // SHARD_ROWS)][int(t) % SHARD_ROWS] for t in ids]
        return np.stack(rows) if rows else np.zeros((0, self.shape[1]), np.float16)  # (n, d)


COMPUTE = np.float64
"""The compact model computes in float64: its products are sums of integers below 2^53, exact
in float64 (:mod:`explainer.minilm.exact`), so the build and the browser agree bit for bit."""


def _wide(a: NDArray[Any]) -> NDArray[Any]:
    return np.asarray(a, dtype=COMPUTE)  # from float16: 5 ms per million numbers in Pyodide


def _layer(t: dict[str, NDArray[Any]], i: int) -> LayerWeights:
    fields: dict[str, Any] = {}
    for key in LayerWeights.__dataclass_fields__:
        p = f"layer.{i}.{key}"
        if f"{p}.gain" in t:
            fields[key] = (_wide(t[f"{p}.gain"]), _wide(t[f"{p}.bias"]))
        else:  # a matrix stored (d_out, d_in) multiplies exactly (exact.linear); a bias as it is
            fields[key] = exact.fixed_point(t[p]) if t[p].ndim == 2 else _wide(t[p])
    return LayerWeights(**fields)


def model_from_tensors(
    tensors: dict[str, NDArray[Any]], meta: dict[str, str], tokenizer: WordPiece, rows: Any
) -> MiniLM:
    """The compact model from its tensors and metadata (float16 storage, exact float64 computation)."""
    return MiniLM(
        tokenizer=tokenizer,
        word_embeddings=rows,
        position_embeddings=_wide(tensors["position"]),
        token_type_embeddings=_wide(tensors["token_type"]),
        ln_embeddings=(_wide(tensors["ln_embeddings.gain"]), _wide(tensors["ln_embeddings.bias"])),
        layers=tuple(_layer(tensors, i) for i in range(int(meta["layers"]))),
        n_heads=int(meta["n_heads"]),
        eps=float(meta["eps"]),
        attention=exact.attention,
    )


def compact_from_full(model: MiniLM) -> MiniLM:
    """The compact model built in memory from the full one: the same numbers :func:`load_compact` reads."""
    compact = model_from_tensors(compact_tensors(model), _metadata(model), model.tokenizer, None)
    return replace(compact, word_embeddings=_half(model.word_embeddings))


def _data_files(what: str) -> Reader:
    """:func:`explainer.datafiles.require` with the words the browser's progress line shows."""
    from explainer.datafiles import require

    return lambda names: require(names, what)


def load_compact(read: Reader | None = None) -> MiniLM:
    """Read the compact model from the data folder; embedding rows are read when a sentence needs them.

    Args:
        read: names -> paths; default :func:`explainer.datafiles.require` (raises ``NeedFiles``,
            which the browser answers by downloading them).
    """
    read_model = read or _data_files("the model's six layers and vocabulary")
    read_rows = read or _data_files("the embedding rows of your words")
    model_path, vocab_path = read_model([MODEL_FILE, VOCAB_FILE])
    raw = model_path.read_bytes()
    header_len = int.from_bytes(raw[:8], "little")
    meta = json.loads(raw[8 : 8 + header_len]).get("__metadata__", {})
    tokenizer = WordPiece.from_file(vocab_path)
    rows = ShardedRows(read_rows, int(meta["vocab_size"]), int(meta["d_model"]))
    return model_from_tensors(parse_safetensors(raw), meta, tokenizer, rows)
