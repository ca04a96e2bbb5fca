"""Tests for explainer.figures.training: the training curves of chapter 11."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.examples import training_example
from explainer.figures import training as figs
from explainer.figures.theme import THEMES, Theme

pytest.importorskip("matplotlib")


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_three_panels_draw_every_step(theme: Theme) -> None:
    ex = training_example()
    fig = figs.draw_training_curves(theme)
    assert [ax.get_title(loc="left").split(",")[0] for ax in fig.axes] == [
        "loss",
        "P(ending)",
        'weight from "it"',
    ]
    for ax in fig.axes:
        for line in ax.get_lines()[:2]:  # the two curves; the chance line follows them
            assert len(np.asarray(line.get_xdata())) == ex.steps + 1
            assert line.get_linestyle() in ("-", "--")
    loss, probs, weights = fig.axes
    np.testing.assert_array_equal(np.asarray(loss.get_lines()[0].get_ydata()), ex.loss)
    np.testing.assert_array_equal(np.asarray(probs.get_lines()[0].get_ydata()), ex.p_right)
    np.testing.assert_array_equal(np.asarray(weights.get_lines()[0].get_ydata()), ex.weight_subject)
    assert np.asarray(probs.get_lines()[2].get_ydata())[0] == pytest.approx(1 / 8)  # the chance line


def test_curves_are_told_apart_by_line_style_not_only_colour() -> None:
    fig = figs.draw_training_curves(THEMES[0])
    for ax in fig.axes:
        styles = [line.get_linestyle() for line in ax.get_lines()[:2]]
        assert styles == ["-", "--"]


def test_alt_text_states_the_numbers_before_and_after() -> None:
    ex = training_example()
    alt = figs.training_curves_alt()
    for number in (
        f"{ex.loss[0]:.2f}",
        f"{ex.loss[-1]:.3f}",
        f"{ex.p_right[0]:.2f}",
        f"{ex.p_right[-1]:.3f}",
        f"{ex.weight_subject[0]:.2f}",
        f"{ex.weight_subject[-1]:.3f}",
    ):
        assert number in alt
    assert f"{ex.steps} Adam steps" in alt and f"{len(ex.held_out_sentences)} held-out" in alt
