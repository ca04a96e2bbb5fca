"""The files a page with widgets links, and the ones every build carries.

Every build carries the widgets' stylesheets and each widget's own stylesheets and
scripts (the pictures that move need no runtime); a widget computed from data (the head grid) adds a
stylesheet the build writes. ``loader.js`` is linked only when the site has a
runtime (``pyodide`` is not ``none``).

Example:
    >>> head_assets("mask_explorer", live=True)
    ['assets/widgets/widgets.css', 'assets/widgets/content.css', 'assets/widgets/loader.js']
"""

from __future__ import annotations

from explainer import widgets
from explainer.sitebuild.runtime import WIDGET_CSS, WIDGET_HEAD
from explainer.sitebuild.runtime_files import ASSETS_DIR

__all__ = ["head_assets", "static_assets", "stylesheet_path"]


def stylesheet_path(widget: str) -> str:
    """Where a build-time widget's data-made stylesheet is written, from the site root."""
    return f"{ASSETS_DIR}/{widget}.css"


def _own(spec: widgets.WidgetSpec | widgets.StaticWidgetSpec) -> list[str]:
    """A live widget's own stylesheets and scripts (``WidgetSpec.assets``), from the site root."""
    return [f"{ASSETS_DIR}/{name}" for name in spec.assets] if isinstance(spec, widgets.WidgetSpec) else []


def static_assets() -> list[str]:
    """Package files every build copies: the widget CSS and every widget's own assets, each once
    (a widget may link another's stylesheet, as ``minilm_live`` does ``heatmap_explorer.css``)."""
    return list(dict.fromkeys([*WIDGET_CSS, *(path for spec in widgets.specs() for path in _own(spec))]))


def head_assets(name: str, *, live: bool) -> list[str]:
    """What a page with widget ``name`` links: the CSS, a data-made stylesheet, the loader, its own assets."""
    *styles, loader = WIDGET_HEAD
    spec = widgets.widget_spec(name)
    if isinstance(spec, widgets.StaticWidgetSpec) and spec.stylesheet is not None:
        styles.append(stylesheet_path(name))
    return [*styles, *([loader] if live else []), *_own(spec)]
