"""Tests for the heatmap explorer (explainer.widgets.heatmap_explorer)."""

from __future__ import annotations

import gzip
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import explainer.examples
from explainer.embeddings import Embeddings, tokenize
from explainer.examples.glove import glove_attention
from explainer.sitebuild.directives import iter_directives, transform
from explainer.sitebuild.values import ValueEvaluator, public_namespace
from explainer.widgets import compute, prerender
from explainer.widgets.colour import SCALE_STEPS, contrast_ratio, text_colour, weight_colour
from explainer.widgets.common import fmt
from explainer.widgets.heatmap_explorer import KNOWN_CELLS_UP_TO, LINES_UP_TO, SPEC, known_states, parse_cell
from explainer.widgets.heatmap_lines import line_opacity, line_width

NAME = "heatmap_explorer"
WORDS = ("the", "king", "and", "queen", "ruled", "kingdom", "cat", "it", ".")
TINY = Embeddings(WORDS, np.random.default_rng(11).normal(size=(len(WORDS), 6)))
SENTENCE = "The king and queen ruled the kingdom"


class _Tags(HTMLParser):
    """Every start tag of a fragment: (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags_of(html: str, tag: str) -> list[dict[str, str]]:
    parser = _Tags()
    parser.feed(html)
    return [attrs for name, attrs in parser.tags if name == tag]


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
    panel = html.split('<section class="explainer-computation"')[1]
    assert "<td>" not in panel and 'data-set="terms=1">Show all 6 products' in panel  # asked for, not shipped
    shown = compute(NAME, {"sentence": SENTENCE, "cell": "1,3", "terms": "1"}, embeddings=TINY)
    q, k = TINY.lookup(["king"]), TINY.lookup(["queen"])  # (1, 6) each
    assert shown.state["terms"] == "1" and 'data-set="terms="' in shown.html
    shown_panel = shown.html.split('<section class="explainer-computation"')[1]
    assert shown_panel.count("<td>") == 6 * 3 and f"<td>{fmt(float(q[0, 2] * k[0, 2]))}</td>" in shown_panel


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


def test_every_token_has_its_largest_weights_in_words() -> None:
    html = compute(NAME, {"sentence": "the cat . it"}, embeddings=TINY).html
    r = glove_attention("the cat . it", embeddings=TINY)
    assert html.count(" attends most to ") == 4
    top = np.argsort(-r.weights[3], kind="stable")[:3]
    named = ", ".join(f"{r.tokens[j]} {fmt(r.weights[3, j], 3)}" for j in top)
    assert f"<li>it attends most to {named}</li>" in html


@pytest.mark.glove
def test_real_glove_king_attends_to_itself_then_queen_and_kingdom() -> None:
    result = compute(NAME, {"sentence": SENTENCE})
    w = weights_of(result.html)
    assert np.array_equal(w, glove_attention(SENTENCE).weights)
    assert int(np.argmax(w[1])) == 1 and {int(i) for i in np.argsort(-w[1])[1:3]} == {3, 6}


def test_the_words_view_is_collapsed_and_kept_as_the_reader_leaves_it() -> None:
    html = compute(NAME, {"sentence": SENTENCE}, embeddings=TINY).html
    assert '<details class="hx-words" data-keep="words"><summary>' in html


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
    state = {"sentence": "king queen", "causal": True, "cell": "1,0", "terms": "1"}
    html = compute(NAME, state, embeddings=TINY).html
    assert "over the 2 keys queen may attend to" in html
    rows = re.findall(r'<tr><th scope="row">(\d+)</th>', html)
    assert rows == [str(d) for d in range(1, 7)]  # dimensions 1..6, as the reader counts
    first = compute(NAME, {"sentence": "king queen", "causal": True, "cell": "0,0"}, embeddings=TINY).html
    assert "over the 1 key king may attend to" in first


def test_the_products_request_is_dropped_without_a_cell() -> None:
    result = compute(NAME, {"sentence": SENTENCE, "cell": "9,9", "terms": "1"}, embeddings=TINY)
    assert result.state["cell"] == "" and result.state["terms"] == ""


def test_the_embeddings_page_states_both_weights_of_its_own_heatmap() -> None:
    """Chapter 9: the scores of "cat" and "it" are symmetric, the weights are not, and the page says so."""
    page = (Path(__file__).parents[1] / "docs" / "embeddings.md").read_text(encoding="utf-8")
    block = next(d for d in iter_directives(page) if d.name == NAME)
    result = compute(NAME, dict(block.params))  # the heatmap as the page shows it
    tokens = re.findall(r'<th scope="row" data-q="\d+">([^<]+)</th>', result.html)
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


def test_every_cell_is_coloured_by_its_weight_and_its_number_keeps_its_contrast() -> None:
    r = glove_attention(SENTENCE, causal=True, embeddings=TINY)
    cells = tags_of(compute(NAME, {"sentence": SENTENCE, "causal": True}, embeddings=TINY).html, "button")
    cells = [c for c in cells if c.get("class") == "explainer-cell"]
    assert len(cells) == 49
    for c in cells:
        w, allowed = (
            r.weights[int(c["data-row"]), int(c["data-col"])],
            r.mask[int(c["data-row"]), int(c["data-col"])],
        )
        assert float(c["data-weight"]) == w
        style = dict(part.split(":") for part in c["style"].split(";"))
        assert math.isclose(float(style["--s"]) ** 2, w, abs_tol=2e-3)  # the square's area is the weight
        if not allowed:
            assert "background" not in style  # a masked pair is marked ×, not coloured
            continue
        step = round(w * (SCALE_STEPS - 1)) / (SCALE_STEPS - 1)
        assert style["background"] == weight_colour(step) and style["color"] == text_colour(
            style["background"]
        )
        assert contrast_ratio(style["background"], style["color"]) >= 4.5


def test_the_lines_view_draws_each_allowed_pair_with_its_weight() -> None:
    r = glove_attention(SENTENCE, no_self=True, embeddings=TINY)
    html = compute(NAME, {"sentence": SENTENCE, "no_self": True}, embeddings=TINY).html
    paths, groups = tags_of(html, "path"), tags_of(html, "g")
    assert [int(g["data-q"]) for g in groups] == list(range(7))
    assert len(paths) == int(r.mask.sum()) == 42  # the diagonal is masked: no line
    svg = html.split("<svg")[1].split("</svg>")[0]
    for i, group in enumerate(svg.split("<g ")[1:]):
        for p in tags_of("<g " + group, "path"):
            j, w = int(p["data-k"]), float(r.weights[i, int(p["data-k"])])
            assert i != j and p["d"] == f"M0 {i + 0.5:g}L1 {j + 0.5:g}"
            assert p["stroke-opacity"] == line_opacity(w) and p["stroke-width"] == line_width(w)
    tokens = tags_of(html, "button")
    assert sum("data-q" in t for t in tokens) == sum("data-k" in t for t in tokens) == 7  # both columns
    assert all(t["aria-pressed"] == "false" for t in tokens if t.get("class") == "hx-token")


def test_long_sentences_show_the_heatmap_alone_and_say_why() -> None:
    long = " ".join(["the king and queen"] * 4)  # 16 tokens
    html = compute(NAME, {"sentence": long}, embeddings=TINY).html
    assert "<svg" not in html and f"lines view draws sentences of up to {LINES_UP_TO} tokens" in html
    assert weights_of(html).shape == (16, 16)


def test_known_states_are_the_toggles_and_the_cells_of_a_short_sentence() -> None:
    state = {"sentence": SENTENCE, "no_self": True, "causal": False, "scale": True, "cell": "", "terms": ""}
    states = known_states(SPEC, state)
    assert len(states) == 8 + 49
    assert {s["cell"] for s in states[8:]} == {f"{i},{j}" for i in range(7) for j in range(7)}
    assert all(s["no_self"] is True and s["scale"] is True for s in states[8:])  # the page's own toggles
    long = {**state, "sentence": " ".join(["king"] * (KNOWN_CELLS_UP_TO + 1))}
    assert len(known_states(SPEC, long)) == 8


KNOWN = re.compile(r'<template data-known="[^"]*"[^>]*>.*?</template>', re.S)
BUDGET_GZIP = 150_000  # the known states one page may ship (tests/e2e/test_instant.py)


@pytest.mark.glove
@pytest.mark.parametrize("page", ["self-attention.md", "embeddings.md"])
def test_the_pages_heatmaps_ship_their_known_states_within_the_budget(page: str) -> None:
    """The page's heatmap templates, gzipped as the page is served, leave room for its other widgets."""
    text = (Path(__file__).parents[1] / "docs" / page).read_text(encoding="utf-8")
    block = next(d for d in iter_directives(text) if d.name == NAME)
    html = prerender(NAME, dict(block.params))
    templates = KNOWN.findall(html)
    size = len(gzip.compress("".join(templates).encode(), 9))
    assert size <= BUDGET_GZIP * 2 // 3, (page, len(templates), size)
    n = len(tokenize(dict(block.params).get("sentence", SENTENCE)))
    assert len(templates) == 8 + (n * n if n <= KNOWN_CELLS_UP_TO else 0)
