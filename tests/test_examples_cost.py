"""Tests for explainer.examples.cost: the counts and measurements of chapter 12."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.examples import cost
from explainer.examples.cost import cost_example


def test_cost_example_counts_and_measures() -> None:
    ex = cost_example(ns=[16, 64, 256], d_k=8)
    assert ex.flops_scores.tolist() == [2 * n * n * 8 for n in (16, 64, 256)]
    assert ex.weight_bytes_float64.tolist() == [n * n * 8 for n in (16, 64, 256)]
    assert ex.weight_bytes_float32.tolist() == [n * n * 4 for n in (16, 64, 256)]
    # Attention holds at least the n × n scores and weights in float64 at its peak.
    assert np.all(ex.peak_bytes >= 2 * ex.weight_bytes_float64)
    assert np.all(np.diff(ex.peak_bytes) > 0)


def test_cost_example_is_deterministic() -> None:
    assert cost_example().peak_bytes.tolist() == cost_example().peak_bytes.tolist()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ns": []}, "at least one"),
        ({"ns": [0]}, "n"),
        ({"ns": [10_000]}, "at most 8192"),
        ({"d_k": 0}, "d_k"),
    ],
)
def test_cost_example_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cost_example(**kwargs)  # type: ignore[arg-type]


def test_cost_table_is_registered() -> None:
    assert "cost_table" in cost.TABLES
