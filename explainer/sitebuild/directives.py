"""Find and parse the authoring syntax in a page's Markdown.

A block is a fenced code block whose info string is ``explainer``, with one
``key: value`` per line; the first key says what the block is::

    ```explainer
    widget: saturation_lab
    d_k: 64
    ```

An inline value is ``{{ EXPR }}`` or ``{{ EXPR | FMT }}`` anywhere in the
prose. Other fenced code blocks and inline code spans are left untouched, so a
page can show the syntax itself; ``\\{{`` writes a literal ``{{``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from explainer.sitebuild import SiteBuildError

__all__ = [
    "KINDS",
    "Directive",
    "iter_directives",
    "parse_block",
    "parse_scalar",
    "split_format",
    "transform",
]

KINDS = ("figure", "table", "widget", "cli")
"""The keys that start a block, in the order the Authoring page lists them."""

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
_KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$")
_INLINE = re.compile(
    r"(?P<code>(?P<ticks>`+)[^`].*?(?<!`)(?P=ticks)(?!`))|(?P<escaped>\\\{\{)|\{\{(?P<expr>.+?)\}\}", re.S
)
_FORMAT_SPEC = re.compile(r"^(?:.?[<>=^])?[+\- ]?z?#?0?\d*[_,]?(?:\.\d+)?[bcdeEfFgGnosxX%]?$")


@dataclass(frozen=True)
class Directive:
    """One parsed ```` ```explainer ```` block.

    Attributes:
        kind: ``"figure"``, ``"table"``, ``"widget"`` or ``"cli"``.
        name: the figure/table/widget name, or the CLI arguments.
        params: the remaining ``key: value`` lines, values parsed by
            :func:`parse_scalar`.
        line: 1-based line of the opening fence in the page, for messages.
    """

    kind: str
    name: str
    params: dict[str, object] = field(default_factory=dict)
    line: int = 0


def parse_scalar(text: str) -> object:
    """Turn a parameter's text into a bool, int, float or string.

    Example:
        >>> [parse_scalar(t) for t in ["64", "0.5", "true", "no", "'64'", "the cat"]]
        [64, 0.5, True, False, '64', 'the cat']
    """
    lowered = text.lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    for number in (int, float):
        try:
            return number(text)
        except ValueError:
            pass
    return text


def parse_block(body: str, line: int = 0) -> Directive:
    """Parse the lines between the fences of one ```` ```explainer ```` block.

    Args:
        body: the block's content, one ``key: value`` per line; blank lines
            and lines starting with ``#`` are ignored.
        line: where the block starts in its page (for error messages).

    Returns:
        The directive; its kind is the first key.

    Raises:
        SiteBuildError: on an empty block, a line that is not ``key: value``,
            a repeated key, or a first key that is not a known kind.

    Example:
        >>> parse_block("widget: saturation_lab\\nd_k: 64")
        Directive(kind='widget', name='saturation_lab', params={'d_k': 64}, line=0)
    """
    pairs = list(_key_values(body, line))
    if not pairs:
        raise SiteBuildError(f"line {line}: empty explainer block; start it with one of {', '.join(KINDS)}")
    kind, name = pairs[0]
    if kind not in KINDS:
        raise SiteBuildError(
            f"line {line}: explainer block starts with {kind!r}; expected one of {', '.join(KINDS)}"
        )
    if not name:
        raise SiteBuildError(f"line {line}: '{kind}:' needs a value, e.g. '{kind}: NAME'")
    params: dict[str, object] = {}
    for key, value in pairs[1:]:
        if key in params or key == kind:
            raise SiteBuildError(f"line {line}: key {key!r} appears twice in one explainer block")
        if key in KINDS:
            raise SiteBuildError(
                f"line {line}: one explainer block holds one {'/'.join(KINDS)}; found {kind!r} and {key!r}"
            )
        params[key] = parse_scalar(value)
    return Directive(kind=kind, name=name, params=params, line=line)


def _key_values(body: str, line: int) -> Iterator[tuple[str, str]]:
    """Yield ``(key, raw value)`` for each meaningful line of a block."""
    for offset, text in enumerate(body.splitlines(), start=1):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _KEY_VALUE.match(stripped)
        if match is None:
            raise SiteBuildError(
                f"line {line + offset}: expected 'key: value' in explainer block, got {stripped!r}"
            )
        yield match["key"], match["value"]


def split_format(inner: str) -> tuple[str, str | None]:
    """Split the inside of ``{{ ... }}`` into the expression and its format.

    The text after the last ``|`` is a format only if it is a valid Python
    format spec; otherwise the whole text is the expression.

    Example:
        >>> split_format(" dot_product_example().scores | .0f ")
        ('dot_product_example().scores', '.0f')
        >>> split_format(" flags | mask ")
        ('flags | mask', None)
    """
    expr, bar, fmt = inner.rpartition("|")
    if bar and expr.strip() and _FORMAT_SPEC.match(fmt.strip()):
        return expr.strip(), fmt.strip()
    return inner.strip(), None


BlockRenderer = Callable[[Directive], str]
ValueRenderer = Callable[[str, str | None], str]


def transform(markdown: str, render_block: BlockRenderer, render_value: ValueRenderer) -> str:
    """Replace every explainer block and inline value in a page's Markdown.

    Args:
        markdown: the page source.
        render_block: turns a directive into Markdown/HTML (indented by the
            caller's fence indentation here).
        render_value: turns ``(expr, fmt)`` into text.

    Returns:
        The page with blocks and values replaced; other code is untouched.

    Raises:
        SiteBuildError: on malformed syntax (an unclosed block included) or
            whatever the renderers raise.
    """
    out: list[str] = []
    for kind, text, line, indent in _segments(markdown):
        if kind == "prose":
            out.append(_replace_values(text, render_value))
        elif kind == "code":
            out.append(text)
        else:
            rendered = render_block(parse_block(text, line))
            out.append(_indent(rendered, indent))
    return "".join(out)


def iter_directives(markdown: str) -> Iterator[Directive]:
    """Every explainer block of a page, parsed, without rendering anything.

    Example:
        >>> page = "```explainer\\nfigure: a\\n```\\n```python\\nfigure: b\\n```\\n"
        >>> [d.name for d in iter_directives(page)]
        ['a']
    """
    for kind, text, line, _ in _segments(markdown):
        if kind == "block":
            yield parse_block(text, line)


def _segments(markdown: str) -> Iterator[tuple[str, str, int, str]]:
    """Split Markdown into prose, other code fences, and explainer block bodies.

    Yields ``(kind, text, line, indent)`` with kind ``prose``, ``code`` or
    ``block``; for a block, ``text`` is the dedented body.
    """
    lines = markdown.splitlines(keepends=True)
    prose: list[str] = []
    i = 0
    while i < len(lines):
        match = _FENCE_OPEN.match(lines[i].rstrip("\r\n"))
        if match is None:
            prose.append(lines[i])
            i += 1
            continue
        end = _closing_fence(lines, i, match["fence"])
        if prose:
            yield "prose", "".join(prose), 0, ""
            prose = []
        if match["info"] == "explainer":
            if end is None:
                raise SiteBuildError(
                    f"line {i + 1}: explainer block is never closed (missing {match['fence']})"
                )
            body = "".join(_dedent(raw, match["indent"]) for raw in lines[i + 1 : end])
            yield "block", body, i + 1, match["indent"]
            i = end + 1
        else:
            stop = len(lines) if end is None else end + 1
            yield "code", "".join(lines[i:stop]), i + 1, match["indent"]
            i = stop
    if prose:
        yield "prose", "".join(prose), 0, ""


def _closing_fence(lines: list[str], start: int, fence: str) -> int | None:
    """Index of the line closing the fence opened at ``start``, or None."""
    closing = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
    for j in range(start + 1, len(lines)):
        if closing.match(lines[j].rstrip("\r\n")):
            return j
    return None


def _dedent(line: str, indent: str) -> str:
    """Remove a block's fence indentation from one of its lines."""
    return line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t")


def _indent(text: str, indent: str) -> str:
    """Indent rendered output like the fence it replaces, ending with a newline."""
    body = "".join(indent + line if line.strip() else line for line in text.splitlines(keepends=True))
    return body if body.endswith("\n") else body + "\n"


def _replace_values(text: str, render_value: ValueRenderer) -> str:
    """Replace ``{{ ... }}`` in prose, skipping inline code spans."""

    def replace(match: re.Match[str]) -> str:
        if match["code"] is not None:
            return match["code"]
        if match["escaped"] is not None:
            return "{{"
        return render_value(*split_format(match["expr"]))

    return _INLINE.sub(replace, text)
