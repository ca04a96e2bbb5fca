"""Accessibility of the built site in headless Chromium (offline, fixtures from conftest.py).

- axe-core (npm, ``node_modules/axe-core``) audits every page in the light and the dark
  palette: no serious or critical violation (contrast included).
- Every widget is driven with the keyboard alone, from Tab to a live result.
- Focus is visible; heatmap cells are named with their tokens and weight;
  ``prefers-reduced-motion`` removes every transition and animation.
- Colour never carries a value alone: every shaded cell and bar shows its number.
- Figures' text contrast is measured in tests/test_figures_contrast.py against
  ``Theme.page``; a test here checks that colour is the page's real background.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import nudge

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
Browsing = Server = Any  # fixtures from conftest.py
READY_TIMEOUT_MS = 90_000
SCHEMES = {"light": "default", "dark": "slate"}  # emulated colour scheme -> Material palette
WIDGET_RE = re.compile(r'data-widget="([a-z_]+)"')

AUDIT_JS = """async (root) => {
    // Colours are judged at rest: a CSS transition still running (Material fades the header's
    // title in when a focus scrolls the page) would be measured half-way.
    const moving = document.getAnimations().filter(a => a instanceof CSSTransition);
    await Promise.allSettled(moving.map(a => a.finished));
    const scope = root ? document.querySelector(root) : document;
    const result = await axe.run(scope, {resultTypes: ["violations"]});
    return result.violations
        .filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
}"""


def pages_with_widgets(site: Path) -> dict[str, list[str]]:
    """Every HTML page of the site (relative URL) -> the widget names on it."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        if path.parts[len(site.parts)] in ("assets", "pyodide"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        pages[path.relative_to(site).as_posix()] = WIDGET_RE.findall(text)
    return pages


def widget_page(site: Path, name: str) -> str:
    for url, names in pages_with_widgets(site).items():
        if name in names:
            return url
    pytest.skip(f"no page of the site has a {name} widget")


def wait_for_palette(page: Any, palette: str, url: str) -> None:
    """Wait until Material applies the emulated colour scheme (its bundle does so after ``load``)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    selector = f'body[data-md-color-scheme="{palette}"]'
    try:
        page.wait_for_selector(selector, state="attached", timeout=5_000)
    except PlaywrightTimeout as error:
        actual = page.get_attribute("body", "data-md-color-scheme")
        raise AssertionError(f"{url}: palette {actual!r}, expected {palette!r}") from error


def audit(page: Any, root: str | None = None) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (in ``root`` alone, if given)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated by the browser's debugger, which the pages' Content-Security-Policy does not
        # govern; a <script> tag with axe's source would be refused as an inline script.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return list(page.evaluate(AUDIT_JS, root))


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm ci)")
@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_page_has_no_serious_axe_violation(
    browsing: Browsing, server: Server, site_dir: Path, scheme: str
) -> None:
    page = browsing.new_page()
    page.emulate_media(color_scheme=scheme)
    # Material keeps a palette it once applied in localStorage and prefers it to the media
    # query; the shared context still holds the previous test's.
    page.goto(server.url, wait_until="load")
    page.evaluate("() => localStorage.clear()")
    found = {}
    for url in pages_with_widgets(site_dir):
        page.goto(server.url + url, wait_until="load")
        wait_for_palette(page, SCHEMES[scheme], url)
        violations = audit(page)
        if violations:
            found[url] = violations
    assert not found, f"{len(found)} pages with serious/critical violations ({scheme}): {found}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_figures_are_audited_on_the_background_readers_see(
    browsing: Browsing, server: Server, scheme: str
) -> None:
    """axe cannot read a figure's text (SVG paths in an <img>); tests/test_figures_contrast.py
    measures it on ``Theme.page``. That is only valid if it is the page's real background."""
    from explainer.figures import DARK, LIGHT

    page = browsing.new_page()
    page.emulate_media(color_scheme=scheme)
    page.goto(server.url, wait_until="load")
    page.evaluate("() => localStorage.clear()")
    page.reload(wait_until="load")
    wait_for_palette(page, SCHEMES[scheme], "/")
    rgb = page.evaluate("getComputedStyle(document.body).backgroundColor")
    expected = (LIGHT if scheme == "light" else DARK).page
    assert rgb == "rgb({}, {}, {})".format(*(int(expected[i : i + 2], 16) for i in (1, 3, 5)))


# Elements whose colour shows a value: heatmap cells (--s, a shade) and bar fills (width).
SHADED = re.compile(r'<(td|button|span)\b([^>]*\bclass="explainer-(?:cell|bar-fill)"[^>]*)>(.*?)</\1>', re.S)
NUMBER_OR_MARK = re.compile(r"-?[0-9][0-9.e+-]*%?|×|−∞")


def test_colour_is_never_the_only_carrier_of_meaning(site_dir: Path) -> None:
    """Every shaded cell shows its number (or the masked mark) as text; every bar is followed
    by its number; the pre-rendered head grid prints each weight in its cell."""
    checked = 0
    for url in pages_with_widgets(site_dir):
        html = (site_dir / url).read_text(encoding="utf-8")
        for tag, attrs, inner in SHADED.findall(html):
            text = re.sub(r"<[^>]+>", "", inner).strip()
            if 'class="explainer-bar-fill"' in attrs:
                after = html[html.find(attrs) :][:400]
                number = re.search(r'class="explainer-num">([^<]+)<', after)
                assert number and NUMBER_OR_MARK.fullmatch(number.group(1)), (url, after[:200])
            else:
                assert NUMBER_OR_MARK.fullmatch(text), (url, tag, attrs[:120], text)
            checked += 1
        for cell in re.findall(r"<td class=\"w\d+\">([^<]*)</td>", html):  # head grid
            assert re.fullmatch(r"\d+", cell), (url, cell)
            checked += 1
    assert checked > 500, checked


PHONE = {"width": 390, "height": 844}  # a common phone's CSS viewport
SIDEWAYS_JS = """() => {
    const width = document.documentElement.clientWidth;
    // A few elements that stick out, as a hint to where the overflow comes from.
    const wide = [...document.querySelectorAll("article *")]
        .filter(e => e.getBoundingClientRect().right > width + 1)
        .map(e => e.tagName.toLowerCase() + "." + String(e.className).split(" ")[0]);
    return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 3)};
}"""


def test_no_page_scrolls_sideways_on_a_phone(browsing: Browsing, server: Server, site_dir: Path) -> None:
    """Wide content (tables, math, bars, heatmaps) scrolls inside its own box, never the page."""
    page = browsing.new_page()
    page.set_viewport_size(PHONE)
    too_wide = {}
    for url in pages_with_widgets(site_dir):
        page.goto(server.url + url, wait_until="load")
        found = page.evaluate(SIDEWAYS_JS)
        if found["scroll"] > found["width"]:
            too_wide[url] = found
    assert not too_wide, f"pages wider than a {PHONE['width']} px phone: {too_wide}"


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm ci)")
@pytest.mark.parametrize("scheme", SCHEMES)
def test_live_widgets_have_no_serious_axe_violation(
    browsing: Browsing, server: Server, site_dir: Path, scheme: str
) -> None:
    """The HTML the worker sends back (and the status line) pass the same audit."""
    page = browsing.new_page(known_states=False)  # every widget then computes in the runtime
    page.emulate_media(color_scheme=scheme)
    found = {}
    for url, names in pages_with_widgets(site_dir).items():
        if not names or names == ["head_grid"]:
            continue
        page.goto(server.url + url)
        if not page.locator("[data-widget]:has(form):not(:has([type=submit]))").count():
            continue  # build-time widgets, or widgets that wait for Run: a change computes nothing here
        nudge(page)
        wait_states(page, "ready")
        page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")  # the fade-in
        violations = audit(page)
        if violations:
            found[url] = violations
    assert not found, found


# ---------------------------------------------------------------- keyboard only
def tab_into(page: Any, root: str, limit: int = 600) -> None:
    """Press Tab from the top of the page until focus is inside the first ``root``."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(limit):
        page.keyboard.press("Tab")
        inside = f"document.activeElement && document.activeElement.closest({root!r})"
        if page.evaluate(f"!!({inside}) && ({inside}) === document.querySelector({root!r})"):
            return
    raise AssertionError(f"Tab never reached {root}")


def tab_to(page: Any, selector: str, limit: int = 400) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def wait_states(page: Any, state: str) -> None:
    page.wait_for_function(
        "[...document.querySelectorAll('[data-widget]:has(form)')]"
        f".every(e => e.dataset.state === '{state}')",
        timeout=READY_TIMEOUT_MS,
    )


def live_result(page: Any, root: str, keys: Callable[[], None]) -> str:
    """Press ``keys``, wait for the widget's next live result, return its output text."""
    page.evaluate(f"""() => {{ window.__got = false;
        document.querySelector({root!r}).addEventListener('explainer:result', () => window.__got = true,
                                                            {{once: true}}); }}""")
    keys()
    page.wait_for_function("window.__got === true", timeout=READY_TIMEOUT_MS)
    return str(page.inner_text(f"{root} [data-output]"))


def press(page: Any, *keys: str) -> Callable[[], None]:
    return lambda: [page.keyboard.press(k) for k in keys] and None


def typing(page: Any, text: str) -> Callable[[], None]:
    def run() -> None:
        page.keyboard.press("Control+A")
        page.keyboard.type(text)

    return run


def open_widget(browsing: Browsing, server: Server, site_dir: Path, name: str) -> tuple[Any, str]:
    page = browsing.new_page()
    page.goto(server.url + widget_page(site_dir, name))
    root = f"[data-widget={name}]"
    tab_into(page, root)
    return page, root


def test_dot_product_playground_by_keyboard(browsing: Browsing, server: Server, site_dir: Path) -> None:
    page, root = open_widget(browsing, server, site_dir, "dot_product_playground")
    tab_to(page, f"{root} input[name=query]")
    first = live_result(page, root, typing(page, "1, 0"))
    tab_to(page, f"{root} input[name=scale]")
    checked = page.is_checked(f"{root} input[name=scale]")
    second = live_result(page, root, press(page, "Space"))
    assert page.is_checked(f"{root} input[name=scale]") is not checked
    assert first != second
    assert page.input_value(f"{root} input[name=query]") == "1, 0"


def test_saturation_lab_by_keyboard(browsing: Browsing, server: Server, site_dir: Path) -> None:
    page, root = open_widget(browsing, server, site_dir, "saturation_lab")
    tab_to(page, f"{root} input[name=d_k]")
    before = int(page.input_value(f"{root} input[name=d_k]"))
    live_result(page, root, press(page, "ArrowRight"))
    assert int(page.input_value(f"{root} input[name=d_k]")) == before + 1
    d_k = page.get_attribute(f"{root} input[name=d_k]", "aria-valuetext")
    assert f"d_k = {d_k}" in page.inner_text(f"{root} [data-output]")
    tab_to(page, f"{root} input[name=scale]")
    live_result(page, root, press(page, "Space"))
    assert "not scaled" in page.inner_text(f"{root} [data-output]")


def test_heatmap_explorer_by_keyboard(browsing: Browsing, server: Server, site_dir: Path) -> None:
    page, root = open_widget(browsing, server, site_dir, "heatmap_explorer")
    tab_to(page, f"{root} input[name=sentence]")
    live_result(page, root, typing(page, "the cat sat on the mat"))
    tab_to(page, f"{root} input[name=causal]")
    live_result(page, root, press(page, "Space"))
    assert page.is_checked(f"{root} input[name=causal]")
    tab_to(page, f"{root} [data-output] [data-row='1'][data-col='0']")
    text = live_result(page, root, press(page, "Enter"))
    assert "Dot product" in text
    name = page.evaluate("document.activeElement.getAttribute('aria-label')")
    weight = float(page.evaluate("document.activeElement.dataset.weight"))
    assert name.startswith("cat to the") and f"{weight:.3g}" in name
    assert page.input_value(f"{root} input[name=sentence]") == "the cat sat on the mat"


def test_mask_explorer_by_keyboard(browsing: Browsing, server: Server, site_dir: Path) -> None:
    page, root = open_widget(browsing, server, site_dir, "mask_explorer")
    tab_to(page, f"{root} input[name=kind]")
    before = page.evaluate(f"document.querySelector('{root} input[name=kind]:checked').value")
    live_result(page, root, press(page, "ArrowDown"))
    after = page.evaluate(f"document.querySelector('{root} input[name=kind]:checked').value")
    assert after != before


def test_multi_head_viewer_by_keyboard(browsing: Browsing, server: Server, site_dir: Path) -> None:
    page, root = open_widget(browsing, server, site_dir, "multi_head_viewer")
    tab_to(page, f"{root} select[name=n_heads]")
    before = page.input_value(f"{root} select[name=n_heads]")
    live_result(page, root, press(page, "ArrowDown"))
    assert page.input_value(f"{root} select[name=n_heads]") != before


def test_contextualisation_probe_by_keyboard(browsing: Browsing, server: Server, site_dir: Path) -> None:
    page, root = open_widget(browsing, server, site_dir, "contextualisation_probe")
    tab_to(page, f"{root} input[name=sentence]")
    live_result(page, root, typing(page, "the river bank was"))
    tab_to(page, f"{root} input[name=word]")
    text = live_result(page, root, typing(page, "bank"))
    assert "bank" in text


def test_code_runner_by_keyboard(browsing: Browsing, server: Server, site_dir: Path) -> None:
    page, root = open_widget(browsing, server, site_dir, "code_runner")
    # Focusing the code puts the editor in the textarea's place, focus included: either one counts.
    tab_to(page, f"{root} :is(textarea[name=code], .cm-content)")
    page.locator(f"{root} .cm-content:focus").wait_for()
    page.keyboard.press("Control+A")
    page.keyboard.type("print(6 * 7)")
    page.keyboard.press("Escape")  # Tab indents in the editor; Escape, then Tab, moves on
    tab_to(page, f"{root} [type=submit]")
    assert "42" in live_result(page, root, press(page, "Enter"))


# ---------------------------------------------------------------- focus, names, motion
def test_focus_is_visible_on_every_kind_of_widget_control(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = browsing.new_page()
    missing = []
    for url, names in pages_with_widgets(site_dir).items():
        if not names:
            continue
        page.goto(server.url + url)
        controls = page.locator(
            "[data-widget] :is(input:not([type=hidden]), select, textarea, button):not([disabled])"
        ).filter(visible=True)  # a control the widget hides (blending's third weight with two values)
        for i in range(min(controls.count(), 12)):
            page.keyboard.press("Shift")  # keyboard modality: :focus-visible applies to what gets focus next
            controls.nth(i).focus()
            style = controls.nth(i).evaluate(
                "e => { const s = getComputedStyle(e); return [e.matches(':focus-visible'), s.outlineStyle,"
                " parseFloat(s.outlineWidth), s.boxShadow]; }"
            )
            visible, outline, width, shadow = style
            if not (visible and ((outline != "none" and width > 0) or shadow != "none")):
                missing.append((url, controls.nth(i).evaluate("e => e.outerHTML.slice(0, 80)"), style))
    assert not missing, missing[:8]


def test_heatmap_cells_are_named_with_tokens_and_weight(site_dir: Path) -> None:
    cell = re.compile(r'<button[^>]*class="explainer-cell"[^>]*>')
    checked = 0
    for url, names in pages_with_widgets(site_dir).items():
        if "heatmap_explorer" not in names and "mask_explorer" not in names:
            continue
        for tag in cell.findall((site_dir / url).read_text(encoding="utf-8")):
            label = re.search(r'aria-label="([^"]*)"', tag)
            weight = re.search(r'data-weight="([^"]*)"', tag)
            assert label and weight, tag
            assert re.fullmatch(r".+ to .+: (weight [0-9.e-]+|masked.*)", label.group(1)), label.group(1)
            if "weight" in label.group(1):
                assert f"{float(weight.group(1)):.3g}" in label.group(1)
            checked += 1
    assert checked > 0


def test_reduced_motion_removes_transitions_and_animations(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = browsing.new_page()
    page.emulate_media(reduced_motion="reduce")
    page.goto(server.url + widget_page(site_dir, "step_through"))
    tab_into(page, "[data-widget]")
    page.keyboard.press("Shift")
    page.evaluate("document.querySelectorAll('[data-widget]').forEach(e => e.dataset.state = 'loading')")
    moving = page.evaluate(
        """() => [...document.querySelectorAll('[data-widget], [data-widget] *')].flatMap(e =>
              [getComputedStyle(e), getComputedStyle(e, '::before'), getComputedStyle(e, '::after')]
              .filter(s =>
                  s.transitionDuration.split(',').some(d => parseFloat(d) > 0) ||
                  (s.animationName !== 'none' && s.animationDuration.split(',').some(d => parseFloat(d) > 0)))
              .map(() => e.tagName + '.' + e.className))"""
    )
    assert moving == []
