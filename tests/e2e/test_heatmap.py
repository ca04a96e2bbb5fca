"""The heatmap explorer's two views in headless Chromium (fixtures from conftest.py).

- Pointing at a token isolates its lines and lights its row (query) or column (key) in the
  heatmap; focusing one by keyboard does the same; pressing one keeps it; Escape lets go.
- A cell lights its row and column and isolates its one line.
- All of it works on the page as built, with no runtime: the picture moves, Python drew it.
- The cells of the page's first toggles are known states: selecting one needs no runtime, and
  the highlight still works on the output that replaced the first one.
- axe finds no serious violation in either palette, with a token highlighted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Browsing, Server
from tests.e2e.test_accessibility import AXE, SCHEMES, audit, pages_with_widgets, wait_for_palette

ROOT = '[data-widget="heatmap_explorer"]'
RUNTIME = ("/pyodide/", "/assets/glove/", "worker.js", "runtime.json")
KNOWN_CELL = "[&quot;cell&quot;,&quot;1,3&quot;]"  # in a template's data-known key, as the page writes it

# What the highlight shows now: lines drawn (visible), cells and headers lit, tokens lit.
STATE_JS = """(root) => {
    const r = document.querySelector(root);
    const hx = r.querySelector("[data-output] .hx");
    const visible = [...hx.querySelectorAll(".hx-svg path")]
        .filter((p) => getComputedStyle(p).opacity !== "0")
        .map((p) => `${p.parentElement.dataset.q}-${p.dataset.k}`);
    const lit = (sel) => [...hx.querySelectorAll(sel + ".is-on")].map((e) => e.dataset.row !== undefined
        ? `${e.dataset.row},${e.dataset.col}` : (e.dataset.q ?? "") + "|" + (e.dataset.k ?? ""));
    const all = [...hx.querySelectorAll(".hx-svg path")]
        .map((p) => `${p.parentElement.dataset.q}-${p.dataset.k}`);
    return {hl: hx.hasAttribute("data-hl"), visible, all, cells: lit(".explainer-cell"),
            headers: lit("th"), tokens: lit(".hx-token"),
            pressed: [...hx.querySelectorAll('.hx-token[aria-pressed="true"]')].length};
}"""


def known_cells_page(site_dir: Path) -> str:
    """The page whose heatmap ships its cells as known states (a short sentence)."""
    for url in pages_with_widgets(site_dir):
        if KNOWN_CELL in (site_dir / url).read_text(encoding="utf-8"):
            return url
    pytest.fail("no page ships a heatmap cell as a known state")


def open_heatmap(browsing: Browsing, server: Server, site_dir: Path, motion: str = "reduce") -> Any:
    """The heatmap's page; with reduced motion the highlight switches at once (the same states)."""
    page = browsing.new_page()
    page.emulate_media(reduced_motion=motion)
    page.goto(server.url + known_cells_page(site_dir), wait_until="load")
    page.locator(f"{ROOT} .hx-lines").first.scroll_into_view_if_needed()
    return page


def state(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(STATE_JS, ROOT))


def runtime_requests(browsing: Browsing) -> list[str]:
    return [u for u in browsing.requests if any(part in u for part in RUNTIME)]


def row_cells(found: dict[str, Any], row: int) -> list[str]:
    return sorted(c for c in found["cells"] if c.startswith(f"{row},"))


def test_pointing_at_a_query_isolates_its_lines_and_lights_its_row(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_heatmap(browsing, server, site_dir)
    assert state(page)["hl"] is False and len(state(page)["visible"]) == len(state(page)["all"]) > 0
    page.hover(f"{ROOT} .hx-token[data-q='1']")
    found = state(page)
    assert found["hl"] is True
    assert found["visible"] and all(line.startswith("1-") for line in found["visible"])
    assert sorted(found["visible"]) == sorted(line for line in found["all"] if line.startswith("1-"))
    n = len(page.locator(f"{ROOT} thead th").all())
    assert sorted(found["cells"]) == sorted(f"1,{j}" for j in range(n))  # the whole row, nothing else
    assert found["headers"] == ["1|"] and "1|" in found["tokens"]
    page.mouse.move(0, 0)  # pointing away: every line again
    assert state(page)["hl"] is False and len(state(page)["visible"]) == len(found["all"])
    assert not runtime_requests(browsing), "the picture moves without Python"
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_with_motion_the_highlight_fades_to_the_same_state(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_heatmap(browsing, server, site_dir, motion="no-preference")
    duration = page.eval_on_selector(f"{ROOT} .hx-svg path", "p => getComputedStyle(p).transitionDuration")
    assert duration == "0.15s"
    page.hover(f"{ROOT} .hx-token[data-q='1']")
    page.wait_for_function(
        "(root) => [...document.querySelectorAll(root + ' .hx-svg path')].every((p) =>"
        " (getComputedStyle(p).opacity === '0') !== p.classList.contains('is-on'))",
        arg=ROOT,
    )
    assert all(line.startswith("1-") for line in state(page)["visible"])


def test_focusing_a_key_by_keyboard_lights_its_column_and_the_lines_into_it(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_heatmap(browsing, server, site_dir)
    page.focus(f"{ROOT} .hx-token[data-q='0']")
    key = page.locator(f"{ROOT} .hx-token[data-k='2']")
    while not key.evaluate("e => e === document.activeElement"):
        page.keyboard.press("Tab")  # the tokens are in the tab order: queries, then keys
    found = state(page)
    assert found["visible"] and all(line.endswith("-2") for line in found["visible"])
    assert sorted(found["visible"]) == sorted(line for line in found["all"] if line.endswith("-2"))
    assert found["cells"] and all(c.endswith(",2") for c in found["cells"]) and found["headers"] == ["|2"]
    page.keyboard.press("Enter")  # pressed: it stays when focus leaves
    page.keyboard.press("Shift+Tab")
    assert state(page)["pressed"] == 1
    page.locator("body").focus()
    page.evaluate("document.activeElement.blur()")
    assert sorted(state(page)["visible"]) == sorted(found["visible"])
    page.focus(f"{ROOT} .hx-token[data-k='2']")
    page.keyboard.press("Escape")
    assert state(page)["pressed"] == 0
    assert not runtime_requests(browsing)
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_a_cell_lights_its_row_and_column_and_isolates_its_line(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_heatmap(browsing, server, site_dir)
    page.hover(f"{ROOT} [data-output] .explainer-cell[data-row='2'][data-col='1']")
    found = state(page)
    assert found["visible"] == ["2-1"]
    assert "2,0" in found["cells"] and "0,1" in found["cells"] and "0,0" not in found["cells"]
    assert sorted(found["headers"]) == ["2|", "|1"]


def test_a_cell_of_the_first_toggles_is_known_and_the_new_output_still_moves(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_heatmap(browsing, server, site_dir)
    cell = page.locator(f"{ROOT} [data-output] .explainer-cell[data-row='1'][data-col='3']")
    weight = float(cell.get_attribute("data-weight") or "nan")
    page.evaluate(
        f"""() => {{ window.__known = null; document.querySelector({ROOT!r}).addEventListener(
            "explainer:result", (e) => window.__known = e.detail.known, {{once: true}}); }}"""
    )
    cell.click()
    page.wait_for_function("window.__known !== null")
    assert page.evaluate("window.__known") is True
    text = page.locator(f"{ROOT} .explainer-computation").inner_text()
    assert "Dot product" in text and "Denominator" in text and f"{weight:.6f}"[:6] in text
    assert (
        page.locator(f"{ROOT} .explainer-cell[aria-pressed='true']").get_attribute("data-set") == "cell=1,3"
    )
    page.hover(f"{ROOT} .hx-token[data-k='0']")  # the listeners outlive the replaced output
    assert all(line.endswith("-0") for line in state(page)["visible"])
    assert not runtime_requests(browsing), runtime_requests(browsing)[:3]
    assert not browsing.console_errors, browsing.console_errors[:5]


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm ci)")
@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_serious_axe_violation_with_a_token_highlighted(
    browsing: Browsing, server: Server, site_dir: Path, scheme: str
) -> None:
    page = browsing.new_page()
    page.emulate_media(color_scheme=scheme)
    url = known_cells_page(site_dir)
    page.goto(server.url + url, wait_until="load")
    page.evaluate("() => localStorage.clear()")  # Material prefers a palette it stored to the media query
    page.reload(wait_until="load")
    wait_for_palette(page, SCHEMES[scheme], url)
    page.focus(f"{ROOT} .hx-token[data-q='1']")
    assert state(page)["hl"] is True
    violations = audit(page, ROOT)
    assert not violations, violations
