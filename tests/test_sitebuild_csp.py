"""Tests for explainer.sitebuild.csp: the per-page Content-Security-Policy."""

from __future__ import annotations

import base64
import hashlib

from explainer.sitebuild.csp import policy_for, with_csp


def _sha(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def test_each_executable_inline_script_is_hashed_once_and_nothing_else_is_allowed() -> None:
    page = (
        '<head><script>a()</script><script>a()</script><script type="module">b()</script>'
        '<script id="__config" type="application/json">{"x": 1}</script>'
        '<script src="assets/x.js"></script></head>'
    )
    scripts = policy_for(page).split("; ")[1].split()
    assert scripts == ["script-src", "'self'", _sha("a()"), _sha("b()")]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in policy_for(page)


def test_the_policy_is_the_first_thing_in_head_and_allows_the_worker_and_data_images() -> None:
    out = with_csp("<html><head><title>t</title></head><body></body></html>")
    assert out.startswith('<html><head><meta http-equiv="Content-Security-Policy" content="default-src')
    policy = policy_for("<head></head>")
    assert (
        "worker-src 'self'" in policy and "img-src 'self' data:" in policy and "object-src 'none'" in policy
    )


def test_a_changed_inline_script_changes_the_policy() -> None:
    assert policy_for("<script>a()</script>") != policy_for("<script>a(1)</script>")
