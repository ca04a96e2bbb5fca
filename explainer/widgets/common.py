"""Helpers the widgets share: number parsing and formatting, matrices, heatmaps, bars.

Everything here returns :class:`~explainer.html.Element` trees; nothing
builds HTML from strings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from explainer.html import Element, Template, escape_value, h
from explainer.widgets.base import MAX_TOKENS, WidgetError
from explainer.widgets.colour import SCALE_STEPS, colour_styles

__all__ = [
    "MAX_ABS",
    "MAX_TOKENS",
    "bars",
    "fixed",
    "fmt",
    "heatmap",
    "matrix_table",
    "parse_int",
    "parse_number",
    "parse_vector",
    "plural",
    "quote",
    "row",
    "row_sums_text",
    "table",
]

MAX_ABS = 1e6
"""Largest magnitude accepted in a numeric field: products of two such numbers stay far from overflow."""

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z", re.ASCII)
_SEPARATORS = re.compile(r"[\s,;]+")


def quote(text: str, limit: int = 40) -> str:
    """Reader text for a message: in curly quotes, shortened to ``limit`` characters.

    Example:
        >>> quote("abc")
        '“abc”'
    """
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return "“" + short + "”"


def plural(n: int, noun: str, many: str | None = None) -> str:
    """A count and its noun, singular for exactly one: ``1 token``, ``2 tokens``.

    Args:
        n: the count.
        noun: the singular noun.
        many: the plural, when it is not ``noun + "s"``.

    Example:
        >>> plural(1, "token"), plural(2, "head"), plural(0, "key"), plural(3, "query", "queries")
        ('1 token', '2 heads', '0 keys', '3 queries')
    """
    return f"{n} {noun if n == 1 else (many or noun + 's')}"


def row_sums_text(tokens: Sequence[str], empty_rows: Iterable[int]) -> str:
    """What is true of a weight matrix's row sums, naming fully masked rows as the reader counts (from 1).

    Args:
        tokens: the query tokens, one per row.
        empty_rows: indices (from 0) of the rows that may attend to nothing.

    Example:
        >>> row_sums_text(["a", "b"], [])
        'each row sums to 1'
        >>> row_sums_text(["a", "b", "c"], [0])
        'each row sums to 1, except row 1 (a), which is fully masked: all its weights are 0'
        >>> row_sums_text(["a", "b", "c"], [0, 2])
        'each row sums to 1, except rows 1 (a) and 3 (c), which are fully masked: all their weights are 0'
    """
    rows = [f"{i + 1} ({tokens[i]})" for i in empty_rows]
    if not rows:
        return "each row sums to 1"
    if len(rows) == 1:
        return f"each row sums to 1, except row {rows[0]}, which is fully masked: all its weights are 0"
    listed = ", ".join(rows[:-1]) + " and " + rows[-1]
    return f"each row sums to 1, except rows {listed}, which are fully masked: all their weights are 0"


def fmt(x: float, digits: int = 4) -> str:
    """A number for display: ``digits`` significant digits, no ``-0``.

    Example:
        >>> [fmt(61.0), fmt(0.880797), fmt(-0.0), fmt(2.06e-9)]
        ['61', '0.8808', '0', '2.06e-09']
    """
    value = float(x) + 0.0  # turns -0.0 into 0.0
    return "0" if value == 0 else format(value, f".{digits}g")


def parse_number(text: str, what: str, low: float = -MAX_ABS, high: float = MAX_ABS) -> float:
    """Parse one decimal number typed by a reader.

    Raises:
        WidgetError: if ``text`` is not a plain decimal number or is outside ``[low, high]``.

    Example:
        >>> parse_number(" −2.5e1 ", "x")
        -25.0
    """
    cleaned = text.strip().replace("−", "-")  # accept the typographic minus sign
    if not cleaned:
        raise WidgetError(f"{what} is empty: type a number.")
    if not _NUMBER.match(cleaned):
        raise WidgetError(f"{quote(cleaned)} in {what} is not a number (write e.g. 2, -0.5 or 1e3).")
    value = float(cleaned) + 0.0
    if not math.isfinite(value) or not low <= value <= high:
        raise WidgetError(
            f"{quote(cleaned)} in {what} is out of range: use numbers from {fmt(low)} to {fmt(high)}."
        )
    return value


def parse_int(text: str, what: str, low: int, high: int) -> int:
    """Parse a whole number in ``[low, high]``; raises :class:`WidgetError` otherwise."""
    value = parse_number(text, what, -MAX_ABS, MAX_ABS) if text.strip() else None
    if value is None:
        raise WidgetError(f"{what} is empty: choose a whole number from {low} to {high}.")
    if not value.is_integer() or not low <= value <= high:
        raise WidgetError(f"{what} must be a whole number from {low} to {high}, not {quote(text.strip())}.")
    return int(value)


def parse_vector(text: str, what: str) -> list[float]:
    """Parse numbers separated by commas, semicolons or spaces.

    Example:
        >>> parse_vector("2, 3", "the query")
        [2.0, 3.0]
    """
    parts = [p for p in _SEPARATORS.split(text.strip()) if p]
    if not parts:
        raise WidgetError(f"{what} is empty: type numbers separated by commas, e.g. 2, 3.")
    if len(parts) > MAX_TOKENS:
        raise WidgetError(f"{what} has {len(parts)} numbers; use at most {MAX_TOKENS}.")
    return [parse_number(p, what) for p in parts]


def table(caption: str, css_class: str, head: Sequence[str], rows: Iterable[Element]) -> Element:
    """A scrollable table: a caption, a header row ("" makes an empty corner cell) and body rows."""
    header = h("tr", None, (h("th", {"scope": "col"}, c) if c else h("td", None, "") for c in head))
    return h(
        "div",
        {"class": "explainer-scroll"},
        h(
            "table",
            {"class": css_class},
            h("caption", None, caption),
            h("thead", None, header),
            h("tbody", None, rows),
        ),
    )


def row(label: str, cells: Iterable[Element]) -> Element:
    """A body row: a row header, then the cells."""
    return h("tr", None, h("th", {"scope": "row"}, label), cells)


def fixed(x: float, decimals: int) -> str:
    """A number with exactly ``decimals`` decimals, no ``-0.00``.

    Example:
        >>> [fixed(0.3, 2), fixed(1.7000000000000002, 2), fixed(-0.001, 2), fixed(12.345, 1)]
        ['0.30', '1.70', '0.00', '12.3']
    """
    text = format(float(x), f".{decimals}f")
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def matrix_table(
    caption: str,
    matrix: ArrayLike,
    rows: Sequence[str],
    cols: Sequence[str],
    digits: int = 3,
    *,
    decimals: int | None = None,
) -> Element:
    """A labelled numeric matrix as an accessible table.

    Args:
        caption: the table caption (name and shape).
        matrix: shape ``(len(rows), len(cols))``.
        rows: row header texts. cols: column header texts.
        digits: significant digits shown.
        decimals: show every number with exactly this many decimals instead
            (matrices a reader multiplies by hand).
    """
    values = np.asarray(matrix, dtype=np.float64).tolist()  # (n_rows, n_cols)

    def text(v: float) -> str:
        return fmt(v, digits) if decimals is None else fixed(v, decimals)

    body = (row(label, (h("td", None, text(v)) for v in values[i])) for i, label in enumerate(rows))
    return table(caption, "explainer-matrix", ["", *cols], body)


_RowCells = tuple[list[float], list[bool], list[float], list[str]]
"""A heatmap row's weights, allowed flags, square sides and colour styles ("" for none), one per key."""

_CELL = Template(
    '<td class="explainer-cell" data-row="{i}" data-col="{j}" data-weight="{w}"'
    ' style="--s:{side:.3f}{colour}">{text}</td>'
)
_CELL_BUTTON = Template(
    '<td><button class="explainer-cell" data-row="{i}" data-col="{j}" data-weight="{w}"'
    ' style="--s:{side:.3f}{colour}" type="button" data-set="cell={i},{j}" aria-label="{q} to {k}: {what}"'
    ' aria-pressed="{pressed}">{text}</button></td>'
)


def _heatmap_row(
    i: int, query: str, keys: Sequence[str], cells: _RowCells, look: tuple[bool, int]
) -> Element:
    """One row: the query's header, then one cell per key with its number and a square of side √w.

    ``keys`` are escaped already (:func:`escape_value`); ``cells`` holds the row's weights, allowed
    flags, square sides and colour styles; ``look`` is (cells are buttons, the selected column in
    this row or -1). One template writes every cell: this runs for each cell of each update in the
    browser (256 at 16 tokens), so it does as little per cell as it can.
    """
    selectable, selected = look
    weights, allowed, sides, colours = cells
    texts = [f"{w:.2f}" if ok else "×" for w, ok in zip(weights, allowed, strict=True)]
    header = h("th", {"scope": "row", "data-q": i}, query)
    if not selectable:  # the row and column headers name a plain cell
        rows = (
            {"i": i, "j": j, "w": w, "side": sides[j], "colour": colours[j], "text": texts[j]}
            for j, w in enumerate(weights)
        )
        return h("tr", None, header, _CELL.join(rows))
    q = escape_value(query)
    buttons = (
        {
            "i": i,
            "j": j,
            "w": w,
            "side": sides[j],
            "colour": colours[j],
            "q": q,
            "k": keys[j],
            # weights are never -0.0, so format() is fmt(w, 3) at a third of the cost
            "what": f"weight {w:.3g}" if allowed[j] else "masked, weight 0",
            "pressed": "true" if j == selected else "false",
            "text": texts[j],
        }
        for j, w in enumerate(weights)
    )
    return h("tr", None, header, _CELL_BUTTON.join(buttons))


def heatmap(
    caption: str,
    queries: Sequence[str],
    keys: Sequence[str],
    weights: ArrayLike,
    allowed: ArrayLike | None = None,
    selected: tuple[int, int] | None = None,
    selectable: bool = False,
    *,
    colour: bool = False,
) -> Element:
    """Attention weights as a table of cells: the number, and a square (CSS) whose area is the weight.

    Each cell carries ``data-row``, ``data-col`` and ``data-weight`` (full
    precision); the headers carry ``data-q`` (row) and ``data-k`` (column). With
    ``selectable`` the cells are buttons that set the hidden ``cell`` field
    (``data-set="cell=ROW,COL"``).

    Args:
        caption: table caption.
        queries: row tokens, shape ``(n_q,)``. keys: column tokens, shape ``(n_k,)``.
        weights: shape ``(n_q, n_k)``.
        allowed: boolean mask, shape ``(n_q, n_k)``; ``False`` cells are shown as masked.
        selected: the selected ``(row, col)``, marked ``aria-pressed``.
        selectable: render cells as buttons.
        colour: fill each allowed cell with its weight's colour and write its number in black or
            white, whichever contrasts more (see :mod:`explainer.widgets.colour`).
    """
    w = np.asarray(weights, dtype=np.float64)  # (n_q, n_k)
    ok = (
        np.ones(w.shape, dtype=bool)
        if allowed is None
        else np.broadcast_to(np.asarray(allowed, bool), w.shape)
    )
    sides = np.sqrt(np.where(w > 0, w, 0.0)).tolist()  # the square's side ∝ √w, so its area ∝ w
    styles = colour_styles() if colour else ("",)
    steps = (
        np.rint(np.clip(w, 0.0, 1.0) * (SCALE_STEPS - 1)).astype(np.intp)
        if colour
        else np.zeros(w.shape, np.intp)
    )
    colours = [
        [styles[s] if a else "" for s, a in zip(r, o, strict=True)]
        for r, o in zip(steps.tolist(), ok.tolist(), strict=True)
    ]
    w_rows, ok_rows = w.tolist(), ok.tolist()  # Python floats are much faster to format one by one
    sel_row, sel_col = selected if selected is not None else (-1, -1)
    escaped = [escape_value(k) for k in keys]
    body = (
        _heatmap_row(
            i,
            q,
            escaped,
            (w_rows[i], ok_rows[i], sides[i], colours[i]),
            (selectable, sel_col if i == sel_row else -1),
        )
        for i, q in enumerate(queries)
    )
    head = h(
        "tr", None, h("td", None, ""), (h("th", {"scope": "col", "data-k": j}, k) for j, k in enumerate(keys))
    )
    css = "explainer-heatmap explainer-heatmap--colour" if colour else "explainer-heatmap"
    return h(
        "div",
        {"class": "explainer-scroll"},
        h(
            "table",
            {"class": css},
            h("caption", None, caption),
            h("thead", None, head),
            h("tbody", None, body),
        ),
    )


def bars(caption: str, labels: Sequence[str], values: ArrayLike, digits: int = 3) -> Element:
    """Values in ``[0, 1]`` as labelled horizontal bars with their numbers.

    Args:
        caption: what the bars show.
        labels: one per bar, shape ``(n,)``.
        values: shape ``(n,)``, each in ``[0, 1]``.
        digits: significant digits of the numbers.
    """
    v = np.asarray(values, dtype=np.float64)  # (n,)
    items = (
        h(
            "li",
            {"class": "explainer-bar-row"},
            h("span", {"class": "explainer-bar-label"}, label),
            h(
                "span",
                {"class": "explainer-bar-track", "aria-hidden": "true"},
                h(
                    "span",
                    {
                        "class": "explainer-bar-fill",
                        "style": f"width:{100 * min(max(float(x), 0.0), 1.0):.2f}%",
                    },
                ),
            ),
            h("span", {"class": "explainer-num"}, fmt(float(x), digits)),
        )
        for label, x in zip(labels, v, strict=True)
    )
    return h("figure", {"class": "explainer-bars"}, h("figcaption", None, caption), h("ul", None, items))
