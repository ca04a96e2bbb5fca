"""``mask_explorer``: causal, padding and no-self masks (and both together) on the four-token example.

Chapter 7. Everything comes from :func:`explainer.examples.mask_example`
("policy raises wages jobs"; the padding kind treats "jobs" as filler). The
widget shows the mask, the weights (masked cells exactly 0), the row sums,
the output shape, and the fully-masked-row trap. The trap is a ``<details
data-keep="trap">``: the loader keeps it open or closed, as the reader left
it, when the output is replaced.
"""

from __future__ import annotations

import numpy as np

from explainer.examples.masks import MASK_KINDS, MASK_LABELS, MaskExample, MaskKind, mask_example
from explainer.html import Element, h
from explainer.widgets.base import EmbeddingsSource, Field, Output, State, WidgetError, WidgetSpec, reachable
from explainer.widgets.common import fmt, heatmap, quote, row, row_sums_text, table

__all__ = ["SPEC"]


def _choice(kind: MaskKind) -> str:
    """A kind as the radio button names it: "Causal + no self"."""
    return MASK_LABELS[kind].capitalize()


def _mask_table(ex: MaskExample) -> Element:
    """The mask in words: "may attend" or "masked" in every cell."""
    body = (
        row(
            query,
            (
                h(
                    "td",
                    {"class": "explainer-allowed" if ok else "explainer-forbidden"},
                    "✓ may attend" if ok else "✗ masked",
                )
                for ok in ex.mask[i].tolist()
            ),
        )
        for i, query in enumerate(ex.tokens)
    )
    return table("The mask (row = query, column = key)", "explainer-matrix", ["", *ex.tokens], body)


def _trap(ex: MaskExample) -> Element:
    naive = ", ".join("NaN" if np.isnan(x) else fmt(x) for x in ex.trap_naive_row.tolist())
    package = ", ".join(fmt(x) for x in ex.trap_weights[0].tolist())
    return h(
        "details",
        {"class": "explainer-trap", "data-keep": "trap"},
        h(
            "summary",
            None,
            "The trap: causal and no-self together leave the first token nothing to attend to",
        ),
        h(
            "p",
            None,
            f"A naive softmax of that row divides 0 by 0: [{naive}]. The package gives the row "
            f"all-zero weights instead: [{package}], and an all-zero output. Choose "
            f"“{_choice('causal_no_self')}” above to see the whole matrix.",
        ),
    )


def run(state: State, embeddings: EmbeddingsSource) -> Output:
    """The chosen mask, its weights and checks."""
    kind = str(state["kind"])
    if kind not in MASK_KINDS:
        raise WidgetError(f"{quote(kind)} is not a mask kind; choose one of: {', '.join(MASK_KINDS)}.")
    ex = mask_example(kind)
    sums = ", ".join(f"{t} {fmt(s)}" for t, s in zip(ex.tokens, ex.row_sums.tolist(), strict=True))
    shape = " × ".join(str(n) for n in ex.context.shape)
    body = (
        _mask_table(ex),
        heatmap(
            f"Attention weights: masked cells (×) are exactly 0; {row_sums_text(ex.tokens, ex.empty_rows)}.",
            ex.tokens,
            ex.tokens,
            ex.weights,
            ex.mask,
        ),
        h("p", None, f"Row sums: {sums}. The output A V has shape {shape}."),
        _trap(ex),
    )
    return Output(body)


SPEC = WidgetSpec(
    name="mask_explorer",
    title="Mask explorer",
    fields=(
        Field(
            "kind",
            "Mask",
            "radio",
            "causal",
            options=tuple((k, _choice(k)) for k in MASK_KINDS),
        ),
    ),
    run=run,
    needs_numpy_more=True,
    known=reachable,
)
