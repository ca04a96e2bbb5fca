"""Tests for the blending slider (explainer.widgets.blending)."""

from __future__ import annotations

import gzip
import json
import re
from html import unescape
from pathlib import Path

import numpy as np
import pytest

from explainer.examples.blending import THREE_VALUES, TWO_VALUES, blend_values
from explainer.widgets import compute, prerender
from explainer.widgets.blending import WEIGHT_STOPS
from explainer.widgets.common import fmt

NAME = "blending_slider"
Z = re.compile(r'<g class="bl-z[^"]*" transform="translate\(([-\d.]+) ([-\d.]+)\)" '
               r'data-ux="([-\d.]+)" data-uy="([-\d.]+)"')  # fmt: skip
PLANE = re.compile(r'viewbox="([^"]+)" role="group" aria-label="[^"]*" data-origin-x="([-\d.]+)" '
                   r'data-origin-y="([-\d.]+)" data-scale="([-\d.e]+)"')  # fmt: skip
KNOWN = re.compile(r'<template data-known="([^"]*)">(.*?)</template>', re.S)
KNOWN_TAG = re.compile(r'<template data-known="[^"]*"[^>]*>.*?</template>', re.S)


def shown_weights(html: str) -> list[float]:
    return [float(w) for w in re.search(r"w = \[([^\]]+)\]", html).group(1).split(", ")]


def check_state(html: str, values: tuple[tuple[float, float], ...]) -> None:
    """The weights shown blend ``values`` into the z the text states and the picture draws."""
    w = shown_weights(html)
    blend = blend_values(w, values)
    assert f"= [{fmt(blend.output[0], 3)}, {fmt(blend.output[1], 3)}]." in html
    _, ox, oy, scale = PLANE.search(html).groups()
    x, y, ux, uy = (float(v) for v in Z.search(html).groups())
    assert (x, y) == (ux, uy)
    assert x == pytest.approx(float(ox) + blend.output[0] * float(scale), abs=0.06)
    assert y == pytest.approx(float(oy) - blend.output[1] * float(scale), abs=0.06)
    assert ("bl-z--outside" in html) == (not blend.convex)


def test_the_first_state_blends_the_worked_examples_values() -> None:
    result = compute(NAME, {})
    assert result.error is None
    assert shown_weights(result.html) == [0.9, 0.1]
    check_state(result.html, TWO_VALUES)
    assert "10% of the way from v1 to v2" in result.html
    assert 'name="w3"' not in result.html  # the sliders are the form's, not the output's


@pytest.mark.parametrize("count", ["2", "3"])
def test_every_known_state_shows_the_numbers_it_draws(count: str) -> None:
    page = prerender(NAME, {"values": count})
    found = KNOWN.findall(page)
    assert len(found) == (11 if count == "2" else 121)
    values = TWO_VALUES if count == "2" else THREE_VALUES
    boxes = set()
    for key, html in found:
        state = dict(json.loads(unescape(key)))
        w = shown_weights(html)
        assert w[1:] == [float(state["w2"]), *([float(state["w3"])] if count == "3" else [])]
        assert sum(w) == pytest.approx(1.0)
        check_state(html, values)
        boxes.add(PLANE.search(html).groups())
    assert len(boxes) == 1  # one plane for every weight: z glides over a picture that stays put


@pytest.mark.parametrize(
    ("state", "words"),
    [({"w2": "0"}, "All the weight is on v1"), ({"w2": "1"}, "All the weight is on v2"),
     ({"w2": "0.5"}, "the midpoint"),
     ({"values": "3", "w2": "0.3", "w3": "0.7"}, "w1 = 0, so z lies on the triangle's edge from v2 to v3"),
     ({"values": "3", "w2": "0", "w3": "0.4"}, "w2 = 0, so z lies on the triangle's edge from v1 to v3"),
     ({"values": "3", "w2": "0.2", "w3": "0.2"}, "inside the triangle"),
     ({"values": "3", "w2": "0.8", "w3": "0.7"}, "w1 = -0.5 is negative, so z lies outside the triangle"),
     ({"values": "3", "w2": "0", "w3": "1"}, "All the weight is on v3")],
)  # fmt: skip
def test_where_z_lands_is_said_in_words(state: dict[str, str], words: str) -> None:
    result = compute(NAME, state)
    assert result.error is None and words in result.html
    check_state(result.html, THREE_VALUES if state.get("values") == "3" else TWO_VALUES)


def test_with_two_values_the_third_weight_is_ignored() -> None:
    assert compute(NAME, {"w2": "0.4", "w3": "1"}).html == compute(NAME, {"w2": "0.4", "w3": "0"}).html


@pytest.mark.parametrize(
    ("state", "fragment"),
    [({"values": "4"}, "blends 2 or 3 values, not 4"), ({"values": ""}, "not none"),
     ({"w2": "x"}, "“x” in the weight w2 is not a number"), ({"w2": "1.5"}, "out of range"),
     ({"values": "3", "w3": "-0.1"}, "out of range"), ({"w2": ""}, "the weight w2 is empty")],
)  # fmt: skip
def test_bad_input_gives_a_clear_message(state: dict[str, str], fragment: str) -> None:
    result = compute(NAME, state)
    assert result.error is not None and fragment in result.error and "<svg" not in result.html


def test_stops_and_exact_weights() -> None:
    assert WEIGHT_STOPS == ("0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1")
    html = compute(NAME, {"values": "3", "w2": "0.1", "w3": "0.2"}).html
    assert shown_weights(html) == [0.7, 0.1, 0.2]  # 1 - 0.1 - 0.2 exactly, not 0.7000000000000001
    np.testing.assert_allclose(blend_values([0.7, 0.1, 0.2], THREE_VALUES).output, [1.7, 3.2])


def test_the_chapters_sliders_ship_their_states_well_within_the_page_budget() -> None:
    """Both blocks of docs/blending.md, gzipped as served: far below the 150 KB a page may ship."""
    from explainer.sitebuild.directives import iter_directives

    text = (Path(__file__).parents[1] / "docs" / "blending.md").read_text(encoding="utf-8")
    blocks = [d for d in iter_directives(text) if d.name == NAME]
    assert [str(dict(b.params).get("values", "2")) for b in blocks] == ["2", "3"]
    templates = "".join(t for b in blocks for t in KNOWN_TAG.findall(prerender(NAME, dict(b.params))))
    assert len(gzip.compress(templates.encode(), 9)) <= 150_000 // 10
