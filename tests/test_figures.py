"""Tests for every registered figure (all modules) and for explainer.figures.basics."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from matplotlib.figure import Figure

from explainer.figures import DARK, LIGHT, registry
from explainer.figures import basics as basic_figures
from explainer.figures.draw import to_svg

CONTRACT_NAMES = {
    "attention_overview",
    "dot_product_vectors",
    "softmax_scores",
    "saturation_d100",
    "variance_vs_dk",
    "saturation_vs_dk",
    "value_blend",
    "step_through_weights",
    "mask_weights",
    "multi_head_heatmaps",
    "king_queen_heatmap",
    "king_queen_bars",
    "cat_it_bars",
    "contextualisation_neighbours",
    "cost_time_memory",
}
"""The figure names ARCHITECTURE.md promises."""

ALL_NAMES = sorted(registry())


def test_registry_holds_every_contract_figure() -> None:
    assert set(ALL_NAMES) >= CONTRACT_NAMES
    assert {spec.name for spec in basic_figures.FIGURES} <= CONTRACT_NAMES


def _pyplot_figure_count() -> int:
    """Open pyplot figures, or 0 when pyplot was never imported."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    return 0 if pyplot is None else len(pyplot.get_fignums())


@pytest.mark.parametrize("name", ALL_NAMES)
def test_figure_draws_in_both_themes_without_pyplot(name: str) -> None:
    spec = registry()[name]
    before = _pyplot_figure_count()
    for theme in (LIGHT, DARK):
        fig = spec.draw(theme)
        assert isinstance(fig, Figure)
        assert fig.axes, "a figure without axes shows nothing"
        assert fig.patch.get_alpha() == 0.0, "the page colour must show through"
    assert _pyplot_figure_count() == before


@pytest.mark.parametrize("name", ALL_NAMES)
def test_alt_text_is_a_sentence_with_numbers(name: str) -> None:
    alt = registry()[name].alt()
    assert len(alt) > 40
    assert re.search(r"\d", alt), "alt text should state the figure's numbers"
    assert "nan" not in alt.lower().split()


@pytest.mark.parametrize("name", ALL_NAMES)
def test_svg_is_byte_identical_across_renders_and_follows_the_theme(name: str) -> None:
    spec = registry()[name]
    light = to_svg(spec, LIGHT)
    assert to_svg(spec, LIGHT) == light
    dark = to_svg(spec, DARK)
    assert dark != light
    assert DARK.fg.encode() in dark and LIGHT.fg.encode() not in dark


RENDER = (
    "import hashlib, sys; from explainer.figures import registry, LIGHT, DARK; "
    "from explainer.figures.draw import to_svg; r = registry(); "
    "print(' '.join(hashlib.sha256(to_svg(r[n], t)).hexdigest() "
    "for n in sys.argv[1:] for t in (LIGHT, DARK)))"
)


def test_two_fresh_interpreters_write_identical_svgs() -> None:
    names = ["attention_overview", "cost_time_memory"]
    runs = [
        subprocess.run(
            [sys.executable, "-c", RENDER, *names], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1] and len(runs[0].split()) == 4


def test_cost_figure_uses_the_committed_benchmark_and_names_the_run() -> None:
    bench = basic_figures.load_benchmark()
    assert bench["results"] and bench["date"] in basic_figures.cost_time_memory_alt()
    assert bench["machine"]["summary"] in basic_figures.cost_time_memory_alt()


def test_missing_benchmark_file_says_how_to_create_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FileNotFoundError, match=r"bench_attention\.py"):
        basic_figures.load_benchmark(tmp_path / "missing.json")
