"""Tests for explainer.minilm.model against the transformers reference fixture."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from explainer.attention import scaled_dot_product_attention
from explainer.minilm.model import MiniLM, gelu, layer_norm, load_minilm

FIXTURE = Path(__file__).parent / "fixtures" / "minilm_reference.npz"


@pytest.fixture(scope="module")
def model() -> MiniLM:
    try:
        return load_minilm()
    except FileNotFoundError as err:
        pytest.skip(str(err))


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray]:
    with np.load(FIXTURE) as data:
        return {k: data[k] for k in data.files}


def test_matches_reference_tokens_attention_and_hidden_states(
    model: MiniLM, reference: dict[str, np.ndarray]
) -> None:
    sentences = [str(s) for s in reference["model_sentences"]]
    assert len(sentences) >= 5
    for i, text in enumerate(sentences):
        enc = model.encode(text)
        assert list(enc.ids) == reference[f"ids_{i}"].tolist(), text
        n = len(enc.ids)
        assert enc.attentions.shape == reference[f"attentions_{i}"].shape == (6, 12, n, n)
        np.testing.assert_allclose(enc.attentions, reference[f"attentions_{i}"], atol=1e-4, rtol=0)
        np.testing.assert_allclose(enc.hidden_states[-1], reference[f"last_hidden_{i}"], atol=1e-4, rtol=0)


def test_attention_rows_sum_to_one(model: MiniLM) -> None:
    enc = model.encode("The cat sat on the mat")
    np.testing.assert_allclose(enc.attentions.sum(axis=-1), 1.0, atol=1e-12)
    assert enc.hidden_states.shape == (7, 8, 384)


def test_attention_equals_the_core_function(model: MiniLM) -> None:
    """Layer 0's weights are the package's attention over the biased projections."""
    enc = model.encode("river bank")
    x = enc.hidden_states[0]
    w = model.layers[0]
    q = (x @ w.w_q + w.b_q)[:, :32]
    k = (x @ w.w_k + w.b_k)[:, :32]
    _, weights = scaled_dot_product_attention(q, k, k)
    np.testing.assert_allclose(weights, enc.attentions[0, 0], atol=1e-12)


def test_loading_is_cached(model: MiniLM) -> None:
    assert load_minilm() is model


def test_gelu_and_layer_norm() -> None:
    np.testing.assert_allclose(gelu(np.array([0.0, 3.0, -3.0])), [0.0, 2.99595031, -0.00404969], atol=1e-7)
    x = np.array([[1.0, 2.0, 3.0, 4.0]])
    out = layer_norm(x, np.ones(4), np.zeros(4), 1e-12)
    np.testing.assert_allclose(out.mean(), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.var(), 1.0, atol=1e-9)


@pytest.mark.parametrize(
    ("text", "message"), [("", "non-empty"), ("   ", "non-empty"), ("word " * 600, "at most 512")]
)
def test_bad_input_gives_a_clear_message(model: MiniLM, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        model.encode(text)


def test_bad_ids_are_rejected(model: MiniLM) -> None:
    with pytest.raises(ValueError, match="token ids"):
        model.forward([101, 99999, 102])


def test_erf_is_within_float32_precision_of_math_erf() -> None:
    import math

    from explainer.minilm.model import erf

    x = np.concatenate([np.linspace(-6, 6, 20001), [0.0, -0.0, 1e-8, -30.0, 30.0]])
    reference = np.array([math.erf(v) for v in x])
    assert np.abs(erf(x) - reference).max() < 1.2e-7
    assert erf(np.zeros((2, 3))).shape == (2, 3)
    np.testing.assert_array_equal(erf(-x), -erf(x))  # odd
