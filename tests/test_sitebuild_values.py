"""Tests for explainer.sitebuild.values: evaluating and formatting inline values."""

from __future__ import annotations

import types

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explainer.sitebuild import SiteBuildError
from explainer.sitebuild.values import ValueEvaluator, format_value, memoize_calls, public_namespace


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (61.0, None, "61"),
        (0.8807970779778823, None, "0.8808"),
        (2.0611536e-09, None, "2.061 × 10⁻⁹"),
        (np.float64(3.1e26), None, "3.1 × 10²⁶"),
        (7, None, "7"),
        (np.int64(7), ".1f", "7.0"),
        (True, None, "True"),
        ("cat", None, "cat"),
        (np.array([61.0, 8.0, 26.0]), None, "[61, 8, 26]"),
        (np.array([[0.5, 0.25], [1.0, 0.0]]), ".2f", "[[0.50, 0.25], [1.00, 0.00]]"),
        ((0.88, 0.12), ".0%", "[88%, 12%]"),
    ],
)
def test_format_value(value: object, fmt: str | None, expected: str) -> None:
    assert format_value(value, fmt) == expected


@pytest.mark.parametrize("value", [float("nan"), np.array([1.0, np.inf])])
def test_non_finite_numbers_are_refused(value: object) -> None:
    with pytest.raises(SiteBuildError, match="must not show"):
        format_value(value)


def test_objects_must_be_narrowed_to_a_field() -> None:
    with pytest.raises(SiteBuildError, match="select a field"):
        format_value(types.SimpleNamespace(weights=[1.0]))


def test_format_that_does_not_fit_is_reported() -> None:
    with pytest.raises(SiteBuildError, match="format 'd' does not apply"):
        format_value(0.5, "d")


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_default_float_format_round_trips_to_four_digits(x: float) -> None:
    text = format_value(x).replace(" × 10", "e").translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-"))
    assert float(text) == pytest.approx(x, rel=5e-4, abs=0.0)


def test_memoize_calls_computes_once_per_argument_set() -> None:
    calls: list[int] = []

    def example(n: int = 1) -> int:
        calls.append(n)
        return n * 2

    memo = memoize_calls(example)
    assert [memo(), memo(), memo(n=3), memo(n=3), memo([1])] == [2, 2, 6, 6, [1, 1]]
    assert calls == [1, 3, [1]]


def fake_examples() -> types.ModuleType:
    module = types.ModuleType("fake_examples")
    module.__all__ = ["scores", "example"]  # type: ignore[attr-defined]
    module.scores = np.array([61.0, 8.0, 26.0])  # type: ignore[attr-defined]
    module.example = lambda: types.SimpleNamespace(weights=np.array([0.88, 0.12]))  # type: ignore[attr-defined]
    module.hidden = 1  # type: ignore[attr-defined]
    return module


def test_evaluator_sees_public_names_and_safe_builtins_only() -> None:
    values = ValueEvaluator(public_namespace(fake_examples()))
    assert values.render("scores[0]", ".0f") == "61"
    assert values.render("example().weights", ".2f") == "[0.88, 0.12]"
    assert values.render("round(max(scores) / 2)") == "30"
    with pytest.raises(SiteBuildError, match="NameError"):
        values.render("hidden")
    with pytest.raises(SiteBuildError, match="NameError"):
        values.render("open('/etc/passwd')")


def test_evaluator_errors_name_the_expression() -> None:
    values = ValueEvaluator(public_namespace(fake_examples()))
    with pytest.raises(SiteBuildError, match=r"\{\{ scores\[9\] \}\} failed: IndexError"):
        values.render("scores[9]")
    with pytest.raises(SiteBuildError, match="not a Python expression"):
        values.render("scores[")
    with pytest.raises(SiteBuildError, match=r"\{\{ example\(\) \}\}: the value is a SimpleNamespace"):
        values.render("example()")


def test_module_without_all_is_refused() -> None:
    with pytest.raises(SiteBuildError, match="no __all__"):
        public_namespace(types.ModuleType("bare"))


def test_real_examples_namespace_renders_chapter_two() -> None:
    from explainer import examples

    values = ValueEvaluator(public_namespace(examples))
    assert values.render("dot_product_example().scores") == "[61, 8, 26]"
