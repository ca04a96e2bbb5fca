/*
 * The chapter-6 step-through: explainer/widgets/step_through.py draws every step's picture for
 * every query row, step_through.css moves them. This script only chooses what is shown: it
 * toggles the class "st-on" on one step (.st-step) and one query row (.st-v) Python drew, plays
 * the steps in order (each for its data-ms, also with reduced motion: the same states, still),
 * and copies the shown step's title and description (Python's markup) into the live region, so
 * a screen reader hears each state. It keeps the form's hidden "step" and "row" current without
 * a change event (nothing needs computing), so a new random draw keeps the reader's place.
 * It never fetches and never builds markup.
 */
(function () {
  "use strict";
  const timers = new WeakMap(); // root -> timer of the step being played

  function field(root, name) {
    return root.querySelector(`form input[name="${name}"]`);
  }

  function sections(root) {
    return root.querySelectorAll(".st-step");
  }

  /** The step and query row the form holds (both from 0). */
  function place(root) {
    return { step: Number(field(root, "step").value) || 0, row: Number(field(root, "row").value) || 0 };
  }

  /** Show step `step` for query row `row`; with `say`, put its description in the live region. */
  function show(root, step, row, say) {
    const all = sections(root);
    if (!all.length) return; // the output holds a message only (a seed that is not a number)
    const last = all.length - 1;
    step = Math.max(0, Math.min(last, step));
    field(root, "step").value = String(step);
    field(root, "row").value = String(row);
    for (const s of all) s.classList.toggle("st-on", Number(s.dataset.s) === step);
    for (const v of root.querySelectorAll(".st-v")) v.classList.toggle("st-on", Number(v.dataset.r) === row);
    for (const b of root.querySelectorAll('[data-st="row"]')) {
      b.setAttribute("aria-pressed", String(Number(b.dataset.r) === row));
    }
    root.querySelector('[data-st="prev"]').disabled = step === 0;
    root.querySelector('[data-st="next"]').disabled = step === last;
    const scrub = root.querySelector(".st-scrub input");
    scrub.value = String(step + 1);
    scrub.setAttribute("aria-valuetext", all[step].dataset.title);
    if (document.activeElement && document.activeElement.disabled) root.querySelector('[data-st="play"]').focus();
    if (say) announce(root, all[step]);
  }

  /** The live region gets clones of the step's title and its shown description. */
  function announce(root, section) {
    const said = [section.querySelector(".st-title"), section.querySelector(".st-d:not(.st-v), .st-d.st-on")];
    root.querySelector(".st-live").replaceChildren(...said.filter(Boolean).map((e) => e.cloneNode(true)));
  }

  /** Start a step's motion again from its first beat (a class removed and put back after a layout). */
  function replay(section) {
    section.classList.remove("st-on");
    void section.offsetWidth; // the browser forgets the running animations
    section.classList.add("st-on");
  }

  function stop(root) {
    clearTimeout(timers.get(root));
    timers.delete(root);
    root.removeAttribute("data-playing");
  }

  /** Play from the shown step (from the first after the last), each step for its data-ms. */
  function play(root) {
    stop(root);
    const { row } = place(root);
    let step = place(root).step;
    if (step >= sections(root).length - 1) step = 0;
    root.setAttribute("data-playing", "");
    const tick = () => {
      show(root, step, row, true);
      const section = sections(root)[step];
      replay(section);
      timers.set(root, setTimeout(() => {
        if (step >= sections(root).length - 1) stop(root);
        else {
          step += 1;
          tick();
        }
      }, Number(section.dataset.ms)));
    };
    tick();
  }

  function onClick(event) {
    const button = event.target instanceof Element && event.target.closest("[data-st]");
    const root = button && button.closest('[data-widget="step_through"]');
    if (!root) return;
    const { step, row } = place(root);
    const what = button.dataset.st;
    if (what === "play") {
      if (timers.has(root)) stop(root);
      else play(root);
      return;
    }
    stop(root);
    if (what === "prev") show(root, step - 1, row, true);
    else if (what === "next") show(root, step + 1, row, true);
    else if (what === "row") show(root, step, Number(button.dataset.r), true);
  }

  function onScrub(event) {
    const input = event.target instanceof Element && event.target.closest(".st-scrub input");
    const root = input && input.closest('[data-widget="step_through"]');
    if (!root) return;
    stop(root);
    show(root, Number(input.value) - 1, place(root).row, true);
  }

  /** The loader replaced the output (a new random draw): Python drew it at the reader's place. */
  function onResult(event) {
    const root = event.target;
    if (!(root instanceof Element) || !root.matches('[data-widget="step_through"]')) return;
    stop(root);
    const { step, row } = place(root);
    show(root, step, row, true);
  }

  function init() {
    for (const root of document.querySelectorAll('[data-widget="step_through"]')) {
      root.setAttribute("data-player", ""); // one step at a time, even where CSS cannot tell a script runs
      const { step, row } = place(root);
      show(root, step, row, false);
    }
    document.addEventListener("click", onClick);
    document.addEventListener("input", onScrub);
    document.addEventListener("explainer:result", onResult);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
