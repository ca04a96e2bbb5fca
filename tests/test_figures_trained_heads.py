"""Tests for explainer.figures.trained_heads: each figure draws in both themes; alt text states numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from explainer.figures import THEMES, registry
from explainer.figures.draw import to_svg
from explainer.figures.trained_heads import FIGURES

RESULTS = Path(__file__).parents[1] / "benchmarks" / "results"


def test_figures_are_registered() -> None:
    names = {spec.name for spec in FIGURES}
    assert names == {
        "trained_it_grid",
        "trained_it_layer_means",
        "trained_control",
        "trained_head_jobs",
        "trained_head_examples",
    }
    assert names <= set(registry(RESULTS))


@pytest.mark.parametrize("spec", FIGURES, ids=lambda s: s.name)
def test_figures_draw_in_both_themes_with_numeric_alt_text(spec: object) -> None:
    alt = spec.alt()  # type: ignore[attr-defined]
    assert any(ch.isdigit() for ch in alt), spec.name  # type: ignore[attr-defined]
    for theme in THEMES:
        assert to_svg(spec, theme).startswith(b"<?xml")  # type: ignore[arg-type]
