"""Tests for explainer.examples.trained_budget: the browser download budget of chapter 10."""

from __future__ import annotations

import pytest

from explainer.examples import trained_budget as ex

pytestmark = pytest.mark.usefixtures("minilm_weights")


@pytest.mark.glove
def test_browser_budget_is_consistent() -> None:
    b = ex.browser_budget()
    assert b.layers_fp16_mb < b.reduced_fp16_mb < b.fp16_mb < b.fp32_mb
    assert 0 < b.fp16_max_attention_error < 0.01
    assert 0.0 <= b.changed_split_share <= 1.0
