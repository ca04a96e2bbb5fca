"""Time the package's attention against n inside Pyodide (Node), next to the host's NumPy.

Usage::

    python benchmarks/bench_pyodide_attention.py [--site site] [--ns 16 32 ...] [--repeats 7]

Node 20 loads the runtime the build assembled into ``SITE/pyodide/`` (core,
numpy and the ``explainer`` wheel from its lock; no network), and times
``explainer.attention.scaled_dot_product_attention`` on float64 ``(n, 64)``
inputs: the best of ``--repeats`` calls after one warm-up (the minimum is the
least disturbed by other load on the machine), timed inside Python with
``time.perf_counter`` so Node's call overhead is excluded. The same
function is timed on the host's NumPy in the same run; the ratio is
Pyodide / host. Writes ``benchmarks/results/attention_pyodide.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from explainer.attention import scaled_dot_product_attention  # noqa: E402

OUTPUT = ROOT / "benchmarks" / "results" / "attention_pyodide.json"
D_K = 64

# Runs inside Pyodide; returns JSON {n: best-of-repeats seconds}.
PY_TIMER = """
import json, time
import numpy as np
from explainer.attention import scaled_dot_product_attention

def best_seconds(n, repeats):
    x = np.random.default_rng(0).normal(size=(n, {d_k}))  # (n, d_k)
    scaled_dot_product_attention(x, x, x)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        scaled_dot_product_attention(x, x, x)
        times.append(time.perf_counter() - start)
    return min(times)

json.dumps({{n: best_seconds(n, {repeats}) for n in {ns}}})
"""

NODE_RUNNER = """
const {{ loadPyodide }} = require({pyodide_js});
(async () => {{
  const started = performance.now();
  const pyodide = await loadPyodide({{ indexURL: {index_url}, stdout: () => {{}} }});
  await pyodide.loadPackage(["numpy", "explainer"], {{ messageCallback: () => {{}} }});
  const loaded = performance.now() - started;
  const timings = pyodide.runPython({code});
  console.log(JSON.stringify({{ load_ms: loaded, timings: JSON.parse(timings) }}));
}})().catch((error) => {{ console.error(String(error)); process.exit(1); }});
"""


def host_best_seconds(n: int, repeats: int) -> float:
    """Best-of-repeats seconds of the package's attention on the host for float64 ``(n, D_K)`` inputs."""
    x = np.random.default_rng(0).normal(size=(n, D_K))  # (n, d_k)
    scaled_dot_product_attention(x, x, x)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        scaled_dot_product_attention(x, x, x)
        times.append(time.perf_counter() - start)
    return min(times)


def pyodide_timings(site: Path, ns: list[int], repeats: int) -> dict[str, float]:
    """Load time (ms) and ``{n: best seconds}`` from Pyodide under Node."""
    index = site / "pyodide"
    if not (index / "pyodide.asm.wasm").is_file():
        raise SystemExit(f"no Pyodide runtime in {index}: build the site first (make build)")
    code = PY_TIMER.format(d_k=D_K, repeats=repeats, ns=ns)
    script = NODE_RUNNER.format(
        pyodide_js=json.dumps(str(index / "pyodide.js")),
        index_url=json.dumps(str(index) + "/"),
        code=json.dumps(code),
    )
    with tempfile.TemporaryDirectory(prefix="bench-pyodide-") as tmp:
        runner = Path(tmp) / "run.cjs"
        runner.write_text(script, encoding="utf-8")
        node = shutil.which("node") or "node"
        done = subprocess.run([node, str(runner)], capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise SystemExit(f"Pyodide run failed: {done.stderr.strip()[-800:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--ns", type=int, nargs="+", default=[16, 32, 64, 128, 256, 512])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    wasm = pyodide_timings(args.site.resolve(), args.ns, args.repeats)
    rows = []
    for n in args.ns:
        host = host_best_seconds(n, args.repeats)
        inside = float(wasm["timings"][str(n)])
        rows.append(
            {"n": n, "numpy_host_s": host, "pyodide_s": inside, "ratio_pyodide_to_host": inside / host}
        )
        print(f"n={n:5d}  host {host * 1e3:9.3f} ms   pyodide {inside * 1e3:9.3f} ms   x{inside / host:6.1f}")
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "load_avg_1m": round(os.getloadavg()[0], 2),
        },
        "d_k": D_K,
        "repeats": args.repeats,
        "pyodide_load_ms": round(float(wasm["load_ms"]), 1),
        "rows": rows,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"Pyodide + numpy + explainer loaded in {result['pyodide_load_ms']:.0f} ms; wrote {args.output}")


if __name__ == "__main__":
    main()
