/*
 * The one Web Worker that serves every widget on a page (started by loader.js on
 * the reader's first interaction). It loads Pyodide, numpy and the `explainer`
 * wheel (plus the GloVe subset when a widget on the page needs it), then answers
 * each request by calling the Python function explainer.browser.handle(json).
 * Python computes and renders; this file only moves JSON.
 *
 * Messages in:  {type: "init", widgets: [name, ...]}
 *               {type: "compute", id, widget, state}
 * Messages out: {type: "progress", text, step, steps}
 *               {type: "ready", ms}
 *               {type: "running", id}  (Python starts; the page may terminate us if it never ends)
 *               {type: "result", id, response: {html, state, error}, ms}
 *               {type: "failed", message}
 */
"use strict";

const GLOVE_FS_PATH = "/home/pyodide/glove-browser.npz";
let booting = null; // Promise<{pyodide, handle, config}> once init arrives
let gloveReady = null; // Promise<void> once the GloVe subset is being fetched

/** Human-readable size, e.g. "13.7 MB". */
function megabytes(bytes) {
  return bytes ? ` (${(bytes / 1e6).toFixed(1)} MB)` : "";
}

function progress(text, step, steps) {
  self.postMessage({ type: "progress", text, step, steps });
}

/** Resolve a URL from runtime.json against this worker's own URL. */
function resolve(url) {
  return new URL(url, self.location.href).href;
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Load Pyodide and our wheel; the steps are reported for the progress indicator. */
async function boot(widgets) {
  const started = performance.now();
  const config = await (await fetch(resolve("runtime.json"))).json();
  const steps = widgets.some((w) => config.glove_widgets.includes(w)) && config.glove_url ? 3 : 2;
  const sizes = config.sizes || {};
  progress(`the Python runtime${megabytes(sizes.core)}`, 1, steps);
  const indexURL = resolve(config.index_url);
  importScripts(indexURL + "pyodide.js");
  // Fetch the GloVe subset while Pyodide compiles, if this page has a widget that needs it.
  let gloveBytes = null;
  if (steps === 3) gloveBytes = fetchBytes(resolve(config.glove_url));
  const pyodide = await loadPyodide({ indexURL, stdout: () => {}, stderr: () => {} });
  progress(`NumPy and the explainer package${megabytes(sizes.packages)}`, 2, steps);
  await loadWheels(pyodide, config);
  // Figures in the code runner are rendered to SVG by Python; no DOM backend in a worker.
  pyodide.runPython("import os; os.environ['MPLBACKEND'] = 'Agg'");
  const handle = pyodide.pyimport("explainer.browser").handle;
  if (gloveBytes) {
    progress(`the GloVe word vectors${megabytes(sizes.glove)}`, 3, steps);
    pyodide.FS.writeFile(GLOVE_FS_PATH, await gloveBytes);
    gloveReady = Promise.resolve();
  }
  self.postMessage({ type: "ready", ms: performance.now() - started });
  return { pyodide, handle, config };
}

/** numpy + explainer: from our lock when self-hosted, from the CDN + our site in cdn mode. */
async function loadWheels(pyodide, config) {
  const errors = [];
  const options = { messageCallback: () => {}, errorCallback: (m) => errors.push(m) };
  if (config.mode === "cdn") {
    await pyodide.loadPackage(["numpy", resolve(config.wheel_url)], options);
  } else {
    await pyodide.loadPackage(["explainer"], options);
  }
  if (errors.length) throw new Error(errors.join("; "));
}

/** Make the GloVe subset available before the first request of a widget that needs it. */
async function ensureGlove(runtime) {
  if (!gloveReady) {
    gloveReady = (async () => {
      const sizes = runtime.config.sizes || {};
      progress(`the GloVe word vectors${megabytes(sizes.glove)}`, 1, 1);
      runtime.pyodide.FS.writeFile(GLOVE_FS_PATH, await fetchBytes(resolve(runtime.config.glove_url)));
    })();
  }
  return gloveReady;
}

/** One widget update: JSON state in, {html, state, error} out. */
async function compute(runtime, message) {
  const { config, pyodide, handle } = runtime;
  const request = { widget: message.widget, state: message.state };
  if (config.glove_url && config.glove_widgets.includes(message.widget)) {
    await ensureGlove(runtime);
    request.embeddings = GLOVE_FS_PATH;
  }
  // The code runner: load matplotlib (or another shipped package) only if the code imports it.
  for (const value of Object.values(message.state)) {
    if (typeof value === "string" && /\bimport\b/.test(value)) {
      try {
        await pyodide.loadPackagesFromImports(value, { messageCallback: () => {}, errorCallback: () => {} });
      } catch (error) {
        // Code that does not parse: Python reports it as the result, with the line.
      }
    }
  }
  self.postMessage({ type: "running", id: message.id }); // the page's runaway timer starts now
  const started = performance.now();
  const response = JSON.parse(handle(JSON.stringify(request)));
  self.postMessage({ type: "result", id: message.id, response, ms: performance.now() - started });
}

self.onmessage = async (event) => {
  const message = event.data;
  try {
    if (message.type === "init") {
      booting = booting || boot(message.widgets || []);
      await booting;
    } else if (message.type === "compute") {
      await compute(await booting, message);
    }
  } catch (error) {
    self.postMessage({ type: "failed", message: String((error && error.message) || error) });
  }
};
