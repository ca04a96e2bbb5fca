"""Tests for the dot-product playground (explainer.widgets.dot_product)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from explainer.examples import dot_product_example, softmax_example
from explainer.widgets import compute
from explainer.widgets.base import WidgetError
from explainer.widgets.common import fmt
from explainer.widgets.dot_product import key_handles, parse_keys

NAME = "dot_product_playground"


def bar_numbers(html: str) -> list[str]:
    return re.findall(r'<span class="explainer-num">([^<]+)</span>', html)


def test_initial_state_shows_the_worked_example_numbers() -> None:
    ex, soft = dot_product_example(), softmax_example()
    result = compute(NAME, {})
    assert result.error is None
    for name, score in zip(ex.key_names, ex.scores, strict=True):
        assert f'<th scope="row">{name}</th>' in result.html
        assert f"<td>{fmt(score)}</td>" in result.html
    assert bar_numbers(result.html) == [fmt(w, 3) for w in soft.weights]
    assert "2×11 + 3×13" in result.html and "essentially one-hot" in result.html


def test_scaling_divides_by_the_square_root_of_d() -> None:
    result = compute(NAME, {"query": "1, 1, 1, 1", "keys": "a: 1 0 0 0\nb: 2 2 2 2", "scale": True})
    assert "<td>4</td>" in result.html  # score of b, scaled: 8 / √4
    weight_b = 1 / (1 + math.exp(0.5 - 4))
    assert bar_numbers(result.html)[1] == fmt(weight_b, 3)


def test_unnamed_keys_get_names_and_names_are_escaped() -> None:
    names, keys = parse_keys("1 2\n<b>: 3, 4\n\n", 2)
    assert names == ["k1", "<b>"] and keys == [[1.0, 2.0], [3.0, 4.0]]
    assert "&lt;b&gt;" in compute(NAME, {"keys": "<b>: 3, 4"}).html


@pytest.mark.parametrize(
    ("state", "fragment"),
    [({"query": ""}, "the query is empty"), ({"query": "2, x"}, "“x” in the query is not a number"),
     ({"query": "1e308, 1"}, "out of range"), ({"query": "nan, 1"}, "not a number"),
     ({"keys": "C: 1, 2, 3"}, "Key “C” has 3 numbers but the query has 2"),
     ({"keys": "C: 1"}, "Key “C” has 1 number but the query has 2"),
     ({"keys": "  \n "}, "keys box is empty"),
     ({"keys": "\n".join(["1, 2"] * 65)}, "at most 64"), ({"keys": "x" * 30 + ": 1, 2"}, "too long")],
)  # fmt: skip
def test_bad_input_gives_a_specific_message(state: dict[str, str], fragment: str) -> None:
    result = compute(NAME, state)
    assert result.error is not None and fragment in result.error
    assert "<table" not in result.html


def test_parse_keys_raises_widget_errors() -> None:
    with pytest.raises(WidgetError):
        parse_keys("a: 1", 2)


def test_large_but_allowed_numbers_stay_finite() -> None:
    result = compute(
        NAME, {"query": "1000000, -1000000", "keys": "a: 1000000, 1000000\nb: -1000000, 1000000"}
    )
    assert result.error is None and "nan" not in result.html.lower() and "inf" not in result.html.lower()
    assert bar_numbers(result.html) == ["1", "0"]
    assert np.isfinite(1e6 * 1e6 * 2)


def test_the_scaled_column_appears_whenever_the_switch_is_on_even_for_d_1() -> None:
    html = compute(NAME, {"query": "2", "keys": "a: 3\nb: 1", "scale": True}).html
    assert "score ÷ √d" in html
    assert "score ÷ √d" not in compute(NAME, {"query": "2", "keys": "a: 3"}).html


# --- the picture: arrows with drag handles (2-D vectors only) ---------------------------------------------

HANDLE = re.compile(r'<g class="dp-handle" transform="translate\(([-\d.]+) ([-\d.]+)\)"([^>]*)>')
ATTR = re.compile(r'(data-[a-z]+)="([^"]*)"')
PLANE = re.compile(
    r'data-origin-x="([-\d.]+)" data-origin-y="([-\d.]+)" data-scale="([-\d.e]+)" data-step="([\d.]+)"'
)


def handles(html: str) -> list[dict[str, str]]:
    """Every drag handle: its data attributes and where it is drawn (``ux``, ``uy``)."""
    return [{**dict(ATTR.findall(attrs)), "ux": ux, "uy": uy} for ux, uy, attrs in HANDLE.findall(html)]


def test_the_picture_draws_the_worked_example_where_its_numbers_say() -> None:
    ex = dot_product_example()
    html = compute(NAME, {}).html
    ox, oy, scale, step = (float(x) for x in PLANE.search(html).groups())
    found = handles(html)
    vectors = [*ex.keys.tolist(), ex.query.tolist()]
    assert [[float(hd["data-x"]), float(hd["data-y"])] for hd in found] == vectors
    for hd, (x, y) in zip(found, vectors, strict=True):  # the page script maps data to the picture this way
        assert float(hd["ux"]) == pytest.approx(ox + x * scale, abs=0.1)
        assert float(hd["uy"]) == pytest.approx(oy - y * scale, abs=0.1)
    for name, score in zip(ex.key_names, ex.scores, strict=True):
        assert f">{name}: {fmt(score)}</text>" in html
    assert "C has the largest score, 61." in html and step == 1


def test_handles_say_where_their_numbers_are_written() -> None:
    html = compute(NAME, {"query": "1, 0", "keys": "C: 1, 2\n\nk: 3 4\n5, 6"}).html
    found = handles(html)
    keys, query = found[:-1], found[-1]
    assert [(k["data-drag"], k["data-line"], k.get("data-prefix")) for k in keys] == [
        ("keys", "0", "C: "), ("keys", "2", "k: "), ("keys", "3", "")
    ]  # fmt: skip
    assert query["data-drag"] == "query" and "data-line" not in query
    assert 'aria-roledescription="draggable point"' in html and 'tabindex="0"' in html


def test_keys_behind_an_unusual_line_break_are_drawn_but_not_draggable() -> None:
    assert key_handles("a: 1 2\u20283 4", 2) == []  # splitlines() sees two lines, the page one
    html = compute(NAME, {"query": "1, 0", "keys": "a: 1 2\u20283 4"}).html
    assert [hd["data-drag"] for hd in handles(html)] == ["query"]
    assert len(re.findall(r'<g class="dp-k[ "]', html)) == 2


def test_vectors_that_are_not_2d_get_a_note_and_their_numbers() -> None:
    result = compute(NAME, {"query": "1, 2, 3", "keys": "a: 1 0 0\nb: 0 0 1"})
    assert result.error is None and "<svg" not in result.html
    assert "The picture can only draw 2-D vectors; these have 3 numbers each." in result.html
    assert "<td>3</td>" in result.html  # b's score: the table is still there


def test_a_zero_vector_is_a_dot_and_every_label_escapes_the_name() -> None:
    html = compute(NAME, {"query": "0, 0", "keys": "<i>: 1, 1"}).html
    assert '<circle class="dp-q"' in html
    assert "&lt;i&gt;: 0</text>" in html and 'data-prefix="&lt;i&gt;: "' in html
