"""Tests for the minilm_live widget: typed sentences, bad input, the download question, views."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from explainer import datafiles
from explainer.browser import handle
from explainer.widgets import compute, prerender
from explainer.widgets.minilm_live import parse_head

SENTENCE = "The trophy didn't fit in the suitcase because it was too big"


def test_parse_head_falls_back_to_the_last_head() -> None:
    assert parse_head("1", "1", (6, 12)) == (1, 1)
    assert parse_head("0", "3", (6, 12)) == (6, 12)
    assert parse_head("7", "3", (6, 12)) == (6, 12)
    assert parse_head("", "", (6, 12)) == (6, 12)


def test_grid_heads_and_cells_carry_their_coordinates(minilm_weights: None) -> None:
    from explainer.examples import compact_encode

    result = compute("minilm_live", {"sentence": SENTENCE, "layer": "4", "head": "2"})
    assert result.error is None
    assert len(re.findall(r'data-layer="\d" data-head="\d+"', result.html)) == 72
    pressed = re.findall(r'data-layer="(\d)" data-head="(\d+)"[^>]*aria-pressed="true"', result.html)
    assert pressed == [("4", "2")]
    weights = compact_encode(SENTENCE).attentions[3, 1]
    cells = re.findall(r'data-row="(\d+)" data-col="(\d+)" data-weight="([^"]+)"', result.html)
    assert len(cells) == weights.size
    for row, col, weight in cells:
        assert float(weight) == weights[int(row), int(col)]  # exactly the compact model's weight


def test_a_chosen_cell_shows_its_computation(minilm_weights: None) -> None:
    result = compute("minilm_live", {"sentence": SENTENCE, "layer": "6", "head": "12", "cell": "11,2"})
    assert "How L6 H12 weighs it → trophy" in result.html
    assert result.html.count('<th scope="row">32</th>') == 1  # 32 query/key dimensions listed
    assert "÷ √32" in result.html and "Attention rollout" in result.html


def test_bad_cell_and_head_are_corrected(minilm_weights: None) -> None:
    result = compute("minilm_live", {"sentence": "a cat", "layer": "9", "head": "x", "cell": "40,1"})
    assert result.error is None
    assert result.state["layer"] == "6" and result.state["head"] == "12" and result.state["cell"] == ""


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("", "the box is empty"),
        ("   \t", "the box is empty"),
        ("\u200b\x07", "no characters the model reads"),
        ("word " * 65, "has 65 word pieces; this explorer takes at most 64"),
    ],
)
def test_bad_sentences_get_a_clear_message_and_keep_the_text(
    minilm_weights: None, sentence: str, expected: str
) -> None:
    result = compute("minilm_live", {"sentence": sentence})
    assert result.error is not None and expected in result.error
    assert result.state["sentence"] == sentence


def test_unknown_characters_show_as_unk(minilm_weights: None) -> None:
    result = compute("minilm_live", {"sentence": "the ☃ melted"})
    assert result.error is None
    assert '<li class="ml-unk">[UNK]</li>' in result.html and "1 word became [UNK]" in result.html


def test_presets_are_known_states_in_the_page(minilm_weights: None) -> None:
    from explainer.examples import GRID_SENTENCES

    page = prerender("minilm_live")
    keys = [json.loads(html.unescape(k)) for k in re.findall(r'<template data-known="([^"]+)"', page)]
    assert sorted(dict(k)["sentence"] for k in keys) == sorted(GRID_SENTENCES)
    assert all("load" not in dict(k) for k in keys)  # the same state with or without the agreement
    assert 'name="load" value="" data-unkeyed' in page


@pytest.fixture
def browser(minilm_weights: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A host that, like the browser, has no installed weights: only the data folder."""
    import explainer.examples.trained_live as live
    import explainer.minilm as minilm
    from explainer.minilm import load_minilm
    from explainer.sitebuild.minilm_files import write_minilm

    source = tmp_path / "site-data"
    write_minilm(source)
    load_minilm()  # the full model stays cached for the comparison below

    def missing() -> Path:
        raise FileNotFoundError("no weights package in the browser")

    monkeypatch.setattr(minilm, "find_model_dir", missing)
    monkeypatch.setattr(live, "_FILES_MODEL", [])
    live.compact_encode.cache_clear()
    datafiles.set_data_root(tmp_path / "browser")
    yield source
    datafiles.set_data_root(None)
    live.compact_encode.cache_clear()


def ask(
    state: dict[str, str], source: Path, widget: str = "minilm_live"
) -> tuple[dict[str, object], list[str]]:
    """What the worker does: answer each ``need`` by copying the files, then ask again."""
    fetched: list[str] = []
    while True:
        response = json.loads(handle(json.dumps({"widget": widget, "state": state})))
        if "need" not in response:
            return response, fetched
        for name in response["need"]:
            target = datafiles.data_root() / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source / name, target)
            fetched.append(name)


def test_nothing_downloads_before_the_reader_agrees(browser: Path) -> None:
    response, fetched = ask({"sentence": SENTENCE}, browser)
    assert fetched == ["minilm/about.json"]  # only the sizes, a few hundred bytes
    assert "about 21.9 MB the first time" in str(response["html"])
    assert 'data-set="load=yes"' in str(response["html"])
    assert response["state"]["sentence"] == SENTENCE  # type: ignore[index]


def test_after_agreeing_the_browser_computes_the_presets_numbers(browser: Path) -> None:
    from explainer.examples.trained_live import compact_minilm

    response, fetched = ask({"sentence": SENTENCE, "load": "yes"}, browser)
    assert response["error"] is None
    assert "minilm/model-f16.safetensors" in fetched and len(fetched) < 20
    weights = compact_minilm().encode(SENTENCE).attentions[5, 11]
    cells = re.findall(r'data-row="(\d+)" data-col="(\d+)" data-weight="([^"]+)"', str(response["html"]))
    assert [float(w) for _, _, w in cells] == weights.ravel().tolist()
    _, again = ask({"sentence": "the trophy", "load": "yes"}, browser)
    assert again == []  # a second sentence with known rows downloads nothing
    assert np.isfinite(weights).all()


def test_parse_off_keeps_valid_heads_once() -> None:
    from explainer.widgets.minilm_live import parse_off

    assert parse_off("6-12,1-1,6-12,0-3,7-1,x,,2-", (6, 12)) == ((1, 1), (6, 12))
    assert parse_off("", (6, 12)) == ()


def test_heads_switched_off_show_how_far_the_outputs_move(minilm_weights: None) -> None:
    result = compute("minilm_live", {"sentence": SENTENCE, "off": "4-2,6-12", "layer": "4", "head": "2"})
    assert result.error is None and result.state["off"] == "4-2,6-12"
    assert "Ablation: 2 heads switched off (L4 H2, L6 H12)" in result.html
    assert re.search(r"keeps a cosine of 0\.\d{4}", result.html)
    assert result.html.count("data-off") == 2 and "Switch L4 H2 back on" in result.html
    assert 'data-set="off=6-12"' in result.html  # switching the enlarged head back on


def test_the_enlarged_head_is_also_drawn_as_lines_in_every_known_state(minilm_weights: None) -> None:
    from explainer.examples import compact_encode

    result = compute("minilm_live", {"sentence": SENTENCE, "layer": "4", "head": "2"})
    weights = compact_encode(SENTENCE).attentions[3, 1]  # (n, n)
    n = weights.shape[0]
    assert '<details class="ml-lines" data-keep="lines">' in result.html
    assert len(re.findall(r'<g data-q="\d+">', result.html)) == n
    widths = re.findall(
        r'<path d="M0 ([\d.]+)L1 ([\d.]+)" data-k="(\d+)" stroke-width="([\d.]+)"', result.html
    )
    assert len(widths) == int((weights > 0).sum())
    first = [float(w) for _, _, _, w in widths[:n]]  # the lines of query 0, in key order
    np.testing.assert_allclose(first, 1 + 3 * weights[0], atol=0.006)
    assert 'aria-label="it as a query: show only its lines"' in result.html
    page = prerender("minilm_live")
    templates = re.findall(r"<template data-known=.*?</template>", page, re.S)
    assert templates and all('class="hx-lines"' in t for t in templates)  # presets switch with no runtime


def test_a_chosen_link_lists_the_heads_that_carry_it_most(minilm_weights: None) -> None:
    from explainer.examples import compact_encode
    from explainer.examples.trained_live import compact_minilm, link_contributions

    result = compute("minilm_live", {"sentence": SENTENCE, "cell": "11,2"})
    assert "Which heads carry it → trophy most" in result.html
    assert "not proof that the model needs it" in result.html
    norms = link_contributions(compact_minilm(), compact_encode(SENTENCE), 11, 2)  # (layers, heads)
    best = np.argsort(-norms, axis=None)[:5]
    expected = [(int(i) // 12 + 1, int(i) % 12 + 1) for i in best]
    section = result.html[result.html.index('class="ml-link"') :]
    shown = re.findall(
        r'data-set="layer=(\d)&amp;head=(\d+)"[^>]*>L\d H\d+</button></td><td>([\d.]+)', section
    )
    assert [(int(a), int(b)) for a, b, _ in shown] == expected
    assert [float(x) for _, _, x in shown] == [round(float(norms.flat[i]), 3) for i in best]
    off = ",".join(f"{a}-{b}" for a, b in sorted(expected))
    assert f'data-set="off={off}"' in section and "Switch these 5 heads off" in section
    weights = compact_encode(SENTENCE).attentions[:, :, 11, 2]  # (layers, heads)
    heaviest = sorted((int(i) // 12 + 1, int(i) % 12 + 1) for i in np.argsort(-weights, axis=None)[:5])
    assert heaviest != sorted(expected)  # here weight alone picks other heads
    by_weight = ",".join(f"{a}-{b}" for a, b in heaviest)
    assert f'data-set="off={by_weight}">Switch the 5 with the largest weights off' in section
    again = compute("minilm_live", {"sentence": SENTENCE, "cell": "11,2", "off": off})
    assert "Switch these 5 heads back on" in again.html and "Ablation: 5 heads switched off" in again.html
    assert f'data-set="off={by_weight}"' in again.html  # the other set is one press away
