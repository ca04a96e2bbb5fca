"""Tests for explainer.examples.trained_head_jobs: heads with a measurable job (chapter 10)."""

from __future__ import annotations

import pytest

from explainer.examples import tables
from explainer.examples import trained_head_jobs as ex

pytestmark = pytest.mark.usefixtures("minilm_weights")


def test_head_jobs_find_a_previous_word_head() -> None:
    jobs = ex.head_jobs()
    best = jobs.top_previous[0]
    assert best.score == pytest.approx(jobs.previous.max())
    assert best.score > 0.9  # a real, near-perfect previous-word head exists in this model
    assert jobs.modifier_wins.min() >= 0 and jobs.modifier_wins.max() <= len(ex.MODIFIER_PAIRS)


def test_table_is_registered_and_well_formed() -> None:
    table = tables()["trained_head_jobs"]()
    assert table.rows and all(len(r) == len(table.headers) for r in table.rows)
