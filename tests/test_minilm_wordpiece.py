"""Tests for explainer.minilm.wordpiece, including ids from the reference tokenizer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explainer.minilm.wordpiece import MAX_WORD_CHARS, WordPiece, basic_tokenize, wordpiece_split

FIXTURE = Path(__file__).parent / "fixtures" / "minilm_reference.npz"
TOY = WordPiece(("[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "cat", "un", "##aff", "##able", "!", "'", "s"))


def test_basic_tokenize_lowercases_strips_accents_and_splits_punctuation() -> None:
    assert basic_tokenize("Café, NAÏVE!") == ["cafe", ",", "naive", "!"]
    assert basic_tokenize("it's") == ["it", "'", "s"]
    assert basic_tokenize("$5.00") == ["$", "5", ".", "00"]


def test_cjk_characters_become_single_words() -> None:
    assert basic_tokenize("東京は") == ["東", "京", "は"]  # は is kana, not CJK ideograph


def test_whitespace_and_control_characters() -> None:
    # NUL and BEL vanish without splitting the word; tab, newline and NBSP split it.
    assert basic_tokenize("a\tb\nc\u00a0d\x00e\x07f") == ["a", "b", "c", "def"]
    assert basic_tokenize("   ") == []


def test_wordpiece_greedy_longest_match() -> None:
    assert wordpiece_split("unaffable", {"un", "unaff", "##aff", "##able", "##a"}) == ["unaff", "##able"]
    assert wordpiece_split("unaffablex", {"un", "##aff", "##able"}) == ["[UNK]"]


def test_long_word_is_unknown() -> None:
    vocab = {"a", "##a"}
    assert wordpiece_split("a" * MAX_WORD_CHARS, vocab) == ["a"] + ["##a"] * (MAX_WORD_CHARS - 1)
    assert wordpiece_split("a" * (MAX_WORD_CHARS + 1), vocab) == ["[UNK]"]


def test_encode_adds_special_tokens_and_maps_ids() -> None:
    tokens, ids = TOY.encode("The cat's unaffable!")
    assert tokens == ["[CLS]", "the", "cat", "'", "s", "un", "##aff", "##able", "!", "[SEP]"]
    assert ids == [2, 4, 5, 10, 11, 6, 7, 8, 9, 3]
    assert TOY.encode("dog")[0] == ["[CLS]", "[UNK]", "[SEP]"]


def test_bad_input_is_rejected_clearly() -> None:
    with pytest.raises(ValueError, match="must be a string"):
        TOY.encode(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="special tokens"):
        WordPiece(("a", "b"))


@given(st.text(max_size=60))
def test_any_text_tokenizes_to_known_pieces(text: str) -> None:
    tokens, ids = TOY.encode(text)
    assert tokens[0] == "[CLS]" and tokens[-1] == "[SEP]"
    assert all(t in TOY.vocab for t in tokens)
    assert len(ids) == len(tokens)


@pytest.fixture(scope="module")
def real_tokenizer() -> WordPiece:
    from explainer.minilm.model import find_model_dir

    try:
        return WordPiece.from_file(find_model_dir() / "vocab.txt")
    except FileNotFoundError as err:
        pytest.skip(str(err))


def test_real_vocabulary_matches_reference_ids(real_tokenizer: WordPiece) -> None:
    """Accents, punctuation, contractions, a 101-letter word, CJK, Cyrillic, Greek, Arabic, emoji."""
    ref = np.load(FIXTURE)
    sentences = [str(s) for s in ref["tokenizer_sentences"]]
    assert len(sentences) >= 14
    for i, text in enumerate(sentences):
        assert real_tokenizer.encode(text)[1] == ref[f"tok_ids_{i}"].tolist(), text
