"""Tests for explainer.browser: the JSON entry point never raises and always answers the contract."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer import browser
from explainer.datafiles import data_root, set_data_root
from explainer.embeddings import Embeddings
from explainer.glove_rows import shard_name, shard_of, write_rows
from explainer.widgets import (
    SENTENCE_ROWS,
    WidgetResult,
    WidgetSpec,
    compute,
    names,
    widget_spec,
)
from explainer.widgets.base import MAX_TOKENS

KEYS = {"html", "state", "error"}


def call(request: Any) -> dict[str, Any]:
    """``handle`` on a request given as a Python value (or a raw string)."""
    raw = request if isinstance(request, str) else json.dumps(request)
    response = json.loads(browser.handle(raw))
    assert set(response) == KEYS
    return response


@pytest.mark.parametrize(
    ("request_json", "expected"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"state": {}}', "without a widget name"),
        ('{"widget": "", "state": {}}', "without a widget name"),
        ('{"widget": "dot_product_playground", "state": [1]}', "not a JSON object"),
        ('{"widget": "dot_product_playground", "state": {}, "embeddings": 3}', "not a string"),
    ],
)
def test_malformed_requests_get_a_specific_message(request_json: str, expected: str) -> None:
    response = call(request_json)
    assert expected in response["error"]
    assert expected in response["html"]


def test_unknown_widget_is_named_in_the_message() -> None:
    response = call({"widget": "no_such_widget", "state": {}})
    assert "no_such_widget" in response["error"]


def test_failure_message_is_escaped_html(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(name: str, state: dict[str, Any], *, embeddings: object = None) -> object:
        raise RuntimeError("<script>alert(1)</script>")

    monkeypatch.setattr("explainer.browser.compute", explode)
    response = call({"widget": "x", "state": {"a": "1"}})
    assert "<script>" not in response["html"]
    assert "&lt;script&gt;" in response["html"]
    assert response["state"] == {"a": "1"}


def test_the_widget_result_is_passed_through(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(name: str, state: dict[str, Any], *, embeddings: object = None) -> WidgetResult:
        return WidgetResult(f"<p>{name}</p>", {"n": state["n"]}, None)

    monkeypatch.setattr("explainer.browser.compute", fake)
    assert call({"widget": "w", "state": {"n": "3"}}) == {
        "html": "<p>w</p>",
        "state": {"n": "3"},
        "error": None,
    }


def test_missing_embeddings_file_is_a_message() -> None:
    response = call({"widget": "heatmap_explorer", "state": {}, "embeddings": "/nonexistent/glove.npz"})
    assert response["error"]
    assert "Traceback" not in response["html"]


def test_nan_in_the_state_still_gives_valid_json(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(name: str, state: dict[str, Any], *, embeddings: object = None) -> object:
        raise ValueError("bad")

    monkeypatch.setattr("explainer.browser.compute", explode)
    response = call('{"widget": "w", "state": {"x": NaN}}')
    assert response["state"] == {}
    assert "bad" in response["error"]


def test_every_widget_answers_its_default_state() -> None:
    for name in names():
        if name in ("heatmap_explorer", "contextualisation_probe"):
            continue  # need the GloVe vectors: covered by the site and browser tests
        response = call({"widget": name, "state": {}})
        assert response["error"] is None, (name, response["error"])
        assert response["html"].strip()


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gets_a_json_answer(text: str) -> None:
    call(text)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(max_size=10), st.one_of(st.text(max_size=30), st.booleans(), st.integers())))
def test_any_state_for_a_widget_gets_a_json_answer(state: dict[str, Any]) -> None:
    response = call({"widget": "dot_product_playground", "state": state})
    assert isinstance(response["html"], str)


@pytest.fixture
def glove_data(tmp_path: Path) -> Iterator[Embeddings]:
    """A small vocabulary written as sharded rows under the data root, as the site ships them."""
    tiny = Embeddings(ROW_WORDS, np.random.default_rng(3).normal(size=(len(ROW_WORDS), 6)))
    write_rows(tiny, tmp_path)
    set_data_root(tmp_path)
    browser._rows.cache_clear()
    yield tiny
    set_data_root(None)
    browser._rows.cache_clear()


ROW_WORDS = ("the", "old", "fisherman", "mended", "his", "nets", "cat", "hot", "dog", "was")


@pytest.mark.parametrize("widget", ["heatmap_explorer", "contextualisation_probe"])
def test_the_rows_give_the_same_answer_as_the_vectors_in_memory(widget: str, glove_data: Embeddings) -> None:
    state = {"sentence": "the old fisherman mended his nets", "word": "mended"}
    assert (
        call({"widget": widget, "state": state})
        == compute(widget, state, embeddings=glove_data).to_json_dict()
    )


def test_missing_rows_are_asked_for_all_at_once(glove_data: Embeddings) -> None:
    sentence = "the old fisherman mended his nets"
    for word in ("mended", "nets"):
        (data_root() / shard_name(shard_of(word))).unlink(missing_ok=True)
    response = json.loads(
        browser.handle(json.dumps({"widget": "heatmap_explorer", "state": {"sentence": sentence}}))
    )
    wanted = sorted({shard_name(shard_of(w)) for w in ("mended", "nets")})
    assert response == {"need": wanted, "what": "the GloVe rows for your words"}


def test_a_download_failure_is_the_message_and_the_state_is_kept() -> None:
    state = {"sentence": "the <b>old</b> fisherman"}
    text = "Sorry: the GloVe rows could not be downloaded (HTTP 404). <try again>"
    response = call({"widget": "heatmap_explorer", "state": state, "data_error": text})
    assert response["error"] == text and response["state"] == state
    assert "&lt;try again&gt;" in response["html"] and "<try again>" not in response["html"]


@pytest.mark.parametrize("bad", [3, "", "   "])
def test_a_download_failure_needs_a_message(bad: object) -> None:
    response = call({"widget": "heatmap_explorer", "state": {}, "data_error": bad})
    assert "without a message" in response["error"]


def test_prepare_imports_the_widgets_module_and_never_raises() -> None:
    code = (
        "import sys, explainer.browser as b; b.prepare('mask_explorer'); b.prepare('no_such_widget'); "
        "print(*(f'explainer.widgets.{m}' in sys.modules for m in ('mask_explorer', 'minilm_live')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


def test_a_sentences_rows_are_asked_for_before_numpy_imports(tmp_path: Path) -> None:
    """So the worker downloads them while the widget's modules import, not after."""
    code = (
        "import sys, json, explainer.browser as b; from explainer.datafiles import set_data_root; "
        f"set_data_root({str(tmp_path)!r}); "
        "request = {'widget': 'heatmap_explorer', 'state': {'sentence': 'The old fisherman'}}; "
        "print(json.dumps([json.loads(b.handle(json.dumps(request))), 'numpy' in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wanted = sorted({shard_name(shard_of(w)) for w in ("the", "old", "fisherman")})
    assert json.loads(out.stdout) == [{"need": wanted, "what": "the GloVe rows for your words"}, False]


def test_a_sentence_too_long_asks_for_no_rows(tmp_path: Path) -> None:
    set_data_root(tmp_path)
    try:
        response = call({"widget": "heatmap_explorer", "state": {"sentence": "word " * (MAX_TOKENS + 1)}})
    finally:
        set_data_root(None)
    assert f"at most {MAX_TOKENS}" in response["error"]


def test_each_glove_widget_has_the_sentence_field_it_is_declared_with() -> None:
    for name, field in SENTENCE_ROWS.items():
        spec = widget_spec(name)
        assert isinstance(spec, WidgetSpec) and field in {f.name for f in spec.fields}, name
