"""What the lazy imports save: Python's share of the first live result, in Pyodide.

Usage::

    python benchmarks/bench_imports.py [--site site] [--rounds 5]

In Pyodide under Node, from the built site's own runtime and wheel, a fresh
interpreter per measurement, rounds alternating so that drift on a shared
machine hits every variant alike. For three widgets with no data files
(``saturation_lab``, ``mask_explorer``, ``step_through``) and their default
state, the time from ``import explainer.browser`` to the first answer of
``explainer.browser.handle``:

- **eager** (the baseline, as before the imports were lazy): every widget module
  and every chapter of ``explainer.examples`` imported up front;
- **lazy**: the shipped path, importing only what the widget asks for;
- **prepared**: lazy, then ``explainer.browser.prepare(widget)`` as the worker
  calls it once the runtime is ready and the reader is still typing; the time
  after "Enter" is the handle call alone.

Starting the interpreter and loading the wheels (the same for all three) is
measured by ``bench_coldpath.py``; here it is only reported.

Writes ``benchmarks/results/imports.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "benchmarks" / "results" / "imports.json"
WIDGETS = ("saturation_lab", "mask_explorer", "step_through")
VARIANTS = ("eager", "lazy", "prepared")

NODE_PROBE = r"""
const [indexURL, widget, variant] = process.argv.slice(2);
const { loadPyodide } = await import(indexURL + "pyodide.mjs");
let t = performance.now();
const pyodide = await loadPyodide({ indexURL });
await pyodide.loadPackage(["explainer"], { messageCallback: () => {} });
const startup = performance.now() - t;
t = performance.now();
pyodide.runPython("import explainer.browser");
if (variant === "eager") {
  pyodide.runPython("import explainer.widgets as w, explainer.examples as e; w.specs(); e.chapters()");
}
const imported = performance.now() - t;
t = performance.now();
if (variant === "prepared") pyodide.pyimport("explainer.browser").prepare(widget);
const prepared = performance.now() - t;
t = performance.now();
const request = JSON.stringify({ widget, state: {} });
const answer = JSON.parse(pyodide.pyimport("explainer.browser").handle(request));
const handled = performance.now() - t;
console.log(JSON.stringify({ startup, imported, prepared, handled, error: answer.error }));
"""


def probe(site: Path, widget: str, variant: str) -> dict[str, Any]:
    script = Path("/tmp") / "bench_imports_probe.mjs"
    script.write_text(NODE_PROBE, encoding="utf-8")
    index = str(site / "pyodide") + "/"
    command = ["node", str(script), index, widget, variant]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    row = dict(json.loads(done.stdout.strip().splitlines()[-1]))
    if row["error"]:
        raise RuntimeError(f"{widget} answered with a message: {row['error']}")
    return row


def summarise(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Median ms per ``widget variant``: to the first answer (from the import) and after Enter."""
    out = {}
    for widget in WIDGETS:
        for variant in VARIANTS:
            mine = [r for r in runs if r["widget"] == widget and r["variant"] == variant]
            first = [r["imported"] + r["prepared"] + r["handled"] for r in mine]
            out[f"{widget} {variant}"] = {
                "first_answer_ms": statistics.median(first),
                "after_enter_ms": statistics.median(r["handled"] for r in mine),
                "startup_ms": statistics.median(r["startup"] for r in mine),
                "runs": len(mine),
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args()
    runs = []
    for _ in range(args.rounds):
        for widget in WIDGETS:
            for variant in VARIANTS:
                runs.append({"widget": widget, "variant": variant, **probe(args.site, widget, variant)})
    results = {"rounds": args.rounds, "runs": runs, "summary": summarise(runs)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"{'widget variant':32} {'first answer':>13} {'after Enter':>12}")
    for name, row in results["summary"].items():
        print(f"{name:32} {row['first_answer_ms']:>10.0f} ms {row['after_enter_ms']:>9.0f} ms")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    sys.exit(main())
