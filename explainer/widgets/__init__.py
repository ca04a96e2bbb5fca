"""Interactive widgets: state in, HTML out — the same code at build time and in the browser.

The site build calls :func:`prerender` for every ``widget: NAME`` block; the
Web Worker (through :mod:`explainer.browser`) calls :func:`compute` each time
the reader changes an input. Both use the same rendering code, and the output
region of a pre-rendered widget is exactly ``compute(name, initial_state).html``.

The HTML, state and URL contract the JavaScript relies on is written once, in
ARCHITECTURE.md, section "The widget contract". Every widget, live or
build-time only (the chapter-10 head grid), is named in :data:`WIDGETS` with its
module, which is imported only when that widget is asked for.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Literal

from explainer.html import Element, h, render
from explainer.widgets.base import (
    EmbeddingsSource,
    State,
    StaticWidgetSpec,
    WidgetResult,
    WidgetSpec,
    evaluate,
    message,
    normalise_state,
    render_form,
    run_widget,
    state_key,
    unkeyed,
)

if TYPE_CHECKING:
    from explainer.embeddings import Embeddings

__all__ = [
    "SENTENCE_ROWS",
    "WIDGETS",
    "StaticWidgetSpec",
    "WidgetResult",
    "WidgetSpec",
    "compute",
    "initial_state",
    "names",
    "needs_embeddings",
    "needs_numpy_more",
    "prerender",
    "registry",
    "specs",
    "widget_spec",
]

WIDGETS: dict[str, str] = {
    "dot_product_playground": "dot_product",
    "saturation_lab": "saturation",
    "blending_slider": "blending",
    "step_through": "step_through",
    "heatmap_explorer": "heatmap_explorer",
    "mask_explorer": "mask_explorer",
    "multi_head_viewer": "multi_head",
    "contextualisation_probe": "contextualisation",
    "code_runner": "code_runner",
    "head_grid": "head_grid",
    "minilm_live": "minilm_live",
    "minilm_pair": "minilm_pair",
    "runtime_settings": "runtime_settings",
}
"""Every widget's name and the module (in this package) whose ``SPEC`` it is, in reading order.

A module is imported only when its widget is asked for: the reader's Web Worker
imports the one widget it computes, not all of them.
"""

SENTENCE_ROWS: dict[str, str] = {"contextualisation_probe": "sentence", "heatmap_explorer": "sentence"}
"""The GloVe widgets (they compute with GloVe vectors), by the field holding their sentence.

Known without importing the widgets, so the browser asks for the rows of the sentence's
words first and downloads them while the widget's modules import.
"""


@cache
def widget_spec(name: str) -> WidgetSpec | StaticWidgetSpec:
    """The widget ``name``, its module imported now.

    Raises:
        ValueError: for a name that is not in :data:`WIDGETS`.
    """
    if name not in WIDGETS:
        raise ValueError(f"unknown widget {name!r}; known widgets: {', '.join(WIDGETS)}")
    found: WidgetSpec | StaticWidgetSpec = importlib.import_module(f"{__name__}.{WIDGETS[name]}").SPEC
    return found


def specs() -> tuple[WidgetSpec | StaticWidgetSpec, ...]:
    """Every widget, in reading order (this imports every widget module)."""
    return tuple(widget_spec(name) for name in WIDGETS)


def needs_embeddings() -> tuple[str, ...]:
    """The widgets that compute with GloVe vectors (the others never load them): :data:`SENTENCE_ROWS`."""
    return tuple(sorted(SENTENCE_ROWS))


def needs_numpy_more() -> tuple[str, ...]:
    """The widgets whose first state needs numpy's rarely used modules (a test checks each declaration)."""
    return tuple(sorted(s.name for s in specs() if isinstance(s, WidgetSpec) and s.needs_numpy_more))


def registry() -> dict[str, WidgetSpec | StaticWidgetSpec]:
    """Every widget, by name."""
    return {s.name: s for s in specs()}


def names() -> list[str]:
    """The names of the live widgets (those :func:`compute` serves), in reading order."""
    return [s.name for s in specs() if isinstance(s, WidgetSpec)]


def _spec(name: str) -> WidgetSpec:
    """The live widget ``name``; a build-time-only or unknown name is a ``ValueError``."""
    found = widget_spec(name)
    if not isinstance(found, WidgetSpec):
        raise ValueError(f"unknown widget {name!r}; known widgets: {', '.join(names())}")
    return found


def _embeddings_source(embeddings: Embeddings | EmbeddingsSource | None) -> EmbeddingsSource:
    """A loader called only by widgets that need vectors.

    ``None`` means all 400,000 GloVe words: what the browser reads row by row
    (:mod:`explainer.glove_rows`), so a pre-rendered widget and its live update
    agree even about which words are unknown. A loader is used as it is, so a
    caller can put off even importing the vectors' module until a widget asks.
    """
    if callable(embeddings):
        return embeddings

    def source() -> Embeddings:
        if embeddings is not None:
            return embeddings
        from explainer.embeddings import default_embeddings

        return default_embeddings()

    return source


def initial_state(name: str, params: Mapping[str, object] | None = None) -> dict[str, str | bool]:
    """The normalised state a page's ``widget:`` block starts from.

    Raises:
        ValueError: for an unknown widget or parameter name (an authoring mistake).
    """
    spec = _spec(name)
    given = {k: v for k, v in (params or {}).items() if k != "widget"}
    unknown = sorted(set(given) - {f.name for f in spec.fields})
    if unknown:
        allowed = ", ".join(f.name for f in spec.fields)
        raise ValueError(
            f"widget {name!r} has no parameter {', '.join(unknown)}; its parameters are: {allowed}"
        )
    return normalise_state(spec, given)


def compute(
    name: str, state: object, *, embeddings: Embeddings | EmbeddingsSource | None = None
) -> WidgetResult:
    """Compute and render a widget's output for a state sent by the page.

    Args:
        name: a widget name from :func:`names`.
        state: the form's state as a JSON object (other types give a message).
        embeddings: the vectors for the GloVe widgets, or a function that returns them
            when a widget first needs them; ``None`` loads
            :func:`explainer.embeddings.default_embeddings` (every word) when needed.

    Returns:
        The output HTML, the normalised state and the message (or ``None``).

    Raises:
        ValueError: for an unknown widget name only; bad state never raises.
    """
    spec = _spec(name)
    if not isinstance(state, Mapping):
        text = "The widget state must be a JSON object of input names and values."
        return WidgetResult(render(message(text)), normalise_state(spec, {}), text)
    return run_widget(spec, normalise_state(spec, state), _embeddings_source(embeddings))


def prerender(
    name: str, params: Mapping[str, object] | None = None, *, embeddings: Embeddings | None = None
) -> str:
    """The complete widget (inputs and output) for a page, ``data-state="static"``.

    Args:
        name: a widget name from :func:`names`.
        params: the block's ``key: value`` lines (the ``widget`` key is ignored).
        embeddings: as for :func:`compute`.

    Raises:
        ValueError: for an unknown widget or parameter name.
    """
    static = widget_spec(name) if name in WIDGETS else None
    if isinstance(static, StaticWidgetSpec):
        return _prerender_static(static, params or {})
    spec = _spec(name)
    state = initial_state(name, params)
    source = _embeddings_source(embeddings)
    parts, state, _ = evaluate(spec, state, source)
    root = h(
        "div",
        {
            "class": "explainer-widget",
            "data-widget": spec.name,
            "data-state": "static",
            "data-loading": spec.loading,
            "role": "group",
            "aria-label": spec.title,
        },
        render_form(spec, state),
        h("p", {"class": "explainer-status", "data-status": True, "role": "status"}),
        h("div", {"class": "explainer-output", "data-output": True, "aria-live": "polite"}, parts),
        _run_messages() if spec.submit_label else None,
        known_templates(spec, state, source),
    )
    return render(root)


def known_templates(spec: WidgetSpec, state: State, embeddings: EmbeddingsSource) -> list[Element]:
    """One ``<template data-known="KEY">`` per state ``spec.known`` reaches from ``state``.

    Its content is the output region for that state, exactly what :func:`compute` returns, and
    ``data-corrected`` holds the hidden fields the computation corrected (JSON), if any. The
    page shows it when the form's :func:`~explainer.widgets.base.state_key` is ``KEY``.
    """
    if spec.known is None:
        return []
    templates: dict[str, Element] = {}
    for reached in spec.known(spec, state):
        key = state_key(reached, unkeyed(spec))
        if key in templates:
            continue
        parts, new_state, _ = evaluate(spec, normalise_state(spec, reached), embeddings)
        corrected = {k: v for k, v in new_state.items() if reached.get(k) != v}
        attrs = {"data-known": key, "data-corrected": json.dumps(corrected) if corrected else None}
        templates[key] = h("template", attrs, parts)
    return list(templates.values())


RUN_MESSAGES: dict[str, tuple[str, Literal["error", "note"]]] = {
    "stopped": (
        "Stopped: the computation did not finish in time (an endless loop?). Edit and run again; "
        "Python restarts.",
        "error",
    ),
    "from-link": ("This code came with the link you followed. Read it, then press Run.", "note"),
}
"""Messages the page shows in a widget with a Run button, pre-rendered as ``<template data-message>``."""


def _run_messages() -> list[Element]:
    return [
        h("template", {"data-message": name}, message(text, kind))
        for name, (text, kind) in RUN_MESSAGES.items()
    ]


def _prerender_static(spec: StaticWidgetSpec, params: Mapping[str, object]) -> str:
    """A build-time-only widget, rendered by its own function."""
    given = {k: str(v) for k, v in params.items() if k != "widget"}
    unknown = sorted(set(given) - set(spec.parameters))
    if unknown:
        raise ValueError(
            f"widget {spec.name!r} has no parameter {', '.join(unknown)}; "
            f"its parameters are: {', '.join(spec.parameters)}"
        )
    return spec.render(given)
