"""Your own control pair in the reader's browser (widget ``minilm_pair``, chapter 10).

The chapter's two pairs are in the page, computed at build time: they show with
no runtime. A pair of the reader's is computed in the Web Worker with the compact
weights the build wrote under ``data/minilm/``, after the reader agrees to the
download; bad text is answered before anything downloads, and stays in its box.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.test_widgets_e2e import wait_result, widget_page

pytestmark = pytest.mark.browser
Browsing = Server = Any  # fixtures from conftest.py
ROOT = "[data-widget=minilm_pair]"
MODEL = "minilm/model-f16.safetensors"
TROPHY = {
    "sentence": "The trophy didn't fit in the suitcase because it was too big",
    "control": "The trophy didn't fit in the suitcase because it was too small",
    "noun_a": "trophy",
    "noun_b": "suitcase",
}
RUNTIME = ("/pyodide/", "/data/", "worker.js")
TITLE = re.compile(r"L(\d) H(\d+): ([^ ]+) → ([^ ]+)")


def runtime_requests(browsing: Browsing, since: int = 0) -> list[str]:
    """Requests for the runtime or its data files, from request number ``since`` on."""
    return [u for u in browsing.requests[since:] if any(part in urlsplit(u).path for part in RUNTIME)]


def output_text(page: Any) -> str:
    return str(page.locator(f"{ROOT} [data-output]").first.inner_text())


def marks(page: Any) -> dict[tuple[int, int], tuple[float, float]]:
    """Every head's mark in the scatter, read from its ``<title>``."""
    titles = page.eval_on_selector_all(
        f"{ROOT} [data-output] svg .mp-head > title", "els => els.map(e => e.textContent)"
    )
    found = {}
    for text in titles:
        i, j, x, y = TITLE.match(text).groups()
        found[(int(i), int(j))] = (float(x.replace("−", "-")), float(y.replace("−", "-")))
    return found


def open_page(browsing: Browsing, server: Server, site_dir: Path) -> Any:
    page = browsing.new_page()
    page.goto(server.url + widget_page(site_dir, "minilm_pair"))
    return page


def submit(page: Any, values: dict[str, str]) -> None:
    """Type ``values`` into their boxes and press the widget's button; wait for the answer."""
    for name, text in values.items():
        page.locator(f"{ROOT} input[name={name}]").first.fill(text)
    wait_result(page, ROOT, lambda: page.locator(f"{ROOT} form [type=submit]").first.click())


@pytest.fixture(scope="module")
def loaded(browser: Any, site_dir: Path) -> None:
    """Skip when the site has no MiniLM files (the weights package was missing at build time)."""
    if not (site_dir / "data" / MODEL).is_file():
        pytest.skip("the built site has no data/minilm files")


AGREED = "() => localStorage.setItem('explainer:minilm-download-agreed', 'yes')"


@pytest.mark.parametrize("agreed", [False, True], ids=["first-visit", "agreed-before"])
def test_the_chapters_pairs_show_with_no_runtime(
    browsing: Browsing, server: Server, site_dir: Path, agreed: bool
) -> None:
    """Also for a reader who agreed to the download on an earlier visit: the agreement is unkeyed."""
    page = open_page(browsing, server, site_dir)
    page.evaluate(AGREED if agreed else "() => localStorage.clear()")
    page.reload()
    assert page.locator(f'{ROOT} form input[name="load"]').input_value() == ("yes" if agreed else "")
    page.locator(ROOT).first.scroll_into_view_if_needed()
    assert len(marks(page)) == 72
    assert "(“tired” → “soft”)" in output_text(page)
    before = len(browsing.requests)
    animal = {
        "sentence": "The animal didn't cross the street because it was too tired",
        "control": "The animal didn't cross the street because it was too wide",
        "noun_a": "animal",
        "noun_b": "street",
    }
    set_values = """([root, values]) => {
        const form = document.querySelector(`${root} form`);
        for (const [k, v] of Object.entries(values)) form.querySelector(`input[name=${k}]`).value = v;
    }"""
    page.evaluate(set_values, [ROOT, animal])
    # no focus and no pointer: a reader's intent would warm the runtime; this is the known state alone
    wait_result(
        page,
        ROOT,
        lambda: page.evaluate("(root) => document.querySelector(`${root} form`).requestSubmit()", ROOT),
    )
    assert "(“tired” → “wide”)" in output_text(page) and len(marks(page)) == 72
    assert runtime_requests(browsing, before) == [] and runtime_requests(browsing) == []
    assert not browsing.console_errors, browsing.console_errors[:5]
    page.evaluate("() => localStorage.clear()")


def test_a_bad_pair_is_a_message_before_any_download_and_the_text_stays(
    browsing: Browsing, server: Server, site_dir: Path, loaded: None
) -> None:
    page = open_page(browsing, server, site_dir)
    control = "A dog sat on the mat because it was soft"
    submit(page, {"control": control})
    assert "must differ in exactly one word" in output_text(page)
    assert "“the cat” → “a dog”" in output_text(page)
    assert page.locator(f"{ROOT} input[name=control]").first.input_value() == control
    assert not [u for u in runtime_requests(browsing) if MODEL in u]
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_a_typed_pair_asks_first_then_draws_its_own_scatter(
    browsing: Browsing, server: Server, site_dir: Path, loaded: None, minilm_weights: None
) -> None:
    from explainer.examples.trained_live import compact_minilm
    from explainer.examples.trained_pair import pair_preference

    page = open_page(browsing, server, site_dir)
    default = marks(page)
    submit(page, TROPHY)
    button = page.locator(f"{ROOT} [data-output] button[data-set='load=yes']")
    if button.count():  # a fresh profile: the question, then the weights
        assert "Nothing has been downloaded yet" in output_text(page)
        wait_result(page, ROOT, button.first.click)
    text = output_text(page)
    assert "(“big” → “small”)" in text and "weight(it → trophy) − weight(it → suitcase)" in text
    got = marks(page)
    assert len(got) == 72 and got != default
    sentences = (TROPHY["sentence"], TROPHY["control"])
    host = pair_preference(sentences, ("it", "trophy", "suitcase"), compact_minilm().encode)
    for (i, j), (x, y) in got.items():
        assert abs(x - host.preference[0, i - 1, j - 1]) <= 0.0051
        assert abs(y - host.preference[1, i - 1, j - 1]) <= 0.0051
    assert page.locator(f"{ROOT} input[name=sentence]").first.input_value() == TROPHY["sentence"]
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_an_agreement_given_in_either_widget_covers_both(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    """minilm_live's download button stores the agreement; this widget, on the same files, reads it."""
    page = open_page(browsing, server, site_dir)
    load = f'{ROOT} form input[name="load"]'
    page.evaluate("() => localStorage.clear()")
    page.reload()
    assert page.locator(load).input_value() == ""  # never agreed: the widget asks before downloading
    page.evaluate(AGREED)
    page.reload()
    assert page.locator(load).input_value() == "yes"
    assert not runtime_requests(browsing)  # remembering starts nothing
    page.evaluate("() => localStorage.clear()")
