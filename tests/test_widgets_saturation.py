"""Tests for the saturation lab widget (explainer.widgets.saturation)."""

from __future__ import annotations

import re

import pytest

from explainer.examples import saturation_lab
from explainer.widgets import compute
from explainer.widgets.common import fmt

NAME = "saturation_lab"


def test_numbers_and_verdicts_come_from_the_example() -> None:
    lab = saturation_lab(64, scaled=True, seed=0)
    result = compute(NAME, {})
    assert result.error is None
    shown = re.findall(r'<span class="explainer-num">([^<]+)</span>', result.html)
    assert shown == [fmt(w, 3) for w in lab.weights]
    measures = (
        (lab.max_weight, lab.max_weight_verdict),
        (lab.gradient_norm, lab.gradient_verdict),
        (lab.entropy, lab.entropy_verdict),
    )
    for value, verdict in measures:
        assert f"<td>{fmt(value)}</td>" in result.html
        assert f"explainer-verdict--{verdict}" in result.html
    assert result.html.startswith('<p class="explainer-verdict-line"><strong>Healthy')


def test_large_unscaled_d_k_is_called_saturated() -> None:
    result = compute(NAME, {"d_k": "1024", "scale": False})
    assert saturation_lab(1024, scaled=False).verdict == "saturated"
    assert "Saturated: with d_k = 1024" in result.html


def test_the_new_scores_button_sets_the_next_seed() -> None:
    assert 'data-set="seed=8"' in compute(NAME, {"seed": "7"}).html
    other = compute(NAME, {"seed": "8"})
    assert other.error is None and "seed 8" in other.html


@pytest.mark.parametrize("d_k", ["0", "1025", "-3", "abc", "64.5", "1e308", "", "NaN"])
def test_d_k_out_of_range_or_not_a_number_is_explained(d_k: str) -> None:
    result = compute(NAME, {"d_k": d_k})
    assert result.error is not None and "d_k" in result.error
    assert result.state["d_k"] == d_k


def test_a_bad_seed_is_explained() -> None:
    assert "seed" in (compute(NAME, {"seed": "-1"}).error or "")
