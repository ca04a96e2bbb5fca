"""Run these tests inside real Pyodide (pytest-pyodide, Node) against the assembled site runtime.

``make test`` builds the site first and passes ``--dist-dir=site/pyodide --runtime=node``.
Without ``--dist-dir`` the built site's ``site/pyodide`` is used if it exists; when no
assembled runtime (with our wheel in its lock) is found, every test here is skipped,
so the fast unit-test loop never needs a site build.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _runtime_problem(dist_dir: Path) -> str | None:
    """Why ``dist_dir`` cannot run these tests, or ``None`` if it can."""
    lock = dist_dir / "pyodide-lock.json"
    if not (dist_dir / "pyodide.asm.wasm").is_file() or not lock.is_file():
        return f"no assembled Pyodide runtime in {dist_dir} (build the site, or pass --dist-dir)"
    if "explainer" not in json.loads(lock.read_text(encoding="utf-8")).get("packages", {}):
        return f"{lock} does not list the explainer wheel"
    return None


def pytest_configure(config: pytest.Config) -> None:
    """Default ``--dist-dir`` (``./pyodide``) missing: use the built site's runtime instead."""
    from pytest_pyodide import hook

    dist_dir = Path(config.option.dist_dir)
    fallback = ROOT / "site" / "pyodide"
    if not dist_dir.is_dir() and fallback.is_dir():
        config.option.dist_dir = fallback
        hook.pytest_wrapper.pyodide_dist_dir = fallback


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    ours = [item for item in items if here in Path(str(item.fspath)).parents]
    for item in ours:
        item.add_marker(pytest.mark.pyodide)
    problem = _runtime_problem(Path(config.option.dist_dir))
    if problem and ours and "--dist-dir" in " ".join(config.invocation_params.args):
        raise pytest.UsageError(f"Pyodide tests: {problem}")  # asked for explicitly: no silent skip
    if problem:
        for item in ours:
            item.add_marker(pytest.mark.skip(reason=problem))
