"""``runtime_settings``: the reader's one site setting for the live widgets.

Off by default, the Python runtime loads only when a widget needs it (typed
input, a new random draw, code) or when the reader shows intent (focusing a
field, pointing at Run). This setting also starts it once a widget has been on
screen for a few seconds. ``loader.js`` keeps the choice in ``localStorage``,
and refuses it when the browser asks to save data (the ``save-data`` message).
"""

from __future__ import annotations

from explainer.html import h, render
from explainer.widgets.base import StaticWidgetSpec, message

__all__ = ["SETTING", "SPEC"]

SETTING = "start-when-visible"
"""The checkbox's ``data-setting``; ``loader.js`` stores it as ``explainer:start-when-visible``."""

_SAVE_DATA = (
    "Your browser asks sites to save data, so the runtime never starts early here: it loads only "
    "when a widget has something to compute that the page does not already show."
)


def render_settings(params: dict[str, str]) -> str:
    """The setting's checkbox, its explanation and the message shown when the browser saves data."""
    box = h("input", {"type": "checkbox", "data-setting": SETTING})
    label = h(
        "label",
        {"class": "explainer-field explainer-field--toggle"},
        box,
        " Start the Python runtime in the background once a widget has been on screen for a few seconds",
    )
    hint = h(
        "p",
        {"class": "explainer-hint"},
        "Typed input then answers without a wait. It downloads the runtime even if you never touch a "
        "widget; this browser remembers the choice for this site.",
    )
    root = h(
        "div",
        {
            "class": "explainer-widget explainer-settings",
            "data-widget": SPEC.name,
            "data-state": "static",
            "role": "group",
            "aria-label": SPEC.title,
        },
        label,
        hint,
        h("div", {"class": "explainer-output", "data-output": True, "aria-live": "polite"}),
        h("template", {"data-message": "save-data"}, message(_SAVE_DATA, "note")),
    )
    return render(root)


SPEC = StaticWidgetSpec(
    name="runtime_settings", title="Live widgets: when Python starts", render=render_settings
)
