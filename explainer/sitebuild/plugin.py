"""MkDocs plugin ``explainer``: the thin glue between the pages and the package.

It turns the authoring syntax (``docs/authoring.md``,
:mod:`explainer.sitebuild.directives`) into figures, tables, widgets, console
output and numbers; adds the light/dark SVG figures, the widget stylesheets and
the KaTeX files to the build (never into ``docs/``); keeps notebook pages
offline; fails the build on anything that would load from another host; and
finally writes the browser runtime (:mod:`explainer.sitebuild.runtime`).
Each page is assembled in one place, :class:`~explainer.sitebuild.page.PageAssembly`.

Options (``mkdocs.yml``)::

    plugins:
      - explainer:
          pyodide: self-hosted   # or cdn (core and numpy from jsDelivr), or none (static widgets)
          cache: true            # figure cache (also off with EXPLAINER_FIGURE_CACHE=off)
          cache_dir: .cache/figures  # EXPLAINER_CACHE_DIR=DIR puts all caches under DIR instead
          math_assets: node_modules/katex/dist
          benchmark_results: benchmarks/results  # read by the cost figure and the Performance page

The package's own modules are imported inside the hooks (plain imports), so
that under ``mkdocs serve`` an edited package is re-imported (see
:func:`_reload_package`) while this glue and its caches stay.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from explainer.sitebuild import SiteBuildError, datafiles, editor, perf_report, runtime, widget_files
from explainer.sitebuild.csp import with_csp
from explainer.sitebuild.directives import Directive, iter_directives, transform
from explainer.sitebuild.figcache import GLUE_PARTS, FigureCache, figure_key, folder_digest, source_hash
from explainer.sitebuild.katex import MathRenderer, render_nav_math, render_page_math
from explainer.sitebuild.offline import external_resources
from explainer.sitebuild.page import PageAssembly
from explainer.sitebuild.render import (
    FigureMetrics,
    console_block,
    figure_html,
    figure_metrics,
    notebook_content,
    run_cli,
)
from explainer.sitebuild.runtime_files import Mode
from explainer.sitebuild.values import ValueEvaluator, public_namespace

log = logging.getLogger("mkdocs.plugins.explainer")

THEMES = ("light", "dark")
KATEX_FILES = ("katex.min.css",)  # math is rendered at build time: the CSS and fonts are all pages need
_OFF = ("0", "off", "false", "no")


class ExplainerConfig(base.Config):  # type: ignore[no-untyped-call]
    """Options of the ``explainer`` plugin."""

    pyodide = c.Choice(("self-hosted", "cdn", "none"), default="self-hosted")
    cache = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache/figures")
    math_assets = c.Optional(c.Type(str))
    benchmark_results = c.Type(str, default="benchmarks/results")


class ExplainerPlugin(BasePlugin[ExplainerConfig]):  # type: ignore[no-untyped-call]
    """Authoring syntax, build-time figures, offline checks and the Pyodide runtime."""

    def __init__(self) -> None:
        self._code_hash = ""
        self._results_dir = Path()
        self._cache: FigureCache | None = None
        self._memo: dict[tuple[str, ...], Any] = {}
        self._values: ValueEvaluator | None = None
        self._figure_metrics: dict[str, FigureMetrics] = {}
        self._build_started = 0.0
        self._pages: dict[str, PageAssembly] = {}
        self._math: MathRenderer | None = None
        self._policy = True  # the Content-Security-Policy; off under `mkdocs serve` (on_startup)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Keeps one plugin instance across ``mkdocs serve`` rebuilds; no CSP under ``serve``, whose
        live-reload script is injected inline after the page's scripts were hashed (``build`` has one)."""
        self._policy = command != "serve"

    # ------------------------------------------------------------------ config
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Refresh the code hash; on a code change, reload the package and forget results."""
        self._build_started = time.perf_counter()
        root = Path(config.config_file_path).parent
        self._results_dir = root / self.config.benchmark_results
        code_hash = source_hash(Path(__file__).resolve().parents[1])  # the explainer package
        if code_hash != self._code_hash:
            if self._code_hash:
                _reload_package()
                log.info("explainer: package code changed; recomputing examples, tables and widgets")
            self._code_hash = code_hash
            self._memo.clear()
            self._values = None
        enabled = self.config.cache and os.environ.get("EXPLAINER_FIGURE_CACHE", "on").lower() not in _OFF
        # EXPLAINER_CACHE_DIR moves every cache (figures, notebooks) elsewhere, e.g. for a cold benchmark.
        cache_root = (
            Path(os.environ["EXPLAINER_CACHE_DIR"]) if os.environ.get("EXPLAINER_CACHE_DIR") else None
        )
        cache_dir = cache_root / "figures" if cache_root else root / self.config.cache_dir
        if self._cache is None or self._cache.directory != cache_dir or self._cache.enabled != enabled:
            self._cache = FigureCache(cache_dir, enabled)
        _key_notebook_cache(config, cache_root or root / ".cache", code_hash)
        return config

    # ------------------------------------------------------------------- files
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Add the KaTeX files, the data-made widget stylesheets and both renderings of every figure used."""
        from explainer import widgets

        self._add_math_assets(files, config)
        for asset in widget_files.static_assets():  # the look and the moving pictures
            files.append(File.generated(config, asset, abs_src_path=str(runtime.asset_source(asset))))
        if self.config.pyodide != "none":  # the code runner's editor, imported on the reader's first edit
            try:
                bundle = editor.bundle(Path(config.config_file_path).parent)
            except SiteBuildError as err:
                raise PluginError(f"explainer: {err}") from None
            files.append(File.generated(config, editor.BUNDLE, content=bundle))
        for spec in widgets.specs():
            if isinstance(spec, widgets.StaticWidgetSpec) and spec.stylesheet is not None:
                css = self._remember(("stylesheet", spec.name), spec.stylesheet)
                files.append(File.generated(config, widget_files.stylesheet_path(spec.name), content=css))
        for name in sorted(self._figures_used(files)):
            self._add_figure(name, files, config)
        assert self._cache is not None
        log.info(f"explainer: figures {self._cache.hits} cached, {self._cache.misses} drawn")
        return files

    def _add_figure(self, name: str, files: Files, config: MkDocsConfig) -> None:
        """Both renderings of one figure, as generated files of the build."""
        svgs = [self._figure_svg(name, theme) for theme in THEMES]
        for theme, svg in zip(THEMES, svgs, strict=True):
            files.append(File.generated(config, f"figures/{name}-{theme}.svg", content=svg))
        self._figure_metrics[name] = figure_metrics(svgs)

    def _add_math_assets(self, files: Files, config: MkDocsConfig) -> None:
        """Copy KaTeX's CSS and woff2 fonts to ``assets/katex/`` (the math itself is rendered here)."""
        if not self.config.math_assets:
            return
        source = Path(config.config_file_path).parent / self.config.math_assets
        if not (source / "katex.js").is_file():
            raise PluginError(f"explainer: KaTeX not found in {source}; run `npm ci` (or `make setup`) first")
        fonts = sorted(p.relative_to(source).as_posix() for p in (source / "fonts").glob("*.woff2"))
        for relative in (*KATEX_FILES, *fonts):
            files.append(
                File.generated(config, f"assets/katex/{relative}", abs_src_path=str(source / relative))
            )

    def _figure_registry(self) -> dict[str, Any]:
        """Every figure, its data files read from this build's benchmark results folder."""
        from explainer import figures

        return dict(figures.registry(self._results_dir))

    def _figures_used(self, files: Files) -> set[str]:
        """Names of the figures any Markdown page asks for; unknown names fail here."""
        registry = self._figure_registry()
        used: set[str] = set()
        for file in files.documentation_pages():
            if not file.src_uri.endswith(".md"):
                continue
            try:
                names = {d.name for d in iter_directives(file.content_string) if d.kind == "figure"}
            except SiteBuildError as err:
                raise PluginError(f"explainer: {file.src_uri}: {err}") from None
            unknown = sorted(names - registry.keys())
            if unknown:
                raise PluginError(
                    f"explainer: {file.src_uri}: unknown figure(s) {', '.join(unknown)}; "
                    f"known: {', '.join(sorted(registry))}"
                )
            used |= names
        return used

    def _figure_svg(self, name: str, theme: str) -> bytes:
        """One rendering from the cache, drawn with ``explainer.figures.draw.to_svg`` on a miss."""
        import matplotlib

        from explainer.figures import THEMES as FIGURE_THEMES
        from explainer.figures.draw import to_svg

        spec = self._figure_registry()[name]
        key = figure_key(name, theme, self._code_hash, matplotlib.__version__, spec.inputs)

        def draw() -> bytes:
            themed = next(t for t in FIGURE_THEMES if t.name == theme)
            try:
                return bytes(to_svg(spec, themed))
            except Exception as err:
                raise PluginError(
                    f"explainer: figure {name!r} ({theme}) failed to draw: {type(err).__name__}: {err}"
                ) from err

        assert self._cache is not None
        return self._cache.get_or_draw(key, draw)

    # ------------------------------------------------------------------- pages
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Replace explainer blocks and ``{{ values }}``; any problem fails the build with the page's name."""
        assembly = PageAssembly(to_root="../" * page.file.dest_uri.count("/"))
        self._pages[page.file.src_uri] = assembly
        try:
            return transform(
                markdown,
                lambda d: self._render_block(d, assembly, page, files, config),
                self._render_value,
            )
        except SiteBuildError as err:
            raise PluginError(f"explainer: {page.file.src_uri}: {err}") from None

    def _render_block(
        self, directive: Directive, assembly: PageAssembly, page: Page, files: Files, config: MkDocsConfig
    ) -> str:
        """The Markdown (or placeholder) one block becomes."""
        if directive.kind == "figure":
            return assembly.block(self._render_figure(directive, page, files, config), searchable=True)
        if directive.kind == "widget":
            markup = editor.with_code_view(self._render_widget(directive))  # code: highlighted
            return assembly.block(
                markup,
                searchable=False,
                assets=widget_files.head_assets(directive.name, live=self.config.pyodide != "none"),
            )
        renderers: dict[str, Callable[[Directive], str]] = {
            "table": self._render_table,
            "cli": self._render_cli,
        }
        return renderers[directive.kind](directive)

    def _render_figure(self, directive: Directive, page: Page, files: Files, config: MkDocsConfig) -> str:
        registry = self._figure_registry()
        if directive.name not in registry:
            raise SiteBuildError(
                f"line {directive.line}: unknown figure {directive.name!r}; "
                f"known: {', '.join(sorted(registry))}"
            )
        if files.get_file_from_path(f"figures/{directive.name}-light.svg") is None:
            self._add_figure(directive.name, files, config)  # the page gained a figure since on_files read it
        urls = []
        for theme in THEMES:
            file = files.get_file_from_path(f"figures/{directive.name}-{theme}.svg")
            assert file is not None
            urls.append(get_relative_url(file.url, page.file.url))
        caption = directive.params.get("caption")
        alt = self._remember(("alt", directive.name), registry[directive.name].alt)
        return figure_html(
            directive.name,
            alt,
            urls[0],
            urls[1],
            self._figure_metrics.get(directive.name),
            None if caption is None else str(caption),
        )

    def _render_table(self, directive: Directive) -> str:
        from explainer import examples

        tables = {**examples.tables(), **perf_report.tables(self._results_dir)}
        if directive.name not in tables:
            raise SiteBuildError(
                f"line {directive.line}: unknown table {directive.name!r}; known: {', '.join(sorted(tables))}"
            )
        key = ("table", directive.name, folder_digest(self._results_dir))
        table = self._remember(key, tables[directive.name])
        return "\n" + str(table.to_markdown()) + "\n\n"

    def _render_widget(self, directive: Directive) -> str:
        from explainer import widgets

        key = ("widget", repr((directive.name, sorted(directive.params.items()))))
        try:
            return str(
                self._remember(
                    key, lambda: _checked_widget(widgets.prerender(directive.name, dict(directive.params)))
                )
            )
        except SiteBuildError as err:
            raise SiteBuildError(f"line {directive.line}: widget {directive.name!r}: {err}") from None
        except Exception as err:
            raise SiteBuildError(
                f"line {directive.line}: widget {directive.name!r}: {type(err).__name__}: {err}"
            ) from None

    def _render_cli(self, directive: Directive) -> str:
        from explainer import cli

        output = self._remember(("cli", directive.name), lambda: run_cli(cli.main, directive.name))
        return console_block(directive.name, output)

    def _render_value(self, expr: str, fmt: str | None) -> str:
        if self._values is None:
            from explainer import examples

            self._values = ValueEvaluator(public_namespace(examples))
        return self._values.render(expr, fmt)

    def _remember(self, key: tuple[str, ...], compute: Callable[[], Any]) -> Any:
        """``compute()`` once per key until the package code changes."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Put the page's blocks in place; render the math; notebooks: download link."""
        if page.file.src_uri.endswith(".ipynb"):
            html = notebook_content(html, Path(page.file.src_uri).name)
        else:
            html = self._pages[page.file.src_uri].fill_content(html)
        if self.config.math_assets:
            if self._math is None:
                self._math = MathRenderer(Path(config.config_file_path).parent / self.config.math_assets)
            html = render_page_math(html, self._math)
        return html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Fail the build if the page would load from another host; fill widgets and head; add the CSP."""
        found = external_resources(output)  # widgets were checked once, when rendered
        if found:
            raise PluginError(
                f"explainer: {page.file.src_uri} loads from another host: {'; '.join(found[:5])}"
            )
        assembly = self._pages.get(page.file.src_uri)
        if assembly is not None:
            output = assembly.fill_output(output)
        if self._math is not None:
            output = render_nav_math(output, self._math)
        # Last: the policy hashes the page's inline scripts as they are.
        return with_csp(output) if self._policy else output

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        """The 404 page is a template, not a page: it gets the same policy."""
        return (
            with_csp(output_content) if self._policy and template_name.endswith(".html") else output_content
        )

    # ------------------------------------------------------------------- build
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the browser runtime and the widget scripts (unless ``pyodide: none``)."""
        log.info(f"explainer: pages and figures took {time.perf_counter() - self._build_started:.2f} s")
        if self._math is not None:
            self._math.close()  # its memo stays for the next rebuild under `mkdocs serve`
        if self.config.pyodide == "none":
            log.info("explainer: pyodide: none; widgets stay static")
            return
        mode: Mode = "cdn" if self.config.pyodide == "cdn" else "self-hosted"
        root = Path(config.config_file_path).parent
        runtime.install_into_site(Path(config.site_dir), root=root, pyodide=mode)
        datafiles.write_data(Path(config.site_dir), root)  # what widgets download on demand


def _checked_widget(markup: str) -> str:
    """Widget HTML, stripped, after checking it loads nothing from another host."""
    found = external_resources(markup)
    if found:
        raise SiteBuildError(f"loads from another host: {'; '.join(found[:5])}")
    return markup.strip()


def _reload_package() -> None:
    """Forget the imported package modules (not this glue) so edited code is used."""
    for name in list(sys.modules):
        glue = any(name.startswith(f"explainer.{part}") for part in GLUE_PARTS)
        if (name == "explainer" or name.startswith("explainer.")) and not glue:
            del sys.modules[name]


def _key_notebook_cache(config: MkDocsConfig, cache_root: Path, code_hash: str) -> None:
    """Key mkdocs-jupyter's cache on our code too: it only hashes the notebook's bytes.

    Each package version gets its own cache folder, so an edit to the package
    re-executes the notebooks while a prose edit reuses them.
    """
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is None:
        return
    jupyter.config["cache_dir"] = str(cache_root / "mkdocs-jupyter" / code_hash[:16])
