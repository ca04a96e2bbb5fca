"""Figure for chapter 12: what attention costs as the sequence grows.

The left panel plots the CPU times that ``benchmarks/bench_attention.py``
measured and wrote to ``attention_core.json`` in the benchmark results folder;
the right panel plots peak memory from :func:`explainer.examples.cost_example`.
The results folder is an argument (:func:`figures`), not a path worked out from
this file, so the figure draws from an installed package too, and its spec
names the JSON in ``inputs`` so a figure cache redraws it when the file changes.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from explainer.examples import CostExample, cost_example
from explainer.figures.draw import grid, log2_axes, title
from explainer.figures.spec import FigureSpec
from explainer.figures.theme import Theme, new_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["RESULTS_FILE", "cost_time_memory_alt", "draw_cost_time_memory", "figures", "load_benchmark"]

RESULTS_FILE = "attention_core.json"
"""The file ``benchmarks/bench_attention.py`` writes into the benchmark results folder."""

_IMPLEMENTATIONS = (
    ("explainer", "explainer (NumPy)"),
    ("naive_loop", "naive Python loop"),
    ("torch_sdpa", "torch SDPA (CPU)"),
)
"""(key in the results, legend label) of every implementation the benchmark may have timed."""


def load_benchmark(path: Path) -> dict[str, Any]:
    """Read the benchmark results at ``path``.

    Raises:
        FileNotFoundError: if the file is missing, saying how to create it.
    """
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; run `python benchmarks/bench_attention.py` to create it")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _timing_series(bench: dict[str, Any]) -> list[tuple[str, list[int], list[float]]]:
    """(label, ns, median CPU seconds) for every implementation the benchmark measured.

    CPU time rather than wall time: on a shared machine, wall time also counts the
    time the process waited for a core.
    """
    series = []
    for name, label in _IMPLEMENTATIONS:
        rows = [r for r in bench["results"] if r["cpu"].get(name) is not None]
        if rows:
            series.append((label, [r["n"] for r in rows], [r["cpu"][name] for r in rows]))
    return series


def _benchmark_note(bench: dict[str, Any]) -> str:
    """Which run the timings come from: date, machine and interpreter."""
    machine = bench["machine"]
    load = machine.get("load_average_1min")
    busy = "" if load is None else f", load average {load:g}"
    return (
        f"Times: benchmarks/bench_attention.py run of {bench['date']} with {machine['torch']},\n"
        f"on {machine['summary']}{busy}."
    )


def _time_panel(ax: Axes, bench: dict[str, Any], theme: Theme) -> None:
    """Measured CPU time per call of each implementation, with an n² guide line."""
    for (label, lengths, secs), colour in zip(_timing_series(bench), theme.accents, strict=False):
        ax.plot(lengths, np.array(secs) * 1e3, "o-", color=colour, label=label)
    ns = np.array(bench["ns"], dtype=float)  # (m,)
    last = bench["results"][-1]["cpu"]["explainer"] * 1e3
    ref = last * (ns / ns[-1]) ** 2  # (m,) an n² line through the package's last point
    ax.plot(ns, ref, color=theme.muted, linestyle="--", linewidth=1, label="∝ n²")
    ax.set_ylabel("CPU time per call (ms)", color=theme.fg)
    title(ax, f"time, d_k = {bench['d_k']} (median of {bench['repeats']})", theme)


def _memory_panel(ax: Axes, cost: CostExample, theme: Theme) -> None:
    """Peak memory of the package's attention against the size of the n × n weights."""
    peak_mib = cost.peak_bytes / 2**20  # (m,)
    ax.plot(cost.ns, peak_mib, "o-", color=theme.accents[0], label="measured peak (tracemalloc)")
    weights_mib = cost.weight_bytes_float64 / 2**20  # (m,)
    ax.plot(cost.ns, weights_mib, "s--", color=theme.accents[1], label="n × n weights, float64")
    ax.set_ylabel("memory (MiB)", color=theme.fg)
    title(ax, f"memory, d_k = {cost.d_k}", theme)


def draw_cost_time_memory(theme: Theme, benchmark: Path) -> Figure:
    """Measured time (from ``benchmark``, the results JSON) and peak memory of attention against n."""
    from matplotlib.ticker import FuncFormatter

    bench, cost = load_benchmark(benchmark), cost_example()
    fig = new_figure(theme, width=9.0, height=3.6, ncols=2)
    time_ax, mem_ax = fig.axes
    _time_panel(time_ax, bench, theme)
    _memory_panel(mem_ax, cost, theme)
    for ax in fig.axes:
        log2_axes(ax, "x")
        ax.set_yscale("log")
        # Plain numbers (0.1, 1, 10) rather than mathtext powers: clearer, and mathtext's first
        # render in a process lays out a hair differently from later ones, breaking byte-identical SVGs.
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:g}"))
        ax.set_xlabel("sequence length n", color=theme.fg)
        grid(ax, theme, "both")
    time_ax.legend(labelcolor=theme.fg, loc="lower right")
    mem_ax.legend(labelcolor=theme.fg, loc="upper left")
    fig.suptitle(_benchmark_note(bench), color=theme.muted, fontsize=8, x=0.01, ha="left")
    return fig


def cost_time_memory_alt(benchmark: Path) -> str:
    """Alt text for :func:`draw_cost_time_memory`, from the same results JSON."""
    bench, cost = load_benchmark(benchmark), cost_example()
    timings = "; ".join(
        f"{label} from {secs[0] * 1e3:.3g} ms at n = {ns[0]} to {secs[-1] * 1e3:.3g} ms at n = {ns[-1]}"
        for label, ns, secs in _timing_series(bench)
    )
    return (
        f"Two log-log charts against sequence length n. Left, measured CPU time per attention call, "
        f"median of {bench['repeats']} runs: {timings}. {_benchmark_note(bench).replace(chr(10), ' ')} "
        f"Right, peak memory of the package's attention measured with tracemalloc, from "
        f"{cost.peak_bytes[0] / 2**20:.2f} MiB at n = {cost.ns[0]} to {cost.peak_bytes[-1] / 2**20:.1f} MiB "
        f"at n = {cost.ns[-1]}, growing like the n × n weight matrix "
        f"({cost.weight_bytes_float64[-1] / 2**20:.0f} MiB in float64 at n = {cost.ns[-1]})."
    )


def figures(results_dir: Path) -> tuple[FigureSpec, ...]:
    """This chapter's figures, drawn from the benchmark results in ``results_dir``.

    Args:
        results_dir: the folder ``benchmarks/bench_attention.py`` writes to
            (``benchmarks/results`` in a source checkout).

    Returns:
        The ``cost_time_memory`` spec; its ``inputs`` name the JSON it reads.

    Example:
        >>> (spec,) = figures(Path("results"))
        >>> spec.name, [p.as_posix() for p in spec.inputs]
        ('cost_time_memory', ['results/attention_core.json'])
    """
    benchmark = results_dir / RESULTS_FILE
    return (
        FigureSpec(
            name="cost_time_memory",
            draw=partial(draw_cost_time_memory, benchmark=benchmark),
            alt=partial(cost_time_memory_alt, benchmark),
            inputs=(benchmark,),
        ),
    )
