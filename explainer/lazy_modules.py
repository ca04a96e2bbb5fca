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

Stdlib only: it runs before anything else of ours is imported.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import zipfile
from collections.abc import Callable, Iterable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

__all__ = ["MORE_ARCHIVE", "LazyArchive", "install"]

MORE_ARCHIVE = "/lib/python_stdlib_more.zip"
"""Where the standard library's archive is written in Pyodide's file system (beside its own)."""


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
) -> LazyArchive:
    """Put a :class:`LazyArchive` finder last on :data:`sys.meta_path`, replacing one for ``archive``."""
    finder = LazyArchive(modules, fetch, archive, into, what)
    others = [f for f in sys.meta_path if not (isinstance(f, LazyArchive) and f.archive == archive)]
    sys.meta_path[:] = [*others, finder]
    return finder
