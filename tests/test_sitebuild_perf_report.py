"""Tests for explainer.sitebuild.perf_report (benchmark results -> report tables)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explainer.examples.table import Table
from explainer.sitebuild import perf_report, perf_runtime

BUILD = {
    "cold_build": {"median_s": 60.0},
    "warm_single_page_rebuild": {"median_s": 3.0, "page": "softmax.md"},
    "baseline_plain_material": {"median_s": 4.0},
    "site": {"site_mib": 36.0, "pyodide_runtime_mib": 16.4, "figure_mib": 1.2},
}
WIDGET_ROW = {
    "widget": "heatmap_explorer",
    "bytes_before_interaction": 2048,
    "pyodide_bytes_before_interaction": 0,
    "cold_ms": 1500.0,
    "warm_ms": 500.0,
    "update_p50_ms": 4.0,
    "update_p95_ms": 9.0,
    "painted_p50_ms": 10.0,
    "painted_p95_ms": 20.0,
}
WIDGETS = {
    "rows": [
        {**WIDGET_ROW, "approach": "worker"},
        {
            **WIDGET_ROW,
            "approach": "baseline",
            "cold_ms": 3000.0,
            "warm_ms": 2000.0,
            "bytes_before_interaction": 20 * 2**20,
            "pyodide_bytes_before_interaction": 16 * 2**20,
        },
    ],
    "site_bytes_added": {"pyodide": 17 * 2**20},
}
ATTENTION = {
    "results": [
        {"n": 32, "explainer": 1e-4, "naive_loop": 2e-2, "torch_sdpa": 5e-5},
        {"n": 512, "explainer": 3e-2, "naive_loop": None, "torch_sdpa": None},
    ]
}
PYODIDE = {"rows": [{"n": 16, "numpy_host_s": 5e-5, "pyodide_s": 2e-4}]}
WEIGHT = {
    "requests": 20,
    "bytes": 900 * 1024,
    "gzip_bytes": 300 * 1024,
    "figure_bytes": 0,
    "pyodide_bytes": 0,
}
PAGES = {
    "pages": [
        {
            "page": "softmax/",
            "at_load": WEIGHT,
            "read_to_end": {**WEIGHT, "bytes": 1000 * 1024, "figure_bytes": 100 * 1024},
            "baseline_at_load": {**WEIGHT, "bytes": 600 * 1024, "gzip_bytes": 200 * 1024},
        }
    ]
}
MINILM_ROW = {"load_ms": 120.0, "forward_ms_median": 20.0, "peak_after_load_mb": 200.0, "peak_mb": 205.0}
MINILM = {
    "rows": {
        "explainer (NumPy)": {**MINILM_ROW, "n_tokens": 12},
        "transformers (torch CPU)": {**MINILM_ROW, "forward_ms_median": 10.0, "n_tokens": 12},
    },
    "chapter": {"chapter_s": 9.5},
}


@pytest.fixture
def results_dir(tmp_path: Path) -> Path:
    for name, data in (
        ("build", BUILD),
        ("widgets", WIDGETS),
        ("attention_core", ATTENTION),
        ("attention_pyodide", PYODIDE),
        ("minilm", MINILM),
        ("pages", PAGES),
        ("report", {"ignored": True}),
    ):
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


def test_load_results_skips_the_report_itself(results_dir: Path) -> None:
    assert set(perf_report.load_results(results_dir)) == {
        "build",
        "widgets",
        "attention_core",
        "attention_pyodide",
        "minilm",
        "pages",
    }
    assert perf_report.load_results(results_dir / "absent") == {}


def test_build_table_gives_ratios_to_the_plain_build(results_dir: Path) -> None:
    table = perf_report.build_table(perf_report.load_results(results_dir))
    assert table.rows[0] == ("cold build, empty caches (every figure drawn, notebooks run)", "60", "15×")
    assert table.rows[1][2] == "0.75×" and "softmax.md" in table.rows[1][0]
    assert table.rows[2][2] == "1×"


def test_build_table_adds_the_dirty_rebuild_when_measured(results_dir: Path) -> None:
    results = perf_report.load_results(results_dir)
    results["build"]["dirty_single_page_rebuild"] = {"median_s": 0.5, "page": "softmax.md"}
    rows = perf_report.build_table(results).rows
    assert rows[2] == ("rebuild with --dirty after editing softmax.md", "0.5", "0.12×")
    assert rows[3][0].startswith("baseline")


def test_widget_rows_compare_each_approach_with_the_baseline(results_dir: Path) -> None:
    table = perf_report.widgets_table(perf_report.load_results(results_dir))
    ours, base = table.rows
    assert ours[1].startswith("ours") and ours[2] == "2 KiB (0 KiB)"
    assert ours[3] == "1500 (0.5×)" and ours[4] == "500 (0.25×)" and ours[5] == "4.0 / 9.0"
    assert ours[6] == "10.0 / 20.0"
    assert base[2] == "20,480 KiB (16,384 KiB)" and base[3] == "3000 (1×)"


def test_widget_table_ends_with_the_runtime_floor_when_measured(results_dir: Path) -> None:
    results = perf_report.load_results(results_dir)
    results["widgets"]["runtime_floor"] = {"cold_ms": 2200.4, "warm_ms": 1400.0}
    floor = perf_report.widgets_table(results).rows[-1]
    assert floor[1].startswith("floor") and floor[3:5] == ("2200", "1400")


def test_attention_tables_show_missing_baselines_as_a_dash(results_dir: Path) -> None:
    results = perf_report.load_results(results_dir)
    core = perf_report.attention_table(results)
    assert core.rows[0] == ("32", "0.1", "20", "200×", "0.05", "2×")
    assert core.rows[1] == ("512", "30", "–", "–", "–", "–")
    assert perf_report.pyodide_table(results).rows == (("16", "0.05", "0.2", "4×"),)


def test_minilm_table_compares_with_the_reference_and_adds_the_chapter(results_dir: Path) -> None:
    table = perf_report.minilm_table(perf_report.load_results(results_dir))
    ours, torch, chapter = table.rows
    assert ours == ("explainer (NumPy)", "120", "20 (1×)", "200 / 205")
    assert torch[2] == "10 (0.5×)"
    assert chapter[0].startswith("chapter 10") and chapter[2] == "9,500"
    assert "12 tokens" in table.headers[2]


def test_report_tables_leave_out_what_was_not_run(tmp_path: Path) -> None:
    (tmp_path / "attention_core.json").write_text(json.dumps(ATTENTION), encoding="utf-8")
    titles = [title for title, _ in perf_report.report_tables(perf_report.load_results(tmp_path))]
    assert titles == ["Attention core against n (NumPy)", "Site size"]


def test_page_tables_say_when_results_are_missing(tmp_path: Path) -> None:
    tables = perf_report.tables(tmp_path / "no-results-here")
    table = tables["perf_build"]()
    assert isinstance(table, Table) and "make bench" in table.rows[0][0]
    assert set(tables) == {
        "perf_build",
        "perf_pages",
        "perf_widgets",
        "perf_attention",
        "perf_pyodide",
        "perf_minilm",
        "perf_site",
        "perf_known",
        "perf_update16",
        "perf_coldpath",
        "perf_imports",
        "perf_frames",
        "perf_minilm_live",
    }


def test_pages_table_compares_each_page_with_plain_material(results_dir: Path) -> None:
    table = perf_report.pages_table(perf_report.load_results(results_dir))
    assert table.rows == (("softmax/", "900 (300)", "600 (200)", "1.5×", "1,000 (100)", "0"),)


def test_small_site_parts_are_shown_in_kib(results_dir: Path) -> None:
    results = perf_report.load_results(results_dir)
    results["widgets"]["site_bytes_added"]["widget_assets"] = 30 * 1024
    assert ("added for the widgets: widget_assets", "30 KiB") in perf_report.site_table(results).rows


def test_page_tables_read_the_folder_they_are_given(tmp_path: Path) -> None:
    (tmp_path / "attention_core.json").write_text(json.dumps(ATTENTION), encoding="utf-8")
    assert "make bench" not in str(perf_report.tables(tmp_path)["perf_attention"]().rows)
    assert "make bench" in str(perf_report.tables(tmp_path)["perf_build"]().rows)


def test_known_table_compares_each_control_with_the_runtime() -> None:
    known = {
        "rows": [
            {"approach": "known states", "widget": "mask_explorer", "control": "input[name=kind]",
             "first_ms": 2.0, "p50_ms": 1.0, "p95_ms": 1.5, "runtime_bytes": 0},
            {"approach": "runtime (baseline)", "widget": "mask_explorer", "control": "input[name=kind]",
             "first_ms": 4000.0, "p50_ms": 9.0, "p95_ms": 20.0, "runtime_bytes": 17 * 2**20},
        ]
    }  # fmt: skip
    rows = perf_runtime.known_table({"known": known}).rows
    assert rows[0][:4] == ("mask_explorer", "name=kind", "shipped with the page", "2.0 (0.0005×)")
    assert rows[0][5] == "0" and rows[1][5] == "17.0 MiB"


def test_coldpath_ratios_are_to_the_baseline_of_the_same_kind() -> None:
    summary = {
        "before cold": {"ms": 10000.0, "phases": {"loadPyodide": 6000.0}},
        "pyc cold": {"ms": 5000.0, "phases": {"loadPyodide": 3000.0, "packages": 1000.0}},
        "pyc throttled cold": {"ms": 8000.0, "phases": {}, "mb": 12.34},
        "main thread throttled cold": {"ms": 16000.0, "phases": {}},
        "pyc throttled-gzip cold": {"ms": 3000.0, "phases": {}},
        "main thread throttled-gzip cold": {"ms": 4000.0, "phases": {}},
        "floor cold": {"ms": 4000.0, "phases": {}},
        "pyc+snapshot cold": {"ms": 5500.0, "phases": {}},
    }
    rows = {row[0]: row for row in perf_runtime.coldpath_table({"coldpath": {"summary": summary}}).rows}
    assert rows["pyc"][3] == "0.5×" and rows["pyc"][5] == "3.0 / 1.0 / – / – / –"
    assert rows["pyc+snapshot"][3] == "1.1×"  # against the same levers without the snapshot
    assert rows["pyc throttled"][3] == "0.5×"  # against the main-thread page on the same connection
    assert rows["pyc throttled-gzip"][3] == "0.75×"  # ... served the same way
    assert rows["pyc throttled"][4] == "12.3" and rows["pyc"][4] == "–"  # MB, where measured
    assert rows["before"][3] == rows["floor"][3] == rows["main thread throttled"][3] == "–"


def test_frames_and_minilm_live_tables_read_their_results() -> None:
    play = {"motion": "reduce", "play_s": 28.0, "frames": 1700, "p50_ms": 16.7, "p95_ms": 16.8,
            "p99_ms": 17.0, "over_one_frame": 2, "animations_peak": 0}  # fmt: skip
    frames = perf_runtime.frames_table(
        {"frames": {"plays": [play], "site_bytes_added": {"total": 12 * 1024}}}
    )
    assert frames.rows[0][3] == "16.7 / 16.8 / 17.0" and frames.rows[-1][1] == "12 KiB"
    live = {
        "browser": {"bytes_before_first_result": 22_000_000, "first_result_after_download_button_ms": 970.0,
                    "second_sentence_ms": 310.0},
        "host": {"host_numpy_compact": {"median_ms": 7.5},
                 "host_numpy_full_float64": {"median_ms": 15.8}},
        "pyodide_node": {"median_ms": 57.0},
        "accuracy": {"max_attention_error": 7.8e-4, "sentences": 8},
        "torch_cpu": {"skipped": "no torch"},
    }  # fmt: skip
    values = dict(perf_runtime.minilm_live_table({"minilm_live": live}).rows)
    assert values["bytes before the first typed result"] == "22.00 MB"
    assert values["largest attention difference, compact vs full (8 sentences)"] == "7.8e-04"
    assert not any("torch" in key for key in values)


def test_imports_table_compares_lazy_and_prepared_with_eager() -> None:
    def row(first: float, after: float) -> dict[str, float]:
        return {"first_answer_ms": first, "after_enter_ms": after}

    summary = {"w eager": row(2000, 100), "w lazy": row(1000, 900), "w prepared": row(1100, 150)}
    rows = {r[1]: r for r in perf_runtime.imports_table({"imports": {"summary": summary}}).rows}
    assert rows["eager"][2:] == ("2000", "–", "–")
    assert rows["lazy"][2:] == ("1000", "0.5×", "–")
    assert rows["prepared"][2:] == ("1100", "0.55×", "150")


def test_the_16_token_table_splits_the_update_where_it_is_measured() -> None:
    worker = {
        "widget": "heatmap_explorer",
        "approach": "worker",
        "update16_p50_ms": 9.0,
        "update16_p95_ms": 14.5,
    }
    worker |= {"python16_p50_ms": 4.0, "python16_p95_ms": 6.0, "render16_p50_ms": 3.0, "render16_p95_ms": 5.0}
    worker |= {"paced16_p50_ms": 10.0, "paced16_p95_ms": 15.5}
    base = {
        "widget": "heatmap_explorer",
        "approach": "baseline",
        "update16_p50_ms": 12.0,
        "update16_p95_ms": 20.0,
    }
    other = {"widget": "saturation_lab", "approach": "worker"}
    table = perf_runtime.update16_table({"widgets": {"rows": [worker, base, other]}})
    assert table.rows == (
        ("ours (worker)", "9.0 / 14.5", "10.0 / 15.5", "4.0 / 6.0", "3.0 / 5.0"),
        ("main thread at load", "12.0 / 20.0", "–", "–", "–"),
    )
