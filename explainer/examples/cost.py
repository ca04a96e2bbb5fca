"""Chapter 12, cost: how attention's work and memory grow with the sequence length n.

The worked example and table of ``docs/cost.md``: exact FLOP counts of Q Kᵀ
and A V, the bytes of the n × n weight matrix, and the peak memory the
package's attention really allocates (measured with tracemalloc, once per
process). Arrays in the result are read-only.

This module imports NumPy and the attention core only (it runs in Pyodide);
tracemalloc is imported only when memory is measured.

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762
    (section 4, table 1: O(n²·d) work per self-attention layer).
    Dao et al. (2022), "FlashAttention: Fast and Memory-Efficient Exact
    Attention with IO-Awareness", arXiv:2205.14135.
"""

from __future__ import annotations

import functools
import gc
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from explainer.attention import scaled_dot_product_attention
from explainer.examples.common import check_dims, check_int, frozen
from explainer.examples.table import Table, TableFactory
from explainer.types import IntArray

__all__ = ["CostExample", "cost_example"]


@dataclass(frozen=True)
class CostExample:
    """Chapter 12: how attention's work and memory grow with the sequence length n.

    Attributes:
        ns: sequence lengths, shape ``(m,)``.
        d_k: query/key/value width used for every n.
        flops_scores: FLOPs of ``Q Kᵀ`` (2·n²·d_k: a multiply and an add per term), shape ``(m,)``.
        flops_blend: FLOPs of ``A V`` (2·n²·d_k), shape ``(m,)``.
        weight_bytes_float64: bytes of the n × n weight matrix in float64, shape ``(m,)``.
        weight_bytes_float32: the same in float32, shape ``(m,)``.
        peak_bytes: peak memory allocated while the package's
            ``scaled_dot_product_attention`` runs on float64 inputs of shape
            ``(n, d_k)``, measured with tracemalloc, shape ``(m,)``.
    """

    ns: IntArray
    d_k: int
    flops_scores: IntArray
    flops_blend: IntArray
    weight_bytes_float64: IntArray
    weight_bytes_float32: IntArray
    peak_bytes: IntArray


def _peak_attention_bytes(n: int, d_k: int) -> int:
    """Peak bytes tracemalloc sees while attention runs on ``(n, d_k)`` inputs (which exist already)."""
    import tracemalloc  # only the build measures memory; keep the browser import minimal

    q = np.linspace(-1.0, 1.0, n * d_k).reshape(n, d_k)  # (n, d_k); deterministic, no rng needed
    scaled_dot_product_attention(q, q, q)  # warm-up: one-off caches must not count
    started = not tracemalloc.is_tracing()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a collection mid-call would free unrelated objects and shift the numbers
    if started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        scaled_dot_product_attention(q, q, q)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if started:
            tracemalloc.stop()
        if gc_was_enabled:
            gc.enable()
    return int(peak - before)


def cost_example(ns: ArrayLike = (64, 128, 256, 512, 1024, 2048), d_k: int = 64) -> CostExample:
    """Exact FLOP counts, weight-matrix bytes and measured peak memory against n.

    Args:
        ns: sequence lengths, each between 1 and 8192.
        d_k: width of queries, keys and values, at least 1.

    Raises:
        ValueError: on an empty, non-integer or out-of-range ``ns`` or ``d_k``.

    Example:
        >>> ex = cost_example(ns=[4, 8], d_k=2)
        >>> ex.flops_scores.tolist(), ex.weight_bytes_float64.tolist()
        ([64, 256], [128, 512])
    """
    lengths = tuple(check_int("every n in ns", n, 1, 8192) for n in check_dims(ns))
    return _cost_example(lengths, check_int("d_k", d_k, 1))


@functools.lru_cache(maxsize=8)
def _cost_example(lengths: tuple[int, ...], d_k: int) -> CostExample:
    """:func:`cost_example` on validated input, measured once per process.

    tracemalloc also counts small Python objects, whose allocation depends on
    interpreter free lists (a few hundred bytes of jitter between calls).
    Caching makes every figure, table and number of one build use the same
    measurement.
    """
    n = np.array(lengths, dtype=np.int64)  # (m,)
    flops = 2 * n * n * d_k  # (m,)
    peaks = np.array([_peak_attention_bytes(int(m), d_k) for m in lengths], dtype=np.int64)  # (m,)
    return CostExample(
        ns=frozen(n, np.int64),
        d_k=d_k,
        flops_scores=frozen(flops, np.int64),
        flops_blend=frozen(flops, np.int64),
        weight_bytes_float64=frozen(n * n * 8, np.int64),
        weight_bytes_float32=frozen(n * n * 4, np.int64),
        peak_bytes=frozen(peaks, np.int64),
    )


def cost_table() -> Table:
    """FLOPs, weight-matrix bytes and measured peak memory for each n."""
    ex = cost_example()
    rows = tuple(
        (str(n), f"{fs + fb:,}", f"{b64 / 2**20:.2f}", f"{b32 / 2**20:.2f}", f"{peak / 2**20:.2f}")
        for n, fs, fb, b64, b32, peak in zip(
            ex.ns,
            ex.flops_scores,
            ex.flops_blend,
            ex.weight_bytes_float64,
            ex.weight_bytes_float32,
            ex.peak_bytes,
            strict=True,
        )
    )
    headers = ("n", "FLOPs (Q Kᵀ + A V)", "weights, float64 (MiB)", "weights, float32 (MiB)", "peak (MiB)")
    return Table(headers=headers, rows=rows)


TABLES: dict[str, TableFactory] = {"cost_table": cost_table}
