"""Tests for explainer.attention: properties, a naive reference, and errors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explainer.attention import (
    causal_mask,
    fully_masked_rows,
    merge_heads,
    multi_head_attention,
    no_self_mask,
    padding_mask,
    scaled_dot_product_attention,
    softmax,
    softmax_jacobian,
    split_heads,
)

finite = st.floats(min_value=-30, max_value=30, allow_nan=False, allow_infinity=False)


def naive_attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None, scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """Reference: one query at a time, plain Python loops and math.exp."""
    import math

    n_q, n_k = q.shape[0], k.shape[0]
    weights = np.zeros((n_q, n_k))
    for i in range(n_q):
        allowed = [j for j in range(n_k) if mask is None or mask[i, j]]
        if not allowed:
            continue
        scores = {j: sum(q[i, t] * k[j, t] for t in range(q.shape[1])) * scale for j in allowed}
        top = max(scores.values())
        total = sum(math.exp(s - top) for s in scores.values())
        for j, s in scores.items():
            weights[i, j] = math.exp(s - top) / total
    return weights @ v, weights


@st.composite
def qkv_and_mask(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    n_q, n_k = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    d_k, d_v = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    q = draw(hnp.arrays(np.float64, (n_q, d_k), elements=finite))
    k = draw(hnp.arrays(np.float64, (n_k, d_k), elements=finite))
    v = draw(hnp.arrays(np.float64, (n_k, d_v), elements=finite))
    mask = draw(st.none() | hnp.arrays(np.bool_, (n_q, n_k)))
    return q, k, v, mask


# --- softmax -----------------------------------------------------------------


@given(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6), elements=finite)
)
def test_softmax_rows_are_distributions(x: np.ndarray) -> None:
    w = softmax(x)
    assert np.all(w >= 0)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, rtol=1e-12)


@given(hnp.arrays(np.float64, st.integers(1, 8), elements=finite), st.floats(-1e3, 1e3))
def test_softmax_is_shift_invariant(x: np.ndarray, c: float) -> None:
    np.testing.assert_allclose(softmax(x + c), softmax(x), atol=1e-12)


def test_softmax_does_not_overflow_on_large_scores() -> None:
    w = softmax([1000.0, 999.0])
    np.testing.assert_allclose(w, [1 / (1 + np.exp(-1)), np.exp(-1) / (1 + np.exp(-1))])


def test_softmax_gives_exact_zero_to_minus_inf() -> None:
    w = softmax([1.0, -np.inf, 2.0])
    assert w[1] == 0.0
    assert w.sum() == pytest.approx(1.0)


def test_softmax_of_all_minus_inf_is_all_zero_not_nan() -> None:
    w = softmax([[-np.inf, -np.inf], [0.0, 0.0]])
    assert w.tolist() == [[0.0, 0.0], [0.5, 0.5]]


def test_softmax_along_other_axis() -> None:
    x = np.array([[0.0, 1.0], [0.0, 1.0]])
    np.testing.assert_allclose(softmax(x, axis=0), 0.5)


@pytest.mark.parametrize("bad", [[np.nan, 1.0], [np.inf, 0.0]])
def test_softmax_rejects_nan_and_plus_inf(bad: list[float]) -> None:
    with pytest.raises(ValueError, match="NaN or \\+inf"):
        softmax(bad)


def test_softmax_rejects_empty() -> None:
    with pytest.raises(ValueError, match="at least one entry"):
        softmax(np.zeros((2, 0)))


def test_softmax_jacobian_matches_finite_differences() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=5)
    eps = 1e-6
    numeric = np.stack([(softmax(x + eps * e) - softmax(x - eps * e)) / (2 * eps) for e in np.eye(5)], axis=1)
    np.testing.assert_allclose(softmax_jacobian(softmax(x)), numeric, atol=1e-8)


# --- masks -------------------------------------------------------------------


def test_causal_and_no_self_masks() -> None:
    assert causal_mask(3).tolist() == [[True, False, False], [True, True, False], [True, True, True]]
    assert not no_self_mask(4).diagonal().any()
    assert no_self_mask(4).sum() == 12


def test_padding_mask_hides_filler_keys() -> None:
    m = padding_mask([1, 3], 3)
    assert m.shape == (2, 1, 3)
    assert m[:, 0].tolist() == [[True, False, False], [True, True, True]]
    assert padding_mask(2, 2).shape == (1, 1, 2)


@pytest.mark.parametrize(
    ("lengths", "n", "message"),
    [([0], 3, "between 1 and n"), ([4], 3, "between 1 and n"), ([1.5], 3, "integers"), ([1], 0, "positive")],
)
def test_padding_mask_rejects_bad_lengths(lengths: list[float], n: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        padding_mask(lengths, n)


@pytest.mark.parametrize("bad", [0, -1, 2.5])
def test_mask_lengths_must_be_positive_integers(bad: float) -> None:
    with pytest.raises(ValueError, match="positive integer"):
        causal_mask(bad)  # type: ignore[arg-type]


def test_fully_masked_rows() -> None:
    mask = causal_mask(3) & no_self_mask(3)
    assert fully_masked_rows(mask).tolist() == [True, False, False]


# --- scaled dot-product attention --------------------------------------------


@settings(max_examples=200)
@given(qkv_and_mask())
def test_attention_matches_naive_loop(
    case: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None],
) -> None:
    q, k, v, mask = case
    out, w = scaled_dot_product_attention(q, k, v, mask=mask)
    ref_out, ref_w = naive_attention(q, k, v, mask, 1 / np.sqrt(q.shape[1]))
    np.testing.assert_allclose(w, ref_w, atol=1e-9)
    np.testing.assert_allclose(out, ref_out, atol=1e-6)


@given(qkv_and_mask())
def test_rows_sum_to_one_and_masked_weights_are_exactly_zero(
    case: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None],
) -> None:
    q, k, v, mask = case
    _, w = scaled_dot_product_attention(q, k, v, mask=mask)
    allowed = np.ones(w.shape, bool) if mask is None else mask
    assert np.all(w[~allowed] == 0.0)
    live = ~fully_masked_rows(allowed)
    np.testing.assert_allclose(w[live].sum(axis=-1), 1.0, rtol=1e-12)
    assert np.all(w[~live] == 0.0)


@given(st.integers(1, 6), st.integers(1, 4), st.randoms(use_true_random=False))
def test_self_attention_is_permutation_equivariant(n: int, d: int, rnd: object) -> None:
    rng = np.random.default_rng(rnd.randint(0, 2**32 - 1))  # type: ignore[attr-defined]
    x = rng.normal(size=(n, d))
    perm = rng.permutation(n)
    out, w = scaled_dot_product_attention(x, x, x)
    out_p, w_p = scaled_dot_product_attention(x[perm], x[perm], x[perm])
    np.testing.assert_allclose(out_p, out[perm], atol=1e-12)
    np.testing.assert_allclose(w_p, w[perm][:, perm], atol=1e-12)


def test_scale_none_is_inverse_sqrt_dk_and_one_is_unscaled() -> None:
    q = np.ones((1, 100))
    k = np.stack([np.ones(100), np.full(100, 0.8)])
    _, scaled = scaled_dot_product_attention(q, k, k)
    _, unscaled = scaled_dot_product_attention(q, k, k, scale=1.0)
    np.testing.assert_allclose(scaled[0], np.exp([10, 8]) / np.exp([10, 8]).sum())
    assert unscaled[0, 1] < 1e-8 < scaled[0, 1]


def test_batched_inputs_and_broadcast_mask() -> None:
    rng = np.random.default_rng(1)
    q, k, v = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(2, 3, 6, 7))
    out, w = scaled_dot_product_attention(q, k, v, mask=padding_mask([6, 2], 6)[:, None])
    assert out.shape == (2, 3, 4, 7) and w.shape == (2, 3, 4, 6)
    assert np.all(w[1, :, :, 2:] == 0.0)


def test_fully_masked_row_gives_zero_weights_and_output_not_nan() -> None:
    x = np.random.default_rng(2).normal(size=(3, 4))
    out, w = scaled_dot_product_attention(x, x, x, mask=causal_mask(3) & no_self_mask(3))
    assert not np.isnan(out).any()
    assert w[0].tolist() == [0.0, 0.0, 0.0]
    assert out[0].tolist() == [0.0] * 4
    assert w[1].tolist() == [1.0, 0.0, 0.0]


def test_inputs_are_not_modified() -> None:
    x = np.random.default_rng(3).normal(size=(3, 4))
    before = x.copy()
    scaled_dot_product_attention(x, x, x, mask=causal_mask(3))
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize(
    ("q_shape", "k_shape", "v_shape", "message"),
    [
        ((2, 3), (2, 4), (2, 4), "share d_k"),
        ((2, 3), (2, 3), (5, 3), "same number of tokens"),
        ((3,), (2, 3), (2, 3), "at least 2 dimensions"),
        ((0, 3), (2, 3), (2, 3), "empty"),
        ((2, 3), (0, 3), (0, 3), "empty"),
    ],
)
def test_shape_errors(
    q_shape: tuple[int, ...], k_shape: tuple[int, ...], v_shape: tuple[int, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        scaled_dot_product_attention(np.ones(q_shape), np.ones(k_shape), np.ones(v_shape))


def test_non_finite_inputs_are_rejected() -> None:
    x = np.ones((2, 2))
    bad = x.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="k contains NaN"):
        scaled_dot_product_attention(x, bad, x)
    with pytest.raises(ValueError, match="scale must be a finite"):
        scaled_dot_product_attention(x, x, x, scale=float("inf"))


def test_mask_errors() -> None:
    x = np.ones((2, 2))
    with pytest.raises(ValueError, match="must be boolean"):
        scaled_dot_product_attention(x, x, x, mask=np.ones((2, 2)))
    with pytest.raises(ValueError, match="does not broadcast"):
        scaled_dot_product_attention(x, x, x, mask=np.ones((3, 3), bool))


# --- multi-head attention ----------------------------------------------------


def test_split_and_merge_heads_are_inverse() -> None:
    x = np.arange(24.0).reshape(2, 3, 4)
    heads = split_heads(x, 2)
    assert heads.shape == (2, 2, 3, 2)
    np.testing.assert_array_equal(merge_heads(heads), x)
    with pytest.raises(ValueError, match="not divisible"):
        split_heads(x, 3)


@given(st.integers(1, 5), st.sampled_from([2, 4, 6]), st.integers(0, 2**32 - 1))
def test_one_head_equals_plain_attention(n: int, d_model: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d_model))
    w_q, w_k, w_v, w_o = (rng.normal(size=(d_model, d_model)) for _ in range(4))
    out, w = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=1, mask=causal_mask(n))
    plain, plain_w = scaled_dot_product_attention(x @ w_q, x @ w_k, x @ w_v, mask=causal_mask(n))
    np.testing.assert_allclose(out, plain @ w_o, atol=1e-9)
    np.testing.assert_allclose(w[0], plain_w, atol=1e-12)


def test_each_head_is_attention_on_its_slice() -> None:
    rng = np.random.default_rng(4)
    n, d_model, h = 4, 6, 3
    x = rng.normal(size=(2, n, d_model))
    w_q, w_k, w_v = (rng.normal(size=(d_model, d_model)) for _ in range(3))
    out, w = multi_head_attention(x, w_q, w_k, w_v, np.eye(d_model), n_heads=h)
    assert out.shape == (2, n, d_model) and w.shape == (2, h, n, n)
    cols = slice(2, 4)  # head 1 uses columns 2..3
    head1, w1 = scaled_dot_product_attention((x @ w_q)[..., cols], (x @ w_k)[..., cols], (x @ w_v)[..., cols])
    np.testing.assert_allclose(w[:, 1], w1, atol=1e-12)
    np.testing.assert_allclose(out[..., cols], head1, atol=1e-12)


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "n_heads", "message"),
    [
        ((3, 6), (6, 6), 4, "not divisible"),
        ((3, 6), (6, 5), 2, "must have shape"),
        ((0, 6), (6, 6), 2, "n ≥ 1"),
        ((6,), (6, 6), 2, "n ≥ 1"),
        ((3, 6), (6, 6), 0, "not divisible"),
    ],
)
def test_multi_head_errors(
    x_shape: tuple[int, ...], w_shape: tuple[int, int], n_heads: int, message: str
) -> None:
    w = np.ones(w_shape)
    with pytest.raises(ValueError, match=message):
        multi_head_attention(np.ones(x_shape), w, w, w, w, n_heads=n_heads)


# --- import hygiene ----------------------------------------------------------


def test_core_does_not_import_matplotlib() -> None:
    code = (
        "import sys, explainer.attention, explainer.examples, explainer.embeddings;"
        "heavy = [m for m in ('matplotlib', 'mkdocs', 'pyarrow') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
