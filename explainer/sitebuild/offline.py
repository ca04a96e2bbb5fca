"""Keep the built site self-contained: find and remove requests to other hosts.

A plain hyperlink (``<a href="https://...">``) to a reference is fine; a
script, stylesheet, font, image or frame from another host is not. The build
checks every page with :func:`external_resources` and fails on a hit; the
site test does the same on the output.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["external_resources", "is_external", "strip_notebook_cdn"]

_RESOURCE_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}
_LINK_RELS_WITHOUT_REQUEST = {"canonical", "alternate", "prev", "next", "author", "license", "me", "search"}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])(?P<url>[^'")\s]+)""")
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//|^(?:https?|ftp|ws|wss):", re.I)


def is_external(url: str) -> bool:
    """True for a URL that points at another host (``http:``, ``https:``, ``//host``).

    Example:
        >>> urls = ["https://cdn.x/a.js", "//fonts.y/f.css", "../a.svg", "data:image/png;base64,AA"]
        >>> [is_external(u) for u in urls]
        [True, True, False, False]
    """
    return bool(_EXTERNAL.match(url.strip()))


class _ResourceFinder(HTMLParser):
    """Collects every external URL the page would fetch by itself."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        names = _RESOURCE_ATTRS.get(tag, ())
        if tag == "link" and not set(values.get("rel", "").lower().split()) <= _LINK_RELS_WITHOUT_REQUEST:
            names = ("href",)
        for name in names:
            for url in _urls(values.get(name, ""), srcset=name == "srcset"):
                if is_external(url):
                    self.found.append(f"<{tag} {name}={url}>")
        self._check_css(values.get("style", ""), f"<{tag} style>")
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._check_css(data, "<style>")

    def _check_css(self, css: str, where: str) -> None:
        for match in _CSS_URL.finditer(css):
            if is_external(match["url"]):
                self.found.append(f"{where} url={match['url']}")


def _urls(value: str, srcset: bool) -> list[str]:
    """The URL(s) in an attribute; a srcset holds several, each with a descriptor."""
    if not value:
        return []
    if not srcset:
        return [value]
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


_MAYBE_EXTERNAL = re.compile(
    r"""<(?:script|img|source|iframe|video|audio|embed|object|input|image|use|link)\b[^>]*?"""
    r"""(?:src|href|srcset|data|poster)\s*=\s*["']?[^"'>]*?//|url\(\s*['"]?\s*(?:[a-zA-Z][\w+.-]*:)?//|@import""",
    re.I,
)


def external_resources(html: str) -> list[str]:
    """Every script, stylesheet, font, image or frame the HTML loads from another host.

    Example:
        >>> external_resources('<a href="https://arxiv.org">paper</a><script src="https://cdn.x/m.js"></script>')
        ['<script src=https://cdn.x/m.js>']
    """
    if not _MAYBE_EXTERNAL.search(html):  # fast path: most pages have no candidate at all
        return []
    finder = _ResourceFinder()
    finder.feed(html)
    finder.close()
    return finder.found


_MATHJAX_CONFIG = re.compile(r'<script type="text/x-mathjax-config">.*?</script>', re.S)
_SCRIPT_WITH_SRC = re.compile(r'<script\b[^>]*\bsrc="(?P<src>[^"]*)"[^>]*>\s*</script>', re.S)
# nbconvert's Mermaid loader: an inline module that imports mermaid from a CDN when a diagram exists.
_REMOTE_IMPORT = re.compile(r'<script type="module">(?:(?!</script>).)*?import\("https?://.*?</script>', re.S)


def strip_notebook_cdn(html: str) -> str:
    """Remove what nbconvert adds for MathJax/RequireJS from a CDN (or from nowhere).

    The site renders the notebook's ``$...$`` math with its own KaTeX, so the
    MathJax loader, its configuration and any script with an empty or
    external ``src`` go, and so does an inline module that imports code from
    another host (nbconvert's Mermaid loader; the notebooks have no diagrams).

    Example:
        >>> strip_notebook_cdn('<script src="https://cdn/mathjax.js"> </script><p>$x$</p>')
        '<p>$x$</p>'
        >>> strip_notebook_cdn('<script type="module">await import("https://cdn/m.mjs")</script><p>x</p>')
        '<p>x</p>'
    """
    html = _REMOTE_IMPORT.sub("", _MATHJAX_CONFIG.sub("", html))

    def drop_external(match: re.Match[str]) -> str:
        src = match["src"].strip()
        return "" if not src or is_external(src) else match[0]

    return _SCRIPT_WITH_SRC.sub(drop_external, html)
