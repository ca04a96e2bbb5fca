"""explainer: scaled dot-product attention, explained with code that runs.

The core (:mod:`explainer.attention`, :mod:`explainer.examples`,
:mod:`explainer.embeddings`) needs NumPy only, so the same wheel runs at build
time and in the reader's browser under Pyodide. Figures
(:mod:`explainer.figures`) need matplotlib and are imported only when asked for.
"""

__version__ = "0.1.0"
