"""The package's core, run inside real Pyodide 0.27.7 (numpy 2.0.2) from the assembled site.

Each test computes something on the host (this interpreter) and the same thing in
Pyodide, from the very wheel and lock the site ships, and compares:
- the doctests of the numpy-only modules pass in Pyodide;
- attention, masks and multi-head agree with the host to float64 rounding;
- every widget's live answer for its initial state is what the build pre-rendered;
- a GloVe sentence gives the host's weights from the browser subset.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pytest_pyodide import run_in_pyodide

from explainer import browser

pytestmark = pytest.mark.pyodide
CORE_MODULES = [
    "explainer.attention",
    "explainer.embeddings",
    "explainer.browser",
    "explainer.html",
    "explainer.widgets.base",
]


@run_in_pyodide(packages=["explainer"])
def doctests_in_pyodide(selenium: Any, modules: list[str]) -> dict[str, tuple[int, int]]:
    import doctest
    import importlib

    results = {}
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        outcome = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        results[name] = (outcome.failed, outcome.attempted)
    return results


def test_core_doctests_pass_in_pyodide(selenium: Any) -> None:
    results = doctests_in_pyodide(selenium, CORE_MODULES)
    assert "explainer.attention" in results
    failed = {name: r for name, r in results.items() if r[0]}
    assert not failed, f"doctests failing in Pyodide: {failed}"


@run_in_pyodide(packages=["explainer"])
def attention_in_pyodide(selenium: Any, seed: int) -> dict[str, list[Any]]:
    import numpy as np

    from explainer import attention

    rng = np.random.default_rng(seed)
    q, k, v = (rng.standard_normal((5, 8)) for _ in range(3))  # (5, 8) each
    causal = attention.causal_mask(5)  # (5, 5)
    out, weights = attention.scaled_dot_product_attention(q, k, v, mask=causal)
    x = rng.standard_normal((4, 8))  # (4, 8)
    return {
        "out": out.tolist(),
        "weights": weights.tolist(),
        "softmax": attention.softmax(x).tolist(),
        "numpy": [np.__version__],
    }


def test_attention_agrees_with_the_host(selenium: Any) -> None:
    from explainer import attention

    got = attention_in_pyodide(selenium, 7)
    rng = np.random.default_rng(7)
    q, k, v = (rng.standard_normal((5, 8)) for _ in range(3))  # (5, 8) each
    out, weights = attention.scaled_dot_product_attention(q, k, v, mask=attention.causal_mask(5))
    x = rng.standard_normal((4, 8))  # (4, 8)
    assert got["numpy"] == ["2.0.2"]  # really Pyodide's numpy, not the host's
    np.testing.assert_allclose(got["out"], out, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got["weights"], weights, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got["softmax"], attention.softmax(x), rtol=1e-12, atol=1e-14)
    assert np.all(np.triu(np.asarray(got["weights"]), 1) == 0)  # masked weights are exactly 0


@run_in_pyodide(packages=["explainer"])
def handle_in_pyodide(selenium: Any, requests: list[str], glove: bytes | None) -> list[str]:
    from explainer.browser import handle

    if glove is not None:
        with open("/tmp/glove-browser.npz", "wb") as fh:
            fh.write(glove)
    return [handle(request) for request in requests]


FLOAT_RE = re.compile(r"-?\d+\.\d{7,}(?:e[-+]?\d+)?")


def rounded_numbers(text: str) -> str:
    """Long floats cut to 10 significant digits: wasm's libm and the host's may differ in the last bit."""
    return FLOAT_RE.sub(lambda m: f"{float(m.group()):.10g}", text)


def _glove_subset(config: pytest.Config) -> Path:
    """The GloVe subset the site next to ``--dist-dir`` ships."""
    path = Path(config.option.dist_dir).parent / "assets" / "glove" / "glove-browser.npz"
    if not path.is_file():
        pytest.fail(f"{path} is missing: the site build should have written it")
    return path


def _requests(glove_path: str | None) -> list[str]:
    widgets = pytest.importorskip("explainer.widgets")
    glove_widgets = {"heatmap_explorer", "contextualisation_probe"}
    return [
        json.dumps(
            {"widget": name, "state": {}, **({"embeddings": glove_path} if name in glove_widgets else {})}
        )
        for name in widgets.names()
        if name not in ("code_runner", "minilm_live", "minilm_pair")  # the model: test_minilm_pyodide.py
    ]


def test_every_widget_gives_the_prerendered_result_in_pyodide(
    selenium: Any, pytestconfig: pytest.Config
) -> None:
    glove = _glove_subset(pytestconfig)
    live = handle_in_pyodide(selenium, _requests("/tmp/glove-browser.npz"), glove.read_bytes())
    host = [browser.handle(r) for r in _requests(str(glove))]
    for here, there in zip(host, live, strict=True):
        expected, got = json.loads(rounded_numbers(here)), json.loads(rounded_numbers(there))
        assert got["error"] is None, got["error"]
        assert got == expected


def test_bad_requests_are_messages_in_pyodide(selenium: Any) -> None:
    answers = handle_in_pyodide(selenium, ["{", '{"widget": "nope", "state": {}}'], None)
    assert [json.loads(a)["error"] is not None for a in answers] == [True, True]
