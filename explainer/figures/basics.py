"""Figures (basics). Filled in by its owner; see ARCHITECTURE.md."""

from __future__ import annotations

from explainer.figures.spec import FigureSpec

FIGURES: tuple[FigureSpec, ...] = ()
