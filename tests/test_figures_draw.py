"""Tests for explainer.figures.draw (heatmap, weight_bars, the small shared helpers, text contrast,
to_svg) and explainer.figures.spec."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explainer.figures import DARK, LIGHT, Theme
from explainer.figures.draw import (
    _relative_luminance,
    arrow,
    colourbar,
    contrast_text_colour,
    grid,
    heatmap,
    log2_axes,
    number_list,
    sci,
    title,
    to_svg,
    vector,
    weight_bars,
    weight_label,
)
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import new_figure

TOKENS = ["the", "king", "and", "queen"]


def _contrast(a: float, b: float) -> float:
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


@given(st.tuples(*(st.floats(0.0, 1.0) for _ in range(3))))
def test_contrast_text_colour_picks_the_more_readable_of_black_and_white(
    rgb: tuple[float, float, float],
) -> None:
    lum = _relative_luminance(rgb)
    chosen = contrast_text_colour(rgb)
    vs_black, vs_white = _contrast(lum, 0.0), _contrast(lum, 1.0)
    assert (chosen == "#000000") == (vs_black >= vs_white)
    assert max(vs_black, vs_white) >= 4.5**0.5  # never worse than about 2.1 : 1


def _weights() -> np.ndarray:
    rng = np.random.default_rng(0)
    w = rng.random((4, 4))  # (4, 4)
    return w / w.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_heatmap_annotates_every_cell_with_contrasting_text(theme: Theme) -> None:
    fig = new_figure(theme)
    ax = fig.axes[0]
    w = _weights()
    image = heatmap(ax, w, TOKENS, TOKENS, theme)
    assert image.get_clim() == (0.0, 1.0)
    texts = ax.texts
    assert [t.get_text() for t in texts] == [format(v, ".2f") for v in w.ravel()]
    for t, value in zip(texts, w.ravel(), strict=True):
        assert t.get_color() == contrast_text_colour(image.cmap(image.norm(value)))


def test_heatmap_marks_hidden_cells_and_can_skip_annotations() -> None:
    fig = new_figure(LIGHT, ncols=2)
    hidden = ~np.tril(np.ones((4, 4), dtype=bool))
    heatmap(fig.axes[0], _weights(), TOKENS, TOKENS, LIGHT, hidden=hidden)
    assert [t.get_text() for t in fig.axes[0].texts].count("×") == int(hidden.sum())
    heatmap(fig.axes[1], _weights(), TOKENS, TOKENS, LIGHT, annotate=False)
    assert not fig.axes[1].texts


def test_heatmap_rotates_long_column_labels_only() -> None:
    fig = new_figure(LIGHT, ncols=2)
    heatmap(fig.axes[0], np.eye(2), ["a", "b"], ["a", "b"], LIGHT)
    long = ["contextualisation", "representation"]
    heatmap(fig.axes[1], np.eye(2), long, long, LIGHT)
    assert fig.axes[0].get_xticklabels()[0].get_rotation() == 0
    assert fig.axes[1].get_xticklabels()[0].get_rotation() == 45


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (np.ones(4), "2-D"),
        (np.ones((3, 4)), r"shape \(3, 4\) but there are 4 row"),
        (np.full((4, 4), np.nan), "NaN"),
    ],
)
def test_heatmap_rejects_bad_weights(weights: np.ndarray, message: str) -> None:
    fig = new_figure(LIGHT)
    with pytest.raises(ValueError, match=message):
        heatmap(fig.axes[0], weights, TOKENS, TOKENS, LIGHT)


def test_weight_bars_highlight_and_labels() -> None:
    fig = new_figure(DARK)
    ax = fig.axes[0]
    weight_bars(ax, TOKENS, [0.1, 0.6, 0.05, 0.25], DARK, highlight=["king", 3])
    strong = [p.get_alpha() is None for p in ax.patches]
    assert strong == [False, True, False, True]
    assert [t.get_text() for t in ax.texts] == ["0.10", "0.60", "0.05", "0.25"]
    assert [t.get_text() for t in ax.get_yticklabels()] == TOKENS


def test_weight_bars_accepts_a_label_function() -> None:
    fig = new_figure(LIGHT)
    weight_bars(fig.axes[0], ["a", "b"], [1.0, 2e-9], LIGHT, fmt=lambda w: f"<{w:.0e}>")
    assert [t.get_text() for t in fig.axes[0].texts] == ["<1e+00>", "<2e-09>"]


@pytest.mark.parametrize(
    ("labels", "weights", "highlight", "message"),
    [
        (["a"], [0.5, 0.5], None, "one weight per label"),
        (["a", "b"], [0.5, np.inf], None, "NaN"),
        (["a", "b"], [0.5, 0.5], "c", "'c' is not one of"),
        (["a", "b"], [0.5, 0.5], 5, "out of range"),
    ],
)
def test_weight_bars_rejects_bad_input(
    labels: list[str], weights: list[float], highlight: object, message: str
) -> None:
    fig = new_figure(LIGHT)
    with pytest.raises(ValueError, match=message):
        weight_bars(fig.axes[0], labels, weights, LIGHT, highlight=highlight)  # type: ignore[arg-type]


def _demo_spec() -> FigureSpec:
    def draw(theme: Theme):  # type: ignore[no-untyped-def]
        fig = new_figure(theme)
        heatmap(fig.axes[0], _weights(), TOKENS, TOKENS, theme)
        return fig

    return FigureSpec("demo", draw, lambda: "demo")


def test_to_svg_is_reproducible_dateless_and_themed() -> None:
    spec = _demo_spec()
    first, second = to_svg(spec, LIGHT), to_svg(spec, LIGHT)
    assert first == second
    assert first.startswith(b"<?xml")
    assert b"<dc:date>" not in first
    dark = to_svg(spec, DARK)
    assert dark != first and DARK.fg.encode() in dark and LIGHT.fg.encode() in first


def test_a_spec_reads_no_data_file_unless_it_says_so() -> None:
    assert _demo_spec().inputs == ()


@pytest.mark.parametrize(
    ("value", "plain", "bar"),
    [
        (0.25, "0.25", "0.250"),
        (2.06e-9, "2.1e-09", "2.1e-09"),
        (0.0, "0.00", "0.000"),
        (3e5, "3e+05", "300000.000"),
    ],
)
def test_numbers_read_the_same_in_alt_text_and_bar_labels(value: float, plain: str, bar: str) -> None:
    assert sci(value) == plain
    assert weight_label(value) == bar
    assert number_list([value, 1.0]) == f"[{value:.2f}, 1.00]"


def test_title_alignment_and_a_themed_grid() -> None:
    fig = new_figure(DARK, ncols=2)
    left, right = fig.axes
    title(left, "left-aligned", DARK)
    title(right, "centred", DARK, loc="center")
    assert left.get_title(loc="left") == "left-aligned" and not left.get_title()
    assert right.get_title() == "centred"
    grid(left, DARK, "both")
    assert left.get_axisbelow() is True
    assert all(line.get_color() == DARK.grid for line in left.get_xgridlines() + left.get_ygridlines())


def test_log2_axes_label_plain_numbers() -> None:
    fig = new_figure(LIGHT)
    ax = fig.axes[0]
    ax.plot([1, 16], [2, 64])
    log2_axes(ax, "xy")
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.xaxis.get_major_formatter()(16, 0) == "16"
    assert ax.yaxis.get_major_formatter()(64, 0) == "64"


def test_vector_is_an_arrow_from_the_origin_with_a_legend_handle() -> None:
    fig = new_figure(LIGHT)
    ax = fig.axes[0]
    handle = vector(ax, np.array([2.0, 3.0]), LIGHT.accents[0], 2.6, "q")
    arrow(ax, (1.0, 1.0), (2.0, 0.0), LIGHT.muted, 0.9)
    thick, thin = ax.texts
    assert thick.xy == (2.0, 3.0) and thick.xyann == (0, 0)  # type: ignore[attr-defined]
    assert thick.get_zorder() == 3 + 2.6 and thin.get_zorder() == 3  # thicker arrows on top
    assert handle.get_label() == "q" and handle.get_linewidth() == 2.6


def test_colourbar_is_labelled_weight() -> None:
    fig = new_figure(LIGHT)
    image = heatmap(fig.axes[0], _weights(), TOKENS, TOKENS, LIGHT)
    colourbar(fig, image, fig.axes[0], LIGHT)
    assert len(fig.axes) == 2 and fig.axes[1].get_ylabel() == "weight"
