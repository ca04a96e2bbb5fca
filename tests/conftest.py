"""Fixtures shared by the package's tests (the browser and Pyodide tests have their own conftest)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def minilm_weights() -> None:
    """Skip the test when the all-MiniLM-L6-v2 weights are not installed (they are for the site)."""
    from explainer.minilm import find_model_dir

    try:
        find_model_dir()
    except FileNotFoundError as err:
        pytest.skip(str(err))


def build_site(site_dir: Path, *, fresh_figures: bool) -> None:
    """``mkdocs build --strict`` into ``site_dir``; ``fresh_figures``: with the figure cache off."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if fresh_figures:
        env["EXPLAINER_FIGURE_CACHE"] = "off"
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "--site-dir", str(site_dir)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, f"strict build failed:\n{result.stderr[-4000:]}"


@pytest.fixture(scope="session")
def fresh_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built once per session, in a fresh process, with every figure drawn afresh."""
    site_dir = tmp_path_factory.mktemp("site")
    build_site(site_dir, fresh_figures=True)
    return site_dir


@pytest.fixture(scope="session")
def second_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another build of the same tree, to compare with :func:`fresh_site` byte for byte.

    ``make test`` has just built the site (with the figure cache) and names it in
    ``$EXPLAINER_SITE_DIR``: that build is the second one, which also shows that a figure
    drawn afresh is the cached one. Without it, a second build is made here.
    """
    named = os.environ.get("EXPLAINER_SITE_DIR")
    if named and (Path(named) / "index.html").is_file():
        return Path(named)
    site_dir = tmp_path_factory.mktemp("second-site")
    build_site(site_dir, fresh_figures=False)
    return site_dir
