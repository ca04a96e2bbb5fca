"""End-to-end fixtures: the built site served on 127.0.0.1, headless Chromium, the network cut off.

``make test`` builds the site first; ``EXPLAINER_SITE_DIR`` (default ``site/``) points elsewhere.
Without a built site (or without Playwright/Chromium) every test here is skipped.

Every page a test opens goes through :class:`Browsing`, which
- aborts any request that is not for 127.0.0.1 and records it (tests assert none);
- records console errors and uncaught exceptions (tests assert none).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
READY_TIMEOUT_MS = 90_000


def configured_site() -> Path:
    """The built site to test: ``$EXPLAINER_SITE_DIR`` or ``site/``."""
    return Path(os.environ.get("EXPLAINER_SITE_DIR", ROOT / "site"))


def _site_problem(site: Path) -> str | None:
    """Why the e2e tests cannot run against ``site``, or ``None``."""
    if not (site / "index.html").is_file():
        return f"no built site in {site} (run `make build`)"
    if not (site / "assets" / "widgets" / "runtime.json").is_file():
        return f"{site} has no widget runtime (explainer.sitebuild.runtime did not run)"
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    problem = _site_problem(configured_site())
    if problem and "EXPLAINER_SITE_DIR" in os.environ:  # `make test` asked for this site: no silent skip
        raise pytest.UsageError(f"e2e tests: {problem}")
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if problem:
                item.add_marker(pytest.mark.skip(reason=problem))


@pytest.fixture(scope="session")
def site_dir() -> Path:
    return configured_site()


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, silent; ``damage`` may refuse or corrupt some paths (failure tests)."""

    damage: Callable[[str], str | None] = staticmethod(lambda path: None)
    extra_pages: dict[str, bytes] = {}  # noqa: RUF012 (set per server by type())

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        super().end_headers()

    def send_head(self):  # type: ignore[no-untyped-def]
        import io

        if self.path in self.extra_pages:
            body = self.extra_pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        what = self.damage(self.path)
        if what == "missing":
            self.send_error(404, "removed for this test")
            return None
        if what == "corrupt":
            body = b"this is not the file you are looking for"
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(self.path))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()


@dataclass
class Server:
    """A running http.server thread serving a directory on 127.0.0.1."""

    url: str
    httpd: http.server.ThreadingHTTPServer


def serve(
    directory: Path,
    damage: Callable[[str], str | None] | None = None,
    extra_pages: dict[str, bytes] | None = None,
) -> Server:
    """Serve ``directory`` on 127.0.0.1 (a free port) from a daemon thread.

    ``damage(path)`` may answer "missing" or "corrupt" for a path; ``extra_pages`` adds pages.
    """
    handler = type(
        "Handler",
        (_Handler,),
        {"damage": staticmethod(damage or (lambda path: None)), "extra_pages": extra_pages or {}},
    )
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return Server(f"http://127.0.0.1:{httpd.server_address[1]}/", httpd)


@pytest.fixture(scope="session")
def server(site_dir: Path) -> Iterator[Server]:
    running = serve(site_dir)
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


@pytest.fixture(scope="session")
def serve_site() -> Callable[..., Server]:
    """:func:`serve`, for tests that need a second, damaged copy of the site."""
    return serve


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Browsing:
    """One test's pages (in the shared context), with the network cut off and every problem recorded."""

    context: Any
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    pages: list[Any] = field(default_factory=list)

    def route(self, route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("internetdisconnected")

    def new_page(self, *, known_states: bool = True) -> Any:
        """A page of the shared context; ``known_states=False`` serves every page without its
        ``<template data-known>`` elements, so every change goes to the runtime (as before the
        build shipped them): for tests of the live runtime itself."""
        page = self.context.new_page()
        if not known_states:
            page.route("**/*", _without_known_states)
        page.on(
            "console", lambda m: m.type == "error" and self.console_errors.append(f"{page.url}: {m.text}")
        )
        page.on("pageerror", lambda e: self.page_errors.append(f"{page.url}: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))
        page.wait_for_function = functools.partial(wait_until, page)
        self.pages.append(page)
        return page


_KNOWN = re.compile(r'<template data-known="[^"]*"[^>]*>.*?</template>', re.S)


def _without_known_states(route: Any) -> None:
    """Documents with their known states removed; every other request as usual."""
    if route.request.resource_type != "document":
        route.fallback()
        return
    response = route.fetch()
    route.fulfill(response=response, body=_KNOWN.sub("", response.text()))


NUDGE_JS = """(selector) => {
    for (const root of document.querySelectorAll(selector)) {
        if (root.querySelector("form [type=submit]")) continue;  // the code runner waits for Run
        root.querySelector("form [name]").dispatchEvent(new Event("change", {bubbles: true}));
    }
}"""


def nudge(page: Any, selector: str = "[data-widget]:has(form)") -> None:
    """Ask every matching widget to recompute its current state, as a change does (no value changes)."""
    page.evaluate(NUDGE_JS, selector)


_FUNCTION = re.compile(r"\s*(?:async\b|function\b|\(?[\w\s,]*\)?\s*=>)")
_POLL_JS = """async ([arg, ms, label]) => {{
    const test = {predicate};
    const until = performance.now() + ms;
    while (!(await test(arg))) {{
        if (performance.now() > until) throw new Error(`not true within ${{ms}} ms: ${{label}}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
    }}
}}"""


def wait_until(page: Any, predicate: str, *, arg: Any = None, timeout: float = READY_TIMEOUT_MS) -> None:
    """Wait until the JavaScript ``predicate`` (an expression, or a function of ``arg``) holds.

    Playwright's own ``wait_for_function`` evaluates its predicate with ``eval``, which the
    pages' Content-Security-Policy forbids; here the predicate is part of the function
    Playwright calls through the debugger, which the policy does not govern. Every page
    that :meth:`Browsing.new_page` opens uses this as its ``wait_for_function``.
    """
    body = predicate if _FUNCTION.match(predicate) else f"() => ({predicate})"
    page.evaluate(_POLL_JS.format(predicate=body), [arg, timeout, predicate[:80]])


@dataclass
class _Current:
    """The Browsing of the running test (the shared context's route handler reports to it)."""

    browsing: Browsing | None = None


@pytest.fixture(scope="session")
def shared_context(browser: Any) -> Iterator[tuple[Any, _Current]]:
    """One context for the session, so Pyodide is fetched and compiled once, as for a returning reader."""
    context = browser.new_context()
    current = _Current()

    def route(route: Any) -> None:
        if current.browsing is None:
            route.abort("internetdisconnected")
        else:
            current.browsing.route(route)

    context.route("**/*", route)
    context.set_default_timeout(READY_TIMEOUT_MS)
    yield context, current
    context.close()


@pytest.fixture
def browsing(shared_context: tuple[Any, _Current]) -> Iterator[Browsing]:
    """Pages for one test; afterwards no request may have left 127.0.0.1 and no script may have thrown."""
    context, current = shared_context
    state = Browsing(context)
    current.browsing = state
    yield state
    for page in state.pages:
        page.close()
    current.browsing = None
    assert not state.blocked, f"requests to other hosts were attempted: {state.blocked[:5]}"
    assert not state.page_errors, f"uncaught errors: {state.page_errors[:5]}"
