"""Tests for explainer.figures: the registry, and every registered figure (all chapter modules)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from matplotlib.figure import Figure

from explainer.figures import (
    DARK,
    LIGHT,
    blending,
    cost,
    dot_product,
    glove,
    intuition,
    masks,
    multi_head,
    registry,
    scaling,
    self_attention,
    softmax,
    trained_heads,
    training,
    word_order,
)
from explainer.figures.draw import to_svg
from explainer.figures.spec import FigureSpec

ROOT = Path(__file__).parents[1]
RESULTS = ROOT / "benchmarks" / "results"

CONTRACT_NAMES = {
    "attention_overview",
    "dot_product_vectors",
    "softmax_scores",
    "saturation_d100",
    "variance_vs_dk",
    "saturation_vs_dk",
    "value_blend",
    "step_through_weights",
    "cross_attention_weights",
    "mask_weights",
    "sinusoidal_heatmap",
    "sinusoidal_distance",
    "position_similarity",
    "repeated_word_heatmaps",
    "multi_head_heatmaps",
    "king_queen_heatmap",
    "king_queen_bars",
    "cat_it_bars",
    "contextualisation_neighbours",
    "training_curves",
    "cost_time_memory",
}
"""The figure names ARCHITECTURE.md promises."""

ALL_NAMES = sorted(registry(RESULTS))

CHAPTER_MODULES: dict[str, tuple[ModuleType, str]] = {
    "intuition": (intuition, "intuition.md"),
    "dot_product": (dot_product, "dot-product.md"),
    "softmax": (softmax, "softmax.md"),
    "scaling": (scaling, "scaling.md"),
    "blending": (blending, "blending.md"),
    "self_attention": (self_attention, "self-attention.md"),
    "masks": (masks, "masks.md"),
    "word_order": (word_order, "word-order.md"),
    "multi_head": (multi_head, "multi-head.md"),
    "glove": (glove, "embeddings.md"),
    "trained_heads": (trained_heads, "trained-heads.md"),
    "training": (training, "training.md"),
}
"""Every module with a ``FIGURES`` tuple, and the page of the chapter it draws for."""


def _module_specs(module: ModuleType) -> tuple[FigureSpec, ...]:
    specs: tuple[FigureSpec, ...] = module.FIGURES
    return specs


def test_registry_holds_every_contract_figure() -> None:
    assert set(ALL_NAMES) >= CONTRACT_NAMES
    chapters_1_to_8 = [m for m, _ in CHAPTER_MODULES.values() if m not in (glove, trained_heads)]
    basics = {spec.name for m in chapters_1_to_8 for spec in _module_specs(m)}
    assert basics | {spec.name for spec in cost.figures(RESULTS)} <= CONTRACT_NAMES


def test_registry_is_every_module_figure_once_in_chapter_order() -> None:
    modules = [_module_specs(m) for m, _ in CHAPTER_MODULES.values()]
    expected = [spec.name for specs in modules for spec in specs] + ["cost_time_memory"]
    assert list(registry(RESULTS)) == expected
    assert list(registry(results_dir=RESULTS)) == expected


def test_registry_needs_the_results_folder() -> None:
    with pytest.raises(TypeError):
        registry()  # type: ignore[call-arg]


def test_registry_rejects_two_figures_with_one_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(softmax, "FIGURES", softmax.FIGURES + dot_product.FIGURES)
    with pytest.raises(ValueError, match="dot_product_vectors"):
        registry(RESULTS)


def test_only_the_cost_figure_reads_a_data_file() -> None:
    inputs = {name: spec.inputs for name, spec in registry(RESULTS).items() if spec.inputs}
    assert inputs == {"cost_time_memory": (RESULTS / "attention_core.json",)}


@pytest.mark.parametrize("module", sorted(CHAPTER_MODULES))
def test_each_module_draws_figures_of_its_own_page(module: str) -> None:
    figures, page = CHAPTER_MODULES[module]
    used = set(re.findall(r"figure: (\w+)", (ROOT / "docs" / page).read_text(encoding="utf-8")))
    names = {spec.name for spec in _module_specs(figures)}
    assert names and names <= used, f"{module}.py draws {names - used}, not on docs/{page}"


def _pyplot_figure_count() -> int:
    """Open pyplot figures, or 0 when pyplot was never imported."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    return 0 if pyplot is None else len(pyplot.get_fignums())


@pytest.mark.parametrize("name", ALL_NAMES)
def test_figure_draws_in_both_themes_without_pyplot(name: str) -> None:
    spec = registry(RESULTS)[name]
    before = _pyplot_figure_count()
    for theme in (LIGHT, DARK):
        fig = spec.draw(theme)
        assert isinstance(fig, Figure)
        assert fig.axes, "a figure without axes shows nothing"
        assert fig.patch.get_alpha() == 0.0, "the page colour must show through"
    assert _pyplot_figure_count() == before


@pytest.mark.parametrize("name", ALL_NAMES)
def test_alt_text_is_a_sentence_with_numbers(name: str) -> None:
    alt = registry(RESULTS)[name].alt()
    assert len(alt) > 40
    assert re.search(r"\d", alt), "alt text should state the figure's numbers"
    assert "nan" not in alt.lower().split()


@pytest.mark.parametrize("name", ALL_NAMES)
def test_svg_is_byte_identical_across_renders_and_follows_the_theme(name: str) -> None:
    spec = registry(RESULTS)[name]
    light = to_svg(spec, LIGHT)
    assert to_svg(spec, LIGHT) == light
    dark = to_svg(spec, DARK)
    assert dark != light
    assert DARK.fg.encode() in dark and LIGHT.fg.encode() not in dark


RENDER = (
    "import hashlib, sys; from pathlib import Path; from explainer.figures import registry, LIGHT, DARK; "
    "from explainer.figures.draw import to_svg; r = registry(Path(sys.argv[1])); "
    "print(' '.join(hashlib.sha256(to_svg(r[n], t)).hexdigest() "
    "for n in sys.argv[2:] for t in (LIGHT, DARK)))"
)


def test_two_fresh_interpreters_write_identical_svgs() -> None:
    names = ["attention_overview", "cost_time_memory"]
    runs = [
        subprocess.run(
            [sys.executable, "-c", RENDER, str(RESULTS), *names], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1] and len(runs[0].split()) == 4
