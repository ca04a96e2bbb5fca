"""``minilm_live``: any sentence through all-MiniLM-L6-v2: 72 heads, one enlarged, one weight explained.

The reader types a sentence (at most :data:`~explainer.minilm.compact.MAX_PIECES`
word pieces) and presses the button. The compact model
(:mod:`explainer.minilm.compact`) runs it, here at build time for the preset
sentences and in the reader's Web Worker for anything else, with the same
code and the same float16 weights, so both give the same numbers.

In the browser the weights are not there at first: reading them raises
``NeedFiles``. Until the reader agrees (hidden field ``load`` is ``"yes"``)
the widget answers with the download's size and a button that sets ``load``;
after that, ``NeedFiles`` travels on to the worker, which downloads, checks
and caches the files and asks again.

The enlarged head is shown as a heatmap and, in a disclosure the reader opens,
as lines (BertViz's head view, drawn by :mod:`explainer.widgets.heatmap_lines`;
``heatmap_explorer.js`` isolates a token's lines on hover or focus). Both are in
every output, so the preset sentences switch between them with no runtime.
A chosen cell (query ``i`` → key ``j``) also lists the heads that carry that
link most by Kobayashi et al.'s norm ``‖α_ij f_h(x_j)‖``
(:func:`explainer.examples.trained_live.link_contributions`), with a button
that switches them off.

Hidden fields: ``layer`` and ``head`` (counted from 1, the enlarged head),
``cell`` (``"ROW,COL"`` from 0, the explained weight), ``off`` (heads
switched off, ``"L-H,L-H"``) and ``load``.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING

from explainer.html import Element, h
from explainer.widgets.base import EmbeddingsSource, Field, Output, State, WidgetError, WidgetSpec, message
from explainer.widgets.common import plural
from explainer.widgets.head_grid import heat_png
from explainer.widgets.heatmap_explorer import parse_cell
from explainer.widgets.minilm_views import TOP_HEADS as TOP_HEADS  # re-exported for tests
from explainer.widgets.minilm_views import (
    ablation_view,
    cell_view,
    enlarged,
    link_heads,
    off_text,
    rollout_view,
    switch,
)

if TYPE_CHECKING:
    from explainer.minilm import Encoding, MiniLM

__all__ = ["SPEC", "download_question", "model_or_question", "parse_head", "parse_off"]

DEFAULT_SENTENCE = "The cat sat on the mat because it was tired"


def parse_head(layer: str, head: str, shape: tuple[int, int]) -> tuple[int, int]:
    """``(layer, head)`` counted from 1, or the last head when either is not a valid number.

    Example:
        >>> parse_head("2", "5", (6, 12)), parse_head("9", "x", (6, 12))
        ((2, 5), (6, 12))
    """
    if layer.isdigit() and head.isdigit() and 1 <= int(layer) <= shape[0] and 1 <= int(head) <= shape[1]:
        return int(layer), int(head)
    return shape


def parse_off(text: str, shape: tuple[int, int]) -> tuple[tuple[int, int], ...]:
    """The heads switched off, from ``"L-H,L-H"`` (counted from 1): valid ones, each once, sorted.

    Example:
        >>> parse_off("6-12,1-1,6-12,9-9,x", (6, 12))
        ((1, 1), (6, 12))
    """
    found = set()
    for item in text.split(","):
        layer, _, head = item.strip().partition("-")
        if layer.isdigit() and head.isdigit() and 1 <= int(layer) <= shape[0] and 1 <= int(head) <= shape[1]:
            found.add((int(layer), int(head)))
    return tuple(sorted(found))


def model_or_question(state: State) -> MiniLM | Output:
    """The compact model, or (missing files, no go-ahead yet) the question whether to download it."""
    from explainer.datafiles import NeedFiles
    from explainer.examples.trained_live import live_model

    try:
        return live_model()
    except NeedFiles:
        if state["load"] == "yes":
            raise  # the worker downloads, checks and caches the files, then asks again
        return download_question()


def download_question() -> Output:
    """The size of the download (read from the build's ``about.json``) and a button to agree to it.

    Raises:
        NeedFiles: for ``about.json`` itself (a few hundred bytes) until the worker has fetched it.
    """
    from explainer.datafiles import require
    from explainer.minilm.compact import ABOUT_FILE

    (path,) = require([ABOUT_FILE], "the size of the model's download")
    mb = json.loads(path.read_text(encoding="utf-8"))["first_sentence_bytes"] / 1e6
    note = (
        f"A typed sentence needs the model's weights: about {mb:.1f} MB the first time (the six layers in "
        "float16 and the vocabulary, plus the embedding rows of your words), kept by your browser "
        "afterwards, so later sentences only fetch rows they lack. Nothing has been downloaded yet."
    )
    button = h(
        "button",
        {"type": "button", "class": "ml-download", "data-set": "load=yes"},
        f"Download the model ({mb:.1f} MB)",
    )
    return Output((message(note, "note"), h("p", None, button)))


def _encode(model: MiniLM, sentence: str) -> Encoding:
    """The forward pass, with the reader's mistakes as clear messages."""
    from explainer.examples.trained_live import compact_encode
    from explainer.minilm.compact import MAX_PIECES

    if not sentence.strip():
        raise WidgetError("Type a sentence first: the box is empty.")
    pieces = model.tokenizer.tokenize(sentence)
    if len(pieces) > MAX_PIECES:
        raise WidgetError(
            f"Your sentence has {len(pieces)} word pieces; this explorer takes at most {MAX_PIECES}. "
            "Shorten it and press the button again."
        )
    if not pieces:
        raise WidgetError(
            "The sentence has no characters the model reads (only spaces or control characters)."
        )
    return compact_encode(sentence)


def _tokens(enc: Encoding) -> Element:
    """The word pieces the model sees, ``[UNK]`` marked (in words, not only by colour)."""
    unknown = enc.tokens.count("[UNK]")
    items = [h("li", {"class": "ml-unk" if t == "[UNK]" else None}, t) for t in enc.tokens]
    note = (
        message(
            f"{plural(unknown, 'word')} became [UNK]: the vocabulary lacks their characters, "
            "so the model reads them all as the same unknown token.",
            "note",
        )
        if unknown
        else None
    )
    return h(
        "div",
        {"class": "ml-tokens"},
        h("p", None, f"{plural(len(enc.tokens), 'word piece')}:"),
        h("ol", None, items),
        note,
    )


def _grid(enc: Encoding, chosen: tuple[int, int], off: tuple[tuple[int, int], ...]) -> Element:
    """72 thumbnails in one picture, with a button per head over it."""
    layers, heads, n, _ = enc.attentions.shape
    src = "data:image/png;base64," + base64.b64encode(heat_png(enc.attentions)).decode("ascii")
    buttons = [
        h(
            "button",
            {
                "type": "button",
                "class": "ml-head",
                "data-layer": i + 1,
                "data-head": j + 1,
                "data-set": f"layer={i + 1}&head={j + 1}",
                "aria-label": f"layer {i + 1}, head {j + 1}"
                + (", switched off" if (i + 1, j + 1) in off else ""),
                "data-off": (i + 1, j + 1) in off,
                "aria-pressed": "true" if (i + 1, j + 1) == chosen else "false",
            },
        )
        for i in range(layers)
        for j in range(heads)
    ]
    alt = f"{layers} by {heads} grid of attention heatmaps (rows: layers, columns: heads) for {n} word pieces"
    overlay = h(
        "div",
        {"class": "ml-heads", "style": f"grid-template:repeat({layers},1fr)/repeat({heads},1fr)"},
        buttons,
    )
    caption = h(
        "figcaption",
        None,
        f"Rows: layers 1 to {layers}; columns: heads 1 to {heads}. Choose a head to enlarge it.",
    )
    return h(
        "figure",
        {"class": "ml-grid"},
        caption,
        h("div", {"class": "ml-board"}, h("img", {"src": src, "alt": alt}), overlay),
    )


def _run(state: State, _embeddings: EmbeddingsSource) -> Output:
    sentence = str(state["sentence"])
    if not sentence.strip():
        raise WidgetError("Type a sentence first: the box is empty.")
    model = model_or_question(state)
    if isinstance(model, Output):
        return model
    enc = _encode(model, sentence)
    layers, heads, n, _ = enc.attentions.shape
    chosen = parse_head(str(state["layer"]), str(state["head"]), (layers, heads))
    cell = parse_cell(str(state["cell"]), n)
    off = parse_off(str(state["off"]), (layers, heads))
    body = [_tokens(enc), _grid(enc, chosen, off), switch(chosen, off), enlarged(enc, chosen, cell)]
    if cell is not None:
        body += [cell_view(model, enc, chosen, cell), link_heads(model, enc, cell, off)]
    if off:  # beside the switches that set it, before the rollout
        body.append(ablation_view(model, enc, off, cell[0] if cell else 0))
    body.append(rollout_view(enc, cell[0] if cell else 0))
    fixed_state = {
        "off": off_text(off),
        "layer": str(chosen[0]),
        "head": str(chosen[1]),
        "cell": "" if cell is None else f"{cell[0]},{cell[1]}",
    }
    return Output(tuple(body), state={k: v for k, v in fixed_state.items() if v != state[k]})


def _known(spec: WidgetSpec, state: State) -> list[State]:
    """The preset sentences, each at the page's first head: shown with no runtime and no download."""
    from explainer.examples import GRID_SENTENCES

    return [dict(state, sentence=s) for s in GRID_SENTENCES]


SPEC = WidgetSpec(
    name="minilm_live",
    title="all-MiniLM-L6-v2 on your sentence",
    fields=(
        Field("sentence", "Sentence", "text", DEFAULT_SENTENCE, hint="up to 64 word pieces"),
        Field("layer", "Layer", "hidden", "6"),
        Field("head", "Head", "hidden", "12"),
        Field("cell", "Cell", "hidden", ""),
        Field("load", "Download agreed", "hidden", "", keyed=False),
        Field("off", "Heads switched off", "hidden", ""),
    ),
    run=_run,
    submit_label="Show the 72 heads",
    known=_known,
    loading="Loading Python to run all-MiniLM-L6-v2",
    assets=("heatmap_explorer.css", "heatmap_explorer.js", "minilm_live.css", "minilm_live.js"),
)
