"""Two clean builds of the site produce the same files, byte for byte, with named exceptions.

Each build runs ``mkdocs build --strict`` in a fresh process into an empty
directory. The figure cache (``.cache/figures``) is shared, as in any second
build; ``tests/test_site.py`` and ``tests/test_figures.py`` already check that
a drawn figure is byte-identical to a cached one, so this test does not redraw.

Measured: two such builds are byte-identical, including the explainer wheel
the build makes for Pyodide (``explainer.pyodide_dist`` builds it
reproducibly). The one thing unique per build is its date: each ``<lastmod>``
in ``sitemap.xml`` is the build day, and ``sitemap.xml.gz`` stores that day's
midnight as its gzip time (MkDocs' ``get_build_timestamp``), so builds on
either side of midnight differ there. The comparison masks those dates and
nothing else; setting ``SOURCE_DATE_EPOCH`` fixes them too.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).with_name("mkdocs")
LASTMOD = re.compile(rb"<lastmod>\d{4}-\d{2}-\d{2}</lastmod>")

pytestmark = pytest.mark.site


def build(dest: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [str(MKDOCS), "build", "--strict", "-q", "-d", str(dest)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def normalised(path: Path) -> bytes:
    """The bytes to compare: decompressed for gzip, build dates masked in sitemaps."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    if path.name.startswith("sitemap.xml"):
        data = LASTMOD.sub(b"<lastmod>DATE</lastmod>", data)
    return data


def digests(site: Path) -> dict[str, str]:
    """Relative path -> sha256 of the normalised bytes, for every file of a built site."""
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(normalised(p)).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if not MKDOCS.is_file():
        pytest.skip("mkdocs is not installed in this environment")
    first, second = tmp_path_factory.mktemp("build-a"), tmp_path_factory.mktemp("build-b")
    build(first)
    build(second)
    return first, second


def test_two_clean_builds_are_identical(two_builds: tuple[Path, Path]) -> None:
    first, second = (digests(site) for site in two_builds)
    assert first.keys() == second.keys(), sorted(set(first) ^ set(second))[:20]
    differing = sorted(name for name in first if first[name] != second[name])
    assert differing == [], differing[:20]


def test_only_the_named_files_differ_as_raw_bytes(two_builds: tuple[Path, Path]) -> None:
    """Without normalisation, only the sitemaps may differ (when the builds straddle midnight)."""
    a, b = two_builds
    raw = sorted(
        p.relative_to(a).as_posix()
        for p in a.rglob("*")
        if p.is_file() and p.read_bytes() != (b / p.relative_to(a)).read_bytes()
    )
    assert set(raw) <= {"sitemap.xml.gz", "sitemap.xml"}, raw[:20]
