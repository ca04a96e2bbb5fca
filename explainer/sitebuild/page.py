"""One place assembles a page: the blocks the plugin renders and the assets they need.

While Markdown runs, every block (a figure, a widget) is a placeholder
paragraph, because raw HTML inside an admonition or a tab would be wrapped in
``<p>`` or mangled; a placeholder survives anywhere. Then, in two passes over
the same placeholders:

1. :meth:`PageAssembly.fill_content` (MkDocs' ``on_page_content``) puts the
   searchable blocks (figures with their captions) in place, and a slot that
   the search index skips for the others (widgets: controls, not prose, and up
   to megabytes of numbers);
2. :meth:`PageAssembly.fill_output` (``on_post_page``) fills those slots and
   links the stylesheets and scripts the blocks asked for in ``<head>``.

A page whose blocks need no asset gets nothing added.

Example:
    >>> page = PageAssembly(to_root="../")
    >>> md = page.block("<figure>f</figure>", searchable=True)
    >>> md += page.block("<div>w</div>", searchable=False, assets=["assets/widgets/loader.js"])
    >>> html = page.fill_content("<p>" + md.split()[0] + "</p>\\n<p>" + md.split()[1] + "</p>")
    >>> html
    '<figure>f</figure>\\n<div class="explainer-widget-slot" data-search-exclude>EXPLAINERBLOCK0001X</div>'
    >>> page.fill_output("<head></head>" + html)
    '<head><script src="../assets/widgets/loader.js" defer></script></head><figure>f</figure>\\n<div>w</div>'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from explainer.html import h, render

__all__ = ["PageAssembly", "head_tags"]

_TOKEN = "EXPLAINERBLOCK{:04d}X"


@dataclass
class PageAssembly:
    """The blocks of one page, by placeholder token.

    Attributes:
        to_root: the relative URL from the page to the site root (``""`` or ``"../"``...).
        blocks: token -> (HTML, searchable).
        assets: what the blocks need in ``<head>``, from the site root, in first-needed order.
    """

    to_root: str
    blocks: dict[str, tuple[str, bool]] = field(default_factory=dict)
    assets: list[str] = field(default_factory=list)

    def block(self, html: str, *, searchable: bool, assets: Sequence[str] = ()) -> str:
        """The Markdown placeholder for ``html``; it becomes ``html`` when the page is filled.

        Args:
            html: the block's markup.
            searchable: fill it before the search index reads the page (figures), or after (widgets).
            assets: stylesheets (``.css``) and scripts (``.js``) the block needs, from the site root.
        """
        token = _TOKEN.format(len(self.blocks))
        self.blocks[token] = (html.strip(), searchable)
        self.assets += [a for a in assets if a not in self.assets]
        return f"\n{token}\n\n"

    def fill_content(self, html: str) -> str:
        """Searchable blocks in place; the others as slots the search index skips."""
        for token, (markup, searchable) in self.blocks.items():
            text = markup if searchable else _slot(token)
            # A replacement function, not a string: the HTML may contain backslashes.
            html = re.sub(rf"<p>\s*{token}\s*</p>|{token}", _constant(text), html)
        return html

    def fill_output(self, output: str) -> str:
        """The slots filled, and the blocks' assets linked before ``</head>``."""
        for token, (markup, searchable) in self.blocks.items():
            if not searchable:
                output = output.replace(_slot(token), markup, 1)
        if self.assets:
            output = output.replace("</head>", head_tags(self.assets, self.to_root) + "</head>", 1)
        return output


def head_tags(paths: Sequence[str], to_root: str) -> str:
    """``<link>`` for each ``.css`` and a deferred ``<script>`` for each ``.js`` path, in order.

    Example:
        >>> head_tags(["a.css", "b.js"], "../")
        '<link rel="stylesheet" href="../a.css"><script src="../b.js" defer></script>'
    """
    tags = [
        h("link", {"rel": "stylesheet", "href": to_root + path})
        if path.endswith(".css")
        else h("script", {"src": to_root + path, "defer": True})
        for path in paths
    ]
    return render(tags)


def _slot(token: str) -> str:
    """The placeholder a search-excluded block occupies until the output pass."""
    return render(h("div", {"class": "explainer-widget-slot", "data-search-exclude": True}, token))


def _constant(text: str) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` replacement that inserts ``text`` literally."""
    return lambda _match: text
