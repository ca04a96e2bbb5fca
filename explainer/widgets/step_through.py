"""``step_through``: self-attention in five steps, with every intermediate matrix.

Chapter 6. The matrices are those of
:func:`explainer.examples.step_through_example` (3 words, 4 dimensions,
seeded random projections standing in for learned ones), every one shown to
:data:`DECIMALS` decimals. The hidden field ``step`` (0-4) is the current step;
the step list and the Previous/Next buttons set it with ``data-set``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from explainer.examples.self_attention import StepThroughExample, step_through_example
from explainer.html import Element, h
from explainer.types import FloatArray
from explainer.widgets.base import EmbeddingsSource, Field, Output, State, WidgetSpec, reachable
from explainer.widgets.common import fixed, heatmap, matrix_table, parse_int

__all__ = ["DECIMALS", "SPEC", "STEPS"]

STEPS = (
    "Tokens become vectors",
    "Project to queries, keys and values",
    "Score every query against every key",
    "Scale, mask and softmax",
    "Blend the values",
)
MAX_SEED = 10**6
DECIMALS = 2
"""Decimals of every matrix shown: X and W have one, so Q = X W is exact at two and checks by hand."""


def _dims(n: int) -> list[str]:
    return [f"d{j + 1}" for j in range(n)]


def _shape(m: FloatArray) -> str:
    """A matrix's shape as the page writes it, read from the array: ``3 × 4``."""
    return " × ".join(str(n) for n in m.shape)


def _columns(m: FloatArray) -> list[str]:
    return _dims(m.shape[1])


def _matrix(caption: str, m: FloatArray, rows: Sequence[str], cols: Sequence[str]) -> Element:
    """A matrix of this widget: every one to :data:`DECIMALS` decimals, so hand checks add up."""
    return matrix_table(caption, m, rows, cols, decimals=DECIMALS)


def _step_tokens(ex: StepThroughExample) -> list[Element]:
    return [
        h(
            "p",
            None,
            f"Each word is a row of X, here {ex.x.shape[1]} numbers per word. Every number in X and in "
            f"the projections has one decimal; every matrix is shown to {DECIMALS} decimals.",
        ),
        _matrix(f"X, shape {_shape(ex.x)}", ex.x, ex.tokens, _columns(ex.x)),
    ]


def _first_entry(ex: StepThroughExample) -> str:
    """Row 1, column 1 of Q worked out, as a reader checks it: ``0.30 × (-0.40) + … = 1.70``."""
    terms = " + ".join(
        f"{_paren(fixed(a, DECIMALS))} × {_paren(fixed(b, DECIMALS))}"
        for a, b in zip(ex.x[0].tolist(), ex.w_q[:, 0].tolist(), strict=True)
    )
    return f"{terms} = {fixed(ex.q[0, 0], DECIMALS)}"


def _paren(text: str) -> str:
    """A factor in a sum of products: negatives in parentheses."""
    return f"({text})" if text.startswith("-") else text


def _step_projections(ex: StepThroughExample) -> list[Element]:
    tables = [
        _matrix(f"{name}, shape {_shape(m)}", m, _dims(m.shape[0]), _columns(m))
        for name, m in (("W_Q", ex.w_q), ("W_K", ex.w_k), ("W_V", ex.w_v))
    ]
    results = [
        _matrix(f"{name}, shape {_shape(m)}", m, ex.tokens, _columns(m))
        for name, m in (("Q = X W_Q", ex.q), ("K = X W_K", ex.k), ("V = X W_V", ex.v))
    ]
    return [
        h(
            "p",
            None,
            "Three seeded random matrices, standing in for learned ones, turn each row of X into a "
            "query, a key and a value. X and the W's have one decimal each, so Q, K and V are exact "
            "at two decimals: check any entry by hand. Row 1, column 1 of Q is row 1 of X times "
            f"column 1 of W_Q: {_first_entry(ex)}.",
        ),
        h("div", {"class": "explainer-columns"}, tables),
        h("div", {"class": "explainer-columns"}, results),
    ]


def _step_scores(ex: StepThroughExample) -> list[Element]:
    return [
        h(
            "p",
            None,
            "S = Q Kᵀ: row i, column j is the dot product of query i with key j. The Q and K shown are "
            f"exact, so a hand check gives S exactly; it is shown rounded to {DECIMALS} decimals.",
        ),
        _matrix(
            f"S = Q Kᵀ, shape {_shape(ex.scores)} (rows: queries, columns: keys)",
            ex.scores,
            ex.tokens,
            ex.tokens,
        ),
    ]


def _step_softmax(ex: StepThroughExample) -> list[Element]:
    return [
        h(
            "p",
            None,
            f"Divide by √d_k = √{ex.d_k}, set forbidden scores to −∞ (this example masks nothing), "
            "then softmax each row so it sums to 1.",
        ),
        _matrix(f"S / √{ex.d_k}, shape {_shape(ex.scaled_scores)}", ex.scaled_scores, ex.tokens, ex.tokens),
        heatmap(
            "A = softmax(S / √d_k), row by row; each row sums to 1", ex.tokens, ex.tokens, ex.weights, ex.mask
        ),
    ]


def _step_output(ex: StepThroughExample) -> list[Element]:
    return [
        h(
            "p",
            None,
            "Z = A V: each output row is the weighted average of the value rows. A is rounded here, so "
            "a hand check of Z agrees to about two decimals.",
        ),
        h(
            "div",
            {"class": "explainer-columns"},
            _matrix(f"A, shape {_shape(ex.weights)}", ex.weights, ex.tokens, ex.tokens),
            _matrix(f"V, shape {_shape(ex.v)}", ex.v, ex.tokens, _columns(ex.v)),
        ),
        _matrix(f"Z = A V, shape {_shape(ex.output)}", ex.output, ex.tokens, _columns(ex.output)),
    ]


_PANELS: tuple[Callable[[StepThroughExample], list[Element]], ...] = (
    _step_tokens,
    _step_projections,
    _step_scores,
    _step_softmax,
    _step_output,
)


def _button(label: str, target: int | None, css_class: str, current: bool = False) -> Element:
    """A button that sets ``step`` to ``target``; ``None`` makes it disabled (and it sets nothing)."""
    attrs = {
        "type": "button",
        "class": css_class,
        "data-set": None if target is None else f"step={target}",
        "disabled": target is None,
        "aria-current": "step" if current else None,
    }
    return h("button", attrs, label)


def _nav(step: int) -> Element:
    """The list of steps (the current one marked) and Previous/Next."""
    tabs = (
        h("li", None, _button(f"{i + 1}. {title}", i, "explainer-step-tab", i == step))
        for i, title in enumerate(STEPS)
    )
    last = len(STEPS) - 1
    prev_next = h(
        "div",
        {"class": "explainer-step-buttons"},
        _button("Previous", step - 1 if step > 0 else None, "explainer-button"),
        _button("Next", step + 1 if step < last else None, "explainer-button"),
    )
    return h(
        "div",
        {"class": "explainer-steps", "role": "group", "aria-label": "Steps"},
        h("ol", None, tabs),
        prev_next,
    )


def run(state: State, embeddings: EmbeddingsSource) -> Output:
    """The panel of the current step, with the step navigation."""
    seed = parse_int(str(state["seed"]), "the seed", 0, MAX_SEED)
    text = str(state["step"]).strip()
    ok = text.isascii() and text.isdigit() and int(text) < len(STEPS)
    step = int(text) if ok else 0
    note = None if ok else f"There is no step “{text[:20]}”; showing step 1 of {len(STEPS)}."
    ex = step_through_example(seed)
    panel = h(
        "section",
        {"class": "explainer-step-panel", "aria-label": f"Step {step + 1}: {STEPS[step]}"},
        h(
            "p",
            {"class": "explainer-step-title"},
            h("strong", None, f"Step {step + 1} of {len(STEPS)}: {STEPS[step]}"),
        ),
        _PANELS[step](ex),
    )
    return Output((_nav(step), panel), note, {"step": str(step)})


SPEC = WidgetSpec(
    name="step_through",
    title="Self-attention, step by step",
    fields=(
        Field("step", "Step", "hidden", "0"),
        Field("seed", "Random seed", "hidden", "1"),
    ),
    run=run,
    known=lambda spec, state: reachable(spec, state, {"step": [str(i) for i in range(len(STEPS))]}),
    loading="Loading Python to draw new random projections",
)
