"""Tests for explainer.figures.cost: the figure reads the results JSON it declares, and only that."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from explainer.figures import LIGHT
from explainer.figures import cost as cost_figures
from explainer.figures.draw import to_svg

RESULTS = Path(__file__).parents[1] / "benchmarks" / "results"


def _bench() -> dict[str, Any]:
    return cost_figures.load_benchmark(RESULTS / cost_figures.RESULTS_FILE)


def test_cost_figure_uses_the_committed_benchmark_and_names_the_run() -> None:
    bench = _bench()
    (spec,) = cost_figures.figures(RESULTS)
    assert bench["results"] and bench["date"] in spec.alt()
    assert bench["machine"]["summary"] in spec.alt()


def test_missing_benchmark_file_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"bench_attention\.py"):
        cost_figures.load_benchmark(tmp_path / "missing.json")
    (spec,) = cost_figures.figures(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"bench_attention\.py"):
        spec.alt()


def test_cost_spec_declares_the_json_it_reads() -> None:
    (spec,) = cost_figures.figures(RESULTS)
    assert spec.name == "cost_time_memory"
    assert spec.inputs == (RESULTS / "attention_core.json",)
    assert all(path.is_file() for path in spec.inputs)


def _results_folder(folder: Path, text: str) -> Path:
    """``folder`` (made here) holding ``text`` as its results JSON."""
    folder.mkdir()
    (folder / cost_figures.RESULTS_FILE).write_text(text, encoding="utf-8")
    return folder


def test_an_unchanged_copy_of_the_results_draws_the_same_figure(tmp_path: Path) -> None:
    (committed,) = cost_figures.figures(RESULTS)
    committed_text = (RESULTS / cost_figures.RESULTS_FILE).read_text(encoding="utf-8")
    (copied,) = cost_figures.figures(_results_folder(tmp_path / "copy", committed_text))
    assert copied.inputs == (tmp_path / "copy" / "attention_core.json",)
    assert copied.alt() == committed.alt()
    assert to_svg(copied, LIGHT) == to_svg(committed, LIGHT)  # the folder's path is not drawn


def test_a_changed_results_file_changes_the_figure_and_its_alt_text(tmp_path: Path) -> None:
    (committed,) = cost_figures.figures(RESULTS)
    changed = _bench()
    changed["date"] = "1999-12-31"
    for row in changed["results"]:
        row["cpu"]["explainer"] *= 3.0  # three times slower: the blue line moves up
    (redrawn,) = cost_figures.figures(_results_folder(tmp_path / "changed", json.dumps(changed)))
    assert redrawn.inputs == (tmp_path / "changed" / "attention_core.json",)
    alt = redrawn.alt()
    assert "1999-12-31" in alt and committed.alt() != alt
    svg = to_svg(redrawn, LIGHT)
    assert svg != to_svg(committed, LIGHT)
    assert to_svg(redrawn, LIGHT) == svg  # still reproducible
