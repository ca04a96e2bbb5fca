"""Tests for the contextualisation probe (explainer.widgets.contextualisation)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from explainer.embeddings import Embeddings
from explainer.examples.glove import contextualisation_example, glove_attention
from explainer.widgets import compute
from explainer.widgets.common import fmt
from explainer.widgets.contextualisation import N_NEIGHBOURS

NAME = "contextualisation_probe"
WORDS = ("the", "hot", "dog", "was", "cat", "food", "bank", "river", "money", "pizza", "bread", "wolf")
TINY = Embeddings(WORDS, np.random.default_rng(2).normal(size=(len(WORDS), 5)))


def neighbours(html: str, block: int) -> list[str]:
    lists = re.findall(r"<ol>(.*?)</ol>", html)
    return re.findall(r"<li>([^ <]+) ", lists[block])


def test_neighbours_of_the_raw_vector_and_of_the_output() -> None:
    result = compute(NAME, {"sentence": "the hot dog was", "word": "dog"}, embeddings=TINY)
    assert result.error is None
    r = glove_attention("the hot dog was", embeddings=TINY)
    raw = [w for w, _ in TINY.nearest(r.vectors[2], k=N_NEIGHBOURS, exclude=r.tokens)]
    out = [w for w, _ in TINY.nearest(r.output[2], k=N_NEIGHBOURS, exclude=r.tokens)]
    assert neighbours(result.html, 0) == raw and neighbours(result.html, 1) == out
    assert f'<span class="explainer-num">{fmt(r.weights[2, 1], 3)}</span>' in result.html
    moved = float(np.linalg.norm(r.output[2] - r.vectors[2]))
    assert (
        f"Attention moved it by {fmt(moved, 3)}, {moved / np.linalg.norm(r.vectors[2]):.0%} of" in result.html
    )


@pytest.mark.parametrize(
    ("state", "fragment"),
    [({"word": "cat"}, "“cat” is not among the sentence's known words"), ({"word": ""}, "exactly one word"),
     ({"word": "hot dog"}, "a single word"), ({"sentence": ""}, "Type a sentence"),
     ({"word": "<script>"}, "a single word")],
)  # fmt: skip
def test_bad_probes_get_a_clear_message(state: dict[str, str], fragment: str) -> None:
    result = compute(NAME, state, embeddings=TINY)
    assert result.error is not None and fragment in result.error
    assert "<script" not in result.html


def test_unknown_words_are_named_and_the_probe_still_runs() -> None:
    result = compute(NAME, {"sentence": "the zzyzx dog", "word": "DOG"}, embeddings=TINY)
    assert result.error is not None and "“zzyzx”" in result.error
    assert "Nearest words to the attention output for “dog”" in result.html


@pytest.mark.glove
def test_real_glove_matches_the_pages_example() -> None:
    expected = contextualisation_example().dog.second
    html = compute(NAME, {"sentence": expected.sentence, "word": expected.word}).html
    assert neighbours(html, 1) == [w for w, _ in expected.neighbours]
    assert f"Attention moved it by {fmt(expected.moved, 3)}, {expected.moved_share:.0%} of the length" in html
