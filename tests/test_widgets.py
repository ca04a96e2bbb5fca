"""Tests for the widget registry and its two entry points (explainer.widgets).

The contract: every widget pre-renders; the pre-rendered output region is
exactly ``compute(initial state).html``; no state makes ``compute`` raise; no
typed text is ever interpreted as HTML, and what was typed is kept.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer.embeddings import Embeddings
from explainer.widgets import (
    WIDGETS,
    WidgetSpec,
    compute,
    initial_state,
    names,
    needs_embeddings,
    prerender,
    registry,
    specs,
    widget_spec,
)
from explainer.widgets.base import state_key, unkeyed

WORDS = ("the", "king", "and", "queen", "ruled", "kingdom", "hot", "dog", "was", "cat", "sat", ".", "<", ">")
TINY = Embeddings(WORDS, np.random.default_rng(5).normal(size=(len(WORDS), 6)))
EXPECTED = {
    "dot_product_playground", "saturation_lab", "step_through", "heatmap_explorer", "mask_explorer",
    "multi_head_viewer", "contextualisation_probe", "code_runner", "blending_slider", "minilm_live",
    "minilm_pair",
}  # fmt: skip
OUTPUT_OPEN = '<div class="explainer-output" data-output aria-live="polite">'
HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><script>alert(1)</script>",
    "' onmouseover='alert(1)",
    "&lt;script&gt; &amp;",
    "king 👑 and queen – café ΚΑΛΗ 你好 مرحبا עברית",
    "\u202eevil\u202c",
    "...!!!???",
    "1e308",
    "-0",
    "5e-324",
    "",
    "   ",
    "x" * 5000,
)


class _Tree(HTMLParser):
    """Records start tags (with attributes), text, and whether every tag was closed in order."""

    VOID = frozenset({"input", "img", "br", "hr", "meta", "link", "col", "wbr", "source"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.balanced = True
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.balanced = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Tree:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return tree


def text_fields(name: str) -> list[str]:
    return [f.name for f in registry()[name].fields if f.kind in ("text", "textarea")]


def test_registry_has_exactly_the_contract_names() -> None:
    assert set(names()) == EXPECTED
    assert all(spec.name == name for name, spec in registry().items())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_prerender_root_form_and_output(name: str) -> None:
    html = prerender(name, {}, embeddings=TINY)
    tree = parse(html)
    assert tree.balanced and not tree.stack
    root_tag, root = tree.tags[0]
    assert root_tag == "div" and root["data-widget"] == name and root["data-state"] == "static"
    assert any(tag == "form" for tag, _ in tree.tags)
    outputs = [a for t, a in tree.tags if "data-output" in a]
    assert len(outputs) == 1 and outputs[0]["aria-live"] == "polite"
    named = {a["name"] for t, a in tree.tags if t in ("input", "select", "textarea") and a.get("name")}
    assert named == {f.name for f in registry()[name].fields}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_prerendered_output_is_exactly_the_live_result_for_the_initial_state(name: str) -> None:
    html = prerender(name, {}, embeddings=TINY)
    result = compute(name, initial_state(name), embeddings=TINY)
    assert result.error is None, result.error
    assert OUTPUT_OPEN + result.html + "</div>" in html and html.endswith("</div>")
    assert result.html.strip()


@pytest.mark.parametrize("name", names())
def test_messages_the_page_may_show_are_prerendered_where_they_can_occur(name: str) -> None:
    html = prerender(name, {}, embeddings=TINY)
    has_run = 'type="submit"' in html
    for message in ("stopped", "from-link"):
        assert (f'<template data-message="{message}"><p class="explainer-message' in html) == has_run


def test_prerender_with_params_matches_compute_with_the_same_state() -> None:
    params = {"widget": "saturation_lab", "d_k": "512", "scale": "false"}
    html = prerender("saturation_lab", params)
    state = initial_state("saturation_lab", params)
    assert state["d_k"] == "512" and state["scale"] is False
    assert OUTPUT_OPEN + compute("saturation_lab", state).html + "</div>" in html


def test_unknown_widget_and_unknown_parameter_are_authoring_errors() -> None:
    with pytest.raises(ValueError, match="unknown widget 'nope'"):
        prerender("nope", {})
    with pytest.raises(ValueError, match="unknown widget"):
        compute("nope", {})
    with pytest.raises(ValueError, match="has no parameter d_q"):
        prerender("saturation_lab", {"d_q": "3"})


@pytest.mark.parametrize("state", [None, [], "x", 3, ["sentence"]])
def test_a_state_that_is_not_an_object_gives_a_message(state: object) -> None:
    result = compute("heatmap_explorer", state, embeddings=TINY)
    assert result.error is not None and "JSON object" in result.error
    assert "JSON object" in result.html


@pytest.mark.parametrize("name", sorted(EXPECTED - {"code_runner"}))
@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_text_is_escaped_and_kept(name: str, payload: str) -> None:
    for field in text_fields(name):
        result = compute(name, {field: payload}, embeddings=TINY)
        assert "<script" not in result.html.lower() and "<img src=x" not in result.html.lower()
        assert result.state[field] == payload
        json.dumps(result.to_json_dict(), allow_nan=False)
        assert parse(result.html).balanced
        html = prerender(name, {field: payload}, embeddings=TINY)
        assert "<script" not in html.lower() and "<img src=x" not in html.lower()  # thumbnails are <img>
        assert _typed_value(html, field) == payload


def _typed_value(html: str, field: str) -> str | None:
    """The value the form shows for ``field`` (an input's value or a textarea's text)."""
    match = re.search(r'<textarea name="' + field + r'"[^>]*>\n(.*?)</textarea>', html, re.S)
    if match:
        return "".join(parse(match.group(1)).text) if match.group(1) else ""
    for tag, attrs in parse(html).tags:
        if tag == "input" and attrs.get("name") == field:
            return attrs.get("value") or ""
    return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(EXPECTED - {"code_runner"})),
    state=st.dictionaries(
        st.sampled_from(
            [
                "sentence",
                "word",
                "query",
                "keys",
                "d_k",
                "seed",
                "step",
                "cell",
                "kind",
                "n_heads",
                "scale",
                "causal",
                "no_self",
                "extra",
            ]
        ),
        st.one_of(
            st.text(max_size=80),
            st.booleans(),
            st.integers(),
            st.floats(),
            st.none(),
            st.lists(st.integers(), max_size=2),
        ),
        max_size=6,
    ),
)
def test_no_state_makes_compute_raise_or_leak_markup(name: str, state: dict[str, object]) -> None:
    result = compute(name, state, embeddings=TINY)
    assert "<script" not in result.html.lower()
    assert "nan" not in re.sub(r"<[^>]*>", " ", result.html).lower().split()
    assert parse(result.html).balanced
    json.dumps(result.to_json_dict(), allow_nan=False)
    assert result.html.strip(), "a result must never be blank"


@settings(max_examples=40, deadline=None)
@given(
    typed=st.text(st.characters(blacklist_characters="\r", blacklist_categories=("Cs",)), max_size=60)
)  # lone surrogates: next test
def test_any_typed_sentence_is_kept_and_never_markup(typed: str) -> None:
    html = prerender("heatmap_explorer", {"sentence": typed}, embeddings=TINY)
    assert "<script" not in html.lower()
    assert _typed_value(html, "sentence") == typed


def test_lone_surrogates_are_replaced_so_the_page_can_be_encoded() -> None:
    result = compute("heatmap_explorer", {"sentence": "king \ud800 queen"}, embeddings=TINY)
    result.html.encode("utf-8")
    str(result.state["sentence"]).encode("utf-8")


def test_widgets_import_numpy_only() -> None:
    code = (
        "import sys, explainer.widgets as w; w.registry(); "
        "print([m for m in ('matplotlib', 'pyarrow', 'mkdocs', 'explainer.figures') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_only_the_glove_widgets_load_embeddings(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import explainer.embeddings

    loads: list[int] = []
    monkeypatch.setattr(explainer.embeddings, "default_embeddings", lambda: loads.append(1) or TINY)
    compute(name, {})
    assert bool(loads) == (name in needs_embeddings())


def test_without_embeddings_the_glove_widgets_know_every_word(monkeypatch: pytest.MonkeyPatch) -> None:
    import explainer.embeddings

    big = Embeddings((*WORDS, "rare"), np.random.default_rng(1).normal(size=(len(WORDS) + 1, 6)))
    monkeypatch.setattr(explainer.embeddings, "default_embeddings", lambda: big)
    result = compute("heatmap_explorer", {"sentence": "the rare king"})
    assert result.error is None and "rare" in result.html


def test_static_widgets_are_delegated_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    import explainer.widgets.head_grid

    calls: list[dict[str, str]] = []

    def fake(**kwargs: str) -> str:
        calls.append(kwargs)
        return '<div data-widget="head_grid" data-state="static"></div>'

    monkeypatch.setattr(explainer.widgets.head_grid, "curated_head_grid", fake)
    assert prerender("head_grid", {"widget": "head_grid", "uid": "g2"}).startswith(
        '<div data-widget="head_grid"'
    )
    assert calls == [{"uid": "g2"}]
    with pytest.raises(ValueError, match="has no parameter sentence"):
        prerender("head_grid", {"sentence": "x"})
    assert "head_grid" not in names()


KNOWN = re.compile(r'<template data-known="([^"]*)"(?: data-corrected="([^"]*)")?>(.*?)</template>', re.S)


@pytest.mark.parametrize("name", [s.name for s in specs() if isinstance(s, WidgetSpec) and s.known])
def test_known_templates_are_exactly_what_compute_returns(name: str) -> None:
    page = prerender(name)
    found = KNOWN.findall(page)
    assert len(found) >= 2, "a widget with known states ships more than its first state"
    for key, corrected, html in found:
        state = dict(json.loads(unescape(key)))
        assert unescape(key) == state_key(state)
        result = compute(name, state)
        assert html == result.html
        fixed = json.loads(unescape(corrected)) if corrected else {}
        go_aheads = unkeyed(widget_spec(name))  # left out of the key: never changes a known state
        assert {**state, **fixed} == {k: v for k, v in result.state.items() if k not in go_aheads}


def test_the_first_state_is_among_the_known_ones() -> None:
    keys = {unescape(key) for key, _, _ in KNOWN.findall(prerender("saturation_lab"))}
    assert state_key(initial_state("saturation_lab")) in keys
    assert len(keys) == 2 * 11  # the scale toggle times the slider's stops 1, 2, 4 … 1024


def test_widgets_without_choices_ship_no_known_states() -> None:
    assert "data-known" not in prerender("contextualisation_probe")
    assert "data-known" not in prerender("code_runner")


def test_the_runtime_setting_is_a_static_widget_with_its_save_data_message() -> None:
    html = prerender("runtime_settings")
    assert 'data-widget="runtime_settings" data-state="static"' in html
    assert 'input type="checkbox" data-setting="start-when-visible"' in html
    assert '<template data-message="save-data">' in html and "<form" not in html


def test_every_widget_is_named_with_its_own_module() -> None:
    for name, module in WIDGETS.items():
        assert importlib.import_module(f"explainer.widgets.{module}").SPEC.name == name


def test_computing_one_widget_imports_only_its_own_module() -> None:
    code = (
        "import json, sys, explainer.browser as b; "
        "b.handle(json.dumps({'widget': 'saturation_lab', 'state': {}})); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('explainer.'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert "explainer.widgets.saturation" in loaded
    others = {f"explainer.widgets.{m}" for m in WIDGETS.values()} - {"explainer.widgets.saturation"}
    assert not loaded & others, sorted(loaded & others)
    assert not {m for m in loaded if m.startswith("explainer.examples.trained")}, sorted(loaded)
    assert "explainer.glove_rows" not in loaded and "explainer.embeddings" not in loaded, sorted(loaded)
