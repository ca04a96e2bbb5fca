"""Math rendered while the site builds: KaTeX's HTML in the page, no math JavaScript at all.

pymdownx.arithmatex (generic mode) leaves Markdown math as ``\\(...\\)`` and
``\\[...\\]`` inside ``.arithmatex`` elements; mkdocs-jupyter leaves notebook
math as ``$...$`` and ``$$...$$`` in the rendered Markdown cells. Both are
replaced here by KaTeX's HTML (with its MathML for screen readers), made by the
site's own KaTeX in one Node process per build (``katex_render.js``, beside this module).
The reader's browser only needs ``katex.min.css`` and the fonts: a page reads
the same with JavaScript off, and loads 270 KiB less script.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from importlib import resources
from pathlib import Path

from explainer.html import h, render, trusted
from explainer.sitebuild import SiteBuildError

__all__ = ["MathRenderer", "render_nav_math", "render_page_math"]

ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">\s*\\([(\[])(.*?)\\[)\]]\s*</\1>', re.S)
NOTEBOOK_MARKDOWN = re.compile(
    r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)', re.S
)
# Code (kept as it is) or display $$...$$ or inline $...$, whichever comes first.
CODE_OR_DOLLARS = re.compile(
    r"(?P<code><(code|pre)\b.*?</\2>)|\$\$(?P<display>.+?)\$\$|\$(?P<inline>[^$\n]+?)\$", re.S
)
NAV_LABEL = re.compile(r'(<span class="md-ellipsis">)(.*?)(</span>)', re.S)
INLINE_TEX = re.compile(r"\\\((.+?)\\\)|\$([^$\n]+?)\$")


class MathRenderer:
    """TeX -> KaTeX HTML through one long-lived ``node`` process, with a memo.

    Args:
        katex_dist: KaTeX's ``dist`` folder (holding ``katex.js``), from npm.
        node: the Node.js executable.
    """

    def __init__(self, katex_dist: Path, node: str = "node") -> None:
        self._katex = (katex_dist / "katex.js").resolve()
        self._node = node
        self._process: subprocess.Popen[str] | None = None
        self._memo: dict[tuple[str, bool], str] = {}

    def render(self, tex: str, display: bool) -> str:
        """KaTeX's HTML for ``tex`` (a TeX error shows as red source, as KaTeX does).

        The site's search indexes a formula by its TeX source alone: KaTeX's
        output sits in ``<x-math data-search-exclude>`` (Material's search skips
        it; a tag of its own, because the search parser ends an exclusion at
        the first nested closing tag of the same name), followed by the TeX in
        a ``hidden`` element, which is neither drawn nor read aloud. A heading
        like "Saturation as \\(d_k\\) grows" is found as "Saturation as d_k grows".
        """
        key = (tex, display)
        if key not in self._memo:
            self._memo[key] = _searchable(tex, self._ask(tex, display))
        return self._memo[key]

    def _ask(self, tex: str, display: bool) -> str:
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps([tex, display]) + "\n")
        process.stdin.flush()
        line = process.stdout.readline()
        if not line:
            raise SiteBuildError(f"KaTeX (node) stopped while rendering {tex[:60]!r}")
        return str(json.loads(line))

    def _start(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            if not self._katex.is_file():
                raise SiteBuildError(f"KaTeX not found at {self._katex}; run `npm ci` (or `make setup`)")
            script = resources.files("explainer.sitebuild") / "katex_render.js"
            try:
                self._process = subprocess.Popen(
                    [self._node, str(script), str(self._katex)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                    encoding="utf-8",
                )
            except FileNotFoundError as error:
                raise SiteBuildError(f"math needs Node.js ({self._node!r} not found)") from error
        return self._process

    def close(self) -> None:
        """End the Node process (the memo stays for the next build)."""
        if self._process is not None:
            with self._process as process:  # closes the pipes and waits for Node to exit
                assert process.stdin is not None
                process.stdin.close()
            self._process = None


def _searchable(tex: str, katex_html: str) -> str:
    """KaTeX's HTML kept out of the search index, with the TeX (hidden) for the index instead."""
    return render(
        h("x-math", {"data-search-exclude": True}, trusted(katex_html)), h("x-tex", {"hidden": True}, tex)
    )


def _render_dollars(cell: str, renderer: MathRenderer) -> str:
    """``$...$`` and ``$$...$$`` in a notebook Markdown cell, leaving code alone."""

    def replace(m: re.Match[str]) -> str:
        if m["code"]:
            return m["code"]
        display = m["display"] is not None
        return renderer.render(html.unescape(m["display"] if display else m["inline"]).strip(), display)

    return CODE_OR_DOLLARS.sub(replace, cell)


def render_page_math(page_html: str, renderer: MathRenderer) -> str:
    """``page_html`` with every formula (arithmatex and notebook Markdown) as KaTeX HTML.

    Example:
        >>> class Fake(MathRenderer):
        ...     def render(self, tex: str, display: bool) -> str:
        ...         return f"[{'D' if display else 'I'}:{tex}]"
        >>> render_page_math('<p>so <span class="arithmatex">\\\\(a &lt; b\\\\)</span></p>', Fake(Path(".")))
        '<p>so <span class="arithmatex">[I:a < b]</span></p>'
    """

    def arithmatex(m: re.Match[str]) -> str:
        tag, opening, tex = m.group(1), m.group(2), m.group(3)
        rendered = renderer.render(html.unescape(tex).strip(), opening == "[")
        return h(tag, {"class": "arithmatex"}, trusted(rendered)).html

    page_html = ARITHMATEX.sub(arithmatex, page_html)
    return NOTEBOOK_MARKDOWN.sub(
        lambda m: m.group(1) + _render_dollars(m.group(2), renderer) + m.group(3), page_html
    )


def render_nav_math(page_html: str, renderer: MathRenderer) -> str:
    """Math in the navigation and table of contents (a heading's TeX arrives there as text).

    Example:
        >>> class Fake(MathRenderer):
        ...     def render(self, tex: str, display: bool) -> str:
        ...         return f"[{tex}]"
        >>> render_nav_math('<span class="md-ellipsis">Take \\\\(d_k = 100\\\\)</span>', Fake(Path(".")))
        '<span class="md-ellipsis">Take [d_k = 100]</span>'
    """

    def label(m: re.Match[str]) -> str:
        inner = INLINE_TEX.sub(
            lambda t: renderer.render(html.unescape(t.group(1) or t.group(2)).strip(), False), m.group(2)
        )
        return m.group(1) + inner + m.group(3)

    return NAV_LABEL.sub(label, page_html)
