"""Tests for explainer.sitebuild.figcache: code hashing and the figure cache."""

from __future__ import annotations

from pathlib import Path

from explainer.sitebuild.figcache import FigureCache, figure_key, source_hash


def make_package(root: Path) -> Path:
    package = root / "pkg"
    (package / "figures").mkdir(parents=True)
    (package / "sitebuild").mkdir()
    (package / "__pycache__").mkdir()
    (package / "figures" / "basics.py").write_text("def draw(): ...\n")
    (package / "sitebuild" / "values.py").write_text("# glue\n")
    (package / "__pycache__" / "x.pyc").write_bytes(b"\0")
    return package


def test_source_hash_changes_with_drawing_code_only(tmp_path: Path) -> None:
    package = make_package(tmp_path)
    before = source_hash(package)
    (package / "sitebuild" / "values.py").write_text("# edited\n")
    (package / "__pycache__" / "x.pyc").write_bytes(b"\1")
    assert source_hash(package) == before
    (package / "figures" / "basics.py").write_text("def draw(): return 1\n")
    assert source_hash(package) != before


def test_source_hash_sees_added_and_renamed_files(tmp_path: Path) -> None:
    package = make_package(tmp_path)
    before = source_hash(package)
    (package / "figures" / "basics.py").rename(package / "figures" / "other.py")
    renamed = source_hash(package)
    (package / "new.py").write_text("")
    assert len({before, renamed, source_hash(package)}) == 3


def test_figure_key_depends_on_every_input() -> None:
    base = ("softmax_scores", "light", "abc", "3.9.0")
    keys = {figure_key(*base)}
    for i, other in enumerate(("value_blend", "dark", "abd", "3.9.1")):
        changed = list(base)
        changed[i] = other
        keys.add(figure_key(*changed))
    assert len(keys) == 5


def test_cache_draws_once_then_reads_memory_then_disk(tmp_path: Path) -> None:
    draws: list[int] = []

    def draw() -> bytes:
        draws.append(1)
        return b"<svg/>"

    cache = FigureCache(tmp_path / "figures")
    assert cache.get_or_draw("k", draw) == b"<svg/>"
    assert cache.get_or_draw("k", draw) == b"<svg/>"
    fresh = FigureCache(tmp_path / "figures")  # a new process: memory empty, disk warm
    assert fresh.get_or_draw("k", draw) == b"<svg/>"
    assert len(draws) == 1 and (cache.hits, cache.misses, fresh.hits) == (1, 1, 1)
    assert [p.name for p in (tmp_path / "figures").iterdir()] == ["k.svg"]


def test_disabled_cache_always_draws_and_writes_nothing(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path / "figures", enabled=False)
    outputs = [cache.get_or_draw("k", lambda: b"x") for _ in range(3)]
    assert outputs == [b"x"] * 3 and cache.misses == 3
    assert not (tmp_path / "figures").exists()


def test_figure_key_follows_the_bytes_of_declared_inputs(tmp_path: Path) -> None:
    data = tmp_path / "attention_core.json"
    data.write_text("{}")
    before = figure_key("cost_time_memory", "light", "abc", "3.9.0", [data])
    assert figure_key("cost_time_memory", "light", "abc", "3.9.0", [data]) == before
    data.write_text('{"n": 1}')
    assert figure_key("cost_time_memory", "light", "abc", "3.9.0", [data]) != before
    data.unlink()
    assert figure_key("cost_time_memory", "light", "abc", "3.9.0", [data]) != before
