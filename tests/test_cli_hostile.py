"""Hostile and odd input for the terminal tool (``python -m explainer``).

Whatever is typed, the tool either answers correctly (exit 0, every weight row a
probability distribution, tokens echoed as plain text) or exits 2 after exactly
one clear ``explainer: error:`` line — never a traceback, a NaN or a blank output.
Property-based cases run in-process against a tiny GloVe file (fast); a few fixed
cases run the real command against the real 400,000-word vocabulary.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import explainer.cli as cli

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("the", "cat", "sat", "on", "mat", "<", ">", "script", "!", "café", "東京", "1e308", "-0")
INJECTIONS = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "'; DROP TABLE words; --",
    "\x1b[31mred\x1b[0m",  # a terminal escape sequence
)
ODD = (
    "café naïve résumé",
    "東京 は 大きい",
    "😀 🐈 👩‍👩‍👧",
    "שלום עולם",  # right-to-left
    "مرحبا",
    "!!! ??? ...",
    "zzqxv qqzxw",
    "1e308 5e-324 -0 nan inf",
    "\u200b\u200b",  # zero-width spaces only
    "\t\n ",
)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def glove_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A GloVe text file whose vocabulary includes hostile-looking tokens."""
    vectors = np.random.default_rng(11).normal(size=(len(WORDS), 5))  # (n_words, 5)
    path = tmp_path_factory.mktemp("glove") / "hostile.txt"
    lines = (" ".join([w, *(repr(float(x)) for x in v)]) for w, v in zip(WORDS, vectors, strict=True))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_clear_outcome(status: int, out: str, err: str) -> None:
    """Exit 0 with output and no stderr, or exit 2 with one specific error line and no output."""
    if status == 0:
        assert out.strip() and err == ""
    else:
        assert status == 2, (status, err)
        assert out == ""
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("explainer: error: ") and len(lines[0]) > 30, err
        assert "Traceback" not in err


def assert_distributions(payload: dict[str, object]) -> None:
    weights = np.asarray(payload["weights"], dtype=np.float64)  # (n, n)
    tokens = payload["tokens"]
    assert isinstance(tokens, list) and weights.shape == (len(tokens), len(tokens))
    assert np.isfinite(weights).all() and (weights >= 0).all()
    assert np.allclose(weights.sum(axis=-1), 1.0) or np.allclose(weights.sum(axis=-1)[1:], 1.0)


text_pieces = st.one_of(st.sampled_from(WORDS), st.sampled_from(INJECTIONS + ODD), st.text(max_size=12))


@SETTINGS
@given(
    pieces=st.lists(text_pieces, min_size=1, max_size=8),
    json_out=st.booleans(),
    flags=st.lists(st.sampled_from(["--no-self", "--causal", "--no-scale"]), unique=True),
)
def test_any_text_gets_a_result_or_one_clear_error(
    capsys: pytest.CaptureFixture[str], glove_file: Path, pieces: list[str], json_out: bool, flags: list[str]
) -> None:
    sentence = " ".join(pieces)
    argv = ["--embeddings", str(glove_file), *flags, *(["--json"] if json_out else []), "--", sentence]
    status, out, err = run(capsys, *argv)
    assert_clear_outcome(status, out, err)
    if status == 0 and json_out:
        assert_distributions(json.loads(out))


@SETTINGS
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=20))
def test_known_tokens_always_answer_with_distributions(
    capsys: pytest.CaptureFixture[str], glove_file: Path, words: list[str]
) -> None:
    status, out, err = run(capsys, "--embeddings", str(glove_file), "--json", "--", " ".join(words))
    if status == 2:  # e.g. "-0" alone tokenises to a word the file lacks: still one clear line
        assert_clear_outcome(status, out, err)
        return
    assert status == 0 and err == ""
    payload = json.loads(out)
    assert_distributions(payload)


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_strings_are_echoed_as_plain_text(
    capsys: pytest.CaptureFixture[str], glove_file: Path, payload: str
) -> None:
    status, out, err = run(capsys, "--embeddings", str(glove_file), "--", f"the cat {payload}")
    assert_clear_outcome(status, out, err)
    assert "\x1b" not in out + err or "\\x1b" in err  # escape sequences are never passed through raw


def test_very_long_input_is_answered(capsys: pytest.CaptureFixture[str], glove_file: Path) -> None:
    sentence = " ".join(["the", "cat", "sat", "on", "the", "mat"] * 60)  # 360 tokens
    status, out, err = run(capsys, "--embeddings", str(glove_file), "--json", "--", sentence)
    assert status == 0 and err == ""
    assert_distributions(json.loads(out))


def test_a_query_word_that_is_not_there_is_named(
    capsys: pytest.CaptureFixture[str], glove_file: Path
) -> None:
    status, out, err = run(capsys, "--embeddings", str(glove_file), "--query", "<script>", "--", "the cat")
    assert_clear_outcome(status, out, err)
    assert status == 2 and "<script>" in err


@pytest.mark.parametrize(
    ("vector", "ok"),
    [("5e-324 -0", True), ("-0 -0", True), ("nan 1", False), ("inf 0", False), ("1e308 1", False)],
)
def test_extreme_numbers_in_an_embeddings_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, vector: str, ok: bool
) -> None:
    path = tmp_path / "extreme.txt"
    path.write_text(f"the {vector}\ncat 1 0\nsat 0 1\n", encoding="utf-8")
    status, out, err = run(capsys, "--embeddings", str(path), "--json", "the cat sat")
    assert_clear_outcome(status, out, err)
    assert (status == 0) == ok
    if ok:
        weights = json.loads(out)["weights"]
        assert all(math.isfinite(w) for row in weights for w in row)


@pytest.mark.glove
@pytest.mark.parametrize("sentence", [*INJECTIONS[:3], *ODD[:9], "the cat <script>window.x=1</script> sat"])
def test_real_vocabulary_gives_a_result_or_names_the_unknown_words(
    capsys: pytest.CaptureFixture[str], sentence: str
) -> None:
    status, out, err = run(capsys, "--json", "--", sentence)  # GloVe is loaded once per process
    assert_clear_outcome(status, out, err)
    if status == 0:
        assert_distributions(json.loads(out))
    elif "vocabulary" in err:
        assert "not in the 400,000-word vocabulary" in err


def test_the_real_command_answers_hostile_text_in_a_fresh_process() -> None:
    argv = [sys.executable, "-m", "explainer", "--json", "--", "<script>alert(1)</script> the cat"]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert_clear_outcome(done.returncode, done.stdout, done.stderr)
    assert done.returncode == 0
    assert json.loads(done.stdout)["tokens"][:3] == ["<", "script", ">"]  # tokens, never markup
