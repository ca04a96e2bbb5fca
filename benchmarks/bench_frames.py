"""Frame-time benchmark: a whole play of the chapter-6 step-through, with motion and with reduced motion.

Measured in headless Chromium (Playwright driving /usr/bin/chromium) against the built
site served on 127.0.0.1, in the same run for both:

- the time between consecutive ``requestAnimationFrame`` callbacks while the step-through
  plays from its first step to its last (Play pressed, until it stops by itself): p50, p95,
  p99 and the longest, and how many frames took longer than 16.7 ms (one frame at 60 Hz);
- the most CSS animations running at once, sampled every 250 ms (0 with reduced motion);
- the bytes the widget adds to its page, gzip: its pre-rendered markup (every step's
  picture for every query row, as the page carries it) and its own stylesheet and script.

The baseline is the same play with ``prefers-reduced-motion: reduce``: the same states in
the same order, switched by the same script, with no animation. Headless Chromium paints
without a GPU here, so the numbers are an upper bound for a reader's machine; the machine's
load average is recorded beside them.

Usage: ``python benchmarks/bench_frames.py [--site site] [--runs 1]``; prints a table and
writes ``benchmarks/results/frames.json``.
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
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_widgets import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

WIDGET = '[data-widget="step_through"]'
FRAME_MS = 1000 / 60
GOALS = {"frame_p95_ms": round(FRAME_MS, 1), "added_kb_gzip": 60}

RECORD_JS = """(root) => {
    window.__frames = [];
    window.__peak = 0;
    window.__stop = false;
    const widget = document.querySelector(root);
    const tick = (t) => {
        window.__frames.push(t);  // nothing else here: the recorder must not cost frames itself
        if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const sample = () => {
        const running = document.getAnimations().filter(a =>
            a.playState === 'running' && widget.contains(a.effect.target)).length;
        window.__peak = Math.max(window.__peak, running);
        if (!window.__stop) setTimeout(sample, 250);
    };
    sample();
}"""
DONE_JS = """async (root) => {
    const widget = document.querySelector(root);
    while (widget.hasAttribute('data-playing')) await new Promise((r) => setTimeout(r, 100));
    window.__stop = true;
    return {frames: window.__frames, peak: window.__peak};
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(site: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}/", httpd


def page_with_widget(site: Path) -> str:
    for path in sorted(site.rglob("*.html")):
        if 'data-widget="step_through"' in path.read_text(encoding="utf-8", errors="replace"):
            return path.relative_to(site).as_posix()
    raise SystemExit(f"no page of {site} has the step-through")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def one_play(browser: Any, url: str, motion: str) -> dict[str, Any]:
    """Open the page, press Play, record every frame until the play stops by itself."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion=motion)
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.locator(WIDGET).scroll_into_view_if_needed()
        page.evaluate(RECORD_JS, WIDGET)
        started = time.perf_counter()
        page.click(f"{WIDGET} [data-st=play]")
        result = page.evaluate(DONE_JS, WIDGET)
        seconds = time.perf_counter() - started
    finally:
        context.close()
    gaps = [b - a for a, b in zip(result["frames"], result["frames"][1:], strict=False)]
    return {
        "motion": motion,
        "play_s": round(seconds, 2),
        "frames": len(gaps),
        "p50_ms": round(statistics.median(gaps), 2),
        "p95_ms": round(percentile(gaps, 95), 2),
        "p99_ms": round(percentile(gaps, 99), 2),
        "max_ms": round(max(gaps), 2),
        "over_one_frame": sum(g > FRAME_MS + 0.5 for g in gaps),
        "animations_peak": int(result["peak"]),
    }


def added_bytes(site: Path, page: str) -> dict[str, int]:
    """Gzip bytes of the widget's markup as the page carries it, and of its own CSS and JS."""
    html = (site / page).read_text(encoding="utf-8")
    start = html.index('<div class="explainer-widget" data-widget="step_through"')
    depth, end = 0, start
    for match in re.finditer(r"<(/?)div\b", html[start:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            end = start + match.end()
            break
    widget = html[start : html.index(">", end) + 1]
    own = {
        name: (site / "assets" / "widgets" / name).read_bytes()
        for name in ("step_through.css", "step_through.js")
    }
    sizes = {"markup": len(gzip.compress(widget.encode(), 9))}
    sizes |= {name: len(gzip.compress(data, 9)) for name, data in own.items()}
    sizes["total"] = sum(sizes.values())
    sizes["markup_raw"] = len(widget.encode())
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    base, httpd = serve(args.site)
    page = page_with_widget(args.site)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(args.runs):
            for motion in ("no-preference", "reduce"):
                rows.append(one_play(browser, base + page, motion))
        browser.close()
    httpd.shutdown()
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "goals": GOALS,
        "page": page,
        "site_bytes_added": added_bytes(args.site, page),
        "plays": rows,
    }
    heads = ("frames", "p50 ms", "p95 ms", "p99 ms", "max ms")
    print(f"{'motion':<14}" + "".join(f"{head:>9}" for head in heads) + f"{'>1 frame':>10}{'anims':>7}")
    for row in rows:
        print(
            f"{row['motion']:<14}{row['frames']:>9}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
            f"{row['max_ms']:>9}{row['over_one_frame']:>10}{row['animations_peak']:>7}"
        )
    print("bytes added (gzip):", result["site_bytes_added"], "load average:", result["load_average_1min"])
    out = ROOT / "benchmarks" / "results" / "frames.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
