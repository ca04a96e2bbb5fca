"""Tests for explainer.examples.dot_product: the worked example of chapter 2."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.examples.dot_product import dot_product_example


def test_dot_product_scores_are_exactly_61_8_26() -> None:
    ex = dot_product_example()
    assert ex.scores.tolist() == [61.0, 8.0, 26.0]
    assert ex.key_names == ("C", "A", "B")
    np.testing.assert_array_equal(ex.terms.sum(axis=1), ex.scores)
    assert ex.best_key == "C"


def test_example_arrays_are_read_only() -> None:
    ex = dot_product_example()
    with pytest.raises(ValueError, match="read-only"):
        ex.scores[0] = 0.0
