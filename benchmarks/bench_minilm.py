"""Time and size the NumPy all-MiniLM-L6-v2 of chapter 10, next to the reference implementation.

Usage::

    python benchmarks/bench_minilm.py [--repeats 20] [--torch-python PATH]

Each measurement runs in a fresh Python process, single-threaded (one BLAS
thread, as in ``bench_attention.py``), so one does not warm the next:

- **load**: reading ``model.safetensors`` + ``vocab.txt`` into the model
  (median of ``--loads`` processes; the files are in the page cache after the first);
- **forward**: one 12-token sentence (``[CLS]`` and ``[SEP]`` included), every
  layer's attention weights returned; median and best of ``--repeats`` calls
  after one warm-up call;
- **memory**: peak resident size of the process after loading and after one
  forward pass, next to a process that has only imported NumPy;
- **chapter**: what chapter 10 adds to a cold site build: ``docs/trained-heads.md``
  run through the plugin's own block and value parsing, every table, inline
  number, figure (light and dark SVG) and widget rendered, from nothing in a
  fresh process.

The baseline is Hugging Face ``transformers`` on the CPU build of torch (the
implementation the tests compare against), timed the same way when
``--torch-python`` (default ``$EXPLAINER_TORCH_PYTHON``) has torch and
transformers installed; it is never a project dependency.

Prints a table and writes ``benchmarks/results/minilm.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "minilm.json"
# 10 word pieces + [CLS] + [SEP] = 12 tokens (checked by the probe below).
SENTENCE = "The cat sat on the mat because it was tired"  # the chapter's own sentence
TOKENS = 12
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

# Each probe is a small program run in its own process; it prints one JSON object.
_PRELUDE = f"""
import json, resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
P = json.loads(sys.argv[1])  # the parameters this run was given
def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
"""

PROBE_NUMPY = (
    _PRELUDE
    + """
import numpy
print(json.dumps({"peak_mb": peak_mb()}))
"""
)

PROBE_OURS = (
    _PRELUDE
    + """
import numpy as np
from explainer.minilm import find_model_dir, load_from_dir
t0 = time.perf_counter()
model = load_from_dir(find_model_dir())
load_s = time.perf_counter() - t0
after_load = peak_mb()
enc = model.encode(P['sentence'])
assert len(enc.tokens) == P['tokens'], enc.tokens
times = []
for _ in range(P['repeats']):
    t0 = time.perf_counter()
    model.encode(P['sentence'])
    times.append(time.perf_counter() - t0)
print(json.dumps({"load_s": load_s, "forward_s": times, "peak_after_load_mb": after_load,
                  "peak_mb": peak_mb(), "n_tokens": len(enc.tokens)}))
"""
)

PROBE_TORCH = (
    _PRELUDE
    + """
import glob, os
os.environ["HF_HUB_OFFLINE"] = "1"
import torch
from transformers import AutoModel, AutoTokenizer
torch.set_num_threads(1)
folder = P['model_dir']
t0 = time.perf_counter()
tokenizer = AutoTokenizer.from_pretrained(folder)
model = AutoModel.from_pretrained(folder, attn_implementation="eager").eval()
load_s = time.perf_counter() - t0
after_load = peak_mb()
def forward():
    with torch.no_grad():
        batch = tokenizer(P['sentence'], return_tensors="pt")
        return batch, model(**batch, output_attentions=True)
batch, _ = forward()
assert batch["input_ids"].shape[1] == P["tokens"]
times = []
for _ in range(P['repeats']):
    t0 = time.perf_counter()
    forward()
    times.append(time.perf_counter() - t0)
print(json.dumps({"load_s": load_s, "forward_s": times, "peak_after_load_mb": after_load,
                  "peak_mb": peak_mb(), "n_tokens": int(batch["input_ids"].shape[1])}))
"""
)

PROBE_CHAPTER = (
    _PRELUDE
    + """
from pathlib import Path
t0 = time.perf_counter()
import explainer.examples as ex
from explainer.figures import registry
from explainer.figures.draw import to_svg
from explainer.figures.theme import THEMES
from explainer.sitebuild.directives import transform
from explainer.sitebuild.values import ValueEvaluator, public_namespace
from explainer.widgets import prerender
counts = {"figure": 0, "table": 0, "widget": 0, "value": 0, "svg_bytes": 0, "widget_bytes": 0}
RESULTS = Path(P["page"]).resolve().parents[1] / "benchmarks" / "results"
def block(d):  # what the MkDocs plugin renders for each explainer block (no cache)
    counts[d.kind] += 1
    if d.kind == "figure":
        counts["svg_bytes"] += sum(len(to_svg(registry(RESULTS)[d.name], theme)) for theme in THEMES)
    elif d.kind == "table":
        return str(ex.tables()[d.name]().to_markdown())
    elif d.kind == "widget":
        counts["widget_bytes"] += len(prerender(d.name, dict(d.params)))
    return ""
values = ValueEvaluator(public_namespace(ex))
def value(expr, fmt):
    counts["value"] += 1
    return values.render(expr, fmt)
transform(Path(P['page']).read_text(encoding="utf-8"), block, value)
print(json.dumps({"chapter_s": time.perf_counter() - t0, "figures": counts["figure"],
                  "tables": counts["table"], "values": counts["value"], "svg_bytes": counts["svg_bytes"],
                  "head_grid_bytes": counts["widget_bytes"]}))
"""
)


def run_probe(python: str, source: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run one probe program in a fresh process with ``params``; its JSON output, parsed."""
    env = {**os.environ, **THREADS, "MPLBACKEND": "Agg"}
    command = [python, "-c", source, json.dumps(params)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"probe failed under {python}:\n{done.stderr.strip()[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def has_torch(python: str) -> bool:
    probe = [python, "-c", "import torch, transformers"]
    return bool(python) and subprocess.run(probe, capture_output=True, check=False).returncode == 0


def measure(python: str, probe: str, loads: int, repeats: int, extra: dict[str, Any]) -> dict[str, Any]:
    """Median load time over ``loads`` processes; forward times and memory from the first."""
    params = {"sentence": SENTENCE, "tokens": TOKENS, "repeats": repeats, **extra}
    runs = [run_probe(python, probe, params) for _ in range(loads)]
    forward = runs[0]["forward_s"]
    return {
        "load_ms": 1000 * statistics.median(r["load_s"] for r in runs),
        "forward_ms_median": 1000 * statistics.median(forward),
        "forward_ms_best": 1000 * min(forward),
        "peak_after_load_mb": runs[0]["peak_after_load_mb"],
        "peak_mb": runs[0]["peak_mb"],
        "n_tokens": runs[0]["n_tokens"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="forward calls timed (after one warm-up)")
    parser.add_argument("--loads", type=int, default=3, help="fresh processes for the load time (median)")
    parser.add_argument("--torch-python", default=os.environ.get("EXPLAINER_TORCH_PYTHON", ""))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    from explainer.minilm import find_model_dir

    model_dir = str(find_model_dir())
    numpy_only = run_probe(sys.executable, PROBE_NUMPY, {})
    rows = {"explainer (NumPy)": measure(sys.executable, PROBE_OURS, args.loads, args.repeats, {})}
    if has_torch(args.torch_python):
        extra = {"model_dir": model_dir}
        rows["transformers (torch CPU)"] = measure(
            args.torch_python, PROBE_TORCH, args.loads, args.repeats, extra
        )
    chapter = run_probe(sys.executable, PROBE_CHAPTER, {"page": str(ROOT / "docs" / "trained-heads.md")})
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "load_average_1min": os.getloadavg()[0],
        "sentence": SENTENCE,
        "numpy_only_peak_mb": numpy_only["peak_mb"],
        "rows": rows,
        "chapter": chapter,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(table(report))
    print(f"-> {args.out}")
    return 0


def table(report: dict[str, Any]) -> str:
    lines = [
        f"{report['rows']['explainer (NumPy)']['n_tokens']}-token sentence: {report['sentence']!r}",
        "| implementation | load ms | forward ms (median / best) | peak RSS after load / forward MB |",
        "|---|---|---|---|",
    ]
    for name, r in report["rows"].items():
        lines.append(
            f"| {name} | {r['load_ms']:.0f} | {r['forward_ms_median']:.2f} / {r['forward_ms_best']:.2f}"
            f" | {r['peak_after_load_mb']:.0f} / {r['peak_mb']:.0f} |"
        )
    lines.append(f"(a process with only NumPy imported peaks at {report['numpy_only_peak_mb']:.0f} MB)")
    c = report["chapter"]
    lines.append(
        f"chapter 10 from nothing: {c['chapter_s']:.1f} s for {c['tables']} tables, {c['values']} inline"
        f" values, {c['figures']} figures × 2 themes ({c['svg_bytes'] / 1e6:.1f} MB SVG) and the head grid"
        f" ({c['head_grid_bytes'] / 1e6:.1f} MB HTML)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
