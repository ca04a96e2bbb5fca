"""BERT's uncased WordPiece tokenizer in pure Python.

Two stages, as in the original BERT code:

1. **Basic tokenizing**: drop control characters, put spaces around CJK
   ideographs, split on whitespace, lowercase, strip accents (Unicode NFD,
   then drop combining marks), and split off every punctuation character.
2. **WordPiece**: split each word greedily into the longest vocabulary
   entries, left to right; pieces after the first carry a ``##`` prefix.
   A word that cannot be covered, or is longer than 100 characters,
   becomes ``[UNK]``.

References:
    Devlin et al. (2019), "BERT: Pre-training of Deep Bidirectional
    Transformers for Language Understanding", arXiv:1810.04805.
    Wu et al. (2016), "Google's Neural Machine Translation System", arXiv:1609.08144.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container, Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["WordPiece", "basic_tokenize", "wordpiece_split"]

MAX_WORD_CHARS = 100
_CJK_RANGES = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B820, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)


def _is_whitespace(ch: str) -> bool:
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_control(ch: str) -> bool:
    return ch not in "\t\n\r" and unicodedata.category(ch).startswith("C")


def _is_punctuation(ch: str) -> bool:
    """ASCII symbols count as punctuation too (BERT treats ``$`` and ``^`` so)."""
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def _clean(text: str) -> str:
    """Drop NUL, U+FFFD and control characters; map whitespace to spaces; space out CJK."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in "\x00\ufffd" or _is_control(ch):
            continue
        out.append(" " if _is_whitespace(ch) else f" {ch} " if _is_cjk(ch) else ch)
    return "".join(out)


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def _split_punctuation(word: str) -> list[str]:
    pieces: list[str] = []
    start_new = True
    for ch in word:
        if _is_punctuation(ch):
            pieces.append(ch)
            start_new = True
        else:
            if start_new:
                pieces.append("")
            pieces[-1] += ch
            start_new = False
    return pieces


def basic_tokenize(text: str) -> list[str]:
    """Split text into lowercase, accent-free words and punctuation marks.

    Example:
        >>> basic_tokenize("The animal didn't cross — Café!")
        ['the', 'animal', 'didn', "'", 't', 'cross', '—', 'cafe', '!']
    """
    words: list[str] = []
    for word in _clean(text).split():
        words.extend(_split_punctuation(_strip_accents(word.lower())))
    return words


def wordpiece_split(word: str, vocab: Container[str], unk: str = "[UNK]") -> list[str]:
    """Greedy longest-match-first split of one word into vocabulary pieces.

    Example:
        >>> wordpiece_split("unaffable", {"un", "##aff", "##able"})
        ['un', '##aff', '##able']
        >>> wordpiece_split("xyz", {"x"})
        ['[UNK]']
    """
    if len(word) > MAX_WORD_CHARS:
        return [unk]
    pieces: list[str] = []
    start = 0
    while start < len(word):
        end = len(word)
        while end > start:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                break
            end -= 1
        if end == start:
            return [unk]
        pieces.append(piece)
        start = end
    return pieces


@dataclass(frozen=True)
class WordPiece:
    """A WordPiece tokenizer over a fixed vocabulary.

    Attributes:
        vocab: the vocabulary in id order (line ``i`` of ``vocab.txt`` has id ``i``).
    """

    vocab: tuple[str, ...]

    def __post_init__(self) -> None:
        missing = [t for t in ("[CLS]", "[SEP]", "[UNK]") if t not in self.vocab]
        if missing:
            raise ValueError(f"vocabulary lacks the special tokens {missing}")
        object.__setattr__(self, "_ids", {tok: i for i, tok in enumerate(self.vocab)})

    @classmethod
    def from_file(cls, path: str | Path) -> WordPiece:
        """Read a ``vocab.txt`` (one token per line)."""
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        return cls(tuple(lines))

    def tokenize(self, text: str) -> list[str]:
        """Word pieces of ``text``, without ``[CLS]``/``[SEP]``."""
        ids: dict[str, int] = self._ids  # type: ignore[attr-defined]
        return [p for w in basic_tokenize(text) for p in wordpiece_split(w, ids)]

    def encode(self, text: str) -> tuple[list[str], list[int]]:
        """Tokens and ids of ``[CLS] text [SEP]``, as the model expects them.

        Raises:
            ValueError: if ``text`` is not a string.
        """
        if not isinstance(text, str):
            raise ValueError(f"text must be a string, got {type(text).__name__}")
        tokens = ["[CLS]", *self.tokenize(text), "[SEP]"]
        return tokens, self.ids(tokens)

    def ids(self, tokens: Iterable[str]) -> list[int]:
        """Vocabulary ids of ``tokens``; unknown tokens map to ``[UNK]``."""
        ids: dict[str, int] = self._ids  # type: ignore[attr-defined]
        return [ids.get(t, ids["[UNK]"]) for t in tokens]
