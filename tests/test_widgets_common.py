"""Tests for the widgets' shared parsing and rendering helpers (explainer.widgets.common)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explainer.html import render
from explainer.widgets.base import WidgetError
from explainer.widgets.common import (
    bars,
    fixed,
    fmt,
    heatmap,
    matrix_table,
    parse_int,
    parse_number,
    parse_vector,
    plural,
    quote,
    row_sums_text,
)


@pytest.mark.parametrize(
    ("text", "value"), [("2", 2.0), (" -0.5 ", -0.5), ("1e3", 1000.0), ("−2", -2.0), ("-0", 0.0), (".5", 0.5),
                        ("5e-324", 5e-324), ("1000000", 1e6)],
)  # fmt: skip
def test_parse_number_accepts_plain_decimals(text: str, value: float) -> None:
    parsed = parse_number(text, "x")
    assert parsed == value and str(parsed) != "-0.0"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("", "is empty"), ("abc", "is not a number"), ("nan", "is not a number"), ("inf", "is not a number"),
     ("1e308", "out of range"), ("-1e7", "out of range"), ("1,5", "is not a number"),
     ("٣", "is not a number"), ("0x10", "is not a number"), ("1_000", "is not a number")],
)  # fmt: skip
def test_parse_number_rejects_with_a_specific_message(text: str, fragment: str) -> None:
    with pytest.raises(WidgetError, match=fragment):
        parse_number(text, "the query")


def test_parse_int_checks_wholeness_and_range() -> None:
    assert parse_int(" 64 ", "d_k", 1, 1024) == 64
    for text in ("0", "1025", "64.5", "abc", ""):
        with pytest.raises(WidgetError, match="d_k"):
            parse_int(text, "d_k", 1, 1024)


def test_parse_vector_splits_on_commas_semicolons_and_spaces() -> None:
    assert parse_vector("1, 2;3  4", "q") == [1.0, 2.0, 3.0, 4.0]
    with pytest.raises(WidgetError, match="is empty"):
        parse_vector(" , ", "q")
    with pytest.raises(WidgetError, match="at most 64"):
        parse_vector(" ".join(["1"] * 65), "q")


def test_fmt_and_quote() -> None:
    assert [fmt(61.0), fmt(1 / 3, 3), fmt(-0.0), fmt(1e-20)] == ["61", "0.333", "0", "1e-20"]
    assert quote("x" * 50, 10) == "“" + "x" * 9 + "…”"


def test_heatmap_cells_carry_full_precision_weights_and_names() -> None:
    w = np.array([[0.7, 0.3], [1 / 3, 2 / 3]])  # (2, 2)
    allowed = np.array([[True, True], [False, True]])  # (2, 2)
    html = render(heatmap("cap", ["a", "<b>"], ["a", "<b>"], w, allowed, selected=(0, 1), selectable=True))
    weights = [float(x) for x in re.findall(r'data-weight="([^"]+)"', html)]
    assert weights == w.ravel().tolist()
    assert 'data-set="cell=1,0"' in html and 'aria-label="&lt;b&gt; to a: masked, weight 0"' in html
    assert 'aria-label="a to &lt;b&gt;: weight 0.3" aria-pressed="true"' in html
    assert html.count("<button") == 4 and html.count('aria-pressed="true"') == 1
    assert ">×</button>" in html and ">0.67</button>" in html


def test_plain_heatmap_has_no_buttons_but_the_same_data() -> None:
    html = render(heatmap("cap", ["a"], ["a"], [[1.0]]))
    assert "<button" not in html and 'data-row="0" data-col="0" data-weight="1.0"' in html


def test_matrix_table_and_bars() -> None:
    table = render(matrix_table("M", [[1.0, 2.5]], ["r"], ["c1", "c2"]))
    assert "<caption>M</caption>" in table and "<td>2.5</td>" in table
    chart = render(bars("B", ["x", "y"], [0.25, 1.5]))
    assert "width:25.00%" in chart and "width:100.00%" in chart and ">1.5</span>" in chart


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_any_number_in_range_round_trips_through_its_text(x: float) -> None:
    assert parse_number(repr(x), "x") == x


@pytest.mark.parametrize(("n", "text"), [(0, "0 tokens"), (1, "1 token"), (2, "2 tokens"), (64, "64 tokens")])
def test_plural_is_singular_for_one_only(n: int, text: str) -> None:
    assert plural(n, "token") == text
    assert plural(n, "query", "queries").endswith("query" if n == 1 else "queries")


def test_row_sums_text_names_fully_masked_rows_counting_from_one() -> None:
    assert row_sums_text(["a", "b"], []) == "each row sums to 1"
    assert row_sums_text(["a", "b"], [1]).startswith("each row sums to 1, except row 2 (b), which is")
    assert "except rows 1 (a) and 2 (b), which are fully masked" in row_sums_text(["a", "b"], [0, 1])


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_fixed_has_exactly_the_decimals_asked_for_and_no_negative_zero(x: float) -> None:
    text = fixed(x, 2)
    assert len(text.split(".")[1]) == 2 and float(text) == pytest.approx(x, abs=0.005 + 1e-9)
    assert text not in ("-0.00",)


def test_matrix_table_with_decimals_pads_every_number() -> None:
    html = render(matrix_table("M", [[0.3, -0.0001], [1.0, 12.25]], ["r1", "r2"], ["c1", "c2"], decimals=2))
    assert re.findall(r"<td>([^<]+)</td>", html) == ["0.30", "0.00", "1.00", "12.25"]


def test_heatmap_headers_name_their_row_and_column_for_the_highlight() -> None:
    html = render(heatmap("cap", ["a", "b"], ["c", "d"], [[0.5, 0.5], [0.2, 0.8]]))
    assert '<table class="explainer-heatmap"><caption>cap</caption>' in html  # no colour unless asked
    assert '<th scope="col" data-k="1">d</th>' in html and '<th scope="row" data-q="1">b</th>' in html
    assert "background" not in html


def test_a_coloured_heatmap_fills_allowed_cells_only() -> None:
    html = render(heatmap("cap", ["a"], ["b", "c"], [[1.0, 0.0]], [[True, False]], colour=True))
    assert 'class="explainer-heatmap explainer-heatmap--colour"' in html
    assert 'style="--s:1.000;background:#fde725;color:#000"' in html  # weight 1: viridis' yellow
    assert 'style="--s:0.000">×</td>' in html
