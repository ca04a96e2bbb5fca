"""Tests for explainer.sitebuild.render: figure HTML and terminal output."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from typing import Any

import pytest

from explainer.sitebuild import SiteBuildError
from explainer.sitebuild.render import (
    READABLE_TEXT_PX,
    FigureMetrics,
    console_block,
    figure_html,
    figure_metrics,
    run_cli,
    smallest_text_px,
    svg_size,
)


def test_figure_html_has_both_themes_escaped_alt_and_size() -> None:
    html = figure_html(
        "f",
        'Weights "a" < b',
        "figures/f-light.svg",
        "figures/f-dark.svg",
        FigureMetrics((614, 346), 12.0),
        "Cap & co",
    )
    assert 'src="figures/f-light.svg#only-light"' in html
    assert 'src="figures/f-dark.svg#only-dark"' in html
    assert html.count('alt="Weights &quot;a&quot; &lt; b"') == 2
    assert 'width="614" height="346"' in html
    assert "<figcaption>Cap &amp; co</figcaption>" in html
    assert "\n\n" not in html  # one HTML block for Markdown


def test_figure_html_keeps_text_readable_in_a_named_scrolling_frame_with_a_full_size_link() -> None:
    html = figure_html(
        "f",
        "Two heatmaps. Details.",
        "../figures/f-light.svg",
        "../figures/f-dark.svg",
        FigureMetrics((1152, 346), 9.33),
    )
    assert 'data-min-font-px="9.33"' in html
    # 9 px text needs 1152 × 9 / 9.33 = 1111.3 px: the frame keeps the images at least that wide on phones.
    assert 'style="--explainer-readable-width:1112px"' in html
    assert (
        'class="explainer-figure-frame" role="region" tabindex="0" aria-label="Figure: Two heatmaps"' in html
    )
    link = '<a class="explainer-figure-open" href="../figures/f-light.svg" data-search-exclude>'
    assert link + "Open full size</a>" in html
    unknown = figure_html("g", "x", "g-light.svg", "g-dark.svg", None)
    assert "data-min-font-px" not in unknown and "--explainer-readable-width" not in unknown


def test_svg_size_reads_matplotlib_points() -> None:
    assert svg_size(b'<?xml?>\n<svg width="72pt" height="36pt">') == (96, 48)


def _svg(draw: Callable[[Any], None], **rc: Any) -> bytes:
    """A small matplotlib figure (the house rc plus ``rc``) as SVG bytes."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    from explainer.figures.draw import HOUSE_RC

    buffer = io.BytesIO()
    with rc_context(HOUSE_RC), rc_context(rc):  # type: ignore[arg-type]
        fig = Figure(figsize=(4, 2))
        draw(fig.subplots())
        fig.savefig(buffer, format="svg")
    return buffer.getvalue()


def test_smallest_text_is_read_from_matplotlibs_glyph_paths() -> None:
    def draw(ax: Any) -> None:
        ax.set_title("title", fontsize=14)
        ax.text(0.5, 0.5, "7 pt", fontsize=7, rotation=45)
        ax.set_xticks([0, 1], labels=["a", "b"], fontsize=9)
        ax.set_yticks([])

    assert smallest_text_px(_svg(draw)) == pytest.approx(7 * 4 / 3, abs=0.01)


def test_smallest_text_counts_mathtext_subscripts() -> None:
    def draw(ax: Any) -> None:
        ax.set_axis_off()
        ax.text(0.1, 0.5, r"$d_k$", fontsize=10)

    assert smallest_text_px(_svg(draw)) == pytest.approx(10 * 0.7 * 4 / 3, abs=0.05)  # the k, 70 %


def test_smallest_text_is_unknown_without_glyph_paths() -> None:
    def draw(ax: Any) -> None:
        ax.set_axis_off()
        ax.text(0.1, 0.5, "text kept as text", fontsize=10)

    assert smallest_text_px(_svg(draw, **{"svg.fonttype": "none"})) is None


def test_figure_metrics_take_the_smallest_text_of_either_rendering() -> None:
    def small(ax: Any) -> None:
        ax.set_axis_off()
        ax.text(0, 0, "x", fontsize=6)

    def large(ax: Any) -> None:
        ax.set_axis_off()
        ax.text(0, 0, "x", fontsize=12)

    metrics = figure_metrics([_svg(large), _svg(small)])
    assert metrics.size == (384, 192) and metrics.text_px == pytest.approx(8.0, abs=0.01)
    assert metrics.readable_width is not None and metrics.text_px is not None
    assert metrics.readable_width * metrics.text_px / 384 >= READABLE_TEXT_PX
    assert (metrics.readable_width - 1) * metrics.text_px / 384 < READABLE_TEXT_PX


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
