"""What each block becomes on the page: figure HTML and console blocks.

Raw HTML is built with :func:`html.escape` on every interpolated value.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from collections.abc import Callable
from html import escape

from explainer.sitebuild import SiteBuildError

__all__ = ["console_block", "figure_html", "run_cli", "svg_size"]

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
    dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
    images = [
        f'<img src="{escape(url)}#only-{theme}" alt="{escape(alt)}"{dims} loading="lazy" decoding="async">'
        for theme, url in (("light", light_url), ("dark", dark_url))
    ]
    parts = [f'<figure class="explainer-figure" id="figure-{escape(name)}">', *images]
    if caption:
        parts.append(f"<figcaption>{escape(caption)}</figcaption>")
    parts.append("</figure>")
    return "\n".join(parts) + "\n"


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
