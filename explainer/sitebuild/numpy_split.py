"""numpy in two parts for the Web Worker: the files widgets import, and the rest on demand.

Pyodide unpacks every file of a wheel, and compiles every extension module in it, before
Python imports anything from it. Most widgets import numpy's core and nothing of
``numpy.random``, ``numpy.fft``, ``numpy.polynomial``, ``numpy.ma`` or ``numpy.testing``
(about a third of the wheel). So the worker loads a copy of the numpy wheel holding only
the files a widget session imported (:mod:`explainer.sitebuild.hotset`), named with a build
tag (``numpy-2.0.2-0widgets-cp312-…``) and listed in a lock of its own
(``pyodide-lock-worker.json``). The other files are in ``numpy_more.zip``, the package
``numpy-more`` of that lock: the worker has Pyodide load it beside numpy when the widget
the reader acts in needs ``numpy.random``, and otherwise downloads and unpacks it on a
first import of one of its modules (:mod:`explainer.lazy_modules`). The
whole wheel stays in ``pyodide-lock.json``, for Node and every tool that reads the runtime
as a Pyodide distribution.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

__all__ = [
    "MORE_NAME",
    "MORE_PACKAGE",
    "WORKER_LOCK",
    "hot_name",
    "module_name",
    "split_numpy",
    "write_worker_lock",
]

MORE_NAME = "numpy_more.zip"
MORE_PACKAGE = "numpy-more"  # its name in the worker's lock
WORKER_LOCK = "pyodide-lock-worker.json"
BUILD_TAG = "0widgets"  # a wheel build tag starts with a digit


def hot_name(wheel_name: str) -> str:
    """The file name of the worker's copy: the wheel's name with a build tag.

    >>> hot_name("numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl")
    'numpy-2.0.2-0widgets-cp312-cp312-pyodide_2024_0_wasm32.whl'
    """
    name, version, rest = wheel_name.split("-", 2)
    return f"{name}-{version}-{BUILD_TAG}-{rest}"


def module_name(path: str) -> str | None:
    """The module a file of a wheel is (None if it is no module), source, bytecode or extension alike.

    >>> files = ("numpy/random/__init__.pyc", "numpy/fft/_pocketfft.cpython-312-wasm32.so", "numpy/x.txt")
    >>> [module_name(p) for p in files]
    ['numpy.random', 'numpy.fft._pocketfft', None]
    """
    file = PurePosixPath(path)
    if file.suffix not in (".py", ".pyc", ".so"):
        return None
    parts = [*file.parent.parts, file.name.split(".", 1)[0]]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def split_numpy(wheel: Path, imported: list[str], hot: Path, more: Path) -> None:
    """Write ``hot`` (``wheel`` with the imported modules) and ``more`` (the rest).

    ``imported``: file names the session imported (source names, ``numpy/linalg/_linalg.py``). A file
    goes to ``more`` if it is a module not imported, or lies in a package not imported (a folder of data
    files left in ``hot`` would import as a namespace package and hide the real one). Metadata stays.
    """
    modules = {m for m in map(module_name, imported) if m}
    with zipfile.ZipFile(wheel) as source:
        infos = [i for i in source.infolist() if not i.is_dir()]
        moved = [i for i in infos if _stays_out(i.filename, modules)]
        for target, entries in ((hot, [i for i in infos if i not in moved]), (more, moved)):
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
                for info in entries:
                    out.writestr(info, source.read(info), compress_type=zipfile.ZIP_DEFLATED)


def _stays_out(path: str, imported: set[str]) -> bool:
    """True for a file of the package ``numpy`` that no imported module needs."""
    file = PurePosixPath(path)
    if file.parts[0] != "numpy":
        return False  # numpy-2.0.2.dist-info/
    packages = [".".join(file.parts[:n]) for n in range(1, len(file.parts))]
    name = module_name(path)
    return any(p not in imported for p in packages) or (name is not None and name not in imported)


def write_worker_lock(runtime: Path, hot: Path, more: Path, sha256: Callable[[Path], str]) -> Path:
    """``pyodide-lock-worker.json``: the site's lock, its numpy the worker's copy ``hot``, and ``more``.

    ``more`` is listed as the package ``numpy-more`` (a zip Pyodide unpacks into ``site-packages``),
    so the worker can name it to ``loadPyodide`` for a widget that needs it at start, and Pyodide
    checks its sha256 and compiles its extension modules as it does numpy's.
    """
    lock = json.loads((runtime / "pyodide-lock.json").read_text(encoding="utf-8"))
    numpy = lock["packages"]["numpy"]
    numpy |= {"file_name": hot.name, "sha256": sha256(hot)}
    lock["packages"][MORE_PACKAGE] = numpy | {
        "name": MORE_PACKAGE,
        "file_name": more.name,
        "sha256": sha256(more),
        "depends": ["numpy"],
        "imports": [],
        "unvendored_tests": False,
    }
    path = runtime / WORKER_LOCK
    path.write_text(json.dumps(lock, indent=1) + "\n", encoding="utf-8")
    return path
