"""Tests for explainer.sitebuild.render: figure HTML and terminal output."""

from __future__ import annotations

import sys

import pytest

from explainer.sitebuild import SiteBuildError
from explainer.sitebuild.render import console_block, figure_html, run_cli, svg_size


def test_figure_html_has_both_themes_escaped_alt_and_size() -> None:
    html = figure_html(
        "f", 'Weights "a" < b', "figures/f-light.svg", "figures/f-dark.svg", (614, 346), "Cap & co"
    )
    assert 'src="figures/f-light.svg#only-light"' in html
    assert 'src="figures/f-dark.svg#only-dark"' in html
    assert html.count('alt="Weights &quot;a&quot; &lt; b"') == 2
    assert 'width="614" height="346"' in html
    assert "<figcaption>Cap &amp; co</figcaption>" in html
    assert "\n\n" not in html  # one HTML block for Markdown


def test_svg_size_reads_matplotlib_points() -> None:
    assert svg_size(b'<?xml?>\n<svg width="72pt" height="36pt">') == (96, 48)


def test_console_block_shows_command_and_output() -> None:
    assert console_block("--json hi", "out\n") == "```console\n$ python -m explainer --json hi\nout\n```\n"
    assert console_block("x", "a ``` b").startswith("````console")


def test_run_cli_captures_stdout() -> None:
    def main(argv: list[str]) -> int:
        print("args:", argv)
        return 0

    assert run_cli(main, '--query it "the cat"') == "args: ['--query', 'it', 'the cat']\n"


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        ('"unclosed', 0, "not a valid command line"),
        ("x", 2, "exited with 2: bad word"),
        ("x", 0, "printed nothing"),
    ],
)
def test_run_cli_failures(args: str, status: int, message: str) -> None:
    def main(argv: list[str]) -> int:
        if status:
            print("bad word", file=sys.stderr)
        return status

    with pytest.raises(SiteBuildError, match=message):
        run_cli(main, args)


def test_run_cli_treats_system_exit_as_status() -> None:
    def main(argv: list[str]) -> int:
        raise SystemExit(3)

    with pytest.raises(SiteBuildError, match="exited with 3"):
        run_cli(main, "x")


def test_real_cli_runs_in_process() -> None:
    from explainer.cli import main

    output = run_cli(main, '--json "the cat"')
    assert '"tokens"' in output
