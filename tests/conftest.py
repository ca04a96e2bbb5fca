"""Fixtures shared by the package's tests (the browser and Pyodide tests have their own conftest)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def minilm_weights() -> None:
    """Skip the test when the all-MiniLM-L6-v2 weights are not installed (they are for the site)."""
    from explainer.minilm import find_model_dir

    try:
        find_model_dir()
    except FileNotFoundError as err:
        pytest.skip(str(err))
