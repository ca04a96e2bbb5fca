"""What a block becomes on the page: figure HTML, console blocks, a notebook page's download link.

A figure keeps its text readable on a phone: the build reads the smallest font
size in each SVG (:func:`smallest_text_px`), and :func:`figure_html` gives the
picture a minimum width on narrow screens at which that text is
:data:`READABLE_TEXT_PX` CSS pixels, inside a frame that scrolls sideways, with
a link that opens the SVG full size (the CSS is in ``docs/stylesheets/explainer.css``).
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from explainer.html import h
from explainer.sitebuild import SiteBuildError
from explainer.sitebuild.offline import strip_notebook_cdn

__all__ = [
    "READABLE_TEXT_PX",
    "FigureMetrics",
    "console_block",
    "figure_html",
    "figure_metrics",
    "notebook_content",
    "readable_width",
    "run_cli",
    "smallest_text_px",
    "svg_size",
]

READABLE_TEXT_PX = 9.0
"""The smallest font size, in CSS pixels, a figure's text may be shown at on a phone."""

_SVG_SIZE = re.compile(rb'<svg[^>]*?\swidth="(?P<w>[\d.]+)pt"[^>]*?\sheight="(?P<h>[\d.]+)pt"', re.S)
_SVG = "{http://www.w3.org/2000/svg}"
# matplotlib draws a text as one group scaled by size / FONT_SCALE, y flipped: "... scale(0.09 -0.09)";
# a mathtext glyph inside it may be scaled again (a subscript: "translate(...) scale(0.7)").
_TEXT_GROUP = re.compile(r"\bscale\((?P<s>[0-9.e+-]+) -(?P=s)\)\s*$")
_GLYPH_SCALE = re.compile(r"\bscale\((?P<s>[0-9.e+-]+)\)")


def svg_size(svg: bytes) -> tuple[int, int] | None:
    """The CSS pixel size of a matplotlib SVG (its ``pt`` size × 4/3), if stated.

    Example:
        >>> svg_size(b'<svg xmlns="x" width="460.8pt" height="259.2pt" viewBox="0 0 1 1">')
        (614, 346)
        >>> svg_size(b"<svg>") is None
        True
    """
    match = _SVG_SIZE.search(svg[:2000])
    if match is None:
        return None
    return round(float(match["w"]) * 4 / 3), round(float(match["h"]) * 4 / 3)


def smallest_text_px(svg: bytes) -> float | None:
    """The font size of the smallest text in a matplotlib SVG, in CSS pixels at its intrinsic size.

    The house style draws text as glyph paths (``svg.fonttype = "path"``): each
    text is a group scaled by its size in points over matplotlib's
    ``TextToPath.FONT_SCALE``, and a mathtext glyph in it may be scaled again.

    Returns:
        The size in CSS pixels (points × 4/3, like :func:`svg_size`), or
        ``None`` if the SVG has no text drawn that way.

    Example:
        >>> svg = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        ...        b'<g transform="translate(1 2) scale(0.09 -0.09)"><use xlink:href="#a"/></g>'
        ...        b'<g transform="translate(1 9) rotate(-45) scale(0.1 -0.1)"><use xlink:href="#b"/>'
        ...        b'<use xlink:href="#c" transform="translate(5 0) scale(0.7)"/></g></svg>')
        >>> smallest_text_px(svg)  # 10 pt × 0.7 (a subscript) = 7 pt = 9.333 px
        9.33
    """
    from xml.etree import ElementTree

    from matplotlib.textpath import TextToPath

    sizes = []
    for group in ElementTree.fromstring(svg).iter(f"{_SVG}g"):
        match = _TEXT_GROUP.search(group.get("transform", ""))
        if match is None:
            continue
        glyphs = [_GLYPH_SCALE.search(use.get("transform", "")) for use in group.iter(f"{_SVG}use")]
        relative = min((float(g["s"]) if g else 1.0 for g in glyphs), default=1.0)
        sizes.append(float(match["s"]) * TextToPath.FONT_SCALE * relative)  # points
    return math.floor(min(sizes) * 4 / 3 * 100) / 100 if sizes else None  # rounded down: never too large


@dataclass(frozen=True)
class FigureMetrics:
    """What the page needs to know about a figure's SVG renderings.

    Attributes:
        size: intrinsic ``(width, height)`` in CSS pixels, if the SVG states it.
        text_px: the smallest text's font size at that size, in CSS pixels, over
            every rendering; ``None`` if no text was found.
    """

    size: tuple[int, int] | None
    text_px: float | None = None

    @property
    def readable_width(self) -> int | None:
        """The narrowest width that keeps the smallest text at :data:`READABLE_TEXT_PX` (if known)."""
        if self.size is None or self.text_px is None:
            return None
        return readable_width(self.size[0], self.text_px)


def figure_metrics(renderings: Iterable[bytes]) -> FigureMetrics:
    """The size of the last rendering (they share it) and the smallest text over all of them."""
    svgs = list(renderings)
    texts = [px for px in map(smallest_text_px, svgs) if px is not None]
    return FigureMetrics(svg_size(svgs[-1]) if svgs else None, min(texts, default=None))


def readable_width(width: int, text_px: float) -> int:
    """The narrowest CSS width at which a figure ``width`` px wide shows ``text_px`` text at 9 px or more.

    Example:
        >>> readable_width(1152, 10.66)  # 8 pt text: shown narrower than 973 px, it drops below 9 px
        973
    """
    return math.ceil(READABLE_TEXT_PX * width / text_px)


def _frame_label(alt: str) -> str:
    """A short name for the figure's scrolling frame: the alt text's first sentence, at most 90 characters.

    Example:
        >>> _frame_label("Two bar charts: the scores. More.")
        'Figure: Two bar charts: the scores'
    """
    sentence = re.split(r"(?<=\.)\s", alt, maxsplit=1)[0].rstrip(".")
    if len(sentence) > 90:
        sentence = sentence[:89].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return "Figure: " + sentence


def figure_html(
    name: str,
    alt: str,
    light_url: str,
    dark_url: str,
    metrics: FigureMetrics | None,
    caption: str | None = None,
) -> str:
    """A ``<figure>`` with a light and a dark rendering; Material shows the matching one.

    The images sit in a frame that scrolls sideways (focusable, named after the
    figure). Knowing the smallest text's size, the frame carries the readable
    width (``--explainer-readable-width``), which the site's CSS keeps as the
    images' minimum width on phones, and the figure records that size in
    ``data-min-font-px``. A link below opens the light SVG full size: it needs
    no JavaScript, and the light rendering reads on the browser's white
    background, which the dark one (light text, no background) would not.

    Args:
        name: the figure's registry name (becomes a CSS class hook and id).
        alt: what the figure shows, for readers who cannot see it.
        light_url: URL of the light SVG, relative to the page.
        dark_url: URL of the dark SVG, relative to the page.
        metrics: the renderings' size (so the page does not jump) and smallest
            text (:func:`figure_metrics`); ``None`` if unknown.
        caption: optional plain-text caption.

    Returns:
        One block of HTML without blank lines (safe inside Markdown).
    """
    metrics = metrics or FigureMetrics(None)
    width, height = metrics.size or (None, None)
    readable = metrics.readable_width
    images = [
        h(
            "img",
            {
                "src": f"{url}#only-{theme}",
                "alt": alt,
                "width": width,
                "height": height,
                "loading": "lazy",
                "decoding": "async",
            },
        )
        for theme, url in (("light", light_url), ("dark", dark_url))
    ]
    frame = h(
        "div",
        {
            "class": "explainer-figure-frame",
            "role": "region",
            "tabindex": 0,  # a keyboard can scroll it when it is wider than the column
            "aria-label": _frame_label(alt),
            "style": f"--explainer-readable-width:{readable}px" if readable else None,
        },
        [("\n", image) for image in images],
        "\n",
    )
    full_size = h(
        "a",
        {"class": "explainer-figure-open", "href": light_url, "data-search-exclude": True},
        "Open full size",
    )
    lines = [frame, full_size, h("figcaption", None, caption) if caption else None]
    children = [("\n", line) for line in lines if line is not None]
    attrs = {"class": "explainer-figure", "id": f"figure-{name}", "data-min-font-px": metrics.text_px}
    return h("figure", attrs, children, "\n").html + "\n"


def console_block(args: str, output: str) -> str:
    """A Markdown ``console`` block showing the command and its output."""
    body = output.rstrip("\n")
    longest_run = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest_run + 1)
    return f"{fence}console\n$ python -m explainer {args}\n{body}\n{fence}\n"


def run_cli(main: Callable[[list[str]], int | None], args: str) -> str:
    """Run the CLI's ``main`` in-process on ``args`` and return what it printed.

    Raises:
        SiteBuildError: if the arguments do not parse, the command exits with a
            non-zero status, or prints nothing.
    """
    try:
        argv = shlex.split(args)
    except ValueError as err:
        raise SiteBuildError(f"cli: {args!r} is not a valid command line: {err}") from None
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            status = main(argv)
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    if status not in (0, None):
        raise SiteBuildError(
            f"cli: `python -m explainer {args}` exited with {status}: {stderr.getvalue().strip()}"
        )
    if not stdout.getvalue().strip():
        raise SiteBuildError(f"cli: `python -m explainer {args}` printed nothing")
    return stdout.getvalue()


def notebook_content(html: str, name: str) -> str:
    """A notebook page: offline, with a download link below its title."""
    link = (
        h(
            "p",
            {"class": "explainer-download"},
            h("a", {"href": name, "download": name}, f"Download this notebook ({name})"),
            " to run it yourself; it needs the ",
            h("code", None, "explainer"),
            " package (",
            h("code", None, "pip install -e ."),
            " in the repository).",
        ).html
        + "\n"
    )
    html = strip_notebook_cdn(html)
    title_end = html.find("</h1>")  # below the notebook's title if it has one
    if title_end < 0:
        return link + html
    title_end += len("</h1>")
    return html[:title_end] + "\n" + link + html[title_end:]
