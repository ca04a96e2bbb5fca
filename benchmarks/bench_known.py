"""Known states: a toggle, a step, a radio, a slider stop — change to output, with and without the runtime.

The build ships every state a reader reaches without typing as ``<template data-known>``;
the loader shows it with no runtime. Measured in headless Chromium against the built site
on 127.0.0.1, in the same run for both approaches:

- **ours**: the page as built. Each change is made the way a reader's is (a control set and a
  ``change`` event dispatched); the time is from the event to the new output in the page, and
  to the next frame drawn. Bytes of runtime files fetched are counted (goal: 0).
- **baseline**: the same page with its known states removed, as every page was before: each
  change goes to the Pyodide worker; the first one pays the runtime boot (cold cache, fresh
  profile), later ones the worker's round trip.

Usage: ``python benchmarks/bench_known.py [--site site] [--repeats 40]``; prints a table and
writes ``benchmarks/results/known.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_widgets import CHROMIUM, CHROMIUM_ARGS, percentile, serve  # noqa: E402

RUNTIME = re.compile(r"/pyodide/|/assets/glove/|/data/|worker\.js|runtime\.json")
KNOWN = re.compile(r'<template data-known="[^"]*"[^>]*>.*?</template>', re.S)
# (widget, page, the control a reader changes, how: next slider stop / option, toggle, check)
CASES = (
    ("saturation_lab", "scaling/", "input[name=d_k]", "next"),
    ("saturation_lab", "scaling/", "input[name=scale]", "toggle"),
    ("mask_explorer", "masks/", "input[name=kind]:not(:checked)", "check"),
    ("multi_head_viewer", "multi-head/", "select[name=n_heads]", "next"),
    ("heatmap_explorer", "self-attention/", "input[name=causal]", "toggle"),
)
CHANGE = """async ([root, selector, change]) => {
    const widget = document.querySelector(`[data-widget=${root}]`);
    const control = widget.querySelector(selector);
    const done = new Promise((resolve) => widget.addEventListener("explainer:result", resolve, {once: true}));
    const started = performance.now();
    if (change === "toggle") control.checked = !control.checked;
    else if (change === "check") control.checked = true;
    else if (control.tagName === "SELECT") {
        control.selectedIndex = (control.selectedIndex + 1) % control.options.length;
    }
    else control.value = (+control.value + 1) % (+control.max + 1);
    control.dispatchEvent(new Event("change", {bubbles: true}));
    await done;
    const output = performance.now() - started;
    await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    return [output, performance.now() - started];
}"""


def stripped_pages(site: Path) -> dict[str, bytes]:
    """The benchmarked pages without their known states: the baseline, as pages were before."""
    dirs = sorted({page_dir for _, page_dir, _, _ in CASES})
    pages = {d: (site / d / "index.html").read_text(encoding="utf-8") for d in dirs}
    return {f"/{d}": KNOWN.sub("", html).encode() for d, html in pages.items()}


def measure(playwright: Any, base: str, case: tuple[str, str, str, str], repeats: int) -> dict[str, Any]:
    """First change (cold profile), then ``repeats`` changes: latencies and runtime bytes fetched."""
    name, page_dir, selector, change = case
    with tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        page = context.new_page()
        fetched: list[int] = []
        page.on(
            "requestfinished",
            lambda r: RUNTIME.search(r.url) and fetched.append(r.sizes()["responseBodySize"]),
        )
        page.goto(base + page_dir, wait_until="load")
        first = page.evaluate(CHANGE, [name, selector, change])
        times = [page.evaluate(CHANGE, [name, selector, change]) for _ in range(repeats)]
        context.close()
    outputs, painted = [t[0] for t in times], [t[1] for t in times]
    return {
        "widget": name,
        "control": selector,
        "first_ms": first[0],
        "p50_ms": statistics.median(outputs),
        "p95_ms": percentile(outputs, 0.95),
        "painted_p95_ms": percentile(painted, 0.95),
        "runtime_bytes": sum(fetched),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    args = parser.parse_args(argv)
    repeats = 8 if args.quick else args.repeats
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        for approach, strip in (("known states", False), ("runtime (baseline)", True)):
            with serve(args.site, stripped_pages(args.site) if strip else {}) as base:
                for case in CASES:
                    rows.append({"approach": approach, **measure(playwright, base, case, repeats)})
                    print(json.dumps(rows[-1]))
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "repeats": repeats,
        "goals": {"p95_ms": 16, "runtime_bytes": 0},
        "rows": rows,
    }
    out = ROOT / "benchmarks" / "results" / "known.json"
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(table(rows))
    return 0


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| widget | control | approach | first change ms | p50 / p95 ms | drawn p95 ms | runtime bytes |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['widget']} | `{r['control']}` | {r['approach']} | {r['first_ms']:.1f} | "
            f"{r['p50_ms']:.2f} / {r['p95_ms']:.2f} | {r['painted_p95_ms']:.1f} | {r['runtime_bytes']:,} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
