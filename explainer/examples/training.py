"""Chapter 11, where the weights come from: the next-word loss that training lowers.

The worked example and table of ``docs/training.md``: the cross-entropy of
"tired" after "The cat sat on the mat because it was" under two ILLUSTRATIVE
models whose logits were chosen by hand (the page says so), and the gradient
that would push the wrong model's logits. Arrays in the result are read-only.

This module imports NumPy and the attention core only (it runs in Pyodide).

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762
    (section 5: training the transformer).
    Kingma and Ba (2014), "Adam: A Method for Stochastic Optimization",
    arXiv:1412.6980 (the optimiser the chapter mentions).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explainer.attention import softmax
from explainer.examples.common import frozen
from explainer.examples.table import Table, TableFactory
from explainer.types import FloatArray

__all__ = ["TrainingExample", "training_example"]


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
        context="The cat sat on the mat because it was",
        target="tired",
        candidates=candidates,
        right_logits=frozen(right),
        wrong_logits=frozen(wrong),
        right_probs=frozen(p_right),
        wrong_probs=frozen(p_wrong),
        right_loss=float(-np.log(p_right[target])),
        wrong_loss=float(-np.log(p_wrong[target])),
        wrong_gradient=frozen(gradient),
        illustrative=True,
        note="Illustrative: these logits were chosen by hand to show how the loss behaves; "
        "no model produced them.",
    )


def training_table() -> Table:
    """Probabilities of each candidate under the two illustrative models."""
    ex = training_example()
    rows = tuple(
        (word, format(float(pr), ".3f"), format(float(pw), ".3f"))
        for word, pr, pw in zip(ex.candidates, ex.right_probs, ex.wrong_probs, strict=True)
    )
    return Table(headers=("next word", "p (model A, illustrative)", "p (model B, illustrative)"), rows=rows)


TABLES: dict[str, TableFactory] = {"training_table": training_table}
