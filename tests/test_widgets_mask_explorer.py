"""Tests for the mask explorer (explainer.widgets.mask_explorer)."""

from __future__ import annotations

import re

import pytest

from explainer.examples import MASK_KINDS, mask_example
from explainer.widgets import compute

NAME = "mask_explorer"


@pytest.mark.parametrize("kind", MASK_KINDS)
def test_weights_are_the_examples_and_masked_cells_are_marked(kind: str) -> None:
    ex = mask_example(kind)
    result = compute(NAME, {"kind": kind})
    assert result.error is None
    weights = [float(x) for x in re.findall(r'data-weight="([^"]+)"', result.html)]
    assert weights == ex.weights.ravel().tolist()
    assert result.html.count("✗ masked") == int((~ex.mask).sum())
    assert result.html.count(">×</td>") == int((~ex.mask).sum())
    assert "The output A V has shape 4 × 4" in result.html


def test_the_trap_shows_the_naive_nan_and_the_packages_zeros() -> None:
    html = compute(NAME, {"kind": "causal"}).html
    assert "[NaN, NaN, NaN, NaN]" in html and "[0, 0, 0, 0]" in html


@pytest.mark.parametrize("kind", ["", "CAUSAL", "<script>", "all"])
def test_an_unknown_kind_lists_the_choices(kind: str) -> None:
    result = compute(NAME, {"kind": kind})
    assert result.error is not None and "none, causal, padding, no_self" in result.error
    assert "<script" not in result.html
