"""Page weight: the bytes each page of the site fetches before the reader interacts.

Every page of the built site is opened in headless Chromium with an empty cache
(a fresh browser context per page, 1280 × 800 viewport) against the site served on
127.0.0.1, and the bytes of every response are summed from Resource Timing:

- at load: after ``load`` and a quiet network, without scrolling (figures further
  down are ``loading="lazy"`` and wait for the reader);
- read to the end: after scrolling to the bottom, every lazy figure in;
- of which Pyodide: the runtime's files (must be 0: it loads on first interaction);
- gzip: what a server that compresses (GitHub Pages does) would send, estimated by
  compressing each fetched file with gzip level 6.

The baseline, measured in the same run, is the same page in a plain
mkdocs-material build of the same Markdown (no ``explainer`` plugin, as in
``bench_build.py``): what the figures, tables and widgets add to Material.

Usage: ``python benchmarks/bench_pages.py [--site site]``; prints a table and
writes ``benchmarks/results/pages.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from bench_build import ENV, ROOT, baseline_config  # noqa: E402
from bench_widgets import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

RESULTS = BENCH_DIR / "results" / "pages.json"
VIEWPORT = {"width": 1280, "height": 800}
ENTRIES_JS = """() => [...performance.getEntriesByType('navigation'),
    ...performance.getEntriesByType('resource')].map(e => [e.name, e.encodedBodySize || 0])"""
SCROLL_JS = """async () => {
    for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
        scrollTo(0, y);
        await new Promise(r => setTimeout(r, 60));
    }
}"""


@dataclass(frozen=True)
class Weight:
    """Bytes fetched by one page, by kind."""

    requests: int
    bytes: int
    gzip_bytes: int
    figure_bytes: int
    pyodide_bytes: int


@dataclass(frozen=True)
class PageRow:
    page: str
    at_load: Weight
    read_to_end: Weight
    baseline_at_load: Weight


def pages(site: Path) -> list[str]:
    """Every page of the site (URL path relative to the root), in a stable order."""
    found = []
    for path in sorted(site.rglob("index.html")):
        if path.parts[len(site.parts)] not in ("assets", "pyodide", "search"):
            found.append(path.parent.relative_to(site).as_posix().removeprefix(".") + "/")
    return sorted(found, key=lambda p: (p != "/", p))


def gzip_size(site: Path, url: str, cache: dict[str, int]) -> int:
    """gzip -6 size of the file behind ``url`` (already-compressed formats count as they are)."""
    path = unquote(urlsplit(url).path)
    if path not in cache:
        file = site / path.lstrip("/")
        if file.is_dir():
            file = file / "index.html"
        data = file.read_bytes() if file.is_file() else b""
        compressed = file.suffix in {".whl", ".zip", ".woff2", ".png", ".npz", ".gz", ".wasm"}
        cache[path] = len(data) if compressed and file.suffix != ".wasm" else len(gzip.compress(data, 6))
    return cache[path]


def weight(entries: list[tuple[str, int]], site: Path, cache: dict[str, int]) -> Weight:
    return Weight(
        requests=len(entries),
        bytes=sum(size for _, size in entries),
        gzip_bytes=sum(gzip_size(site, url, cache) for url, _ in entries),
        figure_bytes=sum(size for url, size in entries if "/figures/" in url),
        pyodide_bytes=sum(size for url, size in entries if "/pyodide/" in url),
    )


def measure_page(browser: Any, base: str, page_url: str, scroll: bool) -> tuple[list[tuple[str, int]], ...]:
    """Resource Timing entries at load and (if ``scroll``) after reading to the end."""
    context = browser.new_context(viewport=VIEWPORT)  # a fresh, empty cache
    try:
        page = context.new_page()
        page.goto(base + page_url.lstrip("/"), wait_until="load")
        page.wait_for_load_state("networkidle")
        at_load = [tuple(e) for e in page.evaluate(ENTRIES_JS)]
        if not scroll:
            return (at_load,)
        page.evaluate(SCROLL_JS)
        page.wait_for_load_state("networkidle")
        return at_load, [tuple(e) for e in page.evaluate(ENTRIES_JS)]
    finally:
        context.close()


def plain_material_site(work: Path) -> Path:
    """The baseline: the same pages built by plain mkdocs-material (see bench_build.py)."""
    dest = work / "plain-site"
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "-q",
        "-f",
        str(baseline_config(work)),
        "-d",
        str(dest),
    ]
    subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True, check=True)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        raise SystemExit(f"no built site in {args.site}: run `make build` first")
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        plain = plain_material_site(Path(tmp))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ours_cache: dict[str, int] = {}
        plain_cache: dict[str, int] = {}
        with serve(args.site, {}) as ours, serve(plain, {}) as base:
            for url in pages(args.site):
                at_load, read = measure_page(browser, ours, url, scroll=True)
                (plain_load,) = measure_page(browser, base, url, scroll=False)
                row = PageRow(
                    url,
                    weight(at_load, args.site, ours_cache),
                    weight(read, args.site, ours_cache),
                    weight(plain_load, plain, plain_cache),
                )
                rows.append(row)
                kib = [w.bytes / 1024 for w in (row.at_load, row.read_to_end, row.baseline_at_load)]
                print(
                    f"{url:34} {kib[0]:6.0f} KiB at load ({row.at_load.gzip_bytes / 1024:4.0f} gzip),"
                    f" {kib[1]:6.0f} read to the end; plain Material {kib[2]:4.0f} KiB;"
                    f" Pyodide {row.read_to_end.pyodide_bytes} B",
                    flush=True,
                )
        browser.close()
    report = {
        "viewport": VIEWPORT,
        "pages": [asdict(r) for r in rows],
        "median_at_load_bytes": statistics.median(r.at_load.bytes for r in rows),
        "median_baseline_bytes": statistics.median(r.baseline_at_load.bytes for r in rows),
        "max_pyodide_bytes": max(r.read_to_end.pyodide_bytes for r in rows),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{len(rows)} pages -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
