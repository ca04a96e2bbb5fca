"""Chapter 11, where the weights come from: a tiny attention model, trained while the site builds.

The worked example, tables and curves of ``docs/training.md``: generated
sentences such as "the cat was near the mat because it was tired", whose last
word is the ending of the first noun, and a one-layer model that predicts it
from the position of "it". Token and position vectors are fixed random (never
learned); ``W_Q``, ``W_K``, ``W_V`` (``d × d``), an output projection ``W_O``
and a bias are learned by a hand-written backward pass and hand-written Adam
on the softmax cross-entropy. The query of "it" attends over the tokens up to
"it", so the step is causal by construction. Nothing tells the model which
noun "it" stands for: the next word is the only signal. Arrays in the result
are read-only. This module imports NumPy and the attention core only.

References:
    Vaswani et al. (2017), "Attention Is All You Need", arXiv:1706.03762.
    Kingma and Ba (2014), "Adam: A Method for Stochastic Optimization",
    arXiv:1412.6980 (algorithm 1, the optimiser used here).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from explainer.attention import scaled_dot_product_attention, softmax
from explainer.examples.common import check_int, frozen
from explainer.examples.table import Table, TableFactory
from explainer.types import FloatArray

__all__ = [
    "ENDINGS",
    "HELD_OUT",
    "TrainingExample",
    "first_step_above",
    "training_example",
    "training_gradient_check",
]

ANIMALS = {"cat": "tired", "dog": "hungry", "child": "sleepy", "bird": "scared"}
PLACES = {"mat": "soft", "bed": "warm", "rug": "dirty", "floor": "hard"}
ENDINGS = {**ANIMALS, **PLACES}
"""Each noun's ending: four animals (how they feel), four places (how they are)."""
ADJECTIVES = tuple(ENDINGS.values())
PREPOSITIONS = ("near", "by", "beside")
CONNECTIVES = ("because", "since")
HELD_OUT = (("cat", "mat"), ("dog", "bed"), ("child", "rug"), ("bird", "floor"))
"""Noun pairs never seen in training, in either order; every noun still is, with other partners."""
VOCABULARY = ("the", "was", "it", *PREPOSITIONS, *CONNECTIVES, *ENDINGS)
SUBJECT, OTHER = 1, 5
"""Where the two nouns stand among the input tokens (from 0: these are array indices)."""
Params = dict[str, FloatArray]
"""The learned matrices by name: ``w_q, w_k, w_v`` (d, d), ``w_o`` (d, n_endings), ``b_o`` (n_endings,)."""
D_MODEL, STEPS, LEARNING_RATE = 16, 300, 0.003
"""Width of every vector, Adam steps, Adam's step size."""


@dataclass(frozen=True)
class Corpus:
    """The generated sentences, as input token ids and the id of the right ending.

    Attributes:
        sentences: each whole sentence, ending included.
        tokens: input token ids into :data:`VOCABULARY`, from "the" up to
            "it", shape ``(n_sentences, 8)``.
        targets: the right ending's index into :data:`ADJECTIVES`, shape ``(n_sentences,)``.
        others: the other noun's ending (the wrong referent's), same shape.
    """

    sentences: tuple[str, ...]
    tokens: NDArray[np.int64]
    targets: NDArray[np.int64]
    others: NDArray[np.int64]


def _sentence(first: str, prep: str, second: str, conn: str) -> tuple[str, ...]:
    """One sentence of the generator, as words; "it" is the first noun, so its ending ends it."""
    return ("the", first, "was", prep, "the", second, conn, "it", "was", ENDINGS[first])


def make_corpus(held_out: bool) -> Corpus:
    """Every sentence "the A was PREP the B CONN it was ENDING(A)" with one animal and one place.

    Args:
        held_out: False for the training sentences, True for the sentences of
            the :data:`HELD_OUT` pairs.

    Example:
        >>> train, test = make_corpus(held_out=False), make_corpus(held_out=True)
        >>> len(train.sentences), len(test.sentences), test.sentences[0]
        (144, 48, 'the cat was near the mat because it was tired')
    """
    pairs = [p for a, b in itertools.product(ANIMALS, PLACES) for p in ((a, b), (b, a))]
    chosen = [p for p in pairs if (tuple(sorted(p)) in {tuple(sorted(h)) for h in HELD_OUT}) == held_out]
    words = [
        _sentence(first, prep, second, conn)
        for (first, second), prep, conn in itertools.product(chosen, PREPOSITIONS, CONNECTIVES)
    ]
    return Corpus(
        sentences=tuple(" ".join(w) for w in words),
        tokens=frozen([[VOCABULARY.index(t) for t in w[:8]] for w in words], np.int64),
        targets=frozen([ADJECTIVES.index(w[-1]) for w in words], np.int64),
        others=frozen([ADJECTIVES.index(ENDINGS[w[OTHER]]) for w in words], np.int64),
    )


@dataclass(frozen=True)
class Forward:
    """Everything the forward pass computed, kept for the backward pass.

    Shapes: ``x`` (token + position vectors), ``k``, ``v`` ``(n, T, d)``; ``q``
    (the query of "it") ``(n, 1, d)``; ``weights`` (of "it" over the T tokens)
    ``(n, T)``; ``z`` (the output at "it") ``(n, d)``; ``probs`` (over the
    endings) ``(n, n_endings)``; ``loss``, the mean of ``-ln p(right ending)``.
    """

    x: FloatArray
    q: FloatArray
    k: FloatArray
    v: FloatArray
    weights: FloatArray
    z: FloatArray
    probs: FloatArray
    loss: float


def forward(params: Params, x: FloatArray, targets: NDArray[np.int64]) -> Forward:
    """The model: the query of "it" (the last input token) attends over every input token.

    Args:
        params: the learned matrices (see :data:`Params`).
        x: input vectors, shape ``(n, T, d)``; ``x[:, -1]`` is "it".
        targets: the right ending of each sentence, shape ``(n,)``.
    """
    q = x[:, -1:, :] @ params["w_q"]  # (n, 1, d)
    k = x @ params["w_k"]  # (n, T, d)
    v = x @ params["w_v"]  # (n, T, d)
    z, weights = scaled_dot_product_attention(q, k, v)  # (n, 1, d), (n, 1, T)
    logits = z[:, 0, :] @ params["w_o"] + params["b_o"]  # (n, n_endings)
    probs = softmax(logits)  # (n, n_endings)
    loss = float(-np.mean(np.log(probs[np.arange(len(targets)), targets])))
    return Forward(x=x, q=q, k=k, v=v, weights=weights[:, 0, :], z=z[:, 0, :], probs=probs, loss=loss)


def backward(params: Params, fwd: Forward, targets: NDArray[np.int64]) -> Params:
    """∂loss/∂(every learned matrix), by the chain rule through :func:`forward`, step by step backwards."""
    d_logits = fwd.probs.copy()  # (n, C): softmax cross-entropy gives p - onehot(target) ...
    d_logits[np.arange(len(targets)), targets] -= 1.0
    d_logits /= len(targets)  # ... averaged over the sentences
    d_z = d_logits @ params["w_o"].T  # (n, d)
    d_weights = np.einsum("ntd,nd->nt", fwd.v, d_z)  # (n, T): z = Σ_t a_t v_t
    d_v = fwd.weights[:, :, None] * d_z[:, None, :]  # (n, T, d)
    # Softmax backward: ds = a ⊙ (da - Σ a da), the Jacobian diag(a) - a aᵀ applied to da.
    d_scores = fwd.weights * (d_weights - np.sum(fwd.weights * d_weights, axis=-1, keepdims=True))  # (n, T)
    d_scores /= math.sqrt(fwd.q.shape[-1])  # scores = q · k / √d
    d_q = np.einsum("nt,ntd->nd", d_scores, fwd.k)  # (n, d)
    d_k = d_scores[:, :, None] * fwd.q  # (n, T, d)
    x_rows = fwd.x.reshape(-1, fwd.x.shape[-1])  # (n·T, d): one row per token of every sentence
    return {
        "w_q": fwd.x[:, -1, :].T @ d_q,  # (d, d)
        "w_k": x_rows.T @ d_k.reshape(x_rows.shape),  # (d, d): summed over sentences and tokens
        "w_v": x_rows.T @ d_v.reshape(x_rows.shape),  # (d, d)
        "w_o": fwd.z.T @ d_logits,  # (d, C)
        "b_o": d_logits.sum(axis=0),  # (C,)
    }


def _start(seed: int, d: int) -> tuple[FloatArray, FloatArray, Params]:
    """Training inputs ``(n_train, T, d)``, held-out inputs ``(n_held_out, T, d)`` and the untrained matrices.

    Token and position vectors are fixed random (drawn once, never learned),
    entries N(0, 1/d); the learned matrices start the same way, the bias at 0.
    """
    rng = np.random.default_rng(seed)
    words = rng.normal(0.0, 1.0 / math.sqrt(d), (len(VOCABULARY), d))  # (V, d)
    positions = rng.normal(0.0, 1.0 / math.sqrt(d), (8, d))  # (T, d)
    x_train, x_held_out = (words[make_corpus(h).tokens] + positions for h in (False, True))  # (n, T, d)
    shapes = {"w_q": (d, d), "w_k": (d, d), "w_v": (d, d), "w_o": (d, len(ADJECTIVES))}
    params = {name: rng.normal(0.0, 1.0 / math.sqrt(d), shape) for name, shape in shapes.items()}
    return x_train, x_held_out, {**params, "b_o": np.zeros(len(ADJECTIVES))}


def adam_step(
    params: Params, grads: Params, moments: tuple[Params, Params], step: int, lr: float
) -> tuple[Params, tuple[Params, Params]]:
    """One Adam update (Kingma and Ba 2014, algorithm 1) of every matrix: new matrices and moments."""
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    m = {n: beta1 * moments[0][n] + (1 - beta1) * g for n, g in grads.items()}
    v = {n: beta2 * moments[1][n] + (1 - beta2) * g**2 for n, g in grads.items()}
    new = {
        n: p - lr * (m[n] / (1 - beta1**step)) / (np.sqrt(v[n] / (1 - beta2**step)) + eps)
        for n, p in params.items()
    }
    return new, (m, v)


@dataclass(frozen=True)
class TrainingExample:
    """Chapter 11: one seeded training run, measured before, during and after.

    Curves have one entry per step, ``steps + 1`` in all: entry 0 is the
    untrained model, entry ``s`` the model after ``s`` Adam steps. "Held out"
    means the sentences of the :data:`HELD_OUT` noun pairs, never trained on.

    Attributes:
        seed, d_model, steps, learning_rate: the run's settings.
        train_sentences, held_out_sentences: the corpus, split.
        loss: mean cross-entropy on the training sentences, shape ``(steps + 1,)``.
        held_out_loss, p_right, p_other: on the held-out sentences, the mean
            loss, P(right ending) and P(the other noun's ending).
        weight_subject, weight_other: mean weight from "it" to the first
            noun (the subject, which the ending is about) and to the other.
        probs_before, probs_after: P(each ending in :data:`ADJECTIVES`),
            untrained and trained, shape ``(n_held_out, 8)``.
        weights_before, weights_after: the weights of "it" over the 8 input
            tokens, shape ``(n_held_out, 8)``.
    """

    seed: int
    d_model: int
    steps: int
    learning_rate: float
    train_sentences: tuple[str, ...]
    held_out_sentences: tuple[str, ...]
    loss: FloatArray
    held_out_loss: FloatArray
    p_right: FloatArray
    p_other: FloatArray
    weight_subject: FloatArray
    weight_other: FloatArray
    probs_before: FloatArray
    probs_after: FloatArray
    weights_before: FloatArray
    weights_after: FloatArray

    def prob(self, sentence: int, word: str, after: bool) -> float:
        """P(``word`` ends held-out sentence number ``sentence``), untrained or trained."""
        return float((self.probs_after if after else self.probs_before)[sentence, ADJECTIVES.index(word)])

    def cross_entropy(self, sentence: int, word: str, after: bool) -> float:
        """``-ln P(word)`` in held-out sentence ``sentence``: its loss if ``word`` is the right ending."""
        return -math.log(self.prob(sentence, word, after))

    def attention(self, sentence: int, word: str, after: bool) -> float:
        """Weight from "it" to ``word`` (its first occurrence) in held-out sentence ``sentence``."""
        position = self.held_out_sentences[sentence].split().index(word)
        return float((self.weights_after if after else self.weights_before)[sentence, position])

    def accuracy(self, after: bool) -> float:
        """Share of held-out sentences whose most probable ending is the right one."""
        probs = self.probs_after if after else self.probs_before
        return float(np.mean(np.argmax(probs, axis=-1) == make_corpus(held_out=True).targets))


def first_step_above(curve: FloatArray, level: float = 0.5) -> int:
    """The first step at which a curve of :class:`TrainingExample` exceeds ``level``; ValueError if none."""
    above = np.flatnonzero(np.asarray(curve) > level)  # (n_above,)
    if not above.size:
        raise ValueError(f"the curve never exceeds {level}")
    return int(above[0])


def _measure(params: Params, x: FloatArray, corpus: Corpus) -> tuple[Forward, tuple[float, ...]]:
    """The held-out forward pass and its curve entries: loss, P(right), P(other), it→subject, it→other."""
    fwd = forward(params, x, corpus.targets)
    rows = np.arange(len(corpus.targets))  # (n,)
    p_right, p_other = fwd.probs[rows, corpus.targets], fwd.probs[rows, corpus.others]  # (n,), (n,)
    subject, other = fwd.weights[:, SUBJECT], fwd.weights[:, OTHER]  # (n,), (n,)
    return fwd, (fwd.loss, *(float(np.mean(a)) for a in (p_right, p_other, subject, other)))


def _train(seed: int) -> tuple[list[float], list[tuple[float, ...]], Forward, Forward]:
    """Run Adam for :data:`STEPS` steps: training losses, held-out curves, first and last held-out pass."""
    train, held_out = make_corpus(held_out=False), make_corpus(held_out=True)
    x_train, x_held_out, params = _start(seed, D_MODEL)
    zeros = {n: np.zeros_like(p) for n, p in params.items()}
    moments = (zeros, zeros)  # Adam's first and second moments; adam_step never writes into them
    losses: list[float] = []
    curves: list[tuple[float, ...]] = []
    passes: list[Forward] = []
    for step in range(STEPS + 1):  # step 0 measures the untrained model
        fwd = forward(params, x_train, train.targets)
        held, curve = _measure(params, x_held_out, held_out)
        losses.append(fwd.loss)
        curves.append(curve)
        passes = [*passes[:1], held]  # the untrained pass and the latest
        if step < STEPS:
            grads = backward(params, fwd, train.targets)
            params, moments = adam_step(params, grads, moments, step + 1, LEARNING_RATE)
    return losses, curves, passes[0], passes[-1]


@lru_cache(maxsize=1)
def training_example(seed: int = 0) -> TrainingExample:
    """Train the model of this module for :data:`STEPS` Adam steps and record what changed.

    Args:
        seed: seeds the token and position vectors and the starting matrices, ≥ 0.

    Example:
        >>> ex = training_example()
        >>> bool(ex.p_right[-1] > 0.9 > 0.2 > ex.p_right[0]), bool(ex.weight_subject[-1] > 0.9)
        (True, True)
    """
    losses, curves, before, after = _train(check_int("seed", seed, 0))
    held_out_loss, p_right, p_other, subject, other = (frozen(c) for c in zip(*curves, strict=True))
    return TrainingExample(
        seed=seed,
        d_model=D_MODEL,
        steps=STEPS,
        learning_rate=LEARNING_RATE,
        train_sentences=make_corpus(held_out=False).sentences,
        held_out_sentences=make_corpus(held_out=True).sentences,
        loss=frozen(losses),
        held_out_loss=held_out_loss,
        p_right=p_right,
        p_other=p_other,
        weight_subject=subject,
        weight_other=other,
        probs_before=frozen(before.probs),
        probs_after=frozen(after.probs),
        weights_before=frozen(before.weights),
        weights_after=frozen(after.weights),
    )


def gradient_check(
    params: Params, x: FloatArray, targets: NDArray[np.int64], h: float = 1e-5
) -> dict[str, float]:
    """Compare :func:`backward` with central differences ``(L(w + h) - L(w - h)) / 2h``, entry by entry.

    Returns, for each matrix of ``params`` at inputs ``x`` ``(n, T, d)`` and
    ``targets`` ``(n,)``, the relative error ``‖g - ĝ‖ / (‖g‖ + ‖ĝ‖)`` between
    the hand-written gradient ``g`` and the numerical one ``ĝ``.
    """
    analytic = backward(params, forward(params, x, targets), targets)
    errors = {}
    for name, value in params.items():
        numerical = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            step = np.zeros_like(value)
            step[index] = h
            up, down = (forward({**params, name: value + s}, x, targets).loss for s in (step, -step))
            numerical[index] = (up - down) / (2 * h)
        gap = np.linalg.norm(analytic[name] - numerical)
        errors[name] = float(gap / (np.linalg.norm(analytic[name]) + np.linalg.norm(numerical)))
    return errors


@lru_cache(maxsize=1)
def training_gradient_check(seed: int = 0) -> dict[str, float]:
    """:func:`gradient_check` of the untrained model of :func:`training_example` on its held-out sentences."""
    _, x_held_out, params = _start(check_int("seed", seed, 0), D_MODEL)
    return gradient_check(params, x_held_out, make_corpus(held_out=True).targets)


def training_table() -> Table:
    """Before and after training: the measurements of :func:`training_example`, held out unless said."""
    ex = training_example()
    rows = (
        ("loss on the training sentences", ex.loss),
        ("loss on the held-out sentences", ex.held_out_loss),
        ("P(right ending)", ex.p_right),
        ("P(the other noun's ending)", ex.p_other),
        ('weight from "it" to the subject', ex.weight_subject),
        ('weight from "it" to the other noun', ex.weight_other),
    )
    cells = tuple((name, format(float(c[0]), ".3f"), format(float(c[-1]), ".3f")) for name, c in rows)
    accuracy = ("right ending ranked first", f"{ex.accuracy(False):.0%}", f"{ex.accuracy(True):.0%}")
    return Table(headers=("measured (mean)", "untrained", f"after {ex.steps} steps"), rows=(*cells, accuracy))


def training_attention_table() -> Table:
    """Where "it" looks in the first held-out sentence, untrained and trained."""
    ex = training_example()
    words = ex.held_out_sentences[0].split()[:8]
    rows = tuple(
        (f"{i + 1}", word, f"{before:.3f}", f"{after:.3f}")
        for i, (word, before, after) in enumerate(
            zip(words, ex.weights_before[0], ex.weights_after[0], strict=True)
        )
    )
    return Table(headers=("position", "token", "untrained", "trained"), rows=rows)


TABLES: dict[str, TableFactory] = {
    "training_table": training_table,
    "training_attention_table": training_attention_table,
}
