/*
 * Dot-product playground (chapters 2-3): drag the tip of an arrow.
 *
 * Python draws the query and the keys as arrows with a handle on each tip (explainer/widgets/
 * dot_product.py): [data-drag] names the form input its numbers live in, data-line the key's line
 * in the keys box and data-prefix what stays before the numbers ("C: "). While the reader drags a
 * handle, or moves a focused one with the arrow keys, this script moves the handle (a position)
 * and writes its coordinates, rounded to 0.1 (finer if the picture's step is), into that input,
 * then dispatches `change`: the loader asks Python for the new scores, weights and picture.
 * Nothing is computed or built here.
 */
(function () {
  "use strict";
  const WIDGET = '[data-widget="dot_product_playground"]';
  const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
  let drag = null; // the gesture: root, id, pointerId, where it started (screen and data), px per unit, frame
  let focused = null; // root and id of the handle with keyboard focus, to focus again after a new picture

  /** A handle's identity across pictures: the input it writes, and the line for a key. */
  function idOf(handle) {
    return `${handle.dataset.drag}:${handle.dataset.line || ""}`;
  }

  function handleIn(root, id) {
    for (const handle of root.querySelectorAll("[data-output] [data-drag]")) {
      if (idOf(handle) === id) return handle;
    }
    return null;
  }

  /**
   * Numbers as the reader would type them: 1 decimal, or as many as the picture's step needs
   * ("11", "-2.5", "0.35"; never "-0").
   */
  function rounded(value, svg) {
    const places = Math.max(1, Math.ceil(-Math.log10(Number(svg.dataset.step))) + 1);
    return Number(value.toFixed(Math.min(places, 12))) + 0;
  }

  /** Put the handle where the data point (x, y) is drawn in the current picture. */
  function place(handle, x, y) {
    const plane = handle.ownerSVGElement.dataset;
    const ux = Number(plane.originX) + x * Number(plane.scale);
    const uy = Number(plane.originY) - y * Number(plane.scale);
    handle.setAttribute("transform", `translate(${ux.toFixed(1)} ${uy.toFixed(1)})`);
  }

  /** Write the numbers into the handle's input (its line of the keys box) and let the loader recompute. */
  function write(root, handle, x, y) {
    const field = root.querySelector(`form [name="${CSS.escape(handle.dataset.drag)}"]`);
    if (!field) return;
    const numbers = `${x}, ${y}`;
    if (handle.dataset.line === undefined) field.value = numbers;
    else {
      const lines = field.value.split("\n");
      lines[Number(handle.dataset.line)] = handle.dataset.prefix + numbers;
      field.value = lines.join("\n");
    }
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  /** Move the handle `id` to data point (x, y), rounded; write it when the numbers changed. */
  function moveTo(root, id, x, y) {
    const handle = handleIn(root, id);
    if (!handle) return;
    const [rx, ry] = [rounded(x, handle.ownerSVGElement), rounded(y, handle.ownerSVGElement)];
    place(handle, rx, ry);
    if (Number(handle.dataset.x) === rx && Number(handle.dataset.y) === ry) return;
    handle.dataset.x = String(rx); // the next key press or drag starts here, before Python answers
    handle.dataset.y = String(ry);
    write(root, handle, rx, ry);
  }

  function onPointerDown(event) {
    const handle = event.target instanceof Element && event.target.closest(`${WIDGET} [data-drag]`);
    if (!handle || event.button !== 0) return;
    const root = handle.closest(WIDGET);
    const screen = handle.ownerSVGElement.getScreenCTM();
    if (!screen) return;
    event.preventDefault(); // no text selection, no scrolling under a finger
    handle.focus({ preventScroll: true });
    root.setPointerCapture(event.pointerId); // the root outlives the pictures the loader replaces
    drag = {
      root, id: idOf(handle), pointerId: event.pointerId, frame: 0,
      startX: event.clientX, startY: event.clientY,
      x0: Number(handle.dataset.x), y0: Number(handle.dataset.y),
      perUnit: screen.a * Number(handle.ownerSVGElement.dataset.scale), // kept for the whole gesture
    };
    drag.x = drag.x0;
    drag.y = drag.y0;
  }

  /** The pointer's data coordinates, at most once per frame. */
  function onPointerMove(event) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    drag.x = drag.x0 + (event.clientX - drag.startX) / drag.perUnit;
    drag.y = drag.y0 - (event.clientY - drag.startY) / drag.perUnit;
    const gesture = drag;
    if (!gesture.frame) {
      gesture.frame = requestAnimationFrame(() => {
        gesture.frame = 0;
        moveTo(gesture.root, gesture.id, gesture.x, gesture.y);
      });
    }
  }

  function onPointerUp(event) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    if (drag.frame) {
      cancelAnimationFrame(drag.frame);
      moveTo(drag.root, drag.id, drag.x, drag.y);
    }
    drag = null;
  }

  /** Arrow keys move a focused handle by the picture's step. */
  function onKeyDown(event) {
    const handle = event.target instanceof Element && event.target.closest(`${WIDGET} [data-drag]`);
    const move = handle && ARROWS[event.key];
    if (!move || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault(); // the page does not scroll
    const step = Number(handle.ownerSVGElement.dataset.step);
    const x = Number(handle.dataset.x) + move[0] * step;
    const y = Number(handle.dataset.y) + move[1] * step;
    moveTo(handle.closest(WIDGET), idOf(handle), x, y);
  }

  function onFocusIn(event) {
    const handle = event.target instanceof Element && event.target.closest(`${WIDGET} [data-drag]`);
    focused = handle ? { root: handle.closest(WIDGET), id: idOf(handle) } : null;
  }

  /** A new picture: the focused handle keeps focus; a dragged one stays under the pointer. */
  function onResult(event) {
    const root = event.currentTarget;
    if (focused && focused.root === root && !root.contains(document.activeElement)) {
      const again = handleIn(root, focused.id);
      if (again) again.focus({ preventScroll: true });
    }
    if (drag && drag.root === root) {
      const handle = handleIn(root, drag.id);
      const svg = handle && handle.ownerSVGElement;
      if (handle) place(handle, rounded(drag.x, svg), rounded(drag.y, svg));
    }
  }

  function init() {
    const roots = document.querySelectorAll(WIDGET);
    if (!roots.length) return;
    for (const root of roots) {
      root.addEventListener("pointermove", onPointerMove);
      root.addEventListener("pointerup", onPointerUp);
      root.addEventListener("pointercancel", onPointerUp);
      root.addEventListener("explainer:result", onResult);
    }
    document.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("focusin", onFocusIn);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
