"""GloVe's tokens: how a sentence is split into the words GloVe 6B's vocabulary holds.

Standard library only, so the browser's worker can split a sentence (and ask for the
rows of its words, :func:`explainer.glove_shards.sentence_rows`) before numpy imports.
"""

from __future__ import annotations

import re

__all__ = ["tokenize"]

_CLITIC = re.compile(r"^(?P<stem>.+?)(?P<clitic>n't|'s|'re|'ve|'m|'ll|'d)$")
_TOKEN = re.compile(
    r"(?:[a-z]\.){2,}"  # abbreviations such as u.s. and e.g.
    r"|\d+(?:[.,]\d+)+"  # numbers such as 3.5 and 1,000
    r"|[\w]+(?:['\-][\w]+)*"  # words, with inner hyphens and apostrophes (well-known, o'brien)
    r"|'(?:s|re|ve|m|ll|d)\b|n't\b"  # clitics already split off ("cat 's")
    r"|\.\.\.|--"  # multi-character punctuation GloVe keeps whole
    r"|\S",  # any other single non-space character
)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def tokenize(text: str) -> list[str]:
    """Split text into lowercase tokens the way GloVe 6B's vocabulary expects.

    Punctuation becomes separate tokens and English clitics are split off
    (``n't``, ``'s``, ``'re``, ``'ve``, ``'m``, ``'ll``, ``'d``), as in the
    Stanford tokenizer GloVe was trained on. Hyphenated words, names such as
    ``o'brien``, numbers like ``3.5`` and abbreviations like ``u.s.`` stay
    whole. Curly quotes are treated as straight ones.

    Args:
        text: any string.

    Returns:
        The tokens, in order (empty if ``text`` has no visible characters).

    Example:
        >>> tokenize("The cat sat on the mat because it was tired.")
        ['the', 'cat', 'sat', 'on', 'the', 'mat', 'because', 'it', 'was', 'tired', '.']
        >>> tokenize("I didn't see the cat's bowl, did you?")
        ['i', 'did', "n't", 'see', 'the', 'cat', "'s", 'bowl', ',', 'did', 'you', '?']
        >>> tokenize("We'll pay 3.5% in the U.S. -- a well-known fact...")
        ['we', "'ll", 'pay', '3.5', '%', 'in', 'the', 'u.s.', '--', 'a', 'well-known', 'fact', '...']
    """
    tokens: list[str] = []
    for match in _TOKEN.finditer(text.translate(_QUOTES).lower()):
        clitic = _CLITIC.match(match.group())
        if clitic is None:
            tokens.append(match.group())
        else:
            tokens.extend((clitic.group("stem"), clitic.group("clitic")))
    return tokens
