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
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.e2e.conftest import nudge

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
# "widget field" -> (the text field typed into, payloads).
TEXT_FIELDS = {
    "heatmap_explorer sentence": ("input[name=sentence]", INJECTIONS + ODD),
    "contextualisation_probe word": ("input[name=word]", INJECTIONS + ODD[:6]),
    "contextualisation_probe sentence": ("input[name=sentence]", INJECTIONS[:3] + ODD),
    "dot_product_playground query": ("input[name=query]", INJECTIONS[:3] + NUMBERS),
}
NO_MARKUP_JS = """root => root.querySelectorAll(`[data-output] script, [data-output] [onerror],
    [data-output] [onload], [data-output] img[src="x"]`).length"""


def pages_with_widgets(site: Path) -> dict[str, list[str]]:
    """Every page of the site that holds a widget (relative URL) -> the widget names on it."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        if path.parts[len(site.parts)] not in ("assets", "pyodide"):
            names = WIDGET_RE.findall(path.read_text(errors="replace"))
            if names:
                pages[path.relative_to(site).as_posix()] = names
    return pages


def widget_page(site: Path, name: str) -> str:
    for url, names in pages_with_widgets(site).items():
        if name in names:
            return url
    pytest.skip(f"no page of the site has a {name} widget")


def armed_page(browsing: Browsing, url: str, *, known_states: bool = True) -> tuple[Any, list[str]]:
    """A page whose dialogs are recorded and dismissed."""
    page = browsing.new_page(known_states=known_states)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    return page, dialogs


def answered(page: Any, root: str, action: Callable[[], object]) -> None:
    """Run ``action`` and wait for the widget at ``root`` to show its next result."""
    page.evaluate(f"""() => {{ window.__got = false; window.__pwned = undefined;
        document.querySelector({root!r}).addEventListener('explainer:result', () => window.__got = true,
                                                            {{once: true}}); }}""")
    action()
    page.wait_for_function("window.__got === true", timeout=READY_TIMEOUT_MS)


def apply(page: Any, root: str, field: str, value: str) -> None:
    """Type ``value`` into the field (as one input event) and wait for the widget's answer."""
    answered(page, root, lambda: page.fill(f"{root} {field}", value))


def assert_safe_and_clear(page: Any, root: str, field: str, value: str, dialogs: list[str]) -> None:
    assert page.evaluate("window.__pwned") is None, f"script ran for {value!r}"
    assert dialogs == [], dialogs
    assert page.eval_on_selector(root, NO_MARKUP_JS) == 0, f"markup injected by {value!r}"
    assert page.input_value(f"{root} {field}") == value  # the reader's input is kept
    assert page.inner_text(f"{root} [data-output]").strip(), f"blank output for {value!r}"
    assert page.get_attribute(root, "data-state") == "ready"
    assert page.evaluate("1 + 1") == 2  # still answering


@pytest.mark.parametrize("where", list(TEXT_FIELDS))
def test_hostile_text_in_every_text_field(
    browsing: Browsing, server: Server, site_dir: Path, where: str
) -> None:
    field, payloads = TEXT_FIELDS[where]
    name = where.split()[0]
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
    """A crafted link is the only way to give the d_k slider a value that is not one of its stops:
    the slider keeps a stop, and the widget shows that stop's known state, with no runtime."""
    state = quote(json.dumps({"d_k": d_k, "scale": False}))
    page, dialogs = armed_page(
        browsing, server.url + widget_page(site_dir, "saturation_lab") + f"#saturation_lab-0={state}"
    )
    root = "[data-widget=saturation_lab]"
    page.wait_for_function(f"!document.querySelector({root!r} + ' input[name=scale]').checked")
    assert page.evaluate("window.__pwned") is None and dialogs == []
    assert page.eval_on_selector(root, NO_MARKUP_JS) == 0
    stop = page.get_attribute(f"{root} input[name=d_k]", "aria-valuetext")
    text = page.inner_text(f"{root} [data-output]")
    assert f"d_k = {stop} and scores not scaled" in text and "nan" not in text.lower().split()
    assert page.get_attribute(root, "data-state") == "static"
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


# ---------------------------------------------------------------- the code runner
def set_code(page: Any, root: str, code: str) -> None:
    """Type ``code`` into the code runner's editor (the code's first focus loads it, hiding the textarea)."""
    if not page.locator(f"{root} .cm-content").count():
        page.focus(f"{root} textarea[name=code]")
        page.locator(f"{root} .cm-content:focus").wait_for()
    page.fill(f"{root} .cm-content", code)


def test_the_code_runner_prints_hostile_output_as_text(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    """Python's printed output and errors are shown as text, never as markup, and stay bounded."""
    root = "[data-widget=code_runner]"
    page, dialogs = armed_page(browsing, server.url + widget_page(site_dir, "code_runner"))
    field = "textarea[name=code]"
    cases = {
        f"for s in {INJECTIONS!r}:\n    print(s)": INJECTIONS[0],
        "print('x' * 10**6)": "shortened",
        "print('\\u202eevil \\u05e9\\u05dc\\u05d5\\u05dd 😀')": "evil",
        "raise ValueError('<b>boom</b>')": "ValueError: <b>boom</b>",
        "def f(:\n    pass": "SyntaxError",
        "import numpy as np\nprint(np.float64(1e308) * 10, np.nextafter(0, 1), -0.0)": "inf 5e-324 -0.0",
    }
    for code, expected in cases.items():
        set_code(page, root, code)
        answered(page, root, lambda: page.click(f"{root} [type=submit]"))
        assert_safe_and_clear(page, root, field, code, dialogs)
        text = page.inner_text(f"{root} [data-output]")
        assert expected in text, (code[:40], text[:300])
        assert len(text) < 25_000
    assert not browsing.console_errors, browsing.console_errors[:5]


# ---------------------------------------------------------------- crafted links
HOSTILE_STATES = {
    "markup": lambda name: INJECTIONS[0],
    "extremes": lambda name: {"seed": "1e308", "d_k": "-0", "n_heads": "5e-324", "step": "-1"}.get(
        name, "x" * 5000
    ),
    "wrong types": lambda name: [{"a": 1}, [1, 2], None, 1e308, True][len(name) % 5],
}


def form_fields(page: Any, root: str) -> list[str]:
    return sorted(set(page.eval_on_selector_all(f"{root} form [name]", "els => els.map(e => e.name)")))


@pytest.mark.parametrize("kind", [*HOSTILE_STATES, "damaged"])
def test_a_crafted_link_cannot_break_any_widget(
    browsing: Browsing, server: Server, site_dir: Path, kind: str
) -> None:
    """The URL fragment is input too: every field of every live widget, set by a link to markup,
    extreme numbers, JSON of the wrong type, or JSON that does not parse."""
    tried = set()
    for url, names in pages_with_widgets(site_dir).items():
        live = [n for n in names if n not in ("head_grid", "runtime_settings") and n not in tried]
        if not live:
            continue
        page, dialogs = armed_page(browsing, server.url + url)
        fragment = {}
        for name in live:
            fields = form_fields(page, f"[data-widget={name}]")
            state = {f: HOSTILE_STATES[kind](f) for f in fields} if kind in HOSTILE_STATES else None
            fragment[f"{name}-0"] = json.dumps(state) if state is not None else "{not json"
        before = [page.inner_html(f"[data-widget={name}] [data-output]") for name in live]
        page.goto(server.url + url + "#" + "&".join(f"{k}={quote(v)}" for k, v in fragment.items()))
        page.reload()  # a changed fragment alone does not reload the page
        if kind == "damaged":  # the link is ignored: nothing is asked for, the pre-rendered result stays
            page.wait_for_timeout(300)
            assert [page.inner_html(f"[data-widget={name}] [data-output]") for name in live] == before
        for name in live:
            root = f"[data-widget={name}]"
            # A link whose state the build knew is shown without the runtime ("static"); any
            # other goes to the runtime ("loading" from the start, then "ready"). Code from a
            # link waits for the reader's Run and says why its output is not shown.
            states = ["static"] if kind == "damaged" else ["static", "ready"]
            try:
                page.wait_for_function(
                    f"{states}.includes(document.querySelector({root!r}).dataset.state)",
                    timeout=READY_TIMEOUT_MS,
                )
            except Exception as error:
                shown = page.eval_on_selector(root, "e => [e.dataset.state, e.innerText.slice(-300)]")
                raise AssertionError(f"{url} {name}: {shown}") from error
            assert page.eval_on_selector(root, NO_MARKUP_JS) == 0, (url, name)
            assert page.inner_text(f"{root} [data-output]").strip(), (url, name)
            if name == "code_runner" and kind != "damaged":  # the link's code waits for Run
                page.wait_for_timeout(1000)
                assert page.inner_text(f"{root} [data-output]").strip() == (
                    "This code came with the link you followed. Read it, then press Run."
                ), "the link's code ran (or its note is missing)"
            if kind == "markup":  # what the link put in a text box stays there, as text
                for box in page.query_selector_all(f"{root} form :is(input[type=text], textarea)"):
                    assert box.input_value() == INJECTIONS[0], (url, name)
            tried.add(name)
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned") is None and dialogs == [], url
        assert page.evaluate("1 + 1") == 2
    assert len(tried) >= 8, tried
    assert not browsing.console_errors, browsing.console_errors[:5]


# ---------------------------------------------------------------- rapid input
def burst_keys(field: str, *keys: str) -> Any:
    def run(page: Any, root: str) -> None:
        page.focus(f"{root} {field}")
        for key in keys:
            page.keyboard.press(key, delay=0)

    return run


def burst_typing(field: str, text: str) -> Any:
    def run(page: Any, root: str) -> None:
        page.focus(f"{root} {field}")
        page.keyboard.press("Control+A")
        page.keyboard.type(text, delay=0)

    return run


def burst_clicks(*labels: str) -> Any:
    """Click buttons by label in one task, far faster than any answer comes back."""

    def run(page: Any, root: str) -> None:
        page.eval_on_selector(
            root,
            """(root, labels) => labels.forEach(label => [...root.querySelectorAll('button')]
                .find(b => b.textContent.trim().startsWith(label)).click())""",
            list(labels),
        )

    return run


BURSTS = {
    "heatmap_explorer": burst_typing("input[name=sentence]", "the queen and the king ruled"),
    "contextualisation_probe": burst_typing("input[name=word]", "hot"),
    "dot_product_playground": burst_typing("input[name=query]", "3, -1"),
    "saturation_lab": burst_keys("input[name=d_k]", *["ArrowRight"] * 12, "ArrowLeft"),
    "mask_explorer": burst_keys("input[name=kind]:checked", "ArrowRight", "ArrowRight", "ArrowLeft"),
    "multi_head_viewer": burst_keys("select[name=n_heads]", "ArrowDown", "ArrowDown", "ArrowUp"),
    "step_through": burst_clicks("New random numbers", "New random numbers", "New random numbers"),
    "code_runner": burst_typing("textarea[name=code]", "print(6 * 7)"),
}


def go_live(page: Any, root: str) -> None:
    """Start the runtime for the widget: a change to recompute, or (with a Run button) focus in its code."""
    if page.locator(f"{root} [type=submit]").count():
        page.focus(f"{root} textarea")  # intent: the runtime warms up; nothing runs before Run
    else:
        nudge(page, root)


@pytest.mark.parametrize("name", list(BURSTS))
def test_rapid_input_ends_on_the_last_state(
    browsing: Browsing, server: Server, site_dir: Path, name: str
) -> None:
    """A burst of input while answers are on their way: the widget settles on the state of the
    last input, and shows what a fresh page given that state (by link) computes."""
    root = f"[data-widget={name}]"
    page, dialogs = armed_page(browsing, server.url + widget_page(site_dir, name), known_states=False)
    go_live(page, root)  # first: the burst then races real computations
    page.wait_for_function(
        f"document.querySelector({root!r}).dataset.state === 'ready'", timeout=READY_TIMEOUT_MS
    )
    initial = rounded(page.inner_html(f"{root} [data-output]"))
    BURSTS[name](page, root)
    if name == "code_runner":
        page.keyboard.press("Control+Enter")
        page.keyboard.press("Control+Enter")
    page.wait_for_timeout(1500)  # every answer in, the fragment written (debounced)
    page.wait_for_function(
        f"document.querySelector({root!r}).dataset.state === 'ready'", timeout=READY_TIMEOUT_MS
    )
    settled = rounded(page.inner_html(f"{root} [data-output]"))
    link = page.url
    assert "#" in link, "the burst was not remembered in the URL"
    fresh, _ = armed_page(browsing, link, known_states=False)
    go_live(fresh, root)
    fresh.wait_for_function(
        f"document.querySelector({root!r}).dataset.state === 'ready'", timeout=READY_TIMEOUT_MS
    )
    if name == "code_runner":  # code from a link waits for Run
        answered(fresh, root, lambda: fresh.click(f"{root} [type=submit]"))
    else:
        fresh.wait_for_timeout(1000)
    assert rounded(fresh.inner_html(f"{root} [data-output]")) == settled
    assert settled != initial, "the burst changed nothing"
    assert dialogs == [] and not browsing.console_errors, browsing.console_errors[:5]


FLOAT = re.compile(r"-?\d+\.\d{7,}(?:e[-+]?\d+)?")


def rounded(html: str) -> str:
    """Long floats cut to 10 digits (Pyodide's libm may differ from a run's in the last bit)."""
    return FLOAT.sub(lambda m: f"{float(m.group()):.10g}", html)
