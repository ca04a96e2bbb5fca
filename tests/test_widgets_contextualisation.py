"""Tests for the contextualisation probe (explainer.widgets.contextualisation)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from explainer.embeddings import Embeddings
from explainer.examples.glove import contextualisation_example, glove_attention
from explainer.glove_rows import FREQUENT_FILE, NEAR_INDEX, GloveRows, shard_name, shard_of, write_rows
from explainer.widgets import compute
from explainer.widgets.common import fmt
from explainer.widgets.contextualisation import N_NEIGHBOURS
from tests.test_glove_rows import fetch_like_the_worker

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


@pytest.mark.parametrize("sentence", ["the hot dog was", "the zzyzx dog"])
def test_in_the_browser_the_probe_reads_rows_and_the_index_never_the_frequent_file(
    tmp_path: Path, sentence: str
) -> None:
    """As the worker runs it: every file the probe asks for is one a NeedFiles named; none is the
    3.7 MB frequent-words file, and the answer (unknown-word message too) is the in-memory one."""
    write_rows(TINY, tmp_path / "served", 4)
    state = {"sentence": sentence, "word": "dog"}
    rows = GloveRows(4)
    result, asked = fetch_like_the_worker(
        lambda: compute(NAME, state, embeddings=rows), tmp_path / "served", tmp_path / "local"
    )
    in_memory = compute(NAME, state, embeddings=TINY)
    assert (result.html, result.error) == (in_memory.html, in_memory.error)  # type: ignore[attr-defined]
    assert FREQUENT_FILE not in asked
    shards = sorted({shard_name(shard_of(w, 4)) for w in sentence.split()})
    assert asked[: len(shards)] == shards and asked[len(shards)] == NEAR_INDEX  # rows first, then the index
    assert all(n.startswith("glove-near/0") for n in asked[len(shards) + 1 :])
