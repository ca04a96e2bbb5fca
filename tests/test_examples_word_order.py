"""Tests for explainer.examples.word_order: equivariance, sinusoidal positions, MiniLM's table (ch. 7b)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.attention import scaled_dot_product_attention
from explainer.embeddings import Embeddings
from explainer.examples import tables
from explainer.examples import word_order as wo
from explainer.examples.masks import mask_example

# ------------------------------------------------------------------ attention ignores order


@settings(max_examples=60, deadline=None)
@given(permutation=st.permutations(range(4)), seed=st.integers(0, 2**16))
def test_shuffled_rows_give_shuffled_outputs_and_p_a_pt(permutation: list[int], seed: int) -> None:
    ex = wo.permutation_example(tuple(permutation), seed)
    order = list(permutation)
    np.testing.assert_allclose(ex.permuted_output, ex.output[order], rtol=0, atol=1e-12)
    p = np.eye(4)[order]  # the permutation matrix: (P X)[i] = X[order[i]]
    np.testing.assert_allclose(ex.permuted_weights, p @ ex.weights @ p.T, rtol=0, atol=1e-12)
    assert ex.max_output_difference < 1e-12 and ex.max_weight_difference < 1e-12


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 9), seed=st.integers(0, 2**16), data=st.data())
def test_equivariance_holds_for_any_length(n: int, seed: int, data: st.DataObject) -> None:
    order = data.draw(st.permutations(range(n)))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 5))
    z, a = scaled_dot_product_attention(x, x, x)
    z_perm, a_perm = scaled_dot_product_attention(x[order], x[order], x[order])
    np.testing.assert_allclose(z_perm, z[order], rtol=0, atol=1e-12)
    np.testing.assert_allclose(a_perm, a[order][:, order], rtol=0, atol=1e-12)


def test_permutation_example_is_chapter_7s_unmasked_example() -> None:
    ex, base = wo.permutation_example(), mask_example("none")
    assert ex.tokens == base.tokens and ex.permutation == wo.PERMUTATION
    assert ex.permuted_tokens == tuple(base.tokens[i] for i in wo.PERMUTATION)
    np.testing.assert_array_equal(ex.weights, base.weights)
    assert 0 < ex.max_output_difference < 1e-15 or ex.max_output_difference == 0


def test_a_non_permutation_is_refused() -> None:
    with pytest.raises(ValueError, match=r"permutation must order 0\.\.3"):
        wo.permutation_example((0, 0, 1, 2))


# ------------------------------------------------------------------ a repeated word


@pytest.fixture(scope="module")
def emb() -> Embeddings:
    words = ("the", "cat", "and", "saw", "dog")
    return Embeddings(words, np.random.default_rng(5).normal(size=(len(words), 8)).astype(np.float32))


def test_the_two_cats_are_identical_without_positions_and_differ_with(emb: Embeddings) -> None:
    ex = wo.repeated_word_example(embeddings=emb)
    a, b = ex.copies
    assert ex.tokens == ("the", "cat", "and", "the", "cat") and (a, b) == (1, 4)
    np.testing.assert_array_equal(ex.plain.weights[a], ex.plain.weights[b])
    np.testing.assert_array_equal(ex.plain.output[a], ex.plain.output[b])
    assert ex.row_difference[0] == 0.0 and ex.output_difference[0] == 0.0
    assert ex.row_difference[1] > 0.01 and ex.output_difference[1] > 0.01


def test_positions_are_scaled_to_the_words_rms(emb: Embeddings) -> None:
    ex = wo.repeated_word_example(embeddings=emb)
    x = ex.plain.vectors
    pe = wo.sinusoidal_encoding(*x.shape)
    assert ex.rms == pytest.approx(math.sqrt(np.mean(x**2)))
    assert math.sqrt(np.mean((ex.scale * pe) ** 2)) == pytest.approx(ex.rms)
    y = x + ex.scale * pe
    z, a = scaled_dot_product_attention(y, y, y)
    np.testing.assert_allclose(ex.positioned, a)
    np.testing.assert_allclose(ex.positioned_output, z)


def test_a_sentence_without_a_repeat_is_refused(emb: Embeddings) -> None:
    with pytest.raises(ValueError, match="'cat' must occur twice"):
        wo.repeated_word_example("the cat saw the dog", embeddings=emb)


def test_on_real_glove_each_cat_prefers_itself_and_the_nearer_the() -> None:
    ex = wo.repeated_word_example()
    assert ex.row_difference[0] == 0.0 and ex.output_difference[0] == 0.0
    first, second = ex.copies
    assert ex.weight(first, first, with_positions=False) == ex.weight(first, second, with_positions=False)
    for cat, other in ((first, second), (second, first)):
        before, after = (ex.weight(cat, cat, with_positions=p) for p in (False, True))
        assert after > before and after > ex.weight(cat, other, with_positions=True)
    # "the" at 0 and 3: the first cat (1) is nearer the first "the", the second cat (4) the second.
    assert ex.weight(first, 0, with_positions=True) > ex.weight(first, 3, with_positions=True)
    assert ex.weight(second, 3, with_positions=True) > ex.weight(second, 0, with_positions=True)
    # The page's other claims: the neighbours gain nothing, the other copy loses, the meaning still counts.
    for cat, other in ((first, second), (second, first)):
        assert ex.neighbour_weight(cat, with_positions=True) <= ex.neighbour_weight(cat, with_positions=False)
        assert ex.weight(cat, other, with_positions=True) < ex.weight(cat, other, with_positions=False)
        not_cats = [j for j, token in enumerate(ex.tokens) if token != ex.word]
        assert ex.weight(cat, other, with_positions=True) > max(ex.positioned[cat, not_cats])
    assert ex.neighbour_weight(first, with_positions=False) == pytest.approx(
        ex.plain.weights[first, 0] + ex.plain.weights[first, 2]
    )


def test_token_labels_tell_copies_apart() -> None:
    assert wo.token_labels(("the", "cat", "the")) == ("the\u00a01", "cat\u00a02", "the\u00a03")


# ------------------------------------------------------------------ sinusoidal positions


def test_position_zero_is_sine_zero_cosine_one() -> None:
    pe = wo.sinusoidal_encoding(3, 8)
    assert pe.shape == (3, 8)
    assert pe[0].tolist() == [0.0, 1.0] * 4


def test_formula_at_known_points() -> None:
    d = 16
    pe = wo.sinusoidal_encoding(10, d)
    assert pe[1, 0] == pytest.approx(math.sin(1.0)) and pe[1, 1] == pytest.approx(math.cos(1.0))
    i = 3  # the pair (2i, 2i + 1) = (6, 7)
    angle = 7 / 10000 ** (2 * i / d)
    assert pe[7, 2 * i] == pytest.approx(math.sin(angle)) and pe[7, 2 * i + 1] == pytest.approx(
        math.cos(angle)
    )
    np.testing.assert_allclose((pe**2).sum(axis=1), d / 2)  # sin² + cos² = 1 per pair


def test_odd_or_empty_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="even"):
        wo.sinusoidal_encoding(4, 5)
    with pytest.raises(ValueError, match="n_positions"):
        wo.sinusoidal_encoding(0, 4)


@settings(max_examples=30, deadline=None)
@given(p=st.integers(0, 200), q=st.integers(0, 200), shift=st.integers(0, 200))
def test_dot_product_depends_on_distance_only(p: int, q: int, shift: int) -> None:
    pe = wo.sinusoidal_encoding(401, 32)
    assert pe[p] @ pe[q] == pytest.approx(pe[p + shift] @ pe[q + shift], abs=1e-9)
    assert pe[p] @ pe[q] == pytest.approx(pe[q] @ pe[p])


def test_sinusoidal_example_curves_coincide_and_match_the_closed_form() -> None:
    ex = wo.sinusoidal_example()
    assert ex.encoding.shape == (64, 64) and ex.dot_products.shape == (len(ex.starts), 64 - max(ex.starts))
    assert ex.dot_products[0, 0] == pytest.approx(32.0)  # d / 2 at distance 0
    assert ex.max_spread < 1e-12 and ex.max_closed_form_error < 1e-12


# ------------------------------------------------------------------ MiniLM's learned table


@pytest.fixture(scope="module")
def learned(minilm_weights: None) -> wo.LearnedPositions:
    return wo.learned_positions()


def test_minilm_table_is_512_by_384(learned: wo.LearnedPositions) -> None:
    assert learned.shape == (512, 384) and learned.norms.shape == (512,)
    assert learned.learned_cosine[0] == pytest.approx(1.0) and learned.sinusoidal_cosine[0] == pytest.approx(
        1.0
    )


def test_neighbouring_positions_are_more_alike_than_distant_ones(learned: wo.LearnedPositions) -> None:
    assert learned.neighbour_cosine == learned.cosine_at(1)[0]
    assert learned.neighbour_cosine > 0.5 > learned.cosine_at(32)[0]
    learned_rise, sinusoidal_rise = learned.largest_rise()
    assert learned_rise > 10 * sinusoidal_rise


def test_mean_cosine_by_distance_against_a_loop() -> None:
    table = np.random.default_rng(3).normal(size=(6, 4))
    unit = table / np.linalg.norm(table, axis=1, keepdims=True)
    expected = [np.mean([unit[p] @ unit[p + k] for p in range(6 - k)]) for k in range(4)]
    np.testing.assert_allclose(wo.mean_cosine_by_distance(table, 3), expected)


def test_tables_are_registered_and_render(learned: wo.LearnedPositions) -> None:
    assert set(wo.TABLES) <= set(tables())
    similarity = wo.TABLES["position_similarity"]()
    assert [row[0] for row in similarity.rows] == [str(k) for k in wo.SIMILARITY_DISTANCES]
    weights = wo.TABLES["repeated_word_weights"]()
    assert weights.headers[-2:] == ("GloVe alone", "with positions") and len(weights.rows) == 8
    assert weights.rows[0][:2] == ("cat\u00a02 → the\u00a01", "1")
