"""Every worked example of the site, as functions returning frozen dataclasses.

Pages (through the MkDocs plugin), widgets, notebooks and tests all call these
functions, so a number on a page is the number the code computes. The
submodules group them by chapter:

- :mod:`explainer.examples.basics`: chapters 2-8 (dot products to multi-head).
- :mod:`explainer.examples.glove`: chapter 9 (real GloVe vectors).
- :mod:`explainer.examples.trained`: chapter 10 (all-MiniLM-L6-v2's heads).

Everything listed in a submodule's ``__all__`` is re-exported here.
"""

from __future__ import annotations

from explainer.examples import basics, glove, trained
from explainer.examples.basics import *  # noqa: F403
from explainer.examples.glove import *  # noqa: F403
from explainer.examples.table import Table, TableFactory
from explainer.examples.trained import *  # noqa: F403

__all__ = [*basics.__all__, *glove.__all__, *trained.__all__, "Table", "tables"]


def tables() -> dict[str, TableFactory]:
    """All named tables that pages can show with ``table: NAME``."""
    return {**basics.TABLES, **glove.TABLES, **trained.TABLES}
