"""Tests for explainer.examples.trained_control: the referent control of chapter 10."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.examples import tables
from explainer.examples import trained_control as ex

pytestmark = pytest.mark.usefixtures("minilm_weights")


def test_control_verdict_agrees_with_the_numbers() -> None:
    ctrl = ex.referent_control()
    assert ctrl.flips.shape == ctrl.follows_subject.shape == (6, 12)
    assert ("None of the 72 heads" in ctrl.verdict) == (not ctrl.flips.any())
    assert "both pairs" in ctrl.verdict
    i, j = ctrl.strongest.layer - 1, ctrl.strongest.head - 1
    for pair in ctrl.pairs:
        w_orig, w_ctrl = pair.original.weights[i, j], pair.control.weights[i, j]
        assert f"{w_orig[0]:.2f} → {w_ctrl[0]:.2f}" in ctrl.strongest_verdict
        np.testing.assert_allclose(
            pair.preference_control, pair.control.weights[..., 0] - pair.control.weights[..., 1]
        )
    follows = "follows the subject" in ctrl.strongest_verdict
    keeps = all(p.control.weights[i, j, 0] > p.control.weights[i, j, 1] + ctrl.margin for p in ctrl.pairs)
    assert (
        follows <= keeps
    )  # the page may only say "follows the subject" where it prefers the subject throughout


def test_tables_are_registered_and_well_formed() -> None:
    registered = tables()
    for name in ("trained_control", "trained_control_summary"):
        table = registered[name]()
        assert table.rows and all(len(r) == len(table.headers) for r in table.rows)
    counts = registered["trained_control_summary"]().rows[0][1:]
    assert sum(int(c) for c in counts) == 72
