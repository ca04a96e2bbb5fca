"""``minilm_pair``: your own control pair: two sentences one word apart, 72 heads' preferences compared.

Chapter 10's referent control (:mod:`explainer.examples.trained_control`) on a pair
the reader types. Every head's preference, weight(pronoun → noun A) − weight(pronoun
→ noun B), is measured in both sentences by
:func:`~explainer.examples.trained_pair.pair_preference` with the compact model
(:func:`~explainer.examples.trained_live.compact_encode`), and drawn as a scatter:
one mark per head, x in the first sentence, y in the second.

The reader's text is checked before anything downloads (empty boxes, a pronoun or
noun of several words or missing from a sentence, sentences that do not differ in
exactly one word, too many words); the word-piece limit
(:data:`~explainer.minilm.compact.MAX_PIECES`) needs the vocabulary, so it is checked
once the model is there. The model comes through ``minilm_live``'s consent flow: no
download until the hidden field ``load`` is ``"yes"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from explainer.examples.trained_heads import CONTROL_PAIRS, HeadRank
from explainer.examples.trained_pair import Change, PairPreference, pair_preference, word_changes
from explainer.html import Element, h
from explainer.minilm.wordpiece import basic_tokenize
from explainer.widgets.base import EmbeddingsSource, Field, Output, State, WidgetError, WidgetSpec, message
from explainer.widgets.common import fixed, quote, table
from explainer.widgets.plane import Plane, at, grid, plane_for

if TYPE_CHECKING:
    from explainer.minilm import MiniLM

__all__ = ["SPEC", "scatter"]

SIZE = 240.0
"""The longer side of the scatter's box, in SVG units."""
NAMED = 3
"""The heads that move most, ringed and named in the scatter."""
LISTED = 5
"""The heads that move most, listed in the table under it."""
WORD_FIELDS = (("pronoun", "pronoun"), ("noun_a", "noun A"), ("noun_b", "noun B"))
SENTENCE_FIELDS = (("sentence", "first sentence"), ("control", "second sentence"))


def _signed(x: float) -> str:
    """``+0.31``, ``−0.07``, ``0.00``: two decimals, a sign when not zero.

    Example:
        >>> _signed(0.314), _signed(-0.07), _signed(-0.001)
        ('+0.31', '−0.07', '0.00')
    """
    text = fixed(x, 2)
    return text.replace("-", "−") if text.startswith("-") else ("0.00" if text == "0.00" else "+" + text)


def _change_text(change: Change) -> str:
    """One changed stretch in words: ``“tired” → “soft”`` or ``“.” only in the second``."""
    old, new = (" ".join(side) for side in change)
    if not old:
        return f"{quote(new)} only in the second"
    return f"{quote(old)} only in the first" if not new else f"{quote(old)} → {quote(new)}"


def _checked_words(state: State) -> tuple[str, str, str]:
    """The pronoun and the two nouns as the model reads them; a message when one is not one word."""
    words = []
    for name, what in WORD_FIELDS:
        typed = str(state[name])
        split = basic_tokenize(typed)
        if not split:
            raise WidgetError(f"Type the {what}: its box is empty.")
        if len(split) > 1:
            raise WidgetError(
                f"The {what} box holds {quote(typed)}, which the model reads as {len(split)} words "
                f"({', '.join(split)}); type one word."
            )
        words.append(split[0])
    if len(set(words)) < len(words):
        raise WidgetError("The pronoun, noun A and noun B must be three different words.")
    return words[0], words[1], words[2]


def _checked_sentences(state: State) -> tuple[str, str]:
    """Both sentences, checked for what needs no model: empty, too long, not exactly one word apart."""
    from explainer.minilm.compact import MAX_PIECES

    sentences = (str(state["sentence"]), str(state["control"]))
    for text, (_, what) in zip(sentences, SENTENCE_FIELDS, strict=True):
        n = len(basic_tokenize(text))
        if not n:
            raise WidgetError(f"Type the {what}: its box is empty (or holds no characters the model reads).")
        if n > MAX_PIECES:
            raise WidgetError(
                f"The {what} has {n} words, so at least {n} word pieces; this widget takes at most "
                f"{MAX_PIECES} per sentence. Shorten it and press the button again."
            )
    changes = word_changes(*sentences)
    if not changes:
        raise WidgetError(
            "The two sentences are the same word for word (the model reads lower case): "
            "change one word of the second."
        )
    if len(changes) > 1 or any(len(side) != 1 for side in changes[0]):
        listed = "; ".join(_change_text(c) for c in changes)
        raise WidgetError(f"The sentences must differ in exactly one word; these words differ: {listed}.")
    return sentences


def _check_present(sentences: tuple[str, str], words: tuple[str, str, str]) -> None:
    """A message naming every word missing from a sentence."""
    missing = [
        f"{quote(word)} is not in the {what}"
        for sentence, (_, what) in zip(sentences, SENTENCE_FIELDS, strict=True)
        for word in words
        if word not in basic_tokenize(sentence)
    ]
    if missing:
        raise WidgetError(
            f"{'; '.join(missing)}. The pronoun and both nouns must be words of both sentences."
        )


def _check_pieces(model: MiniLM, sentences: tuple[str, str]) -> None:
    """The word-piece limit, counted with the model's own tokenizer."""
    from explainer.minilm.compact import MAX_PIECES

    for text, (_, what) in zip(sentences, SENTENCE_FIELDS, strict=True):
        n = len(model.tokenizer.tokenize(text))
        if n > MAX_PIECES:
            raise WidgetError(
                f"The {what} has {n} word pieces; this widget takes at most {MAX_PIECES} per sentence. "
                "Shorten it and press the button again."
            )


def _notes(pair: PairPreference) -> list[Element]:
    """How split, unknown and repeated words are measured, each said once."""
    notes: dict[str, None] = {}
    for places in pair.places:
        for p in places:
            if p.pieces == ("[UNK]",):
                notes[f"{quote(p.word)} is not in the vocabulary: the model reads it as [UNK]."] = None
            elif len(p.pieces) > 1:
                pieces = " ".join(p.pieces)
                notes[
                    f"{quote(p.word)} is {len(p.pieces)} word pieces ({pieces}): the weights measured are "
                    f"those to and from its first piece, {quote(p.pieces[0])}."
                ] = None
            if p.count > 1:
                notes[f"{quote(p.word)} occurs more than once in a sentence: the first is measured."] = None
    return [message(text, "note") for text in notes]


def _summary(pair: PairPreference) -> Element:
    """What the numbers say: the changed word, the flips, the head that moves most, the mean."""
    (old,), (new,) = word_changes(*pair.sentences)[0]
    it, a, b = (p.word for p in pair.places[0])
    top = pair.moved(1)[0]
    mean = pair.preference.mean(axis=(1, 2))  # (2,)
    n = pair.preference[0].size
    first, second = pair.preference[:, top.layer - 1, top.head - 1]  # (2,)
    return h(
        "p",
        {"class": "mp-summary"},
        f"The pair differs in one word ({quote(old)} → {quote(new)}). Preference: weight({it} → {a}) − "
        f"weight({it} → {b}). {pair.flips} of the {n} heads {'flips' if pair.flips == 1 else 'flip'} "
        f"between the sentences beyond ±"
        f"{pair.margin:.2f} ({int(pair.to_b.sum())} from {a} to {b}, {int(pair.to_a.sum())} from {b} to "
        f"{a}). The head that moves most is {top.label}: from {_signed(first)} to {_signed(second)}. "
        f"Averaged over all {n} heads, the preference goes from {_signed(mean[0])} to {_signed(mean[1])}.",
    )


def _flip_word(pair: PairPreference, i: int, j: int) -> str:
    _, a, b = (p.word for p in pair.places[0])
    if pair.to_b[i, j]:
        return f"yes, {a} → {b}"
    return f"yes, {b} → {a}" if pair.to_a[i, j] else "no"


def _rows(pair: PairPreference, heads: Iterable[HeadRank]) -> list[Element]:
    return [
        h(
            "tr",
            None,
            h("th", {"scope": "row"}, head.label),
            (h("td", None, _signed(v)) for v in pair.preference[:, head.layer - 1, head.head - 1]),
            h("td", None, _signed(head.score)),
            h("td", None, _flip_word(pair, head.layer - 1, head.head - 1)),
        )
        for head in heads
    ]


def _tables(pair: PairPreference) -> list[Element]:
    """The heads that move most, and every head in a disclosure (the scatter's points as text)."""
    _, a, b = (p.word for p in pair.places[0])
    columns = ["head", "first", "second", "change", "flips"]
    layers, heads = pair.preference.shape[1:]
    change = pair.preference[1] - pair.preference[0]  # (layers, heads)
    every = [HeadRank(i + 1, j + 1, float(change[i, j])) for i in range(layers) for j in range(heads)]
    top = table(
        f"The {LISTED} heads whose preference ({a} − {b}) moves most: in the first sentence, the second, "
        "and the change",
        "explainer-matrix mp-table",
        columns,
        _rows(pair, pair.moved(LISTED)),
    )
    full = h(
        "details",
        {"class": "mp-all", "data-keep": "all-heads"},
        h("summary", None, f"All {len(every)} heads as a table"),
        table(
            f"Every head's preference ({a} − {b})", "explainer-matrix mp-table", columns, _rows(pair, every)
        ),
    )
    return [top, full]


def _u(x: float) -> str:
    return format(round(x, 1) + 0.0, "g")


def _mark(plane: Plane, pair: PairPreference, i: int, j: int) -> Element:
    """One head: a circle, or a square when it flips; its numbers in a ``<title>``."""
    x, y = (float(v) for v in pair.preference[:, i, j])
    cx, cy = at(plane, x, y)
    flips = bool(pair.to_b[i, j] or pair.to_a[i, j])
    title = h(
        "title", None, f"L{i + 1} H{j + 1}: {_signed(x)} → {_signed(y)}" + (" (flips)" if flips else "")
    )
    if flips:
        attrs = {"x": _u(cx - 4), "y": _u(cy - 4), "width": "8", "height": "8", "class": "mp-head mp-flip"}
        return h("rect", attrs, title)
    return h("circle", {"cx": _u(cx), "cy": _u(cy), "r": "3.5", "class": "mp-head"}, title)


Box = tuple[float, float, float, float]  # left, top, right, bottom, in SVG units
SPOTS = ((11.0, 4.0, "start"), (-11.0, 4.0, "end"), (0.0, -12.0, "middle"), (0.0, 21.0, "middle"))
"""Where a head's name may sit from its ring's centre: right, left, above, below (dx, dy, text anchor)."""


def _name_box(cx: float, cy: float, spot: tuple[float, float, str], text: str) -> Box:
    """The box a name of 11-unit bold text takes at ``spot`` (about 6.6 units a character)."""
    dx, dy, anchor = spot
    width = 6.6 * len(text)
    left = cx + dx - {"start": 0.0, "end": width, "middle": width / 2}[anchor]
    return left, cy + dy - 9, left + width, cy + dy + 2


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _named(plane: Plane, pair: PairPreference, heads: tuple[HeadRank, ...]) -> list[Element]:
    """Rings around ``heads``, each name on the first side (inwards first) clear of every ring and name."""
    centres = [at(plane, *(float(v) for v in pair.preference[:, r.layer - 1, r.head - 1])) for r in heads]
    taken: list[Box] = [(cx - 8, cy - 8, cx + 8, cy + 8) for cx, cy in centres]
    parts = [h("circle", {"cx": _u(cx), "cy": _u(cy), "r": "8", "class": "mp-ring"}) for cx, cy in centres]
    for head, (cx, cy) in zip(heads, centres, strict=True):
        spots = SPOTS if cx < plane.width / 2 else (SPOTS[1], SPOTS[0], *SPOTS[2:])
        clear = [s for s in spots if not any(_overlap(_name_box(cx, cy, s, head.label), t) for t in taken)]
        dx, dy, anchor = (clear or spots)[0]
        taken.append(_name_box(cx, cy, (dx, dy, anchor), head.label))
        attrs = {"class": "pl-label", "x": _u(cx + dx), "y": _u(cy + dy), "text-anchor": anchor}
        parts.append(h("text", attrs, head.label))
    return parts


def _axes(plane: Plane, pair: PairPreference) -> list[Element]:
    """The diagonal (no change) and the two axis titles, outside the box."""
    _, a, b = (p.word for p in pair.places[0])
    lo, hi = max(plane.x_lo, plane.y_lo), min(plane.x_hi, plane.y_hi)
    (x0, y0), (x1, y1) = at(plane, lo, lo), at(plane, hi, hi)
    mid_x, mid_y = plane.width / 2, plane.height / 2
    return [
        h("path", {"class": "mp-diagonal", "d": f"M{_u(x0)} {_u(y0)}L{_u(x1)} {_u(y1)}"}),
        h(
            "text",
            {"class": "mp-axis", "x": _u(mid_x), "y": _u(plane.height + 8)},
            f"first sentence: {a} − {b} →",
        ),
        h(
            "text",
            {
                "class": "mp-axis",
                "x": _u(-8),
                "y": _u(mid_y),
                "transform": f"rotate(-90 {_u(-8)} {_u(mid_y)})",
            },
            f"second sentence: {a} − {b} →",
        ),
    ]


def scatter(pair: PairPreference) -> Element:
    """Every head's preference in the first sentence (x) against the second (y), as an SVG figure."""
    first, second = pair.preference  # (layers, heads) each
    plane = plane_for(zip(first.ravel().tolist(), second.ravel().tolist(), strict=True), size=SIZE)
    marks = [_mark(plane, pair, i, j) for i, j in np.ndindex(first.shape)]
    named = _named(plane, pair, pair.moved(NAMED))
    _, a, b = (p.word for p in pair.places[0])
    name = (
        f"Scatter of {first.size} heads: x is each head's preference for {a} over {b} in the first sentence, "
        f"y in the second; {pair.flips} flip; the table below lists the heads that move most."
    )
    drawing = h(
        "svg",
        {
            "class": "pl-plane mp-plane",
            "viewbox": f"-22 0 {_u(plane.width + 22)} {_u(plane.height + 14)}",
            "role": "img",
            "aria-label": name,
        },
        grid(plane),
        _axes(plane, pair),
        marks,
        named,
    )
    caption = (
        f"Each mark is one head. Marks on the dashed diagonal did not move; above it the head leans "
        f"more to {a} in the second sentence, below it more to {b}. Squares flip (beyond ±{pair.margin:.2f}, "
        f"with opposite signs); the {NAMED} heads that move most are ringed and named. Point at a mark for "
        "its numbers; the table below has them all."
    )
    return h("figure", {"class": "mp-figure"}, drawing, h("figcaption", None, caption))


def _run(state: State, _embeddings: EmbeddingsSource) -> Output:
    from explainer.examples.trained_live import compact_encode
    from explainer.widgets.minilm_live import model_or_question  # the consent flow: no download unasked

    sentences, words = _checked_sentences(state), _checked_words(state)
    _check_present(sentences, words)
    model = model_or_question(state)
    if isinstance(model, Output):
        return model
    _check_pieces(model, sentences)
    pair = pair_preference(sentences, words, compact_encode)
    return Output((*_notes(pair), _summary(pair), scatter(pair), *_tables(pair)))


def _known(spec: WidgetSpec, state: State) -> list[State]:
    """The chapter's two control pairs, shown with no runtime and no download."""
    return [
        dict(state, sentence=original, control=control, pronoun="it", noun_a=subject, noun_b=other)
        for original, control, subject, other in CONTROL_PAIRS
    ]


_DEFAULT = CONTROL_PAIRS[0]

SPEC = WidgetSpec(
    name="minilm_pair",
    title="Your own control pair",
    fields=(
        Field("sentence", "First sentence", "text", _DEFAULT[0], hint="up to 64 word pieces"),
        Field("control", "Second sentence", "text", _DEFAULT[1], hint="the first with one word changed"),
        Field("pronoun", "Pronoun", "text", "it"),
        Field("noun_a", "Noun A", "text", _DEFAULT[2]),
        Field(
            "noun_b",
            "Noun B",
            "text",
            _DEFAULT[3],
            hint="preference = weight(pronoun → A) − weight(pronoun → B)",
        ),
        Field("load", "Download agreed", "hidden", "", keyed=False),
    ),
    run=_run,
    submit_label="Compare the 72 heads",
    known=_known,
    loading="Loading Python to run all-MiniLM-L6-v2 on your pair",
    assets=("minilm_live.css", "plane.css", "minilm_pair.css"),
)
