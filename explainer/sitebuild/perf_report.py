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
from typing import Any

from explainer.examples.table import Table

Results = dict[str, Any]


def load_results(directory: Path) -> Results:
    """Every ``*.json`` in ``directory`` except the report itself, by file stem."""
    files = sorted(directory.glob("*.json")) if directory.is_dir() else []
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in files if p.stem != "report"}


def _ratio(value: float | None, base: float | None) -> str:
    if value is None or base is None or base == 0:
        return "–"
    ratio = value / base
    return f"{ratio:,.0f}×" if ratio >= 10 else f"{ratio:.2g}×"


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    ms = seconds * 1e3
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.3g}"


def _kib(size: int) -> str:
    return f"{size / 1024:,.0f} KiB"


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
        tuple((name, f"{s:.3g}", _ratio(s, base)) for name, s in rows),
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
                f"{_kib(r['bytes_before_interaction'])} ({_kib(r['pyodide_bytes_before_interaction'])})",
                f"{r['cold_ms']:.0f} ({_ratio(r['cold_ms'], b.get('cold_ms'))})",
                f"{r['warm_ms']:.0f} ({_ratio(r['warm_ms'], b.get('warm_ms'))})",
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
        out.append((str(r["n"]), _ms(ours), _ms(naive), _ratio(naive, ours), _ms(torch), _ratio(ours, torch)))
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
                _ms(r["numpy_host_s"]),
                _ms(r["pyodide_s"]),
                _ratio(r["pyodide_s"], r["numpy_host_s"]),
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
                f"{r['forward_ms_median']:.3g} ({_ratio(r['forward_ms_median'], ours['forward_ms_median'])})",
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
                _ratio(ours["bytes"], plain["bytes"]),
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
        shown = f"{size / 2**20:.1f} MiB" if size >= 2**20 else _kib(size)
        rows.append((f"added for the widgets: {key}", shown))
    return Table(("part", "size"), tuple(rows))


def _pair(row: dict[str, Any], name: str) -> str:
    """``row``'s ``NAME_p50_ms`` / ``NAME_p95_ms``, or a dash when the approach has no such part."""
    p50, p95 = row.get(f"{name}_p50_ms"), row.get(f"{name}_p95_ms")
    return "–" if p50 is None or p95 is None else f"{p50:.1f} / {p95:.1f}"


def update16_table(results: Results) -> Table:
    """The heatmap explorer at 16 tokens: the whole update, and its parts where they are measured."""
    rows = [r for r in results["widgets"]["rows"] if r["widget"] == "heatmap_explorer"]
    out = tuple(
        (
            "ours (worker)" if r["approach"] == "worker" else "main thread at load",
            _pair(r, "update16"),
            _pair(r, "python16"),
            _pair(r, "render16"),
        )
        for r in rows
        if r.get("update16_p50_ms") is not None
    )
    headers = (
        "approach",
        "input to output in the page, p50 / p95 ms",
        "Python (in the worker)",
        "the page parsing the new output",
    )
    return Table(headers, out)


def known_table(results: Results) -> Table:
    """A known state's change to output, beside the same change computed by the runtime."""
    rows = results["known"]["rows"]
    base = {(r["widget"], r["control"]): r for r in rows if r["approach"] != "known states"}
    out = []
    for r in rows:
        b = base.get((r["widget"], r["control"]), {})
        mine = r["approach"] == "known states"
        out.append(
            (
                r["widget"],
                r["control"].split("[")[1].split("]")[0],
                "shipped with the page" if mine else "baseline: computed by the runtime",
                f"{r['first_ms']:,.1f}" + (f" ({_ratio(r['first_ms'], b.get('first_ms'))})" if mine else ""),
                f"{r['p50_ms']:.2f} / {r['p95_ms']:.2f}",
                f"{r['runtime_bytes'] / 2**20:.1f} MiB" if r["runtime_bytes"] else "0",
            )
        )
    headers = ("widget", "control", "states", "first change ms (ratio)", "p50 / p95 ms", "runtime downloaded")
    return Table(headers, tuple(out))


_PHASES = ("loadPyodide", "packages", "import explainer", "first compute")


def coldpath_table(results: Results) -> Table:
    """Start-up to the first live result per cold-path variant, each beside its baseline of the same run.

    Loopback variants are compared with ``before`` (the source files, packages after start-up);
    throttled ones with the main-thread-at-load page on the same throttled connection.
    """
    summary = results["coldpath"]["summary"]
    out = []
    for name, row in summary.items():
        variant, _, temp = name.rpartition(" ")
        base = "main thread throttled cold" if "throttled" in variant else f"before {temp}"
        compared = not variant.startswith(("floor", "typed", "before", "main thread"))
        ratio = _ratio(row["ms"], summary.get(base, {}).get("ms")) if compared else "–"
        phases = row.get("phases", {})
        shown = " / ".join(f"{phases[p] / 1e3:.1f}" if p in phases else "–" for p in _PHASES)
        out.append((variant, temp, f"{row['ms'] / 1e3:.2f}", ratio, shown if phases else "–"))
    headers = ("variant", "cache", "median s", "ratio to its baseline", "s in " + " / ".join(_PHASES))
    return Table(headers, tuple(out))


def imports_table(results: Results) -> Table:
    """Python's share of a first live result in Pyodide: every module imported up front against lazily."""
    summary = results["imports"]["summary"]
    out = []
    for name, row in summary.items():
        widget, variant = name.rsplit(" ", 1)
        eager = summary[f"{widget} eager"]
        after = f"{row['after_enter_ms']:.0f}" if variant == "prepared" else "–"
        ratio = _ratio(row["first_answer_ms"], eager["first_answer_ms"]) if variant != "eager" else "–"
        out.append((widget, variant, f"{row['first_answer_ms']:.0f}", ratio, after))
    headers = ("widget", "imports", "import to first answer, ms", "ratio to eager", "after Enter, ms")
    return Table(headers, tuple(out))


def frames_table(results: Results) -> Table:
    """Frame times over whole plays of the step-through, with motion and with reduced motion."""
    frames = results["frames"]
    out = [
        (
            play["motion"],
            f"{play['play_s']:.1f}",
            str(play["frames"]),
            f"{play['p50_ms']:.1f} / {play['p95_ms']:.1f} / {play['p99_ms']:.1f}",
            str(play["over_one_frame"]),
            str(play["animations_peak"]),
        )
        for play in frames["plays"]
    ]
    added = frames["site_bytes_added"]["total"]
    out.append(("bytes the widget adds to its page (gzip)", _kib(added), "", "", "", ""))
    headers = (
        "motion",
        "play s",
        "frames",
        "frame p50 / p95 / p99 ms",
        "frames over one",
        "animations at once",
    )
    return Table(headers, tuple(out))


def minilm_live_table(results: Results) -> Table:
    """The trained model in the reader's browser: download, forward pass, first and next result, accuracy."""
    live = results["minilm_live"]
    browser, host = live["browser"], live["host"]
    rows = [
        ("bytes before the first typed result", f"{browser['bytes_before_first_result'] / 1e6:.2f} MB"),
        (
            "forward pass, 16 word pieces, Pyodide (Node), median",
            f"{live['pyodide_node']['median_ms']:.0f} ms",
        ),
        (
            "the same on the host, NumPy, compact (float16 weights, exact arithmetic)",
            f"{host['host_numpy_compact']['median_ms']:.1f} ms",
        ),
        (
            "the same on the host, NumPy, full float64",
            f"{host['host_numpy_full_float64']['median_ms']:.1f} ms",
        ),
        (
            "first grid after the download button, cold cache",
            f"{browser['first_result_after_download_button_ms']:.0f} ms",
        ),
        ("a second sentence, to the grid in the page", f"{browser['second_sentence_ms']:.0f} ms"),
        (
            f"largest attention difference, compact vs full ({live['accuracy']['sentences']} sentences)",
            f"{live['accuracy']['max_attention_error']:.1e}",
        ),
    ]
    if "median_ms" in live.get("torch_cpu", {}):
        rows.insert(4, ("the same in transformers on torch, CPU", f"{live['torch_cpu']['median_ms']:.1f} ms"))
    return Table(("measure", "value"), tuple(rows))


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
