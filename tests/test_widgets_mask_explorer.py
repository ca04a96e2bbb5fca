"""Tests for the mask explorer (explainer.widgets.mask_explorer)."""

from __future__ import annotations

import re

import pytest

from explainer.examples import MASK_KINDS, mask_example
from explainer.widgets import compute, prerender

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
    assert result.error is not None and "none, causal, padding, no_self, causal_no_self" in result.error
    assert "<script" not in result.html


def caption(html: str) -> str:
    found = re.search(r'<table class="explainer-heatmap"><caption>([^<]*)</caption>', html)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("kind", [k for k in MASK_KINDS if k != "causal_no_self"])
def test_the_caption_says_every_row_sums_to_one_when_it_does(kind: str) -> None:
    assert caption(compute(NAME, {"kind": kind}).html) == (
        "Attention weights: masked cells (×) are exactly 0; each row sums to 1."
    )


def test_causal_and_no_self_together_is_a_choice_and_its_caption_names_the_empty_row() -> None:
    form = prerender(NAME)
    assert 'value="causal_no_self"' in form and "Causal + no self" in form
    html = compute(NAME, {"kind": "causal_no_self"}).html
    assert caption(html) == (
        "Attention weights: masked cells (×) are exactly 0; each row sums to 1, except row 1 (policy), "
        "which is fully masked: all its weights are 0."
    )
    assert "Row sums: policy 0, raises 1, wages 1, jobs 1." in html
    assert html.count("✗ masked") == 10


def test_the_trap_is_a_disclosure_the_page_keeps_open() -> None:
    html = compute(NAME, {"kind": "none"}).html
    trap = re.search(r"<details([^>]*)><summary>([^<]*)</summary>", html)
    assert trap is not None
    assert 'data-keep="trap"' in trap.group(1) and " open" not in trap.group(1)  # closed until opened
    assert trap.group(2).startswith("The trap:")
    assert "Choose “Causal + no self” above" in html
