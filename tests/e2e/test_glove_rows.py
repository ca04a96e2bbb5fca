"""Every GloVe word in the page: the rows of a sentence's words are downloaded, checked and cached.

The GloVe widgets read all 400,000 words from sharded rows under ``data/glove/``
(explainer.glove_rows); the worker downloads only the shards a sentence needs,
checks each against ``data/glove/manifest.json`` and keeps it in Cache Storage.
The contextualisation probe's neighbour search reads the neighbour index and a few
clusters of candidates, never the 3.7 MB file of the 20,000 most frequent words.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest

from explainer.embeddings import tokenize
from explainer.glove_rows import FREQUENT_FILE, NEAR_INDEX, shard_name, shard_of
from tests.e2e.test_widgets_e2e import cli_weights, heatmap_weights, wait_all, wait_result, widget_page

pytestmark = pytest.mark.browser
Browsing = Server = Any  # fixtures from conftest.py
ROOT = "[data-widget=heatmap_explorer]"
SENTENCE = "the old fisherman mended his nets"  # "mended" is not among the 20,000 most frequent words


def manifest(site: Path, folder: str = "glove") -> dict[str, dict[str, Any]]:
    return dict(json.loads((site / "data" / folder / "manifest.json").read_text(encoding="utf-8")))


def data_requests(browsing: Browsing) -> list[str]:
    """The data files requested so far, as names under data/ (e.g. glove/rows-0117.bin)."""
    paths = (urlsplit(u).path for u in browsing.requests)
    return [p.split("/data/", 1)[1] for p in paths if "/data/" in p]


def type_sentence(page: Any, sentence: str) -> None:
    box = page.locator(f"{ROOT} input[name=sentence]").first
    wait_result(page, ROOT, lambda: box.fill(sentence))


def cli_flags(page: Any) -> list[str]:
    """The terminal tool's flags for the options the page's heatmap shows."""
    flags = [f for name, f in (("no_self", "--no-self"), ("causal", "--causal")) if checked(page, name)]
    return flags if checked(page, "scale") else [*flags, "--no-scale"]


def checked(page: Any, name: str) -> bool:
    return bool(page.locator(f"{ROOT} input[name={name}]").first.is_checked())


def output_text(page: Any) -> str:
    return str(page.locator(f"{ROOT} [data-output]").first.inner_text())


def test_a_rare_word_is_known_and_only_its_shards_are_downloaded(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = browsing.new_page()
    page.goto(server.url + widget_page(site_dir, "heatmap_explorer"))
    type_sentence(page, SENTENCE)
    assert "vocabulary" not in output_text(page), output_text(page)[:300]
    got = heatmap_weights(page, ROOT)
    expected = cli_weights(SENTENCE, *cli_flags(page))  # the terminal tool: all 400,000 words in memory
    assert expected["tokens"] == tokenize(SENTENCE)
    np.testing.assert_allclose(got, expected["weights"], rtol=1e-9, atol=1e-12)
    fetched = [name for name in data_requests(browsing) if name != "glove/manifest.json"]
    shards = sorted({shard_name(shard_of(w)) for w in tokenize(SENTENCE)})
    # No other shard, and not the frequent-words file (shards other tests already cached in this
    # browser profile are not fetched again, so this is a subset).
    assert set(fetched) <= set(shards)
    files = manifest(site_dir)
    first_sentence = (
        sum(files[n]["bytes"] for n in shards) + (site_dir / "data/glove/manifest.json").stat().st_size
    )
    assert first_sentence < files[FREQUENT_FILE]["bytes"] / 4, first_sentence  # today's 20k subset: 3.7 MB
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_a_second_visit_downloads_no_rows(browsing: Browsing, server: Server, site_dir: Path) -> None:
    first = browsing.new_page()
    first.goto(server.url + widget_page(site_dir, "heatmap_explorer"))
    type_sentence(first, SENTENCE)
    weights = heatmap_weights(first, ROOT)
    before = len(browsing.requests)
    again = browsing.new_page()  # a new page and a new worker, in the same browser profile
    again.goto(server.url + widget_page(site_dir, "heatmap_explorer"))
    type_sentence(again, SENTENCE)
    rows = [u for u in browsing.requests[before:] if "/data/glove/rows-" in u]
    assert rows == []
    assert heatmap_weights(again, ROOT) == weights
    assert not browsing.console_errors, browsing.console_errors[:5]


def _failing_once(site: Path, word: str, how: str) -> Any:
    """A damage function for serve_site: the shard of ``word`` fails the first time it is asked for."""
    target = f"/data/{shard_name(shard_of(word))}"
    calls: list[str] = []

    def damage(path: str) -> str | None:
        if urlsplit(path).path != target or calls:
            return None
        calls.append(path)
        return how

    return damage


@pytest.mark.parametrize(("how", "says"), [("missing", "HTTP 404"), ("corrupt", "checksum")])
def test_a_failed_download_is_a_message_and_the_next_try_works(
    browsing: Browsing, site_dir: Path, serve_site: Any, how: str, says: str
) -> None:
    broken = serve_site(site_dir, _failing_once(site_dir, "fisherman", how))
    try:
        page = browsing.new_page()
        page.goto(broken.url + widget_page(site_dir, "heatmap_explorer"))
        type_sentence(page, SENTENCE)
        text = output_text(page)
        assert "GloVe rows for your words could not be downloaded" in text and says in text, text[:300]
        assert page.locator(f"{ROOT} input[name=sentence]").first.input_value() == SENTENCE  # input kept
        assert page.locator(ROOT).first.get_attribute("data-state") == "ready"  # this request only
        type_sentence(page, SENTENCE + " .")  # the next change asks again and gets the file
        assert "could not" not in output_text(page)
        assert "fisherman" in heatmap_weights_tokens(page)
        wait_all(page, "ready")
        assert not browsing.console_errors, browsing.console_errors[:5]
    finally:
        broken.httpd.shutdown()
        broken.httpd.server_close()


def heatmap_weights_tokens(page: Any) -> str:
    return str(page.locator(f"{ROOT} [data-output] table").first.inner_text())


PROBE = "[data-widget=contextualisation_probe]"
PROBE_SENTENCE = "the old {word} slept by the mended nets"


def probe_lists(html: str) -> list[list[str]]:
    """The words of each neighbour list in a probe's output."""
    return [re.findall(r"<li>([^ <]+) ", block) for block in re.findall(r"<ol>(.*?)</ol>", html, re.S)]


def test_a_probe_downloads_its_rows_the_index_and_a_few_clusters_not_the_frequent_words(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    from explainer.widgets import compute

    page = browsing.new_page()
    page.goto(server.url + widget_page(site_dir, "contextualisation_probe"))
    word = page.locator(f"{PROBE} input[name=word]").first.input_value()  # the page's own probe word
    sentence = PROBE_SENTENCE.format(word=word)
    box = page.locator(f"{PROBE} input[name=sentence]").first
    wait_result(page, PROBE, lambda: box.fill(sentence))
    html = page.locator(f"{PROBE} [data-output]").first.inner_html()
    expected = compute(
        "contextualisation_probe", {"sentence": sentence, "word": word}
    )  # every word in memory
    assert probe_lists(html) == probe_lists(expected.html) and len(probe_lists(html)) == 2, html[:300]
    fetched = [name for name in data_requests(browsing) if not name.endswith("/manifest.json")]
    assert FREQUENT_FILE not in fetched  # the search needs only the index and the candidates' rows
    shards = {shard_name(shard_of(w)) for w in tokenize(sentence)}
    assert all(n in shards or n == NEAR_INDEX or n.startswith("glove-near/0") for n in fetched), fetched
    files = {**manifest(site_dir), **manifest(site_dir, "glove-near")}
    clusters = [n for n in fetched if n.startswith("glove-near/0")]
    assert 0 < len(clusters) <= 40, clusters  # of 625
    search = sum(files[n]["bytes"] for n in (NEAR_INDEX, *clusters))  # the rows come on top, as before
    assert search < files[FREQUENT_FILE]["bytes"] / 2, search  # measured: 1.24 MB index + 0.1 MB clusters
    assert not browsing.console_errors, browsing.console_errors[:5]


WATCH_PREPARED = """(() => {
  const Original = window.Worker;
  window.Worker = function (...args) {
    const worker = new Original(...args);
    worker.addEventListener("message", (e) => {
      if (e.data.type === "prepared") console.log(`prepared ${e.data.widget}`);
    });
    return worker;
  };
  window.Worker.prototype = Original.prototype;
})();"""


def test_a_sentences_rows_download_while_its_widget_prepares(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    """The first request asks for the rows before the widget's modules (numpy among them) import."""
    sentence = "quaint zither tunes echoed"  # words no other test asks for: their rows are not cached
    page = browsing.new_page()
    page.add_init_script(WATCH_PREPARED)
    events: list[str] = []
    page.on("request", lambda r: events.append("rows") if "/data/glove/rows-" in r.url else None)
    page.on("console", lambda m: events.append(m.text) if m.text.startswith("prepared ") else None)
    page.goto(server.url + widget_page(site_dir, "heatmap_explorer"))
    type_sentence(page, sentence)
    assert "vocabulary" not in output_text(page), output_text(page)[:300]
    assert events.count("rows") == len({shard_of(w) for w in tokenize(sentence)}), events
    assert events.index("rows") < events.index("prepared heatmap_explorer"), events
    assert not browsing.console_errors, browsing.console_errors[:5]
