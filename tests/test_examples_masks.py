"""Tests for explainer.examples.masks: the worked example and table of chapter 7."""

from __future__ import annotations

import math

import numpy as np
import pytest

from explainer.examples import masks
from explainer.examples.masks import MASK_KINDS, MASK_LABELS, mask_example


@pytest.mark.parametrize("kind", MASK_KINDS)
def test_masked_rows_sum_to_one_and_masked_weights_are_exactly_zero(kind: str) -> None:
    ex = mask_example(kind)
    assert ex.tokens == ("policy", "raises", "wages", "jobs")
    assert ex.x.shape == (4, 6) and ex.w_q.shape == (6, 4)
    empty = list(ex.empty_rows)
    assert ex.empty_rows == tuple(int(i) for i in np.flatnonzero(~ex.mask.any(axis=1)))
    np.testing.assert_allclose(np.delete(ex.row_sums, empty), 1.0)
    assert np.all(ex.row_sums[empty] == 0.0)  # a fully masked row: all 0, not NaN
    assert not np.isnan(ex.weights).any()
    assert np.all(ex.weights[~ex.mask] == 0.0)
    assert ex.context.shape == (4, 4)
    np.testing.assert_allclose(ex.context, ex.weights @ (ex.x @ ex.w_v))


def test_mask_kinds_have_the_right_shape_of_mask() -> None:
    assert np.array_equal(mask_example("causal").mask, np.tril(np.ones((4, 4), dtype=bool)))
    assert not mask_example("no_self").mask.diagonal().any()
    assert not mask_example("padding").mask[:, 3].any() and mask_example("padding").mask[:, :3].all()
    assert mask_example("none").mask.all()
    strict_past = np.tril(np.ones((4, 4), dtype=bool), k=-1)
    assert np.array_equal(mask_example("causal_no_self").mask, strict_past)


def test_every_kind_has_a_label_and_only_the_trap_kind_empties_a_row() -> None:
    assert set(MASK_LABELS) == set(MASK_KINDS)
    assert MASK_KINDS[-1] == "causal_no_self"  # the chapter's trap, shown last
    assert {k: mask_example(k).empty_rows for k in MASK_KINDS if mask_example(k).empty_rows} == {
        "causal_no_self": (0,)
    }


def test_the_trap_kind_is_the_trap_of_every_example() -> None:
    trap = mask_example("causal_no_self")
    assert np.array_equal(trap.mask, trap.trap_mask)
    assert np.array_equal(trap.weights, trap.trap_weights)
    assert np.array_equal(trap.context, trap.trap_context)
    assert np.array_equal(mask_example("causal").trap_mask, trap.mask)


def test_projections_are_scaled_by_one_over_root_six() -> None:
    # Same seed, same draws: the stored projections times √6 are the raw normal draws.
    rng = np.random.default_rng(0)
    rng.standard_normal((4, 6))
    np.testing.assert_allclose(mask_example("causal").w_q * math.sqrt(6), rng.standard_normal((6, 4)))


def test_fully_masked_row_gives_zeros_not_nan() -> None:
    ex = mask_example("causal")
    assert ex.trap_rows == (0,)
    assert not ex.trap_mask[0].any()
    assert np.isnan(ex.trap_naive_row).all()  # what a naive softmax would do
    assert np.all(ex.trap_weights[0] == 0.0) and np.all(ex.trap_context[0] == 0.0)
    np.testing.assert_allclose(ex.trap_weights[1:].sum(axis=1), 1.0)


def test_unknown_mask_kind_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match=r"unknown mask kind 'diagonal'.*causal"):
        mask_example("diagonal")


def test_mask_rows_table_shows_rows_that_sum_to_one() -> None:
    assert "mask_rows" in masks.TABLES
    assert all(row[-1] == "1.000" for row in masks.TABLES["mask_rows"]().rows)
