"""The package's rooms import one way (ARCHITECTURE.md, "Rooms and the direction of imports").

Every ``import explainer...`` in the package, at any depth (inside functions
and ``TYPE_CHECKING`` blocks too), is checked: a module may import its own
room or a room below it, never one above or beside it, and no chain of
imports may come back to where it started.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "explainer"

ROOMS: dict[str, int] = {
    "explainer": 0,
    "explainer.types": 0,
    "explainer.html": 0,
    "explainer.tokens": 0,
    "explainer.attention": 1,
    "explainer.embeddings": 1,
    "explainer.datafiles": 1,
    "explainer.lazy_modules": 1,
    "explainer.glove_shards": 1,
    "explainer.glove_rows": 2,
    "explainer.minilm": 2,
    "explainer.examples": 3,
    "explainer.figures": 4,
    "explainer.widgets": 4,
    "explainer.browser": 5,
    "explainer.cli": 5,
    "explainer.__main__": 6,
    "explainer.sitebuild": 7,
}
"""Each room's height: imports run from a higher room to a lower one (or within a room)."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _room(module: str) -> str:
    if module == "explainer":
        return module  # the package root: a docstring and a version, below everything
    for room in sorted(ROOMS, key=len, reverse=True):
        if module == room or module.startswith(room + "."):
            return room
    raise AssertionError(f"{module} is in no room: add it to ROOMS and to ARCHITECTURE.md")


def _imports(path: Path) -> set[str]:
    """The ``explainer`` modules a file imports (``from explainer.x import y`` counts ``explainer.x.y``
    when that is a module, else ``explainer.x``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "explainer"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "explainer":
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in MODULES else node.module)
    return found


MODULES = {_module_name(p) for p in PACKAGE.rglob("*.py")}
GRAPH = {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_run_down_or_within_a_room(module: str) -> None:
    here = _room(module)
    wrong = sorted(
        target
        for target in GRAPH[module]
        if target != "explainer" and _room(target) != here and ROOMS[_room(target)] >= ROOMS[here]
    )
    assert not wrong, f"{module} ({here}) imports upward or sideways: {wrong}"


def test_the_package_root_imports_nothing_of_its_own() -> None:
    assert GRAPH["explainer"] == set()
    assert not any("explainer" in GRAPH[m] for m in GRAPH), "import the module you use, not the package root"


def test_html_builder_imports_nothing_from_the_package() -> None:
    assert GRAPH["explainer.html"] == set()
    assert GRAPH["explainer.types"] == set()


def test_no_import_cycle() -> None:
    def visit(module: str, path: tuple[str, ...]) -> None:
        for target in sorted(GRAPH.get(module, ())):
            if target in path:
                cycle = [*path[path.index(target) :], target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in done:
                visit(target, (*path, target))
        done.add(module)

    done: set[str] = set()
    for module in sorted(GRAPH):
        visit(module, (module,))


def test_markup_is_built_only_by_the_html_module() -> None:
    """``Element`` is made only by ``explainer.html``; nothing else escapes HTML by hand."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "html.py" and path.parent == PACKAGE:
            continue
        text = path.read_text(encoding="utf-8")
        if "Element(" in text or "from html import" in text or "html.escape(" in text:
            offenders.append(path.relative_to(PACKAGE).as_posix())
    assert not offenders


def test_no_module_is_over_400_lines() -> None:
    long = {
        p.relative_to(PACKAGE).as_posix(): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert not long
