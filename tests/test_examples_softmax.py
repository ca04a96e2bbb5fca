"""Tests for explainer.examples.softmax: the worked example and table of chapter 3."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.examples.softmax import softmax_example


def test_softmax_example_weights_and_stable_form_agree() -> None:
    ex = softmax_example()
    assert ex.weights.sum() == pytest.approx(1.0)
    assert ex.max_difference < 1e-15
    np.testing.assert_allclose(ex.stable_weights, ex.package_weights, rtol=0, atol=1e-15)
    assert ex.shift == 61.0
    assert ex.shifted_scores.max() == 0.0
    # e^61 is about 3·10²⁶, e^8 about 2981, e^26 about 2·10¹¹ (CONTENT.md chapter 3).
    assert ex.exps[0] == pytest.approx(3.1e26, rel=0.01)
    assert ex.exps[1] == pytest.approx(2981, rel=1e-3)
    assert ex.exps[2] == pytest.approx(1.96e11, rel=0.01)


def test_naive_softmax_overflows_where_the_stable_form_does_not() -> None:
    ex = softmax_example()
    assert np.isnan(ex.overflow_naive).any()
    assert np.all(np.isfinite(ex.overflow_stable))
    assert ex.overflow_stable.sum() == pytest.approx(1.0)
