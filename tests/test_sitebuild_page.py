"""Tests for explainer.sitebuild.page: one place assembles a page."""

from __future__ import annotations

from explainer.sitebuild.page import PageAssembly, head_tags


def test_placeholders_survive_paragraphs_and_bare_text() -> None:
    page = PageAssembly(to_root="")
    first = page.block("<figure>a\\b</figure>", searchable=True).strip()
    second = page.block("<div>b</div>", searchable=True).strip()
    html = page.fill_content(f"<p>{first}</p>\n<li>{second}</li>")
    assert html == "<figure>a\\b</figure>\n<li><div>b</div></li>"


def test_widgets_stay_out_of_the_content_pass_and_fill_the_output_pass() -> None:
    page = PageAssembly(to_root="../")
    token = page.block("<div data-widget>w</div>", searchable=False, assets=["x.css", "y.js"]).strip()
    page.block("<div data-widget>v</div>", searchable=False, assets=["x.css"])
    content = page.fill_content(f"<p>{token}</p>")
    assert "data-widget" not in content and "data-search-exclude" in content
    output = page.fill_output("<html><head><title>t</title></head><body>" + content + "</body></html>")
    assert "<div data-widget>w</div>" in output and "EXPLAINERBLOCK" not in output
    assert output.count("x.css") == 1  # asked for twice, linked once
    assert '<link rel="stylesheet" href="../x.css"><script src="../y.js" defer></script></head>' in output


def test_a_page_without_assets_keeps_its_head() -> None:
    page = PageAssembly(to_root="")
    page.block("<figure></figure>", searchable=True)
    assert page.fill_output("<head></head>") == "<head></head>"


def test_head_tags_escape_their_urls() -> None:
    assert head_tags(['a".css'], "") == '<link rel="stylesheet" href="a&quot;.css">'
