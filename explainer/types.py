"""The array type aliases the whole package shares (one owner, imported everywhere).

The core computes in float64; GloVe vectors are stored as float32 (half the
memory for 400,000 rows), so they have their own alias.

Example:
    >>> import numpy as np
    >>> x: FloatArray = np.zeros(3)
    >>> x.dtype
    dtype('float64')
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["BoolArray", "Float32Array", "FloatArray", "IntArray"]

FloatArray = NDArray[np.float64]
"""Every matrix the worked examples, attention and the model compute with."""

Float32Array = NDArray[np.float32]
"""GloVe vectors as loaded (400,000 × 50)."""

BoolArray = NDArray[np.bool_]
"""Masks: ``True`` means a query may attend to that key."""

IntArray = NDArray[np.int64]
"""Token ids and index arrays."""
