"""``step_through``: causal self-attention in eight steps, drawn as moving pictures.

Chapter 6. The numbers are those of :func:`explainer.examples.step_through_example`
(four words, 4-d vectors, seeded random projections standing in for learned ones, a
causal mask); the pictures are :mod:`explainer.widgets.step_pictures`. One output holds
every step's picture for every query row, each with a text description Python wrote:
without JavaScript the page shows every step (for the first query row shown); with it,
``step_through.js`` shows one step and one row at a time by toggling the class ``st-on``,
plays them in order (each step for its ``data-ms``) and announces each description. The
browser only moves between pictures drawn here; nothing is computed or built there.

State: ``step`` and ``row`` (hidden, from 0; the script keeps them current, so a new
random draw, ``seed``, keeps the reader's step and row) and ``seed``. Only a new draw
needs the runtime.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from explainer.examples.self_attention import STEP_THROUGH_SEED, StepThroughExample, step_through_example
from explainer.html import Child, Element, h
from explainer.types import FloatArray
from explainer.widgets.base import EmbeddingsSource, Field, Output, State, WidgetSpec
from explainer.widgets.common import parse_int, quote
from explainer.widgets.step_pictures import PICTURES
from explainer.widgets.step_svg import BEAT_MS, DECIMALS, num

__all__ = ["DECIMALS", "DEFAULT_ROW", "HOLD_MS", "SPEC", "STEPS", "describe"]

STEPS = (
    "Tokens become vectors",
    "Project one row",
    "Score against every key",
    "Scale",
    "Mask",
    "Softmax",
    "Blend the values",
    "Every row at once",
)
MAX_SEED = 10**6
DEFAULT_ROW = 2
"""The query row shown first (from 0): "small", which sees two words before it and not the one after."""
HOLD_MS = 1200
"""While playing, how long a step stays after its motion ends."""


def _vector(v: FloatArray) -> str:
    return "[" + ", ".join(num(x) for x in v.tolist()) + "]"


def _words(ex: StepThroughExample, js: Sequence[int]) -> str:
    return ", ".join(quote(ex.tokens[j]) for j in js)


def _tokens_text(ex: StepThroughExample, r: int) -> str:
    n, d = ex.x.shape
    return (
        f"X, {n} × {d}: each of the {n} words is a row of {d} numbers (seeded random, one decimal each). "
        "Every number in the pictures is written in its cell; orange is positive, blue negative."
    )


def _projection_text(ex: StepThroughExample, r: int) -> str:
    return (
        f"Row {r + 1} of X, the word {quote(ex.tokens[r])} (1 × {ex.x.shape[1]}), times W_Q, W_K and W_V "
        f"({ex.w_q.shape[0]} × {ex.w_q.shape[1]} each, seeded random numbers, not learned ones) gives its "
        f"query q{r + 1} = {_vector(ex.q[r])}, key k{r + 1} = {_vector(ex.k[r])} and value "
        f"v{r + 1} = {_vector(ex.v[r])}, one column of W at a time. Every row does the same: "
        f"Q = X W_Q, K = X W_K and V = X W_V are {ex.q.shape[0]} × {ex.q.shape[1]}."
    )


def _scores_text(ex: StepThroughExample, r: int) -> str:
    return (
        f"The query of {quote(ex.tokens[r])} meets every key in turn; each dot product q{r + 1} · kj "
        f"fills one cell of row {r + 1} of S = Q Kᵀ ({ex.scores.shape[0]} × {ex.scores.shape[1]}): "
        f"{_vector(ex.scores[r])}."
    )


def _scale_text(ex: StepThroughExample, r: int) -> str:
    return (
        f"Dividing by √d_k = √{ex.d_k} shrinks row {r + 1} of S from {_vector(ex.scores[r])} "
        f"to {_vector(ex.scaled_scores[r])}."
    )


def _mask_text(ex: StepThroughExample, r: int) -> str:
    masked = [j for j in range(len(ex.tokens)) if not ex.mask[r, j]]
    if not masked:
        return f"{quote(ex.tokens[r])} is the last word: the causal mask strikes out nothing in its row."
    return (
        f"The causal mask lets {quote(ex.tokens[r])} see itself and the words before it only: the scores "
        f"of {_words(ex, masked)} are struck out (set to −∞)."
    )


def _softmax_text(ex: StepThroughExample, r: int) -> str:
    return (
        f"Softmax turns row {r + 1} into the weights {_vector(ex.weights[r])}; they sum to "
        f"{num(float(ex.weights[r].sum()))}, and a masked word gets exactly 0."
    )


def _blend_text(ex: StepThroughExample, r: int) -> str:
    return (
        f"Each value row vj is scaled by its weight a{r + 1}j, and the scaled rows are summed into the "
        f"output of {quote(ex.tokens[r])}: z{r + 1} = {_vector(ex.output[r])} (1 × {ex.output.shape[1]})."
    )


def _all_rows_text(ex: StepThroughExample, r: int) -> str:
    n = len(ex.tokens)
    return (
        f"Every row at once, in three matrix operations: S / √d_k with the mask ({n} × {n}), "
        f"A = softmax(S / √d_k + M) ({n} × {n}, each row sums to 1) and Z = A V "
        f"({ex.output.shape[0]} × {ex.output.shape[1]})."
    )


_TEXTS: tuple[Callable[[StepThroughExample, int], str], ...] = (
    _tokens_text,
    _projection_text,
    _scores_text,
    _scale_text,
    _mask_text,
    _softmax_text,
    _blend_text,
    _all_rows_text,
)
_PER_ROW = frozenset(range(1, 7))
"""The steps that follow the chosen query row (the first and the last show every row)."""


def describe(ex: StepThroughExample, step: int, row: int) -> str:
    """The text description of one step's picture for query row ``row`` (both from 0)."""
    return _TEXTS[step](ex, row)


def _descriptions(ex: StepThroughExample, step: int, row: int) -> list[Element]:
    """The step's description, one per query row when the picture follows the row."""
    if step not in _PER_ROW:
        return [h("p", {"class": "st-d"}, describe(ex, step, row))]
    return [
        h("p", {"class": "st-d st-v st-on" if r == row else "st-d st-v", "data-r": r}, describe(ex, step, r))
        for r in range(len(ex.tokens))
    ]


def _title(step: int) -> str:
    return f"Step {step + 1} of {len(STEPS)}: {STEPS[step]}"


def _section(ex: StepThroughExample, step: int, current: int, row: int) -> Element:
    """One step: its title, its picture (in a frame that scrolls on narrow screens) and its description."""
    picture, n_beats = PICTURES[step](ex, row)
    attrs = {
        "class": "st-step st-on" if step == current else "st-step",
        "data-s": step,
        "data-ms": (n_beats + 2) * BEAT_MS + HOLD_MS,
        "data-title": _title(step),
    }
    return h(
        "section",
        attrs,
        h("p", {"class": "st-title"}, h("strong", None, _title(step))),
        h("div", {"class": "st-pic"}, picture),
        _descriptions(ex, step, row),
    )


def _button(text: Child | list[Element], control: str, **attrs: str | int | bool | None) -> Element:
    return h("button", {"type": "button", "class": "explainer-button", "data-st": control, **attrs}, text)


def _controls(ex: StepThroughExample, step: int, row: int, seed: int) -> Element:
    """Play/pause, previous/next, the scrubber, the query row and a new random draw."""
    play = [h("span", {"class": "st-play-label"}, "Play"), h("span", {"class": "st-pause-label"}, "Pause")]
    last = len(STEPS) - 1
    scrub = h(
        "label",
        {"class": "st-scrub"},
        h("span", None, "Step"),
        h(
            "input",
            {
                "type": "range",
                "min": 1,
                "max": len(STEPS),
                "step": 1,
                "value": step + 1,
                "aria-valuetext": _title(step),
            },
        ),
    )
    rows = (
        _button(f"{r + 1} {tok}", "row", **{"data-r": r, "aria-pressed": "true" if r == row else "false"})
        for r, tok in enumerate(ex.tokens)
    )
    return h(
        "div",
        {"class": "st-controls"},
        h(
            "div",
            {"class": "st-transport", "role": "group", "aria-label": "Play the steps"},
            _button(play, "play"),
            _button("Previous", "prev", disabled=step == 0),
            _button("Next", "next", disabled=step == last),
            scrub,
        ),
        h(
            "div",
            {"class": "st-rows", "role": "group", "aria-label": "Query row"},
            h("span", None, "Query row:"),
            rows,
            h(
                "button",
                {
                    "type": "button",
                    "class": "explainer-button st-draw",
                    "data-set": f"seed={(seed + 1) % (MAX_SEED + 1)}",
                },
                "New random numbers",
            ),
        ),
    )


def _index(text: str, count: int) -> int | None:
    """A step or row number from the form (from 0), or ``None`` if there is no such one."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) < count else None


def run(state: State, embeddings: EmbeddingsSource) -> Output:
    """Every step's picture, the chosen step and query row shown first, with the controls."""
    seed = parse_int(str(state["seed"]), "the seed", 0, MAX_SEED)
    ex = step_through_example(seed)
    step, row = _index(str(state["step"]), len(STEPS)), _index(str(state["row"]), len(ex.tokens))
    notes = []
    if step is None:
        notes.append(f"There is no step {quote(str(state['step']), 20)}; showing step 1 of {len(STEPS)}.")
    if row is None:
        notes.append(f"There is no query row {quote(str(state['row']), 20)}; showing row {DEFAULT_ROW + 1}.")
    step, row = step or 0, DEFAULT_ROW if row is None else row
    steps = h(
        "div",
        {"class": "st-steps", "aria-live": "off", "style": f"--st-beat:{BEAT_MS}ms"},
        (_section(ex, s, step, row) for s in range(len(STEPS))),
    )
    live = h("div", {"class": "st-live", "aria-live": "polite"})
    body = (_controls(ex, step, row, seed), live, steps)
    return Output(body, " ".join(notes) or None, {"step": str(step), "row": str(row)})


SPEC = WidgetSpec(
    name="step_through",
    title="Self-attention, step by step",
    fields=(
        Field("step", "Step", "hidden", "0"),
        Field("row", "Query row", "hidden", str(DEFAULT_ROW)),
        Field("seed", "Random seed", "hidden", str(STEP_THROUGH_SEED)),
    ),
    run=run,
    loading="Loading Python to draw new random numbers",
    needs_numpy_more=True,
    assets=("step_through.css", "step_through.js"),
)
