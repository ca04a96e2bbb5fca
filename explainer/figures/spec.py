"""The record that describes one figure of the site."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from explainer.figures.theme import Theme

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class FigureSpec:
    """A named figure: how to draw it and how to describe it.

    Attributes:
        name: the name pages use (``figure: NAME``); also the file stem.
        draw: draws the figure in a theme and returns it (no pyplot state).
        alt: returns the alt text, computed from the same data as the figure,
            saying what the figure shows (numbers included).
    """

    name: str
    draw: Callable[[Theme], Figure]
    alt: Callable[[], str]
