"""``saturation_lab``: how d_k and the 1/√d_k scale decide whether softmax saturates.

Chapter 4. Every number comes from :func:`explainer.examples.saturation_lab`
(random standard-normal query and keys; the verdict thresholds are the
constants of :mod:`explainer.examples.scaling`). The hidden ``seed`` field
changes with the "New random scores" button.
"""

from __future__ import annotations

from explainer.examples.scaling import (
    D_K_RANGE,
    ENTROPY_HEALTHY_MIN,
    GRADIENT_HEALTHY_MIN,
    MAX_WEIGHT_HEALTHY_MAX,
    SaturationLabState,
    saturation_lab,
)
from explainer.html import Element, h
from explainer.widgets.base import EmbeddingsSource, Field, Output, State, WidgetSpec, reachable
from explainer.widgets.common import bars, fmt, parse_int, row, table

__all__ = ["D_K_STOPS", "MAX_SEED", "SPEC"]

MAX_SEED = 10**9
D_K_STOPS = tuple(str(2**i) for i in range(D_K_RANGE[1].bit_length()) if D_K_RANGE[0] <= 2**i <= D_K_RANGE[1])
"""The slider's stops, 1, 2, 4 … 1024: a logarithmic scale, as √d_k grows by √2 a stop."""


def _verdict(verdict: str) -> Element:
    return h("strong", {"class": f"explainer-verdict explainer-verdict--{verdict}"}, verdict)


def _metrics(lab: SaturationLabState) -> Element:
    """The three measures, each with its value, its rule and a verdict in words."""
    measures = (
        ("Largest weight", lab.max_weight, f"≤ {fmt(MAX_WEIGHT_HEALTHY_MAX)}", lab.max_weight_verdict),
        (
            "Gradient size (norm of the softmax Jacobian)",
            lab.gradient_norm,
            f"≥ {fmt(GRADIENT_HEALTHY_MIN)}",
            lab.gradient_verdict,
        ),
        (
            "Spread (normalised entropy: 0 one-hot, 1 uniform)",
            lab.entropy,
            f"≥ {fmt(ENTROPY_HEALTHY_MIN)}",
            lab.entropy_verdict,
        ),
    )
    body = (
        row(
            name,
            (
                h("td", None, fmt(value)),
                h("td", None, "healthy if " + rule),
                h("td", None, _verdict(verdict)),
            ),
        )
        for name, value, rule, verdict in measures
    )
    return table(
        "Is the softmax saturated?", "explainer-matrix", ["measure", "value", "rule", "verdict"], body
    )


def _summary(lab: SaturationLabState) -> str:
    how = "divided by √d_k" if lab.scaled else "not scaled"
    if lab.verdict == "healthy":
        return (
            f"Healthy: with d_k = {lab.d_k} and scores {how}, the weights stay spread out and gradients "
            "still flow back through the softmax."
        )
    return (
        f"Saturated: with d_k = {lab.d_k} and scores {how}, softmax is close to one-hot and its gradient "
        "is small, so learning through it stalls."
    )


def run(state: State, embeddings: EmbeddingsSource) -> Output:
    """One lab state: weights, measures and verdicts."""
    d_k = parse_int(str(state["d_k"]), "d_k", *D_K_RANGE)
    seed = parse_int(str(state["seed"]), "the seed", 0, MAX_SEED)
    lab = saturation_lab(d_k, scaled=state["scale"] is True, seed=seed)
    labels = [f"key {i + 1} (score {fmt(s, 3)})" for i, s in enumerate(lab.scores)]
    again = h(
        "button",
        {"type": "button", "class": "explainer-button", "data-set": f"seed={(seed + 1) % MAX_SEED}"},
        "New random scores",
    )
    body = (
        h("p", {"class": "explainer-verdict-line"}, h("strong", None, _summary(lab))),
        bars(
            f"Softmax weights of {lab.n_keys} random keys (d_k = {lab.d_k}, seed {lab.seed})",
            labels,
            lab.weights,
        ),
        _metrics(lab),
        again,
    )
    return Output(body)


SPEC = WidgetSpec(
    name="saturation_lab",
    title="Saturation lab",
    fields=(
        Field("d_k", "d_k, the length of each query and key", "range", "64", stops=D_K_STOPS),
        Field("scale", "Divide the scores by √d_k", "checkbox", True),
        Field("seed", "Random seed", "hidden", "0"),
    ),
    run=run,
    known=reachable,
    loading="Loading Python to draw new random scores",
    needs_numpy_more=True,
)
