"""Tests for explainer.examples.blending: the worked example of chapter 5."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.examples.blending import value_blend_example
from explainer.examples.scaling import saturation_example


def test_value_blend_is_the_weighted_sum_inside_the_hull() -> None:
    ex = value_blend_example()
    np.testing.assert_array_equal(ex.weights, saturation_example().scaled_weights)
    np.testing.assert_allclose(ex.output, ex.weights[0] * ex.values[0] + ex.weights[1] * ex.values[1])
    assert ex.inside_hull
    assert ex.position == pytest.approx(ex.weights[1])
