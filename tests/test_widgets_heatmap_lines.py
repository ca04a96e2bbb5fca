"""Tests for the heatmap explorer's lines and words views (explainer.widgets.heatmap_lines)."""

from __future__ import annotations

import re

import numpy as np

from explainer.html import render
from explainer.widgets.heatmap_lines import line_opacity, line_width, lines_view, words_view


def test_one_line_per_allowed_pair_with_its_weight_and_none_for_masked_pairs() -> None:
    w = np.array([[1.0, 0.0, 0.0], [0.25, 0.75, 0.0], [0.5, 0.2, 0.3]])  # (3, 3), causal
    html = render(lines_view(["a", "b", "<c>"], w, np.tril(np.ones((3, 3), bool))))
    paths = re.findall(r'<path d="M0 ([\d.]+)L1 ([\d.]+)" data-k="(\d)" stroke-width="([^"]+)" '
                       r'stroke-opacity="([^"]+)"></path>', html)  # fmt: skip
    assert len(paths) == 6 and html.count("<path") == 6
    for y1, y2, k, width, opacity in paths:
        i, j = int(float(y1)), int(float(y2))
        assert j == int(k) <= i and opacity == line_opacity(w[i, j]) and width == line_width(w[i, j])
    assert 'viewbox="0 0 1 3" preserveaspectratio="none" aria-hidden="true"' in html
    assert "&lt;c&gt; as a key: show only lines into it" in html  # token text is escaped


def test_a_weight_of_exactly_zero_draws_no_line() -> None:
    html = render(lines_view(["a", "b"], [[1.0, 0.0], [0.5, 0.5]], np.ones((2, 2), bool)))
    assert html.count("<path") == 3


def test_line_encoding_grows_with_the_weight() -> None:
    assert [line_opacity(x) for x in (0.0, 0.25, 1.0)] == ["0.000", "0.250", "1.000"]
    assert [line_width(x) for x in (0.0, 1.0)] == ["1.00", "4.00"]


def test_words_name_the_largest_weights_and_empty_rows() -> None:
    w = np.array([[0.0, 0.0], [0.3, 0.7]])
    ok = np.array([[False, False], [True, True]])
    html = render(words_view(["a", "b"], w, ok))
    assert "<li>a: may attend to nothing (all weights 0)</li>" in html
    assert "<li>b attends most to b 0.7, a 0.3</li>" in html
