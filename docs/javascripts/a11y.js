/*
 * Material renders its search overlay as role="dialog" without a name; screen
 * readers then announce an unnamed dialog (axe: aria-dialog-name). Name it after
 * the search field's own label. Runs once per page load; the element is static.
 */
(function () {
  "use strict";
  const dialog = document.querySelector('.md-search[role="dialog"]');
  if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search the site");
})();
