"""Layout of the built site at a phone's and a desktop's width, in both palettes (fixtures from conftest.py).

- Figures: at 390 px every figure's smallest text is at least 9 CSS px. The build measured
  the smallest font size of each SVG into ``data-min-font-px`` (CSS px at the SVG's own
  width, the ``width`` of its ``<img>``); shown ``w`` px wide, that text is
  ``w × data-min-font-px / width`` px. Each figure sits in a focusable, named frame that
  scrolls sideways and has a link that opens its SVG full size.
- Widgets: at 390 and 1280 px no widget is wider than its column (its root neither
  scrolls sideways nor ends right of the column), and every heatmap of up to 12 tokens
  fits without scrolling: the pre-rendered states, and a typed 12-token sentence in the
  heatmap explorer (live, so it also covers what the worker sends back).
- Code blocks: the copy button never covers code.
- The head grid (chapter 10): the selected head's spot is outlined, and keyboard focus shows on it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

Browsing = Server = Any  # fixtures from conftest.py
SCHEMES = {"light": "default", "dark": "slate"}  # emulated colour scheme -> Material palette
PHONE, DESKTOP = 390, 1280
READABLE_PX = 9.0
MAX_FITTING_TOKENS = 12
TWELVE_TOKENS = "the cat sat on the mat because it was tired and slept"

# One pass over the page as it is now: what does not fit, by kind.
MEASURE_JS = """([readable, maxKeys]) => {
    const article = document.querySelector("article.md-content__inner");
    const style = getComputedStyle(article);
    const columnRight = article.getBoundingClientRect().right - parseFloat(style.paddingRight);
    const shown = (e) => e.getBoundingClientRect().width > 0;
    const name = (e) => e.id || e.dataset.widget || e.className;
    const found = {figures: [], frames: [], widgets: [], heatmaps: [], code: []};
    for (const figure of document.querySelectorAll("figure.explainer-figure")) {
        const img = [...figure.querySelectorAll("img")].find(shown);
        const frame = figure.querySelector(".explainer-figure-frame");
        const link = figure.querySelector("a.explainer-figure-open");
        const font = parseFloat(figure.dataset.minFontPx);
        const px = img.getBoundingClientRect().width * font / Number(img.getAttribute("width"));
        if (!(px >= readable)) found.figures.push([figure.id, Math.round(px * 100) / 100]);
        if (!frame || frame.tabIndex !== 0 || !frame.getAttribute("aria-label") || !link
            || frame.getBoundingClientRect().right > columnRight + 1) {
            found.frames.push(figure.id);
        }
    }
    for (const root of document.querySelectorAll("[data-widget]")) {
        const past = Math.round(root.getBoundingClientRect().right - columnRight);
        if (root.scrollWidth > root.clientWidth + 1 || past > 1) {
            found.widgets.push([name(root), root.scrollWidth, root.clientWidth, past]);
        }
    }
    for (const table of document.querySelectorAll("[data-widget] table.explainer-heatmap")) {
        const keys = table.querySelectorAll("thead th").length;
        const box = table.parentElement, widget = name(table.closest("[data-widget]"));
        if (shown(table) && keys <= maxKeys && box.scrollWidth > box.clientWidth + 1) {
            found.heatmaps.push([widget, keys, box.scrollWidth, box.clientWidth]);
        }
    }
    for (const nav of document.querySelectorAll(".md-content pre > .md-code__nav")) {
        const code = nav.parentElement.querySelector(":scope > code");
        if (!shown(nav) || !code) continue;
        const scrollportRight = code.getBoundingClientRect().left + code.clientLeft + code.clientWidth;
        const covered = Math.round(scrollportRight - nav.getBoundingClientRect().left);
        if (covered > 1) found.code.push([nav.parentElement.id, covered]);
    }
    return found;
}"""
CODE_BUTTONS_READY_JS = """() => !document.querySelector(".md-content pre > code")
    || !!document.querySelector(".md-content pre > .md-code__nav")"""


def site_pages(site: Path) -> dict[str, str]:
    """Every HTML page of the site (relative URL) -> its HTML."""
    return {
        path.relative_to(site).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(site.rglob("*.html"))
        if path.parts[len(site.parts)] not in ("assets", "pyodide")
    }


def laid_out_pages(site: Path) -> list[str]:
    """Pages with a figure, a widget or a code block: the ones whose layout this file checks."""
    marks = ('class="explainer-figure"', "data-widget=", "<pre")
    return [url for url, html in site_pages(site).items() if any(mark in html for mark in marks)]


def widget_page(site: Path, name: str) -> str:
    """The first page with a widget ``name``."""
    for url, html in site_pages(site).items():
        if f'data-widget="{name}"' in html:
            return url
    pytest.skip(f"no page of the site has a {name} widget")


def wait_for_palette(page: Any, scheme: str) -> None:
    """Wait until Material applies the emulated colour scheme (its bundle does so after ``load``)."""
    page.wait_for_selector(f'body[data-md-color-scheme="{SCHEMES[scheme]}"]', state="attached")


def open_in(browsing: Browsing, server: Server, width: int, scheme: str) -> Any:
    """A page of ``width`` CSS px in palette ``scheme`` (Material's stored palette cleared)."""
    page = browsing.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(server.url, wait_until="load")
    page.evaluate("() => localStorage.clear()")  # Material prefers a palette it once stored
    return page


def settle(page: Any, scheme: str) -> None:
    """Wait for the palette, the fonts and Material's code buttons: the layout is final."""
    wait_for_palette(page, scheme)
    page.wait_for_function(CODE_BUTTONS_READY_JS)
    page.evaluate("() => document.fonts.ready.then(() => true)")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_figures_widgets_and_code_fit_their_column(
    browsing: Browsing, server: Server, site_dir: Path, width: int, scheme: str
) -> None:
    page = open_in(browsing, server, width, scheme)
    problems: dict[str, dict[str, Any]] = {}
    for url in laid_out_pages(site_dir):
        page.goto(server.url + url, wait_until="load")
        settle(page, scheme)
        found = page.evaluate(MEASURE_JS, [READABLE_PX, MAX_FITTING_TOKENS])
        if width != PHONE:
            found.pop("figures")  # the 9 px floor is for phones; desktops show the column's width
        for kind, items in found.items():
            if items:
                problems.setdefault(kind, {})[url] = items
    assert not problems.get("figures"), f"figure text below {READABLE_PX} px at {width} px: {problems}"
    assert not problems.get("frames"), f"figures without a named, focusable frame and a link: {problems}"
    assert not problems.get("widgets"), f"widgets wider than the column at {width} px ({scheme}): {problems}"
    assert not problems.get("heatmaps"), f"heatmaps of <= 12 tokens that scroll at {width} px: {problems}"
    assert not problems.get("code"), f"copy buttons over code at {width} px: {problems}"


def test_every_figure_links_its_svg_and_has_its_text_measured(site_dir: Path) -> None:
    checked = 0
    for url, html in site_pages(site_dir).items():
        for figure in re.findall(r'<figure class="explainer-figure".*?</figure>', html, re.S):
            assert re.search(r'data-min-font-px="[0-9.]+"', figure), figure[:200]
            assert "--explainer-readable-width:" in figure, figure[:300]
            href = re.search(r'<a class="explainer-figure-open" href="([^"]+\.svg)"', figure)
            assert href, figure[-300:]
            assert ((site_dir / url).parent / href.group(1)).resolve().is_file(), (url, href.group(1))
            checked += 1
    assert checked >= 15, checked


def test_a_typed_12_token_sentence_fits_the_heatmap_explorer(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    """Live: the worker's heatmap of 12 tokens fits at both widths, in both palettes."""
    url = widget_page(site_dir, "heatmap_explorer")
    page = open_in(browsing, server, DESKTOP, "light")
    page.goto(server.url + url, wait_until="load")
    root = '[data-widget="heatmap_explorer"]'
    page.evaluate(f"""() => {{ window.__got = false;
        document.querySelector({root!r}).addEventListener("explainer:result", () => window.__got = true,
                                                          {{once: true}}); }}""")
    page.fill(f"{root} input[name=sentence]", TWELVE_TOKENS)
    page.wait_for_function("window.__got === true")
    assert page.locator(f"{root} table.explainer-heatmap thead th").count() == MAX_FITTING_TOKENS
    for scheme in SCHEMES:
        if scheme != "light":  # the reader's palette toggle: Material switches without a reload
            page.locator('[data-md-component="palette"] label:visible').click()
        wait_for_palette(page, scheme)
        for width in (DESKTOP, PHONE):
            page.set_viewport_size({"width": width, "height": 900})
            found = page.evaluate(MEASURE_JS, [READABLE_PX, MAX_FITTING_TOKENS])
            assert not found["widgets"] and not found["heatmaps"], (scheme, width, found)


# ---------------------------------------------------------------- the head grid
SPOT_JS = """(radio) => {
    const s = getComputedStyle(document.querySelector(`label[for="${radio.id}"]`));
    return {outline: s.outlineStyle === "none" ? 0 : parseFloat(s.outlineWidth), colour: s.outlineColor,
            inner: s.boxShadow !== "none", focused: radio === document.activeElement};
}"""
ACCENT_JS = """() => {
    const probe = document.createElement("i");
    probe.style.color = "var(--md-accent-fg-color)";
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
def test_head_grid_outlines_the_selected_head_and_shows_keyboard_focus(
    browsing: Browsing, server: Server, site_dir: Path, scheme: str
) -> None:
    url = widget_page(site_dir, "head_grid")
    page = open_in(browsing, server, DESKTOP, scheme)
    page.goto(server.url + url, wait_until="load")
    wait_for_palette(page, scheme)
    shown = ".head-grid .hg-p0"  # the first sentence is chosen at first
    selected = page.locator(f"{shown} .hg-h:checked").element_handle()
    other = page.locator(f"{shown} .hg-h:not(:checked)").first.element_handle()
    mark = page.evaluate(SPOT_JS, selected)
    assert mark["outline"] >= 2 and mark["inner"], mark
    assert page.evaluate(SPOT_JS, other)["outline"] == 0
    page.keyboard.press("Shift")  # keyboard modality: :focus-visible applies to what gets focus next
    selected.focus()
    page.keyboard.press("ArrowLeft")  # the previous head is chosen, and focused
    now = page.evaluate(SPOT_JS, page.evaluate_handle("document.activeElement"))
    assert now["focused"] and now["outline"] >= 2 and now["colour"] == page.evaluate(ACCENT_JS), now
    assert page.evaluate(SPOT_JS, selected)["outline"] == 0  # no longer chosen
    assert page.locator(f"{shown} .hg-big:visible").count() == 1  # the focused head's table
