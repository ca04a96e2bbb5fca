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
ourselves (KaTeX at build time); reader text never goes through it. For the
one place where an element per call is too slow (a heatmap's cells, hundreds
per keystroke in the browser) a :class:`Template` writes the same markup from a
pattern our code wrote, checked once, with every value escaped.

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

__all__ = ["AttrValue", "Child", "Element", "Template", "escape_value", "h", "render", "trusted"]

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


_TEMPLATE_TAG = re.compile(r"</?([^\s>/]+)")
_TEMPLATE_ATTR = re.compile(r"\s([^\s=>\"]+)=\"")
_TEMPLATE_HOLE = re.compile(r"\{\w+(?::\.\d[fg])?\}")  # a name, or a name and a number format


class Template:
    """Markup with ``{name}`` holes, written by our code and filled by :meth:`fill` or :meth:`join`.

    :meth:`fill` escapes every value as :func:`h` escapes an attribute value
    (``str``) or writes it as a number (``int``, ``float`` with ``repr``; a hole
    ``{name:.3f}`` formats it so); an :class:`Element` goes in as it is. Tags and
    attribute names are checked once, here, against the same rules as :func:`h`;
    a hole may only be inside a double-quoted attribute value or in the text
    between tags. One fill is a single string format, several times faster than
    building the same elements with :func:`h`. :meth:`join` is the hot-loop form
    (a heatmap's cells): it writes many rows and leaves escaping to the caller,
    who escapes each reader string once with :func:`escape_value`.

    Example:
        >>> cell = Template('<td class="c" title="{tip}">{text}</td>')
        >>> cell.fill(tip='a"b', text="<1>").html
        '<td class="c" title="a&quot;b">&lt;1&gt;</td>'

    Raises:
        ValueError: for a forbidden tag or attribute name, or a hole elsewhere.
    """

    __slots__ = ("_markup",)

    def __init__(self, markup: str) -> None:
        for tag in _TEMPLATE_TAG.findall(markup):
            _check_tag(tag)
            if tag == "script":
                raise ValueError("a template may not hold a <script>")
        for name in _TEMPLATE_ATTR.findall(markup):
            _check_attr(name)
        for hole in re.finditer(r"\{[^}]*\}", markup):
            before = markup[: hole.start()]
            tag_open = before.rfind("<") > before.rfind(">")
            quoted = before[before.rfind("<") :].count('"') % 2 == 1
            if not _TEMPLATE_HOLE.fullmatch(hole.group()) or (tag_open and not quoted):
                raise ValueError(f"template hole {hole.group()!r} must be in an attribute value or text")
        self._markup = markup

    def fill(self, **values: str | int | float | Element) -> Element:
        """The markup with each hole replaced by its value, escaped."""
        for name, value in values.items():
            kind = type(value)
            if kind is str:
                values[name] = _attr_text(value)  # type: ignore[arg-type]
            elif kind is int or kind is float:  # format() writes these as str() and repr() do
                continue
            elif isinstance(value, Element):
                values[name] = value.html
            elif isinstance(value, int | float) and not isinstance(value, bool):  # numpy scalars
                values[name] = _attr_text(value)
            else:
                raise TypeError(f"a template value must be str, int, float or Element, not {kind.__name__}")
        return Element(self._markup.format_map(values))

    def join(self, rows: Iterable[Mapping[str, object]]) -> Element:
        """The markup once per row, joined: values are ``str`` (escaped already), ``int`` or ``float``.

        Escape reader text with :func:`escape_value` (once per string, outside the loop); text our
        code wrote without ``&<>"'`` needs nothing, and numbers never do.

        Example:
            >>> Template('<td data-w="{w}">{t:.2f}</td>').join([{"w": 0.5, "t": 0.5}, {"w": 1, "t": 1}]).html
            '<td data-w="0.5">0.50</td><td data-w="1">1.00</td>'
        """
        markup = self._markup
        return Element("".join([markup.format_map(row) for row in rows]))


def escape_value(text: str) -> str:
    """``text`` escaped for an attribute value or element text (``&<>"'``), as :meth:`Template.fill` does.

    Example:
        >>> escape_value('a "b" & <c>')
        'a &quot;b&quot; &amp; &lt;c&gt;'
    """
    return _attr_text(text)


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
