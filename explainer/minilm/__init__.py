"""all-MiniLM-L6-v2's encoder in plain NumPy: safetensors reader, WordPiece, model.

Example:
    >>> from explainer.minilm import encode
    >>> enc = encode("The cat sat on the mat")  # doctest: +SKIP
    >>> enc.attentions.shape  # doctest: +SKIP
    (6, 12, 8, 8)
"""

from __future__ import annotations

from explainer.minilm.model import Encoding, MiniLM, encode, find_model_dir, load_from_dir, load_minilm
from explainer.minilm.safetensors import SafetensorsError, load_safetensors, parse_safetensors
from explainer.minilm.wordpiece import WordPiece, basic_tokenize, wordpiece_split

__all__ = [
    "Encoding",
    "MiniLM",
    "SafetensorsError",
    "WordPiece",
    "basic_tokenize",
    "encode",
    "find_model_dir",
    "load_from_dir",
    "load_minilm",
    "load_safetensors",
    "parse_safetensors",
    "wordpiece_split",
]
