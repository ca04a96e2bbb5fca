"""all-MiniLM-L6-v2 live in the page: bytes, forward pass, first and second typed sentence, accuracy.

Usage::

    python benchmarks/bench_minilm_live.py [--site site] [--repeats 9]

Side by side, in one run, for the 16-word-piece sentence
``explainer.examples.trained_live.BENCH_SENTENCE``:

- **forward pass**: median of ``--repeats`` calls after one warm-up, in a fresh
  single-threaded host process (full model, float64; compact model, float16 weights with the
  exact arithmetic of explainer.minilm.exact),
  in Pyodide under Node from the built site's own runtime and wheel (the
  browser's NumPy, no BLAS), and Hugging Face ``transformers`` on torch CPU
  when ``$EXPLAINER_TORCH_PYTHON`` names a Python that has them (otherwise
  reported as not installed);
- **in the browser** (headless Chromium, the site served on 127.0.0.1, a fresh
  profile so the cache is cold): the bytes of ``data/minilm/`` downloaded before
  the first typed sentence's grid, the time from pressing the download button to
  the grid with the status lines the page showed on the way (the phases), and the
  time from pressing the button for a second sentence to its grid;
- **accuracy**: the largest attention-weight difference, compact vs full model,
  over the held-out sentences (``compact_accuracy``).

Writes ``benchmarks/results/minilm_live.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUTPUT = ROOT / "benchmarks" / "results" / "minilm_live.json"
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
SECOND = "The old fisherman mended his nets at dawn"

HOST_PROBE = """
import json, statistics, sys, time
from explainer.examples.trained_live import BENCH_SENTENCE, compact_minilm
from explainer.minilm import load_minilm
out = {}
models = {"host_numpy_full_float64": load_minilm(), "host_numpy_compact": compact_minilm()}
for name, model in models.items():
    model.encode(BENCH_SENTENCE)
    times = []
    for _ in range(int(sys.argv[1])):
        start = time.perf_counter()
        enc = model.encode(BENCH_SENTENCE)
        times.append(time.perf_counter() - start)
    out[name] = {"median_ms": statistics.median(times) * 1000, "tokens": len(enc.tokens)}
print(json.dumps(out))
"""

TORCH_PROBE = """
import json, statistics, sys, time, torch
from transformers import AutoModel, AutoTokenizer
from explainer.minilm import find_model_dir
torch.set_num_threads(1)
folder = str(find_model_dir())
tok = AutoTokenizer.from_pretrained(folder)
model = AutoModel.from_pretrained(folder, attn_implementation="eager")
batch = tok(sys.argv[2], return_tensors="pt")
times = []
with torch.no_grad():
    model(**batch, output_attentions=True)
    for _ in range(int(sys.argv[1])):
        start = time.perf_counter()
        model(**batch, output_attentions=True)
        times.append(time.perf_counter() - start)
print(json.dumps({"median_ms": statistics.median(times) * 1000, "tokens": int(batch["input_ids"].shape[1])}))
"""

NODE_PROBE = """
const [indexURL, dataDir, repeats, sentence] = process.argv.slice(2);
const { loadPyodide } = await import(indexURL + "pyodide.mjs");
const fs = await import("node:fs");
const pyodide = await loadPyodide({ indexURL });
await pyodide.loadPackage(["explainer"], { messageCallback: () => {} });
for (const name of fs.readdirSync(dataDir + "/minilm")) {
  pyodide.FS.mkdirTree("/home/pyodide/data/minilm");
  pyodide.FS.writeFile("/home/pyodide/data/minilm/" + name, fs.readFileSync(dataDir + "/minilm/" + name));
}
pyodide.globals.set("REPEATS", Number(repeats));
pyodide.globals.set("SENTENCE", sentence);
console.log(pyodide.runPython(`
import json, statistics, time
start = time.perf_counter()
from explainer.minilm.compact import load_compact
model = load_compact()
load_s = time.perf_counter() - start
model.encode(SENTENCE)
times = []
for _ in range(REPEATS):
    start = time.perf_counter(); enc = model.encode(SENTENCE); times.append(time.perf_counter() - start)
json.dumps({"median_ms": statistics.median(times) * 1000, "load_s": load_s, "tokens": len(enc.tokens)})
`));
"""


def run_json(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})})
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def host(repeats: int) -> dict[str, Any]:
    return run_json([sys.executable, "-c", HOST_PROBE, str(repeats)], THREADS)


def torch_cpu(repeats: int, sentence: str) -> dict[str, Any]:
    python = os.environ.get("EXPLAINER_TORCH_PYTHON", "")
    if not python:
        return {"skipped": "torch is not installed in this environment (set EXPLAINER_TORCH_PYTHON)"}
    env = {**THREADS, "PYTHONPATH": str(ROOT)}
    return run_json([python, "-c", TORCH_PROBE, str(repeats), sentence], env)


def pyodide_node(site: Path, repeats: int, sentence: str) -> dict[str, Any]:
    script = Path("/tmp") / "bench_minilm_live_probe.mjs"
    script.write_text(NODE_PROBE, encoding="utf-8")
    index = str(site / "pyodide") + "/"
    return run_json(["node", str(script), index, str(site / "data"), str(repeats), sentence])


WATCH_STATUS = """(root) => {
    window.__statuses = [];
    const status = document.querySelector(root + " [data-status]");
    new MutationObserver(() => window.__statuses.push([performance.now(), status.textContent]))
        .observe(status, {childList: true, characterData: true, subtree: true});
}"""

ARM = """(root) => {
    window.__t0 = performance.now();
    window.__done = new Promise((resolve) => document.querySelector(root)
        .addEventListener("explainer:result", () => resolve(performance.now()), {once: true}));
}"""


def press(page: Any, root: str, selector: str) -> float:
    """Click ``selector`` inside the widget and return the ms until its next result."""
    page.evaluate(ARM, root)
    page.locator(f"{root} {selector}").first.click()
    return float(page.evaluate("async () => (await window.__done) - window.__t0"))


def browser(site: Path, sentence: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, serve
    from tests.e2e.test_widgets_e2e import widget_page

    server, root = serve(site), "[data-widget=minilm_live]"
    sizes: dict[str, int] = {}
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = chromium.new_context().new_page()  # a fresh profile: nothing cached
        page.on(  # the server's Content-Length: bytes on the wire, with no compression on loopback
            "response",
            lambda r: (
                "/data/minilm/" in r.url and sizes.setdefault(r.url, int(r.headers.get("content-length", 0)))
            ),
        )
        page.goto(server.url + widget_page(site, "minilm_live"))
        page.locator(f"{root} input[name=sentence]").fill(sentence)
        ask_ms = press(page, root, "form [type=submit]")  # runtime from cold, then the download question
        page.evaluate(WATCH_STATUS, root)
        first_ms = press(page, root, "[data-output] button[data-set='load=yes']")
        statuses = page.evaluate("() => window.__statuses.map(([t, s]) => [t - window.__t0, s])")
        first_bytes = sum(sizes.values())
        page.locator(f"{root} input[name=sentence]").fill(SECOND)
        second_ms = press(page, root, "form [type=submit]")
        marks = page.evaluate(
            "() => performance.getEntries().filter(e => e.name.startsWith('explainer:'))"
            ".map(e => [e.name, e.startTime, e.duration])"
        )
        chromium.close()
    server.httpd.shutdown()
    return {
        "question_after_run_ms": ask_ms,
        "first_result_after_download_button_ms": first_ms,
        "first_result_status_lines": [[round(t), s] for t, s in statuses if s],
        "bytes_before_first_result": first_bytes,
        "files_before_first_result": len(sizes),
        "second_sentence_ms": second_ms,
        "runtime_marks": marks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    from explainer.examples.trained_live import BENCH_SENTENCE, compact_accuracy

    acc = compact_accuracy()
    results: dict[str, Any] = {
        "sentence": BENCH_SENTENCE,
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "host": host(args.repeats),
        "torch_cpu": torch_cpu(args.repeats, BENCH_SENTENCE),
        "pyodide_node": pyodide_node(args.site, args.repeats, BENCH_SENTENCE),
        "browser": browser(args.site, BENCH_SENTENCE),
        "accuracy": {"max_attention_error": acc.max_attention_error, "sentences": len(acc.sentences)},
        "sizes": {"first_sentence_bytes_measured_at_build": acc.first_sentence_bytes},
    }
    OUTPUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    b = results["browser"]
    print(f"load average {results['load_average'][0]:.1f} on {results['cpus']} CPUs")
    print(f"bytes before first result     {b['bytes_before_first_result'] / 1e6:8.2f} MB   (goal <= 22)")
    for name, r in (
        *results["host"].items(),
        ("pyodide (node)", results["pyodide_node"]),
        ("torch cpu", results["torch_cpu"]),
    ):
        print(f"forward, {name:28} {r.get('median_ms', float('nan')):8.1f} ms  {r.get('skipped', '')}")
    first_s = b["first_result_after_download_button_ms"] / 1e3
    print(f"first result after download   {first_s:8.2f} s    (goal <= 8)")
    print(f"second sentence               {b['second_sentence_ms']:8.0f} ms   (goal <= 300)")
    print(f"compact vs full attention     {acc.max_attention_error:8.1e}      (goal <= 1e-3)")


if __name__ == "__main__":
    main()
