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

from explainer.examples.common import frozen
from explainer.examples.scaling import saturation_example
from explainer.examples.table import TableFactory
from explainer.types import FloatArray

__all__ = ["ValueBlendExample", "value_blend_example"]


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
    values = np.array([[1.0, 3.0], [4.0, 1.0]])  # (2, 2)
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


TABLES: dict[str, TableFactory] = {}
