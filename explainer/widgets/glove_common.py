"""Sentence handling shared by the GloVe widgets: tokens, unknown words, the attention call.

Attention is always computed by :func:`explainer.examples.glove.glove_attention`,
the function the pages and the terminal tool use. Unknown words are left out
(and named); attention then runs over the remaining words. The vectors are an
:class:`~explainer.embeddings.Embeddings` (the build, the tests) or, in the
browser, :class:`~explainer.glove_rows.GloveRows`, which downloads the shards of
the sentence's words in one request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from explainer.embeddings import tokenize
from explainer.glove_rows import require_words
from explainer.widgets.base import WidgetError
from explainer.widgets.common import MAX_TOKENS, quote

if TYPE_CHECKING:
    from explainer.embeddings import Embeddings
    from explainer.examples.glove import GloveAttention

__all__ = ["SentenceAttention", "attend"]


@dataclass(frozen=True, eq=False)
class SentenceAttention:
    """Attention over the known words of a sentence.

    Attributes:
        result: the computation over the known tokens.
        unknown: tokens without a vector, each once, in order.
        note: a message naming the unknown words, or ``None``.
    """

    result: GloveAttention
    unknown: tuple[str, ...]
    note: str | None


def _listed(words: tuple[str, ...]) -> str:
    return ", ".join(quote(w, 24) for w in words[:10]) + (", …" if len(words) > 10 else "")


def _unknown_note(unknown: tuple[str, ...], vocab_size: int) -> str:
    noun = "This word is" if len(unknown) == 1 else f"These {len(unknown)} words are"
    return f"{noun} not in the {vocab_size:,}-word vocabulary and left out: {_listed(unknown)}."


def attend(
    sentence: str,
    embeddings: Callable[[], Embeddings],
    *,
    no_self: bool = False,
    causal: bool = False,
    scaled: bool = True,
) -> SentenceAttention:
    """Tokenise, check the length, drop unknown words and run GloVe attention.

    Raises:
        WidgetError: empty sentence, more than :data:`MAX_TOKENS` tokens, or no known word.
    """
    from explainer.examples.glove import glove_attention

    tokens = tokenize(sentence)
    if not tokens:
        raise WidgetError("Type a sentence: the box has no words in it yet.")
    if len(tokens) > MAX_TOKENS:
        raise WidgetError(
            f"The sentence has {len(tokens)} tokens; this widget handles at most {MAX_TOKENS}. "
            "Shorten it to see its attention."
        )
    emb = embeddings()
    require_words(emb, tokens)  # rows read from data files: ask for all the sentence's shards at once
    unknown = tuple(dict.fromkeys(t for t in tokens if t not in emb))
    known = [t for t in tokens if t in emb]
    if not known:
        raise WidgetError(
            f"None of the words is in the {len(emb):,}-word vocabulary ({_listed(unknown)}), so there "
            "is nothing to attend over. Try common English words."
        )
    text = sentence if not unknown else " ".join(known)
    if unknown and tokenize(text) != known:  # re-tokenising the known words must give them back
        raise WidgetError(_unknown_note(unknown, len(emb)) + " Remove them to see the attention of the rest.")
    result = glove_attention(text, no_self=no_self, causal=causal, scaled=scaled, embeddings=emb)
    note = _unknown_note(unknown, len(emb)) + " The rest is computed without them." if unknown else None
    return SentenceAttention(result, unknown, note)
