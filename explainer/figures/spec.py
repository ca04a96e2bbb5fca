"""The record that describes one figure of the site."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from explainer.figures.theme import Theme

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class FigureSpec:
    """A named figure: how to draw it, how to describe it, and what it reads.

    Attributes:
        name: the name pages use (``figure: NAME``); also the file stem.
        draw: draws the figure in a theme and returns it (no pyplot state).
        alt: returns the alt text, computed from the same data as the figure,
            saying what the figure shows (numbers included).
        inputs: data files the figure reads besides the package's code (the
            benchmark results, say); a figure cache hashes their bytes, so a
            changed file redraws the figure.
    """

    name: str
    draw: Callable[[Theme], Figure]
    alt: Callable[[], str]
    inputs: tuple[Path, ...] = ()
