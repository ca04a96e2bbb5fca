"""Tests for explainer.examples.training: the illustrative loss of chapter 11."""

from __future__ import annotations

import math

import numpy as np
import pytest

from explainer.examples.training import training_example


def test_training_example_is_labelled_illustrative_and_consistent() -> None:
    ex = training_example()
    assert ex.illustrative and "Illustrative" in ex.note
    assert {"tired", "heavy"} <= set(ex.candidates) and ex.target == "tired"
    t = ex.candidates.index("tired")
    assert ex.right_loss == pytest.approx(-math.log(ex.right_probs[t]))
    assert ex.wrong_loss == pytest.approx(-math.log(ex.wrong_probs[t]))
    assert ex.wrong_loss > 3 * ex.right_loss
    assert ex.candidates[int(np.argmax(ex.wrong_probs))] == "heavy"
    assert ex.wrong_gradient.sum() == pytest.approx(0.0, abs=1e-12)
    assert ex.wrong_gradient[t] < 0  # training raises the right word's logit
