"""Tests for explainer.examples.training: the toy model chapter 11 trains while the site builds."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest

from explainer.attention import softmax
from explainer.examples import training
from explainer.examples.training import (
    ADJECTIVES,
    ENDINGS,
    HELD_OUT,
    backward,
    first_step_above,
    forward,
    gradient_check,
    make_corpus,
    training_example,
    training_gradient_check,
)


def test_corpus_ends_every_sentence_with_the_first_nouns_ending() -> None:
    train, held_out = make_corpus(held_out=False), make_corpus(held_out=True)
    assert (len(train.sentences), len(held_out.sentences)) == (144, 48)
    for corpus in (train, held_out):
        for sentence, target, other in zip(corpus.sentences, corpus.targets, corpus.others, strict=True):
            words = sentence.split()
            assert words[7] == "it" and len(words) == 10
            assert words[-1] == ENDINGS[words[1]] == ADJECTIVES[target]
            assert ADJECTIVES[other] == ENDINGS[words[5]] != words[-1]
            assert (words[1] in training.ANIMALS) != (words[5] in training.ANIMALS)  # one animal, one place


def test_held_out_pairs_are_never_trained_on_but_every_noun_is() -> None:
    train = make_corpus(held_out=False)
    pairs = {frozenset((s.split()[1], s.split()[5])) for s in train.sentences}
    assert not pairs & {frozenset(p) for p in HELD_OUT}
    for noun, slot in itertools.product(ENDINGS, (1, 5)):
        assert any(s.split()[slot] == noun for s in train.sentences)


def test_the_page_sentences_are_where_the_page_says() -> None:
    ex = training_example()
    assert ex.held_out_sentences[0] == "the cat was near the mat because it was tired"
    assert ex.held_out_sentences[6] == "the mat was near the cat because it was soft"


def _naive_forward(params: dict[str, np.ndarray], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The model one sentence and one key at a time: weights (n, T) and probabilities (n, C)."""
    weights, probs = [], []
    for sentence in x:
        q = sentence[-1] @ params["w_q"]
        scores = [q @ (token @ params["w_k"]) / math.sqrt(len(q)) for token in sentence]
        a = softmax(np.array(scores))
        z = sum(a_t * (token @ params["w_v"]) for a_t, token in zip(a, sentence, strict=True))
        weights.append(a)
        probs.append(softmax(z @ params["w_o"] + params["b_o"]))
    return np.array(weights), np.array(probs)


def test_forward_matches_a_naive_loop() -> None:
    _, x, params = training._start(0, training.D_MODEL)
    targets = make_corpus(held_out=True).targets
    fwd = forward(params, x, targets)
    weights, probs = _naive_forward(params, x)
    np.testing.assert_allclose(fwd.weights, weights, rtol=1e-12)
    np.testing.assert_allclose(fwd.probs, probs, rtol=1e-12)
    assert fwd.loss == pytest.approx(-np.mean(np.log(probs[np.arange(len(targets)), targets])))


@pytest.mark.parametrize("scale", [1.0, 3.0])
def test_backward_matches_central_differences_on_every_parameter(scale: float) -> None:
    _, x, params = training._start(1, training.D_MODEL)
    sharper = {name: scale * value for name, value in params.items()}  # scale 3: far-from-uniform weights
    train = make_corpus(held_out=False)
    errors = gradient_check(sharper, x[:24], train.targets[:24])
    assert set(errors) == {"w_q", "w_k", "w_v", "w_o", "b_o"}
    assert max(errors.values()) < 1e-6, errors


def test_the_pages_gradient_check_passes() -> None:
    errors = training_gradient_check()
    assert max(errors.values()) < 1e-6, errors


def test_backward_does_not_modify_its_inputs() -> None:
    _, x, params = training._start(0, training.D_MODEL)
    targets = make_corpus(held_out=True).targets
    fwd = forward(params, x, targets)
    probs = fwd.probs.copy()
    backward(params, fwd, targets)
    np.testing.assert_array_equal(fwd.probs, probs)


def test_training_routes_it_to_the_subject_and_predicts_the_ending() -> None:
    ex = training_example()
    assert len(ex.loss) == len(ex.p_right) == ex.steps + 1
    assert ex.loss[0] == pytest.approx(math.log(len(ADJECTIVES)), abs=0.1)  # a near-uniform start
    assert ex.loss[-1] < 0.05 and ex.held_out_loss[-1] < 0.05
    assert ex.p_right[0] < 0.2 < 0.95 < ex.p_right[-1]
    assert ex.p_other[-1] < 0.01
    assert ex.weight_subject[0] < 0.2 < 0.95 < ex.weight_subject[-1]
    assert ex.weight_other[-1] < 0.01
    assert ex.accuracy(after=True) == 1.0 > ex.accuracy(after=False)
    assert ex.prob(0, "tired", after=True) > 0.95 > 0.01 > ex.prob(0, "soft", after=True)
    assert ex.attention(6, "mat", after=True) > 0.95  # the mat sentence: not "always the animal"
    assert ex.cross_entropy(0, "tired", after=False) == pytest.approx(-math.log(ex.prob(0, "tired", False)))


def test_the_weight_moves_before_the_probability_as_the_page_says() -> None:
    ex = training_example()
    assert first_step_above(ex.weight_subject) < first_step_above(ex.p_right)
    with pytest.raises(ValueError, match="never"):
        first_step_above(ex.p_other)


def test_weights_and_probabilities_are_distributions_and_read_only() -> None:
    ex = training_example()
    for a in (ex.probs_before, ex.probs_after, ex.weights_before, ex.weights_after):
        np.testing.assert_allclose(a.sum(axis=1), 1.0)
        assert not a.flags.writeable
    assert not ex.loss.flags.writeable


def test_training_is_reproducible_and_the_seed_matters() -> None:
    again = training_example.__wrapped__(0)
    np.testing.assert_array_equal(again.loss, training_example().loss)
    other = training_example.__wrapped__(2)
    assert not np.array_equal(other.loss, again.loss)
    assert other.weight_subject[-1] > 0.9  # not one lucky seed
    with pytest.raises(ValueError, match="seed"):
        training_example(-1)


def test_training_fits_the_build_budget() -> None:
    start = time.process_time()
    training_example.__wrapped__(0)
    assert time.process_time() - start < 2.0


def test_tables_show_before_and_after() -> None:
    summary = training.TABLES["training_table"]()
    assert summary.headers == ("measured (mean)", "untrained", "after 300 steps")
    ranked = {row[0]: row[1:] for row in summary.rows}["right ending ranked first"]
    assert ranked[1] == "100%" != ranked[0]
    attention = training.TABLES["training_attention_table"]()
    assert [r[0] for r in attention.rows] == [str(i) for i in range(1, 9)]  # positions count from 1
    assert [r[1] for r in attention.rows][:2] == ["the", "cat"]
