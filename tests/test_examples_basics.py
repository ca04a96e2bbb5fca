"""Tests for explainer.examples.basics: the worked examples of chapters 2-8, 11 and 12."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import explainer.examples as examples
from explainer.attention import scaled_dot_product_attention, softmax
from explainer.examples import basics
from explainer.examples.basics import (
    D_K_RANGE,
    ENTROPY_HEALTHY_MIN,
    GRADIENT_HEALTHY_MIN,
    MASK_KINDS,
    MAX_WEIGHT_HEALTHY_MAX,
    cost_example,
    dot_product_example,
    mask_example,
    multi_head_example,
    saturation_curve,
    saturation_example,
    saturation_lab,
    softmax_example,
    step_through_example,
    training_example,
    value_blend_example,
    variance_experiment,
)

# --- chapter 2 -----------------------------------------------------------------------------


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


# --- chapter 3 -----------------------------------------------------------------------------


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


# --- chapter 4 -----------------------------------------------------------------------------


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


# --- chapter 5 -----------------------------------------------------------------------------


def test_value_blend_is_the_weighted_sum_inside_the_hull() -> None:
    ex = value_blend_example()
    np.testing.assert_array_equal(ex.weights, saturation_example().scaled_weights)
    np.testing.assert_allclose(ex.output, ex.weights[0] * ex.values[0] + ex.weights[1] * ex.values[1])
    assert ex.inside_hull
    assert ex.position == pytest.approx(ex.weights[1])


# --- chapter 6 -----------------------------------------------------------------------------


def test_step_through_shapes_and_formulas() -> None:
    ex = step_through_example()
    assert len(ex.tokens) == 3
    assert ex.x.shape == (3, 4) and ex.w_q.shape == (4, 4)
    np.testing.assert_allclose(ex.q, ex.x @ ex.w_q)
    np.testing.assert_allclose(ex.scores, ex.q @ ex.k.T)
    np.testing.assert_allclose(ex.scaled_scores, ex.scores / 2.0)  # √d_k = √4
    np.testing.assert_allclose(ex.weights, softmax(ex.scaled_scores))
    np.testing.assert_allclose(ex.output, ex.weights @ ex.v)
    assert ex.mask.all()
    out, weights = scaled_dot_product_attention(ex.q, ex.k, ex.v)
    np.testing.assert_allclose(out, ex.output)
    np.testing.assert_allclose(weights, ex.weights)
    # Inputs are shown with one decimal, so they must really have one decimal.
    np.testing.assert_array_equal(ex.x, ex.x.round(1))
    assert not np.signbit(ex.w_v[ex.w_v == 0]).any()  # no "-0.0" on the page


def test_step_through_seed_changes_the_numbers() -> None:
    assert not np.array_equal(step_through_example(1).x, step_through_example(2).x)
    with pytest.raises(ValueError, match="seed"):
        step_through_example(-1)


# --- chapter 7 -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", MASK_KINDS)
def test_masked_rows_sum_to_one_and_masked_weights_are_exactly_zero(kind: str) -> None:
    ex = mask_example(kind)
    assert ex.tokens == ("policy", "raises", "wages", "jobs")
    assert ex.x.shape == (4, 6) and ex.w_q.shape == (6, 4)
    np.testing.assert_allclose(ex.row_sums, 1.0)
    assert np.all(ex.weights[~ex.mask] == 0.0)
    assert ex.context.shape == (4, 4)
    np.testing.assert_allclose(ex.context, ex.weights @ (ex.x @ ex.w_v))


def test_mask_kinds_have_the_right_shape_of_mask() -> None:
    assert np.array_equal(mask_example("causal").mask, np.tril(np.ones((4, 4), dtype=bool)))
    assert not mask_example("no_self").mask.diagonal().any()
    assert not mask_example("padding").mask[:, 3].any() and mask_example("padding").mask[:, :3].all()
    assert mask_example("none").mask.all()


def test_projections_are_scaled_by_one_over_root_six() -> None:
    # Same seed, same draws: the stored projections times √6 are the raw normal draws.
    rng = np.random.default_rng(0)
    rng.standard_normal((4, 6))
    np.testing.assert_allclose(mask_example("causal").w_q * math.sqrt(6), rng.standard_normal((6, 4)))


def test_fully_masked_row_gives_zeros_not_nan() -> None:
    ex = mask_example("causal")
    assert ex.trap_rows == (0,)
    assert not ex.trap_mask[0].any()
    assert np.isnan(ex.trap_naive_row).all()  # what a naive softmax would do
    assert np.all(ex.trap_weights[0] == 0.0) and np.all(ex.trap_context[0] == 0.0)
    np.testing.assert_allclose(ex.trap_weights[1:].sum(axis=1), 1.0)


def test_unknown_mask_kind_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match=r"unknown mask kind 'diagonal'.*causal"):
        mask_example("diagonal")


# --- chapter 8 -----------------------------------------------------------------------------


@pytest.mark.parametrize("n_heads", [1, 2, 4, 8])
def test_multi_head_example_matches_the_package(n_heads: int) -> None:
    ex = multi_head_example(n_heads)
    assert ex.head_weights.shape == (n_heads, 4, 4)
    assert ex.head_outputs.shape == (n_heads, 4, 8 // n_heads)
    np.testing.assert_allclose(ex.head_weights.sum(axis=-1), 1.0)
    assert ex.package_difference < 1e-12
    np.testing.assert_allclose(ex.output, ex.concatenated @ ex.w_o)


def test_one_head_equals_plain_attention() -> None:
    assert multi_head_example(2).one_head_difference < 1e-12
    one = multi_head_example(1)
    plain, weights = scaled_dot_product_attention(one.x @ one.w_q, one.x @ one.w_k, one.x @ one.w_v)
    np.testing.assert_allclose(one.head_weights[0], weights)
    np.testing.assert_allclose(one.output, plain @ one.w_o)


@pytest.mark.parametrize("bad", [0, 3, 16, 2.0])
def test_multi_head_rejects_heads_that_do_not_divide_d_model(bad: object) -> None:
    with pytest.raises(ValueError, match="n_heads"):
        multi_head_example(bad)  # type: ignore[arg-type]


# --- chapter 11 ----------------------------------------------------------------------------


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


# --- chapter 12 ----------------------------------------------------------------------------


def test_cost_example_counts_and_measures() -> None:
    ex = cost_example(ns=[16, 64, 256], d_k=8)
    assert ex.flops_scores.tolist() == [2 * n * n * 8 for n in (16, 64, 256)]
    assert ex.weight_bytes_float64.tolist() == [n * n * 8 for n in (16, 64, 256)]
    assert ex.weight_bytes_float32.tolist() == [n * n * 4 for n in (16, 64, 256)]
    # Attention holds at least the n × n scores and weights in float64 at its peak.
    assert np.all(ex.peak_bytes >= 2 * ex.weight_bytes_float64)
    assert np.all(np.diff(ex.peak_bytes) > 0)


def test_cost_example_is_deterministic() -> None:
    assert cost_example().peak_bytes.tolist() == cost_example().peak_bytes.tolist()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ns": []}, "at least one"),
        ({"ns": [0]}, "n"),
        ({"ns": [10_000]}, "at most 8192"),
        ({"d_k": 0}, "d_k"),
    ],
)
def test_cost_example_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cost_example(**kwargs)  # type: ignore[arg-type]


# --- tables and exports --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(basics.TABLES))
def test_every_table_renders(name: str) -> None:
    table = basics.TABLES[name]()
    lines = table.to_markdown().splitlines()
    assert len(lines) == 2 + len(table.rows) and table.rows
    assert name in examples.tables()


def test_contract_tables_exist_and_show_computed_numbers() -> None:
    assert {"step_through_shapes", "mask_rows", "cost_table"} <= set(basics.TABLES)
    assert all(row[-1] == "1.000" for row in basics.TABLES["mask_rows"]().rows)
    assert ("scores", "`S = Q Kᵀ`", "3 × 3") in basics.TABLES["step_through_shapes"]().rows


def test_everything_in_all_is_exported() -> None:
    for name in basics.__all__:
        assert getattr(examples, name) is getattr(basics, name)


def test_importing_examples_does_not_import_matplotlib() -> None:
    code = "import sys, explainer.examples; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
