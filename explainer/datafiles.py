"""Files a computation needs that are not in the wheel: ask for them by name, read them once there.

Some widgets read data too big to ship whole (all 400,000 GloVe words, a model's
weights). The site build writes such files under ``<site>/data/`` with a manifest
(``data/manifest.json``: name -> sha256 and bytes). A computation that needs some
calls :func:`require`; when a file is missing it raises :class:`NeedFiles` naming
every missing file at once. In the browser, :func:`explainer.browser.handle` turns
that into ``{"need": [...]}``; the Web Worker downloads those files (checking each
sha256 against the manifest), writes them under :func:`data_root` and asks again.

Names are relative to the data folder, with ``/`` as separator, e.g.
``"glove/rows-0012.bin"``. Only the standard library is imported (it runs in Pyodide).

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> set_data_root(folder)
    >>> try:
    ...     require(["glove/rows-0001.bin"])
    ... except NeedFiles as need:
    ...     print(need.files)
    ('glove/rows-0001.bin',)
    >>> set_data_root(None)
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "DATA_ROOT_ENV",
    "PYODIDE_DATA_ROOT",
    "NeedFiles",
    "data_root",
    "file_sha256",
    "require",
    "set_data_root",
    "valid_name",
]

DATA_ROOT_ENV = "EXPLAINER_DATA_ROOT"
"""Environment variable naming the data folder (tests and the terminal; the browser needs none)."""

PYODIDE_DATA_ROOT = Path("/home/pyodide/data")
"""Where the Web Worker writes the files it downloaded, inside Pyodide's file system."""

_HOST_DEFAULT = Path.home() / ".cache" / "explainer" / "data"
_chosen_root: list[Path] = []  # set_data_root's choice, if any (a list, so no `global` statement)


class NeedFiles(BaseException):
    """A computation needs data files that are not under :func:`data_root` yet.

    It derives from :class:`BaseException`, like :class:`GeneratorExit`, because it
    is a request rather than an error: the widgets turn every ``Exception`` into a
    message for the reader, and this must pass through them to the entry point
    (:func:`explainer.browser.handle`), which answers ``{"need": files}``.

    Attributes:
        files: the missing names, each once, in the order asked.
        what: what they are, in words for a progress line ("the GloVe rows for your words").
    """

    def __init__(self, files: Iterable[str], what: str = "the data files") -> None:
        self.files: tuple[str, ...] = tuple(dict.fromkeys(files))
        self.what = what
        super().__init__(f"{what} are needed: {', '.join(self.files)}")


def set_data_root(path: Path | str | None) -> None:
    """Read data files from ``path`` from now on; ``None`` goes back to the default."""
    _chosen_root.clear()
    if path is not None:
        _chosen_root.append(Path(path))


def data_root() -> Path:
    """The folder data files are read from.

    In order: the folder given to :func:`set_data_root`, the environment variable
    :data:`DATA_ROOT_ENV`, :data:`PYODIDE_DATA_ROOT` inside Pyodide, else
    ``~/.cache/explainer/data``.
    """
    if _chosen_root:
        return _chosen_root[0]
    if os.environ.get(DATA_ROOT_ENV):
        return Path(os.environ[DATA_ROOT_ENV])
    return PYODIDE_DATA_ROOT if sys.platform == "emscripten" else _HOST_DEFAULT


def valid_name(name: str) -> str:
    """``name`` if it is a relative POSIX path inside the data folder, else ``ValueError``.

    >>> valid_name("glove/rows-0001.bin")
    'glove/rows-0001.bin'
    """
    parts = name.split("/")  # not PurePosixPath: it would quietly drop "." and "//"
    if "\\" in name or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"{name!r} is not a data file name (a relative path such as 'glove/rows-0001.bin')")
    return name


def require(names: Iterable[str], what: str = "the data files") -> list[Path]:
    """The paths of data files, in order, if all are under :func:`data_root`.

    Args:
        names: file names relative to the data folder.
        what: what they are, for the progress line if some must be downloaded.

    Raises:
        NeedFiles: naming every missing file (the browser downloads them and asks again).
        ValueError: a name that is not a relative path inside the data folder.
    """
    root = data_root()
    wanted = [valid_name(name) for name in names]
    paths = [root / name for name in wanted]
    missing = [name for name, path in zip(wanted, paths, strict=True) if not path.is_file()]
    if missing:
        raise NeedFiles(missing, what)
    return paths


def file_sha256(path: Path | str) -> str:
    """Hex sha256 of a file (the worker's check where the browser has no ``crypto.subtle``)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
