/*
 * Makes the pre-rendered widgets live. Included on every page (classic script).
 *
 * A state the build already computed (a toggle, a step, a slider stop) is shown at
 * once from the widget's <template data-known>, with no runtime. Pyodide is fetched
 * only for what no build could know (typed input, new random draws, code), or
 * earlier when the reader shows intent: focusing a field to type in, pressing on a
 * vector to drag, pointing at Run; or, if the reader turned the site setting on,
 * when a widget has been on screen for a few seconds. Never early when the browser
 * asks to save data. Then ONE Web Worker (worker.js) loads the runtime and serves
 * every widget on the page. JavaScript only moves JSON: the form's state goes to
 * the worker, Python's escaped HTML comes back and replaces the widget's output
 * region ([data-output]). It does what "The widget contract" in
 * ARCHITECTURE.md says, and nothing else; messages it shows are clones of markup Python
 * pre-rendered (<template data-message>), never built here.
 */
(function () {
  "use strict";
  if (window.explainerWidgetsLoaded) return; // included twice: one loader, one worker
  window.explainerWidgetsLoaded = true;

  const SCRIPT_URL = document.currentScript && document.currentScript.src;
  const LOAD_TIMEOUT_MS = 120000;
  const COMPUTE_TIMEOUT_MS = 10000; // reader's code that never returns: stop the worker, start afresh
  const VISIBLE_MS = 3000; // the site setting: start once a widget has been on screen this long
  const SETTING = "explainer:start-when-visible"; // localStorage key, "on" or absent
  const SAVE_DATA = Boolean(navigator.connection && navigator.connection.saveData);
  /**
   * key -> widget record:
   *   root     the [data-widget] element        name     its data-widget name
   *   key      its key in the URL fragment       sent     id of the request in flight, 0 if none
   *   pending  recompute once the answer/runtime arrives   changed  state differs from the page's
   *   timer    runaway timer of a Run computation          started  performance.now() of the request
 *   known    state key -> <template data-known>, the states the build computed
 *   waiting  the reader is waiting for the runtime here (its status line says what loads)
 *   shownKey state key of what the output shows (null: the pre-rendered first state)
 *   sentKey  state key of the request in flight
   *   kept     data-keep key -> open, the reader's own choice for a <details data-keep> in the output
   *   shown    data-keep key -> open, as the last render left it (a difference is the reader's toggle)
   */
  const widgets = new Map();
  let worker = null;
  let workerReady = false;
  let failed = null; // message once the runtime cannot load
  let nextId = 1;

  /** Every named control of a widget's form, as the JSON state Python normalises. */
  function readState(root) {
    const state = {};
    for (const control of root.querySelectorAll("input[name], select[name], textarea[name]")) {
      if (control.closest("[data-output]")) continue; // controls Python rendered into the output
      if (control.type === "checkbox") state[control.name] = control.checked;
      else if (control.type === "radio") {
        if (control.checked) state[control.name] = control.value;
      } else if (control.dataset.stops) state[control.name] = control.dataset.stops.split(",")[control.value];
      else state[control.name] = control.value;
    }
    return state;
  }

  /** The key of a state, as Python's state_key: JSON of its [name, value] pairs sorted by name. */
  function stateKey(state) {
    return JSON.stringify(Object.keys(state).sort().map((name) => [name, state[name]]));
  }

  /** The key the known states use: without the go-ahead fields (data-unkeyed) that never change them. */
  function knownKey(root, state) {
    const kept = { ...state };
    for (const control of root.querySelectorAll("form [data-unkeyed]")) delete kept[control.name];
    return stateKey(kept);
  }

  /** A slider over stops: its position is an index; show the stop it stands for beside it. */
  function showStop(slider) {
    const stop = slider.dataset.stops.split(",")[slider.value];
    slider.setAttribute("aria-valuetext", stop);
    const shown = slider.parentElement.querySelector("output[data-stop]");
    if (shown) shown.textContent = stop;
  }

  /** Put a state back into the controls (from a link); unknown names are ignored. */
  function writeState(root, state, onlyHidden) {
    for (const [name, value] of Object.entries(state)) {
      for (const control of root.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
        if (control.closest("[data-output]")) continue;
        if (onlyHidden && control.type !== "hidden") continue;
        if (control.type === "checkbox") control.checked = value === true || value === "true";
        else if (control.type === "radio") control.checked = control.value === String(value);
        else if (control.dataset.stops) {
          const index = control.dataset.stops.split(",").indexOf(String(value));
          if (index >= 0) control.value = String(index);
          showStop(control);
        } else control.value = String(value);
      }
    }
  }

  function outputOf(root) {
    return root.querySelector("[data-output]");
  }

  /** The live status line under the form (progress, failure) of the widgets waiting for the runtime. */
  function setStatus(text) {
    for (const w of widgets.values()) {
      if (w.waiting) w.root.querySelector("[data-status]").textContent = text && `${w.root.dataset.loading}: ${text}`;
    }
  }

  /** The reader waits for the runtime in this widget: say so there. */
  function wait(w) {
    if (w.waiting || workerReady) return;
    w.waiting = true;
    setState(w.root, "loading");
    w.root.querySelector("[data-status]").textContent = `${w.root.dataset.loading}…`;
  }

  /** Replace the output with a message Python pre-rendered in the widget (<template data-message>). */
  function showMessage(root, name) {
    const template = root.querySelector(`template[data-message="${name}"]`);
    outputOf(root).replaceChildren(template.content.cloneNode(true));
  }

  function setState(root, state) {
    root.setAttribute("data-state", state);
  }

  /** The runtime could not load: say so, keep the pre-rendered content. */
  function fail(message) {
    if (failed) return;
    failed = message;
    for (const w of widgets.values()) {
      setState(w.root, "error");
      w.root.querySelector("[data-status]").textContent =
        `The live version could not load (${message}). What you see is the pre-rendered result.`;
    }
    if (worker) worker.terminate();
  }

  /**
   * Start the worker once; every widget shows "loading" until it answers. `first`: the widget the
   * reader is in, named first so the worker prepares its Python before the page's other widgets'.
   */
  function start(first) {
    if (worker || failed) return;
    if (!window.Worker || !window.WebAssembly || !SCRIPT_URL) {
      fail("this browser has no Web Worker or WebAssembly support");
      return;
    }
    performance.mark("explainer:runtime-start");
    try {
      worker = new Worker(new URL("worker.js", SCRIPT_URL));
    } catch (error) {
      fail(String(error.message || error));
      return;
    }
    worker.onmessage = (event) => onWorkerMessage(event.data);
    worker.onerror = (event) => {
      event.preventDefault(); // reported in the widget instead of as an uncaught error
      fail(event.message || "the runtime script could not be loaded");
    };
    const names = [...widgets.values()].map((w) => w.name);
    worker.postMessage({ type: "init", widgets: [...new Set(first ? [first, ...names] : names)] });
    clearTimeout(start.timer);
    start.timer = setTimeout(() => workerReady || fail("it took too long to load"), LOAD_TIMEOUT_MS);
  }

  function onWorkerMessage(message) {
    if (message.type === "progress" && message.id) {
      downloading(message);
    } else if (message.type === "progress") {
      setStatus(`${message.text}…`);
    } else if (message.type === "ready") {
      workerReady = true;
      clearTimeout(start.timer);
      performance.mark("explainer:runtime-ready", { detail: { snapshot: message.snapshot } }); // how Python started
      for (const [phase, ms] of Object.entries(message.phases || {})) {
        performance.mark(`explainer:phase:${phase}`, { detail: { ms } }); // the worker's own timings
      }
      setStatus("");
      for (const w of widgets.values()) {
        w.waiting = false;
        if (w.pending) request(w); // "ready" once its answer arrives
        else setState(w.root, "ready");
      }
      worker.postMessage({ type: "prepare" }); // after those requests: the worker answers them first
    } else if (message.type === "prepared") {
      performance.mark(`explainer:phase:prepare ${message.widget}`, { detail: { ms: message.ms } });
    } else if (message.type === "running") {
      // Only the reader's own code can run forever; the widgets' computations are bounded.
      const w = [...widgets.values()].find((x) => x.sent === message.id);
      if (w) clearTimeout(w.timer); // sent again after a download: the timer measures Python only
      if (w && hasSubmit(w.root)) w.timer = setTimeout(() => stopRunaway(w), COMPUTE_TIMEOUT_MS);
    } else if (message.type === "result") {
      onResult(message);
    } else if (message.type === "failed") {
      fail(message.message);
    }
  }

  /** Data files one computation needs are downloading: say so in that widget; the network is not Python. */
  function downloading(message) {
    const w = [...widgets.values()].find((x) => x.sent === message.id);
    if (!w) return;
    clearTimeout(w.timer);
    w.root.querySelector("[data-status]").textContent = `${w.root.dataset.loading}: ${message.text}…`;
  }

  /** A computation ran too long: end the worker (the only way to stop Python), keep the page usable. */
  function stopRunaway(w) {
    if (!worker) return; // already ended (a second timer of the same computation)
    worker.terminate();
    worker = null;
    workerReady = false;
    for (const x of widgets.values()) {
      if (x.sent && x !== w) x.pending = true; // asked again once a new worker is ready
      x.sent = 0;
      if (x !== w) setState(x.root, "static");
    }
    showMessage(w.root, "stopped");
    setState(w.root, "ready");
    if ([...widgets.values()].some((x) => x.pending)) start();
  }

  function hasSubmit(root) {
    return root.querySelector("form [type=submit]") !== null;
  }

  /** Show the widget's current state: from a known template at once, else computed by the worker. */
  function request(w) {
    const state = readState(w.root);
    const key = stateKey(state);
    if (key === w.shownKey && !w.sent && !w.pending) return; // already shown (a slider fires input, then change)
    const known = w.known.get(knownKey(w.root, state));
    if (known) {
      showKnown(w, known, key);
      return;
    }
    if (failed) return;
    if (!workerReady || w.sent) {
      w.pending = true; // sent when the runtime is ready / the current answer arrives
      wait(w);
      start(w.name);
      return;
    }
    w.pending = false;
    w.sent = nextId++;
    w.sentKey = key;
    w.started = performance.now();
    worker.postMessage({ type: "compute", id: w.sent, widget: w.name, state: readState(w.root) });
  }

  /** A state the build computed: its template replaces the output, no runtime involved. */
  function showKnown(w, template, key) {
    const started = performance.now();
    clearTimeout(w.timer);
    w.sent = 0; // an answer still in flight for an older state is dropped
    w.pending = false;
    const corrected = template.dataset.corrected ? JSON.parse(template.dataset.corrected) : {};
    render(w, { html: template.content.cloneNode(true), state: corrected }); // data-state: still the runtime's
    w.shownKey = key;
    const ms = performance.now() - started;
    announce(w, ms, 0, true, ms);
  }

  /** Tell listeners (the pictures, the benchmarks) that new output is in the page, and what it took. */
  function announce(w, ms, pythonMs, known, renderMs) {
    w.root.dispatchEvent(new CustomEvent("explainer:result", {
      bubbles: true,
      detail: { key: w.key, ms, python_ms: pythonMs, known, render_ms: renderMs },
    }));
  }

  function onResult(message) {
    const w = [...widgets.values()].find((x) => x.sent === message.id);
    if (!w) return;
    clearTimeout(w.timer);
    w.sent = 0;
    if (w.pending) {
      request(w); // the reader changed something meanwhile: only the latest state matters
      return;
    }
    const rendering = performance.now();
    render(w, message.response);
    const renderMs = performance.now() - rendering; // the page's part: HTML parsed into the output
    w.shownKey = w.sentKey;
    w.root.querySelector("[data-status]").textContent = ""; // a download's progress, if any
    setState(w.root, "ready");
    if (!performance.getEntriesByName("explainer:first-live-result").length) {
      performance.mark("explainer:first-live-result");
    }
    announce(w, performance.now() - w.started, message.ms, false, renderMs);
  }

  /** Replace the output region (Python's HTML, or a template's content); keep focus on the same cell/button. */
  function render(w, response) {
    const output = outputOf(w.root);
    writeState(w.root, response.state, true);
    const focused = output.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = focused && focused.getAttribute("data-set");
    noteToggles(w);
    if (typeof response.html === "string") output.innerHTML = response.html;
    else output.replaceChildren(response.html);
    applyKept(w);
    if (focusKey) {
      const again = output.querySelector(`[data-set="${CSS.escape(focusKey)}"]`);
      if (again) again.focus({ preventScroll: true });
    }
  }

  /**
   * <details data-keep="KEY"> in the output region: a disclosure the reader opened or closed stays
   * that way when the output is replaced (KEY names the same disclosure in every render of the widget).
   * Only the reader's own toggles are kept; a disclosure the reader never touched follows Python's markup.
   */
  function keptDetails(w) {
    return outputOf(w.root).querySelectorAll("details[data-keep]");
  }

  /** Before a render: every disclosure whose state differs from the last render was toggled by the reader. */
  function noteToggles(w) {
    for (const details of keptDetails(w)) {
      const key = details.getAttribute("data-keep");
      if (w.shown.has(key) && w.shown.get(key) !== details.open) w.kept.set(key, details.open);
    }
  }

  /** After a render: reopen (or close) what the reader chose, and remember what is now shown. */
  function applyKept(w) {
    for (const details of keptDetails(w)) {
      const key = details.getAttribute("data-keep");
      if (w.kept.has(key)) details.open = w.kept.get(key);
      w.shown.set(key, details.open);
    }
  }

  /** Apply data-set="name=value&..." to the widget's hidden inputs; true if anything changed. */
  function applySet(root, spec) {
    let changed = false;
    for (const [name, value] of new URLSearchParams(spec)) {
      const input = root.querySelector(`form input[type=hidden][name="${CSS.escape(name)}"]`);
      if (input.value !== value) {
        input.value = value;
        changed = true;
      }
    }
    return changed;
  }

  /**
   * Remember the changed widgets' state in the URL fragment (a copied link restores it).
   * Debounced: Chrome throttles frequent history.replaceState calls (fast typing).
   */
  function saveFragment(w) {
    w.changed = true;
    clearTimeout(saveFragment.timer);
    saveFragment.timer = setTimeout(writeFragment, 250);
  }

  function writeFragment() {
    const params = new URLSearchParams();
    for (const x of widgets.values()) {
      if (x.changed) params.set(x.key, JSON.stringify(readState(x.root)));
    }
    history.replaceState(null, "", `#${params.toString()}`);
  }

  function restoreFragment() {
    let params;
    try {
      params = new URLSearchParams(location.hash.slice(1));
    } catch (error) {
      return;
    }
    for (const [key, json] of params) {
      const w = widgets.get(key);
      if (!w) continue;
      try {
        writeState(w.root, JSON.parse(json), false);
      } catch (error) {
        continue; // a damaged link: keep the pre-rendered state
      }
      w.changed = true;
      // Code from a link is shown, never run on its own: the reader reads it and presses Run.
      if (hasSubmit(w.root)) showMessage(w.root, "from-link");
      else request(w);
    }
  }

  function widgetOf(target) {
    const root = target instanceof Element ? target.closest("[data-widget]") : null;
    return root ? widgets.get(root.getAttribute("data-widget-key")) : null;
  }

  /** The reader shows intent to compute something no build knew: warm the runtime now. */
  function warmUp(w) {
    if (SAVE_DATA || workerReady || failed) return;
    wait(w);
    start(w.name);
  }

  /** Would pressing this data-set button lead to a state the build did not compute (a new random draw)? */
  function leadsToUnknown(w, setter) {
    const state = readState(w.root);
    for (const [name, value] of new URLSearchParams(setter.getAttribute("data-set"))) state[name] = value;
    return !w.known.has(knownKey(w.root, state));
  }

  /** A change the reader made to a form control. */
  function onEdit(event) {
    const w = widgetOf(event.target);
    if (!w || !event.target.name || event.target.closest("[data-output]")) return;
    if (event.target.dataset.stops) showStop(event.target);
    saveFragment(w);
    if (!hasSubmit(w.root)) request(w); // with a Run button, typing alone does not compute
  }

  /** Buttons and cells with data-set. */
  function onActivate(event) {
    const w = widgetOf(event.target);
    if (!w) return;
    const setter = event.target.closest("[data-set]");
    if (setter && w.root.contains(setter) && applySet(w.root, setter.getAttribute("data-set"))) {
      saveFragment(w);
      request(w);
    }
  }

  function onSubmit(event) {
    const w = widgetOf(event.target);
    if (!w) return;
    event.preventDefault(); // never navigate away
    saveFragment(w);
    request(w);
  }

  function onKey(event) {
    const w = widgetOf(event.target);
    if (!w) return;
    const setter = event.target.closest("[data-set]");
    if ((event.key === "Enter" || event.key === " ") && setter && !setter.matches("button")) {
      event.preventDefault();
      onActivate(event);
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && hasSubmit(w.root)) {
      event.preventDefault();
      onSubmit(event);
    } else if (event.key.startsWith("Arrow") && event.target.matches("[data-row][data-col]")) {
      moveBetweenCells(event);
    }
  }

  /** Arrow keys move focus to the neighbouring heatmap cell (focusing it selects it). */
  function moveBetweenCells(event) {
    const cell = event.target;
    const step = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
    if (!step) return;
    const row = Number(cell.dataset.row) + step[0];
    const col = Number(cell.dataset.col) + step[1];
    const table = cell.closest("table") || cell.parentElement;
    const next = table.querySelector(`[data-row="${row}"][data-col="${col}"]`);
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }

  /**
   * Focus inside a widget. A field to type in warms the runtime (the reader is about to type), and
   * so does the Run button. A focused cell is selected, like a click, when that state is known or
   * the runtime is up: moving through the page with Tab never downloads the runtime by itself.
   */
  function onFocus(event) {
    const w = widgetOf(event.target);
    if (!w) return;
    const target = event.target;
    if (target.matches("input[type=text], textarea, [type=submit]") && !target.closest("[data-output]")) warmUp(w);
    const setter = target.closest("[data-set]");
    if (!setter || setter.matches("button")) return;
    if (!workerReady && leadsToUnknown(w, setter)) return;
    if (applySet(w.root, setter.getAttribute("data-set"))) {
      saveFragment(w);
      request(w);
    }
  }

  /** Pointing at Run or a "new draw" button, or pressing on a vector to drag: warm the runtime. */
  function onPoint(event) {
    const w = widgetOf(event.target);
    if (!w) return;
    const target = event.target;
    const setter = target.closest("button[data-set]:not([data-row])"); // not heatmap cells: read, not intent
    if (target.closest("[type=submit], [data-drag]") || (setter && leadsToUnknown(w, setter))) warmUp(w);
  }

  /** The site setting: also start once a widget has been on screen for VISIBLE_MS (never to save data). */
  function startWhenVisible() {
    if (SAVE_DATA || readSetting() !== "on" || !window.IntersectionObserver) return;
    const timers = new Map();
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        clearTimeout(timers.get(entry.target));
        if (entry.isIntersecting) timers.set(entry.target, setTimeout(start, VISIBLE_MS));
      }
    }, { threshold: 0.5 });
    for (const w of widgets.values()) observer.observe(w.root);
  }

  function readSetting() {
    try {
      return localStorage.getItem(SETTING);
    } catch (error) {
      return null; // storage blocked: the setting is off
    }
  }

  /** The setting's checkbox (the runtime_settings widget): shows and stores the reader's choice. */
  function initSettings() {
    for (const box of document.querySelectorAll("input[data-setting]")) {
      const root = box.closest("[data-widget]");
      box.checked = readSetting() === "on";
      if (SAVE_DATA) {
        box.disabled = true;
        root.querySelector("[data-output]").replaceChildren(
          root.querySelector('template[data-message="save-data"]').content.cloneNode(true));
      }
      box.addEventListener("change", () => {
        try {
          if (box.checked) localStorage.setItem(SETTING, "on");
          else localStorage.removeItem(SETTING);
        } catch (error) {
          box.checked = false; // storage blocked: nothing to remember it in
        }
      });
    }
  }

  function init() {
    initSettings();
    const counts = {};
    for (const root of document.querySelectorAll("[data-widget]")) {
      if (!root.querySelector("form")) continue; // a static widget (head_grid): nothing to make live
      const name = root.getAttribute("data-widget");
      counts[name] = (counts[name] || 0) + 1;
      const key = root.id || `${name}-${counts[name] - 1}`;
      root.setAttribute("data-widget-key", key);
      const known = new Map();
      for (const template of root.querySelectorAll(":scope > template[data-known]")) {
        known.set(template.getAttribute("data-known"), template);
      }
      const w = { root, name, key, sent: 0, pending: false, changed: false, timer: 0, started: 0,
                  kept: new Map(), shown: new Map(), known, waiting: false,
                  shownKey: null, sentKey: null };
      widgets.set(key, w);
      applyKept(w); // the pre-rendered output is the first render
    }
    if (!widgets.size) return;
    document.addEventListener("input", onEdit, true);
    document.addEventListener("change", onEdit, true);
    document.addEventListener("click", onActivate, true);
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("submit", onSubmit, true);
    document.addEventListener("focusin", onFocus, true);
    document.addEventListener("pointerover", onPoint, true);
    document.addEventListener("pointerdown", onPoint, true);
    restoreFragment();
    startWhenVisible();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
