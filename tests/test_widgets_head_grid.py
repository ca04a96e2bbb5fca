"""Tests for explainer.widgets.head_grid: the PNG thumbnails and the script-free head grid."""

from __future__ import annotations

import re
import struct
import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explainer.widgets.head_grid import colour, heat_png, render_head_grid, stylesheet


def _decode_png(data: bytes) -> np.ndarray:
    """Minimal decoder for the unfiltered 8-bit indexed PNGs that heat_png writes, as RGBA."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size, palette, alpha = 8, b"", (0, 0), b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
            assert body[8:10] == b"\x08\x03"  # 8 bits per index, indexed colour
        elif kind == b"PLTE":
            palette = body
        elif kind == b"tRNS":
            alpha = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height = size
    rows = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, 1 + width)
    assert np.all(rows[:, 0] == 0)
    rgb = np.frombuffer(palette, dtype=np.uint8).reshape(-1, 3)  # (k, 3)
    opacity = np.full(len(rgb), 255, np.uint8)
    opacity[: len(alpha)] = np.frombuffer(alpha, dtype=np.uint8)
    rgba = np.concatenate([rgb, opacity[:, None]], axis=1)  # (k, 4)
    return rgba[rows[:, 1:]]  # (height, width, 4)


@given(st.floats(0.0, 1.0))
def test_colour_is_monotone_in_brightness(w: float) -> None:
    lo, hi = colour(np.array(w)), colour(np.array(min(1.0, w + 0.1)))
    assert hi.astype(int).sum() >= lo.astype(int).sum() - 3  # viridis brightens from purple to yellow


def test_colour_endpoints_and_clipping() -> None:
    purple, yellow = [68, 1, 84], [253, 231, 37]
    assert colour(np.array([-1.0, 0.0, 1.0, 2.0])).tolist() == [purple, purple, yellow, yellow]


def test_heat_png_layout_matches_the_weights() -> None:
    weights = np.zeros((2, 3, 4, 4))
    weights[1, 2, 0, 3] = 1.0  # layer 2, head 3, row 0, column 3
    image = _decode_png(heat_png(weights))
    assert image.shape == (2 * 5 - 1, 3 * 5 - 1, 4)
    assert image[5 + 0, 10 + 3].tolist() == [253, 231, 37, 255]
    assert image[0, 0].tolist() == [68, 1, 84, 255]


def test_heat_png_gaps_are_transparent_so_the_page_colour_shows() -> None:
    """No white gutters in the dark palette: every gap pixel is clear, every thumbnail pixel opaque."""
    image = _decode_png(heat_png(np.full((2, 3, 4, 4), 0.25)))
    gap_rows, gap_cols = [4], [4, 9]  # one pixel after each n = 4 thumbnail
    assert np.all(image[gap_rows, :, 3] == 0) and np.all(image[:, gap_cols, 3] == 0)
    cells = np.delete(np.delete(image, gap_rows, axis=0), gap_cols, axis=1)  # (2·4, 3·4, 4)
    assert np.all(cells[..., 3] == 255)


def _fake(tokens: list[str], seed: int) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    raw = rng.random((6, 12, len(tokens), len(tokens)))
    return tokens, raw / raw.sum(axis=-1, keepdims=True)


def test_grid_has_one_view_per_head_and_shows_the_weights() -> None:
    enc = [_fake(["[CLS]", "a", "b", "[SEP]"], 0), _fake(["[CLS]", "c", "[SEP]"], 1)]
    html = render_head_grid(["a b", "c"], enc, uid="t", default_head=(2, 5))
    assert 'data-widget="head_grid"' in html and 'data-state="static"' in html
    assert html.count('class="hg-h"') == 2 * 72
    assert html.count('class="hg-big"') == 2 * 72
    assert len(re.findall(r'id="t-0-2-5" checked', html)) == 1
    first_row = enc[0][1][0, 0, 0]  # layer 1, head 1, query [CLS]
    cells = re.search(r"<th scope=\"row\">\[CLS\]</th>((?:<td class=\"w\d+\">\d+</td>)+)", html)
    assert cells is not None
    assert [int(x) for x in re.findall(r">(\d+)<", cells.group(1))] == np.rint(first_row * 100).astype(
        int
    ).tolist()


def test_every_cell_is_closed() -> None:
    """Unclosed <td> tags make MkDocs' search indexer quadratic (minutes for one page)."""
    html = render_head_grid(["a"], [_fake(["[CLS]", "a", "[SEP]"], 3)])
    assert html.count("<td") == html.count("</td>") == 72 * 3 * 3
    assert "data-search-exclude" in html


def test_reader_text_is_escaped() -> None:
    html = render_head_grid(["<b>x</b>"], [_fake(["[CLS]", "<b>", "[SEP]"], 2)])
    assert "<b>" not in html  # the view itself uses no <b>, so any would be unescaped reader text
    assert "&lt;b&gt;" in html


def test_mismatched_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="one encoding per sentence"):
        render_head_grid(["a", "b"], [_fake(["a"], 0)])
    with pytest.raises(ValueError, match="one encoding per sentence"):
        render_head_grid([], [])


def test_the_data_made_rules_travel_as_a_stylesheet_not_inside_the_page() -> None:
    html = render_head_grid(
        ["a", "b"], [_fake(["[CLS]", "a", "[SEP]"], 3), _fake(["[CLS]", "b", "[SEP]"], 4)]
    )
    assert "<style" not in html
    assert "grid-template:auto repeat(6,auto) auto/auto repeat(12,minmax(0,1fr))" in html
    css = stylesheet(2)
    assert css.count(".hg-table .w") == 101 and ".hg-s1:checked~.hg-panels>.hg-p1" in css
    r, g, b = colour(np.array(0.5)).tolist()
    assert f".hg-table .w50{{background:rgb({r},{g},{b});color:#000}}" in css


def test_rows_and_columns_are_labelled_from_the_shape_counting_from_1() -> None:
    tokens = ["[CLS]", "a", "[SEP]"]
    rng = np.random.default_rng(5)
    raw = rng.random((3, 5, 3, 3))  # 3 layers, 5 heads: the labels follow the array, not the model
    html = render_head_grid(["a"], [(tokens, raw / raw.sum(axis=-1, keepdims=True))], uid="t")
    layers = re.findall(r'<span class="hg-layer"[^>]*>([^<]*)</span>', html)
    heads = re.findall(r'<span class="hg-head"[^>]*>([^<]*)</span>', html)
    assert layers == ["layer 1", "layer 2", "layer 3"]
    assert heads == [f"head {j}" for j in range(1, 6)]
    assert "grid-template:auto repeat(3,auto) auto/auto repeat(5,minmax(0,1fr))" in html
    assert 'title="layer 3, head 5"' in html and 'title="layer 4' not in html


def test_each_head_is_a_radio_then_its_spot_then_its_table() -> None:
    """The order the CSS relies on: ``.hg-h:checked + .hg-spot`` (outline) ``+ .hg-big`` (table)."""
    html = render_head_grid(["a"], [_fake(["[CLS]", "a", "[SEP]"], 6)], uid="t", default_head=(2, 3))
    triples = re.findall(
        r'<input type="radio" class="hg-h" name="t-0-head" id="(t-0-\d+-\d+)"( checked)?>'
        r'<label for="(t-0-\d+-\d+)" class="hg-spot" title="([^"]+)">.*?</label>'
        r'<div class="hg-big"><table class="hg-table"><caption>([^<]*)</caption>',
        html,
    )
    assert len(triples) == 72
    assert all(radio == spot for radio, _, spot, _, _ in triples)
    checked = [t for t in triples if t[1]]
    assert len(checked) == 1 and checked[0][0] == "t-0-2-3" and checked[0][3] == "layer 2, head 3"
    assert checked[0][4].startswith("Layer 2, head 3:")
