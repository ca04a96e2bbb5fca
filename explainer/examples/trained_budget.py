"""Chapter 10: could all-MiniLM-L6-v2 run in the reader's browser? Size and accuracy, measured.

The last table of ``docs/trained-heads.md`` explains why the page ships
precomputed heads instead of the model: the download as shipped (float32), in
float16, and in float16 with a reduced WordPiece vocabulary, each with what
it costs in accuracy, measured on
:data:`~explainer.examples.trained_heads.GRID_SENTENCES`.

The model loads inside :func:`browser_budget`, not on import.

References:
    Wang et al. (2020), "MiniLM: Deep Self-Attention Distillation for
    Task-Agnostic Compression of Pre-Trained Transformers", arXiv:2002.10957.
    Reimers and Gurevych (2019), "Sentence-BERT", arXiv:1908.10084
    (the sentence-transformers model all-MiniLM-L6-v2 comes from).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from explainer.examples.table import Table, TableFactory
from explainer.examples.trained_heads import GRID_SENTENCES
from explainer.minilm.model import LayerWeights
from explainer.minilm.wordpiece import WordPiece
from explainer.types import FloatArray

if TYPE_CHECKING:
    from explainer.minilm.model import MiniLM

__all__ = ["BrowserBudget", "browser_budget"]


@dataclass(frozen=True)
class BrowserBudget:
    """What free sentence input in the browser would cost, measured.

    Attributes:
        fp32_mb: the weights as shipped (float32 safetensors file), MB.
        fp16_mb: every weight in float16, full vocabulary, MB.
        layers_fp16_mb: of which the six layers alone (no embeddings), MB.
        reduced_vocab: size of the reduced vocabulary.
        reduced_fp16_mb: float16 weights with the reduced vocabulary, MB.
        fp16_max_attention_error: largest |weight difference| between the
            float16 and the float32 model over :data:`GRID_SENTENCES`.
        fp16_max_hidden_error: the same for the last hidden states.
        changed_split_share: share of the next 20,000 most frequent GloVe
            words whose WordPiece split changes with the reduced vocabulary.
    """

    fp32_mb: float
    fp16_mb: float
    layers_fp16_mb: float
    reduced_vocab: int
    reduced_fp16_mb: float
    fp16_max_attention_error: float
    fp16_max_hidden_error: float
    changed_split_share: float


def _to_fp16(model: MiniLM) -> MiniLM:
    """The same model with every weight rounded to float16 (computation stays float64)."""

    def r(a: FloatArray) -> FloatArray:
        return np.asarray(a, dtype=np.float16).astype(np.float64)

    def rounded(w: LayerWeights) -> LayerWeights:
        fields = {k: (r(v[0]), r(v[1])) if isinstance(v, tuple) else r(v) for k, v in vars(w).items()}
        return LayerWeights(**fields)  # type: ignore[arg-type]

    layers = tuple(rounded(w) for w in model.layers)
    return replace(
        model,
        word_embeddings=np.asarray(model.word_embeddings, dtype=np.float16).astype(np.float32),
        position_embeddings=r(model.position_embeddings),
        token_type_embeddings=r(model.token_type_embeddings),
        ln_embeddings=(r(model.ln_embeddings[0]), r(model.ln_embeddings[1])),
        layers=layers,
    )


def _reduced_vocabulary(model: MiniLM, words: tuple[str, ...]) -> WordPiece:
    """Keep special tokens, single characters (and their ``##`` forms) and the pieces ``words`` need."""
    vocab = model.tokenizer.vocab
    needed = {p for w in words for p in model.tokenizer.tokenize(w)}
    keep = [
        t
        for t in vocab
        if t.startswith("[") or len(t) == 1 or (t.startswith("##") and len(t) == 3) or t in needed
    ]
    return WordPiece(vocab=tuple(keep))


def _weight_count(model: MiniLM, vocab_size: int) -> tuple[int, int]:
    """(parameters of the six layers, parameters of all embeddings with ``vocab_size`` rows)."""
    layer_params = sum(
        int(np.size(a))
        for w in model.layers
        for v in vars(w).values()
        for a in (v if isinstance(v, tuple) else (v,))
    )
    d = model.word_embeddings.shape[1]
    embed = vocab_size * d + model.position_embeddings.size + model.token_type_embeddings.size + 2 * d
    return layer_params, embed


@lru_cache(maxsize=1)
def browser_budget() -> BrowserBudget:
    """Measure download size and accuracy of a float16, reduced-vocabulary model."""
    from explainer.embeddings import default_embeddings
    from explainer.minilm import find_model_dir, load_minilm

    model = load_minilm()
    half = _to_fp16(model)
    errors = []
    for sentence in GRID_SENTENCES:
        full, small = model.encode(sentence), half.encode(sentence)
        errors.append(
            (
                np.abs(full.attentions - small.attentions).max(),
                np.abs(full.hidden_states[-1] - small.hidden_states[-1]).max(),
            )
        )
    words = default_embeddings().words
    reduced = _reduced_vocabulary(model, words[:20_000])
    others = words[20_000:40_000]
    changed = sum(reduced.tokenize(w) != model.tokenizer.tokenize(w) for w in others) / len(others)
    layers, embed_full = _weight_count(model, model.word_embeddings.shape[0])
    _, embed_small = _weight_count(model, len(reduced.vocab))
    mb = 1e-6
    return BrowserBudget(
        fp32_mb=(find_model_dir() / "model.safetensors").stat().st_size * mb,
        fp16_mb=2 * (layers + embed_full) * mb,
        layers_fp16_mb=2 * layers * mb,
        reduced_vocab=len(reduced.vocab),
        reduced_fp16_mb=2 * (layers + embed_small) * mb,
        fp16_max_attention_error=float(max(e[0] for e in errors)),
        fp16_max_hidden_error=float(max(e[1] for e in errors)),
        changed_split_share=changed,
    )


def browser_budget_table() -> Table:
    """Download size and accuracy of the options for running the model in the browser."""
    b = browser_budget()
    rows = (
        ("float32, full vocabulary (as shipped)", f"{b.fp32_mb:.1f} MB", "exact"),
        (
            "float16, full vocabulary",
            f"{b.fp16_mb:.1f} MB",
            f"attention within {b.fp16_max_attention_error:.1e}, "
            f"hidden states within {b.fp16_max_hidden_error:.1e}",
        ),
        (
            f"float16, {b.reduced_vocab:,} word pieces",
            f"{b.reduced_fp16_mb:.1f} MB",
            f"as float16, but {b.changed_split_share:.0%} of less common words split differently",
        ),
        ("of which the six layers alone", f"{b.layers_fp16_mb:.1f} MB", "needed whatever the vocabulary"),
    )
    return Table(headers=("weights", "download", "accuracy"), rows=rows)


TABLES: dict[str, TableFactory] = {"trained_browser_budget": browser_budget_table}
