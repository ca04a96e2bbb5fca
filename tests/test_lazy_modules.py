"""The finder that imports rarely used modules from an archive fetched on first use."""

from __future__ import annotations

import importlib
import shutil
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from explainer.lazy_modules import Deferring, LazyArchive, StandIn, install, loaded


@pytest.fixture
def archives(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A "hot" archive on sys.path (package hxpkg) and a "more" one (hxcold, hxpkg.cold); cleaned up after."""
    hot, more = tmp_path / "hot.zip", tmp_path / "more.zip"
    with zipfile.ZipFile(hot, "w") as z:
        z.writestr("hxpkg/__init__.py", "NAME = 'hot'\n")
    with zipfile.ZipFile(more, "w") as z:
        z.writestr("hxcold.py", "VALUE = 41 + 1\n")
        z.writestr("hxpkg/cold.py", "from hxpkg import NAME\nVALUE = NAME + ' and cold'\n")
    sys.path.insert(0, str(hot))
    yield hot, more
    sys.path.remove(str(hot))
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, (LazyArchive, Deferring))]
    for name in ("hxcold", "hxpkg", "hxpkg.cold", "hxmissing"):
        sys.modules.pop(name, None)
    importlib.invalidate_caches()


def test_a_module_of_the_archive_imports_after_one_fetch(archives: tuple[Path, Path], tmp_path: Path) -> None:
    _, more = archives
    fetched: list[str] = []

    def fetch(path: str) -> None:
        fetched.append(path)
        shutil.copyfile(more, path)

    target = tmp_path / "fetched.zip"
    finder = install(["hxcold", "hxpkg.cold"], fetch, str(target))
    assert sys.meta_path[-1] is finder
    assert importlib.import_module("hxcold").VALUE == 42
    assert importlib.import_module("hxpkg.cold").VALUE == "hot and cold"  # a cold module of a hot package
    assert importlib.import_module("hxpkg").__file__.startswith(str(archives[0]))
    assert fetched == [str(target)]


def test_a_module_outside_the_archive_fails_as_usual_and_fetches_nothing(archives: tuple[Path, Path]) -> None:
    fetched: list[str] = []
    install(["hxcold"], fetched.append, "/nonexistent/more.zip")
    with pytest.raises(ModuleNotFoundError, match="hxmissing"):
        importlib.import_module("hxmissing")
    assert fetched == []


def test_a_failed_download_says_what_failed(archives: tuple[Path, Path]) -> None:
    def fetch(path: str) -> None:
        raise OSError("the server answered HTTP 404")

    install(["hxcold"], fetch, "/nonexistent/more.zip")
    with pytest.raises(ImportError, match=r"hxcold is part of Python's standard library .* HTTP 404"):
        importlib.import_module("hxcold")


def test_installing_again_replaces_the_finder_of_that_archive_only(archives: tuple[Path, Path]) -> None:
    first = install(["hxcold"], print, "/a.zip")
    second = install(["hxcold"], print, "/a.zip")
    other = install(["hxother"], print, "/b.zip", into="/tmp")
    assert second in sys.meta_path and first not in sys.meta_path
    assert sys.meta_path[-2:] == [second, other]


def test_an_archive_to_unpack_lands_in_its_directory_once(
    archives: tuple[Path, Path], tmp_path: Path
) -> None:
    """numpy's way: extension modules cannot import from an archive, so it is unpacked first."""
    _, more = archives
    site = tmp_path / "site-packages"
    (site / "hxpkg").mkdir(parents=True)
    (site / "hxpkg" / "__init__.py").write_text("NAME = 'unpacked'\n")
    sys.path.insert(0, str(site))
    fetched: list[str] = []

    def fetch(path: str) -> None:
        fetched.append(path)
        shutil.copyfile(more, path)

    try:
        install(["hxcold", "hxpkg.cold"], fetch, str(tmp_path / "fetched.zip"), into=str(site))
        assert importlib.import_module("hxpkg.cold").VALUE == "unpacked and cold"
        assert importlib.import_module("hxcold").__file__ == str(site / "hxcold.py")
        assert fetched == [str(tmp_path / "fetched.zip")]
    finally:
        sys.path.remove(str(site))


def test_a_damaged_archive_to_unpack_says_what_failed(archives: tuple[Path, Path], tmp_path: Path) -> None:
    def fetch(path: str) -> None:
        Path(path).write_bytes(b"not a zip")

    install(["hxcold"], fetch, str(tmp_path / "bad.zip"), into=str(tmp_path), what="NumPy")
    with pytest.raises(
        ImportError, match=r"hxcold is part of NumPy that this site downloads .*not a zip file"
    ):
        importlib.import_module("hxcold")


def test_a_deferred_module_is_fetched_on_its_first_read_not_its_import(
    archives: tuple[Path, Path], tmp_path: Path
) -> None:
    """numpy.linalg._umath_linalg's way: imported with numpy, read only when a routine runs."""
    _, more = archives
    fetched: list[str] = []

    def fetch(path: str) -> None:
        fetched.append(path)
        shutil.copyfile(more, path)

    install(["hxcold", "hxpkg.cold"], fetch, str(tmp_path / "fetched.zip"), deferred=["hxpkg.cold"])
    from hxpkg import cold  # type: ignore[import-not-found]

    assert isinstance(cold, StandIn) and fetched == [] and loaded(["hxpkg.cold"]) == []
    assert getattr(cold, "__file__", None) is None and fetched == []  # looking it over reads nothing
    assert cold.VALUE == "hot and cold" and cold.VALUE == "hot and cold"
    assert fetched == [str(tmp_path / "fetched.zip")] and loaded(["hxpkg.cold"]) == ["hxpkg.cold"]
    assert not isinstance(sys.modules["hxpkg"].cold, StandIn)  # the package holds the real module


def test_a_deferred_module_whose_download_fails_says_so_and_tries_again(
    archives: tuple[Path, Path], tmp_path: Path
) -> None:
    _, more = archives
    answers = iter([OSError("the server answered HTTP 503"), None])

    def fetch(path: str) -> None:
        if (error := next(answers)) is not None:
            raise error
        shutil.copyfile(more, path)

    install(["hxcold"], fetch, str(tmp_path / "fetched.zip"), deferred=["hxcold"])
    import hxcold  # type: ignore[import-not-found]

    with pytest.raises(ImportError, match=r"hxcold is part of Python's standard library .* HTTP 503"):
        _ = hxcold.VALUE
    assert isinstance(sys.modules["hxcold"], StandIn)
    assert hxcold.VALUE == 42  # the connection is back: the same stand-in reads the real module
