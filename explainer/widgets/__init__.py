"""Interactive widgets: state in, HTML out — the same code at build time and in the browser.

The MkDocs plugin calls :func:`prerender` for every ``widget: NAME`` block;
the Web Worker (through :mod:`explainer.browser`) calls :func:`compute` each
time the reader changes an input. Both use the same rendering code, and the
output region of a pre-rendered widget is exactly ``compute(name,
initial_state).html``.

**The HTML contract** (what the JavaScript relies on)::

    <div class="explainer-widget" data-widget="NAME" data-state="static" role="group" aria-label="TITLE">
      <form class="explainer-form">
        ...labelled inputs, each with a name; hidden inputs (e.g. cell, step) last...
        [<button type="submit" class="explainer-submit">Run</button>]
      </form>
      <p class="explainer-status" data-status role="status"></p>
      <div class="explainer-output" data-output aria-live="polite">...compute().html...</div>
    </div>

- **State** is the form: one key per named input. Checkboxes are booleans
  (``true``/``false``; strings ``"on"``/``"true"``/``"1"`` are accepted too);
  every other input is its ``value`` string, kept exactly as typed. Unknown
  keys are ignored, missing keys take the default. The URL fragment can be
  the form's URL-encoded pairs.
- **Buttons that set state** (heatmap cells, Next/Previous, step tabs) carry
  ``data-set`` with URL-encoded ``name=value`` pairs, e.g.
  ``data-set="cell=2,3"`` or ``data-set="step=4"``. On click, the JavaScript
  sets each named input of the widget's form to its value (parse the
  attribute with ``URLSearchParams``), then recomputes. They may live in the
  output region; they are always ``type="button"``.
- **After a computation** the JavaScript replaces the output region's
  content with ``html`` and copies ``state`` back into the *hidden* inputs
  only (visible inputs keep what the reader typed). ``error`` is also shown
  inside ``html``; it is returned separately for logging and tests.
- Heatmap cells carry ``data-row``, ``data-col`` and ``data-weight`` (the
  full-precision ``repr`` of the weight); selectable ones are buttons with an
  ``aria-label`` naming both tokens and the weight.
- ``code_runner`` executes the reader's code: before calling :func:`compute`
  for it, the worker should load the packages the code imports
  (``pyodide.loadPackagesFromImports``), e.g. matplotlib.

CSS classes are styled by ``explainer/assets/widgets/widgets.css``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from explainer.widgets.base import (
    EmbeddingsSource,
    WidgetResult,
    WidgetSpec,
    evaluate,
    message,
    normalise_state,
    render_form,
    run_widget,
)
from explainer.widgets.html import h, render

if TYPE_CHECKING:
    from explainer.embeddings import Embeddings

__all__ = ["NEEDS_EMBEDDINGS", "WidgetResult", "compute", "initial_state", "names", "prerender", "registry"]

NEEDS_EMBEDDINGS = ("contextualisation_probe", "heatmap_explorer")
"""The widgets that compute with GloVe vectors (the others never load them)."""

STATIC_WIDGETS = {"head_grid": ("explainer.minilm.view", "curated_head_grid", ("uid",))}
"""Widgets that are pre-rendered only, by another module: name -> (module, function, parameters).

``head_grid`` (all-MiniLM-L6-v2's 72 heads) is computed at build time and
works without scripts; it has no live form, so :func:`compute` does not know it.
"""


def registry() -> dict[str, WidgetSpec]:
    """Every widget, by name."""
    from explainer.widgets import (
        code_runner,
        contextualisation,
        dot_product,
        heatmap_explorer,
        mask_explorer,
        multi_head,
        saturation,
        step_through,
    )

    specs = (
        dot_product.SPEC,
        saturation.SPEC,
        step_through.SPEC,
        heatmap_explorer.SPEC,
        mask_explorer.SPEC,
        multi_head.SPEC,
        contextualisation.SPEC,
        code_runner.SPEC,
    )
    return {spec.name: spec for spec in specs}


def names() -> list[str]:
    """The widget names, in reading order."""
    return list(registry())


def _spec(name: str) -> WidgetSpec:
    specs = registry()
    if name not in specs:
        raise ValueError(f"unknown widget {name!r}; known widgets: {', '.join(specs)}")
    return specs[name]


def _embeddings_source(embeddings: Embeddings | None) -> EmbeddingsSource:
    """A loader called only by widgets that need vectors.

    ``None`` means the :data:`~explainer.embeddings.BROWSER_VOCAB_SIZE` most
    frequent GloVe words: exactly what the browser has, so a pre-rendered
    widget and its live update agree even about which words are unknown.
    """

    def source() -> Embeddings:
        if embeddings is not None:
            return embeddings
        from explainer.embeddings import BROWSER_VOCAB_SIZE, default_embeddings

        return default_embeddings().head(BROWSER_VOCAB_SIZE)

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


def compute(name: str, state: object, *, embeddings: Embeddings | None = None) -> WidgetResult:
    """Compute and render a widget's output for a state sent by the page.

    Args:
        name: a widget name from :func:`names`.
        state: the form's state as a JSON object (other types give a message).
        embeddings: the vectors for the GloVe widgets; ``None`` loads the
            browser's subset of :func:`explainer.embeddings.default_embeddings`
            (its first ``BROWSER_VOCAB_SIZE`` words) when needed.

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
    if name in STATIC_WIDGETS:
        return _prerender_static(name, params or {})
    spec = _spec(name)
    state = initial_state(name, params)
    parts, state, _ = evaluate(spec, state, _embeddings_source(embeddings))
    root = h(
        "div",
        {
            "class": "explainer-widget",
            "data-widget": spec.name,
            "data-state": "static",
            "role": "group",
            "aria-label": spec.title,
        },
        render_form(spec, state),
        h("p", {"class": "explainer-status", "data-status": True, "role": "status"}),
        h("div", {"class": "explainer-output", "data-output": True, "aria-live": "polite"}, parts),
    )
    return render(root)


def _prerender_static(name: str, params: Mapping[str, object]) -> str:
    """Delegate a build-time-only widget to the function that renders it."""
    import importlib

    module, function, allowed = STATIC_WIDGETS[name]
    given = {k: str(v) for k, v in params.items() if k != "widget"}
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ValueError(
            f"widget {name!r} has no parameter {', '.join(unknown)}; its parameters are: {', '.join(allowed)}"
        )
    render_static = getattr(importlib.import_module(module), function)
    return str(render_static(**given))
