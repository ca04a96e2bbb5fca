"""Tests for the code runner's editor at build time (explainer.sitebuild.editor)."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from explainer.sitebuild import SiteBuildError
from explainer.sitebuild.editor import bundle, with_code_view
from explainer.widgets import prerender

ROOT = Path(__file__).resolve().parents[1]
needs_esbuild = pytest.mark.skipif(
    not (ROOT / "node_modules" / ".bin" / "esbuild").is_file() or shutil.which("node") is None,
    reason="needs `npm ci` (esbuild and CodeMirror in node_modules)",
)


@needs_esbuild
def test_the_bundle_is_one_self_contained_module_without_eval_and_the_same_every_build() -> None:
    first = bundle(ROOT)
    text = first.decode("utf-8")
    assert re.search(r"export\s*\{[^}]*\bas createEditor\b", text)  # what code_runner.js imports
    assert not re.search(r"(^|[;}\n])\s*import\s*[{*\"'(]|\bimport\(", text)  # nothing left to fetch
    assert "require(" not in text
    assert "eval(" not in text and "new Function" not in text  # the policy allows neither
    assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text
    assert bundle(ROOT) == first  # reproducible builds


def test_a_missing_esbuild_is_a_clear_build_error(tmp_path: Path) -> None:
    with pytest.raises(SiteBuildError, match=r"esbuild not found .* run `npm ci`"):
        bundle(tmp_path)


def test_the_code_runner_gets_its_highlighted_code_beside_the_field() -> None:
    code = "print('<b>&</b>')\nx = 1\n"
    before = prerender("code_runner", {"code": code})
    after = with_code_view(before)
    textarea = re.search(r'<textarea name="code"[^>]*>(.*?)</textarea>', after, re.S)
    assert textarea is not None and html.unescape(textarea.group(1)) == "\n" + code  # the field is kept
    assert after.count('class="explainer-code-view') == 1
    view = after[textarea.end() :]
    assert view.startswith('<span class="explainer-code-view highlight" aria-hidden="true">')
    hint = view.index('<span class="explainer-hint">')
    shown = re.search(r'<span class="explainer-code-text">(.*)</span></span>$', view[:hint], re.S)
    assert shown is not None and html.unescape(re.sub(r"<[^>]+>", "", shown.group(1))) == code
    assert after.replace(view[:hint], "", 1) == before  # nothing else changed


def test_widgets_without_a_code_field_are_unchanged() -> None:
    markup = prerender("mask_explorer")
    assert with_code_view(markup) == markup
