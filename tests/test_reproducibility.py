"""Two clean builds of the site produce the same files, byte for byte, with named exceptions.

Each build ran ``mkdocs build --strict`` in a fresh process into an empty
directory: the first (``fresh_site`` in conftest.py) with the figure cache off,
every figure drawn afresh; the second (``second_site``) is the build ``make
test`` made just before, with the figure cache, or one built here. So the
comparison also shows that a figure drawn afresh is byte-identical to the cached one.

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
import re
from pathlib import Path

import pytest

LASTMOD = re.compile(rb"<lastmod>\d{4}-\d{2}-\d{2}</lastmod>")

pytestmark = pytest.mark.site


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
def two_builds(fresh_site: Path, second_site: Path) -> tuple[Path, Path]:
    return fresh_site, second_site


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
