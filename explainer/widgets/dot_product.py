"""``dot_product_playground``: score a query against keys, then softmax the scores.

Chapters 2-3. The reader edits the query and the keys (one per line,
``NAME: numbers``); the widget shows every product term, each score and
the softmax weights, computed by
:func:`explainer.attention.scaled_dot_product_attention` (``scale=1`` unless
the switch divides by √d). The initial state is the site's worked example,
:func:`explainer.examples.dot_product_example`.
"""

from __future__ import annotations

import math

import numpy as np

from explainer.attention import scaled_dot_product_attention
from explainer.html import Element, h
from explainer.types import FloatArray
from explainer.widgets.base import EmbeddingsSource, Field, Output, State, WidgetError, WidgetSpec, reachable
from explainer.widgets.common import MAX_TOKENS, bars, fmt, parse_vector, plural, quote, row, table

__all__ = ["SPEC", "parse_keys"]

DEFAULT_QUERY = "2, 3"
DEFAULT_KEYS = "C: 11, 13\nA: 1, 2\nB: 4, 6"
MAX_NAME = 24  # characters of a key name


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
)
