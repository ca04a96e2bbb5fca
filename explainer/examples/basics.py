"""Worked examples of chapters 2-8, 11 and 12, as frozen dataclasses.

Each function computes one example of the site from stated inputs and returns
every intermediate step, so a page, a widget, a notebook and a test all show
the same numbers. Arrays in the results are read-only.

This module imports NumPy and the attention core only (it runs in Pyodide).

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762
    (section 3.2.1 gives the reason for the 1/√d_k scale).
"""

from __future__ import annotations

import functools
import gc
import math
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from explainer.attention import (
    causal_mask,
    fully_masked_rows,
    merge_heads,
    multi_head_attention,
    no_self_mask,
    padding_mask,
    scaled_dot_product_attention,
    softmax,
    softmax_jacobian,
    split_heads,
)
from explainer.examples.table import Table, TableFactory

__all__ = [
    "DEFAULT_DIMS",
    "D_K_RANGE",
    "ENTROPY_HEALTHY_MIN",
    "GRADIENT_HEALTHY_MIN",
    "MASK_KINDS",
    "MAX_WEIGHT_HEALTHY_MAX",
    "CostExample",
    "DotProductExample",
    "MaskExample",
    "MultiHeadExample",
    "SaturationCurve",
    "SaturationExample",
    "SaturationLabState",
    "SoftmaxExample",
    "StepThroughExample",
    "TrainingExample",
    "ValueBlendExample",
    "VarianceExperiment",
    "cost_example",
    "dot_product_example",
    "mask_example",
    "multi_head_example",
    "saturation_curve",
    "saturation_example",
    "saturation_lab",
    "softmax_example",
    "step_through_example",
    "training_example",
    "value_blend_example",
    "variance_experiment",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
MaskKind = Literal["causal", "padding", "no_self", "none"]

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

MASK_KINDS: tuple[MaskKind, ...] = ("none", "causal", "padding", "no_self")
"""The mask kinds of chapter 7, in the order the pages show them."""


def _frozen(x: ArrayLike, dtype: type = np.float64) -> Any:
    """A read-only copy of ``x``, so a frozen dataclass really is frozen."""
    arr: NDArray[Any] = np.array(x, dtype=dtype)
    arr.flags.writeable = False
    return arr


def _check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    """Return ``value`` as an int if it is one within ``[low, high]``, else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        upper = "" if high is None else f" and at most {high}"
        raise ValueError(f"{name} must be at least {low}{upper}, got {value}")
    return int(value)


def _check_dims(dims: ArrayLike) -> tuple[int, ...]:
    """Validate a non-empty sequence of positive integer dimensions."""
    values = tuple(np.atleast_1d(np.asarray(dims)).tolist())
    if not values:
        raise ValueError("dims must list at least one d_k")
    return tuple(_check_int("every d_k in dims", d, 1) for d in values)


def _jacobian_norm(weights: ArrayLike) -> FloatArray:
    """Frobenius norm of the softmax Jacobian at ``weights``, shape ``(...,)``."""
    jac = softmax_jacobian(weights)  # (..., n, n)
    norms: FloatArray = np.sqrt(np.sum(jac**2, axis=(-2, -1)))  # (...,)
    return norms


def _fmt_vector(v: ArrayLike, fmt: str = ".2f") -> str:
    """Format a vector as ``[a, b, c]`` for a table cell."""
    return "[" + ", ".join(format(float(x), fmt) for x in np.ravel(v)) + "]"


# --- Chapter 2: the dot product ------------------------------------------------------------


@dataclass(frozen=True)
class DotProductExample:
    """Chapter 2: one query scored against three keys by dot products.

    Attributes:
        query: the query q, shape ``(2,)``.
        key_names: the keys' names, ``("C", "A", "B")``.
        keys: the keys, one per row, shape ``(3, 2)``.
        terms: the products ``q[j] * key[j]`` before summing, shape ``(3, 2)``.
        scores: ``q · key`` for each key, shape ``(3,)``.
    """

    query: FloatArray
    key_names: tuple[str, ...]
    keys: FloatArray
    terms: FloatArray
    scores: FloatArray

    @property
    def best_key(self) -> str:
        """Name of the key with the highest score."""
        return self.key_names[int(np.argmax(self.scores))]


def dot_product_example() -> DotProductExample:
    """q = [2, 3] against C = [11, 13], A = [1, 2], B = [4, 6]: scores 61, 8, 26.

    Example:
        >>> dot_product_example().scores.tolist()
        [61.0, 8.0, 26.0]
    """
    query = np.array([2.0, 3.0])  # (2,)
    keys = np.array([[11.0, 13.0], [1.0, 2.0], [4.0, 6.0]])  # (3, 2)
    terms = keys * query  # (3, 2)
    scores = keys @ query  # (3,)
    return DotProductExample(_frozen(query), ("C", "A", "B"), _frozen(keys), _frozen(terms), _frozen(scores))


# --- Chapter 3: softmax --------------------------------------------------------------------


@dataclass(frozen=True)
class SoftmaxExample:
    """Chapter 3: softmax of the chapter 2 scores, naive and max-shifted.

    Attributes:
        scores: the scores [61, 8, 26], shape ``(3,)``.
        exps: ``e^score``, shape ``(3,)`` (e^61 is about 3·10²⁶).
        total: ``Σ e^score``.
        weights: ``exps / total``, shape ``(3,)``.
        shift: the row maximum subtracted in the stable form (61).
        shifted_scores: ``scores - shift``, shape ``(3,)``; all ≤ 0.
        shifted_exps: ``e^(score - shift)``, shape ``(3,)``; all in (0, 1].
        shifted_total: ``Σ e^(score - shift)``.
        stable_weights: ``shifted_exps / shifted_total``, shape ``(3,)``.
        max_difference: largest ``|weights - stable_weights|`` (rounding only).
        package_weights: ``explainer.attention.softmax(scores)``, shape ``(3,)``.
        overflow_scores: the scores times 20, shape ``(3,)``, where ``e^x``
            overflows float64 (above about 709).
        overflow_naive: the naive formula on those: NaN where it overflowed.
        overflow_stable: the max-shifted formula on those: finite weights.
    """

    scores: FloatArray
    exps: FloatArray
    total: float
    weights: FloatArray
    shift: float
    shifted_scores: FloatArray
    shifted_exps: FloatArray
    shifted_total: float
    stable_weights: FloatArray
    max_difference: float
    package_weights: FloatArray
    overflow_scores: FloatArray
    overflow_naive: FloatArray
    overflow_stable: FloatArray


def _naive_softmax(scores: FloatArray) -> FloatArray:
    """``e^x / Σ e^x`` without the shift; overflows to NaN on large scores (on purpose)."""
    with np.errstate(over="ignore", invalid="ignore"):
        exps = np.exp(scores)  # (n,)
        weights: FloatArray = exps / np.sum(exps)  # (n,)
    return weights


def softmax_example() -> SoftmaxExample:
    """Softmax of [61, 8, 26], by the definition and by the max-shifted form.

    Example:
        >>> ex = softmax_example()
        >>> round(float(ex.weights[0]), 12), ex.max_difference < 1e-15
        (1.0, True)
    """
    scores = dot_product_example().scores.copy()  # (3,)
    exps = np.exp(scores)  # (3,)
    shift = float(np.max(scores))
    shifted_exps = np.exp(scores - shift)  # (3,)
    weights = exps / exps.sum()  # (3,)
    stable = shifted_exps / shifted_exps.sum()  # (3,)
    overflow = scores * 20.0  # (3,)
    return SoftmaxExample(
        scores=_frozen(scores),
        exps=_frozen(exps),
        total=float(exps.sum()),
        weights=_frozen(weights),
        shift=shift,
        shifted_scores=_frozen(scores - shift),
        shifted_exps=_frozen(shifted_exps),
        shifted_total=float(shifted_exps.sum()),
        stable_weights=_frozen(stable),
        max_difference=float(np.max(np.abs(weights - stable))),
        package_weights=_frozen(softmax(scores)),
        overflow_scores=_frozen(overflow),
        overflow_naive=_frozen(_naive_softmax(overflow)),
        overflow_stable=_frozen(softmax(overflow)),
    )


# --- Chapter 4: why divide by √d_k ---------------------------------------------------------


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
    d_k = _check_int("d_k", d_k, 1)
    q = np.ones(d_k)  # (d_k,)
    keys = np.stack([np.ones(d_k), np.full(d_k, 0.8)])  # (2, d_k)
    unscaled = keys @ q  # (2,)
    scale = 1.0 / math.sqrt(d_k)
    _, w_unscaled = scaled_dot_product_attention(q[None, :], keys, keys, scale=1.0)  # (1, 2)
    _, w_scaled = scaled_dot_product_attention(q[None, :], keys, keys)  # (1, 2)
    return SaturationExample(
        d_k=d_k,
        q=_frozen(q),
        k1=_frozen(keys[0]),
        k2=_frozen(keys[1]),
        unscaled_scores=_frozen(unscaled),
        unscaled_weights=_frozen(w_unscaled[0]),
        scale=scale,
        scaled_scores=_frozen(unscaled * scale),
        scaled_weights=_frozen(w_scaled[0]),
        unscaled_gradient=float(_jacobian_norm(w_unscaled[0])),
        scaled_gradient=float(_jacobian_norm(w_scaled[0])),
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

    dims: NDArray[np.int64]
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
    checked = _check_dims(dims)
    n_samples = _check_int("n_samples", n_samples, 2)
    rng = np.random.default_rng(_check_int("seed", seed, 0))
    unscaled = []
    for d_k in checked:
        q = rng.standard_normal((n_samples, d_k))  # (n_samples, d_k)
        k = rng.standard_normal((n_samples, d_k))  # (n_samples, d_k)
        unscaled.append(float(np.var(np.sum(q * k, axis=-1), ddof=1)))
    dims_arr = np.array(checked, dtype=np.int64)  # (n_dims,)
    unscaled_arr = np.array(unscaled)  # (n_dims,)
    stderr = np.sqrt((2.0 + 6.0 / dims_arr) / n_samples)  # (n_dims,)
    return VarianceExperiment(
        _frozen(dims_arr, np.int64), n_samples, seed, _frozen(unscaled_arr),
        _frozen(unscaled_arr / dims_arr), _frozen(stderr),
    )  # fmt: skip


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

    dims: NDArray[np.int64]
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
    return np.array([
        w_raw.max(axis=-1).mean(), w_scaled.max(axis=-1).mean(),
        _jacobian_norm(w_raw).mean(), _jacobian_norm(w_scaled).mean(),
    ])  # fmt: skip


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
    checked = _check_dims(dims)
    n_keys = _check_int("n_keys", n_keys, 2)
    n_trials = _check_int("n_trials", n_trials, 1)
    rng = np.random.default_rng(_check_int("seed", seed, 0))
    rows = np.array([_saturation_at(d, n_keys, n_trials, rng) for d in checked])  # (n_dims, 4)
    return SaturationCurve(
        _frozen(checked, np.int64), n_keys, n_trials, seed,
        *(_frozen(rows[:, i]) for i in range(4)),
    )  # fmt: skip


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
        """Plain JSON-ready values (lists for arrays), including ``verdict``."""
        return {
            "d_k": self.d_k, "scaled": self.scaled, "seed": self.seed, "n_keys": self.n_keys,
            "scores": self.scores.tolist(), "weights": self.weights.tolist(),
            "gradient_norm": self.gradient_norm, "max_weight": self.max_weight, "entropy": self.entropy,
            "gradient_verdict": self.gradient_verdict, "max_weight_verdict": self.max_weight_verdict,
            "entropy_verdict": self.entropy_verdict, "verdict": self.verdict,
        }  # fmt: skip


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
    d_k = _check_int("d_k", d_k, *D_K_RANGE)
    if not isinstance(scaled, bool | np.bool_):
        raise ValueError(f"scaled must be True or False, got {scaled!r}")
    seed = _check_int("seed", seed, 0)
    n_keys = _check_int("n_keys", n_keys, 2, 64)
    rng = np.random.default_rng(seed)
    q = rng.standard_normal(d_k)  # (d_k,)
    k = rng.standard_normal((n_keys, d_k))  # (n_keys, d_k)
    scores = (k @ q) / (math.sqrt(d_k) if scaled else 1.0)  # (n_keys,)
    weights = softmax(scores)  # (n_keys,)
    grad, top, ent = float(_jacobian_norm(weights)), float(weights.max()), _normalised_entropy(weights)
    return SaturationLabState(
        d_k, bool(scaled), seed, n_keys, _frozen(scores), _frozen(weights), grad, top, ent,
        "healthy" if grad >= GRADIENT_HEALTHY_MIN else "saturated",
        "healthy" if top <= MAX_WEIGHT_HEALTHY_MAX else "saturated",
        "healthy" if ent >= ENTROPY_HEALTHY_MIN else "saturated",
    )  # fmt: skip


# --- Chapter 5: blending the values --------------------------------------------------------


@dataclass(frozen=True)
class ValueBlendExample:
    """Chapter 5: the output as a weighted blend of two value vectors.

    Attributes:
        weights: the scaled weights of :func:`saturation_example`, shape ``(2,)``.
        values: the value vectors v1, v2 as rows, shape ``(2, 2)``.
        output: ``Σ wᵢ vᵢ``, shape ``(2,)``.
        position: where the output lies on the segment from v1 (0) to v2 (1).
        inside_hull: whether the output lies on that segment (the convex hull).
    """

    weights: FloatArray
    values: FloatArray
    output: FloatArray
    position: float
    inside_hull: bool


def value_blend_example() -> ValueBlendExample:
    """Blend v1 = [1, 3] and v2 = [4, 1] with the chapter 4 weights (about 0.88, 0.12).

    Example:
        >>> ex = value_blend_example()
        >>> ex.inside_hull, round(ex.position, 2)
        (True, 0.12)
    """
    weights = saturation_example().scaled_weights.copy()  # (2,)
    values = np.array([[1.0, 3.0], [4.0, 1.0]])  # (2, 2)
    output = weights @ values  # (2,)
    direction = values[1] - values[0]  # (2,)
    position = float((output - values[0]) @ direction / (direction @ direction))
    off_line = float(np.linalg.norm(output - (values[0] + position * direction)))
    inside = bool(off_line < 1e-12 and 0.0 <= position <= 1.0)
    return ValueBlendExample(_frozen(weights), _frozen(values), _frozen(output), position, inside)


# --- Chapter 6: self-attention in matrix form ----------------------------------------------


@dataclass(frozen=True)
class StepThroughExample:
    """Chapter 6: every matrix of self-attention on 3 words with 4-dim vectors.

    Attributes:
        tokens: the three words.
        x: token vectors X, shape ``(3, 4)`` (seeded, rounded to one decimal).
        w_q: query projection W_Q, shape ``(4, 4)`` (seeded, one decimal).
        w_k: key projection W_K, shape ``(4, 4)``.
        w_v: value projection W_V, shape ``(4, 4)``.
        q: ``X W_Q``, shape ``(3, 4)``.
        k: ``X W_K``, shape ``(3, 4)``.
        v: ``X W_V``, shape ``(3, 4)``.
        scores: ``S = Q Kᵀ``, shape ``(3, 3)``.
        scaled_scores: ``S / √d_k``, shape ``(3, 3)``.
        mask: all True (no mask in this example), shape ``(3, 3)``.
        weights: ``A = softmax(S / √d_k)`` row-wise, shape ``(3, 3)``.
        output: ``Z = A V``, shape ``(3, 4)``.
    """

    tokens: tuple[str, ...]
    x: FloatArray
    w_q: FloatArray
    w_k: FloatArray
    w_v: FloatArray
    q: FloatArray
    k: FloatArray
    v: FloatArray
    scores: FloatArray
    scaled_scores: FloatArray
    mask: BoolArray
    weights: FloatArray
    output: FloatArray

    @property
    def d_k(self) -> int:
        """Width of the queries and keys."""
        return int(self.q.shape[-1])


def step_through_example(seed: int = 1) -> StepThroughExample:
    """Self-attention on "cats chase mice" with seeded X and projections.

    Args:
        seed: seed for ``np.random.default_rng``, ≥ 0. The default, 1, gives
            weights that visibly differ from row to row.

    Example:
        >>> ex = step_through_example()
        >>> ex.weights.shape, bool(np.allclose(ex.weights.sum(axis=1), 1))
        ((3, 3), True)
    """
    rng = np.random.default_rng(_check_int("seed", seed, 0))
    # One decimal keeps every input readable on the page and checkable by hand.
    x = rng.standard_normal((3, 4)).round(1) + 0.0  # (3, 4); "+ 0.0" turns -0.0 into 0.0
    w_q, w_k, w_v = (rng.normal(0.0, 0.5, (4, 4)).round(1) + 0.0 for _ in range(3))  # (4, 4) each
    q, k, v = x @ w_q, x @ w_k, x @ w_v  # (3, 4) each
    scores = q @ k.T  # (3, 3)
    mask = np.ones((3, 3), dtype=bool)  # (3, 3)
    output, weights = scaled_dot_product_attention(q, k, v, mask=mask)  # (3, 4), (3, 3)
    return StepThroughExample(
        tokens=("cats", "chase", "mice"), x=_frozen(x), w_q=_frozen(w_q), w_k=_frozen(w_k),
        w_v=_frozen(w_v), q=_frozen(q), k=_frozen(k), v=_frozen(v), scores=_frozen(scores),
        scaled_scores=_frozen(scores / math.sqrt(4)), mask=_frozen(mask, np.bool_),
        weights=_frozen(weights), output=_frozen(output),
    )  # fmt: skip


def step_through_shapes() -> Table:
    """The shape of every matrix in :func:`step_through_example`."""
    ex = step_through_example()
    steps = (
        ("tokens", "X", ex.x), ("queries", "Q = X W_Q", ex.q), ("keys", "K = X W_K", ex.k),
        ("values", "V = X W_V", ex.v), ("scores", "S = Q Kᵀ", ex.scores),
        ("scaled scores", "S / √d_k", ex.scaled_scores), ("weights", "A = softmax(S / √d_k)", ex.weights),
        ("output", "Z = A V", ex.output),
    )  # fmt: skip
    rows = tuple((name, f"`{formula}`", " × ".join(map(str, a.shape))) for name, formula, a in steps)
    return Table(("step", "formula", "shape"), rows)


# --- Chapter 7: masks ----------------------------------------------------------------------


@dataclass(frozen=True)
class MaskExample:
    """Chapter 7: self-attention over "policy raises wages jobs" with one mask kind.

    Attributes:
        kind: "causal", "padding" (the last token is filler), "no_self" or "none".
        tokens: the four tokens.
        x: token vectors, shape ``(4, 6)``.
        w_q: query projection, shape ``(6, 4)`` (normal / √6).
        w_k: key projection, shape ``(6, 4)``.
        w_v: value projection, shape ``(6, 4)``.
        mask: True = may attend, shape ``(4, 4)``.
        scores: scaled scores before masking, shape ``(4, 4)``.
        weights: attention weights, shape ``(4, 4)``; masked entries exactly 0.
        row_sums: each row's sum, shape ``(4,)``; all 1.
        context: the output ``A V``, shape ``(4, 4)``.
        trap_mask: causal AND no-self, shape ``(4, 4)``; row 0 allows nothing.
        trap_naive_row: naive softmax of row 0 under that mask (all NaN), shape ``(4,)``.
        trap_weights: the package's weights under that mask, shape ``(4, 4)``; row 0 all 0.
        trap_context: the package's output under that mask, shape ``(4, 4)``; row 0 all 0.
        trap_rows: indices of fully masked rows.
    """

    kind: MaskKind
    tokens: tuple[str, ...]
    x: FloatArray
    w_q: FloatArray
    w_k: FloatArray
    w_v: FloatArray
    mask: BoolArray
    scores: FloatArray
    weights: FloatArray
    row_sums: FloatArray
    context: FloatArray
    trap_mask: BoolArray
    trap_naive_row: FloatArray
    trap_weights: FloatArray
    trap_context: FloatArray
    trap_rows: tuple[int, ...]


def _mask_of_kind(kind: str, n: int) -> BoolArray:
    """The ``(n, n)`` mask of one kind; "padding" treats the last token as filler."""
    if kind == "causal":
        return causal_mask(n)
    if kind == "no_self":
        return no_self_mask(n)
    if kind == "padding":
        return np.broadcast_to(padding_mask([n - 1], n)[0], (n, n)).copy()  # (n, n)
    if kind == "none":
        return np.ones((n, n), dtype=bool)
    raise ValueError(f"unknown mask kind {kind!r}; choose one of {', '.join(MASK_KINDS)}")


def mask_example(kind: str = "causal", seed: int = 0) -> MaskExample:
    """Masked self-attention on "policy raises wages jobs" (seeded X and projections).

    Args:
        kind: "causal", "padding", "no_self" or "none".
        seed: seed for ``np.random.default_rng``, ≥ 0.

    Raises:
        ValueError: on an unknown kind or a bad seed.

    Example:
        >>> ex = mask_example("causal")
        >>> ex.weights[0].tolist()[1:], ex.context.shape, ex.trap_rows
        ([0.0, 0.0, 0.0], (4, 4), (0,))
    """
    mask = _mask_of_kind(kind, 4)  # (4, 4)
    rng = np.random.default_rng(_check_int("seed", seed, 0))
    x = rng.standard_normal((4, 6))  # (4, 6)
    w_q, w_k, w_v = (rng.standard_normal((6, 4)) / math.sqrt(6) for _ in range(3))  # (6, 4) each
    q, k, v = x @ w_q, x @ w_k, x @ w_v  # (4, 4) each
    context, weights = scaled_dot_product_attention(q, k, v, mask=mask)  # (4, 4), (4, 4)
    scores = q @ k.T / math.sqrt(4)  # (4, 4)
    trap = causal_mask(4) & no_self_mask(4)  # (4, 4)
    trap_context, trap_weights = scaled_dot_product_attention(q, k, v, mask=trap)  # (4, 4), (4, 4)
    naive_row = _naive_softmax(np.where(trap[0], scores[0], -np.inf))  # (4,)
    return MaskExample(
        kind=cast(MaskKind, kind), tokens=("policy", "raises", "wages", "jobs"), x=_frozen(x),
        w_q=_frozen(w_q), w_k=_frozen(w_k), w_v=_frozen(w_v), mask=_frozen(mask, np.bool_),
        scores=_frozen(scores), weights=_frozen(weights), row_sums=_frozen(weights.sum(axis=1)),
        context=_frozen(context), trap_mask=_frozen(trap, np.bool_), trap_naive_row=_frozen(naive_row),
        trap_weights=_frozen(trap_weights), trap_context=_frozen(trap_context),
        trap_rows=tuple(int(i) for i in np.flatnonzero(fully_masked_rows(trap))),
    )  # fmt: skip


def mask_rows() -> Table:
    """The causal example's weights, one row per query, with each row's sum."""
    ex = mask_example("causal")
    rows = tuple(
        (token, *(format(float(w), ".3f") for w in row), format(float(total), ".3f"))
        for token, row, total in zip(ex.tokens, ex.weights, ex.row_sums, strict=True)
    )
    return Table(("query ↓ / key →", *ex.tokens, "row sum"), rows)


# --- Chapter 8: multi-head attention -------------------------------------------------------


@dataclass(frozen=True)
class MultiHeadExample:
    """Chapter 8: multi-head self-attention on "policy raises wages jobs", d_model = 8.

    Attributes:
        n_heads: number of heads h.
        d_model: model width (8).
        tokens: the four tokens.
        x: token vectors, shape ``(4, 8)``.
        w_q: query projection, shape ``(8, 8)``.
        w_k: key projection, shape ``(8, 8)``.
        w_v: value projection, shape ``(8, 8)``.
        w_o: output projection W_O, shape ``(8, 8)``.
        head_weights: per-head weights, shape ``(h, 4, 4)``.
        head_outputs: per-head outputs, shape ``(h, 4, 8 / h)``.
        concatenated: ``Concat(head₁, …, head_h)``, shape ``(4, 8)``.
        output: ``concatenated @ W_O``, shape ``(4, 8)``.
        package_difference: largest gap between ``output`` and
            ``explainer.attention.multi_head_attention`` (should be ~1e-16).
        one_head_difference: largest gap between 1-head multi-head attention
            and plain attention of ``X W_Q, X W_K, X W_V`` followed by W_O.
    """

    n_heads: int
    d_model: int
    tokens: tuple[str, ...]
    x: FloatArray
    w_q: FloatArray
    w_k: FloatArray
    w_v: FloatArray
    w_o: FloatArray
    head_weights: FloatArray
    head_outputs: FloatArray
    concatenated: FloatArray
    output: FloatArray
    package_difference: float
    one_head_difference: float


def _one_head_difference(x: FloatArray, w: tuple[FloatArray, ...]) -> float:
    """Max gap between ``multi_head_attention(n_heads=1)`` and plain attention + W_O."""
    w_q, w_k, w_v, w_o = w
    one_head, _ = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=1)  # (n, d_model)
    plain, _ = scaled_dot_product_attention(x @ w_q, x @ w_k, x @ w_v)  # (n, d_model)
    return float(np.max(np.abs(one_head - plain @ w_o)))


def multi_head_example(n_heads: int = 2, seed: int = 0) -> MultiHeadExample:
    """Split d_model = 8 into ``n_heads`` heads, attend per head, concatenate, mix.

    Args:
        n_heads: 1, 2, 4 or 8 (must divide d_model = 8).
        seed: seed for ``np.random.default_rng``, ≥ 0.

    Raises:
        ValueError: if ``n_heads`` does not divide 8, or on a bad seed.

    Example:
        >>> ex = multi_head_example(2)
        >>> ex.head_weights.shape, ex.one_head_difference < 1e-12
        ((2, 4, 4), True)
    """
    d_model = 8
    n_heads = _check_int("n_heads", n_heads, 1, d_model)
    if d_model % n_heads:
        raise ValueError(f"n_heads must divide d_model={d_model} (1, 2, 4 or 8), got {n_heads}")
    rng = np.random.default_rng(_check_int("seed", seed, 0))
    x = rng.standard_normal((4, d_model))  # (4, d_model)
    w_q, w_k, w_v, w_o = (rng.standard_normal((d_model, d_model)) / math.sqrt(d_model) for _ in range(4))
    q, k, v = (split_heads(x @ m, n_heads) for m in (w_q, w_k, w_v))  # (h, 4, d_k) each
    heads, head_weights = scaled_dot_product_attention(q, k, v)  # (h, 4, d_k), (h, 4, 4)
    concatenated = merge_heads(heads)  # (4, d_model)
    output = concatenated @ w_o  # (4, d_model)
    package_output, _ = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=n_heads)  # (4, d_model)
    return MultiHeadExample(
        n_heads=n_heads, d_model=d_model, tokens=("policy", "raises", "wages", "jobs"), x=_frozen(x),
        w_q=_frozen(w_q), w_k=_frozen(w_k), w_v=_frozen(w_v), w_o=_frozen(w_o),
        head_weights=_frozen(head_weights), head_outputs=_frozen(heads),
        concatenated=_frozen(concatenated), output=_frozen(output),
        package_difference=float(np.max(np.abs(output - package_output))),
        one_head_difference=_one_head_difference(x, (w_q, w_k, w_v, w_o)),
    )  # fmt: skip


# --- Chapter 11: where the weights come from ------------------------------------------------


@dataclass(frozen=True)
class TrainingExample:
    """Chapter 11: next-word prediction loss for two ILLUSTRATIVE models.

    The logits are made up to illustrate the loss; they were not produced by
    any trained model. The page must say so (``illustrative`` is always True).

    Attributes:
        context: the sentence so far.
        target: the right next word ("tired").
        candidates: the candidate next words.
        right_logits: logits of a model that favours the target, shape ``(n,)``.
        wrong_logits: logits of a model that favours "heavy", shape ``(n,)``.
        right_probs: softmax of ``right_logits``, shape ``(n,)``.
        wrong_probs: softmax of ``wrong_logits``, shape ``(n,)``.
        right_loss: cross-entropy ``-ln p(target)`` under the first model.
        wrong_loss: cross-entropy ``-ln p(target)`` under the second model.
        wrong_gradient: ``∂loss/∂logits = p - onehot(target)`` for the second
            model, shape ``(n,)``: training lowers logits with positive entries.
        illustrative: always True: the logits are stated inputs, not measurements.
        note: a sentence saying so, for the page.
    """

    context: str
    target: str
    candidates: tuple[str, ...]
    right_logits: FloatArray
    wrong_logits: FloatArray
    right_probs: FloatArray
    wrong_probs: FloatArray
    right_loss: float
    wrong_loss: float
    wrong_gradient: FloatArray
    illustrative: bool
    note: str


def training_example() -> TrainingExample:
    """Cross-entropy of "tired" after "The cat sat on the mat because it was".

    Example:
        >>> ex = training_example()
        >>> ex.illustrative, ex.right_loss < 1.0 < ex.wrong_loss
        (True, True)
    """
    candidates = ("tired", "hungry", "heavy", "soft", "blue")
    right = np.array([4.0, 2.5, 1.0, 0.5, -1.0])  # (5,) favours "tired"
    wrong = np.array([1.0, 0.5, 4.0, 2.0, -1.0])  # (5,) favours "heavy"
    target = candidates.index("tired")
    p_right, p_wrong = softmax(right), softmax(wrong)  # (5,), (5,)
    gradient = p_wrong - np.eye(len(candidates))[target]  # (5,)
    return TrainingExample(
        "The cat sat on the mat because it was", "tired", candidates, _frozen(right), _frozen(wrong),
        _frozen(p_right), _frozen(p_wrong), float(-np.log(p_right[target])),
        float(-np.log(p_wrong[target])), _frozen(gradient), True,
        "Illustrative: these logits were chosen by hand to show how the loss behaves; "
        "no model produced them.",
    )  # fmt: skip


def training_table() -> Table:
    """Probabilities of each candidate under the two illustrative models."""
    ex = training_example()
    rows = tuple(
        (word, format(float(pr), ".3f"), format(float(pw), ".3f"))
        for word, pr, pw in zip(ex.candidates, ex.right_probs, ex.wrong_probs, strict=True)
    )
    return Table(("next word", "p (model A, illustrative)", "p (model B, illustrative)"), rows)


# --- Chapter 12: cost ----------------------------------------------------------------------


@dataclass(frozen=True)
class CostExample:
    """Chapter 12: how attention's work and memory grow with the sequence length n.

    Attributes:
        ns: sequence lengths, shape ``(m,)``.
        d_k: query/key/value width used for every n.
        flops_scores: FLOPs of ``Q Kᵀ`` (2·n²·d_k: a multiply and an add per term), shape ``(m,)``.
        flops_blend: FLOPs of ``A V`` (2·n²·d_k), shape ``(m,)``.
        weight_bytes_float64: bytes of the n × n weight matrix in float64, shape ``(m,)``.
        weight_bytes_float32: the same in float32, shape ``(m,)``.
        peak_bytes: peak memory allocated while the package's
            ``scaled_dot_product_attention`` runs on float64 inputs of shape
            ``(n, d_k)``, measured with tracemalloc, shape ``(m,)``.
    """

    ns: NDArray[np.int64]
    d_k: int
    flops_scores: NDArray[np.int64]
    flops_blend: NDArray[np.int64]
    weight_bytes_float64: NDArray[np.int64]
    weight_bytes_float32: NDArray[np.int64]
    peak_bytes: NDArray[np.int64]


def _peak_attention_bytes(n: int, d_k: int) -> int:
    """Peak bytes tracemalloc sees while attention runs on ``(n, d_k)`` inputs (which exist already)."""
    import tracemalloc  # only the build measures memory; keep the browser import minimal

    q = np.linspace(-1.0, 1.0, n * d_k).reshape(n, d_k)  # (n, d_k); deterministic, no rng needed
    scaled_dot_product_attention(q, q, q)  # warm-up: one-off caches must not count
    started = not tracemalloc.is_tracing()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a collection mid-call would free unrelated objects and shift the numbers
    if started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        scaled_dot_product_attention(q, q, q)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if started:
            tracemalloc.stop()
        if gc_was_enabled:
            gc.enable()
    return int(peak - before)


def cost_example(ns: ArrayLike = (64, 128, 256, 512, 1024, 2048), d_k: int = 64) -> CostExample:
    """Exact FLOP counts, weight-matrix bytes and measured peak memory against n.

    Args:
        ns: sequence lengths, each between 1 and 8192.
        d_k: width of queries, keys and values, at least 1.

    Raises:
        ValueError: on an empty, non-integer or out-of-range ``ns`` or ``d_k``.

    Example:
        >>> ex = cost_example(ns=[4, 8], d_k=2)
        >>> ex.flops_scores.tolist(), ex.weight_bytes_float64.tolist()
        ([64, 256], [128, 512])
    """
    lengths = tuple(_check_int("every n in ns", n, 1, 8192) for n in _check_dims(ns))
    return _cost_example(lengths, _check_int("d_k", d_k, 1))


@functools.lru_cache(maxsize=8)
def _cost_example(lengths: tuple[int, ...], d_k: int) -> CostExample:
    """:func:`cost_example` on validated input, measured once per process.

    tracemalloc also counts small Python objects, whose allocation depends on
    interpreter free lists (a few hundred bytes of jitter between calls).
    Caching makes every figure, table and number of one build use the same
    measurement.
    """
    n = np.array(lengths, dtype=np.int64)  # (m,)
    flops = 2 * n * n * d_k  # (m,)
    peaks = np.array([_peak_attention_bytes(int(m), d_k) for m in lengths], dtype=np.int64)  # (m,)
    return CostExample(
        _frozen(n, np.int64), d_k, _frozen(flops, np.int64), _frozen(flops, np.int64),
        _frozen(n * n * 8, np.int64), _frozen(n * n * 4, np.int64), _frozen(peaks, np.int64),
    )  # fmt: skip


def cost_table() -> Table:
    """FLOPs, weight-matrix bytes and measured peak memory for each n."""
    ex = cost_example()
    rows = tuple(
        (str(n), f"{fs + fb:,}", f"{b64 / 2**20:.2f}", f"{b32 / 2**20:.2f}", f"{peak / 2**20:.2f}")
        for n, fs, fb, b64, b32, peak in zip(
            ex.ns,
            ex.flops_scores,
            ex.flops_blend,
            ex.weight_bytes_float64,
            ex.weight_bytes_float32,
            ex.peak_bytes,
            strict=True,
        )
    )
    headers = ("n", "FLOPs (Q Kᵀ + A V)", "weights, float64 (MiB)", "weights, float32 (MiB)", "peak (MiB)")
    return Table(headers, rows)


def softmax_table() -> Table:
    """Chapter 3: each score, its exponential, its shifted exponential and its weight."""
    ex = softmax_example()
    rows = tuple(
        (name, f"{s:.0f}", f"{e:.3e}", f"{se:.3e}", f"{w:.3e}")
        for name, s, e, se, w in zip(
            dot_product_example().key_names, ex.scores, ex.exps, ex.shifted_exps, ex.weights, strict=True
        )
    )
    return Table(("key", "score x", "eˣ", "eˣ⁻ᵐᵃˣ", "weight"), rows)


def saturation_table() -> Table:
    """Chapter 4: the d_k = 100 example, unscaled and scaled."""
    ex = saturation_example()
    rows = (
        ("unscaled", _fmt_vector(ex.unscaled_scores, ".0f"), _fmt_vector(ex.unscaled_weights, ".2g"),
         f"{ex.unscaled_gradient:.2g}"),
        ("scaled by 1/√d_k", _fmt_vector(ex.scaled_scores, ".0f"), _fmt_vector(ex.scaled_weights, ".3f"),
         f"{ex.scaled_gradient:.3f}"),
    )  # fmt: skip
    return Table(("", "scores", "weights", "softmax-Jacobian norm"), rows)


def variance_table() -> Table:
    """Chapter 4: empirical variance of q·k against d_k."""
    ex = variance_experiment()
    rows = tuple(
        (str(d), f"{u:.2f}", f"{s:.3f}")
        for d, u, s in zip(ex.dims, ex.unscaled_variance, ex.scaled_variance, strict=True)
    )
    return Table(("d_k", "Var(q·k)", "Var(q·k / √d_k)"), rows)


TABLES: dict[str, TableFactory] = {
    "softmax_table": softmax_table,
    "saturation_table": saturation_table,
    "variance_table": variance_table,
    "step_through_shapes": step_through_shapes,
    "mask_rows": mask_rows,
    "training_table": training_table,
    "cost_table": cost_table,
}
