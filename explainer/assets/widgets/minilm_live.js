/*
 * minilm_live and minilm_pair: the download agreement is kept.
 *
 * Pressing "Download the model" sets the hidden field load=yes (a data-set button the loader
 * handles). The files then sit in the browser's Cache Storage, so on a later visit asking again
 * would be a question about nothing: this script keeps the agreement in localStorage and, on the
 * next visit, sets load=yes before the reader's first Run. It starts no computation. The agreement
 * covers both widgets that run the model: they download the same files. The field is unkeyed
 * (data-unkeyed), so the page's known states still show with no runtime. (The enlarged head's
 * lines view is made live by heatmap_explorer.js, as the heatmap explorer's is.)
 */
"use strict";
(() => {
  const KEY = "explainer:minilm-download-agreed";
  const AGREEING = '[data-widget="minilm_live"], [data-widget="minilm_pair"]'; // same files, one agreement

  function remembered() {
    try {
      return window.localStorage.getItem(KEY) === "yes";
    } catch (error) {
      return false; // storage disabled: the widget simply asks again
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest('button[data-set="load=yes"]');
    if (!button || !button.closest(AGREEING)) return;
    try {
      window.localStorage.setItem(KEY, "yes");
    } catch (error) {
      // storage disabled: nothing to remember
    }
  });

  function init() {
    for (const root of document.querySelectorAll(AGREEING)) {
      const load = root.querySelector('form input[name="load"]');
      if (load && remembered()) load.value = "yes";
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
