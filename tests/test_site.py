"""The built site: strict build, every page, its figures and numbers, offline, notebooks, reproducibility.

The site is built once per session with ``mkdocs build --strict`` and the
figure cache disabled (every figure drawn afresh: ``fresh_site`` in conftest.py);
its figures are compared byte for byte with a second build (``second_site``: the
one ``make test`` made, or one built here). Marked ``site``; ``make test-fast``
skips it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from explainer.sitebuild.directives import iter_directives, split_format
from explainer.sitebuild.offline import external_resources, is_external
from explainer.sitebuild.values import ValueEvaluator, public_namespace

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ("notebooks/attention-from-scratch.ipynb", "notebooks/glove-playground.ipynb")
_CODE = re.compile(r"(`+)[^`].*?(?<!`)\1(?!`)|^( *)(`{3,}|~{3,}).*?^\2\3", re.S | re.M)
_TAG = re.compile(r"<[^>]+>")
_VALUE = re.compile(r"(?<!\\)\{\{(.+?)\}\}", re.S)


@pytest.fixture(scope="session")
def site(fresh_site: Path) -> Path:
    return fresh_site


def nav_pages() -> list[str]:
    """Every page of the nav in mkdocs.yml, as source paths under docs/."""
    import yaml

    class Loader(yaml.SafeLoader):
        """Reads mkdocs.yml's structure; the !ENV tag is irrelevant to the nav."""

    Loader.add_constructor("!ENV", lambda loader, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)

    def walk(items: list[object]) -> Iterator[str]:
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            if isinstance(value, list):
                yield from walk(value)
            elif isinstance(value, str) and not is_external(value):
                yield value

    return list(walk(config.get("nav") or []))


def output_of(site: Path, page: str) -> Path:
    """The HTML file MkDocs writes for a page (directory URLs)."""
    stem = page.rsplit(".", 1)[0]
    return site / "index.html" if stem == "index" else site / stem / "index.html"


def article(page_html: str) -> str:
    """The page's main content (what the author wrote), without theme chrome."""
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', page_html, re.S)
    assert match, "no article element"
    return match[1]


def test_every_nav_page_is_built(site: Path) -> None:
    pages = nav_pages()
    assert len(pages) >= 23  # the Pages table of ARCHITECTURE.md
    missing = [p for p in pages if not (ROOT / "docs" / p).is_file() or not output_of(site, p).is_file()]
    assert not missing


MARKDOWN_PAGES = [p for p in nav_pages() if p.endswith(".md")]


@pytest.mark.parametrize("page", MARKDOWN_PAGES)
def test_page_shows_its_generated_figures(site: Path, page: str) -> None:
    source = (ROOT / "docs" / page).read_text(encoding="utf-8")
    page_html = output_of(site, page).read_text(encoding="utf-8")
    for directive in iter_directives(source):
        if directive.kind != "figure":
            continue
        for theme in ("light", "dark"):
            match = re.search(
                rf'<img src="([^"]*figures/{directive.name}-{theme}\.svg)#only-{theme}" alt="([^"]+)"',
                page_html,
            )
            assert match, f"{page}: no {theme} <img> for figure {directive.name}"
            svg = (output_of(site, page).parent / match[1]).resolve()
            data = svg.read_bytes()
            assert data.lstrip().startswith(b"<?xml") and b"<svg" in data and len(data) > 1000, svg


@pytest.mark.parametrize("page", MARKDOWN_PAGES)
def test_page_shows_its_computed_numbers(site: Path, page: str) -> None:
    """Each inline {{ value }} of the page appears, as the package computes it now."""
    import markdown

    from explainer import examples

    prose = _CODE.sub("", (ROOT / "docs" / page).read_text(encoding="utf-8"))
    body_html = article(output_of(site, page).read_text(encoding="utf-8"))
    body = html.unescape(_TAG.sub("", body_html))
    values = ValueEvaluator(public_namespace(examples))
    for inner in _VALUE.findall(prose):
        expected = values.render(*split_format(inner))
        as_text = html.unescape(_TAG.sub("", markdown.markdown(expected))).strip()  # values may be Markdown
        # Inside math the value stays raw; in prose Markdown renders it.
        assert expected in body or as_text in body, f"{page}: {{{{{inner}}}}} should show {expected!r}"
    assert "EXPLAINERSTASH" not in body_html and "EXPLAINERWIDGET" not in body_html


def test_home_and_chapters_show_chapter_two_numbers(site: Path) -> None:
    body = article(output_of(site, "dot-product.md").read_text(encoding="utf-8"))
    assert all(score in body for score in ("61", "26")), "the dot-product page lacks its scores"


def test_no_resource_is_loaded_from_another_host(site: Path) -> None:
    offenders = {}
    for page in site.rglob("*.html"):
        found = external_resources(page.read_text(encoding="utf-8"))
        if found:
            offenders[str(page.relative_to(site))] = found
    css_url = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])((?:https?:)?//[^'")\s]+)""")
    for sheet in site.rglob("*.css"):
        found = css_url.findall(sheet.read_text(encoding="utf-8", errors="replace"))
        if found:
            offenders[str(sheet.relative_to(site))] = found
    assert not offenders


def test_search_finds_a_formula_by_its_tex_once(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = [doc["title"] for doc in index["docs"]]
    assert "A worked example: d_k = 100" in titles  # not "dk=100d_k = 100dk=100"
    assert not [t for t in titles if "\\(" in t or "\u200b" in t]


def test_math_is_rendered_at_build_time_with_self_hosted_css_and_fonts(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "assets/katex/katex.min.css" in index and "katex.min.js" not in index
    assert list((site / "assets" / "katex" / "fonts").glob("KaTeX_Main-Regular.woff2"))
    for page in [
        "softmax/index.html",
        "scaling/index.html",
        *(f"{n.removesuffix('.ipynb')}/index.html" for n in NOTEBOOKS),
    ]:
        html = (site / page).read_text(encoding="utf-8")
        assert html.count('<span class="katex">') >= 5, page
        assert "katex-error" not in html, page  # KaTeX shows TeX it cannot parse in red: none may be left
        assert not re.search(r'class="arithmatex">\s*\\[(\[]', html), page  # no raw TeX left
        labels = re.findall(r'<span class="md-ellipsis">(.*?)</span>', html, re.S)  # navigation, contents
        assert not [x for x in labels if "\\(" in x or re.search(r"\$[^$]+\$", x)], page


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_was_executed_and_is_downloadable(site: Path, notebook: str) -> None:
    page_html = output_of(site, notebook).read_text(encoding="utf-8")
    name = Path(notebook).name
    assert page_html.count("jp-OutputArea-output") >= 5, "notebook outputs missing: was it executed?"
    assert "Traceback" not in page_html and "jp-RenderedText" in page_html
    assert f'href="{name}" download="{name}"' in page_html
    downloaded = output_of(site, notebook).parent / name
    assert downloaded.read_bytes() == (ROOT / "docs" / notebook).read_bytes()
    assert "x-mathjax-config" not in page_html and "$" in page_html  # math left for the site's KaTeX


def test_api_reference_documents_the_core(site: Path) -> None:
    body = article(output_of(site, "api.md").read_text(encoding="utf-8"))
    for name in (
        "explainer.attention.scaled_dot_product_attention",
        "explainer.embeddings",
        "explainer.figures.registry",
    ):
        assert name in body


def test_two_clean_builds_give_identical_figures(site: Path, second_site: Path) -> None:
    first_files = sorted(p.relative_to(site) for p in (site / "figures").glob("*.svg"))
    second_files = sorted(p.relative_to(second_site) for p in (second_site / "figures").glob("*.svg"))
    assert first_files and first_files == second_files
    differing = [str(p) for p in first_files if (site / p).read_bytes() != (second_site / p).read_bytes()]
    assert not differing
