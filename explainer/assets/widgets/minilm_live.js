/*
 * minilm_live (and minilm_pair): the enlarged head's lines light up for one token, and the download
 * agreement is kept.
 *
 * 1. The lines view (explainer/widgets/heatmap_lines.py, styled by heatmap_explorer.css) works as in
 *    the heatmap explorer: pointing at or focusing a token isolates its lines and marks its row or
 *    column in the heatmap; a cell marks its row, its column and its one line; pressing a token keeps
 *    it so (aria-pressed) until it is pressed again or Escape is pressed. Python drew every line; this
 *    only toggles the class "is-on", data-hl on the output's .hx container and aria-pressed.
 *    (heatmap_explorer.js binds only its own widget, hence these few lines here.)
 * 2. Pressing "Download the model" sets the hidden field load=yes (a data-set button the loader
 *    handles). The files then sit in the browser's Cache Storage, so on a later visit asking again
 *    would be a question about nothing: this script keeps the agreement in localStorage and, on the
 *    next visit, sets load=yes before the reader's first Run. It starts no computation. The agreement
 *    covers both widgets that run the model (minilm_live and minilm_pair): they download the same files.
 *
 * Listeners sit on the widget roots, so they outlive the loader replacing the output.
 */
"use strict";
(() => {
  const KEY = "explainer:minilm-download-agreed";
  const ROOTS = '[data-widget="minilm_live"]';
  const AGREEING = '[data-widget="minilm_live"], [data-widget="minilm_pair"]'; // same files, one agreement

  /** What an element stands for: {row, col} (either may be null), or null if not a token or cell. */
  function targetOf(el) {
    const found = el instanceof Element ? el.closest(".hx .hx-token, .hx th[data-q], .hx th[data-k], .hx [data-row][data-col]") : null;
    if (!found) return null;
    if (found.matches("[data-row][data-col]")) return { row: Number(found.dataset.row), col: Number(found.dataset.col) };
    const row = found.dataset.q === undefined ? null : Number(found.dataset.q);
    const col = found.dataset.k === undefined ? null : Number(found.dataset.k);
    return { row, col };
  }

  /** Selectors of everything that belongs to a target: cells, headers, tokens and lines. */
  function partsOf({ row, col }) {
    const parts = [];
    if (row !== null) parts.push(`.explainer-cell[data-row="${row}"]`, `th[data-q="${row}"]`, `.hx-token[data-q="${row}"]`);
    if (col !== null) parts.push(`.explainer-cell[data-col="${col}"]`, `th[data-k="${col}"]`, `.hx-token[data-k="${col}"]`);
    if (row !== null && col !== null) parts.push(`g[data-q="${row}"] > path[data-k="${col}"]`); // a cell: its line
    else if (row !== null) parts.push(`g[data-q="${row}"] > path`); // a query: the lines it sends
    else parts.push(`path[data-k="${col}"]`); // a key: the lines it receives
    return parts.join(",");
  }

  /** Highlight one target in the widget's output (or nothing, for null). */
  function show(root, target) {
    const hx = root.querySelector("[data-output] .hx");
    if (!hx) return;
    for (const el of hx.querySelectorAll(".is-on")) el.classList.remove("is-on");
    if (!target) {
      hx.removeAttribute("data-hl");
      return;
    }
    hx.setAttribute("data-hl", "");
    for (const el of hx.querySelectorAll(partsOf(target))) el.classList.add("is-on");
  }

  function pressedToken(root) {
    return root.querySelector('[data-output] .hx-token[aria-pressed="true"]');
  }

  /** What shows when the pointer or focus leaves: the focused token or cell, else the pressed token. */
  function resting(root) {
    const focused = root.contains(document.activeElement) ? targetOf(document.activeElement) : null;
    const pressed = pressedToken(root);
    return focused || (pressed && targetOf(pressed));
  }

  function bindLines(root) {
    root.addEventListener("pointerover", (event) => {
      const target = targetOf(event.target);
      if (target) show(root, target);
    });
    root.addEventListener("pointerout", (event) => {
      if (targetOf(event.target) && !targetOf(event.relatedTarget)) show(root, resting(root));
    });
    root.addEventListener("focusin", (event) => {
      const target = targetOf(event.target);
      if (target) show(root, target);
    });
    root.addEventListener("focusout", (event) => {
      if (!targetOf(event.target) || targetOf(event.relatedTarget)) return;
      const pressed = pressedToken(root);
      show(root, pressed && targetOf(pressed));
    });
    root.addEventListener("click", (event) => {
      const token = event.target instanceof Element ? event.target.closest(".hx .hx-token") : null;
      if (!token) return;
      const was = token.getAttribute("aria-pressed") === "true";
      const pressed = pressedToken(root);
      if (pressed) pressed.setAttribute("aria-pressed", "false"); // at most one is pressed
      token.setAttribute("aria-pressed", was ? "false" : "true");
      show(root, targetOf(token));
    });
    root.addEventListener("keydown", (event) => {
      const pressed = pressedToken(root);
      if (event.key !== "Escape" || !pressed) return;
      pressed.setAttribute("aria-pressed", "false");
      show(root, resting(root));
    });
    // A new output (known or computed): nothing is pressed in it; a focused cell keeps its highlight.
    root.addEventListener("explainer:result", () => show(root, resting(root)));
  }

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
    for (const root of document.querySelectorAll(ROOTS)) bindLines(root);
    for (const root of document.querySelectorAll(AGREEING)) {
      const load = root.querySelector('form input[name="load"]');
      if (load && remembered()) load.value = "yes";
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
