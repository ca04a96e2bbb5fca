// Render the page's math with the site's own KaTeX (assets/katex/), no CDN.
// pymdownx.arithmatex (generic mode) wraps Markdown math in .arithmatex
// elements as \( \) and \[ \]; notebook cells from mkdocs-jupyter keep the
// raw $ $ and $$ $$ delimiters, so only notebook content is scanned for those.
(function () {
  "use strict";

  var bracketDelimiters = [
    { left: "\\(", right: "\\)", display: false },
    { left: "\\[", right: "\\]", display: true }
  ];
  var notebookDelimiters = [
    { left: "$$", right: "$$", display: true },
    { left: "$", right: "$", display: false }
  ].concat(bracketDelimiters);

  function render(root, delimiters) {
    // throwOnError false: a typo shows the TeX in red instead of breaking the page.
    renderMathInElement(root, { delimiters: delimiters, throwOnError: false });
  }

  function renderAll(body) {
    body.querySelectorAll(".arithmatex").forEach(function (element) {
      render(element, bracketDelimiters);
    });
    body.querySelectorAll(".jupyter-wrapper .jp-MarkdownCell, .jupyter-wrapper .jp-RenderedMarkdown")
      .forEach(function (element) {
        render(element, notebookDelimiters);
      });
  }

  // Material emits document$ on every page load (and instant navigation).
  if (typeof document$ !== "undefined") {
    document$.subscribe(function (doc) { renderAll(doc.body); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { renderAll(document.body); });
  }
})();
