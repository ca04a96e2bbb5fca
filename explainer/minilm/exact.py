"""Arithmetic that gives the same bits on every machine: the compact model's products and softmax.

The compact all-MiniLM-L6-v2 runs twice: while the site builds (NumPy with
OpenBLAS, SIMD ``exp``) and in the reader's browser (NumPy in WebAssembly, no
BLAS, the C library's ``exp``). Float sums done in another order round
differently, and the two ``exp`` differ in the last bit for about one input in
twenty, so plain float arithmetic gave weights up to 2e-6 apart (measured 1.9e-6). Here
every step is one of these, each of which has only one correct answer:

- **sums of integers below 2^53**: a float64 holds them exactly, so every
  partial sum is exact and the order of the additions (BLAS blocks, FMA,
  a plain loop) cannot matter. Each float16 weight times 2^24 is such an
  integer (:class:`FixedPointMatrix`); the other factor is rounded onto a grid
  of powers of two first (:func:`on_grid`), as fine as the sum allows: 20 to 23
  bits of each row's largest entry for MiniLM's matrices (float32 keeps 24), about
  46 in attention's two products (:func:`product`);
- **IEEE-754 operations on single numbers** (``+ - * /``, ``sqrt``, ``rint``,
  ``ldexp``), correctly rounded on every machine; NumPy applies one per
  element, so no fused multiply-add can creep in;
- :func:`exp` built from those (Cody-Waite reduction, a Taylor polynomial);
- sums along the last axis of a contiguous array (``np.sum`` in
  :func:`softmax`, the means of ``layer_norm``): NumPy's pairwise summation,
  the same plain C in every build.

``tests/pyodide/test_minilm_pyodide.py`` checks the result: the same weights,
bit for bit, in Pyodide as on the host.

References:
    Cody and Waite (1980), "Software Manual for the Elementary Functions".
    Higham (1993), "The accuracy of floating point summation", SIAM J. Sci. Comput.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from explainer.types import FloatArray

__all__ = [
    "WEIGHT_SHIFT",
    "FixedPointMatrix",
    "attention",
    "exp",
    "fixed_point",
    "linear",
    "on_grid",
    "product",
    "softmax",
]

WEIGHT_SHIFT = 24
"""Every float16 number times 2^24 is an integer (the smallest float16 step is 2^-24)."""
EXACT_BITS = 53
"""Integers up to 2^53 are exact in float64."""
GRID_BITS = 23
"""Bits of each grid in :func:`product`: 128 products of two factors up to 2^23 stay within 2^53."""
_NO_BLAS = sys.platform == "emscripten"  # Pyodide: einsum sums contiguous rows ten times faster than @
# Cody-Waite split of ln 2 (fdlibm): k * _LN2_HI is exact for the k that occur here.
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_EXP_TERMS = tuple(1.0 / math.factorial(i) for i in range(14))  # Taylor series of e^r, |r| <= ln2 / 2
_EXP_FLOOR = -708.0  # below this e^x is not a normal float64: 0 (a softmax weight under 1e-307)


def exp(x: FloatArray) -> FloatArray:
    """``e^x`` in float64 from correctly rounded operations only: the same bits everywhere.

    ``x = k ln2 + r`` with ``|r| <= ln2 / 2``; ``e^r`` by its Taylor series to ``r^13``
    (truncation under 1e-17), then ``ldexp`` by ``k``. Within 2 units in the last place of
    the true value; ``x < -708`` gives 0.

    Example:
        >>> exp(np.array([0.0, 1.0, -745.0])).round(12).tolist()
        [1.0, 2.718281828459, 0.0]
    """
    x64 = np.asarray(x, dtype=np.float64)
    low = x64 < _EXP_FLOOR  # (...)
    safe = np.where(low, 0.0, x64)  # (...): also keeps -inf out of the arithmetic
    k = np.rint(safe / math.log(2.0))  # (...)
    r = (safe - k * _LN2_HI) - k * _LN2_LO  # (...)
    poly = np.full_like(r, _EXP_TERMS[-1])  # (...), Horner's rule: one multiply, then one add
    for c in reversed(_EXP_TERMS[:-1]):
        poly = poly * r + c
    return np.where(low, 0.0, np.ldexp(poly, k.astype(np.int32)))  # (...)


def on_grid(x: FloatArray, bits: int, axis: int = -1) -> tuple[FloatArray, NDArray[np.int32]]:
    """Round ``x`` to integers of at most ``bits`` bits, one power-of-two scale per slice along ``axis``.

    Returns:
        ``(ints, shift)``: ``ints = rint(x · 2^shift)``, ``|ints| <= 2^bits``, and ``shift``
        (keepdims along ``axis``), so that ``x ≈ ints · 2^-shift`` to ``2^-bits`` of the slice's
        largest entry.

    Example:
        >>> ints, shift = on_grid(np.array([[0.75, -0.1]]), bits=4)
        >>> ints.tolist(), shift.tolist()
        ([[12.0, -2.0]], [[4]])
    """
    largest = np.max(np.abs(x), axis=axis, keepdims=True)  # (..., 1, ...)
    _, exponent = np.frexp(largest)  # largest < 2^exponent
    shift = (bits - exponent).astype(np.int32)  # (..., 1, ...)
    return np.rint(np.ldexp(x, shift)), shift


def _exact_matmul(a: FloatArray, b: FloatArray) -> FloatArray:
    """``a @ b`` for integer-valued float64 arrays whose every sum stays below 2^53: exact anywhere."""
    return np.asarray(a @ b)  # (..., n, m)


def _split(x: FloatArray, axis: int) -> tuple[tuple[FloatArray, NDArray[np.int32]], ...]:
    """``x = hi + lo``: ``hi`` on a :data:`GRID_BITS` grid, ``lo`` the remainder on a finer one.

    Returns:
        ``((hi_ints, hi_shift), (lo_ints, lo_shift))``, each from :func:`on_grid`.
    """
    hi_int, hi_shift = on_grid(x, GRID_BITS, axis)  # (...), keepdims along axis
    lo = x - np.ldexp(hi_int, -hi_shift)  # (...): exact, what the grid left out
    return (hi_int, hi_shift), on_grid(lo, GRID_BITS, axis)


def product(a: FloatArray, b: FloatArray) -> FloatArray:
    """``a @ b`` to about 46 bits, the same bits everywhere: each factor split into two grids.

    ``a = a_hi + a_lo`` (:func:`_split`, one grid per row of ``a``), and ``b`` the same (one
    grid per column). Each of the three products that matter is a sum of at most 128
    integers up to ``2^23 · 2^23``, exact in float64; they are added in a fixed order.
    ``a_lo b_lo`` (about 2^-46 of the result) is left out.

    Args:
        a: shape ``(..., n, m)``, at most 128 columns.
        b: shape ``(..., m, p)``.
    """
    (a_hi, a_hi_shift), (a_lo, a_lo_shift) = _split(a, axis=-1)  # (..., n, m), (..., n, 1)
    (b_hi, b_hi_shift), (b_lo, b_lo_shift) = _split(b, axis=-2)  # (..., m, p), (..., 1, p)
    high = np.ldexp(_exact_matmul(a_hi, b_hi), -(a_hi_shift + b_hi_shift))  # (..., n, p)
    high_low = np.ldexp(_exact_matmul(a_hi, b_lo), -(a_hi_shift + b_lo_shift))  # (..., n, p)
    low_high = np.ldexp(_exact_matmul(a_lo, b_hi), -(a_lo_shift + b_hi_shift))  # (..., n, p)
    return np.asarray((high + high_low) + low_high)  # (..., n, p)


@dataclass(frozen=True, eq=False)
class FixedPointMatrix:
    """A weight matrix of float16 numbers, held as the integers ``w · 2^24`` (exact in float32).

    It stands where a ``(d_in, d_out)`` matrix stands (``shape``, ``np.asarray``), and
    :func:`linear` multiplies by it exactly.

    Attributes:
        ints: ``w.T · 2^24``, shape ``(d_out, d_in)``, contiguous (each output's weights in a row).
        row_sum: the largest ``Σ |ints|`` of one output: how large the other factor may grow.
    """

    ints: NDArray[np.float32]
    row_sum: float

    @property
    def shape(self) -> tuple[int, int]:
        """``(d_in, d_out)``, as the matrix it stands for."""
        d_out, d_in = self.ints.shape
        return d_in, d_out

    def __getitem__(self, index: Any) -> NDArray[Any]:
        """A slice of the weights, as of the ``(d_in, d_out)`` array."""
        return np.asarray(np.asarray(self)[index])

    def __array__(self, dtype: Any = None, copy: Any = None) -> NDArray[Any]:
        """The weights themselves, ``(d_in, d_out)``, float64."""
        return np.ldexp(self.ints.T.astype(np.float64), -WEIGHT_SHIFT).astype(dtype or np.float64)


def fixed_point(w_t: NDArray[np.float16]) -> FixedPointMatrix:
    """A float16 matrix stored ``(d_out, d_in)`` (PyTorch's layout) as a :class:`FixedPointMatrix`."""
    ints = np.ascontiguousarray(np.ldexp(np.asarray(w_t, dtype=np.float32), WEIGHT_SHIFT))  # (d_out, d_in)
    return FixedPointMatrix(ints, float(np.abs(ints).sum(axis=1, dtype=np.float64).max()))


def linear(x: FloatArray, w: FixedPointMatrix, b: FloatArray) -> FloatArray:
    """``x @ w + b``, the product exact (so the same bits everywhere), for ``x`` ``(n, d_in)``.

    Each row of ``x`` is rounded onto a power-of-two grid coarse enough that
    ``Σ |x_int| |w_int|`` stays below 2^53 (:attr:`FixedPointMatrix.row_sum`); then every
    partial sum of the product is an exact integer, whatever order BLAS or ``einsum`` adds in.
    """
    bits = math.floor(math.log2(2.0 ** (EXACT_BITS - 1) / w.row_sum))  # |x_int| <= 2^bits: sums < 2^53
    x_int, shift = on_grid(np.asarray(x, dtype=np.float64), bits)  # (n, d_in), (n, 1)
    if _NO_BLAS:  # einsum sums over contiguous rows: fast without BLAS
        product = np.einsum("nd,ed->ne", x_int, w.ints.astype(np.float64))  # (n, d_out)
    else:
        product = _exact_matmul(x_int, w.ints.T.astype(np.float64))  # (n, d_out)
    return np.asarray(np.ldexp(product, -(shift + WEIGHT_SHIFT)) + b)  # (n, d_out)


def softmax(scores: FloatArray) -> FloatArray:
    """Softmax along the last axis with :func:`exp` and a pairwise sum: the same bits everywhere."""
    shifted = scores - np.max(scores, axis=-1, keepdims=True)  # (..., n_k)
    exps = exp(shifted)  # (..., n_k)
    return np.asarray(exps / np.sum(exps, axis=-1, keepdims=True))  # (..., n_k)


def attention(q: FloatArray, k: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``softmax(q kᵀ / √d_k) v`` as :func:`explainer.attention.scaled_dot_product_attention`, exactly.

    The same formula, with :func:`product` for both products and :func:`softmax`.

    Args:
        q, k, v: shape ``(..., n, d_k)``, ``n`` and ``d_k`` at most 128.

    Returns:
        ``(output, weights)``, shapes ``(..., n, d_k)`` and ``(..., n, n)``.
    """
    scores = product(q, k.swapaxes(-1, -2)) * (1.0 / np.sqrt(q.shape[-1]))  # (..., n, n)
    weights = softmax(scores)  # (..., n, n)
    return product(weights, v), weights  # (..., n, d_k), (..., n, n)
