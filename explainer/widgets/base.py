"""The pieces every widget shares: fields, state normalisation, the form and the result.

A widget is a :class:`WidgetSpec`: a name, a tuple of :class:`Field` (its
named form inputs, each with a default) and a ``run`` function that turns a
normalised state into an :class:`Output` (the children of the output region,
an optional message, and corrections to hidden fields). :func:`run_widget`
wraps ``run`` so that no input can make it raise: a :class:`WidgetError`
becomes a clear message, anything unexpected a short generic one.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from explainer.html import AttrValue, Child, Element, h, render

if TYPE_CHECKING:
    from explainer.embeddings import Embeddings

__all__ = [
    "MAX_TOKENS",
    "EmbeddingsSource",
    "Field",
    "Output",
    "State",
    "StateValue",
    "StaticWidgetSpec",
    "WidgetError",
    "WidgetResult",
    "WidgetSpec",
    "evaluate",
    "message",
    "normalise_state",
    "reachable",
    "render_form",
    "run_widget",
    "state_key",
    "unkeyed",
]

StateValue = str | bool
State = dict[str, StateValue]
FieldKind = Literal["text", "textarea", "checkbox", "range", "select", "radio", "hidden"]
EmbeddingsSource = Callable[[], "Embeddings"]

MAX_TOKENS = 64
"""Longest sentence (in tokens) a widget computes."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_TRUE = frozenset({"true", "on", "1", "yes", "checked"})
_FALSE = frozenset({"false", "off", "0", "no", ""})


class WidgetError(ValueError):
    """Bad input; the message is shown to the reader as it is."""


@dataclass(frozen=True)
class Field:
    """One named form input of a widget.

    Attributes:
        name: the input's ``name`` (and the state key).
        label: visible label text.
        kind: which input: text, textarea, checkbox, range, select, radio or hidden.
        default: initial value (``bool`` for checkboxes, ``str`` otherwise).
        options: ``(value, label)`` pairs for select and radio.
        stops: the values a range slider steps through (its state is the stop, not the index).
        hint: a short help text shown under the input.
        rows: visible lines of a textarea.
        keyed: ``False`` for a hidden go-ahead that never changes a known state's answer (the
            download agreement): the known states' keys leave it out, so a reader who agreed on an
            earlier visit still gets the page's known states with no runtime.
    """

    name: str
    label: str
    kind: FieldKind
    default: StateValue
    options: tuple[tuple[str, str], ...] = ()
    stops: tuple[str, ...] = ()
    hint: str = ""
    rows: int = 12
    keyed: bool = True


@dataclass(frozen=True)
class Output:
    """What a widget's ``run`` returns.

    Attributes:
        body: children of the output region.
        error: a message for the reader (the body is still shown), or ``None``.
        state: corrected values of hidden fields (e.g. a cell that no longer exists).
    """

    body: tuple[Element | str, ...]
    error: str | None = None
    state: Mapping[str, StateValue] = field(default_factory=dict)


@dataclass(frozen=True)
class WidgetSpec:
    """A live widget: its name, title, inputs and computation.

    Attributes:
        needs_numpy_more: computing the first state needs numpy's rarely used modules: it imports
            ``numpy.random`` or calls a linear-algebra routine such as ``svd`` (the worker then
            downloads them while Python starts, not on first use; a test checks the declaration).
        submit_label: a Run button's text; without one, every change recomputes.
        known: the states a reader reaches from a page's initial state without typing
            (toggles, radio buttons, steps, slider stops); the build renders each one into the
            page, which switches between them with no runtime. ``None``: none besides the first.
        loading: what the widget waits for, in its own words, shown while the runtime loads.
        assets: files of ``assets/widgets/`` (``.css``, ``.js``) a page with this widget links: its own
            look and its moving pictures, which need no runtime.
    """

    name: str
    title: str
    fields: tuple[Field, ...]
    run: Callable[[State, EmbeddingsSource], Output]
    submit_label: str | None = None
    needs_numpy_more: bool = False
    known: Callable[[WidgetSpec, State], Iterable[State]] | None = None
    loading: str = "Loading Python to compute this"
    assets: tuple[str, ...] = ()


@dataclass(frozen=True)
class StaticWidgetSpec:
    """A widget computed at build time only: no form, nothing for the browser to compute.

    Attributes:
        render: the page block's parameters -> the complete root element's HTML.
        parameters: the parameter names a page block may give.
        stylesheet: CSS computed from data, written by the build to ``assets/widgets/<name>.css``.
    """

    name: str
    title: str
    render: Callable[[dict[str, str]], str]
    parameters: tuple[str, ...] = ()
    stylesheet: Callable[[], str] | None = None


@dataclass(frozen=True)
class WidgetResult:
    """The result of one computation.

    Attributes:
        html: inner HTML of the output region.
        state: the normalised state (text kept exactly as typed).
        error: the message shown to the reader, or ``None``.
    """

    html: str
    state: State
    error: str | None

    def to_json_dict(self) -> dict[str, object]:
        """``{"html", "state", "error"}`` as plain JSON-ready values."""
        return {"html": self.html, "state": dict(self.state), "error": self.error}


def _clean_text(text: str) -> str:
    """Replace lone surrogates (from broken JSON) with U+FFFD, so the text can be encoded as UTF-8."""
    return _SURROGATE.sub("\ufffd", text)


def _coerce(spec: Field, raw: object) -> StateValue:
    """One raw value (from JSON or a page parameter) as the field's state type."""
    if spec.kind == "checkbox":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | float):
            return raw != 0
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        return bool(spec.default)
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() and abs(raw) < 1e15 else repr(raw)
    if isinstance(raw, str):
        return _clean_text(raw)
    return "" if raw is None else str(spec.default)


def normalise_state(spec: WidgetSpec, raw: Mapping[str, object]) -> State:
    """Every field of ``spec`` with a value of the right type; unknown keys are dropped."""
    return {f.name: _coerce(f, raw[f.name]) if f.name in raw else f.default for f in spec.fields}


def state_key(state: Mapping[str, StateValue], unkeyed: Collection[str] = ()) -> str:
    """The canonical key of a state: JSON of its sorted ``[name, value]`` pairs, ``unkeyed`` left out.

    ``loader.js`` computes the same string with ``JSON.stringify`` from the form.

    Example:
        >>> state_key({"scale": True, "d_k": "64"})
        '[["d_k","64"],["scale",true]]'
        >>> state_key({"sentence": "hi", "load": "yes"}, unkeyed=("load",))
        '[["sentence","hi"]]'
    """
    pairs = sorted((k, v) for k, v in state.items() if k not in unkeyed)
    return json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))


def unkeyed(spec: WidgetSpec) -> tuple[str, ...]:
    """The names of ``spec``'s fields that known states' keys leave out (see :attr:`Field.keyed`)."""
    return tuple(f.name for f in spec.fields if not f.keyed)


def _choices(f: Field) -> Sequence[StateValue]:
    """Every value a reader can give field ``f`` without typing (none for text and hidden fields)."""
    if f.kind == "checkbox":
        return (False, True)
    if f.kind in ("radio", "select"):
        return tuple(value for value, _ in f.options)
    return f.stops


def reachable(
    spec: WidgetSpec, state: State, hidden: Mapping[str, Sequence[StateValue]] | None = None
) -> list[State]:
    """Every combination of the choosable fields' values, text fields as in ``state``.

    Args:
        spec: the widget.
        state: a normalised state (its text and hidden fields are kept).
        hidden: values to enumerate for hidden fields (a step number, a selected cell).

    Example:
        >>> spec = WidgetSpec("w", "W", (Field("a", "A", "checkbox", False), Field("t", "T", "text", "x")),
        ...                   run=lambda s, e: Output(()))
        >>> reachable(spec, {"a": False, "t": "typed"})
        [{'a': False, 't': 'typed'}, {'a': True, 't': 'typed'}]
    """
    choices = {f.name: _choices(f) for f in spec.fields if _choices(f)}
    choices.update(hidden or {})
    combos = itertools.product(*choices.values())
    return [dict(state, **dict(zip(choices, combo, strict=True))) for combo in combos]


def message(text: str, kind: Literal["error", "note"] = "error") -> Element:
    """A message paragraph in the output region."""
    return h("p", {"class": f"explainer-message explainer-message--{kind}"}, text)


def evaluate(
    spec: WidgetSpec, state: State, embeddings: EmbeddingsSource
) -> tuple[tuple[Child, ...], State, str | None]:
    """Run ``spec`` on a normalised state: (output children, new state, message); never raises."""
    try:
        out = spec.run(state, embeddings)
    except WidgetError as error:
        out = Output((), str(error))
    except Exception as error:  # a bug must still not leave the reader with a traceback
        out = Output((), f"Sorry, this input could not be computed ({type(error).__name__}: {error}).")
    parts = (message(out.error), *out.body) if out.error else out.body
    return parts, {**state, **out.state}, out.error


def run_widget(spec: WidgetSpec, state: State, embeddings: EmbeddingsSource) -> WidgetResult:
    """:func:`evaluate`, with the output rendered to HTML."""
    parts, new_state, error = evaluate(spec, state, embeddings)
    return WidgetResult(render(*parts), new_state, error)


def _label(f: Field, control: Element) -> Element:
    hint = h("span", {"class": "explainer-hint"}, f.hint) if f.hint else None
    if f.kind == "checkbox":
        return h("label", {"class": "explainer-field explainer-field--toggle"}, control, " ", f.label, hint)
    return h(
        "label", {"class": "explainer-field"}, h("span", {"class": "explainer-label"}, f.label), control, hint
    )


def _control(f: Field, value: StateValue) -> Element:
    text = value if isinstance(value, str) else ""
    if f.kind == "textarea":
        return h("textarea", {"name": f.name, "rows": f.rows, "spellcheck": "false", "wrap": "off"}, text)
    if f.kind == "checkbox":
        return h("input", {"type": "checkbox", "name": f.name, "checked": value is True})
    if f.kind == "range":
        return _stops_slider(f, text)
    if f.kind == "select":
        options = (h("option", {"value": v, "selected": v == text}, label) for v, label in f.options)
        return h("select", {"name": f.name}, options)
    attrs = {"type": "text", "name": f.name, "value": text, "autocomplete": "off", "spellcheck": "false"}
    return h("input", attrs)


def _stops_slider(f: Field, value: str) -> Element:
    """A slider over ``f.stops`` (its position is the index) with the chosen stop shown beside it."""
    index = f.stops.index(value) if value in f.stops else 0
    slider = h(
        "input",
        {
            "type": "range",
            "name": f.name,
            "min": 0,
            "max": len(f.stops) - 1,
            "step": 1,
            "value": index,
            "data-stops": ",".join(f.stops),
            "aria-valuetext": f.stops[index],
        },
    )
    return h("span", {"class": "explainer-slider"}, slider, h("output", {"data-stop": True}, f.stops[index]))


def _radio_group(f: Field, value: StateValue) -> Element:
    choices = (
        h(
            "label",
            {"class": "explainer-choice"},
            h("input", {"type": "radio", "name": f.name, "value": v, "checked": v == value}),
            " ",
            label,
        )
        for v, label in f.options
    )
    return h(
        "fieldset", {"class": "explainer-field explainer-field--radio"}, h("legend", None, f.label), choices
    )


def render_form(spec: WidgetSpec, state: State) -> Element:
    """The widget's ``<form>``: one labelled control per field, hidden fields last."""
    visible, hidden = [], []
    for f in spec.fields:
        if f.kind == "hidden":
            attrs: dict[str, AttrValue] = {"type": "hidden", "name": f.name, "value": str(state[f.name])}
            attrs["data-unkeyed"] = not f.keyed  # a go-ahead the known states' keys leave out
            hidden.append(h("input", attrs))
        elif f.kind == "radio":
            visible.append(_radio_group(f, state[f.name]))
        else:
            visible.append(_label(f, _control(f, state[f.name])))
    submit = (
        h("button", {"type": "submit", "class": "explainer-submit"}, spec.submit_label)
        if spec.submit_label
        else None
    )
    return h("form", {"class": "explainer-form"}, visible, submit, hidden)  # the root names the widget
