"""Tests for the step-through widget (explainer.widgets.step_through)."""

from __future__ import annotations

import pytest

from explainer.examples import step_through_example
from explainer.widgets import compute
from explainer.widgets.common import fmt
from explainer.widgets.step_through import STEPS

NAME = "step_through"


@pytest.mark.parametrize("step", range(len(STEPS)))
def test_every_step_renders_with_its_navigation(step: int) -> None:
    result = compute(NAME, {"step": str(step)})
    assert result.error is None and result.state["step"] == str(step)
    assert f"Step {step + 1} of {len(STEPS)}: {STEPS[step]}" in result.html
    assert result.html.count('aria-current="step"') == 1
    assert f'data-set="step={step}" aria-current="step"' in result.html
    assert ("disabled>Previous</button>" in result.html) == (step == 0)
    assert ("disabled>Next</button>" in result.html) == (step == len(STEPS) - 1)
    assert (f'data-set="step={step - 1}"' in result.html) == (step > 0)
    assert (f'data-set="step={step + 1}"' in result.html) == (step < len(STEPS) - 1)
    assert 'data-set="step=-' not in result.html


def test_the_matrices_are_the_examples() -> None:
    ex = step_through_example(1)
    checks = {0: ex.x, 1: ex.q, 2: ex.scores, 3: ex.scaled_scores, 4: ex.output}
    for step, matrix in checks.items():
        html = compute(NAME, {"step": str(step)}).html
        for value in matrix.ravel():
            assert f"<td>{fmt(value, 3)}</td>" in html
    weights = compute(NAME, {"step": "3"}).html
    for value in ex.weights.ravel():
        assert f'data-weight="{float(value)!r}"' in weights


@pytest.mark.parametrize("step", ["5", "-1", "x", "", "1.5", "٣"])
def test_a_step_that_does_not_exist_shows_step_one_and_says_so(step: str) -> None:
    result = compute(NAME, {"step": step})
    assert result.state["step"] == "0"
    assert result.error is not None and "showing step 1" in result.error
    assert "Step 1 of 5" in result.html


def test_another_seed_gives_other_matrices() -> None:
    assert compute(NAME, {"seed": "2"}).html != compute(NAME, {"seed": "1"}).html
    assert "seed" in (compute(NAME, {"seed": "abc"}).error or "")
