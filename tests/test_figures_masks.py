"""Tests for explainer.figures.masks: one readable panel per mask kind, the trap included."""

from __future__ import annotations

import pytest

from explainer.examples import MASK_KINDS, MASK_LABELS, mask_example
from explainer.figures import masks as figs
from explainer.figures.theme import THEMES, Theme

pytest.importorskip("matplotlib")


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_every_mask_kind_has_a_titled_panel_with_its_crosses(theme: Theme) -> None:
    fig = figs.draw_mask_weights(theme)
    panels = [ax for ax in fig.axes if ax.get_title(loc="left") in MASK_LABELS.values()]
    assert [ax.get_title(loc="left") for ax in panels] == [MASK_LABELS[k] for k in MASK_KINDS]
    for ax, kind in zip(panels, MASK_KINDS, strict=True):
        crosses = [t for t in ax.texts if t.get_text() == "×"]
        assert len(crosses) == int((~mask_example(kind).mask).sum())


def test_panels_come_in_rows_small_enough_to_read() -> None:
    fig = figs.draw_mask_weights(THEMES[0])
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.axison and ax.images]
    per_row = {round(ax.get_position().y0, 2) for ax in panels}
    assert len(panels) == len(MASK_KINDS)
    assert len(panels) / len(per_row) <= figs.PER_ROW
    width, _ = fig.get_size_inches()
    assert width / figs.PER_ROW >= 3.0  # inches per panel: the numbers in the cells stay legible


def test_alt_text_names_the_fully_masked_row_instead_of_claiming_every_row_sums_to_one() -> None:
    alt = figs.mask_weights_alt()
    assert alt.startswith(f"{len(MASK_KINDS)} heatmaps")
    assert "except row 1 under causal + no self, fully masked and all 0" in alt
    assert "causal + no self: 10 cells masked, first row [0.00, 0.00, 0.00, 0.00]" in alt
