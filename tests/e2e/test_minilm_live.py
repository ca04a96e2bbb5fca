"""all-MiniLM-L6-v2 in the reader's browser: a typed sentence, the download it asks for, the views.

The chapter-10 explorer (widget ``minilm_live``) computes a typed sentence in the
Web Worker with the compact weights the build wrote under ``data/minilm/``. These
tests type sentences into the built page and compare what it shows, head by head,
with the same compact model on this host and with the full model. The enlarged
head's lines view, the heads that carry a chosen link (and their ablation) are
driven by pointer and by keyboard alone, audited with axe-core in both palettes
and laid out on a 390 px phone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest

from tests.e2e.test_accessibility import (
    AXE,
    PHONE,
    SCHEMES,
    audit,
    press,
    tab_into,
    tab_to,
    typing,
    wait_for_palette,
)
from tests.e2e.test_widgets_e2e import heatmap_weights, wait_all, wait_result, widget_page

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect  # waits on a state, never a fixed time
Browsing = Server = Any  # fixtures from conftest.py
ROOT = "[data-widget=minilm_live]"
SENTENCE = "The trophy didn't fit in the suitcase because it was too big"
MODEL = "minilm/model-f16.safetensors"
FORGET = "async () => { localStorage.clear(); for (const k of await caches.keys()) await caches.delete(k); }"


def data_requests(browsing: Browsing, since: int = 0) -> list[str]:
    """Data files requested (names under data/), from request number ``since`` on."""
    paths = (urlsplit(u).path for u in browsing.requests[since:])
    return [p.split("/data/", 1)[1] for p in paths if "/data/" in p]


def output_text(page: Any) -> str:
    return str(page.locator(f"{ROOT} [data-output]").first.inner_text())


def run(page: Any, sentence: str) -> None:
    """Type ``sentence`` and press the widget's button; wait for the answer."""
    page.locator(f"{ROOT} input[name=sentence]").first.fill(sentence)
    wait_result(page, ROOT, lambda: page.locator(f"{ROOT} form [type=submit]").first.click())


def agree(page: Any) -> None:
    """Press the download button the widget shows, and wait for the heads."""
    button = page.locator(f"{ROOT} [data-output] button[data-set='load=yes']").first
    wait_result(page, ROOT, button.click)


def open_page(browsing: Browsing, server: Server, site_dir: Path, *, fresh: bool = False) -> Any:
    """The explorer's page; ``fresh``: as for a reader who never agreed to the download."""
    page = browsing.new_page()
    page.goto(server.url + widget_page(site_dir, "minilm_live"))
    if fresh:
        page.evaluate(FORGET)
        page.reload()
    return page


def host_compact(sentence: str) -> Any:
    from explainer.examples.trained_live import compact_minilm

    return compact_minilm().encode(sentence)


@pytest.fixture(scope="module")
def loaded(browser: Any, site_dir: Path) -> None:
    """Skip when the site has no MiniLM files (the weights package was missing at build time)."""
    if not (site_dir / "data" / MODEL).is_file():
        pytest.skip("the built site has no data/minilm files")


def test_a_typed_sentence_asks_first_then_shows_the_compact_models_weights(
    browsing: Browsing, server: Server, site_dir: Path, loaded: None, minilm_weights: None
) -> None:
    page = open_page(browsing, server, site_dir, fresh=True)
    run(page, SENTENCE)
    text = output_text(page)
    assert "MB the first time" in text and "Nothing has been downloaded yet" in text, text[:300]
    assert MODEL not in data_requests(browsing)  # nothing but the sizes before the reader agrees
    assert page.locator(f"{ROOT} input[name=sentence]").first.input_value() == SENTENCE
    agree(page)
    assert page.locator(f"{ROOT} [data-output] [data-layer][data-head]").count() == 72
    enc = host_compact(SENTENCE)
    got = np.array(heatmap_weights(page, ROOT))  # the enlarged head: layer 6, head 12 by default
    np.testing.assert_array_equal(got, enc.attentions[5, 11])  # exact arithmetic: the build's very bits
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_every_head_matches_the_host_and_the_full_model(
    browsing: Browsing, server: Server, site_dir: Path, loaded: None, minilm_weights: None
) -> None:
    from explainer.examples.trained_live import compact_accuracy
    from explainer.minilm import load_minilm

    page = open_page(browsing, server, site_dir)
    run(page, SENTENCE)
    if page.locator(f"{ROOT} [data-output] button[data-set='load=yes']").count():
        agree(page)
    enc, full = host_compact(SENTENCE), load_minilm().encode(SENTENCE)
    worst_host, worst_full = 0.0, 0.0
    for layer, head in ((1, 1), (3, 7), (4, 2), (6, 12)):
        button = page.locator(f"{ROOT} [data-layer='{layer}'][data-head='{head}']").first
        wait_result(page, ROOT, button.click)
        pressed = page.locator(f"{ROOT} [data-layer][aria-pressed=true]").first
        assert (pressed.get_attribute("data-layer"), pressed.get_attribute("data-head")) == (
            str(layer),
            str(head),
        )
        got = np.array(heatmap_weights(page, ROOT))
        worst_host = max(worst_host, float(np.abs(got - enc.attentions[layer - 1, head - 1]).max()))
        worst_full = max(worst_full, float(np.abs(got - full.attentions[layer - 1, head - 1]).max()))
    assert worst_host == 0.0, worst_host  # explainer.minilm.exact: the same bits as the build's presets
    assert worst_full <= max(compact_accuracy().max_attention_error, 1e-3), worst_full


def test_a_cell_shows_that_heads_computation_and_the_rollout(
    browsing: Browsing, server: Server, site_dir: Path, loaded: None
) -> None:
    page = open_page(browsing, server, site_dir)
    run(page, SENTENCE)
    if page.locator(f"{ROOT} [data-output] button[data-set='load=yes']").count():
        agree(page)
    cell = page.locator(f"{ROOT} [data-output] button[data-row='11'][data-col='2']").first
    weight = float(cell.get_attribute("data-weight") or "nan")
    wait_result(page, ROOT, cell.click)
    text = output_text(page)
    assert "How L6 H12 weighs it → trophy" in text
    assert "÷ √32" in text and "Attention rollout" in text
    assert f"weight {weight:.4g}" in text or f"weight {weight:.3g}" in text, text[-800:]


@pytest.mark.parametrize(
    ("sentence", "says"),
    [("", "the box is empty"), ("word " * 70, "has 70 word pieces; this explorer takes at most 64")],
)
def test_bad_input_is_a_message_and_the_sentence_stays(
    browsing: Browsing, server: Server, site_dir: Path, loaded: None, sentence: str, says: str
) -> None:
    page = open_page(browsing, server, site_dir)
    run(page, SENTENCE)
    if page.locator(f"{ROOT} [data-output] button[data-set='load=yes']").count():
        agree(page)
    run(page, sentence)
    assert says in output_text(page)
    assert page.locator(f"{ROOT} input[name=sentence]").first.input_value() == sentence


def test_unknown_characters_show_as_unk(
    browsing: Browsing, server: Server, site_dir: Path, loaded: None
) -> None:
    page = open_page(browsing, server, site_dir)
    run(page, SENTENCE)
    if page.locator(f"{ROOT} [data-output] button[data-set='load=yes']").count():
        agree(page)
    run(page, "the ☃ melted")
    assert page.locator(f"{ROOT} .ml-tokens li.ml-unk").count() == 1
    assert "became [UNK]" in output_text(page)


def test_a_second_visit_downloads_no_weights(
    browsing: Browsing, server: Server, site_dir: Path, loaded: None
) -> None:
    first = open_page(browsing, server, site_dir)
    run(first, SENTENCE)
    if first.locator(f"{ROOT} [data-output] button[data-set='load=yes']").count():
        agree(first)
    weights = heatmap_weights(first, ROOT)
    before = len(browsing.requests)
    again = open_page(browsing, server, site_dir)  # a new page and worker, the same browser profile
    run(again, SENTENCE)
    if again.locator(f"{ROOT} [data-output] button[data-set='load=yes']").count():
        agree(again)
    fetched = [n for n in data_requests(browsing, before) if n.startswith("minilm/") and "manifest" not in n]
    assert fetched == [], fetched
    assert heatmap_weights(again, ROOT) == weights


def test_a_preset_needs_no_download(browsing: Browsing, server: Server, site_dir: Path, loaded: None) -> None:
    page = open_page(browsing, server, site_dir, fresh=True)
    before = len(browsing.requests)
    page.locator(f"{ROOT} input[name=sentence]").first.fill("She bought a hot dog at the game")
    page.locator(f"{ROOT} form [type=submit]").first.click()
    page.wait_for_function(
        "(root) => document.querySelector(root + ' [data-output]').textContent.includes('hot')", arg=ROOT
    )
    assert [n for n in data_requests(browsing, before) if n.startswith("minilm/")] == []


@pytest.mark.parametrize(("how", "says"), [("missing", "HTTP 404"), ("corrupt", "checksum")])
def test_a_failed_download_is_a_message_and_the_sentence_stays(
    browsing: Browsing, site_dir: Path, serve_site: Any, loaded: None, how: str, says: str
) -> None:
    calls: list[str] = []

    def damage(path: str) -> str | None:
        if urlsplit(path).path.endswith("/data/" + MODEL) and not calls:
            calls.append(path)
            return how
        return None

    broken = serve_site(site_dir, damage)
    try:
        page = open_page(browsing, broken, site_dir, fresh=True)
        run(page, SENTENCE)
        agree(page)
        text = output_text(page)
        assert "could not be downloaded" in text and says in text, text[:300]
        assert page.locator(f"{ROOT} input[name=sentence]").first.input_value() == SENTENCE
        wait_all(page, "ready")
    finally:
        broken.httpd.shutdown()
        broken.httpd.server_close()


def test_a_second_visit_remembers_the_agreement(
    browsing: Browsing, server: Server, site_dir: Path, loaded: None
) -> None:
    first = open_page(browsing, server, site_dir)
    run(first, SENTENCE)
    if first.locator(f"{ROOT} [data-output] button[data-set='load=yes']").count():
        agree(first)
    again = open_page(browsing, server, site_dir)
    run(again, "The delivery truck zoomed by the school bus")
    assert again.locator(f"{ROOT} [data-output] [data-layer][data-head]").count() == 72  # no question


def test_the_data_manifest_lists_every_minilm_file(site_dir: Path, loaded: None) -> None:
    files = json.loads((site_dir / "data" / "minilm" / "manifest.json").read_text(encoding="utf-8"))
    assert MODEL in files and all(len(v["sha256"]) == 64 for v in files.values())


# ------------------------------------------------ the lines view, the link's heads, keyboard, axe, phone
CELL = "[data-output] button[data-row='11'][data-col='2']"  # it -> trophy in SENTENCE
LINK_OFF = f"{ROOT} [data-output] .ml-link button[data-set^='off=']"


def live(page: Any, sentence: str) -> None:
    """Run ``sentence`` and, if the widget asks, agree to the download: the 72 heads are shown."""
    run(page, sentence)
    if page.locator(f"{ROOT} [data-output] button[data-set='load=yes']").count():
        agree(page)
    expect(page.locator(f"{ROOT} [data-output] .ml-head")).to_have_count(72)


def choose_link_and_ablate(page: Any) -> None:
    """Choose it -> trophy, open the lines view, switch the link's top heads off."""
    wait_result(page, ROOT, page.locator(f"{ROOT} {CELL}").first.click)
    page.locator(f"{ROOT} .ml-lines > summary").first.click()
    wait_result(page, ROOT, page.locator(LINK_OFF).first.click)
    expect(page.locator(f"{ROOT} .ml-ablation")).to_contain_text("5 heads switched off")
    expect(page.locator(f"{ROOT} .ml-lines").first).to_have_attribute("open", "")  # kept by the loader


def test_the_lines_view_isolates_a_tokens_lines_with_no_runtime(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_page(browsing, server, site_dir)
    lines = page.locator(f"{ROOT} [data-output] .ml-lines").first
    lines.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(lines).to_have_attribute("open", "")
    n = lines.locator(".hx-tokens--q .hx-token").count()
    page.keyboard.press("Tab")  # the first query token
    expect(page.locator(f"{ROOT} .hx[data-hl]")).to_have_count(1)
    assert lines.locator("g[data-q='0'] > path.is-on").count() == n  # its n lines, and only those
    assert lines.locator("path.is-on").count() == n
    assert page.locator(f"{ROOT} th[data-q='0'].is-on").count() == 1  # its heatmap row too
    lines.locator(".hx-token[data-k='1']").hover()  # a key: the lines into it
    expect(lines.locator("path.is-on")).to_have_count(n)
    assert lines.locator("path.is-on[data-k='1']").count() == n
    page.keyboard.press("Enter")  # press the focused query token: it stays when the pointer leaves
    expect(lines.locator(".hx-token[data-q='0']")).to_have_attribute("aria-pressed", "true")
    names = lines.locator(".hx-token").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert len(set(names)) == 2 * n  # every token button has its own name
    assert not [u for u in browsing.requests if "/pyodide/" in u or "worker.js" in u]  # no runtime
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_keyboard_only_sentence_head_cell_computation_and_the_links_heads(
    browsing: Browsing, server: Server, site_dir: Path, loaded: None
) -> None:
    page = open_page(browsing, server, site_dir)
    tab_into(page, ROOT)
    tab_to(page, f"{ROOT} input[name=sentence]")
    wait_result(page, ROOT, lambda: (typing(page, SENTENCE)(), page.keyboard.press("Enter")))  # Enter runs it
    if page.locator(f"{ROOT} [data-output] button[data-set='load=yes']").count():
        tab_to(page, f"{ROOT} [data-output] button[data-set='load=yes']")
        wait_result(page, ROOT, press(page, "Enter"))
    tab_to(page, f"{ROOT} .ml-head")  # the grid's first head, L1 H1
    wait_result(page, ROOT, press(page, "Enter"))
    expect(page.locator(f"{ROOT} .ml-head[aria-pressed=true]")).to_have_attribute("data-layer", "1")
    tab_to(page, f"{ROOT} [data-output] .explainer-cell")
    for key in ["ArrowDown"] * 11 + ["ArrowRight"] * 2:
        page.keyboard.press(key)
    assert page.evaluate("[document.activeElement.dataset.row, document.activeElement.dataset.col]") == [
        "11",
        "2",
    ]
    wait_result(page, ROOT, press(page, "Enter"))
    text = output_text(page)
    assert "How L1 H1 weighs it → trophy" in text and "÷ √32" in text
    assert "Which heads carry it → trophy most" in text and "not proof" in text
    expect(page.locator(f"{ROOT} .ml-top tbody tr")).to_have_count(5)
    tab_to(page, LINK_OFF)
    wait_result(page, ROOT, press(page, "Enter"))
    expect(page.locator(f"{ROOT} .ml-ablation")).to_contain_text("5 heads switched off")
    assert not browsing.console_errors, browsing.console_errors[:5]


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm ci)")
@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_serious_axe_violation_with_a_link_chosen_and_heads_off(
    browsing: Browsing, server: Server, site_dir: Path, loaded: None, scheme: str
) -> None:
    page = browsing.new_page()
    page.emulate_media(color_scheme=scheme)
    url = widget_page(site_dir, "minilm_live")
    page.goto(server.url + url, wait_until="load")
    page.evaluate("() => localStorage.clear()")  # Material prefers a palette it stored to the media query
    page.reload(wait_until="load")
    wait_for_palette(page, SCHEMES[scheme], url)
    live(page, SENTENCE)
    choose_link_and_ablate(page)
    page.locator(f"{ROOT} .hx-token[data-q='11']").first.focus()  # a token's lines isolated
    expect(page.locator(f"{ROOT} .hx[data-hl]")).to_have_count(1)
    violations = audit(page, ROOT)
    assert not violations, violations
    assert not browsing.console_errors, browsing.console_errors[:5]


BOXES_JS = """(root) => {
    const width = document.documentElement.clientWidth;
    const boxes = [...document.querySelector(root).querySelectorAll(
        "[data-output] .ml-grid, [data-output] .explainer-scroll, [data-output] .hx-lines")];
    return {
        scroll: document.documentElement.scrollWidth, width,
        out: boxes.filter(b => b.getBoundingClientRect().right > width + 1).map(b => b.className),
        clipped: boxes.filter(b => b.scrollWidth > b.clientWidth + 1
            && !["auto", "scroll"].includes(getComputedStyle(b).overflowX)).map(b => b.className),
        scrolls: boxes.filter(b => b.scrollWidth > b.clientWidth + 1).length,
    };
}"""


def test_on_a_phone_the_page_never_scrolls_sideways(
    browsing: Browsing, server: Server, site_dir: Path, loaded: None
) -> None:
    page = browsing.new_page()
    page.set_viewport_size(PHONE)
    page.goto(server.url + widget_page(site_dir, "minilm_live"))
    live(page, SENTENCE)
    choose_link_and_ablate(page)
    found = page.evaluate(BOXES_JS, ROOT)
    assert found["scroll"] <= found["width"] == PHONE["width"], found  # no sideways page scroll
    assert found["out"] == [] and found["clipped"] == [], found  # each box fits, or scrolls itself
    assert found["scrolls"] >= 1, found  # the 16 × 16 heatmap is wider than a phone: it scrolls in its box
    assert not browsing.console_errors, browsing.console_errors[:5]
