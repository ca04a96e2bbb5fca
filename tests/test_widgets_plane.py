"""Tests for the shared 2-D plane of the vector widgets (explainer.widgets.plane)."""

from __future__ import annotations

import math

import pytest

from explainer.html import render
from explainer.widgets.plane import PAD, arrow, at, nice_step, plane_for, svg


@pytest.mark.parametrize(
    ("span", "step"), [(13, 2.0), (100, 20.0), (0.4, 0.05), (7, 1.0), (0, 1.0), (math.inf, 1.0)]
)
def test_nice_steps_are_one_two_or_five_times_a_power_of_ten(span: float, step: float) -> None:
    assert nice_step(span) == pytest.approx(step)


def test_the_plane_shows_the_origin_and_every_point_at_one_scale() -> None:
    points = [(-3.5, 2.0), (11.0, 13.0), (0.2, -0.1)]
    plane = plane_for(points, size=200)
    for x, y in [*points, (0.0, 0.0)]:
        assert plane.x_lo <= x <= plane.x_hi and plane.y_lo <= y <= plane.y_hi
    longer = max(plane.x_hi - plane.x_lo, plane.y_hi - plane.y_lo)
    assert plane.scale * longer == pytest.approx(200)
    for edge in (plane.x_lo, plane.x_hi, plane.y_lo, plane.y_hi):  # edges on the grid
        assert edge / plane.step == pytest.approx(round(edge / plane.step))


def test_at_flips_y_and_keeps_the_padding() -> None:
    plane = plane_for([(4, 2)], size=100)
    assert at(plane, plane.x_lo, plane.y_hi) == (PAD, PAD)
    right, bottom = at(plane, plane.x_hi, plane.y_lo)
    assert (right + PAD, bottom + PAD) == pytest.approx((plane.width, plane.height))


def test_a_single_point_at_the_origin_still_gets_a_box() -> None:
    plane = plane_for([(0, 0)])
    assert plane.x_hi > plane.x_lo and plane.y_hi > plane.y_lo and math.isfinite(plane.scale)


def test_the_svg_carries_the_mapping_a_page_script_reads() -> None:
    plane = plane_for([(2, 3)])
    html = render(svg(plane, "a <name>", "x", [arrow(plane, 2, 3, "a"), arrow(plane, 0, 0, "b")]))
    ox, oy = at(plane, 0, 0)
    assert f'data-origin-x="{ox:g}" data-origin-y="{oy:g}" data-scale="{plane.scale!r}"' in html
    assert 'aria-label="a &lt;name&gt;"' in html and 'role="group"' in html and "viewbox=" in html
    assert '<circle class="b"' in html and "<polygon" in html
