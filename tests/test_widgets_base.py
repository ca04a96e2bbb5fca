"""Tests for the shared widget machinery (explainer.widgets.base)."""

from __future__ import annotations

import pytest

from explainer.html import h, render
from explainer.widgets.base import (
    Field,
    Output,
    State,
    WidgetError,
    WidgetSpec,
    evaluate,
    message,
    normalise_state,
    reachable,
    render_form,
    run_widget,
    state_key,
)


def _echo(state: State, embeddings: object) -> Output:
    text = str(state["text"])
    if text == "bad":
        raise WidgetError("That is bad input.")
    if text == "bug":
        raise ZeroDivisionError("division by zero")
    if text == "partial":
        return Output((h("p", None, "partial result"),), "Some words were left out.", {"hidden": "reset"})
    return Output((h("p", None, text),))


SPEC = WidgetSpec(
    name="echo",
    title="Echo",
    fields=(
        Field("text", "Text", "text", "hello"),
        Field("flag", "Flag", "checkbox", True),
        Field("pick", "Pick", "select", "b", options=(("a", "A"), ("b", "B"))),
        Field("kind", "Kind", "radio", "x", options=(("x", "X"), ("y", "Y"))),
        Field("d", "d", "range", "4", stops=("1", "2", "4", "8")),
        Field("code", "Code", "textarea", "print(1)", rows=3),
        Field("hidden", "Hidden", "hidden", ""),
    ),
    run=_echo,
)


def no_embeddings() -> object:
    raise AssertionError("this widget must not ask for embeddings")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(True, True), (False, False), ("on", True), ("TRUE", True), ("1", True), ("off", False), ("", False),
     (0, False), (1, True), ("maybe", True), (None, True), ([1], True)],
)  # fmt: skip
def test_checkbox_values_are_booleans(raw: object, expected: bool) -> None:
    assert normalise_state(SPEC, {"flag": raw})["flag"] is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("as typed ", "as typed "), (64, "64"), (64.0, "64"), (0.5, "0.5"), (1e308, "1e+308"), (True, "true"),
     (None, ""), ({"a": 1}, "hello"), ("a\ud800b", "a\ufffdb")],
)  # fmt: skip
def test_text_values_are_strings_kept_as_typed(raw: object, expected: str) -> None:
    assert normalise_state(SPEC, {"text": raw})["text"] == expected


def test_missing_keys_take_defaults_and_unknown_keys_are_dropped() -> None:
    state = normalise_state(SPEC, {"nope": 1})
    assert state == {"text": "hello", "flag": True, "pick": "b", "kind": "x", "d": "4", "code": "print(1)",
                     "hidden": ""}  # fmt: skip


def test_widget_errors_become_the_message_and_bugs_a_generic_one() -> None:
    bad = run_widget(SPEC, normalise_state(SPEC, {"text": "bad"}), no_embeddings)
    assert bad.error == "That is bad input." and "That is bad input." in bad.html
    bug = run_widget(SPEC, normalise_state(SPEC, {"text": "bug"}), no_embeddings)
    assert bug.error is not None and "ZeroDivisionError" in bug.error and "Traceback" not in bug.html


def test_a_partial_result_shows_the_message_first_and_corrects_hidden_state() -> None:
    parts, state, error = evaluate(
        SPEC, normalise_state(SPEC, {"text": "partial", "hidden": "9,9"}), no_embeddings
    )
    assert error == "Some words were left out."
    assert render(*parts) == render(message("Some words were left out."), h("p", None, "partial result"))
    assert state["hidden"] == "reset" and state["text"] == "partial"


def test_the_form_has_one_labelled_control_per_field_with_the_state_values() -> None:
    state = normalise_state(SPEC, {"text": "<x>", "flag": False, "pick": "a", "kind": "y", "hidden": "1,2"})
    html = render(render_form(SPEC, state))
    assert '<input type="text" name="text" value="&lt;x&gt;"' in html
    assert '<input type="checkbox" name="flag">' in html
    assert '<option value="a" selected>A</option><option value="b">B</option>' in html
    assert '<input type="radio" name="kind" value="y" checked>' in html
    assert (
        '<input type="range" name="d" min="0" max="3" step="1" value="2" '
        'data-stops="1,2,4,8" aria-valuetext="4">' in html
    )
    assert "<output data-stop>4</output>" in html
    assert 'rows="3"' in html and "print(1)</textarea>" in html
    assert html.endswith('<input type="hidden" name="hidden" value="1,2"></form>')
    assert html.count("<label") == 5 + 2 and "<legend>Kind</legend>" in html  # 5 fields + 2 radio choices


def test_result_as_json_dict() -> None:
    result = run_widget(SPEC, normalise_state(SPEC, {}), no_embeddings)
    assert result.to_json_dict() == {"html": "<p>hello</p>", "state": result.state, "error": None}


def test_state_key_is_sorted_compact_json() -> None:
    assert state_key({"scale": True, "d_k": "64", "t": "é"}) == '[["d_k","64"],["scale",true],["t","é"]]'


def test_reachable_enumerates_choices_and_keeps_text() -> None:
    spec = WidgetSpec(
        "w",
        "W",
        (
            Field("flag", "F", "checkbox", False),
            Field("pick", "P", "select", "a", options=(("a", "A"), ("b", "B"))),
            Field("d", "d", "range", "1", stops=("1", "2")),
            Field("text", "T", "text", "x"),
            Field("step", "S", "hidden", "0"),
        ),
        run=lambda s, e: Output(()),
    )
    states = reachable(
        spec, {"flag": False, "pick": "a", "d": "1", "text": "typed", "step": "0"}, {"step": ["0", "1"]}
    )
    assert len(states) == 2 * 2 * 2 * 2
    assert {s["text"] for s in states} == {"typed"}
    assert {(s["flag"], s["pick"], s["d"], s["step"]) for s in states} == {
        (f, p, d, st) for f in (False, True) for p in "ab" for d in "12" for st in "01"
    }
