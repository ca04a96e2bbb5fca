"""``dot_product_playground``: score a query against keys, then softmax the scores.

Chapters 2-3. The reader edits the query and the keys (one per line,
``NAME: numbers``); the widget shows every product term, each score and
the softmax weights, computed by
:func:`explainer.attention.scaled_dot_product_attention` (``scale=1`` unless
the switch divides by √d). The initial state is the site's worked example,
:func:`explainer.examples.dot_product_example`.

Two-dimensional vectors are also drawn as arrows from the origin on a
:mod:`~explainer.widgets.plane`. Each arrow's tip is a drag handle
(``data-drag`` names the form input, ``data-line`` the line of a key in the
keys box and ``data-prefix`` what is kept before its numbers), which
``assets/widgets/dot_product.js`` moves with the pointer or the arrow keys and
writes back, rounded, as typed numbers; Python then computes everything anew.
"""

from __future__ import annotations

import math

import numpy as np

from explainer.attention import scaled_dot_product_attention
from explainer.html import Element, h
from explainer.types import FloatArray
from explainer.widgets.base import EmbeddingsSource, Field, Output, State, WidgetError, WidgetSpec, reachable
from explainer.widgets.common import MAX_TOKENS, bars, fmt, parse_vector, plural, quote, row, table
from explainer.widgets.plane import Plane, arrow, at, label, plane_for, svg

__all__ = ["SPEC", "key_handles", "parse_keys", "picture"]

DEFAULT_QUERY = "2, 3"
DEFAULT_KEYS = "C: 11, 13\nA: 1, 2\nB: 4, 6"
MAX_NAME = 24  # characters of a key name
Handle = tuple[str, int | None, str]
"""Where a dragged vector's numbers go: an input's name, a line of the keys box (or ``None``), a prefix."""


def _key_line(line: str, number: int) -> tuple[str, list[float]]:
    """``"NAME: numbers"`` or just ``"numbers"`` (named k1, k2, …)."""
    name, sep, numbers = line.partition(":")
    if not sep:
        name, numbers = f"k{number}", line
    name = name.strip() or f"k{number}"
    if len(name) > MAX_NAME:
        raise WidgetError(f"Key name {quote(name)} is too long: use at most {MAX_NAME} characters.")
    return name, parse_vector(numbers, f"key {name}")


def parse_keys(text: str, d: int) -> tuple[list[str], list[list[float]]]:
    """Parse the keys box: one key per non-empty line, each with ``d`` numbers.

    Raises:
        WidgetError: no keys, too many, a bad number or a wrong length.

    Example:
        >>> parse_keys("C: 11, 13\\n1 2", 2)
        (['C', 'k2'], [[11.0, 13.0], [1.0, 2.0]])
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise WidgetError("The keys box is empty: type one key per line, e.g. C: 11, 13.")
    if len(lines) > MAX_TOKENS:
        raise WidgetError(f"There are {len(lines)} keys; use at most {MAX_TOKENS}.")
    names, keys = [], []
    for number, line in enumerate(lines, start=1):
        name, key = _key_line(line, number)
        if len(key) != d:
            raise WidgetError(
                f"Key {quote(name)} has {plural(len(key), 'number')} but the query has {d}: "
                "every key needs as many numbers as the query."
            )
        names.append(name)
        keys.append(key)
    return names, keys


def _terms(q: list[float], key: list[float]) -> str:
    """``2×11 + 3×13`` (the first eight terms)."""
    shown = [f"{fmt(a)}×{fmt(b)}" for a, b in zip(q[:8], key[:8], strict=False)]
    return " + ".join(shown) + (" + …" if len(q) > 8 else "")


def _table(
    names: list[str],
    q: list[float],
    keys: list[list[float]],
    raw: FloatArray,
    scaled: FloatArray | None,
    weights: FloatArray,
) -> Element:
    """Each key: its vector, its terms, its score (scaled too if asked) and its weight."""
    scaled_col = ["score ÷ √d"] if scaled is not None else []
    cols = ["key", "vector", "q·k, term by term", "score q·k", *scaled_col, "weight"]
    body = []
    for i, name in enumerate(names):
        vector = "[" + ", ".join(fmt(x) for x in keys[i]) + "]"
        numbers = [fmt(raw[i]), *([] if scaled is None else [fmt(scaled[i])]), fmt(weights[i])]
        body.append(row(name, [h("td", None, text) for text in (vector, _terms(q, keys[i]), *numbers)]))
    return table("Scores and softmax weights", "explainer-matrix", cols, body)


def key_handles(text: str, n_keys: int) -> list[Handle]:
    """Each key's place in the keys box: its line (split at ``\\n``, as the page does) and its ``NAME:``.

    Empty when the lines the page sees do not match the keys parsed (an unusual line break):
    the keys are then drawn but cannot be dragged.

    Example:
        >>> key_handles("C: 11, 13\\n\\n1 2", 2)
        [('keys', 0, 'C: '), ('keys', 2, '')]
    """
    lines = text.split("\n")
    found = [(i, line) for i, line in enumerate(lines) if line.strip()]
    if len(found) != n_keys:
        return []
    return [("keys", i, line.partition(":")[0] + ": " if ":" in line else "") for i, line in found]


def _vector_text(v: list[float]) -> str:
    return "[" + ", ".join(fmt(x) for x in v) + "]"


def _gap(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance from point ``p`` to the segment from ``a`` to ``b`` (user units)."""
    ab, ap = (b[0] - a[0], b[1] - a[1]), (p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, (ap[0] * ab[0] + ap[1] * ab[1]) / ((ab[0] ** 2 + ab[1] ** 2) or 1.0)))
    return math.hypot(ap[0] - t * ab[0], ap[1] - t * ab[1])


def _tip_label(plane: Plane, v: list[float], text: str, cls: str, arrows: list[list[float]]) -> Element:
    """A label beside an arrow's tip, on whichever side leaves its text farther from the other arrows."""
    length = math.hypot(v[0], v[1]) or 1.0
    clockwise = (15 * v[1] / length, 15 * v[0] / length)  # screen y points down: (y, x) turns clockwise
    tip, origin = at(plane, v[0], v[1]), at(plane, 0.0, 0.0)
    half = 3.5 * len(text)  # about half the text's width at 12 px

    def room(offset: tuple[float, float]) -> float:
        centre = (tip[0] + offset[0] + (half if offset[0] >= -3 else -half), tip[1] + offset[1])
        others = (at(plane, a[0], a[1]) for a in arrows if a is not v)
        return min((_gap(centre, origin, end) for end in others), default=math.inf)

    dx, dy = max((clockwise, (-clockwise[0], -clockwise[1])), key=room)
    end = " pl-label--end" if dx < -3 else ""
    return label(v[0], v[1], text, plane, dx=dx, dy=dy + 4, cls=f"pl-label {cls}{end}")


def _handle(plane: Plane, v: list[float], where: Handle, name: str, step: str) -> Element:
    """A focusable drag handle on an arrow's tip, carrying where its numbers are written."""
    x, y = at(plane, v[0], v[1])
    field, line, prefix = where
    attrs = {
        "class": "dp-handle",
        "transform": f"translate({x:.1f} {y:.1f})",
        "tabindex": "0",
        "role": "button",
        "aria-roledescription": "draggable point",
        "aria-label": f"{name} = {_vector_text(v)}: drag, or press the arrow keys to move it by {step}",
        "data-drag": field,
        "data-line": line,
        "data-prefix": prefix if line is not None else None,
        "data-x": repr(v[0]),
        "data-y": repr(v[1]),
    }
    return h(
        "g", attrs, h("circle", {"class": "dp-hit", "r": "15"}), h("circle", {"class": "dp-knob", "r": "5"})
    )


def _description(names: list[str], q: list[float], keys: list[list[float]], raw: FloatArray) -> str:
    best = int(np.argmax(raw))
    listed = ", ".join(f"{n} = {_vector_text(k)}" for n, k in zip(names, keys, strict=True))
    return (
        f"Arrows from the origin: the query q = {_vector_text(q)} (dashed) and the keys {listed} "
        f"(each labelled with its score q·k). A key scores higher the longer it is and the more nearly it "
        f"points along q; {names[best]} has the largest score, {fmt(raw[best])}."
    )


def picture(
    names: list[str], q: list[float], keys: list[list[float]], raw: FloatArray, handles: list[Handle]
) -> Element:
    """The query and the keys as arrows on a plane, with a drag handle on each tip (2-D vectors only)."""
    if len(q) != 2:
        note = (
            f"The picture can only draw 2-D vectors; these have {plural(len(q), 'number')} each. "
            "The scores and weights below are computed all the same."
        )
        return h("p", {"class": "explainer-message explainer-message--note"}, note)
    plane = plane_for([q, *keys])
    step = format(plane.step / 2, "g")
    best = int(np.argmax(raw))
    arrows, marks = [], []
    for i, (name, k) in enumerate(zip(names, keys, strict=True)):
        arrows.append(arrow(plane, k[0], k[1], "dp-k dp-best" if i == best else "dp-k"))
        marks.append(_tip_label(plane, k, f"{name}: {fmt(raw[i])}", "dp-k-label", [q, *keys]))
        if handles:
            marks.append(_handle(plane, k, handles[i], f"key {name}", step))
    arrows.append(arrow(plane, q[0], q[1], "dp-q"))
    marks += [
        _tip_label(plane, q, "q", "dp-q-label", [q, *keys]),
        _handle(plane, q, ("query", None, ""), "the query q", step),
    ]
    drawing = svg(plane, "The query and the keys as arrows", "dp-plane", [*arrows, *marks])
    return h(
        "figure", {"class": "dp-figure"}, drawing, h("figcaption", None, _description(names, q, keys, raw))
    )


def run(state: State, embeddings: EmbeddingsSource) -> Output:
    """Scores and weights of the typed query against the typed keys."""
    q = parse_vector(str(state["query"]), "the query")
    names, keys = parse_keys(str(state["keys"]), len(q))
    scale = 1.0 / math.sqrt(len(q)) if state["scale"] is True else 1.0
    raw = np.asarray(keys) @ np.asarray(q)  # (n_keys,)
    _, weights = scaled_dot_product_attention([q], keys, keys, scale=scale)  # (1, n_keys)
    w = weights[0]  # (n_keys,)
    best = int(np.argmax(w))
    summary = f"“{names[best]}” matches the query best: it gets weight {fmt(w[best])} of 1."
    if w[best] > 0.99:
        summary += " The softmax is essentially one-hot: the other keys get almost nothing."
    body = (
        picture(names, q, keys, raw, key_handles(str(state["keys"]), len(keys))),
        _table(names, q, keys, raw, raw * scale if state["scale"] is True else None, w),
        bars("Softmax weights (they sum to 1)", names, w),
        h("p", None, summary),
    )
    return Output(body)


SPEC = WidgetSpec(
    name="dot_product_playground",
    title="Dot-product playground",
    fields=(
        Field("query", "Query q (numbers separated by commas)", "text", DEFAULT_QUERY),
        Field("keys", "Keys, one per line (name: numbers)", "textarea", DEFAULT_KEYS, rows=5),
        Field("scale", "Divide the scores by √d", "checkbox", False),
    ),
    run=run,
    known=reachable,
    loading="Loading Python to score your vectors",
    assets=("plane.css", "dot_product.css", "dot_product.js"),
)
