"""Tests for explainer.sitebuild.katex: formulas rendered by KaTeX (in Node) while the site builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from explainer.sitebuild import SiteBuildError
from explainer.sitebuild.katex import MathRenderer, render_nav_math, render_page_math

KATEX = Path(__file__).resolve().parents[1] / "node_modules" / "katex" / "dist"
needs_katex = pytest.mark.skipif(
    not (KATEX / "katex.js").is_file() or shutil.which("node") is None, reason="needs node and `npm ci`"
)
NOTEBOOK_CELL = (
    '<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput " '
    'data-mime-type="text/markdown">'
    "{}</div>"
)


class Recorder(MathRenderer):
    """Answers without Node, and records what it was asked."""

    def __init__(self) -> None:
        super().__init__(Path("."))
        self.asked: list[tuple[str, bool]] = []

    def _ask(self, tex: str, display: bool) -> str:
        self.asked.append((tex, display))
        return f"[{tex}]"

    def render(self, tex: str, display: bool) -> str:
        return super().render(tex, display).removeprefix("<x-math data-search-exclude>").split("</x-math>")[0]


def test_arithmatex_inline_and_display_are_replaced_with_unescaped_tex() -> None:
    r = Recorder()
    out = render_page_math(
        '<p><span class="arithmatex">\\(a &lt; b\\)</span></p>'
        '<div class="arithmatex">\\[\n\\sum_i x_i\n\\]</div>',
        r,
    )
    assert out == '<p><span class="arithmatex">[a < b]</span></p><div class="arithmatex">[\\sum_i x_i]</div>'
    assert r.asked == [("a < b", False), ("\\sum_i x_i", True)]


def test_notebook_dollars_are_rendered_but_code_and_other_html_are_not() -> None:
    r = Recorder()
    cell = NOTEBOOK_CELL.format("<p>$q$ costs $$ \\sqrt{d} $$ but <code>echo $HOME $PATH</code> stays</p>")
    outside = "<pre>price: $5 and $6</pre>"
    out = render_page_math(cell + outside, r)
    assert r.asked == [("q", False), ("\\sqrt{d}", True)]
    assert "<code>echo $HOME $PATH</code>" in out and out.endswith(outside)


def test_each_formula_is_asked_once_and_searchable_by_its_tex() -> None:
    r = Recorder()
    render_page_math('<span class="arithmatex">\\(x\\)</span>' * 5, r)
    assert r.asked == [("x", False)]
    assert MathRenderer.render(r, "a < b", False) == (
        "<x-math data-search-exclude>[a < b]</x-math><x-tex hidden>a &lt; b</x-tex>"
    )


def test_without_katex_the_build_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(SiteBuildError, match="npm ci"):
        MathRenderer(tmp_path).render("x", False)


@needs_katex
def test_without_node_the_build_says_so() -> None:
    with pytest.raises(SiteBuildError, match=r"Node\.js"):
        MathRenderer(KATEX, node="no-such-node-binary").render("x", False)


@needs_katex
def test_katex_renders_html_with_mathml_and_marks_mistakes_in_red() -> None:
    r = MathRenderer(KATEX)
    try:
        inline = r.render("\\frac{QK^\\top}{\\sqrt{d_k}}", False)
        display = r.render("e^x", True)
        broken = r.render("\\frac{1}{", False)
    finally:
        r.close()
    assert inline.startswith('<x-math data-search-exclude><span class="katex">') and "<math" in inline
    assert "katex-html" in inline
    # Search indexes the TeX only, from a hidden element after the formula.
    assert inline.endswith("</x-math><x-tex hidden>\\frac{QK^\\top}{\\sqrt{d_k}}</x-tex>")
    assert 'class="katex-display"' in display
    assert "katex-error" in broken  # the page shows the TeX; the site test asserts none is left
    r.close()  # closing twice is harmless; rendering again restarts Node
    assert '<span class="katex">' in r.render("x", False)
    r.close()


def test_math_in_navigation_labels_is_rendered_and_other_labels_are_kept() -> None:
    r = Recorder()
    page = (
        '<span class="md-ellipsis">\n  A worked example: \\(d_k = 100\\)\n</span>'
        '<span class="md-ellipsis">3. Why divide by $\\sqrt{d_k}$</span>'
        '<span class="md-ellipsis">Costs $5</span><p>\\(not a label\\)</p>'
    )
    out = render_nav_math(page, r)
    assert r.asked == [("d_k = 100", False), ("\\sqrt{d_k}", False)]
    assert "Costs $5" in out and "<p>\\(not a label\\)</p>" in out
