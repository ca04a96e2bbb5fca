"""Widgets that answer at once: known states need no runtime; intent warms it; Save-Data is respected.

The build ships every state a reader can reach without typing as a ``<template data-known>``
(see ARCHITECTURE.md, "The widget contract"); these tests check the page switches between them
with no request for runtime files, that focusing a field to type in starts the runtime early,
that the site setting starts it for widgets on screen, and that none of that happens when the
browser asks to save data.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

from tests.e2e.conftest import Browsing, Server
from tests.e2e.test_widgets_e2e import outputs, site_pages, wait_result, widget_page

RUNTIME = re.compile(r"/pyodide/|/assets/glove/|worker\.js|runtime\.json")
KNOWN = re.compile(r'<template data-known="[^"]*"[^>]*>.*?</template>', re.S)
BUDGET_GZIP = 150_000
SAVE_DATA = "Object.defineProperty(Navigator.prototype, 'connection', {get: () => ({saveData: true})});"


def runtime_requests(browsing: Browsing) -> list[str]:
    return [u for u in browsing.requests if RUNTIME.search(u)]


def started(page: Any) -> bool:
    return bool(page.evaluate("performance.getEntriesByName('explainer:runtime-start').length"))


def template_for_current_state(page: Any, root: str) -> str:
    """The innerHTML of the template the loader should show now (found by the widget's own key)."""
    return str(
        page.eval_on_selector(
            root,
            """root => {
                const state = {};
                for (const c of root.querySelectorAll("form [name]")) {
                    if (c.type === "checkbox") state[c.name] = c.checked;
                    else if (c.type === "radio") { if (c.checked) state[c.name] = c.value; }
                    else if (c.dataset.stops) state[c.name] = c.dataset.stops.split(",")[c.value];
                    else state[c.name] = c.value;
                }
                const key = JSON.stringify(Object.keys(state).sort().map((k) => [k, state[k]]));
                const all = [...root.querySelectorAll("template[data-known]")];
                const found = all.find((t) => t.dataset.known === key);
                return found ? found.innerHTML : "";
            }""",
        )
    )


def test_known_states_fit_the_budget_on_every_page(site_dir: Path) -> None:
    sizes = {}
    for url in site_pages(site_dir):
        html = (site_dir / url).read_text(encoding="utf-8")
        sizes[url] = len(gzip.compress("".join(KNOWN.findall(html)).encode(), 9))
    assert max(sizes.values()) <= BUDGET_GZIP, sizes
    assert sum(1 for size in sizes.values() if size > 1000) >= 4, (
        "known states are shipped on the widget pages"
    )


def test_slider_stops_toggles_radios_and_selects_need_no_runtime(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = browsing.new_page()
    root = "[data-widget=saturation_lab]"
    page.goto(server.url + widget_page(site_dir, "saturation_lab"))
    slider = page.locator(f"{root} input[name=d_k]")
    assert slider.get_attribute("aria-valuetext") == "64"
    wait_result(page, root, lambda: slider.press("ArrowRight"))
    assert page.locator(f"{root} output[data-stop]").inner_text() == "128"
    assert "d_k = 128" in page.locator(f"{root} [data-output]").inner_text()
    assert outputs(page)[0] == template_for_current_state(page, root)
    wait_result(page, root, lambda: slider.press("End"))
    assert slider.get_attribute("aria-valuetext") == "1024"
    wait_result(page, root, lambda: page.locator(f"{root} input[name=scale]").uncheck())
    assert "d_k = 1024 and scores not scaled" in page.locator(f"{root} [data-output]").inner_text()
    for name, action in (
        ("mask_explorer", lambda p, r: p.locator(f"{r} input[name=kind][value=none]").check()),
        ("multi_head_viewer", lambda p, r: p.locator(f"{r} select[name=n_heads]").select_option("4")),
    ):
        page.goto(server.url + widget_page(site_dir, name))
        widget = f"[data-widget={name}]"
        before = page.locator(f"{widget} [data-output]").inner_html()
        wait_result(page, widget, lambda p=page, r=widget, a=action: a(p, r))
        after = page.locator(f"{widget} [data-output]").inner_html()
        assert after != before and after == template_for_current_state(page, widget)
    assert page.locator("[data-widget][data-state=loading]").count() == 0
    assert not started(page)
    assert runtime_requests(browsing) == []
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_focusing_a_field_warms_the_runtime_and_says_what_loads(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = browsing.new_page()
    root = "[data-widget=heatmap_explorer]"
    page.goto(server.url + widget_page(site_dir, "heatmap_explorer"))
    assert runtime_requests(browsing) == []
    box = page.locator(f"{root} input[name=sentence]").first
    box.focus()
    assert started(page)
    words = page.locator(root).first.get_attribute("data-loading") or ""
    assert words and page.locator(f"{root} [data-status]").first.inner_text().startswith(words)
    assert "step" not in page.locator(f"{root} [data-status]").first.inner_text().lower()
    page.wait_for_function("performance.getEntriesByName('explainer:runtime-ready').length > 0")
    assert page.locator(f"{root} [data-status]").first.inner_text() == ""
    wait_result(page, root, lambda: (box.fill("the dog chased the ball"), box.press("Enter")))
    assert "chased" in page.locator(f"{root} [data-output]").first.inner_text()
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_save_data_never_starts_early_but_still_computes(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = browsing.new_page()
    page.add_init_script(SAVE_DATA)
    page.goto(server.url + "index.html")
    box = page.locator("input[data-setting]")
    assert box.is_disabled()
    assert "save data" in page.locator("[data-widget=runtime_settings] [data-output]").inner_text()
    root = "[data-widget=heatmap_explorer]"
    page.goto(server.url + widget_page(site_dir, "heatmap_explorer"))
    field = page.locator(f"{root} input[name=sentence]").first
    field.focus()
    assert not started(page), "focus alone must not start the runtime when the browser saves data"
    assert runtime_requests(browsing) == []
    wait_result(page, root, lambda: field.fill("the cat slept"))  # input nobody could know: it computes
    assert started(page)
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_the_site_setting_starts_the_runtime_for_a_widget_on_screen(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = browsing.new_page()
    page.goto(server.url + "index.html")
    box = page.locator("input[data-setting]")
    assert not box.is_checked() and not box.is_disabled()
    box.check()
    assert page.evaluate("localStorage.getItem('explainer:start-when-visible')") == "on"
    try:
        page.goto(server.url + widget_page(site_dir, "mask_explorer"))
        page.locator("[data-widget=mask_explorer]").scroll_into_view_if_needed()
        page.wait_for_function("performance.getEntriesByName('explainer:runtime-start').length > 0")
        page.goto(server.url + "index.html")
        assert page.locator("input[data-setting]").is_checked()  # remembered
    finally:
        page.evaluate("localStorage.removeItem('explainer:start-when-visible')")
    assert not browsing.console_errors, browsing.console_errors[:5]
