"""The code runner's editor in Chromium: highlighted text until the reader edits, then CodeMirror.

The page shows the code as the build highlighted it and loads nothing of the editor;
the first focus of the code (a click on it, or Tab) imports ``assets/widgets/code_editor.js``
and puts the editor in the textarea's place. These tests type, indent, leave by keyboard,
run with Ctrl+Enter, and check the editor fits a phone's column, with no console error and
no Content-Security-Policy violation.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

Browsing = Server = Any  # fixtures from conftest.py
READY_TIMEOUT_MS = 90_000
ROOT = "[data-widget=code_runner]"
FIELD = f"{ROOT} textarea[name=code]"
EDITOR = f"{ROOT} .cm-content"
BUNDLE = "/assets/widgets/code_editor.js"
# Every violation of the page's Content-Security-Policy is recorded (besides the console error it logs).
WATCH_CSP = """() => { window.__csp = [];
    document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective)); }"""


def widget_page(site: Path, name: str) -> str:
    """The first page of the built site that shows widget ``name`` (relative URL)."""
    for path in sorted(site.rglob("index.html")):
        if f'data-widget="{name}"' in path.read_text(encoding="utf-8"):
            return path.parent.relative_to(site).as_posix() + "/"
    pytest.skip(f"no page of the site has a {name} widget")


def open_runner(browsing: Browsing, server: Server, site_dir: Path, width: int = 1280) -> Any:
    page = browsing.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server.url + widget_page(site_dir, "code_runner"))
    page.evaluate(WATCH_CSP)
    page.locator(ROOT).scroll_into_view_if_needed()
    return page


def editor_requests(browsing: Browsing) -> list[str]:
    return [url for url in browsing.requests if url.endswith(BUNDLE)]


def start_editing(page: Any) -> None:
    """Click the highlighted code, as a reader does, and wait for the editor to have focus."""
    page.locator(f"{ROOT} .explainer-code-view").click(position={"x": 120, "y": 12})
    page.locator(f"{EDITOR}:focus").wait_for(timeout=READY_TIMEOUT_MS)


def set_code(page: Any, code: str) -> None:
    """Replace the code through the editor (loading it first if need be), as a reader would.

    Ctrl+A is the editor's own select-all, over its whole document. ``fill`` selects the DOM
    the editor has drawn instead, and once (CI, a busy machine) kept a stray line break.
    """
    if not page.locator(EDITOR).count():
        start_editing(page)
    page.locator(EDITOR).focus()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(code)


def result_after(page: Any, action: Any) -> str:
    """Do ``action``, wait for the widget's next computed result, return the output's text."""
    page.evaluate(f"""() => {{ window.__got = false; document.querySelector({ROOT!r})
        .addEventListener('explainer:result', () => window.__got = true, {{once: true}}); }}""")
    action()
    page.wait_for_function("window.__got === true", timeout=READY_TIMEOUT_MS)
    return str(page.inner_text(f"{ROOT} [data-output]"))


def assert_clean(page: Any, browsing: Browsing) -> None:
    assert page.evaluate("window.__csp") == [], "Content-Security-Policy violations"
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_the_code_is_highlighted_text_and_the_editor_loads_only_when_the_reader_starts_editing(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_runner(browsing, server, site_dir)
    view = page.locator(f"{ROOT} .explainer-code-view")
    assert view.is_visible() and view.locator("span.k").first.inner_text() == "import"
    assert view.locator(".explainer-code-gutter").inner_text().split("\n")[:3] == ["1", "2", "3"]
    page.mouse.move(*center(view))  # hovering and scrolling past are not editing
    page.locator(f"{ROOT} [type=submit]").hover()
    page.wait_for_load_state("networkidle")
    assert editor_requests(browsing) == [] and page.locator(EDITOR).count() == 0
    before = view.bounding_box()
    start_editing(page)
    assert len(editor_requests(browsing)) == 1
    assert not view.is_visible() and not page.locator(FIELD).is_visible()  # the editor took their place
    after = page.locator(f"{ROOT} .cm-editor").bounding_box()
    assert abs(after["y"] - before["y"]) < 2 and abs(after["height"] - before["height"]) < 4  # no jump
    code = page.input_value(FIELD)
    lines = page.eval_on_selector_all(f"{EDITOR} .cm-line", "lines => lines.map(line => line.textContent)")
    assert lines == code.split("\n")  # the editor holds the field's code, line for line
    assert page.locator(f"{EDITOR} span.k").first.inner_text() == "import"  # the same colours
    assert_clean(page, browsing)


def center(locator: Any) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_a_click_puts_the_caret_where_the_reader_clicked(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_runner(browsing, server, site_dir)
    word = page.locator(f"{ROOT} .explainer-code-view span.nf").first
    assert word.inner_text() == "softmax"  # in "def softmax(x):"
    page.mouse.click(*center(word))
    page.locator(f"{EDITOR}:focus").wait_for(timeout=READY_TIMEOUT_MS)
    page.keyboard.type("_")
    line = next(x for x in page.input_value(FIELD).split("\n") if x.startswith("def "))
    inside = re.fullmatch(r"def (\w+)_(\w+)\(x\):", line)  # the caret was inside the word clicked
    assert inside is not None and inside[1] + inside[2] == "softmax", line
    assert_clean(page, browsing)


def test_typing_then_ctrl_enter_runs_the_code(browsing: Browsing, server: Server, site_dir: Path) -> None:
    page = open_runner(browsing, server, site_dir)
    start_editing(page)
    page.keyboard.press("Control+A")
    page.keyboard.type("total = 6 * 7\nprint(total)")
    assert page.input_value(FIELD) == "total = 6 * 7\nprint(total)"  # the field the loader reads
    text = result_after(page, lambda: page.keyboard.press("Control+Enter"))
    assert text.strip() == "42"
    assert page.input_value(FIELD) == "total = 6 * 7\nprint(total)"  # Ctrl+Enter ran it, added no line
    assert page.locator(f"{EDITOR}:focus").count() == 1  # and the reader keeps typing where they were
    assert_clean(page, browsing)


def test_tab_indents_and_escape_then_tab_leaves_the_editor(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_runner(browsing, server, site_dir)
    set_code(page, "for i in range(2):\nprint(i)")
    page.locator(EDITOR).press("Control+End")
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    assert page.input_value(FIELD) == "for i in range(2):\n    print(i)"  # four spaces, focus stays
    assert page.locator(f"{EDITOR}:focus").count() == 1
    page.keyboard.press("Shift+Tab")
    assert page.input_value(FIELD) == "for i in range(2):\nprint(i)"
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")  # no keyboard trap: Escape, then Tab moves on
    assert page.evaluate("document.activeElement.matches('[data-widget=code_runner] [type=submit]')")
    assert page.input_value(FIELD) == "for i in range(2):\nprint(i)"  # and the code is untouched
    page.keyboard.press("Shift+Tab")  # back into the editor, where Tab indents again
    assert page.locator(f"{EDITOR}:focus").count() == 1
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Tab")  # and out backwards
    assert page.evaluate("!document.activeElement.closest('.cm-editor')")
    assert_clean(page, browsing)


def test_the_editor_is_named_and_tells_its_keys(browsing: Browsing, server: Server, site_dir: Path) -> None:
    page = open_runner(browsing, server, site_dir)
    start_editing(page)
    content = page.locator(EDITOR)
    assert content.get_attribute("role") == "textbox" and content.get_attribute("aria-multiline") == "true"
    assert content.get_attribute("aria-label") == page.inner_text(f"{ROOT} .explainer-label")
    hint = page.inner_text(f"{ROOT} .explainer-hint")
    assert "Esc then Tab" in hint and content.get_attribute("aria-description") == hint
    assert page.evaluate(  # the hint stays under the code
        f"document.querySelector('{ROOT} .cm-editor').nextElementSibling.matches('.explainer-hint')"
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_code_fits_a_phone_column_before_and_after_the_editor_loads(
    browsing: Browsing, server: Server, site_dir: Path, scheme: str
) -> None:
    page = open_runner(browsing, server, site_dir, width=390)
    page.emulate_media(color_scheme=scheme)
    fits = """sel => { const box = document.querySelector(sel).getBoundingClientRect();
        return box.left >= 0 && box.right <= document.documentElement.clientWidth
            && document.documentElement.scrollWidth <= document.documentElement.clientWidth; }"""
    assert page.evaluate(fits, f"{ROOT} .explainer-code-view")
    start_editing(page)
    assert page.evaluate(fits, f"{ROOT} .cm-editor")
    scroller = page.locator(f"{ROOT} .cm-scroller")  # long lines scroll inside the editor, not the page
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    colour = "sel => getComputedStyle(document.querySelector(sel)).color"
    colours = {page.evaluate(colour, f"{EDITOR} span.{token}") for token in ("k", "s2", "n")}
    assert len(colours) == 3  # keywords, strings and names in Material's three colours
    assert_clean(page, browsing)


def test_hostile_code_typed_in_the_editor_runs_and_prints_as_text(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_runner(browsing, server, site_dir)
    for code, expected in {
        "print('</textarea><script>window.__pwned = 1</script>')": "</textarea><script>",
        "def f(:\n    pass": "SyntaxError",
    }.items():
        set_code(page, code)
        assert page.input_value(FIELD) == code
        text = result_after(page, lambda: page.locator(f"{ROOT} [type=submit]").click())
        assert expected in text
    assert page.evaluate("window.__pwned") is None
    assert page.locator(f"{ROOT} [data-output] script").count() == 0
    assert_clean(page, browsing)


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm ci)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_code_passes_axe_before_and_after_the_editor_loads(
    browsing: Browsing, server: Server, site_dir: Path, scheme: str
) -> None:
    page = open_runner(browsing, server, site_dir)
    page.emulate_media(color_scheme=scheme)
    page.evaluate(AXE.read_text(encoding="utf-8"))  # by the debugger: the page's policy refuses inline code
    audit = f"""async () => (await axe.run(document.querySelector({ROOT!r}))).violations
        .filter(v => ['serious', 'critical'].includes(v.impact)).map(v => [v.id, v.nodes.length])"""
    assert page.evaluate(audit) == []  # e.g. the line numbers' contrast on the code background
    start_editing(page)
    assert page.evaluate(audit) == []  # e.g. the scroller of long lines reachable by keyboard
    assert_clean(page, browsing)
