"""Run every benchmark in ``benchmarks/`` and write one report.

Usage (``make bench`` runs it with the defaults)::

    python benchmarks/run_all.py [--quick] [--site site] [--only attention widgets ...]

Each ``bench_*.py`` script runs in its own process and writes its JSON into
``benchmarks/results/``; this script then gathers every results file into
``benchmarks/results/report.json`` and renders it as ``report.md``. The site's
*Performance* page is generated from the same files at build time
(:mod:`explainer.sitebuild.perf_report`). ``--quick`` asks each script for
fewer repetitions (for a smoke run; the committed report uses the defaults
unless it says ``quick``). The attention benchmark runs under
``--torch-python`` (default: ``$EXPLAINER_TORCH_PYTHON``, else this Python)
so PyTorch's SDPA is measured where torch is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from explainer.sitebuild.perf_report import load_results, report_tables  # noqa: E402

BENCH_DIR = ROOT / "benchmarks"
RESULTS = BENCH_DIR / "results"
# Extra arguments per script: (defaults, quick).
ARGS: dict[str, tuple[list[str], list[str]]] = {
    "bench_attention.py": ([], ["--repeats", "3"]),
    "bench_build.py": ([], ["--cold-runs", "1", "--warm-runs", "2"]),
    "bench_widgets.py": ([], ["--runs", "1", "--updates", "30"]),
    "bench_pyodide_attention.py": ([], ["--repeats", "3"]),
    "bench_minilm.py": ([], ["--repeats", "5", "--loads", "1"]),
    "bench_known.py": ([], ["--quick"]),
    "bench_coldpath.py": ([], ["--runs", "2", "--throttled-runs", "1", "--typed-runs", "2"]),
    "bench_frames.py": ([], []),
    "bench_minilm_live.py": ([], ["--repeats", "3"]),
    "bench_imports.py": ([], ["--rounds", "2"]),
}
SITE_SCRIPTS = {
    "bench_pages.py",
    "bench_widgets.py",
    "bench_pyodide_attention.py",
    "bench_known.py",
    "bench_coldpath.py",
    "bench_frames.py",
    "bench_minilm_live.py",
    "bench_imports.py",
}


def scripts(only: list[str] | None) -> list[Path]:
    """Every ``bench_*.py`` in ``benchmarks/`` (or those whose name contains one of ``only``)."""
    found = sorted(BENCH_DIR.glob("bench_*.py"))
    return [p for p in found if not only or any(word in p.stem for word in only)]


def command(script: Path, quick: bool, site: Path, torch_python: str) -> list[str]:
    """The command line that runs one benchmark script."""
    defaults, fewer = ARGS.get(script.name, ([], []))
    python = torch_python if script.name == "bench_attention.py" else sys.executable
    extra = list(fewer if quick else defaults)
    if script.name == "bench_minilm.py":  # its baseline runs under the Python that has torch
        extra += ["--torch-python", torch_python]
    if script.name in SITE_SCRIPTS:
        extra += ["--site", str(site)]
    return [python, str(script), *extra]


def run(script: Path, argv: list[str]) -> dict[str, Any]:
    """Run one script; its status, duration and the tail of its output."""
    print(f"== {script.name}: {' '.join(argv[1:])}", flush=True)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    print(done.stdout[-2000:], done.stderr[-2000:] if done.returncode else "", sep="", flush=True)
    return {
        "script": script.name,
        "command": " ".join(Path(a).name if a.endswith(".py") else a for a in argv[1:]),
        "status": done.returncode,
        "seconds": round(seconds, 1),
        "error": done.stderr.strip()[-500:] if done.returncode else None,
    }


def merged_runs(new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last report's runs, with the scripts run now replacing theirs (``--only``, ``--report-only``)."""
    previous = RESULTS / "report.json"
    old = json.loads(previous.read_text(encoding="utf-8"))["runs"] if previous.is_file() else []
    by_script = {r["script"]: r for r in [*old, *new]}
    return [by_script[name] for name in sorted(by_script)]


def markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: one section per table, then how it was run."""
    lines = ["# Performance report", "", f"Run {report['date']} on {report['machine']}.", ""]
    for title, table in report_tables(report["results"]):
        lines += [f"## {title}", "", table.to_markdown(), ""]
    lines += ["## Runs", "", "| script | status | seconds |", "| --- | --- | --- |"]
    lines += [
        f"| {r['script']} | {'ok' if r['status'] == 0 else 'failed'} | {r['seconds']} |"
        for r in report["runs"]
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="the built site (make build)")
    parser.add_argument("--only", nargs="*", help="run only scripts whose name contains one of these")
    parser.add_argument("--torch-python", default=os.environ.get("EXPLAINER_TORCH_PYTHON", sys.executable))
    parser.add_argument("--report-only", action="store_true", help="only gather existing results")
    args = parser.parse_args()
    runs = (
        []
        if args.report_only
        else [run(s, command(s, args.quick, args.site, args.torch_python)) for s in scripts(args.only)]
    )
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "quick": args.quick,
        "runs": merged_runs(runs),
        "results": load_results(RESULTS),
    }
    (RESULTS / "report.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    (RESULTS / "report.md").write_text(markdown(report), encoding="utf-8")
    print(f"wrote {RESULTS / 'report.json'} and report.md")
    return 1 if any(r["status"] for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
