"""The performance report as tables, read from the last benchmark run.

``benchmarks/run_all.py`` (``make bench``) writes one JSON file per benchmark
into ``benchmarks/results/``; this module turns those files into
:class:`explainer.examples.table.Table` objects. The site's *Performance* page
shows them with ``table: perf_build`` etc. (the MkDocs plugin looks names up in
:func:`tables` of its ``benchmark_results`` folder as well as in
:func:`explainer.examples.tables`), and
``run_all.py`` renders the same tables into ``report.md``. Every measurement
sits beside its baseline from the same run, with the ratio.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from explainer.examples.table import Table
from explainer.sitebuild.perf_format import Results, kib, ms, ratio
from explainer.sitebuild.perf_runtime import (
    coldpath_table,
    frames_table,
    imports_table,
    known_table,
    minilm_live_table,
    update16_table,
)


def load_results(directory: Path) -> Results:
    """Every ``*.json`` in ``directory`` except the report itself, by file stem."""
    files = sorted(directory.glob("*.json")) if directory.is_dir() else []
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in files if p.stem != "report"}


def build_table(results: Results) -> Table:
    """Cold build, one-page rebuild and site size against a plain mkdocs-material build."""
    build = results["build"]
    base = build["baseline_plain_material"]["median_s"]
    rows = [
        ("cold build, empty caches (every figure drawn, notebooks run)", build["cold_build"]["median_s"]),
        (
            f"rebuild after editing {build['warm_single_page_rebuild']['page']}",
            build["warm_single_page_rebuild"]["median_s"],
        ),
        ("baseline: plain mkdocs-material build of the same pages", base),
    ]
    if "dirty_single_page_rebuild" in build:  # `mkdocs serve --dirty`: only the edited page
        dirty = build["dirty_single_page_rebuild"]
        rows.insert(2, (f"rebuild with --dirty after editing {dirty['page']}", dirty["median_s"]))
    return Table(
        ("build", "median seconds", "ratio to the plain build"),
        tuple((name, f"{s:.3g}", ratio(s, base)) for name, s in rows),
    )


def widgets_table(results: Results) -> Table:
    """Per widget: our lazy worker runtime beside Pyodide loaded on the main thread at page load."""
    rows = results["widgets"]["rows"]
    base = {r["widget"]: r for r in rows if r["approach"] == "baseline"}
    out = []
    for r in rows:
        b = base.get(r["widget"], {})
        out.append(
            (
                r["widget"],
                "ours (worker, lazy)" if r["approach"] == "worker" else "main thread at load",
                f"{kib(r['bytes_before_interaction'])} ({kib(r['pyodide_bytes_before_interaction'])})",
                f"{r['cold_ms']:.0f} ({ratio(r['cold_ms'], b.get('cold_ms'))})",
                f"{r['warm_ms']:.0f} ({ratio(r['warm_ms'], b.get('warm_ms'))})",
                f"{r['update_p50_ms']:.1f} / {r['update_p95_ms']:.1f}",
                f"{r['painted_p50_ms']:.1f} / {r['painted_p95_ms']:.1f}" if "painted_p50_ms" in r else "–",
            )
        )
    floor = results["widgets"].get("runtime_floor")
    if floor:  # what no approach can beat: the bare runtime starting
        out.append(
            (
                "(none)",
                "floor: loadPyodide() alone",
                "–",
                f"{floor['cold_ms']:.0f}",
                f"{floor['warm_ms']:.0f}",
                "–",
                "–",
            )
        )
    headers = (
        "widget",
        "approach",
        "bytes before interaction (of which Pyodide)",
        "first result, cold ms (ratio)",
        "first result, warm ms (ratio)",
        "update p50 / p95 ms: output in the page",
        "… and drawn",
    )
    return Table(headers, tuple(out))


def attention_table(results: Results) -> Table:
    """The package's attention against n beside a pure-Python loop and PyTorch's SDPA (CPU)."""
    out = []
    for r in results["attention_core"]["results"]:
        ours, naive, torch = r["explainer"], r.get("naive_loop"), r.get("torch_sdpa")
        out.append((str(r["n"]), ms(ours), ms(naive), ratio(naive, ours), ms(torch), ratio(ours, torch)))
    headers = (
        "n",
        "explainer ms",
        "Python loop ms",
        "loop / explainer",
        "torch SDPA ms",
        "explainer / torch",
    )
    return Table(headers, tuple(out))


def pyodide_table(results: Results) -> Table:
    """The same attention function in Pyodide (Node) beside the host's NumPy, same run."""
    rows = results["attention_pyodide"]["rows"]
    return Table(
        ("n", "host NumPy ms", "Pyodide ms", "Pyodide / host"),
        tuple(
            (
                str(r["n"]),
                ms(r["numpy_host_s"]),
                ms(r["pyodide_s"]),
                ratio(r["pyodide_s"], r["numpy_host_s"]),
            )
            for r in rows
        ),
    )


def minilm_table(results: Results) -> Table:
    """Chapter 10's NumPy encoder beside the transformers reference (torch CPU), same run."""
    minilm = results["minilm"]
    rows = minilm["rows"]
    ours = rows["explainer (NumPy)"]
    out = []
    for name, r in rows.items():
        out.append(
            (
                name,
                f"{r['load_ms']:.0f}",
                f"{r['forward_ms_median']:.3g} ({ratio(r['forward_ms_median'], ours['forward_ms_median'])})",
                f"{r['peak_after_load_mb']:.0f} / {r['peak_mb']:.0f}",
            )
        )
    chapter = minilm["chapter"]
    out.append(
        (
            "chapter 10 from nothing (tables, values, figures, head grid)",
            "–",
            f"{chapter['chapter_s'] * 1e3:,.0f}",
            "–",
        )
    )
    headers = (
        "all-MiniLM-L6-v2",
        "load ms",
        f"forward ms, {ours['n_tokens']} tokens (ratio to ours)",
        "peak memory after load / forward, MB",
    )
    return Table(headers, tuple(out))


def _kib_pair(a: int, b: int) -> str:
    """Two byte counts as ``"a (b)"`` in KiB."""
    return f"{a / 1024:,.0f} ({b / 1024:,.0f})"


def pages_table(results: Results) -> Table:
    """Bytes each page fetches before interaction, beside the same page in plain Material."""
    rows = []
    for row in results["pages"]["pages"]:
        ours, read, plain = row["at_load"], row["read_to_end"], row["baseline_at_load"]

        rows.append(
            (
                row["page"],
                _kib_pair(ours["bytes"], ours["gzip_bytes"]),
                _kib_pair(plain["bytes"], plain["gzip_bytes"]),
                ratio(ours["bytes"], plain["bytes"]),
                _kib_pair(read["bytes"], read["figure_bytes"]),
                f"{read['pyodide_bytes']:,}",
            )
        )
    headers = (
        "page",
        "at load, KiB (gzip)",
        "plain Material, KiB (gzip)",
        "ratio",
        "read to the end, KiB (figures)",
        "Pyodide, bytes",
    )
    return Table(headers, tuple(rows))


def site_table(results: Results) -> Table:
    """What the site weighs, and what the live widgets add."""
    rows = []
    stats = results.get("build", {}).get("site", {})
    for key, label in (
        ("site_mib", "whole built site"),
        ("pyodide_runtime_mib", "Pyodide runtime"),
        ("figure_mib", "figures (light + dark SVG)"),
    ):
        if key in stats:
            rows.append((label, f"{stats[key]} MiB"))
    for key, size in results.get("widgets", {}).get("site_bytes_added", {}).items():
        shown = f"{size / 2**20:.1f} MiB" if size >= 2**20 else kib(size)
        rows.append((f"added for the widgets: {key}", shown))
    return Table(("part", "size"), tuple(rows))


REPORT: tuple[tuple[str, str, Callable[[Results], Table]], ...] = (
    ("perf_build", "Site build", build_table),
    ("perf_pages", "Bytes per page before interaction", pages_table),
    ("perf_widgets", "Widgets in the browser", widgets_table),
    ("perf_update16", "The heatmap explorer at 16 tokens", update16_table),
    ("perf_known", "Known states: answers with no runtime", known_table),
    ("perf_coldpath", "The runtime's cold path", coldpath_table),
    ("perf_imports", "Lazy imports in the runtime", imports_table),
    ("perf_frames", "The step-through's frames", frames_table),
    ("perf_minilm_live", "The trained model in the browser", minilm_live_table),
    ("perf_attention", "Attention core against n (NumPy)", attention_table),
    ("perf_pyodide", "Attention core in Pyodide", pyodide_table),
    ("perf_minilm", "The trained model of chapter 10", minilm_table),
    ("perf_site", "Site size", site_table),
)


def report_tables(results: Results) -> list[tuple[str, Table]]:
    """(title, table) for every part of the report whose results exist."""
    out = []
    for _, title, make in REPORT:
        try:
            out.append((title, make(results)))
        except KeyError:
            continue  # that benchmark has not been run yet
    return out


def tables(results_dir: Path) -> dict[str, Callable[[], Table]]:
    """The report's tables by name, each reading ``results_dir`` when it is drawn."""

    def factory(make: Callable[[Results], Table]) -> Callable[[], Table]:
        def table() -> Table:
            try:
                return make(load_results(results_dir))
            except KeyError as missing:  # the page says so instead of failing the build
                note = f"no {missing} results in {results_dir}: run `make bench`"
                return Table(("not measured yet",), ((note,),))

        return table

    return {name: factory(make) for name, _, make in REPORT}
