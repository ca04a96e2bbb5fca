"""Chapter 5, blending the values: the output as a weighted average of value vectors.

The worked example of ``docs/blending.md``: the chapter 4 weights (about
0.88 and 0.12) blend v1 = [1, 3] and v2 = [4, 1], and the output lies on the
segment between them (their convex hull). Arrays in the result are read-only.

This module imports NumPy and the example helpers only (it runs in Pyodide).

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762
    (section 3.2.1: the output as a weighted sum of the values).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from explainer.examples.common import frozen
from explainer.examples.scaling import saturation_example
from explainer.examples.table import TableFactory
from explainer.types import FloatArray

__all__ = [
    "THREE_VALUES",
    "TWO_VALUES",
    "ValueBlend",
    "ValueBlendExample",
    "blend_values",
    "value_blend_example",
]

TWO_VALUES = ((1.0, 3.0), (4.0, 1.0))
"""v1 and v2 of the worked example (and of the blending slider with two values)."""
THREE_VALUES = (*TWO_VALUES, (3.0, 5.0))
"""v1, v2 and a third value v3: the blending slider's triangle."""


@dataclass(frozen=True)
class ValueBlendExample:
    """Chapter 5: the output as a weighted blend of two value vectors.

    Attributes:
        weights: the scaled weights of :func:`saturation_example`, shape ``(2,)``.
        values: the value vectors v1, v2 as rows, shape ``(2, 2)``.
        output: ``Σ wᵢ vᵢ``, shape ``(2,)``.
        position: where the output lies on the segment from v1 (0) to v2 (1).
        inside_hull: whether the output lies on that segment (the convex hull).
    """

    weights: FloatArray
    values: FloatArray
    output: FloatArray
    position: float
    inside_hull: bool


def value_blend_example() -> ValueBlendExample:
    """Blend v1 = [1, 3] and v2 = [4, 1] with the chapter 4 weights (about 0.88, 0.12).

    Example:
        >>> ex = value_blend_example()
        >>> ex.inside_hull, round(ex.position, 2)
        (True, 0.12)
    """
    weights = saturation_example().scaled_weights.copy()  # (2,)
    values = np.array(TWO_VALUES)  # (2, 2)
    output = weights @ values  # (2,)
    direction = values[1] - values[0]  # (2,)
    position = float((output - values[0]) @ direction / (direction @ direction))
    off_line = float(np.linalg.norm(output - (values[0] + position * direction)))
    inside = bool(off_line < 1e-12 and 0.0 <= position <= 1.0)
    return ValueBlendExample(
        weights=frozen(weights),
        values=frozen(values),
        output=frozen(output),
        position=position,
        inside_hull=inside,
    )


@dataclass(frozen=True)
class ValueBlend:
    """Any weights applied to value vectors: the output and whether it is a convex combination.

    Attributes:
        weights: one weight per value, shape ``(n,)``.
        values: the values as rows, shape ``(n, d_v)``.
        output: ``Σ wᵢ vᵢ``, shape ``(d_v,)``.
        convex: every weight is at least 0 and they sum to 1 (then the output lies in the values'
            convex hull, as attention's always does).
    """

    weights: FloatArray
    values: FloatArray
    output: FloatArray
    convex: bool


def blend_values(weights: ArrayLike, values: ArrayLike) -> ValueBlend:
    """Blend ``values`` with ``weights`` (any real weights: the reader may try negative ones).

    Args:
        weights: shape ``(n,)``.
        values: shape ``(n, d_v)``.

    Example:
        >>> b = blend_values([0.5, 0.5], TWO_VALUES)
        >>> b.output.tolist(), b.convex
        ([2.5, 2.0], True)
        >>> blend_values([-0.5, 1.5], TWO_VALUES).convex
        False
    """
    w = np.asarray(weights, dtype=np.float64)  # (n,)
    v = np.asarray(values, dtype=np.float64)  # (n, d_v)
    if w.ndim != 1 or v.ndim != 2 or v.shape[0] != w.shape[0]:
        raise ValueError(f"need one weight per value row, got weights {w.shape} and values {v.shape}")
    output = w @ v  # (d_v,)
    convex = bool(np.all(w >= 0.0) and abs(float(w.sum()) - 1.0) < 1e-12)
    return ValueBlend(weights=frozen(w), values=frozen(v), output=frozen(output), convex=convex)


TABLES: dict[str, TableFactory] = {}
