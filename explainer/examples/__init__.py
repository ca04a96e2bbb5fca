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

Importing this package imports no chapter: a name is looked up, and its chapter
imported, on first use (PEP 562's module ``__getattr__``). The reader's Web Worker
imports only the chapters its widget needs, which keeps the first live result
fast; pages, tests and notebooks see every name as before.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from explainer.examples.table import Table as Table
from explainer.examples.table import TableFactory

if TYPE_CHECKING:  # what ``__getattr__`` finds at run time, spelt out for type checkers
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
    from explainer.examples.trained_budget import *  # noqa: F403
    from explainer.examples.trained_control import *  # noqa: F403
    from explainer.examples.trained_head_jobs import *  # noqa: F403
    from explainer.examples.trained_heads import *  # noqa: F403
    from explainer.examples.trained_live import *  # noqa: F403
    from explainer.examples.training import *  # noqa: F403
    from explainer.examples.word_order import *  # noqa: F403

CHAPTERS: tuple[str, ...] = (
    "dot_product",  # chapter 2
    "softmax",  # chapter 3
    "scaling",  # chapter 4
    "blending",  # chapter 5
    "self_attention",  # chapter 6
    "masks",  # chapter 7
    "word_order",  # chapter 7b
    "multi_head",  # chapter 8
    "glove",  # chapter 9
    "glove_capabilities",  # chapter 9
    "context_map",  # chapter 9
    "trained_heads",  # chapter 10
    "trained_control",  # chapter 10
    "trained_head_jobs",  # chapter 10
    "trained_budget",  # chapter 10
    "trained_live",  # chapter 10
    "training",  # chapter 11
    "cost",  # chapter 12
)
"""The chapter modules, in chapter order."""


def chapters() -> list[ModuleType]:
    """Every chapter module, imported, in chapter order."""
    return [importlib.import_module(f"{__name__}.{name}") for name in CHAPTERS]


def tables() -> dict[str, TableFactory]:
    """All named tables that pages can show with ``table: NAME``."""
    return {name: factory for module in chapters() for name, factory in module.TABLES.items()}


def __getattr__(name: str) -> object:
    """A chapter module, ``__all__``, or a chapter's public name: imported on first use."""
    if name in CHAPTERS:
        return importlib.import_module(f"{__name__}.{name}")
    if name == "__all__":
        return [*(n for module in chapters() for n in module.__all__), "Table", "tables"]
    for module in chapters():
        if name in module.__all__:
            value = getattr(module, name)
            globals()[name] = value  # later lookups skip this search
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
