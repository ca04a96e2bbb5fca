"""Chapter 4, why divide by √d_k: saturation, variance and the saturation lab.

The worked numbers of ``docs/scaling.md``: a perfect and a close match in
d_k = 100 dimensions with and without the scale, the measured variance of
q·k against d_k, the saturation curves, and one state of the lab widget with
its verdict thresholds. Arrays in the results are read-only.

This module imports NumPy and the attention core only (it runs in Pyodide).

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762
    (section 3.2.1 gives the reason for the 1/√d_k scale).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike

from explainer.attention import scaled_dot_product_attention, softmax
from explainer.examples.common import check_dims, check_int, fmt_vector, frozen, jacobian_norm
from explainer.examples.table import Table, TableFactory
from explainer.types import FloatArray, IntArray

__all__ = [
    "DEFAULT_DIMS",
    "D_K_RANGE",
    "ENTROPY_HEALTHY_MIN",
    "GRADIENT_HEALTHY_MIN",
    "MAX_WEIGHT_HEALTHY_MAX",
    "SaturationCurve",
    "SaturationExample",
    "SaturationLabState",
    "VarianceExperiment",
    "saturation_curve",
    "saturation_example",
    "saturation_lab",
    "variance_experiment",
]

DEFAULT_DIMS: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
"""The d_k values of the chapter 4 experiments (powers of two)."""

D_K_RANGE: tuple[int, int] = (1, 1024)
"""Smallest and largest d_k the saturation lab accepts."""

MAX_WEIGHT_HEALTHY_MAX = 0.9
"""Lab verdict: a largest weight above this means the softmax is saturated."""

GRADIENT_HEALTHY_MIN = 0.1
"""Lab verdict: a softmax-Jacobian norm below this means gradients vanish."""

ENTROPY_HEALTHY_MIN = 0.25
"""Lab verdict: a normalised entropy below this means the weights are nearly one-hot."""


@dataclass(frozen=True)
class SaturationExample:
    """Chapter 4: a perfect and a close match in d_k dimensions, unscaled and scaled.

    Attributes:
        d_k: the dimension.
        q: the query, all ones, shape ``(d_k,)``.
        k1: the perfect match, all ones, shape ``(d_k,)``.
        k2: the close match, all 0.8, shape ``(d_k,)``.
        unscaled_scores: ``[q·k1, q·k2]``, shape ``(2,)``; [100, 80] for d_k = 100.
        unscaled_weights: their softmax, shape ``(2,)``; about [1, 2·10⁻⁹].
        scale: ``1 / √d_k``.
        scaled_scores: ``unscaled_scores · scale``, shape ``(2,)``; [10, 8].
        scaled_weights: their softmax, shape ``(2,)``; about [0.88, 0.12].
        unscaled_gradient: softmax-Jacobian norm at ``unscaled_weights``.
        scaled_gradient: softmax-Jacobian norm at ``scaled_weights``.
    """

    d_k: int
    q: FloatArray
    k1: FloatArray
    k2: FloatArray
    unscaled_scores: FloatArray
    unscaled_weights: FloatArray
    scale: float
    scaled_scores: FloatArray
    scaled_weights: FloatArray
    unscaled_gradient: float
    scaled_gradient: float


def saturation_example(d_k: int = 100) -> SaturationExample:
    """q = ones, k1 = ones, k2 = 0.8·ones in ``d_k`` dimensions, with and without 1/√d_k.

    Args:
        d_k: the dimension, at least 1.

    Raises:
        ValueError: if ``d_k`` is not a positive integer.

    Example:
        >>> ex = saturation_example()
        >>> ex.unscaled_scores.round(9).tolist(), ex.scaled_scores.round(9).tolist()
        ([100.0, 80.0], [10.0, 8.0])
        >>> ex.scaled_weights.round(2).tolist()
        [0.88, 0.12]
    """
    d_k = check_int("d_k", d_k, 1)
    q = np.ones(d_k)  # (d_k,)
    keys = np.stack([np.ones(d_k), np.full(d_k, 0.8)])  # (2, d_k)
    unscaled = keys @ q  # (2,)
    scale = 1.0 / math.sqrt(d_k)
    _, w_unscaled = scaled_dot_product_attention(q[None, :], keys, keys, scale=1.0)  # (1, 2)
    _, w_scaled = scaled_dot_product_attention(q[None, :], keys, keys)  # (1, 2)
    return SaturationExample(
        d_k=d_k,
        q=frozen(q),
        k1=frozen(keys[0]),
        k2=frozen(keys[1]),
        unscaled_scores=frozen(unscaled),
        unscaled_weights=frozen(w_unscaled[0]),
        scale=scale,
        scaled_scores=frozen(unscaled * scale),
        scaled_weights=frozen(w_scaled[0]),
        unscaled_gradient=float(jacobian_norm(w_unscaled[0])),
        scaled_gradient=float(jacobian_norm(w_scaled[0])),
    )


@dataclass(frozen=True)
class VarianceExperiment:
    """Chapter 4: empirical variance of q·k for random q, k against d_k.

    Components of q and k are independent standard normals, so in theory
    Var(q·k) = d_k unscaled and 1 after dividing by √d_k.

    Attributes:
        dims: the d_k values, shape ``(n_dims,)``.
        n_samples: (q, k) pairs drawn per d_k.
        seed: seed of the generator.
        unscaled_variance: sample variance of q·k, shape ``(n_dims,)``.
        scaled_variance: sample variance of q·k / √d_k, shape ``(n_dims,)``.
        scaled_standard_error: the theoretical standard error of
            ``scaled_variance``, ``√((2 + 6/d_k) / n_samples)``, shape ``(n_dims,)``.
    """

    dims: IntArray
    n_samples: int
    seed: int
    unscaled_variance: FloatArray
    scaled_variance: FloatArray
    scaled_standard_error: FloatArray


def variance_experiment(
    dims: ArrayLike = DEFAULT_DIMS, n_samples: int = 4000, seed: int = 0
) -> VarianceExperiment:
    """Measure Var(q·k) and Var(q·k/√d_k) for standard-normal q, k.

    The standard error comes from Var(X²) = 2d² + 6d for X = q·k (each term
    q_i k_i has variance 1 and fourth moment 9), divided by d² after scaling.

    Args:
        dims: the d_k values, each ≥ 1.
        n_samples: number of (q, k) pairs per d_k, at least 2.
        seed: seed for ``np.random.default_rng``.

    Raises:
        ValueError: on empty or non-positive dims or too few samples.

    Example:
        >>> ex = variance_experiment(dims=[4, 64], n_samples=2000, seed=0)
        >>> bool(np.all(np.abs(ex.scaled_variance - 1) < 5 * ex.scaled_standard_error))
        True
    """
    checked = check_dims(dims)
    n_samples = check_int("n_samples", n_samples, 2)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    unscaled = []
    for d_k in checked:
        q = rng.standard_normal((n_samples, d_k))  # (n_samples, d_k)
        k = rng.standard_normal((n_samples, d_k))  # (n_samples, d_k)
        unscaled.append(float(np.var(np.sum(q * k, axis=-1), ddof=1)))
    dims_arr = np.array(checked, dtype=np.int64)  # (n_dims,)
    unscaled_arr = np.array(unscaled)  # (n_dims,)
    stderr = np.sqrt((2.0 + 6.0 / dims_arr) / n_samples)  # (n_dims,)
    return VarianceExperiment(
        dims=frozen(dims_arr, np.int64),
        n_samples=n_samples,
        seed=seed,
        unscaled_variance=frozen(unscaled_arr),
        scaled_variance=frozen(unscaled_arr / dims_arr),
        scaled_standard_error=frozen(stderr),
    )


@dataclass(frozen=True)
class SaturationCurve:
    """Chapter 4: how saturated softmax gets as d_k grows, scaled and unscaled.

    For each d_k, ``n_trials`` random queries are scored against ``n_keys``
    random keys (standard-normal components); the values are means over trials.

    Attributes:
        dims: the d_k values, shape ``(n_dims,)``.
        n_keys: keys per query.
        n_trials: queries per d_k.
        seed: seed of the generator.
        unscaled_max_weight: mean largest weight without the scale, shape ``(n_dims,)``.
        scaled_max_weight: mean largest weight with 1/√d_k, shape ``(n_dims,)``.
        unscaled_gradient: mean softmax-Jacobian norm without the scale, shape ``(n_dims,)``.
        scaled_gradient: mean softmax-Jacobian norm with 1/√d_k, shape ``(n_dims,)``.
    """

    dims: IntArray
    n_keys: int
    n_trials: int
    seed: int
    unscaled_max_weight: FloatArray
    scaled_max_weight: FloatArray
    unscaled_gradient: FloatArray
    scaled_gradient: FloatArray


def _saturation_at(d_k: int, n_keys: int, n_trials: int, rng: np.random.Generator) -> FloatArray:
    """``[max_w unscaled, max_w scaled, grad unscaled, grad scaled]`` at one d_k, shape ``(4,)``."""
    q = rng.standard_normal((n_trials, 1, d_k))  # (n_trials, 1, d_k)
    k = rng.standard_normal((n_trials, n_keys, d_k))  # (n_trials, n_keys, d_k)
    _, w_raw = scaled_dot_product_attention(q, k, k, scale=1.0)  # (n_trials, 1, n_keys)
    _, w_scaled = scaled_dot_product_attention(q, k, k)  # (n_trials, 1, n_keys)
    max_weights = (w_raw.max(axis=-1).mean(), w_scaled.max(axis=-1).mean())
    gradients = (jacobian_norm(w_raw).mean(), jacobian_norm(w_scaled).mean())
    return np.array([*max_weights, *gradients])


def saturation_curve(
    dims: ArrayLike = DEFAULT_DIMS, seed: int = 0, *, n_keys: int = 8, n_trials: int = 200
) -> SaturationCurve:
    """Largest softmax weight and softmax-Jacobian norm against d_k.

    Args:
        dims: the d_k values, each ≥ 1.
        seed: seed for ``np.random.default_rng``.
        n_keys: keys each query is scored against, at least 2.
        n_trials: random queries averaged per d_k, at least 1.

    Raises:
        ValueError: on bad dims, counts or seed.

    Example:
        >>> c = saturation_curve(dims=[4, 256], seed=0)
        >>> bool(c.unscaled_max_weight[1] > 0.9 > c.scaled_max_weight[1])
        True
    """
    checked = check_dims(dims)
    n_keys = check_int("n_keys", n_keys, 2)
    n_trials = check_int("n_trials", n_trials, 1)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    rows = np.array([_saturation_at(d, n_keys, n_trials, rng) for d in checked])  # (n_dims, 4)
    return SaturationCurve(
        dims=frozen(checked, np.int64),
        n_keys=n_keys,
        n_trials=n_trials,
        seed=seed,
        unscaled_max_weight=frozen(rows[:, 0]),
        scaled_max_weight=frozen(rows[:, 1]),
        unscaled_gradient=frozen(rows[:, 2]),
        scaled_gradient=frozen(rows[:, 3]),
    )


@dataclass(frozen=True)
class SaturationLabState:
    """Chapter 4 lab: one state of the d_k slider and scaling switch.

    Attributes:
        d_k: the dimension of the random query and keys.
        scaled: whether the scores were divided by √d_k.
        seed: seed of the generator.
        n_keys: number of keys.
        scores: the (possibly scaled) scores, shape ``(n_keys,)``.
        weights: their softmax, shape ``(n_keys,)``.
        gradient_norm: Frobenius norm of the softmax Jacobian at ``weights``.
        max_weight: the largest weight.
        entropy: normalised entropy of ``weights`` (0 one-hot, 1 uniform).
        gradient_verdict: "healthy" if ``gradient_norm ≥ GRADIENT_HEALTHY_MIN``, else "saturated".
        max_weight_verdict: "healthy" if ``max_weight ≤ MAX_WEIGHT_HEALTHY_MAX``, else "saturated".
        entropy_verdict: "healthy" if ``entropy ≥ ENTROPY_HEALTHY_MIN``, else "saturated".
    """

    d_k: int
    scaled: bool
    seed: int
    n_keys: int
    scores: FloatArray
    weights: FloatArray
    gradient_norm: float
    max_weight: float
    entropy: float
    gradient_verdict: str
    max_weight_verdict: str
    entropy_verdict: str

    @property
    def verdict(self) -> str:
        """Overall: "saturated" if any measure says so, else "healthy"."""
        verdicts = (self.gradient_verdict, self.max_weight_verdict, self.entropy_verdict)
        return "saturated" if "saturated" in verdicts else "healthy"

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready values (lists for arrays), one per field, then ``verdict``."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        plain = {name: v.tolist() if isinstance(v, np.ndarray) else v for name, v in values.items()}
        return {**plain, "verdict": self.verdict}


def _normalised_entropy(weights: FloatArray) -> float:
    """Shannon entropy of ``weights`` (shape ``(n,)``) divided by log n; 0·log 0 counts as 0."""
    positive = weights[weights > 0]  # (m,)
    return float(-np.sum(positive * np.log(positive)) / math.log(len(weights)))


def saturation_lab(d_k: int, scaled: bool, seed: int = 0, n_keys: int = 8) -> SaturationLabState:
    """One state of the saturation lab: random scores in d_k dimensions.

    The query and the keys have independent standard-normal components, so
    unscaled scores have standard deviation √d_k; scaling brings it back to 1.

    Args:
        d_k: dimension, within ``D_K_RANGE`` (1 to 1024).
        scaled: divide the scores by √d_k.
        seed: seed for ``np.random.default_rng``, ≥ 0.
        n_keys: number of keys, 2 to 64.

    Raises:
        ValueError: if an argument is out of range or of the wrong type.

    Example:
        >>> saturation_lab(512, scaled=False).verdict, saturation_lab(512, scaled=True).verdict
        ('saturated', 'healthy')
    """
    d_k = check_int("d_k", d_k, *D_K_RANGE)
    if not isinstance(scaled, bool | np.bool_):
        raise ValueError(f"scaled must be True or False, got {scaled!r}")
    seed = check_int("seed", seed, 0)
    n_keys = check_int("n_keys", n_keys, 2, 64)
    rng = np.random.default_rng(seed)
    q = rng.standard_normal(d_k)  # (d_k,)
    k = rng.standard_normal((n_keys, d_k))  # (n_keys, d_k)
    scores = (k @ q) / (math.sqrt(d_k) if scaled else 1.0)  # (n_keys,)
    weights = softmax(scores)  # (n_keys,)
    grad, top, ent = float(jacobian_norm(weights)), float(weights.max()), _normalised_entropy(weights)
    return SaturationLabState(
        d_k=d_k,
        scaled=bool(scaled),
        seed=seed,
        n_keys=n_keys,
        scores=frozen(scores),
        weights=frozen(weights),
        gradient_norm=grad,
        max_weight=top,
        entropy=ent,
        gradient_verdict="healthy" if grad >= GRADIENT_HEALTHY_MIN else "saturated",
        max_weight_verdict="healthy" if top <= MAX_WEIGHT_HEALTHY_MAX else "saturated",
        entropy_verdict="healthy" if ent >= ENTROPY_HEALTHY_MIN else "saturated",
    )


def saturation_table() -> Table:
    """Chapter 4: the d_k = 100 example, unscaled and scaled."""
    ex = saturation_example()
    cases = (  # the weights and the gradient of a case share one format
        ("unscaled", ex.unscaled_scores, ex.unscaled_weights, ex.unscaled_gradient, ".2g"),
        ("scaled by 1/√d_k", ex.scaled_scores, ex.scaled_weights, ex.scaled_gradient, ".3f"),
    )
    rows = tuple(
        (label, fmt_vector(scores, ".0f"), fmt_vector(weights, fmt), format(gradient, fmt))
        for label, scores, weights, gradient, fmt in cases
    )
    return Table(headers=("", "scores", "weights", "softmax-Jacobian norm"), rows=rows)


def variance_table() -> Table:
    """Chapter 4: empirical variance of q·k against d_k."""
    ex = variance_experiment()
    rows = tuple(
        (str(d), f"{u:.2f}", f"{s:.3f}")
        for d, u, s in zip(ex.dims, ex.unscaled_variance, ex.scaled_variance, strict=True)
    )
    return Table(headers=("d_k", "Var(q·k)", "Var(q·k / √d_k)"), rows=rows)


TABLES: dict[str, TableFactory] = {"saturation_table": saturation_table, "variance_table": variance_table}
