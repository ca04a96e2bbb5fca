"""Time the package's attention against n, next to a naive loop and PyTorch.

Usage::

    python benchmarks/bench_attention.py [--ns 32 64 ...] [--repeats 7] [--d-k 64]

Each implementation computes ``softmax(Q Kᵀ / √d_k) V`` for float64 inputs of
shape ``(n, d_k)``, single-threaded (``BENCH_THREADS``, default 1); the reported
times are the median wall time and the median CPU time of ``--repeats`` calls
after one warm-up call (CPU time is robust to other load on a shared machine,
so the figure uses it). The naive baseline is pure Python loops (only run up
to ``--naive-max-n``, since it costs O(n² d_k) interpreted steps).
``torch.nn.functional.scaled_dot_product_attention`` is timed when torch is
importable (it is not a project dependency: run this script with a Python
that has torch, e.g. ``/opt/refvenv/bin/python``, to include it).

Prints a table with ratios to the package and writes
``benchmarks/results/attention_core.json`` (machine info and date included),
which the figure ``cost_time_memory`` draws.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# One BLAS thread for every library: on a shared 2-core machine, multi-threaded BLAS spin-waits
# for busy cores and turns timings into noise. Set BENCH_THREADS to change it.
THREADS = os.environ.get("BENCH_THREADS", "1")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, THREADS)

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the package from this checkout, whichever Python runs the script

from explainer.attention import scaled_dot_product_attention  # noqa: E402

DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "attention_core.json"


def naive_attention(q: list[list[float]], k: list[list[float]], v: list[list[float]]) -> list[list[float]]:
    """Attention with plain Python loops: one query, one key, one component at a time."""
    d_k = len(q[0])
    out = []
    for qi in q:
        scores = [sum(a * b for a, b in zip(qi, kj, strict=True)) / math.sqrt(d_k) for kj in k]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        out.append([sum(e / total * vj[c] for e, vj in zip(exps, v, strict=True)) for c in range(len(v[0]))])
    return out


def call_times(call: Callable[[], object], repeats: int) -> tuple[list[float], list[float]]:
    """(wall, CPU) seconds of each of ``repeats`` calls, after one warm-up call.

    CPU time (``time.process_time``) counts only the time this process computed, so
    it stays meaningful when other work on the machine makes the process wait.
    """
    call()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def median_seconds(
    call: Callable[[], object], repeats: int, extra: dict[str, dict[str, float]], name: str
) -> float:
    """Median wall time; records the median CPU time and the fastest wall time in ``extra``."""
    wall, cpu = call_times(call, repeats)
    extra["cpu"][name] = statistics.median(cpu)
    extra["fastest"][name] = min(wall)
    return statistics.median(wall)


def torch_runner() -> tuple[Callable[[np.ndarray], Callable[[], object]] | None, str]:
    """A factory of torch SDPA calls, or None with the reason torch is unavailable."""
    try:
        import torch
        import torch.nn.functional as functional
    except ImportError:
        return None, "torch not available"

    torch.set_num_threads(int(THREADS))

    def make(x: np.ndarray) -> Callable[[], object]:
        t = torch.from_numpy(x)[None, None]  # (1, 1, n, d_k)
        return lambda: functional.scaled_dot_product_attention(t, t, t)

    return make, f"torch {torch.__version__} ({torch.get_num_threads()} threads)"


def measure_n(n: int, d_k: int, repeats: int, naive_max_n: int, torch_make: Any) -> dict[str, Any]:
    """Times (seconds) of each implementation at one sequence length."""
    rng = np.random.default_rng(n)
    x = rng.standard_normal((n, d_k))  # (n, d_k); q = k = v, as in self-attention
    row: dict[str, Any] = {"n": n}
    extra: dict[str, dict[str, float]] = {"cpu": {}, "fastest": {}}
    ours = lambda: scaled_dot_product_attention(x, x, x)  # noqa: E731
    row["explainer"] = median_seconds(ours, repeats, extra, "explainer")
    row["naive_loop"] = None
    if n <= naive_max_n:
        as_lists = x.tolist()
        naive_repeats = max(1, repeats // 3)  # seconds per call at the top end: fewer repeats
        naive = lambda: naive_attention(as_lists, as_lists, as_lists)  # noqa: E731
        row["naive_loop"] = median_seconds(naive, naive_repeats, extra, "naive_loop")
    row["torch_sdpa"] = None
    row["torch_max_abs_diff"] = None
    if torch_make is not None:
        call = torch_make(x)
        row["torch_sdpa"] = median_seconds(call, repeats, extra, "torch_sdpa")
        output, _ = scaled_dot_product_attention(x, x, x)  # (n, d_k)
        row["torch_max_abs_diff"] = float(np.max(np.abs(call().numpy()[0, 0] - output)))
    row.update(extra)  # median CPU time and best single wall time: less sensitive to other load
    return row


def machine_info(torch_status: str) -> dict[str, Any]:
    """Where the numbers were measured."""
    cpu = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        lines = cpuinfo.read_text().splitlines()
        names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
        cpu = names[0] if names else cpu
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return {
        "python": python, "executable": sys.executable, "numpy": np.__version__, "torch": torch_status,
        "cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(),
        "blas_threads": int(os.environ["OPENBLAS_NUM_THREADS"]),
        # Other work on the machine inflates timings; the 1-minute load average at the start says how much.
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "summary": f"{cpu}, {os.cpu_count()} cores, {python}, NumPy {np.__version__}, "
        f"{os.environ['OPENBLAS_NUM_THREADS']} BLAS thread(s)",
    }  # fmt: skip


def format_table(rows: list[dict[str, Any]], measure: str = "wall") -> str:
    """Milliseconds per call and each baseline's time relative to the package.

    Args:
        rows: results of :func:`measure_n`.
        measure: "wall" for median wall time, "cpu" for median CPU time.
    """

    def ms(x: float | None) -> str:
        return "—" if x is None else f"{x * 1e3:.3f}"

    def ratio(x: float | None, ref: float) -> str:
        return "—" if x is None else f"{x / ref:.2f}×"

    header = ("n", "explainer ms", "naive ms", "naive/expl", "torch ms", "torch/expl")
    lines = [" ".join(f"{h:>{w}}" for h, w in zip(header, (6, 13, 11, 11, 10, 11), strict=True))]
    for row in rows:
        r = (
            row
            if measure == "wall"
            else {"explainer": None, "naive_loop": None, "torch_sdpa": None, **row["cpu"]}
        )
        ref = r["explainer"]
        lines.append(
            f"{row['n']:>6} {ms(ref):>13} {ms(r['naive_loop']):>11} {ratio(r['naive_loop'], ref):>11} "
            f"{ms(r['torch_sdpa']):>10} {ratio(r['torch_sdpa'], ref):>11}"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ns", type=int, nargs="+", default=[32, 64, 128, 256, 512, 1024, 2048])
    parser.add_argument("--d-k", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--naive-max-n", type=int, default=256)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    if min(args.ns) < 1 or args.d_k < 1 or args.repeats < 1:
        parser.error("--ns, --d-k and --repeats must all be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and write the JSON."""
    args = parse_args(argv)
    torch_make, torch_status = torch_runner()
    print(torch_status)
    rows = [measure_n(n, args.d_k, args.repeats, args.naive_max_n, torch_make) for n in args.ns]
    print("median wall time per call")
    print(format_table(rows))
    print("median CPU time per call (what the figure shows)")
    print(format_table(rows, "cpu"))
    result = {
        "date": datetime.datetime.now(datetime.UTC).date().isoformat(),
        "run": f"{sys.executable} ({torch_status})",
        "machine": machine_info(torch_status),
        "d_k": args.d_k, "repeats": args.repeats, "naive_max_n": args.naive_max_n, "dtype": "float64",
        "ns": args.ns, "results": rows,
    }  # fmt: skip
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
