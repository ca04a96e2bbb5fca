"""The performance report's tables on the runtime in the reader's browser.

Known states, the cold path, lazy imports, the step-through's frames, the heatmap
explorer at 16 tokens and the trained model live: each reads its part of the last
benchmark run (see :mod:`.perf_report`, which lists them in its ``REPORT``).
"""

from __future__ import annotations

from typing import Any

from explainer.examples.table import Table
from explainer.sitebuild.perf_format import Results, kib, ratio


def _pair(row: dict[str, Any], name: str) -> str:
    """``row``'s ``NAME_p50_ms`` / ``NAME_p95_ms``, or a dash when the approach has no such part."""
    p50, p95 = row.get(f"{name}_p50_ms"), row.get(f"{name}_p95_ms")
    return "–" if p50 is None or p95 is None else f"{p50:.1f} / {p95:.1f}"


def update16_table(results: Results) -> Table:
    """The heatmap explorer at 16 tokens: the whole update (back to back, at a typist's pace), its parts."""
    rows = [r for r in results["widgets"]["rows"] if r["widget"] == "heatmap_explorer"]
    out = tuple(
        (
            "ours (worker)" if r["approach"] == "worker" else "main thread at load",
            _pair(r, "update16"),
            _pair(r, "paced16"),
            _pair(r, "python16"),
            _pair(r, "render16"),
        )
        for r in rows
        if r.get("update16_p50_ms") is not None
    )
    headers = (
        "approach",
        "input to output in the page, p50 / p95 ms",
        "the same at a typist's pace",
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
                f"{r['first_ms']:,.1f}" + (f" ({ratio(r['first_ms'], b.get('first_ms'))})" if mine else ""),
                f"{r['p50_ms']:.2f} / {r['p95_ms']:.2f}",
                f"{r['runtime_bytes'] / 2**20:.1f} MiB" if r["runtime_bytes"] else "0",
            )
        )
    headers = ("widget", "control", "states", "first change ms (ratio)", "p50 / p95 ms", "runtime downloaded")
    return Table(headers, tuple(out))


_PHASES = ("loadPyodide", "packages", "import explainer", "prepare", "first compute")


def coldpath_table(results: Results) -> Table:
    """Start-up to the first live result per cold-path variant, each beside its baseline of the same run.

    Loopback variants are compared with ``before`` (the source files, packages after start-up),
    and a ``…+snapshot`` variant with the same variant without it; throttled ones with the
    main-thread-at-load page on the same throttled connection.
    """
    summary = results["coldpath"]["summary"]
    out = []
    for name, row in summary.items():
        variant, _, temp = name.rpartition(" ")
        base = f"main thread {variant.split()[-1]} {temp}" if "throttled" in variant else f"before {temp}"
        if variant.endswith("+snapshot"):
            base = f"{variant.removesuffix('+snapshot')} {temp}"
        compared = not variant.startswith(("floor", "typed", "before", "main thread"))
        versus = ratio(row["ms"], summary.get(base, {}).get("ms")) if compared else "–"
        phases = row.get("phases", {})
        shown = " / ".join(f"{phases[p] / 1e3:.1f}" if p in phases else "–" for p in _PHASES)
        mb = f"{row['mb']:.1f}" if "mb" in row else "–"
        out.append((variant, temp, f"{row['ms'] / 1e3:.2f}", versus, mb, shown if phases else "–"))
    phases_header = "s in " + " / ".join(_PHASES)
    headers = ("variant", "cache", "median s", "ratio to its baseline", "MB downloaded", phases_header)
    return Table(headers, tuple(out))


def imports_table(results: Results) -> Table:
    """Python's share of a first live result in Pyodide: every module imported up front against lazily."""
    summary = results["imports"]["summary"]
    out = []
    for name, row in summary.items():
        widget, variant = name.rsplit(" ", 1)
        eager = summary[f"{widget} eager"]
        after = f"{row['after_enter_ms']:.0f}" if variant == "prepared" else "–"
        versus = ratio(row["first_answer_ms"], eager["first_answer_ms"]) if variant != "eager" else "–"
        out.append((widget, variant, f"{row['first_answer_ms']:.0f}", versus, after))
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
    out.append(("bytes the widget adds to its page (gzip)", kib(added), "", "", "", ""))
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
