"""The site when things go wrong: runtime files damaged, JavaScript off (fixtures from conftest.py).

``test_widgets_e2e.py`` already covers the whole ``/pyodide/`` directory missing and
the numpy/explainer wheels corrupted; here, single core files are missing or
corrupted (the wasm binary, the standard-library archive the worker starts
Python on, the worker script, the GloVe rows), and the pages
are read with JavaScript disabled. In every case the pre-rendered content stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import nudge

Browsing = Server = Any  # fixtures from conftest.py
# Chromium drops requests for the damaged files mid-response; the server thread's half-closed
# sockets are then collected later, which is expected here and not a leak of the site's.
pytestmark = pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)
READY_TIMEOUT_MS = 150_000  # the loader gives up after 120 s at most
WIDGET_RE = re.compile(r'data-widget="([a-z_]+)"')


def widget_pages(site: Path) -> dict[str, list[str]]:
    """Every HTML page with widgets (relative URL) -> their names."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        if path.parts[len(site.parts)] in ("assets", "pyodide"):
            continue
        names = WIDGET_RE.findall(path.read_text(encoding="utf-8", errors="replace"))
        if names:
            pages[path.relative_to(site).as_posix()] = names
    return pages


def page_with(site: Path, name: str) -> str:
    for url, names in widget_pages(site).items():
        if name in names:
            return url
    pytest.skip(f"no page of the site has a {name} widget")


def outputs(page: Any) -> list[str]:
    return list(page.eval_on_selector_all("[data-widget] [data-output]", "els => els.map(e => e.innerHTML)"))


DAMAGES = {
    # (what is damaged, how) -> the widget whose page is opened
    ("/pyodide/pyodide.asm.wasm", "corrupt"): "saturation_lab",
    ("/pyodide/pyodide.asm.wasm", "missing"): "mask_explorer",
    ("/pyodide/python_stdlib_hot.zip", "corrupt"): "multi_head_viewer",
    ("/assets/widgets/worker.js", "missing"): "step_through",
}


@pytest.mark.parametrize(
    ("target", "how"), list(DAMAGES), ids=[f"{h}:{t.rsplit('/', 2)[-2:]}" for t, h in DAMAGES]
)
def test_a_damaged_runtime_file_is_reported_and_the_static_content_stays(
    browsing: Browsing, site_dir: Path, serve_site: Any, target: str, how: str
) -> None:
    broken = serve_site(site_dir, lambda path: how if urlsplit(path).path.startswith(target) else None)
    try:
        page = browsing.new_page(known_states=False)
        page.goto(broken.url + page_with(site_dir, DAMAGES[(target, how)]))
        before = outputs(page)
        nudge(page)
        page.wait_for_function(
            "[...document.querySelectorAll('[data-widget]')].every(e => e.dataset.state === 'error')",
            timeout=READY_TIMEOUT_MS,
        )
        status = page.locator("[data-widget] .explainer-status").first.inner_text()
        assert "could not load" in status and "pre-rendered" in status, status
        if target.endswith(".wasm"):  # named at once, not after the loader's two-minute timeout
            assert "pyodide.asm.wasm could not be started" in status, status
        assert outputs(page) == before
        assert all(
            page.locator("[data-widget] [data-output]").nth(i).is_visible() for i in range(len(before))
        )
    finally:
        broken.httpd.shutdown()
        broken.httpd.server_close()


def test_a_corrupt_glove_row_file_is_named_in_the_widget(
    browsing: Browsing, site_dir: Path, serve_site: Any
) -> None:
    """The runtime loads but the word vectors do not: the GloVe widget says why, nothing throws."""
    broken = serve_site(site_dir, lambda path: "corrupt" if path.startswith("/data/glove/rows-") else None)
    try:
        page = browsing.new_page()
        page.goto(broken.url + page_with(site_dir, "heatmap_explorer"))
        page.locator("[data-widget=heatmap_explorer] input[name=sentence]").first.fill("the fisherman mended")
        page.wait_for_function(
            "[...document.querySelectorAll('[data-widget]')].every(e => /ready|error/.test(e.dataset.state))",
            timeout=READY_TIMEOUT_MS,
        )
        text = page.locator("[data-widget=heatmap_explorer]").first.inner_text()
        assert "could not" in text and "glove" in text.lower(), text[:300]
        assert not browsing.console_errors, browsing.console_errors[:5]
    finally:
        broken.httpd.shutdown()
        broken.httpd.server_close()


# ---------------------------------------------------------------- JavaScript disabled
@pytest.fixture
def no_js(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A context with JavaScript disabled and every request off 127.0.0.1 aborted and recorded."""
    context = browser.new_context(java_script_enabled=False)
    blocked: list[str] = []

    def route(r: Any) -> None:
        if urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort("internetdisconnected")

    context.route("**/*", route)
    yield context, blocked
    context.close()
    assert not blocked, blocked[:5]


def test_without_javascript_every_widget_shows_its_prerendered_result(
    no_js: tuple[Any, list[str]], server: Server, site_dir: Path
) -> None:
    context, _ = no_js
    page = context.new_page()
    for url, names in widget_pages(site_dir).items():
        page.goto(server.url + url)
        roots = page.locator("[data-widget]")
        assert roots.count() == len(names)
        for i in range(roots.count()):
            root = roots.nth(i)
            assert root.get_attribute("data-state") == "static"
            output = root.locator("[data-output]")
            if not root.locator("form").count():  # a build-time widget: the whole root is its content
                output = root
            assert output.is_visible() and output.inner_text().strip(), f"{url}: {names[i]} shows nothing"
            controls = root.locator("form :is(input:not([type=hidden]), select, textarea)")
            hidden = [
                controls.nth(j).get_attribute("name")
                for j in range(controls.count())
                if not controls.nth(j).is_visible()
            ]
            # The one field a page block leaves out on purpose: w3 of a two-value blending slider.
            on_purpose = ["w3"] if root.locator("input[name=values][value='2']").count() else []
            assert hidden == on_purpose, f"{url}: {names[i]} hides {hidden} without JavaScript"


def test_without_javascript_pages_and_figures_are_readable(
    no_js: tuple[Any, list[str]], server: Server, site_dir: Path
) -> None:
    context, _ = no_js
    page = context.new_page()
    figures = formulas = 0
    for url in ["index.html", *widget_pages(site_dir)]:
        page.goto(server.url + url)
        assert page.locator("article h1").first.is_visible()
        text = page.locator("article").inner_text()
        assert len(text) > 500
        assert "\\(" not in text and "\\[" not in text, f"{url}: raw TeX shown"  # math is built in
        formulas += page.locator("article .katex-html").count()
        for img in page.locator("article img[src*='figures/']").all():
            if img.is_visible():  # the light rendering (the dark one is hidden by CSS)
                figures += 1
                img.scroll_into_view_if_needed()  # figures load lazily
                page.wait_for_function("e => e.complete && e.naturalWidth > 0", arg=img.element_handle())
    assert figures > 0 and formulas > 50, (figures, formulas)
