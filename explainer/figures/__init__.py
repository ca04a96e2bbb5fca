"""Figures for the site, drawn with matplotlib at build time.

One module per chapter, named after its page and mirroring
:mod:`explainer.examples`: :mod:`~explainer.figures.intuition`,
:mod:`~explainer.figures.dot_product`, :mod:`~explainer.figures.softmax`,
:mod:`~explainer.figures.scaling`, :mod:`~explainer.figures.blending`,
:mod:`~explainer.figures.self_attention`, :mod:`~explainer.figures.masks`,
:mod:`~explainer.figures.multi_head`, :mod:`~explainer.figures.glove`
(chapter 9), :mod:`~explainer.figures.trained_heads` (chapter 10) and
:mod:`~explainer.figures.cost` (chapter 12). Each exposes
``FIGURES: tuple[FigureSpec, ...]``, except ``cost``, whose figure reads the
benchmark results and so is built by ``cost.figures(results_dir)``.
:func:`registry` merges them all. Drawing functions return a
:class:`matplotlib.figure.Figure` and never touch pyplot's global state; the
shared drawing helpers and the SVG writer live in :mod:`explainer.figures.draw`.

A spec's ``inputs`` name the data files its figure reads, so a figure cache
can hash their bytes along with the code.
"""

from __future__ import annotations

from pathlib import Path

from explainer.figures.spec import FigureSpec
from explainer.figures.theme import DARK, LIGHT, THEMES, Theme

__all__ = ["DARK", "LIGHT", "THEMES", "FigureSpec", "Theme", "registry"]


def registry(results_dir: Path) -> dict[str, FigureSpec]:
    """Every figure of the site, by name, in chapter order.

    Args:
        results_dir: the benchmark results folder (``benchmarks/results`` in a
            source checkout) that the cost figure reads.

    Returns:
        Each spec under its name.

    Raises:
        ValueError: if two figures share a name.
    """
    from explainer.figures import (
        blending,
        cost,
        dot_product,
        glove,
        intuition,
        masks,
        multi_head,
        scaling,
        self_attention,
        softmax,
        trained_heads,
        training,
        word_order,
    )

    specs = [
        *intuition.FIGURES,
        *dot_product.FIGURES,
        *softmax.FIGURES,
        *scaling.FIGURES,
        *blending.FIGURES,
        *self_attention.FIGURES,
        *masks.FIGURES,
        *word_order.FIGURES,
        *multi_head.FIGURES,
        *glove.FIGURES,
        *trained_heads.FIGURES,
        *training.FIGURES,
        *cost.figures(results_dir),
    ]
    by_name = {spec.name: spec for spec in specs}
    if len(by_name) != len(specs):
        names = [spec.name for spec in specs]
        raise ValueError(f"figures share a name: {sorted({n for n in names if names.count(n) > 1})}")
    return by_name
