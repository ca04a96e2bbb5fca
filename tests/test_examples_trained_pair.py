"""Tests for explainer.examples.trained_pair: a control pair of the reader's, every head's preference."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.examples import trained_pair as ex
from explainer.minilm import Encoding

TOKENS = ("[CLS]", "the", "cat", "sat", "because", "it", "was", "tired", "[SEP]")


def fake_encode(attentions: np.ndarray) -> object:
    """An ``encode`` that gives every sentence the same tokens and the given weights."""

    def encode(sentence: str) -> Encoding:
        tokens = ("[CLS]", *sentence.lower().split(), "[SEP]")
        return Encoding(
            tokens, tuple(range(len(tokens))), np.zeros((1, len(tokens), 2)), attentions[sentence]
        )

    return encode


def test_word_changes_name_each_changed_stretch() -> None:
    assert ex.word_changes("The cat was tired", "the CAT was soft") == ((("tired",), ("soft",)),)
    assert ex.word_changes("a b c", "a b c") == ()
    assert ex.word_changes("a b c d", "x b y d") == ((("a",), ("x",)), (("c",), ("y",)))
    assert ex.word_changes("a too b", "a b") == ((("too",), ()),)


def test_a_split_word_is_found_at_its_first_piece_and_a_repeated_word_at_its_first_place() -> None:
    tokens = ["[CLS]", "the", "cat", "##amaran", "saw", "the", "cat", "##amaran", "[SEP]"]
    place = ex.word_place("The catamaran saw the catamaran", tokens, "Catamaran")
    assert place == ex.WordPlace(word="catamaran", index=2, pieces=("cat", "##amaran"), count=2)
    assert ex.word_place("The catamaran saw the catamaran", tokens, "dog") is None
    with pytest.raises(ValueError, match="not one word"):
        ex.word_place("The cat", ["[CLS]", "the", "cat", "[SEP]"], "the cat")


def test_preference_flips_and_moves_against_a_brute_force_recount() -> None:
    rng = np.random.default_rng(3)
    first, second = "the cat sat because it was tired", "the cat sat because it was soft"
    weights = {s: rng.dirichlet(np.ones(9), size=(6, 12, 9)) for s in (first, second)}  # (6, 12, 9, 9)
    pair = ex.pair_preference((first, second), ("it", "cat", "sat"), fake_encode(weights), margin=0.05)
    flips, to_b, moves = 0, 0, []
    for i in range(6):
        for j in range(12):
            p = [weights[s][i, j, 5, 2] - weights[s][i, j, 5, 3] for s in (first, second)]
            to_b += p[0] > 0.05 and p[1] < -0.05
            flips += (p[0] > 0.05 and p[1] < -0.05) or (p[0] < -0.05 and p[1] > 0.05)
            moves.append((abs(p[1] - p[0]), p[1] - p[0], i + 1, j + 1))
            assert pair.preference[:, i, j].tolist() == p
    assert (pair.flips, int(pair.to_b.sum())) == (flips, to_b)
    best = sorted(moves, key=lambda m: -m[0])[:3]
    assert [(r.layer, r.head, r.score) for r in pair.moved(3)] == [(i, j, s) for _, s, i, j in best]


def test_a_word_missing_from_a_sentence_is_a_clear_error() -> None:
    weights = {s: np.full((6, 12, 4, 4), 0.25) for s in ("it was cat", "it was dog")}
    with pytest.raises(ValueError, match="cat not among the words of 'it was dog'"):
        ex.pair_preference(("it was cat", "it was dog"), ("it", "was", "cat"), fake_encode(weights))


def test_the_margin_is_the_control_experiments(minilm_weights: None) -> None:
    from explainer.examples import referent_control

    assert referent_control().margin == ex.MARGIN
