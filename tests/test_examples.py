"""Tests for explainer.examples itself: the re-exports, the table registry, the light import."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from types import ModuleType

import pytest

import explainer.examples as examples
from explainer.examples import cost, masks, scaling, self_attention, softmax, training

NUMPY_ONLY_TABLE_MODULES: tuple[ModuleType, ...] = (softmax, scaling, self_attention, masks, training, cost)
"""The chapters whose tables need neither the GloVe vectors nor the trained model."""

CHAPTER_MODULES = (
    "dot_product softmax scaling blending self_attention masks word_order multi_head glove "
    "glove_capabilities context_map trained_heads trained_control trained_head_jobs trained_budget "
    "trained_live training cost"
)
"""Every chapter module of explainer.examples, in chapter order (2 to 12)."""


@pytest.mark.parametrize(
    ("module", "name"), [(m, name) for m in NUMPY_ONLY_TABLE_MODULES for name in sorted(m.TABLES)]
)
def test_every_table_renders(module: ModuleType, name: str) -> None:
    table = module.TABLES[name]()
    lines = table.to_markdown().splitlines()
    assert len(lines) == 2 + len(table.rows) and table.rows
    assert name in examples.tables()


def chapter_modules() -> list[ModuleType]:
    """The chapter modules: every submodule with a ``TABLES`` registry (not ``common``, not ``table``)."""
    found = [
        importlib.import_module(f"explainer.examples.{info.name}")
        for info in pkgutil.iter_modules(examples.__path__)
    ]
    return [m for m in found if hasattr(m, "TABLES")]


def test_tables_merges_every_chapter_without_clashes() -> None:
    registered = examples.tables()
    chapters = chapter_modules()
    names = [name for m in chapters for name in m.TABLES]
    assert len(names) == len(set(names)) == len(registered)
    for module in chapters:
        for name, factory in module.TABLES.items():
            assert registered[name] is factory


def test_everything_in_all_is_exported() -> None:
    chapters = chapter_modules()
    assert {m.__name__.rsplit(".", 1)[1] for m in chapters} == set(CHAPTER_MODULES.split())
    for module in chapters:
        for name in module.__all__:
            assert name in examples.__all__
            assert getattr(examples, name) is getattr(module, name)


def test_importing_examples_does_not_import_matplotlib() -> None:
    code = "import sys, explainer.examples; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_chapters_lists_every_chapter_in_order() -> None:
    assert [m.__name__.rsplit(".", 1)[1] for m in examples.chapters()] == CHAPTER_MODULES.split()


def test_importing_examples_imports_no_chapter() -> None:
    code = (
        "import sys, explainer.examples; "
        "print(sorted(m for m in sys.modules if m.startswith('explainer.examples.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['explainer.examples.table']"


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'no_such_example'"):
        examples.no_such_example  # noqa: B018
