"""``contextualisation_probe``: where a word's attention output lands among GloVe's words.

Attention mixes a word's vector with its neighbours' vectors; the nearest
words to that output show what the context added, e.g. "dog" in "the dog
was" against "the hot dog was". The output comes from
:func:`explainer.examples.glove.glove_attention`, and the neighbours are
searched, as in :func:`explainer.examples.glove.contextualisation_example`,
among the :data:`~explainer.embeddings.BROWSER_VOCAB_SIZE` most frequent words,
leaving out the sentence's own words. In the browser that search reads a small index
and the rows of a few dozen candidates, not all of those words
(:func:`explainer.glove_rows.nearest_frequent`).
"""

from __future__ import annotations

import numpy as np

from explainer.embeddings import cosine_similarity, tokenize
from explainer.glove_rows import nearest_frequent
from explainer.html import Element, h
from explainer.widgets.base import EmbeddingsSource, Field, Output, State, WidgetError, WidgetSpec
from explainer.widgets.common import bars, fmt, quote
from explainer.widgets.glove_common import attend

__all__ = ["N_NEIGHBOURS", "SPEC"]

N_NEIGHBOURS = 8


def _neighbour_list(caption: str, pairs: list[tuple[str, float]]) -> Element:
    items = (
        h("li", None, word, " ", h("span", {"class": "explainer-num"}, f"(cosine {fmt(cos, 3)})"))
        for word, cos in pairs
    )
    return h("div", {"class": "explainer-neighbours"}, h("p", None, caption), h("ol", None, items))


def _word_position(word_text: str, tokens: tuple[str, ...]) -> int:
    """Index of the probed word among the (known) tokens; a clear message if it is not there."""
    wanted = tokenize(word_text)
    if len(wanted) != 1:
        raise WidgetError(
            "Type exactly one word to probe (it must appear in the sentence)."
            if not wanted
            else f"Type a single word to probe, not {len(wanted)} tokens ({quote(word_text)})."
        )
    if wanted[0] not in tokens:
        raise WidgetError(
            f"{quote(wanted[0])} is not among the sentence's known words: "
            f"{', '.join(tokens[:20])}{', …' if len(tokens) > 20 else ''}."
        )
    return tokens.index(wanted[0])


def run(state: State, embeddings: EmbeddingsSource) -> Output:
    """Nearest neighbours of the probed word's raw vector and of its attention output."""
    att = attend(str(state["sentence"]), embeddings)
    r = att.result
    row = _word_position(str(state["word"]), r.tokens)
    word = r.tokens[row]
    output = r.output[row]  # (d,)
    raw_near, output_near = nearest_frequent(embeddings(), [r.vectors[row], output], N_NEIGHBOURS, r.tokens)
    cosine = cosine_similarity(output, r.vectors[row])
    moved = float(np.linalg.norm(output - r.vectors[row]))  # as ContextShift.moved, in all d dimensions
    share = moved / float(np.linalg.norm(r.vectors[row]))
    body: list[Element | str] = [
        bars(f"How “{word}” attends to the sentence", list(r.tokens), r.weights[row]),
        h(
            "p",
            None,
            f"Cosine between the output for “{word}” and its own GloVe vector: {fmt(cosine, 3)} "
            "(1 would mean the context changed nothing). Attention moved it by "
            f"{fmt(moved, 3)}, {share:.0%} of the length of its own vector.",
        ),
        h(
            "div",
            {"class": "explainer-columns"},
            _neighbour_list(f"Nearest words to the raw vector of “{word}”", raw_near),
            _neighbour_list(f"Nearest words to the attention output for “{word}”", output_near),
        ),
    ]
    return Output(tuple(body), att.note)


SPEC = WidgetSpec(
    name="contextualisation_probe",
    title="Contextualisation probe",
    fields=(
        Field("sentence", "Sentence", "text", "the hot dog was"),
        Field("word", "Word to probe", "text", "dog"),
    ),
    run=run,
    loading="Loading Python and the GloVe word vectors to probe your word",
)
