"""The standard library's rarely imported modules, downloaded on a reader's first import of one.

In the browser, Pyodide starts with a standard library of the modules a widget session
imports (``python_stdlib_hot.zip``, byte-compiled); the rest (``python_stdlib_more.zip``,
source) is about 1.4 MB a reader would rarely use. :func:`install` puts a finder last on
:data:`sys.meta_path`: when an import of one of those modules finds nothing, it has the
archive fetched (once, by the function it was given: the Web Worker's synchronous request,
since an import cannot wait) and the module is imported from it. A missing module that is
not in that archive fails as it always would, and nothing is fetched.

Stdlib only: it runs before anything else of ours is imported.
"""

from __future__ import annotations

import importlib.machinery
import sys
from collections.abc import Callable, Iterable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

__all__ = ["MORE_ARCHIVE", "MoreStdlib", "install"]

MORE_ARCHIVE = "/lib/python_stdlib_more.zip"
"""Where the archive is written in Pyodide's file system (beside the standard library's own)."""


class MoreStdlib:
    """A meta-path finder for the modules of one archive, fetched when one of them is first imported.

    Args:
        modules: the archive's module names (``"mailbox"``, ``"email.mime.text"``).
        fetch: writes the archive at ``archive``; raises if it cannot.
        archive: the archive's path.
    """

    def __init__(self, modules: Iterable[str], fetch: Callable[[str], object], archive: str) -> None:
        self.modules = frozenset(str(m) for m in modules)
        self.fetch = fetch
        self.archive = archive
        self.fetched = False

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        """The spec of ``fullname`` from the archive (fetched first if need be); None if it is not there."""
        if fullname not in self.modules:
            return None
        if not self.fetched:
            try:
                self.fetch(self.archive)
            except Exception as error:  # a JavaScript error, or OSError on the host
                raise ImportError(
                    f"{fullname} is part of Python's standard library that this site downloads on first "
                    f"use, and that download failed ({error}). Check the connection and run again.",
                    name=fullname,
                ) from None
            self.fetched = True
        package = fullname.rpartition(".")[0].replace(".", "/")
        location = f"{self.archive}/{package}" if package else self.archive
        return importlib.machinery.PathFinder.find_spec(fullname, [location])


def install(
    modules: Iterable[str], fetch: Callable[[str], object], archive: str = MORE_ARCHIVE
) -> MoreStdlib:
    """Put a :class:`MoreStdlib` finder last on :data:`sys.meta_path` (replacing an earlier one)."""
    finder = MoreStdlib(modules, fetch, archive)
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, MoreStdlib)] + [finder]
    return finder
