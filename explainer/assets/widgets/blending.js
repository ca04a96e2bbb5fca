/*
 * Blending slider (chapter 5): the blend z glides to its new place.
 *
 * Each slider stop is a state the build computed, so the loader swaps in Python's picture for the
 * new weights with no runtime. The new picture draws z at its new place; this script starts z's
 * inner group at the old place (CSS custom properties --dx, --dy: a position, in SVG user units)
 * and clears them, so the CSS transition in blending.css carries it home. Under reduced motion the
 * stylesheet has no transition: the same states, z simply appears where it belongs.
 */
(function () {
  "use strict";
  const WIDGET = '[data-widget="blending_slider"]';
  const shown = new WeakMap(); // root -> [x, y] where z was last drawn (user units)
  const gliding = new WeakMap(); // root -> the latest glide: offset dx, dy from its old place, start time

  function zOf(root) {
    return root.querySelector("[data-output] .bl-z");
  }

  /** Where z is drawn now, as Python wrote it (data-ux, data-uy); null if there is no picture. */
  function placeOf(root) {
    const z = zOf(root);
    return z ? [Number(z.dataset.ux), Number(z.dataset.uy)] : null;
  }

  /**
   * Start z's glide `elapsed` ms into the transition, from the offset (dx, dy) of its old place.
   * The loader may draw the same state twice (a slider fires `input`, then `change`): the second
   * picture continues the glide where the first one was, through a negative transition delay.
   */
  function run(inner, dx, dy, elapsed) {
    inner.classList.add("bl-glide--jump"); // appear at the old place at once …
    inner.style.setProperty("--dx", `${dx}px`);
    inner.style.setProperty("--dy", `${dy}px`);
    inner.style.transitionDelay = `${-elapsed}ms`;
    inner.getBoundingClientRect(); // … commit that position …
    inner.classList.remove("bl-glide--jump");
    inner.style.setProperty("--dx", "0px"); // … then move home with the transition
    inner.style.setProperty("--dy", "0px");
  }

  function glide(event) {
    const root = event.currentTarget;
    const [before, after] = [shown.get(root), placeOf(root)];
    shown.set(root, after);
    if (!after) return;
    const inner = zOf(root).querySelector(".bl-glide");
    const duration = parseFloat(getComputedStyle(inner).transitionDuration) * 1000; // 0 under reduced motion
    const now = performance.now();
    let from = gliding.get(root);
    if (before && (before[0] !== after[0] || before[1] !== after[1])) {
      from = { dx: before[0] - after[0], dy: before[1] - after[1], start: now };
    } else if (!from || now - from.start >= duration) return; // nothing moved, no glide to continue
    gliding.set(root, from);
    if (duration > 0) run(inner, from.dx, from.dy, now - from.start);
  }

  function init() {
    for (const root of document.querySelectorAll(WIDGET)) {
      shown.set(root, placeOf(root));
      root.addEventListener("explainer:result", glide);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
