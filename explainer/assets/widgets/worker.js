/*
 * The one Web Worker that serves every widget on a page (started by loader.js when
 * a reader needs live Python, or shows intent). It loads Pyodide, numpy and the
 * `explainer` wheel (and, meanwhile, the list of GloVe rows when a widget on the page reads
 * them), then answers each request by calling the Python function explainer.browser.handle(json).
 * Python computes and renders; this file only moves JSON. The cold path (wheels fetched
 * while the interpreter starts, byte-compiled archives, and the measured-but-off snapshot of
 * the bare interpreter) is measured by benchmarks/bench_coldpath.py.
 *
 * Messages in:  {type: "init", widgets: [name, ...]}  (the widget the reader is in first)
 *               {type: "compute", id, widget, state}
 *               {type: "prepare"}  (after "ready", once the page has sent what waited for it: import
 *                 the widgets' modules now, so a computation already asked for goes first)
 * Messages out: {type: "progress", text, step, steps}
 *               {type: "ready", ms, phases: {name: ms}, snapshot, downloads}  (start-up phases, in the order
 *                 they ran; snapshot: "restored", "made" for the next visit, "dropped" or "off";
 *                 downloads: [{file, start, end}] of the runtime's files, ms on this worker's clock)
 *               {type: "prepared", widget, ms}  (its modules imported, NumPy among them for most)
 *               {type: "running", id}  (Python starts, again after a download; the page may end us if it never ends)
 *               {type: "progress", id, text}  (data files for request id are downloading)
 *               {type: "result", id, response: {html, state, error}, ms}  (ms: Python's time)
 *               {type: "failed", message}
 */
"use strict";
/* global RUNTIME_CONFIG */

let booting = null; // Promise<{pyodide, handle, config, widgets}> once init arrives
const phases = {}; // start-up phase name -> ms, sent with "ready"

/** Human-readable size, e.g. " (13.7 MB)". */
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

/** Run one start-up phase; its duration goes to `phases` and this worker's timeline (explainer:NAME). */
async function phase(name, work) {
  const start = performance.now();
  try {
    return await work();
  } finally {
    performance.measure(`explainer:${name}`, { start });
    phases[name] = performance.now() - start;
  }
}

/**
 * Failures of Pyodide 0.27's start-up that loadPyodide never reports (it would never settle, and
 * the reader would wait for the loader's two-minute timeout). `failed` rejects with the reason:
 * - the interpreter's WebAssembly does not instantiate (a missing or damaged pyodide.asm.wasm:
 *   Pyodide only warns; fixed upstream in pyodide#6296). The first instantiation after this call
 *   is the interpreter's own (Pyodide makes one attempt); the wrappers step aside after it, so
 *   the packages' libraries load through the real functions;
 * - an error escapes start-up: a preloaded wheel that fails to download or to match the lock's
 *   sha256 before the interpreter is up makes Pyodide log through a runtime not yet started,
 *   which throws where no one catches it (seen when the machine is busy).
 * `stop(started)` removes the watchers once start-up is over; after a failed one, the errors its
 * pending work throws later stay quiet (the page has the reason already).
 */
function startupFailure(onCompiled) {
  let stop = () => {};
  const failed = new Promise((_, reject) => {
    const real = { instantiate: WebAssembly.instantiate, instantiateStreaming: WebAssembly.instantiateStreaming };
    for (const name of Object.keys(real)) {
      WebAssembly[name] = (...args) => {
        Object.assign(WebAssembly, real);
        const attempt = real[name].apply(WebAssembly, args);
        attempt.then(onCompiled, () => {}); // before Pyodide's own reaction, which starts Python
        attempt.catch((error) => reject(new Error(`pyodide.asm.wasm could not be started (${error.message})`)));
        return attempt;
      };
    }
    const escaped = (event) => {
      event.preventDefault(); // reported below, as the reason start-up failed
      const error = event.reason || event.error || new Error(event.message);
      const inPackages = /PackageManager|loadPackage/.test(String(error && error.stack));
      // Pyodide's own error in that case is about its runtime, not the package: name the cause instead.
      const reason = inPackages
        ? "a Python package failed to download or did not match the sha256 in the lock"
        : `Python stopped while starting (${(error && error.message) || error})`;
      reject(new Error(reason));
    };
    self.addEventListener("unhandledrejection", escaped);
    self.addEventListener("error", escaped);
    stop = (started) => {
      Object.assign(WebAssembly, real);
      if (!started) return; // Pyodide's pending work may still throw; the one failure is reported
      self.removeEventListener("unhandledrejection", escaped);
      self.removeEventListener("error", escaped);
    };
  });
  failed.catch(() => {}); // awaited through Promise.race; a late rejection is not an error
  return { failed, stop };
}

/*
 * The bare interpreter's memory, saved in Cache Storage on a first visit and restored on the next
 * (Pyodide 0.27's private _makeSnapshot / makeMemorySnapshot / _loadSnapshot options): Python's
 * own start-up is then skipped. Taken before any package loads, since a snapshot cannot hold
 * numpy's shared libraries. runtime.json's snapshot_key changes with any file of the interpreter.
 * Off as the site ships (runtime.json's snapshot): with a byte-compiled standard library Python
 * starts quickly, and reading and copying the 20 MB snapshot measured slower than that
 * (benchmarks/bench_coldpath.py keeps measuring it as a lever).
 */
const RUNTIME_CACHE = "explainer-runtime";

function snapshotKey(config) {
  return resolve(`interpreter-snapshot-${config.snapshot_key}`); // a key in the cache, never fetched
}

/** The snapshot an earlier visit saved for this interpreter, or null. */
async function savedSnapshot(config) {
  const cache = await openCache(RUNTIME_CACHE);
  const hit = cache && (await cache.match(snapshotKey(config)).catch(() => null));
  return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
}

/** Remove every saved snapshot (an older interpreter's, or one that did not start). */
async function forgetSnapshots() {
  const cache = await openCache(RUNTIME_CACHE);
  if (cache) for (const old of await cache.keys()) await cache.delete(old).catch(() => {});
}

/** Save the bare interpreter's memory for the next visit, replacing any older snapshot; failures only cost speed. */
async function saveSnapshot(config, pyodide) {
  const start = performance.now();
  try {
    const bytes = pyodide.makeMemorySnapshot();
    performance.measure("explainer:make snapshot", { start });
    await forgetSnapshots();
    const cache = await openCache(RUNTIME_CACHE);
    if (cache) await cache.put(snapshotKey(config), new Response(bytes));
  } catch (error) {
    // storage full or refused: the next visit starts Python from the beginning
  }
}

/*
 * On a slow connection the start-up downloads share the reader's bandwidth, yet they are not needed
 * at once: Python starts when the interpreter (pyodide.asm.wasm, compiled as it arrives) and the
 * standard library are in; numpy's wheel is needed only after that, and its shared libraries take a
 * while to load; our wheel is needed last. With runtime.json's `download_order`, the worker holds
 * numpy's wheel until the interpreter is compiled, and every other package until numpy's wheel has
 * all its bytes, so each file arrives about when it can be used (benchmarks/bench_coldpath.py
 * measures this against all at once). A held download starts in the very task that releases it:
 * Python's own start-up runs right after the interpreter compiles and keeps this thread busy.
 */
class Step {
  constructor() {
    this.over = false;
    this.waiting = [];
  }

  /** Run `go` once this step is over (now, if it is). */
  then(go) {
    if (this.over) go();
    else this.waiting.push(go);
  }

  end() {
    this.over = true;
    this.waiting.splice(0).forEach((go) => go());
  }
}

/**
 * Start ordering the downloads: returns {compiled, release}. Call compiled() once the interpreter
 * is compiled (startupFailure does), and release() when start-up is over, however it ended.
 */
function orderDownloads(config) {
  const real = self.fetch;
  const compiled = new Step();
  const numpy = new Step();
  const release = () => {
    self.fetch = real;
    compiled.end();
    numpy.end();
  };
  if (!config.download_order) return { compiled: () => {}, release };
  const more = config.numpy_more && new URL(resolve(config.numpy_more.url)).pathname;
  const after = (url) => {
    const path = new URL(url, self.location.href).pathname;
    if (/\/numpy-[^/]*\.whl$/.test(path)) return compiled;
    return path.endsWith(".whl") || path === more ? numpy : null;
  };
  self.fetch = (input, init) => {
    const step = after(String(input.url || input));
    if (!step) return real(input, init);
    return new Promise((resolve, reject) =>
      step.then(() => {
        const fetched = real(input, init);
        if (step !== compiled) return fetched.then(resolve, reject);
        fetched.then(
          (response) => resolve(whenRead(response, () => numpy.end())),
          (error) => {
            numpy.end(); // the failure is reported by Pyodide; the other packages need not wait
            reject(error);
          },
        );
      }),
    );
  };
  return { compiled: () => compiled.end(), release };
}

/** The response, whose body calls `done` (synchronously) as its reader reaches the end. */
function whenRead(response, done) {
  if (!response.body) {
    done();
    return response;
  }
  const watched = response.body.pipeThrough(new TransformStream({ flush: done }));
  return new Response(watched, response);
}

/**
 * What to load into Pyodide: our wheel from the lock (numpy is its dependency), or numpy + our URL;
 * and numpy's rarely used modules when the widget the reader is in first imports them at once.
 */
function packagesOf(config, first) {
  if (config.mode === "cdn") return ["numpy", resolve(config.wheel_url)];
  const more = config.numpy_more;
  return more && more.widgets.includes(first) ? ["explainer", more.package] : ["explainer"];
}

/**
 * Load Pyodide, numpy and our wheel, each phase measured (see benchmarks/bench_coldpath.py).
 * The wheels are named to loadPyodide, so they download while the interpreter starts.
 */
async function boot(widgets) {
  const started = performance.now();
  const config = RUNTIME_CONFIG; // runtime.json, which the build writes at the top of this file
  const sizes = config.sizes || {};
  const packages = packagesOf(config, widgets[0]);
  const more = packages.includes(config.numpy_more?.package) ? sizes.numpy_more : 0;
  progress(`the Python runtime, NumPy and the explainer package${megabytes(sizes.core + sizes.packages + more)}`, 1, 1);
  const indexURL = resolve(config.index_url);
  // A widget reading GloVe rows will ask for some: their folder's list, and which data files Cache
  // Storage holds, are read while Pyodide starts.
  if (widgets.some((w) => (config.glove_widgets || []).includes(w))) {
    manifestOf(config, "glove/");
    dataCache();
  }
  const saved = config.snapshot ? savedSnapshot(config) : null; // read meanwhile
  // A self-hosted site's build puts pyodide.js at the top of this file (sitebuild/runtime_config.py).
  if (typeof loadPyodide !== "function") await phase("pyodide.js", () => importScripts(indexURL + "pyodide.js"));
  const snapshotBytes = config.snapshot ? await phase("saved snapshot", () => saved) : null;
  const order = orderDownloads(config);
  let pyodide, snapshot;
  try {
    ({ pyodide, snapshot } = await startInterpreter(config, indexURL, packages, snapshotBytes, order.compiled));
    await phase("packages", () => loadWheels(pyodide, packages));
  } finally {
    order.release();
  }
  const handle = await phase("import explainer", () => {
    // Figures in the code runner are rendered to SVG by Python; no DOM backend in a worker.
    pyodide.runPython("import os; os.environ['MPLBACKEND'] = 'Agg'");
    lazyArchives(pyodide, config);
    return pyodide.pyimport("explainer.browser").handle;
  });
  self.postMessage({ type: "ready", ms: performance.now() - started, phases, snapshot, downloads: downloads(indexURL) });
  return { pyodide, handle, config, widgets };
}

/** The runtime's files this worker fetched: when each request went out and when its last byte came (ms). */
function downloads(indexURL) {
  return performance
    .getEntriesByType("resource")
    .filter((entry) => entry.name.startsWith(indexURL))
    .map((entry) => ({ file: entry.name.slice(indexURL.length), start: entry.startTime, end: entry.responseEnd }));
}

/**
 * loadPyodide, from the saved snapshot when there is one. Without one, the wheels are named to it
 * so they download while the interpreter starts; when a snapshot is to be made, they are fetched
 * into the browser's HTTP cache instead and loaded after it is taken (it must not hold them).
 * A snapshot that does not start (damaged, or made by another browser build) is dropped.
 * Resolves to {pyodide, snapshot: "restored" | "made" | "dropped" | "off"}.
 */
async function startInterpreter(config, indexURL, packages, saved, onCompiled) {
  const options = { indexURL, packages: config.preload ? packages : [], stdout: () => {}, stderr: () => {} };
  if (config.stdlib_url) options.stdLibURL = resolve(config.stdlib_url); // what widgets import; see lazyArchives
  // The worker's lock (its numpy: what widgets import), carried in this file when the build put it
  // there, so no request for it can fail where Pyodide would leave the failure unhandled.
  if (config.lock) options.lockFileURL = URL.createObjectURL(new Blob([JSON.stringify(config.lock)]));
  else if (config.lock_url) options.lockFileURL = resolve(config.lock_url);
  const start = (extra) => phase("loadPyodide", () => loadPython({ ...options, ...extra }, onCompiled));
  if (saved) {
    try {
      return { pyodide: await start({ _loadSnapshot: saved }), snapshot: "restored" };
    } catch (error) {
      await forgetSnapshots();
      return { pyodide: await start({}), snapshot: "dropped" };
    }
  }
  if (!config.snapshot) return { pyodide: await start({}), snapshot: "off" };
  if (config.preload) for (const url of config.wheels) fetch(resolve(url)).then((r) => r.arrayBuffer(), () => {});
  const pyodide = await start({ packages: [], _makeSnapshot: true });
  saveSnapshot(config, pyodide); // for the next visit; not awaited
  return { pyodide, snapshot: "made" };
}

/**
 * Python starts on the modules widgets import: the standard library's (runtime.json's stdlib_url)
 * and numpy's (the numpy of lock_url). The rest of each (stdlib_more, numpy_more) downloads when
 * a reader's code first imports one of its modules (explainer/lazy_modules.py), or first reads one
 * numpy imports but widgets do not read (`deferred`: linear algebra's routines). An import cannot
 * wait for a promise, so the request is synchronous, which a worker may make; numpy's part is
 * already installed when the widget the reader started in needs it (packagesOf).
 */
function lazyArchives(pyodide, config) {
  const finders = pyodide.pyimport("explainer.lazy_modules");
  const more = config.stdlib_more;
  if (more) finders.install(more.modules, (path) => writeArchive(pyodide, more, path));
  const numpy = config.numpy_more;
  if (numpy) {
    const fetchInto = (path) => writeArchive(pyodide, numpy, path);
    finders.install(numpy.modules, fetchInto, "/tmp/numpy_more.zip", numpy.into, "NumPy", numpy.deferred || []);
  }
}

/** Write an archive at `path`, fetched by a synchronous request (an import cannot wait for a promise). */
function writeArchive(pyodide, archive, path) {
  const request = new XMLHttpRequest();
  request.open("GET", resolve(archive.url), false);
  request.responseType = "arraybuffer";
  request.send();
  if (request.status !== 200) throw new Error(`the server answered HTTP ${request.status}`);
  pyodide.FS.writeFile(path, new Uint8Array(request.response));
}

/**
 * loadPyodide(options), failing with the reason where Pyodide 0.27 would never settle;
 * `onCompiled` runs once the interpreter's WebAssembly is compiled and instantiated.
 */
async function loadPython(options, onCompiled) {
  const startup = startupFailure(onCompiled);
  let started = false;
  try {
    const pyodide = await Promise.race([loadPyodide(options), startup.failed]);
    started = true;
    return pyodide;
  } finally {
    startup.stop(started);
  }
}

const running = new Set(); // the computations not answered yet (their promises)

/** Resolves once no computation is running (one that starts meanwhile is waited for too). */
async function idle() {
  while (running.size) await Promise.allSettled([...running]);
}

/**
 * While the reader is still typing, import each widget's Python (explainer.browser.prepare),
 * one widget per task: a computation that arrives meanwhile runs before the next one. The page
 * asks for this after sending the computations that waited for "ready", so one of those asks
 * Python first: a GloVe sentence's rows then download while its widget (the first) imports;
 * the page's other widgets wait until no computation is running, so none delays that answer.
 */
function prepare(pyodide, widgets, first = true) {
  const [name, ...rest] = widgets;
  if (name === undefined) return;
  setTimeout(async () => {
    if (!first) await idle();
    const start = performance.now();
    pyodide.pyimport("explainer.browser").prepare(name);
    performance.measure(`explainer:prepare ${name}`, { start });
    self.postMessage({ type: "prepared", widget: name, ms: performance.now() - start });
    prepare(pyodide, rest, false);
  }, 0);
}

/** Load our packages unless loadPyodide already did (runtime.json's `preload`); fail on any error. */
async function loadWheels(pyodide, packages) {
  const loaded = (name) => name.includes("/") || name in pyodide.loadedPackages; // a URL: ours, by name
  if ("explainer" in pyodide.loadedPackages && packages.every(loaded)) return;
  const errors = [];
  let name = "";
  const errorCallback = (line) => {
    // Pyodide reports each failure in two lines: "… while loading NAME:", then the reason.
    const heading = /while loading (.+):$/.exec(line);
    if (heading) name = heading[1];
    else errors.push(name ? `${name} (${line})` : line);
  };
  await pyodide.loadPackage(packages, { messageCallback: () => {}, errorCallback });
  if (errors.length) throw new Error(`Python packages could not be loaded: ${errors.join(", ")}`);
}

/*
 * Data files a computation needs (explainer/datafiles.py): when Python answers
 * {need: [names], what}, download those files from the site's data/ folder, check each
 * against its folder's manifest.json (sha256 and size), keep them in Cache Storage (a
 * second visit downloads nothing), write them under DATA_ROOT in Pyodide's file system
 * and ask Python again.
 */
const DATA_ROOT = "/home/pyodide/data"; // explainer.datafiles.PYODIDE_DATA_ROOT
const DATA_CACHE = "explainer-data"; // Cache Storage name; entries are keyed by URL and sha256
const MAX_ROUNDS = 4; // need -> download -> ask again, at most this often per computation
const manifests = new Map(); // data folder -> Promise<{name: {sha256, bytes}}>

/** URL of a data file: runtime.json's data_url, else the site's data/ (this script is in assets/widgets/). */
function dataURL(config, name) {
  return resolve((config.data_url || "../../data/") + name);
}

/** The manifest of the folder holding `name`, fetched once per worker (again after a failure). */
function manifestOf(config, name) {
  const folder = name.split("/")[0];
  if (!manifests.has(folder)) {
    const loading = fetchBytes(dataURL(config, `${folder}/manifest.json`)).then((bytes) =>
      JSON.parse(new TextDecoder().decode(bytes)),
    );
    loading.catch(() => manifests.delete(folder));
    manifests.set(folder, loading);
  }
  return manifests.get(folder);
}

/** Cache Storage `name`, or null where the browser has none (plain http://, some private modes). */
async function openCache(name = DATA_CACHE) {
  try {
    return self.caches ? await caches.open(name) : null;
  } catch (error) {
    return null;
  }
}

let dataStore = null; // Promise<{cache, keys: Set of the URLs it holds}>, read once per worker

/**
 * The data files' Cache Storage and the keys it holds, read once (on a GloVe page, while Python loads).
 * Knowing the keys, obtain() starts a download at once, in the task that asked for the file, so it runs
 * while the worker imports the widget's modules.
 */
function dataCache() {
  dataStore = dataStore || openCache().then(async (cache) => {
    const keys = cache ? await cache.keys().catch(() => []) : [];
    return { cache, keys: new Set(keys.map((request) => request.url)) };
  });
  return dataStore;
}

/** A file's bytes, reporting each chunk's length to onBytes as it arrives. */
async function download(url, onBytes) {
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`the server answered HTTP ${response.status}`);
  const reader = response.body.getReader();
  const chunks = [];
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    chunks.push(chunk.value);
    onBytes(chunk.value.length);
  }
  return new Uint8Array(await new Blob(chunks).arrayBuffer());
}

/** Hex sha256 of bytes already written at `path`: crypto.subtle, or Python's hashlib where it is missing. */
async function sha256Hex(runtime, bytes, path) {
  if (!(self.crypto && crypto.subtle)) return runtime.pyodide.pyimport("explainer.datafiles").file_sha256(path);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Write a file under DATA_ROOT if its size and sha256 are the manifest's; false (nothing written) if not. */
async function install(runtime, name, entry, bytes, id) {
  const FS = runtime.pyodide.FS;
  const path = `${DATA_ROOT}/${name}`;
  const part = `${path}.${id}.part`; // per request: two widgets may fetch the same file at once
  FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
  FS.writeFile(part, bytes);
  const good = bytes.length === entry.bytes && (await sha256Hex(runtime, bytes, part)) === entry.sha256;
  if (good) FS.rename(part, path);
  else FS.unlink(part);
  return good;
}

/** One data file into Pyodide: from Cache Storage if a good copy is there, else downloaded and cached. */
async function obtain(runtime, store, name, entry, id, onBytes) {
  const { cache, keys } = store;
  const url = dataURL(runtime.config, name);
  const key = resolve(`${url}?sha256=${entry.sha256}`); // a rebuilt file gets a new key
  const hit = keys.has(key) && (await cache.match(key));
  if (hit && (await install(runtime, name, entry, new Uint8Array(await hit.arrayBuffer()), id))) {
    onBytes(entry.bytes);
    return;
  }
  if (hit) await cache.delete(key); // a damaged copy: download it again
  keys.delete(key);
  const bytes = await download(url, onBytes);
  if (!(await install(runtime, name, entry, bytes, id))) {
    throw new Error(`${name} does not match this site's checksum, so it was not used`);
  }
  if (cache) {
    await cache.put(key, new Response(bytes)).then(() => keys.add(key), () => {}); // storage full: uncached
  }
}

/** Download what Python asked for ({need, what}), reporting "WHAT (0.2 of 0.5 MB)" as it arrives. */
async function fetchNeeded(runtime, id, asked) {
  const entries = await Promise.all(
    asked.need.map(async (name) => [name, (await manifestOf(runtime.config, name))[name]]),
  );
  const absent = entries.find(([, entry]) => !entry);
  if (absent) throw new Error(`${absent[0]} is not part of this site`);
  const total = entries.reduce((sum, [, entry]) => sum + entry.bytes, 0);
  const mb = (bytes) => (bytes / 1e6).toFixed(1);
  let done = 0;
  let shown = 0;
  const onBytes = (n) => {
    done += n;
    if (performance.now() - shown < 100 && done < total) return; // at most ten lines a second
    shown = performance.now();
    self.postMessage({ type: "progress", id, text: `${asked.what} (${mb(Math.min(done, total))} of ${mb(total)} MB)` });
  };
  onBytes(0);
  const store = await dataCache();
  await Promise.all(entries.map(([name, entry]) => obtain(runtime, store, name, entry, id, onBytes)));
}

/** Python's answer to a request, after downloading the data files it asks for; {response, ms} (ms: Python's). */
async function answer(runtime, id, request) {
  let ms = 0;
  const ask = (extra) => {
    self.postMessage({ type: "running", id }); // Python starts: the page's runaway timer (re)starts now
    const started = performance.now();
    const response = JSON.parse(runtime.handle(JSON.stringify({ ...request, ...extra })));
    ms += performance.now() - started;
    return response;
  };
  const fetched = new Set();
  for (let round = 1; ; round++) {
    const response = ask({});
    if (!response.need) return { response, ms };
    const again = response.need.find((name) => fetched.has(name));
    // The reader's input stays; Python renders the message (the next change tries again).
    if (again || round > MAX_ROUNDS) {
      return { response: ask({ data_error: `Sorry: ${again || "a data file"} was downloaded but could not be read.` }), ms };
    }
    try {
      await fetchNeeded(runtime, id, response);
    } catch (error) {
      const why = String((error && error.message) || error);
      return { response: ask({ data_error: `Sorry: ${response.what} could not be downloaded (${why}). Change the input or try again.` }), ms };
    }
    response.need.forEach((name) => fetched.add(name));
  }
}

/** One widget update: JSON state in, {html, state, error} out. */
async function compute(runtime, message) {
  const { pyodide } = runtime;
  const request = { widget: message.widget, state: message.state };
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
  const answering = answer(runtime, message.id, request);
  running.add(answering);
  try {
    const { response, ms } = await answering;
    self.postMessage({ type: "result", id: message.id, response, ms });
  } finally {
    running.delete(answering);
  }
}

self.onmessage = async (event) => {
  const message = event.data;
  try {
    if (message.type === "init") {
      booting = booting || boot(message.widgets || []);
      await booting;
    } else if (message.type === "compute") {
      await compute(await booting, message);
    } else if (message.type === "prepare") {
      const { pyodide, widgets } = await booting;
      prepare(pyodide, widgets);
    }
  } catch (error) {
    self.postMessage({ type: "failed", message: String((error && error.message) || error) });
  }
};
