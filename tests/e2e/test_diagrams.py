"""The chapter 8 and 9 diagrams in the built site (headless Chromium, offline; fixtures from conftest.py).

- The multi-head viewer: choosing a number of heads redraws the diagram from the page's own
  known states, with no request for the runtime; the numbers it draws are the example's.
- It fits its column at 390 and 1280 px, its smallest text is at least 9 CSS px, and its
  head colours are distinct and reach 3:1 against the page in both palettes.
- axe-core finds no serious violation on either page, in either palette, in every head choice.
- The contextualisation map is on chapter 9's page, described by its numbers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from explainer.examples import contextualisation_example, multi_head_example
from explainer.widgets.common import fixed
from explainer.widgets.multi_head import HEAD_CHOICES
from tests.e2e.test_accessibility import AXE, SCHEMES, audit, wait_for_palette

pytestmark = pytest.mark.browser
Browsing = Server = Any  # fixtures from conftest.py
ROOT = '[data-widget="multi_head_viewer"]'
RUNTIME = re.compile(r"/pyodide/|/assets/glove/|worker\.js|runtime\.json")
READABLE_PX = 9.0

SVG_STATE_JS = """(root) => {
    const svg = document.querySelector(root + " svg.mh-svg");
    return {label: svg.getAttribute("aria-label"),
            numbers: [...svg.querySelectorAll("text.mh-num")].map((t) => t.textContent)};
}"""

FIT_JS = """([root, readable]) => {
    const widget = document.querySelector(root);
    const svg = widget.querySelector("svg.mh-svg");
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    const smallest = Math.min(...[...svg.querySelectorAll("text")].map(
        (t) => parseFloat(getComputedStyle(t).fontSize) * scale));
    const column = widget.getBoundingClientRect();
    return {smallest, inside: box.left >= column.left - 1 && box.right <= column.right + 1,
            scrolls: widget.scrollWidth > widget.clientWidth + 1};
}"""

COLOURS_JS = """(root) => {
    const style = getComputedStyle(document.querySelector(root));
    const page = getComputedStyle(document.body).backgroundColor;
    return {page, heads: [1, 2, 3, 4, 5, 6, 7, 8].map((i) => style.getPropertyValue("--mh-" + i).trim())};
}"""


def page_of(site_dir: Path, needle: str) -> str:
    """The first page (relative URL) whose HTML contains ``needle``."""
    for path in sorted(site_dir.rglob("*.html")):
        if needle in path.read_text(encoding="utf-8", errors="replace"):
            return path.relative_to(site_dir).as_posix()
    pytest.skip(f"no page of the site contains {needle!r}")


def choose(page: Any, n_heads: str) -> dict[str, Any]:
    """Choose ``n_heads`` and wait until the diagram shows that many heads."""
    page.select_option(f"{ROOT} select[name=n_heads]", n_heads)
    page.wait_for_function(
        "([root, n]) => document.querySelector(root + ' svg.mh-svg').getAttribute('aria-label')"
        ".startsWith(`Diagram of ${n}-head`)",
        arg=[ROOT, n_heads],
    )
    return dict(page.evaluate(SVG_STATE_JS, ROOT))


def rgb(colour: str) -> tuple[float, float, float]:
    """``#rrggbb`` or ``rgb(r, g, b)`` as channels in [0, 1]."""
    if colour.startswith("#"):
        return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]
    r, g, b = (float(v) / 255 for v in re.findall(r"[\d.]+", colour)[:3])
    return r, g, b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    def luminance(c: tuple[float, float, float]) -> float:
        lin = [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def open_in(browsing: Browsing, server: Server, url: str, scheme: str, width: int = 1280) -> Any:
    """A page at ``url`` in the palette ``scheme`` (Material remembers a palette; forget it first)."""
    page = browsing.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(server.url + url, wait_until="load")
    page.evaluate("() => localStorage.clear()")
    page.reload(wait_until="load")
    wait_for_palette(page, SCHEMES[scheme], url)
    return page


def test_switching_heads_redraws_the_diagram_with_no_runtime(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_in(browsing, server, page_of(site_dir, 'data-widget="multi_head_viewer"'), "light")
    for n_heads in (*HEAD_CHOICES[::-1], "2"):
        shown = choose(page, n_heads)
        ex = multi_head_example(int(n_heads))
        expected = [fixed(v, 2) for v in (*ex.concatenated.ravel().tolist(), *ex.output.ravel().tolist())]
        assert shown["numbers"] == expected, n_heads
        assert page.locator(f"{ROOT} .explainer-head").count() == ex.n_heads
    assert page.get_attribute(ROOT, "data-state") == "static"  # the runtime was never started
    assert [u for u in browsing.requests if RUNTIME.search(u)] == []
    assert not browsing.console_errors, browsing.console_errors[:5]


@pytest.mark.parametrize("width", [390, 1280])
def test_the_diagram_fits_its_column_with_readable_text(
    browsing: Browsing, server: Server, site_dir: Path, width: int
) -> None:
    page = open_in(browsing, server, page_of(site_dir, 'data-widget="multi_head_viewer"'), "light", width)
    for n_heads in HEAD_CHOICES:
        choose(page, n_heads)
        fit = page.evaluate(FIT_JS, [ROOT, READABLE_PX])
        assert fit["inside"] and not fit["scrolls"], (width, n_heads, fit)
        assert fit["smallest"] >= READABLE_PX, (width, n_heads, fit)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_head_colours_are_distinct_and_stand_out_from_the_page(
    browsing: Browsing, server: Server, site_dir: Path, scheme: str
) -> None:
    page = open_in(browsing, server, page_of(site_dir, 'data-widget="multi_head_viewer"'), scheme)
    found = page.evaluate(COLOURS_JS, ROOT)
    background, heads = rgb(found["page"]), [rgb(c) for c in found["heads"]]
    assert len(set(heads)) == len(heads) == 8
    for colour, ratio in zip(found["heads"], (contrast(c, background) for c in heads), strict=True):
        assert ratio >= 3.0, (scheme, colour, found["page"], ratio)


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm ci)")
@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_serious_axe_violation_on_either_page_in_every_head_choice(
    browsing: Browsing, server: Server, site_dir: Path, scheme: str
) -> None:
    url = page_of(site_dir, 'data-widget="multi_head_viewer"')
    page = open_in(browsing, server, url, scheme)
    found = {}
    for n_heads in HEAD_CHOICES:
        choose(page, n_heads)
        found[f"{url} ({n_heads} heads)"] = audit(page)
    url = page_of(site_dir, "contextualisation_map")
    page.goto(server.url + url, wait_until="load")
    wait_for_palette(page, SCHEMES[scheme], url)
    found[url] = audit(page)
    assert not any(found.values()), {k: v for k, v in found.items() if v}


@pytest.mark.glove
def test_the_contextualisation_map_is_described_by_its_numbers(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_in(browsing, server, page_of(site_dir, "contextualisation_map"), "dark")
    img = page.locator("figure.explainer-figure img[src*='contextualisation_map-dark']")
    assert img.is_visible()
    alt = img.get_attribute("alt") or ""
    ex = contextualisation_example()
    for shift in (ex.dog.first, ex.dog.second, ex.bank.first, ex.bank.second):
        assert f'"{shift.sentence}": {shift.moved:.2f} in 50-D ({shift.moved_share:.0%}' in alt
    text = page.locator("article").inner_text()
    assert f"{ex.dog.second.moved:.2f}" in text and "intuition the code cannot check" in text.replace(
        "\n", " "
    )
