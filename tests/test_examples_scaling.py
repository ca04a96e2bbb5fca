"""Tests for explainer.examples.scaling: the worked examples, experiments and lab of chapter 4."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.examples.scaling import (
    D_K_RANGE,
    ENTROPY_HEALTHY_MIN,
    GRADIENT_HEALTHY_MIN,
    MAX_WEIGHT_HEALTHY_MAX,
    saturation_curve,
    saturation_example,
    saturation_lab,
    variance_experiment,
)


def test_saturation_example_d100_matches_the_content_brief() -> None:
    ex = saturation_example()
    np.testing.assert_allclose(ex.unscaled_scores, [100.0, 80.0])
    np.testing.assert_allclose(ex.scaled_scores, [10.0, 8.0])
    assert ex.unscaled_weights[0] == pytest.approx(1.0)
    assert 1e-9 < ex.unscaled_weights[1] < 3e-9  # e^-20 ≈ 2.06e-9
    expected = 1.0 / (1.0 + math.exp(-2.0))  # softmax([10, 8])[0]
    np.testing.assert_allclose(ex.scaled_weights, [expected, 1 - expected])
    assert ex.scaled_weights.round(2).tolist() == [0.88, 0.12]
    assert ex.scaled_gradient > 1e6 * ex.unscaled_gradient


@given(st.integers(min_value=4, max_value=4096))
def test_scaling_always_keeps_more_gradient(d_k: int) -> None:
    ex = saturation_example(d_k)
    assert ex.scaled_gradient > ex.unscaled_gradient
    assert ex.scaled_weights[1] > ex.unscaled_weights[1]


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "100"])
def test_saturation_example_rejects_bad_d_k(bad: object) -> None:
    with pytest.raises(ValueError, match="d_k"):
        saturation_example(bad)  # type: ignore[arg-type]


def test_variance_experiment_scaled_variance_is_one_within_its_standard_error() -> None:
    ex = variance_experiment()
    # Var(q·k) = d_k exactly in theory; the sample variance of n samples has standard error
    # sqrt((2 + 6/d_k) / n) after scaling (fourth moment of q·k is 3d² + 6d). Five standard
    # errors make a false failure a ~1e-6 event per d_k.
    assert np.all(np.abs(ex.scaled_variance - 1.0) < 5 * ex.scaled_standard_error)
    np.testing.assert_allclose(ex.unscaled_variance, ex.scaled_variance * ex.dims)
    assert ex.unscaled_variance[-1] > 100 * ex.unscaled_variance[0]


def test_variance_experiment_is_reproducible_and_seeded() -> None:
    a = variance_experiment(dims=[8, 32], n_samples=500, seed=3)
    b = variance_experiment(dims=[8, 32], n_samples=500, seed=3)
    c = variance_experiment(dims=[8, 32], n_samples=500, seed=4)
    np.testing.assert_array_equal(a.unscaled_variance, b.unscaled_variance)
    assert not np.array_equal(a.unscaled_variance, c.unscaled_variance)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dims": []}, "at least one"),
        ({"dims": [0]}, "d_k"),
        ({"n_samples": 1}, "n_samples"),
        ({"seed": -1}, "seed"),
    ],
)
def test_variance_experiment_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        variance_experiment(**kwargs)  # type: ignore[arg-type]


def test_saturation_curve_unscaled_saturates_and_scaled_does_not() -> None:
    c = saturation_curve()
    assert c.unscaled_max_weight[-1] > 0.9
    assert c.unscaled_gradient[-1] < 0.1
    assert np.all(c.scaled_max_weight < 0.5)
    assert np.all(c.scaled_gradient > 0.3)
    # d_k = 1: scaling divides by 1, so both curves start at the same point.
    assert c.unscaled_max_weight[0] == c.scaled_max_weight[0]


def test_saturation_lab_verdicts_at_the_extremes() -> None:
    assert saturation_lab(1024, scaled=False).verdict == "saturated"
    assert saturation_lab(1024, scaled=True).verdict == "healthy"


@settings(max_examples=60, deadline=None)
@given(
    d_k=st.integers(min_value=D_K_RANGE[0], max_value=D_K_RANGE[1]),
    scaled=st.booleans(),
    seed=st.integers(min_value=0, max_value=10_000),
    n_keys=st.integers(min_value=2, max_value=64),
)
def test_saturation_lab_state_is_consistent(d_k: int, scaled: bool, seed: int, n_keys: int) -> None:
    s = saturation_lab(d_k, scaled, seed, n_keys)
    assert s.weights.shape == (n_keys,)
    assert s.weights.sum() == pytest.approx(1.0)
    assert 1.0 / n_keys - 1e-12 <= s.max_weight <= 1.0
    assert -1e-12 <= s.entropy <= 1.0 + 1e-12
    assert (s.gradient_verdict == "healthy") == (s.gradient_norm >= GRADIENT_HEALTHY_MIN)
    assert (s.max_weight_verdict == "healthy") == (s.max_weight <= MAX_WEIGHT_HEALTHY_MAX)
    assert (s.entropy_verdict == "healthy") == (s.entropy >= ENTROPY_HEALTHY_MIN)
    assert json.loads(json.dumps(s.to_dict()))["verdict"] in {"healthy", "saturated"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, True), "d_k must be at least 1 and at most 1024"),
        ((2048, True), "at most 1024"),
        ((64, "yes"), "scaled must be True or False"),
        ((64, True, -1), "seed"),
        ((64, True, 0, 1), "n_keys"),
    ],
)
def test_saturation_lab_rejects_bad_input_clearly(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        saturation_lab(*args)  # type: ignore[arg-type]
