"""Build benchmark: cold build, warm single-page rebuild, and a plain-Material baseline.

- **cold**: ``mkdocs build --strict`` in a fresh process with empty caches
  (every figure drawn, both notebooks executed), median of ``--cold-runs``.
- **warm**: what an author waits for under ``mkdocs serve`` after editing one
  page's prose. One process, configs reloaded per build exactly as ``mkdocs
  serve`` does (so the plugin instance and its in-memory caches persist), a
  copy of ``docs/`` whose chosen page gets a new sentence before each rebuild;
  median of ``--warm-runs``.
- **baseline**: the same pages, theme and Markdown extensions with neither the
  ``explainer`` plugin nor notebook execution: what plain mkdocs-material
  costs on this machine (cold, median of ``--cold-runs``).

Prints a table and writes ``benchmarks/results/build.json``. Run from the
repository root: ``.venv/bin/python benchmarks/bench_build.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "build.json"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def timed_build(config_file: Path, site_dir: Path, env: dict[str, str]) -> float:
    """Seconds for one ``mkdocs build --strict`` in a fresh process."""
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "-f",
        str(config_file),
        "-d",
        str(site_dir),
    ]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build failed ({config_file.name}):\n{result.stderr[-3000:]}")
    return elapsed


def cold_builds(runs: int, work: Path) -> tuple[list[float], Path]:
    """Cold strict builds, each with its own empty cache directory; returns times and the last site."""
    times = []
    site = work / "cold-site"
    for run in range(runs):
        cache = work / f"cold-cache-{run}"
        times.append(timed_build(ROOT / "mkdocs.yml", site, {**ENV, "EXPLAINER_CACHE_DIR": str(cache)}))
        print(f"  cold build {run + 1}/{runs}: {times[-1]:.1f} s", flush=True)
    return times, site


def baseline_config(work: Path) -> Path:
    """mkdocs.yml without the explainer plugin and without executing notebooks."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"\n  # Authoring syntax.*?\n  - explainer:\n(?:      .*\n)+", "\n", text)
    text = text.replace("execute: true", "execute: false").replace(
        "allow_errors: false", "allow_errors: true"
    )
    text = re.sub(r"\n  - mkdocs-jupyter:", "\n  - mkdocs-jupyter:\n      cache: false", text, count=1)
    text = re.sub(r"\nwatch:\n(?:  - .*\n)+", "\n", text)  # paths are relative to the config's folder
    assert "- explainer:" not in text, "could not remove the explainer plugin from the baseline config"
    config = work / "baseline.yml"
    config.write_text(
        text.replace("site_name:", f"docs_dir: {ROOT / 'docs'}\nsite_name:", 1), encoding="utf-8"
    )
    return config


def baseline_builds(runs: int, work: Path) -> list[float]:
    """Plain Material builds of the same pages (non-strict: the raw syntax has unresolved bits)."""
    config = baseline_config(work)
    times = []
    for run in range(runs):
        command = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-f",
            str(config),
            "-d",
            str(work / "baseline-site"),
        ]
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
        print(f"  baseline build {run + 1}/{runs}: {times[-1]:.1f} s", flush=True)
    return times


def warm_rebuilds(runs: int, work: Path, page: str, dirty: bool = False) -> list[float]:
    """Rebuild times after a prose edit to ``page``, the way ``mkdocs serve`` (``--dirty``) rebuilds."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = work / f"warm-docs-{dirty}"
    shutil.copytree(ROOT / "docs", docs)
    site = work / f"warm-site-{dirty}"

    def get_config():  # what `mkdocs serve` does before every rebuild
        return load_config(config_file=str(ROOT / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(site))

    first = get_config()
    first.plugins.on_startup(command="serve", dirty=dirty)
    build(first)  # fills the caches (warm-up, not timed)
    times = []
    target = docs / page
    for run in range(runs):
        with target.open("a", encoding="utf-8") as handle:
            handle.write(f"\n\nAn author's new sentence, edit {run + 1}.\n")
        later = time.time() + 1  # --dirty compares mtimes; make sure the edit is newer than the last output
        os.utime(target, (later, later))
        start = time.perf_counter()
        build(get_config(), dirty=dirty)
        times.append(time.perf_counter() - start)
        assert f"edit {run + 1}." in (site / Path(page).stem / "index.html").read_text(encoding="utf-8")
        label = "dirty rebuild" if dirty else "warm rebuild"
        print(f"  {label} {run + 1}/{runs} after editing {page}: {times[-1]:.2f} s", flush=True)
    return times


def site_stats(site: Path) -> dict[str, float | int]:
    """Pages, figures and sizes of a built site."""
    pages = [p for p in site.rglob("index.html")]
    figures = list((site / "figures").glob("*-light.svg"))
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    runtime = (
        sum(p.stat().st_size for p in (site / "pyodide").rglob("*") if p.is_file())
        if (site / "pyodide").is_dir()
        else 0
    )
    figure_bytes = sum(p.stat().st_size for p in (site / "figures").glob("*.svg"))
    return {
        "pages": len(pages),
        "figures": len(figures),
        "figure_files": 2 * len(figures),
        "figure_mib": round(figure_bytes / 2**20, 2),
        "site_mib": round(total / 2**20, 1),
        "pyodide_runtime_mib": round(runtime / 2**20, 1),
    }


def summary(times: list[float]) -> dict[str, object]:
    return {"median_s": round(statistics.median(times), 2), "runs_s": [round(t, 2) for t in times]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--warm-runs", type=int, default=5)
    parser.add_argument("--page", default="softmax.md", help="the page whose prose the warm runs edit")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--warm-only", action="store_true", help="measure only the rebuilds; keep other results in --output"
    )
    args = parser.parse_args()
    if args.warm_only:
        return warm_only(args)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        work = Path(tmp)
        print("cold builds (empty caches):", flush=True)
        cold, site = cold_builds(args.cold_runs, work)
        stats = site_stats(site)
        print("warm single-page rebuilds (as under mkdocs serve):", flush=True)
        warm = warm_rebuilds(args.warm_runs, work, args.page)
        print("baseline (plain mkdocs-material, no plugin, notebooks not executed):", flush=True)
        baseline = baseline_builds(args.cold_runs, work)
        print("dirty single-page rebuilds (as under mkdocs serve --dirty):", flush=True)
        dirty = warm_rebuilds(args.warm_runs, work, args.page, dirty=True)
    result = {
        "machine": machine(),
        "cold_build": summary(cold),
        "warm_single_page_rebuild": {**summary(warm), "page": args.page},
        "dirty_single_page_rebuild": {**summary(dirty), "page": args.page},
        "baseline_plain_material": summary(baseline),
        "site": stats,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print_table(result)
    print(f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")


def machine() -> dict[str, object]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg_1m": os.getloadavg()[0]}


def warm_only(args: argparse.Namespace) -> None:
    """Re-measure both rebuild kinds and update them in an existing results file."""
    result = json.loads(args.output.read_text(encoding="utf-8")) if args.output.is_file() else {}
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        warm = warm_rebuilds(args.warm_runs, Path(tmp), args.page)
        dirty = warm_rebuilds(args.warm_runs, Path(tmp), args.page, dirty=True)
    result["warm_single_page_rebuild"] = {**summary(warm), "page": args.page}
    result["dirty_single_page_rebuild"] = {**summary(dirty), "page": args.page}
    result["machine_rebuilds"] = machine()
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    rebuilds = ("warm_single_page_rebuild", "dirty_single_page_rebuild")
    print(json.dumps({key: result[key] for key in rebuilds}, indent=2))


def print_table(result: dict[str, dict[str, object]]) -> None:
    rows = [
        ("cold build (strict, empty caches)", result["cold_build"]["median_s"]),
        ("warm single-page rebuild", result["warm_single_page_rebuild"]["median_s"]),
        ("warm rebuild, mkdocs serve --dirty", result["dirty_single_page_rebuild"]["median_s"]),
        ("baseline: plain mkdocs-material", result["baseline_plain_material"]["median_s"]),
    ]
    print(f"\n{'build':40s} {'median (s)':>10s}")
    for name, value in rows:
        print(f"{name:40s} {value:>10}")
    for key, value in result["site"].items():
        print(f"{key:40s} {value:>10}")


if __name__ == "__main__":
    main()
