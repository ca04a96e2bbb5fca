"""The layer × head grid of all-MiniLM-L6-v2's attention, as static HTML.

:func:`render_head_grid` pre-renders, at build time, a view that needs no
JavaScript:

- a sentence picker (radio buttons) over a curated set;
- for the chosen sentence, the 72 heads as small heatmaps — one PNG image
  per sentence, 6 rows (layers) by 12 columns (heads), drawn here with NumPy
  and ``zlib``, transparent between thumbnails so the page's colour shows —
  labelled "layer 1…6" and "head 1…12" (counted from 1, read from the
  array's shape), with a clickable hot spot over each;
- for the chosen head, an enlarged table with token labels and every weight
  (in percent, colour-coded).

Choosing is done with radio inputs and CSS (``:checked``), so the view works
in a page without scripts. One CSS grid holds the labels, the picture and,
head by head, a radio, its hot spot and its table, side by side: so the
checked (or keyboard-focused) radio outlines its own spot and shows its own
table with sibling selectors alone. The fixed rules are in ``assets/widgets/content.css``;
the rules computed from data (one colour class per percent, from the same
:func:`colour` as the thumbnails, and one selector per sentence) come from
:func:`stylesheet`, which the site build writes to ``assets/widgets/head_grid.css``.

It is pre-rendered only (no form, nothing for the Web Worker to compute).

Example:
    >>> png = heat_png(np.zeros((1, 1, 2, 2)))
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from explainer.html import AttrValue, Element, h
from explainer.types import FloatArray
from explainer.widgets.base import StaticWidgetSpec

__all__ = ["SPEC", "colour", "curated_head_grid", "heat_png", "render_head_grid", "stylesheet"]

# Viridis at five evenly spaced stops; linear interpolation between them is within a few RGB levels.
_VIRIDIS = np.array(
    [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], dtype=np.float64
)  # (5, 3)
_GAP = 1  # pixels between thumbnails
TITLE = "all-MiniLM-L6-v2 attention, layer by head"


def colour(weights: FloatArray) -> NDArray[np.uint8]:
    """Viridis-like RGB for weights in [0, 1]: shape ``(...)`` -> ``(..., 3)``.

    Example:
        >>> colour(np.array([0.0, 1.0])).tolist()
        [[68, 1, 84], [253, 231, 37]]
    """
    x = np.clip(np.asarray(weights, dtype=np.float64), 0.0, 1.0) * (len(_VIRIDIS) - 1)  # (...)
    low = np.minimum(np.floor(x).astype(int), len(_VIRIDIS) - 2)  # (...)
    frac = (x - low)[..., None]  # (..., 1)
    rgb = _VIRIDIS[low] * (1 - frac) + _VIRIDIS[low + 1] * frac  # (..., 3)
    return np.asarray(np.rint(rgb), dtype=np.uint8)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(pixels: NDArray[np.uint8], palette: NDArray[np.uint8], alpha: bytes) -> bytes:
    """Encode an ``(height, width)`` image of palette indices as an 8-bit indexed PNG (no filter).

    Args:
        pixels: palette indices, shape ``(height, width)``.
        palette: RGB entries, shape ``(k, 3)``.
        alpha: one opacity byte per leading palette entry (the PNG ``tRNS`` chunk).
    """
    height, width = pixels.shape
    rows = np.concatenate([np.zeros((height, 1), np.uint8), pixels], axis=1)  # (h, 1 + w): filter byte 0
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # colour type 3: indexed
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"PLTE", palette.tobytes())
        + _chunk(b"tRNS", alpha)
        + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 9))
        + _chunk(b"IEND", b"")
    )


def heat_png(attentions: FloatArray) -> bytes:
    """All heads as one PNG: a ``layers × heads`` grid of ``n × n`` thumbnails.

    Weights are drawn in 101 colours, one per whole percent (the enlarged tables' colours too),
    so the picture is an indexed PNG that compresses well.

    Args:
        attentions: weights, shape ``(layers, heads, n, n)``.

    Returns:
        PNG bytes of an image ``layers·(n+1) − 1`` pixels high and ``heads·(n+1) − 1`` wide,
        with a fully transparent one-pixel gap between thumbnails (the page's own colour shows
        there, in either palette).
    """
    layers, heads, n, _ = attentions.shape
    step = n + _GAP
    image = np.zeros((layers * step - _GAP, heads * step - _GAP), dtype=np.uint8)  # (H, W): 0 = clear
    percents = np.rint(np.clip(attentions, 0.0, 1.0) * 100).astype(np.uint8) + 1  # (layers, heads, n, n)
    for i in range(layers):
        for j in range(heads):
            image[i * step : i * step + n, j * step : j * step + n] = percents[i, j]
    palette = np.concatenate([np.zeros((1, 3), np.uint8), colour(np.arange(101) / 100)])  # (102, 3)
    return _png(image, palette, b"\x00" + b"\xff" * 101)


def _cells(row: FloatArray) -> list[Element]:
    """``<td>`` cells of one row: the weight in percent, coloured by its ``w<percent>`` class."""
    percents = np.rint(np.asarray(row) * 100).astype(int)  # (n,)
    return [h("td", {"class": f"w{p}"}, str(p)) for p in percents.tolist()]


def _big_table(tokens: Sequence[str], weights: FloatArray, layer: int, head: int) -> Element:
    """The enlarged view of one head: tokens on both axes, weights in percent."""
    header = h(
        "tr", None, h("th", {"scope": "col"}, "query ↓ key →"), [h("th", {"scope": "col"}, t) for t in tokens]
    )
    rows = [
        h(
            "tr",
            None,
            h("th", {"scope": "row"}, q),
            _cells(row),
        )
        for q, row in zip(tokens, weights, strict=True)
    ]
    caption = h(
        "caption", None, f"Layer {layer}, head {head}: each row is one query token's weights, in percent."
    )
    return h("table", {"class": "hg-table"}, caption, h("thead", None, header), h("tbody", None, rows))


def _head_views(
    uid: str, a: int, tokens: Sequence[str], attentions: FloatArray, default: tuple[int, int]
) -> list[Element]:
    """For each head, in reading order: its radio, its hot spot over the thumbnail, its enlarged table."""
    layers, heads = attentions.shape[:2]
    views = []
    for i in range(layers):
        views.append(h("span", {"class": "hg-layer", "aria-hidden": "true"}, f"layer {i + 1}"))
        for j in range(heads):
            rid, name = f"{uid}-{a}-{i + 1}-{j + 1}", f"layer {i + 1}, head {j + 1}"
            radio = {"type": "radio", "class": "hg-h", "name": f"{uid}-{a}-head", "id": rid}
            views += [
                h("input", {**radio, "checked": (i + 1, j + 1) == default}),
                h(
                    "label",
                    {"for": rid, "class": "hg-spot", "title": name},
                    h("span", {"class": "hg-sr"}, name),
                ),
                h("div", {"class": "hg-big"}, _big_table(tokens, attentions[i, j], i + 1, j + 1)),
            ]
    return views


def _panel(
    uid: str, a: int, tokens: Sequence[str], attentions: FloatArray, default: tuple[int, int]
) -> Element:
    """One sentence: the labelled thumbnail grid with a hot spot per head, and the chosen head's table."""
    layers, heads = attentions.shape[:2]
    src = "data:image/png;base64," + base64.b64encode(heat_png(attentions)).decode("ascii")
    alt = f"{layers} by {heads} grid of attention heatmaps for: {' '.join(tokens)}"
    # Rows: head labels, one per layer, then the table; columns: layer labels, one per head.
    shape = f"grid-template:auto repeat({layers},auto) auto/auto repeat({heads},minmax(0,1fr))"
    board = (
        h("span", {"class": "hg-corner"}),
        [h("span", {"class": "hg-head", "aria-hidden": "true"}, f"head {j + 1}") for j in range(heads)],
        h("img", {"class": "hg-img", "src": src, "alt": alt}),
        _head_views(uid, a, tokens, attentions, default),
    )
    return h("div", {"class": f"hg-panel hg-p{a}"}, h("div", {"class": "hg-board", "style": shape}, board))


def stylesheet(n_sentences: int | None = None) -> str:
    """The rules computed from data: which panel each sentence shows, and the colour of each percent.

    Args:
        n_sentences: how many sentences the picker offers (default: the curated set's size).
    """
    if n_sentences is None:
        from explainer.examples import GRID_SENTENCES

        n_sentences = len(GRID_SENTENCES)
    shown = [f".hg-s{a}:checked~.hg-panels>.hg-p{a}{{display:block}}" for a in range(n_sentences)]
    picked = [
        f".hg-s{a}:checked~.hg-picker>.hg-l{a}{{font-weight:700;border-color:currentColor}}"
        for a in range(n_sentences)
    ]
    cells = []
    for pct in range(101):
        r, g, b = colour(np.array(pct / 100)).tolist()
        ink = "#000" if pct >= 45 else "#fff"  # from 45 on, black has >= 4.5:1 contrast (axe audit)
        cells.append(f".hg-table .w{pct}{{background:rgb({r},{g},{b});color:{ink}}}")
    return "\n".join([*shown, *picked, *cells]) + "\n"


def render_head_grid(
    sentences: Sequence[str],
    encodings: Sequence[tuple[Sequence[str], FloatArray]],
    *,
    uid: str = "hg",
    default_head: tuple[int, int] = (1, 1),
) -> str:
    """The complete, script-free head-grid view for a curated set of sentences.

    Args:
        sentences: the sentences, in picker order.
        encodings: for each sentence, its tokens and attention weights of
            shape ``(layers, heads, n, n)`` (e.g. from ``explainer.minilm.encode``).
        uid: prefix for element ids, unique per page.
        default_head: the (layer, head), counted from 1, shown enlarged first.

    Returns:
        One ``<div data-widget="head_grid" data-state="static">`` element (styled by :func:`stylesheet`).

    Raises:
        ValueError: if there are no sentences or the counts differ.
    """
    if not sentences or len(sentences) != len(encodings):
        raise ValueError(
            f"need one encoding per sentence: {len(sentences)} sentences, {len(encodings)} encodings"
        )
    radios = [
        h(
            "input",
            {
                "type": "radio",
                "class": f"hg-s hg-s{a}",
                "name": f"{uid}-sentence",
                "id": f"{uid}-s{a}",
                "checked": a == 0,
            },
        )
        for a in range(len(sentences))
    ]
    labels = [h("label", {"for": f"{uid}-s{a}", "class": f"hg-l{a}"}, s) for a, s in enumerate(sentences)]
    panels = [_panel(uid, a, toks, np.asarray(att), default_head) for a, (toks, att) in enumerate(encodings)]
    help_text = "Pick a sentence, then a cell of the grid (row = layer, column = head) to enlarge it."
    body = (
        h("p", {"class": "hg-help"}, help_text),
        radios,
        h("div", {"class": "hg-picker", "role": "radiogroup", "aria-label": "sentence"}, labels),
        h("div", {"class": "hg-panels"}, panels),
    )
    root: dict[str, AttrValue] = {
        "class": "explainer-widget head-grid",
        "data-search-exclude": True,  # thousands of numbers would bloat the search index
        "data-widget": "head_grid",
        "data-state": "static",
        "role": "group",
        "aria-label": TITLE,
    }
    return h("div", root, body).html


def curated_head_grid(uid: str = "hg", default_head: tuple[int, int] = (6, 12)) -> str:
    """:func:`render_head_grid` over ``explainer.examples.GRID_SENTENCES``, computed now.

    With the compact model (float16 weights), as the live explorer computes a typed sentence
    in the browser: the same sentence gives the same percentages in both views.
    """
    from explainer.examples import GRID_SENTENCES, compact_encode

    encodings = [(compact_encode(s).tokens, compact_encode(s).attentions) for s in GRID_SENTENCES]
    return render_head_grid(GRID_SENTENCES, encodings, uid=uid, default_head=default_head)


SPEC = StaticWidgetSpec(
    name="head_grid",
    title=TITLE,
    render=lambda params: curated_head_grid(uid=params.get("uid", "hg")),
    parameters=("uid",),
    stylesheet=stylesheet,
)
