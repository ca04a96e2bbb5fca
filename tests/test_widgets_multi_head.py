"""Tests for the multi-head viewer (explainer.widgets.multi_head)."""

from __future__ import annotations

import re

import pytest

from explainer.examples import multi_head_example
from explainer.widgets import compute, registry
from explainer.widgets.base import normalise_state, state_key
from explainer.widgets.common import fixed, fmt
from explainer.widgets.multi_head import HEAD_CHOICES, SPEC, describe

NAME = "multi_head_viewer"
SVG_NUMBER = re.compile(r'<text [^>]*class="mh-num"[^>]*>([^<]+)</text>')


def test_the_choices_are_the_divisors_of_d_model() -> None:
    d_model = multi_head_example().d_model
    assert [int(c) for c in HEAD_CHOICES] == [n for n in range(1, d_model + 1) if d_model % n == 0]


@pytest.mark.parametrize("n_heads", HEAD_CHOICES)
def test_each_head_shows_the_examples_weights_and_the_output(n_heads: str) -> None:
    ex = multi_head_example(int(n_heads))
    result = compute(NAME, {"n_heads": n_heads})
    assert result.error is None
    weights = [float(x) for x in re.findall(r'data-weight="([^"]+)"', result.html)]
    assert weights == ex.head_weights.ravel().tolist()
    assert result.html.count('class="explainer-head ') == ex.n_heads
    for value in ex.output.ravel():
        assert f"<td>{fmt(value, 3)}</td>" in result.html
    assert ("equals plain attention" in result.html) == (n_heads == "1")


@pytest.mark.parametrize("n_heads", HEAD_CHOICES)
def test_the_diagrams_numbers_are_the_concatenation_then_the_output(n_heads: str) -> None:
    ex = multi_head_example(int(n_heads))
    html = compute(NAME, {"n_heads": n_heads}).html
    shown = SVG_NUMBER.findall(html)
    expected = [fixed(v, 2) for v in (*ex.concatenated.ravel().tolist(), *ex.output.ravel().tolist())]
    assert shown == expected


@pytest.mark.parametrize("n_heads", HEAD_CHOICES)
def test_the_text_description_names_every_head_and_the_first_rows_numbers(n_heads: str) -> None:
    ex = multi_head_example(int(n_heads))
    text = describe(ex)
    d_k = ex.d_model // ex.n_heads
    for i in range(ex.n_heads):
        assert f"head {i + 1} d{i * d_k + 1}" in text
    assert ", ".join(fixed(v, 2) for v in ex.concatenated[0]) in text
    assert ", ".join(fixed(v, 2) for v in ex.output[0]) in text
    assert f"<figcaption>{text}</figcaption>" in compute(NAME, {"n_heads": n_heads}).html


@pytest.mark.parametrize("n_heads", HEAD_CHOICES)
def test_each_heads_weights_are_labelled_with_its_name_and_columns(n_heads: str) -> None:
    ex = multi_head_example(int(n_heads))
    html = compute(NAME, {"n_heads": n_heads}).html
    d_k = ex.d_model // ex.n_heads
    for i in range(ex.n_heads):
        span = f"d{i * d_k + 1}" if d_k == 1 else f"d{i * d_k + 1}–d{(i + 1) * d_k}"
        assert f'<div class="explainer-head mh-h{i + 1}"><p class="mh-label">' in html
        assert f"<strong>head {i + 1}</strong> · columns {span}</p>" in html


def test_every_choice_is_a_known_state_so_switching_needs_no_runtime() -> None:
    state = normalise_state(SPEC, {})
    keys = {state_key(s) for s in SPEC.known(SPEC, state)} if SPEC.known else set()
    assert keys == {state_key({"n_heads": n}) for n in HEAD_CHOICES}


def test_the_widget_links_its_own_stylesheet() -> None:
    spec = registry()[NAME]
    assert getattr(spec, "assets", ()) == ("multi_head.css",)


@pytest.mark.parametrize("n_heads", ["3", "0", "16", "two", "", "2.0"])
def test_a_number_of_heads_that_does_not_divide_d_model_is_explained(n_heads: str) -> None:
    result = compute(NAME, {"n_heads": n_heads})
    assert result.error is not None and "must divide d_model = 8 (1, 2, 4, 8)" in result.error


@pytest.mark.parametrize(("n_heads", "line"), [
    ("1", "1 head of width d_k = 8 / 1 = 8; it uses the whole projections."),
    ("2", "2 heads of width d_k = 8 / 2 = 4; each attends on its own slice of the projections."),
])  # fmt: skip
def test_the_split_is_described_in_words_that_agree_with_the_count(n_heads: str, line: str) -> None:
    html = compute(NAME, {"n_heads": n_heads}).html
    assert f"<p>{line}</p>" in html and "(s)" not in html
    assert ("Concat(head₁), shape 4 × 8" in html) == (n_heads == "1")
    assert f"Head 1 of {n_heads} " in html  # heads counted from 1
