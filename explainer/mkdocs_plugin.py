"""MkDocs plugin ``explainer``: the thin glue between the pages and the package.

It turns the authoring syntax (see ``docs/authoring.md`` and
:mod:`explainer.sitebuild.directives`) into figures, tables, widgets,
console output and numbers; adds the light/dark SVG figures and the KaTeX
files to the build (never into ``docs/``); keeps notebook pages offline; fails
the build on anything that would load from another host; and finally hands
the built site to :mod:`explainer.pyodide_dist` when that module exists.

Options (``mkdocs.yml``)::

    plugins:
      - explainer:
          pyodide: self-hosted   # or cdn (passed to pyodide_dist), or none (no runtime: static widgets)
          cache: true            # figure cache (also off with EXPLAINER_FIGURE_CACHE=off)
          cache_dir: .cache/figures  # EXPLAINER_CACHE_DIR=DIR puts all caches under DIR instead
          math_assets: node_modules/katex/dist
"""

from __future__ import annotations

import importlib
import logging
import os
import re
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

from explainer.sitebuild import SiteBuildError
from explainer.sitebuild.directives import Directive, iter_directives, transform
from explainer.sitebuild.figcache import GLUE_PARTS, FigureCache, figure_key, source_hash
from explainer.sitebuild.katex import MathRenderer, render_nav_math, render_page_math
from explainer.sitebuild.offline import external_resources, strip_notebook_cdn
from explainer.sitebuild.render import console_block, figure_html, run_cli, svg_size
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


class ExplainerPlugin(BasePlugin[ExplainerConfig]):  # type: ignore[no-untyped-call]
    """Authoring syntax, build-time figures, offline checks and the Pyodide runtime."""

    def __init__(self) -> None:
        self._code_hash = ""
        self._cache: FigureCache | None = None
        self._memo: dict[tuple[str, str], Any] = {}
        self._values: ValueEvaluator | None = None
        self._figure_sizes: dict[str, tuple[int, int] | None] = {}
        self._build_started = 0.0
        self._page = ""
        self._stash: dict[str, str] = {}
        self._widgets: dict[str, dict[str, str]] = {}  # page -> slot token -> widget HTML
        self._math: MathRenderer | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defining this keeps one plugin instance across ``mkdocs serve`` rebuilds (and its caches)."""

    # ------------------------------------------------------------------ config
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Refresh the code hash; on a code change, reload the package and forget results."""
        self._build_started = time.perf_counter()
        root = Path(config.config_file_path).parent
        package_dir = Path(importlib.import_module("explainer").__file__ or "").parent
        code_hash = source_hash(package_dir)
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
        """Add the KaTeX files and both renderings of every figure the pages use."""
        self._add_math_assets(files, config)
        for name in sorted(self._figures_used(files)):
            self._add_figure(name, files, config)
        assert self._cache is not None
        log.info(f"explainer: figures {self._cache.hits} cached, {self._cache.misses} drawn")
        return files

    def _add_figure(self, name: str, files: Files, config: MkDocsConfig) -> None:
        """Both renderings of one figure, as generated files of the build."""
        for theme in THEMES:
            svg = self._figure_svg(name, theme)
            files.append(File.generated(config, f"figures/{name}-{theme}.svg", content=svg))
        self._figure_sizes[name] = svg_size(svg)

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

    def _figures_used(self, files: Files) -> set[str]:
        """Names of the figures any Markdown page asks for; unknown names fail here."""
        registry = _figure_registry()
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
        """One rendering from the cache, drawn with ``explainer.figures.to_svg`` on a miss."""
        import matplotlib

        figures = importlib.import_module("explainer.figures")
        key = figure_key(name, theme, self._code_hash, matplotlib.__version__)

        # explainer.figures re-exports to_svg from explainer.figures.draw; accept either place.
        to_svg = getattr(figures, "to_svg", None) or importlib.import_module("explainer.figures.draw").to_svg

        def draw() -> bytes:
            spec = figures.registry()[name]
            themed = {t.name: t for t in figures.THEMES}[theme]
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
        self._stash = {}
        self._widgets[page.file.src_uri] = {}
        self._page = page.file.src_uri
        try:
            return transform(
                markdown, lambda d: self._render_block(d, page, files, config), self._render_value
            )
        except SiteBuildError as err:
            raise PluginError(f"explainer: {page.file.src_uri}: {err}") from None

    def _render_block(self, directive: Directive, page: Page, files: Files, config: MkDocsConfig) -> str:
        """The Markdown/HTML one block becomes."""
        renderers: dict[str, Callable[[Directive], str]] = {
            "figure": lambda d: self._render_figure(d, page, files, config),
            "table": self._render_table,
            "widget": self._render_widget,
            "cli": self._render_cli,
        }
        return renderers[directive.kind](directive)

    def _render_figure(self, directive: Directive, page: Page, files: Files, config: MkDocsConfig) -> str:
        registry = _figure_registry()
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
        spec = registry[directive.name]
        caption = directive.params.get("caption")
        alt = self._remember(("alt", directive.name), spec.alt)
        return self._stash_html(
            figure_html(
                directive.name,
                alt,
                urls[0],
                urls[1],
                self._figure_sizes.get(directive.name),
                None if caption is None else str(caption),
            )
        )

    def _render_table(self, directive: Directive) -> str:
        tables = {
            **importlib.import_module("explainer.examples").tables(),
            **importlib.import_module("explainer.sitebuild.perf_report").TABLES,  # the Performance page
        }
        if directive.name not in tables:
            raise SiteBuildError(
                f"line {directive.line}: unknown table {directive.name!r}; known: {', '.join(sorted(tables))}"
            )
        table = self._remember(("table", directive.name), tables[directive.name])
        return "\n" + str(table.to_markdown()) + "\n\n"

    def _render_widget(self, directive: Directive) -> str:
        try:
            prerender = importlib.import_module("explainer.widgets").prerender
        except (ImportError, AttributeError):
            raise SiteBuildError(
                f"line {directive.line}: widget {directive.name!r} needs explainer.widgets.prerender, "
                "which is not available"
            ) from None
        key = ("widget", repr((directive.name, sorted(directive.params.items()))))
        try:
            markup = self._remember(
                key, lambda: _checked_widget(prerender(directive.name, dict(directive.params)))
            )
        except SiteBuildError as err:
            raise SiteBuildError(f"line {directive.line}: widget {directive.name!r}: {err}") from None
        except Exception as err:
            raise SiteBuildError(
                f"line {directive.line}: widget {directive.name!r}: {type(err).__name__}: {err}"
            ) from None
        # The page carries an empty slot until on_post_page: the search index never parses
        # widget markup (controls, not prose; some widgets are megabytes of HTML).
        slots = self._widgets[self._page]
        token = f"EXPLAINERWIDGET{len(slots):04d}X"
        slots[token] = markup
        return self._stash_html(_widget_slot(token))

    def _render_cli(self, directive: Directive) -> str:
        main = importlib.import_module("explainer.cli").main
        output = self._remember(("cli", directive.name), lambda: run_cli(main, directive.name))
        return console_block(directive.name, output)

    def _render_value(self, expr: str, fmt: str | None) -> str:
        if self._values is None:
            self._values = ValueEvaluator(public_namespace(importlib.import_module("explainer.examples")))
        return self._values.render(expr, fmt)

    def _stash_html(self, html: str) -> str:
        """A placeholder paragraph, swapped for ``html`` after Markdown ran.

        Raw HTML inside an admonition or a tab would be wrapped in ``<p>`` (or
        mangled) by Markdown; a placeholder survives anywhere.
        """
        token = f"EXPLAINERSTASH{len(self._stash):04d}X"
        self._stash[token] = html.strip()
        return f"\n{token}\n\n"

    def _remember(self, key: tuple[str, str], compute: Callable[[], Any]) -> Any:
        """``compute()`` once per key until the package code changes."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Put stashed figure/widget HTML in place; render the math; notebooks: download link."""
        html = self._page_content(html, page)
        if self.config.math_assets:
            if self._math is None:
                self._math = MathRenderer(Path(config.config_file_path).parent / self.config.math_assets)
            html = render_page_math(html, self._math)
        return html

    def _page_content(self, html: str, page: Page) -> str:
        if not page.file.src_uri.endswith(".ipynb"):
            return unstash(html, self._stash)
        name = Path(page.file.src_uri).name
        link = (
            f'<p class="explainer-download"><a href="{name}" download="{name}">'
            f"Download this notebook ({name})</a> to run it yourself; it needs the "
            "<code>explainer</code> package (<code>pip install -e .</code> in the repository).</p>\n"
        )
        html = strip_notebook_cdn(html)
        title_end = html.find("</h1>")  # below the notebook's title if it has one
        if title_end < 0:
            return link + html
        title_end += len("</h1>")
        return html[:title_end] + "\n" + link + html[title_end:]

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Fail the build if the page would load anything from another host; put widgets in their slots."""
        found = external_resources(output)  # widgets were checked once, when rendered
        if found:
            raise PluginError(
                f"explainer: {page.file.src_uri} loads from another host: {'; '.join(found[:5])}"
            )
        for token, markup in self._widgets.get(page.file.src_uri, {}).items():
            output = output.replace(_widget_slot(token), markup, 1)
        if self._math is not None:
            output = render_nav_math(output, self._math)
        return output

    # ------------------------------------------------------------------- build
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Hand the site to ``explainer.pyodide_dist.install_into_site`` if that module exists."""
        log.info(f"explainer: pages and figures took {time.perf_counter() - self._build_started:.2f} s")
        if self._math is not None:
            self._math.close()  # its memo stays for the next rebuild under `mkdocs serve`
        if self.config.pyodide == "none":
            log.info("explainer: pyodide: none; widgets stay static")
            return
        try:
            pyodide_dist = importlib.import_module("explainer.pyodide_dist")
        except ModuleNotFoundError as err:
            if err.name != "explainer.pyodide_dist":
                raise
            log.info("explainer: no explainer.pyodide_dist yet; widgets stay static")
        else:
            pyodide_dist.install_into_site(
                Path(config.site_dir), pyodide=self.config.pyodide, root=Path(config.config_file_path).parent
            )


def unstash(html: str, stash: dict[str, str]) -> str:
    """Replace each placeholder paragraph (or bare placeholder) by its HTML.

    Example:
        >>> unstash("<p>EXPLAINERSTASH0000X</p>", {"EXPLAINERSTASH0000X": "<figure></figure>"})
        '<figure></figure>'
    """
    for token, markup in stash.items():
        # A replacement function, not a string: the HTML may contain backslashes.
        html = re.sub(rf"<p>\s*{token}\s*</p>|{token}", _constant(markup), html)
    return html


def _widget_slot(token: str) -> str:
    """The placeholder a widget occupies until ``on_post_page``; search skips it."""
    return f'<div class="explainer-widget-slot" data-search-exclude>{token}</div>'


def _checked_widget(markup: str) -> str:
    """Widget HTML, stripped, after checking it loads nothing from another host."""
    found = external_resources(markup)
    if found:
        raise SiteBuildError(f"loads from another host: {'; '.join(found[:5])}")
    return str(markup).strip()


def _constant(text: str) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` replacement that inserts ``text`` literally."""
    return lambda _match: text


def _figure_registry() -> dict[str, Any]:
    """``explainer.figures.registry()``, imported only when figures are needed."""
    return dict(importlib.import_module("explainer.figures").registry())


def _reload_package() -> None:
    """Forget the imported package modules (not this glue) so edited code is used."""
    for name in list(sys.modules):
        glue = any(name.startswith(f"explainer.{part.removesuffix('.py')}") for part in GLUE_PARTS)
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
