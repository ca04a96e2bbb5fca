"""The widgets' cold path, phase by phase: what each start-up lever saves, measured side by side.

Headless Chromium (Playwright, /usr/bin/chromium) against a built site served on
127.0.0.1 (``Cache-Control: max-age=600``, as GitHub Pages sends; no compression but where said).
Every variant runs in the same process, alternating, on fresh browser profiles:

- ``floor``: ``loadPyodide()`` alone on a blank page, nothing loaded into it;
- variants of our worker on /self-attention/ (the heatmap explorer, which also
  needs the GloVe subset): ``before`` (official source files, packages loaded
  after the interpreter), ``preload`` (packages named to ``loadPyodide``, so they
  download while it starts), ``pyc`` (byte-compiled standard library, numpy and
  explainer, as :mod:`explainer.sitebuild.wheel` makes them) and ``preload+pyc``
  (both: what the site ships, with the standard library compiled where a widget session
  imports it and numpy without the files it never reads; the worker starts Python
  on those modules alone and fetches the rest of the library on a first import of one;
  ``preload+pyc, one zip`` is the same in one archive, as the site shipped it before;
  ``preload+pyc, numpy whole`` loads numpy's whole wheel, as shipped before the worker's
  numpy held only what widgets import (explainer/sitebuild/numpy_split.py);
  ``preload+pyc, no stand-ins`` puts back into the worker's numpy what it imports as stand-ins
  (linear algebra's extension module, explainer/lazy_modules.py), as shipped before them;
  ``preload+pyc, all at once`` starts every download at once, as shipped before the worker ordered
  them (the interpreter, then numpy's wheel, then the rest: worker.js's orderDownloads);
  ``preload+pyc, no start-up stand-ins`` starts Python on a standard library without the stand-ins
  of Pyodide's start-up (explainer.lazy_modules.STDLIB_DEFERRED), as shipped before them;
  ``preload+pyc, three scripts`` has the worker fetch its configuration and then pyodide.js before
  the runtime's downloads, as shipped before worker.js carried both;
  ``preload+pyc, whole`` compiles all of both) and ``preload+pyc+snapshot`` (a first visit saves a
  snapshot of the bare interpreter in Cache Storage, a second restores it; off as
  shipped, because it measured slower);
  each cold (empty cache) and warm (second visit), from the first input event
  to the ``explainer:result`` event, with the worker's phases (its "ready" message);
- throttled (20 Mbit/s, 40 ms RTT, CDP ``Network.emulateNetworkConditions``):
  the best variant against the main-thread-at-load approach (bench_widgets.py's
  baseline page: Pyodide starts on the main thread when the page loads), served
  uncompressed and gzip-compressed as GitHub Pages serves text and WebAssembly;
- typed input: focus the sentence field, wait 3 s (the reader reads), type,
  press Enter; ms from Enter to the result;
- a page never touched: requests and bytes of the runtime after load + 3 s.

Usage: ``python benchmarks/bench_coldpath.py --site /tmp/site [--runs 5]``;
prints tables and writes ``benchmarks/results/coldpath.json``.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import io
import json
import os
import re
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from bench_widgets import (  # noqa: E402
    BASELINE_SCRIPT,
    CHROMIUM,
    CHROMIUM_ARGS,
    FLOOR_NAME,
    FLOOR_PAGE,
    serve,
)

PAGE = "self-attention/"
WIDGET = "heatmap_explorer"
PARTS = ("levers", "throttled", "typed", "untouched")
TYPED = "typed, focus 3 s before, after Enter"
OUTPUT = ROOT / "benchmarks" / "results" / "coldpath.json"
THROTTLE = {"offline": False, "latency": 40, "downloadThroughput": 20e6 / 8, "uploadThroughput": 20e6 / 8}
RUNTIME_PATHS = ("/pyodide/", "/assets/glove/", "worker.js", "runtime.json")
# Keeps the worker's "ready" message (its phases) where the benchmark can read it.
CAPTURE_READY = """(() => {
  const Original = window.Worker;
  if (!Original) return;
  window.Worker = function (...args) {
    const worker = new Original(...args);
    worker.addEventListener("message", (e) => {
      if (e.data.type === "ready") window.__ready = e.data;
      if (e.data.type === "prepared") (window.__prepared = window.__prepared || []).push(e.data);
    });
    return worker;
  };
  window.Worker.prototype = Original.prototype;
})();"""
FIRST_RESULT = """(text) => new Promise((resolve, reject) => {
  const root = document.querySelector('[data-widget="heatmap_explorer"]');
  const box = root.querySelector('input[name="sentence"]');
  setTimeout(() => reject(new Error(`no result within 120 s: ${root.textContent.slice(0, 300)}`)), 120000);
  const t0 = performance.now();
  root.addEventListener("explainer:result", (e) => resolve([performance.now() - t0, e.detail.python_ms]),
                        { once: true });
  box.value = text;
  box.dispatchEvent(new Event("input", { bubbles: true }));
})"""
TYPED_SENTENCE = "the dog chased the ball"  # every word in GloVe
AFTER_ENTER = """(typed) => { window.__afterEnter = new Promise((resolve) => {
  // From Enter until the output shows the typed sentence (its columns are its words): 0 when a
  // keystroke's own update already showed it (typing computes as it goes; Enter asks nothing new).
  const root = document.querySelector('[data-widget="heatmap_explorer"]');
  const shows = () => [...root.querySelectorAll("[data-output] .explainer-heatmap th[data-k]")]
    .map((th) => th.textContent.replace(/ \\(\\d+\\)$/, "")).join(" ") === typed;  // "the (4)": a repeat
  let t0 = null;
  const check = () => { if (t0 !== null && shows()) resolve(performance.now() - t0); };
  const enter = (e) => { if (e.key === "Enter") { t0 = performance.now(); check(); } };
  root.addEventListener("keydown", enter, true);
  root.addEventListener("explainer:result", check);
}); }"""


def source_files(site: Path) -> dict[str, bytes]:
    """The official, uncompiled files behind the site's stdlib, numpy and explainer URLs."""
    from explainer.sitebuild.runtime import build_explainer_wheel, wheel_source_dir

    lock = json.loads((site / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    ours = lock["packages"]["explainer"]["file_name"]
    numpy = lock["packages"]["numpy"]["file_name"]
    return {
        "python_stdlib.zip": (ROOT / "node_modules" / "pyodide" / "python_stdlib.zip").read_bytes(),
        numpy: (wheel_source_dir() / numpy).read_bytes(),
        ours: build_explainer_wheel(ROOT, ROOT / ".cache" / "explainer-wheel").read_bytes(),
    }


def shipped_imported(site: Path) -> list[str]:
    """The standard-library files the site ships compiled (the ones a widget session imports)."""
    shipped = zipfile.ZipFile(site / "pyodide" / "python_stdlib.zip").namelist()
    return [name.removesuffix("c") for name in shipped if name.endswith(".pyc")]


def variant(
    site: Path,
    files: dict[str, bytes] | None,
    preload: bool,
    snapshot: bool = False,
    split: bool = True,
    stand_ins: bool = True,
    order: bool = True,
    bundled: bool = True,
    start_up_stand_ins: bool = True,
) -> dict[str, bytes]:
    """Overrides serving ``files`` (None: the site's own) and a runtime.json (in worker.js) with these levers.

    ``split=False`` (and any ``files``, which hold a whole numpy): the worker loads the whole numpy
    wheel of ``pyodide-lock.json``, as the site shipped it before numpy_split.py.
    ``order=False``: every download at once, as shipped before runtime.json's ``download_order``.
    ``start_up_stand_ins=False``: the worker's standard library without the stand-ins of Pyodide's
    start-up (STDLIB_DEFERRED): the modules it imports are compiled into python_stdlib_hot.zip.
    ``bundled=False``: the worker fetches its configuration, then pyodide.js, before the runtime's
    downloads start, and its lock beside them, as shipped before worker.js carried all three
    (sitebuild.runtime_config.worker_script).
    ``stand_ins=False``: the worker's numpy holds the modules it would import as stand-ins
    (explainer/lazy_modules.py), as shipped before them.
    """
    from explainer.sitebuild.runtime_config import worker_script

    overrides = {}
    config = json.loads((site / "assets" / "widgets" / "runtime.json").read_text(encoding="utf-8"))
    levers = {"preload": preload, "snapshot": snapshot, "download_order": order}
    if files and "python_stdlib.zip" in files:  # one archive for the whole standard library, as before
        config = {k: v for k, v in config.items() if k not in ("stdlib_url", "stdlib_more")}
    if files or not split:
        config = {k: v for k, v in config.items() if k not in ("lock_url", "numpy_more")}
    elif not stand_ins:
        deferred = set(config["numpy_more"]["deferred"])
        modules = [m for m in config["numpy_more"]["modules"] if m not in deferred]
        config["numpy_more"] |= {"deferred": [], "modules": modules}
        overrides |= numpy_with(site, deferred)
    config = {**config, **levers}
    overrides["/assets/widgets/runtime.json"] = json.dumps(config).encode()
    widgets = "/assets/widgets/"
    if bundled:  # with the worker's lock as served (the site's, or numpy_with's)
        served_lock = (
            overrides.get("/pyodide/pyodide-lock-worker.json")
            or (site / "pyodide" / "pyodide-lock-worker.json").read_bytes()
        )
        lock = json.loads(served_lock) if "lock_url" in config else None
        overrides[widgets + "worker.js"] = worker_script(
            config, site / "pyodide" / "pyodide.js", lock
        ).encode()
    else:  # two scripts in a row, each a round trip: the configuration, then (in the worker) pyodide.js
        source = (ROOT / "explainer" / "assets" / "widgets" / "worker.js").read_text(encoding="utf-8")
        overrides[widgets + "runtime-config.js"] = f"const RUNTIME_CONFIG = {json.dumps(config)};".encode()
        overrides[widgets + "worker.js"] = f'importScripts("runtime-config.js");\n{source}'.encode()
    if files:
        overrides |= with_files(site, "pyodide-lock.json", files)
    if not start_up_stand_ins:
        overrides["/pyodide/python_stdlib_hot.zip"] = stdlib_without_stand_ins(site)
    return overrides


@functools.cache
def stdlib_without_stand_ins(site: Path) -> bytes:
    """The worker's standard library as shipped before the stand-ins of Pyodide's start-up.

    No sitecustomize, and compiled in: every module the site's compiles, and the ones Pyodide's
    start-up imports that the site leaves to python_stdlib_more.zip (STDLIB_DEFERRED).
    """
    from explainer.lazy_modules import STDLIB_DEFERRED
    from explainer.sitebuild.runtime import compiled_files
    from explainer.sitebuild.stdlib_split import split_stdlib

    official = source_files(site)["python_stdlib.zip"]
    imported = shipped_imported(site) + [name.replace(".", "/") + ".py" for name in STDLIB_DEFERRED]
    compiled = compiled_files({"python_stdlib.zip": official}, ROOT, imported)["python_stdlib.zip"]
    with tempfile.TemporaryDirectory(prefix="bench-stdlib-") as tmp:
        whole, hot, more = (Path(tmp) / name for name in ("whole.zip", "hot.zip", "more.zip"))
        whole.write_bytes(compiled)
        split_stdlib(whole, hot, more)
        return hot.read_bytes()


def with_files(site: Path, lock_name: str, files: dict[str, bytes]) -> dict[str, bytes]:
    """Overrides serving ``files`` under /pyodide/, with their sha256 in the lock ``lock_name``."""
    lock = json.loads((site / "pyodide" / lock_name).read_text(encoding="utf-8"))
    for spec in lock["packages"].values():
        if spec["file_name"] in files:
            spec["sha256"] = hashlib.sha256(files[spec["file_name"]]).hexdigest()
    return {f"/pyodide/{lock_name}": json.dumps(lock).encode()} | {
        f"/pyodide/{name}": body for name, body in files.items()
    }


def numpy_with(site: Path, modules: set[str]) -> dict[str, bytes]:
    """Overrides serving the worker's numpy with ``modules`` (from numpy_more.zip) put back in."""
    from explainer.sitebuild.numpy_split import MORE_NAME, WORKER_LOCK, module_name

    lock = json.loads((site / "pyodide" / WORKER_LOCK).read_text(encoding="utf-8"))
    name = lock["packages"]["numpy"]["file_name"]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(site / "pyodide" / name) as hot,
        zipfile.ZipFile(site / "pyodide" / MORE_NAME) as more,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as both,
    ):
        for archive, info in [*((hot, i) for i in hot.infolist()), *((more, i) for i in more.infolist())]:
            if archive is hot or module_name(info.filename) in modules:
                both.writestr(info, archive.read(info), compress_type=zipfile.ZIP_DEFLATED)
    return with_files(site, WORKER_LOCK, {name: out.getvalue()})


def main_thread_page(site: Path) -> bytes:
    """The chapter page with our loader swapped for Pyodide started on the main thread at load."""
    html = (site / PAGE / "index.html").read_text(encoding="utf-8")
    html = html.replace('<script src="../assets/widgets/loader.js" defer></script>', "")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)  # it runs inline
    return html.replace(
        "</body>", BASELINE_SCRIPT.format(root="../", name=WIDGET, glove="true") + "</body>", 1
    ).encode()


class Browser:
    """One fresh Chromium profile (cold cache); a second page in it is a warm visit."""

    def __init__(self, playwright: Any, throttled: bool = False) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="bench-coldpath-")
        self.context = playwright.chromium.launch_persistent_context(
            self.tmp.name, executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        self.context.add_init_script(CAPTURE_READY)
        self.throttled = throttled
        self.received = 0  # bytes as sent over the wire (compressed, if the server compressed them)
        if throttled:
            self.context.on("requestfinished", self.count)

    def count(self, request: Any) -> None:
        self.received += request.sizes()["responseBodySize"]

    def page(self) -> Any:
        page = self.context.new_page()
        if self.throttled:
            cdp = self.context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", THROTTLE)
        return page

    def close(self) -> None:
        self.context.close()
        self.tmp.cleanup()


def first_result(page: Any, url: str, text: str) -> dict[str, Any]:
    """Open the page, type ``text`` (a state no template holds): ms to the result, the worker's phases."""
    page.goto(url, wait_until="load")
    ms, python_ms = page.evaluate(FIRST_RESULT, text)
    ready = page.evaluate("window.__ready") or {}
    # The first widget's imports (NumPy among them) run after "ready"; the first computation waits.
    prepared = page.evaluate("window.__prepared || []")
    first = {"prepare": prepared[0]["ms"]} if prepared else {}
    phases = {**ready.get("phases", {}), **first, "first compute": python_ms}
    return {"ms": ms, "boot_ms": ready.get("ms"), "phases": phases}


def main_thread_result(page: Any, url: str) -> dict[str, Any]:
    """The main-thread page: ms from navigation start to its first computed result."""
    page.goto(url, wait_until="load")
    return {"ms": float(page.evaluate("window.__baseline")), "phases": {}}


def floor_ms(page: Any, base: str) -> dict[str, Any]:
    page.goto(base + FLOOR_NAME.lstrip("/"), wait_until="load")
    return {"ms": float(page.evaluate("window.__floor")), "phases": {}}


def typed_after_enter(page: Any, url: str) -> dict[str, Any]:
    """Focus the field, read for 3 s, type, press Enter: ms from Enter to the result."""
    page.goto(url, wait_until="load")
    box = page.locator('[data-widget="heatmap_explorer"] input[name="sentence"]')
    box.focus()
    page.wait_for_timeout(3000)  # the scenario: the reader looks at the field for 3 s before typing
    page.evaluate(AFTER_ENTER, TYPED_SENTENCE)
    box.fill("")
    box.press_sequentially(TYPED_SENTENCE)
    box.press("Enter")
    return {"ms": float(page.evaluate("window.__afterEnter")), "phases": {}}


def untouched(page: Any, url: str) -> dict[str, Any]:
    """Runtime requests and bytes of a page loaded and left alone for 3 s."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(3000)  # the scenario: nothing happens while the reader reads
    runtime = [u for u in requests if any(p in u for p in RUNTIME_PATHS)]
    return {"requests": len(requests), "runtime_requests": runtime}


def summary(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Median ms and median of each phase over the runs."""
    names = list(dict.fromkeys(n for s in samples for n in s["phases"]))
    phases = {n: statistics.median(s["phases"][n] for s in samples if n in s["phases"]) for n in names}
    downloaded = [s["mb"] for s in samples if "mb" in s]
    return {
        "ms": statistics.median(s["ms"] for s in samples),
        "runs": [s["ms"] for s in samples],
        "phases": phases,
        **({"mb": statistics.median(downloaded)} if downloaded else {}),
    }


class Recorder:
    """Samples by measurement name, printed as they come."""

    def __init__(self) -> None:
        self.samples: dict[str, list[dict[str, Any]]] = {}
        self.timed_out: dict[str, int] = {}  # measurements that never finished, by name: reported

    def add(self, key: str, sample: dict[str, Any]) -> None:
        self.samples.setdefault(key, []).append(sample)
        print(f"  {key:40s} {sample['ms']:8.0f} ms", flush=True)

    def once(self, pw: Any, key: str, measure: Any, *, throttled: bool = False) -> None:
        """One measurement on a fresh profile: ``measure(browser)`` returns a sample or a pair."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        browser = Browser(pw, throttled=throttled)
        try:
            result = measure(browser)
            if throttled:  # one visit: what it downloaded, page included
                result["mb"] = browser.received / 1e6
        except PlaywrightTimeout:
            self.timed_out[key] = self.timed_out.get(key, 0) + 1
            print(f"  {key:40s} timed out (counted in the report)", flush=True)
            return
        finally:
            browser.close()
        pair = result if isinstance(result, tuple) else (result,)
        for suffix, sample in zip((" cold", " warm")[: len(pair)], pair, strict=True):
            self.add(key + suffix, sample)


def levers(pw: Any, site: Path, runs: int, rec: Recorder, only: list[str] | None = None) -> None:
    """Each variant (of ``only``, if given) cold and warm, alternating, beside loadPyodide() alone."""
    from explainer.sitebuild.runtime import compiled_files

    source = source_files(site)
    compiled = compiled_files(source, ROOT, shipped_imported(site))
    whole = compiled_files(source, ROOT, trim=False)
    variants = {
        "before": variant(site, source, preload=False),
        "preload": variant(site, source, preload=True),
        "pyc": variant(site, compiled, preload=False),
        "preload+pyc, one zip": variant(site, compiled, preload=True),
        "preload+pyc": variant(site, None, preload=True),
        "preload+pyc, numpy whole": variant(site, None, preload=True, split=False),
        "preload+pyc, no stand-ins": variant(site, None, preload=True, stand_ins=False),
        "preload+pyc, all at once": variant(site, None, preload=True, order=False),
        "preload+pyc, three scripts": variant(site, None, preload=True, bundled=False),
        "preload+pyc, no start-up stand-ins": variant(site, None, preload=True, start_up_stand_ins=False),
        "preload+pyc, whole": variant(site, whole, preload=True),
        "preload+pyc+snapshot": variant(site, None, preload=True, snapshot=True),
    }
    for i in range(runs):
        for name, overrides in chosen(variants, only).items():
            with serve(site, overrides) as base:
                rec.once(
                    pw,
                    name,
                    lambda b, base=base, i=i: (
                        first_result(b.page(), base + PAGE, f"the cat sat {i}"),
                        first_result(b.page(), base + PAGE, f"a dog ran {i}"),
                    ),
                )
        with serve(site, {FLOOR_NAME: FLOOR_PAGE}) as base:
            rec.once(pw, "floor", lambda b, base=base: (floor_ms(b.page(), base), floor_ms(b.page(), base)))


def chosen(variants: dict[str, Any], only: list[str] | None) -> dict[str, Any]:
    """The variants named in ``only`` (all when None); an unknown name is an error."""
    if only is None:
        return variants
    if unknown := set(only) - set(variants):
        raise SystemExit(f"no such variant: {', '.join(sorted(unknown))}; known: {', '.join(variants)}")
    return {name: v for name, v in variants.items() if name in only}


def throttled(pw: Any, site: Path, runs: int, rec: Recorder, only: list[str] | None = None) -> None:
    """The site as built (and with fewer levers) beside the main-thread page, on a slow connection.

    Served uncompressed, then (``throttled-gzip``) gzip-compressed as GitHub Pages serves text and
    WebAssembly, which shrinks pyodide.asm.wasm about threefold for both approaches.
    """
    from explainer.sitebuild.runtime import compiled_files

    pages = {"/main-thread.html": main_thread_page(site)}
    source = source_files(site)
    whole = compiled_files(source, ROOT, trim=False)
    one_zip = compiled_files(source, ROOT, shipped_imported(site))
    kinds = {  # name: (variant()'s files and levers, also gzip-compressed)
        "preload+pyc+snapshot": ({"files": None, "preload": True, "snapshot": True}, False),
        "preload+pyc": ({"files": None, "preload": True}, True),
        "preload+pyc, no stand-ins": ({"files": None, "preload": True, "stand_ins": False}, True),
        "preload+pyc, all at once": ({"files": None, "preload": True, "order": False}, True),
        "preload+pyc, three scripts": ({"files": None, "preload": True, "bundled": False}, True),
        "preload+pyc, no start-up stand-ins": (
            {"files": None, "preload": True, "start_up_stand_ins": False},
            True,
        ),
        "preload+pyc, numpy whole": ({"files": None, "preload": True, "split": False}, True),
        "preload+pyc, one zip": ({"files": one_zip, "preload": True}, True),
        "preload+pyc, whole": ({"files": whole, "preload": True}, True),
        "pyc": ({"files": None, "preload": False}, False),
    }
    for i in range(runs):
        for gzipped, suffix in ((False, "throttled"), (True, "throttled-gzip")):
            for name, (levers, also_gzip) in chosen(kinds, only).items():
                if gzipped and not also_gzip:
                    continue
                served = {**pages, **variant(site, **levers)}
                with serve(site, served, gzipped=gzipped) as base:
                    url, text = base + PAGE, f"one two {i}"
                    rec.once(
                        pw,
                        f"{name} {suffix}",
                        lambda b, u=url, t=text: first_result(b.page(), u, t),
                        throttled=True,
                    )
            with serve(site, pages, gzipped=gzipped) as base:
                url = base + "main-thread.html"
                rec.once(
                    pw,
                    f"main thread {suffix}",
                    lambda b, u=url: main_thread_result(b.page(), u),
                    throttled=True,
                )


def run(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    site = args.site.resolve()
    rec = Recorder()
    report: dict[str, Any] = {}
    with sync_playwright() as pw:
        if "levers" in args.parts:
            levers(pw, site, args.runs, rec, args.only)
        if "throttled" in args.parts:
            throttled(pw, site, args.throttled_runs, rec, args.only)
        with serve(site, {}) as base:
            for _ in range(args.typed_runs if "typed" in args.parts else 0):
                rec.once(pw, TYPED, lambda b: typed_after_enter(b.page(), base + PAGE))
            if "untouched" in args.parts:
                browser = Browser(pw)
                try:
                    report["untouched"] = untouched(browser.page(), base + PAGE)
                finally:
                    browser.close()
    report["summary"] = {k: summary(v) for k, v in rec.samples.items()}
    report["timed_out"] = rec.timed_out
    return report


def table(report: dict[str, Any]) -> str:
    rows = report["summary"]
    lines = ["| measurement | median ms | runs (ms) |", "|---|---|---|"]
    for key, row in rows.items():
        lines.append(f"| {key} | {row['ms']:.0f} | {', '.join(f'{x:.0f}' for x in row['runs'])} |")
    names = list(dict.fromkeys(n for row in rows.values() for n in row["phases"]))
    if names:
        lines += ["", "| phase (median ms) | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        for key, row in rows.items():
            if row["phases"]:
                lines.append(
                    f"| {key} | " + " | ".join(f"{row['phases'].get(n, 0):.0f}" for n in names) + " |"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--runs", type=int, default=5, help="cold/warm runs per variant (median)")
    parser.add_argument("--throttled-runs", type=int, default=5)
    parser.add_argument("--typed-runs", type=int, default=5)
    parser.add_argument("--parts", nargs="+", default=list(PARTS), choices=PARTS)
    parser.add_argument("--only", nargs="+", help="variants to measure (default: all), e.g. preload+pyc")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    started = time.time()
    report = run(args)
    if args.out.is_file():  # a run of some parts keeps the others' results
        kept = json.loads(args.out.read_text(encoding="utf-8"))
        report = {**kept, **report, "summary": {**kept.get("summary", {}), **report["summary"]}}
    report.update(
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        seconds=round(time.time() - started),
        load_average_1min=os.getloadavg()[0],  # 2 cores shared with other jobs: times are noisy
        throttle=THROTTLE,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(table(report))
    print(f"page never touched: {report.get('untouched')}  -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
