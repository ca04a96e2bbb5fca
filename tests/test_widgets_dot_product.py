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
from explainer.widgets.dot_product import parse_keys

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
