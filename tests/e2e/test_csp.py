"""Every page's Content-Security-Policy (explainer.sitebuild.csp): only the site's own scripts run.

No page reports a violation while it loads and while a widget goes live (Pyodide in its
worker), and an inline script injected into a page is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

Browsing = Server = Any  # fixtures from conftest.py

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


def site_pages(site: Path) -> list[str]:
    return [
        p.relative_to(site).as_posix()
        for p in sorted(site.rglob("*.html"))
        if p.parts[len(site.parts)] not in ("assets", "pyodide")
    ]


def test_every_page_carries_a_policy_and_reports_no_violation(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = browsing.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    found = {}
    for url in site_pages(site_dir):
        page.goto(server.url + url, wait_until="load")
        policy = page.get_attribute('head > meta[http-equiv="Content-Security-Policy"]', "content")
        assert (
            policy and "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
        )
        page.evaluate("() => new Promise(requestAnimationFrame)")  # let the theme's scripts run
        violations = page.evaluate("window.__violations")
        if violations:
            found[url] = violations
    assert not found, found
    assert not [e for e in browsing.console_errors if "Content Security Policy" in e]


def test_a_widget_goes_live_under_the_policy_and_an_injected_script_is_refused(
    browsing: Browsing, server: Server
) -> None:
    page = browsing.new_page(known_states=False)  # the mask then goes to the runtime
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(server.url + "masks/", wait_until="load")
    page.click('[data-widget="mask_explorer"] input[name="kind"][value="none"]')
    page.wait_for_selector('[data-widget="mask_explorer"][data-state="ready"]')
    assert page.evaluate("window.__violations") == []
    ran = page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__injected = true";
            document.head.append(script);
            return window.__injected === true;
        }"""
    )
    assert ran is False
    assert any(v.startswith("script-src") for v in page.evaluate("window.__violations"))
