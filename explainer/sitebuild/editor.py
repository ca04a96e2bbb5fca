"""The code runner's editor, at build time: its bundle, and the highlighted code a page shows until then.

The editor is CodeMirror 6 from ``node_modules`` (``package.json``), bundled with
esbuild into one self-hosted ES module, ``assets/widgets/code_editor.js``, from
the entry ``assets/widgets/code_editor_entry.js``. No page links it: the code
runner's script imports it when the reader first focuses the code.

Until then the page shows the code as highlighted text: :func:`with_code_view`
puts :func:`explainer.widgets.code_runner.highlighted` beside each code
textarea of a widget's markup (the textarea stays the form's field).
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

from explainer.html import render
from explainer.sitebuild import SiteBuildError
from explainer.sitebuild.runtime_files import ASSETS_DIR, asset_source
from explainer.widgets.code_runner import highlighted

__all__ = ["BUNDLE", "bundle", "with_code_view"]

BUNDLE = f"{ASSETS_DIR}/code_editor.js"
"""Where the bundle is written, from the site root (``code_runner.js`` imports it from beside itself)."""
ENTRY = f"{ASSETS_DIR}/code_editor_entry.js"
_CODE_FIELD = re.compile(r'(<textarea name="code"[^>]*>)(.*?)(</textarea>)', re.S)


def bundle(root: Path) -> bytes:
    """The editor as one minified ES module, built by ``root``'s esbuild from ``root/node_modules``.

    Raises:
        SiteBuildError: esbuild is missing (run ``npm ci``) or fails.
    """
    esbuild = root / "node_modules" / ".bin" / "esbuild"
    if not esbuild.is_file():
        raise SiteBuildError(f"esbuild not found at {esbuild}; run `npm ci` (or `make setup`) first")
    command = [str(esbuild), str(asset_source(ENTRY)), "--bundle", "--minify", "--format=esm"]
    command += ["--target=es2020", "--legal-comments=eof", "--log-level=error"]
    done = subprocess.run(command, cwd=root, capture_output=True, check=False, timeout=120)
    if done.returncode != 0:
        raise SiteBuildError(f"esbuild could not bundle the editor: {done.stderr.decode(errors='replace')}")
    return done.stdout


def with_code_view(markup: str) -> str:
    """``markup`` with the highlighted code after each ``<textarea name="code">``; other markup is kept.

    Example:
        >>> out = with_code_view('<label><textarea name="code">\\nx &lt; 1</textarea></label>')
        >>> out[out.index("</textarea>") :].replace("><", ">\\n<").splitlines()[:2]
        ['</textarea>', '<span class="explainer-code-view highlight" aria-hidden="true">']
        >>> out[out.index('<span class="n">') :]
        '<span class="n">x</span> <span class="o">&lt;</span> <span class="mi">1</span></span></span></label>'
    """

    def add_view(match: re.Match[str]) -> str:
        code = html.unescape(match[2]).removeprefix("\n")  # h() writes one newline the parser drops
        return match[0] + render(highlighted(code))

    return _CODE_FIELD.sub(add_view, markup)
