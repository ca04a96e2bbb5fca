"""Tests for explainer.sitebuild.plugin: the glue, driven through real (small) MkDocs builds."""

from __future__ import annotations

import json
import textwrap
import types
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError

from explainer.sitebuild.plugin import ExplainerPlugin

REPO = Path(__file__).resolve().parents[1]
KATEX = REPO / "node_modules" / "katex" / "dist"


def make_site(
    root: Path, pages: dict[str, str], math: bool = False, results: Path | None = None
) -> MkDocsConfig:
    """A tiny site under ``root`` using the plugin, its figure cache inside ``root``."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (docs / name).write_text(textwrap.dedent(text), encoding="utf-8")
    math_line = f"      math_assets: {KATEX}\n" if math else ""
    math_line += f"      benchmark_results: {results}\n" if results else ""
    (root / "mkdocs.yml").write_text(
        "site_name: t\ntheme:\n  name: mkdocs\n  highlightjs: false\n"
        "plugins:\n  - explainer:\n      pyodide: none\n"
        f"      cache_dir: {root / 'figcache'}\n{math_line}"
        "markdown_extensions: [admonition, tables, {pymdownx.arithmatex: {generic: true}}]\n",
        encoding="utf-8",
    )
    return load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))


def plugin_of(config: MkDocsConfig) -> ExplainerPlugin:
    plugin = config.plugins["explainer"]
    assert isinstance(plugin, ExplainerPlugin)
    return plugin


def build_fails_with(config: MkDocsConfig, caplog: pytest.LogCaptureFixture, *fragments: str) -> None:
    """The build stops, and its error (raised or logged by MkDocs) holds every fragment."""
    with pytest.raises((PluginError, Abort)) as info:
        build(config)
    message = str(info.value) + "\n" + caplog.text
    for fragment in fragments:
        assert fragment in message


def test_blocks_and_values_become_html(tmp_path: Path) -> None:
    config = make_site(
        tmp_path,
        {
            "index.md": """\
        # Scores

        The scores are {{ dot_product_example().scores }}; C gets {{ softmax_example().weights[0] | .0% }}.

        !!! note "In an admonition"

            ```explainer
            figure: softmax_scores
            caption: Softmax of the scores.
            ```

        ```explainer
        cli: --query it "the cat sat because it was tired"
        ```
        """
        },
    )
    build(config)
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "The scores are [61, 8, 26]; C gets 100%." in html
    assert 'src="figures/softmax_scores-light.svg#only-light"' in html
    assert 'src="figures/softmax_scores-dark.svg#only-dark"' in html
    assert "<p><figure" not in html and "EXPLAINERSTASH" not in html
    assert "<figcaption>Softmax of the scores.</figcaption>" in html
    assert "$ python -m explainer --query it" in html
    for theme in ("light", "dark"):
        svg = (tmp_path / "site" / "figures" / f"softmax_scores-{theme}.svg").read_bytes()
        assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert not (tmp_path / "docs" / "figures").exists()  # never written into docs/


def test_rebuild_reuses_figures_from_memory(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"index.md": "```explainer\nfigure: softmax_scores\n```\n"})
    build(config)
    cache = plugin_of(config)._cache
    assert cache is not None and cache.misses == 2
    (tmp_path / "docs" / "index.md").write_text(
        "Edited prose.\n\n```explainer\nfigure: softmax_scores\n```\n"
    )
    build(config)
    assert (cache.misses, cache.hits) == (2, 2)
    assert "Edited prose." in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_table_block_renders_markdown_table(tmp_path: Path) -> None:
    from explainer.examples import tables

    name = sorted(tables())[0]
    table = tables()[name]()
    config = make_site(tmp_path, {"index.md": f"```explainer\ntable: {name}\n```\n"})
    build(config)
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "<table>" in html and f"<th>{table.headers[0]}</th>" in html


def test_math_is_rendered_at_build_time_and_only_css_and_fonts_are_copied(tmp_path: Path) -> None:
    config = make_site(
        tmp_path, {"index.md": "# Math\n\nInline $e^x < 1$ and\n\n$$\n\\frac{a}{b}\n$$\n"}, math=True
    )
    build(config)
    katex = tmp_path / "site" / "assets" / "katex"
    assert (katex / "katex.min.css").is_file() and list((katex / "fonts").glob("*.woff2"))
    assert not list(katex.rglob("*.js"))
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert html.count('<span class="katex">') == 2 and html.count('class="katex-display"') == 1
    assert '<annotation encoding="application/x-tex">e^x &lt; 1</annotation>' in html  # MathML kept
    assert "\\(" not in html and "\\[" not in html


@pytest.mark.parametrize(
    ("page", "fragments"),
    [
        ("```explainer\nfigure: no_such_figure\n```\n", ("index.md", "unknown figure(s) no_such_figure")),
        ("```explainer\ntable: no_such_table\n```\n", ("index.md", "unknown table 'no_such_table'")),
        (
            "x {{ softmax_example().nope }}\n",
            ("index.md", "{{ softmax_example().nope }} failed: AttributeError"),
        ),
        ("x {{ softmax_example() }}\n", ("index.md", "not a number, string or array")),
        ("```explainer\nwidget: no_such_widget\n```\n", ("index.md", "widget 'no_such_widget'")),
        ("```explainer\ncli: --no-such-flag x\n```\n", ("index.md", "exited with 2")),
        ("```explainer\nfigure softmax_scores\n```\n", ("index.md", "line 2", "expected 'key: value'")),
        ('<script src="https://cdn.example.org/x.js"></script>\n', ("index.md", "loads from another host")),
    ],
)
def test_mistakes_fail_the_build_naming_the_page(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, page: str, fragments: tuple[str, ...]
) -> None:
    build_fails_with(make_site(tmp_path, {"index.md": page}), caplog, *fragments)


def test_notebook_pages_lose_cdn_math_and_gain_a_download_link() -> None:
    plugin = ExplainerPlugin()
    plugin.load_config({})  # no math_assets: the math is left alone here
    page = types.SimpleNamespace(file=types.SimpleNamespace(src_uri="notebooks/demo.ipynb"))
    html = '<script src="https://cdn/mathjax.js"></script><div class="jupyter-wrapper">$x$</div>'
    out = plugin.on_page_content(html, page=page, config=None, files=None)  # type: ignore[arg-type]
    assert 'href="demo.ipynb" download="demo.ipynb"' in out
    assert "mathjax" not in out and '<div class="jupyter-wrapper">$x$</div>' in out


def test_widget_is_prerendered_outside_the_search_index(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"index.md": "# W\n\n```explainer\nwidget: saturation_lab\nd_k: 64\n```\n"})
    build(config)
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'data-widget="saturation_lab"' in html
    assert "EXPLAINERWIDGET" not in html and "explainer-widget-slot" not in html
    head = html[: html.index("</head>")]
    assert 'href="assets/widgets/widgets.css"' in head and "loader.js" not in head  # pyodide: none
    assert (tmp_path / "site" / "assets" / "widgets" / "content.css").is_file()


def test_a_figure_is_redrawn_when_a_data_file_it_reads_changes(tmp_path: Path) -> None:
    """After `make bench` rewrites the results, the next build redraws the cost figure (not a stale cache)."""
    results = tmp_path / "results"
    results.mkdir()
    measured = REPO / "benchmarks" / "results" / "attention_core.json"
    (results / "attention_core.json").write_bytes(measured.read_bytes())
    config = make_site(
        tmp_path, {"index.md": "# Cost\n\n```explainer\nfigure: cost_time_memory\n```\n"}, results=results
    )
    build(config)
    svg = tmp_path / "site" / "figures" / "cost_time_memory-light.svg"
    before = svg.read_bytes()
    build(config)
    assert svg.read_bytes() == before and plugin_of(config)._cache is not None
    hits = plugin_of(config)._cache.hits
    data = json.loads(measured.read_text(encoding="utf-8"))
    (results / "attention_core.json").write_text(json.dumps(_scaled(data, 2.0)), encoding="utf-8")
    build(config)
    assert svg.read_bytes() != before
    assert plugin_of(config)._cache.hits == hits  # both themes missed the cache: drawn again


def _scaled(value: object, factor: float) -> object:
    """Every float in a JSON value times ``factor`` (a benchmark re-run with other timings)."""
    if isinstance(value, float):
        return value * factor
    if isinstance(value, list):
        return [_scaled(v, factor) for v in value]
    if isinstance(value, dict):
        return {k: _scaled(v, factor) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("command", "policy"), [("build", True), ("gh-deploy", True), ("serve", False)])
def test_pages_carry_a_policy_except_under_serve_whose_live_reload_is_inline(
    command: str, policy: bool
) -> None:
    plugin = ExplainerPlugin()
    plugin.load_config({})
    plugin.on_startup(command=command, dirty=False)
    page = types.SimpleNamespace(file=types.SimpleNamespace(src_uri="x.md"))
    out = plugin.on_post_page("<html><head></head><body></body></html>", page=page, config=None)  # type: ignore[arg-type]
    assert ('http-equiv="Content-Security-Policy"' in out) is policy
    not_found = plugin.on_post_template("<html><head></head></html>", template_name="404.html", config=None)  # type: ignore[arg-type]
    assert ('http-equiv="Content-Security-Policy"' in not_found) is policy
