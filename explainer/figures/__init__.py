"""Figures for the site, drawn with matplotlib at build time.

Each submodule exposes ``FIGURES: tuple[FigureSpec, ...]``; :func:`registry`
merges them. Drawing functions return a :class:`matplotlib.figure.Figure`
and never touch pyplot's global state.
"""

from __future__ import annotations

from explainer.figures.spec import FigureSpec
from explainer.figures.theme import DARK, LIGHT, THEMES, Theme

__all__ = ["DARK", "LIGHT", "THEMES", "FigureSpec", "Theme", "registry"]


def registry() -> dict[str, FigureSpec]:
    """Every figure of the site, by name. Names are unique (checked here)."""
    from explainer.figures import basics, glove, trained

    specs = [*basics.FIGURES, *glove.FIGURES, *trained.FIGURES]
    by_name = {spec.name: spec for spec in specs}
    if len(by_name) != len(specs):
        raise ValueError("two figures share a name")
    return by_name
