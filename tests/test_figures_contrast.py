"""Every piece of text in every figure reads against what is behind it, in both themes.

axe-core (tests/e2e/test_accessibility.py) audits the HTML, but a figure is an
``<img>`` of an SVG whose glyphs are paths, so its text is invisible to axe.
This audit measures it directly: each figure is drawn with Agg on its page
colour (:attr:`Theme.page`; the SVGs are transparent), once as shown and once
with all text hidden. The colour behind a text is the median pixel of the
background render inside the text's box (a heatmap cell, the page, a bar);
its contrast with the text's colour must reach WCAG 1.4.3's 4.5:1, or 3:1
for large text (18 pt, or 14 pt bold).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb, to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text

from explainer.figures import THEMES, Theme, registry
from explainer.figures.draw import HOUSE_RC, _relative_luminance

RESULTS = Path(__file__).parents[1] / "benchmarks" / "results"


@dataclass(frozen=True)
class TextContrast:
    text: str
    ratio: float
    required: float


def contrast(a: Sequence[float], b: Sequence[float]) -> float:
    """WCAG contrast ratio of two sRGB colours (channels in [0, 1])."""
    la, lb = _relative_luminance(a), _relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def required_ratio(text: Text) -> float:
    size, weight = text.get_fontsize(), text.get_fontweight()
    large = size >= 18 or (size >= 14 and weight in ("bold", 700, "heavy", "black"))
    return 3.0 if large else 4.5


def text_contrasts(fig: Figure, page: str) -> list[TextContrast]:
    """The contrast of every visible, non-empty text of ``fig`` drawn on ``page``."""
    fig.patch.set_facecolor(page)
    fig.patch.set_alpha(1.0)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    fig.set_layout_engine("none")  # hiding the text must not move anything else
    renderer = canvas.get_renderer()
    texts = [
        (t, t.get_window_extent(renderer))
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip()
    ]
    for t, _ in texts:
        t.set_visible(False)
    canvas.draw()
    behind = np.asarray(canvas.buffer_rgba())[..., :3] / 255.0  # (H, W, 3), top row first
    height, width = behind.shape[:2]
    found = []
    for t, box in texts:
        x0, x1 = max(int(box.x0), 0), min(int(np.ceil(box.x1)), width)
        y0, y1 = max(int(height - box.y1), 0), min(int(np.ceil(height - box.y0)), height)
        if x1 <= x0 or y1 <= y0:
            continue  # outside the canvas: not drawn
        background = np.median(behind[y0:y1, x0:x1].reshape(-1, 3), axis=0)
        r, g, b, a = to_rgba(t.get_color(), t.get_alpha())
        ink = a * np.array([r, g, b]) + (1 - a) * background
        found.append(TextContrast(t.get_text(), contrast(ink, background), required_ratio(t)))
    return found


def test_the_audit_catches_low_contrast_text() -> None:
    fig = Figure(figsize=(2, 1))
    fig.text(0.1, 0.5, "pale", color="#aaaaaa", fontsize=10)  # 2.3:1 on white
    fig.text(0.6, 0.5, "dark", color="#000000", fontsize=10)
    found = {c.text: c for c in text_contrasts(fig, "#ffffff")}
    assert found["pale"].ratio < 2.5 < 20 < found["dark"].ratio + 0.1
    assert found["pale"].required == 4.5


def test_the_audit_measures_against_what_is_behind_the_text() -> None:
    fig = Figure(figsize=(2, 1))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.imshow([[0.0]], cmap="gray", vmin=0, vmax=1, extent=(0, 1, 0, 1))  # a black cell
    ax.text(0.5, 0.5, "on black", color="#000000", ha="center", va="center")
    (found,) = text_contrasts(fig, "#ffffff")
    assert found.ratio == pytest.approx(1.0)


def test_page_colours_differ_enough_for_the_theme_text() -> None:
    for theme in THEMES:
        assert contrast(to_rgb(theme.fg), to_rgb(theme.page)) >= 7.0
        assert contrast(to_rgb(theme.muted), to_rgb(theme.page)) >= 4.5
        assert len(theme.ink) == len(theme.accents)
        for ink in theme.ink:
            assert contrast(to_rgb(ink), to_rgb(theme.page)) >= 4.5, (theme.name, ink)


@pytest.mark.parametrize("name", sorted(registry(RESULTS)))
@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_every_figure_text_has_enough_contrast(name: str, theme: Theme) -> None:
    with rc_context(HOUSE_RC):  # type: ignore[arg-type]
        found = text_contrasts(registry(RESULTS)[name].draw(theme), theme.page)
    assert found, "no text found: the audit would pass vacuously"
    low = [(c.text[:40], round(c.ratio, 2), c.required) for c in found if c.ratio < c.required]
    assert not low, f"{len(low)} of {len(found)} texts below WCAG contrast: {low[:6]}"
