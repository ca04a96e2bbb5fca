"""Vectors you can drag (chapters 2-3) and blending you can see move (chapter 5), in headless Chromium.

- The blending slider moves between states the build computed: no runtime is fetched, the
  caption is Python's for the new weights, and z glides (no transition under reduced motion).
- Dragging a vector's handle with the mouse, or moving it with the arrow keys, writes the rounded
  coordinates into the form; Python (the runtime, waited for up to READY_TIMEOUT_MS) answers with
  the scores of exactly those numbers. Typed numbers still work; vectors that are not 2-D get a note.
- Once the runtime is up, a key press on a handle reaches the page's new picture quickly (measured).
- axe-core finds no serious or critical violation on both pages, in both palettes.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from explainer.widgets import compute, initial_state
from tests.e2e.conftest import READY_TIMEOUT_MS, Browsing, Server
from tests.e2e.test_accessibility import AXE, SCHEMES, audit, wait_for_palette
from tests.e2e.test_widgets_e2e import widget_page

DP = '[data-widget-key="dot_product_playground-0"]'
TWO = '[data-widget-key="blending_slider-0"]'
THREE = '[data-widget-key="blending_slider-1"]'
CAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.S)


def caption(name: str, state: dict[str, Any]) -> str:
    """The picture's text description Python writes for ``state`` (what the page must show)."""
    found = CAPTION.search(compute(name, {**initial_state(name), **state}).html)
    assert found, state
    return html.unescape(found.group(1))


def open_widget(browsing: Browsing, server: Server, site_dir: Path, name: str, root: str) -> Any:
    page = browsing.new_page()
    page.goto(server.url + widget_page(site_dir, name))
    page.wait_for_selector(root, state="attached")  # the loader has named the widget
    return page


def wait_caption(page: Any, root: str, text: str) -> None:
    """Wait (through the runtime's start, if it is needed) until the widget's picture says ``text``."""
    page.wait_for_function(
        "(a) => document.querySelector(a[0] + ' [data-output] figcaption')?.textContent === a[1]",
        arg=[root, text],
        timeout=READY_TIMEOUT_MS,
    )


def runtime_requests(browsing: Browsing) -> list[str]:
    return [u for u in browsing.requests if "/pyodide/" in u or "worker.js" in u]


def test_the_blend_slides_between_built_states_with_no_runtime(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_widget(browsing, server, site_dir, "blending_slider", THREE)
    z = f"{TWO} [data-output] .bl-z"
    before = page.get_attribute(z, "data-ux")
    page.focus(f"{TWO} input[name=w2]")
    page.keyboard.press("ArrowRight")  # stop 0.1 -> 0.2
    wait_caption(page, TWO, caption("blending_slider", {"w2": "0.2"}))
    assert page.get_attribute(z, "data-ux") != before
    glide = page.eval_on_selector(
        f"{z} .bl-glide", "g => [g.style.getPropertyValue('--dx'), getComputedStyle(g).transitionDuration]"
    )
    assert glide == ["0px", "0.28s"]  # blending.js started z at its old place; CSS carries it home

    page.focus(f"{THREE} input[name=w3]")
    page.keyboard.press("End")  # w3 = 1 with w2 = 0.3: w1 = -0.3, outside the triangle
    wait_caption(page, THREE, caption("blending_slider", {"values": "3", "w2": "0.3", "w3": "1"}))
    assert "outside" in page.get_attribute(f"{THREE} [data-output] .bl-z", "class")
    assert (
        page.eval_on_selector_all("[data-widget-key]", "els => els.map(e => e.dataset.state)")
        == ["static"] * 2
    )
    assert not runtime_requests(browsing), runtime_requests(browsing)
    assert not browsing.console_errors


def test_reduced_motion_shows_the_same_states_without_a_glide(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_widget(browsing, server, site_dir, "blending_slider", THREE)
    page.emulate_media(reduced_motion="reduce")
    page.focus(f"{TWO} input[name=w2]")
    page.keyboard.press("Home")
    wait_caption(page, TWO, caption("blending_slider", {"w2": "0"}))
    duration = page.eval_on_selector(
        f"{TWO} [data-output] .bl-glide", "g => getComputedStyle(g).transitionDuration"
    )
    assert duration == "0s"
    assert not runtime_requests(browsing)


def test_dragging_the_query_with_the_mouse_recomputes_its_scores(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_widget(browsing, server, site_dir, "dot_product_playground", DP)
    page.locator(f'{DP} [data-drag="query"]').scroll_into_view_if_needed()
    box = page.locator(f'{DP} [data-drag="query"]').bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + 5 * step, y)  # 50 px to the right
    page.mouse.up()
    typed = page.input_value(f"{DP} input[name=query]")
    qx, qy = (float(n) for n in typed.split(","))
    assert qx > 2.5 and qy == 3 and re.fullmatch(r"-?\d+(\.\d)?, 3", typed), typed  # rounded to 0.1
    wait_caption(page, DP, caption("dot_product_playground", {"query": typed}))
    score_c = 11 * qx + 13 * qy
    assert f"C: {score_c:g}" in page.text_content(f"{DP} [data-output] svg")

    page.fill(f"{DP} input[name=query]", "1, 2, 3")  # typed numbers still work, in any dimension
    page.fill(f"{DP} textarea[name=keys]", "a: 1 0 0\nb: 0 0 1")
    page.wait_for_selector(f"{DP} [data-output] .explainer-message--note", timeout=READY_TIMEOUT_MS)
    note = page.inner_text(f"{DP} [data-output] .explainer-message--note")
    assert "can only draw 2-D" in note and "3 numbers" in note
    assert page.locator(f"{DP} [data-output] table").count() == 1
    assert not browsing.console_errors


ARM_KEY = """([root]) => {
    window.__timing = new Promise((resolve) => {
        let pressed = 0;
        const stamp = () => { pressed = performance.now(); };
        document.addEventListener("keydown", stamp, {once: true, capture: true});
        document.querySelector(root).addEventListener("explainer:result", (event) => resolve(
            [performance.now() - pressed, event.detail.ms, event.detail.python_ms]), {once: true});
    });
}"""
"""Resolves with: key press to new picture, the loader's request to render, Python's own time (ms)."""


def test_arrow_keys_move_a_key_and_keep_focus(browsing: Browsing, server: Server, site_dir: Path) -> None:
    page = open_widget(browsing, server, site_dir, "dot_product_playground", DP)
    handle = f'{DP} [data-drag="keys"][data-line="0"]'
    step = float(page.get_attribute(f"{DP} [data-output] svg", "data-step"))
    page.focus(handle)
    page.keyboard.press("ArrowUp")
    keys = page.input_value(f"{DP} textarea[name=keys]")
    assert keys == f"C: 11, {13 + step:g}\nA: 1, 2\nB: 4, 6"
    wait_caption(page, DP, caption("dot_product_playground", {"keys": keys}))
    assert (
        page.evaluate("() => document.activeElement.dataset.drag + document.activeElement.dataset.line")
        == "keys0"
    )

    timings = []
    for _ in range(6):  # the runtime is up: each press is computed by Python and drawn anew
        page.evaluate(ARM_KEY, [DP])
        page.keyboard.press("ArrowRight")
        timings.append(page.evaluate("() => window.__timing"))
    keys = page.input_value(f"{DP} textarea[name=keys]")
    assert keys.startswith(f"C: {11 + 6 * step:g}, {13 + step:g}\n"), keys
    wait_caption(page, DP, caption("dot_product_playground", {"keys": keys}))
    assert len(timings) == 6 and all(t[0] > 0 for t in timings)  # how fast: benchmarks, not this test
    assert not browsing.console_errors


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm ci)")
@pytest.mark.parametrize("scheme", SCHEMES)
def test_both_pages_pass_axe_in_both_palettes(
    browsing: Browsing, server: Server, site_dir: Path, scheme: str
) -> None:
    page = browsing.new_page()
    page.emulate_media(color_scheme=scheme)
    page.goto(server.url, wait_until="load")
    page.evaluate("() => localStorage.clear()")
    found = {}
    for name, root in (("dot_product_playground", DP), ("blending_slider", THREE)):
        url = widget_page(site_dir, name)
        page.goto(server.url + url, wait_until="load")
        wait_for_palette(page, SCHEMES[scheme], url)
        page.wait_for_selector(root, state="attached")
        page.focus(f"{root} [data-drag], {root} input[type=range]")
        found[url] = audit(page)
    assert not any(found.values()), found
