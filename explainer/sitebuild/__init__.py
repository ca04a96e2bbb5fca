"""Testable pieces of the site build, kept apart from the MkDocs glue.

- :mod:`explainer.sitebuild.directives`: find and parse the authoring syntax
  (```` ```explainer ```` blocks and inline ``{{ EXPR | FMT }}`` values) in a
  page's Markdown.
- :mod:`explainer.sitebuild.values`: evaluate inline expressions over
  :mod:`explainer.examples` and format the results.
- :mod:`explainer.sitebuild.figcache`: the figure cache (memory + disk),
  keyed by a hash of the code that draws the figures.
- :mod:`explainer.sitebuild.render`: the HTML/Markdown each block becomes.

:mod:`explainer.mkdocs_plugin` wires these into MkDocs events and nothing
else. None of these modules imports MkDocs or matplotlib.
"""


class SiteBuildError(Exception):
    """A problem in a page's authoring syntax or in what it asks for.

    The plugin turns it into a build failure naming the page.
    """
