"""A Content-Security-Policy for every page: only the site's own scripts run.

The policy is a ``<meta http-equiv>`` at the top of ``<head>`` (GitHub Pages
cannot send headers). Scripts load only from the site itself; the theme's few
inline scripts run because the policy lists the sha256 of each, computed from
the page as built, so an inline script anyone manages to inject is refused.
The widgets' Web Worker comes from the site (``worker-src 'self'``); Pyodide
compiles WebAssembly inside it. Styles allow ``'unsafe-inline'``: KaTeX and the
widgets' bars set ``style`` attributes, which cannot run code.

Example:
    >>> page = "<html><head><title>t</title><script>go()</script></head></html>"
    >>> out = with_csp(page)
    >>> out.startswith('<html><head><meta http-equiv="Content-Security-Policy" content="default-src')
    True
    >>> policy_for(page).split("; ")[1]
    "script-src 'self' 'sha256-5KYv+PUboo5h+0+YAtGRPbwv5d/QxzHslP4YGnUaxRw='"
"""

from __future__ import annotations

import base64
import hashlib
import re

from explainer.html import h

__all__ = ["policy_for", "with_csp"]

# An executable inline script: no src, and no type other than JavaScript or module.
_INLINE_SCRIPT = re.compile(
    r'<script(?P<attrs>(?:\s+(?!src=)[a-z-]+(?:="[^"]*")?)*)\s*>(?P<body>.*?)</script>', re.S
)
_DATA_TYPE = re.compile(r'\stype="(?!text/javascript"|module")[^"]*"')

_FIXED = (
    "default-src 'self'",
    "img-src 'self' data:",  # the head grid's thumbnails are PNG data URLs
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",  # widget forms never submit anywhere
)


def _inline_hashes(html: str) -> list[str]:
    """``'sha256-…'`` of each executable inline script, in order, once each."""
    hashes: list[str] = []
    for match in _INLINE_SCRIPT.finditer(html):
        if _DATA_TYPE.search(match["attrs"]):
            continue  # JSON configuration and the like: data, never executed
        digest = base64.b64encode(hashlib.sha256(match["body"].encode("utf-8")).digest()).decode("ascii")
        token = f"'sha256-{digest}'"
        if token not in hashes:
            hashes.append(token)
    return hashes


def policy_for(html: str) -> str:
    """The policy for one built page: the fixed rules and its own inline scripts' hashes."""
    scripts = " ".join(["script-src 'self'", *_inline_hashes(html)])
    return "; ".join([_FIXED[0], scripts, *_FIXED[1:]])


def with_csp(html: str) -> str:
    """``html`` with its policy as the first element of ``<head>``."""
    meta = h("meta", {"http-equiv": "Content-Security-Policy", "content": policy_for(html)}).html
    return html.replace("<head>", "<head>" + meta, 1)
