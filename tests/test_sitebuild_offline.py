"""Tests for explainer.sitebuild.offline: spotting and removing requests to other hosts."""

from __future__ import annotations

import pytest

from explainer.sitebuild.offline import external_resources, is_external, strip_notebook_cdn


@pytest.mark.parametrize(
    "html",
    [
        '<script src="https://cdn.jsdelivr.net/npm/mathjax@3"></script>',
        '<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Roboto">',
        '<link rel="preconnect" href="https://fonts.gstatic.com">',
        '<img src="http://example.org/a.png">',
        '<img srcset="a.png 1x, https://x.org/b.png 2x">',
        "<style>@import 'https://x.org/a.css';</style>",
        '<div style="background: url(https://x.org/bg.png)"></div>',
        '<svg><image href="https://x.org/i.png"/></svg>',
        '<iframe src="https://www.youtube.com/embed/x"></iframe>',
    ],
)
def test_external_resources_are_found(html: str) -> None:
    assert len(external_resources(html)) == 1


@pytest.mark.parametrize(
    "html",
    [
        '<a href="https://arxiv.org/abs/1706.03762">the paper</a>',
        '<link rel="canonical" href="https://example.github.io/site/">',
        '<script src="../assets/katex/katex.min.js"></script>',
        '<img src="data:image/png;base64,AAAA">',
        "<style>.a { background: url(../img/x.svg) }</style>",
        "<p>https://not-a-resource.org</p>",
    ],
)
def test_local_resources_and_plain_links_pass(html: str) -> None:
    assert external_resources(html) == []


def test_is_external_recognises_schemes() -> None:
    assert is_external("HTTPS://A.B/c") and is_external(" //cdn/x.js") and is_external("wss://x")
    assert not is_external("assets/x.js") and not is_external("/abs/path.css") and not is_external("#top")


def test_strip_notebook_cdn_removes_mathjax_and_external_scripts_only() -> None:
    html = (
        '<script src="https://cdnjs.cloudflare.com/mathjax/latest.js?config=TeX"> </script>\n'
        '<script type="text/x-mathjax-config">\ninit_mathjax = function() {};\n</script>\n'
        '<script src=""></script>'
        '<script src="local.js"></script><p>$x^2$</p>'
    )
    out = strip_notebook_cdn(html)
    assert "mathjax" not in out.lower()
    assert '<script src="local.js"></script><p>$x^2$</p>' in out
    assert external_resources(out) == []
