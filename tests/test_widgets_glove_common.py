"""Tests for the GloVe widgets' sentence handling (explainer.widgets.glove_common)."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.embeddings import Embeddings
from explainer.examples.glove import glove_attention
from explainer.widgets.base import WidgetError
from explainer.widgets.glove_common import attend

WORDS = ("the", "cat", "'s", "bowl", "n't", "did", "it")
TINY = Embeddings(WORDS, np.random.default_rng(4).normal(size=(len(WORDS), 4)))


def source() -> Embeddings:
    return TINY


def test_known_sentence_is_exactly_glove_attention() -> None:
    att = attend("The cat's bowl", source, no_self=True)
    expected = glove_attention("The cat's bowl", no_self=True, embeddings=TINY)
    assert att.unknown == () and att.note is None
    assert att.result.tokens == expected.tokens and np.array_equal(att.result.weights, expected.weights)


def test_unknown_words_are_dropped_once_each_in_order() -> None:
    att = attend("the zz cat yy zz bowl", source)
    assert att.unknown == ("zz", "yy") and att.result.tokens == ("the", "cat", "bowl")
    assert att.note is not None and "These 2 words are not in the 7-word vocabulary" in att.note


def test_if_the_known_words_would_tokenise_differently_the_message_says_remove_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import explainer.widgets.glove_common as glove_common

    calls: list[str] = []

    def tokenize_twice_differently(text: str) -> list[str]:
        calls.append(text)
        return ["the", "zz", "cat"] if len(calls) == 1 else ["the", "ca", "t"]

    monkeypatch.setattr(glove_common, "tokenize", tokenize_twice_differently)
    with pytest.raises(WidgetError, match="Remove them"):
        attend("the zz cat", source)
    assert calls == ["the zz cat", "the cat"]


@pytest.mark.parametrize(("sentence", "fragment"), [("", "Type a sentence"), ("zz yy", "None of the words"),
                                                    ("the " * 65, "at most 64")])  # fmt: skip
def test_nothing_to_compute(sentence: str, fragment: str) -> None:
    with pytest.raises(WidgetError, match=fragment):
        attend(sentence, source)


def test_embeddings_are_not_loaded_for_an_empty_sentence() -> None:
    def refuse() -> Embeddings:
        raise AssertionError("loaded")

    with pytest.raises(WidgetError):
        attend(" ", refuse)
