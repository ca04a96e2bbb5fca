"""The one HTML builder of the package: widgets, the site build and the browser entry point use it.

It imports nothing from the package. Code builds elements with :func:`h` (each element is serialised as it is
built, in one pass, which keeps a 16-token heatmap of 256 buttons fast) and
join them with :func:`render`. Every ``str`` child is text and every
attribute value is escaped, so whatever a reader typed is shown as text and
never interpreted as HTML. Tag and attribute names come from our own code;
they are still checked against a strict pattern; ``<style>`` and ``on*``
event attributes are refused outright, and ``<script>`` only loads a file
(``src``), it never holds code. The single way to insert markup that this
module did not build is :func:`trusted`, for the output of a renderer we run
ourselves (KaTeX at build time); reader text never goes through it.

Attribute values: ``True`` writes a bare attribute (``checked``), ``False``
and ``None`` leave it out, an ``int`` is written with ``str`` and a ``float``
with ``repr`` (full precision).

Example:
    >>> render(h("p", {"class": "note"}, "1 < 2 & ", h("b", None, "<script>")))
    '<p class="note">1 &lt; 2 &amp; <b>&lt;script&gt;</b></p>'
    >>> render(h("input", {"name": "scale", "checked": True, "value": 'a"b'}))
    '<input name="scale" checked value="a&quot;b">'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape

__all__ = ["AttrValue", "Child", "Element", "h", "render", "trusted"]

AttrValue = str | int | float | bool | None

_TAG = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")  # custom elements (x-math) have a hyphen
_ATTR = re.compile(r"[a-z][a-z0-9_:-]*\Z")
_FORBIDDEN_TAGS = frozenset({"style", "iframe", "object", "embed"})
# Attribute names the widgets use all the time: known good, so they skip the pattern check.
_COMMON_ATTRS = frozenset(
    {
        "class",
        "type",
        "name",
        "value",
        "style",
        "scope",
        "data-row",
        "data-col",
        "data-weight",
        "data-set",
        "aria-label",
        "aria-pressed",
        "aria-hidden",
        "title",
    }
)
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "col", "wbr", "source"})
# The HTML parser drops one newline right after these opening tags; we write one so content keeps its own.
_LEADING_NEWLINE = frozenset({"textarea", "pre"})


@dataclass(frozen=True, slots=True)
class Element:
    """A rendered element: HTML that :func:`h` built (and escaped) itself.

    Only :func:`h` makes these from text, so holding one means "this markup
    is ours"; a plain ``str`` is always reader text and always escaped.
    """

    html: str


Child = Element | str


@functools.cache
def _check_tag(tag: str) -> None:
    if not _TAG.match(tag) or tag in _FORBIDDEN_TAGS:
        raise ValueError(f"tag {tag!r} is not allowed")


@functools.cache
def _check_attr(name: str) -> None:
    if not _ATTR.match(name) or name.startswith("on"):
        raise ValueError(f"attribute {name!r} is not allowed")


def _escape_text(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _attr_text(value: str | int | float) -> str:
    if isinstance(value, str):
        if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
            return escape(value, quote=True)
        return value
    return repr(float(value)) if isinstance(value, float) else str(value)  # numbers need no escaping


def _append_children(children: Iterable[object], out: list[str]) -> None:
    """Append rendered children: elements as they are, text escaped, iterables expanded, ``None`` dropped."""
    for child in children:
        if child is None:
            continue
        if isinstance(child, Element):
            out.append(child.html)
        elif isinstance(child, str):
            out.append(_escape_text(child))
        elif isinstance(child, Iterable):
            _append_children(child, out)
        else:
            raise TypeError(f"HTML children must be Element or str, got {type(child).__name__}")


def _open_tag(tag: str, attrs: Mapping[str, AttrValue] | None, out: list[str]) -> None:
    out.append("<" + tag)
    if attrs:
        for name, value in attrs.items():
            if name not in _COMMON_ATTRS:
                _check_attr(name)
            if value is None or value is False:
                continue
            out.append(" " + name if value is True else " " + name + '="' + _attr_text(value) + '"')
    out.append(">")


def h(tag: str, attrs: Mapping[str, AttrValue] | None = None, *children: object) -> Element:
    """Build (and render) an element; children may be elements, text, ``None`` or iterables of those.

    Raises:
        ValueError: for a malformed or forbidden tag or attribute name, or children of a void element.
    """
    _check_tag(tag)
    if tag == "script" and (children or not attrs or not attrs.get("src")):
        raise ValueError("<script> may only load a file: give it a src and no children")
    out: list[str] = []
    _open_tag(tag, attrs, out)
    if tag in _VOID:
        if any(c is not None for c in children):
            raise ValueError(f"<{tag}> cannot have children")
        return Element(out[0] if len(out) == 1 else "".join(out))
    if tag in _LEADING_NEWLINE:
        out.append("\n")
    _append_children(children, out)
    out.append("</" + tag + ">")
    return Element("".join(out))


def trusted(markup: str) -> Element:
    """Markup from a renderer the build runs itself (KaTeX), inserted as it is.

    Never pass reader text or anything read from a request: that is what
    :func:`h` and plain ``str`` children are for.
    """
    return Element(markup)


def render(*nodes: object) -> str:
    """The HTML of ``nodes`` (elements as built, text escaped) as one string."""
    out: list[str] = []
    _append_children(nodes, out)
    return "".join(out)
