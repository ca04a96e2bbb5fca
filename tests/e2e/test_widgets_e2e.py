"""The built site in headless Chromium, offline: widgets go live, compute what the terminal tool computes.

Every test runs with every request to another host aborted and recorded (see conftest.py),
and fails if any was attempted or any script threw.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np
import pytest

from explainer.widgets import RUN_MESSAGES, needs_numpy_more
from tests.e2e.conftest import nudge

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_MS = 90_000
Browsing = Server = Any  # fixtures from conftest.py
SENTENCE = "the cat sat on the mat because it was tired"
WIDGET_RE = re.compile(r'data-widget="([a-z_]+)"')


def site_pages(site: Path) -> dict[str, list[str]]:
    """Every HTML page of the site (relative URL) -> the widget names on it."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        if path.parts[len(site.parts)] in ("assets", "pyodide"):
            continue
        url = path.relative_to(site).as_posix()
        pages[url] = WIDGET_RE.findall(path.read_text(encoding="utf-8", errors="replace"))
    return pages


def widget_page(site: Path, name: str) -> str:
    """The first page holding widget ``name``."""
    for url, names in site_pages(site).items():
        if name in names:
            return url
    pytest.skip(f"no page of the site has a {name} widget")


FLOAT_RE = re.compile(r"-?\d+\.\d{7,}(?:e[-+]?\d+)?")


def rounded_numbers(html: str) -> str:
    """``html`` with long floats cut to 10 significant digits.

    Pyodide's numpy 2.0.2 (wasm libm) and the host's numpy may differ in the last
    bit of an ``exp``; a full-precision ``data-weight`` then differs in its 16th digit.
    """
    return FLOAT_RE.sub(lambda m: f"{float(m.group()):.10g}", html)


LIVE = "[data-widget]:has(form)"  # widgets without a form (head_grid) stay static by design


def states(page: Any) -> list[str]:
    return page.eval_on_selector_all(LIVE, "els => els.map(e => e.dataset.state)")


def live_names(page: Any) -> list[str]:
    return page.eval_on_selector_all(LIVE, "els => els.map(e => e.dataset.widget)")


def outputs(page: Any) -> list[str]:
    return page.eval_on_selector_all(f"{LIVE} [data-output]", "els => els.map(e => e.innerHTML)")


def interact(page: Any, root: str = LIVE) -> None:
    """Intent that changes nothing: focus a field of the widget to type in (the runtime starts)."""
    page.locator(f"{root} form :is(input[type=text], textarea)").first.focus()


# The pages' Content-Security-Policy forbids eval, and Playwright's wait_for_function evaluates its
# predicate with eval; these helpers wait with selectors and with promises instead.


def wait_all(page: Any, state: str) -> None:
    """Wait until every live widget on the page is in ``state`` (no live widget in another one)."""
    page.wait_for_selector(f"{LIVE}:not([data-state='{state}'])", state="detached", timeout=READY_TIMEOUT_MS)


ARM_RESULT = """([root, ms]) => {
    window.__result = new Promise((resolve, reject) => {
        document.querySelector(root).addEventListener("explainer:result", () => resolve(true), {once: true});
        setTimeout(() => reject(new Error(`no result from ${root} within ${ms} ms`)), ms);
    });
}"""


def wait_result(page: Any, root: str, action: Any) -> None:
    """Run ``action`` and wait for the widget at ``root`` to apply a new result."""
    page.evaluate(ARM_RESULT, [root, READY_TIMEOUT_MS])
    action()
    page.evaluate("() => window.__result")  # resolves on the widget's explainer:result event


def cli_weights(sentence: str, *flags: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "explainer", "--json", *flags, sentence],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return dict(json.loads(done.stdout))


def heatmap_weights(page: Any, root: str) -> list[list[float]]:
    cells = page.eval_on_selector_all(
        f"{root} [data-output] [data-row][data-col]",
        "els => els.map(e => [+e.dataset.row, +e.dataset.col, e.dataset.weight])",
    )
    n = max(r for r, _, _ in cells) + 1
    matrix = [[float("nan")] * n for _ in range(n)]
    for r, c, w in cells:
        matrix[r][c] = float(w)
    return matrix


def test_site_has_widgets(site_dir: Path) -> None:
    found = {name for names in site_pages(site_dir).values() for name in names}
    assert {"heatmap_explorer", "saturation_lab"} <= found, found


def test_no_page_fetches_pyodide_before_interaction(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = browsing.new_page()
    for url in [u for u, names in site_pages(site_dir).items() if names]:
        page.goto(server.url + url, wait_until="networkidle")
    runtime = [u for u in browsing.requests if "/pyodide/" in u or "/assets/glove/" in u or "worker.js" in u]
    assert runtime == []
    assert not browsing.console_errors, browsing.console_errors


def test_every_page_loads_without_console_errors(browsing: Browsing, server: Server, site_dir: Path) -> None:
    page = browsing.new_page()
    for url in site_pages(site_dir):
        page.goto(server.url + url, wait_until="load")
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_every_widget_goes_live_with_the_prerendered_result(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = browsing.new_page(known_states=False)
    for url, names in site_pages(site_dir).items():
        if not names:
            continue
        page.goto(server.url + url)
        more = [u for u in browsing.requests if u.endswith("/numpy_more.zip")]
        before, names = outputs(page), live_names(page)
        if not page.locator(f"{LIVE}:not(:has([type=submit]))").count():
            continue  # only widgets that wait for Run (code, the model download): nothing recomputes here
        assert set(states(page)) == {"static"}
        assert page.locator("template[data-known]").count() == 0
        nudge(page)
        wait_all(page, "ready")
        after = outputs(page)
        # What a widget's own script announced for screen readers after the result is not the result.
        after = [re.sub(r'(<div class="st-live" aria-live="polite">).*?(</div>)', r"\1\2", a) for a in after]
        for name, old, new in zip(names, before, after, strict=True):
            if name != "code_runner":  # the runner waits for Run; its output stays as built
                assert rounded_numbers(new) == rounded_numbers(old), f"{url}: {name}'s live result differs"
        assert any("/pyodide/pyodide.asm.wasm" in u for u in browsing.requests)
        if not set(names) & set(needs_numpy_more()):  # numpy's rarely used modules: not downloaded
            assert [u for u in browsing.requests if u.endswith("/numpy_more.zip")] == more, url
    # Every widget computes with the standard library the worker starts with: no reader of a widget
    # waits for the rest of it (the build's session under Node saw the same imports).
    assert not [u for u in browsing.requests if "python_stdlib_more" in u]
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_typed_sentence_matches_the_terminal_tool(browsing: Browsing, server: Server, site_dir: Path) -> None:
    root = "[data-widget=heatmap_explorer]"
    page = browsing.new_page()
    page.goto(server.url + widget_page(site_dir, "heatmap_explorer"))
    box = page.locator(f"{root} input[name=sentence]").first
    wait_result(page, root, lambda: box.fill(SENTENCE))
    flags = [
        flag
        for name, flag in (("no_self", "--no-self"), ("causal", "--causal"))
        if page.locator(f"{root} input[name={name}]").first.is_checked()
    ]
    if not page.locator(f"{root} input[name=scale]").first.is_checked():
        flags.append("--no-scale")
    expected = cli_weights(SENTENCE, *flags)
    got = heatmap_weights(page, f"{root}")
    assert len(got) == len(expected["tokens"])
    np.testing.assert_allclose(got, expected["weights"], rtol=1e-9, atol=1e-12)
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_clicking_a_cell_shows_its_computation(browsing: Browsing, server: Server, site_dir: Path) -> None:
    root = "[data-widget=heatmap_explorer]"
    page = browsing.new_page()
    page.goto(server.url + widget_page(site_dir, "heatmap_explorer"))
    interact(page, root)
    wait_all(page, "ready")
    cell = page.locator(f"{root} [data-output] [data-row='1'][data-col='0'][data-set]").first
    weight = float(cell.get_attribute("data-weight") or "nan")
    wait_result(page, root, cell.click)
    text = page.locator(f"{root} .explainer-computation").inner_text()
    assert "Dot product" in text and "Denominator" in text
    assert f"{weight:.6f}"[:6] in text.replace(",", "")
    # The same cell keeps keyboard focus after the output is replaced.
    focused = page.evaluate("document.activeElement.getAttribute('data-set')")
    assert focused == "cell=1,0"
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_fragment_link_restores_the_state(browsing: Browsing, server: Server, site_dir: Path) -> None:
    root = "[data-widget=heatmap_explorer]"
    page = browsing.new_page()
    page.goto(server.url + widget_page(site_dir, "heatmap_explorer"))
    box = page.locator(f"{root} input[name=sentence]").first
    wait_result(page, root, lambda: box.fill("the king and the queen"))
    wait_result(
        page,
        root,
        lambda: page.locator(f"{root} [data-output] [data-row='2'][data-col='4'][data-set]").first.click(),
    )
    page.wait_for_url(lambda url: '"cell":"2,4"' in unquote(url))  # the fragment is written debounced
    link = page.url
    weights = heatmap_weights(page, root)
    other = browsing.new_page()
    other.goto(link)
    wait_all(other, "ready")  # restoring from the link counts as interaction
    assert other.locator(f"{root} input[name=sentence]").first.input_value() == "the king and the queen"
    assert heatmap_weights(other, root) == weights
    assert other.locator(f"{root} .explainer-computation").count() == 1
    assert not browsing.console_errors, browsing.console_errors[:5]


@pytest.mark.parametrize("damage", ["missing", "corrupt", "corrupt, slow start"])
def test_runtime_failure_is_reported_and_static_content_stays(
    browsing: Browsing, site_dir: Path, serve_site: Any, damage: str
) -> None:
    """Damaged runtime files end in the error state with a reason, the pre-rendered output kept.

    "slow start": the interpreter arrives 3 s late, as on a busy machine, so the damaged wheels
    fail before Python is up (Pyodide 0.27 then throws where loadPyodide never hears of it).
    """

    def break_pyodide(path: str) -> str | None:
        if damage == "missing" and path.startswith("/pyodide/"):
            return "missing"
        if damage.endswith("slow start") and path.startswith("/pyodide/pyodide.asm.wasm"):
            time.sleep(3)  # this server thread answers late; the test waits on states, not on this
        if damage.startswith("corrupt") and re.match(r"/pyodide/(numpy|explainer)-.*\.whl", path):
            return "corrupt"
        return None

    broken = serve_site(site_dir, break_pyodide)
    try:
        page = browsing.new_page()
        page.goto(broken.url + widget_page(site_dir, "heatmap_explorer"))
        before = outputs(page)
        interact(page)
        wait_all(page, "error")
        status = page.locator("[data-widget] .explainer-status").first.inner_text()
        assert "could not load" in status
        if damage.startswith("corrupt"):
            assert re.search(r"sha256|could not be loaded", status), status
        assert outputs(page) == before
    finally:
        broken.httpd.shutdown()
        broken.httpd.server_close()


def page_of(*widgets: tuple[str, dict[str, Any]]) -> bytes:
    """A page at the site root holding ``(name, state)`` widgets, prerendered and linked like a built page."""
    from explainer.widgets import prerender

    body = "".join(prerender(name, state) for name, state in widgets)
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>widgets</title>'
        '<link rel="stylesheet" href="assets/widgets/widgets.css">'
        '<script src="assets/widgets/loader.js" defer></script></head>'
        f"<body>{body}</body></html>"
    ).encode()


def code_runner_page(code: str) -> bytes:
    """A test page at the site root holding one code runner."""
    return page_of(("code_runner", {"code": code}))


@pytest.fixture
def runner_server(site_dir: Path, serve_site: Any) -> Any:
    pages = {
        "/__plot.html": code_runner_page(
            "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nprint('drawn')"
        ),
        "/__loop.html": code_runner_page("print('first')"),  # prerendering runs the code: no loop here
    }
    running = serve_site(site_dir, extra_pages=pages)
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


def test_code_runner_loads_matplotlib_only_when_imported(browsing: Browsing, runner_server: Server) -> None:
    page = browsing.new_page()
    page.goto(runner_server.url + "__plot.html")
    interact(page)
    wait_all(page, "ready")
    assert not [u for u in browsing.requests if "/matplotlib-" in u]  # not loaded for the page
    wait_result(page, LIVE, lambda: page.locator(f"{LIVE} [type=submit]").click())
    output = page.locator(f"{LIVE} [data-output]")
    assert "drawn" in output.inner_text()
    assert output.locator("img, svg").count() >= 1
    assert [u for u in browsing.requests if "/matplotlib-" in u]
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_an_endless_loop_is_stopped_and_python_restarts(browsing: Browsing, runner_server: Server) -> None:
    page = browsing.new_page()
    page.goto(runner_server.url + "__loop.html")
    page.locator(f"{LIVE} textarea[name=code]").fill("while True:\n    pass")
    wait_all(page, "ready")
    page.locator(f"{LIVE} [type=submit]").click()
    stopped = RUN_MESSAGES["stopped"][0]
    page.locator(f"{LIVE} [data-output]", has_text=stopped[:20]).wait_for(timeout=READY_TIMEOUT_MS)
    page.locator(f"{LIVE} textarea[name=code]").fill("print(6 * 7)")
    wait_result(page, LIVE, lambda: page.locator(f"{LIVE} [type=submit]").click())
    assert "42" in page.locator(f"{LIVE} [data-output]").inner_text()


STATISTICS = "import statistics\nprint(statistics.mean([1, 2, 6]))"  # a module no widget imports


RUNNER = '[data-widget="code_runner"]'


def run_code(page: Any, code: str) -> str:
    """Type ``code`` into the page's code runner once it is live, run it: the output's text."""
    page.locator(f"{RUNNER} textarea[name=code]").fill(code)
    wait_all(page, "ready")
    wait_result(page, RUNNER, lambda: page.locator(f"{RUNNER} [type=submit]").click())
    return str(page.locator(f"{RUNNER} [data-output]").inner_text())


def test_a_rarely_used_stdlib_module_downloads_on_first_import(
    browsing: Browsing, runner_server: Server
) -> None:
    page = browsing.new_page()
    page.goto(runner_server.url + "__loop.html")
    page.locator(f"{LIVE} textarea[name=code]").fill("print(6 * 7)")
    wait_all(page, "ready")
    assert [u for u in browsing.requests if u.endswith("/python_stdlib_hot.zip")]
    assert not [u for u in browsing.requests if u.endswith("/python_stdlib_more.zip")]  # not for widgets
    assert run_code(page, STATISTICS).strip().endswith("3")
    assert [u for u in browsing.requests if u.endswith("/python_stdlib_more.zip")]
    assert not [u for u in browsing.requests if u.endswith("/python_stdlib.zip")]  # the whole one: Node's
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_a_module_pyodide_imports_but_never_reads_loads_on_first_use(
    browsing: Browsing, runner_server: Server
) -> None:
    """Pyodide's start-up imports tarfile as a stand-in (explainer.lazy_modules.STDLIB_DEFERRED):
    the first read of one of its names downloads the rest of the standard library, once."""
    page = browsing.new_page()
    page.goto(runner_server.url + "__loop.html")

    def more() -> list[str]:
        return [u for u in browsing.requests if u.endswith("/python_stdlib_more.zip")]

    kind = "import sys\nprint(type(sys.modules['tarfile']).__name__)"
    assert run_code(page, kind).strip().endswith("StandIn") and more() == []
    read = (
        "import io, tarfile\nwith tarfile.open(fileobj=io.BytesIO(), mode='w') as t:\n    print(t.getnames())"
    )
    assert run_code(page, read).strip().endswith("[]") and len(more()) == 1
    names = "import tarfile\nprint(type(tarfile).__name__, 'TarFile' in dir(tarfile))"
    assert run_code(page, names).strip().endswith("module True") and len(more()) == 1
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_a_failed_stdlib_download_is_reported_and_the_code_is_kept(
    browsing: Browsing, site_dir: Path, serve_site: Any
) -> None:
    said = "statistics is part of Python's standard library"
    failed_download(browsing, serve_site(site_dir, **without("python_stdlib_more.zip")), STATISTICS, said)


def without(archive: str) -> dict[str, Any]:
    """``serve_site`` arguments: the site with a code runner page (``__loop.html``) and no ``archive``."""
    pages = {"/__loop.html": code_runner_page("print('first')")}
    return {"damage": lambda path: "missing" if path.endswith("/" + archive) else None, "extra_pages": pages}


def failed_download(browsing: Browsing, missing: Server, code: str, said: str, page: Any = None) -> None:
    """Running ``code`` on the damaged copy says ``said`` and HTTP 404; the code stays; Python answers.

    ``page``: already open on the copy's ``__loop.html`` (else a new page opens it).
    """
    try:
        if page is None:
            page = browsing.new_page()
            page.goto(missing.url + "__loop.html")
        output = run_code(page, code)
        assert said in output, output
        assert "HTTP 404" in output, output
        assert page.locator(f"{LIVE} textarea[name=code]").input_value() == code
        assert "42" in run_code(page, "print(6 * 7)")  # the runtime still answers
    finally:
        missing.httpd.shutdown()
        missing.httpd.server_close()


def test_the_mask_explorers_trap_stays_open_when_the_widget_goes_live_and_recomputes(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    """A <details data-keep> the reader opened survives every replacement of the output region."""
    root = "[data-widget=mask_explorer]"
    trap = f"{root} [data-output] details[data-keep=trap]"
    page = browsing.new_page()
    page.goto(server.url + widget_page(site_dir, "mask_explorer"))
    assert page.eval_on_selector(trap, "d => d.open") is False
    page.locator(f"{trap} > summary").click()
    assert page.eval_on_selector(trap, "d => d.open") is True
    # Every mask is a known state: the output is replaced from the page's own templates.
    wait_result(page, root, lambda: page.locator(f"{root} input[name=kind][value=causal_no_self]").check())
    assert page.eval_on_selector(trap, "d => d.open") is True
    caption = page.locator(f"{root} .explainer-heatmap caption").inner_text()
    assert "except row 1 (policy), which is fully masked" in caption
    # Closed by the reader, it stays closed too.
    page.locator(f"{trap} > summary").click()
    wait_result(page, root, lambda: page.locator(f"{root} input[name=kind][value=none]").check())
    assert page.eval_on_selector(trap, "d => d.open") is False
    assert not browsing.console_errors, browsing.console_errors[:5]


CHAPTER_LINK = re.compile(r'<li><a href="([^"]+)">(\d+b? · [^<]+)</a>')


def test_every_chapter_has_its_number_what_youll_learn_and_next_as_the_home_page_lists(
    site_dir: Path,
) -> None:
    """The home page lists the chapters in order; each page carries the promise of that list."""
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    chapters = CHAPTER_LINK.findall(home)
    numbers = [label.split(" · ")[0] for _, label in chapters]
    assert numbers == [*"1234567", "7b", *map(str, range(8, 15))]
    for (href, label), following in zip(chapters, [*chapters[1:], None], strict=True):
        html = (site_dir / href / "index.html").read_text(encoding="utf-8")
        title = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
        number = label.split(" · ")[0]
        assert title is not None and re.sub(r"<[^>]+>", "", title.group(1)).startswith(f"{number} · "), href
        assert "<strong>What you'll learn:</strong>" in html.replace("&#39;", "'"), href
        if following is not None:
            nxt = re.search(r"<strong>Next:</strong> <a href=\"([^\"]+)\">([^<]+)</a>", html)
            assert nxt is not None and nxt.group(2).startswith(following[1].split(" · ")[0] + " · "), href
            assert nxt.group(1).rstrip("/").endswith(following[0].rstrip("/")), (href, nxt.group(1))
