"""The layer × head grid of all-MiniLM-L6-v2's attention, as static HTML.

:func:`render_head_grid` pre-renders, at build time, a view that needs no
JavaScript:

- a sentence picker (radio buttons) over a curated set;
- for the chosen sentence, the 72 heads as small heatmaps — one PNG image
  per sentence, 6 rows (layers) by 12 columns (heads), drawn here with NumPy
  and ``zlib`` — with a clickable hot spot over each;
- for the chosen head, an enlarged table with token labels and every weight
  (in percent, colour-coded).

Choosing is done with radio inputs and CSS (``:checked``), so the view works
in a page without scripts. The stylesheet travels with the HTML.

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

from explainer.widgets.html import AttrValue, Element, h, render

__all__ = ["colour", "curated_head_grid", "heat_png", "render_head_grid"]

# Viridis at five evenly spaced stops; linear interpolation between them is within a few RGB levels.
_VIRIDIS = np.array(
    [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], dtype=np.float64
)  # (5, 3)
_GAP = 1  # pixels between thumbnails


def colour(weights: NDArray[np.float64]) -> NDArray[np.uint8]:
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


def _png(rgb: NDArray[np.uint8]) -> bytes:
    """Encode an ``(height, width, 3)`` uint8 image as PNG (8-bit RGB, no filter)."""
    height, width, _ = rgb.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = np.concatenate([np.zeros((height, 1), np.uint8), rgb.reshape(height, -1)], axis=1)  # (h, 1 + 3w)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 9))
        + chunk(b"IEND", b"")
    )


def heat_png(attentions: NDArray[np.float64]) -> bytes:
    """All heads as one PNG: a ``layers × heads`` grid of ``n × n`` thumbnails.

    Args:
        attentions: weights, shape ``(layers, heads, n, n)``.

    Returns:
        PNG bytes of an image ``layers·(n+1) − 1`` pixels high and
        ``heads·(n+1) − 1`` wide (one transparent-looking gap between cells).
    """
    layers, heads, n, _ = attentions.shape
    step = n + _GAP
    image = np.full((layers * step - _GAP, heads * step - _GAP, 3), 255, dtype=np.uint8)  # (H, W, 3)
    cells = colour(attentions)  # (layers, heads, n, n, 3)
    for i in range(layers):
        for j in range(heads):
            image[i * step : i * step + n, j * step : j * step + n] = cells[i, j]
    return _png(image)


def _cells(row: NDArray[np.float64]) -> Element:
    """``<td>`` cells of one row; built directly because their content is only our own integers."""
    percents = np.rint(np.asarray(row) * 100).astype(int)  # (n,)
    # Explicit </td>: HTML allows leaving it out, but MkDocs' search parser then slows down quadratically.
    return Element("".join([f"<td class=w{p}>{p}</td>" for p in percents.tolist()]))


def _big_table(tokens: Sequence[str], weights: NDArray[np.float64], layer: int, head: int) -> Element:
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


def _panel(
    uid: str, a: int, tokens: Sequence[str], attentions: NDArray[np.float64], default: tuple[int, int]
) -> Element:
    """One sentence: the thumbnail grid with hot spots, then one enlarged table per head."""
    layers, heads = attentions.shape[:2]
    src = "data:image/png;base64," + base64.b64encode(heat_png(attentions)).decode("ascii")
    spots, views = [], []
    for i in range(layers):
        for j in range(heads):
            rid = f"{uid}-{a}-{i + 1}-{j + 1}"
            spots.append(
                h(
                    "label",
                    {"for": rid, "title": f"L{i + 1} H{j + 1}"},
                    h("span", {"class": "hg-sr"}, f"L{i + 1} H{j + 1}"),
                )
            )
            checked = (i + 1, j + 1) == default
            views.append(
                h(
                    "input",
                    {
                        "type": "radio",
                        "class": "hg-h",
                        "name": f"{uid}-{a}-head",
                        "id": rid,
                        "checked": checked,
                    },
                )
            )
            views.append(h("div", {"class": "hg-big"}, _big_table(tokens, attentions[i, j], i + 1, j + 1)))
    alt = f"{layers} by {heads} grid of attention heatmaps for: {' '.join(tokens)}"
    grid = h(
        "div",
        {"class": "hg-thumbs"},
        h("img", {"src": src, "alt": alt}),
        h("div", {"class": "hg-spots"}, spots),
    )
    return h("div", {"class": f"hg-panel hg-p{a}"}, grid, h("div", {"class": "hg-views"}, views))


def _stylesheet(n_sentences: int) -> str:
    """CSS for the view: radio inputs choose what shows; weight classes colour the cells."""
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
    return "".join([_BASE_CSS, *shown, *picked, *cells])


_BASE_CSS = (
    ".head-grid input.hg-s,.head-grid input.hg-h{position:absolute;opacity:0;pointer-events:none}"
    ".hg-picker{display:flex;flex-wrap:wrap;gap:.3rem;margin:.5rem 0}"
    ".hg-picker label{border:1px solid transparent;border-radius:.3rem;padding:.1rem .4rem;cursor:pointer;"
    "font-size:.75rem;background:var(--md-code-bg-color,#eee)}"
    ".hg-panel,.hg-big{display:none}.hg-h:checked+.hg-big{display:block}.hg-views{overflow-x:auto}"
    ".hg-thumbs{position:relative;max-width:40rem}"
    ".hg-thumbs img{display:block;width:100%;image-rendering:pixelated}"
    ".hg-spots{position:absolute;inset:0;display:grid;grid-template-columns:repeat(12,1fr);"
    "grid-template-rows:repeat(6,1fr)}"
    ".hg-spots label{cursor:pointer}.hg-spots label:hover{outline:2px solid var(--md-accent-fg-color,orange)}"
    ".hg-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
    ".hg-table{font-size:.65rem;border-collapse:collapse;margin-top:.6rem}"
    ".hg-table td{text-align:center;min-width:1.7em;padding:.15em}"
    ".hg-table th{font-weight:400;padding:.15em .3em}.hg-table thead th{writing-mode:vertical-rl}"
    ".hg-table caption{caption-side:top;text-align:left;font-weight:700}"
)


def render_head_grid(
    sentences: Sequence[str],
    encodings: Sequence[tuple[Sequence[str], NDArray[np.float64]]],
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
        One ``<div data-widget="head_grid" data-state="static">`` element with its stylesheet.

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
    help_text = (
        "Pick a sentence, then a cell of the grid (row = layer 1-6, column = head 1-12) to enlarge it."
    )
    body = render(
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
        "aria-label": "all-MiniLM-L6-v2 attention, layer by head",
    }
    # The stylesheet is generated from our own numbers only (no reader text), so it is safe as markup.
    style = Element("<style>" + _stylesheet(len(sentences)) + "</style>")
    return render(h("div", root, style, Element(body)))


def curated_head_grid(uid: str = "hg", default_head: tuple[int, int] = (6, 12)) -> str:
    """:func:`render_head_grid` over ``explainer.examples.trained.GRID_SENTENCES``, computed now."""
    from explainer.examples.trained import GRID_SENTENCES, minilm_attention

    encodings = [minilm_attention(s)[:2] for s in GRID_SENTENCES]
    return render_head_grid(GRID_SENTENCES, encodings, uid=uid, default_head=default_head)
