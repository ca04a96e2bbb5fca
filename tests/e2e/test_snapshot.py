"""The snapshot lever of the worker's start-up (worker.js; runtime.json's ``snapshot``).

With it on, the first visit saves the bare interpreter's memory in Cache Storage right after
Python starts, before any package loads, and the next visit restores it instead of starting
Python again. The site ships with it off (``benchmarks/bench_coldpath.py`` measured it slower);
these tests switch it on through a served runtime.json (and worker.js, which carries it), so the
lever the benchmark measures stays correct, and check that the site as built never saves a
snapshot. Each test has a fresh browser profile.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explainer.sitebuild.runtime_config import worker_script
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


def runtime_config(site_dir: Path) -> dict[str, Any]:
    return dict(json.loads((site_dir / "assets" / "widgets" / "runtime.json").read_text(encoding="utf-8")))


@pytest.fixture
def snapshot_on(site_dir: Path, serve_site: Any) -> Iterator[Server]:
    """The site with the snapshot lever on (only runtime.json differs, and worker.js, which carries it)."""
    config = {**runtime_config(site_dir), "snapshot": True}
    lock = json.loads((site_dir / "pyodide" / "pyodide-lock-worker.json").read_text(encoding="utf-8"))
    worker = worker_script(config, site_dir / "pyodide" / "pyodide.js", lock)
    served = {"runtime.json": json.dumps(config).encode(), "worker.js": worker.encode()}
    server = serve_site(site_dir, None, {f"/assets/widgets/{name}": body for name, body in served.items()})
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def snapshot_url(server: Server, site_dir: Path) -> str:
    return f"{server.url}assets/widgets/interpreter-snapshot-{runtime_config(site_dir)['snapshot_key']}"


def test_the_site_as_built_never_saves_a_snapshot(profile: Browsing, server: Server, site_dir: Path) -> None:
    how, weights = visit(profile, server.url + widget_page(site_dir, "heatmap_explorer"))
    assert how == "off" and len(weights) == len(SENTENCE.split())
    page = profile.pages[-1]
    assert page.evaluate(SAVED) == []
    # Each widget's imports are reported as a phase too (the benchmark's "prepare").
    mark = "explainer:phase:prepare heatmap_explorer"
    page.wait_for_function(f"performance.getEntriesByName('{mark}').length === 1")


def test_a_second_visit_restores_the_interpreter_and_answers_the_same(
    profile: Browsing, snapshot_on: Server, site_dir: Path
) -> None:
    server = snapshot_on
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
    profile: Browsing, snapshot_on: Server, site_dir: Path
) -> None:
    server = snapshot_on
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
