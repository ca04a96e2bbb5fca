"""Tests for the minilm_pair widget: the reader's own control pair, its scatter, its messages."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pytest

from explainer.examples.trained_heads import CONTROL_PAIRS
from explainer.widgets import compute, prerender
from tests.test_widgets_minilm_live import ask, browser  # noqa: F401 (browser: a fixture, a host without the weights)

TROPHY = (
    "The trophy didn't fit in the suitcase because it was too big",
    "The trophy didn't fit in the suitcase because it was too small",
)
TITLE = re.compile(r"<title>L(\d) H(\d+): ([^ ]+) → ([^ <]+?)( \(flips\))?</title>")


def number(text: str) -> float:
    return float(text.replace("−", "-").replace("+", ""))


def marks(page: str) -> dict[tuple[int, int], tuple[float, float, bool]]:
    """Every head's mark in the scatter, from its ``<title>``: (x, y, flips)."""
    return {(int(i), int(j)): (number(x), number(y), bool(flip)) for i, j, x, y, flip in TITLE.findall(page)}


def test_the_default_pair_is_the_control_experiments_first_pair(minilm_weights: None) -> None:
    from explainer.examples import compact_accuracy, referent_control

    result = compute("minilm_pair", {})
    assert result.error is None, result.error
    control = referent_control()
    full = control.pairs[0]
    found = marks(result.html)
    assert len(found) == 72
    tolerance = 0.005 + 2 * compact_accuracy().max_attention_error  # two decimals; float16 weights
    for (i, j), (x, y, _) in found.items():
        assert abs(x - full.preference_original[i - 1, j - 1]) <= tolerance
        assert abs(y - full.preference_control[i - 1, j - 1]) <= tolerance
    flips = sum(flip for _, _, flip in found.values())
    m = control.margin
    recount = int(((full.preference_original > m) & (full.preference_control < -m)).sum())
    recount += int(((full.preference_original < -m) & (full.preference_control > m)).sum())
    assert flips == recount and control.flips_per_pair[0] <= flips
    verb = "flips" if flips == 1 else "flip"
    assert f"{flips} of the 72 heads {verb} between the sentences beyond ±0.02" in result.html


def test_the_compact_preferences_are_within_the_compact_models_error_of_the_figures(
    minilm_weights: None,
) -> None:
    from explainer.examples import compact_accuracy, compact_encode, referent_control
    from explainer.examples.trained_pair import pair_preference

    for (original, changed, a, b), full in zip(CONTROL_PAIRS, referent_control().pairs, strict=True):
        pair = pair_preference((original, changed), ("it", a, b), compact_encode)
        worst = np.abs(pair.preference - [full.preference_original, full.preference_control]).max()
        assert worst <= 2 * compact_accuracy().max_attention_error, worst
        np.testing.assert_array_equal(
            pair.to_b, (full.preference_original > 0.02) & (full.preference_control < -0.02)
        )


def test_the_summary_names_the_head_that_moves_most_and_every_table_row_agrees(minilm_weights: None) -> None:
    result = compute(
        "minilm_pair", {"sentence": TROPHY[0], "control": TROPHY[1], "noun_a": "trophy", "noun_b": "suitcase"}
    )
    assert result.error is None, result.error
    found = marks(result.html)
    moved = max(found, key=lambda k: abs(found[k][1] - found[k][0]))
    assert "The pair differs in one word (“big” → “small”)" in result.html
    assert f"The head that moves most is L{moved[0]} H{moved[1]}" in result.html
    rows = re.findall(r'<tr><th scope="row">L(\d) H(\d+)</th><td>([^<]+)</td><td>([^<]+)</td>', result.html)
    assert len(rows) == 5 + 72  # the five that move most, then every head in the disclosure
    for i, j, x, y in rows:
        assert (number(x), number(y)) == found[(int(i), int(j))][:2]
    assert not re.search(r"nan|inf", result.html, re.I)


BAD = [
    ({"sentence": ""}, "Type the first sentence: its box is empty"),
    ({"control": "  "}, "Type the second sentence: its box is empty"),
    ({"pronoun": ""}, "Type the pronoun: its box is empty"),
    ({"noun_a": "big cat"}, "reads as 2 words (big, cat); type one word"),
    ({"noun_b": "cat"}, "must be three different words"),
    ({"control": CONTROL_PAIRS[0][0]}, "the same word for word"),
    (
        {"control": "A dog sat on the mat because it was soft"},
        "these words differ: “the cat” → “a dog”; “tired” → “soft”",
    ),
    ({"control": "The cat sat on the mat because it was very soft"}, "“tired” → “very soft”"),
    ({"pronoun": "she"}, "“she” is not in the first sentence; “she” is not in the second sentence"),
    ({"sentence": "word " * 70, "control": "word " * 69 + "x"}, "has 70 words, so at least 70 word pieces"),
]


@pytest.mark.parametrize(("state", "says"), BAD)
def test_every_bad_input_gets_its_message_and_keeps_the_text(state: dict[str, str], says: str) -> None:
    result = compute("minilm_pair", state)
    assert result.error is not None and says in result.error, result.error
    for name, typed in state.items():
        assert result.state[name] == typed


def test_too_many_word_pieces_are_counted_with_the_vocabulary(minilm_weights: None) -> None:
    from explainer.examples.trained_live import compact_minilm

    long = "it cat mat " + "unbelievably " * 25 + "x"  # 29 words, each "unbelievably" several pieces
    pieces = len(compact_minilm().tokenizer.tokenize(long))
    assert pieces > 64
    result = compute("minilm_pair", {"sentence": long, "control": long[:-1] + "y"})
    assert (
        result.error is not None and f"has {pieces} word pieces; this widget takes at most 64" in result.error
    )


def test_a_split_word_is_measured_at_its_first_piece_and_said_so(minilm_weights: None) -> None:
    from explainer.examples import compact_encode

    state = {
        "sentence": "The catamaran sat on the mat because it was tired",
        "control": "The catamaran sat on the mat because it was soft",
        "noun_a": "Catamaran",
    }
    result = compute("minilm_pair", state)
    assert result.error is None
    assert "“catamaran” is 3 word pieces (cat ##ama ##ran)" in result.html
    assert "first piece, “cat”" in result.html
    enc = compact_encode(state["sentence"])
    it, cat, mat = enc.tokens.index("it"), enc.tokens.index("cat"), enc.tokens.index("mat")
    x = enc.attentions[3, 1, it, cat] - enc.attentions[3, 1, it, mat]
    assert marks(result.html)[(4, 2)][0] == pytest.approx(x, abs=0.005)


def test_the_chapters_pairs_are_known_states_that_need_no_download(minilm_weights: None) -> None:
    page = prerender("minilm_pair")
    keys = [dict(json.loads(html.unescape(k))) for k in re.findall(r'<template data-known="([^"]+)"', page)]
    assert sorted((k["sentence"], k["control"], k["noun_a"], k["noun_b"]) for k in keys) == sorted(
        CONTROL_PAIRS
    )
    assert all("load" not in k and k["pronoun"] == "it" for k in keys)  # agreed or not, the same


def test_a_bad_pair_is_answered_before_anything_downloads(browser: Path) -> None:  # noqa: F811
    response, fetched = ask({"control": "The cat sat on the mat because it was"}, browser, "minilm_pair")
    assert fetched == [] and "“tired” only in the first" in str(response["error"])


def test_in_the_browser_a_pair_asks_first_then_computes_the_hosts_numbers(browser: Path) -> None:  # noqa: F811
    from explainer.examples.trained_live import compact_minilm
    from explainer.examples.trained_pair import pair_preference

    state = {"sentence": TROPHY[0], "control": TROPHY[1], "noun_a": "trophy", "noun_b": "suitcase"}
    response, fetched = ask(state, browser, "minilm_pair")
    assert fetched == ["minilm/about.json"] and 'data-set="load=yes"' in str(response["html"])
    response, fetched = ask({**state, "load": "yes"}, browser, "minilm_pair")
    assert response["error"] is None and "minilm/model-f16.safetensors" in fetched
    host = pair_preference(TROPHY, ("it", "trophy", "suitcase"), compact_minilm().encode)
    for (i, j), (x, y, _) in marks(str(response["html"])).items():
        assert (x, y) == pytest.approx(tuple(host.preference[:, i - 1, j - 1]), abs=0.0051)
