/*
 * minilm_live: remember that the reader agreed to download the model's weights.
 *
 * Pressing "Download the model" sets the hidden field load=yes (a data-set button the loader
 * handles). The files then sit in the browser's Cache Storage, so on a later visit asking again
 * would be a question about nothing: this script keeps the agreement in localStorage and, on
 * the next visit, sets load=yes before the reader's first Run. It changes no markup and starts
 * no computation (no change event): the next Run simply carries the agreement.
 */
"use strict";
(() => {
  const KEY = "explainer:minilm-download-agreed";
  const ROOTS = '[data-widget="minilm_live"]';

  function remembered() {
    try {
      return window.localStorage.getItem(KEY) === "yes";
    } catch (error) {
      return false; // storage disabled: the widget simply asks again
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest(`${ROOTS} button[data-set="load=yes"]`);
    if (!button) return;
    try {
      window.localStorage.setItem(KEY, "yes");
    } catch (error) {
      // storage disabled: nothing to remember
    }
  });

  if (remembered()) {
    for (const input of document.querySelectorAll(`${ROOTS} form input[name="load"]`)) input.value = "yes";
  }
})();
