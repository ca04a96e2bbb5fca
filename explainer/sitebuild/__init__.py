"""Everything that only runs while the site builds; the browser wheel leaves this subpackage out.

- :mod:`~explainer.sitebuild.plugin`: the MkDocs plugin ``explainer``, thin glue over the rest.
- :mod:`~explainer.sitebuild.directives`: find and parse the authoring syntax
  (```` ```explainer ```` blocks and inline ``{{ EXPR | FMT }}`` values).
- :mod:`~explainer.sitebuild.values`: evaluate inline expressions over
  :mod:`explainer.examples` and format the results.
- :mod:`~explainer.sitebuild.render`: the HTML/Markdown a figure or console block becomes.
- :mod:`~explainer.sitebuild.page`: one place assembles a page (blocks, slots, head assets).
- :mod:`~explainer.sitebuild.figcache`: the figure cache, keyed by code, data inputs and theme.
- :mod:`~explainer.sitebuild.katex`: math rendered by the site's KaTeX (``katex_render.js``).
- :mod:`~explainer.sitebuild.offline`: nothing may load from another host.
- :mod:`~explainer.sitebuild.perf_report`: the benchmark results as tables.
- :mod:`~explainer.sitebuild.runtime` and :mod:`~explainer.sitebuild.wheel`: the
  self-hosted Pyodide runtime and the browser wheel.

Only :mod:`~explainer.sitebuild.plugin` imports MkDocs; only the figure cache's
callers import matplotlib.
"""


class SiteBuildError(Exception):
    """A problem in a page's authoring syntax or in what it asks for.

    The plugin turns it into a build failure naming the page.
    """


class DistError(RuntimeError):
    """The browser runtime cannot be assembled; the message says which file and why."""
