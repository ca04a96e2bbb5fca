"""Helpers the worked examples of every chapter share (none is an example itself).

Read-only copies (so a frozen dataclass really is frozen), argument checks with
messages a reader can act on, the naive softmax that chapters 3 and 7 show
failing, the softmax-Jacobian norm of chapter 4 and a vector formatter for
table cells. Nothing here is in ``explainer.examples.__all__``: pages call the
chapter modules' examples, not these.

This module imports NumPy and the attention core only (it runs in Pyodide).

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762
    (section 3.2.1: the softmax whose saturation chapter 4 measures).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from explainer.attention import softmax_jacobian
from explainer.types import FloatArray

__all__ = ["check_dims", "check_int", "fmt_vector", "frozen", "jacobian_norm", "naive_softmax"]


def frozen(x: ArrayLike, dtype: type = np.float64) -> Any:
    """A read-only copy of ``x``, so a frozen dataclass really is frozen."""
    arr: NDArray[Any] = np.array(x, dtype=dtype)
    arr.flags.writeable = False
    return arr


def check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    """Return ``value`` as an int if it is one within ``[low, high]``, else raise ValueError.

    Example:
        >>> check_int("d_k", 64, 1, 1024)
        64
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        upper = "" if high is None else f" and at most {high}"
        raise ValueError(f"{name} must be at least {low}{upper}, got {value}")
    return int(value)


def check_dims(dims: ArrayLike) -> tuple[int, ...]:
    """Validate a non-empty sequence of positive integer dimensions."""
    values = tuple(np.atleast_1d(np.asarray(dims)).tolist())
    if not values:
        raise ValueError("dims must list at least one d_k")
    return tuple(check_int("every d_k in dims", d, 1) for d in values)


def naive_softmax(scores: FloatArray) -> FloatArray:
    """``e^x / Σ e^x`` without the shift; overflows to NaN on large scores (on purpose)."""
    with np.errstate(over="ignore", invalid="ignore"):
        exps = np.exp(scores)  # (n,)
        weights: FloatArray = exps / np.sum(exps)  # (n,)
    return weights


def jacobian_norm(weights: ArrayLike) -> FloatArray:
    """Frobenius norm of the softmax Jacobian at ``weights``, shape ``(...,)``."""
    jac = softmax_jacobian(weights)  # (..., n, n)
    norms: FloatArray = np.sqrt(np.sum(jac**2, axis=(-2, -1)))  # (...,)
    return norms


def fmt_vector(v: ArrayLike, fmt: str = ".2f") -> str:
    """Format a vector as ``[a, b, c]`` for a table cell.

    Example:
        >>> fmt_vector([0.881, 0.119])
        '[0.88, 0.12]'
    """
    return "[" + ", ".join(format(float(x), fmt) for x in np.ravel(v)) + "]"
