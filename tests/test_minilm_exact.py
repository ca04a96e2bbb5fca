"""explainer.minilm.exact: every result is the one exact answer, whatever order a machine adds in.

The browser's side of the claim (the same bits in Pyodide) is tests/pyodide/test_minilm_pyodide.py;
here each piece is checked against a reference computed another way: exact integers, the attention
core, ``math.exp``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.attention import scaled_dot_product_attention
from explainer.minilm import exact

SEEDS = st.integers(0, 2**32 - 1)


def test_exp_is_within_two_units_in_the_last_place() -> None:
    x = np.concatenate([np.linspace(-708.0, 709.0, 20_001), np.random.default_rng(0).uniform(-40, 0, 20_000)])
    got = exact.exp(x)
    want = np.array([math.exp(v) for v in x])
    assert np.all(np.abs(got - want) <= 2 * np.spacing(want))


def test_exp_of_very_negative_numbers_is_zero() -> None:
    assert exact.exp(np.array([-np.inf, -1000.0, -708.5])).tolist() == [0.0, 0.0, 0.0]
    assert exact.exp(np.array([0.0]))[0] == 1.0


@settings(max_examples=50, deadline=None)
@given(SEEDS, st.integers(4, 30))
def test_on_grid_keeps_the_bits_it_promises(seed: int, bits: int) -> None:
    x = np.random.default_rng(seed).normal(size=(5, 7)) * 10.0 ** np.random.default_rng(seed).integers(-5, 5)
    ints, shift = exact.on_grid(x, bits)
    assert np.all(ints == np.round(ints)) and np.all(np.abs(ints) <= 2.0**bits)
    back = np.ldexp(ints, -shift)  # (5, 7)
    assert np.all(np.abs(back - x) <= np.abs(x).max(axis=1, keepdims=True) * 2.0**-bits)


def _int_product(a_int: np.ndarray, b_int: np.ndarray) -> np.ndarray:
    """The reference: the same integers multiplied as Python integers (no rounding at all)."""
    a_obj, b_obj = a_int.astype(np.int64).astype(object), b_int.astype(np.int64).astype(object)
    return np.asarray(a_obj @ b_obj, dtype=np.float64)


@settings(max_examples=30, deadline=None)
@given(SEEDS, st.integers(1, 128))
def test_grid_sums_are_exact_so_order_cannot_matter(seed: int, m: int) -> None:
    rng = np.random.default_rng(seed)
    a_int, _ = exact.on_grid(rng.normal(size=(3, m)), exact.GRID_BITS)
    b_int, _ = exact.on_grid(rng.normal(size=(m, 4)), exact.GRID_BITS, axis=-2)
    want = _int_product(a_int, b_int)
    np.testing.assert_array_equal(a_int @ b_int, want)  # BLAS
    np.testing.assert_array_equal(np.einsum("nm,mp->np", a_int, b_int), want)  # NumPy's own loop
    np.testing.assert_array_equal(a_int[:, ::-1] @ b_int[::-1], want)  # the terms backwards


@settings(max_examples=30, deadline=None)
@given(SEEDS)
def test_product_is_the_matrix_product_to_46_bits(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(2, 6, 32)), rng.normal(size=(2, 32, 6))
    got = exact.product(a, b)
    assert got.shape == (2, 6, 6)
    np.testing.assert_allclose(got, a @ b, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(exact.product(a[:, :, ::-1], b[:, ::-1]), got)  # order of terms


def _float16_matrix(seed: int, d_out: int, d_in: int) -> np.ndarray:
    return (np.random.default_rng(seed).normal(size=(d_out, d_in)) * 0.05).astype(np.float16)


def test_a_fixed_point_matrix_stands_for_its_float16_weights() -> None:
    w_t = _float16_matrix(1, 6, 4)  # stored (d_out, d_in)
    m = exact.fixed_point(w_t)
    assert m.shape == (4, 6)
    np.testing.assert_array_equal(np.asarray(m), w_t.T.astype(np.float64))
    np.testing.assert_array_equal(m[:, 2:4], w_t.T[:, 2:4].astype(np.float64))
    assert m.row_sum == float(np.abs(w_t.astype(np.float64)).sum(axis=1).max()) * 2.0**exact.WEIGHT_SHIFT


@settings(max_examples=20, deadline=None)
@given(SEEDS, st.sampled_from([(384, 384), (384, 1536), (1536, 384)]))
def test_linear_is_exact_integers_scaled(seed: int, dims: tuple[int, int]) -> None:
    d_in, d_out = dims
    rng = np.random.default_rng(seed)
    m = exact.fixed_point(_float16_matrix(seed, d_out, d_in))
    x, b = rng.normal(size=(5, d_in)) * 3.0, rng.normal(size=d_out)
    got = exact.linear(x, m, b)
    bits = math.floor(math.log2(2.0 ** (exact.EXACT_BITS - 1) / m.row_sum))
    x_int, shift = exact.on_grid(x, bits)
    want = np.ldexp(_int_product(x_int, m.ints.T), -(shift + exact.WEIGHT_SHIFT)) + b
    np.testing.assert_array_equal(got, want)
    reference = x @ np.asarray(m) + b  # (5, d_out), float64 throughout
    close = 2e-6 * np.abs(reference).max()  # as close as a float32 product would be
    np.testing.assert_allclose(got, reference, rtol=0, atol=close)


@settings(max_examples=30, deadline=None)
@given(SEEDS, st.integers(1, 66))
def test_attention_is_the_cores_to_rounding(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    q, k, v = (rng.normal(size=(3, n, 32)) * 2.0 for _ in range(3))
    out, weights = exact.attention(q, k, v)
    core_out, core_weights = scaled_dot_product_attention(q, k, v)
    np.testing.assert_allclose(weights, core_weights, rtol=0, atol=1e-12)
    np.testing.assert_allclose(out, core_out, rtol=0, atol=1e-11)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, atol=1e-12)


def test_softmax_matches_the_cores() -> None:
    from explainer.attention import softmax

    scores = np.random.default_rng(3).normal(size=(4, 9)) * 5.0
    np.testing.assert_allclose(exact.softmax(scores), softmax(scores), rtol=0, atol=1e-15)


def test_product_needs_matching_inner_sizes() -> None:
    with pytest.raises(ValueError):
        exact.product(np.ones((2, 3)), np.ones((4, 2)))
