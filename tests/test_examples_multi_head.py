"""Tests for explainer.examples.multi_head: the worked example of chapter 8."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.attention import scaled_dot_product_attention
from explainer.examples.multi_head import multi_head_example


@pytest.mark.parametrize("n_heads", [1, 2, 4, 8])
def test_multi_head_example_matches_the_package(n_heads: int) -> None:
    ex = multi_head_example(n_heads)
    assert ex.head_weights.shape == (n_heads, 4, 4)
    assert ex.head_outputs.shape == (n_heads, 4, 8 // n_heads)
    np.testing.assert_allclose(ex.head_weights.sum(axis=-1), 1.0)
    assert ex.package_difference < 1e-12
    np.testing.assert_allclose(ex.output, ex.concatenated @ ex.w_o)


def test_one_head_equals_plain_attention() -> None:
    assert multi_head_example(2).one_head_difference < 1e-12
    one = multi_head_example(1)
    plain, weights = scaled_dot_product_attention(one.x @ one.w_q, one.x @ one.w_k, one.x @ one.w_v)
    np.testing.assert_allclose(one.head_weights[0], weights)
    np.testing.assert_allclose(one.output, plain @ one.w_o)


@pytest.mark.parametrize("bad", [0, 3, 16, 2.0])
def test_multi_head_rejects_heads_that_do_not_divide_d_model(bad: object) -> None:
    with pytest.raises(ValueError, match="n_heads"):
        multi_head_example(bad)  # type: ignore[arg-type]
