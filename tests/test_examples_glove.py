"""Tests for explainer.examples.glove: the mechanics on tiny random vectors, the claims on real GloVe."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.attention import scaled_dot_product_attention
from explainer.embeddings import Embeddings, UnknownWordsError
from explainer.examples.glove import (
    cat_it_example,
    contextualisation_example,
    glove_attention,
    glove_example_words,
    king_queen_example,
)

EXTRA = ("zebra", "violin", "orbit", "cloud", "pencil", "lantern", "harbor", "meadow", "quartz", "ember")


@pytest.fixture(scope="module")
def emb() -> Embeddings:
    """Random 8-d vectors for every word the examples use, plus a few more."""
    words = tuple(sorted(glove_example_words())) + EXTRA
    return Embeddings(words, np.random.default_rng(7).normal(size=(len(words), 8)))


# ------------------------------------------------------------------ glove_attention mechanics


def test_glove_attention_steps_are_consistent(emb: Embeddings) -> None:
    result = glove_attention("The king and queen ruled the kingdom", embeddings=emb)
    x = emb.lookup(result.tokens).astype(np.float64)
    assert result.tokens == ("the", "king", "and", "queen", "ruled", "the", "kingdom")
    n = len(result.tokens)
    np.testing.assert_array_equal(result.vectors, x)
    np.testing.assert_allclose(result.raw_scores, x @ x.T)
    assert result.scale == pytest.approx(1 / np.sqrt(8))
    np.testing.assert_allclose(result.scaled_scores, x @ x.T / np.sqrt(8))
    out, weights = scaled_dot_product_attention(x, x, x)
    np.testing.assert_array_equal(result.weights, weights)
    np.testing.assert_array_equal(result.output, out)
    assert result.mask.all() and not result.fully_masked.any() and result.weights.shape == (n, n)


def test_sentence_with_unknown_punctuation_names_it(emb: Embeddings) -> None:
    with pytest.raises(UnknownWordsError) as info:
        glove_attention("The king and queen ruled the kingdom.", embeddings=emb)
    assert info.value.words == (".",)


def test_unscaled_uses_raw_scores(emb: Embeddings) -> None:
    result = glove_attention("the king and queen", scaled=False, embeddings=emb)
    assert result.scale == 1.0
    np.testing.assert_array_equal(result.scaled_scores, result.raw_scores)


def test_no_self_and_causal_masks(emb: Embeddings) -> None:
    result = glove_attention("the cat sat on the mat", no_self=True, causal=True, embeddings=emb)
    n = len(result.tokens)
    assert np.all(np.diag(result.weights) == 0)
    assert np.all(result.weights[np.triu_indices(n)] == 0)
    assert result.fully_masked.tolist() == [True] + [False] * (n - 1)
    np.testing.assert_array_equal(result.output[0], np.zeros(8))
    np.testing.assert_allclose(result.weights[1:].sum(axis=1), 1.0)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from((*EXTRA, "king", "queen", "the")), min_size=1, max_size=7),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_rows_sum_to_one_unless_fully_masked(
    emb: Embeddings, words: list[str], no_self: bool, causal: bool, scaled: bool
) -> None:
    result = glove_attention(" ".join(words), no_self=no_self, causal=causal, scaled=scaled, embeddings=emb)
    sums = result.weights.sum(axis=1)
    np.testing.assert_allclose(sums[~result.fully_masked], 1.0)
    assert np.all(sums[result.fully_masked] == 0)
    assert np.all(result.weights[~result.mask] == 0)


@settings(max_examples=25, deadline=None)
@given(st.permutations(list(EXTRA[:6])))
def test_self_attention_is_permutation_equivariant(emb: Embeddings, order: list[str]) -> None:
    base = glove_attention(" ".join(EXTRA[:6]), embeddings=emb)
    permuted = glove_attention(" ".join(order), embeddings=emb)
    idx = [EXTRA.index(w) for w in order]
    np.testing.assert_allclose(permuted.weights, base.weights[np.ix_(idx, idx)], atol=1e-12)


def test_empty_sentence_is_a_clear_error(emb: Embeddings) -> None:
    with pytest.raises(ValueError, match="empty"):
        glove_attention("   ", embeddings=emb)


def test_position_weight_and_ranked(emb: Embeddings) -> None:
    result = glove_attention("the king and the queen", no_self=True, embeddings=emb)
    assert result.position("the") == 0
    assert result.weight("king", "queen") == result.weights[1, 4]
    ranked = result.ranked("king")
    assert [w for w, _ in ranked].count("king") == 0 and len(ranked) == 4
    assert [v for _, v in ranked] == sorted((v for _, v in ranked), reverse=True)
    with pytest.raises(ValueError, match="not one of the tokens"):
        result.position("cat")


# ------------------------------------------------------------------ worked examples on random vectors


def test_examples_run_on_any_embeddings(emb: Embeddings) -> None:
    kq = king_queen_example(emb)
    assert kq.with_self.tokens == kq.no_self.tokens and kq.no_self.no_self and not kq.with_self.no_self
    cat = cat_it_example(emb)
    assert cat.it_to_cat == cat.no_self.weight("it", "cat")
    assert (cat.top_word, cat.top_weight) == cat.no_self.ranked("it")[0]


def test_contextualisation_structure(emb: Embeddings) -> None:
    ex = contextualisation_example(emb, k=4)
    for comparison in (ex.dog, ex.bank):
        for shift in (comparison.first, comparison.second):
            assert len(shift.neighbours) == 4
            assert not set(w for w, _ in shift.neighbours) & set(tokens_of(shift.sentence))
            assert set(shift.group_cosines) == {"food", "river", "money"}
            assert sum(w for _, w in shift.weights) == pytest.approx(1.0)
        change = comparison.second.group_cosines["food"] - comparison.first.group_cosines["food"]
        assert comparison.group_change("food") == pytest.approx(change)
    assert ex.dog.second.sentence == "the hot dog was" and ex.bank.first.sentence == "river bank"


def test_a_move_is_the_distance_from_the_words_own_vector_to_its_output(emb: Embeddings) -> None:
    ex = contextualisation_example(emb, k=2)
    for shift in (ex.dog.first, ex.dog.second, ex.bank.first, ex.bank.second):
        np.testing.assert_array_equal(shift.vector, emb.lookup([shift.word])[0].astype(np.float64))
        assert shift.moved == pytest.approx(float(np.sqrt(np.sum((shift.output - shift.vector) ** 2))))
        assert shift.moved_share == pytest.approx(shift.moved / float(np.sqrt(shift.vector @ shift.vector)))
        assert shift.moved > 0  # the other words pull it away


def tokens_of(sentence: str) -> list[str]:
    return sentence.split()


# ------------------------------------------------------------------ the claims, on the real vectors


@pytest.mark.glove
def test_king_attends_to_itself_then_queen_and_kingdom() -> None:
    ex = king_queen_example()
    assert [w for w, _ in ex.with_self.ranked("king")[:3]] == ["king", "queen", "kingdom"]
    assert ex.with_self.weight("king", "king") == pytest.approx(0.443, abs=1e-3)


@pytest.mark.glove
def test_without_self_kingdom_and_queen_look_at_royalty() -> None:
    ex = king_queen_example().no_self
    assert [w for w, _ in ex.ranked("kingdom")[:2]] == ["king", "queen"]
    assert ex.ranked("queen")[0][0] == "king"
    assert ex.ranked("king")[0][0] == "queen"
    # The single largest weight of the whole matrix is the→the (identical vectors), not a royal pair.
    assert ex.weights.max() == ex.weights[0, 5]


@pytest.mark.glove
def test_it_gives_cat_a_few_percent_and_because_the_most() -> None:
    ex = cat_it_example()
    assert 0.01 < ex.it_to_cat < 0.05
    assert ex.top_word == "because" and ex.top_weight == pytest.approx(0.228, abs=1e-3)


@pytest.mark.glove
def test_contextualisation_on_real_vectors() -> None:
    ex = contextualisation_example()
    assert ex.dog.group_change("food") > 0  # "hot" pulls dog towards food words ...
    assert ex.dog.group_change("river") > ex.dog.group_change("food")  # ... but more towards water/river
    assert ex.bank.output_cosine > 0.99  # the two banks barely differ
    assert ex.bank.first.neighbours[0][0] == ex.bank.second.neighbours[0][0] == "banks"
    assert ex.dog.first.neighbours[0][0] == "cat"


@pytest.mark.glove
def test_attention_moves_dog_a_quarter_of_its_length_and_bank_almost_not_at_all() -> None:
    ex = contextualisation_example()
    assert 0.2 < ex.dog.first.moved_share < ex.dog.second.moved_share < 0.4  # "hot" adds to the move
    assert max(ex.bank.first.moved_share, ex.bank.second.moved_share) < 0.1
