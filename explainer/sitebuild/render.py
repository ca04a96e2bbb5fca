"""What a block becomes on the page: figure HTML, console blocks, a notebook page's download link."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from collections.abc import Callable

from explainer.html import h
from explainer.sitebuild import SiteBuildError
from explainer.sitebuild.offline import strip_notebook_cdn

__all__ = ["console_block", "figure_html", "notebook_content", "run_cli", "svg_size"]

_SVG_SIZE = re.compile(rb'<svg[^>]*?\swidth="(?P<w>[\d.]+)pt"[^>]*?\sheight="(?P<h>[\d.]+)pt"', re.S)


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


def figure_html(
    name: str,
    alt: str,
    light_url: str,
    dark_url: str,
    size: tuple[int, int] | None,
    caption: str | None = None,
) -> str:
    """A ``<figure>`` with a light and a dark rendering; Material shows the matching one.

    Args:
        name: the figure's registry name (becomes a CSS class hook and id).
        alt: what the figure shows, for readers who cannot see it.
        light_url: URL of the light SVG, relative to the page.
        dark_url: URL of the dark SVG, relative to the page.
        size: intrinsic ``(width, height)`` in CSS pixels, so the page does not jump.
        caption: optional plain-text caption.

    Returns:
        One block of HTML without blank lines (safe inside Markdown).
    """
    width, height = size or (None, None)
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
    lines = [*images, h("figcaption", None, caption) if caption else None]
    children = [("\n", line) for line in lines if line is not None]
    return h("figure", {"class": "explainer-figure", "id": f"figure-{name}"}, children, "\n").html + "\n"


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
