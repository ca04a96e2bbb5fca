/*
 * Blending slider (chapter 5): the blend z glides to its new place.
 *
 * Each slider stop is a state the build computed, so the loader swaps in Python's picture for the
 * new weights with no runtime. The new picture draws z at its new place; this script starts z's
 * inner group where z was last seen (CSS custom properties --dx, --dy: a position, in SVG user
 * units) and clears them, so the CSS transition in blending.css carries it home. Under reduced
 * motion the stylesheet has no transition: the same states, z simply appears where it belongs.
 */
(function () {
  "use strict";
  const WIDGET = '[data-widget="blending_slider"]';
  const seen = new WeakMap(); // root -> [x, y] where the reader last saw z (user units)

  function zOf(root) {
    return root.querySelector("[data-output] .bl-z");
  }

  /** Where z is on screen now: where Python drew it, plus what is left of a glide in progress. */
  function placeOf(root) {
    const z = zOf(root);
    if (!z) return null;
    const inner = z.querySelector(".bl-glide");
    const offset = new DOMMatrixReadOnly(getComputedStyle(inner).transform);
    return [Number(z.dataset.ux) + offset.e, Number(z.dataset.uy) + offset.f];
  }

  /** A slider moves: note where z is before the loader replaces the picture (this runs first). */
  function note(event) {
    const root = event.target instanceof Element && event.target.closest(WIDGET);
    if (root && !event.target.closest("[data-output]")) seen.set(root, placeOf(root));
  }

  /** A new picture: start z where it was seen and let the transition bring it to its new place. */
  function glide(event) {
    const root = event.currentTarget;
    const [before, z] = [seen.get(root), zOf(root)];
    seen.set(root, placeOf(root));
    if (!before || !z) return;
    const inner = z.querySelector(".bl-glide");
    const [dx, dy] = [before[0] - Number(z.dataset.ux), before[1] - Number(z.dataset.uy)];
    if (Math.abs(dx) < 0.05 && Math.abs(dy) < 0.05) return;
    inner.classList.add("bl-glide--jump"); // appear at the old place at once …
    inner.style.setProperty("--dx", `${dx}px`);
    inner.style.setProperty("--dy", `${dy}px`);
    inner.getBoundingClientRect(); // … commit that position …
    inner.classList.remove("bl-glide--jump");
    inner.style.setProperty("--dx", "0px"); // … then move home with the transition
    inner.style.setProperty("--dy", "0px");
  }

  function init() {
    const roots = document.querySelectorAll(WIDGET);
    for (const root of roots) {
      seen.set(root, placeOf(root));
      root.addEventListener("explainer:result", glide);
    }
    if (!roots.length) return;
    // Capture on window runs before the loader's capture on document, which replaces the picture.
    window.addEventListener("input", note, true);
    window.addEventListener("change", note, true);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
