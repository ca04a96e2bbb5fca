"""Tests for the multi-head diagram (explainer.widgets.multi_head_svg): geometry follows the example."""

from __future__ import annotations

import re

import numpy as np
import pytest

from explainer.examples import multi_head_example
from explainer.html import render
from explainer.widgets.multi_head import HEAD_CHOICES
from explainer.widgets.multi_head_svg import WIDTH, diagram, head_span

RECT = re.compile(r'<rect x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)" class="([^"]+)">')
TEXT = re.compile(r'<text x="([^"]+)" y="[^"]+" class="([^"]+)"[^>]*>([^<]*)</text>')
GROUP = re.compile(r'<g transform="translate\(0 [^)]+\)">(.*?)</g>', re.S)


def stages(n_heads: int) -> list[str]:
    """The diagram's five stages (split, attend, concatenate, mix, output), as SVG text."""
    return GROUP.findall(render(diagram(multi_head_example(n_heads))))


def rects(svg: str, cls: str) -> list[tuple[float, float, float, float, str]]:
    return [
        (float(x), float(y), float(w), float(h), c) for x, y, w, h, c in RECT.findall(svg) if cls in c.split()
    ]


def test_head_span_counts_columns_from_one() -> None:
    assert [head_span(i, 4) for i in range(2)] == ["d1–d4", "d5–d8"]
    assert head_span(7, 1) == "d8"


@pytest.mark.parametrize("n_heads", [int(n) for n in HEAD_CHOICES])
def test_every_column_keeps_its_heads_colour_from_the_split_to_the_concatenation(n_heads: int) -> None:
    d_model = multi_head_example(n_heads).d_model
    d_k = d_model // n_heads
    split, _, concat, _, _ = stages(n_heads)
    chips = rects(split, "mh-tint")
    assert [c.split()[1] for *_, c in chips] == [f"mh-h{j // d_k + 1}" for j in range(d_model)]
    cells = rects(concat, "mh-tint")
    assert [c.split()[1] for *_, c in cells] == [
        f"mh-h{j // d_k + 1}" for _ in range(4) for j in range(d_model)
    ]
    assert [x for x, *_ in cells[:d_model]] == [x for x, *_ in chips]  # same columns, same place


@pytest.mark.parametrize("n_heads", [int(n) for n in HEAD_CHOICES])
def test_every_head_is_named_where_it_is_coloured(n_heads: int) -> None:
    split, _, concat, _, _ = stages(n_heads)
    name = "head {}" if n_heads < multi_head_example().d_model else "h{}"
    for stage in (split, concat):
        names = [t for _, cls, t in TEXT.findall(stage) if cls == "mh-t"]
        assert [n for n in names if n.startswith("h")] == [name.format(i + 1) for i in range(n_heads)]


@pytest.mark.parametrize("n_heads", [int(n) for n in HEAD_CHOICES])
def test_a_weights_square_has_an_area_proportional_to_the_weight(n_heads: int) -> None:
    ex = multi_head_example(n_heads)
    attend = stages(n_heads)[1]
    grids = rects(attend, "mh-grid")
    squares = rects(attend, "mh-w")
    assert len(grids) == n_heads and len(squares) == ex.head_weights.size
    for i, (_, _, side, _, _) in enumerate(grids):
        cell = side / ex.head_weights.shape[2]
        own = squares[i * 16 : (i + 1) * 16]
        areas = np.array([w * h for _, _, w, h, _ in own]) / (0.92 * cell) ** 2
        np.testing.assert_allclose(areas, ex.head_weights[i].ravel(), atol=0.02)


def test_w_o_squares_follow_its_magnitudes_and_rows_take_their_heads_colour() -> None:
    ex = multi_head_example(2)
    mix = stages(2)[3]
    bands = rects(mix, "mh-tint")
    assert [c.split()[1] for *_, c in bands] == [f"mh-h{r // 4 + 1}" for r in range(ex.d_model)]
    sides = np.array([w for _, _, w, _, _ in rects(mix, "mh-w")]).reshape(ex.w_o.shape)
    expected = np.sqrt(np.abs(ex.w_o) / np.abs(ex.w_o).max())
    np.testing.assert_allclose(sides / sides.max(), expected / expected.max(), atol=0.01)
    assert np.all(ex.w_o != 0)  # so "every output column mixes every head" holds


@pytest.mark.parametrize("n_heads", [int(n) for n in HEAD_CHOICES])
def test_the_picture_stays_inside_its_width_and_is_an_image_with_a_name(n_heads: int) -> None:
    svg = render(diagram(multi_head_example(n_heads)))
    assert svg.startswith(f'<svg viewbox="0 0 {WIDTH} ') and 'role="img"' in svg and "aria-label=" in svg
    for x, _, w, _, _ in rects(svg, "mh-tint") + rects(svg, "mh-box") + rects(svg, "mh-w"):
        assert x >= 0 and x + w <= WIDTH
    for x, _, _ in TEXT.findall(svg):
        assert 0 <= float(x) <= WIDTH
