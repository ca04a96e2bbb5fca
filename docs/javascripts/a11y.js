/*
 * Two accessibility fixes found by the axe-core audit (tests/e2e/test_accessibility.py).
 * Runs once per page load, after Material has built the page.
 */
(function () {
  "use strict";

  // Material renders its search overlay as role="dialog" without a name; screen
  // readers would announce an unnamed dialog (axe: aria-dialog-name).
  const dialog = document.querySelector('.md-search[role="dialog"]');
  if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search the site");

  // A wide table or notebook cell that scrolls sideways must be reachable by
  // keyboard, or its hidden part cannot be read without a mouse (axe:
  // scrollable-region-focusable). Only boxes that really overflow become tab stops.
  const focusable = "a[href], button, input, select, textarea, [tabindex]";
  function reachScrollingBoxes() {
    for (const box of document.querySelectorAll(".md-typeset__scrollwrap, .highlight-ipynb")) {
      const scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
      if (scrolls && !box.querySelector(focusable) && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    }
  }
  // Material wraps tables in .md-typeset__scrollwrap from its own document$ stream.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(reachScrollingBoxes);
  } else {
    reachScrollingBoxes();
  }
})();
