"""The browser's standard library in two archives: what a widget session imports, and the rest.

The site's ``python_stdlib.zip`` (byte-compiled where a session imports it, see
:mod:`explainer.sitebuild.hotset`) stays whole, for Node and every tool that reads the
runtime as a Pyodide distribution. The Web Worker starts Pyodide on
``python_stdlib_hot.zip`` instead: the same archive without the modules shipped as source,
which no widget imports. Those (``python_stdlib_more.zip``, about 1.4 MB) download only when
a reader's code imports one (:mod:`explainer.lazy_modules`), so no reader pays for them in
the first download.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import explainer.lazy_modules

__all__ = [
    "HOT_NAME",
    "MORE_NAME",
    "START_UP_FILES",
    "add_start_up_stand_ins",
    "module_names",
    "split_stdlib",
    "worker_config",
]

HOT_NAME = "python_stdlib_hot.zip"
MORE_NAME = "python_stdlib_more.zip"
_SITECUSTOMIZE = '''"""Written by the build (explainer/sitebuild/stdlib_split.py); runs before Pyodide starts.

The modules that start-up imports without reading them import as stand-ins: a module loads on the
first read of one of its names (explainer/lazy_modules.py, here as explainer_lazy_modules).
"""

import explainer_lazy_modules

explainer_lazy_modules.defer(explainer_lazy_modules.STDLIB_DEFERRED)
'''
START_UP_FILES = ("sitecustomize.py", "explainer_lazy_modules.py")
"""What :func:`add_start_up_stand_ins` adds to the standard library."""


def add_start_up_stand_ins(stdlib: Path) -> None:
    """Add a ``sitecustomize`` to ``stdlib`` (an archive) deferring :data:`.lazy_modules.STDLIB_DEFERRED`.

    CPython's ``site`` imports ``sitecustomize`` before Pyodide's start-up imports its own modules,
    so the deferred modules import as stand-ins (and a widget session that never reads one leaves
    it out of :data:`HOT_NAME`). It imports a copy of :mod:`explainer.lazy_modules` under its own
    name, since the package is not installed yet; the package keeps its own copy.
    """
    lazy_modules = Path(explainer.lazy_modules.__file__).read_bytes()
    with zipfile.ZipFile(stdlib, "a", zipfile.ZIP_DEFLATED) as archive:
        if set(START_UP_FILES) & set(archive.namelist()):
            raise ValueError(f"{stdlib} already has {START_UP_FILES}")
        dated = archive.infolist()[0].date_time if archive.infolist() else (1980, 1, 1, 0, 0, 0)
        for name, body in zip(START_UP_FILES, (_SITECUSTOMIZE.encode(), lazy_modules), strict=True):
            archive.writestr(zipfile.ZipInfo(name, dated), body, zipfile.ZIP_DEFLATED)  # dated: builds repeat


def module_names(sources: list[str]) -> list[str]:
    """Module names of source files: ``email/mime/text.py`` -> ``email.mime.text``.

    Example:
        >>> module_names(["mailbox.py", "xml/__init__.py", "xml/dom/minidom.py"])
        ['mailbox', 'xml', 'xml.dom.minidom']
    """
    return sorted(name.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for name in sources)


def split_stdlib(full: Path, hot: Path, more: Path) -> list[str]:
    """Write ``hot`` (``full`` without its ``.py`` entries) and ``more`` (those); return their module names.

    A directory entry stays in ``hot`` only if a file of ``hot`` lies under it: an empty directory in
    an archive would import as a namespace package and hide the real one in ``more``.
    """
    with zipfile.ZipFile(full) as source:
        infos = source.infolist()
        sources = [i for i in infos if i.filename.endswith(".py")]
        kept = [i for i in infos if not i.is_dir() and i not in sources]
        dirs = [i for i in infos if i.is_dir() and any(k.filename.startswith(i.filename) for k in kept)]
        for target, entries in ((hot, [i for i in infos if i in kept or i in dirs]), (more, sources)):
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
                for info in entries:
                    out.writestr(info, source.read(info), compress_type=zipfile.ZIP_DEFLATED)
    return module_names([i.filename for i in sources])


def worker_config(runtime: Path, base_url: str) -> dict[str, object]:
    """``runtime.json``'s keys for the two archives in ``runtime``, whose URL is ``base_url``."""
    with zipfile.ZipFile(runtime / MORE_NAME) as more:
        modules = module_names([n for n in more.namelist() if n.endswith(".py")])
    return {
        "stdlib_url": base_url + HOT_NAME,
        "stdlib_more": {"url": base_url + MORE_NAME, "modules": modules},
    }
