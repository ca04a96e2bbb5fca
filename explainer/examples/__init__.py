"""Every worked example of the site, as functions returning frozen dataclasses.

Pages (through the MkDocs plugin), widgets, notebooks and tests all call these
functions, so a number on a page is the number the code computes. There is
one module per chapter (chapters 9 and 10 have several, each under 400 lines):

- :mod:`~explainer.examples.dot_product`: chapter 2, the dot product.
- :mod:`~explainer.examples.softmax`: chapter 3, softmax.
- :mod:`~explainer.examples.scaling`: chapter 4, why divide by √d_k.
- :mod:`~explainer.examples.blending`: chapter 5, blending the values.
- :mod:`~explainer.examples.self_attention`: chapter 6, self-attention in matrix form.
- :mod:`~explainer.examples.masks`: chapter 7, masks.
- :mod:`~explainer.examples.multi_head`: chapter 8, multi-head attention.
- :mod:`~explainer.examples.glove`, :mod:`~explainer.examples.glove_capabilities` and
  :mod:`~explainer.examples.context_map`: chapter 9, attention over real GloVe vectors.
- :mod:`~explainer.examples.trained_heads`, :mod:`~explainer.examples.trained_control`,
  :mod:`~explainer.examples.trained_head_jobs`, :mod:`~explainer.examples.trained_budget` and
  :mod:`~explainer.examples.trained_live`: chapter 10, the heads of all-MiniLM-L6-v2.
- :mod:`~explainer.examples.training`: chapter 11, where the weights come from.
- :mod:`~explainer.examples.cost`: chapter 12, cost.

Helpers they share live in :mod:`~explainer.examples.common`, the table type
in :mod:`~explainer.examples.table`. Everything listed in a chapter module's
``__all__`` is re-exported here, and :func:`tables` merges their ``TABLES``.
"""

from __future__ import annotations

# The chapter modules in chapter order (isort would sort them by name); the star imports
# after them re-export each module's __all__ by name, so type checkers see every example.
# isort: off
from explainer.examples import dot_product  # chapter 2
from explainer.examples import softmax  # chapter 3
from explainer.examples import scaling  # chapter 4
from explainer.examples import blending  # chapter 5
from explainer.examples import self_attention  # chapter 6
from explainer.examples import masks  # chapter 7
from explainer.examples import word_order  # chapter 7b
from explainer.examples import multi_head  # chapter 8
from explainer.examples import glove  # chapter 9
from explainer.examples import glove_capabilities  # chapter 9
from explainer.examples import context_map  # chapter 9
from explainer.examples import trained_heads  # chapter 10
from explainer.examples import trained_control  # chapter 10
from explainer.examples import trained_head_jobs  # chapter 10
from explainer.examples import trained_budget  # chapter 10
from explainer.examples import trained_live  # chapter 10
from explainer.examples import training  # chapter 11
from explainer.examples import cost  # chapter 12
# isort: on

from explainer.examples.blending import *  # noqa: F403
from explainer.examples.context_map import *  # noqa: F403
from explainer.examples.cost import *  # noqa: F403
from explainer.examples.dot_product import *  # noqa: F403
from explainer.examples.glove import *  # noqa: F403
from explainer.examples.glove_capabilities import *  # noqa: F403
from explainer.examples.masks import *  # noqa: F403
from explainer.examples.multi_head import *  # noqa: F403
from explainer.examples.scaling import *  # noqa: F403
from explainer.examples.self_attention import *  # noqa: F403
from explainer.examples.softmax import *  # noqa: F403
from explainer.examples.table import Table, TableFactory
from explainer.examples.trained_budget import *  # noqa: F403
from explainer.examples.trained_control import *  # noqa: F403
from explainer.examples.trained_head_jobs import *  # noqa: F403
from explainer.examples.trained_heads import *  # noqa: F403
from explainer.examples.trained_live import *  # noqa: F403
from explainer.examples.training import *  # noqa: F403
from explainer.examples.word_order import *  # noqa: F403

_CHAPTERS = (
    dot_product,
    softmax,
    scaling,
    blending,
    self_attention,
    masks,
    word_order,
    multi_head,
    glove,
    glove_capabilities,
    context_map,
    trained_heads,
    trained_control,
    trained_head_jobs,
    trained_budget,
    trained_live,
    training,
    cost,
)

__all__ = [*(name for module in _CHAPTERS for name in module.__all__), "Table", "tables"]


def tables() -> dict[str, TableFactory]:
    """All named tables that pages can show with ``table: NAME``."""
    return {name: factory for module in _CHAPTERS for name, factory in module.TABLES.items()}
