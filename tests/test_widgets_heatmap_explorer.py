"""Tests for the heatmap explorer (explainer.widgets.heatmap_explorer)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

import explainer.examples
from explainer.embeddings import Embeddings
from explainer.examples.glove import glove_attention
from explainer.sitebuild.directives import iter_directives, transform
from explainer.sitebuild.values import ValueEvaluator, public_namespace
from explainer.widgets import compute
from explainer.widgets.common import fmt
from explainer.widgets.heatmap_explorer import parse_cell

NAME = "heatmap_explorer"
WORDS = ("the", "king", "and", "queen", "ruled", "kingdom", "cat", "it", ".")
TINY = Embeddings(WORDS, np.random.default_rng(11).normal(size=(len(WORDS), 6)))
SENTENCE = "The king and queen ruled the kingdom"


def weights_of(html: str) -> np.ndarray:
    values = [float(x) for x in re.findall(r'data-weight="([^"]+)"', html)]
    n = math.isqrt(len(values))
    return np.array(values).reshape(n, n)


@pytest.mark.parametrize("options", [{}, {"no_self": True}, {"causal": True}, {"scale": False},
                                     {"no_self": True, "causal": True}])  # fmt: skip
def test_cells_carry_exactly_the_weights_of_glove_attention(options: dict[str, bool]) -> None:
    no_self, causal, scaled = (
        options.get("no_self", False),
        options.get("causal", False),
        options.get("scale", True),
    )
    expected = glove_attention(SENTENCE, no_self=no_self, causal=causal, scaled=scaled, embeddings=TINY)
    result = compute(NAME, {"sentence": SENTENCE, **options}, embeddings=TINY)
    assert result.error is None
    assert np.array_equal(weights_of(result.html), expected.weights)
    assert result.html.count('<button class="explainer-cell"') == 49
    assert result.html.count(">×</button>") == int((~expected.mask).sum())


def test_cells_have_accessible_names_with_both_tokens_and_the_weight() -> None:
    html = compute(NAME, {"sentence": SENTENCE}, embeddings=TINY).html
    w = glove_attention(SENTENCE, embeddings=TINY).weights[1, 3]
    assert f'aria-label="king to queen: weight {fmt(w, 3)}"' in html
    assert 'aria-label="the (1) to the (6): weight' in html  # repeated tokens are numbered


def test_selecting_a_cell_shows_its_computation() -> None:
    r = glove_attention(SENTENCE, embeddings=TINY)
    result = compute(NAME, {"sentence": SENTENCE, "cell": "1,3"}, embeddings=TINY)
    html = result.html
    assert result.state["cell"] == "1,3" and 'data-set="cell=1,3" aria-label' in html
    score = r.scaled_scores[1, 3]
    denominator = np.exp(r.scaled_scores[1]).sum()
    assert f"= {fmt(r.raw_scores[1, 3])}</li>" in html
    assert f"÷ √6 = {fmt(score)}</li>" in html
    assert f"Softmax numerator e^s = {fmt(math.exp(score))}" in html
    assert f"over the 7 keys king may attend to = {fmt(denominator)}" in html
    assert f"= {fmt(r.weights[1, 3], 6)}</li>" in html
    assert math.isclose(math.exp(score) / denominator, r.weights[1, 3], rel_tol=1e-12)
    assert html.count("<td>") >= 6 * 3  # the six products q_d × k_d, with q_d and k_d


def test_a_masked_cell_explains_that_its_weight_is_exactly_zero() -> None:
    html = compute(NAME, {"sentence": SENTENCE, "causal": True, "cell": "0,3"}, embeddings=TINY).html
    assert "This pair is masked" in html and "exactly 0" in html


@pytest.mark.parametrize("cell", ["9,9", "x", "1", "1,2,3", "-1,0", "٣,1"])
def test_a_cell_that_does_not_exist_is_cleared(cell: str) -> None:
    result = compute(NAME, {"sentence": SENTENCE, "cell": cell}, embeddings=TINY)
    assert result.error is None and result.state["cell"] == ""
    assert "Select a cell" in result.html


def test_parse_cell() -> None:
    assert parse_cell(" 2, 3", 4) == (2, 3)
    assert parse_cell("4,0", 4) is None


def test_unknown_words_are_named_and_the_rest_is_computed() -> None:
    result = compute(NAME, {"sentence": "The king zorblax and queen <qux>"}, embeddings=TINY)
    assert result.error is not None
    assert "“zorblax”" in result.error and "“qux”" in result.error and "left out" in result.error
    expected = glove_attention("the king and queen <", embeddings=Embeddings((*WORDS, "<"), np.vstack(
        [TINY.vectors, np.zeros((1, 6))]))).weights.shape  # fmt: skip
    assert weights_of(result.html).shape == (4, 4) != expected


@pytest.mark.parametrize(
    ("sentence", "fragment"),
    [("", "Type a sentence"), ("   ", "Type a sentence"), ("zorblax quux", "None of the words"),
     ("the " * 65, "65 tokens; this widget handles at most 64")],
)  # fmt: skip
def test_sentences_that_cannot_be_computed_get_a_clear_message(sentence: str, fragment: str) -> None:
    result = compute(NAME, {"sentence": sentence}, embeddings=TINY)
    assert result.error is not None and fragment in result.error
    assert result.state["sentence"] == sentence and "<table" not in result.html


def test_sixty_four_tokens_are_still_computed() -> None:
    result = compute(NAME, {"sentence": "the king " * 32}, embeddings=TINY)
    assert result.error is None and weights_of(result.html).shape == (64, 64)


def test_every_row_has_its_bars() -> None:
    html = compute(NAME, {"sentence": "the cat . it"}, embeddings=TINY).html
    assert html.count("attends most to</figcaption>") == 4


@pytest.mark.glove
def test_real_glove_king_attends_to_itself_then_queen_and_kingdom() -> None:
    result = compute(NAME, {"sentence": SENTENCE})
    w = weights_of(result.html)
    assert np.array_equal(w, glove_attention(SENTENCE).weights)
    assert int(np.argmax(w[1])) == 1 and {int(i) for i in np.argsort(-w[1])[1:3]} == {3, 6}


def test_the_bar_view_is_open_for_short_sentences_only() -> None:
    short = compute(NAME, {"sentence": SENTENCE}, embeddings=TINY).html
    long = compute(NAME, {"sentence": "the cat . it " * 3}, embeddings=TINY).html
    assert '<details class="explainer-token-bars" data-keep="bars" open>' in short
    assert '<details class="explainer-token-bars" data-keep="bars">' in long


def test_huge_scores_use_the_max_shifted_form_instead_of_overflowing() -> None:
    big = Embeddings(("a", "b"), np.array([[30.0, 0.0], [29.0, 1.0]]))  # unscaled a·a = 900
    result = compute(NAME, {"sentence": "a b", "scale": False, "cell": "0,1"}, embeddings=big)
    assert result.error is None
    assert "e^(s − 900)" in result.html and "Weight = " in result.html
    r = glove_attention("a b", scaled=False, embeddings=big)
    assert f"= {fmt(r.weights[0, 1], 6)}</li>" in result.html


def test_the_caption_counts_tokens_and_names_a_fully_masked_row_from_one() -> None:
    html = compute(NAME, {"sentence": SENTENCE, "no_self": True, "causal": True}, embeddings=TINY).html
    caption = re.search(r"<caption>([^<]*)</caption>", html)
    assert caption is not None
    assert caption.group(1) == (
        "Attention weights of 7 tokens: row = query, column = key; each row sums to 1, except row 1 (the), "
        "which is fully masked: all its weights are 0."
    )
    one = compute(NAME, {"sentence": "king"}, embeddings=TINY).html
    assert "Attention weights of 1 token:" in one and "each row sums to 1." in one


def test_the_softmax_step_and_the_terms_count_from_one_and_agree_in_number() -> None:
    html = compute(NAME, {"sentence": "king queen", "causal": True, "cell": "1,0"}, embeddings=TINY).html
    assert "over the 2 keys queen may attend to" in html
    rows = re.findall(r'<tr><th scope="row">(\d+)</th>', html)
    assert rows == [str(d) for d in range(1, 7)]  # dimensions 1..6, as the reader counts
    assert "All 6 products" in html
    first = compute(NAME, {"sentence": "king queen", "causal": True, "cell": "0,0"}, embeddings=TINY).html
    assert "over the 1 key king may attend to" in first


def test_both_disclosures_keep_their_state_across_renders() -> None:
    html = compute(NAME, {"sentence": SENTENCE, "cell": "1,3"}, embeddings=TINY).html
    assert 'data-keep="terms"' in html and 'data-keep="bars"' in html


def test_the_embeddings_page_states_both_weights_of_its_own_heatmap() -> None:
    """Chapter 9: the scores of "cat" and "it" are symmetric, the weights are not, and the page says so."""
    page = (Path(__file__).parents[1] / "docs" / "embeddings.md").read_text(encoding="utf-8")
    block = next(d for d in iter_directives(page) if d.name == NAME)
    result = compute(NAME, dict(block.params))  # the heatmap as the page shows it
    tokens = re.findall(r'<th scope="row">([^<]+)</th>', result.html)
    weights = weights_of(result.html)
    cat_it, it_cat = (
        weights[tokens.index("cat"), tokens.index("it")],
        weights[tokens.index("it"), tokens.index("cat")],
    )
    assert cat_it > 3 * it_cat  # one score, two very different weights

    section = page.split("## What learned projections change")[1]
    assert "exactly as hard" not in section
    prose = transform(section, lambda _: "", ValueEvaluator(public_namespace(explainer.examples)).render)
    assert f'"cat" gives "it"\n{cat_it:.1%}' in prose and f'"it" gives "cat" only\n{it_cat:.1%}' in prose
