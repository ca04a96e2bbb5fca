"""Rarely imported modules in an archive downloaded on a reader's first import of one.

In the browser, the Web Worker starts Python on the modules widgets import: the standard
library's (``python_stdlib_hot.zip``, byte-compiled) and numpy's (a trimmed wheel). The rest
is about 2.6 MB a reader rarely uses, in two archives: the standard library's
(``python_stdlib_more.zip``, source, imported from the archive itself) and numpy's
(``numpy_more.zip``: ``numpy.random``, ``numpy.fft`` and others, extension modules among
them, so unpacked into ``site-packages`` first). :func:`install` puts a finder for each last
on :data:`sys.meta_path`: when an import of one of its modules finds nothing, the archive is
fetched (once, by the function it was given: the Web Worker's synchronous request, since an
import cannot wait) and the module is imported from it. A missing module that is not in the
archive fails as it always would, and nothing is fetched.

Some modules are imported early but read late: ``import numpy`` imports
``numpy.linalg._umath_linalg`` (1.9 MB of WebAssembly), which only ``solve``, ``inv``,
``svd`` and the like read, when called (``norm`` does not). :func:`defer` imports such a
module as a :class:`StandIn`, which imports the real one (through the finder of its archive,
if it is not on the import path) on the first read of one of its attributes. The build
keeps a stand-in's module out of the worker's numpy when no widget reads it
(:data:`NUMPY_DEFERRED`).

Pyodide's own start-up imports modules it reads only later, if at all (``tarfile`` to unpack
packages it ships as tar files, ``email`` through ``importlib.metadata``, ``ipaddress`` and
``locale`` through ``asyncio`` and ``urllib``). The browser's standard library carries a copy of
this module (as ``explainer_lazy_modules``) and a ``sitecustomize`` that defers
:data:`STDLIB_DEFERRED` before that start-up, so those import as stand-ins too, and the build
leaves the ones no widget session reads out of the archive the worker starts with
(:mod:`explainer.sitebuild.stdlib_split`).

Stdlib only, importing nothing the interpreter has not imported before ``sitecustomize`` runs:
it runs before anything else of ours is imported, and in the browser before Pyodide's start-up.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from collections.abc import Callable, Iterable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:  # not at run time: importlib.abc imports much that this module defers
    from importlib.abc import Loader

__all__ = [
    "MORE_ARCHIVE",
    "NUMPY_DEFERRED",
    "STDLIB_DEFERRED",
    "Deferring",
    "LazyArchive",
    "StandIn",
    "defer",
    "install",
    "loaded",
]

MORE_ARCHIVE = "/lib/python_stdlib_more.zip"
"""Where the standard library's archive is written in Pyodide's file system (beside its own)."""

NUMPY_DEFERRED = ("numpy.linalg._umath_linalg",)
"""numpy's extension modules that ``import numpy`` imports but only routines read when called.

``numpy/linalg/_linalg.py`` reads ``_umath_linalg`` inside ``solve``, ``inv``, ``eig``,
``svd``, ``det``, ``lstsq`` and the like only (numpy 2.0.2), so a :class:`StandIn` holds its
place until one of them runs."""


STDLIB_DEFERRED = (
    "_pyodide._future_helper",
    "asyncio.format_helpers",
    "asyncio.sslproto",
    "asyncio.staggered",
    "asyncio.trsock",
    "bz2",
    "csv",
    "email._encoded_words",
    "email._parseaddr",
    "email._policybase",
    "email.base64mime",
    "email.charset",
    "email.encoders",
    "email.errors",
    "email.header",
    "email.iterators",
    "email.message",
    "email.quoprimime",
    "email.utils",
    "importlib.metadata._adapters",
    "importlib.metadata._text",
    "ipaddress",
    "locale",
    "quopri",
    "signal",
    "tarfile",
)
"""Standard-library modules Pyodide 0.27's start-up imports, by ``import name``, without reading them.

Each is a module, not a package (a package's submodules need its real ``__path__``), and none is
star-imported (``from name import *`` reads nothing a stand-in holds). Found by running the
widgets with every module that start-up imports deferred; the build's session decides which the
worker starts with (a stand-in a widget reads is imported, and so compiled and shipped)."""


class LazyArchive:
    """A meta-path finder for the modules of one archive, fetched when one of them is first imported.

    Args:
        modules: the archive's module names (``"mailbox"``, ``"numpy.random._generator"``).
        fetch: writes the archive at ``archive``; raises if it cannot.
        archive: the archive's path.
        into: a directory on the import path to unpack the archive into once fetched (for
            extension modules, which cannot import from an archive); None imports from the archive.
        what: what the archive holds, for the message when its download fails.
    """

    def __init__(
        self,
        modules: Iterable[str],
        fetch: Callable[[str], object],
        archive: str,
        into: str | None = None,
        what: str = "Python's standard library",
    ) -> None:
        self.modules = frozenset(str(m) for m in modules)
        self.fetch = fetch
        self.archive = archive
        self.into = into
        self.what = what
        self.fetched = False

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        """The spec of ``fullname`` from the archive (fetched first if need be); None if it is not there."""
        if fullname not in self.modules:
            return None
        if not self.fetched:
            self._fetch(fullname)
        if self.into is not None:
            return importlib.machinery.PathFinder.find_spec(fullname, path)
        package = fullname.rpartition(".")[0].replace(".", "/")
        location = f"{self.archive}/{package}" if package else self.archive
        return importlib.machinery.PathFinder.find_spec(fullname, [location])

    def _fetch(self, fullname: str) -> None:
        try:
            self.fetch(self.archive)
            if self.into is not None:
                import zipfile  # here, not above: importing it early would import bz2 too

                with zipfile.ZipFile(self.archive) as archive:
                    archive.extractall(self.into)
                importlib.invalidate_caches()
        except Exception as error:  # a JavaScript error, OSError on the host, a damaged archive
            raise ImportError(
                f"{fullname} is part of {self.what} that this site downloads on first "
                f"use, and that download failed ({error}). Check the connection and run again.",
                name=fullname,
            ) from None
        self.fetched = True


def install(
    modules: Iterable[str],
    fetch: Callable[[str], object],
    archive: str = MORE_ARCHIVE,
    into: str | None = None,
    what: str = "Python's standard library",
    deferred: Iterable[str] = (),
) -> LazyArchive:
    """Put a :class:`LazyArchive` finder last on :data:`sys.meta_path`, replacing one for ``archive``.

    ``deferred``: modules of the archive that import as stand-ins (:func:`defer`), so importing
    one fetches nothing until it is read.
    """
    finder = LazyArchive(modules, fetch, archive, into, what)
    others = [f for f in sys.meta_path if not (isinstance(f, LazyArchive) and f.archive == archive)]
    sys.meta_path[:] = [*others, finder]
    if deferred := [str(n) for n in deferred]:
        defer(deferred)
    return finder


class StandIn(ModuleType):
    """A module's place holder: the first read of an attribute it lacks imports the real module.

    Dunder names (``__file__``, ``__path__``…) are not forwarded, so looking a module over
    (as :mod:`inspect` or the build's session do) does not import it.
    """

    __deferring__: Deferring

    def __getattr__(self, name: str) -> object:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return getattr(self.__deferring__.load(self.__name__), name)

    def __dir__(self) -> list[str]:
        """The real module's names: asking for them is a read (``dir(tarfile)`` in the code runner)."""
        return dir(self.__deferring__.load(self.__name__))


class Deferring:
    """A meta-path finder (and loader), first on :data:`sys.meta_path`: imports ``names`` as stand-ins.

    The first read of a stand-in's attribute imports the real module through the rest of
    :data:`sys.meta_path`: from the import path when it is there, else through the
    :class:`LazyArchive` of the archive holding it, which fetches the archive.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(str(n) for n in names)
        self.loaded: set[str] = set()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        """A stand-in's spec for a deferred module not loaded yet; None for every other module."""
        if fullname not in self.names or fullname in self.loaded:
            return None
        return ModuleSpec(fullname, cast("Loader", self))

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        module = StandIn(spec.name)
        module.__deferring__ = self
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing runs until an attribute is read."""

    def load(self, fullname: str) -> ModuleType:
        """Import the real module in its stand-in's place (in :data:`sys.modules` and on its package)."""
        current = sys.modules.get(fullname)
        if current is not None and not isinstance(current, StandIn):
            return current
        self.loaded.add(fullname)
        sys.modules.pop(fullname, None)
        try:
            real = importlib.import_module(fullname)
        except BaseException:
            self.loaded.discard(fullname)  # the stand-in stays, and the next read tries again
            if current is not None:
                sys.modules[fullname] = current
            raise
        package, _, child = fullname.rpartition(".")
        if package in sys.modules:
            setattr(sys.modules[package], child, real)
        return real


def defer(names: Iterable[str]) -> Deferring:
    """Put a :class:`Deferring` finder first on :data:`sys.meta_path`, replacing one put there before."""
    finder = Deferring(names)
    sys.meta_path[:] = [finder, *(f for f in sys.meta_path if not isinstance(f, Deferring))]
    return finder


def loaded(names: Iterable[str]) -> list[str]:
    """Which of ``names`` were imported as real modules (not stand-ins, not at all)."""
    return [n for n in names if n in sys.modules and not isinstance(sys.modules[n], StandIn)]
