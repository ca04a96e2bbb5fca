/*
 * The heatmap explorer's moving picture, and minilm_live's enlarged head; it needs no runtime. Pointing at or focusing a token
 * isolates its lines in the lines view and highlights its row (a query, left) or its column (a
 * key, right) in the heatmap; a cell does the same for its row, its column and its one line.
 * Pressing a token keeps it so (aria-pressed) until it is pressed again or Escape is pressed.
 *
 * Python rendered every element and every line (see explainer/widgets/heatmap_lines.py); this
 * only toggles the class "is-on", the attribute data-hl on the output's .hx container and
 * aria-pressed. Listeners sit on the widget roots, so they outlive the loader replacing the
 * output; its explainer:result event forgets a pressed token (the output is a new one).
 */
(function () {
  "use strict";

  /** What an element stands for: {row, col}, either may be null; null if it is not a token or cell. */
  function targetOf(el) {
    const found = el instanceof Element ? el.closest(".hx [data-q], .hx [data-k], .hx [data-row][data-col]") : null;
    if (!found || found.matches("g, path")) return null; // lines are drawn, not pointed at
    if (found.matches("[data-row][data-col]")) return { row: Number(found.dataset.row), col: Number(found.dataset.col) };
    const row = found.dataset.q === undefined ? null : Number(found.dataset.q);
    const col = found.dataset.k === undefined ? null : Number(found.dataset.k);
    return { row, col };
  }

  /** Selectors of everything that belongs to a target: cells, headers, tokens and lines. */
  function partsOf(target) {
    const { row, col } = target;
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

  /** The pressed token's target, if any. */
  function pinned(root) {
    const token = root.querySelector('[data-output] .hx-token[aria-pressed="true"]');
    return token ? targetOf(token) : null;
  }

  /** What shows when the pointer leaves: the focused token or cell, else the pressed token. */
  function resting(root) {
    const focused = root.contains(document.activeElement) ? targetOf(document.activeElement) : null;
    return focused || pinned(root);
  }

  /** Press a token (or release it, if it was pressed); at most one is pressed. */
  function toggle(root, token) {
    const was = token.getAttribute("aria-pressed") === "true";
    for (const other of root.querySelectorAll('[data-output] .hx-token[aria-pressed="true"]')) {
      other.setAttribute("aria-pressed", "false");
    }
    token.setAttribute("aria-pressed", was ? "false" : "true");
    show(root, targetOf(token));
  }

  function bind(root) {
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
      if (targetOf(event.target) && !targetOf(event.relatedTarget)) show(root, pinned(root));
    });
    root.addEventListener("click", (event) => {
      const token = event.target instanceof Element ? event.target.closest(".hx .hx-token") : null;
      if (token) toggle(root, token);
    });
    root.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !pinned(root)) return;
      root.querySelector('[data-output] .hx-token[aria-pressed="true"]').setAttribute("aria-pressed", "false");
      show(root, resting(root));
    });
    // A new output (known or computed): nothing is pressed in it; a focused cell keeps its highlight.
    root.addEventListener("explainer:result", () => show(root, resting(root)));
  }

  function init() {
    for (const root of document.querySelectorAll('[data-widget="heatmap_explorer"], [data-widget="minilm_live"]')) {
      bind(root);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
