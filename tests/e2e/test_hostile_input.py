"""Hostile and odd input typed into every widget of the built site (fixtures from conftest.py).

For each payload: a clear message or a correct result appears, no script runs (the
payloads set ``window.__pwned`` or open a dialog; neither may happen), nothing the
reader typed is turned into markup, what they typed stays in the box, the page
keeps answering, and no error reaches the console. The browsing fixture also
fails the test on any uncaught exception and any request off 127.0.0.1.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

Browsing = Server = Any  # fixtures from conftest.py
READY_TIMEOUT_MS = 90_000
WIDGET_RE = re.compile(r'data-widget="([a-z_]+)"')

INJECTIONS = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=1</script>",
    '"><svg onload="window.__pwned=1">',
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
]
ODD = [
    "café naïve résumé",
    "東京 大学 学生",
    "😀 🐈 the cat 👩‍👩‍👧",
    "שלום עולם the king",  # right-to-left
    "!!! ??? ... ;;;",
    "qzxv wvqz jjjkq",
    "1 2 3 4.5 -0 1e308",
    "the " * 200,  # 200 tokens: beyond the widgets' limit
    "x" * 5000,
]
NUMBERS = ["1e308, 1e308", "-0, -0", "5e-324, 5e-324", "nan, 1", "inf, -inf", "1e309, 2", "0x1F, 2", ", ,"]
# Widget -> (the text field typed into, payloads).
TEXT_FIELDS = {
    "heatmap_explorer": ("input[name=sentence]", INJECTIONS + ODD),
    "contextualisation_probe": ("input[name=word]", INJECTIONS + ODD[:6]),
    "dot_product_playground": ("input[name=query]", INJECTIONS[:3] + NUMBERS),
}
NO_MARKUP_JS = """root => root.querySelectorAll(`[data-output] script, [data-output] [onerror],
    [data-output] [onload], [data-output] img[src="x"]`).length"""


def widget_page(site: Path, name: str) -> str:
    for path in sorted(site.rglob("*.html")):
        top = path.parts[len(site.parts)]
        if top not in ("assets", "pyodide") and name in WIDGET_RE.findall(path.read_text(errors="replace")):
            return path.relative_to(site).as_posix()
    pytest.skip(f"no page of the site has a {name} widget")


def armed_page(browsing: Browsing, url: str) -> tuple[Any, list[str]]:
    """A page whose dialogs are recorded and dismissed."""
    page = browsing.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    return page, dialogs


def apply(page: Any, root: str, field: str, value: str) -> None:
    """Type ``value`` into the field (as one input event) and wait for the widget's answer."""
    page.evaluate(f"""() => {{ window.__got = false; window.__pwned = undefined;
        document.querySelector({root!r}).addEventListener('explainer:result', () => window.__got = true,
                                                            {{once: true}}); }}""")
    page.fill(f"{root} {field}", value)
    page.wait_for_function("window.__got === true", timeout=READY_TIMEOUT_MS)


def assert_safe_and_clear(page: Any, root: str, field: str, value: str, dialogs: list[str]) -> None:
    assert page.evaluate("window.__pwned") is None, f"script ran for {value!r}"
    assert dialogs == [], dialogs
    assert page.eval_on_selector(root, NO_MARKUP_JS) == 0, f"markup injected by {value!r}"
    assert page.input_value(f"{root} {field}") == value  # the reader's input is kept
    assert page.inner_text(f"{root} [data-output]").strip(), f"blank output for {value!r}"
    assert page.get_attribute(root, "data-state") == "ready"
    assert page.evaluate("1 + 1") == 2  # still answering


@pytest.mark.parametrize("name", list(TEXT_FIELDS))
def test_hostile_text_in_every_text_field(
    browsing: Browsing, server: Server, site_dir: Path, name: str
) -> None:
    field, payloads = TEXT_FIELDS[name]
    root = f"[data-widget={name}]"
    page, dialogs = armed_page(browsing, server.url + widget_page(site_dir, name))
    for value in payloads:
        apply(page, root, field, value)
        assert_safe_and_clear(page, root, field, value, dialogs)
        text = page.inner_text(f"{root} [data-output]")
        if value.startswith("qzxv"):
            assert "qzxv" in text  # unknown words are named
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_dot_product_keys_accept_hostile_lines(browsing: Browsing, server: Server, site_dir: Path) -> None:
    root = "[data-widget=dot_product_playground]"
    page, dialogs = armed_page(browsing, server.url + widget_page(site_dir, "dot_product_playground"))
    for value in [
        "<b>A</b>: 1, 2\nB: 3, 4",
        "A: 1e308, 1e308\nB: -1e308, 5e-324",
        "A: nan, 1\nB: 1, 1",
        "😀: 1, 2\n東京: 3, 4",
        "A 1 2",
        ":::",
        "A: 1, 2\n" * 300,
    ]:
        apply(page, root, "textarea[name=keys]", value)
        assert_safe_and_clear(page, root, "textarea[name=keys]", value, dialogs)
        assert "nan" not in page.inner_text(f"{root} [data-output]").lower().split()
    assert not browsing.console_errors, browsing.console_errors[:5]


@pytest.mark.parametrize(
    "d_k", ["1e308", "-0", "5e-324", "nan", "inf", "-5", "100000", "<script>window.__pwned=1</script>"]
)
def test_hostile_numbers_from_a_link_reach_the_saturation_lab_safely(
    browsing: Browsing, server: Server, site_dir: Path, d_k: str
) -> None:
    """A crafted link is the only way to put a non-number into the d_k slider."""
    state = quote(json.dumps({"d_k": d_k, "scale": True}))
    page, dialogs = armed_page(
        browsing, server.url + widget_page(site_dir, "saturation_lab") + f"#saturation_lab-0={state}"
    )
    root = "[data-widget=saturation_lab]"
    page.wait_for_function(
        f"document.querySelector({root!r}).dataset.state === 'ready'", timeout=READY_TIMEOUT_MS
    )
    assert page.evaluate("window.__pwned") is None and dialogs == []
    assert page.eval_on_selector(root, NO_MARKUP_JS) == 0
    text = page.inner_text(f"{root} [data-output]")
    assert text.strip() and "nan" not in text.lower().split()
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_rapid_typing_ends_on_the_last_sentence(browsing: Browsing, server: Server, site_dir: Path) -> None:
    """Every keystroke asks for a computation; only the latest state may be shown at the end."""
    root = "[data-widget=heatmap_explorer]"
    page, dialogs = armed_page(browsing, server.url + widget_page(site_dir, "heatmap_explorer"))
    apply(page, root, "input[name=sentence]", "the cat")  # runtime loaded
    page.click(f"{root} input[name=sentence]")
    page.keyboard.press("Control+A")
    final = "the king and the queen ruled over the old kingdom"
    page.keyboard.type(final, delay=0)
    n = len(final.split())
    page.wait_for_function(
        f"""() => {{ const cells = document.querySelectorAll('{root} [data-output] [data-row]');
            return document.querySelector('{root}').dataset.state === 'ready' &&
                   Math.max(...[...cells].map(c => +c.dataset.row)) === {n - 1}; }}""",
        timeout=READY_TIMEOUT_MS,
    )
    page.wait_for_timeout(500)  # no late answer for an older state may replace it
    rows = page.eval_on_selector_all(
        f"{root} [data-output] [data-row]", "els => Math.max(...els.map(e => +e.dataset.row))"
    )
    assert rows == n - 1
    assert page.input_value(f"{root} input[name=sentence]") == final
    assert dialogs == [] and not browsing.console_errors, browsing.console_errors[:5]
