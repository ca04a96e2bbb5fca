"""Tests for the step-through widget (explainer.widgets.step_through)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from explainer.examples import step_through_example
from explainer.widgets import compute
from explainer.widgets.common import fixed
from explainer.widgets.step_through import DECIMALS, STEPS

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
            assert f"<td>{fixed(value, DECIMALS)}</td>" in html
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


def shown_matrices(html: str) -> dict[str, np.ndarray]:
    """Every matrix table of a step, by the first word of its caption, as the numbers the reader sees."""
    found = {}
    for caption, body in re.findall(r"<caption>([^<]*)</caption>.*?<tbody>(.*?)</tbody>", html, re.S):
        rows = [re.findall(r"<td>([^<]*)</td>", tr) for tr in re.findall(r"<tr>(.*?)</tr>", body)]
        found[caption.split(",")[0]] = np.array([[float(x) for x in r] for r in rows])
    return found


@pytest.mark.parametrize("seed", [1, 2, 7, 123])
def test_a_hand_check_of_the_shown_numbers_adds_up(seed: int) -> None:
    """Q = X W_Q and S = Q Kᵀ computed from the rounded numbers on screen give the numbers on screen."""
    x = shown_matrices(compute(NAME, {"step": "0", "seed": str(seed)}).html)["X"]
    step2 = shown_matrices(compute(NAME, {"step": "1", "seed": str(seed)}).html)
    q, k = step2["Q = X W_Q"], step2["K = X W_K"]
    np.testing.assert_array_equal(np.round(x @ step2["W_Q"], DECIMALS), q)
    np.testing.assert_array_equal(np.round(x @ step2["W_K"], DECIMALS), k)
    np.testing.assert_array_equal(np.round(x @ step2["W_V"], DECIMALS), step2["V = X W_V"])
    s = shown_matrices(compute(NAME, {"step": "2", "seed": str(seed)}).html)["S = Q Kᵀ"]
    assert np.all(np.abs(q @ k.T - s) <= 0.5 * 10.0**-DECIMALS + 1e-9)  # S is exact, shown rounded


def test_every_matrix_is_shown_with_the_same_number_of_decimals() -> None:
    for step in range(len(STEPS)):
        cells = re.findall(r"<td>(-?[0-9.]+)</td>", compute(NAME, {"step": str(step)}).html)
        assert cells and {len(c.split(".")[1]) for c in cells} == {DECIMALS}, step


def test_the_projections_are_called_random_and_the_first_entry_is_worked_out() -> None:
    html = compute(NAME, {"step": "1"}).html
    assert "seeded random matrices, standing in for learned ones" in html
    assert "learned matrices" not in html.lower().replace("standing in for learned ones", "")
    ex = step_through_example(1)
    assert f"= {fixed(ex.q[0, 0], DECIMALS)}." in html and "Row 1, column 1 of Q" in html
