"""Tests for the heatmaps' colour scale (explainer.widgets.colour)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from explainer.html import render
from explainer.widgets.colour import (
    SCALE_STEPS,
    VIRIDIS,
    colour_legend,
    colour_styles,
    contrast_ratio,
    relative_luminance,
    text_colour,
    weight_colour,
)


def _floats(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def test_the_stops_are_matplotlibs_viridis_the_colour_map_of_the_figures() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    from explainer.figures.theme import DARK, LIGHT

    assert LIGHT.cmap == DARK.cmap == "viridis"
    lut = np.array(matplotlib.colormaps["viridis"].colors)  # (256, 3), colour k at k / 255

    def reference(w: float) -> np.ndarray:
        return np.array([np.interp(w, np.linspace(0, 1, 256), lut[:, c]) for c in range(3)])

    for i, stop in enumerate(VIRIDIS):
        assert np.abs(_floats(stop) - reference(i / (len(VIRIDIS) - 1))).max() <= 0.5 / 255
    for w in np.linspace(0, 1, 1001):  # between the stops too, within 3 levels of 255
        assert np.abs(_floats(weight_colour(w)) - reference(w)).max() <= 3 / 255


def test_the_scale_is_sequential_lighter_for_larger_weights() -> None:
    lum = [relative_luminance(weight_colour(s / (SCALE_STEPS - 1))) for s in range(SCALE_STEPS)]
    assert all(b > a - 1e-3 for a, b in itertools.pairwise(lum))  # 8-bit rounding wobbles, never more
    assert all(b > a for a, b in itertools.pairwise(lum[::16]))  # and it always rises over 1/16


def test_every_step_writes_its_number_with_at_least_wcag_aa_contrast() -> None:
    styles = colour_styles()
    assert len(styles) == SCALE_STEPS
    worst = min(contrast_ratio(*(part.split(":")[1] for part in style.split(";")[1:])) for style in styles)
    assert worst >= 4.5, worst  # WCAG 2 AA for small text; the heatmap numbers are 9-11 px


def test_contrast_and_text_colour_follow_wcag() -> None:
    assert contrast_ratio("#000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777") == pytest.approx(1.0)
    assert text_colour("#440154") == "#fff" and text_colour("#fde725") == "#000"
    assert weight_colour(-1.0) == VIRIDIS[0] and weight_colour(2.0) == VIRIDIS[-1]


def test_the_legend_says_what_else_carries_the_weight() -> None:
    html = render(colour_legend())
    assert f"linear-gradient(to right,{VIRIDIS[0]}," in html and html.count("#") == len(VIRIDIS[::4])
    assert "square" in html and "number" in html and "× marks a masked pair" in html
