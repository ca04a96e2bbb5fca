"""Widget benchmark: our lazy Web Worker runtime vs loading Pyodide on the main thread at page load.

Measured in headless Chromium (Playwright driving /usr/bin/chromium) against the
built site served on 127.0.0.1 with ``Cache-Control: max-age=600`` (what GitHub
Pages sends), in the same run for both approaches:

- bytes transferred before any interaction (all, and Pyodide's);
- time from the first interaction to the first live result, cold (empty cache,
  fresh profile) and warm (persistent profile, second visit); the first interaction
  asks for a state the build could not know (a typed sentence, a new random draw),
  so the runtime has to answer it;
- update latency after load, p50/p95: input event -> new output in the page, and
  input event -> the frame that shows it drawn, for sentences of 2..16 tokens
  (heatmap) or new random draws (saturation lab); each computed by Python;
- the heatmap explorer at 16 tokens alone (a different sentence each time), with the
  Python part the worker measured, so the time can be split: Python, the rest; once
  back to back (each change as soon as the last one is drawn) and once at a typist's
  pace (a change every :data:`TYPIST_MS`), which is how a reader's keystrokes arrive:
  the page then also draws each keystroke while the worker computes;
- known states: a click on a heatmap cell of the page's own sentence, shown from the
  page's template with no runtime (input event -> output in the page).
- the floor: ``loadPyodide()`` alone on a blank page, cold and warm, with no
  package loaded and nothing computed; no widget running Python on this
  Pyodide can answer sooner.

The baseline page is the same chapter page with our loader removed and a script
that loads Pyodide, numpy and the explainer wheel on the main thread as soon as
the page loads (the approach of markdown-exec's and pyodide-mkdocs-theme's pages),
then computes the widget in the page. For it, "first interaction" is page load,
the earliest a reader can act.

Usage: ``python benchmarks/bench_widgets.py [--site site] [--runs 3]``; prints a
table and writes ``benchmarks/results/widgets.json``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import re
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDGETS = {"heatmap_explorer": "self-attention/", "saturation_lab": "scaling/"}
BASELINE_NAME = "baseline-main-thread.html"
WORDS = [
    "the",
    "cat",
    "sat",
    "on",
    "the",
    "mat",
    "because",
    "it",
    "was",
    "tired",
    "and",
    "the",
    "dog",
    "ran",
    "to",
    "a",
    "park",
]
GOALS = {"cold_ms": 2000, "warm_ms": 1000, "update_p95_ms": 16, "pyodide_bytes_before": 0}

# The baseline: load everything on the main thread at page load, then compute like our worker does.
BASELINE_SCRIPT = """
<script src="{root}pyodide/pyodide.js"></script>
<script>
window.__baseline = (async () => {{
  const pyodide = await loadPyodide({{ indexURL: "{root}pyodide/" }});
  await pyodide.loadPackage(["explainer"]);
  const needsGlove = {glove};
  if (needsGlove) {{
    const bytes = new Uint8Array(await (await fetch("{root}assets/glove/glove-browser.npz")).arrayBuffer());
    pyodide.FS.writeFile("/home/pyodide/glove.npz", bytes);
  }}
  const handle = pyodide.pyimport("explainer.browser").handle;
  const root = document.querySelector('[data-widget="{name}"]');
  window.__compute = () => {{
    const state = {{}};
    for (const c of root.querySelectorAll("form [name]")) {{
      // a slider over stops: its position is an index, its state the stop (as loader.js reads it)
      const value = c.dataset.stops ? c.dataset.stops.split(",")[c.value] : c.value;
      state[c.name] = c.type === "checkbox" ? c.checked : value;
    }}
    const glove = needsGlove ? "/home/pyodide/glove.npz" : undefined;
    const request = {{ widget: "{name}", state, embeddings: glove }};
    root.querySelector("[data-output]").innerHTML = JSON.parse(handle(JSON.stringify(request))).html;
    root.dispatchEvent(new CustomEvent("explainer:result", {{ bubbles: true }}));
  }};
  root.addEventListener("input", () => window.__compute());
  window.__compute();
  root.setAttribute("data-state", "ready");
  return performance.now();  // ms since navigation start: the first live result
}})();
</script>
"""


# The floor: the bare runtime, nothing loaded into it and nothing computed. No approach that
# runs Python through this Pyodide can show a first result sooner than this.
FLOOR_NAME = "/pyodide-floor.html"
FLOOR_PAGE = b"""<!doctype html><meta charset="utf-8"><title>floor</title>
<script src="/pyodide/pyodide.js"></script>
<script>
window.__floor = (async () => {
  const t0 = performance.now();
  await loadPyodide({ indexURL: "/pyodide/" });
  return performance.now() - t0;
})();
</script>
"""


@dataclass
class Row:
    """One approach x widget."""

    approach: str
    widget: str
    bytes_before_interaction: int
    pyodide_bytes_before_interaction: int
    cold_ms: float
    warm_ms: float
    update_p50_ms: float
    update_p95_ms: float
    painted_p50_ms: float
    painted_p95_ms: float
    update16_p50_ms: float | None = None
    update16_p95_ms: float | None = None
    python16_p50_ms: float | None = None
    python16_p95_ms: float | None = None
    render16_p50_ms: float | None = None
    render16_p95_ms: float | None = None
    paced16_p50_ms: float | None = None
    paced16_p95_ms: float | None = None
    known_p50_ms: float | None = None
    known_p95_ms: float | None = None


# What GitHub Pages sends gzip-compressed, as readers have observed it (HTML, CSS, JS, JSON and
# WebAssembly; not zip archives, wheels or binary data), e.g. github.com/maxence-charriere/go-app/issues/866.
GZIP_SUFFIXES = (".html", ".css", ".js", ".mjs", ".json", ".wasm", "/")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with GitHub-Pages-like caching; a few pages served from memory; gzip if asked."""

    overrides: ClassVar[dict[str, bytes]] = {}
    gzipped: ClassVar[bool] = False  # compress as GitHub Pages does
    compressed: ClassVar[dict[str, tuple[bytes, str]]] = {}

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        body = self.overrides.get(path)
        zipped = (
            self.gzipped
            and path.endswith(GZIP_SUFFIXES)
            and "gzip" in self.headers.get("Accept-Encoding", "")
        )
        if body is None and not zipped:
            super().do_GET()
            return
        kind = "text/html; charset=utf-8" if path.endswith((".html", "/")) else self.guess_type(path)
        if body is None:
            file = Path(self.translate_path(path))
            file = file / "index.html" if file.is_dir() else file
            if not file.is_file():
                super().do_GET()
                return
            body, kind = file.read_bytes(), self.guess_type(str(file))
        if zipped:
            if path not in self.compressed:
                self.compressed[path] = (gzip.compress(body, 6, mtime=0), kind)
            body = self.compressed[path][0]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(site: Path, overrides: dict[str, bytes], gzipped: bool = False) -> Iterator[str]:
    """The site on 127.0.0.1, ``overrides`` (path -> body) from memory; ``gzipped``: as GitHub Pages."""
    handler = type("Handler", (_Handler,), {"overrides": overrides, "gzipped": gzipped, "compressed": {}})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def baseline_page(site: Path, name: str, page_dir: str) -> bytes:
    """The chapter page with our loader swapped for a main-thread Pyodide that starts at load."""
    html = (site / page_dir / "index.html").read_text(encoding="utf-8")
    html = html.replace('<script src="../assets/widgets/loader.js" defer></script>', "")
    # The site's Content-Security-Policy refuses inline scripts; this page exists only to be measured.
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    script = BASELINE_SCRIPT.format(
        root="../", name=name, glove="true" if name == "heatmap_explorer" else "false"
    )
    return html.replace("</body>", script + "</body>", 1).encode()


def transferred(page: Any) -> tuple[int, int]:
    """(all bytes, Pyodide bytes) the page has fetched so far, from Resource Timing."""
    entries = page.evaluate("""() => [...performance.getEntriesByType('navigation'),
        ...performance.getEntriesByType('resource')]
        .map(e => [e.name, e.transferSize || e.encodedBodySize || 0])""")
    return sum(size for _, size in entries), sum(size for url, size in entries if "/pyodide/" in url)


# A change no build could know: a typed sentence, or a new random draw (the hidden seed).
FIRST_CHANGE = {"heatmap_explorer": ("sentence", "the cat sat"), "saturation_lab": ("seed", "1")}


def first_result_ms(page: Any, url: str, approach: str, name: str) -> tuple[float, tuple[int, int]]:
    """Open ``url``; return (ms from first interaction to first live result, bytes before it)."""
    page.goto(url, wait_until="load")
    if approach == "baseline":
        ms = page.evaluate("window.__baseline")  # from navigation start: the reader could not act earlier
        return float(ms), transferred(page)
    page.wait_for_load_state("networkidle")
    before = transferred(page)
    field, value = FIRST_CHANGE[name]
    ms = page.evaluate(f"""() => new Promise(resolve => {{
        const root = document.querySelector('[data-widget="{name}"]');
        const t0 = performance.now();
        root.addEventListener('explainer:result', () => resolve(performance.now() - t0), {{ once: true }});
        const box = root.querySelector('form [name="{field}"]');
        box.value = {json.dumps(value)};
        box.dispatchEvent(new Event('input', {{ bubbles: true }}));
    }})""")
    return float(ms), before


# One timed change: set a form field, wait for the widget's result;
# [in page, painted, python ms, known, render ms (the page parsing the new output)].
TIMED_CHANGE_JS = """([name, field, value]) => new Promise(resolve => {
    const root = document.querySelector(`[data-widget="${name}"]`);
    const box = root.querySelector(`form [name="${field}"]`);
    const t0 = performance.now();
    // Two times: the new output is in the page; the frame that shows it has been drawn
    // (the main-thread approach renders after its result too, so both pay for it there).
    root.addEventListener('explainer:result', (event) => {
        const inPage = performance.now() - t0;
        const detail = event.detail || {};
        requestAnimationFrame(() => setTimeout(() => resolve(
            [inPage, performance.now() - t0, detail.python_ms ?? null, detail.known ?? null,
             detail.render_ms ?? null]), 0));
    }, { once: true });
    box.value = value;
    box.dispatchEvent(new Event('input', { bubbles: true }));
})"""


def update_latencies(page: Any, name: str, repeats: int) -> list[tuple[float, float]]:
    """Input event -> output replaced, for sentences of 2..16 tokens (heatmap) or new random draws."""
    times = []
    for i in range(repeats):
        n = 2 + i % 15
        value = " ".join(WORDS[:n]) if name == "heatmap_explorer" else str(2 + i)
        field = "sentence" if name == "heatmap_explorer" else "seed"
        in_page, painted, _, _, _ = page.evaluate(TIMED_CHANGE_JS, [name, field, value])
        times.append((in_page, painted))
    return times


TYPIST_MS = 200
"""A keystroke every 200 ms: 60 words a minute, of five letters each."""


def sixteen_token_updates(page: Any, repeats: int, pause_ms: int = 0) -> list[tuple[float, float, float]]:
    """The heatmap explorer at 16 tokens, a new sentence each time: (in page, Python, page's render).

    ``pause_ms``: the time between one change drawn and the next change (0: back to back).
    """
    times = []
    for step in range(repeats):
        if pause_ms:
            page.wait_for_timeout(pause_ms)  # the reader's pace is what is measured here
        # Rotation 0 is WORDS[:16], the sentence update_latencies may have ended on: the loader shows
        # nothing again for a state already shown (no result event), so start one rotation later.
        i = step + 1
        words = WORDS[i % len(WORDS) :] + WORDS[: i % len(WORDS)]  # 17 rotations, then a changed first word
        words = [*words[:15], WORDS[(i // len(WORDS)) % len(WORDS)]] if i >= len(WORDS) else words[:16]
        in_page, _, python_ms, _, render_ms = page.evaluate(
            TIMED_CHANGE_JS, ["heatmap_explorer", "sentence", " ".join(words)]
        )
        nan = float("nan")  # the main-thread baseline reports neither part
        times.append(
            (in_page, nan if python_ms is None else python_ms, nan if render_ms is None else render_ms)
        )
    return times


def known_cell_clicks(page: Any, url: str, repeats: int) -> list[float]:
    """Clicks on heatmap cells of the page's own sentence: shown from the page's templates, no runtime."""
    page.goto(url, wait_until="load")
    times = []
    cells = page.locator('[data-widget="heatmap_explorer"] [data-output] .explainer-cell')
    n = cells.count()
    for i in range(repeats):
        index = (i * 7) % n
        ms, known = page.evaluate(
            """(index) => new Promise(resolve => {
            const root = document.querySelector('[data-widget="heatmap_explorer"]');
            const cell = root.querySelectorAll('[data-output] .explainer-cell')[index];
            const t0 = performance.now();
            const done = (e) => resolve([performance.now() - t0, e.detail.known]);
            root.addEventListener('explainer:result', done, { once: true });
            cell.click();
        })""",
            index,
        )
        if known:
            times.append(float(ms))
    return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(playwright: Any, base: str, approach: str, name: str, runs: int, repeats: int) -> Row:
    """Cold (fresh profile each run, median), warm (persistent profile, second visit), updates."""
    page_dir = WIDGETS[name]
    url = base + page_dir + (BASELINE_NAME if approach == "baseline" else "")
    cold, warm, before = [], [], (0, 0)
    updates, sixteen, paced, known = [], [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-profile-") as profile:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            ms, before = first_result_ms(context.new_page(), url, approach, name)
            cold.append(ms)
            page = context.new_page()
            ms, _ = first_result_ms(page, url, approach, name)
            warm.append(ms)
            updates += update_latencies(page, name, repeats)
            if name == "heatmap_explorer":
                sixteen += sixteen_token_updates(page, repeats)
                paced += [t[0] for t in sixteen_token_updates(page, repeats // 2, TYPIST_MS)]
                if approach == "worker":
                    known += known_cell_clicks(context.new_page(), url, repeats)
            context.close()
    row = Row(
        approach,
        name,
        before[0],
        before[1],
        statistics.median(cold),
        statistics.median(warm),
        percentile([u[0] for u in updates], 0.5),
        percentile([u[0] for u in updates], 0.95),
        percentile([u[1] for u in updates], 0.5),
        percentile([u[1] for u in updates], 0.95),
    )
    if sixteen:
        row.update16_p50_ms, row.update16_p95_ms = (
            percentile([u[0] for u in sixteen], q) for q in (0.5, 0.95)
        )
        python = [u[1] for u in sixteen if u[1] == u[1]]  # the main-thread baseline reports none
        if python:
            row.python16_p50_ms, row.python16_p95_ms = (percentile(python, q) for q in (0.5, 0.95))
        render = [u[2] for u in sixteen if u[2] == u[2]]
        if render:
            row.render16_p50_ms, row.render16_p95_ms = (percentile(render, q) for q in (0.5, 0.95))
    if paced:
        row.paced16_p50_ms, row.paced16_p95_ms = (percentile(paced, q) for q in (0.5, 0.95))
    if known:
        row.known_p50_ms, row.known_p95_ms = percentile(known, 0.5), percentile(known, 0.95)
    return row


def runtime_floor(playwright: Any, base: str, runs: int) -> dict[str, float]:
    """``loadPyodide()`` alone, cold (fresh profile) and warm (second visit), median over ``runs``."""
    cold, warm = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-profile-") as profile:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            for times in (cold, warm):
                page = context.new_page()
                page.goto(base + FLOOR_NAME.lstrip("/"), wait_until="load")
                times.append(float(page.evaluate("window.__floor")))
                page.close()
            context.close()
    return {"cold_ms": statistics.median(cold), "warm_ms": statistics.median(warm)}


def site_size(site: Path) -> dict[str, int]:
    """Bytes the widget runtime adds to the site."""

    def total(path: Path) -> int:
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0

    return {
        "pyodide": total(site / "pyodide"),
        "glove": total(site / "assets" / "glove"),
        "widget_assets": total(site / "assets" / "widgets"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--runs", type=int, default=3, help="cold/warm runs per approach (median)")
    parser.add_argument("--updates", type=int, default=60, help="updates timed per run")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "widgets.json")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    overrides = {f"/{d}{BASELINE_NAME}": baseline_page(args.site, n, d) for n, d in WIDGETS.items()}
    overrides[FLOOR_NAME] = FLOOR_PAGE
    rows = []
    with serve(args.site, overrides) as base, sync_playwright() as playwright:
        for name in WIDGETS:
            for approach in ("worker", "baseline"):
                rows.append(measure(playwright, base, approach, name, args.runs, args.updates))
        floor = runtime_floor(playwright, base, args.runs)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average_1min": os.getloadavg()[0],  # this machine has 2 cores; other jobs skew times
        "goals": GOALS,
        "site_bytes_added": site_size(args.site),
        "rows": [asdict(r) for r in rows],
        "runtime_floor": floor,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(table(rows))
    print(f"floor, loadPyodide() alone: cold {floor['cold_ms']:.0f} ms, warm {floor['warm_ms']:.0f} ms")
    print(f"site bytes added: {report['site_bytes_added']}  -> {args.out}")
    return 0


def table(rows: list[Row]) -> str:
    head = (
        "| widget | approach | bytes before interaction (Pyodide) | cold ms | warm ms"
        " | update p50 / p95 ms | painted p50 / p95 ms |"
    )
    lines = [head, "|---|---|---|---|---|---|---|"]
    extra = []
    for r in rows:
        lines.append(
            f"| {r.widget} | {r.approach} | {r.bytes_before_interaction:,}"
            f" ({r.pyodide_bytes_before_interaction:,})"
            f" | {r.cold_ms:.0f} | {r.warm_ms:.0f} | {r.update_p50_ms:.1f} / {r.update_p95_ms:.1f}"
            f" | {r.painted_p50_ms:.1f} / {r.painted_p95_ms:.1f} |"
        )
        if r.update16_p50_ms is not None and r.update16_p95_ms is not None:
            python = (
                f", Python in the worker {r.python16_p50_ms:.1f} / {r.python16_p95_ms:.1f}"
                if r.python16_p50_ms is not None and r.python16_p95_ms is not None
                else ""
            )
            if r.render16_p50_ms is not None and r.render16_p95_ms is not None:
                python += f", the page's render {r.render16_p50_ms:.1f} / {r.render16_p95_ms:.1f}"
            if r.paced16_p50_ms is not None and r.paced16_p95_ms is not None:
                python += f"; a change every {TYPIST_MS} ms {r.paced16_p50_ms:.1f} / {r.paced16_p95_ms:.1f}"
            extra.append(
                f"{r.widget} {r.approach} at 16 tokens: update p50 / p95 "
                f"{r.update16_p50_ms:.1f} / {r.update16_p95_ms:.1f} ms{python}"
            )
        if r.known_p50_ms is not None and r.known_p95_ms is not None:
            extra.append(
                f"{r.widget} known cell click: p50 / p95 {r.known_p50_ms:.1f} / {r.known_p95_ms:.1f} ms"
            )
    return "\n".join(lines + extra)


if __name__ == "__main__":
    raise SystemExit(main())
