"""A returning reader's runtime starts from a snapshot of the bare interpreter (worker.js).

The first visit saves the interpreter's memory in Cache Storage right after Python starts,
before any package loads; the next visit restores it instead of starting Python again. These
tests use a fresh browser profile each, so the session's shared one (which already holds a
snapshot) does not decide the outcome.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import READY_TIMEOUT_MS, Browsing, Server
from tests.e2e.test_widgets_e2e import heatmap_weights, wait_result, widget_page

ROOT = "[data-widget=heatmap_explorer]"
SENTENCE = "a returning reader types this sentence"
SAVED = "caches.open('explainer-runtime').then((c) => c.keys()).then((keys) => keys.map((r) => r.url))"


@pytest.fixture
def profile(browser: Any) -> Iterator[Browsing]:
    """A fresh browser profile (empty caches), with the network cut off and every error recorded."""
    context = browser.new_context()
    context.set_default_timeout(READY_TIMEOUT_MS)
    state = Browsing(context)
    context.route("**/*", state.route)
    yield state
    context.close()
    assert not state.blocked, state.blocked[:5]
    assert not state.page_errors, state.page_errors[:5]
    assert not state.console_errors, state.console_errors[:5]


def visit(profile: Browsing, url: str) -> tuple[str, list[list[float]]]:
    """Open the page, type the sentence: how the interpreter started, and the weights shown."""
    page = profile.new_page()
    page.goto(url)
    box = page.locator(f"{ROOT} input[name=sentence]").first
    wait_result(page, ROOT, lambda: box.fill(SENTENCE))
    how = str(page.evaluate("performance.getEntriesByName('explainer:runtime-ready')[0].detail.snapshot"))
    return how, heatmap_weights(page, ROOT)


def snapshot_url(server: Server, site_dir: Path) -> str:
    config = json.loads((site_dir / "assets" / "widgets" / "runtime.json").read_text(encoding="utf-8"))
    return f"{server.url}assets/widgets/interpreter-snapshot-{config['snapshot_key']}"


def test_a_second_visit_restores_the_interpreter_and_answers_the_same(
    profile: Browsing, server: Server, site_dir: Path
) -> None:
    url = server.url + widget_page(site_dir, "heatmap_explorer")
    how, first = visit(profile, url)
    assert how == "made"
    page = profile.pages[-1]
    page.wait_for_function(f"async () => (await {SAVED}).length === 1")
    assert page.evaluate(SAVED) == [snapshot_url(server, site_dir)]
    how, again = visit(profile, url)
    assert how == "restored"
    assert again == first  # the same computation, to the last digit


def test_a_damaged_snapshot_is_dropped_and_python_starts_from_the_beginning(
    profile: Browsing, server: Server, site_dir: Path
) -> None:
    url = server.url + widget_page(site_dir, "heatmap_explorer")
    page = profile.new_page()
    page.goto(url)
    page.evaluate(
        "async (key) => (await caches.open('explainer-runtime')).put(key, new Response('not a snapshot'))",
        snapshot_url(server, site_dir),
    )
    how, weights = visit(profile, url)
    assert how == "dropped"
    assert len(weights) == len(SENTENCE.split()) and all(abs(sum(row) - 1) < 1e-3 for row in weights)
    assert page.evaluate(SAVED) == []
