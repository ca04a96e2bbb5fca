"""Tests for explainer.browser: the JSON entry point never raises and always answers the contract."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer import browser
from explainer.widgets import WidgetResult, names

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
